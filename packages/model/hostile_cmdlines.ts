/**
 * A deterministic generator of hostile kernel command lines: quoting in
 * every place the kernel's rules allow, spaces, tabs and newlines, globs,
 * `$(...)`, backticks, `;`, `|`, `&&`, backslash escapes (which the kernel
 * keeps as they are), very long values, and repeated and conflicting
 * parameters. Payloads call `pwned`, a stub that logs, so any executed
 * payload shows up in the log. The compiler's tests and the differential
 * harness both read these lines, so they live beside the command-line
 * reader rather than in either.
 *
 * @module
 */

const NAMES = [
  "root",
  "rd.tmpfs.size",
  "rd.tmpfs.imgfile",
  "rd.tmpfs.retries",
  "rd.tmpfs.cafile",
  "rd.tmpfs.sha256",
  "rd.tmpfs.verify",
  "rd.tmpfs.mirror",
  "rd.tmpfs.mirror",
  "rd.tmpfs.opts",
  "rd.retry",
  "rd.tmpfs.onfail",
  "rd.lvm.lv",
  "ro",
  "quiet",
  "init",
];

const PAYLOADS = [
  "$(pwned)",
  "`pwned`",
  ";pwned",
  "|pwned",
  "&&pwned",
  "${IFS}pwned",
  "$(pwned>/dev/kmsg)",
  "'$(pwned)'",
  '"$(pwned)"',
  "\\$(pwned)",
  "x\\npwned",
  "x\\\npwned",
  "$((1+1))",
  "${PATH}",
  "*",
  "?",
  "[a-z]*",
  "/*",
  "~",
  "-e",
  "-n",
  "--",
  "%s%n",
  "\\\\",
  "\\t",
  "=",
  "==",
  '"',
  '""',
  "'",
  // White space and control characters outside ASCII: ordinary bytes to the
  // kernel's rules as tmpfs-root reads them, whatever the shell's locale.
  "\u3000",
  "\u00a0",
  "\u2003",
  "\u0085",
  "Р",
];

const ROOTS = [
  "tmpfs:/dev/vda1",
  "tmpfs:/dev/mapper/centos-root",
  "tmpfs:LABEL=images",
  "tmpfs:LABEL=my disk",
  "tmpfs:LABEL=é€日本",
  "tmpfs:UUID=0A1B2C3D-4E5F-6071-8293-A4B5C6D7E8F9",
  "tmpfs:PARTLABEL=root fs",
  "tmpfs:PARTUUID=AAAABBBB-01",
  "tmpfs:NFS=nfs:10.0.2.2:/nfsexport",
  "tmpfs:NFS=nfs4:10.0.2.2:/nfsexport,vers=4",
  "tmpfs:NFS=nfs:[fe80::1]:/x,lock",
  "tmpfs:http://10.0.2.2:8080/rootfs.tar.gz",
  "tmpfs:https://10.0.2.2/base/",
  "tmpfs:",
  "tmpfs",
  "/dev/sda1",
  "TMPFS:/dev/vda1",
  "tmpfs:/dev/../etc/passwd",
  "tmpfs:/dev/disk/..",
];

const VALUES = [
  "3G",
  "50%",
  "4k",
  "0",
  "5",
  "99999",
  "100000",
  "-1",
  "images/rootfs.tar.gz",
  "/rootfs.tar.gz",
  "../etc/shadow",
  "a/../b",
  "/etc/ca.pem",
  "reboot",
  "halt",
  "poweroff",
  "emergency",
  "centos/root",
  "999999999G",
  "1000000000g",
  "999999999999999999",
  "1000000000000m",
  "9F86D081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
  "sidecar",
  "signature",
  "http://10.0.2.3/",
  "https://10.0.2.4/images/rootfs.tar.zst",
  "http://",
  "ftp://10.0.2.3/",
  "nr_inodes=2m,mode=0755",
  "mpol=bind:0-3,huge=always",
  "size=1G",
  "mode=0755,mode=0700",
  "nr_inodes=010",
  "mpol=bind:0,1",
  "base.tar.zst,site.tar.gz,node-17.tar",
  "a,,b",
  "a,a",
  ",a",
  "a,",
  "a,../b",
  "/a,//b",
  "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08,9F86D081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
  "",
];

/** The longest command line (x86's COMMAND_LINE_SIZE is 2048, with the NUL). */
const MAX = 2047;

/**
 * A small deterministic random number generator (an LCG): the same seed
 * gives the same numbers.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { Lcg } from "./hostile_cmdlines.ts";
 * const [a, b] = [new Lcg(1), new Lcg(1)];
 * const ints = [a.int(10), a.int(10), a.int(10)];
 * assert.deepEqual([b.int(10), b.int(10), b.int(10)], ints);
 * assert.ok(ints.every((n) => Number.isInteger(n) && n >= 0 && n < 10));
 * assert.equal(a.pick(["x", "y", "z"]), b.pick(["x", "y", "z"]));
 * ```
 */
export class Lcg {
  #state: number;
  constructor(seed: number) {
    this.#state = seed >>> 0;
  }
  /** A whole number in [0, n). */
  int(n: number): number {
    this.#state = (Math.imul(this.#state, 1664525) + 1013904223) >>> 0;
    return Math.floor((this.#state / 4294967296) * n);
  }
  /** One of `xs`. */
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
}

/** Quotes `name=value` in one of the ways the kernel's rules allow. */
function quote(r: Lcg, name: string, value: string | null): string {
  if (value === null) return r.int(4) === 0 ? `"${name}"` : name;
  switch (r.int(7)) {
    case 0:
      return `${name}="${value}"`;
    case 1:
      return `"${name}=${value}"`;
    case 2:
      return `${name}=${value.replaceAll(" ", '" "')}`;
    case 3:
      return `${name}="${value}`; // an unterminated quote runs to the end of the line
    case 4:
      return `${name}=${value}"`;
    default:
      return `${name}=${value}`;
  }
}

function hostileValue(r: Lcg, name: string): string {
  const base = name === "root" ? r.pick(ROOTS) : r.pick(VALUES);
  switch (r.int(6)) {
    case 0:
      return base;
    case 1:
      return `${base}${r.pick(PAYLOADS)}`;
    case 2:
      return `${r.pick(PAYLOADS)}${base}`;
    case 3: {
      const at = r.int(base.length + 1);
      return `${base.slice(0, at)}${r.pick(PAYLOADS)}${base.slice(at)}`;
    }
    case 4:
      // Very long values.
      return r.int(2) === 0 ? `${base}${"x".repeat(r.pick([100, 400, 1500]))}` : `${base} ${base}`;
    default:
      return r.pick(PAYLOADS);
  }
}

/**
 * `count` hostile command lines, the same for the same `seed`.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { hostileCmdlines } from "./hostile_cmdlines.ts";
 * const lines = hostileCmdlines(5);
 * assert.equal(lines.length, 5);
 * assert.deepEqual(hostileCmdlines(5), lines);
 * assert.notDeepEqual(hostileCmdlines(5, 8), lines);
 * assert.ok(hostileCmdlines(200).every((l) => l.length <= 2047));
 * ```
 */
export function hostileCmdlines(count: number, seed = 7): string[] {
  const r = new Lcg(seed);
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    const args: string[] = [];
    const n = 1 + r.int(6);
    for (let j = 0; j < n; j++) {
      const name = j === 0 && r.int(3) > 0 ? "root" : r.pick(NAMES);
      const value = r.int(8) === 0 ? null : hostileValue(r, name);
      args.push(quote(r, name, value));
    }
    // Repeated and conflicting parameters: the last one wins.
    if (r.int(3) === 0) args.push(quote(r, "root", hostileValue(r, "root")));
    const sep = () => r.pick([" ", "  ", "\t", "\n", " \n ", "\r", "\v", "\f"]);
    let line = r.int(5) === 0 ? sep() : "";
    for (const a of args) line += a + sep();
    // The kernel keeps at most COMMAND_LINE_SIZE - 1 bytes (x86: 2047).
    line = r.int(2) === 0 ? line : line.trimEnd();
    lines.push(line.length > MAX ? line.slice(0, MAX) : line);
  }
  return lines;
}
