import assert from "#assert";
import {
  BOOT,
  hostileCmdlines,
  LAYERS_MAX,
  PARAMS,
  parseParams,
  PROGRAM_PACKAGES,
  SOURCES,
  TOOLS_DIR,
} from "@tmpfs-root/model";
import { requireProgram, runShell, SHELLS } from "@tmpfs-root/shell";
import { compileModule } from "./compile_module.ts";
import { MODULE } from "./_testing.ts";
import { BUILTINS, commandNames, DRACUT_FUNCTIONS } from "./_tools.ts";

const mod = compileModule(BOOT);
const scripts = mod.files.filter((f) => f.path.endsWith(".sh"));
/** The command-line reader (runnable here): the library sources it; tests source it alone. */
const lib = MODULE.get("tmpfs-root-params.sh")!;

Deno.test("compileModule() makes every hook, the generator, the units and module-setup.sh", () => {
  const paths = mod.files.map((f) => f.path);
  for (
    const p of [
      "module-setup.sh",
      "tmpfs-root-lib.sh",
      "tmpfs-root-params.sh",
      "tmpfs-root-cmdline.sh",
      "tmpfs-root-mount.sh",
      "tmpfs-root-pre-pivot.sh",
      "tmpfs-root-generator.sh",
      "tmpfs-root.service",
      "sysroot.mount",
    ]
  ) assert.ok(paths.includes(p), p);
  for (const f of scripts) assert.ok(f.text.startsWith("#!/bin/sh\n"), f.path);
});

Deno.test("compileModule() derives the programs to install from the emitted scripts", () => {
  for (const p of ["mount", "umount", "tar", "mktemp", "od"]) {
    assert.ok(mod.required.includes(p), p);
  }
  assert.deepEqual([...mod.optional].sort(), ["bzip2", "gzip", "lz4", "pigz", "xz", "zstd"]);
  assert.ok(!mod.required.includes("curl"), "curl comes with url-lib, for HTTP sources only");
  const setup = mod.files.find((f) => f.path === "module-setup.sh")!.text;
  // However the printer wraps the line, check and install name exactly the required programs.
  const joined = setup.replace(/ \\\n\s*/g, " ");
  assert.match(joined, new RegExp(`require_binaries ${mod.required.join(" ")} \\|\\|`));
  assert.equal(joined.split(`for t in ${mod.required.join(" ")}; do`).length, 3);
  assert.match(joined, /\*' http '\*\)\s+tmpfs_root_inst_tool curl \|\| :/);
  assert.ok(!mod.required.includes("tmpfs_root_scan"));
});

Deno.test("the hooks run every program by its path under TOOLS_DIR, never by a name an applet could take", () => {
  const hooks = Object.entries(mod.scripts).filter(([path]) => path !== "module-setup.sh");
  const names = commandNames(hooks.map(([, s]) => s));
  // What is left by name: the shells' builtins and dracut's functions (systemctl is systemd's).
  const byName = names.filter((n) => !n.startsWith("/") && !n.startsWith("tmpfs_root_"));
  assert.deepEqual(byName.filter((n) => !BUILTINS.has(n) && !DRACUT_FUNCTIONS.has(n)), []);
  assert.ok(byName.includes("printf") && !BUILTINS.has("tar"));
  const routed = names.filter((n) => n.startsWith(`${TOOLS_DIR}/`)).map((n) =>
    n.slice(TOOLS_DIR.length + 1)
  );
  assert.deepEqual(routed, [...mod.required, ...mod.optional, "curl", "openssl"].sort());
  // Every program has a package for the messages that say what to install.
  for (const p of routed) assert.ok(PROGRAM_PACKAGES[p] !== undefined, p);
});

Deno.test("every generated file parses with dash -n, busybox sh -n and bash -n", async () => {
  for (const f of scripts) {
    for (const shell of [["dash"], ["busybox", "sh"], ["bash"]]) {
      await requireProgram(shell[0]!);
      const out = await new Deno.Command(shell[0]!, {
        args: [...shell.slice(1), "-n"],
        stdin: "piped",
        stderr: "piped",
      }).spawn();
      const w = out.stdin.getWriter();
      await w.write(new TextEncoder().encode(f.text));
      await w.close();
      const r = await out.output();
      assert.equal(
        r.code,
        0,
        `${shell.join(" ")} -n ${f.path}: ${new TextDecoder().decode(r.stderr)}`,
      );
    }
  }
});

Deno.test("every generated file is clean under shellcheck -s sh", async () => {
  await requireProgram("shellcheck");
  const dir = await Deno.makeTempDir();
  try {
    for (const f of scripts) await Deno.writeTextFile(`${dir}/${f.path}`, f.text);
    const out = await new Deno.Command("shellcheck", {
      args: ["-s", "sh", "-S", "style", ...scripts.map((f) => `${dir}/${f.path}`)],
    }).output();
    assert.equal(out.code, 0, new TextDecoder().decode(out.stdout));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** What the emitted parser leaves behind, one field per line, for comparison with the model. */
const FIELDS = [
  "rc",
  "tmpfs_root_cause",
  ...PARAMS.filter((p) => p.kind !== "source").map((p) => `tmpfs_root_${p.key}`),
  "tmpfs_root_kind",
  "tmpfs_root_spec",
  "tmpfs_root_device",
  "tmpfs_root_fstype",
  "tmpfs_root_target",
  "tmpfs_root_options",
  "tmpfs_root_url",
];

/** What the model reads from a command line, in an initramfs with public keys or without. */
function expected(line: string, keys = false): string[] {
  const r = parseParams(line, SOURCES, { keys });
  const blank = FIELDS.map(() => "");
  if (r.kind === "inactive") return ["2", ...blank.slice(1)];
  if (r.kind === "invalid") return ["1", r.message, ...blank.slice(2)];
  const s = r.params.source;
  const values = PARAMS.filter((p) => p.kind !== "source").map((p) => r.params.values[p.key]!);
  return [
    "0",
    "",
    ...values,
    s.kind,
    s.spec,
    s.kind === "block" ? s.device : "",
    s.kind === "nfs" ? s.fstype : "",
    s.kind === "nfs" ? `${s.server}:${s.export}` : "",
    s.kind === "nfs" ? s.options : "",
    s.kind === "http" ? s.url : "",
  ];
}

/**
 * Runs the emitted parser on many command lines in one shell process, in an
 * initramfs with public keys or without.
 */
async function shellParse(
  shell: readonly string[],
  lines: readonly string[],
  locale = "C",
  keys = false,
) {
  const harness = [
    lib,
    // The test replaces only where the command line comes from, and whether there are keys.
    // Read as the module reads a file: trailing newlines dropped by $(...).
    'tmpfs_root_cmdline_text() { printf %s "$(printf %s "$CMDLINE")"; }',
    `tmpfs_root_has_keys() { return ${keys ? 0 : 1}; }`,
    "pwned() { echo PWNED >&2; }",
    'for CMDLINE in "$@"; do',
    "  tmpfs_root_kind= tmpfs_root_spec= tmpfs_root_device= tmpfs_root_fstype= tmpfs_root_target= tmpfs_root_options= tmpfs_root_url= tmpfs_root_cause=",
    ...PARAMS.filter((p) => p.kind !== "source").map((p) => `  tmpfs_root_${p.key}=`),
    "  tmpfs_root_read_params; rc=$?",
    `  for f in ${FIELDS.map((f) => `"$${f}"`).join(" ")}; do printf '%s\\036' "$f"; done`,
    "  printf '\\035'",
    "done",
  ].join("\n");
  return await runShell(shell, harness, lines, locale);
}

Deno.test("the emitted parameter parser agrees with the model on hostile command lines", async () => {
  const lines = hostileCmdlines(80);
  const want = lines.map((l) => expected(l));
  for (const [name, shell] of SHELLS) {
    const out = await shellParse(shell, lines);
    assert.equal(out.stderr.includes("PWNED"), false, `${name} executed a payload`);
    assert.equal(out.code, 0, `${name}: ${out.stderr}`);
    const got = out.stdout.split("\u001d").slice(0, -1).map((r) => r.split("\u001e").slice(0, -1));
    assert.equal(got.length, lines.length, name);
    got.forEach((all, i) => {
      // After a failure only the status and the cause are defined.
      const fields = all.map((f, j) => (want[i]![0] === "0" || j < 2 ? f : ""));
      assert.deepEqual(
        Object.fromEntries(FIELDS.map((f, j) => [f, fields[j]])),
        Object.fromEntries(FIELDS.map((f, j) => [f, want[i]![j]])),
        `${name}: ${JSON.stringify(lines[i])}`,
      );
    });
  }
});

/**
 * Runs the emitted parser on `lines` under every shell; each result must be
 * `want`'s (after a failure, only the status and the cause count).
 */
async function assertParsedAsModel(lines: readonly string[], want: readonly string[][]) {
  for (const [name, shell] of SHELLS) {
    const out = await shellParse(shell, lines);
    assert.equal(out.stderr.includes("PWNED"), false, `${name} executed a payload`);
    assert.equal(out.code, 0, `${name}: ${out.stderr}`);
    const got = out.stdout.split("\u001d").slice(0, -1).map((r) => r.split("\u001e").slice(0, -1));
    got.forEach((all, i) => {
      const fields = all.map((f, j) => (want[i]![0] === "0" || j < 2 ? f : ""));
      assert.deepEqual(fields, want[i], `${name}: ${JSON.stringify(lines[i])}`);
    });
    assert.equal(got.length, lines.length, name);
  }
}

Deno.test("the emitted parser checks rd.tmpfs.sha256 as the model does: 64 hex digits, lower-cased", async () => {
  const digest = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
  const values = [
    digest,
    digest.toUpperCase(),
    `9F86d081${digest.slice(8)}`,
    "",
    digest.slice(1),
    `${digest}0`,
    `${digest.slice(1)}g`,
    `${digest.slice(1)}*`,
    `${digest.slice(2)}\u00e9`,
    `${digest.slice(1)}\u0085`,
    `"${digest.slice(1)} "`,
    `${digest.slice(0, 32)}$(pwned)${digest.slice(32)}`,
  ];
  const lines = values.map((x) => `root=tmpfs:/dev/vda1 rd.tmpfs.sha256=${x}`);
  const want = lines.map((l) => expected(l));
  assert.deepEqual(want.map((w) => w[0]), ["0", "0", "0", "0", ...Array(8).fill("1")]);
  await assertParsedAsModel(lines, want);
});

Deno.test("the emitted parser reads layers and their digests as the model does", async () => {
  const d = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
  const many = Array.from({ length: LAYERS_MAX + 1 }, (_, i) => `l${i}.tar`);
  const lines = [
    "root=tmpfs:/dev/vda1 rd.tmpfs.imgfile=base.tar.zst,site.tar.gz,node-17.tar",
    "root=tmpfs:/dev/vda1 rd.tmpfs.imgfile=/a/b.tar,//c.tar",
    `root=tmpfs:/dev/vda1 rd.tmpfs.imgfile=${many.slice(0, LAYERS_MAX).join(",")}`,
    `root=tmpfs:/dev/vda1 rd.tmpfs.imgfile=a.tar,b.tar rd.tmpfs.sha256=${d},${d.toUpperCase()}`,
    "root=tmpfs:http://h/i/ rd.tmpfs.mirror=http://m/ rd.tmpfs.imgfile=a.tar,b.tar",
    // Refused: a list with an empty item, an item twice, too many, a bad item.
    "root=tmpfs:/dev/vda1 rd.tmpfs.imgfile=a.tar,,b.tar",
    "root=tmpfs:/dev/vda1 rd.tmpfs.imgfile=a.tar,",
    "root=tmpfs:/dev/vda1 rd.tmpfs.imgfile=a.tar,/a.tar",
    `root=tmpfs:/dev/vda1 rd.tmpfs.imgfile=${many.join(",")}`,
    "root=tmpfs:/dev/vda1 rd.tmpfs.imgfile=a.tar,../b.tar",
    // Digests that do not match the layers, one by one.
    `root=tmpfs:/dev/vda1 rd.tmpfs.imgfile=a.tar,b.tar rd.tmpfs.sha256=${d}`,
    `root=tmpfs:/dev/vda1 rd.tmpfs.sha256=${d},${d}`,
    `root=tmpfs:/dev/vda1 rd.tmpfs.imgfile=a.tar,b.tar rd.tmpfs.sha256=${d},`,
    // A URL that names a file cannot take several layers; nor can a mirror's.
    "root=tmpfs:http://h/i/rootfs.tar rd.tmpfs.imgfile=a.tar,b.tar",
    "root=tmpfs:http://h/i/ rd.tmpfs.mirror=http://m/ rd.tmpfs.mirror=http://n/x.tar rd.tmpfs.imgfile=a.tar,b.tar",
    "root=tmpfs:http://h/i/ rd.tmpfs.imgfile=a.tar,b[1].tar",
  ];
  const want = lines.map((l) => expected(l));
  assert.deepEqual(want.map((w) => w[0]), [...Array(5).fill("0"), ...Array(11).fill("1")]);
  await assertParsedAsModel(lines, want);
});

Deno.test("the emitted parser collects every rd.tmpfs.mirror in order, as the model does", async () => {
  const web = "root=tmpfs:http://10.0.2.2/images/";
  const lines = [
    `${web} rd.tmpfs.mirror=http://10.0.2.3/a/ rd.tmpfs.mirror=https://m.example/x.tar.zst`,
    `${web} rd.tmpfs.mirror=https://m.example/b.tar?x=1*`,
    "root=tmpfs:http://10.0.2.2/r.tar rd.tmpfs.mirror=http://10.0.2.3/ rd.tmpfs.imgfile=a b",
    'root=tmpfs:http://10.0.2.2/r.tar rd.tmpfs.mirror=http://10.0.2.3/ rd.tmpfs.imgfile="a b"',
    `${web} rd.tmpfs.mirror=http://10.0.2.3/ rd.tmpfs.mirror=ftp://x/ rd.tmpfs.mirror=http://`,
    `${web} rd.tmpfs.mirror=http://10.0.2.3/ rd.tmpfs.mirror`,
    `${web} rd.tmpfs.mirror= rd.tmpfs.mirror=http://10.0.2.3/`,
    `${web} "rd.tmpfs.mirror=http://a b/"`,
    `${web} rd.tmpfs.mirror=http://10.0.2.3/$(pwned)`,
    `${web} rd.tmpfs.mirror=http://10.0.2.3/[a-z]*`,
    "root=tmpfs:/dev/vda1 rd.tmpfs.mirror=http://10.0.2.3/ rd.tmpfs.mirror=http://10.0.2.4/",
    "root=tmpfs:NFS=nfs:10.0.2.2:/x rd.tmpfs.mirror=http://10.0.2.3/",
    "root=tmpfs:/dev/vda1 rd.tmpfs.mirror=/dev/vdb",
  ];
  const want = lines.map((l) => expected(l));
  assert.deepEqual(want.map((w) => w[0]).join(""), "0001111101111");
  await assertParsedAsModel(lines, want);
});

Deno.test("the emitted parser checks rd.tmpfs.opts as the model does: known options, valid values, once each", async () => {
  const values = [
    "",
    "nr_inodes=2m",
    "nr_inodes=0",
    "nr_inodes=0k",
    "nr_inodes=123456789012345",
    "huge=within_size,mode=0700",
    "mpol=interleave",
    "mpol=interleave:0-3",
    "mpol=bind:2",
    "mpol=prefer:9999",
    "mpol=local,huge=never,nr_inodes=5k,mode=755",
    "nr_inodes=010",
    "nr_inodes=1234567890123456",
    "nr_inodes=5kk",
    "nr_inodes=",
    "huge=deny",
    "mpol=bind:0,1",
    "mpol=bind:0-1-2",
    "mpol=prefer:10000",
    "mpol=weighted-interleave",
    "mode=0755,mode=0700",
    "mode=0855",
    "mode=07555",
    "size=1G",
    "nr_inodes=5,",
    ",nr_inodes=5",
    "=5",
    "huge",
    "uid=0",
    "nr_inodes=5$(pwned)",
  ];
  const lines = values.map((x) => `root=tmpfs:/dev/vda1 "rd.tmpfs.opts=${x}"`);
  const want = lines.map((l) => expected(l));
  assert.deepEqual(want.map((w) => w[0]).join(""), "00000000000" + "1".repeat(19));
  await assertParsedAsModel(lines, want);
});

Deno.test("the emitted parser decides rd.tmpfs.verify by the initramfs's keys as the model does", async () => {
  const values = [
    "",
    "none",
    "sidecar",
    "signature",
    "Signature",
    "none rd.tmpfs.verify=signature",
  ];
  const lines = values.flatMap((x) => [
    `root=tmpfs:/dev/vda1 rd.tmpfs.verify=${x}`,
    `root=tmpfs:/dev/vda1 rd.tmpfs.onfail=reboot`,
  ]);
  for (const keys of [false, true]) {
    const want = lines.map((l) => expected(l, keys));
    for (const [name, shell] of SHELLS) {
      const out = await shellParse(shell, lines, "C", keys);
      assert.equal(out.code, 0, `${name}: ${out.stderr}`);
      const got = out.stdout.split("\u001d").slice(0, -1).map((r) =>
        r.split("\u001e").slice(0, -1)
      );
      got.forEach((all, i) => {
        const fields = all.map((f, j) => (want[i]![0] === "0" || j < 2 ? f : ""));
        assert.deepEqual(fields, want[i], `${name}, keys ${keys}: ${JSON.stringify(lines[i])}`);
      });
      assert.equal(got.length, lines.length, name);
    }
    // With keys the value is signature whether given or not; without, signature is refused.
    const verify = FIELDS.indexOf("tmpfs_root_verify");
    assert.deepEqual(
      want.map((w) => w[0] === "0" ? w[verify] : `invalid`),
      keys
        ? ["invalid", "signature", "invalid", "signature", "invalid", "signature", "signature"]
          .concat(["signature", "invalid", "signature", "signature", "signature"])
        : ["invalid", "none", "none", "none", "sidecar", "none", "invalid", "none", "invalid"]
          .concat(["none", "invalid", "none"]),
    );
  }
});

Deno.test("the emitted parser reads as in the C locale when the shell runs in a UTF-8 one", async () => {
  // To bash in C.UTF-8, U+3000 and U+2003 are white space and U+0085 a control character.
  const label = "disk\u3000one\u2003two\u00a0three";
  const lines = [
    `quiet root=tmpfs:LABEL=${label} \t rd.tmpfs.size=1G`,
    `root=tmpfs:/dev/vda1 rd.tmpfs.imgfile=a\u0085b.tar`,
    ...hostileCmdlines(40, 11),
  ];
  const want = lines.map((l) => expected(l));
  assert.equal(
    want[0]![FIELDS.indexOf("tmpfs_root_device")],
    `/dev/disk/by-label/disk\u3000one\u2003two\u00a0three`,
  );
  const out = await shellParse(["bash", "--posix"], lines, "C.UTF-8");
  assert.equal(out.code, 0, out.stderr);
  const got = out.stdout.split("\u001d").slice(0, -1).map((r) => r.split("\u001e").slice(0, -1));
  got.forEach((all, i) => {
    const fields = all.map((f, j) => (want[i]![0] === "0" || j < 2 ? f : ""));
    assert.deepEqual(fields, want[i], JSON.stringify(lines[i]));
  });
  assert.equal(got.length, lines.length);
});
