/**
 * A deterministic generator of kernel command lines for parser tests:
 * every parameter, valid and invalid values, quoting, spaces, globs,
 * command substitutions, backticks, semicolons, escapes, long and repeated
 * values. Payloads call `pwned`, which the test harness defines to leave a
 * trace, so an executed payload is detected (and nothing harmful runs).
 *
 * @module
 */

const NAMES = [
  "root",
  "rd.tmpfs.size",
  "rd.tmpfs.imgfile",
  "rd.tmpfs.retries",
  "rd.retry",
  "rd.tmpfs.onfail",
  "ro",
  "quiet",
];

const ROOTS = [
  "tmpfs:/dev/vda1",
  "tmpfs:/dev/mapper/centos-root",
  "tmpfs:LABEL=images",
  "tmpfs:LABEL=my disk/1",
  "tmpfs:LABEL=é€日本 \\x",
  "tmpfs:LABEL=$(pwned)",
  "tmpfs:UUID=2F0F6D4E-1B7A-4C3E-9A55-6D1E8F3B2A10",
  "tmpfs:UUID=ABCD-1234",
  "tmpfs:PARTLABEL=root part/1",
  "tmpfs:PARTUUID=1234ABCD-01",
  "tmpfs:NFS=nfs:10.0.2.2:/nfsexport",
  "tmpfs:NFS=nfs4:10.0.2.2:/nfsexport",
  "tmpfs:NFS=nfs:10.0.2.2:/nfsexport,tcp,hard,vers=3",
  "tmpfs:NFS=nfs:[fe80::1]:/x,lock",
  "tmpfs:NFS=nfs:host;pwned:/x",
  "tmpfs:NFS=nfs:srv:/x,ro;pwned",
  "tmpfs:http://10.0.2.2:8080/rootfs.tar.gz",
  "tmpfs:https://images.example/base/",
  "tmpfs:http://host/`pwned`",
  "tmpfs:",
  "tmpfs",
  "/dev/sda1",
  "tmpfs:/dev/$(pwned)",
  "tmpfs:/dev/a;pwned",
  "tmpfs:LABEL=*",
];

const VALUES = [
  "3G",
  "3Q",
  "50%",
  "101%",
  "0",
  "1024k",
  "images/rootfs.tar.gz",
  "/rootfs.tgz",
  "../etc/shadow",
  "a/../../b",
  "$(pwned)",
  "`pwned`",
  ";pwned",
  "|pwned",
  "&&pwned",
  "${IFS}pwned",
  "'pwned'",
  "*",
  "?",
  "[a-z]*",
  "\\n",
  "a\\ b",
  "reboot",
  "halt",
  "emergency",
  "5",
  "99999",
  "100000",
  "-1",
  "x".repeat(300),
  "",
];

/**
 * `count` command lines, the same every run.
 *
 * @example
 * ```ts
 * import { hostileCmdlines } from "./hostile_cmdlines.ts";
 * hostileCmdlines(3).length; // 3
 * ```
 */
export function hostileCmdlines(count: number, seed = 42): string[] {
  let state = seed;
  const next = (n: number) => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return Math.floor((state / 2147483648) * n);
  };
  const pick = <T>(xs: readonly T[]): T => xs[next(xs.length)]!;
  const quote = (name: string, value: string) => {
    switch (next(5)) {
      case 0:
        return `${name}="${value}"`;
      case 1:
        return `"${name}=${value}"`;
      case 2:
        return `${name}=${value.replaceAll(" ", '" "')}`;
      default:
        return `${name}=${value}`;
    }
  };
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    const args: string[] = [];
    if (next(10) > 0) args.push(quote("root", pick(ROOTS)));
    const extra = next(6);
    for (let j = 0; j < extra; j++) {
      const name = pick(NAMES);
      args.push(
        name === "root"
          ? quote(name, pick(ROOTS))
          : next(8) === 0
          ? name
          : quote(name, pick(VALUES)),
      );
    }
    if (next(4) === 0) args.unshift(quote("root", pick(ROOTS)));
    const sep = pick([" ", "  ", "\t", " \n "]);
    lines.push(args.join(sep));
  }
  return lines;
}
