/**
 * The dracut packaging layer: places the compiler's printed files in a
 * module folder, checks a committed copy against the model, installs.
 *
 * @example
 * ```ts
 * import { diffModule } from "./mod.ts";
 * import { compileModule } from "@tmpfs-root/compiler";
 * import { BOOT } from "@tmpfs-root/model";
 * const problems = await diffModule("module/90tmpfs-root", compileModule(BOOT).files);
 * console.log(problems.length === 0 ? "up to date" : problems);
 * ```
 *
 * @module
 */
export * from "./diff_module.ts";
export * from "./write_module.ts";
