/**
 * The time of `deno task build-module`, as the module is built into a
 * temporary folder (the repository's files are left alone).
 *
 * @module
 */
import { exec } from "./_exec.ts";
import { median } from "./stats.ts";

/** How long the build took. */
export interface BuildTime {
  /** The command, with `<tmp>` for the temporary folder. */
  readonly command: string;
  /** Each run's wall-clock seconds, and their median. */
  readonly seconds: readonly number[];
  readonly median: number;
  /** The same build run by this Deno binary directly, without npx's start-up. */
  readonly direct: readonly number[];
  readonly directMedian: number;
}

/**
 * Times `npx -y deno@2.9.6 run -A tools/build_module.ts --out <tmp>`
 * `runs` times (and the same with this process's Deno binary), each into
 * a fresh temporary folder.
 *
 * @example
 * ```ts ignore
 * import { buildTime } from "./build_time.ts";
 * console.log((await buildTime("/work/main", 3)).median);
 * ```
 */
export async function buildTime(repo: string, runs: number): Promise<BuildTime> {
  const time = async (cmd: string, args: string[]): Promise<number> => {
    const out = await Deno.makeTempDir({ prefix: "tmpfs-root-bench-module-" });
    try {
      const t0 = performance.now();
      await exec(cmd, [...args, "--out", out], { cwd: repo });
      return (performance.now() - t0) / 1000;
    } finally {
      await Deno.remove(out, { recursive: true });
    }
  };
  const seconds: number[] = [];
  const direct: number[] = [];
  for (let i = 0; i < runs; i++) {
    seconds.push(await time("npx", ["-y", "deno@2.9.6", "run", "-A", "tools/build_module.ts"]));
    direct.push(await time(Deno.execPath(), ["run", "-A", "tools/build_module.ts"]));
  }
  return {
    command: "npx -y deno@2.9.6 run -A tools/build_module.ts --out <tmp>",
    seconds,
    median: median(seconds),
    direct,
    directMedian: median(direct),
  };
}
