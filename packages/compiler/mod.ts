/**
 * The compiler: turns the boot model into the dracut module's files through
 * the shell syntax tree and its printer.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { compileModule } from "./mod.ts";
 * import { BOOT } from "@tmpfs-root/model";
 * const paths = compileModule(BOOT).files.map((f) => f.path);
 * assert.ok(paths.includes("module-setup.sh"));
 * assert.ok(paths.includes("tmpfs-root-mount.sh"));
 * ```
 *
 * @module
 */
export * from "./compile_module.ts";
export type { Context, Mounter } from "./_context.ts";
