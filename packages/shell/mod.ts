/**
 * The shell syntax tree, its constructors and the printer, the only
 * producer of shell text in tmpfs-root; and, for tests, a runner of printed
 * scripts under the real shells they must work in.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { cmd, printScript, script, v, w } from "./mod.ts";
 * assert.equal(
 *   printScript(script([cmd("printf", "%s\\n", w("label: ", v("label")))])),
 *   `#!/bin/sh\nprintf '%s\\n' "label: $label"\n`,
 * );
 * ```
 *
 * @module
 */
export type * from "./ast.ts";
export * from "./build.ts";
export * from "./print.ts";
export * from "./require_program.ts";
export * from "./run_shell.ts";
