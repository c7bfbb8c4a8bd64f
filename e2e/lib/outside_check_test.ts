import assert from "#assert";
import $ from "dax";
import {
  CONTROL_MARKER,
  newrootState,
  OUTSIDE_TROUBLE,
  outsideCheckArgs,
  outsideClean,
  outsideFound,
  outsideHook,
} from "./outside_check.ts";

/** The shells a dracut hook may be sourced by. */
const SHELLS = [["dash"], ["busybox", "sh"]] as const;

/** Sources the hook in a shell with a fake initramfs root; returns what it printed on the console. */
async function runHook(shell: readonly string[], hook: string, root: string): Promise<string> {
  const console = `${root}.console`;
  await Deno.writeTextFile(console, "");
  await $`${shell} -c ${`. ${hook}; echo "leaked: [$_e2e_found$_e2e_r]"`}`
    .env({ E2E_OUTSIDE_ROOT: root, E2E_CONSOLE: console, NEWROOT: "/sysroot" })
    .stdout("piped").then((r) => assert.equal(r.stdout, "leaked: []\n"));
  return await Deno.readTextFile(console);
}

Deno.test("outsideHook() reports markers outside $NEWROOT and nothing inside it", async () => {
  const dir = await Deno.makeTempDir({ prefix: "e2e-outside-test-" });
  try {
    for (const phase of ["cleanup", "shutdown-emergency"] as const) {
      const hook = `${dir}/${phase}.sh`;
      await Deno.writeTextFile(hook, outsideHook(phase));
      assert.equal((await $`sh -n ${hook}`.noThrow()).code, 0);
      for (const shell of SHELLS) {
        const root = `${dir}/root-${phase}-${shell[0]}`;
        for (const d of ["sysroot/etc", "run/initramfs", "dev", "proc", "sys", "etc", "tmp"]) {
          await Deno.mkdir(`${root}/${d}`, { recursive: true });
        }
        // Inside the new root: where a stripped absolute name belongs. Never reported.
        await Deno.writeTextFile(`${root}/sysroot/e2e-abs-marker`, "inside\n");
        await Deno.writeTextFile(`${root}/sysroot/etc/e2e-x-marker`, "inside\n");
        const clean = await runHook(shell, hook, root);
        assert.match(clean, outsideClean(phase));
        assert.doesNotMatch(clean, OUTSIDE_TROUBLE);
        // No /sysroot in the mount table: not mounted; mounted, with the files above, or empty.
        assert.match(clean, newrootState("not mounted", phase));
        await Deno.writeTextFile(`${root}/proc/mounts`, "tmpfs /sysroot tmpfs rw 0 0\n");
        assert.match(await runHook(shell, hook, root), newrootState("holds files", phase));
        await Deno.mkdir(`${root}/empty`);
        await Deno.rename(`${root}/sysroot`, `${root}/full`);
        await Deno.rename(`${root}/empty`, `${root}/sysroot`);
        assert.match(await runHook(shell, hook, root), newrootState("empty", phase));
        await Deno.remove(`${root}/sysroot`);
        await Deno.rename(`${root}/full`, `${root}/sysroot`);

        // The same tree with files planted outside: each is named, the clean line is gone.
        await Deno.writeTextFile(`${root}/e2e-abs-marker`, "outside\n");
        await Deno.writeTextFile(`${root}/run/initramfs/e2e-run-marker`, "outside\n");
        await Deno.writeTextFile(`${root}/tmp/e2e-through-root-marker`, "outside\n");
        await Deno.symlink("/nowhere", `${root}/etc/e2e-dangling-marker`);
        const found = await runHook(shell, hook, root);
        assert.doesNotMatch(found, outsideClean(phase), `${shell[0]}: ${found}`);
        for (
          const p of [
            "/e2e-abs-marker",
            "/run/initramfs/e2e-run-marker",
            "/tmp/e2e-through-root-marker",
            "/etc/e2e-dangling-marker",
          ]
        ) {
          assert.match(found, outsideFound(p, phase), `${shell[0]}: ${found}`);
        }
        assert.equal(
          found.trim().split("\n").filter((l) => l.includes(" FOUND ")).length,
          4,
          found,
        );
        assert.doesNotMatch(found, /sysroot/);
      }
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("outsideFound() matches the hook's line for a path, escaped", () => {
  assert.match(
    "[  5.1] e2e-outside: FOUND /e2e-control-marker (cleanup)",
    outsideFound(CONTROL_MARKER, "cleanup"),
  );
  assert.doesNotMatch(
    "e2e-outside: FOUND /e2e-controlXmarker (cleanup)",
    outsideFound("/e2e-control.marker", "cleanup"),
  );
  assert.match("e2e-outside: ERROR find failed (cleanup)", OUTSIDE_TROUBLE);
  assert.doesNotMatch("e2e-outside: clean (cleanup)", OUTSIDE_TROUBLE);
});

Deno.test({
  name: "outsideCheckArgs() places both hooks, and the control marker only when asked",
  // Writes into the cache folder, which is /var/cache/tmpfs-root as root.
  ignore: Deno.uid() !== 0,
  fn: async () => {
    const all = await outsideCheckArgs();
    assert.deepEqual(all.slice(0, 2), ["--install", "find"]);
    const args = all.slice(2);
    assert.deepEqual(args.filter((_, i) => i % 3 === 2), [
      "/lib/dracut/hooks/cleanup/99-e2e-outside.sh",
      "/lib/dracut/hooks/shutdown-emergency/99-e2e-outside.sh",
    ]);
    assert.ok(args.filter((_, i) => i % 3 === 0).every((a) => a === "--include"));
    assert.equal(await Deno.readTextFile(args[1]!), outsideHook("cleanup"));
    const planted = await outsideCheckArgs({ plant: true });
    assert.equal(planted.at(-1), CONTROL_MARKER);
    assert.notEqual(planted[1], args[1], "another content, another folder (another initramfs)");
  },
});
