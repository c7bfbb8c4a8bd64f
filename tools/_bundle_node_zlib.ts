/**
 * `node:zlib` for the bundle, as the simulator imports it, on every Node.js
 * the bundle supports: zstd joined node:zlib only in Node.js 22.15 (and
 * 23.8), and an ES module that imports a missing name from a built-in
 * fails to load at all. tools/bundle.ts sends the bundle's imports of
 * node:zlib here; without zlib's zstd, the host's `zstd` program does the
 * work, synchronously like zlib. As Deno's node:zlib does, a stream cut
 * short decompresses to what it holds (zstd writes whole blocks of it);
 * other failures throw zstd's message.
 *
 * @module
 */
import { spawnSync } from "node:child_process";
import zlib from "node:zlib";

/** Runs `zstd` on `input`; its output (what it got to, for a cut stream), or its message. */
function zstdTool(args: readonly string[], input: Uint8Array): Uint8Array {
  const r = spawnSync("zstd", [...args], { input, maxBuffer: Number.MAX_SAFE_INTEGER });
  if (r.error !== undefined) {
    throw new Error(`zstd is needed for zstd archives on this Node.js: ${r.error.message}`);
  }
  const message = new TextDecoder().decode(r.stderr).trim();
  if (r.status !== 0 && !/premature end/.test(message)) throw new Error(message);
  return new Uint8Array(r.stdout);
}

/** gzip, from node:zlib. */
export const gunzipSync: typeof zlib.gunzipSync = zlib.gunzipSync;
/** gzip, from node:zlib. */
export const gzipSync: typeof zlib.gzipSync = zlib.gzipSync;
/** zstd compression: node:zlib's, or `zstd -c`. */
export const zstdCompressSync: (input: Uint8Array) => Uint8Array = zlib.zstdCompressSync ??
  ((input: Uint8Array) => zstdTool(["-cq"], input));
/** zstd decompression: node:zlib's, or `zstd -dc`. */
export const zstdDecompressSync: (input: Uint8Array) => Uint8Array = zlib.zstdDecompressSync ??
  ((input: Uint8Array) => zstdTool(["-dcq"], input));
