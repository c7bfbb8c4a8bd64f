import assert from "#assert";
import { requireProgram } from "@tmpfs-root/shell";
import { functionText } from "./_testing.ts";

Deno.test("tmpfs_root_report writes the status, the message and the unpack's warnings", async () => {
  await requireProgram("unshare");
  const dash = await requireProgram("dash");
  const warning = "warning=tmpfs-root: warning: tar could not set every extended attribute: x";
  // A private /run: the function writes /run/tmpfs-root/report, as in the initramfs.
  const script = [
    "mount -t tmpfs tmpfs /run || exit 9",
    functionText("tmpfs-root-lib.sh", "tmpfs_root_report"),
    "mkdir -p /run/tmpfs-root",
    `printf '%s\\n' '${warning}' >/run/tmpfs-root/warnings`,
    'tmpfs_root_report ok "unpacked into /sysroot"',
    "cat /run/tmpfs-root/report",
    "rm /run/tmpfs-root/warnings",
    'tmpfs_root_report failed "tmpfs-root: unpack failed: a is truncated"',
    "cat /run/tmpfs-root/report",
  ].join("\n");
  const out = await new Deno.Command("unshare", {
    args: ["--mount", "--propagation", "private", dash, "-c", script],
  }).output();
  assert.equal(new TextDecoder().decode(out.stderr), "");
  assert.equal(
    new TextDecoder().decode(out.stdout),
    `status=ok\nmessage=unpacked into /sysroot\n${warning}\n` +
      "status=failed\nmessage=tmpfs-root: unpack failed: a is truncated\n",
  );
});
