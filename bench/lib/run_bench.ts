/**
 * The whole bench, as `deno task bench` runs it: the root, its archives,
 * the host measurement, the simulator's rate and build-module's time, then
 * results.json, RESULTS.md and chart.svg.
 *
 * @module
 */
import { relative } from "node:path";
import { cacheDir, exec, exists } from "./_exec.ts";
import { packArchives } from "./archives.ts";
import { barChartSvg } from "./bar_chart_svg.ts";
import { type BuildTime, buildTime } from "./build_time.ts";
import { importdNotes } from "./importd_notes.ts";
import { describeMachine, loadAverage } from "./machine.ts";
import { findMemoryCgroups } from "./memory_cgroup.ts";
import { type Family, methods, SYSTEMD_PULL } from "./methods.ts";
import { BASELINE, COLUMNS, type Results, ROWS, summarize } from "./results.ts";
import { resultsMarkdown } from "./results_markdown.ts";
import { debianRoot, syntheticRoot } from "./root_tree.ts";
import { prepareWork } from "./sandbox.ts";
import { type SimulatorCase, simulatorRate } from "./simulator_rate.ts";
import { runUnpackBench } from "./unpack_bench.ts";

/** What {@linkcode runBench} is asked to do. */
export interface BenchOptions {
  /** The small synthetic tree instead of the Debian root. */
  readonly small: boolean;
  /** Timed runs per method (at least 1; 5 for a measurement). */
  readonly runs: number;
  /** Runs of build-module. */
  readonly buildRuns: number;
  /** Where RESULTS.md, results.json and chart.svg go. */
  readonly out: string;
  /** The repository's root. */
  readonly repo: string;
  /** Only the methods of these families (and the baseline); the simulator and build-module skipped. */
  readonly only?: readonly Family[];
  /** The cache folder (default `${TMPFS_ROOT_CACHE:-/var/cache/tmpfs-root}/bench`). */
  readonly cache?: string;
  readonly log?: (line: string) => void;
}

/** Each row's colour in the chart. */
const COLOURS: Readonly<Record<string, string>> = {
  module: "#1f77b4",
  raw: "#7f7f7f",
  "shards-2": "#17becf",
  "shards-4": "#9edae5",
  importd: "#9467bd",
  "importd-download": "#c5b0d5",
  seed: "#ff7f0e",
  warewulf: "#2ca02c",
};

/**
 * The chart of the main table: one group of bars per format, one bar per method, as ratios.
 *
 * @example
 * ```ts ignore
 * import { resultsChart } from "./run_bench.ts";
 * await Deno.writeTextFile("chart.svg", resultsChart(results));
 * ```
 */
export function resultsChart(r: Results): string {
  const cols = COLUMNS.filter((c) => r.table.some((row) => row.cells[c]?.ratio != null));
  return barChartSvg({
    title: "Unpack time as a ratio to the raw single-stream zstd limit (lower is faster)",
    subtitle: `${r.tree.description}; ${r.machine.cpus} × ${r.machine.cpuModel}, ${
      r.machine.date.slice(0, 10)
    }; medians of ${r.runsPerMethod} runs${r.small ? " (--small)" : ""}`,
    yLabel: "× raw zstd limit",
    groups: cols.map((c) => (c === "cpio" ? "cpio.gz" : c)),
    series: ROWS.flatMap((family) => {
      const row = r.table.find((t) => t.family === family);
      if (row === undefined) return [];
      return [{
        name: row.label,
        color: COLOURS[family] ?? "#000000",
        values: cols.map((c) => row.cells[c]?.ratio ?? null),
      }];
    }),
    reference: { value: 1, label: "raw zstd limit" },
  });
}

/**
 * Writes `results.json`, `RESULTS.md` and `chart.svg` into `out`, then
 * formats them with `deno fmt` and the repository's settings (so that the
 * committed files pass `deno fmt --check`).
 *
 * @example
 * ```ts ignore
 * import { writeResults } from "./run_bench.ts";
 * await writeResults(JSON.parse(await Deno.readTextFile("bench/results.json")), "bench", ".");
 * ```
 */
export async function writeResults(results: Results, out: string, repo: string): Promise<void> {
  await Deno.mkdir(out, { recursive: true });
  const files = [`${out}/results.json`, `${out}/RESULTS.md`, `${out}/chart.svg`];
  await Deno.writeTextFile(files[0]!, JSON.stringify(results, null, 2) + "\n");
  // The links lead to bench/README.md and the repository's README from wherever out is.
  const up = relative(out, `${repo}/bench`);
  await Deno.writeTextFile(files[1]!, resultsMarkdown(results, up === "" ? "" : `${up}/`));
  await Deno.writeTextFile(files[2]!, resultsChart(results));
  await exec(Deno.execPath(), ["fmt", "--quiet", "--config", `${repo}/deno.json`, ...files]);
}

/**
 * Runs the whole bench and writes `results.json`, `RESULTS.md` and
 * `chart.svg` into `out`; returns the results. Must run as root (mount
 * namespaces, tmpfs mounts, cgroups).
 *
 * @example
 * ```ts ignore
 * import { runBench } from "./run_bench.ts";
 * await runBench({ small: true, runs: 1, buildRuns: 1, out: "/tmp/bench-out", repo: "." });
 * ```
 */
export async function runBench(options: BenchOptions): Promise<Results> {
  if (Deno.uid() !== 0) {
    throw new Error(
      "The bench must run as root (mount namespaces, tmpfs, cgroups): run it with sudo",
    );
  }
  if (!Number.isInteger(options.runs) || options.runs < 1) {
    throw new RangeError(`Invalid --runs "${options.runs}": expected a whole number from 1`);
  }
  const log = options.log ?? (() => {});
  const started = performance.now();
  const cache = options.cache ?? cacheDir();
  await Deno.mkdir(cache, { recursive: true });
  const machine = await describeMachine();
  log(`${machine.cpus} × ${machine.cpuModel}, load ${machine.loadAtStart.join(" ")}`);
  const tree = options.small ? await syntheticRoot(cache) : await debianRoot(cache, log);
  log(`root: ${tree.description}, ${tree.bytes} bytes, ${tree.entries} entries`);
  const archives = await packArchives(tree, log);
  const workDir = await Deno.makeTempDir({ prefix: "tmpfs-root-bench-" });
  try {
    const work = await prepareWork(workDir);
    const where = await findMemoryCgroups();
    const cgroups = typeof where === "string" ? null : where;
    const cgroup = typeof where === "string"
      ? where
      : `cgroup v${where.version}, under ${where.parent}`;
    const all = methods({
      pigz: work.programs.pigz !== undefined,
      lib: work.lib,
      systemdPull: await exists(SYSTEMD_PULL),
      attributes: archives.attributes,
      shards: archives.shards,
    }).filter((m) =>
      options.only === undefined || options.only.includes(m.family) || m.id === BASELINE
    );
    const bench = await runUnpackBench({
      tree,
      archives,
      work,
      methods: all,
      cgroups,
      runs: options.runs,
      log,
    });
    const skipped = { error: `not measured: --only ${options.only?.join(",")}` };
    let simulator: SimulatorCase[] | { error: string } = skipped;
    let build: BuildTime | { error: string } = skipped;
    if (options.only === undefined) {
      log("simulated boots: deno bench -A --json bench/simulator_bench.ts");
      try {
        simulator = await simulatorRate(options.repo);
      } catch (e) {
        simulator = { error: (e as Error).message };
      }
      log("build-module: timing tools/build_module.ts --out <tmp>");
      try {
        build = await buildTime(options.repo, options.buildRuns);
      } catch (e) {
        build = { error: (e as Error).message };
      }
    }
    const results = summarize({
      small: options.small,
      ...(options.only === undefined ? {} : { only: options.only }),
      machine,
      loadAtEnd: await loadAverage(),
      durationSeconds: (performance.now() - started) / 1000,
      tree,
      archives,
      cgroup,
      bench,
      importd: await importdNotes(bench),
      simulator,
      buildModule: build,
    });
    await writeResults(results, options.out, options.repo);
    return results;
  } finally {
    await Deno.remove(workDir, { recursive: true });
  }
}
