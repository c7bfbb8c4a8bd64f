/**
 * The one place where the simulator's events become the command lines the
 * stub environment logs, and where the shell's log is normalised for the
 * comparison.
 *
 * | event / outcome        | expected log lines                                            |
 * | ---------------------- | ------------------------------------------------------------- |
 * | `wait` (classic)       | `$ initqueue finished <s>` or `$ initqueue timeout <s>`       |
 * | `wait` (systemd)       | one `$ sleep 1` per second waited                             |
 * | `mkdir`                | `$ mktemp -d <parent>/source.XXXXXX`                          |
 * | `stage`                | `$ mktemp -d <into>/.tmpfs-root-layer.XXXXXX`                 |
 * | `whiteouts`            | `$ find <root> -name .wh.* -prune -exec <rm> -rf {} +`        |
 * | `mount`                | `$ mount [-t <fstype>] -o <options> <source> <target>`        |
 * | `remount`              | `$ mount -o remount,<options> <target>`                       |
 * | `unmount`              | `$ umount [-l] <target>`                                      |
 * | `rmdir`                | `$ rmdir <path>`                                              |
 * | `fetch`                | `$ curl <curl options> [--cacert <ca>] <url>`                 |
 * | `signature`            | `$ openssl pkeyutl -verify -pubin -inkey <key> ...`           |
 * | `sidecar`              | nothing (a failure's `message` follows)                       |
 * | `sleep`                | `<4>tmpfs-root: try <n> of <m> from <url> failed: ...`, `$ sleep <s>` |
 * | `clear`                | `$ find <path> -mindepth 1 -maxdepth 1 -exec <rm> -rf {} +`   |
 * | `unpack`               | `$ <decompressor> <options>` (not for plain), `$ tar <options>` |
 * |                        | and, when it has a `sha256`, `$ sha256sum`                    |
 * | `verify`               | nothing (a failure's `message` follows)                       |
 * | `relabel`              | `$ chroot <root> setfiles ...`                                |
 * | `message`              | `<2><text>`                                                   |
 * | `handOver`             | `<6>tmpfs-root: root file system unpacked into <root>`        |
 * | inactive               | `$ inactive`                                                  |
 * | stopped                | the failure policy's commands (`$ die ...`, `$ systemctl ...`) |
 * | switched               | `$ switch_root`                                               |
 * | mounts left            | `$ mounted <target>` each                                     |
 *
 * @module
 */
import { Buffer } from "node:buffer";
import {
  BOOT,
  clearCommand,
  curlCommand,
  DECOMPRESS,
  dropWhiteoutsCommand,
  IMGFILE,
  LAYER_STAGE,
  layerList,
  MESSAGES,
  type Params,
  redirectProtocols,
  setfilesCommand,
  SHA256SUM,
  signatureCommand,
  tarCommand,
  text,
  WHITEOUT_PREFIX,
} from "@tmpfs-root/model";
import type { ArchiveFormat, SimResult } from "@tmpfs-root/simulator";
import { NEWROOT } from "./scenario.ts";

/** The decompressor's command line, as the stub logs it (none for a plain tar). */
function decompressor(format: ArchiveFormat): string | null {
  return format === "plain" ? null : DECOMPRESS[format].join(" ");
}

/** The phase each step runs in. */
const PHASE_OF = new Map(BOOT.phases.flatMap((p) => p.steps.map((s) => [s.id, p.name])));

/**
 * The log the stub environment must show for a simulated boot.
 * `params` are the checked parameters (`null` when the command line was not valid).
 *
 * @example
 * ```ts
 * import { expectedLog } from "./expected_log.ts";
 * const r = {
 *   outcome: { kind: "inactive" }, events: [], mounts: [], dirs: [], elapsed: 0, report: null,
 * } as const;
 * expectedLog(r, "classic", null); // ["$ inactive"]
 * ```
 */
export function expectedLog(
  r: SimResult,
  flavour: "classic" | "systemd",
  params: Params | null,
): string[] {
  const out: string[] = [];
  if (r.outcome.kind === "inactive") return ["$ inactive"];
  const stoppedAtParams = r.outcome.kind === "stopped" && r.outcome.stepId === "params";
  // The parameters' warnings come from the first hook that reads them, before anything else.
  const early = (e: SimResult["events"][number]) => e.kind === "warn" && e.step === "params";
  for (const e of r.events) if (early(e) && e.kind === "warn") out.push(`<4>${e.text}`);
  if (flavour === "classic" && !stoppedAtParams && params?.source.kind !== "block") {
    out.push("$ initqueue finished 0");
  }
  let url = "";
  for (const e of r.events) {
    if (early(e)) continue;
    switch (e.kind) {
      case "wait":
        if (flavour === "classic") {
          out.push(
            e.appeared === null
              ? `$ initqueue timeout ${e.timeout}`
              : `$ initqueue finished ${e.appeared}`,
          );
        } else {
          for (let i = 0; i < (e.appeared ?? e.timeout); i++) out.push("$ sleep 1");
        }
        break;
      case "mkdir":
        out.push(`$ mktemp -d ${e.parent}/source.XXXXXX`);
        break;
      case "stage":
        out.push(`$ mktemp -d ${e.into}/${LAYER_STAGE}.XXXXXX`);
        break;
      case "whiteouts":
        out.push(`$ ${dropWhiteoutsCommand(e.root, `${WHITEOUT_PREFIX}*`).join(" ")}`);
        break;
      case "mount":
        out.push(
          `$ mount${
            e.fstype === null ? "" : ` -t ${e.fstype}`
          } -o ${e.options} ${e.source} ${e.target}`,
        );
        break;
      case "remount":
        out.push(`$ mount -o remount,${e.options} ${e.target}`);
        break;
      case "unmount":
        out.push(`$ umount${e.lazy ? " -l" : ""} ${e.target}`);
        break;
      case "rmdir":
        out.push(`$ rmdir ${e.path}`);
        break;
      case "fetch": {
        url = e.url;
        const ca = params?.values.cafile ?? "";
        const curl = curlCommand({
          protoRedir: redirectProtocols(e.url),
          maxTime: String(e.maxTime),
          ca: ca === "" ? null : ca,
          url: e.url,
        });
        out.push(`$ ${curl.join(" ")}`);
        break;
      }
      case "sleep":
        out.push(
          `<4>${
            text(
              MESSAGES.retrying(
                String(e.attempt),
                String(e.tries),
                url,
                e.cause,
                String(e.seconds),
              ),
            )
          }`,
        );
        out.push(`$ sleep ${e.seconds}`);
        break;
      case "clear":
        out.push(`$ ${clearCommand(e.path).join(" ")}`);
        break;
      case "unpack": {
        const d = decompressor(e.format);
        if (d !== null) out.push(`$ ${d}`);
        out.push(`$ ${tarCommand(e.into, e.attributes).join(" ")}`);
        if (e.sha256 !== undefined) out.push(`$ ${SHA256SUM.join(" ")}`);
        break;
      }
      case "signature":
        out.push(`$ ${signatureCommand(e).join(" ")}`);
        break;
      case "sidecar":
      case "verify":
        break;
      case "relabel":
        out.push(
          `$ ${
            setfilesCommand(e.root, `/etc/selinux/${e.policy}/contexts/files/file_contexts`).join(
              " ",
            )
          }`,
        );
        break;
      case "skip":
        break;
      case "message":
        out.push(`<2>${e.text}`);
        break;
      case "warn":
        out.push(`<4>${e.text}`);
        break;
      case "handOver":
        out.push(`<6>${text(MESSAGES.handedOver(e.root))}`);
        break;
      default:
        assertNever(e);
    }
  }
  const o = r.outcome;
  let sysrq: string | null = null;
  switch (o.kind) {
    case "stopped": {
      const policy = o.policy ?? "emergency";
      if (flavour === "systemd") {
        out.push(
          policy === "emergency"
            ? "$ systemctl --no-block isolate emergency.target"
            : `$ systemctl --no-block --force ${policy}`,
        );
        if (PHASE_OF.get(o.stepId) !== "prePivot") out.push("$ unit failed");
      } else if (policy === "halt") {
        out.push("$ sleep 3600");
      } else {
        if (policy === "reboot") sysrq = "b";
        if (policy === "poweroff") sysrq = "o";
        out.push("$ die tmpfs-root stopped the boot");
      }
      break;
    }
    case "switched":
      out.push("$ switch_root");
      // With layers, the booted tree itself: the overlay rule, checked entry by entry.
      if (params !== null && layerList(params.values[IMGFILE.key]!).length > 1) {
        out.push(...treeLines(o.files));
      }
      break;
    case "ended":
      break;
    default:
      assertNever(o);
  }
  if (sysrq !== null) out.push(`$ sysrq ${sysrq}`);
  const mounted = r.mounts.map((m) => m.target);
  // systemd's sysroot.mount (from the generator) mounts the tmpfs before the unpack service;
  // the simulator counts it from the remount on. It stays unless an unmount took it away.
  const unmounted = r.events.some((e) =>
    e.kind === "unmount" && e.target === NEWROOT && e.failed === null
  );
  if (flavour === "systemd" && !mounted.includes(NEWROOT) && !unmounted) mounted.push(NEWROOT);
  for (const m of mounted.sort()) out.push(`$ mounted ${m}`);
  return out;
}

/** find's %y letter for a tar entry type (a hard link is a file). */
const TYPE_LETTER: Readonly<Record<string, string>> = {
  file: "f",
  link: "f",
  directory: "d",
  symlink: "l",
  "character-device": "c",
  "block-device": "b",
  fifo: "p",
};

/**
 * The lines the driver logs for the new root after switch_root with layers
 * (`$ tree <path> <type>`, sorted as `LC_ALL=C sort` does): every entry,
 * and the folders tar makes for them.
 */
export function treeLines(files: ReadonlyMap<string, { readonly type: string }>): string[] {
  const types = new Map<string, string>();
  for (const [path, e] of files) {
    types.set(path.slice(1), TYPE_LETTER[e.type] ?? "?");
    const parts = path.slice(1).split("/");
    for (let i = 1; i < parts.length; i++) {
      const dir = parts.slice(0, i).join("/");
      if (!types.has(dir)) types.set(dir, "d");
    }
  }
  const enc = new TextEncoder();
  const lines = [...types].map(([p, t]) => `$ tree ${p} ${t}`);
  return lines.sort((a, b) => Buffer.compare(enc.encode(a), enc.encode(b)));
}

const RANK: Readonly<Record<string, number>> = {
  curl: 0,
  gzip: 1,
  xz: 1,
  zstd: 1,
  bzip2: 1,
  lz4: 1,
  tar: 2,
  // The hasher is the pipe's last side (it reads the FIFO that tee fills).
  [SHA256SUM[0]!]: 3,
};

function rank(line: string): number | undefined {
  return line.startsWith("$ ") ? RANK[line.slice(2).split(" ", 1)[0]!] : undefined;
}

/**
 * Normalises a shell log for comparison: drops the progress messages (`<7>`)
 * and orders the commands of one pipeline (curl, decompressor, tar,
 * sha256sum), which start at the same time, as they appear in the pipeline.
 *
 * @example
 * ```ts
 * import { normaliseLog } from "./expected_log.ts";
 * normaliseLog("<7>tmpfs-root: unpacking\n$ tar -x\n$ gzip -dc\n"); // ["$ gzip -dc", "$ tar -x"]
 * ```
 */
export function normaliseLog(log: string): string[] {
  const lines = log.split("\n");
  if (lines.at(-1) === "") lines.pop();
  const kept = lines.filter((l) => !l.startsWith("<7>"));
  // The mount table comes last, in the kernel's order: sort it as the expectation does.
  const firstMounted = kept.findIndex((l) => l.startsWith("$ mounted "));
  if (firstMounted >= 0) kept.splice(firstMounted, kept.length, ...kept.slice(firstMounted).sort());
  for (let i = 0; i < kept.length;) {
    let j = i;
    while (j < kept.length && rank(kept[j]!) !== undefined) j++;
    if (j - i > 1) {
      const group = kept.slice(i, j).sort((a, b) => rank(a)! - rank(b)!);
      kept.splice(i, j - i, ...group);
    }
    i = j === i ? i + 1 : j;
  }
  return kept;
}

function assertNever(x: never): never {
  throw new TypeError(`Unexpected ${JSON.stringify(x)}`);
}
