import {
  PARAMS,
  parseParams,
  readCmdline,
  type Source,
  unknownMessage,
  unknownParams,
} from "@tmpfs-root/model";

/**
 * Checks a kernel command line the way the module will at boot; returns the
 * report and whether it would boot. As at boot, a parameter under
 * `rd.tmpfs.` that tmpfs-root does not know gets one warning line (naming
 * the closest known parameter) before the rest of the report; each value
 * the command line does not give is marked "(default)".
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { checkCmdline } from "./check_cmdline.ts";
 * const r = checkCmdline("root=tmpfs:LABEL=images rd.tmpfs.size=3G rd.tmpfs.imgfle=a.tgz");
 * assert.equal(r.ok, true);
 * assert.deepEqual(r.report.split("\n").slice(0, 3), [
 *   "warning: unknown parameter rd.tmpfs.imgfle ignored (did you mean rd.tmpfs.imgfile?)",
 *   "source: block device /dev/disk/by-label/images",
 *   "rd.tmpfs.size=3G",
 * ]);
 * ```
 */
export function checkCmdline(line: string): { ok: boolean; report: string } {
  const args = readCmdline(line);
  const r = parseParams(args);
  if (r.kind === "inactive") {
    return { ok: false, report: "root= does not start with tmpfs:, so tmpfs-root does nothing" };
  }
  const warnings = unknownParams(args).map((u) => `warning: ${unknownMessage(u)}`);
  switch (r.kind) {
    case "invalid":
      return {
        ok: false,
        report: [...warnings, `tmpfs-root: cmdline failed: ${r.message}`].join("\n"),
      };
    case "ok": {
      const { source, values, given } = r.params;
      const lines = [
        ...warnings,
        `source: ${describe(source)}`,
        ...PARAMS.filter((p) => p.kind !== "source").map((p) =>
          `${p.name}=${values[p.key]}${given.includes(p.key) ? "" : " (default)"}`
        ),
      ];
      return { ok: true, report: lines.join("\n") };
    }
    default:
      return assertNever(r);
  }
}

/** Where the archive comes from, in words. */
function describe(s: Source): string {
  switch (s.kind) {
    case "block":
      return `block device ${s.device}`;
    case "nfs":
      return `NFS export ${s.server}:${s.export} (mount -t ${s.fstype} -o ${s.options})`;
    case "http":
      return `URL ${s.url}`;
    default:
      // A kind added to the table of source kinds.
      return `${s.kind} ${s.device}`;
  }
}

function assertNever(x: never): never {
  throw new TypeError(`Unexpected result ${JSON.stringify(x)}`);
}
