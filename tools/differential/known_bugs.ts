/**
 * Disagreements the differential test found and that are reported, not yet
 * fixed: each with a minimal scenario that shows it and a matcher that
 * recognises it. Remove an entry when its fix lands (its test then fails,
 * as a reminder).
 *
 * @module
 */
import { type Disagreement, simulatedLog } from "./differential.ts";
import type { Scenario } from "./scenario.ts";
import { makeArchive, type Vm } from "@tmpfs-root/simulator";
import { splitCmdline } from "@tmpfs-root/model";

/** A known disagreement. */
export interface KnownBug {
  readonly id: string;
  /** What is wrong, and where. */
  readonly summary: string;
  /** A minimal scenario that shows it. */
  readonly repro: () => Promise<Scenario>;
  /** Whether a disagreement is this bug. */
  readonly matches: (d: Disagreement) => Promise<boolean>;
}

const EMPTY: Vm = { flavour: "classic", ram: 64 << 20, disks: [], lvm: [], nfs: [], web: [] };

function disk(bytes: Uint8Array, flavour: "classic" | "systemd" = "classic"): Vm {
  return { ...EMPTY, flavour, disks: [{ path: "/dev/vda1", files: { "rootfs.tar.gz": bytes } }] };
}

const ROOT = {
  "etc/os-release": "ID=demo\n",
  "bin/sh": { type: "symlink", target: "busybox" },
} as const;

const line = (d: Disagreement, re: RegExp, side: "expected" | "actual") =>
  d[side].some((l) => re.test(l));

/** The known bugs. */
export const KNOWN_BUGS: readonly KnownBug[] = [
  {
    id: "cmdline-trailing-space",
    summary: "tmpfs_root_cmdline_text appends a space after each file, so a quote left open " +
      "at the end of /proc/cmdline takes that space into the last value " +
      '(root="tmpfs:/dev/vda1 makes the device "/dev/vda1 ")',
    repro: async () => ({
      cmdline: 'root="tmpfs:/dev/vda1',
      vm: disk(await makeArchive(ROOT, "gzip")),
      fault: { kind: "none" },
    }),
    matches: async (d) => {
      if (d.stderr !== "" || d.actual.join("\n") === d.expected.join("\n")) return false;
      const { cmdline } = d.scenario;
      const want = await simulatedLog({ ...d.scenario, cmdline: `${cmdline} ` });
      if (want.join("\n") === d.actual.join("\n")) return true;
      // Past the parser the stubs answer for the command line as the model splits it, so a
      // value that differs by the space can fail differently: the scenario is affected.
      const split = (l: string) => JSON.stringify(splitCmdline(l));
      return split(cmdline) !== split(`${cmdline} `);
    },
  },
  {
    id: "nfs-ipv6-server-in-message",
    summary: 'the NFS "did not answer" cause takes the server as ${tmpfs_root_target%%:*}, ' +
      "which cuts an IPv6 address: NFS server [fe80 did not answer",
    repro: () =>
      Promise.resolve({
        cmdline: "root=tmpfs:NFS=nfs:[fe80::1]:/x",
        vm: EMPTY,
        fault: { kind: "none" },
      }),
    matches: (d) => Promise.resolve(line(d, /NFS server \[[^\]]* did not answer/, "actual")),
  },
  {
    id: "http-extract-cause-lost",
    summary: "for a web source tmpfs_root_extract runs on the right of a pipe " +
      "(`{ tmpfs_root_fetch ...; } | tmpfs_root_extract ...`), in a subshell: the cause it sets " +
      'is lost, so every unpack failure of a download reads "unpack failed: " with no cause',
    repro: () =>
      Promise.resolve({
        cmdline: "root=tmpfs:http://10.0.2.2/rootfs.tar.gz",
        vm: {
          ...EMPTY,
          web: [{
            url: "http://10.0.2.2/rootfs.tar.gz",
            body: new Uint8Array(300).fill(0x78),
          }],
        },
        fault: { kind: "none" },
      }),
    matches: (d) => Promise.resolve(d.actual.includes("<2>tmpfs-root: unpack failed: ")),
  },
  {
    id: "tmpfs-full-short-write",
    summary:
      "when the tmpfs fills up, GNU tar reports a short write (`Wrote only N of M bytes`), " +
      'not "No space left on device", so the cause is "tar could not unpack ..." instead of ' +
      '"the tmpfs is full"',
    repro: async () => ({
      cmdline: "root=tmpfs:/dev/vda1 rd.tmpfs.size=64k",
      vm: disk(await makeArchive({ ...ROOT, big: new Uint8Array(1 << 20) }, "gzip")),
      fault: { kind: "none" },
    }),
    matches: (d) =>
      Promise.resolve(
        line(d, /the tmpfs is full/, "expected") &&
          line(d, /tar could not unpack .*Wrote only/, "actual"),
      ),
  },
  {
    id: "systemd-prepivot-undo-lost",
    summary: "under systemd the pre-pivot hook runs in a new shell, where tmpfs_root_done_tmpfs " +
      "(set by tmpfs-root.service) is unset: when the SELinux relabel fails, the model unmounts " +
      "/sysroot but the shell leaves it mounted",
    repro: async () => ({
      cmdline: "root=tmpfs:/dev/vda1",
      vm: disk(
        await makeArchive({ ...ROOT, "etc/selinux/config": "SELINUX=enforcing\n" }, "gzip"),
        "systemd",
      ),
      fault: { kind: "relabel", error: "setfiles: could not read policy" },
    }),
    matches: (d) =>
      Promise.resolve(
        d.scenario.vm.flavour === "systemd" &&
          line(d, /^<2>tmpfs-root: selinux failed/, "actual") &&
          d.expected.includes("$ umount /sysroot") && !d.actual.includes("$ umount /sysroot"),
      ),
  },
  {
    id: "lz4-truncated-called-corrupt",
    summary: 'a truncated .lz4 archive is reported as corrupt: lz4 says "Error 68 : Unfinished ' +
      "stream\", which the shell's truncation patterns do not know",
    repro: async () => {
      const lz4 = await makeArchive(ROOT, "lz4");
      return {
        cmdline: "root=tmpfs:/dev/vda1",
        vm: disk(lz4.slice(0, lz4.length >> 1)),
        fault: { kind: "none" },
      };
    },
    matches: (d) =>
      Promise.resolve(
        d.expected.includes("$ lz4 -dc") && line(d, / is truncated$/, "expected") &&
          line(d, /^<2>tmpfs-root: unpack failed: .* is corrupt$/, "actual"),
      ),
  },
  {
    id: "plain-tar-truncated-boots",
    summary: "a plain (uncompressed) tar cut short can unpack without an error from GNU tar " +
      "(it stops at the end of the input), so the shell hands over a half-unpacked root; the " +
      "model reports it truncated",
    repro: async () => {
      const tar = await makeArchive(ROOT, "plain");
      return {
        cmdline: "root=tmpfs:/dev/vda1",
        vm: disk(tar.slice(0, tar.length >> 1)),
        fault: { kind: "none" },
      };
    },
    matches: (d) =>
      Promise.resolve(
        !d.expected.some((l) => /^\$ (gzip|xz|zstd|bzip2|lz4) /.test(l)) &&
          line(d, /^<2>tmpfs-root: unpack failed: .* is truncated$/, "expected") &&
          !line(d, /^<2>tmpfs-root: unpack failed: /, "actual"),
      ),
  },
  {
    id: "plain-tar-corrupt-diagnosis",
    summary: 'a plain tar with a damaged header makes GNU tar say "Skipping to next header" ' +
      '(status 2): the shell reports "tar could not unpack X: tar: Skipping to next header" ' +
      'where the model says "X is corrupt"',
    repro: async () => {
      const tar = await makeArchive(ROOT, "plain");
      const bad = tar.slice();
      for (let i = 1024; i < 2048; i++) bad[i] = bad[i]! ^ 0x5a;
      return { cmdline: "root=tmpfs:/dev/vda1", vm: disk(bad), fault: { kind: "none" } };
    },
    matches: (d) =>
      Promise.resolve(
        line(d, / is corrupt$/, "expected") &&
          line(d, /tar could not unpack .*Skipping to next header$/, "actual"),
      ),
  },
  {
    id: "od-stderr",
    summary: "for a source file shorter than 262 bytes, `od -j 257` prints " +
      '"od: cannot skip past end of combined input" on the console (its stderr is not redirected)',
    repro: () =>
      Promise.resolve({
        cmdline: "root=tmpfs:/dev/vda1",
        vm: disk(new TextEncoder().encode("hello\n")),
        fault: { kind: "none" },
      }),
    matches: (d) => Promise.resolve(/^od: cannot skip/.test(d.stderr)),
  },
];

/**
 * The known bug a disagreement is, or `null`.
 *
 * @example
 * ```ts ignore
 * import { classify } from "./known_bugs.ts";
 * (await classify(disagreement))?.id;
 * ```
 */
export async function classify(d: Disagreement): Promise<KnownBug | null> {
  for (const bug of KNOWN_BUGS) if (await bug.matches(d)) return bug;
  return null;
}
