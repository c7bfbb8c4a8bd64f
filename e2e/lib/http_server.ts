/**
 * A small HTTP/HTTPS file server with fault injection, run inside a test namespace.
 *
 * The server is this very file, run by the current Deno binary inside the namespace (through
 * `ns.spawn`), listening on the namespace's 127.0.0.1. A QEMU guest on user networking in the same
 * namespace reaches it at `10.0.2.2:<port>`. It speaks just enough HTTP/1.1 for boot loaders and
 * curl/wget: GET and HEAD, single byte ranges, one request per connection (`Connection: close`).
 *
 * Faults (see {@linkcode HttpFaults}): 404 for chosen paths, a connection dropped after N body
 * bytes, the first K requests failing (closed without a reply, or 503), redirects, and bodies that
 * never end (a prefix, then zeros, at full speed or trickled, without a Content-Length). Every
 * request is logged as one JSON line ({@linkcode HttpLogEntry}) so tests can count attempts.
 *
 * @example Serve a directory with the first two requests failing
 * ```ts ignore
 * import { withNamespace } from "./netns.ts";
 * import { startHttp } from "./http_server.ts";
 *
 * await withNamespace(async (ns) => {
 *   const http = await startHttp(ns, {
 *     root: "/tmp/www",
 *     faults: { failFirst: { count: 2, mode: "503" } },
 *   });
 *   console.log(http.url("/rootfs.tar.gz")); // "http://10.0.2.2:8080/rootfs.tar.gz"
 *   // ... boot ...
 *   console.log((await http.requests()).length);
 *   await http.stop();
 * });
 * ```
 * @module
 */

import type { Namespace, NsProcess } from "./netns.ts";
import type { TlsFiles } from "./tls.ts";

/** A redirect answered by {@linkcode startHttp} instead of a file. */
export interface HttpRedirect {
  /** The `Location` header, e.g. `http://10.0.2.2:8080/images/rootfs.tar.gz`. */
  readonly location: string;
  /** The status (default 302). */
  readonly status?: 301 | 302 | 303 | 307 | 308;
}

/**
 * A body that never ends, answered by {@linkcode startHttp} with 200 and no
 * Content-Length: a prefix, then zero bytes until the client goes away (or
 * the server's lifetime ends). Logged with outcome `client-closed`.
 */
export interface EndlessBody {
  /** The body's first bytes, base64 (e.g. a tar header); default none. JSON-safe on purpose. */
  readonly prefixBase64?: string;
  /** Send the zeros after the prefix at about this many bytes per second (default: full speed). */
  readonly bytesPerSecond?: number;
  /**
   * `"close"` (default): the body would end when the connection closes (HTTP/1.0 style);
   * `"chunked"`: `Transfer-Encoding: chunked`, whose last chunk never comes.
   */
  readonly framing?: "close" | "chunked";
}

/** Fault injection for {@linkcode startHttp}. Paths are URL paths such as `"/rootfs.tgz"`. */
export interface HttpFaults {
  /** Answer 404 for these paths even when the file exists. */
  notFound?: readonly string[];
  /**
   * Send full headers (with the real Content-Length) but close the connection after `bytes` body
   * bytes. Applies to `path` (default: every path) and to its first `times` requests (default:
   * all of them), so a retry can succeed.
   */
  dropAfterBytes?: { bytes: number; path?: string; times?: number };
  /**
   * Fail the first `count` requests (for `path`, default every path):
   * - `"close"`: read the request, then close the connection without a reply ("empty reply");
   * - `"503"`: answer 503 Service Unavailable with `Retry-After: <retryAfter>` (default 1);
   * - `"reset"`: close the connection as soon as it is accepted, before reading anything (counts
   *   connections, not requests; `path` is ignored).
   */
  failFirst?: {
    count: number;
    mode?: "close" | "503" | "reset";
    path?: string;
    retryAfter?: number;
  };
  /** Wait this many milliseconds before answering each request (to test timeouts). */
  delayMs?: number;
  /** Limit the body rate to about this many bytes per second (to test progress output). */
  bytesPerSecond?: number;
  /** Answer these paths (GET and HEAD) with a redirect, whether or not a file is there. */
  redirects?: Readonly<Record<string, HttpRedirect>>;
  /** Answer these paths (GET and HEAD) with a body that never ends. */
  endless?: Readonly<Record<string, EndlessBody>>;
}

/** Options for {@linkcode startHttp}. */
export interface HttpOptions {
  /** Host directory to serve. */
  root: string;
  /** Port on the namespace's 127.0.0.1. Default 8080 (8443 with `tls`); 0 picks a free one. */
  port?: number;
  /** Serve HTTPS with these files (from `makeTestCa` in `tls.ts`). */
  tls?: TlsFiles;
  /** Faults to inject. */
  faults?: HttpFaults;
  /** How long to wait for the server to listen, in milliseconds. Default 20000. */
  readyTimeoutMs?: number;
}

/** One line of the request log. */
export interface HttpLogEntry {
  /** 1-based connection number. */
  readonly conn: number;
  /** Milliseconds since the epoch when the connection was accepted. */
  readonly time: number;
  /** Client address as seen by the server (slirp connects from 127.0.0.1). */
  readonly remote: string;
  /** Request method, or null when no request was read (`"reset"` or an unreadable request). */
  readonly method: string | null;
  /** Request path (query string removed), or null. */
  readonly path: string | null;
  /** The Range header, if any. */
  readonly range: string | null;
  /** HTTP status sent, or null when the connection was closed without a reply. */
  readonly status: number | null;
  /** Body bytes written. */
  readonly bytes: number;
  /**
   * What happened: "ok", "not-found", "dropped", "closed", "reset", "503", "bad-request",
   * "redirect", "client-closed" (an endless body, until the client went away), "error".
   */
  readonly outcome: string;
  /** Error text for "error", and the write error that ended a "client-closed" body. */
  readonly error?: string;
}

/** A running server returned by {@linkcode startHttp}. */
export interface HttpServer {
  /** Listening port (inside the namespace; the guest uses the same port on 10.0.2.2). */
  readonly port: number;
  /** `"http"` or `"https"`. */
  readonly scheme: "http" | "https";
  /** JSON-lines request log on the host. */
  readonly logFile: string;
  /** URL of `path` for the guest: `http://10.0.2.2:PORT/path` (pass `host` to change). */
  url(path: string, host?: string): string;
  /** All requests so far, in order. */
  requests(): Promise<HttpLogEntry[]>;
  /** Stop the server. Idempotent. */
  stop(): Promise<void>;
}

/** Configuration handed to the server process (JSON in a file). */
interface ServerConfig {
  root: string;
  port: number;
  readyFile: string;
  logFile: string;
  tls: { cert: string; key: string } | null;
  faults: HttpFaults;
  maxLifetimeSeconds: number;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Start the file server inside `ns` and wait until it listens.
 *
 * @example
 * ```ts ignore
 * const tls = await makeTestCa(`${ns.tmpDir}/tls`);
 * const https = await startHttp(ns, { root, tls, faults: { notFound: ["/missing.tgz"] } });
 * // curl --cacert tls.caCert https://127.0.0.1:8443/rootfs.tgz (inside the namespace)
 * ```
 */
export async function startHttp(ns: Namespace, options: HttpOptions): Promise<HttpServer> {
  const stat = await Deno.stat(options.root).catch(() => null);
  if (!stat?.isDirectory) {
    throw new TypeError(`Invalid HTTP root "${options.root}": not a directory`);
  }
  const scheme = options.tls ? "https" : "http";
  const port = options.port ?? (options.tls ? 8443 : 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new RangeError(`Invalid port "${port}": expected an integer from 0 to 65535`);
  }
  const stateDir = await Deno.makeTempDir({ dir: ns.tmpDir, prefix: `${scheme}-` });
  const config: ServerConfig = {
    root: await Deno.realPath(options.root),
    port,
    readyFile: `${stateDir}/ready.json`,
    logFile: `${stateDir}/requests.jsonl`,
    tls: options.tls ? { cert: options.tls.cert, key: options.tls.key } : null,
    faults: options.faults ?? {},
    maxLifetimeSeconds: 3600,
  };
  const configFile = `${stateDir}/config.json`;
  await Deno.writeTextFile(configFile, JSON.stringify(config, null, 2));
  await Deno.writeTextFile(config.logFile, "");
  const outFile = `${stateDir}/server.out`;
  const self = new URL(import.meta.url).pathname;
  const proc: NsProcess = await ns.spawn([
    Deno.execPath(),
    "run",
    "--no-config",
    "--no-lock",
    "--no-prompt",
    `--allow-read`,
    `--allow-write=${stateDir}`,
    "--allow-net=127.0.0.1",
    self,
    "--serve",
    configFile,
  ], { logFile: outFile, env: { DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" } });

  const deadline = Date.now() + (options.readyTimeoutMs ?? 20_000);
  let exited = false;
  proc.status.then(() => exited = true);
  let actualPort = 0;
  for (;;) {
    try {
      actualPort = JSON.parse(await Deno.readTextFile(config.readyFile)).port;
      break;
    } catch { /* not yet */ }
    if (exited || Date.now() > deadline) {
      await proc.stop(1000);
      const out = await Deno.readTextFile(outFile).catch(() => "");
      throw new Error(`HTTP server did not start: ${exited ? "it exited" : "timed out"}\n${out}`);
    }
    await sleep(20);
  }

  let stopped = false;
  return {
    port: actualPort,
    scheme,
    logFile: config.logFile,
    url(path: string, host = "10.0.2.2") {
      return `${scheme}://${host}:${actualPort}${path.startsWith("/") ? "" : "/"}${path}`;
    },
    async requests() {
      const text = await Deno.readTextFile(config.logFile);
      return text.split("\n").filter((l) => l !== "").map((l) => JSON.parse(l) as HttpLogEntry);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await proc.stop(2000);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The server process.

const encoder = new TextEncoder();

type Conn = Deno.Conn | Deno.TlsConn;

async function writeAll(conn: Conn, data: Uint8Array): Promise<void> {
  let off = 0;
  while (off < data.length) off += await conn.write(data.subarray(off));
}

const REDIRECT_REASONS: Readonly<Record<NonNullable<HttpRedirect["status"]>, string>> = {
  301: "Moved Permanently",
  302: "Found",
  303: "See Other",
  307: "Temporary Redirect",
  308: "Permanent Redirect",
};

/** Decodes base64 (the config file is JSON). */
function fromBase64(s: string): Uint8Array {
  return Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
}

/**
 * Writes an endless body: the prefix, then zeros at the given rate, framed
 * as chunks when asked; returns only by throwing (the client went away).
 */
async function sendEndless(
  conn: Conn,
  body: EndlessBody,
  sent: (n: number) => void,
): Promise<never> {
  const chunked = body.framing === "chunked";
  const write = async (data: Uint8Array) => {
    if (data.length === 0) return;
    if (chunked) await writeAll(conn, encoder.encode(`${data.length.toString(16)}\r\n`));
    await writeAll(conn, data);
    if (chunked) await writeAll(conn, encoder.encode("\r\n"));
    sent(data.length);
  };
  await write(fromBase64(body.prefixBase64 ?? ""));
  const rate = body.bytesPerSecond;
  const zeros = new Uint8Array(rate ? Math.max(1, Math.min(65536, Math.floor(rate))) : 65536);
  const started = Date.now();
  let total = 0;
  for (;;) {
    await write(zeros);
    total += zeros.length;
    if (rate) {
      const due = started + (total / rate) * 1000;
      if (due > Date.now()) await sleep(due - Date.now());
    }
  }
}

/** Read the request head (up to the blank line); null when the peer sent nothing usable. */
async function readHead(conn: Conn): Promise<string | null> {
  const buf = new Uint8Array(4096);
  let text = "";
  while (!text.includes("\r\n\r\n") && !text.includes("\n\n")) {
    const n = await conn.read(buf);
    if (n === null) return null;
    text += new TextDecoder().decode(buf.subarray(0, n));
    if (text.length > 65536) return null;
  }
  return text;
}

function parseRange(header: string | null, size: number): [number, number] | "invalid" | null {
  if (header === null) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === "" && m[2] === "")) return "invalid";
  let start: number;
  let end: number;
  if (m[1] === "") {
    const suffix = Number(m[2]);
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === "" ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  if (start >= size || start > end) return "invalid";
  return [start, end];
}

function resolvePath(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  const parts: string[] = [];
  for (const part of decoded.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === ".." || part.includes("\0")) return null;
    parts.push(part);
  }
  return `${root}/${parts.join("/")}`;
}

async function serve(configFile: string): Promise<void> {
  const config: ServerConfig = JSON.parse(await Deno.readTextFile(configFile));
  const faults = config.faults;
  const listener: Deno.Listener = config.tls
    ? Deno.listenTls({
      hostname: "127.0.0.1",
      port: config.port,
      cert: await Deno.readTextFile(config.tls.cert),
      key: await Deno.readTextFile(config.tls.key),
    })
    : Deno.listen({ hostname: "127.0.0.1", port: config.port });
  const port = (listener.addr as Deno.NetAddr).port;
  await Deno.writeTextFile(`${config.readyFile}.tmp`, JSON.stringify({ port }));
  await Deno.rename(`${config.readyFile}.tmp`, config.readyFile);
  // Never outlive the test by much, whatever happens to it.
  setTimeout(() => Deno.exit(0), config.maxLifetimeSeconds * 1000);
  Deno.addSignalListener("SIGTERM", () => Deno.exit(0));

  let connCount = 0;
  let requestCount = 0;
  const perPath = new Map<string, number>();
  const log = (entry: HttpLogEntry) => {
    Deno.writeTextFileSync(config.logFile, JSON.stringify(entry) + "\n", { append: true });
  };

  for await (const conn of listener) {
    connCount++;
    handle(conn, connCount).catch(() => {});
  }

  async function handle(conn: Conn, connNo: number): Promise<void> {
    const addr = conn.remoteAddr as Deno.NetAddr;
    const base = {
      conn: connNo,
      time: Date.now(),
      remote: `${addr.hostname}:${addr.port}`,
      method: null as string | null,
      path: null as string | null,
      range: null as string | null,
    };
    let bytes = 0;
    let status: number | null = null;
    const finish = (outcome: string, error?: string) => {
      log({ ...base, status, bytes, outcome, ...(error === undefined ? {} : { error }) });
      try {
        conn.close();
      } catch { /* closed */ }
    };
    const respond = async (code: number, reason: string, headers: string[], body = "") => {
      status = code;
      const head = [`HTTP/1.1 ${code} ${reason}`, ...headers, "Connection: close", "", ""];
      await writeAll(conn, encoder.encode(head.join("\r\n") + body));
    };
    try {
      const ff = faults.failFirst;
      if (ff && (ff.mode ?? "close") === "reset" && connNo <= ff.count) {
        return finish("reset");
      }
      const head = await readHead(conn);
      if (head === null) return finish("bad-request");
      const lines = head.split(/\r?\n/);
      const [method, target] = (lines[0] ?? "").split(" ");
      if (!method || !target) {
        await respond(400, "Bad Request", ["Content-Length: 0"]);
        return finish("bad-request");
      }
      const headers = new Map<string, string>();
      for (const line of lines.slice(1)) {
        const i = line.indexOf(":");
        if (i > 0) headers.set(line.slice(0, i).trim().toLowerCase(), line.slice(i + 1).trim());
      }
      const path = target.split("?")[0] ?? "/";
      base.method = method;
      base.path = path;
      base.range = headers.get("range") ?? null;
      requestCount++;
      const pathCount = (perPath.get(path) ?? 0) + 1;
      perPath.set(path, pathCount);

      if (faults.delayMs) await sleep(faults.delayMs);
      if (ff && (ff.mode ?? "close") !== "reset") {
        const n = ff.path === undefined ? requestCount : ff.path === path ? pathCount : Infinity;
        if (n <= ff.count) {
          if (ff.mode === "503") {
            const body = "Service Unavailable\n";
            await respond(503, "Service Unavailable", [
              `Retry-After: ${ff.retryAfter ?? 1}`,
              "Content-Type: text/plain",
              `Content-Length: ${body.length}`,
            ], body);
            return finish("503");
          }
          return finish("closed");
        }
      }
      if (method !== "GET" && method !== "HEAD") {
        await respond(405, "Method Not Allowed", ["Allow: GET, HEAD", "Content-Length: 0"]);
        return finish("bad-request");
      }
      const redirect = faults.redirects?.[path];
      if (redirect) {
        const code = redirect.status ?? 302;
        await respond(code, REDIRECT_REASONS[code], [
          `Location: ${redirect.location}`,
          "Content-Length: 0",
        ]);
        return finish("redirect");
      }
      const endless = faults.endless?.[path];
      if (endless) {
        const chunked = endless.framing === "chunked";
        await respond(200, "OK", [
          "Content-Type: application/octet-stream",
          ...(chunked ? ["Transfer-Encoding: chunked"] : []),
        ]);
        if (method === "HEAD") return finish("ok");
        try {
          await sendEndless(conn, endless, (n) => bytes += n);
        } catch (e) {
          return finish("client-closed", (e as Error).message);
        }
      }
      const file = resolvePath(config.root, path);
      const info = file === null ? null : await Deno.stat(file).catch(() => null);
      if (file === null || !info?.isFile || faults.notFound?.includes(path)) {
        const body = "Not Found\n";
        await respond(404, "Not Found", [
          "Content-Type: text/plain",
          `Content-Length: ${body.length}`,
        ], method === "HEAD" ? "" : body);
        return finish("not-found");
      }
      const size = info.size;
      const range = parseRange(base.range, size);
      if (range === "invalid") {
        await respond(416, "Range Not Satisfiable", [
          `Content-Range: bytes */${size}`,
          "Content-Length: 0",
        ]);
        return finish("bad-request");
      }
      const [start, end] = range ?? [0, size - 1];
      const length = size === 0 ? 0 : end - start + 1;
      const common = [
        "Content-Type: application/octet-stream",
        "Accept-Ranges: bytes",
        `Content-Length: ${length}`,
        `Last-Modified: ${(info.mtime ?? new Date(0)).toUTCString()}`,
      ];
      if (range) {
        await respond(206, "Partial Content", [
          ...common,
          `Content-Range: bytes ${start}-${end}/${size}`,
        ]);
      } else {
        await respond(200, "OK", common);
      }
      if (method === "HEAD") return finish("ok");

      const drop = faults.dropAfterBytes;
      const dropHere = drop !== undefined &&
        (drop.path === undefined || drop.path === path) &&
        (drop.times === undefined ||
          (drop.path === undefined ? requestCount : pathCount) <= drop.times);
      const limit = dropHere ? Math.min(drop.bytes, length) : length;
      using fh = await Deno.open(file);
      await fh.seek(start, Deno.SeekMode.Start);
      const chunk = new Uint8Array(64 * 1024);
      const started = Date.now();
      while (bytes < limit) {
        const n = await fh.read(chunk.subarray(0, Math.min(chunk.length, limit - bytes)));
        if (n === null) break;
        await writeAll(conn, chunk.subarray(0, n));
        bytes += n;
        if (faults.bytesPerSecond) {
          const due = started + (bytes / faults.bytesPerSecond) * 1000;
          if (due > Date.now()) await sleep(due - Date.now());
        }
      }
      return finish(dropHere && limit < length ? "dropped" : "ok");
    } catch (e) {
      return finish("error", (e as Error).message);
    }
  }
}

if (import.meta.main) {
  const i = Deno.args.indexOf("--serve");
  const configFile = Deno.args[i + 1];
  if (i < 0 || configFile === undefined) {
    console.error("Usage: http_server.ts --serve CONFIG.json");
    Deno.exit(2);
  }
  await serve(configFile);
}
