/**
 * The boot report in real boots: the guest prints /run/tmpfs-root/report.json
 * on the console (its init after switch-root, `TMPFS-ROOT-E2E-REPORT: …`;
 * the e2e-only shutdown-emergency hook after a failure, `e2e-report: …`),
 * and the host reads it with `JSON.parse`, strictly, and checks its fields
 * against what the scenario expects.
 *
 * @module
 */
import { REPORT_KEYS } from "@tmpfs-root/model";

/** The prefix of the guest init's line (the report after a boot that went on). */
export const GUEST_REPORT_PREFIX = "TMPFS-ROOT-E2E-REPORT: ";
/** The prefix of the initramfs hook's line (the report after a boot that stopped). */
export const HOOK_REPORT_PREFIX = "e2e-report: ";

/** What a scenario's report must say. */
export interface ReportExpect {
  readonly result: "ok" | "failed";
  /** The failed step's id (`fit`, `unpack`). */
  readonly stepId?: string;
  /** The cause (a failed boot). */
  readonly cause?: RegExp;
  /** The source's kind (`block`, `nfs`, `http`). */
  readonly sourceKind?: string;
  /** Each layer, in order (the count must match). */
  readonly layers?: readonly {
    readonly name: string;
    readonly format: string;
    readonly from?: RegExp;
    readonly checked: boolean;
    readonly tries?: number;
  }[];
  /** Whether the report names the tmpfs (false: `null`). */
  readonly tmpfs: boolean;
}

/**
 * The report a serial log holds: the text after the guest's or the hook's
 * prefix, up to the end of its line (the hook's line ends with ` (<phase>)`).
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { reportText } from "./report_check.ts";
 * assert.equal(reportText('x\nTMPFS-ROOT-E2E-REPORT: {"a":1}\r\n'), '{"a":1}');
 * assert.equal(reportText('e2e-report: {"a":1} (shutdown-emergency)\n'), '{"a":1}');
 * ```
 */
export function reportText(log: string): string | undefined {
  for (const raw of log.split("\n")) {
    const line = raw.replace(/\r$/, "");
    for (const prefix of [GUEST_REPORT_PREFIX, HOOK_REPORT_PREFIX]) {
      const at = line.indexOf(prefix);
      if (at < 0) continue;
      const text = line.slice(at + prefix.length);
      return prefix === HOOK_REPORT_PREFIX ? text.replace(/ \([a-z-]+\)$/, "") : text;
    }
  }
  return undefined;
}

const isCount = (x: unknown) => typeof x === "number" && Number.isInteger(x) && x >= 0;

/**
 * The problems of the report in `log` against `want` (empty when it is as
 * expected): it must be there, parse with `JSON.parse`, have the model's
 * keys in order, and say what `want` says; numbers are checked for type
 * and sense (bytes read above 0, a size and a used count for a tmpfs).
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { checkReport } from "./report_check.ts";
 * assert.deepEqual(checkReport("", { result: "ok", tmpfs: true }), ["no report.json on the console"]);
 * ```
 */
export function checkReport(log: string, want: ReportExpect): string[] {
  const text = reportText(log);
  if (text === undefined) return ["no report.json on the console"];
  // deno-lint-ignore no-explicit-any
  let r: any;
  try {
    r = JSON.parse(text);
  } catch (e) {
    return [`report.json is not JSON (${(e as Error).message}): ${text.slice(0, 200)}`];
  }
  const problems: string[] = [];
  const says = (what: string, ok: boolean, got: unknown) => {
    if (!ok) problems.push(`report.json: ${what}, got ${JSON.stringify(got)}`);
  };
  says(
    "keys in the model's order",
    JSON.stringify(Object.keys(r)) === JSON.stringify(REPORT_KEYS),
    Object.keys(r),
  );
  says(`result ${want.result}`, r.result === want.result, r.result);
  if (want.result === "ok") says("no step", r.step === null && r.cause === null, [r.step, r.cause]);
  if (want.stepId !== undefined) says(`stepId ${want.stepId}`, r.stepId === want.stepId, r.stepId);
  if (want.cause !== undefined) {
    says(
      `a cause matching ${want.cause}`,
      typeof r.cause === "string" && want.cause.test(r.cause),
      r.cause,
    );
  }
  if (want.sourceKind !== undefined) {
    says(`source kind ${want.sourceKind}`, r.source?.kind === want.sourceKind, r.source);
  }
  if (want.layers !== undefined) {
    says(
      `${want.layers.length} layers`,
      Array.isArray(r.layers) && r.layers.length === want.layers.length,
      r.layers,
    );
    want.layers.forEach((l, i) => {
      const got = r.layers?.[i];
      if (got === undefined) return;
      says(`layer ${i} named ${l.name}`, got.name === l.name, got.name);
      says(`layer ${i} format ${l.format}`, got.format === l.format, got.format);
      if (l.from) says(`layer ${i} from ${l.from}`, l.from.test(got.from), got.from);
      says(`layer ${i} checked ${l.checked}`, got.checked === l.checked, got.checked);
      says(
        `layer ${i} sha256 ${l.checked ? "64 hex digits" : "null"}`,
        l.checked ? /^[0-9a-f]{64}$/.test(got.sha256) : got.sha256 === null,
        got.sha256,
      );
      if (l.tries !== undefined) {
        says(`layer ${i} tries ${l.tries}`, got.tries === l.tries, got.tries);
      }
      says(
        `layer ${i} bytesRead above 0`,
        isCount(got.bytesRead) && got.bytesRead > 0,
        got.bytesRead,
      );
      says(
        `layer ${i} bytesUnpacked above 0`,
        isCount(got.bytesUnpacked) && got.bytesUnpacked > 0,
        got.bytesUnpacked,
      );
      says(`layer ${i} seconds`, typeof got.seconds === "number" && got.seconds >= 0, got.seconds);
      says(
        `layer ${i} bytesPerSecond`,
        got.bytesPerSecond === null ? got.seconds === 0 : isCount(got.bytesPerSecond),
        got.bytesPerSecond,
      );
    });
  }
  if (want.tmpfs) {
    says(
      "a tmpfs with options",
      typeof r.tmpfs?.options === "string" && /size=/.test(r.tmpfs.options),
      r.tmpfs,
    );
    says(
      "the tmpfs's size and use",
      isCount(r.tmpfs?.sizeBytes) && isCount(r.tmpfs?.usedBytes),
      r.tmpfs,
    );
  } else says("no tmpfs", r.tmpfs === null, r.tmpfs);
  says(
    "uptime",
    typeof r.uptime?.end === "number" && r.uptime.end >= (r.uptime.start ?? 0),
    r.uptime,
  );
  return problems;
}
