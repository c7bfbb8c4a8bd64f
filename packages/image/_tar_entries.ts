/**
 * A streaming reader of tar headers: ustar, GNU long names and links
 * (types `L` and `K`), GNU sparse files and pax extended headers. Member
 * data is skipped as it streams by, unless the caller asks to keep a
 * member's bytes; nothing else is kept.
 *
 * @module
 */
import { byteString } from "./_names.ts";

const BLOCK = 512;

/** The largest pax or GNU long-name header kept (xattrs and ACLs included): far above any real one. */
export const MAX_META_BYTES = 16 * 1024 * 1024;

/** What a member unpacks to. */
export type TarType = "file" | "directory" | "symlink" | "hardlink" | "char" | "block" | "fifo";

/** One member of a tar stream, as its headers describe it. */
export interface TarEntry {
  /**
   * The name as stored (pax `path`, GNU long name, or ustar prefix and
   * name), one character per byte: see `byteString`.
   */
  readonly name: string;
  readonly type: TarType;
  /** Permission bits with setuid, setgid and sticky (the low 12 bits of the mode field). */
  readonly mode: number;
  /** A regular file's size in bytes (a sparse file's real size); 0 for every other type. */
  readonly size: number;
  /** A link's target, one character per byte; `""` for other types. */
  readonly linkname: string;
  /** Whether pax records give the member extended attributes (`SCHILY.xattr.*`, `LIBARCHIVE.xattr.*`). */
  readonly xattrs: boolean;
  /** Whether pax records give it POSIX ACLs (`SCHILY.acl.*`). */
  readonly acls: boolean;
  /** Whether pax records give it an SELinux label (`RHT.security.selinux`, or the `security.selinux` xattr). */
  readonly selinux: boolean;
}

/** How a tar stream ends. */
export interface TarEnd {
  /**
   * `"end"`: two zero blocks at a member boundary, the end-of-archive
   * marker; `"lone"`: a single one (GNU tar warns "A lone zero block");
   * `"cut"`: the stream stops between members, inside a header or inside
   * a member's data.
   */
  readonly kind: "end" | "lone" | "cut";
  /** The member whose data the stream stops inside, as stored; `null` otherwise. */
  readonly member: string | null;
  /** Whether bytes other than zeros follow the end-of-archive marker (tar ignores them). */
  readonly trailing: boolean;
  /** The bytes the stream held. */
  readonly bytes: number;
}

/** What pax and GNU headers say about the member that follows them. */
interface Meta {
  name?: string;
  linkname?: string;
  size?: number;
  realSize?: number;
  xattrs: boolean;
  acls: boolean;
  selinux: boolean;
}

/** A pull reader of exact byte counts over a stream of chunks of any size. */
class ByteReader {
  readonly #chunks: AsyncIterator<Uint8Array>;
  #chunk: Uint8Array = new Uint8Array(0);
  #at = 0;
  /** Bytes read or skipped so far. */
  offset = 0;

  constructor(source: AsyncIterable<Uint8Array>) {
    this.#chunks = source[Symbol.asyncIterator]();
  }

  /** Whether bytes are left in the current chunk, reading the next one when not. */
  async #more(): Promise<boolean> {
    while (this.#at === this.#chunk.length) {
      const next = await this.#chunks.next();
      if (next.done) return false;
      [this.#chunk, this.#at] = [next.value, 0];
    }
    return true;
  }

  /**
   * The next `n` bytes, fewer only at the end of the stream. The result
   * may be a view of the current chunk, valid until the next call.
   */
  async read(n: number): Promise<Uint8Array> {
    if (this.#chunk.length - this.#at >= n) {
      this.offset += n;
      this.#at += n;
      return this.#chunk.subarray(this.#at - n, this.#at);
    }
    const out = new Uint8Array(n);
    let filled = 0;
    while (filled < n && await this.#more()) {
      const take = Math.min(n - filled, this.#chunk.length - this.#at);
      out.set(this.#chunk.subarray(this.#at, this.#at + take), filled);
      [filled, this.#at] = [filled + take, this.#at + take];
    }
    this.offset += filled;
    return out.subarray(0, filled);
  }

  /** Skips `n` bytes; returns how many there were. */
  async skip(n: number): Promise<number> {
    let skipped = 0;
    while (skipped < n && await this.#more()) {
      const take = Math.min(n - skipped, this.#chunk.length - this.#at);
      [skipped, this.#at] = [skipped + take, this.#at + take];
    }
    this.offset += skipped;
    return skipped;
  }

  /** Reads to the end of the stream; returns whether any byte left was not zero. */
  async drain(): Promise<boolean> {
    let nonZero = false;
    while (await this.#more()) {
      nonZero ||= this.#chunk.subarray(this.#at).some((b) => b !== 0);
      this.offset += this.#chunk.length - this.#at;
      this.#at = this.#chunk.length;
    }
    return nonZero;
  }
}

function isZero(block: Uint8Array): boolean {
  for (let i = 0; i < block.length; i++) if (block[i] !== 0) return false;
  return true;
}

/** A NUL-terminated text field, one character per byte. */
function text(block: Uint8Array, at: number, width: number): string {
  const field = block.subarray(at, at + width);
  const nul = field.indexOf(0);
  return byteString(nul < 0 ? field : field.subarray(0, nul));
}

/**
 * A numeric field: octal digits between optional spaces and a NUL or
 * space, or base-256 (GNU) when its first byte has the high bit set.
 * `NaN` when it is neither (or a negative base-256 number).
 */
function numeric(block: Uint8Array, at: number, width: number): number {
  const first = block[at]!;
  if (first & 0x80) {
    if (first === 0xff) return NaN;
    let n = first & 0x7f;
    for (let i = at + 1; i < at + width; i++) n = n * 256 + block[i]!;
    return n;
  }
  let i = at;
  while (i < at + width && block[i] === 0x20) i++;
  let n = 0;
  let digits = 0;
  for (; i < at + width && block[i]! >= 0x30 && block[i]! <= 0x37; i++, digits++) {
    n = n * 8 + block[i]! - 0x30;
  }
  const end = block[i];
  return i === at + width || end === 0 || end === 0x20 ? (digits === 0 ? 0 : n) : NaN;
}

/** Whether the header's checksum field matches its bytes (summed unsigned, or signed as some old tars did). */
function checksumMatches(header: Uint8Array): boolean {
  const sum = numeric(header, 148, 8);
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const b = i >= 148 && i < 156 ? 0x20 : header[i]!;
    unsigned += b;
    signed += b < 0x80 ? b : b - 256;
  }
  return sum === unsigned || sum === signed;
}

const TYPES: Readonly<Record<string, TarType>> = {
  "1": "hardlink",
  "2": "symlink",
  "3": "char",
  "4": "block",
  "5": "directory",
  "6": "fifo",
  "D": "directory", // a GNU dump directory: its data is a list of names
};

/** Reads the records of a pax header (`<length> <key>=<value>\n`) into `meta`. */
function readPax(data: Uint8Array, meta: Meta, at: number): void {
  for (let pos = 0; pos < data.length && data[pos] !== 0;) {
    const space = data.indexOf(0x20, pos);
    const length = space < 0 ? NaN : Number(byteString(data.subarray(pos, space)));
    const end = pos + length;
    const eq = data.indexOf(0x3d, space);
    if (!(length > 0) || end > data.length || data[end - 1] !== 0x0a || eq < 0 || eq >= end) {
      throw new SyntaxError(`not a tar stream: a bad pax record at byte ${at + pos}`);
    }
    const key = byteString(data.subarray(space + 1, eq));
    const value = byteString(data.subarray(eq + 1, end - 1));
    pos = end;
    if (key === "path" || key === "GNU.sparse.name") meta.name = value;
    else if (key === "linkpath") meta.linkname = value;
    else if (key === "size") meta.size = Number(value);
    else if (key === "GNU.sparse.realsize" || key === "GNU.sparse.size") {
      meta.realSize = Number(value);
    } else if (key.startsWith("SCHILY.acl.")) meta.acls = true;
    else if (key === "RHT.security.selinux") meta.selinux = true;
    else if (key.startsWith("SCHILY.xattr.") || key.startsWith("LIBARCHIVE.xattr.")) {
      meta.xattrs = true;
      if (key.endsWith("xattr.security.selinux")) meta.selinux = true;
    }
  }
}

function badHeader(what: string, at: number): SyntaxError {
  return new SyntaxError(`not a tar stream: ${what} at byte ${at}`);
}

/**
 * Reads a tar stream's headers, calling `visit` with each member once its
 * data has gone by, and returns how the stream ends. Member data is
 * skipped, except for members `keep` says yes to: their bytes are passed
 * to `visit` (keep only small ones). A header that is not valid (its
 * checksum, a size, a pax record) is a `SyntaxError` naming the byte
 * offset; a stream that stops early is not an error but a {@linkcode TarEnd}
 * of kind `"cut"`.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { execFileSync } from "node:child_process";
 * import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
 * import { readTarEntries } from "./_tar_entries.ts";
 * const dir = mkdtempSync("/tmp/tar-entries-doc-");
 * writeFileSync(`${dir}/hello`, "hi\n");
 * const tar = execFileSync("tar", ["-C", dir, "-cf", "-", "hello"]);
 * const names: string[] = [];
 * const end = await readTarEntries([tar], (e, data) => {
 *   names.push(`${e.type} ${e.name} ${e.size} ${new TextDecoder().decode(data)}`);
 * }, () => true);
 * assert.deepEqual(names, ["file hello 3 hi\n"]);
 * assert.equal(end.kind, "end");
 * assert.equal((await readTarEntries([tar.subarray(0, 600)], () => {})).member, "hello");
 * rmSync(dir, { recursive: true });
 * ```
 */
export async function readTarEntries(
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  visit: (entry: TarEntry, data?: Uint8Array) => void,
  keep: (entry: TarEntry) => boolean = () => false,
): Promise<TarEnd> {
  const reader = new ByteReader(
    Symbol.asyncIterator in source ? source : (async function* () {
      yield* source;
    })(),
  );
  const cut = (member: string | null): TarEnd => ({
    kind: "cut",
    member,
    trailing: false,
    bytes: reader.offset,
  });
  const global: Meta = { xattrs: false, acls: false, selinux: false };
  const fresh = (): Meta => ({ xattrs: global.xattrs, acls: global.acls, selinux: global.selinux });
  let meta = fresh();
  for (;;) {
    const at = reader.offset;
    const header = await reader.read(BLOCK);
    if (header.length < BLOCK) return cut(null);
    if (isZero(header)) {
      const second = await reader.read(BLOCK);
      const kind = second.length === BLOCK && isZero(second) ? "end" : "lone";
      // Read to the end, so that a decompressor finishes and says whether its stream was whole.
      const trailing = await reader.drain();
      return { kind, member: null, trailing: kind === "end" && trailing, bytes: reader.offset };
    }
    if (!checksumMatches(header)) throw badHeader("a header with a bad checksum", at);
    const flag = String.fromCharCode(header[156]!);
    const extended = "xgLK".includes(flag);
    // A pax `size` is the member's, not that of a header between them.
    const stored = (extended ? undefined : meta.size) ?? numeric(header, 124, 12);
    if (!Number.isSafeInteger(stored) || stored < 0) throw badHeader("a bad size", at);
    const padded = Math.ceil(stored / BLOCK) * BLOCK;

    if (extended) {
      if (stored > MAX_META_BYTES) throw badHeader(`a ${stored}-byte extended header`, at);
      const data = await reader.read(padded);
      if (data.length < padded) return cut(null);
      const body = data.subarray(0, stored);
      if (flag === "x") readPax(body, meta, at + BLOCK);
      else if (flag === "g") {
        readPax(body, global, at + BLOCK);
        meta = { ...meta, ...fresh() };
      } else meta[flag === "L" ? "name" : "linkname"] = text(body, 0, body.length);
      continue;
    }

    const ustar = text(header, 257, 6) === "ustar" && header[262] === 0;
    const prefix = ustar ? text(header, 345, 155) : "";
    const name = meta.name ?? (prefix === "" ? "" : `${prefix}/`) + text(header, 0, 100);
    // Old tars mark a directory by a trailing slash alone; any other type unpacks as a file.
    const type = TYPES[flag] ?? (name.endsWith("/") ? "directory" : "file");
    const hasData = type === "file" || flag === "D";
    if (flag === "S" && header[482] !== 0) {
      // Old GNU sparse: more sparse-map blocks follow, the last with a zero "isextended" byte.
      let block;
      do {
        block = await reader.read(BLOCK);
        if (block.length < BLOCK) return cut(null);
      } while (block[504] !== 0);
    }
    const realSize = flag === "S" ? numeric(header, 483, 12) : meta.realSize ?? stored;
    const entry: TarEntry = {
      name,
      type,
      mode: (numeric(header, 100, 8) || 0) & 0o7777,
      size: type === "file" ? realSize : 0,
      linkname: type === "hardlink" || type === "symlink"
        ? meta.linkname ?? text(header, 157, 100)
        : "",
      xattrs: meta.xattrs,
      acls: meta.acls,
      selinux: meta.selinux,
    };
    const dataBytes = hasData ? padded : 0;
    let data: Uint8Array | undefined;
    if (dataBytes > 0 && stored <= MAX_META_BYTES && keep(entry)) {
      const read = await reader.read(dataBytes);
      if (read.length < dataBytes) return cut(entry.name);
      data = read.slice(0, stored);
    } else if (await reader.skip(dataBytes) < dataBytes) return cut(entry.name);
    visit(entry, data);
    meta = fresh();
  }
}
