/**
 * `deno task bench`: measures how fast the module unpacks a root against
 * the machine's limit and the peers, and writes bench/RESULTS.md,
 * bench/results.json and bench/chart.svg (see bench/README.md).
 *
 *   deno task bench                 the Debian root, 5 runs a method, into bench/
 *   deno task bench --small         a small synthetic tree, into a temporary folder
 *   deno task bench --runs 7 --out DIR
 *   deno task bench --only module,progress --out DIR   only these families (and the baseline)
 *   deno task bench --render bench/results.json   RESULTS.md and chart.svg again, from the JSON
 *
 * `TMPFS_ROOT_BENCH_SMALL=1` is the same as `--small`. Runs as root.
 *
 * @module
 */
import { parseArgs } from "#args";
import type { Family } from "./lib/methods.ts";
import { runBench, writeResults } from "./lib/run_bench.ts";
import { type Results, summarize, summaryInput } from "./lib/results.ts";
import { wasBusy } from "./lib/results_markdown.ts";

const USAGE =
  "usage: deno task bench [--small] [--runs N] [--build-runs N] [--only FAMILY,...] [--out DIR] | --render RESULTS.JSON [--out DIR]";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    small: { type: "boolean", default: false },
    runs: { type: "string" },
    "build-runs": { type: "string" },
    out: { type: "string" },
    only: { type: "string" },
    render: { type: "string" },
    help: { type: "boolean", short: "h", default: false },
  },
  strict: true,
});
if (values.help) {
  console.log(USAGE);
  Deno.exit(0);
}
if (values.render !== undefined) {
  // Summarized again, so that a change to the tables or targets needs no new measurement.
  const results = summarize(
    summaryInput(JSON.parse(await Deno.readTextFile(values.render)) as Results),
  );
  const dir = values.out ?? values.render.replace(/\/?[^/]*$/, "") ?? ".";
  await writeResults(results, dir || ".", new URL("../", import.meta.url).pathname);
  console.log(`wrote ${dir || "."}/RESULTS.md, results.json and chart.svg`);
  Deno.exit(0);
}
const small = values.small || Deno.env.get("TMPFS_ROOT_BENCH_SMALL") === "1";
const count = (name: string, text: string | undefined, fallback: number): number => {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) {
    console.error(`Invalid --${name} "${text}": expected a whole number from 1\n${USAGE}`);
    Deno.exit(2);
  }
  return n;
};
const repo = new URL("../", import.meta.url).pathname.replace(/\/$/, "");
const out = values.out ??
  (small ? await Deno.makeTempDir({ prefix: "tmpfs-root-bench-small-" }) : `${repo}/bench`);
const t0 = performance.now();
const only = values.only?.split(",");
const FAMILIES: readonly Family[] = [
  "module",
  "raw",
  "seed",
  "warewulf",
  "importd",
  "importd-download",
  "flags",
  "reader",
  "progress",
  "shards-2",
  "shards-4",
];
for (const f of only ?? []) {
  if (!(FAMILIES as readonly string[]).includes(f)) {
    console.error(`Invalid --only "${f}": expected one of ${FAMILIES.join(", ")}\n${USAGE}`);
    Deno.exit(2);
  }
}
const results = await runBench({
  ...(only === undefined ? {} : { only: only as Family[] }),
  small,
  runs: count("runs", values.runs, small ? 1 : 5),
  buildRuns: count("build-runs", values["build-runs"], small ? 1 : 3),
  out,
  repo,
  log: (line) => console.error(`bench: ${line}`),
});
console.log(
  `wrote ${out}/RESULTS.md, results.json and chart.svg in ${
    ((performance.now() - t0) / 1000).toFixed(0)
  } s`,
);
for (const t of results.targets) {
  console.log(
    `${t.pass === null ? "not measured" : t.pass ? "pass" : "FAIL"}: ${t.name}: ${t.measured}`,
  );
}
if (wasBusy(results)) console.log("note: the machine was busy; the timings are noisy");
