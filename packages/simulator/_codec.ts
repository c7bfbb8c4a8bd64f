// Compression and decompression for every archive format: gzip and zstd
// through node:zlib, xz, bzip2 and lz4 through the host's own tools.
import { gunzipSync, gzipSync, zstdCompressSync, zstdDecompressSync } from "node:zlib";
import type { ArchiveFormat } from "./archive.ts";

/** What decompressing gives. */
export type Decompressed =
  | { readonly kind: "ok"; readonly bytes: Uint8Array }
  /** `partial`: what the decompressor wrote before it stopped (and tar unpacked). */
  | { readonly kind: "truncated"; readonly partial: Uint8Array }
  | { readonly kind: "corrupt"; readonly partial: Uint8Array };

const TOOLS: Readonly<Record<"gzip" | "xz" | "zstd" | "bzip2" | "lz4", string>> = {
  gzip: "gzip",
  zstd: "zstd",
  xz: "xz",
  bzip2: "bzip2",
  lz4: "lz4",
};

const TRUNCATED = /unexpected end|ends unexpectedly|unfinished|truncated/i;

async function runTool(
  format: "gzip" | "xz" | "zstd" | "bzip2" | "lz4",
  args: string[],
  input: Uint8Array,
): Promise<{ code: number; stdout: Uint8Array; stderr: string }> {
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(TOOLS[format], {
      args,
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    })
      .spawn();
  } catch (error) {
    throw new Error(`The simulator needs the "${TOOLS[format]}" command for ${format} archives`, {
      cause: error,
    });
  }
  const writer = child.stdin.getWriter();
  const writing = writer.write(input).then(() => writer.close()).catch(() => {});
  const out = await child.output();
  await writing;
  return { code: out.code, stdout: out.stdout, stderr: new TextDecoder().decode(out.stderr) };
}

/** Decompresses `bytes` of the given format. */
export async function decompress(format: ArchiveFormat, bytes: Uint8Array): Promise<Decompressed> {
  switch (format) {
    case "plain":
      return { kind: "ok", bytes };
    case "gzip":
      try {
        return { kind: "ok", bytes: new Uint8Array(gunzipSync(bytes)) };
      } catch {
        // node:zlib refuses what follows a member, and keeps nothing of a damaged stream; gzip
        // warns of trailing garbage (exit 2, which the module accepts) and writes what it could
        // decompress before a failure, which tar unpacks: ask gzip.
        const r = await runTool("gzip", ["-dc"], bytes);
        if (r.code === 0 || (r.code === 2 && /trailing garbage/.test(r.stderr))) {
          return { kind: "ok", bytes: r.stdout };
        }
        return { kind: TRUNCATED.test(r.stderr) ? "truncated" : "corrupt", partial: r.stdout };
      }
    case "zstd":
      try {
        return { kind: "ok", bytes: new Uint8Array(zstdDecompressSync(bytes)) };
      } catch (error) {
        const kind = TRUNCATED.test(String(error)) ? "truncated" : "corrupt";
        return { kind, partial: (await runTool("zstd", ["-dcq"], bytes)).stdout };
      }
    case "xz":
    case "bzip2":
    case "lz4": {
      const r = await runTool(format, ["-dc"], bytes);
      if (r.code === 0) return { kind: "ok", bytes: r.stdout };
      return { kind: TRUNCATED.test(r.stderr) ? "truncated" : "corrupt", partial: r.stdout };
    }
    default:
      return assertNever(format);
  }
}

/** Compresses `bytes` into the given format. */
export async function compress(format: ArchiveFormat, bytes: Uint8Array): Promise<Uint8Array> {
  switch (format) {
    case "plain":
      return bytes;
    case "gzip":
      return new Uint8Array(gzipSync(bytes));
    case "zstd":
      return new Uint8Array(zstdCompressSync(bytes));
    case "xz":
    case "bzip2":
    case "lz4": {
      const r = await runTool(format, ["-c"], bytes);
      if (r.code !== 0) throw new Error(`Compressing with ${format} failed: ${r.stderr.trim()}`);
      return r.stdout;
    }
    default:
      return assertNever(format);
  }
}

function assertNever(x: never): never {
  throw new TypeError(`Unexpected archive format ${JSON.stringify(x)}`);
}
