import assert from "#assert";
import { unpackTar } from "modern-tar";
import { gunzipSync } from "node:zlib";
import { makeArchive } from "./make_archive.ts";

Deno.test("makeArchive() adds missing parent directories before their first entry", async () => {
  const tar = await makeArchive({ "a/b/c": "x", "a/d": "y", "e/": { type: "directory" } });
  const names = (await unpackTar(tar)).map((e) => `${e.header.type}:${e.header.name}`);
  assert.deepEqual(names, [
    "directory:a/",
    "directory:a/b/",
    "file:a/b/c",
    "file:a/d",
    "directory:e/",
  ]);
});

Deno.test("makeArchive() gzips a real tar archive", async () => {
  const tgz = await makeArchive({ "etc/os-release": "ID=demo\n" }, "gzip");
  const entries = await unpackTar(new Uint8Array(gunzipSync(tgz)));
  assert.equal(new TextDecoder().decode(entries[1]?.data), "ID=demo\n");
});

Deno.test("makeArchive() packs the same entries into the same bytes at any time", async () => {
  const entries = {
    "etc/os-release": "ID=demo\n",
    "bin/sh": { type: "symlink", target: "busybox" },
  } as const;
  const first = await makeArchive(entries, "plain");
  // A tar header's mtime has a resolution of one second.
  await new Promise((resolve) => setTimeout(resolve, 1100));
  assert.deepEqual(await makeArchive(entries, "plain"), first);
});
