import assert from "#assert";
import { humanBytes } from "./fit.ts";
import { MESSAGES, text } from "./messages.ts";
import { progressMessage } from "./progress.ts";

const MiB = 1024 ** 2;
const START = { bytes: 0, centis: 0 };

Deno.test("progressMessage() gives the percent, the throughput since the line before and the time left at the average rate", () => {
  const prev = { bytes: 10 * MiB, centis: 500 };
  const now = { bytes: 30 * MiB, centis: 1000 };
  // 20 MiB in 5 s since the line before; 30 MiB in 10 s on average, 70 MiB to come: 24 s left.
  assert.equal(
    text(progressMessage("a.tar.zst", 100 * MiB, START, prev, now)),
    text(MESSAGES.progress("a.tar.zst", "30.0 MiB", "100.0 MiB", "30", "4.0 MiB", "24")),
  );
});

Deno.test("progressMessage() leaves the percent out without a size, past the size, or with nothing read", () => {
  const now = { bytes: 3 * MiB, centis: 500 };
  for (const size of [null, 0, 2 * MiB]) {
    assert.equal(
      text(progressMessage("a.tar", size, START, START, now)),
      text(MESSAGES.progressNoSize("a.tar", "3.0 MiB", humanBytes(Math.floor(3 * MiB / 5)))),
      String(size),
    );
  }
  const none = { bytes: 0, centis: 500 };
  assert.equal(
    text(progressMessage("a.tar", MiB, START, START, none)),
    "tmpfs-root: unpacking a.tar: 0 bytes read, 0 bytes/s",
  );
});

Deno.test("progressMessage() rounds the time left up, and counts no time elapsed as a hundredth", () => {
  const now = { bytes: 1000, centis: 0 };
  // 1000 bytes in "a hundredth": 100000 bytes/s, 9000 to come: 1 s (0.09 rounded up).
  assert.equal(
    text(progressMessage("a", 10000, START, START, now)),
    text(MESSAGES.progress("a", "1000 bytes", "9.8 KiB", "10", "97.7 KiB", "1")),
  );
});
