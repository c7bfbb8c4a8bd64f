/**
 * The `tmpfs-root` command line.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { checkCmdline } from "./mod.ts";
 * const { ok, report } = checkCmdline("root=tmpfs:LABEL=images rd.tmpfs.size=3G");
 * assert.equal(ok, true);
 * assert.match(report, /^source: block device \/dev\/disk\/by-label\/images\nrd\.tmpfs\.size=3G\n/);
 * ```
 *
 * @module
 */
export * from "./check_cmdline.ts";
export * from "./main.ts";
export * from "./usage.ts";
export * from "./build_cmdline.ts";
