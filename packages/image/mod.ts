/**
 * The operator's image tools: pack a directory into a bootable archive
 * with its sidecars, and inspect an archive as a stream.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { recommendedSize } from "@tmpfs-root/model";
 * assert.equal(recommendedSize(0), "64M");
 * ```
 *
 * @module
 */
export * from "./archive_name.ts";
export * from "./input_error.ts";
export * from "./inspect_archive.ts";
export * from "./pack_tree.ts";
export * from "./plan_shards.ts";
export * from "./root_layout.ts";
