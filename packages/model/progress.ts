/**
 * Progress on the console while the archive unpacks. The unpack's reader
 * of the archive (a `cat`) is watched, not copied: a watcher started beside
 * it looks once a second, and every {@linkcode PROGRESS_EVERY} seconds (by
 * the clock) reads what the reader has read, the offset of the file it
 * reads (`pos` in `/proc/<pid>/fdinfo/0`) or, from a pipe, what it has
 * written on (`wchar` in `/proc/<pid>/io`), and prints one line to
 * the kernel log at {@linkcode PROGRESS_LEVEL}; an unpack that ends sooner
 * prints none. The watcher is stopped (killed and waited for) as soon as
 * the reader ends, whatever the outcome; a missing `/proc` entry only
 * means no line.
 *
 * The archive's size, for the percent and the time left, is the first
 * known of: the size of the file the reader reads (a mounted source); the
 * `Content-Length` of the answer (a download, from the headers curl dumps
 * into `HEADERS_FILE`); the manifest's `compressed_bytes`. Without
 * one, the line gives the bytes read and the throughput only.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { text } from "./messages.ts";
 * import { progressMessage } from "./progress.ts";
 * const MiB = 1024 ** 2;
 * const line = progressMessage(
 *   "rootfs.tar.zst",
 *   1200 * MiB,
 *   { bytes: 0, centis: 1000 },
 *   { bytes: 352 * MiB, centis: 1600 },
 *   { bytes: 412 * MiB, centis: 1700 },
 * );
 * assert.equal(
 *   text(line),
 *   "tmpfs-root: unpacking rootfs.tar.zst: 412.0 MiB of 1.2 GiB read (34%), 60.0 MiB/s, about 14 s left",
 * );
 * ```
 *
 * @module
 */
import { humanBytes } from "./fit.ts";
import { type Message, MESSAGES } from "./messages.ts";

/** Seconds between two progress lines, and before the first: a faster unpack prints none. */
export const PROGRESS_EVERY = 5;

/** The kernel log level of a progress line: 6 (info), as the hand-over's line. */
export const PROGRESS_LEVEL = 6;

/** What the watcher saw at one moment: bytes read, and `/proc/uptime` in hundredths of a second. */
export interface ProgressSample {
  readonly bytes: number;
  readonly centis: number;
}

/** Whole bytes per second between two samples (none elapsed counts as a hundredth). */
function perSecond(from: ProgressSample, to: ProgressSample): number {
  return Math.floor(((to.bytes - from.bytes) * 100) / Math.max(to.centis - from.centis, 1));
}

/**
 * The progress line of the archive `name` (`size` bytes, `null`: unknown),
 * whose unpack began at `start`, at `now`, the line before being at `prev`:
 * the bytes read, with the size, the percent read and the time left when
 * the size is known and not yet passed; and the throughput since `prev`.
 * The time left is the bytes to come at the average rate since `start`
 * (whole seconds, rounded up). Whole-number arithmetic, as the emitted
 * shell does it.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { text } from "./messages.ts";
 * import { progressMessage } from "./progress.ts";
 * const start = { bytes: 0, centis: 0 };
 * assert.equal(
 *   text(progressMessage("a.tar", null, start, start, { bytes: 5 * 1024 ** 2, centis: 500 })),
 *   "tmpfs-root: unpacking a.tar: 5.0 MiB read, 1.0 MiB/s",
 * );
 * ```
 */
export function progressMessage(
  name: string,
  size: number | null,
  start: ProgressSample,
  prev: ProgressSample,
  now: ProgressSample,
): Message<string> {
  const read = humanBytes(now.bytes);
  const rate = humanBytes(perSecond(prev, now));
  const average = perSecond(start, now);
  if (size === null || size === 0 || now.bytes > size || average === 0) {
    return MESSAGES.progressNoSize(name, read, rate);
  }
  const percent = Math.floor((now.bytes * 100) / size);
  const left = Math.floor((size - now.bytes + average - 1) / average);
  return MESSAGES.progress(name, read, humanBytes(size), String(percent), rate, String(left));
}
