// The boot report (report.json) a simulated boot computes: the module's, times and df's counts
// left out.
import assert from "#assert";
import { createHash } from "node:crypto";
import { deterministicReport, REPORT_KEYS } from "@tmpfs-root/model";
import { boot, TAR, TGZ, WEB, withWeb } from "./_testing.ts";

const GOOD = createHash("sha256").update(TGZ).digest("hex");

Deno.test("simulate() reports a boot from a disk: the source, the layer and the tmpfs", async () => {
  const r = await boot("root=tmpfs:/dev/vda1 rd.tmpfs.size=1G rd.tmpfs.imgfile=rootfs.tgz");
  assert.deepEqual(Object.keys(r.report!), REPORT_KEYS);
  assert.deepEqual(deterministicReport(r.report), {
    version: 1,
    result: "ok",
    step: null,
    stepId: null,
    cause: null,
    message: "unpacked into /sysroot",
    source: { spec: "/dev/vda1", kind: "block" },
    layers: [{
      name: "rootfs.tgz",
      from: "rootfs.tgz",
      format: "gzip",
      bytesRead: TGZ.length,
      sha256: null,
      checked: false,
      tries: 1,
    }],
    tmpfs: { options: "size=1G" },
    warnings: [],
  });
});

Deno.test("simulate() reports a download's URL, its tries and the digest it checked", async () => {
  const vm = withWeb({ url: `${WEB}/a.tar`, body: TAR, failFirst: 1, failWith: "refused" });
  const sum = createHash("sha256").update(TAR).digest("hex");
  const r = await boot(`root=tmpfs:${WEB}/a.tar rd.tmpfs.sha256=${sum}`, vm);
  assert.equal(r.report?.result, "ok");
  assert.deepEqual(r.report?.layers.map((l) => [l.from, l.format, l.tries, l.checked, l.sha256]), [
    [`${WEB}/a.tar`, "tar", 2, true, sum],
  ]);
});

Deno.test("simulate() reports a failure: its step, its cause, and the tmpfs as it was before the undo", async () => {
  const early = await boot("root=tmpfs:/dev/vda1 rd.tmpfs.size=3Q");
  assert.deepEqual([early.report?.result, early.report?.stepId, early.report?.source], [
    "failed",
    "params",
    null,
  ]);
  const wrong = await boot(
    `root=tmpfs:/dev/vda1 rd.tmpfs.imgfile=rootfs.tgz rd.tmpfs.sha256=${"0".repeat(64)}`,
  );
  assert.equal(wrong.report?.step, "verify");
  assert.match(wrong.report!.cause!, new RegExp(`rootfs\\.tgz has sha256 ${GOOD}`));
  // The report is written before the undo: the tmpfs was still mounted.
  assert.equal(wrong.report?.tmpfs?.options, "size=50%");
  assert.deepEqual(wrong.report?.layers.map((l) => l.checked), [true]);
});

Deno.test("simulate() writes no report for a boot that is not tmpfs-root's", async () => {
  assert.equal((await boot("root=/dev/sda1")).report, null);
});
