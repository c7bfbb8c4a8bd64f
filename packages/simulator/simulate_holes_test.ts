// The holes found by probing (a stream cut at a member boundary, downloads
// that never end, https downgraded, curl globbing, xattrs that cannot be
// set, tar's first error quoted): each rule, as the simulator applies it.
import assert from "#assert";
import {
  archiveFetches,
  assertClean,
  boot,
  messageOf,
  ROOT_ENTRIES,
  TGZ,
  VM,
  WEB,
  withWeb,
} from "./_testing.ts";
import type { ArchiveFormat } from "./archive.ts";
import { makeArchive, tarHeaderClaiming } from "./make_archive.ts";
import type { Vm } from "./vm.ts";

const FORMATS: readonly ArchiveFormat[] = ["gzip", "xz", "zstd", "bzip2", "lz4", "plain"];

function withDisk(file: Uint8Array): Vm {
  return { ...VM, disks: [{ path: "/dev/vda1", files: { "rootfs.img": file } }] };
}

for (const format of FORMATS) {
  Deno.test(`simulate() stops at a ${format} tar stream cut at a member boundary`, async () => {
    const cut = await makeArchive(ROOT_ENTRIES, format, { ending: "cut" });
    const r = await boot("root=tmpfs:/dev/vda1 rd.tmpfs.imgfile=rootfs.img", withDisk(cut));
    assert.equal(messageOf(r), "tmpfs-root: unpack failed: rootfs.img is truncated");
    assertClean(r);
  });
}

Deno.test("simulate() stops at a cut tar whose gzip member is followed by garbage", async () => {
  const garbage = new TextEncoder().encode("garbage after the member");
  const cut = await makeArchive(ROOT_ENTRIES, "gzip", { ending: "cut", trailing: garbage });
  const r = await boot("root=tmpfs:/dev/vda1 rd.tmpfs.imgfile=rootfs.img", withDisk(cut));
  assert.equal(messageOf(r), "tmpfs-root: unpack failed: rootfs.img is truncated");
  // The same garbage after a whole tar is gzip's warning only: the boot goes on.
  const whole = await makeArchive(ROOT_ENTRIES, "gzip", { trailing: garbage });
  const ok = await boot("root=tmpfs:/dev/vda1 rd.tmpfs.imgfile=rootfs.img", withDisk(whole));
  assert.equal(messageOf(ok), "switched");
});

Deno.test("simulate() stops at a plain tar cut at a member boundary over HTTP", async () => {
  const cut = await makeArchive(ROOT_ENTRIES, "plain", { ending: "cut" });
  const r = await boot(
    `root=tmpfs:${WEB}/rootfs.tar`,
    withWeb({ url: `${WEB}/rootfs.tar`, body: cut }),
  );
  assert.equal(messageOf(r), `tmpfs-root: unpack failed: ${WEB}/rootfs.tar is truncated`);
  assertClean(r);
});

Deno.test("simulate() stops reading once more bytes arrive than the tmpfs holds", async () => {
  const header = await tarHeaderClaiming("huge.bin", 2 ** 40);
  const r = await boot(
    `root=tmpfs:${WEB}/endless.tar rd.tmpfs.size=1m`,
    withWeb({ url: `${WEB}/endless.tar`, body: header, endless: true }),
  );
  assert.equal(
    messageOf(r),
    `tmpfs-root: unpack failed: ${WEB}/endless.tar is larger than the tmpfs (1048576 bytes, rd.tmpfs.size=1m)`,
  );
  assert.equal(archiveFetches(r).length, 1);
  assertClean(r);
});

Deno.test("simulate() gives up on a trickle at rd.tmpfs.timeout, tries and pauses included", async () => {
  const r = await boot(
    `root=tmpfs:${WEB}/rootfs.tar.gz rd.tmpfs.timeout=100 rd.tmpfs.retries=9`,
    withWeb({ url: `${WEB}/rootfs.tar.gz`, body: TGZ, stallAfter: 10 }),
  );
  assert.equal(
    messageOf(r),
    `tmpfs-root: unpack failed: download of ${WEB}/rootfs.tar.gz did not finish within 100 s (rd.tmpfs.timeout=100)`,
  );
  // Each try waits 30 s for the minimum rate, then pauses (2 and 4 s with seed 0); the third
  // try's pause is cut to the 4 s that are left.
  const tries = archiveFetches(r).map((e) => e.maxTime);
  assert.deepEqual(tries, [100, 68, 34]);
  assert.equal(r.elapsed, 100);
  assertClean(r);
});

Deno.test("simulate() says a trickle was too slow when tries run out before the deadline", async () => {
  const r = await boot(
    `root=tmpfs:${WEB}/rootfs.tar.gz rd.tmpfs.retries=0`,
    withWeb({ url: `${WEB}/rootfs.tar.gz`, body: TGZ, stallAfter: 0 }),
  );
  assert.equal(
    messageOf(r),
    `tmpfs-root: unpack failed: download of ${WEB}/rootfs.tar.gz failed after 1 tries: curl: (28) Operation too slow. Less than 1024 bytes/sec transferred the last 30 seconds`,
  );
});

Deno.test("simulate() never follows an https source to plain http", async () => {
  const https = "https://10.0.2.2:8443";
  const r = await boot(
    `root=tmpfs:${https}/rootfs.tar.gz`,
    withWeb(
      { url: `${https}/rootfs.tar.gz`, body: new Uint8Array(0), redirect: `${WEB}/rootfs.tar.gz` },
      { url: `${WEB}/rootfs.tar.gz`, body: TGZ },
    ),
  );
  assert.equal(
    messageOf(r),
    `tmpfs-root: unpack failed: ${https}/rootfs.tar.gz redirects to a protocol it may not use: curl: (1) Protocol "http" not supported or disabled in libcurl`,
  );
  assert.equal(archiveFetches(r).length, 1);
  // An http source may be redirected to http or https.
  const moved = await boot(
    `root=tmpfs:${WEB}/moved.tar.gz`,
    withWeb(
      { url: `${WEB}/moved.tar.gz`, body: new Uint8Array(0), redirect: `${WEB}/rootfs.tar.gz` },
      { url: `${WEB}/rootfs.tar.gz`, body: TGZ },
    ),
  );
  assert.equal(messageOf(moved), "switched");
});

Deno.test("simulate() refuses curl's glob characters in a file name appended to a URL", async () => {
  const r = await boot(`root=tmpfs:${WEB}/ rd.tmpfs.imgfile=x[1-2000].tar.gz`);
  assert.match(
    messageOf(r),
    /^tmpfs-root: cmdline failed: invalid rd\.tmpfs\.imgfile "x\[1-2000\]\.tar\.gz": appended to a URL/,
  );
  assert.equal(archiveFetches(r).length, 0);
});

Deno.test("simulate() stops when tar cannot set a file capability", async () => {
  const bad = await makeArchive({
    ...ROOT_ENTRIES,
    "bin/ping": { data: "x", xattrs: { "security.capability": "garbage" } },
  }, "gzip");
  const r = await boot("root=tmpfs:/dev/vda1 rd.tmpfs.imgfile=rootfs.img", withDisk(bad));
  assert.equal(
    messageOf(r),
    "tmpfs-root: unpack failed: tar could not set a security attribute: tar: setxattrat: Cannot set 'security.capability' extended attribute for file 'bin/ping': Invalid argument",
  );
  assertClean(r);
});

Deno.test("simulate() warns, and boots, when tar cannot set an xattr outside security.*", async () => {
  const odd = await makeArchive({
    ...ROOT_ENTRIES,
    "etc/odd": { data: "x", xattrs: { "odd.name": "1" } },
  }, "gzip");
  const r = await boot("root=tmpfs:/dev/vda1 rd.tmpfs.imgfile=rootfs.img", withDisk(odd));
  assert.equal(messageOf(r), "switched");
  assert.deepEqual(r.events.flatMap((e) => e.kind === "warn" ? [e.text] : []), [
    "tmpfs-root: warning: tar could not set every extended attribute: tar: setxattrat: Cannot set 'odd.name' extended attribute for file 'etc/odd': Operation not supported",
  ]);
});

Deno.test("simulate() quotes tar's error, not its warning, for a member with ..", async () => {
  const evil = await makeArchive({ ...ROOT_ENTRIES, "../escape": "x" }, "gzip", {
    parents: false,
  });
  const r = await boot("root=tmpfs:/dev/vda1 rd.tmpfs.imgfile=rootfs.img", withDisk(evil));
  assert.equal(
    messageOf(r),
    "tmpfs-root: unpack failed: tar could not unpack rootfs.img: tar: ../escape: Member name contains '..'",
  );
  assertClean(r);
});
