import { Buffer } from "node:buffer";
import { spawn } from "node:child_process";
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { DECOMPRESS, type Format, formatOfHead, FORMATS, MAGIC_BYTES } from "@tmpfs-root/model";
import { quoteName } from "./_names.ts";
import { InputError } from "./input_error.ts";

/** How a tar stream's source ended. */
export interface StreamClosed {
  /** The decompressor's first line on standard error when it failed (or why it could not run), else `null`. */
  readonly failure: string | null;
  /** The archive's size: the file's, or the bytes read from something that is not a file. */
  readonly compressedBytes: number;
}

/** An archive opened as a tar stream. */
export interface TarStream {
  readonly format: Format;
  /** The tar bytes: the file itself, or the decompressor's output. */
  readonly chunks: AsyncIterable<Uint8Array>;
  /**
   * Waits for the decompressor and the reading of the file to finish; with
   * `stop`, kills the decompressor and stops reading first (a decompressor
   * that this kills has no failure to report).
   */
  close(stop: boolean): Promise<StreamClosed>;
}

/** An error's short reason: its code's meaning for the common ones. */
function reason(error: unknown): string {
  const known: Readonly<Record<string, string>> = {
    ENOENT: "no such file",
    EACCES: "permission denied",
    EISDIR: "it is a directory",
  };
  const e = error as { code?: string; message?: string };
  return known[e.code ?? ""] ?? e.message ?? String(error);
}

/**
 * Opens the archive at `path` as a tar stream, read once: its first bytes
 * tell the format, and a compressed archive is fed through the model's
 * decompressor command (`DECOMPRESS`), spawned with node:child_process.
 * A file that cannot be read, is empty or has no known magic number is an
 * {@linkcode InputError} whose one-line message names it.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { execFileSync } from "node:child_process";
 * import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
 * import { openTarStream } from "./_tar_stream.ts";
 * const dir = mkdtempSync("/tmp/tar-stream-doc-");
 * writeFileSync(`${dir}/a`, "x");
 * execFileSync("tar", ["-C", dir, "-cJf", `${dir}/a.tar.xz`, "a"]);
 * const stream = await openTarStream(`${dir}/a.tar.xz`);
 * let bytes = 0;
 * for await (const chunk of stream.chunks) bytes += chunk.length;
 * assert.equal(stream.format, "xz");
 * assert.equal(bytes, 10240);
 * assert.equal((await stream.close(false)).failure, null);
 * await assert.rejects(openTarStream(`${dir}/a`), /Invalid archive ".*\/a": not gzip, xz/);
 * rmSync(dir, { recursive: true });
 * ```
 */
export async function openTarStream(path: string): Promise<TarStream> {
  const cannot = (error: unknown) =>
    new InputError(`Cannot read archive ${quoteName(path)}: ${reason(error)}`);
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    throw cannot(error);
  }
  if (info.isDirectory()) throw cannot({ code: "EISDIR" });
  const file = createReadStream(path, { highWaterMark: 1024 * 1024 });
  const source = file[Symbol.asyncIterator]() as AsyncIterator<Uint8Array>;
  const head: Uint8Array[] = [];
  let read = 0;
  let readError: unknown = null;
  const next = async () => {
    try {
      const chunk = await source.next();
      if (!chunk.done) read += chunk.value.length;
      return chunk;
    } catch (error) {
      readError = error;
      file.destroy();
      throw cannot(error);
    }
  };
  for (let chunk = await next(); !chunk.done; chunk = await next()) {
    head.push(chunk.value);
    if (read >= MAGIC_BYTES) break;
  }
  const format = formatOfHead(Buffer.concat(head));
  if (format === null) {
    file.destroy();
    const start = [...Buffer.concat(head).subarray(0, 8)].map((b) =>
      b.toString(16).padStart(2, "0")
    );
    throw new InputError(
      read === 0
        ? `Invalid archive ${quoteName(path)}: the file is empty`
        : `Invalid archive ${quoteName(path)}: not ${FORMATS.slice(0, -1).join(", ")} or ${
          FORMATS.at(-1)
        } (it starts with ${start.join(" ")})`,
    );
  }
  const all = async function* () {
    try {
      yield* head;
      for (let chunk = await next(); !chunk.done; chunk = await next()) yield chunk.value;
    } finally {
      file.destroy();
    }
  };
  const closed = (failure: string | null): StreamClosed => {
    if (readError !== null) throw cannot(readError);
    return { failure, compressedBytes: info.isFile() ? info.size : read };
  };
  if (format === "tar") {
    return {
      format,
      chunks: all(),
      close: () => {
        file.destroy();
        return Promise.resolve(closed(null));
      },
    };
  }

  const [program, ...args] = DECOMPRESS[format];
  const child = spawn(program!, args, { stdio: ["pipe", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (text: string) => {
    if (stderr.length < 65536) stderr += text;
  });
  let stopped = false;
  const exited = new Promise<string | null>((resolve) => {
    child.once("error", (error: Error & { code?: string }) => {
      resolve(
        error.code === "ENOENT" ? `${program} is not installed` : `${program}: ${reason(error)}`,
      );
    });
    child.once("close", (code: number | null, signal: string | null) => {
      // gzip exits 2 for a warning (trailing garbage), as the module allows.
      if (code === 0 || (format === "gzip" && code === 2) || (stopped && signal !== null)) {
        return resolve(null);
      }
      const line = stderr.split("\n").map((l) => l.trim()).find((l) => l !== "");
      resolve(
        line ?? `${program} ${code === null ? `was killed by ${signal}` : `exited with ${code}`}`,
      );
    });
  });
  // The decompressor's stdin closes early when it fails: its exit status tells why.
  const fed = pipeline(Readable.from(all()), child.stdin).catch(() => {});
  return {
    format,
    chunks: child.stdout,
    close: async (stop) => {
      if (stop) {
        stopped = true;
        child.stdout.destroy();
        child.kill("SIGTERM");
      }
      const [failure] = await Promise.all([exited, fed]);
      return closed(failure);
    },
  };
}
