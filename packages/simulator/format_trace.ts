import { LAYER_STAGE } from "@tmpfs-root/model";
import type { Mount, SimEvent, SimResult } from "./trace.ts";

function mountLine(m: Mount): string {
  const type = m.fstype === null ? "" : `-t ${m.fstype} `;
  return `mount ${type}-o ${m.options} ${m.source} ${m.target}`;
}

function describe(e: SimEvent): string {
  switch (e.kind) {
    case "wait":
      return `wait for ${e.device} (up to ${e.timeout} s): ` +
        (e.appeared === null ? "did not appear" : `appeared at ${e.appeared} s`);
    case "mkdir":
      return `mkdir -p ${e.parent}; mktemp -d ${e.parent}/source.XXXXXX: ${e.path}`;
    case "stage":
      return `mktemp -d ${e.into}/${LAYER_STAGE}.XXXXXX: ${e.path}`;
    case "whiteouts":
      return `remove the whiteouts left under ${e.root}`;
    case "mount":
      return mountLine(e);
    case "remount":
      return `mount -o remount,${e.options} ${e.target}`;
    case "unmount":
      return `umount ${e.lazy ? "-l " : ""}${e.target}`;
    case "rmdir":
      return `rmdir ${e.path}`;
    case "fetch":
      return `download ${e.url} (try ${e.attempt}): ${e.result}`;
    case "sleep":
      return `sleep ${e.seconds} (try ${e.attempt} of ${e.tries} failed: ${e.cause})`;
    case "clear":
      return `empty ${e.path}`;
    case "unpack":
      return `unpack ${e.format} ${e.from} into ${e.into}` +
        (e.sha256 === undefined ? "" : ` (sha256 ${e.sha256})`);
    case "signature":
      return `check the signature ${e.sig} of ${e.data} with ${e.key}: ` +
        (e.verified ? "verified" : "not verified");
    case "sidecar":
      return `sidecar ${e.sidecar}` + (e.sha256 === "" ? "" : `: sha256 ${e.sha256}`);
    case "verify":
      return `verify ${e.archive}: sha256 ${e.sha256}, expected ${e.expected}`;
    case "relabel":
      return `relabel ${e.root} with SELinux policy ${e.policy}`;
    case "skip":
      return `skip ${e.step}: ${e.reason}`;
    case "message":
    case "warn":
      return `console: ${e.text}`;
    case "handOver":
      return `hand over ${e.root} to switch-root`;
    default:
      return assertNever(e);
  }
}

function assertNever(x: never): never {
  throw new TypeError(`Unexpected event ${JSON.stringify(x)}`);
}

/**
 * Prints a simulated boot for people: one line per event with the
 * simulated time, failed actions marked, then the outcome and what is
 * still mounted.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { formatTrace } from "./format_trace.ts";
 * const text = formatTrace({
 *   outcome: { kind: "inactive" }, events: [], mounts: [], dirs: [], elapsed: 0, report: null,
 * });
 * assert.equal(
 *   text,
 *   "outcome: inactive (root= does not start with tmpfs:)\nmounts: none\nelapsed: 0 s\n",
 * );
 * ```
 */
export function formatTrace(result: SimResult): string {
  const lines: string[] = [];
  let time = 0;
  for (const e of result.events) {
    if (e.kind === "wait") {
      time = e.appeared === null ? time + e.timeout : Math.max(time, e.appeared);
    }
    const stamp = `${time}s`.padStart(6);
    const failed = "failed" in e && e.failed !== null ? `  => failed: ${e.failed}` : "";
    lines.push(`${stamp}  ${e.undo ? "undo: " : ""}${describe(e)}${failed}`);
    if (e.kind === "sleep") time += e.seconds;
  }
  const o = result.outcome;
  switch (o.kind) {
    case "inactive":
      lines.push("outcome: inactive (root= does not start with tmpfs:)");
      break;
    case "switched":
      lines.push(`outcome: switched into ${o.root} (${o.files.size} entries)`);
      break;
    case "stopped":
      lines.push(
        `outcome: stopped at ${o.step} (step ${o.stepId}), then ${o.policy ?? "emergency"}`,
      );
      lines.push(`message: ${o.message}`);
      break;
    case "ended":
      lines.push("outcome: ended without handing over");
      break;
    default:
      assertNever(o);
  }
  lines.push(
    result.mounts.length === 0
      ? "mounts: none"
      : `mounts: ${
        result.mounts.map((m) => `${m.source} on ${m.target} (${m.options})`).join(", ")
      }`,
  );
  if (result.dirs.length > 0) lines.push(`directories left: ${result.dirs.join(", ")}`);
  lines.push(`elapsed: ${result.elapsed} s`);
  return lines.join("\n") + "\n";
}
