import assert from "#assert";
import { ROOT_ENTRIES, TAR, TGZ } from "./_testing.ts";
import { makeArchive } from "./make_archive.ts";
import { openArchive } from "./open_archive.ts";

Deno.test("openArchive() reads entries with modes, owners, links and xattrs", async () => {
  const bytes = await makeArchive({
    "./etc/shadow": { data: "root:*:1::::::\n", mode: 0o640, uid: 0, gid: 42 },
    "etc/hostname": {
      data: "demo\n",
      xattrs: { "security.selinux": "system_u:object_r:etc_t:s0" },
    },
    "bin/sh": { type: "symlink", target: "busybox" },
    "srv": { type: "directory", mode: 0o700 },
  }, "gzip");
  const r = await openArchive(bytes);
  assert.equal(r.kind, "ok");
  if (r.kind !== "ok") return;
  assert.equal(r.format, "gzip");
  assert.deepEqual([...r.files.keys()], [
    "/etc",
    "/etc/shadow",
    "/etc/hostname",
    "/bin",
    "/bin/sh",
    "/srv",
  ]);
  assert.equal(r.files.get("/etc/shadow")?.mode, 0o640);
  assert.equal(r.files.get("/etc/shadow")?.gid, 42);
  assert.deepEqual(r.files.get("/etc/hostname")?.xattrs, {
    "security.selinux": "system_u:object_r:etc_t:s0",
  });
  assert.equal(r.files.get("/bin/sh")?.type, "symlink");
  assert.equal(r.files.get("/srv")?.mode, 0o700);
  assert.equal(r.size, 2 * 4096);
});

Deno.test("openArchive() caches the result for the same bytes", async () => {
  assert.equal(openArchive(TGZ), openArchive(TGZ));
  const copy = openArchive(TGZ.slice());
  assert.notEqual(openArchive(TGZ), copy);
  assert.deepEqual(await copy, await openArchive(TGZ));
});

const DAMAGE: readonly (readonly [string, Uint8Array, string])[] = [
  ["a gzip archive cut short", TGZ.slice(0, 30), "truncated"],
  ["a plain archive cut in an entry", TAR.slice(0, 1000), "truncated"],
  [
    "a gzip archive with a damaged stream",
    TGZ.map((b, i) => i > 20 && i < 40 ? b ^ 0x55 : b),
    "corrupt",
  ],
  ["a plain archive with a bad header checksum", TAR.map((b, i) => i === 0 ? b ^ 1 : b), "corrupt"],
  ["a text file", new TextEncoder().encode("not an archive"), "unknown"],
];

for (const [name, bytes, kind] of DAMAGE) {
  Deno.test(`openArchive() calls ${name} ${kind}`, async () => {
    assert.equal((await openArchive(bytes)).kind, kind);
  });
}

for (const format of ["xz", "zstd", "bzip2", "lz4"] as const) {
  Deno.test({
    name: `openArchive() calls a ${format} archive cut in half truncated`,

    async fn() {
      const bytes = await makeArchive(ROOT_ENTRIES, format);
      const r = await openArchive(bytes.slice(0, Math.floor(bytes.length / 2)));
      assert.equal(r.kind, "truncated");
      assert.equal(r.kind === "truncated" && r.format, format);
    },
  });
}

Deno.test("openArchive() counts what tar writes before a cut, as a tmpfs would hold it", async () => {
  const bytes = await makeArchive({ a: "x", b: new Uint8Array(10_000), c: "z" }, "gzip");
  const whole = await openArchive(bytes);
  assert.equal(whole.kind === "ok" && whole.size, 4096 + 12288 + 4096);
  // The plain stream cut inside b's data: a whole, b partly (as gzip wrote it).
  const plain = await makeArchive({ a: "x", b: new Uint8Array(10_000), c: "z" }, "plain");
  const cut = await openArchive(plain.slice(0, 512 * 2 + 512 + 6000));
  assert.deepEqual(cut.kind === "truncated" && cut.written, 4096 + 8192);
});
