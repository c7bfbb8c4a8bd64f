/**
 * Inspects the archive named by the first argument and prints, as JSON,
 * a few findings, the time it took and this process's peak resident
 * memory (VmHWM of /proc/self/status), read at the very end: the
 * memory test runs it in a process of its own.
 *
 * @module
 */
import { readFileSync } from "node:fs";
import process from "node:process";
import { inspectArchive } from "../inspect_archive.ts";

const started = performance.now();
const i = await inspectArchive(process.argv[2]!);
const hwm = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync("/proc/self/status", "utf8"))!;
console.log(JSON.stringify({
  unpackedBytes: i.unpackedBytes,
  entries: i.entries,
  complete: i.complete,
  peakBytes: Number(hwm[1]) * 1024,
  ms: Math.round(performance.now() - started),
}));
