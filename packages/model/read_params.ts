import { type Arg, lastValue, readCmdline } from "./cmdline.ts";
import {
  IMGFILE,
  MIRROR,
  PARAMS,
  type ParamSpec,
  ROOT,
  ROOT_PREFIX,
  SHA256,
  SIZE_DIGITS,
  TMPFS_OPTIONS,
  URL_FILE_CHARS,
  URL_FILE_EXPECTED,
} from "./params.ts";
import { archiveUrl, parseSource, type Source } from "./source.ts";
import { type SourceKindSpec, SOURCES } from "./source_kinds.ts";
import { MESSAGES, text } from "./messages.ts";

/** The checked values of every parameter (defaults filled in). */
export interface Params {
  readonly source: Source;
  /** Values by parameter key (`size`, `imgfile`, ...), after normalisation. */
  readonly values: Readonly<Record<string, string>>;
  /** The keys of the parameters the command line gives (the others have their default). */
  readonly given: readonly string[];
}

/** The prefix of tmpfs-root's own parameters: any other name under it is a typo. */
export const NAMESPACE = "rd.tmpfs.";

/** A parameter in tmpfs-root's name space that it does not know, and the known name closest to it. */
export interface UnknownParam {
  readonly name: string;
  readonly closest: string;
}

/** The length of the common prefix of two names. */
function commonPrefix(a: string, b: string): number {
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n++;
  return n;
}

/**
 * The names under `rd.tmpfs.` that no parameter has, each once, in order,
 * with the known name that shares the longest prefix with it (the first in
 * {@linkcode PARAMS} order on a tie): what the module warns about, since a
 * typo such as `rd.tmpfs.sise=2G` would otherwise be ignored in silence.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { unknownParams } from "./read_params.ts";
 * import { readCmdline } from "./cmdline.ts";
 * assert.deepEqual(unknownParams(readCmdline("rd.tmpfs.sise=2G rd.tmpfs.size=1G")), [
 *   { name: "rd.tmpfs.sise", closest: "rd.tmpfs.size" },
 * ]);
 * ```
 */
export function unknownParams(args: readonly Arg[]): UnknownParam[] {
  const known = PARAMS.map((p) => p.name).filter((n) => n.startsWith(NAMESPACE));
  const out: UnknownParam[] = [];
  for (const { name } of args) {
    if (!name.startsWith(NAMESPACE) || known.includes(name)) continue;
    if (out.some((u) => u.name === name)) continue;
    let closest = known[0]!;
    for (const k of known) if (commonPrefix(name, k) > commonPrefix(name, closest)) closest = k;
    out.push({ name, closest });
  }
  return out;
}

/**
 * The console warning for an unknown parameter (after `tmpfs-root: warning: `).
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { unknownMessage } from "./read_params.ts";
 * assert.equal(
 *   unknownMessage({ name: "rd.tmpfs.sise", closest: "rd.tmpfs.size" }),
 *   "unknown parameter rd.tmpfs.sise ignored (did you mean rd.tmpfs.size?)",
 * );
 * ```
 */
export function unknownMessage(u: UnknownParam): string {
  return text(MESSAGES.unknownParam(u.name, u.closest));
}

/** The outcome of reading the command line. */
export type ReadResult =
  | { readonly kind: "inactive" }
  | { readonly kind: "ok"; readonly params: Params }
  | {
    readonly kind: "invalid";
    readonly param: ParamSpec;
    readonly message: string;
    /** The values checked before the invalid one (the failure policy, when it was reached). */
    readonly values: Readonly<Record<string, string>>;
  };

/** Sizes: bytes, k, m or g, each with at most its SIZE_DIGITS, or 1% to 100%. */
const SIZE_PATTERNS: readonly RegExp[] = [
  ...Object.entries(SIZE_DIGITS).map(([unit, most]) =>
    new RegExp(`^[1-9][0-9]{0,${most - 1}}${unit === "" ? "" : `[${unit}${unit.toUpperCase()}]`}$`)
  ),
  /^(?:[1-9][0-9]?|100)%$/,
];

/** A file name that may be appended to a base URL. */
const URL_FILE = new RegExp(`^[${URL_FILE_CHARS}]+$`);

// deno-lint-ignore no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * Checks one value of a parameter; returns the normalised value or `null`.
 * (The source kind is checked by {@linkcode parseSource}.)
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { checkValue } from "./read_params.ts";
 * import { SHA256, SIZE } from "./params.ts";
 * assert.equal(checkValue(SIZE, "3G"), "3G");
 * assert.equal(checkValue(SIZE, "3Q"), null);
 * assert.equal(checkValue(SHA256, "AB".repeat(32)), "ab".repeat(32));
 * ```
 */
export function checkValue(
  spec: ParamSpec,
  value: string,
  table: readonly SourceKindSpec[] = SOURCES,
): string | null {
  if (CONTROL.test(value)) return null;
  const list = spec.list;
  if (list === undefined || !value.includes(",")) return checkOne(spec, value, table);
  // A list: each item checked alone, none empty, each once when it must be.
  const items = value.split(",");
  if (items.length > list.max) return null;
  const checked: string[] = [];
  for (const item of items) {
    const one = checkOne(spec, item, table);
    if (one === null || one === "" || (list.unique && checked.includes(one))) return null;
    checked.push(one);
  }
  return checked.join(",");
}

/** Checks one value (one item of a list) of a parameter's kind. */
function checkOne(spec: ParamSpec, value: string, table: readonly SourceKindSpec[]): string | null {
  switch (spec.kind) {
    case "source":
      return value.startsWith(ROOT_PREFIX) && parseSource(value.slice(ROOT_PREFIX.length), table)
        ? value
        : null;
    case "size":
      return SIZE_PATTERNS.some((re) => re.test(value)) ? value : null;
    case "relpath": {
      const rel = value.replace(/^\/+/, "");
      if (rel === "" || rel.endsWith("/")) return null;
      return rel.split("/").some((c) => c === "..") ? null : rel;
    }
    case "abspath":
      if (value === "") return value;
      if (!value.startsWith("/") || value.endsWith("/")) return null;
      return value.split("/").some((c) => c === "..") ? null : value;
    case "count":
      return /^(?:0|[1-9][0-9]{0,4})$/.test(value) && Number(value) >= (spec.min ?? 0)
        ? value
        : null;
    case "policy":
      return spec.choices?.includes(value) ? value : null;
    case "digest": {
      if (spec.digits === undefined) throw new TypeError(`Parameter ${spec.name} has no digits`);
      if (value === "") return value;
      return value.length === spec.digits && /^[0-9A-Fa-f]+$/.test(value)
        ? value.toLowerCase()
        : null;
    }
    case "tmpfsopts": {
      if (value === "") return value;
      const seen = new Set<string>();
      for (const option of value.split(",")) {
        const eq = option.indexOf("=");
        const key = option.slice(0, eq);
        const spec = TMPFS_OPTIONS.find((o) => o.key === key);
        if (eq < 0 || spec === undefined || seen.has(key)) return null;
        if (!spec.value.test(option.slice(eq + 1))) return null;
        seen.add(key);
      }
      return value;
    }
    case "urls": {
      // One occurrence: a URL as a web source's (its own check, by the table's url forms).
      const source = parseSource(value, table);
      return source !== null && "url" in source ? value : null;
    }
    default:
      return assertNever(spec.kind);
  }
}

/**
 * The error message for an invalid value, as the console shows it after
 * `tmpfs-root: cmdline failed: `.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { invalidMessage } from "./read_params.ts";
 * import { SIZE } from "./params.ts";
 * assert.match(invalidMessage(SIZE, "3Q"), /^invalid rd\.tmpfs\.size "3Q": expected a whole number/);
 * ```
 */
export function invalidMessage(spec: ParamSpec, value: string, expected = spec.expected): string {
  return `invalid ${spec.name} "${value}": ${expected}`;
}

/**
 * What the initramfs that reads a command line carries, as far as the
 * parameters care: whether it holds public keys (`KEYS_DIR`), which decides
 * the parameters with a `keyed` rule. `undefined` (a command line checked
 * without an image in mind) applies neither case of the rule.
 */
export interface ImageFacts {
  readonly keys?: boolean;
  /**
   * The source kinds the initramfs boots (module-setup.sh's record,
   * `SOURCES_FILE`); `undefined`: every kind.
   */
  readonly sources?: readonly string[];
}

/**
 * Why `root=` is refused by an initramfs built without what its kind needs
 * (the dracut modules, and programs such as curl), after the colon of the
 * error: what to build instead.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { kindMissingExpected } from "./read_params.ts";
 * import { SOURCES } from "./source_kinds.ts";
 * assert.match(kindMissingExpected(SOURCES[1]!), /dracut --add "network nfs"/);
 * ```
 */
export function kindMissingExpected(k: SourceKindSpec): string {
  const modules = k.dracutModules.join(" ");
  const programs = k.programs.length === 0 ? "" : ` and ${k.programs.join(", ")}`;
  return `this initramfs cannot boot ${k.kind} sources: it was built without dracut's ` +
    `${k.dracutModules.join(" and ")} modules${programs}; build it on a host with ` +
    `dracut-network${programs} installed, with dracut --add "${modules}" ` +
    '(or add_dracutmodules+=" ' + modules + ' " in dracut.conf)';
}

/**
 * Reads tmpfs-root's parameters from a kernel command line (or from
 * arguments already split). `inactive` when `root=` does not start with
 * `tmpfs:`; otherwise every parameter is checked, in the order of
 * {@linkcode PARAMS}, and the first invalid one is reported. `image` says
 * whether the initramfs carries public keys: with keys, a `keyed`
 * parameter takes its keyed value and refuses any other it is given;
 * without, it refuses the keyed value.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { parseParams } from "./read_params.ts";
 * import { SOURCES } from "./source_kinds.ts";
 * const r = parseParams("root=tmpfs:/dev/vda1 rd.tmpfs.size=3G");
 * assert.equal(r.kind, "ok");
 * assert.equal(r.kind === "ok" && r.params.values.imgfile, "rootfs.tar.gz");
 * assert.deepEqual(r.kind === "ok" && r.params.given, ["root", "size"]);
 * assert.equal(parseParams("ro").kind, "inactive");
 * const keyed = parseParams("root=tmpfs:/dev/vda1", SOURCES, { keys: true });
 * assert.equal(keyed.kind === "ok" && keyed.params.values.verify, "signature");
 * ```
 */
export function parseParams(
  cmdline: string | readonly Arg[],
  table: readonly SourceKindSpec[] = SOURCES,
  image: ImageFacts = {},
): ReadResult {
  const args = typeof cmdline === "string" ? readCmdline(cmdline) : cmdline;
  const root = lastValue(args, "root");
  if (root === null || !root.startsWith(ROOT_PREFIX)) return { kind: "inactive" };
  const values: Record<string, string> = {};
  const givenKeys: string[] = [];
  for (const spec of PARAMS) {
    if (spec.kind === "urls") {
      // Every occurrence, in order: the first that is not a URL is the error.
      const all = args.filter((a) => a.name === spec.name).map((a) => a.value ?? "");
      if (all.length > 0) givenKeys.push(spec.key);
      const bad = all.find((u) => checkValue(spec, u, table) === null);
      if (bad !== undefined) {
        return { kind: "invalid", param: spec, message: invalidMessage(spec, bad), values };
      }
      values[spec.key] = all.join(" ");
      continue;
    }
    const given = lastValue(args, spec.name);
    if (given !== null) givenKeys.push(spec.key);
    const value = given ?? spec.default;
    if (value === null) throw new TypeError(`Parameter ${spec.name} has no default`);
    const checked = checkValue(spec, value, table);
    if (checked === null) {
      return { kind: "invalid", param: spec, message: invalidMessage(spec, value), values };
    }
    const keyed = spec.keyed;
    if (keyed !== undefined && image.keys !== undefined) {
      const refused = image.keys
        ? given !== null && checked !== keyed.value
        : checked === keyed.value;
      if (refused) {
        const expected = image.keys ? keyed.withKeys : keyed.withoutKeys;
        return {
          kind: "invalid",
          param: spec,
          message: invalidMessage({ ...spec, expected }, value),
          values,
        };
      }
      values[spec.key] = image.keys ? keyed.value : checked;
      continue;
    }
    values[spec.key] = checked;
  }
  const source = parseSource(root.slice(ROOT_PREFIX.length), table);
  if (source === null) throw new TypeError(`Unreachable: root ${JSON.stringify(root)} was checked`);
  if (image.sources !== undefined && !image.sources.includes(source.kind)) {
    const k = table.find((t) => t.kind === source.kind)!;
    return {
      kind: "invalid",
      param: ROOT,
      message: invalidMessage(ROOT, root, kindMissingExpected(k)),
      values,
    };
  }
  const file = values[IMGFILE.key]!;
  const mirrors = mirrorList(values[MIRROR.key]!);
  const urls = source.kind === "http" ? [source.url, ...mirrors] : [];
  if (urls.some((u) => u.endsWith("/")) && !URL_FILE.test(file)) {
    return {
      kind: "invalid",
      param: IMGFILE,
      message: `invalid ${IMGFILE.name} "${file}": ${URL_FILE_EXPECTED}`,
      values,
    };
  }
  if (source.kind !== "http" && mirrors.length > 0) {
    return {
      kind: "invalid",
      param: MIRROR,
      message: `invalid ${MIRROR.name} "${mirrors[0]}": ${MIRROR_EXPECTED}`,
      values,
    };
  }
  const layers = layerList(file);
  if (layers.length > 1 && source.kind === "http") {
    // Each layer's name is appended to every URL: one that names a file would serve them all.
    if (!source.url.endsWith("/")) {
      return {
        kind: "invalid",
        param: ROOT,
        message: invalidMessage(ROOT, root, LAYERS_URL_EXPECTED),
        values,
      };
    }
    const named = mirrors.find((u) => !u.endsWith("/"));
    if (named !== undefined) {
      return {
        kind: "invalid",
        param: MIRROR,
        message: invalidMessage(MIRROR, named, LAYERS_URL_EXPECTED),
        values,
      };
    }
  }
  const digests = values[SHA256.key]!;
  if (digests !== "" && layerList(digests).length !== layers.length) {
    return {
      kind: "invalid",
      param: SHA256,
      message: invalidMessage(SHA256, lastValue(args, SHA256.name) ?? digests, DIGESTS_EXPECTED),
      values,
    };
  }
  return { kind: "ok", params: { source, values, given: givenKeys } };
}

/** Why a URL naming a file is refused with several layers, after the colon of the error. */
export const LAYERS_URL_EXPECTED =
  `with several layers in ${IMGFILE.name}, every URL must end with / (each layer's name is appended to it)`;

/** Why a list of digests is refused when it does not match the layers, after the colon. */
export const DIGESTS_EXPECTED =
  `expected one digest for each archive of ${IMGFILE.name}, in the same order, separated by commas`;

/**
 * The archives of `rd.tmpfs.imgfile`'s value (the checked list), in the
 * order they are unpacked: one, or the layers.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { layerList } from "./read_params.ts";
 * assert.deepEqual(layerList("base.tar.zst,site.tar.gz"), ["base.tar.zst", "site.tar.gz"]);
 * assert.deepEqual(layerList("rootfs.tar.gz"), ["rootfs.tar.gz"]);
 * ```
 */
export function layerList(value: string): string[] {
  return value.split(",");
}

/** Why a mirror is refused for a source that is not a web server, after the colon of the error. */
export const MIRROR_EXPECTED =
  "mirrors are for a web source: give it with root=tmpfs:http:// or https://";

/**
 * The URLs of `rd.tmpfs.mirror`'s value (the checked list, one space
 * between URLs), in order.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { mirrorList } from "./read_params.ts";
 * assert.deepEqual(mirrorList("http://a/ https://b/x.tar"), ["http://a/", "https://b/x.tar"]);
 * assert.deepEqual(mirrorList(""), []);
 * ```
 */
export function mirrorList(value: string): string[] {
  return value === "" ? [] : value.split(" ");
}

/**
 * Every URL the archive may be downloaded from, in the order of the tries:
 * the source's, then each mirror's, each with `rd.tmpfs.imgfile` appended
 * when it ends with `/` (with layers, each layer's URLs in turn). Empty for
 * a source that is not a web server.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { archiveUrls, parseParams } from "./read_params.ts";
 * const r = parseParams(
 *   "root=tmpfs:http://a/ rd.tmpfs.mirror=http://b/x.tar.zst rd.tmpfs.mirror=http://c/ rd.tmpfs.imgfile=r.tar",
 * );
 * if (r.kind !== "ok") throw new Error(r.kind);
 * assert.deepEqual(archiveUrls(r.params), ["http://a/r.tar", "http://b/x.tar.zst", "http://c/r.tar"]);
 * ```
 */
export function archiveUrls(params: Params): string[] {
  if (params.source.kind !== "http") return [];
  const bases = [params.source.url, ...mirrorList(params.values[MIRROR.key] ?? "")];
  return layerList(params.values[IMGFILE.key]!).flatMap((file) =>
    bases.map((u) => archiveUrl(u, file))
  );
}

function assertNever(x: never): never {
  throw new TypeError(`Unexpected parameter kind ${JSON.stringify(x)}`);
}
