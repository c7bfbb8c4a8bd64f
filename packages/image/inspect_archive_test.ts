import assert from "#assert";
import { execFileSync } from "node:child_process";
import {
  chmodSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { FORMATS } from "@tmpfs-root/model";
import { formatInspection, inspectArchive, type Inspection } from "./inspect_archive.ts";
import { InputError } from "./input_error.ts";
import { type CraftedMember, craftTar } from "./testdata/make_tar.ts";

/** A scratch folder, removed after `fn`. */
async function withTemp(fn: (dir: string) => Promise<void> | void): Promise<void> {
  const dir = mkdtempSync("/tmp/inspect-test-");
  try {
    await fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs a shell command line (for pipelines of tar and a compressor). */
function sh(script: string): void {
  execFileSync("sh", ["-c", script], { stdio: ["ignore", "ignore", "inherit"] });
}

/** Each format's compressor, writing stdout. */
const COMPRESS: Readonly<Record<string, string>> = {
  gzip: "gzip -c",
  xz: "xz -c -T0",
  zstd: "zstd -q -c",
  bzip2: "bzip2 -c",
  lz4: "lz4 -q -c",
  tar: "cat",
};

/**
 * A usr-merged root as distributions ship it: /sbin -> usr/sbin with the
 * init in it, /etc/os-release -> ../usr/lib/os-release, a hard link, an
 * xattr and an ACL, and every mount point.
 */
function makeRoot(root: string): void {
  for (const d of ["usr/sbin", "usr/lib/systemd", "etc", "proc", "sys", "dev", "run", "tmp"]) {
    mkdirSync(`${root}/${d}`, { recursive: true });
  }
  chmodSync(`${root}/tmp`, 0o1777);
  chmodSync(`${root}/proc`, 0o555);
  chmodSync(`${root}/sys`, 0o555);
  symlinkSync("usr/sbin", `${root}/sbin`);
  writeFileSync(`${root}/usr/sbin/init`, "#!/bin/sh\n", { mode: 0o755 });
  linkSync(`${root}/usr/sbin/init`, `${root}/usr/sbin/init.hard`);
  writeFileSync(`${root}/usr/lib/systemd/systemd`, "s".repeat(5000), { mode: 0o755 });
  writeFileSync(`${root}/usr/lib/os-release`, 'NAME=Test\nPRETTY_NAME="Test Linux 1.0"\n');
  symlinkSync("../usr/lib/os-release", `${root}/etc/os-release`);
  execFileSync("setfattr", ["-n", "user.tmpfs-root", "-v", "kept", `${root}/usr/lib/os-release`]);
  execFileSync("setfacl", ["-m", "u:4321:r", `${root}/usr/sbin/init`]);
}

/** The page counts of {@linkcode makeRoot}'s tree. */
const ROOT_DIRECTORIES = 11; // . usr usr/sbin usr/lib usr/lib/systemd etc proc sys dev run tmp
const ROOT_SYMLINKS = 2; // sbin, etc/os-release
const ROOT_FILE_PAGES = 1 + 2 + 1; // init, systemd (5000 bytes), os-release; the hard link none

Deno.test("inspectArchive() reads a real archive in each format", async () => {
  await withTemp(async (dir) => {
    makeRoot(`${dir}/root`);
    for (const format of FORMATS) {
      const out = `${dir}/root.${format}`;
      sh(
        `tar --format=posix --xattrs --acls -C ${dir}/root -cf - . | ${COMPRESS[format]} > ${out}`,
      );
      const i = await inspectArchive(out);
      assert.deepEqual({
        format: i.format,
        compressedBytes: i.compressedBytes,
        unpackedBytes: i.unpackedBytes,
        entries: i.entries,
        inodes: i.inodes,
        complete: i.complete,
        attributes: i.attributes,
        init: i.init,
        osRelease: i.osRelease,
        recommendedSize: i.recommendedSize,
        problems: i.problems,
        warnings: i.warnings,
        boots: i.boots,
      }, {
        format,
        compressedBytes: statSync(out).size,
        unpackedBytes: (ROOT_DIRECTORIES + ROOT_SYMLINKS + ROOT_FILE_PAGES) * 4096,
        entries: 17,
        inodes: 16,
        complete: true,
        attributes: { xattrs: true, acls: true, selinux: false },
        init: { path: "/sbin/init", file: "/usr/sbin/init", executable: true },
        osRelease: { path: "/usr/lib/os-release", prettyName: "Test Linux 1.0" },
        recommendedSize: "65M",
        problems: [],
        warnings: [],
        boots: true,
      }, format);
    }
  });
});

/** A small bootable root written member by member. */
const ROOT: readonly CraftedMember[] = [
  { name: "./", type: "5" },
  { name: "./proc/", type: "5", mode: 0o555 },
  { name: "./sys/", type: "5", mode: 0o555 },
  { name: "./dev/", type: "5" },
  { name: "./run/", type: "5" },
  { name: "./tmp/", type: "5", mode: 0o1777 },
  { name: "./etc/", type: "5" },
  { name: "./etc/os-release", data: 'PRETTY_NAME="Crafted Linux 1"\n' },
  { name: "./sbin/", type: "5" },
  { name: "./sbin/init", mode: 0o755, data: "#!/bin/sh\n" },
];

/** {@linkcode ROOT} without the members named. */
function rootWithout(...names: string[]): CraftedMember[] {
  return ROOT.filter((m) => !names.includes(m.name));
}

/** Inspects a crafted tar stream written to a file (compressed with `format`). */
async function inspectCrafted(
  members: readonly CraftedMember[],
  options: { end?: boolean; init?: string; format?: string; after?: Uint8Array } = {},
): Promise<Inspection> {
  let result: Inspection | undefined;
  await withTemp(async (dir) => {
    const tar = craftTar(members, options.end ?? true);
    writeFileSync(`${dir}/raw`, new Uint8Array([...tar, ...(options.after ?? [])]));
    sh(`${COMPRESS[options.format ?? "tar"]} < ${dir}/raw > ${dir}/archive`);
    result = await inspectArchive(`${dir}/archive`, options.init ? { init: options.init } : {});
  });
  return result!;
}

/** The fields of `i` named in `expected`. */
function pick(i: Inspection, expected: Partial<Inspection>): Partial<Inspection> {
  return Object.fromEntries(Object.keys(expected).map((k) => [k, i[k as keyof Inspection]]));
}

const UNSAFE_PROBLEM = /^The archive has (1 unsafe entry:|\d+ unsafe entries, the first) "/;

Deno.test("inspectArchive() judges crafted archives", async (t) => {
  const cases: {
    name: string;
    members: readonly CraftedMember[];
    init?: string;
    expected: Partial<Inspection>;
  }[] = [
    {
      name: "inspectArchive() counts a bootable root exactly",
      members: ROOT,
      expected: {
        compressedBytes: 8 * 512 + 2 * 1024 + 1024,
        unpackedBytes: 10 * 4096,
        entries: 10,
        inodes: 10,
        init: { path: "/sbin/init", file: "/sbin/init", executable: true },
        osRelease: { path: "/etc/os-release", prettyName: "Crafted Linux 1" },
        mountPoints: [
          { path: "/proc", present: true, mode: "0555", sane: true },
          { path: "/sys", present: true, mode: "0555", sane: true },
          { path: "/dev", present: true, mode: "0755", sane: true },
          { path: "/run", present: true, mode: "0755", sane: true },
          { path: "/tmp", present: true, mode: "1777", sane: true },
        ],
        problems: [],
        warnings: [],
        boots: true,
      },
    },
    {
      name: "inspectArchive() lists an absolute member name as unsafe",
      members: [...ROOT, { name: "/etc/passwd" }],
      expected: {
        unsafe: [{ name: "/etc/passwd", target: null, reason: "an absolute name" }],
        boots: false,
      },
    },
    {
      name: "inspectArchive() lists a name with .. as unsafe and leaves it out of the tree",
      members: [...ROOT, { name: "./etc/../../x", data: "x" }],
      expected: {
        unsafe: [{ name: "./etc/../../x", target: null, reason: "a .. component in its name" }],
        unpackedBytes: 10 * 4096,
        boots: false,
      },
    },
    {
      name:
        "inspectArchive() lists a symbolic link that climbs above the root, not an absolute one",
      members: [
        ...ROOT,
        { name: "./etc/escape", type: "2", linkname: "../../x" },
        { name: "./etc/inside", type: "2", linkname: "../sbin/init" },
        { name: "./etc/absolute", type: "2", linkname: "/etc/passwd" },
      ],
      expected: {
        unsafe: [{
          name: "./etc/escape",
          target: "../../x",
          reason: "a symbolic link above the root",
        }],
        unpackedBytes: 13 * 4096,
      },
    },
    {
      name: "inspectArchive() lists hard links to an absolute path or out of the root",
      members: [
        ...ROOT,
        { name: "./etc/h1", type: "1", linkname: "/sbin/init" },
        { name: "./etc/h2", type: "1", linkname: "etc/../../sbin/init" },
        { name: "./etc/h3", type: "1", linkname: "./sbin/init" },
      ],
      expected: {
        unsafe: [
          { name: "./etc/h1", target: "/sbin/init", reason: "a hard link to an absolute path" },
          {
            name: "./etc/h2",
            target: "etc/../../sbin/init",
            reason: "a hard link out of the root",
          },
        ],
        brokenHardLinks: [],
        unpackedBytes: 10 * 4096,
        inodes: 10,
        entries: 13,
      },
    },
    {
      name: "inspectArchive() reports a hard link to a name no earlier member has",
      members: [...ROOT, { name: "./etc/h", type: "1", linkname: "./etc/later" }, {
        name: "./etc/later",
      }],
      expected: {
        brokenHardLinks: ["./etc/h"],
        problems: [
          '"./etc/h" is a hard link to a name no earlier member has: tar fails to make it.',
        ],
      },
    },
    {
      name: "inspectArchive() lists setuid and setgid files, not setgid directories",
      members: [
        ...ROOT,
        { name: "./usr/bin/su", mode: 0o4755 },
        { name: "./usr/bin/wall", mode: 0o2755 },
        { name: "./var/mail/", type: "5", mode: 0o2775 },
      ],
      expected: {
        setuid: ["/usr/bin/su", "/usr/bin/wall"],
        warnings: ["2 setuid or setgid files: check that each is meant to be."],
        boots: true,
      },
    },
    {
      name: "inspectArchive() counts device nodes and FIFOs, which take no pages",
      members: [
        ...ROOT,
        { name: "./dev/null", type: "3", mode: 0o666 },
        { name: "./dev/sda", type: "4", mode: 0o660 },
        { name: "./run/initctl", type: "6", mode: 0o600 },
      ],
      expected: { devices: 2, fifos: 1, unpackedBytes: 10 * 4096, inodes: 13, boots: true },
    },
    {
      name: "inspectArchive() reads a 10,000-byte member name from a pax header",
      members: [...ROOT, {
        name: "./short",
        mode: 0o4755,
        pax: { path: `./${"n".repeat(10000)}` },
      }],
      expected: { setuid: [`/${"n".repeat(10000)}`], entries: 11, inodes: 11 },
    },
    {
      name: "inspectArchive() notes xattrs, ACLs and SELinux labels in pax records",
      members: [
        ...ROOT,
        { name: "./a", pax: { "SCHILY.xattr.user.x": "1" } },
        { name: "./b", pax: { "SCHILY.acl.access": "user::rw-,group::r--,other::r--" } },
        { name: "./c", pax: { "RHT.security.selinux": "system_u:object_r:etc_t:s0" } },
      ],
      expected: { attributes: { xattrs: true, acls: true, selinux: true } },
    },
    {
      name: "inspectArchive() finds no attributes where there are none",
      members: ROOT,
      expected: { attributes: { xattrs: false, acls: false, selinux: false } },
    },
    {
      name: "inspectArchive() reports a missing /proc and /run",
      members: rootWithout("./proc/", "./run/"),
      expected: {
        problems: [
          "There is no /proc directory: switch-root moves the initramfs's /proc there.",
          "There is no /run directory: switch-root moves the initramfs's /run there.",
        ],
        boots: false,
      },
    },
    {
      name: "inspectArchive() warns of a /tmp without 1777 and a /run others may write",
      members: [
        ...rootWithout("./tmp/", "./run/"),
        { name: "./tmp/", type: "5", mode: 0o755 },
        { name: "./run/", type: "5", mode: 0o777 },
      ],
      expected: {
        warnings: [
          "/tmp has mode 0755, not 1777.",
          "/run has mode 0777: group or others may write to it.",
        ],
        boots: true,
      },
    },
    {
      name: "inspectArchive() warns of a missing /tmp and os-release",
      members: rootWithout("./tmp/", "./etc/os-release"),
      expected: {
        osRelease: null,
        warnings: [
          "There is no /tmp directory: give the root one with mode 1777.",
          "There is no /etc/os-release or /usr/lib/os-release: systemd in the initramfs refuses to switch root into the tree.",
        ],
        boots: true,
      },
    },
    {
      name: "inspectArchive() reports an init that is not executable",
      members: [...rootWithout("./sbin/init"), { name: "./sbin/init", mode: 0o644 }],
      expected: {
        init: { path: "/sbin/init", file: "/sbin/init", executable: false },
        problems: ['The init "/sbin/init" is not executable.'],
      },
    },
    {
      name:
        "inspectArchive() follows /sbin/init -> ../lib/systemd/systemd through a usr-merged /lib",
      members: [
        ...rootWithout("./sbin/init"),
        { name: "./lib", type: "2", linkname: "usr/lib" },
        { name: "./usr/lib/systemd/systemd", mode: 0o755, data: "s" },
        { name: "./sbin/init", type: "2", linkname: "../lib/systemd/systemd" },
      ],
      expected: {
        init: { path: "/sbin/init", file: "/usr/lib/systemd/systemd", executable: true },
        boots: true,
      },
    },
    {
      name: "inspectArchive() resolves an absolute link target inside the archive",
      members: [
        ...rootWithout("./sbin/init", "./etc/os-release"),
        { name: "./usr/lib/systemd/systemd", mode: 0o755 },
        { name: "./sbin/init", type: "2", linkname: "/usr/lib/systemd/systemd" },
        { name: "./usr/lib/os-release", data: "PRETTY_NAME='Quoted \\'one\\''\n" },
        { name: "./etc/os-release", type: "2", linkname: "/usr/lib/os-release" },
      ],
      expected: {
        init: { path: "/sbin/init", file: "/usr/lib/systemd/systemd", executable: true },
        osRelease: { path: "/usr/lib/os-release", prettyName: "Quoted 'one'" },
        unsafe: [],
      },
    },
    {
      name: "inspectArchive() finds /usr/lib/systemd/systemd when /sbin/init is missing",
      members: [...rootWithout("./sbin/init"), { name: "./usr/lib/systemd/systemd", mode: 0o755 }],
      expected: {
        init: {
          path: "/usr/lib/systemd/systemd",
          file: "/usr/lib/systemd/systemd",
          executable: true,
        },
      },
    },
    {
      name: "inspectArchive() gives up on a symbolic link loop",
      members: [
        ...rootWithout("./sbin/init"),
        { name: "./sbin/init", type: "2", linkname: "init2" },
        { name: "./sbin/init2", type: "2", linkname: "/sbin/init" },
      ],
      expected: {
        init: null,
        problems: [
          "There is no init: /sbin/init or /usr/lib/systemd/systemd is not a file of the archive (name another one with init=).",
        ],
      },
    },
    {
      name: "inspectArchive() looks for the init named in options.init only",
      members: ROOT,
      init: "/opt/init",
      expected: {
        init: null,
        problems: [
          "There is no init: /opt/init is not a file of the archive (name another one with init=).",
        ],
      },
    },
    {
      name: "inspectArchive() finds the init named in options.init",
      members: [...ROOT, { name: "./opt/init", mode: 0o700 }],
      init: "/opt/init",
      expected: { init: { path: "/opt/init", file: "/opt/init", executable: true }, boots: true },
    },
    {
      name: "inspectArchive() counts a member given twice once, as tar leaves the later one",
      members: [...ROOT, { name: "./big", data: "b".repeat(9000) }, { name: "./big", data: "b" }],
      expected: { unpackedBytes: 11 * 4096, inodes: 11, entries: 12 },
    },
  ];
  for (const c of cases) {
    await t.step(c.name, async () => {
      const i = await inspectCrafted(c.members, c.init ? { init: c.init } : {});
      assert.deepEqual(pick(i, c.expected), c.expected);
      assert.equal(i.boots, i.problems.length === 0);
      if (i.unsafe.length > 0) assert.match(i.problems.at(-1)!, UNSAFE_PROBLEM);
    });
  }
});

Deno.test("inspectArchive() tells a truncated stream from a whole one", async (t) => {
  const blocks = craftTar(ROOT);
  // Where ./sbin/init's data starts: the members before it, and its header.
  const initData = craftTar(ROOT.slice(0, -1), false).length + 512;
  const cases: [string, Uint8Array, string][] = [
    [
      "inside a member",
      blocks.subarray(0, initData + 8),
      'The archive is truncated: its tar stream ends inside "./sbin/init".',
    ],
    [
      "without its end-of-archive blocks",
      blocks.subarray(0, blocks.length - 1024),
      "The archive is truncated: its tar stream ends without its end-of-archive blocks.",
    ],
    [
      "after one zero block",
      blocks.subarray(0, blocks.length - 512),
      "The archive is truncated: its tar stream ends after one zero block instead of the two that end an archive.",
    ],
  ];
  for (const [what, bytes, problem] of cases) {
    await t.step(`inspectArchive() reports a tar stream cut ${what}`, async () => {
      await withTemp(async (dir) => {
        writeFileSync(`${dir}/cut.tar`, bytes);
        const i = await inspectArchive(`${dir}/cut.tar`);
        assert.deepEqual([i.complete, i.boots, i.problems[0]], [false, false, problem]);
      });
    });
  }
  await t.step("inspectArchive() reports a compressed stream cut short", async () => {
    await withTemp(async (dir) => {
      makeRoot(`${dir}/root`);
      sh(`tar -C ${dir}/root -cf - . | zstd -q -c | head -c 300 > ${dir}/cut.tar.zst`);
      const i = await inspectArchive(`${dir}/cut.tar.zst`);
      assert.equal(i.complete, false);
      assert.match(
        i.problems[0]!,
        /^The archive is truncated: its tar stream .* \(zstd says ".*premature end.*"\)\.$/,
      );
    });
  });
  await t.step("inspectArchive() warns of data after the end-of-archive blocks", async () => {
    const i = await inspectCrafted(ROOT, { after: craftTar([{ name: "./more" }]) });
    assert.deepEqual([i.complete, i.boots, i.entries], [true, true, 10]);
    assert.deepEqual(i.warnings, [
      "Data follows the end-of-archive blocks: tar ignores it (concatenated archives?).",
    ]);
  });
});

Deno.test("inspectArchive() refuses what is not a readable archive, naming it", async (t) => {
  await withTemp(async (dir) => {
    writeFileSync(`${dir}/garbage`, "hello, this is not an archive".repeat(20));
    writeFileSync(`${dir}/empty`, "");
    sh(`gzip -c < ${dir}/garbage > ${dir}/garbage.gz`);
    makeRoot(`${dir}/root`);
    sh(`tar -C ${dir}/root -cf - . | zstd -q -c > ${dir}/good.tar.zst`);
    const good = readFileSync(`${dir}/good.tar.zst`);
    good.fill(0x55, 100, 140);
    writeFileSync(`${dir}/corrupt.tar.zst`, good);
    const cases: [string, string, RegExp, { init?: string }?][] = [
      [
        "garbage",
        "garbage",
        /^Invalid archive ".*\/garbage": not gzip, xz, zstd, bzip2, lz4 or tar \(it starts with 68 65 6c 6c 6f 2c 20 74\)$/,
      ],
      ["an empty file", "empty", /^Invalid archive ".*\/empty": the file is empty$/],
      ["a missing file", "missing", /^Cannot read archive ".*\/missing": no such file$/],
      ["a directory", "root", /^Cannot read archive ".*\/root": it is a directory$/],
      [
        "a compressed file that is not a tar stream",
        "garbage.gz",
        /^Invalid archive ".*\/garbage.gz": not a tar stream: a header with a bad checksum at byte 0 \(after gzip decompression\)$/,
      ],
      [
        "a corrupt zstd stream",
        "corrupt.tar.zst",
        /^Cannot decompress ".*\/corrupt.tar.zst" \(zstd\): \/\*stdin\*\\ : .+$/,
      ],
      [
        "a relative init",
        "good.tar.zst",
        /^Invalid init "sbin\/init": expected an absolute path$/,
        { init: "sbin/init" },
      ],
    ];
    const refused = (message: RegExp) => (e: Error) =>
      e instanceof InputError && message.test(e.message) && !e.message.includes("\n");
    for (const [what, file, message, options] of cases) {
      await t.step(`inspectArchive() refuses ${what}`, async () => {
        await assert.rejects(inspectArchive(`${dir}/${file}`, options), refused(message));
      });
    }
    await t.step("inspectArchive() says when the decompressor is not installed", async () => {
      const path = process.env.PATH;
      process.env.PATH = dir; // no zstd here
      try {
        await assert.rejects(
          inspectArchive(`${dir}/good.tar.zst`),
          refused(/^Cannot decompress ".*\/good.tar.zst" \(zstd\): zstd is not installed$/),
        );
      } finally {
        process.env.PATH = path;
      }
    });
  });
});

Deno.test("formatInspection() prints a root that boots in aligned lines", async () => {
  const report = formatInspection(await inspectCrafted(ROOT, { format: "tar" }));
  assert.equal(
    report.replace(/^archive: .*$/m, "archive:       ARCHIVE"),
    [
      "archive:       ARCHIVE",
      "format:        tar",
      "compressed:    7168 bytes (7.0 KiB)",
      "unpacked:      40960 bytes (40.0 KiB)",
      "entries:       10 (10 inodes)",
      "init:          /sbin/init",
      "os-release:    Crafted Linux 1",
      "mount points:  /proc 0555, /sys 0555, /dev 0755, /run 0755, /tmp 1777",
      "attributes:    none",
      "special files: 0 device nodes, 0 FIFOs",
      "unsafe:        none",
      "setuid:        none",
      "size:          rd.tmpfs.size=65M",
      "boots: yes",
    ].join("\n"),
  );
});

Deno.test("formatInspection() escapes control characters and bytes that are not UTF-8", async () => {
  // The name is bytes: U+202E, the right-to-left override, is e2 80 ae in UTF-8.
  const evil = "./etc/\x1b[2Jred\xff\xfe\xe2\x80\xae\n";
  const i = await inspectCrafted([...ROOT, { name: evil, mode: 0o4755 }, {
    name: "./etc/caf\xc3\xa9",
    mode: 0o4755,
  }]);
  // Lossless in the data: the bytes that are not UTF-8 are lone surrogates, JSON keeps them.
  assert.deepEqual(i.setuid, ["/etc/\x1b[2Jred\udcff\udcfe\u202e\n", "/etc/café"]);
  assert.deepEqual(JSON.parse(JSON.stringify(i)), i);
  const report = formatInspection(i);
  assert.match(
    report,
    /^setuid: {8}2 files\n {17}"\/etc\/\\x1b\[2Jred\\xff\\xfe\\u202e\\x0a"\n {17}"\/etc\/café"$/m,
  );
  // deno-lint-ignore no-control-regex
  assert.doesNotMatch(report, /[\x00-\x09\x0b-\x1f\x7f\u202e\ud800-\udfff]/u);
});

Deno.test("formatInspection() lists ten unsafe entries and says how many more", async () => {
  const members = Array.from({ length: 12 }, (_, n) => ({ name: `/abs${n}` }));
  const i = await inspectCrafted([...ROOT, ...members]);
  const lines = formatInspection(i).split("\n");
  const at = lines.indexOf("unsafe:        12 entries");
  assert.deepEqual(lines.slice(at + 1, at + 12), [
    ...members.slice(0, 10).map((m) => `                 "${m.name}": an absolute name`),
    "                 and 2 more",
  ]);
  assert.equal(
    lines.at(-1),
    'would not boot: The archive has 12 unsafe entries, the first "/abs0" (an absolute name).',
  );
});

Deno.test("inspectArchive() reads a 4 GiB archive in little memory", async () => {
  await withTemp((dir) => {
    // A sparse 4 GiB file of zeros: GNU tar reads it as data (no -S), zstd squeezes it to ~150 KiB.
    execFileSync("truncate", ["-s", String(4 * 1024 ** 3), `${dir}/zeros`]);
    sh(`tar -b 2048 -C ${dir} -cf - zeros | zstd -1 -T0 -q -c > ${dir}/big.tar.zst`);
    const script = fileURLToPath(new URL("./testdata/inspect_peak.ts", import.meta.url));
    const config = fileURLToPath(new URL("../../deno.json", import.meta.url));
    const out = execFileSync(Deno.execPath(), [
      "run",
      "-A",
      "--config",
      config,
      script,
      `${dir}/big.tar.zst`,
    ]);
    const result = JSON.parse(new TextDecoder().decode(out));
    console.log(
      `4 GiB archive: ${result.ms} ms, peak ${(result.peakBytes / 1024 ** 2).toFixed(0)} MiB`,
    );
    // The file and the root directory; every byte of the 4 GiB went through the reader.
    assert.equal(result.unpackedBytes, 4 * 1024 ** 3 + 4096);
    assert.equal(result.complete, true);
    assert.equal(result.entries, 1);
    // Deno itself takes 40 to 100 MiB; 256 MiB leaves room for buffers and a slow
    // reader, and is a sixteenth of what reading the archive into memory would take.
    assert.ok(result.peakBytes < 256 * 1024 ** 2, `peak ${result.peakBytes} bytes`);
  });
});
