import assert from "#assert";
import { BOOT } from "@tmpfs-root/model";
import { buildModule } from "@tmpfs-root/dracut";
import { formatTrace, simulate, vmFromFile } from "@tmpfs-root/simulator";
import { main } from "./main.ts";

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

Deno.test("tmpfs-root names an unknown or incomplete option in one line, status 2", async () => {
  const unknown = await run("simulate", "--vmm", "x.json");
  assert.equal(unknown.code, 2);
  assert.match(unknown.err, /^tmpfs-root simulate: Unknown option '--vmm'\nUsage: /);
  const missing = await run("build-module", "--out");
  assert.equal(missing.code, 2);
  assert.match(missing.err, /^tmpfs-root build-module: Option '--out <value>' argument missing/);
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

Deno.test("tmpfs-root <command> --help prints the usage, status 0", async () => {
  const help = await run("simulate", "--help");
  assert.equal(help.code, 0);
  assert.equal(help.err, "");
  assert.match(help.out, /^Usage: tmpfs-root <command> \[options\]\n/);
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

Deno.test("tmpfs-root check-cmdline prints the report: stdout and 0 when it boots, else stderr and 1", async () => {
  assert.deepEqual(await run("check-cmdline", "root=tmpfs:/dev/vda1 rd.tmpfs.sise=1G"), {
    code: 0,
    out: [
      "warning: unknown parameter rd.tmpfs.sise ignored (did you mean rd.tmpfs.size?)",
      "source: block device /dev/vda1",
      "rd.tmpfs.size=50% (default)",
      "rd.tmpfs.imgfile=rootfs.tar.gz (default)",
      "rd.tmpfs.retries=3 (default)",
      "rd.tmpfs.timeout=1800 (default)",
      "rd.tmpfs.cafile= (default)",
      "rd.retry=180 (default)",
      "rd.tmpfs.onfail=emergency (default)",
    ].join("\n"),
    err: "",
  });
  assert.deepEqual(await run("check-cmdline", "root=/dev/sda1"), {
    code: 1,
    out: "",
    err: "root= does not start with tmpfs:, so tmpfs-root does nothing",
  });
  assert.deepEqual(await run("check-cmdline", "root=tmpfs:/dev/vda1", "quiet"), {
    code: 2,
    out: "",
    err: "check-cmdline takes one argument: the whole command line, quoted",
  });
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
