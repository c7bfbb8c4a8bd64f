import process from "node:process";
import { bytesInWords, type PackProgress } from "@tmpfs-root/image";

/**
 * Seconds since 1970 from `--mtime` or `SOURCE_DATE_EPOCH`: a whole number,
 * or an ISO 8601 date with a time zone (`2026-01-01T00:00:00Z`) or none
 * (`2026-01-01`, midnight UTC). `null` when it is neither.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { parseTime } from "./_pack_output.ts";
 * assert.equal(parseTime("1700000000"), 1700000000);
 * assert.equal(parseTime("2026-01-01T00:00:00Z"), 1767225600);
 * assert.equal(parseTime("yesterday"), null);
 * ```
 */
export function parseTime(text: string): number | null {
  if (/^[0-9]{1,11}$/.test(text)) return Number(text);
  const iso = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/;
  if (!iso.test(text)) return null;
  const ms = Date.parse(text);
  return Number.isFinite(ms) && ms >= 0 ? Math.floor(ms / 1000) : null;
}

/** The width of the progress bar, in characters. */
const BAR = 30;

/** Seconds between plain progress lines when standard error is not a terminal. */
const LINE_EVERY = 5;

/**
 * Progress of a pack on standard error: a bar redrawn in place on a
 * terminal, or a plain line every few seconds otherwise (none for a pack
 * that ends sooner). `done()` clears the bar.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { packProgress } from "./_pack_output.ts";
 * const out: string[] = [];
 * let now = 0;
 * const plain = packProgress(false, (s) => out.push(s), () => now);
 * plain.update({ bytes: 1024, total: 4096 });
 * now = 5000;
 * plain.update({ bytes: 2048, total: 4096 });
 * assert.deepEqual(out, ["tmpfs-root pack: read 2.0 KiB of 4.0 KiB (50%)\n"]);
 * const bar = packProgress(true, (s) => out.push(s), () => now);
 * bar.update({ bytes: 4096, total: 4096 });
 * bar.done();
 * assert.match(out[1]!, /^\r\[#{30}\] 4\.0 KiB of 4\.0 KiB \(100%\)/);
 * assert.equal(out[2], "\r\x1b[K");
 * ```
 */
export function packProgress(
  terminal: boolean,
  write: (s: string) => void = (s) => process.stderr.write(s),
  now: () => number = Date.now,
): {
  update: (p: PackProgress) => void;
  done: () => void;
} {
  let lastLine = now();
  let drawn = false;
  return {
    update(p) {
      const percent = Math.min(100, Math.floor((p.bytes / Math.max(p.total, 1)) * 100));
      const words = `${bytesInWords(p.bytes)} of ${bytesInWords(p.total)} (${percent}%)`;
      if (terminal) {
        const full = Math.round((percent / 100) * BAR);
        write(`\r[${"#".repeat(full)}${".".repeat(BAR - full)}] ${words}\x1b[K`);
        drawn = true;
      } else if (now() - lastLine >= LINE_EVERY * 1000) {
        lastLine = now();
        write(`tmpfs-root pack: read ${words}\n`);
      }
    },
    done() {
      if (drawn) write("\r\x1b[K");
    },
  };
}
