/**
 * The tmpfs-root boot model: kernel parameters, sources, the step DSL and
 * the boot sequence itself. It knows nothing of shell or of the simulator.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { BOOT, parseParams } from "./mod.ts";
 * assert.deepEqual(BOOT.phases.map((p) => p.name), ["cmdline", "mount", "prePivot"]);
 * const r = parseParams("root=tmpfs:LABEL=images rd.tmpfs.size=3G");
 * assert.equal(r.kind === "ok" && r.params.values.size, "3G");
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
export * from "./manifest.ts";
export * from "./sidecar.ts";
export * from "./fit.ts";
export * from "./layers.ts";
export * from "./report.ts";
export * from "./progress.ts";
export * from "./image.ts";
