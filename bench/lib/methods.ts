/**
 * What the bench times: each method's script, run by dash inside the
 * sandbox with the archives at /archive and a fresh tmpfs at /sysroot.
 *
 * @module
 */
import { DECOMPRESS, type Format, FORMATS, PROGRESS_EVERY, TAR_OPTIONS } from "@tmpfs-root/model";
import { archiveName, CPIO_NAME } from "./archives.ts";

/** The ways of unpacking a root the bench compares. */
export type Family =
  | "module"
  | "raw"
  | "seed"
  | "warewulf"
  | "importd"
  | "importd-download"
  | "flags"
  | "reader"
  | "progress"
  | "shards-2"
  | "shards-4";

/** One timed method. */
export interface Method {
  /** A file-name-safe id, e.g. `module-zstd`. */
  readonly id: string;
  readonly family: Family;
  /** The archive's format; `cpio` for Warewulf's .cpio.gz. */
  readonly format: Format | "cpio";
  /** The row's name in the tables. */
  readonly label: string;
  /** The dash script the sandbox runs (stdin is /dev/null). */
  readonly script: string;
  /** The command as the tables and README show it. */
  readonly command: string;
  /** Serve /archive over HTTP on 127.0.0.1 in a network namespace of its own. */
  readonly http?: boolean;
  /** Where the unpacked tree is (default /sysroot; a glob matching one folder). */
  readonly tree?: string;
}

/** The formats whose raw limit is also timed behind the module's reader (an extra cat). */
export const READER_FORMATS = ["zstd", "lz4", "tar"] as const;

/**
 * The formats whose module unpack is also timed with progress on: zstd (the
 * fastest, over before the first line is due) and bzip2 (the slowest, long
 * enough for lines).
 */
export const PROGRESS_FORMATS = ["zstd", "bzip2"] as const;

/** The port of the HTTP server for systemd-pull, inside the run's own network namespace. */
export const HTTP_PORT = 8080;

/** The name systemd-pull gives the image (a folder under its image root). */
export const PULL_NAME = "rootfs";

/** systemd-pull, the program systemd-importd runs for `machinectl pull-tar`. */
export const SYSTEMD_PULL = "/usr/lib/systemd/systemd-pull";

/** The module's tar flags, in groups whose cost is measured by leaving each out in turn. */
export const FLAG_GROUPS: readonly {
  readonly id: string;
  readonly flags: readonly string[];
}[] = [
  { id: "xattrs", flags: ["--xattrs", "--xattrs-include=*"] },
  { id: "acls", flags: ["--acls"] },
  { id: "selinux", flags: ["--selinux"] },
  { id: "owners", flags: ["-p", "--same-owner", "--numeric-owner"] },
  { id: "block-numbers", flags: ["-R"] },
];

/**
 * The decompressor the module runs for `format`, as a command line (gzip: pigz when there).
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { decompressor } from "./methods.ts";
 * assert.equal(decompressor("gzip", true), "pigz -dc");
 * assert.equal(decompressor("xz", true), "xz -dc -T0");
 * ```
 */
export function decompressor(format: Exclude<Format, "tar">, pigz: boolean): string {
  const words = [...DECOMPRESS[format]];
  if (format === "gzip" && pigz) words[0] = "pigz";
  return words.join(" ");
}

/** Single-quotes a word for dash when it holds anything but plain characters. */
function word(w: string): string {
  return /^[A-Za-z0-9_./=:,+-]+$/.test(w) ? w : `'${w.replaceAll("'", `'\\''`)}'`;
}

/**
 * The module's own tar command with `without` left out, unpacking stdin into /sysroot; a
 * RangeError for a flag the module's tar does not use.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { moduleTar } from "./methods.ts";
 * assert.equal(
 *   moduleTar(["--acls", "--selinux"]),
 *   "tar -x -p -R --same-owner --numeric-owner --xattrs '--xattrs-include=*' -f - -C /sysroot",
 * );
 * assert.throws(() => moduleTar(["-z"]), /Invalid tar flag "-z"/);
 * ```
 */
export function moduleTar(without: readonly string[] = []): string {
  for (const f of without) {
    if (!TAR_OPTIONS.includes(f)) {
      throw new RangeError(`Invalid tar flag "${f}": the module's tar does not use it`);
    }
  }
  const options = TAR_OPTIONS.filter((o) => !without.includes(o));
  return ["tar", ...options, "-f", "-", "-C", "/sysroot"].map(word).join(" ");
}

/** What {@linkcode methods} needs to know of the machine and the module. */
export interface MethodOptions {
  /** Whether pigz is in the sandbox (the module then decompresses gzip with it). */
  readonly pigz: boolean;
  /** Where module-setup.sh installs tmpfs-root-lib.sh, e.g. `/lib/tmpfs-root-lib.sh`. */
  readonly lib: string;
  /** Whether systemd-pull is installed. */
  readonly systemdPull: boolean;
  /** The archives' manifests' `attributes=`, which the module passes its unpack. */
  readonly attributes: string;
  /** By shard count, the zstd shards' file names and then the directories' part's (`Archives.shards`). */
  readonly shards: Readonly<Record<string, readonly string[]>>;
}

/**
 * The raw limit of a sharded tree: the directories' part (so that no
 * shard's tar makes a directory: two making the same one race), each
 * shard's bare `zstd | tar -x` at once, each waited for (a failure fails
 * the script), then the directories' part again (their mtimes and modes).
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { rawShards } from "./methods.ts";
 * assert.equal(
 *   rawShards(["a", "b", "d"], ""),
 *   "zstd -dcq <d | tar -x -f - -C /sysroot && { zstd -dcq <a | tar -x -f - -C /sysroot & p0=$!; " +
 *     "zstd -dcq <b | tar -x -f - -C /sysroot & p1=$!; wait $p0 && wait $p1; } && " +
 *     "zstd -dcq <d | tar -x -f - -C /sysroot",
 * );
 * ```
 */
export function rawShards(names: readonly string[], dir: string): string {
  const one = (n: string) => `zstd -dcq <${dir}${n} | tar -x -f - -C /sysroot`;
  const shards = names.slice(0, -1);
  const dirs = one(names.at(-1)!);
  const atOnce = `${shards.map((n, i) => `${one(n)} & p${i}=$!`).join("; ")}; ${
    shards.map((_, i) => `wait $p${i}`).join(" && ")
  };`;
  return `${dirs} && { ${atOnce} } && ${dirs}`;
}

/**
 * Every method the bench times, in table order: for each format the
 * module's own unpack (the emitted `tmpfs_root_extract`, unmodified) and
 * the raw limit (the bare decompressor into bare `tar -x`), and for
 * {@linkcode PROGRESS_FORMATS} the module's unpack with its progress lines
 * on (as at boot; the other runs pass an empty period: none); the seed's
 * `tar xpzf`; Warewulf's `gzip -d | cpio -idm`; systemd-pull (what
 * systemd-importd runs for `machinectl pull-tar`) from a local HTTP
 * server, for each format, with a local name and without; and the module's
 * tar command on the zstd archive with all its flags and with each flag
 * group left out; and, for the fastest formats, the raw limit behind the
 * reader the module puts in front of the decompressor (`cat`; for plain
 * tar also the `cat` that stands for a decompressor).
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { methods } from "./methods.ts";
 * const all = methods({
 *   pigz: true,
 *   lib: "/lib/tmpfs-root-lib.sh",
 *   systemdPull: false,
 *   attributes: "xattrs",
 *   shards: {},
 * });
 * assert.equal(all.find((m) => m.id === "raw-zstd")?.command, "zstd -dcq <rootfs.tar.zst | tar -x -f - -C /sysroot");
 * ```
 */
export function methods(options: MethodOptions): Method[] {
  const all: Method[] = [];
  /** The emitted unpack of `name`, progress every `every` seconds ('': none, as the bench's own). */
  const moduleUnpack = (name: string, every: string) => {
    const call = `tmpfs_root_extract /sysroot ${name} '' ${every} '' ${options.attributes}`;
    return {
      command: `. ${options.lib}; ${call} <${name}`,
      script: [
        `. ${options.lib}`,
        "mkdir -p /run/tmpfs-root",
        `${call} </archive/${name} || {`,
        `    printf '%s\\n' "$tmpfs_root_cause" >&2`,
        "    exit 1",
        "}",
      ].join("\n"),
    };
  };
  for (const format of FORMATS) {
    const name = archiveName(format);
    all.push({
      id: `module-${format}`,
      family: "module",
      format,
      label: "module's unpack",
      ...moduleUnpack(name, "''"),
    });
    if ((PROGRESS_FORMATS as readonly Format[]).includes(format)) {
      all.push({
        id: `progress-${format}`,
        family: "progress",
        format,
        label: "module's unpack with progress",
        ...moduleUnpack(name, String(PROGRESS_EVERY)),
      });
    }
    const bare = format === "tar"
      ? `tar -x -f - -C /sysroot <${name}`
      : `${decompressor(format, options.pigz)} <${name} | tar -x -f - -C /sysroot`;
    all.push({
      id: `raw-${format}`,
      family: "raw",
      format,
      label: "raw limit",
      command: bare,
      script: bare.replace(`<${name}`, `</archive/${name}`),
    });
  }
  all.push({
    id: "seed-gzip",
    family: "seed",
    format: "gzip",
    label: "seed's way",
    command: `tar xpzf ${archiveName("gzip")} -C /sysroot`,
    script: `tar xpzf /archive/${archiveName("gzip")} -C /sysroot`,
  });
  all.push({
    id: "warewulf-cpio",
    family: "warewulf",
    format: "cpio",
    label: "Warewulf's way",
    command: `cd /sysroot && gzip -d <${CPIO_NAME} | cpio -idm`,
    script: `cd /sysroot && gzip -d </archive/${CPIO_NAME} | cpio -idm`,
  });
  if (options.systemdPull) {
    // As `machinectl pull-tar URL NAME` has systemd-importd run it: the download becomes a
    // hidden image (.tar-<URL>) and NAME a copy of it; with `-` for NAME, the download only.
    for (
      const [family, local, label, tree] of [
        ["importd", PULL_NAME, "systemd-importd's way", `/sysroot/${PULL_NAME}`],
        ["importd-download", "-", "systemd-importd, download only", "/sysroot/.tar-*"],
      ] as const
    ) {
      for (const format of FORMATS) {
        const url = `http://127.0.0.1:${HTTP_PORT}/${archiveName(format)}`;
        const command = `${SYSTEMD_PULL} tar --verify=no --image-root=/sysroot ${url} ${local}`;
        all.push({
          id: `${family}-${format}`,
          family,
          format,
          label,
          command,
          script: command,
          http: true,
          tree,
        });
      }
    }
  }
  const zst = archiveName("zstd");
  const variants: { id: string; label: string; without: readonly string[] }[] = [
    { id: "flags-all", label: "module's tar, all flags", without: [] },
    ...FLAG_GROUPS.map((g) => ({
      id: `flags-no-${g.id}`,
      label: `module's tar without ${g.flags.join(" ")}`,
      without: g.flags,
    })),
  ];
  for (const v of variants) {
    const pipe = `${decompressor("zstd", options.pigz)} <${zst} | ${
      moduleTar(v.without)
    } >/run/tar.out`;
    all.push({
      id: v.id,
      family: "flags",
      format: "zstd",
      label: v.label,
      command: pipe,
      script: pipe.replace(`<${zst}`, `</archive/${zst}`),
    });
  }
  for (const [count, names] of Object.entries(options.shards)) {
    all.push({
      id: `shards-${count}-zstd`,
      family: `shards-${count}` as Family,
      format: "zstd",
      label: `raw limit, ${count} shards at once`,
      command: rawShards(names, ""),
      script: rawShards(names, "/archive/"),
    });
  }
  for (const format of READER_FORMATS) {
    const name = archiveName(format);
    const middle = format === "tar" ? "cat" : decompressor(format, options.pigz);
    const pipe = `cat <${name} | ${middle} | tar -x -f - -C /sysroot`;
    all.push({
      id: `reader-${format}`,
      family: "reader",
      format,
      label: "raw limit behind the module's reader",
      command: pipe,
      script: pipe.replace(`<${name}`, `</archive/${name}`),
    });
  }
  return all;
}
