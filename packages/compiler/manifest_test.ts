// The emitted manifest reader and the tmpfs's sizing, run as printed under every shell: the
// reader agrees with the model's checkManifest, and the fit step with the model's fitTmpfs,
// humanBytes and tmpfsBytes, on generated manifests, sizes and machines.
import assert from "#assert";
import {
  attributeList,
  ATTRIBUTES,
  checkManifest,
  fitTmpfs,
  fitWords,
  formatManifest,
  humanBytes,
  Lcg,
  type Manifest,
  manifestProblemText,
  MESSAGES,
  mountOptions,
  text,
  tmpfsBytes,
} from "@tmpfs-root/model";
import { runShell, SHELLS } from "@tmpfs-root/shell";
import { functionText } from "./_testing.ts";

const LIB = "tmpfs-root-lib.sh";
const PARAMS = "tmpfs-root-params.sh";
const NAME = "rootfs.tar.zst";
const GOOD: Manifest = {
  archive: NAME,
  format: "zstd",
  compressedBytes: 81234567,
  unpackedBytes: 276480000,
  inodes: 11234,
  sha256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
};

/** Lines manifests are made of: good ones, and every way one can be wrong. */
const LINES = [
  ...formatManifest(GOOD).trimEnd().split("\n"),
  ...formatManifest(GOOD).trimEnd().split("\n"),
  "version=2",
  "version=",
  "archive=other.tar.zst",
  "archive=a b.tar",
  `archive=${"x".repeat(256)}`,
  "format=zip",
  "format=",
  "compressed_bytes=007",
  "unpacked_bytes=0",
  "unpacked_bytes=1x",
  "unpacked_bytes=1234567890123456",
  "unpacked_bytes=123456789012345",
  "inodes=",
  "inodes=-1",
  "sha256=9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08",
  "sha256=abc",
  "attributes=none",
  "attributes=xattrs",
  "attributes=acls,selinux",
  "attributes=xattrs,acls,selinux",
  "attributes=selinux,xattrs",
  "attributes=",
  "attributes=xattrs,",
  "attributes=NONE",
  "future_key=whatever",
  "future_key=again",
  "=value",
  "no equals sign",
  " version=1",
  "version=1\r",
  "# a comment",
  "",
];

/** `count` manifests: good ones with a line changed, dropped or added, and random ones. */
function manifests(count: number): string[] {
  const r = new Lcg(11);
  const good = formatManifest(GOOD).trimEnd().split("\n");
  return Array.from({ length: count }, (_, i) => {
    let lines: string[];
    if (i % 3 === 0) lines = Array.from({ length: 1 + r.int(9) }, () => r.pick(LINES));
    else {
      lines = [...good];
      const at = r.int(lines.length + 1);
      const change = r.int(4);
      if (change === 0) lines.splice(at, 1);
      else if (change === 1) lines.splice(at, 0, r.pick(LINES));
      else if (change === 2) lines[Math.min(at, lines.length - 1)] = r.pick(LINES);
    }
    return lines.join("\n") + (r.int(4) === 0 ? "" : "\n");
  });
}

Deno.test("tmpfs_root_parse_manifest agrees with the model's checkManifest under dash, busybox ash and bash", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const texts = manifests(400);
    for (const [i, t] of texts.entries()) await Deno.writeTextFile(`${dir}/${i}`, t);
    const script = [
      functionText(PARAMS, "tmpfs_root_only"),
      functionText(LIB, "tmpfs_root_parse_manifest"),
      'for f in "$@"; do',
      `  out="$(tmpfs_root_parse_manifest "$f" ${NAME})"; printf '%s %s\\n' "$?" "$out"`,
      "done",
    ].join("\n");
    const want = texts.map((t) => {
      const r = checkManifest(t, NAME);
      return r.kind === "ok"
        ? `0 ${r.manifest.unpackedBytes} ${r.manifest.inodes} ${r.manifest.compressedBytes} ${
          attributeList(r.manifest.attributes ?? ATTRIBUTES)
        } ${r.manifest.archive}`
        : `1 ${manifestProblemText(r.problem)}`;
    });
    // Each kind of answer is there: good ones, and problems of several kinds.
    assert.ok(want.filter((w) => w.startsWith("0 ")).length > 20);
    for (const problem of ["is not key=value", "is given twice", "no version=", "= is not "]) {
      assert.ok(want.some((w) => w.includes(problem)), problem);
    }
    // attributes= is optional: manifests without it, with each kind of value, and bad ones.
    for (const kinds of [" xattrs,acls,selinux ", " xattrs ", " none ", " acls,selinux "]) {
      assert.ok(want.some((w) => w.startsWith("0 ") && w.includes(kinds)), kinds);
    }
    assert.ok(want.some((w) => w.includes("attributes= is not ")));
    for (const [name, shell] of SHELLS) {
      const out = await runShell(shell, script, texts.map((_, i) => `${dir}/${i}`));
      assert.equal(out.stderr, "", name);
      const got = out.stdout.trimEnd().split("\n");
      got.forEach((g, i) => assert.equal(g, want[i], `${name}: ${JSON.stringify(texts[i])}`));
      assert.equal(got.length, texts.length, name);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

Deno.test("tmpfs_root_human and tmpfs_root_size_bytes print what humanBytes and tmpfsBytes give", async () => {
  const bytes = [
    0,
    1,
    1023,
    1024,
    1535,
    1536,
    10 * MiB - 1,
    3.14 * GiB,
    2 * GiB,
    2 ** 50,
    10 ** 15,
  ];
  const sizes = ["1", "4095", "4097", "3G", "512m", "64k", "1%", "50%", "100%", "999999999g"];
  const ram = 8 * GiB + 12345 * 1024;
  const script = [
    functionText(LIB, "tmpfs_root_human"),
    functionText(LIB, "tmpfs_root_count"),
    functionText(LIB, "tmpfs_root_size_bytes"),
    `for b in ${bytes.map((b) => Math.floor(b)).join(" ")}; do tmpfs_root_human "$b"; echo; done`,
    `for s in ${sizes.join(" ")}; do tmpfs_root_size_bytes "$s" ${ram}; echo; done`,
  ].join("\n");
  const want = [
    ...bytes.map((b) => humanBytes(Math.floor(b))),
    // Exact in shell arithmetic; in JavaScript exact below 2^53.
    ...sizes.map((s) => s === "999999999g" ? "1073741822926258176" : String(tmpfsBytes(s, ram))),
  ];
  for (const [name, shell] of SHELLS) {
    const out = await runShell(shell, script);
    assert.equal(out.stderr, "", name);
    assert.deepEqual(out.stdout.trimEnd().split("\n"), want, name);
  }
});

Deno.test("tmpfs_root_step_fit decides the tmpfs's options as the model's fitTmpfs does", async () => {
  const r = new Lcg(5);
  const cases = Array.from({ length: 120 }, () => {
    const ram = r.pick([64 * MiB, 100 * MiB, 1 * GiB, 4 * GiB + 4096, 7 * GiB + 17 * 1024]);
    const given = r.int(2) === 0;
    const size = given ? r.pick(["1G", "256M", "3g", "50%", "100%", "4k", "2147483648"]) : "50%";
    const manifest = r.int(6) === 0 ? null : {
      unpackedBytes: r.pick([0, 1, 4096, 200 * MiB, 1 * GiB, 2 * GiB - 1, 5 * GiB, 10 ** 15]),
      inodes: r.pick([0, 1, 10000, 163840, 999999]),
    };
    const opts = r.pick([
      "",
      "",
      "mode=0700",
      "nr_inodes=50k",
      "nr_inodes=0,huge=within_size",
      "mpol=interleave,nr_inodes=1m,mode=0711",
      "nr_inodes=9",
    ]);
    return { ram, given, size, manifest, opts };
  });
  const want = cases.map((c) => {
    const f = fitTmpfs(c.size, c.given, c.manifest, c.ram, c.opts);
    if (f.kind === "ok") return `0 ${mountOptions(f, c.opts)}`;
    if (f.kind === "tooManyInodes") {
      return `1 ${text(MESSAGES.tooManyInodes(NAME, String(f.inodes), f.limit, String(f.allows)))}`;
    }
    const [hu, ha] = fitWords(f.unpackedBytes, f.allows);
    return `1 ${text(MESSAGES.doesNotFit(NAME, hu, f.limit, ha))}`;
  });
  assert.ok(want.some((w) => w.startsWith("0 size=") && w.includes("nr_inodes")));
  assert.ok(want.some((w) => w.includes("rd.tmpfs.size=")) && want.some((w) => w.includes("RAM")));
  const script = [
    functionText(LIB, "tmpfs_root_human"),
    functionText(LIB, "tmpfs_root_count"),
    functionText(LIB, "tmpfs_root_size_bytes"),
    functionText(LIB, "tmpfs_root_step_fit"),
    'tmpfs_root_ram() { printf %s "$RAM"; }',
    "while read -r RAM tmpfs_root_given_size tmpfs_root_size tmpfs_root_opts tmpfs_root_out_manifest; do",
    '  tmpfs_root_out_manifest="${tmpfs_root_out_manifest#-}" tmpfs_root_opts="${tmpfs_root_opts#-}"',
    '  if tmpfs_root_step_fit; then echo "0 $tmpfs_root_out_fit"; else echo "1 $tmpfs_root_cause"; fi',
    "done <<EOF",
    ...cases.map((c) =>
      `${c.ram} ${c.given ? 1 : 0} ${c.size} -${c.opts} ${
        c.manifest === null ? "-" : `${c.manifest.unpackedBytes} ${c.manifest.inodes} 1 ${NAME}`
      }`
    ),
    "EOF",
  ].join("\n");
  for (const [name, shell] of SHELLS) {
    const out = await runShell(shell, script);
    assert.equal(out.stderr, "", name);
    const got = out.stdout.trimEnd().split("\n");
    got.forEach((g, i) => assert.equal(g, want[i], `${name}: ${JSON.stringify(cases[i])}`));
    assert.equal(got.length, cases.length, name);
  }
});
