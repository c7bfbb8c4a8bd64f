import {
  type ImageFacts,
  mirrorList,
  PARAMS,
  parseParams,
  readCmdline,
  type Source,
  SOURCES,
  unknownMessage,
  unknownParams,
} from "@tmpfs-root/model";

/** What {@linkcode checkCmdline} found: the report in words, and the same as data for `--json`. */
export interface CmdlineCheck {
  /** Whether the command line would boot. */
  readonly ok: boolean;
  /** The report, one finding per line. */
  readonly report: string;
  /** The same findings as data. */
  readonly data: {
    readonly ok: boolean;
    /** Where the archive comes from, in words; `null` when the line does not boot. */
    readonly source: string | null;
    /** Every parameter's value and whether the line gives it; empty when the line does not boot. */
    readonly params: Readonly<Record<string, { value: string; given: boolean }>>;
    readonly warnings: readonly string[];
    /** The failure line the boot would print, or `null`. */
    readonly error: string | null;
  };
}

/**
 * Checks a kernel command line the way the module will at boot; returns the
 * report and whether it would boot. As at boot, a parameter under
 * `rd.tmpfs.` that tmpfs-root does not know gets one warning line (naming
 * the closest known parameter) before the rest of the report; each value
 * the command line does not give is marked "(default)". `image` says what
 * the initramfs holds (public keys make signatures mandatory).
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
 * assert.deepEqual(r.data.params["rd.tmpfs.size"], { value: "3G", given: true });
 * ```
 */
export function checkCmdline(line: string, image: ImageFacts = {}): CmdlineCheck {
  const args = readCmdline(line);
  const r = parseParams(args, SOURCES, image);
  const warnings = r.kind === "inactive" ? [] : unknownParams(args).map(unknownMessage);
  const warned = warnings.map((w) => `warning: ${w}`);
  const failed = (error: string, report: string): CmdlineCheck => ({
    ok: false,
    report,
    data: { ok: false, source: null, params: {}, warnings, error },
  });
  switch (r.kind) {
    case "inactive": {
      const error = "root= does not start with tmpfs:, so tmpfs-root does nothing";
      return failed(error, error);
    }
    case "invalid": {
      const error = `tmpfs-root: cmdline failed: ${r.message}`;
      return failed(error, [...warned, error].join("\n"));
    }
    case "ok": {
      const { values, given } = r.params;
      const source = describe(r.params.source);
      const params = Object.fromEntries(
        PARAMS.filter((p) => p.kind !== "source").map((p) => [p.name, {
          value: values[p.key]!,
          given: given.includes(p.key),
        }]),
      );
      const lines = [
        ...warned,
        `source: ${source}`,
        ...PARAMS.filter((p) => p.kind !== "source").flatMap((p) => {
          const v = params[p.name]!;
          // A parameter given once per item: a line for each (none when there is none).
          if (p.kind === "urls") return mirrorList(v.value).map((u) => `${p.name}=${u}`);
          return [`${p.name}=${v.value}${v.given ? "" : " (default)"}`];
        }),
      ];
      return {
        ok: true,
        report: lines.join("\n"),
        data: { ok: true, source, params, warnings, error: null },
      };
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
