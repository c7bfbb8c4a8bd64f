import assert from "#assert";
import { compileModule } from "@tmpfs-root/compiler";
import { manPages } from "@tmpfs-root/docs";
import { BOOT, PARAMS, paramsDoc } from "@tmpfs-root/model";
import { buildModule } from "./build_module.ts";

/** Runs `body` with a fresh temporary folder, removed afterwards. */
async function inTempDir(body: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir();
  try {
    await body(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("buildModule() writes the module and the docs, and a check right after finds nothing", async () => {
  await inTempDir(async (dir) => {
    const moduleDir = `${dir}/module/90tmpfs-root`;
    const docsDir = `${dir}/docs`;
    const built = await buildModule({ moduleDir, docsDir });
    const files = compileModule(BOOT).files;
    assert.deepEqual(built.files, files);
    assert.deepEqual(built.problems, []);
    assert.deepEqual(built.written, [
      ...files.map((f) => `${moduleDir}/${f.path}`),
      `${docsDir}/kernel-parameters.md`,
      `${docsDir}/report.md`,
      ...manPages().map((d) => `${docsDir}/${d.path}`),
    ]);
    for (const f of files) {
      assert.equal(await Deno.readTextFile(`${moduleDir}/${f.path}`), f.text, f.path);
      assert.equal((await Deno.stat(`${moduleDir}/${f.path}`)).mode! & 0o777, f.mode, f.path);
    }
    assert.equal(await Deno.readTextFile(`${docsDir}/kernel-parameters.md`), paramsDoc(PARAMS));
    for (const d of manPages()) {
      assert.equal(await Deno.readTextFile(`${docsDir}/${d.path}`), d.text, d.path);
    }
    const checked = await buildModule({ moduleDir, docsDir, check: true });
    assert.deepEqual(checked.problems, []);
    assert.deepEqual(checked.written, []);
  });
});

Deno.test("buildModule() check reports a changed, a missing and an extra file, a mode, the docs and the man pages", async () => {
  await inTempDir(async (dir) => {
    const moduleDir = `${dir}/module`;
    const docsDir = `${dir}/docs/`;
    await buildModule({ moduleDir, docsDir });
    await Deno.writeTextFile(`${moduleDir}/tmpfs-root-lib.sh`, "#!/bin/sh\n", { append: true });
    await Deno.remove(`${moduleDir}/sysroot.mount`);
    await Deno.writeTextFile(`${moduleDir}/stale.sh`, "");
    await Deno.chmod(`${moduleDir}/module-setup.sh`, 0o644);
    await Deno.writeTextFile(`${docsDir}kernel-parameters.md`, "# edited by hand\n");
    await Deno.writeTextFile(`${docsDir}man/tmpfs-root.1`, ".SH EDITED\n", { append: true });
    const before = await Deno.readTextFile(`${moduleDir}/tmpfs-root-lib.sh`);
    const { problems, written } = await buildModule({ moduleDir, docsDir, check: true });
    assert.deepEqual([...problems].sort(), [
      `${dir}/docs/kernel-parameters.md: differs`,
      `${dir}/docs/man/tmpfs-root.1: differs`,
      "module-setup.sh: mode 644, expected 755",
      "stale.sh: not produced by the model",
      "sysroot.mount: missing",
      "tmpfs-root-lib.sh: text differs",
    ]);
    assert.deepEqual(written, []);
    // A check writes nothing.
    assert.equal(await Deno.readTextFile(`${moduleDir}/tmpfs-root-lib.sh`), before);
    await Deno.remove(`${docsDir}kernel-parameters.md`);
    assert.ok(
      (await buildModule({ moduleDir, docsDir, check: true })).problems.includes(
        `${dir}/docs/kernel-parameters.md: missing`,
      ),
    );
    // Writing again repairs everything.
    await buildModule({ moduleDir, docsDir });
    assert.deepEqual((await buildModule({ moduleDir, docsDir, check: true })).problems, []);
  });
});

Deno.test("buildModule() without docsDir neither writes nor checks the docs", async () => {
  await inTempDir(async (dir) => {
    const built = await buildModule({ moduleDir: `${dir}/module` });
    assert.ok(built.written.every((p) => p.startsWith(`${dir}/module/`)), built.written.join());
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["module"]);
    const checked = await buildModule({ moduleDir: `${dir}/module`, check: true });
    assert.deepEqual(checked.problems, []);
  });
});

Deno.test("buildModule() check names a module folder that does not exist", async () => {
  await inTempDir(async (dir) => {
    const { problems } = await buildModule({ moduleDir: `${dir}/nowhere`, check: true });
    assert.deepEqual(problems, [`${dir}/nowhere does not exist`]);
  });
});
