/** Running host programs for the bench. Private to `bench/lib`. */

/** What a finished program left. */
export interface Ran {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Options of {@linkcode exec}. */
export interface ExecOptions {
  readonly cwd?: string;
  readonly env?: Record<string, string>;
  /** Standard input's text (default: none). */
  readonly stdin?: string;
  /** Return a failed run instead of throwing. */
  readonly allowFailure?: boolean;
  /** Let standard error through to the terminal (long runs that report progress). */
  readonly inheritStderr?: boolean;
}

/** The first line a failed program wrote on standard error, or its status. */
export function firstLine(text: string, fallback: string): string {
  return text.split("\n").map((l) => l.trim()).find((l) => l !== "") ?? fallback;
}

/**
 * Runs `cmd` with `args` and waits for it; throws an Error naming the program
 * and its first line on standard error when it fails (unless `allowFailure`).
 */
export async function exec(
  cmd: string,
  args: readonly string[],
  options: ExecOptions = {},
): Promise<Ran> {
  const child = new Deno.Command(cmd, {
    args: [...args],
    cwd: options.cwd,
    env: options.env,
    stdin: options.stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: options.inheritStderr ? "inherit" : "piped",
  }).spawn();
  if (options.stdin !== undefined) {
    const w = child.stdin.getWriter();
    await w.write(new TextEncoder().encode(options.stdin));
    await w.close();
  }
  const out = await child.output();
  const ran = {
    code: out.code,
    stdout: new TextDecoder().decode(out.stdout),
    stderr: options.inheritStderr ? "" : new TextDecoder().decode(out.stderr),
  };
  if (ran.code !== 0 && !options.allowFailure) {
    throw new Error(
      `${cmd} ${args.slice(0, 3).join(" ")} failed: ${firstLine(ran.stderr, `status ${ran.code}`)}`,
    );
  }
  return ran;
}

/** Runs a bash script (with `-euo pipefail`) and returns its standard output. */
export async function bash(script: string, options: ExecOptions = {}): Promise<string> {
  return (await exec("bash", ["-euo", "pipefail", "-c", script], options)).stdout;
}

/** The first 16 hex digits of the SHA-256 of `text`: a cache key. */
export async function shortHash(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("")
    .slice(0, 16);
}

/** Where the bench caches what it builds: `${TMPFS_ROOT_CACHE:-/var/cache/tmpfs-root}/bench`. */
export function cacheDir(): string {
  return `${Deno.env.get("TMPFS_ROOT_CACHE") ?? "/var/cache/tmpfs-root"}/bench`;
}

// Shared with the real boots: one quoting and one existence check for the tooling.
export { shQuote } from "../../e2e/lib/_shell.ts";
export { exists } from "../../e2e/lib/_paths.ts";
