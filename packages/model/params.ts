/**
 * The kernel parameters tmpfs-root reads. This list is the one source of
 * truth: the TypeScript parser, the emitted shell parser and the
 * documentation are all derived from it.
 *
 * @module
 */
import { SPEED_LIMIT, SPEED_TIME } from "./commands.ts";
import { KEYS_DIR, PUBKEYS_VAR, SIDECAR_MAX_BYTES } from "./sidecar.ts";

/** How a parameter's value is checked. Each kind has one checker in TypeScript and one in shell. */
export type ParamKind =
  | "source"
  | "size"
  | "relpath"
  | "abspath"
  | "count"
  | "policy"
  | "digest"
  | "urls"
  | "tmpfsopts";

/** A kernel parameter. */
export interface ParamSpec {
  /** The name on the command line, e.g. `rd.tmpfs.size`. */
  readonly name: string;
  /** A short identifier, used to name shell variables (`tmpfs_root_<key>`). */
  readonly key: string;
  readonly kind: ParamKind;
  /** The value used when the parameter is absent; `null` for `root`, which must be given. */
  readonly default: string | null;
  /** The smallest value, for `count` parameters (default 0). */
  readonly min?: number;
  /** The allowed values, for `policy` parameters. */
  readonly choices?: readonly string[];
  /** How many hexadecimal digits, for `digest` parameters (empty is also valid: no check). */
  readonly digits?: number;
  /**
   * For a parameter the initramfs's public keys decide (`rd.tmpfs.verify`):
   * in an initramfs that carries keys, `value` is the one value accepted and
   * the value when the parameter is absent; in one without, `value` is
   * refused. Each case has its own text after the colon of the error.
   */
  readonly keyed?: {
    readonly value: string;
    readonly withKeys: string;
    readonly withoutKeys: string;
  };
  /**
   * A list: up to `max` values of the kind, separated by commas (none
   * empty), each once when `unique`; the one value of a list of one is read
   * as before. The normalised list is the value.
   */
  readonly list?: { readonly max: number; readonly unique: boolean };
  /** What a valid value looks like, said after the colon of an error message. */
  readonly expected: string;
  /** One line for the documentation. */
  readonly doc: string;
  /** An example value. */
  readonly example: string;
}

/** The prefix of `root=` that selects tmpfs-root. */
export const ROOT_PREFIX = "tmpfs:";

/** `root=tmpfs:<source>`. */
export const ROOT: ParamSpec = {
  name: "root",
  key: "root",
  kind: "source",
  default: null,
  expected:
    "expected tmpfs: followed by a /dev path, LABEL=, UUID=, PARTLABEL=, PARTUUID=, NFS=nfs:<server>:<export> or an http:// or https:// URL",
  doc: "Where the archive lives: a block device, an NFS export or a web server.",
  example: "tmpfs:LABEL=images",
};

/**
 * The most digits `rd.tmpfs.size` takes with each unit (none, k, m, g):
 * every size stays below 2^63 bytes, where the kernel's memparse() would
 * wrap around.
 */
export const SIZE_DIGITS: Readonly<Record<"" | "k" | "m" | "g", number>> = {
  "": 18,
  k: 15,
  m: 12,
  g: 9,
};

/** `rd.tmpfs.size=<size>`. */
export const SIZE: ParamSpec = {
  name: "rd.tmpfs.size",
  key: "size",
  kind: "size",
  default: "50%",
  expected: `expected a whole number of bytes (up to ${
    SIZE_DIGITS[""]
  } digits), of k, m or g (up to ${SIZE_DIGITS.k}, ${SIZE_DIGITS.m} or ${SIZE_DIGITS.g} digits), or a percentage of RAM from 1% to 100% (e.g. rd.tmpfs.size=3G)`,
  doc:
    "The size limit of the tmpfs that becomes the root (tmpfs size=). The digit limits keep every size below 2^63 bytes, where the kernel's own arithmetic would wrap around.",
  example: "3G",
};

/** The most layers `rd.tmpfs.imgfile` may name. */
export const LAYERS_MAX = 64;

/** `rd.tmpfs.imgfile=<path>[,<path>...]`: the archive, or its layers in order. */
export const IMGFILE: ParamSpec = {
  name: "rd.tmpfs.imgfile",
  key: "imgfile",
  kind: "relpath",
  list: { max: LAYERS_MAX, unique: true },
  default: "rootfs.tar.gz",
  expected:
    `expected a path relative to the source's root, without .. (e.g. rd.tmpfs.imgfile=images/rootfs.tar.gz), or up to ${LAYERS_MAX} such paths separated by commas, each once, for layers unpacked in order (e.g. rd.tmpfs.imgfile=base.tar.zst,site.tar.gz)`,
  doc:
    "The archive's path on the source, or the file name appended to a URL that ends with /. Several, separated by commas, are layers: unpacked in order into the same tmpfs, a later one's files taking the place of an earlier one's, and its OCI whiteouts (.wh.<name>, .wh..wh..opq) removing an earlier one's paths (see docs/layers.md). Each layer has its own sidecar and manifest; from a web server every URL must then end with /, and each layer's name is appended to it.",
  example: "images/rootfs.tar.gz",
};

/**
 * The characters `rd.tmpfs.imgfile` may hold when it is appended to a URL
 * (a tr(1) set and a regular expression class alike): no white space, no
 * `?` or `#`, and none of curl's glob characters `[]{}`.
 */
export const URL_FILE_CHARS = "A-Za-z0-9._~:/@!$&'()*+,;=%-";

/** What a file name appended to a URL must look like, after the colon of the error. */
export const URL_FILE_EXPECTED =
  "appended to a URL it may hold only letters, digits and -._~:/@!$&'()*+,;=% (percent-encode the rest)";

/**
 * The tmpfs options `rd.tmpfs.opts` passes on, each as a regular
 * expression of its value. A count takes no leading zero (the kernel would
 * read it as octal); a NUMA node list is a node or a range (`0-3`), without
 * commas, which separate the options.
 */
export const TMPFS_OPTIONS: readonly { readonly key: string; readonly value: RegExp }[] = [
  { key: "nr_inodes", value: /^(0|[1-9][0-9]{0,14})[kKmMgG]?$/ },
  { key: "huge", value: /^(never|always|within_size|advise)$/ },
  {
    key: "mpol",
    value:
      /^(default|local|interleave|(interleave|bind):(0|[1-9][0-9]{0,3})(-(0|[1-9][0-9]{0,3}))?|prefer:(0|[1-9][0-9]{0,3}))$/,
  },
  { key: "mode", value: /^[0-7]{3,4}$/ },
];

/** `rd.tmpfs.opts=<option>,...`: more options for the tmpfs's mount, each checked. */
export const OPTS: ParamSpec = {
  name: "rd.tmpfs.opts",
  key: "opts",
  kind: "tmpfsopts",
  default: "",
  expected:
    "expected tmpfs options separated by commas, each once: nr_inodes=<n>[k|m|g], huge=never|always|within_size|advise, mpol=default|local|interleave[:<nodes>]|prefer:<node>|bind:<nodes> (nodes: one, or a range such as 0-3) or mode=<octal> (e.g. rd.tmpfs.opts=nr_inodes=2m,mode=0755); the size is rd.tmpfs.size",
  doc:
    "More options for the tmpfs that becomes the root: nr_inodes (0: no limit; it takes the place of the manifest's count, which must fit in it), huge (transparent huge pages), mpol (the NUMA policy; when the kernel refuses it, the tmpfs is mounted again without it and the console says so) and mode (of the root directory before the archive sets its own; default 0755). Anything else, or an option given twice, is a parameter error: nothing unchecked reaches the mount.",
  example: "nr_inodes=2m,huge=within_size",
};

/**
 * `rd.tmpfs.mirror=<url>`, once per mirror: more web servers that hold the
 * same archive. Unlike the other parameters, every occurrence counts, in
 * order; the value is the list, one space between URLs (a URL holds none).
 */
export const MIRROR: ParamSpec = {
  name: "rd.tmpfs.mirror",
  key: "mirror",
  kind: "urls",
  default: "",
  expected:
    "expected an http:// or https:// URL of the archive, or of its folder ending with / (e.g. rd.tmpfs.mirror=http://10.0.0.2/images/), once per mirror",
  doc:
    "Another web server that holds the same archive; give it once per mirror, in the order they are to be tried (only with root=tmpfs:http:// or https://). The tries go round the source's URL, then each mirror; a try that fails moves on to the next at once, and the pause before a try comes only after every one has failed in a round, so rd.tmpfs.retries counts rounds. A mirror that answers 4xx (other than 408 and 429), or redirects where it may not, is left out of later rounds; the boot stops when none is left. The sidecar and its signature come from the first that serves the sidecar; a digest or signature covers every mirror alike. A URL ending with / gets rd.tmpfs.imgfile appended, as the source's does.",
  example: "http://10.0.0.2/images/",
};

/** `rd.tmpfs.sha256=<digest>`: the archive's SHA-256, hashed as it streams into the unpack. */
export const SHA256: ParamSpec = {
  name: "rd.tmpfs.sha256",
  key: "sha256",
  kind: "digest",
  digits: 64,
  list: { max: LAYERS_MAX, unique: false },
  default: "",
  expected:
    "expected the archive's SHA-256 as sha256sum prints it, 64 hexadecimal digits in upper or lower case (with layers, one for each, in their order, separated by commas), or nothing for no check",
  doc:
    "The SHA-256 digest the archive must have. Its bytes are hashed on their way from the source to the decompressor (never read twice, never staged), and the digest is compared once the unpack is done, before the boot goes on: a different one stops the boot, the unpacked tree is thrown away with the tmpfs and rd.tmpfs.onfail applies. Upper case is read as lower case; empty (the default) checks nothing. With layers, give one digest for each layer, in the order of rd.tmpfs.imgfile, separated by commas.",
  example: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
};

/**
 * `rd.tmpfs.verify=<how>`: where the archive's digest comes from, and
 * whether it must be signed. An initramfs that carries public keys
 * ({@linkcode KEYS_DIR}) always checks the signature.
 */
export const VERIFY: ParamSpec = {
  name: "rd.tmpfs.verify",
  key: "verify",
  kind: "policy",
  default: "none",
  choices: ["none", "sidecar", "signature"],
  keyed: {
    value: "signature",
    withKeys:
      `expected signature, or nothing: this initramfs carries public keys (${KEYS_DIR}), so every archive must have a signed sidecar`,
    withoutKeys:
      `expected none or sidecar: this initramfs carries no public keys (${KEYS_DIR}) to check a signature with (name them in ${PUBKEYS_VAR} when building it)`,
  },
  expected: "expected none, sidecar or signature (e.g. rd.tmpfs.verify=sidecar)",
  doc:
    `Where the archive's SHA-256 comes from. none: only rd.tmpfs.sha256, when given. sidecar: the file <imgfile>.sha256 beside the archive (sha256sum's format; from a web server the URL with .sha256 appended, at most ${SIDECAR_MAX_BYTES} bytes, within rd.tmpfs.timeout), read before the tmpfs is mounted; the archive is then hashed as it streams and must match. signature: the sidecar must also be signed (<imgfile>.sha256.sig, Ed25519) by a public key the initramfs carries, checked before anything is mounted on the root or unpacked. An initramfs built with keys (${PUBKEYS_VAR} in dracut.conf) checks signatures always: there signature is the default and the only value accepted, so the command line cannot turn the check off. Given with rd.tmpfs.sha256, both digests must agree.`,
  example: "sidecar",
};

/** `rd.tmpfs.retries=<n>`. */
export const RETRIES: ParamSpec = {
  name: "rd.tmpfs.retries",
  key: "retries",
  kind: "count",
  default: "3",
  expected: "expected a whole number from 0 to 99999 (e.g. rd.tmpfs.retries=5)",
  doc: "How many times a failed download is tried again, with a growing pause between tries.",
  example: "5",
};

/** `rd.tmpfs.timeout=<seconds>`: the deadline of a download, every try and pause included. */
export const TIMEOUT: ParamSpec = {
  name: "rd.tmpfs.timeout",
  key: "timeout",
  kind: "count",
  min: 1,
  default: "1800",
  expected: "expected a whole number of seconds from 1 to 99999 (e.g. rd.tmpfs.timeout=600)",
  doc:
    `The longest a download may take, every try and pause (with layers, every layer) included; then the unpack is stopped and rd.tmpfs.onfail applies. A transfer slower than ${SPEED_LIMIT} bytes/s for ${SPEED_TIME} s also fails (and is tried again while time is left), and a download stops as soon as more bytes arrive than the tmpfs can hold.`,
  example: "600",
};

/** `rd.tmpfs.cafile=<path>`: the CA bundle for HTTPS, a file in the initramfs. */
export const CAFILE: ParamSpec = {
  name: "rd.tmpfs.cafile",
  key: "cafile",
  kind: "abspath",
  default: "",
  expected:
    "expected an absolute path of a file in the initramfs, without .. (e.g. rd.tmpfs.cafile=/etc/tmpfs-root/ca.pem)",
  doc:
    "The CA certificates that HTTPS servers are checked against; by default the system's bundle (dracut's url-lib installs it). Add the file with dracut's install_items.",
  example: "/etc/tmpfs-root/ca.pem",
};

/** dracut's `rd.retry=<seconds>`: how long to wait for the source device. */
export const RETRY: ParamSpec = {
  name: "rd.retry",
  key: "retry",
  kind: "count",
  default: "180",
  expected: "expected a whole number of seconds from 0 to 99999 (e.g. rd.retry=60)",
  doc:
    "dracut's wait for the source device; tmpfs-root reports a missing device at two thirds of it, when dracut runs its timeout hooks.",
  example: "60",
};

/** `rd.tmpfs.onfail=<policy>`. */
export const ONFAIL: ParamSpec = {
  name: "rd.tmpfs.onfail",
  key: "onfail",
  kind: "policy",
  default: "emergency",
  choices: ["emergency", "reboot", "poweroff", "halt"],
  expected: "expected emergency, reboot, poweroff or halt (e.g. rd.tmpfs.onfail=reboot)",
  doc:
    "What happens after a failure: dracut's emergency handling (the default), or reboot, poweroff or halt.",
  example: "reboot",
};

/** Every parameter, in the order they are checked. */
export const PARAMS: readonly ParamSpec[] = [
  ROOT,
  SIZE,
  IMGFILE,
  MIRROR,
  OPTS,
  SHA256,
  VERIFY,
  RETRIES,
  TIMEOUT,
  CAFILE,
  RETRY,
  ONFAIL,
];
