// The whole bench pipeline, small: `deno task bench --small --runs 1` into a
// temporary folder, then its three outputs checked. Needs root (mount
// namespaces, tmpfs, cgroups); skipped otherwise. About a minute.
import assert from "#assert";
import type { Results } from "./lib/results.ts";

/** Checks that every tag of an SVG document is closed, in order; returns the tag names seen. */
function svgTags(svg: string): string[] {
  const stack: string[] = [];
  const seen: string[] = [];
  for (const m of svg.matchAll(/<(\/?)([a-zA-Z][\w:-]*)([^>]*?)(\/?)>/g)) {
    const [, close, name, , selfClose] = m;
    seen.push(name!);
    if (close) assert.equal(stack.pop(), name, `</${name}> closes <${stack.at(-1)}>`);
    else if (!selfClose) stack.push(name!);
  }
  assert.deepEqual(stack, [], "every tag is closed");
  assert.ok(!/<(?![a-zA-Z/?!])/.test(svg), "no stray < in the text");
  return seen;
}

Deno.test({
  name: "bench/run.ts --small writes RESULTS.md, results.json and chart.svg, well formed",
  ignore: Deno.uid() !== 0,
  sanitizeResources: false,
  async fn() {
    const out = await Deno.makeTempDir({ prefix: "tmpfs-root-bench-test-" });
    try {
      const ran = await new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "-A",
          new URL("run.ts", import.meta.url).pathname,
          "--small",
          "--runs",
          "1",
          "--build-runs",
          "1",
          "--out",
          out,
        ],
        stdout: "piped",
        stderr: "piped",
      }).output();
      const stderr = new TextDecoder().decode(ran.stderr);
      assert.equal(ran.code, 0, stderr.split("\n").slice(-20).join("\n"));

      const results = JSON.parse(await Deno.readTextFile(`${out}/results.json`)) as Results;
      assert.equal(results.schema, 1);
      assert.equal(results.small, true);
      assert.equal(results.tree.kind, "synthetic");
      assert.ok(results.machine.cpus >= 1);
      for (const tool of ["tar", "zstd", "xz", "gzip", "pigz", "bzip2", "lz4", "cpio", "dash"]) {
        assert.ok(results.machine.tools[tool], `the version of ${tool}`);
      }
      assert.equal(results.baseline.id, "raw-zstd");
      assert.ok(results.baseline.seconds! > 0);
      const module = results.table.find((r) => r.family === "module")!;
      const raw = results.table.find((r) => r.family === "raw")!;
      for (const f of ["zstd", "xz", "gzip", "bzip2", "lz4", "tar"]) {
        assert.ok(module.cells[f]!.ratio! > 0, `the module's ${f} unpack has a ratio`);
        assert.ok(raw.cells[f]!.ratio! > 0, `the raw ${f} limit has a ratio`);
      }
      assert.equal(raw.cells.zstd!.ratio, 1);
      for (const family of ["seed", "warewulf"]) {
        assert.ok(results.table.some((r) => r.family === family), family);
      }
      assert.equal(results.flags.length, 6);
      assert.ok(results.flags.every((f) => f.seconds !== null));
      assert.deepEqual(results.readers.map((x) => x.format), ["zstd", "lz4", "tar"]);
      assert.ok(results.staging.length === 6 && results.staging.every((s) => !s.staged));
      assert.ok(results.importd.length > 0);
      assert.ok(!("error" in results.simulator), "the simulator bench ran");
      assert.ok(!("error" in results.buildModule), "build-module was timed");
      assert.equal(results.targets.length, 6);
      // The module cannot unpack shards yet: the target names the raw sharded limit, undecided.
      const shard = results.targets.at(-1)!;
      assert.equal(shard.pass, null, "the shard target is not decided");
      assert.match(shard.measured, /^the raw limit of 2 shards .*: \d+\.\d\d× faster$/);
      for (const family of ["shards-2", "shards-4"]) {
        const row = results.table.find((r) => r.family === family);
        assert.ok(row?.cells.zstd?.ratio! > 0, `${family} has a ratio`);
      }

      const md = await Deno.readTextFile(`${out}/RESULTS.md`);
      for (
        const h of [
          "## Machine and tools",
          "## Targets",
          "## Main table",
          "## Where the module's time goes",
          "## Memory",
          "## No archive bytes are staged",
          "## systemd-importd",
          "## Simulated boots per second",
          "## build-module",
        ]
      ) assert.ok(md.includes(`\n${h}`), h);
      assert.match(md, /\| module's unpack +\| +\d+\.\d\d× \(/);
      assert.ok(md.includes("![The main table as a bar chart](chart.svg)"));
      // Every table row has as many cells as its header.
      let cols = 0;
      for (const line of md.split("\n")) {
        if (!line.startsWith("|")) {
          cols = 0;
          continue;
        }
        const n = line.replaceAll("\\|", "").split("|").length;
        if (cols === 0) cols = n;
        else assert.equal(n, cols, line);
      }

      const svg = await Deno.readTextFile(`${out}/chart.svg`);
      assert.match(svg, /^<svg\s+xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
      const tags = svgTags(svg);
      assert.equal(tags.filter((t) => t === "rect").length > 12, true, "bars and legend");
    } finally {
      await Deno.remove(out, { recursive: true });
    }
  },
});
