/**
 * The part of the `Deno` namespace that the `tmpfs-root` command reaches,
 * built on Node.js. tools/bundle.ts hands it to esbuild's `inject` (as the
 * export `Deno` of tools/_bundle_inject.ts): in the bundle, every free
 * `Deno` identifier of the CLI's code (and of the
 * packages it imports: the simulator reads machine files and runs
 * decompressors, the dracut layer writes and checks the module) refers to
 * this export, so that code runs unchanged under both runtimes and no
 * global is touched. Errors are Deno's: the same classes under
 * `Deno.errors` and the same messages (`No such file or directory (os
 * error 2): readfile '/x'`), so the command prints the same line under
 * Node.js as under Deno.
 *
 * @module
 */
import { type ChildProcess as NodeChild, spawn } from "node:child_process";
import { accessSync, constants as fsConstants } from "node:fs";
import * as fs from "node:fs/promises";
import { constants as osConstants } from "node:os";
import { dirname } from "node:path";
import process from "node:process";
import { Writable } from "node:stream";
import { fileURLToPath } from "node:url";

class NotFound extends Error {
  override name = "NotFound";
}
class PermissionDenied extends Error {
  override name = "PermissionDenied";
}
class AlreadyExists extends Error {
  override name = "AlreadyExists";
}
class IsADirectory extends Error {
  override name = "IsADirectory";
}
class NotADirectory extends Error {
  override name = "NotADirectory";
}

/** The error class Deno throws for each errno name. */
const CLASSES: Readonly<Record<string, new (message: string) => Error>> = {
  ENOENT: NotFound,
  EACCES: PermissionDenied,
  EPERM: PermissionDenied,
  EEXIST: AlreadyExists,
  EISDIR: IsADirectory,
  ENOTDIR: NotADirectory,
};

/** strerror(3)'s text, which Deno's messages use (Node.js's are libuv's, in lower case). */
const STRERROR: Readonly<Record<string, string>> = {
  ENOENT: "No such file or directory",
  EACCES: "Permission denied",
  EPERM: "Operation not permitted",
  EEXIST: "File exists",
  EISDIR: "Is a directory",
  ENOTDIR: "Not a directory",
  ENOTEMPTY: "Directory not empty",
  EROFS: "Read-only file system",
  ENOSPC: "No space left on device",
  ELOOP: "Too many levels of symbolic links",
  ENAMETOOLONG: "File name too long",
  EBUSY: "Device or resource busy",
  EIO: "Input/output error",
  EINVAL: "Invalid argument",
};

/** Runs a file operation; a system error becomes the error Deno throws for `op` on `path`. */
async function sys<T>(op: string, path: string | URL, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code !== "string" || !(code in osConstants.errno)) throw error;
    const errno = osConstants.errno[code as keyof typeof osConstants.errno];
    const text = STRERROR[code] ??
      (error as Error).message.replace(/^[A-Z]+: ([^,]*).*$/s, "$1").replace(
        /^./,
        (c) => c.toUpperCase(),
      );
    const Class = CLASSES[code] ?? Error;
    throw Object.assign(new Class(`${text} (os error ${errno}): ${op} '${path}'`), { code });
  }
}

/**
 * `mkdir -p`, one level at a time: Node.js 20's own recursive mkdir never
 * settles when the kernel refuses a level with ENOENT (under /proc).
 */
async function makeDirs(path: string): Promise<void> {
  try {
    await fs.mkdir(path);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === "EEXIST" && (await fs.stat(path)).isDirectory()) return;
    if (code !== "ENOENT" || dirname(path) === path) throw error;
    await makeDirs(dirname(path));
    await fs.mkdir(path).catch(async (again) => {
      if ((again as { code?: unknown }).code !== "EEXIST" || !(await fs.stat(path)).isDirectory()) {
        throw again;
      }
    });
  }
}

/** The full path of a program, as spawning would find it; `null` when there is none. */
function which(program: string): string | null {
  const dirs = program.includes("/") ? [""] : (process.env.PATH ?? "").split(":");
  for (const dir of dirs) {
    const path = dir === "" ? program : `${dir}/${program}`;
    try {
      accessSync(path, fsConstants.X_OK);
      return path;
    } catch {
      // Not here.
    }
  }
  return null;
}

type Stdio = "piped" | "inherit" | "null";

interface CommandOptions {
  readonly args?: readonly string[];
  readonly cwd?: string;
  readonly env?: Readonly<Record<string, string>>;
  readonly stdin?: Stdio;
  readonly stdout?: Stdio;
  readonly stderr?: Stdio;
}

interface CommandOutput {
  readonly code: number;
  readonly success: boolean;
  readonly signal: string | null;
  readonly stdout: Uint8Array;
  readonly stderr: Uint8Array;
}

const NODE_STDIO = { piped: "pipe", inherit: "inherit", null: "ignore" } as const;

/** A running program (`Deno.ChildProcess`): its standard input as a stream, and its output. */
class ChildProcess {
  readonly stdin: WritableStream<Uint8Array>;
  readonly #done: Promise<CommandOutput>;

  constructor(child: NodeChild) {
    const collect = (from: NodeJS.ReadableStream | null) => {
      const chunks: Uint8Array[] = [];
      from?.on("data", (c: Uint8Array) => chunks.push(c));
      return chunks;
    };
    const out = collect(child.stdout);
    const err = collect(child.stderr);
    // A program that exits without reading all its input must not crash the command (EPIPE).
    child.stdin?.on("error", () => {});
    this.stdin = child.stdin === null
      ? new WritableStream()
      : Writable.toWeb(child.stdin) as WritableStream<Uint8Array>;
    this.#done = new Promise((resolve, reject) => {
      child.on("error", reject);
      child.on("close", (code, signal) =>
        resolve({
          code: code ??
            128 + (osConstants.signals[signal as keyof typeof osConstants.signals] ?? 0),
          success: code === 0,
          signal,
          stdout: new Uint8Array(Buffer.concat(out)),
          stderr: new Uint8Array(Buffer.concat(err)),
        }));
    });
  }

  /** Waits for the program; what it wrote to piped outputs. */
  output(): Promise<CommandOutput> {
    return this.#done;
  }
}

/** `Deno.Command`: a program to run, with its arguments and where its input and output go. */
class Command {
  readonly #program: string;
  readonly #options: CommandOptions;

  constructor(program: string, options: CommandOptions = {}) {
    this.#program = program;
    this.#options = options;
  }

  /** Starts the program; like Deno, fails at once with `NotFound` when there is no such program. */
  spawn(defaults: Stdio = "inherit"): ChildProcess {
    const o = this.#options;
    if (which(this.#program) === null) {
      throw new NotFound(`Failed to spawn '${this.#program}': entity not found`);
    }
    return new ChildProcess(
      spawn(this.#program, [...(o.args ?? [])], {
        cwd: o.cwd,
        env: o.env === undefined ? process.env : { ...process.env, ...o.env },
        stdio: [
          NODE_STDIO[o.stdin ?? "inherit"],
          NODE_STDIO[o.stdout ?? defaults],
          NODE_STDIO[o.stderr ?? defaults],
        ],
      }),
    );
  }

  /** Runs the program to its end, its outputs piped (its input from /dev/null unless given). */
  output(): Promise<CommandOutput> {
    const o = this.#options;
    return new Command(this.#program, { ...o, stdin: o.stdin ?? "null" }).spawn("piped").output();
  }
}

/** What `Deno.stat` tells. */
interface FileInfo {
  readonly isFile: boolean;
  readonly isDirectory: boolean;
  readonly isSymlink: boolean;
  readonly size: number;
  readonly mode: number;
}

/**
 * `Deno`, as far as the command uses it; tools/bundle.ts checks that the
 * bundle names no other member.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { denoShim } from "./_bundle_deno_shim.ts";
 * await assert.rejects(denoShim.readTextFile("/nonexistent"), {
 *   name: "NotFound",
 *   message: "No such file or directory (os error 2): readfile '/nonexistent'",
 * });
 * ```
 */
export const denoShim = {
  args: process.argv.slice(2),
  // dax reads these two: its colours follow NO_COLOR, and its values print through the symbol.
  noColor: process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== "",
  customInspect: Symbol.for("Deno.customInspect"),
  exit(code?: number): never {
    process.exit(code);
  },
  errors: { NotFound, PermissionDenied, AlreadyExists, IsADirectory, NotADirectory },
  Command,
  readTextFile(path: string | URL): Promise<string> {
    return sys("readfile", path, () => fs.readFile(path, "utf8"));
  },
  async readFile(path: string | URL): Promise<Uint8Array> {
    return new Uint8Array(await sys("readfile", path, () => fs.readFile(path)));
  },
  writeTextFile(path: string | URL, text: string, options: { append?: boolean } = {}) {
    return sys(
      "writefile",
      path,
      () => fs.writeFile(path, text, { flag: options.append ? "a" : "w" }),
    );
  },
  async mkdir(path: string | URL, options: { recursive?: boolean } = {}): Promise<void> {
    const at = path instanceof URL ? fileURLToPath(path) : path;
    await sys("mkdir", path, () => options.recursive ? makeDirs(at) : fs.mkdir(at));
  },
  async *readDir(path: string | URL) {
    const entries = await sys("readdir", path, () => fs.readdir(path, { withFileTypes: true }));
    for (const e of entries) {
      yield {
        name: e.name,
        isFile: e.isFile(),
        isDirectory: e.isDirectory(),
        isSymlink: e.isSymbolicLink(),
      };
    }
  },
  remove(path: string | URL, options: { recursive?: boolean } = {}): Promise<void> {
    return sys("remove", path, async () => {
      // Deno.remove removes a file or an empty folder, or anything with recursive.
      if (options.recursive) await fs.rm(path, { recursive: true });
      else if ((await fs.lstat(path)).isDirectory()) await fs.rmdir(path);
      else await fs.unlink(path);
    });
  },
  chmod(path: string | URL, mode: number): Promise<void> {
    return sys("chmod", path, () => fs.chmod(path, mode));
  },
  async stat(path: string | URL): Promise<FileInfo> {
    const s = await sys("stat", path, () => fs.stat(path));
    return {
      isFile: s.isFile(),
      isDirectory: s.isDirectory(),
      isSymlink: false,
      size: s.size,
      mode: s.mode,
    };
  },
};
