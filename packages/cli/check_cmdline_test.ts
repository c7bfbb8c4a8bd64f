import assert from "#assert";
import { checkCmdline } from "./check_cmdline.ts";

Deno.test("checkCmdline() reports the source and every value, defaults marked", () => {
  const r = checkCmdline('root="tmpfs:LABEL=my disk" rd.tmpfs.size=3G');
  assert.equal(r.ok, true);
  assert.match(r.report, /^source: block device \/dev\/disk\/by-label\/my\\x20disk$/m);
  assert.match(r.report, /^rd\.tmpfs\.size=3G$/m);
  assert.match(r.report, /^rd\.tmpfs\.imgfile=rootfs\.tar\.gz \(default\)$/m);
});

Deno.test("checkCmdline() fails with the console line the boot would print", () => {
  const r = checkCmdline("root=tmpfs:/dev/vda1 rd.tmpfs.onfail=explode");
  assert.equal(r.ok, false);
  assert.match(
    r.report,
    /^tmpfs-root: cmdline failed: invalid rd\.tmpfs\.onfail "explode": expected/,
  );
});

Deno.test("main() simulate prints the trace of a boot", async () => {
  const { main } = await import("./main.ts");
  const lines: string[] = [];
  const log = console.log;
  console.log = (...a: unknown[]) => lines.push(a.join(" "));
  try {
    const code = await main([
      "simulate",
      "--cmdline",
      "root=tmpfs:LABEL=images rd.tmpfs.imgfile=rootfs.tgz",
      "--vm",
      new URL("../simulator/testdata/vm.json", import.meta.url).pathname,
    ]);
    assert.ok(lines.join("\n").length > 0);
    assert.ok(code === 0 || code === 1);
  } finally {
    console.log = log;
  }
});
