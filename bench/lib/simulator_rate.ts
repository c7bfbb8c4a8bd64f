/**
 * Simulated boots per second: bench/simulator_bench.ts run through
 * `deno bench -A --json`, read back.
 *
 * @module
 */
import { exec } from "./_exec.ts";

/** One simulated case's rate. */
export interface SimulatorCase {
  readonly name: string;
  /** Mean nanoseconds per boot, and the 75th and 99th percentiles. */
  readonly avgNs: number;
  readonly p75Ns: number;
  readonly p99Ns: number;
  readonly iterations: number;
  /** 1e9 / avgNs. */
  readonly bootsPerSecond: number;
}

/** The shape of `deno bench --json`'s output that is read. */
interface BenchJson {
  readonly benches: readonly {
    readonly name: string;
    readonly results: readonly {
      readonly ok?: { n: number; avg: number; p75: number; p99: number };
    }[];
  }[];
}

/**
 * Reads `deno bench --json` output into one rate per case; a TypeError
 * naming the case when one has no result.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { parseBenchJson } from "./simulator_rate.ts";
 * const json = JSON.stringify({ benches: [{ name: "simulate() boots: x", results: [{ ok: { n: 10, avg: 20000, p75: 21000, p99: 90000 } }] }] });
 * assert.equal(parseBenchJson(json)[0]!.bootsPerSecond, 50000);
 * ```
 */
export function parseBenchJson(text: string): SimulatorCase[] {
  const json = JSON.parse(text) as BenchJson;
  return json.benches.map((b) => {
    const ok = b.results[0]?.ok;
    if (ok === undefined) throw new TypeError(`Invalid bench result "${b.name}": it did not run`);
    return {
      name: b.name,
      avgNs: ok.avg,
      p75Ns: ok.p75,
      p99Ns: ok.p99,
      iterations: ok.n,
      bootsPerSecond: 1e9 / ok.avg,
    };
  });
}

/** The command that runs the simulator bench. */
export const SIMULATOR_COMMAND = [
  "npx",
  "-y",
  "deno@2.9.6",
  "bench",
  "-A",
  "--json",
  "bench/simulator_bench.ts",
] as const;

/**
 * Runs bench/simulator_bench.ts with `deno bench -A --json` (from the
 * repository's root) and returns each case's rate.
 *
 * @example
 * ```ts ignore
 * import { simulatorRate } from "./simulator_rate.ts";
 * for (const c of await simulatorRate("/work/main")) console.log(c.name, c.bootsPerSecond);
 * ```
 */
export async function simulatorRate(repo: string): Promise<SimulatorCase[]> {
  const [cmd, ...args] = SIMULATOR_COMMAND;
  const ran = await exec(cmd, args, { cwd: repo });
  return parseBenchJson(ran.stdout);
}
