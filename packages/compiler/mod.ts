/**
 * The compiler: turns the boot model into the dracut module's files through
 * the shell syntax tree and its printer.
 *
 * @example
 * ```ts
 * import { compileModule } from "./mod.ts";
 * import { BOOT } from "@tmpfs-root/model";
 * console.log(compileModule(BOOT).files.map((f) => f.path));
 * ```
 *
 * @module
 */
export * from "./compile_module.ts";
