import type { ParamSpec } from "./params.ts";

/**
 * The kernel-parameter reference in Markdown, generated from the
 * parameter list (docs/kernel-parameters.md is this text).
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { paramsDoc } from "./params_doc.ts";
 * import { PARAMS } from "./params.ts";
 * const doc = paramsDoc(PARAMS);
 * assert.match(doc, /^# Kernel parameters\n/);
 * assert.match(doc, /^\| `rd\.tmpfs\.size` \| .* \| `50%` \| `rd\.tmpfs\.size=.*` \|$/m);
 * ```
 */
export function paramsDoc(params: readonly ParamSpec[]): string {
  const cell = (s: string) => s.replaceAll("|", "\\|");
  const rows = params.map((p) =>
    `| \`${p.name}\` | ${cell(p.doc)} | ${
      p.default === null ? "required" : `\`${p.default}\``
    } | \`${p.name}=${cell(p.example)}\` |`
  );
  const grammar = params.map((p) => `- \`${p.name}\`: ${cell(p.expected)}.`);
  return [
    "# Kernel parameters",
    "",
    "Generated from `packages/model/params.ts` by `deno task build-module`; do not edit.",
    "",
    "| parameter | what it does | default | example |",
    "| --- | --- | --- | --- |",
    ...rows,
    "",
    "## Valid values",
    "",
    ...grammar,
    "",
    "## Sources (`root=tmpfs:<source>`)",
    "",
    "- `/dev/<path>`: a block device, e.g. `/dev/vda1` or an LVM volume `/dev/mapper/centos-root`",
    "  (with `rd.lvm.lv=centos/root`).",
    "- `LABEL=<label>`, `PARTLABEL=<label>`: the label as written, spaces and `/` included",
    '  (quote the whole parameter: `root="tmpfs:LABEL=my disk"`); tmpfs-root escapes it as udev',
    "  names /dev/disk/by-label and by-partlabel (libblkid's `blkid_encode_string`).",
    "- `UUID=<uuid>`, `PARTUUID=<uuid>`: a canonical UUID is matched in lower case; FAT and NTFS",
    "  serials (`UUID=ABCD-1234`) as written.",
    "- `NFS=nfs:<server>:<export>[,<options>]`, `NFS=nfs4:<server>:<export>[,<options>]`: dracut's",
    "  syntax. The export is always mounted read-only; NFSv3 gets `nolock` unless `lock` is given.",
    "  The network is brought up by dracut (`ip=`); tmpfs-root asks for it (`rd.neednet=1`).",
    "- `http://<host>/<path>`, `https://<host>/<path>`: the archive's URL; a URL ending with `/` gets",
    "  `rd.tmpfs.imgfile` appended. The archive is streamed into tar, never staged.",
    "",
    "## How the command line is read",
    "",
    "tmpfs-root reads `/etc/cmdline.d/*.conf`, `/etc/cmdline` and `/proc/cmdline` in that order (as",
    "dracut does) and splits them as the kernel's `next_arg()` does: white space separates arguments",
    'outside double quotes; a double quote toggles quoting anywhere; a value that starts with `"`',
    "loses that quote and a quote at the very end; there are no escapes. When a parameter is given",
    "more than once, the last one wins. The byte 0xA0, which the kernel also counts as a space, is an",
    "ordinary character here. Values are data: they are never evaluated by the shell.",
    "",
  ].join("\n");
}
