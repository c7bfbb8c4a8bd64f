/**
 * The bench's results as data (bench/results.json): every method's times
 * as ratios to the raw single-stream zstd limit of the same run, the flag
 * costs, the memory, the staging proof and the targets.
 *
 * @module
 */
import { type Format, FORMATS } from "@tmpfs-root/model";
import type { Archives } from "./archives.ts";
import type { BuildTime } from "./build_time.ts";
import type { Machine } from "./machine.ts";
import { FLAG_GROUPS, type Method } from "./methods.ts";
import type { RootTree } from "./root_tree.ts";
import type { SimulatorCase } from "./simulator_rate.ts";
import { median } from "./stats.ts";
import { importantLine } from "./_lines.ts";
import type { MethodResult, UnpackBench } from "./unpack_bench.ts";

/** The columns of the main table: every format (zstd, the baseline's, first), then Warewulf's cpio. */
export const COLUMNS: readonly Method["format"][] = [
  "zstd",
  ...FORMATS.filter((f) => f !== "zstd"),
  "cpio",
];

/** The rows of the main table, in order. */
export const ROWS: readonly Method["family"][] = [
  "module",
  "raw",
  "shards-2",
  "shards-4",
  "importd",
  "importd-download",
  "seed",
  "warewulf",
];

/** The baseline every time is divided by. */
export const BASELINE = "raw-zstd";

/** The most the progress lines may cost, as a share of the unpack without them (the noise). */
export const PROGRESS_TARGET = 0.03;

/** The memory target, in MiB. */
export const MEMORY_TARGET_MIB = 32;

/** One cell of the main table. */
export interface Cell {
  readonly id: string;
  /** The median seconds, and as a ratio to the baseline's median. */
  readonly seconds: number | null;
  readonly ratio: number | null;
  /** The median over rounds of (this run / the baseline's run in the same round). */
  readonly pairedRatio: number | null;
  readonly validRuns: number;
  readonly failedRuns: number;
  /** Why it has no time (unsupported here, every run failed). */
  readonly note: string | null;
}

/** One row of the flag table. */
export interface FlagCost {
  readonly id: string;
  readonly flags: readonly string[] | null;
  readonly command: string;
  readonly seconds: number | null;
  readonly ratio: number | null;
  /** (all flags − without these) / baseline: what these flags cost, as a share of the raw limit. */
  readonly cost: number | null;
}

/** The raw limit behind the module's reader, for one format. */
export interface ReaderCost {
  readonly id: string;
  readonly format: string;
  readonly command: string;
  readonly seconds: number | null;
  /** (with the reader − the raw limit) ÷ the raw limit of the same format. */
  readonly cost: number | null;
}

/** The module's unpack with progress lines against the same unpack without, for one format. */
export interface ProgressCost {
  readonly id: string;
  readonly format: string;
  readonly command: string;
  /** Medians: with progress, and the module's unpack without (`module-<format>`). */
  readonly seconds: number | null;
  readonly without: number | null;
  /** with ÷ without − 1, of the medians; and the median over rounds of the same, paired. */
  readonly cost: number | null;
  readonly pairedCost: number | null;
  /** The progress lines each valid run printed, in the order run. */
  readonly lines: readonly number[];
}

/** Memory of one method (bytes), over its valid timed runs. */
export interface MemoryRow {
  readonly id: string;
  readonly format: string;
  readonly runs: number;
  readonly peakMedian: number;
  readonly shmemMedian: number;
  readonly kernelMedian: number | null;
  /** peak − shmem: the memory beyond the final tmpfs contents. */
  readonly beyondMedian: number;
  readonly beyondMax: number;
}

/** The staging proof for one format. */
export interface StagingRow {
  readonly format: string;
  /** KiB used on the sandbox's /run: before, most seen during, after. */
  readonly run: readonly [number, number, number];
  /** KiB used on the sandbox's own root (/): before, most seen during, after. */
  readonly root: readonly [number, number, number];
  /** KiB used on /sysroot: most seen during, after; and after the raw limit's unpack. */
  readonly sysroot: readonly [number, number];
  readonly rawSysroot: number | null;
  readonly entries: number;
  readonly rawEntries: number | null;
  readonly looks: number;
  /** Nothing beyond the tree and the module's small status files appeared. */
  readonly staged: boolean;
}

/** A target and how the run met it. */
export interface Target {
  readonly name: string;
  readonly target: string;
  readonly measured: string;
  /** null: not measured. */
  readonly pass: boolean | null;
  readonly reason: string;
}

/** Everything in results.json. */
export interface Results {
  readonly schema: 1;
  readonly small: boolean;
  /** The families `--only` kept (with the baseline), or absent: every method. */
  readonly only?: readonly string[];
  readonly machine: Machine;
  readonly loadAtEnd: readonly number[];
  readonly durationSeconds: number;
  readonly runsPerMethod: number;
  readonly tree: RootTree;
  readonly archives: Archives;
  readonly cgroup: string;
  readonly baseline: { readonly id: string; readonly seconds: number | null };
  readonly table: readonly {
    readonly family: string;
    readonly label: string;
    readonly cells: Readonly<Record<string, Cell | null>>;
  }[];
  readonly flags: readonly FlagCost[];
  readonly readers: readonly ReaderCost[];
  /** Absent in results from before progress lines were measured. */
  readonly progress?: readonly ProgressCost[];
  readonly memory: readonly MemoryRow[];
  readonly staging: readonly StagingRow[];
  readonly importd: readonly string[];
  readonly simulator: readonly SimulatorCase[] | { readonly error: string };
  readonly buildModule: BuildTime | { readonly error: string };
  readonly targets: readonly Target[];
  readonly methods: readonly MethodResult[];
  /** The sampled runs behind `staging` (so that the results can be summarized again). */
  readonly stagingRuns: UnpackBench["staging"];
}

/**
 * What {@linkcode summarize} read to make `r`: results.json summarized again
 * gives the same results (or better ones, after a change to this code).
 *
 * @example
 * ```ts ignore
 * import { summarize, summaryInput } from "./results.ts";
 * const again = summarize(summaryInput(JSON.parse(await Deno.readTextFile("bench/results.json"))));
 * ```
 */
export function summaryInput(r: Results): SummaryInput {
  return {
    small: r.small,
    ...(r.only === undefined ? {} : { only: r.only }),
    machine: r.machine,
    loadAtEnd: r.loadAtEnd,
    durationSeconds: r.durationSeconds,
    tree: r.tree,
    archives: r.archives,
    cgroup: r.cgroup,
    bench: { rounds: r.runsPerMethod, methods: r.methods, staging: r.stagingRuns ?? [] },
    importd: r.importd,
    simulator: r.simulator,
    buildModule: r.buildModule,
  };
}

/** What {@linkcode summarize} reads. */
export interface SummaryInput {
  readonly small: boolean;
  /** The families `--only` kept (with the baseline), or absent: every method. */
  readonly only?: readonly string[];
  readonly machine: Machine;
  readonly loadAtEnd: readonly number[];
  readonly durationSeconds: number;
  readonly tree: RootTree;
  readonly archives: Archives;
  readonly cgroup: string;
  readonly bench: UnpackBench;
  readonly importd: readonly string[];
  readonly simulator: readonly SimulatorCase[] | { readonly error: string };
  readonly buildModule: BuildTime | { readonly error: string };
}

const MiB = 1024 * 1024;

/** The median over rounds of (a's run ÷ b's run in the same round); null without such pairs. */
function pairedRatio(a: MethodResult | undefined, b: MethodResult | undefined): number | null {
  const paired: number[] = [];
  for (const r of a?.runs.filter((r) => r.valid) ?? []) {
    const x = b?.runs.find((x) => x.valid && x.round === r.round);
    if (x !== undefined) paired.push(r.seconds / x.seconds);
  }
  return paired.length === 0 ? null : median(paired);
}

/** The cell of one method. */
function cell(m: MethodResult, base: MethodResult | undefined): Cell {
  const baseMedian = base?.median ?? null;
  const failed = m.runs.filter((r) => !r.valid).length;
  const lastLine = (t: string) => t.trim().split("\n").filter((l) => l.trim() !== "").at(-1) ?? t;
  return {
    id: m.id,
    seconds: m.median,
    ratio: m.median === null || baseMedian === null ? null : m.median / baseMedian,
    pairedRatio: pairedRatio(m, base),
    validRuns: m.seconds.length,
    failedRuns: failed,
    note: !m.supported
      ? `not measured: ${importantLine(m.error ?? "")}`
      : m.median === null
      ? `every run failed: ${lastLine(m.runs.at(-1)?.error ?? "")}`
      : null,
  };
}

/**
 * A number of bytes in MiB with one decimal.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { mib } from "./results.ts";
 * assert.equal(mib(3 * 1024 * 1024), "3.0 MiB");
 * ```
 */
export const mib = (n: number): string => `${(n / MiB).toFixed(1)} MiB`;

/**
 * Turns the measurements into results (and results.json back into
 * results, through {@linkcode summaryInput}): the main table (method × format,
 * ratios to the raw zstd limit), the flag costs, memory, staging and the
 * targets with pass/fail and the reason for a miss.
 *
 * @example
 * ```ts ignore
 * import { summarize } from "./results.ts";
 * const results = summarize({ small, machine, loadAtEnd, durationSeconds, tree, archives, cgroup, bench, importd, simulator, buildModule });
 * console.log(results.targets.map((t) => t.pass));
 * ```
 */
export function summarize(input: SummaryInput): Results {
  const { bench } = input;
  const byId = new Map(bench.methods.map((m) => [m.id, m]));
  const base = byId.get(BASELINE);
  const baseSeconds = base?.median ?? null;
  const table = ROWS.filter((f) => bench.methods.some((m) => m.family === f)).map((family) => {
    const mine = bench.methods.filter((m) => m.family === family);
    const cells: Record<string, Cell | null> = {};
    for (const c of COLUMNS) {
      const m = mine.find((x) => x.format === c);
      cells[c] = m === undefined ? null : cell(m, base);
    }
    return { family, label: mine[0]!.label, cells };
  });

  const all = byId.get("flags-all");
  const flags: FlagCost[] = [
    { id: "flags-all", flags: null },
    ...FLAG_GROUPS.map((g) => ({ id: `flags-no-${g.id}`, flags: g.flags })),
  ].map(({ id, flags }) => {
    const m = byId.get(id);
    const s = m?.median ?? null;
    return {
      id,
      flags,
      command: m?.command ?? "",
      seconds: s,
      ratio: s === null || baseSeconds === null ? null : s / baseSeconds,
      cost: flags === null || s === null || all?.median == null || baseSeconds === null
        ? null
        : (all.median - s) / baseSeconds,
    };
  });

  const readers: ReaderCost[] = bench.methods.filter((m) => m.family === "reader").map((m) => {
    const raw = byId.get(`raw-${m.format}`)?.median ?? null;
    return {
      id: m.id,
      format: m.format,
      command: m.command,
      seconds: m.median,
      cost: m.median === null || raw === null ? null : (m.median - raw) / raw,
    };
  });

  const progress: ProgressCost[] = bench.methods.filter((m) => m.family === "progress").map(
    (m) => {
      const without = byId.get(`module-${m.format}`);
      const w = without?.median ?? null;
      const paired = pairedRatio(m, without);
      return {
        id: m.id,
        format: m.format,
        command: m.command,
        seconds: m.median,
        without: w,
        cost: m.median === null || w === null ? null : m.median / w - 1,
        pairedCost: paired === null ? null : paired - 1,
        lines: m.runs.filter((r) => r.valid).map((r) => r.progressLines ?? 0),
      };
    },
  );

  const memory: MemoryRow[] = [];
  for (const m of bench.methods.filter((m) => m.family === "module" || m.family === "raw")) {
    const uses = m.runs.filter((r) => r.valid && r.memory !== null).map((r) => r.memory!);
    if (uses.length === 0) continue;
    const beyond = uses.map((u) => u.peak - u.shmem);
    const kernels = uses.map((u) => u.kernel).filter((k): k is number => k !== null);
    memory.push({
      id: m.id,
      format: m.format,
      runs: uses.length,
      peakMedian: median(uses.map((u) => u.peak)),
      shmemMedian: median(uses.map((u) => u.shmem)),
      kernelMedian: kernels.length === 0 ? null : median(kernels),
      beyondMedian: median(beyond),
      beyondMax: Math.max(...beyond),
    });
  }

  const staging: StagingRow[] = bench.staging.map(({ format, run }) => {
    const raw = byId.get(`raw-${format}`)?.runs.filter((r) => r.valid) ?? [];
    const rawSysroot = raw.length === 0 ? null : median(raw.map((r) => r.after[2]));
    const rawEntries = raw.length === 0 ? null : median(raw.map((r) => r.entries));
    const max = run.sampled?.max ?? [0, 0, 0];
    // The module's own status files in /run/tmpfs-root (its first 262 bytes, exit codes,
    // tar's output) take a few pages; an archive would take megabytes.
    const slack = 64;
    const staged = run.status !== 0 || max[1] - run.before[1] > slack ||
      max[0] - run.before[0] > slack || max[2] > run.after[2] + slack ||
      (rawSysroot !== null && Math.abs(run.after[2] - rawSysroot) > slack);
    return {
      format,
      run: [run.before[1], max[1], run.after[1]],
      root: [run.before[0], max[0], run.after[0]],
      sysroot: [max[2], run.after[2]],
      rawSysroot,
      entries: run.entries,
      rawEntries,
      looks: run.sampled?.looks ?? 0,
      staged,
    };
  });

  const targets: Target[] = [];
  // 1. The module's single stream against the raw single stream, format by format.
  {
    const rows = COLUMNS.filter((c): c is Format => c !== "cpio").map((f) => {
      const mod = byId.get(`module-${f}`)?.median ?? null;
      const raw = byId.get(`raw-${f}`)?.median ?? null;
      const paired = pairedRatio(byId.get(`module-${f}`), byId.get(`raw-${f}`));
      return { f, mod, raw, paired, ratio: mod === null || raw === null ? null : mod / raw };
    });
    const measured = rows.filter((r) => r.ratio !== null);
    const misses = measured.filter((r) => r.ratio! > 1.05);
    const flagsCost = all?.median != null && baseSeconds !== null
      ? (all.median - baseSeconds) / baseSeconds
      : null;
    const pct = (x: number | null) => (x === null ? "?" : `${(x * 100).toFixed(1)} %`);
    const missText = misses.map((r) => {
      const reader = readers.find((x) => x.format === r.f)?.cost ?? null;
      return `${r.f} +${((r.mod! - r.raw!) * 1000).toFixed(0)} ms (+${pct(r.ratio! - 1)})${
        reader === null
          ? ""
          : reader > 0
          ? `, of which the reader's extra cat ${pct(reader)}`
          : ", the reader's extra cat not measurable here"
      }`;
    });
    targets.push({
      name: "Module's single-stream unpack against the raw single-stream limit, every format",
      target: "≤ 1.05× (module's unpack ÷ bare decompressor | tar -x, same format)",
      measured: measured.map((r) =>
        `${r.f} ${r.ratio!.toFixed(3)}×${
          r.paired === null ? "" : ` (paired ${r.paired.toFixed(3)}×)`
        }`
      ).join(", "),
      pass: measured.length === 0
        ? null
        : misses.length === 0 && measured.length === FORMATS.length,
      reason: measured.length === 0
        ? "not measured"
        : misses.length === 0
        ? "every format within 5 % of its raw limit"
        : `over: ${
          missText.join("; ")
        }. Where it goes: the module reads the archive through \`cat\` (after its 262-byte head) into the decompressor, one more copy of the stream through a pipe (for plain tar two: a \`cat\` stands for the decompressor), which weighs most where decompression is cheapest; tar's --xattrs, --acls, --selinux and -R ${
          flagsCost !== null && flagsCost > 0
            ? `cost ${pct(flagsCost)} of the raw limit on zstd`
            : `showed no cost above the noise in this run (${pct(flagsCost)} on zstd)`
        } (see the flag table); the rest is fixed work (the head read byte by byte with dd, the status files, the checks after tar). Issue #13 point 2 (tar flags only when the archive needs them) removes the flags' share; the reader's copy is the price of the module's format detection and exit-status checks.`,
    });
  }
  // 2. Against the seed's tar xpzf.
  {
    const seed = byId.get("seed-gzip")?.median ?? null;
    const mz = byId.get("module-zstd")?.median ?? null;
    const mg = byId.get("module-gzip")?.median ?? null;
    const speed = seed !== null && mz !== null ? seed / mz : null;
    targets.push({
      name: "Faster than the seed's way on the same tree",
      target: "≥ 2.5× (tar xpzf rootfs.tar.gz ÷ module's unpack of rootfs.tar.zst)",
      measured: speed === null
        ? "not measured"
        : `${speed.toFixed(2)}× with zstd${
          seed !== null && mg !== null ? `; ${(seed / mg).toFixed(2)}× with the same .tar.gz` : ""
        }`,
      pass: speed === null ? null : speed >= 2.5,
      reason: speed === null
        ? "not measured"
        : speed >= 2.5
        ? "the module's zstd unpack beats tar xpzf (single-threaded gzip) by more than 2.5×"
        : `the module's zstd unpack is ${
          speed.toFixed(2)
        }× the seed's speed: one zstd stream and one tar on this machine; sharded archives (issue #13 point 1) are the way past a single stream`,
    });
  }
  // 3. Memory.
  {
    const mods = memory.filter((m) => m.id.startsWith("module-"));
    const worst = mods.reduce<MemoryRow | null>(
      (w, m) => (w === null || m.beyondMax > w.beyondMax ? m : w),
      null,
    );
    const over = mods.filter((m) => m.beyondMax > MEMORY_TARGET_MIB * MiB);
    targets.push({
      name: "Peak memory beyond the final tmpfs contents during the module's unpack",
      target: `≤ ${MEMORY_TARGET_MIB} MiB (cgroup peak − its shmem after the unpack, worst run)`,
      measured: mods.length === 0
        ? `not measured: ${input.cgroup}`
        : mods.map((m) => `${m.format} ${mib(m.beyondMax)}`).join(", "),
      pass: worst === null ? null : over.length === 0,
      reason: worst === null
        ? `not measured: ${input.cgroup}`
        : over.length === 0
        ? `worst ${worst.format}, ${mib(worst.beyondMax)}`
        : over.map((m) => {
          const raw = memory.find((r) => r.id === `raw-${m.format}`);
          return `${m.format}: ${mib(m.beyondMax)}${
            raw === undefined
              ? ""
              : `; its raw limit (the bare ${m.format} decompressor into bare tar) peaks at ${
                mib(raw.beyondMax)
              } beyond the contents too, so the memory is the decompressor's own${
                m.format === "xz"
                  ? " (xz -T0 decodes the blocks of a multi-threaded archive in parallel, each thread holding a block's buffers)"
                  : ""
              }`
          }`;
        }).join("; "),
    });
  }
  // 5. Progress lines cost nothing measurable.
  {
    const measured = progress.filter((x) => x.cost !== null);
    const pct = (x: number) => `${x >= 0 ? "+" : ""}${(x * 100).toFixed(1)} %`;
    const over = measured.filter((x) => x.cost! > PROGRESS_TARGET);
    targets.push({
      name: "Progress on the console costs no measurable time",
      target: `≤ +${
        (PROGRESS_TARGET * 100).toFixed(0)
      } % (the module's unpack with progress ÷ without, same format, same rounds)`,
      measured: measured.length === 0
        ? "not measured"
        : measured.map((x) =>
          `${x.format} ${pct(x.cost!)}${
            x.pairedCost === null ? "" : ` (paired ${pct(x.pairedCost)})`
          }, ${x.lines.join("/")} lines a run`
        ).join("; "),
      pass: measured.length === 0 ? null : over.length === 0,
      reason: measured.length === 0
        ? "not measured"
        : over.length === 0
        ? "within the noise of the same unpack without progress: the reader only runs in the background, watched once a second through /proc/<pid>"
        : `over: ${over.map((x) => `${x.format} ${pct(x.cost!)}`).join(", ")}`,
    });
  }
  // 4. No staging.
  targets.push({
    name: "No archive bytes staged during the module's unpack",
    target:
      "nothing beyond the tree in /sysroot, and nothing beyond the module's status files in /run or /",
    measured: staging.length === 0
      ? "not measured"
      : staging.map((s) => `${s.format}: /run +${s.run[1] - s.run[0]} KiB at most`).join(", "),
    pass: staging.length === 0 ? null : staging.every((s) => !s.staged),
    reason: staging.length === 0
      ? "not measured"
      : staging.every((s) => !s.staged)
      ? "the highest usage seen during each unpack is the tree's own (see Staging)"
      : `staged in ${staging.filter((s) => s.staged).map((s) => s.format).join(", ")}`,
  });
  {
    // The module cannot unpack shards yet: the raw sharded limit is the ceiling it can reach.
    const raw2 = table.find((t) => t.family === "shards-2")?.cells.zstd?.ratio ?? null;
    targets.push({
      name: "2 shards on 2 cores against the raw single-stream zstd limit",
      target: "≥ 1.4× faster",
      measured: raw2 === null
        ? "not measured"
        : `the raw limit of 2 shards (the directories, bare zstd | tar -x each shard at once, the directories again): ${
          (1 / raw2).toFixed(2)
        }× faster`,
      pass: null,
      reason:
        "the module cannot unpack shards yet (issue #13 point 1: planShards splits a tree, the module's concurrent unpack is to come); the raw sharded limit is the most it can reach",
    });
  }

  return {
    schema: 1,
    small: input.small,
    ...(input.only === undefined ? {} : { only: input.only }),
    machine: input.machine,
    loadAtEnd: input.loadAtEnd,
    durationSeconds: input.durationSeconds,
    runsPerMethod: bench.rounds,
    tree: input.tree,
    archives: input.archives,
    cgroup: input.cgroup,
    baseline: { id: BASELINE, seconds: baseSeconds },
    table,
    flags,
    readers,
    progress,
    memory,
    staging,
    importd: input.importd,
    simulator: input.simulator,
    buildModule: input.buildModule,
    targets,
    methods: bench.methods,
    stagingRuns: bench.staging,
  };
}
