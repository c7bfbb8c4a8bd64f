/**
 * Tar streams edited byte by byte, for archives GNU tar will not make: a
 * stream cut at a member boundary without its end-of-archive blocks, a
 * member whose PAX header carries an xattr the kernel refuses, a member
 * named with `..`, a header whose size field (base-256) claims 1 TiB, and
 * the links, device nodes, FIFOs and long names of `unsafe_archives.ts`.
 *
 * Pure functions over `Uint8Array`s; nothing here touches the disk.
 *
 * @module
 */

/** The tar block size. */
export const BLOCK = 512;

/** 1 TiB, in bytes. */
export const TIB: bigint = 1n << 40n;

/** One logical member: its extension headers (`x`, `g`, `L`, `K`), its header and its data. */
export interface TarEntry {
  /** Offset of the member's first block (its first extension header, if any). */
  readonly start: number;
  /** Offset of the member's own header block. */
  readonly header: number;
  /** Offset just past the member's padded data: the next member's start. */
  readonly end: number;
  /** The member name (a PAX `path` or GNU long name wins over the header's). */
  readonly name: string;
  /** The type flag (`0` for a regular file, `5` for a directory, …). */
  readonly typeflag: string;
  /** The size field of the member's header. */
  readonly size: bigint;
}

/** What {@linkcode tarEntries} finds in a stream. */
export interface TarLayout {
  /** The members, in order. */
  readonly entries: readonly TarEntry[];
  /**
   * Offset of the end-of-archive zero blocks, or the stream's length when
   * it ends at a member boundary without them.
   */
  readonly dataEnd: number;
  /** Whether the stream holds an end-of-archive zero block at `dataEnd`. */
  readonly hasEndBlocks: boolean;
}

/** Fields of a header made by {@linkcode ustarHeader}. */
export interface HeaderFields {
  /** Member name, at most 100 bytes of UTF-8 (longer names go in a PAX `path` record). */
  readonly name: string;
  /** Size of the member's data (default 0). Above 8 GiB - 1 it is written base-256. */
  readonly size?: number | bigint;
  /** Permission bits (default 0o644, or 0o755 for a directory). */
  readonly mode?: number;
  /** Owner (default 0). */
  readonly uid?: number;
  /** Group (default 0). */
  readonly gid?: number;
  /** Modification time, seconds since the epoch (default 1700000000). */
  readonly mtime?: number;
  /** Type flag (default `0`, a regular file). */
  readonly typeflag?: string;
  /** Link target for hard links (`1`) and symlinks (`2`), at most 100 bytes. */
  readonly linkname?: string;
  /** Major number of a character (`3`) or block (`4`) device (default: the field left empty). */
  readonly devmajor?: number;
  /** Minor number of a character (`3`) or block (`4`) device (default: the field left empty). */
  readonly devminor?: number;
}

/** A member for {@linkcode tarMember}: header fields, data and PAX records. */
export interface MemberSpec extends Omit<HeaderFields, "size"> {
  /** The member's data (default none). */
  readonly data?: Uint8Array;
  /**
   * PAX extended header records written before the member, e.g.
   * `{ "SCHILY.xattr.security.capability": bytes }`.
   */
  readonly pax?: Readonly<Record<string, string | Uint8Array>>;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A fixed mtime, so archives made from the same input are the same bytes. */
const DEFAULT_MTIME = 1_700_000_000;

/** Bytes rounded up to whole blocks. */
function padded(n: number): number {
  return Math.ceil(n / BLOCK) * BLOCK;
}

/** Concatenates byte arrays. */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

/** A NUL-terminated string field. */
function readString(block: Uint8Array, offset: number, width: number): string {
  const field = block.subarray(offset, offset + width);
  const nul = field.indexOf(0);
  return decoder.decode(nul < 0 ? field : field.subarray(0, nul));
}

/** A numeric field: octal text, or GNU base-256 when the first byte has its high bit set. */
export function readNumber(field: Uint8Array): bigint {
  if (field.length > 0 && (field[0]! & 0x80) !== 0) {
    if ((field[0]! & 0x40) !== 0) throw new RangeError("Invalid tar number: negative base-256");
    let v = BigInt(field[0]! & 0x7f);
    for (const b of field.subarray(1)) v = (v << 8n) | BigInt(b);
    return v;
  }
  const text = decoder.decode(field).replace(/[\0 ]+$/, "").replace(/^ +/, "");
  if (text === "") return 0n;
  if (!/^[0-7]+$/.test(text)) {
    throw new RangeError(`Invalid tar number "${text}": expected octal digits`);
  }
  return BigInt(`0o${text}`);
}

/**
 * Writes `value` into a numeric field of `width` bytes: octal with a NUL
 * when it fits in `width - 1` digits, else GNU base-256 (first byte 0x80,
 * then the value big-endian).
 */
export function writeNumber(
  block: Uint8Array,
  offset: number,
  width: number,
  value: number | bigint,
): void {
  const v = BigInt(value);
  if (v < 0n) throw new RangeError(`Invalid tar number "${v}": negative`);
  const octal = v.toString(8);
  if (octal.length <= width - 1) {
    block.set(encoder.encode(octal.padStart(width - 1, "0") + "\0"), offset);
    return;
  }
  if (v >= 1n << BigInt(8 * (width - 1))) {
    throw new RangeError(`Invalid tar number "${v}": does not fit ${width} bytes`);
  }
  block[offset] = 0x80;
  let rest = v;
  for (let i = width - 1; i >= 1; i--) {
    block[offset + i] = Number(rest & 0xffn);
    rest >>= 8n;
  }
}

/** Writes a string field, refusing one that does not fit. */
function writeString(block: Uint8Array, offset: number, width: number, s: string): void {
  const bytes = encoder.encode(s);
  if (bytes.length > width) {
    throw new RangeError(`Invalid tar field "${s}": longer than ${width} bytes`);
  }
  block.set(bytes, offset);
}

/** The header checksum: the sum of its bytes with the checksum field read as spaces. */
function checksum(block: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : block[i]!;
  return sum;
}

/**
 * A ustar header block (POSIX `ustar\0` magic, version `00`) with a valid
 * checksum.
 *
 * @example A header whose size field claims 1 TiB, written base-256
 * ```ts
 * import assert from "#assert";
 * import { readNumber, TIB, ustarHeader } from "./tar_bytes.ts";
 * const h = ustarHeader({ name: "big.bin", size: TIB });
 * assert.equal(h[124], 0x80);
 * assert.equal(readNumber(h.subarray(124, 136)), TIB);
 * ```
 */
export function ustarHeader(fields: HeaderFields): Uint8Array {
  const typeflag = fields.typeflag ?? "0";
  if (typeflag.length !== 1) throw new RangeError(`Invalid type flag "${typeflag}"`);
  const block = new Uint8Array(BLOCK);
  writeString(block, 0, 100, fields.name);
  writeNumber(block, 100, 8, fields.mode ?? (typeflag === "5" ? 0o755 : 0o644));
  writeNumber(block, 108, 8, fields.uid ?? 0);
  writeNumber(block, 116, 8, fields.gid ?? 0);
  writeNumber(block, 124, 12, fields.size ?? 0);
  writeNumber(block, 136, 12, fields.mtime ?? DEFAULT_MTIME);
  block[156] = typeflag.charCodeAt(0);
  writeString(block, 157, 100, fields.linkname ?? "");
  block.set(encoder.encode("ustar\u000000"), 257);
  if (fields.devmajor !== undefined) writeNumber(block, 329, 8, fields.devmajor);
  if (fields.devminor !== undefined) writeNumber(block, 337, 8, fields.devminor);
  const sum = checksum(block);
  block.set(encoder.encode(sum.toString(8).padStart(6, "0") + "\0 "), 148);
  return block;
}

/**
 * One PAX extended header record, `"<len> <key>=<value>\n"`, where `len`
 * counts the whole record including its own digits.
 */
export function paxRecord(key: string, value: string | Uint8Array): Uint8Array {
  if (key === "" || key.includes("=") || key.includes("\0")) {
    throw new RangeError(`Invalid PAX key "${key}"`);
  }
  const body = concatBytes([
    encoder.encode(` ${key}=`),
    typeof value === "string" ? encoder.encode(value) : value,
    encoder.encode("\n"),
  ]);
  let len = body.length + 1;
  while (String(len).length + body.length !== len) len = String(len).length + body.length;
  return concatBytes([encoder.encode(String(len)), body]);
}

/** Data followed by zeros up to a whole block. */
function blocks(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(padded(data.length));
  out.set(data);
  return out;
}

/**
 * One member as tar bytes: a PAX extended header (`x`) when `pax` is
 * given or the name exceeds 100 bytes, the ustar header, and the data
 * padded to whole blocks.
 *
 * @example A regular file with an xattr in its PAX header
 * ```ts
 * import assert from "#assert";
 * import { tarMember } from "./tar_bytes.ts";
 * const m = tarMember({
 *   name: "usr/bin/badcap",
 *   mode: 0o755,
 *   data: new TextEncoder().encode("#!/bin/sh\n"),
 *   pax: { "SCHILY.xattr.security.capability": "garbage" },
 * });
 * assert.equal(m.length, 4 * 512); // PAX header + its records + header + data
 * ```
 */
export function tarMember(spec: MemberSpec): Uint8Array {
  const data = spec.data ?? new Uint8Array(0);
  const records: Uint8Array[] = [];
  let name = spec.name;
  if (encoder.encode(name).length > 100) {
    records.push(paxRecord("path", name));
    name = name.slice(0, 90);
    while (encoder.encode(name).length > 100) name = name.slice(0, -1);
  }
  for (const [key, value] of Object.entries(spec.pax ?? {})) records.push(paxRecord(key, value));
  const parts: Uint8Array[] = [];
  if (records.length > 0) {
    const paxData = concatBytes(records);
    const base = spec.name.replace(/\/+$/, "").split("/").at(-1) || "member";
    const paxName = `PaxHeaders/${base}`.slice(0, 90);
    parts.push(ustarHeader({ name: paxName, size: paxData.length, typeflag: "x" }));
    parts.push(blocks(paxData));
  }
  const { data: _data, pax: _pax, ...fields } = spec;
  parts.push(ustarHeader({ ...fields, name, size: data.length }), blocks(data));
  return concatBytes(parts);
}

/** Parses PAX records; returns the `path` record, if any. */
function paxPath(data: Uint8Array): string | undefined {
  let off = 0;
  let path: string | undefined;
  while (off < data.length) {
    const space = data.indexOf(0x20, off);
    if (space < 0) break;
    const len = Number(decoder.decode(data.subarray(off, space)));
    if (!Number.isInteger(len) || len <= 0) break;
    const record = decoder.decode(data.subarray(space + 1, off + len - 1));
    const eq = record.indexOf("=");
    if (eq > 0 && record.slice(0, eq) === "path") path = record.slice(eq + 1);
    off += len;
  }
  return path;
}

/** Whether a block is all zeros. */
function isZero(block: Uint8Array): boolean {
  return block.every((b) => b === 0);
}

/**
 * Walks a tar stream's headers and returns its members (each with its
 * extension headers) and where its data ends. Throws on a header with a
 * bad checksum or a member that runs past the stream's end.
 */
export function tarEntries(tar: Uint8Array): TarLayout {
  const entries: TarEntry[] = [];
  let off = 0;
  let start = -1;
  let longName: string | undefined;
  while (off + BLOCK <= tar.length) {
    const block = tar.subarray(off, off + BLOCK);
    if (isZero(block)) {
      if (start >= 0) throw new RangeError(`Invalid tar stream: extension header at ${start} ends`);
      return { entries, dataEnd: off, hasEndBlocks: true };
    }
    const stored = readNumber(block.subarray(148, 156));
    if (Number(stored) !== checksum(block)) {
      throw new RangeError(`Invalid tar header at offset ${off}: bad checksum`);
    }
    const typeflag = block[156] === 0 ? "0" : String.fromCharCode(block[156]!);
    const size = readNumber(block.subarray(124, 136));
    const dataStart = off + BLOCK;
    const next = dataStart + padded(Number(size));
    if (next > tar.length || size > BigInt(tar.length)) {
      throw new RangeError(`Invalid tar stream: member at offset ${off} runs past its end`);
    }
    if (start < 0) start = off;
    if (typeflag === "x" || typeflag === "L") {
      const data = tar.subarray(dataStart, dataStart + Number(size));
      const name = typeflag === "x" ? paxPath(data) : readString(data, 0, data.length);
      if (name !== undefined) longName = name;
    }
    if (!["x", "g", "L", "K"].includes(typeflag)) {
      const prefix = readString(block, 345, 155);
      const own = readString(block, 0, 100);
      entries.push({
        start,
        header: off,
        end: next,
        name: longName ?? (prefix === "" ? own : `${prefix}/${own}`),
        typeflag,
        size,
      });
      start = -1;
      longName = undefined;
    }
    off = next;
  }
  if (off !== tar.length || start >= 0) {
    throw new RangeError(`Invalid tar stream: it ends inside a block or header at offset ${off}`);
  }
  return { entries, dataEnd: off, hasEndBlocks: false };
}

/**
 * The stream cut at a member boundary: its members but the last `drop`
 * (default 1), without end-of-archive blocks. GNU tar reads such a stream
 * to its end and exits 0, so nothing but the missing end blocks shows it
 * was cut.
 */
export function cutTar(tar: Uint8Array, drop = 1): Uint8Array {
  const { entries } = tarEntries(tar);
  if (!Number.isInteger(drop) || drop < 0 || drop >= entries.length) {
    throw new RangeError(
      `Invalid drop "${drop}": expected an integer from 0 to ${entries.length - 1}`,
    );
  }
  const last = entries[entries.length - drop - 1]!;
  return tar.slice(0, last.end);
}

/** A member name without leading `./` and trailing `/`, as GNU tar compares names. */
function normalName(name: string): string {
  return name.replace(/^(\.\/)+/, "").replace(/\/+$/, "");
}

/**
 * The data of the last member named `name` (leading `./` ignored), or
 * `undefined` when the stream has none: what GNU tar leaves in that file.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { concatBytes, endBlocks, memberData, tarMember } from "./tar_bytes.ts";
 * const tar = concatBytes([
 *   tarMember({ name: "./etc/motd", data: new TextEncoder().encode("hi\n") }),
 *   endBlocks(),
 * ]);
 * assert.equal(new TextDecoder().decode(memberData(tar, "etc/motd")), "hi\n");
 * assert.equal(memberData(tar, "etc/issue"), undefined);
 * ```
 */
export function memberData(tar: Uint8Array, name: string): Uint8Array | undefined {
  const want = normalName(name);
  const hit = tarEntries(tar).entries.findLast((e) => normalName(e.name) === want);
  if (hit === undefined) return undefined;
  const start = hit.header + BLOCK;
  return tar.slice(start, start + Number(hit.size));
}

/** The two zero blocks that end a tar archive. */
export function endBlocks(): Uint8Array {
  return new Uint8Array(2 * BLOCK);
}

/**
 * The stream with `members` appended after its last member (its end
 * blocks, if any, are dropped) and fresh end blocks.
 */
export function appendMembers(tar: Uint8Array, members: readonly MemberSpec[]): Uint8Array {
  const { dataEnd } = tarEntries(tar);
  return concatBytes([tar.subarray(0, dataEnd), ...members.map(tarMember), endBlocks()]);
}

/**
 * The header of a regular file whose size field claims `size` (default
 * 1 TiB, which needs GNU base-256: 1 TiB is 14 octal digits, the field
 * holds 11): the start of an archive that never ends.
 */
export function endlessHeader(name = "endless.bin", size: bigint = TIB): Uint8Array {
  return ustarHeader({ name, size, mode: 0o644 });
}
