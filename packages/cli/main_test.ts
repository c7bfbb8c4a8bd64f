import assert from "#assert";
import { main } from "./main.ts";

/** Runs main() and returns its status and what it printed to stderr. */
async function run(...argv: string[]): Promise<{ code: number; err: string }> {
  const errors: string[] = [];
  const [log, error] = [console.log, console.error];
  console.log = () => {};
  console.error = (...a: unknown[]) => errors.push(a.join(" "));
  try {
    return { code: await main(argv), err: errors.join("\n") };
  } finally {
    [console.log, console.error] = [log, error];
  }
}

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
  assert.deepEqual(await run("simulate", "--help"), { code: 0, err: "" });
});
