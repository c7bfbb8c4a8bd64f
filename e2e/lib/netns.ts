/**
 * Private network, mount and PID namespaces for end-to-end tests.
 *
 * A test gets a namespace with only a loopback interface (so nothing it starts can reach any
 * address outside this machine), its own mount table with a private tmpfs on `/run` (so rpcbind
 * and nfs-ganesha sockets and pid files never meet the host's), and its own PID namespace (so
 * tearing it down kills every process that was started inside it, whatever happened to the test).
 *
 * QEMU started through {@linkcode Namespace.wrap} with `-netdev user` reaches servers that listen
 * on the namespace's 127.0.0.1 at 10.0.2.2.
 *
 * @example Run a command inside a fresh namespace
 * ```ts ignore
 * import { withNamespace } from "./netns.ts";
 *
 * await withNamespace(async (ns) => {
 *   const out = await ns.run(["ip", "-o", "link"]);
 *   console.log(out.stdout); // "1: lo: <LOOPBACK,UP,LOWER_UP> ..."
 * });
 * ```
 * @module
 */

/** Options for {@linkcode createNamespace} and {@linkcode withNamespace}. */
export interface NamespaceOptions {
  /**
   * Hard upper bound on the namespace's life in seconds: after it, the namespace's init exits and
   * the kernel kills everything inside, even if the test process is gone. Default 1800.
   */
  maxLifetimeSeconds?: number;
  /** How long to wait for the namespace to come up, in milliseconds. Default 10000. */
  startTimeoutMs?: number;
}

/** Result of {@linkcode Namespace.run}. */
export interface RunResult {
  /** Exit code (124 or 137 when the command hit its timeout). */
  readonly code: number;
  /** True when the exit code is 0. */
  readonly success: boolean;
  /** Standard output, decoded as UTF-8. */
  readonly stdout: string;
  /** Standard error, decoded as UTF-8. */
  readonly stderr: string;
}

/** Options for {@linkcode Namespace.run}. */
export interface RunOptions {
  /** Kill the command after this many milliseconds. Default 60000. */
  timeoutMs?: number;
  /** Throw an Error naming the command and its stderr when it exits non-zero. Default false. */
  check?: boolean;
  /** Data written to the command's standard input. */
  stdin?: string | Uint8Array;
  /** Extra environment variables. */
  env?: Record<string, string>;
  /** Working directory (a host path; the namespaces share the host's file systems). */
  cwd?: string;
}

/** Options for {@linkcode Namespace.spawn}. */
export interface SpawnOptions {
  /** Append the command's standard output and error to this file (default: discarded). */
  logFile?: string;
  /** Extra environment variables. */
  env?: Record<string, string>;
  /** Working directory (a host path). */
  cwd?: string;
}

/** A long-running process started inside a namespace by {@linkcode Namespace.spawn}. */
export interface NsProcess {
  /** The command that was started. */
  readonly cmd: readonly string[];
  /** PID of the command as seen from the host (usable with `Deno.kill`). */
  readonly hostPid: number;
  /** Resolves when the command exits (or the namespace is torn down). */
  readonly status: Promise<Deno.CommandStatus>;
  /** Send a signal to the command (not to the `nsenter` wrapper around it). */
  kill(signal?: Deno.Signal): void;
  /** SIGTERM, wait up to `graceMs` (default 5000), then SIGKILL; resolves once it has exited. */
  stop(graceMs?: number): Promise<void>;
}

/** A private net+mount+PID namespace; see the module documentation. */
export interface Namespace {
  /** Host PID of the namespace's init process (the target of `nsenter -t`). */
  readonly pid: number;
  /**
   * Command prefix that runs a command inside the namespace, e.g.
   * `["nsenter", "-t", "1234", "-n", "-m", "-p", "--"]`. Append the command's argv to it.
   */
  readonly wrap: readonly string[];
  /** A host temporary directory owned by this namespace, removed at teardown. */
  readonly tmpDir: string;
  /** Run a command inside the namespace and collect its output. */
  run(cmd: readonly string[], options?: RunOptions): Promise<RunResult>;
  /** Start a long-running command inside the namespace. It dies at teardown at the latest. */
  spawn(cmd: readonly string[], options?: SpawnOptions): Promise<NsProcess>;
  /** Kill everything inside the namespace and remove {@linkcode Namespace.tmpDir}. Idempotent. */
  close(): Promise<void>;
}

const decoder = new TextDecoder();

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function processExists(pid: number): boolean {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    // Field 3 is the state; a zombie ("Z") has already exited.
    const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
    return state !== "Z";
  } catch {
    return false;
  }
}

function childrenOf(pid: number): number[] {
  try {
    return Deno.readTextFileSync(`/proc/${pid}/task/${pid}/children`).trim().split(/\s+/)
      .filter((s) => s !== "").map(Number);
  } catch {
    return [];
  }
}

async function waitForChild(pid: number, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const kids = childrenOf(pid);
    if (kids.length > 0 && kids[0] !== undefined) return kids[0];
    if (Date.now() > deadline) {
      throw new Error(`Process "${pid}" did not fork its child within ${timeoutMs} ms`);
    }
    await sleep(5);
  }
}

async function readLine(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<string> {
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
  }
  return text;
}

/** POSIX shell quoting for one word (used only to build the fixed holder and spawn wrappers). */
function shQuote(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/**
 * Create a namespace; the caller must {@linkcode Namespace.close} it (or use `await using`).
 * Prefer {@linkcode withNamespace}.
 *
 * @example
 * ```ts ignore
 * await using ns = await createNamespace();
 * await ns.run(["ip", "addr"], { check: true });
 * ```
 */
export async function createNamespace(
  options: NamespaceOptions = {},
): Promise<Namespace & AsyncDisposable> {
  const lifetime = options.maxLifetimeSeconds ?? 1800;
  const startTimeout = options.startTimeoutMs ?? 10_000;
  if (!Number.isInteger(lifetime) || lifetime <= 0) {
    throw new RangeError(`Invalid namespace lifetime "${lifetime}": expected a positive integer`);
  }
  const tmpDir = await Deno.makeTempDir({ prefix: "tmpfs-root-ns-" });
  // The init of the new PID namespace: mount a private /run, bring up loopback, report, then wait
  // for EOF on stdin (our end closes at teardown or when this process dies) or the lifetime bound.
  // sh stays PID 1 (no exec) so that it reaps orphans; when it exits the kernel kills the rest.
  const init = [
    "set -e",
    "mount -t tmpfs -o mode=0755,size=64m tmpfs /run",
    "mkdir -p /run/lock /run/rpcbind",
    "ip link set lo up",
    "echo ready",
    `timeout ${lifetime} cat >/dev/null || true`,
  ].join("\n");
  const holder = new Deno.Command("unshare", {
    args: [
      "--net",
      "--mount",
      "--pid",
      "--fork",
      "--kill-child",
      "--mount-proc",
      "--propagation",
      "private",
      "sh",
      "-c",
      init,
    ],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stdinWriter = holder.stdin.getWriter();
  const stdoutReader = holder.stdout.getReader();
  const stderrText = new Response(holder.stderr).text();

  let initPid = 0;
  const killHolder = async () => {
    // Killing the namespace's init makes the kernel kill every process in the PID namespace;
    // unshare then reaps it and exits. (unshare itself ignores SIGTERM while it waits; killing it
    // instead would leave init a zombie for the host's init to reap, via --kill-child.)
    try {
      if (initPid > 0 && processExists(initPid)) Deno.kill(initPid, "SIGKILL");
      else holder.kill("SIGKILL");
    } catch { /* already gone */ }
    await stdinWriter.close().catch(() => {});
    await stdoutReader.cancel().catch(() => {});
    await holder.status;
    await stderrText.catch(() => "");
  };

  try {
    let timerId: ReturnType<typeof setTimeout> | undefined;
    const timer = new Promise<string>((resolve) => {
      timerId = setTimeout(() => resolve("timeout"), startTimeout);
    });
    const line = await Promise.race([readLine(stdoutReader), timer]);
    clearTimeout(timerId);
    if (line.trim() !== "ready") {
      await killHolder();
      throw new Error(
        `Namespace did not start: ${line === "timeout" ? "timed out" : await stderrText}`,
      );
    }
    initPid = await waitForChild(holder.pid, 2000);
  } catch (e) {
    await killHolder();
    await Deno.remove(tmpDir, { recursive: true }).catch(() => {});
    throw e;
  }

  const wrap = ["nsenter", "-t", String(initPid), "-n", "-m", "-p", "--"] as const;
  const spawned: NsProcess[] = [];
  let closed = false;

  const run = async (cmd: readonly string[], opts: RunOptions = {}): Promise<RunResult> => {
    if (closed) throw new Error("Namespace is closed");
    if (cmd.length === 0) throw new TypeError("Invalid command: expected at least one word");
    const secs = Math.max(1, Math.ceil((opts.timeoutMs ?? 60_000) / 1000));
    // nsenter forks into the PID namespace and does not forward signals, so the timeout must be
    // enforced inside the namespace.
    const args = [...wrap.slice(1), "timeout", "-k", "2", String(secs), ...cmd];
    const child = new Deno.Command(wrap[0], {
      args,
      stdin: opts.stdin === undefined ? "null" : "piped",
      stdout: "piped",
      stderr: "piped",
      ...(opts.env ? { env: opts.env } : {}),
      ...(opts.cwd ? { cwd: opts.cwd } : {}),
    }).spawn();
    if (opts.stdin !== undefined) {
      const w = child.stdin.getWriter();
      const data = typeof opts.stdin === "string"
        ? new TextEncoder().encode(opts.stdin)
        : opts.stdin;
      await w.write(data).catch(() => {});
      await w.close().catch(() => {});
    }
    const out = await child.output();
    const result: RunResult = {
      code: out.code,
      success: out.success,
      stdout: decoder.decode(out.stdout),
      stderr: decoder.decode(out.stderr),
    };
    if (opts.check && !result.success) {
      throw new Error(
        `Command "${cmd.join(" ")}" failed with exit code ${result.code}: ${result.stderr.trim()}`,
      );
    }
    return result;
  };

  const spawn = async (cmd: readonly string[], opts: SpawnOptions = {}): Promise<NsProcess> => {
    if (closed) throw new Error("Namespace is closed");
    if (cmd.length === 0) throw new TypeError("Invalid command: expected at least one word");
    const redirect = opts.logFile ? `>>${shQuote(opts.logFile)} 2>&1` : ">/dev/null 2>&1";
    const child = new Deno.Command(wrap[0], {
      args: [...wrap.slice(1), "sh", "-c", `exec "$@" ${redirect}`, "sh", ...cmd],
      stdin: "null",
      stdout: "null",
      stderr: "null",
      ...(opts.env ? { env: opts.env } : {}),
      ...(opts.cwd ? { cwd: opts.cwd } : {}),
    }).spawn();
    let hostPid: number;
    try {
      hostPid = await waitForChild(child.pid, 5000);
    } catch (e) {
      try {
        child.kill("SIGKILL");
      } catch { /* gone */ }
      await child.status;
      throw e;
    }
    const kill = (signal: Deno.Signal = "SIGTERM") => {
      if (!processExists(hostPid)) return;
      try {
        Deno.kill(hostPid, signal);
      } catch { /* already gone */ }
    };
    const proc: NsProcess = {
      cmd: [...cmd],
      hostPid,
      status: child.status,
      kill,
      async stop(graceMs = 5000) {
        kill("SIGTERM");
        let timerId: ReturnType<typeof setTimeout> | undefined;
        const grace = new Promise<boolean>((resolve) => {
          timerId = setTimeout(() => resolve(false), graceMs);
        });
        const done = await Promise.race([child.status.then(() => true), grace]);
        clearTimeout(timerId);
        if (!done) kill("SIGKILL");
        await child.status;
      },
    };
    spawned.push(proc);
    return proc;
  };

  const close = async () => {
    if (closed) return;
    closed = true;
    await killHolder();
    // Every process of the PID namespace is dead once init is; wait for the nsenter wrappers.
    await Promise.all(spawned.map((p) => p.status.catch(() => {})));
    const deadline = Date.now() + 5000;
    while (processExists(initPid) && Date.now() < deadline) await sleep(10);
    await Deno.remove(tmpDir, { recursive: true }).catch(() => {});
  };

  return {
    pid: initPid,
    wrap,
    tmpDir,
    run,
    spawn,
    close,
    [Symbol.asyncDispose]: close,
  };
}

/**
 * Run `fn` with a fresh namespace and tear the namespace down afterwards, even when `fn` throws:
 * every process started inside it is killed and its temporary directory removed.
 *
 * @example
 * ```ts ignore
 * const links = await withNamespace(async (ns) => (await ns.run(["ip", "-o", "link"])).stdout);
 * ```
 */
export async function withNamespace<T>(
  fn: (ns: Namespace) => Promise<T>,
  options: NamespaceOptions = {},
): Promise<T> {
  const ns = await createNamespace(options);
  try {
    return await fn(ns);
  } finally {
    await ns.close();
  }
}
