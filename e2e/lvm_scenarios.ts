/**
 * Real boots from an LVM logical volume, in both dracut flavours
 * (`root=tmpfs:/dev/mapper/centos-root rd.lvm.lv=centos/root`), plus a volume
 * that never appears.
 *
 * @module
 */
import type { Flavour } from "./lib/dracut.ts";
import { buildGuestArchive } from "./lib/guest.ts";
import { makeLvmDisk } from "./lib/lvm_disk.ts";
import { FAILURE_LINE, once, type Scenario } from "./lib/scenario.ts";

export const lvmDisk = once(async () =>
  makeLvmDisk({
    name: "lvm",
    vg: "centos",
    lv: "root",
    files: { "images/rootfs.tar.gz": (await buildGuestArchive({})).path },
  })
);

/** The LVM scenarios. */
export const LVM_SCENARIOS: readonly Scenario[] = (["classic", "systemd"] as Flavour[]).flatMap((
  flavour,
): Scenario[] => [
  {
    name: `${flavour}/lvm-seed`,
    topic: "lvm",
    flavour,
    cmdline:
      "root=tmpfs:/dev/mapper/centos-root rd.tmpfs.size=5G rd.tmpfs.imgfile=images/rootfs.tar.gz rd.lvm.lv=centos/root ro",
    disk: lvmDisk,
    initramfs: { modules: ["lvm"] },
    expect: { kind: "pass", tmpfsSize: "5G" },
    forbid: [/reboot: Restarting system/],
  },
  {
    name: `${flavour}/lvm-fail-no-volume`,
    topic: "lvm",
    flavour,
    cmdline:
      "root=tmpfs:/dev/mapper/centos-nosuch rd.tmpfs.imgfile=images/rootfs.tar.gz rd.lvm.lv=centos/nosuch rd.retry=10 rd.timeout=30 ro",
    disk: lvmDisk,
    initramfs: { modules: ["lvm"] },
    expect: { kind: "fail", step: "source", line: FAILURE_LINE },
    forbid: [/reboot: Restarting system/],
    timeoutSec: 240,
  },
]);
