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
