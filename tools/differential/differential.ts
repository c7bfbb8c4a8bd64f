/**
 * The differential comparison: each scenario runs in the simulator and, in
 * sandboxes, through the emitted hooks under busybox ash and dash; the
 * shell's log must equal the log expected from the simulator's trace
 * (expected_log.ts), with no stray error output and no payload executed.
 *
 * @module
 */
import { isDeepStrictEqual } from "node:util";
import {
  BOOT,
  type BootReport,
  deterministicReport,
  parseParams,
  SOURCES,
} from "@tmpfs-root/model";
import { simulate } from "@tmpfs-root/simulator";
import { expectedLog, normaliseLog } from "./expected_log.ts";
import { type Batch, prepareBatch, removeBatch, runBatch, type ShellName } from "./sandbox.ts";
import type { ShellRun } from "./sandbox.ts";
import { faultHandlers, type Scenario } from "./scenario.ts";

/** How many batches a shell may run ahead of the slowest shell, past `parallel`. */
const LEAD = 2;

/** One scenario on which a shell and the simulator disagree. */
export interface Disagreement {
  readonly scenario: Scenario;
  readonly shell: ShellName;
  /** What went wrong, in one line. */
  readonly reason: string;
  readonly expected: readonly string[];
  readonly actual: readonly string[];
  readonly stderr: string;
}

/** Options of {@linkcode runDifferential}. */
export interface DifferentialOptions {
  /** The shells to run (default both). */
  readonly shells?: readonly ShellName[];
  /** Scenarios per sandbox (one shell process). Default 100. */
  readonly batch?: number;
  /** Batches at once (each runs one sandbox per shell). Default half the number of CPUs, at least 1. */
  readonly parallel?: number;
  /** Module files by name (default: the committed module). */
  readonly module?: ReadonlyMap<string, string>;
  /** Changes the expected log before the comparison (for self-checks). */
  readonly mutate?: (expected: string[], scenario: Scenario) => string[];
  /** Called after each sandbox with the number of scenarios done. */
  readonly progress?: (done: number) => void;
}

/** The log the simulator expects for a scenario. */
export async function simulatedLog(s: Scenario): Promise<string[]> {
  return (await simulatedRun(s)).log;
}

/** The log and the boot report the simulator expects for a scenario. */
export async function simulatedRun(
  s: Scenario,
): Promise<{ log: string[]; report: BootReport | null }> {
  const r = await simulate(BOOT, s.vm, s.cmdline, faultHandlers(s.fault));
  const p = parseParams(s.cmdline, SOURCES, { keys: Object.keys(s.vm.keys ?? {}).length > 0 });
  return {
    log: expectedLog(r, s.vm.flavour, p.kind === "ok" ? p.params : null),
    report: r.report,
  };
}

/**
 * Compares the shell's report.json (`null`: none written) with the
 * simulator's report, on the fields both must agree on; returns the reason
 * of a disagreement, or `null`.
 *
 * @example
 * ```ts
 * import { compareReport } from "./differential.ts";
 * compareReport(null, null); // null
 * compareReport(null, "{"); // "report.json is not JSON: ..."
 * ```
 */
export function compareReport(expected: BootReport | null, actual: string | null): string | null {
  if (actual === null) return expected === null ? null : "no report.json";
  let parsed: unknown;
  try {
    parsed = JSON.parse(actual);
  } catch (e) {
    return `report.json is not JSON: ${(e as Error).message}`;
  }
  if (expected === null) return "a report.json, where the simulator expects none";
  const [want, got] = [deterministicReport(expected), deterministicReport(parsed)];
  if (isDeepStrictEqual(want, got)) return null;
  return `report.json: expected ${JSON.stringify(want)}, got ${JSON.stringify(got)}`;
}

/**
 * Compares a shell's run of a scenario with the expected log; returns the
 * reason of a disagreement, or `null`.
 *
 * @example
 * ```ts
 * import { compareRun } from "./differential.ts";
 * compareRun(["$ inactive"], { log: "$ inactive\n", stderr: "" }); // null
 * compareRun(["$ inactive"], { log: "$ pwned\n$ inactive\n", stderr: "" }); // "a payload ran: $ pwned"
 * ```
 */
export function compareRun(expected: readonly string[], run: ShellRun): string | null {
  const actual = normaliseLog(run.log);
  const pwned = actual.find((l) => l.startsWith("$ pwned"));
  if (pwned !== undefined) return `a payload ran: ${pwned}`;
  // The shell's own note on the process rd.tmpfs.onfail=halt's endless sleep ends with, when
  // the shell did sleep (its log says so; the line comparison says whether it should have).
  const halted = actual.includes("$ sleep 3600");
  const stderr = halted ? run.stderr.replace(/^Killed\n?$/m, "") : run.stderr;
  if (stderr !== "") return `stray error output: ${stderr.split("\n", 1)[0]}`;
  const n = Math.max(expected.length, actual.length);
  for (let i = 0; i < n; i++) {
    if (expected[i] !== actual[i]) {
      return `line ${i + 1}: expected ${JSON.stringify(expected[i] ?? null)}, got ${
        JSON.stringify(actual[i] ?? null)
      }`;
    }
  }
  return null;
}

/**
 * Runs every scenario under each shell and in the simulator; returns the
 * disagreements (none when the shell and the model agree).
 *
 * @example
 * ```ts ignore
 * import { runDifferential } from "./differential.ts";
 * import { generateScenarios } from "./generate.ts";
 * const scenarios = await generateScenarios(50);
 * (await runDifferential(scenarios)).length; // 0
 * ```
 */
export async function runDifferential(
  scenarios: readonly Scenario[],
  options: DifferentialOptions = {},
): Promise<Disagreement[]> {
  const shells = options.shells ?? ["dash", "busybox"];
  const batch = options.batch ?? 100;
  const parallel = options.parallel ?? Math.max(1, navigator.hardwareConcurrency / 2);
  const simulated = await Promise.all(scenarios.map(simulatedRun));
  const expected = simulated.map((r, i) =>
    options.mutate ? options.mutate(r.log, scenarios[i]!) : r.log
  );
  const reports = simulated.map((r) => r.report);
  const jobs: { from: number; to: number }[] = [];
  for (let from = 0; from < scenarios.length; from += batch) {
    jobs.push({ from, to: Math.min(from + batch, scenarios.length) });
  }
  // Each shell goes through the batches at its own pace (the shells' sandboxes take unequal
  // times), a few batches ahead of the slowest at most; a batch's files are written once, by the
  // first shell to need them, and removed when every shell is done with them.
  const prepared: (Promise<Batch> | undefined)[] = [];
  const left = jobs.map(() => shells.length);
  let oldest = 0;
  let wake: (() => void)[] = [];
  const found: (Disagreement & { readonly order: number })[] = [];
  let done = 0;
  let failed = false;
  const wakeAll = () => {
    for (const w of wake) w();
    wake = [];
  };
  const work = async (shell: ShellName, next: { job: number }) => {
    while (next.job < jobs.length && !failed) {
      const j = next.job++;
      while (j >= oldest + Math.max(1, parallel) + LEAD && !failed) {
        await new Promise<void>((r) => wake.push(r));
      }
      if (failed) return;
      const job = jobs[j]!;
      const slice = scenarios.slice(job.from, job.to);
      const files = await (prepared[j] ??= prepareBatch(slice, options.module));
      const runs = await runBatch(files, shell);
      runs.forEach((run, i) => {
        const want = expected[job.from + i]!;
        const reason = compareRun(want, run) ??
          compareReport(reports[job.from + i]!, run.report ?? null);
        if (reason !== null) {
          found.push({
            // The order of the runs: batch, shell, scenario.
            order: (j * shells.length + shells.indexOf(shell)) * batch + i,
            scenario: slice[i]!,
            shell,
            reason,
            expected: want,
            actual: normaliseLog(run.log),
            stderr: run.stderr,
          });
        }
      });
      left[j] = left[j]! - 1;
      if (left[j] === 0) {
        await removeBatch(files);
        prepared[j] = undefined;
        while (oldest < jobs.length && left[oldest] === 0) oldest++;
        wakeAll();
        done += slice.length;
        options.progress?.(done);
      }
    }
  };
  // A failure stops every worker (none waits for a batch that will never be done).
  const worker = (shell: ShellName, next: { job: number }) =>
    work(shell, next).catch((e) => {
      failed = true;
      wakeAll();
      throw e;
    });
  const workers = shells.flatMap((shell) => {
    const next = { job: 0 };
    return Array.from({ length: Math.max(1, parallel) }, () => worker(shell, next));
  });
  const settled = await Promise.allSettled(workers);
  for (const p of prepared) if (p !== undefined) await p.then(removeBatch, () => {});
  for (const s of settled) if (s.status === "rejected") throw s.reason;
  return found.sort((a, b) => a.order - b.order).map(({ order: _, ...d }) => d);
}

/**
 * A readable report of a disagreement: the scenario and both logs.
 *
 * @example
 * ```ts
 * import { formatDisagreement } from "./differential.ts";
 * const vm = { flavour: "classic", ram: 1 << 20, disks: [], lvm: [], nfs: [], web: [] } as const;
 * formatDisagreement({
 *   scenario: { cmdline: "quiet", vm, fault: { kind: "none" } },
 *   shell: "dash", reason: "line 1", expected: [], actual: [], stderr: "",
 * }).startsWith("dash"); // true
 * ```
 */
export function formatDisagreement(d: Disagreement): string {
  const vm = JSON.stringify(
    d.scenario.vm,
    (_k, v) => v instanceof Uint8Array ? `<${v.length} bytes>` : v,
  );
  return [
    `${d.shell}, ${d.scenario.vm.flavour}: ${d.reason}`,
    `  cmdline: ${JSON.stringify(d.scenario.cmdline)}`,
    `  fault:   ${JSON.stringify(d.scenario.fault)}`,
    `  vm:      ${vm.length > 600 ? `${vm.slice(0, 600)}...` : vm}`,
    "  expected:",
    ...d.expected.map((l) => `    ${l}`),
    "  shell:",
    ...d.actual.map((l) => `    ${l}`),
    ...(d.stderr ? ["  stderr:", ...d.stderr.trimEnd().split("\n").map((l) => `    ${l}`)] : []),
  ].join("\n");
}
