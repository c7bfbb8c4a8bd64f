import { bytesInWords, INITS, MOUNT_POINTS } from "./root_layout.ts";
import { DECOMPRESSOR_TRUNCATED, type Format, recommendedSize } from "@tmpfs-root/model";
import { ArchiveTree } from "./_archive_tree.ts";
import { displayName, quoteName, safeText } from "./_names.ts";
import { readTarEntries, type TarEnd, type TarEntry } from "./_tar_entries.ts";
import { openTarStream } from "./_tar_stream.ts";
import { InputError } from "./input_error.ts";

/** Where os-release(5) may be, in the order systemd looks. */
const OS_RELEASE: readonly string[] = ["/etc/os-release", "/usr/lib/os-release"];

/** The largest os-release file read: far above any real one. */
const OS_RELEASE_MAX_BYTES = 64 * 1024;

/** How a decompressor says its input stopped short (the module's extract function reads it so). */
const TRUNCATED = new RegExp(DECOMPRESSOR_TRUNCATED, "i");

/**
 * A mount point of the new root.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import type { MountPoint } from "./inspect_archive.ts";
 * const tmp: MountPoint = { path: "/tmp", present: true, mode: "1777", sane: true };
 * assert.equal(JSON.stringify(tmp), '{"path":"/tmp","present":true,"mode":"1777","sane":true}');
 * ```
 */
export interface MountPoint {
  /** `/proc`, `/sys`, `/dev`, `/run` or `/tmp`. */
  readonly path: string;
  /** Whether it is a directory of the archive (through symbolic links). */
  readonly present: boolean;
  /** Its mode in four octal digits (`"0755"`), or `null` when missing or made by tar for a member below it. */
  readonly mode: string | null;
  /** /tmp: mode 1777; the others: present and writable by neither group nor others. */
  readonly sane: boolean;
}

/**
 * A member tar would unpack outside the root, refuse, or link out of it.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import type { UnsafeEntry } from "./inspect_archive.ts";
 * const u: UnsafeEntry = { name: "./etc/x", target: "../../x", reason: "a symbolic link above the root" };
 * assert.equal(u.target, "../../x");
 * ```
 */
export interface UnsafeEntry {
  /** The member's name as stored (bytes that are not UTF-8 as U+DC80 to U+DCFF). */
  readonly name: string;
  /** A link's target as stored, else `null`. */
  readonly target: string | null;
  /** Why it is unsafe, in a few words. */
  readonly reason: string;
}

/**
 * What an archive holds and whether it would boot: plain data, as JSON
 * holds it (a name's bytes that are not UTF-8 are lone surrogates, which
 * `JSON.stringify` writes as `\udcNN`).
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { execFileSync } from "node:child_process";
 * import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
 * import { type Inspection, inspectArchive } from "./inspect_archive.ts";
 * const dir = mkdtempSync("/tmp/inspection-doc-");
 * mkdirSync(`${dir}/root`);
 * execFileSync("tar", ["-C", `${dir}/root`, "-cf", `${dir}/empty.tar`, "."]);
 * const i: Inspection = await inspectArchive(`${dir}/empty.tar`);
 * assert.deepEqual(JSON.parse(JSON.stringify(i)), i);
 * assert.equal(i.boots, false);
 * assert.equal(i.inodes, 1); // the root directory
 * rmSync(dir, { recursive: true });
 * ```
 */
export interface Inspection {
  /** The archive's path, as given. */
  readonly path: string;
  readonly format: Format;
  /** The archive's size in bytes. */
  readonly compressedBytes: number;
  /** What the tree takes in a tmpfs, as the manifest's `unpacked_bytes` counts it. */
  readonly unpackedBytes: number;
  /** Members of the tar stream (pax and GNU long-name headers are not members). */
  readonly entries: number;
  /** Inodes of the tree, as the manifest's `inodes` counts them. */
  readonly inodes: number;
  /** Whether the stream ends with its end-of-archive blocks and the decompressor saw no early end. */
  readonly complete: boolean;
  /** Whether any member carries extended attributes, ACLs or an SELinux label. */
  readonly attributes: {
    readonly xattrs: boolean;
    readonly acls: boolean;
    readonly selinux: boolean;
  };
  /** The init found: the path tried, the file its links lead to, and whether it may run. */
  readonly init:
    | { readonly path: string; readonly file: string; readonly executable: boolean }
    | null;
  /** The os-release file found (`/etc/os-release`, else `/usr/lib/os-release`) and its `PRETTY_NAME`. */
  readonly osRelease: { readonly path: string; readonly prettyName: string | null } | null;
  /** /proc, /sys, /dev, /run and /tmp. */
  readonly mountPoints: readonly MountPoint[];
  readonly unsafe: readonly UnsafeEntry[];
  /** Hard links to a name no earlier member has: tar fails to make them. */
  readonly brokenHardLinks: readonly string[];
  /** Regular files with the setuid or setgid bit, absolute. */
  readonly setuid: readonly string[];
  /** Character and block devices. */
  readonly devices: number;
  readonly fifos: number;
  /** The `rd.tmpfs.size` value for this tree (the model's `recommendedSize`). */
  readonly recommendedSize: string;
  /** Why it would not boot, each a sentence; names in them are quoted and escaped. */
  readonly problems: readonly string[];
  /** What may go wrong or is worth a look, each a sentence. */
  readonly warnings: readonly string[];
  /** `problems` is empty. */
  readonly boots: boolean;
}

/** A member name's parts, and whether it is absolute or has `..` parts. */
function nameParts(name: string): { parts: string[]; absolute: boolean; dotdot: boolean } {
  const all = name.split("/");
  return {
    parts: all.filter((p) => p !== "" && p !== "."),
    absolute: name.startsWith("/"),
    dotdot: all.includes(".."),
  };
}

/** `parts` applied to the directory `from` (`..` pops): the path, and whether a `..` climbed above the root. */
function walk(
  from: readonly string[],
  parts: readonly string[],
): { path: string; climbs: boolean } {
  const done = [...from];
  let climbs = false;
  for (const part of parts) {
    if (part !== "..") done.push(part);
    else if (done.pop() === undefined) climbs = true;
  }
  return { path: done.join("/"), climbs };
}

/** The `PRETTY_NAME` of an os-release file, unquoted, or `null`. */
function prettyName(data: Uint8Array): string | null {
  const line = new TextDecoder().decode(data).split("\n").find((l) => l.startsWith("PRETTY_NAME="));
  if (line === undefined) return null;
  const value = line.slice("PRETTY_NAME=".length).trim();
  const quoted = /^(["'])(.*)\1$/.exec(value);
  return quoted ? quoted[2]!.replace(/\\(["'`$\\])/g, "$1") : value;
}

/** `n` and the noun, plural unless `n` is 1. */
function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** A mode in four octal digits, as `stat -c %a` pads it: `0755`. */
function octal(mode: number): string {
  return mode.toString(8).padStart(4, "0");
}

/**
 * The sentence for a stream that stops short, or `null` for a whole one;
 * `failure` is the decompressor's line when it said its input ended early.
 */
function truncation(end: TarEnd, format: Format, failure: string | null): string | null {
  if (end.kind === "end" && failure === null) return null;
  const where = end.member !== null
    ? `ends inside ${quoteName(displayName(end.member))}`
    : end.kind === "lone"
    ? "ends after one zero block instead of the two that end an archive"
    : end.kind === "cut" && end.bytes === 0
    ? "is empty"
    : end.kind === "cut"
    ? "ends without its end-of-archive blocks"
    : "is whole, but the compressed stream is not";
  const said = failure === null ? "" : ` (${format} says "${safeText(failure)}")`;
  return `The archive is truncated: its tar stream ${where}${said}.`;
}

/** What the members of an archive show, gathered as they stream by. */
interface Members {
  readonly tree: ArchiveTree;
  readonly end: TarEnd;
  readonly entries: number;
  readonly attributes: Inspection["attributes"];
  readonly unsafe: readonly UnsafeEntry[];
  readonly brokenHardLinks: readonly string[];
  /** Setuid and setgid files, as byte strings. */
  readonly setuid: readonly string[];
  readonly devices: number;
  readonly fifos: number;
  /** The `PRETTY_NAME` of each os-release file, by path. */
  readonly prettyNames: ReadonlyMap<string, string | null>;
}

/** Reads the tar stream's members into a tree and the lists of what stands out. */
async function readMembers(chunks: AsyncIterable<Uint8Array>): Promise<Members> {
  const tree = new ArchiveTree();
  const attributes = { xattrs: false, acls: false, selinux: false };
  const unsafe: UnsafeEntry[] = [];
  const brokenHardLinks: string[] = [];
  const setuid: string[] = [];
  const prettyNames = new Map<string, string | null>();
  const counts = { entries: 0, devices: 0, fifos: 0 };

  const visit = (e: TarEntry, data?: Uint8Array): void => {
    counts.entries++;
    attributes.xattrs ||= e.xattrs;
    attributes.acls ||= e.acls;
    attributes.selinux ||= e.selinux;
    const name = nameParts(e.name);
    const flag = (reason: string, target: string | null = null) =>
      unsafe.push({ name: displayName(e.name), target, reason });
    // GNU tar strips a leading slash, and refuses a name with a `..` part.
    if (name.absolute) flag("an absolute name");
    if (name.dotdot) return void flag("a .. component in its name");
    const path = name.parts.join("/");
    let target = e.linkname;
    if (e.type === "hardlink") {
      const link = nameParts(e.linkname);
      const to = walk([], link.parts);
      if (link.absolute) flag("a hard link to an absolute path", displayName(e.linkname));
      else if (to.climbs) flag("a hard link out of the root", displayName(e.linkname));
      if (!tree.has(to.path)) brokenHardLinks.push(displayName(e.name));
      target = to.path;
    } else if (e.type === "symlink" && !e.linkname.startsWith("/")) {
      // An absolute target is fine: it resolves inside the new root after switch-root.
      if (walk(name.parts.slice(0, -1), nameParts(e.linkname).parts).climbs) {
        flag("a symbolic link above the root", displayName(e.linkname));
      }
    } else if (e.type === "file" && (e.mode & 0o6000) !== 0) setuid.push(`/${path}`);
    else if (e.type === "char" || e.type === "block") counts.devices++;
    else if (e.type === "fifo") counts.fifos++;
    if (data !== undefined) prettyNames.set(path, prettyName(data));
    tree.set(path, e.type, e.mode, e.size, target);
  };
  const keep = (e: TarEntry) =>
    e.type === "file" && e.size <= OS_RELEASE_MAX_BYTES && /(^|\/)os-release$/.test(e.name);

  const end = await readTarEntries(chunks, visit, keep);
  return { tree, end, attributes, unsafe, brokenHardLinks, setuid, prettyNames, ...counts };
}

/** Each mount point: whether the tree has it as a directory, its mode, and whether that is sane. */
function mountPoints(tree: ArchiveTree): MountPoint[] {
  return MOUNT_POINTS.map(({ path }) => {
    const found = tree.resolve(path);
    const present = found?.node.type === "directory";
    const mode = present ? found!.node.mode : null;
    return {
      path,
      present,
      mode: mode === null ? null : octal(mode),
      sane: path === "/tmp" ? mode === 0o1777 : present && ((mode ?? 0o755) & 0o022) === 0,
    };
  });
}

/** Why the root would not boot, and what is worth a warning, each a sentence. */
function judge(
  m: Members,
  found: Pick<Inspection, "init" | "osRelease" | "mountPoints">,
  inits: readonly string[],
  truncated: string | null,
): { problems: string[]; warnings: string[] } {
  const problems: string[] = truncated === null ? [] : [truncated];
  const warnings: string[] = [];
  if (found.init === null) {
    problems.push(
      `There is no init: ${
        inits.join(" or ")
      } is not a file of the archive (name another one with init=).`,
    );
  } else if (!found.init.executable) {
    problems.push(`The init ${quoteName(found.init.file)} is not executable.`);
  }
  const required = new Set(MOUNT_POINTS.filter((p) => p.required).map((p) => p.path));
  for (const p of found.mountPoints.filter((p) => !p.present && required.has(p.path))) {
    problems.push(
      `There is no ${p.path} directory: switch-root moves the initramfs's ${p.path} there.`,
    );
  }
  if (m.unsafe.length > 0) {
    const [first, n] = [m.unsafe[0]!, m.unsafe.length];
    problems.push(
      `The archive has ${count(n, "unsafe entry", "unsafe entries")}${
        n > 1 ? ", the first" : ":"
      } ${quoteName(first.name)} (${first.reason}).`,
    );
  }
  if (m.brokenHardLinks.length > 0) {
    const more = m.brokenHardLinks.length - 1;
    problems.push(
      `${
        quoteName(m.brokenHardLinks[0]!)
      } is a hard link to a name no earlier member has: tar fails to make it${
        more > 0 ? ` (and ${more} more)` : ""
      }.`,
    );
  }
  const tmp = found.mountPoints.find((p) => p.path === "/tmp")!;
  if (!tmp.present) warnings.push("There is no /tmp directory: give the root one with mode 1777.");
  else if (!tmp.sane) {
    warnings.push(
      `/tmp has mode ${tmp.mode ?? "0755 (tar makes it for a member below it)"}, not 1777.`,
    );
  }
  for (const p of found.mountPoints.filter((p) => p.present && !p.sane && p.path !== "/tmp")) {
    warnings.push(`${p.path} has mode ${p.mode}: group or others may write to it.`);
  }
  if (found.osRelease === null) {
    warnings.push(
      "There is no /etc/os-release or /usr/lib/os-release: systemd in the initramfs refuses to switch root into the tree.",
    );
  }
  if (m.setuid.length > 0) {
    warnings.push(
      `${count(m.setuid.length, "setuid or setgid file")}: check that each is meant to be.`,
    );
  }
  if (m.end.trailing) {
    warnings.push(
      "Data follows the end-of-archive blocks: tar ignores it (concatenated archives?).",
    );
  }
  return { problems, warnings };
}

/**
 * Reads the archive at `path` once, as a stream, and says what it holds
 * and whether it would boot. The format comes from the first bytes; a
 * compressed archive goes through the model's decompressor command; the
 * tar headers (ustar, GNU long names, pax) are read as they stream by and
 * member data is skipped, so memory grows with the number of members
 * (names and types), never with their size. `options.init` names the init
 * the root boots with (`init=`) when it is not /sbin/init or
 * /usr/lib/systemd/systemd.
 *
 * A truncated archive is an inspection that does not boot; a file that is
 * missing, empty, not an archive, or that its decompressor rejects is an
 * {@linkcode InputError} whose one-line message names it.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { execFileSync } from "node:child_process";
 * import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
 * import { inspectArchive } from "./inspect_archive.ts";
 * const dir = mkdtempSync("/tmp/inspect-doc-");
 * for (const d of ["sbin", "proc", "sys", "dev", "run"]) mkdirSync(`${dir}/root/${d}`, { recursive: true });
 * writeFileSync(`${dir}/root/sbin/init`, "#!/bin/sh\n", { mode: 0o755 });
 * execFileSync("tar", ["-C", `${dir}/root`, "-czf", `${dir}/root.tar.gz`, "."]);
 * const i = await inspectArchive(`${dir}/root.tar.gz`);
 * assert.equal(i.format, "gzip");
 * assert.equal(i.init?.file, "/sbin/init");
 * assert.equal(i.unpackedBytes, 7 * 4096); // six directories and one small file
 * assert.equal(i.boots, true);
 * assert.deepEqual(i.warnings, [
 *   "There is no /tmp directory: give the root one with mode 1777.",
 *   "There is no /etc/os-release or /usr/lib/os-release: systemd in the initramfs refuses to switch root into the tree.",
 * ]);
 * rmSync(dir, { recursive: true });
 * ```
 */
export async function inspectArchive(
  path: string,
  options: { readonly init?: string } = {},
): Promise<Inspection> {
  if (options.init !== undefined && !options.init.startsWith("/")) {
    throw new InputError(`Invalid init "${options.init}": expected an absolute path`);
  }
  const stream = await openTarStream(path);
  let m: Members;
  try {
    m = await readMembers(stream.chunks);
  } catch (error) {
    // The decompressor's own failure explains a stream that is not tar better than tar's.
    const { failure } = await stream.close(true);
    if (failure !== null) throw decompressorError(path, stream.format, failure);
    if (!(error instanceof SyntaxError)) throw error;
    const after = stream.format === "tar" ? "" : ` (after ${stream.format} decompression)`;
    throw new InputError(`Invalid archive ${quoteName(path)}: ${error.message}${after}`);
  }
  const { failure, compressedBytes } = await stream.close(false);
  if (failure !== null && !TRUNCATED.test(failure)) {
    throw decompressorError(path, stream.format, failure);
  }

  const { bytes, inodes } = m.tree.usage();
  const inits = options.init === undefined ? INITS : [options.init];
  const init = inits.map((path) => ({ path, found: m.tree.resolve(path) }))
    .find((i) => i.found?.node.type === "file");
  const release = OS_RELEASE.map((p) => m.tree.resolve(p)).find((r) => r?.node.type === "file") ??
    null;
  const found = {
    init: init === undefined ? null : {
      path: init.path,
      file: displayName(init.found!.path),
      executable: ((init.found!.node.mode ?? 0) & 0o111) !== 0,
    },
    osRelease: release === null ? null : {
      path: displayName(release.path),
      prettyName: m.prettyNames.get(release.path.slice(1)) ?? null,
    },
    mountPoints: mountPoints(m.tree),
  };
  const truncated = truncation(m.end, stream.format, failure);
  const { problems, warnings } = judge(m, found, inits, truncated);
  return {
    path,
    format: stream.format,
    compressedBytes,
    unpackedBytes: bytes,
    entries: m.entries,
    inodes,
    complete: truncated === null,
    attributes: m.attributes,
    ...found,
    unsafe: m.unsafe,
    brokenHardLinks: m.brokenHardLinks,
    setuid: m.setuid.map(displayName),
    devices: m.devices,
    fifos: m.fifos,
    recommendedSize: recommendedSize(bytes),
    problems,
    warnings,
    boots: problems.length === 0,
  };
}

function decompressorError(path: string, format: Format, failure: string): Error {
  return new InputError(`Cannot decompress ${quoteName(path)} (${format}): ${safeText(failure)}`);
}

/** Bytes, and the same in words when that is shorter. */
function size(bytes: number): string {
  return bytes < 1024 ? `${bytes} bytes` : `${bytes} bytes (${bytesInWords(bytes)})`;
}

/** How many names of a list the report prints before "and N more". */
const LISTED = 10;

/** A count, then the first {@linkcode LISTED} items a line each, then how many more there are. */
function listed(items: readonly string[], one: string, many?: string): string[] {
  if (items.length === 0) return ["none"];
  const more = items.length > LISTED ? [`and ${items.length - LISTED} more`] : [];
  return [count(items.length, one, many), ...items.slice(0, LISTED), ...more];
}

/** The width of the report's labels, the colon and the space after them included. */
const LABEL = 15;

/**
 * The report `tmpfs-root inspect` prints: a line a finding, labels
 * aligned; lists (unsafe entries, setuid files) show their first ten
 * names, one a line; then the problems and warnings, and last
 * `boots: yes` or `would not boot: <the first problem>`. Names are
 * quoted and escaped, and every line is made safe for a terminal
 * (control characters and bytes that are not UTF-8 print as `\xNN`).
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { execFileSync } from "node:child_process";
 * import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
 * import { formatInspection, inspectArchive } from "./inspect_archive.ts";
 * const dir = mkdtempSync("/tmp/format-doc-");
 * mkdirSync(`${dir}/root/etc`, { recursive: true });
 * writeFileSync(`${dir}/root/etc/os-release`, 'PRETTY_NAME="Tiny Linux"\n');
 * writeFileSync(`${dir}/root/etc/evil\x1b[2J`, "");
 * execFileSync("tar", ["-C", `${dir}/root`, "-cf", `${dir}/root.tar`, "."]);
 * const report = formatInspection(await inspectArchive(`${dir}/root.tar`));
 * assert.match(report, /^os-release:    Tiny Linux$/m);
 * assert.match(report, /^init:          none$/m);
 * assert.doesNotMatch(report, /\x1b/);
 * assert.equal(report.split("\n").at(-1), "would not boot: There is no init: /sbin/init or /usr/lib/systemd/systemd is not a file of the archive (name another one with init=).");
 * rmSync(dir, { recursive: true });
 * ```
 */
export function formatInspection(i: Inspection): string {
  const attributes = [
    i.attributes.xattrs ? "xattrs" : null,
    i.attributes.acls ? "ACLs" : null,
    i.attributes.selinux ? "SELinux labels" : null,
  ].filter((a) => a !== null);
  const rows: [string, string | string[]][] = [
    ["archive", i.path],
    ["format", i.format],
    ["compressed", size(i.compressedBytes)],
    ["unpacked", size(i.unpackedBytes)],
    ["entries", `${i.entries} (${i.inodes} inodes)`],
    [
      "init",
      i.init === null
        ? "none"
        : i.init.path === i.init.file
        ? i.init.path
        : `${i.init.path} -> ${i.init.file}`,
    ],
    ["os-release", i.osRelease === null ? "none" : i.osRelease.prettyName ?? i.osRelease.path],
    [
      "mount points",
      i.mountPoints.map((m) =>
        m.present
          ? `${m.path} ${m.mode ?? "(made by tar)"}${m.sane ? "" : " (!)"}`
          : `${m.path} missing`
      ).join(", "),
    ],
    ["attributes", attributes.length === 0 ? "none" : attributes.join(", ")],
    ["special files", `${count(i.devices, "device node")}, ${count(i.fifos, "FIFO")}`],
    [
      "unsafe",
      listed(
        i.unsafe.map((u) =>
          `${quoteName(u.name)}${
            u.target === null ? "" : ` -> ${quoteName(u.target)}`
          }: ${u.reason}`
        ),
        "entry",
        "entries",
      ),
    ],
    ["setuid", listed(i.setuid.map(quoteName), "file")],
    ["size", `rd.tmpfs.size=${i.recommendedSize}`],
    ...i.problems.map((p): [string, string] => ["problem", p]),
    ...i.warnings.map((w): [string, string] => ["warning", w]),
  ];
  const lines = rows.flatMap(([label, value]) => {
    const [first, ...rest] = typeof value === "string" ? [value] : value;
    return [`${label}:`.padEnd(LABEL) + first, ...rest.map((r) => " ".repeat(LABEL + 2) + r)];
  });
  lines.push(i.boots ? "boots: yes" : `would not boot: ${i.problems[0]}`);
  return lines.map(safeText).join("\n");
}
