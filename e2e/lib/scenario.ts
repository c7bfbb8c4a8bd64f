/**
 * The scenario table format for real boots, and the code that runs one
 * scenario and judges its serial log.
 *
 * @module
 */
import { MESSAGES, text, TOOLS_DIR } from "@tmpfs-root/model";
import type { Flavour, InitramfsOptions } from "./dracut.ts";
import { boot, type BootResult, type Drive, findLine, findMarker, qemuArgs } from "./qemu.ts";
import { checkReport, type ReportExpect, reportText } from "./report_check.ts";

/** What a boot must show. */
export type Expectation =
  /** The guest's init ran and printed `TMPFS-ROOT-E2E: PASS`. */
  | {
    readonly kind: "pass";
    /**
     * The `rd.tmpfs.size` the guest must find on `/` (`3G`, `50%`, …);
     * passed to the guest as `e2e.size=` on the command line.
     */
    readonly tmpfsSize?: string;
    /**
     * `false` when the initramfs's /run does not reach the new root, so the
     * guest must find no /run/tmpfs-root/report.json (busybox's switch_root,
     * which dracut runs by name in an image with the busybox module, moves
     * no mount); passed to the guest as `e2e.report=absent`.
     */
    readonly reportCarried?: false;
  }
  /** The boot stopped with a console line, never ran the guest's init, and QEMU exited by itself. */
  | {
    readonly kind: "fail";
    /** The step the module should name (`source`, `unpack`, …); see `strictSteps`. */
    readonly step: string;
    /** The console line expected, e.g. `/tmpfs-root: [a-z -]+ failed: .+/`. */
    readonly line: RegExp;
  }
  /** Harness self-test: the guest's init ran and its checks found `reason`. */
  | { readonly kind: "guest-fail"; readonly reason: RegExp };

/** A network (or other) context a boot runs in, made before and torn down after it. */
export interface BootContext {
  /** A command prefix for QEMU (e.g. `nsenter --net=…`). */
  readonly wrap?: readonly string[];
  /** Attach a NIC on user networking (needs `wrap`). */
  readonly net?: boolean;
  /** Called after the boot, whatever happened. */
  readonly cleanup?: () => Promise<void>;
}

/** One real boot. */
export interface Scenario {
  /** Unique name, e.g. `classic/label-quoted`. */
  readonly name: string;
  /** Topic for `--topic`, e.g. `block`. */
  readonly topic: string;
  /** dracut init flavour. */
  readonly flavour: Flavour;
  /**
   * The tmpfs-root part of the kernel command line, e.g.
   * `root=tmpfs:/dev/vda1 rd.tmpfs.size=3G rd.tmpfs.imgfile=rootfs.tgz ro`.
   */
  readonly cmdline: string;
  /** The disk (`/dev/vda`); memoize it (see `once`) so scenarios share images. */
  readonly disk?: () => Promise<string>;
  /** Further disks (`/dev/vdb`, …). */
  readonly moreDisks?: () => Promise<readonly Drive[]>;
  /** What the initramfs needs beyond the flavour (host-only, extra dracut modules, …). */
  readonly initramfs?: Omit<InitramfsOptions, "flavour">;
  /** What the boot must show. */
  readonly expect: Expectation;
  /** Console text that must never appear (outside the echoed kernel command line). */
  readonly forbid?: readonly RegExp[];
  /**
   * Console text that must appear (outside the echoed kernel command line),
   * e.g. the line of a check the initramfs runs (`lib/outside_check.ts`).
   */
  readonly require?: readonly RegExp[];
  /**
   * What /run/tmpfs-root/report.json must say: printed by the guest's init
   * after a boot that went on, by the e2e shutdown-emergency hook after one
   * that stopped (`lib/outside_check.ts`: include it), parsed on the host.
   */
  readonly report?: ReportExpect;
  /** Guest RAM in MiB (default 768). */
  readonly memMiB?: number;
  /** Seconds before QEMU is killed (default 90; a boot takes 10 to 30 s). */
  readonly timeoutSec?: number;
  /**
   * Made before the boot (e.g. an NFS server in a network namespace); given
   * the scenario that boots, which may be a copy of the one it was made for
   * (another name, another distribution: see `distro_scenarios.ts`).
   */
  readonly context?: (scenario: Scenario) => Promise<BootContext>;
}

/**
 * No module line quotes a program by its path in the initramfs's tools folder
 * (GNU tar names itself by the path it ran as): every scenario forbids it.
 */
export const TOOL_PATH_QUOTED: RegExp = new RegExp(`tmpfs-root: .*${TOOLS_DIR}/`);

/** Nothing in the real boots may reboot: success powers off, failure panics or powers off. */
export const NO_REBOOT: RegExp = /reboot: Restarting system/;

/** A scenario without its flavour and topic, named without the flavour. */
export type FlavourlessScenario = Omit<Scenario, "flavour" | "name" | "topic"> & {
  readonly name: string;
};

/**
 * One scenario in each dracut flavour, named `<flavour>/<prefix><name>`,
 * in `topic`; none may reboot.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { bothFlavours } from "./scenario.ts";
 * const [c, s] = bothFlavours("fit", "fit-", {
 *   name: "x", cmdline: "root=tmpfs:/dev/vda1", expect: { kind: "pass" },
 * });
 * assert.deepEqual([c!.name, s!.name, c!.topic], ["classic/fit-x", "systemd/fit-x", "fit"]);
 * ```
 */
export function bothFlavours(topic: string, prefix: string, base: FlavourlessScenario): Scenario[] {
  return (["classic", "systemd"] as Flavour[]).map((flavour) => ({
    ...base,
    name: `${flavour}/${prefix}${base.name}`,
    topic,
    flavour,
    forbid: [NO_REBOOT, ...(base.forbid ?? [])],
  }));
}

/**
 * Regex-escapes a literal.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { literal } from "./scenario.ts";
 * assert.equal(literal("a.b(1)"), "a\\.b\\(1\\)");
 * ```
 */
export function literal(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

/**
 * A progress line of the archive `name` (the model's message, its numbers any): with the size
 * known (bytes read of the size, the percent, the throughput and the time left), or without.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { progressLine } from "./scenario.ts";
 * assert.match(
 *   "tmpfs-root: unpacking a.tar: 1.5 MiB of 2.0 MiB read (75%), 300.0 KiB/s, about 2 s left",
 *   progressLine("a.tar", true),
 * );
 * assert.match("tmpfs-root: unpacking a.tar: 512 bytes read, 0 bytes/s", progressLine("a.tar", false));
 * ```
 */
export function progressLine(name: string, known: boolean): RegExp {
  // Each slot as a control character no message holds, replaced by its pattern once escaped.
  const [archive, bytes, count] = ["\u0001", "\u0002", "\u0003"];
  const line = text(
    known
      ? MESSAGES.progress(archive, bytes, bytes, count, bytes, count)
      : MESSAGES.progressNoSize(archive, bytes, bytes),
  );
  return new RegExp(
    literal(line).replaceAll(archive, literal(name))
      .replaceAll(bytes, "[0-9.]+ (?:bytes|KiB|MiB|GiB|TiB)").replaceAll(count, "[0-9]+"),
  );
}

/** Any progress line, of any archive: a fast boot prints none. */
export const ANY_PROGRESS: RegExp =
  /tmpfs-root: unpacking .*: [0-9.]+ (?:bytes|KiB|MiB|GiB) (?:of|read)/;

/** The generic failure line: `tmpfs-root: <step> failed: <cause>`. */
export const FAILURE_LINE: RegExp = /tmpfs-root: [a-z -]+ failed: .+/;

/**
 * What every test boot adds to the command line so a failed boot ends QEMU
 * without a human: no emergency shell; power off from systemd's emergency
 * target. In the classic flavour `poweroff` fails inside the initramfs, init
 * exits, the kernel panics and `panic=1` with `-no-reboot` ends QEMU.
 */
export const FLAVOUR_APPEND: Readonly<Record<Flavour, string>> = {
  classic: "rd.shell=0 rd.emergency=poweroff",
  systemd: "rd.shell=0 rd.emergency=poweroff",
};

/** The outcome of a scenario. */
export interface ScenarioResult {
  /** The scenario. */
  readonly scenario: Scenario;
  /** Whether it met its expectation. */
  readonly ok: boolean;
  /** Why not (empty when ok). */
  readonly problems: readonly string[];
  /** The boot, when it got that far. */
  readonly boot?: BootResult;
  /** Path of the serial log. */
  readonly logPath: string;
  /**
   * For a `fail` expectation: the module's failure line, and a remark when
   * it names another step than the scenario expects.
   */
  readonly notes?: readonly string[];
}

/** Memoizes an async factory, so a disk or archive is built once and shared. */
export function once<T>(f: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | undefined;
  return () => (p ??= f());
}

/** The full kernel command line (before qemu.ts adds `console=ttyS0 panic=1`). */
export function composeAppend(s: Scenario): string {
  const parts = [s.cmdline, FLAVOUR_APPEND[s.flavour]];
  if (s.expect.kind === "pass" && s.expect.tmpfsSize !== undefined) {
    parts.push(`e2e.size=${s.expect.tmpfsSize}`);
  }
  if (s.expect.kind === "pass" && s.expect.reportCarried === false) {
    parts.push("e2e.report=absent");
  }
  return parts.join(" ");
}

/** The log without the lines where the kernel echoes its command line. */
function withoutCmdline(log: string): string {
  return log.split("\n").filter((l) => !/(Kernel command line|Command line): /.test(l)).join("\n");
}

/**
 * Judges a boot against a scenario's expectation. With `strictSteps`, a
 * `fail` expectation requires `tmpfs-root: <step> failed: ` exactly.
 */
export function judge(s: Scenario, r: BootResult, strictSteps = false): string[] {
  const problems: string[] = [];
  const log = withoutCmdline(r.log);
  if (r.halted) {
    problems.push("the guest halted, which never ends QEMU: a failed boot must power off or panic");
  } else if (r.timedOut) {
    problems.push(`timed out after ${Math.round(r.seconds)} s: the boot did not end by itself`);
  } else if (r.exitCode !== 0) {
    problems.push(`QEMU exited with code ${r.exitCode}: ${r.stderr.trim().slice(0, 300)}`);
  }
  let marker: ReturnType<typeof findMarker>;
  try {
    marker = findMarker(log);
  } catch (e) {
    problems.push((e as Error).message);
  }
  const e = s.expect;
  switch (e.kind) {
    case "pass":
      if (!marker) problems.push("the guest's init never printed its marker");
      else if (!marker.pass) problems.push(`the guest's checks failed: ${marker.reason}`);
      break;
    case "fail": {
      if (marker) problems.push("the guest's init ran, but the boot should have stopped");
      // The boot report, printed on the console, quotes the failure line: it is not another one.
      const lines =
        log.split("\n").filter((l) => FAILURE_LINE.test(l) && reportText(l) === undefined)
          .length;
      if (lines > 1) problems.push(`${lines} failure lines on the console, expected exactly one`);
      const re = strictSteps ? new RegExp(`tmpfs-root: ${e.step} failed: .+`) : e.line;
      if (findLine(log, re) === undefined) {
        const seen = findLine(log, /tmpfs-root/);
        problems.push(
          `no console line matches ${re}${seen ? ` (saw: ${seen.slice(0, 200)})` : ""}`,
        );
      }
      break;
    }
    case "guest-fail":
      if (!marker) problems.push("the guest's init never printed its marker");
      else if (marker.pass) problems.push("the guest's checks passed, but should have failed");
      else if (!e.reason.test(marker.reason)) {
        problems.push(`the guest failed for another reason: ${marker.reason}`);
      }
      break;
    default: {
      const never: never = e;
      throw new TypeError(`Unknown expectation ${JSON.stringify(never)}`);
    }
  }
  for (const re of [TOOL_PATH_QUOTED, ...(s.forbid ?? [])]) {
    const hit = findLine(log, re);
    if (hit !== undefined) problems.push(`forbidden console text ${re}: ${hit.slice(0, 200)}`);
  }
  for (const re of s.require ?? []) {
    if (findLine(log, re) === undefined) problems.push(`no console line matches required ${re}`);
  }
  if (s.report !== undefined) problems.push(...checkReport(log, s.report));
  return problems;
}

/**
 * For a `fail` expectation, the module's failure line in the log and, when
 * its step differs from the expected one, a remark saying so.
 */
export function failureNotes(s: Scenario, log: string): string[] {
  if (s.expect.kind !== "fail") return [];
  const line = findLine(withoutCmdline(log), /tmpfs-root: [a-z -]+ failed: /);
  if (line === undefined) return [];
  const text = line.slice(line.indexOf("tmpfs-root: "));
  const step = /tmpfs-root: ([a-z -]+) failed: /.exec(text)?.[1];
  return step === s.expect.step
    ? [text]
    : [text, `step "${step}" where "${s.expect.step}" was expected`];
}

/** Everything a scenario run needs from the setup phase. */
export interface Prepared {
  /** Guest kernel. */
  readonly kernel: string;
  /** The initramfs built for this scenario. */
  readonly initrd: string;
  /** Where the serial log goes. */
  readonly logPath: string;
  /** Judge fail expectations by the exact step name. */
  readonly strictSteps?: boolean;
}

/** Boots one scenario and judges it. Also writes `<log>.sh`, a command that repeats the boot. */
export async function runScenario(s: Scenario, p: Prepared): Promise<ScenarioResult> {
  const drives: Drive[] = [];
  if (s.disk) drives.push({ file: await s.disk(), readonly: true });
  if (s.moreDisks) drives.push(...await s.moreDisks());
  const ctx = s.context ? await s.context(s) : {};
  try {
    const opts = {
      kernel: p.kernel,
      initrd: p.initrd,
      append: composeAppend(s),
      drives,
      log: p.logPath,
      memMiB: s.memMiB ?? 768,
      timeoutSec: s.timeoutSec ?? 90,
      ...(ctx.wrap ? { wrap: ctx.wrap } : {}),
      ...(ctx.net ? { net: ctx.net } : {}),
    };
    const quote = (a: string) => /^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replaceAll("'", `'\\''`)}'`;
    await Deno.writeTextFile(
      p.logPath.replace(/\.log$/, ".sh"),
      `#!/bin/sh\n# repeat the boot of ${s.name}\nexec ${
        [...(ctx.wrap ?? []), ...qemuArgs(opts)].map(quote).join(" ")
      }\n`,
    );
    const r = await boot(opts);
    const problems = judge(s, r, p.strictSteps);
    return {
      scenario: s,
      ok: problems.length === 0,
      problems,
      boot: r,
      logPath: p.logPath,
      notes: failureNotes(s, r.log),
    };
  } finally {
    await ctx.cleanup?.();
  }
}
