import { type ImageFacts, PARAMS, readCmdline, ROOT_PREFIX } from "@tmpfs-root/model";
import { checkCmdline, type CmdlineCheck } from "./check_cmdline.ts";

/**
 * A kernel parameter as the kernel reads it back: `name=value`, or
 * `name="value"` when the value holds white space (the kernel drops the
 * quotes). `null` when no spelling carries the value unchanged.
 */
function argument(name: string, value: string): string | null {
  const plain = `${name}=${value}`;
  const quoted = `${name}="${value}"`;
  for (const text of [plain, quoted]) {
    const back = readCmdline(text);
    if (back.length === 1 && back[0]!.name === name && back[0]!.value === value) return text;
  }
  return null;
}

/**
 * Builds the tmpfs-root part of a kernel command line from values by
 * parameter key (`source` for what follows `root=tmpfs:`), in the order of
 * the parameter table, and checks it with the model's own code, as the
 * module will at boot. A value that no spelling on a kernel command line
 * can carry (white space and a double quote) is refused, naming it.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { buildCmdline } from "./build_cmdline.ts";
 * const r = buildCmdline({ source: "LABEL=images", size: "3G", imgfile: "rootfs.tar.zst" });
 * assert.equal(r.cmdline, "root=tmpfs:LABEL=images rd.tmpfs.size=3G rd.tmpfs.imgfile=rootfs.tar.zst");
 * assert.equal(r.check.ok, true);
 * assert.equal(buildCmdline({ source: "LABEL=images", size: "3Q" }).check.ok, false);
 * ```
 */
export function buildCmdline(
  values: Readonly<Record<string, string | readonly string[]>>,
  image: ImageFacts = {},
): { cmdline: string; check: CmdlineCheck } {
  const args: string[] = [];
  for (const p of PARAMS) {
    const given = values[p.kind === "source" ? "source" : p.key];
    if (given === undefined) continue;
    // A parameter given once per item (rd.tmpfs.mirror) takes a list, one argument each.
    for (const one of typeof given === "string" ? [given] : given) {
      const value = p.kind === "source" ? `${ROOT_PREFIX}${one}` : one;
      const arg = argument(p.name, value);
      if (arg === null) {
        throw new RangeError(
          `Invalid ${p.name} "${value}": a kernel command line cannot carry white space and a double quote in one value`,
        );
      }
      args.push(arg);
    }
  }
  const cmdline = args.join(" ");
  return { cmdline, check: checkCmdline(cmdline, image) };
}
