import { BOOT, MANIFEST_SUFFIX } from "@tmpfs-root/model";
import { defaultHandlers, randomByte } from "./default_handlers.ts";
import type { FetchResult } from "./handlers.ts";
import { simulate } from "./simulate.ts";
import type { Vm } from "./vm.ts";

/** A fleet of machines booted together against one flaky web server. */
export interface FleetOptions {
  /** How many machines boot at second 0. */
  readonly nodes: number;
  /** The archive's URL (`root=tmpfs:<url>`) and its bytes. */
  readonly url: string;
  readonly body: Uint8Array;
  /** The chance (0 to 1) that an answer before `flakyFor` seconds is a 503. */
  readonly p: number;
  /** Seconds after boot during which the server may answer 503. */
  readonly flakyFor: number;
  /** The `Retry-After` the 503s carry, if any. */
  readonly retryAfter?: string;
  /** More kernel parameters (`rd.tmpfs.retries=5`). */
  readonly cmdline?: string;
  /** Machine i's random source is seeded with `seed + i`. Default 1. */
  readonly seed?: number;
}

/** What a fleet's boots did. */
export interface FleetReport {
  readonly nodes: number;
  readonly booted: number;
  /** Every machine's number of tries, booted or not. */
  readonly tries: readonly number[];
  /** The second at which each machine that made one started its second try. */
  readonly secondTry: readonly number[];
}

/**
 * Boots `nodes` simulated machines at once against a server that answers
 * 503 with probability `p` for its first `flakyFor` seconds (each
 * machine's answers and jitter drawn from its own seed, so a run replays),
 * and reports how many booted, how many tries each made and when their
 * second tries came.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { makeArchive, simulateFleet } from "./mod.ts";
 * const body = await makeArchive({ "etc/os-release": "ID=demo\n" }, "gzip");
 * const r = await simulateFleet({ nodes: 20, url: "http://10.0.2.2/r.tgz", body, p: 1, flakyFor: 1 });
 * assert.equal(r.booted, 20);
 * assert.ok(r.secondTry.every((t) => t >= 2 && t <= 4));
 * ```
 */
export async function simulateFleet(o: FleetOptions): Promise<FleetReport> {
  const tries: number[] = [];
  const secondTry: number[] = [];
  let booted = 0;
  for (let i = 0; i < o.nodes; i++) {
    const seed = (o.seed ?? 1) + i;
    const vm: Vm = {
      flavour: "classic",
      ram: 4 * 1024 ** 3,
      disks: [],
      lvm: [],
      nfs: [],
      web: [{ url: o.url, body: o.body }],
      seed,
    };
    const fetch = (
      m: Parameters<typeof defaultHandlers.fetch>[0],
      url: string,
      attempt: number,
    ): FetchResult | Promise<FetchResult> => {
      // The server's coin, drawn apart from the machine's jitter (offsets from 1000 on); the
      // archive's manifest, which the server does not have, is answered at once (404).
      const busy = !url.endsWith(MANIFEST_SUFFIX) && m.time < o.flakyFor &&
        randomByte(seed, 1000 + attempt) < o.p * 256;
      if (!busy) return defaultHandlers.fetch(m, url, attempt);
      return {
        kind: "status",
        status: 503,
        error: "curl: (22) The requested URL returned error: 503",
        ...(o.retryAfter === undefined ? {} : { retryAfter: o.retryAfter }),
      };
    };
    const r = await simulate(
      BOOT,
      vm,
      `root=tmpfs:${o.url} rd.tmpfs.size=1G ${o.cmdline ?? ""}`,
      { fetch },
    );
    if (r.outcome.kind === "switched") booted++;
    let time = 0;
    let n = 0;
    for (const e of r.events) {
      if (e.kind === "sleep") time += e.seconds;
      if (e.kind !== "fetch" || e.url.endsWith(MANIFEST_SUFFIX)) continue;
      n++;
      if (n === 2) secondTry.push(time);
    }
    tries.push(n);
  }
  return { nodes: o.nodes, booted, tries, secondTry };
}

/**
 * A fleet report as text: machines booted, tries (total, most, how many
 * machines made each count) and the second tries' spread (first, last,
 * distinct seconds, standard deviation).
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { formatFleetReport } from "./simulate_fleet.ts";
 * const text = formatFleetReport({ nodes: 2, booted: 2, tries: [1, 2], secondTry: [3] });
 * assert.match(text, /^booted: 2 of 2$/m);
 * ```
 */
export function formatFleetReport(r: FleetReport): string {
  const counts = new Map<number, number>();
  for (const t of r.tries) counts.set(t, (counts.get(t) ?? 0) + 1);
  const s = spread(r.secondTry);
  return [
    `booted: ${r.booted} of ${r.nodes}`,
    `tries: ${r.tries.reduce((a, b) => a + b, 0)} in all, at most ${Math.max(0, ...r.tries)}`,
    `machines by tries: ${
      [...counts].sort(([a], [b]) => a - b).map(([t, n]) => `${t}: ${n}`).join(", ")
    }`,
    `second tries: ${r.secondTry.length}, from ${s.min} s to ${s.max} s, ${s.distinct} distinct seconds, standard deviation ${
      s.deviation.toFixed(2)
    } s`,
    "",
  ].join("\n");
}

/** The smallest, largest, distinct values and standard deviation of some seconds. */
export function spread(
  seconds: readonly number[],
): { min: number; max: number; distinct: number; deviation: number } {
  if (seconds.length === 0) return { min: 0, max: 0, distinct: 0, deviation: 0 };
  const mean = seconds.reduce((a, b) => a + b, 0) / seconds.length;
  const variance = seconds.reduce((a, b) => a + (b - mean) ** 2, 0) / seconds.length;
  return {
    min: Math.min(...seconds),
    max: Math.max(...seconds),
    distinct: new Set(seconds).size,
    deviation: Math.sqrt(variance),
  };
}
