import assert from "#assert";
import $ from "dax";
import { link, mkdir, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { tarCommand } from "@tmpfs-root/model";
import { describeTree, makeTree, withTemp } from "./_testing.ts";
import { InputError } from "./input_error.ts";
import { MAX_SHARDS, planShards, shardTarArgs } from "./plan_shards.ts";

/** makeTree's root and 60 files of sizes from 0 to about 300 KiB, two more hard-link groups. */
async function makeBigTree(root: string): Promise<void> {
  await makeTree(root);
  await mkdir(join(root, "usr/share/doc"), { recursive: true });
  for (let i = 0; i < 60; i++) {
    await writeFile(join(root, `usr/share/doc/f${i}`), "d".repeat((i * 7919) % 300_000));
  }
  await link(join(root, "usr/share/doc/f7"), join(root, "usr/share/doc/f7-again"));
  await link(join(root, "usr/share/doc/f7"), join(root, "etc/f7-elsewhere"));
  await link(join(root, "usr/share/doc/f59"), join(root, "usr/share/doc/f59-again"));
  for (const d of ["etc", "usr/share/doc"]) {
    await utimes(join(root, d), 1_000_000_000, 1_000_000_000);
  }
}

/** Every entry of the tree as tar names it (`.`, `./etc`), and whether it is a directory. */
async function entries(root: string): Promise<{ dirs: string[]; others: string[] }> {
  const found = (type: string[]) =>
    $`find . ${type} -print0`.cwd(root).text().then((t) => t.split("\0").filter((l) => l !== ""));
  return { dirs: await found(["-type", "d"]), others: await found(["!", "-type", "d"]) };
}

Deno.test("planShards() splits a tree into disjoint shards balanced by bytes, each hard-link group in one, every directory apart", async () => {
  await withTemp(async (dir) => {
    const root = join(dir, "tree");
    await makeBigTree(root);
    const all = await entries(root);
    const total = (await planShards(root, 1)).shards[0]!.bytes;
    for (const count of [1, 2, 3, 4, 7]) {
      const plan = await planShards(root, count);
      assert.equal(plan.shards.length, count);
      assert.deepEqual([...plan.directories].sort(), all.dirs.sort(), `${count}`);
      assert.equal(plan.directories[0], ".");
      const placed = plan.shards.flatMap((s) => s.paths);
      assert.equal(new Set(placed).size, placed.length, `${count}: an entry in two shards`);
      assert.deepEqual([...placed].sort(), [...all.others].sort(), `${count}`);
      const shardOf = (p: string) => plan.shards.findIndex((s) => s.paths.includes(p));
      for (
        const group of [
          ["./usr/bin/a", "./usr/bin/b"],
          ["./usr/share/doc/f7", "./usr/share/doc/f7-again", "./etc/f7-elsewhere"],
          ["./usr/share/doc/f59", "./usr/share/doc/f59-again"],
        ]
      ) {
        assert.equal(new Set(group.map(shardOf)).size, 1, `${count}: ${group}`);
      }
      // Balanced: no two shards differ by more than the largest unit (about 300 KiB here).
      const bytes = plan.shards.map((s) => s.bytes);
      assert.ok(Math.max(...bytes) - Math.min(...bytes) <= 300 * 1024 + 1024, `${bytes}`);
      // Nothing counted twice or lost: the bytes add up to the single shard's, whatever the count.
      assert.equal(bytes.reduce((a, b) => a + b), total, `${count}`);
    }
  });
});

Deno.test("planShards() refuses a count out of range, naming --shards", async () => {
  await withTemp(async (dir) => {
    for (const count of [0, -1, 1.5, MAX_SHARDS + 1]) {
      await assert.rejects(
        planShards(dir, count),
        InputError,
        `Invalid --shards "${count}": expected a whole number from 1 to ${MAX_SHARDS}`,
      );
    }
    await assert.rejects(planShards(join(dir, "none"), 2));
  });
});

Deno.test("the directories, then shards unpacked at once by the module's tar, then the directories again, give the very tree: types, modes, owners, mtimes, xattrs, hard links", async () => {
  await withTemp(async (dir) => {
    const root = join(dir, "tree");
    await makeBigTree(root);
    const plan = await planShards(root, 3);
    const pack = async (name: string, paths: readonly string[]) => {
      await writeFile(join(dir, `${name}.list`), paths.map((p) => `${p}\0`).join(""));
      await $`tar ${shardTarArgs(root, join(dir, `${name}.list`))}`
        .stdout($.path(join(dir, `${name}.tar`)));
      return join(dir, `${name}.tar`);
    };
    const shards = await Promise.all(plan.shards.map((s, i) => pack(`shard${i}`, s.paths)));
    const dirs = await pack("dirs", plan.directories);
    const out = join(dir, "out");
    await mkdir(out);
    const tar = tarCommand(out);
    // The directories first (no shard's tar makes one), the shards at once, the directories again.
    await $`${tar}`.stdin($.path(dirs)).stdout("null");
    await Promise.all(shards.map((s) => $`${tar}`.stdin($.path(s)).stdout("null")));
    await $`${tar}`.stdin($.path(dirs)).stdout("null");
    const [before, after] = [await describeTree(root), await describeTree(out)];
    assert.deepEqual(after, before);
    // The comparison covers what it should: directory mtimes, xattrs, a hard link, a FIFO.
    for (const d of ["etc", "usr/share/doc"]) {
      assert.ok(before.includes(`${d} d 40755 0 0  1000000000  `), before.join("\n"));
    }
    assert.ok(before.some((l) => l.includes("user.tmpfs-root")));
    assert.ok(before.some((l) => l.startsWith("run/fifo p ")));
    assert.ok(before.some((l) => l.startsWith("usr/share/doc/f7 ") && l.includes(" etc/f7-")));
  });
});
