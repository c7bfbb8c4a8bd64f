/**
 * tmpfs-root: boot Linux into a root file system unpacked into RAM.
 *
 * The public API: the boot model, the compiler that turns it into the
 * dracut module, and the packaging helpers.
 *
 * @example
 * ```ts
 * import { BOOT, compileModule, parseParams } from "./mod.ts";
 * const r = parseParams("root=tmpfs:LABEL=images rd.tmpfs.size=3G");
 * console.log(r.kind, compileModule(BOOT).files.length);
 * ```
 *
 * @module
 */
export * from "./packages/model/mod.ts";
export * from "./packages/compiler/mod.ts";
export * from "./packages/dracut/mod.ts";
