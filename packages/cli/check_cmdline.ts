import { PARAMS, parseParams } from "@tmpfs-root/model";

/**
 * Checks a kernel command line the way the module will at boot; returns the
 * report and whether it would boot.
 *
 * @example
 * ```ts
 * import { checkCmdline } from "./check_cmdline.ts";
 * checkCmdline("root=tmpfs:LABEL=images rd.tmpfs.size=3G").ok; // true
 * ```
 */
export function checkCmdline(line: string): { ok: boolean; report: string } {
  const r = parseParams(line);
  switch (r.kind) {
    case "inactive":
      return { ok: false, report: "root= does not start with tmpfs:, so tmpfs-root does nothing" };
    case "invalid":
      return { ok: false, report: `tmpfs-root: cmdline failed: ${r.message}` };
    case "ok": {
      const s = r.params.source;
      const where = s.kind === "block"
        ? `block device ${s.device}`
        : s.kind === "nfs"
        ? `NFS export ${s.server}:${s.export} (mount -t ${s.fstype} -o ${s.options})`
        : `URL ${s.url}`;
      const lines = [
        `source: ${where}`,
        ...PARAMS.filter((p) => p.kind !== "source").map((p) =>
          `${p.name}=${r.params.values[p.key]}${line.includes(`${p.name}=`) ? "" : " (default)"}`
        ),
      ];
      return { ok: true, report: lines.join("\n") };
    }
    default:
      return assertNever(r);
  }
}

function assertNever(x: never): never {
  throw new TypeError(`Unexpected result ${JSON.stringify(x)}`);
}
