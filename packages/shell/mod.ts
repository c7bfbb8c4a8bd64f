/**
 * The shell syntax tree, its constructors and the printer, the only
 * producer of shell text in tmpfs-root.
 *
 * @example
 * ```ts
 * import { cmd, printScript, script, v, w } from "./mod.ts";
 * console.log(printScript(script([cmd("printf", "%s\\n", w("label: ", v("label")))])));
 * ```
 *
 * @module
 */
export type * from "./ast.ts";
export * from "./build.ts";
export * from "./print.ts";
