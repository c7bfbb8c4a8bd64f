/**
 * The differential fuzz task:
 * `deno task fuzz [--count N] [--seed S] [--parallel P] [--allow-known]`
 * runs N generated scenarios (default 100,000) through the simulator and the
 * emitted hooks under dash and busybox ash, prints the number of
 * disagreements and exits non-zero unless it is 0 (with `--allow-known`,
 * unless every one is a known, reported bug).
 *
 * @module
 */
import { parseArgs } from "#args";
import { formatDisagreement, runDifferential } from "./differential/differential.ts";
import { generateScenarios } from "./differential/generate.ts";
import { classify } from "./differential/known_bugs.ts";

const { values } = parseArgs({
  options: {
    count: { type: "string", default: "100000" },
    seed: { type: "string", default: String(Date.now() % 100000) },
    chunk: { type: "string", default: "5000" },
    // Batches at once, each running one sandbox per shell (default: half the CPUs).
    parallel: { type: "string", default: String(Math.max(1, navigator.hardwareConcurrency / 2)) },
    "allow-known": { type: "boolean", default: false },
  },
});
const count = Number(values.count);
const seed = Number(values.seed);
const chunk = Number(values.chunk);
const parallel = Number(values.parallel);
if (!Number.isInteger(parallel) || parallel < 1) {
  throw new RangeError(`Invalid --parallel "${values.parallel}": expected a whole number from 1`);
}
if (!Number.isInteger(count) || count < 1) throw new RangeError(`Invalid count "${values.count}"`);
console.log(`fuzz: ${count} scenarios, seed ${seed}, under dash and busybox ash`);
const started = performance.now();
const known = new Map<string, number>();
let total = 0;
let unknown = 0;
let shown = 0;
// Scenarios are generated and run a chunk at a time, to keep memory flat.
for (let from = 0; from < count; from += chunk) {
  const n = Math.min(chunk, count - from);
  const scenarios = await generateScenarios(n, seed + from);
  const found = await runDifferential(scenarios, {
    batch: 50,
    parallel,
    // Progress about every tenth of the run.
    progress: (done) => {
      const step = Math.max(1000, Math.ceil(count / 10));
      if (Math.floor((from + done) / step) > shown) {
        shown = Math.floor((from + done) / step);
        const s = ((performance.now() - started) / 1000).toFixed(0);
        console.log(`fuzz: ${from + done}/${count} scenarios, ${s} s`);
      }
    },
  });
  for (const d of found) {
    total++;
    const bug = await classify(d);
    if (bug === null) {
      unknown++;
      if (unknown <= 5) console.log(formatDisagreement(d));
    } else known.set(bug.id, (known.get(bug.id) ?? 0) + 1);
  }
}
for (const [id, n] of known) console.log(`fuzz: known bug ${id}: ${n}`);
const seconds = ((performance.now() - started) / 1000).toFixed(0);
console.log(`fuzz: ${count} scenarios x 2 shells in ${seconds} s`);
console.log(`disagreements: ${total} (unexplained: ${unknown})`);
Deno.exit(unknown > 0 || (total > 0 && !values["allow-known"]) ? 1 : 0);
