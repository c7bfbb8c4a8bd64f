import assert from "#assert";
import { COMMANDS } from "@tmpfs-root/docs";
import { usage } from "@tmpfs-root/cli";
import { requireProgram } from "@tmpfs-root/shell";
import { bundle } from "./bundle.ts";

const ROOT = new URL("../", import.meta.url).pathname;
const CLI = `${ROOT}packages/cli/main.ts`;
const VM = `${ROOT}packages/simulator/testdata/vm.json`;

interface Run {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** Runs a program from the repository's folder; its status and outputs. */
async function exec(program: string, args: readonly string[]): Promise<Run> {
  const r = await new Deno.Command(program, {
    args: [...args],
    cwd: ROOT,
    env: { NO_COLOR: "1" },
    stdin: "null",
  }).output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: r.code, out: decode(r.stdout), err: decode(r.stderr) };
}

/** Runs the bundle under node and the CLI under Deno with `args`; both must say the same. */
async function same(node: string, bundled: string, args: readonly string[]): Promise<Run> {
  const underNode = await exec(node, [bundled, ...args]);
  const underDeno = await exec(Deno.execPath(), ["run", "-A", CLI, ...args]);
  assert.deepEqual(underNode, underDeno, `tmpfs-root ${args.join(" ")}`);
  assert.doesNotMatch(underNode.err, /^\s+at /m, "a stack trace");
  return underNode;
}

/** An error: one line on standard error, nothing on standard output. */
function oneLine(r: Run, code: number, pattern: RegExp): void {
  assert.equal(r.code, code, r.err);
  assert.equal(r.out, "");
  assert.match(r.err, /^[^\n]+\n$/);
  assert.match(r.err, pattern);
}

Deno.test("bundle() makes one file for node that prints and exits as the CLI does under Deno", async () => {
  const node = await requireProgram("node");
  const dir = await Deno.makeTempDir();
  try {
    const built = await bundle(`${dir}/tmpfs-root.mjs`);
    assert.deepEqual(built.mapped, ["#args", "dax", "modern-tar"]);
    for (const api of ["args", "exit", "readTextFile", "mkdir", "writeTextFile", "Command"]) {
      assert.ok(built.denoApis.includes(api), `Deno.${api} from the shim`);
    }
    const text = await Deno.readTextFile(built.outfile);
    assert.match(text, /^#!\/usr\/bin\/env node\n/);
    assert.doesNotMatch(text, /^import .* from "(?!node:)/m, "only node: built-ins stay imports");
    assert.equal((await Deno.stat(built.outfile)).mode! & 0o111, 0o111);

    const run = (...args: string[]) => same(node, built.outfile, args);
    assert.deepEqual(await run("--help"), { code: 0, out: `${usage()}\n`, err: "" });
    assert.deepEqual(await run("cmdline", "--check", "root=tmpfs:LABEL=images rd.tmpfs.size=3G"), {
      code: 0,
      out: [
        "source: block device /dev/disk/by-label/images",
        "rd.tmpfs.size=3G",
        "rd.tmpfs.imgfile=rootfs.tar.gz (default)",
        "rd.tmpfs.opts= (default)",
        "rd.tmpfs.sha256= (default)",
        "rd.tmpfs.verify=none (default)",
        "rd.tmpfs.retries=3 (default)",
        "rd.tmpfs.timeout=1800 (default)",
        "rd.tmpfs.cafile= (default)",
        "rd.retry=180 (default)",
        "rd.tmpfs.onfail=emergency (default)",
        "",
      ].join("\n"),
      err: "",
    });
    for (const c of COMMANDS) {
      const help = await run(c.name, "--help");
      assert.equal(help.code, 0);
      assert.match(help.out, new RegExp(`^Usage: tmpfs-root ${c.name}\\b`));
    }
    assert.equal(
      (await run("cmdline", "--check", "root=tmpfs:/dev/vda1 rd.tmpfs.size=3Q")).code,
      1,
    );
    // A boot from a zstd archive on NFS (zstd without node:zlib's on an older Node.js), and a stop.
    const nfs = "root=tmpfs:NFS=nfs:10.0.2.2:/nfsexport rd.tmpfs.imgfile=images/rootfs.tar.gz";
    assert.match((await run("simulate", "--cmdline", nfs, "--vm", VM)).out, /^outcome: switched/m);
    const missing = "root=tmpfs:LABEL=images rd.tmpfs.imgfile=missing.tgz";
    assert.equal((await run("simulate", "--cmdline", missing, "--vm", VM)).code, 1);
    // zstd archives cut short and damaged are judged alike.
    const entries = { "etc/os-release": "ID=demo\n", "data": "0123456789abcdef".repeat(64) };
    const archive = (more: object) => ({ archive: { format: "zstd", entries, ...more } });
    await Deno.writeTextFile(
      `${dir}/zstd.json`,
      JSON.stringify({
        ram: "4G",
        disks: [{
          path: "/dev/vda1",
          files: {
            "cut.tar.zst": archive({ truncate: 60 }),
            "bad.tar.zst": archive({ corrupt: true }),
          },
        }],
      }),
    );
    for (const [file, cause] of [["cut.tar.zst", "truncated"], ["bad.tar.zst", "corrupt"]]) {
      const cmdline = `root=tmpfs:/dev/vda1 rd.tmpfs.imgfile=${file}`;
      const r = await run("simulate", "--cmdline", cmdline, "--vm", `${dir}/zstd.json`);
      assert.match(
        r.out,
        new RegExp(`^ +0s {2}console: tmpfs-root: unpack failed: ${file} is ${cause}$`, "m"),
      );
    }

    // pack and inspect under node: GNU tar and zstd driven through dax, the archive read back as a
    // stream; the same tree packed under Deno gives the same bytes.
    await Deno.mkdir(`${dir}/tree/sbin`, { recursive: true });
    await Deno.writeTextFile(`${dir}/tree/sbin/init`, "#!/bin/sh\n", { mode: 0o755 });
    for (const [runtime, archive] of [[node, built.outfile], [Deno.execPath(), CLI]] as const) {
      const args = runtime === node ? [archive] : ["run", "-A", archive];
      const out = `${dir}/${runtime === node ? "node" : "deno"}.tar.zst`;
      const packed = await exec(runtime, [...args, "pack", `${dir}/tree`, "-o", out]);
      assert.equal(packed.code, 0, packed.err);
    }
    assert.deepEqual(
      await Deno.readFile(`${dir}/node.tar.zst`),
      await Deno.readFile(`${dir}/deno.tar.zst`),
    );
    const inspected = await exec(node, [built.outfile, "inspect", "--json", `${dir}/node.tar.zst`]);
    assert.equal(inspected.code, 0, inspected.err);
    assert.equal(JSON.parse(inspected.out).init.path, "/sbin/init");
    oneLine(
      await run("inspect", `${dir}/none.tar.zst`),
      2,
      /^tmpfs-root inspect: .*none\.tar\.zst/,
    );

    // A wrong option, a missing file, a folder that cannot be written: one line each.
    oneLine(await run("simulate", "--vmm", "x.json"), 2, /^tmpfs-root simulate: Unknown option/);
    oneLine(
      await run("simulate", "--cmdline", "root=tmpfs:/dev/vda1", "--vm", `${dir}/none.json`),
      2,
      /: No such file or directory \(os error 2\): readfile '.*none\.json'/,
    );
    oneLine(await run("no-such-command"), 2, /^tmpfs-root: unknown command "no-such-command"/);
    oneLine(
      await run("build-module", "--out", "/proc/no/such"),
      1,
      /^tmpfs-root build-module: No such file or directory \(os error 2\): mkdir '\/proc\/no\/such'\n$/,
    );

    // The module and the documents, written under node, are what Deno checks against the model.
    const out = ["--out", `${dir}/module`, "--docs", `${dir}/docs`];
    const wrote = await exec(node, [built.outfile, "build-module", ...out]);
    assert.deepEqual(wrote, { code: 0, out: wrote.out, err: "" });
    assert.match((await run("build-module", ...out, "--check")).out, /^module ok: /);
    // Outside the source there are no default folders.
    oneLine(
      await exec(node, [built.outfile, "build-module", "--check"]),
      2,
      /^tmpfs-root build-module: missing --out DIR/,
    );
    // The file runs by itself, through its #! line.
    assert.deepEqual(await exec(built.outfile, ["--help"]), {
      code: 0,
      out: `${usage()}\n`,
      err: "",
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
