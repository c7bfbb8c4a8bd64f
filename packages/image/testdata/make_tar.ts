/**
 * Crafted tar streams for tests: members GNU tar would not write from a
 * tree (absolute names, `..`, devices without root, 10,000-byte names),
 * each header written field by field.
 *
 * @module
 */
import { Buffer } from "node:buffer";

/** One member of a crafted tar stream. */
export interface CraftedMember {
  /** The name, as bytes one character each (latin1), or plain text. */
  readonly name: string;
  /** The type flag: `0` file (the default), `1` hard link, `2` symlink, `3`/`4` devices, `5` directory, `6` FIFO. */
  readonly type?: string;
  readonly mode?: number;
  readonly data?: string;
  readonly linkname?: string;
  /** The header's size field, when it is not the data's length (a pax `size` gives the real one). */
  readonly size?: number;
  /** pax records put in an `x` header before the member. */
  readonly pax?: Readonly<Record<string, string>>;
}

const BLOCK = 512;

function latin1(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, "latin1"));
}

function field(block: Uint8Array, at: number, width: number, value: string): void {
  const bytes = latin1(value);
  if (bytes.length > width) throw new RangeError(`"${value}" does not fit ${width} bytes`);
  block.set(bytes, at);
}

/** A header block: name, mode, size, type and link name, with its checksum. */
export function header(
  name: string,
  type: string,
  mode: number,
  size: number,
  linkname = "",
): Uint8Array {
  const block = new Uint8Array(BLOCK);
  field(block, 0, 100, name);
  field(block, 100, 8, mode.toString(8).padStart(7, "0"));
  field(block, 108, 8, "0000000");
  field(block, 116, 8, "0000000");
  field(block, 124, 12, size.toString(8).padStart(11, "0"));
  field(block, 136, 12, "00000000000");
  block[156] = type.charCodeAt(0);
  field(block, 157, 100, linkname);
  field(block, 257, 8, "ustar\x0000");
  block.fill(0x20, 148, 156);
  const sum = block.reduce((a, b) => a + b, 0);
  field(block, 148, 8, `${sum.toString(8).padStart(6, "0")}\x00 `);
  return block;
}

/** Data padded to whole blocks. */
function padded(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(Math.ceil(data.length / BLOCK) * BLOCK);
  out.set(data);
  return out;
}

/** A pax record, `<length> <key>=<value>\n`, its length counting its own digits. */
function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let length = body.length + 1;
  while (`${length}${body}`.length !== length) length++;
  return `${length}${body}`;
}

/**
 * The blocks of a crafted tar stream: each member (with its pax header
 * first when it has records), then the two zero blocks that end an
 * archive unless `end` is false.
 */
export function craftTar(members: readonly CraftedMember[], end = true): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const m of members) {
    if (m.pax !== undefined) {
      const records = latin1(Object.entries(m.pax).map(([k, v]) => paxRecord(k, v)).join(""));
      parts.push(header("PaxHeaders/x", "x", 0o644, records.length), padded(records));
    }
    const data = latin1(m.data ?? "");
    const type = m.type ?? "0";
    parts.push(
      header(
        m.name,
        type,
        m.mode ?? (type === "5" ? 0o755 : 0o644),
        m.size ?? data.length,
        m.linkname,
      ),
    );
    parts.push(padded(data));
  }
  if (end) parts.push(new Uint8Array(2 * BLOCK));
  return new Uint8Array(Buffer.concat(parts));
}
