/**
 * The host measurement: every method, each run in a fresh sandbox, in
 * rounds (each round runs every method once, in a shuffled order), after a
 * warm-up round that also finds which methods work here; then one sampled
 * run of the module's unpack per format to show nothing is staged.
 *
 * @module
 */
import type { Format } from "@tmpfs-root/model";
import { bash, shQuote } from "./_exec.ts";
import type { Archives } from "./archives.ts";
import type { MemoryCgroups } from "./memory_cgroup.ts";
import type { Method } from "./methods.ts";
import type { RootTree } from "./root_tree.ts";
import { type Run, runMethod, type Work } from "./sandbox.ts";
import { median, shuffled } from "./stats.ts";
import { importantLine } from "./_lines.ts";

/** What the bench measured of one method. */
export interface MethodResult {
  readonly id: string;
  readonly family: Method["family"];
  readonly format: Method["format"];
  readonly label: string;
  readonly command: string;
  /** Whether it worked here (its warm-up run succeeded); else why not. */
  readonly supported: boolean;
  readonly error: string | null;
  /** The warm-up run (not counted). */
  readonly warmup: Run | null;
  /** Every timed run, in the order run, with its round (extra runs replace failed ones). */
  readonly runs: readonly (Run & { readonly round: number; readonly valid: boolean })[];
  /** The seconds of the valid runs, and their median. */
  readonly seconds: readonly number[];
  readonly median: number | null;
}

/** The sampled run of the module's unpack of one format. */
export interface StagingProbe {
  readonly format: Format;
  readonly run: Run;
}

/** Everything the host measurement produced. */
export interface UnpackBench {
  readonly rounds: number;
  readonly methods: readonly MethodResult[];
  readonly staging: readonly StagingProbe[];
}

/** Options of {@linkcode runUnpackBench}. */
export interface UnpackBenchOptions {
  readonly tree: RootTree;
  readonly archives: Archives;
  readonly work: Work;
  readonly methods: readonly Method[];
  readonly cgroups: MemoryCgroups | null;
  /** Timed runs per method (at least this many valid ones, when they can be had). */
  readonly runs: number;
  readonly log?: (line: string) => void;
}

/** A run unpacked the whole tree: status 0 and at least the tree's entries where it should be. */
function valid(run: Run, tree: RootTree): boolean {
  return run.status === 0 && run.entries >= tree.entries;
}

/** Why a run is not valid. */
function why(run: Run, tree: RootTree): string {
  if (run.status !== 0) return run.error ?? `status ${run.status}`;
  return `unpacked ${run.entries} entries, expected at least ${tree.entries}`;
}

/**
 * Runs the host measurement: reads every archive once (so each run finds
 * it in the page cache, charged to no run's cgroup), a warm-up round
 * (raw limits first: each method may then take at most 20 times its
 * format's raw limit, and at least 60 s, before it is stopped and tried
 * once more; a method whose warm-up fails otherwise is not measured here),
 * `runs` rounds in shuffled orders, the methods compared with each other
 * side by side (a run may take five times its warm-up, and at least 30 s), extra runs for methods short of valid runs (up to
 * as many again), and one sampled module run per format.
 *
 * @example
 * ```ts ignore
 * import { runUnpackBench } from "./unpack_bench.ts";
 * const bench = await runUnpackBench({ tree, archives, work, methods, cgroups, runs: 5 });
 * console.log(bench.methods.find((m) => m.id === "raw-zstd")?.median);
 * ```
 */
export async function runUnpackBench(options: UnpackBenchOptions): Promise<UnpackBench> {
  const { tree, archives, work, cgroups, runs } = options;
  const log = options.log ?? (() => {});
  const run = (m: Method, timeoutSeconds: number, sample = false) =>
    runMethod(m, { work, archives: archives.dir, cgroups, timeoutSeconds, sample });
  await bash(`cat ${shQuote(archives.dir)}/rootfs.* >/dev/null`);

  // Warm-up, raw limits first.
  const order = [
    ...options.methods.filter((m) => m.family === "raw"),
    ...options.methods.filter((m) => m.family !== "raw"),
  ];
  const rawWarm = new Map<string, number>();
  const limitOf = (m: Method): number => {
    const f = m.format === "cpio" ? "gzip" : m.format;
    const raw = rawWarm.get(f);
    return raw === undefined ? 600 : Math.max(60, 20 * raw);
  };
  const warm = new Map<string, Run>();
  const unsupported = new Map<string, string>();
  for (const m of order) {
    let r = await run(m, limitOf(m));
    if (r.status === -1) {
      log(`warm-up ${m.id}: ${r.error}; trying once more`);
      r = await run(m, limitOf(m));
    }
    warm.set(m.id, r);
    if (valid(r, tree)) {
      if (m.family === "raw") rawWarm.set(m.format, r.seconds);
      log(`warm-up ${m.id}: ${r.seconds.toFixed(3)} s`);
    } else {
      unsupported.set(m.id, why(r, tree));
      log(`warm-up ${m.id}: not measured: ${importantLine(why(r, tree))}`);
    }
  }
  const timed = options.methods.filter((m) => !unsupported.has(m.id));
  // A timed run may take five times its warm-up, and at least 30 s.
  const limits = new Map(timed.map((m) => [m.id, Math.max(30, 5 * warm.get(m.id)!.seconds)]));

  const done = new Map<string, (Run & { round: number; valid: boolean })[]>(
    timed.map((m) => [m.id, []]),
  );
  const record = (m: Method, r: Run, round: number) => {
    const ok = valid(r, tree);
    done.get(m.id)!.push({ ...r, round, valid: ok });
    log(
      `round ${round}/${runs} ${m.id}: ${
        ok ? `${r.seconds.toFixed(3)} s` : `failed: ${importantLine(why(r, tree))}`
      }`,
    );
  };
  // Methods that are compared run side by side: one group per format (its raw limit, the
  // module, the peers, the reader; Warewulf's cpio.gz with gzip), and the flag variants.
  const groups = new Map<string, Method[]>();
  for (const m of timed) {
    const key = m.family === "flags" ? "flags" : m.format === "cpio" ? "gzip" : m.format;
    groups.set(key, [...(groups.get(key) ?? []), m]);
  }
  for (let round = 1; round <= runs; round++) {
    const order = shuffled([...groups.values()], round).flatMap((g, i) =>
      shuffled(g, round * 31 + i)
    );
    for (const m of order) record(m, await run(m, limits.get(m.id)!), round);
  }
  // Extra runs for methods short of valid runs (a hang, a flake), up to as many again.
  for (const m of timed) {
    const mine = done.get(m.id)!;
    let extra = 0;
    while (mine.filter((r) => r.valid).length < runs && extra < runs) {
      extra++;
      record(m, await run(m, limits.get(m.id)!), runs + extra);
    }
  }

  const staging: StagingProbe[] = [];
  for (const m of timed.filter((m) => m.family === "module")) {
    let r = await run(m, limits.get(m.id)!, true);
    for (let again = 0; again < 2 && r.status !== 0; again++) {
      log(`sampled ${m.id}: failed (${importantLine(r.error ?? "")}); once more`);
      r = await run(m, limits.get(m.id)!, true);
    }
    log(`sampled ${m.id}: ${r.sampled?.looks ?? 0} looks at /, /run and /sysroot`);
    staging.push({ format: m.format as Format, run: r });
  }

  return {
    rounds: runs,
    methods: options.methods.map((m): MethodResult => {
      const mine = done.get(m.id) ?? [];
      const seconds = mine.filter((r) => r.valid).map((r) => r.seconds);
      return {
        id: m.id,
        family: m.family,
        format: m.format,
        label: m.label,
        command: m.command,
        supported: !unsupported.has(m.id),
        error: unsupported.get(m.id) ?? null,
        warmup: warm.get(m.id) ?? null,
        runs: mine,
        seconds,
        median: seconds.length === 0 ? null : median(seconds),
      };
    }),
    staging,
  };
}
