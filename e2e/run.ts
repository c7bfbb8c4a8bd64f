/**
 * Runs the real-boot (QEMU) scenarios: a setup phase builds the kernel,
 * initramfs images, archives and disks once; a run phase boots the
 * scenarios a few at a time and judges their serial logs.
 *
 * ```sh
 * deno run -A e2e/run.ts                      # everything
 * deno run -A e2e/run.ts --topic block        # one topic
 * deno run -A e2e/run.ts --filter classic/    # names containing a text (or /regex/)
 * deno run -A e2e/run.ts --list               # names only
 * deno run -A e2e/run.ts --strict-steps       # fail lines must name the expected step
 * ```
 *
 * Logs go to `.cache/e2e-logs/<name>.log`, with `<name>.sh` to repeat a boot.
 *
 * @module
 */
import { parseArgs } from "#args";
import { buildInitramfsInfo, type InitramfsOptions, pruneInitramfs } from "./lib/dracut.ts";
import { ensureKernel } from "./lib/kernel.ts";
import { LOG_DIR } from "./lib/_paths.ts";
import { FAILURE_LINE, runScenario, type Scenario, type ScenarioResult } from "./lib/scenario.ts";
import { ALL_SCENARIOS } from "./scenarios.ts";
import { COMPATIBILITY_ROWS, DISTRO_TOPIC } from "./distro_scenarios.ts";
import { ROOTS_REQUIRED_ENV } from "./lib/distro.ts";
import {
  buildKind,
  type CompatibilityRecord,
  imageShell,
  writeCompatibility,
} from "./lib/compatibility.ts";
import { cachedDistroRoot, packageVersion } from "./lib/distro.ts";
import { findLine } from "./lib/qemu.ts";

/** Selects scenarios by `--topic`, `--flavour` and `--filter` (text, or `/regex/`). */
export function select(
  all: readonly Scenario[],
  opts: { topic?: string[]; flavour?: string; filter?: string[] },
): Scenario[] {
  const matchers = (opts.filter ?? []).map((f) => {
    const m = /^\/(.*)\/([a-z]*)$/.exec(f);
    return m ? (n: string) => new RegExp(m[1]!, m[2]).test(n) : (n: string) => n.includes(f);
  });
  return all.filter((s) =>
    (!opts.topic?.length || opts.topic.includes(s.topic)) &&
    (!opts.flavour || s.flavour === opts.flavour) &&
    (matchers.length === 0 || matchers.some((m) => m(s.name)))
  );
}

/**
 * The representative set CI boots (`--ci`): every scenario in the classic
 * flavour, and every other one of each topic (and, in a topic, of each
 * distribution) in the systemd flavour: each topic and each distribution
 * keeps boots in both flavours. The full set is `deno task e2e`
 * without `--ci`, run before an issue is resolved.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { representative } from "./run.ts";
 * import { bothFlavours } from "./lib/scenario.ts";
 * const all = ["a", "b", "c"].flatMap((name) =>
 *   bothFlavours("t", "", { name, cmdline: "root=tmpfs:/dev/vda1", expect: { kind: "pass" } })
 * );
 * assert.deepEqual(representative(all).map((s) => s.name), [
 *   "classic/a", "systemd/a", "classic/b", "classic/c", "systemd/c",
 * ]);
 * ```
 */
export function representative(all: readonly Scenario[]): Scenario[] {
  const seen = new Map<string, number>();
  return all.filter((s) => {
    if (s.flavour !== "systemd") return true;
    // Halved by topic and distribution: each distribution keeps a systemd boot.
    const group = `${s.topic} ${s.initramfs?.distro ?? ""}`;
    const n = seen.get(group) ?? 0;
    seen.set(group, n + 1);
    return n % 2 === 0;
  });
}

/** The initramfs options of a scenario, as a cache key. */
function initrdKey(s: Scenario): string {
  const o: InitramfsOptions = { flavour: s.flavour, ...(s.initramfs ?? {}) };
  return JSON.stringify(o, Object.keys(o).sort());
}

/** Runs `f` over `items`, at most `jobs` at a time, keeping order in the result. */
async function pool<T, R>(
  items: readonly T[],
  jobs: number,
  f: (t: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await f(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(jobs, items.length)) }, worker));
  return results;
}

/** Host tools the e2e run needs, with the Debian package that has each. */
export const REQUIRED_TOOLS: Readonly<Record<string, string>> = {
  "qemu-system-x86_64": "qemu-system-x86",
  dracut: "dracut-core",
  "/bin/busybox": "busybox-static",
  sfdisk: "fdisk",
  "mkfs.ext4": "e2fsprogs",
  lvm: "lvm2",
  losetup: "mount",
  getfattr: "attr",
  setfattr: "attr",
  pigz: "pigz",
  zstd: "zstd",
  xz: "xz-utils",
  lz4: "lz4",
  bzip2: "bzip2",
  depmod: "kmod",
  "apt-get": "apt",
  "dpkg-deb": "dpkg",
  timeout: "coreutils",
  mmdebstrap: "mmdebstrap",
};

/** Names the missing tools and their packages, or returns an empty list. */
export async function preflight(): Promise<string[]> {
  const problems: string[] = [];
  if (Deno.uid() !== 0) problems.push("run as root (chown, mknod, trusted.* xattrs, losetup)");
  const missing: string[] = [];
  for (const [tool, pkg] of Object.entries(REQUIRED_TOOLS)) {
    const found = tool.startsWith("/")
      ? await Deno.stat(tool).then(() => true, () => false)
      : (await new Deno.Command("sh", { args: ["-c", 'command -v "$1"', "sh", tool] }).output())
        .success;
    if (!found) missing.push(`${tool} (${pkg})`);
  }
  if (missing.length) problems.push(`missing tools: ${missing.join(", ")}`);
  return problems;
}

/** An initramfs of the setup phase, or why its build failed. */
type Built = { readonly path: string; readonly kernel: string } | { readonly error: string };

/**
 * The lines of a failed build that say why: dracut's errors about tmpfs-root, else all of its
 * errors, else the message's first line.
 */
function buildError(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  const errors = text.split("\n").filter((l) => /^dracut\[E\]: |^dracut: FAILED|^E: /.test(l));
  const ours = errors.filter((l) => l.includes("tmpfs-root"));
  const why = ours.length > 0 ? ours : errors;
  return (why.length > 0 ? why.join(" ") : text.split("\n")[0]!).slice(0, 600);
}

/** The compatibility table's records of the boots run (see `distro_scenarios.ts`). */
async function compatibilityRecords(
  results: readonly ScenarioResult[],
  initrds: ReadonlyMap<string, Built>,
  hostKernel: string,
): Promise<CompatibilityRecord[]> {
  const host = {
    dracut: await packageVersion("/", "dracut-core"),
    systemd: await packageVersion("/", "systemd"),
    kernel: hostKernel,
  };
  const date = new Date().toISOString().slice(0, 10);
  const records: CompatibilityRecord[] = [];
  for (const r of results) {
    const s = r.scenario;
    const row = COMPATIBILITY_ROWS.get(s.name)!;
    const distro = s.initramfs?.distro;
    const versions = distro ? (await cachedDistroRoot(distro))?.versions : host;
    const built = initrds.get(initrdKey(s));
    // What /bin/sh is in the image; none when its build failed.
    const shell = built && "path" in built ? await imageShell(built.path) : "";
    const line = r.boot ? findLine(r.boot.log, FAILURE_LINE) : undefined;
    const detail = r.ok ? undefined : (line?.replace(/^\[[ 0-9.]+\] /, "") ?? r.problems[0]);
    records.push({
      scenario: s.name,
      distro: row.distro,
      dracut: versions?.dracut ?? "",
      systemd: versions?.systemd ?? "",
      kernel: versions?.kernel ?? "",
      build: buildKind(s.initramfs),
      shell,
      flavour: s.flavour,
      source: row.source,
      expect: s.expect.kind === "fail" ? "stops" : "boots",
      result: r.ok ? "passed" : "failed",
      ...(detail ? { detail: detail.slice(0, 300) } : {}),
      date,
    });
  }
  return records;
}

function logName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, "_");
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      filter: { type: "string", multiple: true },
      topic: { type: "string", multiple: true },
      flavour: { type: "string" },
      jobs: { type: "string", default: "2" },
      // On a loaded machine: every boot's time limit times this (TCG boots slow down with load).
      "timeout-scale": { type: "string", default: "1" },
      // CI's representative set (see representative): the full set does not fit CI's time.
      ci: { type: "boolean", default: false },
      list: { type: "boolean", default: false },
      "strict-steps": { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    console.log(
      "usage: deno run -A e2e/run.ts [--topic T]... [--filter TEXT|/RE/]... [--flavour classic|systemd]\n" +
        "                              [--jobs N] [--timeout-scale X] [--ci] [--list] [--strict-steps]",
    );
    return 0;
  }
  const scale = Number(values["timeout-scale"]);
  if (!(scale >= 1 && scale <= 10)) {
    throw new RangeError(
      `Invalid --timeout-scale "${values["timeout-scale"]}": expected a number from 1 to 10`,
    );
  }
  const selected = select(ALL_SCENARIOS, {
    ...(values.topic ? { topic: values.topic } : {}),
    ...(values.flavour ? { flavour: values.flavour } : {}),
    ...(values.filter ? { filter: values.filter } : {}),
  }).map((s) => scale === 1 ? s : { ...s, timeoutSec: Math.round((s.timeoutSec ?? 90) * scale) });
  const chosen = values.ci ? representative(selected) : selected;
  const names = new Set<string>();
  for (const s of ALL_SCENARIOS) {
    if (names.has(s.name)) throw new Error(`Duplicate scenario name "${s.name}"`);
    names.add(s.name);
  }
  if (values.list) {
    for (const s of chosen) console.log(`${s.topic}\t${s.name}\t${s.cmdline}`);
    return 0;
  }
  if (chosen.length === 0) {
    console.log("no scenario matches");
    return 1;
  }
  const jobs = Number(values.jobs);
  if (!Number.isInteger(jobs) || jobs < 1) {
    throw new RangeError(`Invalid --jobs "${values.jobs}": expected a positive integer`);
  }

  const problems = await preflight();
  if (problems.length) {
    for (const p of problems) console.log(`cannot run: ${p}`);
    return 1;
  }

  // Setup phase: kernel, initramfs images, archives and disks, built once and shared.
  const t0 = performance.now();
  const kernel = await ensureKernel();
  console.log(`setup: kernel ${kernel.kver}`);
  // Each image with the kernel it goes with: the guest kernel, or a distribution root's own.
  // A failed build fails the scenarios that need its image, not the run.
  const initrds = new Map<string, Built>();
  for (const s of chosen) {
    const key = initrdKey(s);
    if (initrds.has(key)) continue;
    let i;
    try {
      i = await buildInitramfsInfo({ flavour: s.flavour, ...(s.initramfs ?? {}) }, kernel);
    } catch (e) {
      const error = buildError(e);
      initrds.set(key, { error });
      console.log(`setup: initramfs ${key} FAILED: ${error}`);
      continue;
    }
    initrds.set(key, { path: i.path, kernel: i.kernel });
    console.log(
      `setup: initramfs ${key} ${(i.size / 1048576).toFixed(1)} MiB ${
        i.cached ? "(cached)" : `(built in ${i.buildSec.toFixed(1)} s)`
      }`,
    );
  }
  const pruned = await pruneInitramfs(2);
  if (pruned) console.log(`setup: pruned ${pruned} initramfs images unused for 2 days`);
  for (const s of chosen) {
    await s.disk?.();
    await s.moreDisks?.();
  }
  await Deno.mkdir(LOG_DIR, { recursive: true });
  console.log(
    `setup: done in ${
      ((performance.now() - t0) / 1000).toFixed(1)
    } s; ${chosen.length} boots, ${jobs} at a time`,
  );

  // Run phase.
  // Each row of the compatibility table is written as soon as its boot ends (one write at a
  // time), so a run that is stopped keeps what it booted.
  let compatibility = Promise.resolve(0);
  const record = (r: ScenarioResult) => {
    if (!COMPATIBILITY_ROWS.has(r.scenario.name)) return;
    compatibility = compatibility.then(async (n) => {
      await writeCompatibility(await compatibilityRecords([r], initrds, kernel.kver));
      return n + 1;
    });
  };
  const results = await pool(chosen, jobs, async (s): Promise<ScenarioResult> => {
    const logPath = `${LOG_DIR}/${logName(s.name)}.log`;
    const built = initrds.get(initrdKey(s))!;
    let r: ScenarioResult;
    try {
      if ("error" in built) throw new Error(`the initramfs build failed: ${built.error}`);
      r = await runScenario(s, {
        kernel: built.kernel,
        initrd: built.path,
        logPath,
        strictSteps: values["strict-steps"],
      });
    } catch (e) {
      r = {
        scenario: s,
        ok: false,
        problems: [
          "error" in built ? (e as Error).message : `harness error: ${(e as Error).stack ?? e}`,
        ],
        logPath,
      };
    }
    const secs = r.boot ? ` (${r.boot.seconds.toFixed(1)} s)` : "";
    const notes = r.notes?.length ? ` -- ${r.notes.join("; ")}` : "";
    if (r.ok) console.log(`ok   ${s.name}${secs}${notes.slice(0, 200)}`);
    else console.log(`FAIL ${s.name}${secs}: ${r.problems.join("; ")} [log: ${logPath}]`);
    record(r);
    return r;
  });
  const rows = await compatibility;
  if (rows > 0) console.log(`compatibility: ${rows} rows of docs/compatibility.md updated`);
  const passed = results.filter((r) => r.ok).length;
  let failed = results.length - passed;
  // With the build roots at hand, what their dracut-ng differs in is checked for real.
  if (chosen.some((s) => s.topic === DISTRO_TOPIC)) {
    const t = await new Deno.Command(Deno.execPath(), {
      args: ["test", "-A", new URL("./lib/distro_test.ts", import.meta.url).pathname],
      env: { [ROOTS_REQUIRED_ENV]: "1" },
    }).output();
    const said = new TextDecoder().decode(t.stdout).split("\n").filter((l) =>
      /\b(ok|FAILED)\b/.test(l)
    );
    console.log(`dracut-ng checks (lib/distro_test.ts): ${t.success ? "ok" : "FAILED"}`);
    if (!t.success) {
      failed++;
      console.log(said.slice(-20).join("\n"));
    }
  }
  console.log(`${passed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

if (import.meta.main) Deno.exit(await main());
