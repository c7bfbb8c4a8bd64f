import assert from "#assert";
import $ from "dax";
import { GUEST_FUNCTIONS, GUEST_INIT } from "./_guest_init.ts";
import { buildGuestArchive } from "./guest.ts";

/** Runs `script` after the guest's functions under busybox sh, with a fake proc folder. */
async function runFunctions(
  script: string,
  proc: { cmdline?: string; meminfo?: string; mounts?: string } = {},
): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "e2e-proc-" });
  try {
    await Deno.writeTextFile(`${dir}/cmdline`, proc.cmdline ?? "");
    await Deno.writeTextFile(`${dir}/meminfo`, proc.meminfo ?? "MemTotal:        1000000 kB\n");
    await Deno.writeTextFile(`${dir}/mounts`, proc.mounts ?? "");
    return (await $`busybox sh -c ${GUEST_FUNCTIONS + "\n" + script}`.env({ E2E_PROC: dir }).text())
      .trim();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("GUEST_INIT parses under busybox sh -n and dash -n", async () => {
  await $`busybox sh -n -c ${GUEST_INIT}`;
  await $`dash -n -c ${GUEST_INIT}`;
});

Deno.test("expected_kib() gives the KiB /proc/mounts shows for each size form", async () => {
  const cases: [string, string][] = [
    ["3G", "3145728"],
    ["1g", "1048576"],
    ["256M", "262144"],
    ["300m", "307200"],
    ["262144k", "262144"],
    ["1M", "1024"],
    ["5000", "8"],
    ["50%", "500000"],
    ["40%", "400000"],
    ["33%", "330000"],
  ];
  for (const [size, want] of cases) {
    assert.equal(await runFunctions(`expected_kib ${size}`), want, size);
  }
});

Deno.test("cmdarg() returns the last value of a key", async () => {
  const out = await runFunctions("cmdarg e2e.size", {
    cmdline: "root=tmpfs:/dev/vda1 e2e.size=1G rd.tmpfs.size=3G e2e.size=3G ro\n",
  });
  assert.equal(out, "3G");
});

Deno.test("check_root() accepts a tmpfs of the expected size and rejects others", async () => {
  const cmdline = "e2e.size=3G\n";
  const ok = await runFunctions('check_root >/dev/null; printf %s "$FAILS"', {
    cmdline,
    mounts: "rootfs / rootfs rw 0 0\ntmpfs / tmpfs rw,relatime,size=3145728k,inode64 0 0\n",
  });
  assert.equal(ok, "");
  const wrongSize = await runFunctions('check_root >/dev/null; printf %s "$FAILS"', {
    cmdline,
    mounts: "tmpfs / tmpfs rw,relatime,size=1024k 0 0\n",
  });
  assert.match(wrongSize, /lack size=3145728k/);
  const ext4 = await runFunctions('check_root >/dev/null; printf %s "$FAILS"', {
    mounts: "/dev/vda1 / ext4 ro 0 0\n",
  });
  assert.match(ext4, /\/ is 'ext4', not tmpfs/);
});

Deno.test("check_released() flags a block or NFS source that is still mounted", async () => {
  const out = await runFunctions('check_released; printf %s "$FAILS"', {
    mounts: "tmpfs / tmpfs rw 0 0\n/dev/vda1 /run/src ext4 ro 0 0\n" +
      "10.0.2.2:/export /mnt nfs4 ro 0 0\nproc /proc proc rw 0 0\n",
  });
  assert.match(out, /\/dev\/vda1 on \/run\/src/);
  assert.match(out, /10\.0\.2\.2:\/export on \/mnt \(nfs4\)/);
  const clean = await runFunctions('check_released; printf %s "$FAILS"', {
    mounts: "tmpfs / tmpfs rw 0 0\nproc /proc proc rw 0 0\ndevtmpfs /dev devtmpfs rw 0 0\n",
  });
  assert.equal(clean, "");
});

Deno.test("finish() prints exactly one marker line", async () => {
  // poweroff -f fails for an unprivileged or containerised caller; stub it.
  const pass = await runFunctions("poweroff() { exit 0; }; sync() { :; }; finish");
  assert.equal(pass, "TMPFS-ROOT-E2E: PASS");
  const failed = await runFunctions(
    "poweroff() { exit 0; }; sync() { :; }; fail 'a\nb'; fail c; finish",
  );
  assert.equal(failed, "TMPFS-ROOT-E2E: FAIL a b; c;");
});

/** Unpacks an archive on a tmpfs and runs the guest's checks in a chroot of it. */
async function checksInChroot(archive: string): Promise<string> {
  const dir = await Deno.makeTempDir({ dir: "/dev/shm", prefix: "e2e-chroot-" });
  try {
    await $`tar --xattrs --xattrs-include=* --numeric-owner -xpf ${archive} -C ${dir}`;
    await Deno.writeTextFile(`${dir}/e2e-functions`, GUEST_FUNCTIONS);
    return (await $`chroot ${dir} /bin/sh -c ${'. /e2e-functions; . /etc/e2e-expect; printf %s "$FAILS"'}`
      .env({ E2E_PROC: "/nonexistent" })
      .text()).trim();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test({
  name: "buildGuestArchive() round-trips through GNU tar and passes the guest's checks",
  ignore: Deno.uid() !== 0,
  fn: async () => {
    const archive = await buildGuestArchive({ bigFileMiB: 1 });
    assert.ok(archive.bigSha256);
    assert.equal(await checksInChroot(archive.path), "");
  },
});

Deno.test({
  name: "buildGuestArchive() without xattrs makes the guest's checks fail",
  ignore: Deno.uid() !== 0,
  fn: async () => {
    const archive = await buildGuestArchive({ xattrs: false, compression: "zstd" });
    assert.match(await checksInChroot(archive.path), /xattr trusted\.e2e/);
  },
});

Deno.test({
  name: "buildGuestArchive() packs every compression with its magic bytes",
  ignore: Deno.uid() !== 0,
  fn: async () => {
    const magic: Record<string, number[]> = {
      gzip: [0x1f, 0x8b],
      xz: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00],
      zstd: [0x28, 0xb5, 0x2f, 0xfd],
      bzip2: [0x42, 0x5a, 0x68],
      lz4: [0x04, 0x22, 0x4d, 0x18],
    };
    for (const c of ["gzip", "xz", "zstd", "bzip2", "lz4", "none"] as const) {
      const a = await buildGuestArchive({ compression: c });
      const head = (await Deno.readFile(a.path)).subarray(0, 512);
      if (c === "none") {
        assert.equal(new TextDecoder().decode(head.subarray(257, 262)), "ustar", c);
      } else {
        assert.deepEqual([...head.subarray(0, magic[c]!.length)], magic[c], c);
      }
      const listing = c === "lz4"
        ? await $`sh -c ${'lz4 -dc "$1" | tar -tf -'} sh ${a.path}`.text()
        : await $`tar -tf ${a.path}`.text();
      assert.match(listing, /^\.\/etc\/e2e-expect$/m, c);
    }
  },
});
