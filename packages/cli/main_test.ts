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
      ["check-cmdline", "--quiet"],
      "tmpfs-root check-cmdline: Unknown option '--quiet'. To specify a positional argument starting with a '-', place it at the end of the command after '--', as in '-- \"--quiet\" (see tmpfs-root check-cmdline --help)",
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
    err:
      "tmpfs-root check-cmdline: expected one argument: CMDLINE, the whole kernel command line, quoted as one argument (see tmpfs-root check-cmdline --help)",
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
