import assert from "#assert";
import { readFile } from "node:fs/promises";
import { COMMANDS } from "@tmpfs-root/docs";
import { drawSession, record, WALKTHROUGH, WALKTHROUGH_SVG } from "./walkthrough.ts";

Deno.test("docs/walkthrough.svg is a fresh recording of pack, inspect and cmdline", async () => {
  for (const argv of WALKTHROUGH) assert.ok(COMMANDS.some((c) => c.name === argv[0]), argv[0]);
  const shown = await record();
  assert.match(shown[0]!.output[0]!, /^wrote rootfs\.tar\.zst \(zstd, /);
  assert.equal(shown[1]!.output.at(-1), "boots: yes");
  assert.equal(
    shown[2]!.output.join("\n"),
    "root=tmpfs:LABEL=images rd.tmpfs.size=65M rd.tmpfs.imgfile=rootfs.tar.zst",
  );
  assert.equal(
    drawSession(shown),
    await readFile(WALKTHROUGH_SVG, "utf8"),
    "run: deno run -A tools/walkthrough.ts",
  );
});
