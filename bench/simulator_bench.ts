// Simulated boots per second: `deno bench -A bench/simulator_bench.ts`.
// One iteration is one boot, so iter/s is boots per second; the target is at
// least 10,000 (100 µs a boot).
import { BOOT } from "@tmpfs-root/model";
import { makeArchive, simulate, type Vm } from "@tmpfs-root/simulator";

const TGZ = await makeArchive({
  "etc/os-release": "ID=demo\n",
  "etc/selinux/config": "SELINUX=enforcing\n",
  "bin/busybox": { data: "\x7fELF", mode: 0o755 },
  "bin/sh": { type: "symlink", target: "busybox" },
}, "gzip");

const VM: Vm = {
  flavour: "classic",
  ram: 4 * 1024 ** 3,
  disks: [{ path: "/dev/vda1", label: "images", appearsAt: 2, files: { "rootfs.tgz": TGZ } }],
  lvm: [{ vg: "centos", lv: "root", files: { "images/rootfs.tar.gz": TGZ } }],
  nfs: [{ server: "10.0.0.11", export: "/nfsexport", files: { "images/rootfs.tar.gz": TGZ } }],
  web: [{ url: "http://10.0.2.2/rootfs.tar.gz", body: TGZ, failFirst: 2 }],
};

const CASES: Record<string, string> = {
  "block device": "root=tmpfs:LABEL=images rd.tmpfs.size=3G rd.tmpfs.imgfile=rootfs.tgz ro",
  "LVM volume":
    "root=tmpfs:/dev/mapper/centos-root rd.tmpfs.size=5G rd.tmpfs.imgfile=images/rootfs.tar.gz rd.lvm.lv=centos/root ro",
  "NFS export":
    "root=tmpfs:NFS=nfs:10.0.0.11:/nfsexport,tcp rd.tmpfs.size=5G rd.tmpfs.imgfile=images/rootfs.tar.gz ro",
  "http with two retries": "root=tmpfs:http://10.0.2.2/rootfs.tar.gz",
  "missing archive": "root=tmpfs:/dev/vda1 rd.tmpfs.imgfile=nothere.tgz",
};

// Read the archive once and let the JIT settle before timing.
for (const cmdline of Object.values(CASES)) {
  for (let i = 0; i < 500; i++) await simulate(BOOT, VM, cmdline);
}

for (const [name, cmdline] of Object.entries(CASES)) {
  Deno.bench(`simulate() boots: ${name}`, { group: "boots" }, async () => {
    await simulate(BOOT, VM, cmdline);
  });
}
