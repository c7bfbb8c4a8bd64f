import assert from "#assert";
import { BOOT } from "@tmpfs-root/model";
import { requireProgram } from "@tmpfs-root/shell";
import { compileModule } from "./compile_module.ts";

/** One function of the emitted library, as printed (with its usage comment). */
function functionText(lib: string, name: string): string {
  const start = lib.indexOf(`\n${name}() {`);
  assert.ok(start >= 0, `no ${name} in the library`);
  return lib.slice(start, lib.indexOf("\n}\n", start) + 3);
}

Deno.test("tmpfs_root_report writes the status, the message and the unpack's warnings", async () => {
  await requireProgram("unshare");
  const dash = await requireProgram("dash");
  const lib = compileModule(BOOT).files.find((f) => f.path === "tmpfs-root-lib.sh")!.text;
  const warning = "warning=tmpfs-root: warning: tar could not set every extended attribute: x";
  // A private /run: the function writes /run/tmpfs-root/report, as in the initramfs.
  const script = [
    "mount -t tmpfs tmpfs /run || exit 9",
    functionText(lib, "tmpfs_root_report"),
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
