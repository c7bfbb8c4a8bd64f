/**
 * The tmpfs-root boot model: kernel parameters, sources, the step DSL and
 * the boot sequence itself. It knows nothing of shell or of the simulator.
 *
 * @example
 * ```ts
 * import { BOOT, parseParams } from "./mod.ts";
 * const r = parseParams("root=tmpfs:LABEL=images rd.tmpfs.size=3G");
 * console.log(BOOT.phases.length, r.kind);
 * ```
 *
 * @module
 */
export * from "./boot.ts";
export * from "./cmdline.ts";
export * from "./dsl.ts";
export * from "./params.ts";
export * from "./read_params.ts";
export * from "./source.ts";
export type * from "./step.ts";
export * from "./params_doc.ts";
export * from "./commands.ts";
export * from "./hostile_cmdlines.ts";
export * from "./messages.ts";
export * from "./source_kinds.ts";
