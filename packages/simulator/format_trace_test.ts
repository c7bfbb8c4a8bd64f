import assert from "#assert";
import { boot, WEB } from "./_testing.ts";
import { formatTrace } from "./format_trace.ts";

Deno.test("formatTrace() prints a successful boot line by line", async () => {
  const text = formatTrace(
    await boot("root=tmpfs:/dev/vda1 rd.tmpfs.size=3G rd.tmpfs.imgfile=rootfs.tgz"),
  );
  assert.equal(
    text,
    [
      "    2s  wait for /dev/vda1 (up to 120 s): appeared at 2 s",
      "    2s  mkdir -p /run/tmpfs-root; mktemp -d /run/tmpfs-root/source.XXXXXX: /run/tmpfs-root/source.0",
      "    2s  mount -o ro /dev/vda1 /run/tmpfs-root/source.0",
      "    2s  mount -t tmpfs -o size=3G,mode=0755 tmpfs /sysroot",
      "    2s  unpack gzip /run/tmpfs-root/source.0/rootfs.tgz into /sysroot",
      "    2s  umount /run/tmpfs-root/source.0",
      "    2s  rmdir /run/tmpfs-root/source.0",
      "    2s  skip selinux: the new root has no /etc/selinux/config",
      "    2s  hand over /sysroot to switch-root",
      "outcome: switched into /sysroot (7 entries)",
      "mounts: tmpfs on /sysroot (size=3G,mode=0755)",
      "elapsed: 2 s",
      "",
    ].join("\n"),
  );
});

Deno.test("formatTrace() marks failures, undo steps and retries", async () => {
  const text = formatTrace(await boot(`root=tmpfs:${WEB}/nothere rd.tmpfs.retries=1`));
  assert.equal(
    text,
    [
      `    0s  download ${WEB}/nothere.manifest (try 1): status 404`,
      "    0s  mount -t tmpfs -o size=50%,mode=0755 tmpfs /sysroot",
      `    0s  download ${WEB}/nothere (try 1): status 404`,
      `    0s  console: tmpfs-root: unpack failed: ${WEB}/nothere answered 404`,
      "    0s  undo: umount /sysroot",
      "outcome: stopped at unpack (step unpack), then emergency",
      `message: tmpfs-root: unpack failed: ${WEB}/nothere answered 404`,
      "mounts: none",
      "elapsed: 0 s",
      "",
    ].join("\n"),
  );
});

Deno.test("formatTrace() counts the pauses between downloads", async () => {
  const text = formatTrace(await boot("root=tmpfs:http://10.9.9.9/x rd.tmpfs.retries=2"));
  assert.match(text, /^ {4}6s {2}download http:\/\/10\.9\.9\.9\/x \(try 3\): refused$/m);
  assert.match(text, /^ {4}2s {2}sleep 4 \(try 2 of 3 failed: curl: \(7\) Failed to connect/m);
  assert.match(text, /elapsed: 6 s/);
});
