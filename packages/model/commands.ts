/**
 * The commands the boot runs, with their arguments, declared once: the
 * compiler emits them, the simulator reports them in its trace, and the
 * differential harness expects them in the stub log. Arguments that vary
 * are slots filled by the caller (shell words for the compiler, strings
 * for the others), so no flag is typed in two places.
 *
 * @module
 */
import { toolPath } from "./image.ts";

/** The archive formats tmpfs-root detects by content, in the order the console names them. */
export const FORMATS = ["gzip", "xz", "zstd", "bzip2", "lz4", "tar"] as const;

/** A format the module detects (`tar` is a plain, uncompressed tar). */
export type Format = typeof FORMATS[number];

/** A format's magic number: hex digits at a byte offset of the archive. */
export interface Magic {
  readonly format: Format;
  /** The bytes, as lower-case hex digits (what `od -An -tx1` prints, spaces removed). */
  readonly hex: string;
  readonly offset: number;
}

/**
 * Every format's magic number, in the order they are tried; the module,
 * the simulator and `tmpfs-root inspect` detect formats by this table.
 * Plain tar's `ustar` is at offset 257.
 */
export const MAGIC: readonly Magic[] = [
  { format: "gzip", hex: "1f8b", offset: 0 },
  { format: "xz", hex: "fd377a585a00", offset: 0 },
  { format: "zstd", hex: "28b52ffd", offset: 0 },
  { format: "bzip2", hex: "425a68", offset: 0 },
  { format: "lz4", hex: "04224d18", offset: 0 },
  { format: "tar", hex: "7573746172", offset: 257 },
];

/** How many bytes of an archive hold every magic number of {@linkcode MAGIC}. */
export const MAGIC_BYTES: number = Math.max(...MAGIC.map((m) => m.offset + m.hex.length / 2));

/**
 * An archive's format by its first bytes (at least {@linkcode MAGIC_BYTES}
 * of them, when there are that many), or `null` when none matches.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { formatOfHead } from "./commands.ts";
 * assert.equal(formatOfHead(new Uint8Array([0x28, 0xb5, 0x2f, 0xfd, 0])), "zstd");
 * assert.equal(formatOfHead(new TextEncoder().encode("hello")), null);
 * ```
 */
export function formatOfHead(head: Uint8Array): Format | null {
  const hex = Array.from(head.subarray(0, MAGIC_BYTES), (b) => b.toString(16).padStart(2, "0"))
    .join("");
  return MAGIC.find((m) => hex.startsWith(m.hex, m.offset * 2))?.format ?? null;
}

/**
 * What gzip, xz, zstd, bzip2 and lz4 say (in any case) when their input
 * ends early: an extended regular expression, so that a cut archive is
 * called truncated rather than corrupt.
 */
export const DECOMPRESSOR_TRUNCATED =
  "unexpected end|premature end|ends unexpectedly|truncated|incomplete|unexpected eof|unfinished stream";

/**
 * Each compressed format's decompressor, reading stdin and writing stdout.
 * gzip prefers `pigz` when the initramfs has it (same options).
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { DECOMPRESS } from "./commands.ts";
 * assert.deepEqual(DECOMPRESS.zstd, ["zstd", "-dcq"]);
 * ```
 */
export const DECOMPRESS: Readonly<Record<Exclude<Format, "tar">, readonly string[]>> = {
  gzip: ["gzip", "-dc"],
  xz: ["xz", "-dc", "-T0"],
  zstd: ["zstd", "-dcq"],
  bzip2: ["bzip2", "-dc"],
  lz4: ["lz4", "-dc"],
};

/**
 * The kinds of file attribute an archive may carry in its pax headers, each
 * restored by tar only when asked to (see {@linkcode ATTRIBUTE_TAR_OPTIONS}).
 */
export const ATTRIBUTES = ["xattrs", "acls", "selinux"] as const;

/** A kind of file attribute an archive may carry. */
export type Attribute = typeof ATTRIBUTES[number];

/**
 * The tar options that restore each kind of attribute, and nothing else
 * (GNU tar reads every pax record either way; without the option it drops
 * the attribute): `--xattrs` restores `SCHILY.xattr.*` (every namespace,
 * with `--xattrs-include=*`, file capabilities included), `--acls` the
 * `SCHILY.acl.*` records, `--selinux` `RHT.security.selinux`. Each costs
 * time for every entry, so the unpack passes only those the archive's
 * manifest says it needs (all of them without a manifest).
 */
export const ATTRIBUTE_TAR_OPTIONS: Readonly<Record<Attribute, readonly string[]>> = {
  xattrs: ["--xattrs", "--xattrs-include=*"],
  acls: ["--acls"],
  selinux: ["--selinux"],
};

/**
 * GNU tar's options for the unpack, before the attributes': owners and
 * modes kept; `-R` prints `block N: ** Block of NULs **` when the stream
 * ends with its end-of-archive blocks (and `** End of File **` when it does
 * not), which is how a tar stream cut at a member boundary, which GNU tar
 * accepts with status 0, is told apart at no cost.
 */
export const TAR_BASE_OPTIONS: readonly string[] = [
  "-x",
  "-p",
  "-R",
  "--same-owner",
  "--numeric-owner",
];

/** Every option the unpack may give tar: {@linkcode TAR_BASE_OPTIONS} and every attribute's. */
export const TAR_OPTIONS: readonly string[] = [
  ...TAR_BASE_OPTIONS,
  ...ATTRIBUTES.flatMap((a) => ATTRIBUTE_TAR_OPTIONS[a]),
];

/**
 * The whole tar command, reading stdin, unpacking into `into`, restoring
 * `attributes` (by default every kind): the attributes' options come last,
 * as the module appends them.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { tarCommand } from "./commands.ts";
 * assert.deepEqual(tarCommand("/sysroot", ["acls"]), [
 *   "tar", "-x", "-p", "-R", "--same-owner", "--numeric-owner", "-f", "-", "-C", "/sysroot", "--acls",
 * ]);
 * ```
 */
export function tarCommand<T>(
  into: T,
  attributes: readonly Attribute[] = ATTRIBUTES,
): (string | T)[] {
  return [
    "tar",
    ...TAR_BASE_OPTIONS,
    "-f",
    "-",
    "-C",
    into,
    ...ATTRIBUTES.filter((a) => attributes.includes(a)).flatMap((a) => ATTRIBUTE_TAR_OPTIONS[a]),
  ];
}

/** What tar's `-R` prints on stdout when the archive ends with its end-of-archive blocks. */
export const TAR_END_MARK = "** Block of NULs **";

/**
 * tar's stderr lines that are warnings, not errors (extended regular
 * expression): the console quotes the first line that is not one of them.
 */
export const TAR_WARNINGS =
  "Removing leading|in the future|implausibly old time stamp|Ignoring unknown extended header keyword|A lone zero block|Cannot set '|Exiting with failure status";

/**
 * The most bytes of tar's message that a failure line quotes. tar names the
 * member in its messages, a member name can be 10,000 bytes, and the kernel
 * log takes about 1 KiB a record: a longer line is cut and ends with
 * {@linkcode QUOTE_CUT}.
 */
export const QUOTE_MAX_BYTES = 400;

/** What ends a quoted message that was cut. */
export const QUOTE_CUT = "...";

/**
 * tar's message as a failure line quotes it: its first
 * {@linkcode QUOTE_MAX_BYTES} bytes, then {@linkcode QUOTE_CUT} when it was
 * longer (bytes, as `printf %.400s` cuts them, even inside a character).
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { quoteToolLine } from "./commands.ts";
 * assert.equal(quoteToolLine("tar: a: Cannot open"), "tar: a: Cannot open");
 * assert.equal(quoteToolLine("x".repeat(10000)), "x".repeat(400) + "...");
 * ```
 */
export function quoteToolLine(line: string): string {
  const bytes = new TextEncoder().encode(line);
  if (bytes.length <= QUOTE_MAX_BYTES) return line;
  return new TextDecoder().decode(bytes.subarray(0, QUOTE_MAX_BYTES)) + QUOTE_CUT;
}

/** tar's warning for an extended attribute it could not set (`setxattrat: Cannot set '<name>' ...`). */
export const TAR_XATTR_FAILED = "Cannot set '";

/** The xattr name space whose failures stop the boot: capabilities, SELinux labels, IMA. */
export const SECURITY_XATTR = "Cannot set 'security\\.";

/**
 * The hasher of `rd.tmpfs.sha256`: it reads the copy of the archive's bytes
 * that `tee` writes into a FIFO on their way to the decompressor, and prints
 * `<64 lower-case hex digits>  -` (GNU coreutils and busybox alike).
 */
export const SHA256SUM: readonly string[] = ["sha256sum"];

/** The files of one signature check: the public key, the signed sidecar and the signature. */
export interface SignatureSlots<T> {
  readonly key: T;
  readonly data: T;
  readonly sig: T;
}

/**
 * The signature check of a sidecar, one public key at a time: OpenSSL 3's
 * Ed25519 verification of the whole file (`-rawin`); status 0 when the key
 * verifies the signature, 1 when not (a bad signature and another key's
 * look alike).
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { signatureCommand } from "./commands.ts";
 * assert.deepEqual(signatureCommand({ key: "k.pub", data: "s", sig: "s.sig" }).slice(0, 4), [
 *   "openssl", "pkeyutl", "-verify", "-pubin",
 * ]);
 * ```
 */
export function signatureCommand<T>(s: SignatureSlots<T>): (string | T)[] {
  return [
    "openssl",
    "pkeyutl",
    "-verify",
    "-pubin",
    "-inkey",
    s.key,
    "-rawin",
    "-in",
    s.data,
    "-sigfile",
    s.sig,
  ];
}

/** Seconds curl waits for a connection. */
export const CONNECT_TIMEOUT = 10;
/** The slowest transfer accepted: bytes per second, averaged over {@linkcode SPEED_TIME}. */
export const SPEED_LIMIT = 1024;
/** Seconds over which {@linkcode SPEED_LIMIT} is averaged before curl gives up. */
export const SPEED_TIME = 30;

/**
 * What curl writes on its standard error once a transfer ends (`--write-out`,
 * curl 7.84 or later for `%header{}`): a line that starts with
 * {@linkcode HTTP_MARK}, then the last answer's status (`000` when none came)
 * and its `Retry-After` header (empty when it has none); then a line with
 * {@linkcode HTTP_MARK}, `bytes` and the bytes of the body it received (the
 * boot report's bytes read). `--fail` stays: a failed transfer writes
 * nothing on stdout.
 */
export const WRITE_OUT =
  "%{stderr}tmpfs-root-http %{http_code} %header{retry-after}\\ntmpfs-root-http bytes %{size_download}\\n";

/**
 * Where curl dumps the answers' headers (`--dump-header`): the last
 * answer's `Content-Length` is a download's size for the progress lines.
 */
export const HEADERS_FILE = "/run/tmpfs-root/headers";

/** The first word of the line {@linkcode WRITE_OUT} writes. */
export const HTTP_MARK = "tmpfs-root-http";

/** The slots of a curl command. */
export interface CurlSlots<T> {
  /** `=https` for an https source (it may never be downgraded), else `=http,https`. */
  readonly protoRedir: T;
  /** Seconds left before `rd.tmpfs.timeout`. */
  readonly maxTime: T;
  /** The CA bundle, or `null` for the system's. */
  readonly ca: T | null;
  readonly url: T;
}

/**
 * The curl command of one download try: fail on HTTP errors, follow
 * redirects only to http(s) (only to https from https), no URL globbing,
 * a connection timeout, a minimum rate and the time left; the answers'
 * headers are dumped into {@linkcode HEADERS_FILE}.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { curlCommand } from "./commands.ts";
 * const c = curlCommand({ protoRedir: "=https", maxTime: "60", ca: null, url: "https://h/a" });
 * assert.deepEqual(c.slice(-3), ["--max-time", "60", "https://h/a"]);
 * ```
 */
export function curlCommand<T>(s: CurlSlots<T>): (string | T)[] {
  return [
    "curl",
    "--silent",
    "--show-error",
    "--fail",
    "--globoff",
    "--location",
    "--proto",
    "=http,https",
    "--proto-redir",
    s.protoRedir,
    "--connect-timeout",
    String(CONNECT_TIMEOUT),
    "--speed-limit",
    String(SPEED_LIMIT),
    "--speed-time",
    String(SPEED_TIME),
    ...(s.ca === null ? [] : ["--cacert", s.ca]),
    "--write-out",
    WRITE_OUT,
    "--dump-header",
    HEADERS_FILE,
    "--max-time",
    s.maxTime,
    s.url,
  ];
}

/** The `--proto-redir` value for a URL: an https source stays https through redirects. */
export function redirectProtocols(url: string): string {
  return url.startsWith("https://") ? "=https" : "=http,https";
}

/** curl's exit status for a protocol it was not allowed to use (a redirect to plain http). */
export const CURL_UNSUPPORTED_PROTOCOL = 1;
/** curl's exit status for a timeout (the deadline or the minimum rate). */
export const CURL_TIMEOUT = 28;

/** The longest pause between download tries, in seconds, before jitter. */
export const MAX_BACKOFF = 30;

/** The longest `Retry-After` honoured, in seconds: a longer one counts as this. */
export const MAX_RETRY_AFTER = 120;

/** The statuses whose `Retry-After` (seconds form) is honoured. */
export const RETRY_AFTER_STATUSES: readonly number[] = [429, 503];

/**
 * The file the pauses' jitter is drawn from: the pause after the n-th failed
 * try takes the byte at offset n - 1 (`od -An -tu1 -j <n-1> -N1`).
 */
export const RANDOM_DEVICE = "/dev/urandom";

/**
 * Whether a download that ended with HTTP status `status` (0 when no answer
 * came) is tried again: no answer, 408 (request timeout), 429 (too many
 * requests) and every 5xx are; every other 4xx is not (the URL is wrong or
 * not allowed, and asking again changes nothing).
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { retried } from "./commands.ts";
 * assert.deepEqual([0, 404, 403, 408, 429, 500, 503].map(retried), [true, false, false, true, true, true, true]);
 * ```
 */
export function retried(status: number): boolean {
  return status < 400 || status >= 500 || status === 408 || status === 429;
}

/**
 * A `Retry-After` header as the module reads it: whole seconds (the date
 * form is ignored), at most {@linkcode MAX_RETRY_AFTER}; `null` when absent
 * or not in seconds.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { retryAfterSeconds } from "./commands.ts";
 * assert.equal(retryAfterSeconds("7"), 7);
 * assert.equal(retryAfterSeconds("86400"), 120);
 * assert.equal(retryAfterSeconds("Wed, 21 Oct 2015 07:28:00 GMT"), null);
 * ```
 */
export function retryAfterSeconds(header: string): number | null {
  const digits = header.replace(/[ \t\n\r\v\f]+$/, "");
  if (!/^[0-9]+$/.test(digits)) return null;
  return digits.length > 5 ? MAX_RETRY_AFTER : Math.min(Number(digits), MAX_RETRY_AFTER);
}

/**
 * The pause after the n-th failed try (`failed` from 1), before it is
 * clamped to the time left: equal jitter on a ceiling that doubles from 4 s
 * up to {@linkcode MAX_BACKOFF} (half the ceiling, plus a random share of
 * the other half); with a `Retry-After` of `retryAfter` seconds, that
 * instead of the fixed half. `random` is a byte (0 to 255) of
 * {@linkcode RANDOM_DEVICE}.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { backoff } from "./commands.ts";
 * assert.deepEqual([0, 1, 2].map((r) => backoff(1, r, null)), [2, 3, 4]);
 * assert.equal(backoff(5, 255, null), 15 + (255 % 16));
 * assert.equal(backoff(1, 4, 10), 11);
 * ```
 */
export function backoff(failed: number, random: number, retryAfter: number | null): number {
  const ceiling = Math.min(2 ** Math.min(failed + 1, 6), MAX_BACKOFF);
  const half = Math.floor(ceiling / 2);
  return (retryAfter ?? half) + random % (half + 1);
}

/**
 * Empties a folder (a partial download's root, before the next try): find
 * runs rm by its path in the initramfs, as the hooks run every program.
 */
export function clearCommand<T>(dir: T): (string | T)[] {
  return [
    "find",
    dir,
    "-mindepth",
    "1",
    "-maxdepth",
    "1",
    "-exec",
    toolPath("rm"),
    "-rf",
    "{}",
    "+",
  ];
}

/** Removes the whiteouts left under a root once every layer is laid (and all under them). */
export function dropWhiteoutsCommand<T>(root: T, pattern: T | string): (string | T)[] {
  return ["find", root, "-name", pattern, "-prune", "-exec", toolPath("rm"), "-rf", "{}", "+"];
}

/** The SELinux relabel, run in the new root. */
export function setfilesCommand<T>(root: T, contexts: T): (string | T)[] {
  return [
    "chroot",
    root,
    "setfiles",
    "-F",
    "-e",
    "/proc",
    "-e",
    "/sys",
    "-e",
    "/dev",
    contexts,
    "/",
  ];
}
