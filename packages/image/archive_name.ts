import type { Format } from "@tmpfs-root/model";

/** An archive's format by its file name's ending, and the endings that name it. */
export const EXTENSIONS: readonly (readonly [Format, readonly string[]])[] = [
  ["zstd", [".tar.zst", ".tzst"]],
  ["xz", [".tar.xz", ".txz"]],
  ["gzip", [".tar.gz", ".tgz"]],
  ["bzip2", [".tar.bz2", ".tbz2"]],
  ["lz4", [".tar.lz4"]],
  ["tar", [".tar"]],
];

/**
 * The format an archive's file name asks for; a `RangeError` naming the
 * endings when it asks for none.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { formatOfName } from "./archive_name.ts";
 * assert.equal(formatOfName("out/rootfs.tar.zst"), "zstd");
 * assert.equal(formatOfName("rootfs.tgz"), "gzip");
 * assert.throws(() => formatOfName("rootfs.zip"), /Unknown archive ending "rootfs.zip"/);
 * ```
 */
export function formatOfName(path: string): Format {
  const name = path.slice(path.lastIndexOf("/") + 1);
  for (const [format, endings] of EXTENSIONS) {
    if (endings.some((e) => name.length > e.length && name.endsWith(e))) return format;
  }
  const all = EXTENSIONS.map(([, e]) => e[0]);
  throw new RangeError(
    `Unknown archive ending "${name}": expected ${all.slice(0, -1).join(", ")} or ${all.at(-1)}`,
  );
}
