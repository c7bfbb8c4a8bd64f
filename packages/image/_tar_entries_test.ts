import assert from "#assert";
import { execFileSync } from "node:child_process";
import {
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  rmSync,
  symlinkSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { MAX_META_BYTES, readTarEntries, type TarEnd, type TarEntry } from "./_tar_entries.ts";
import { craftTar, header } from "./testdata/make_tar.ts";

/** Every entry of `tar` (fed in chunks of `chunk` bytes), with how it ends. */
async function entries(
  tar: Uint8Array,
  chunk = tar.length,
): Promise<{ list: TarEntry[]; end: TarEnd }> {
  const chunks = [];
  for (let at = 0; at < tar.length; at += chunk) chunks.push(tar.subarray(at, at + chunk));
  const list: TarEntry[] = [];
  const end = await readTarEntries(chunks, (e) => list.push(e));
  return { list, end };
}

/** The long name in {@linkcode gnuTar}'s tree: ustar splits it into prefix and name. */
const LONG = `./${"d".repeat(90)}/${"e".repeat(60)}/file`;

/** A tar stream GNU tar makes of a small tree with long names, in `format` (ustar: no long link). */
function gnuTar(format: "gnu" | "posix" | "ustar"): Uint8Array {
  const dir = mkdtempSync("/tmp/tar-entries-test-");
  try {
    mkdirSync(`${dir}/${LONG.slice(0, -"/file".length)}`, { recursive: true });
    writeFileSync(`${dir}/${LONG}`, "x".repeat(1000), { mode: 0o4755 });
    if (format !== "ustar") symlinkSync(`../${"t".repeat(150)}`, `${dir}/link`);
    return execFileSync("tar", [`--format=${format}`, "-C", dir, "-cf", "-", "--sort=name", "."]);
  } finally {
    rmSync(dir, { recursive: true });
  }
}

Deno.test("readTarEntries() reads GNU long names and links, pax paths and ustar prefixes", async () => {
  for (const format of ["gnu", "posix", "ustar"] as const) {
    const tar = gnuTar(format);
    const { list, end } = await entries(tar);
    const file = list.find((e) => e.name === LONG);
    assert.deepEqual(
      { type: file?.type, mode: file?.mode, size: file?.size },
      { type: "file", mode: 0o4755, size: 1000 },
      format,
    );
    const link = list.find((e) => e.name === "./link");
    assert.deepEqual(
      link && [link.type, link.linkname],
      format === "ustar" ? undefined : ["symlink", `../${"t".repeat(150)}`],
      format,
    );
    assert.deepEqual(
      end,
      { kind: "end", member: null, trailing: false, bytes: tar.length },
      format,
    );
  }
});

Deno.test("readTarEntries() gives the same entries whatever the chunk size", async () => {
  const tar = gnuTar("posix");
  const whole = await entries(tar);
  for (const chunk of [1, 7, 511, 513, 4096]) assert.deepEqual(await entries(tar, chunk), whole);
});

Deno.test("readTarEntries() reads pax size, linkpath and the attribute records", async () => {
  const cases: [string, Record<string, string>, Partial<TarEntry>][] = [
    ["a 10,000-byte path", { path: "n".repeat(10000) }, { name: "n".repeat(10000) }],
    ["a linkpath", { linkpath: "/target" }, { linkname: "/target" }],
    ["an xattr", { "SCHILY.xattr.user.x": "1" }, { xattrs: true, acls: false, selinux: false }],
    ["an ACL", { "SCHILY.acl.access": "user::rw-" }, { xattrs: false, acls: true }],
    ["a RHT label", { "RHT.security.selinux": "system_u:object_r:bin_t:s0" }, { selinux: true }],
    [
      "a label as an xattr",
      { "SCHILY.xattr.security.selinux": "system_u:object_r:bin_t:s0" },
      { xattrs: true, selinux: true },
    ],
  ];
  for (const [what, pax, expected] of cases) {
    const type = "linkpath" in pax ? "2" : "0";
    const { list } = await entries(craftTar([{ name: "short", type, pax }]));
    const e = list[0]!;
    const got = Object.fromEntries(Object.keys(expected).map((k) => [k, e[k as keyof TarEntry]]));
    assert.deepEqual(got, expected, what);
  }
});

Deno.test("readTarEntries() tells how a stream ends", async () => {
  const tar = craftTar([{ name: "a", data: "x".repeat(600) }, { name: "b" }]);
  const zero = new Uint8Array(512);
  const cases: [string, Uint8Array, Omit<TarEnd, "bytes">][] = [
    ["whole", tar, { kind: "end", member: null, trailing: false }],
    ["inside a member's data", tar.subarray(0, 1000), {
      kind: "cut",
      member: "a",
      trailing: false,
    }],
    ["inside a header", tar.subarray(0, 1536 + 100), {
      kind: "cut",
      member: null,
      trailing: false,
    }],
    ["between members", tar.subarray(0, 2048), { kind: "cut", member: null, trailing: false }],
    ["one zero block", tar.subarray(0, 2048 + 512), {
      kind: "lone",
      member: null,
      trailing: false,
    }],
    [
      "data after the end",
      new Uint8Array([...tar, ...craftTar([{ name: "c" }])]),
      { kind: "end", member: null, trailing: true },
    ],
    ["zero padding after the end", new Uint8Array([...tar, ...zero]), {
      kind: "end",
      member: null,
      trailing: false,
    }],
    ["empty", new Uint8Array(0), { kind: "cut", member: null, trailing: false }],
  ];
  for (const [what, bytes, expected] of cases) {
    const { end } = await entries(bytes);
    assert.deepEqual(end, { ...expected, bytes: bytes.length }, what);
  }
});

Deno.test("readTarEntries() refuses a bad header, a bad pax record and a huge extended header", async () => {
  const bad = craftTar([{ name: "a" }]);
  bad[0] = 0x62; // the checksum no longer matches
  const huge = header("PaxHeaders/x", "x", 0o644, MAX_META_BYTES + 1);
  const cases: [string, Uint8Array, RegExp][] = [
    ["a bad checksum", bad, /^not a tar stream: a header with a bad checksum at byte 0$/],
    [
      "a bad pax record",
      craftTar([{ name: "a", pax: { path: "x" } }]).fill(0x35, 512, 513),
      /a bad pax record at byte 512/,
    ],
    ["a huge pax header", huge, /a 16777217-byte extended header at byte 0/],
  ];
  for (const [what, bytes, message] of cases) {
    await assert.rejects(
      entries(bytes),
      (e: Error) => e instanceof SyntaxError && message.test(e.message),
      what,
    );
  }
});

Deno.test("readTarEntries() reads a base-256 size and skips the data", async () => {
  const big = header("big", "0", 0o644, 0);
  big.fill(0, 124, 136);
  big[124] = 0x80;
  big[135] = 0x02; // 2 bytes, base 256
  big.fill(0x20, 148, 156);
  const sum = big.reduce((a, b) => a + b, 0);
  big.set(new TextEncoder().encode(`${sum.toString(8).padStart(6, "0")}\x00 `), 148);
  const tar = new Uint8Array([
    ...big,
    ...new Uint8Array(512).fill(0x41, 0, 2),
    ...new Uint8Array(1024),
  ]);
  const { list, end } = await entries(tar);
  assert.deepEqual(list.map((e) => [e.name, e.size]), [["big", 2]]);
  assert.equal(end.kind, "end");
});

Deno.test("readTarEntries() takes the size from a pax record over the header's", async () => {
  const tar = craftTar([
    { name: "a", data: "x".repeat(600), size: 0, pax: { size: "600" } },
    { name: "b" },
  ]);
  const { list, end } = await entries(tar);
  assert.deepEqual(list.map((e) => [e.name, e.size]), [["a", 600], ["b", 0]]);
  assert.equal(end.kind, "end");
});

Deno.test("readTarEntries() gives a sparse file's real size, in each of GNU tar's sparse formats", async () => {
  const dir = mkdtempSync("/tmp/tar-entries-test-");
  try {
    // Ten islands of data: more than the old GNU header's four, so extension blocks follow it.
    const fd = openSync(`${dir}/f`, "w");
    const xyz = new TextEncoder().encode("xyz");
    for (let i = 0; i < 10; i++) writeSync(fd, xyz, 0, 3, 100_000 * i + 1048576 - 900_000 - 3);
    closeSync(fd);
    const formats = [
      ["--format=gnu"],
      ["--format=posix", "--sparse-version=0.0"],
      ["--format=posix", "--sparse-version=0.1"],
      ["--format=posix", "--sparse-version=1.0"],
    ];
    for (const options of formats) {
      const tar = execFileSync("tar", [
        ...options,
        "-S",
        "--hard-dereference",
        "-C",
        dir,
        "-cf",
        "-",
        "f",
        "f",
      ]);
      const { list, end } = await entries(tar);
      assert.deepEqual(list.map((e) => [e.name, e.type, e.size]), [
        ["f", "file", 1048576],
        ["f", "file", 1048576],
      ], options.join(" "));
      assert.equal(end.kind, "end", options.join(" "));
    }
  } finally {
    rmSync(dir, { recursive: true });
  }
});

Deno.test("readTarEntries() keeps only the data asked for", async () => {
  const tar = craftTar([{ name: "keep", data: "kept" }, { name: "skip", data: "skipped" }]);
  const kept: [string, string | undefined][] = [];
  await readTarEntries([tar], (e, data) => {
    kept.push([e.name, data && new TextDecoder().decode(data)]);
  }, (e) => e.name === "keep");
  assert.deepEqual(kept, [["keep", "kept"], ["skip", undefined]]);
});

Deno.test("readTarEntries() reads an old tar's trailing slash as a directory, an unknown type as a file", async () => {
  const { list } = await entries(craftTar([
    { name: "old/", type: "0" },
    { name: "contiguous", type: "7", data: "c" },
    { name: "unknown", type: "Z", data: "z" },
  ]));
  assert.deepEqual(list.map((e) => [e.name, e.type, e.size]), [
    ["old/", "directory", 0],
    ["contiguous", "file", 1],
    ["unknown", "file", 1],
  ]);
});
