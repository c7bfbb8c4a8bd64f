import { Buffer } from "node:buffer";

const STRICT = new TextDecoder("utf-8", { fatal: true });

/**
 * Bytes as a string of one character per byte (latin1): how member names
 * are kept while an archive streams by. Lossless, and one byte of memory a
 * character in V8, whatever the bytes are.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { byteString } from "./_names.ts";
 * assert.equal(byteString(new Uint8Array([0x61, 0xff])), "a\xff");
 * ```
 */
export function byteString(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString("latin1");
}

/** One UTF-8 sequence decoded, or `null` when it is not valid UTF-8. */
function strictChar(sequence: Uint8Array, length: number): string | null {
  if (sequence.length < length) return null;
  try {
    return STRICT.decode(sequence);
  } catch {
    return null;
  }
}

/**
 * A byte string (see {@linkcode byteString}) decoded as UTF-8, each byte
 * that is not part of valid UTF-8 turned into the lone surrogate U+DC80 to
 * U+DCFF, as Python's `surrogateescape` does: nothing is lost, and the
 * result is still a string JSON can hold. {@linkcode escapeName} prints
 * those bytes as `\xNN`.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { displayName } from "./_names.ts";
 * assert.equal(displayName("caf\xc3\xa9"), "café");
 * assert.equal(displayName("a\xffb"), "a\udcffb");
 * ```
 */
export function displayName(raw: string): string {
  // deno-lint-ignore no-control-regex
  if (/^[\x00-\x7f]*$/.test(raw)) return raw;
  const bytes = Buffer.from(raw, "latin1");
  const whole = strictChar(bytes, bytes.length);
  if (whole !== null) return whole;
  let out = "";
  for (let i = 0; i < bytes.length;) {
    const b = bytes[i]!;
    const length = b < 0x80 ? 1 : b < 0xc2 ? 0 : b < 0xe0 ? 2 : b < 0xf0 ? 3 : b < 0xf5 ? 4 : 0;
    const char = length === 0 ? null : strictChar(bytes.subarray(i, i + length), length);
    out += char ?? String.fromCharCode(0xdc00 + b);
    i += char === null ? 1 : length;
  }
  return out;
}

/**
 * What a terminal must not be sent: C0 and C1 controls and DEL, lone
 * surrogates (bytes that were not UTF-8), line and paragraph separators
 * and the bidirectional overrides that reorder what follows them.
 */
// deno-lint-ignore no-control-regex
const UNSAFE = /[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]/gu;

function escapeChar(c: string): string {
  const code = c.charCodeAt(0);
  if (code >= 0xdc80 && code <= 0xdcff) return `\\x${(code - 0xdc00).toString(16)}`;
  if (code < 0x20 || code === 0x7f) return `\\x${code.toString(16).padStart(2, "0")}`;
  return `\\u${code.toString(16).padStart(4, "0")}`;
}

/**
 * Text made safe for a terminal: every character in {@linkcode UNSAFE}
 * becomes an escape (`\x1b`, `\xff` for a byte that was not UTF-8,
 * `\u202e`). Backslashes stay, so the function may be applied twice.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { safeText } from "./_names.ts";
 * assert.equal(safeText("a\x1b[2Jb\\n"), "a\\x1b[2Jb\\n");
 * assert.equal(safeText(safeText("\udcff")), "\\xff");
 * ```
 */
export function safeText(text: string): string {
  return text.replace(UNSAFE, escapeChar);
}

/**
 * A name quoted for a sentence: backslashes and double quotes escaped with
 * a backslash, then made safe with {@linkcode safeText}, so that every
 * name prints unambiguously on one line, between double quotes.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { quoteName } from "./_names.ts";
 * assert.equal(quoteName('a\nb\\c"'), '"a\\x0ab\\\\c\\""');
 * ```
 */
export function quoteName(name: string): string {
  return `"${safeText(name.replace(/[\\"]/g, "\\$&"))}"`;
}
