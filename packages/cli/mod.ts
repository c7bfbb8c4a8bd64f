/**
 * The `tmpfs-root` command line.
 *
 * @example
 * ```ts
 * import { checkCmdline } from "./mod.ts";
 * console.log(checkCmdline("root=tmpfs:LABEL=images").report);
 * ```
 *
 * @module
 */
export * from "./check_cmdline.ts";
export * from "./main.ts";
