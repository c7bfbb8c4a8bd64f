import assert from "#assert";
import { BOOT } from "@tmpfs-root/model";
import { COMMANDS, manPages } from "@tmpfs-root/docs";
import { buildModule } from "@tmpfs-root/dracut";
import { formatTrace, simulate, vmFromFile } from "@tmpfs-root/simulator";
import { main } from "./main.ts";
import { commandHelp, usage } from "./usage.ts";

/** Runs main() and returns its status and what it printed to stdout and stderr. */
async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const [log, error] = [console.log, console.error];
  console.log = (...a: unknown[]) => out.push(a.join(" "));
  console.error = (...a: unknown[]) => err.push(a.join(" "));
  try {
    const code = await main(argv);
    return { code, out: out.join("\n"), err: err.join("\n") };
  } finally {
    [console.log, console.error] = [log, error];
  }
}

const VM = new URL("../simulator/testdata/vm.json", import.meta.url).pathname;

Deno.test("tmpfs-root names a wrong option, command or argument in one line, status 2", async () => {
  const cases: [string[], string][] = [
    [
      ["simulate", "--vmm", "x.json"],
      "tmpfs-root simulate: Unknown option '--vmm' (see tmpfs-root simulate --help)",
    ],
    [
      ["build-module", "--out"],
      "tmpfs-root build-module: Option '--out <value>' argument missing (see tmpfs-root build-module --help)",
    ],
    [
      ["simulate", "--vm", "x.json"],
      "tmpfs-root simulate: missing --cmdline CMDLINE (see tmpfs-root simulate --help)",
    ],
    [
      ["cmdline", "--quiet"],
      "tmpfs-root cmdline: Unknown option '--quiet' (see tmpfs-root cmdline --help)",
    ],
    [
      ["build-module", "extra"],
      "tmpfs-root build-module: Unexpected argument 'extra'. This command does not take positional arguments (see tmpfs-root build-module --help)",
    ],
    [["help", "nope"], 'tmpfs-root help: unknown command "nope" (see tmpfs-root help --help)'],
    [["nope"], 'tmpfs-root: unknown command "nope" (see tmpfs-root --help)'],
  ];
  for (const [argv, err] of cases) {
    assert.deepEqual(await run(...argv), { code: 2, out: "", err }, argv.join(" "));
  }
  // An option that would take the next option as its value is refused, in one line.
  const ambiguous = await run("build-module", "--out", "--check");
  assert.equal(ambiguous.code, 2);
  assert.match(
    ambiguous.err,
    /^tmpfs-root build-module: Option '--out' argument is ambiguous\. [^\n]*$/,
  );
});

Deno.test("tmpfs-root without a command prints the usage to stderr, status 2", async () => {
  assert.deepEqual(await run(), { code: 2, out: "", err: usage() });
});

Deno.test("tmpfs-root build-module names a folder it cannot write in one line, status 1", async () => {
  assert.deepEqual(await run("build-module", "--out", "/proc/no/such"), {
    code: 1,
    out: "",
    err: "tmpfs-root build-module: No such file or directory (os error 2): mkdir '/proc/no/such'",
  });
});

Deno.test("tmpfs-root simulate names a machine file it cannot use, status 2", async () => {
  const gone = await run(
    "simulate",
    "--cmdline",
    "root=tmpfs:/dev/vda1",
    "--vm",
    "/nonexistent.json",
  );
  assert.equal(gone.code, 2);
  assert.match(gone.err, /^tmpfs-root simulate: --vm \/nonexistent\.json: No such file/);
  const file = await Deno.makeTempFile({ suffix: ".json" });
  try {
    await Deno.writeTextFile(file, '{"disks": 5}');
    const bad = await run("simulate", "--cmdline", "root=tmpfs:/dev/vda1", "--vm", file);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /Invalid VM description at disks: expected an array/);
  } finally {
    await Deno.remove(file);
  }
});

Deno.test("tmpfs-root --help lists the commands; <command> --help and help <command> print its help, status 0", async () => {
  assert.deepEqual(await run("--help"), { code: 0, out: usage(), err: "" });
  assert.deepEqual(await run("help"), { code: 0, out: usage(), err: "" });
  for (const c of COMMANDS) {
    const help = { code: 0, out: commandHelp(c), err: "" };
    assert.deepEqual(await run(c.name, "--help"), help, c.name);
    assert.deepEqual(await run(c.name, "-h", "--no-such-option"), help, c.name);
    assert.deepEqual(await run("help", c.name), help, c.name);
    assert.match(help.out, new RegExp(`^Usage: tmpfs-root ${c.name}[ \n]`));
    assert.match(help.out, /\nExit status:\n {2}0 {2}/);
  }
});

Deno.test("tmpfs-root simulate prints the simulator's trace; status 0 for a boot, 1 for a stop", async () => {
  const vm = await vmFromFile(VM);
  const cases: [string, number, RegExp][] = [
    ["root=tmpfs:LABEL=images rd.tmpfs.imgfile=rootfs.tgz", 0, /^outcome: switched into/m],
    ["root=tmpfs:LABEL=images rd.tmpfs.imgfile=missing.tgz", 1, /^outcome: stopped/m],
  ];
  for (const [cmdline, code, outcome] of cases) {
    const r = await run("simulate", "--cmdline", cmdline, "--vm", VM);
    assert.deepEqual(r, {
      code,
      out: formatTrace(await simulate(BOOT, vm, cmdline)),
      err: "",
    }, cmdline);
    assert.match(r.out, outcome, cmdline);
  }
});

Deno.test("tmpfs-root cmdline --check prints the report: stdout and 0 when it boots, else stderr and 1", async () => {
  assert.deepEqual(await run("cmdline", "--check", "root=tmpfs:/dev/vda1 rd.tmpfs.sise=1G"), {
    code: 0,
    out: [
      "warning: unknown parameter rd.tmpfs.sise ignored (did you mean rd.tmpfs.size?)",
      "source: block device /dev/vda1",
      "rd.tmpfs.size=50% (default)",
      "rd.tmpfs.imgfile=rootfs.tar.gz (default)",
      "rd.tmpfs.opts= (default)",
      "rd.tmpfs.sha256= (default)",
      "rd.tmpfs.verify=none (default)",
      "rd.tmpfs.retries=3 (default)",
      "rd.tmpfs.timeout=1800 (default)",
      "rd.tmpfs.cafile= (default)",
      "rd.retry=180 (default)",
      "rd.tmpfs.onfail=emergency (default)",
    ].join("\n"),
    err: "",
  });
  assert.deepEqual(await run("cmdline", "--check", "root=/dev/sda1"), {
    code: 1,
    out: "",
    err: "root= does not start with tmpfs:, so tmpfs-root does nothing",
  });
  assert.deepEqual(await run("cmdline", "--check", "root=tmpfs:/dev/vda1", "quiet"), {
    code: 2,
    out: "",
    err:
      "tmpfs-root cmdline: Unexpected argument 'quiet'. This command does not take positional arguments (see tmpfs-root cmdline --help)",
  });
});

Deno.test("tmpfs-root cmdline builds a line from options, judged by the model as at boot", async () => {
  const cases: [string[], { code: number; out: string; err: string }][] = [
    [["--source", "LABEL=images", "--size", "3G", "--imgfile", "rootfs.tar.zst"], {
      code: 0,
      out: "root=tmpfs:LABEL=images rd.tmpfs.size=3G rd.tmpfs.imgfile=rootfs.tar.zst",
      err: "",
    }],
    // A label with a space is quoted as the kernel reads it.
    [["--source", "LABEL=my images", "--retry", "30"], {
      code: 0,
      out: 'root="tmpfs:LABEL=my images" rd.retry=30',
      err: "",
    }],
    [["--source", "LABEL=images", "--size", "3Q"], {
      code: 1,
      out: "",
      err: `tmpfs-root: cmdline failed: invalid rd.tmpfs.size "3Q": ${
        (await import("@tmpfs-root/model")).SIZE.expected
      }`,
    }],
    // --mirror, once per mirror: one parameter each, in order.
    [["--source", "http://a/i/", "--mirror", "http://b/i/", "--mirror", "https://c/r.tgz"], {
      code: 0,
      out: "root=tmpfs:http://a/i/ rd.tmpfs.mirror=http://b/i/ rd.tmpfs.mirror=https://c/r.tgz",
      err: "",
    }],
    [["--source", "/dev/vda1", "--mirror", "http://b/i/"], {
      code: 1,
      out: "",
      err:
        'tmpfs-root: cmdline failed: invalid rd.tmpfs.mirror "http://b/i/": mirrors are for a web source: give it with root=tmpfs:http:// or https://',
    }],
    [["--size", "3G"], {
      code: 2,
      out: "",
      err:
        "tmpfs-root cmdline: missing --source SOURCE (or --check CMDLINE) (see tmpfs-root cmdline --help)",
    }],
    [["--check", "root=tmpfs:/dev/vda1", "--size", "3G"], {
      code: 2,
      out: "",
      err:
        "tmpfs-root cmdline: --check takes a whole command line: give it alone, not with --size (see tmpfs-root cmdline --help)",
    }],
    [["--source", '/dev/a "b c'], {
      code: 2,
      out: "",
      err:
        'tmpfs-root cmdline: Invalid root "tmpfs:/dev/a "b c": a kernel command line cannot carry white space and a double quote in one value (see tmpfs-root cmdline --help)',
    }],
  ];
  for (const [argv, expected] of cases) {
    assert.deepEqual(await run("cmdline", ...argv), expected, argv.join(" "));
  }
  // An initramfs with keys boots only signed archives: the line says so, or it is refused.
  const keyed = await run(
    "cmdline",
    "--keys",
    "--check",
    "root=tmpfs:/dev/vda1 rd.tmpfs.verify=none",
  );
  assert.equal(keyed.code, 1);
  assert.match(
    keyed.err,
    /^tmpfs-root: cmdline failed: invalid rd\.tmpfs\.verify "none": expected signature/,
  );
  assert.match(
    (await run("cmdline", "--keys", "--check", "root=tmpfs:/dev/vda1")).out,
    /^rd\.tmpfs\.verify=signature \(default\)$/m,
  );
  const json = await run(
    "cmdline",
    "--json",
    "--source",
    "NFS=nfs:10.0.2.2:/srv",
    "--onfail",
    "halt",
  );
  assert.equal(json.code, 0);
  const data = JSON.parse(json.out);
  assert.equal(data.cmdline, "root=tmpfs:NFS=nfs:10.0.2.2:/srv rd.tmpfs.onfail=halt");
  assert.deepEqual(data.params["rd.tmpfs.onfail"], { value: "halt", given: true });
  assert.equal(data.source, "NFS export 10.0.2.2:/srv (mount -t nfs -o nolock,ro)");
});

Deno.test("tmpfs-root build-module writes with buildModule(), and --check reports each difference", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const moduleDir = `${dir}/module`;
    const docsDir = `${dir}/docs`;
    const n = (await buildModule({ moduleDir: `${dir}/reference` })).files.length;
    assert.deepEqual(await run("build-module", "--out", moduleDir), {
      code: 0,
      out: `wrote ${n} files to ${moduleDir}`,
      err: "",
    });
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name).sort(), ["module", "reference"]);
    assert.deepEqual(await run("build-module", "--out", moduleDir, "--docs", docsDir, "--check"), {
      code: 1,
      out: "",
      err: [
        `The committed module in ${moduleDir} differs from the model:`,
        `  ${docsDir}/kernel-parameters.md: missing`,
        `  ${docsDir}/report.md: missing`,
        ...manPages().map((d) => `  ${docsDir}/${d.path}: missing`),
        "Run `deno task build-module` and commit the result.",
      ].join("\n"),
    });
    assert.equal((await run("build-module", "--out", moduleDir, "--docs", docsDir)).code, 0);
    assert.deepEqual(await run("build-module", "--out", moduleDir, "--docs", docsDir, "--check"), {
      code: 0,
      out: `module ok: ${n} files in ${moduleDir} match the model`,
      err: "",
    });
    await Deno.writeTextFile(`${moduleDir}/tmpfs-root-lib.sh`, "\n", { append: true });
    assert.deepEqual(await run("build-module", "--out", moduleDir, "--check"), {
      code: 1,
      out: "",
      err: [
        `The committed module in ${moduleDir} differs from the model:`,
        "  tmpfs-root-lib.sh: text differs",
        "Run `deno task build-module` and commit the result.",
      ].join("\n"),
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("tmpfs-root pack writes the archive and its sidecars, and inspect reads it back", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.mkdir(`${dir}/tree/sbin`, { recursive: true });
    await Deno.writeTextFile(`${dir}/tree/sbin/init`, "#!/bin/sh\n", { mode: 0o755 });
    const packed = await run(
      "pack",
      `${dir}/tree`,
      "-o",
      `${dir}/rootfs.tar.zst`,
      "--mtime",
      "2026-01-01",
    );
    assert.equal(packed.code, 0, packed.err);
    const lines = packed.out.split("\n");
    assert.match(
      lines[0]!,
      /^wrote .*\/rootfs\.tar\.zst \(zstd, \d+ bytes; unpacks to \d+\.\d KiB in 8 inodes\)$/,
    );
    assert.equal(lines[3], "added mount points: /proc /sys /dev /run /tmp");
    const manifest = await Deno.readTextFile(`${dir}/rootfs.tar.zst.manifest`);
    const sha = (await Deno.readTextFile(`${dir}/rootfs.tar.zst.sha256`)).slice(0, 64);
    assert.equal(
      lines.at(-1),
      `kernel command line: rd.tmpfs.imgfile=rootfs.tar.zst rd.tmpfs.size=65M rd.tmpfs.sha256=${sha}`,
    );
    assert.match(manifest, new RegExp(`^sha256=${sha}$`, "m"));

    const inspected = await run("inspect", "--json", `${dir}/rootfs.tar.zst`);
    assert.equal(inspected.code, 0, inspected.err);
    const data = JSON.parse(inspected.out);
    assert.equal(data.format, "zstd");
    assert.equal(data.boots, true);
    assert.equal(data.init.path, "/sbin/init");
    assert.match((await run("inspect", `${dir}/rootfs.tar.zst`)).out, /boots: yes$/);

    // A tree without an init: refused with the reason, nothing written, status 1.
    await Deno.mkdir(`${dir}/empty`);
    const refused = await run("pack", `${dir}/empty`, "-o", `${dir}/empty.tar`);
    assert.equal(refused.code, 1);
    assert.match(
      refused.err,
      /^tmpfs-root pack: ".*\/empty" has no \/sbin\/init or \/usr\/lib\/systemd\/systemd: it would not boot/,
    );
    await assert.rejects(Deno.stat(`${dir}/empty.tar`));
    const forced = await run("pack", "--force", "--json", `${dir}/empty`, "-o", `${dir}/empty.tar`);
    assert.equal(forced.code, 0, forced.err);
    assert.ok(JSON.parse(forced.out).problems.length > 0);
    assert.equal((await run("inspect", `${dir}/empty.tar`)).code, 1);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("tmpfs-root pack and inspect name a bad input in one line, status 2", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/junk.tar.gz`, "not an archive at all");
    const cases: [string[], RegExp][] = [
      [["pack", dir], /^tmpfs-root pack: missing --out ARCHIVE \(see tmpfs-root pack --help\)$/],
      [
        ["pack", `${dir}/none`, "-o", `${dir}/r.tar`],
        /^tmpfs-root pack: Cannot read ".*\/none": ENOENT \(see/,
      ],
      [
        ["pack", dir, "-o", `${dir}/r.zip`],
        /^tmpfs-root pack: Unknown archive ending "r\.zip": expected/,
      ],
      [
        ["pack", dir, "-o", `${dir}/r.tar.xz`, "--level", "x"],
        /^tmpfs-root pack: invalid --level "x": expected a whole number/,
      ],
      [
        ["pack", dir, "-o", `${dir}/r.tar.xz`, "--mtime", "soon"],
        /^tmpfs-root pack: invalid --mtime "soon": expected seconds since 1970 or a date/,
      ],
      [
        ["inspect", `${dir}/none.tar`],
        /^tmpfs-root inspect: .*none\.tar.*\(see tmpfs-root inspect --help\)$/,
      ],
      [
        ["inspect", `${dir}/junk.tar.gz`],
        /^tmpfs-root inspect: .*junk\.tar\.gz.*\(see tmpfs-root inspect --help\)$/,
      ],
    ];
    for (const [argv, err] of cases) {
      const r = await run(...argv);
      assert.equal(r.code, 2, argv.join(" "));
      assert.equal(r.out, "", argv.join(" "));
      assert.match(r.err, err, argv.join(" "));
      assert.doesNotMatch(r.err, /\n| {4}at /, "one line, no stack trace");
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("tmpfs-root simulate --json prints the result as data", async () => {
  const cmdline = "root=tmpfs:LABEL=images rd.tmpfs.imgfile=rootfs.tgz ro";
  const r = await run("simulate", "--json", "--cmdline", cmdline, "--vm", VM);
  assert.equal(r.code, 0, r.err);
  const data = JSON.parse(r.out);
  assert.equal(data.outcome.kind, "switched");
  assert.equal(data.outcome.files["/etc/os-release"].type, "file");
  const expected = await simulate(BOOT, await vmFromFile(VM), cmdline);
  assert.equal(data.events.length, expected.events.length);
  assert.equal(data.elapsed, expected.elapsed);
});
