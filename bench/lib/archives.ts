/**
 * The archives the bench unpacks: the tree packed in every format by the
 * project's own `packTree`, and a gzip-compressed newc cpio of the same tree
 * (Warewulf's way), cached beside the tree, keyed by the tree and the pack
 * code.
 *
 * @module
 */
import { attributeList, ATTRIBUTES, type Format, FORMATS } from "@tmpfs-root/model";
import {
  COMPRESSORS,
  EXTENSIONS,
  PACK_TAR_OPTIONS,
  packTree,
  planShards,
  shardTarArgs,
} from "@tmpfs-root/image";
import { bash, shortHash, shQuote } from "./_exec.ts";
import type { RootTree } from "./root_tree.ts";

/** The archive files of one tree. */
export interface Archives {
  /** The folder that holds them (bound read-only at /archive in the sandbox). */
  readonly dir: string;
  /** Each format's file name, e.g. `rootfs.tar.zst`. */
  readonly names: Readonly<Record<Format, string>>;
  /** The cpio archive's file name. */
  readonly cpio: string;
  /** Each file's size in bytes, by name. */
  readonly bytes: Readonly<Record<string, number>>;
  /** The compressor each file was made with, by name (`tar` for plain tar). */
  readonly compressors: Readonly<Record<string, string>>;
  /**
   * The manifests' `attributes=` (the same tree in every format): the kinds
   * of attribute the module's tar restores.
   */
  readonly attributes: string;
  /**
   * The tree split by `planShards` into each of {@linkcode SHARD_COUNTS}
   * zstd shards: by count, the shards' file names, then the directories'
   * part (unpacked last).
   */
  readonly shards: Readonly<Record<string, readonly string[]>>;
}

/** The shard counts the bench packs the tree into. */
export const SHARD_COUNTS = [2, 4] as const;

/**
 * The file name of a part of the tree split into `count` shards: shard
 * `part` (from 0), or `dirs` for the directories.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { shardName } from "./archives.ts";
 * assert.equal(shardName(2, 0), "rootfs.2-shards.0.tar.zst");
 * assert.equal(shardName(2, "dirs"), "rootfs.2-shards.dirs.tar.zst");
 * ```
 */
export function shardName(count: number, part: number | "dirs"): string {
  return `rootfs.${count}-shards.${part}.tar.zst`;
}

/**
 * The file name of the `format` archive: `rootfs` and the format's first ending.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { archiveName } from "./archives.ts";
 * assert.equal(archiveName("zstd"), "rootfs.tar.zst");
 * assert.equal(archiveName("tar"), "rootfs.tar");
 * ```
 */
export function archiveName(format: Format): string {
  const endings = EXTENSIONS.find(([f]) => f === format)?.[1];
  if (endings === undefined) throw new RangeError(`Invalid format "${format}": no file ending`);
  return `rootfs${endings[0]}`;
}

/** The cpio archive's name. */
export const CPIO_NAME = "rootfs.cpio.gz";

/** The gzip compressor for the cpio archive: the one `packTree` would pick, at its default level. */
async function gzipCommand(): Promise<string> {
  const { programs, defaultLevel } = COMPRESSORS.gzip;
  for (const p of programs) {
    const found = await bash(`command -v ${shQuote(p[0]!)} || true`);
    if (found.trim() !== "") {
      return p.map((a) => a.replace("{level}", String(defaultLevel))).join(" ");
    }
  }
  throw new Error("No gzip compressor: install pigz or gzip");
}

/**
 * Packs `tree` once into `<tree's cache folder>/archives-<key>/`: one
 * archive per format with `packTree` (default levels, the compressor it
 * picks), and `rootfs.cpio.gz`, made as Warewulf makes its images:
 * `find . | cpio -o -H newc | gzip` (names sorted, the same gzip as the
 * .tar.gz). The key hashes the tree's key and the pack code's source.
 *
 * @example
 * ```ts ignore
 * import { packArchives } from "./archives.ts";
 * const archives = await packArchives(tree, console.error);
 * console.log(archives.bytes[archives.names.zstd]);
 * ```
 */
export async function packArchives(
  tree: RootTree,
  log: (line: string) => void = () => {},
): Promise<Archives> {
  const packSource = [
    await Deno.readTextFile(new URL("../../packages/image/pack_tree.ts", import.meta.url)),
    await Deno.readTextFile(new URL("../../packages/image/plan_shards.ts", import.meta.url)),
  ].join("\n");
  const gzip = await gzipCommand();
  const key = await shortHash(
    JSON.stringify({ tree: tree.key, packSource, PACK_TAR_OPTIONS, COMPRESSORS, gzip }),
  );
  const dir = `${tree.dir.replace(/\/tree$/, "")}/archives-${key}`;
  const done = `${dir}/archives.json`;
  try {
    return JSON.parse(await Deno.readTextFile(done)) as Archives;
  } catch {
    // not made yet
  }
  await Deno.remove(dir, { recursive: true }).catch(() => {});
  await Deno.mkdir(dir, { recursive: true });
  const names = Object.fromEntries(FORMATS.map((f) => [f, archiveName(f)])) as Record<
    Format,
    string
  >;
  const bytes: Record<string, number> = {};
  const compressors: Record<string, string> = {};
  let attributes = attributeList(ATTRIBUTES);
  for (const format of FORMATS) {
    const out = `${dir}/${names[format]}`;
    log(`packing ${names[format]} with packTree`);
    const packed = await packTree({ dir: tree.dir, out, force: tree.kind === "synthetic" });
    compressors[names[format]] = packed.compressor?.join(" ") ?? "none (plain tar)";
    bytes[names[format]] = packed.manifest.compressedBytes;
    attributes = attributeList(packed.manifest.attributes ?? ATTRIBUTES);
  }
  const cpio = `${dir}/${CPIO_NAME}`;
  log(`packing ${CPIO_NAME} with cpio -o -H newc | ${gzip}`);
  await bash(
    `cd ${shQuote(tree.dir)} && find . -print0 | LC_ALL=C sort -z |` +
      ` cpio --null -o -H newc --quiet | ${gzip} >${shQuote(cpio)}`,
  );
  compressors[CPIO_NAME] = `cpio -o -H newc | ${gzip}`;
  bytes[CPIO_NAME] = (await Deno.stat(cpio)).size;
  // The shards: each part packed with packTree's tar options and its zstd.
  const zstd = compressors[names.zstd]!;
  const shards: Record<string, string[]> = {};
  for (const count of SHARD_COUNTS) {
    log(`packing the tree as ${count} zstd shards (planShards) and its directories`);
    const plan = await planShards(tree.dir, count);
    const parts: [number | "dirs", readonly string[]][] = [
      ...plan.shards.map((s, i): [number, readonly string[]] => [i, s.paths]),
      ["dirs", plan.directories],
    ];
    shards[count] = [];
    for (const [part, paths] of parts) {
      const name = shardName(count, part);
      const list = `${dir}/${name}.list`;
      await Deno.writeTextFile(list, paths.map((p) => `${p}\0`).join(""));
      await bash(
        `tar ${shardTarArgs(tree.dir, list).map(shQuote).join(" ")} | ${zstd} >${
          shQuote(`${dir}/${name}`)
        }`,
      );
      await Deno.remove(list);
      compressors[name] = `planShards, tar | ${zstd}`;
      bytes[name] = (await Deno.stat(`${dir}/${name}`)).size;
      shards[count].push(name);
    }
  }
  const archives: Archives = {
    dir,
    names,
    cpio: CPIO_NAME,
    bytes,
    compressors,
    attributes,
    shards,
  };
  await Deno.writeTextFile(done, JSON.stringify(archives, null, 2) + "\n");
  return archives;
}
