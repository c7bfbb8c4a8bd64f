// The distribution packages, built and installed for real: tools/install.sh
// into a temporary DESTDIR, the .deb (debian/) with dpkg-buildpackage, the
// .rpm (packaging/tmpfs-root.spec) with rpmbuild. docs/packaging.md says what
// goes where; every expected file is listed here, so a missing or an extra
// file fails.
import assert from "#assert";
import { bundle, BUNDLE_PATH } from "./bundle.ts";

const ROOT = new URL("../", import.meta.url).pathname;
const INSTALL = `${ROOT}tools/install.sh`;
const NODE_MISSING = "tmpfs-root: this command needs Node.js 18 or later " +
  "(Debian: apt install nodejs; Fedora: dnf install nodejs)\n";
/** Debian's and Fedora's dracut modules folder, what dracut.pc says on both. */
const MODULESDIR = "/usr/lib/dracut/modules.d";

interface Run {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

interface RunOptions {
  readonly cwd?: string;
  readonly env?: Record<string, string>;
}

/** Runs a program (from the repository's folder unless told); its status and outputs. */
async function exec(program: string, args: readonly string[], opts: RunOptions = {}): Promise<Run> {
  const r = await new Deno.Command(program, {
    args: [...args],
    cwd: opts.cwd ?? ROOT,
    env: { LC_ALL: "C.UTF-8", ...opts.env },
    stdin: "null",
  }).output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: r.code, out: decode(r.stdout), err: decode(r.stderr) };
}

/** Runs a program that must succeed; its standard output. */
async function ok(
  program: string,
  args: readonly string[],
  opts: RunOptions = {},
): Promise<string> {
  const r = await exec(program, args, opts);
  assert.equal(r.code, 0, `${program} ${args.join(" ")} failed:\n${r.out}${r.err}`.slice(-4000));
  return r.out;
}

/** Fails, naming the Debian package and the install script, when a program is missing. */
async function need(program: string, debianPackage: string): Promise<void> {
  const r = await exec("sh", ["-c", 'command -v "$1"', "sh", program]);
  if (r.code !== 0) {
    throw new Error(
      `Missing program "${program}": install the Debian package ${debianPackage} ` +
        "(bash tools/install-deps.sh installs everything the tests need)",
    );
  }
}

/** Every file under `dir`, recursively, relative to it. */
async function filesUnder(dir: string, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(`${dir}/${prefix}`)) {
    const path = `${prefix}${e.name}`;
    if (e.isDirectory) out.push(...await filesUnder(dir, `${path}/`));
    else out.push(path);
  }
  return out.sort();
}

/**
 * Builds dist/tmpfs-root.mjs when it is missing or older than what it is
 * bundled from (the workspace packages, the bundler, deno.json and its lock),
 * once for the whole file.
 */
function freshBundle(): Promise<void> {
  fresh ??= (async () => {
    const sources = [
      "deno.json",
      "deno.lock",
      ...(await filesUnder(`${ROOT}tools`)).filter((f) => /^_?bundle[^/]*\.ts$/.test(f))
        .map((f) => `tools/${f}`),
      ...(await filesUnder(`${ROOT}packages`)).map((f) => `packages/${f}`),
    ];
    let newest = 0;
    for (const f of sources) {
      newest = Math.max(newest, (await Deno.stat(`${ROOT}${f}`)).mtime!.getTime());
    }
    const built = await Deno.stat(BUNDLE_PATH).catch(() => undefined);
    if (built !== undefined && built.mtime!.getTime() >= newest) return;
    await bundle().catch((e: Error) => {
      throw new Error(`Cannot build dist/tmpfs-root.mjs (deno task bundle): ${e.message}`);
    });
  })();
  return fresh;
}
let fresh: Promise<void> | undefined;

/** A file the packages install: its mode and its source in the checkout (none for the wrapper). */
interface Expected {
  readonly mode: number;
  readonly source?: string;
}

/** The files of `folder` as committed (`git ls-files -s`), each with its mode. */
async function committed(folder: string): Promise<Map<string, number>> {
  await need("git", "git");
  const out = await ok("git", ["ls-files", "-s", "--", folder]);
  const files = new Map<string, number>();
  for (const line of out.split("\n").filter((l) => l !== "")) {
    const m = /^(100755|100644) \w+ \d\t(.+)$/.exec(line) ??
      assert.fail(`Unexpected entry in git ls-files: ${line}`);
    files.set(m[2]!, m[1] === "100755" ? 0o755 : 0o644);
  }
  return files;
}

/**
 * Every file tools/install.sh installs, by its installed path; `man` follows
 * the man pages' names (`.gz` where dh compresses them).
 */
async function layout(
  modulesdir: string,
  prefix: string,
  man = "",
): Promise<Map<string, Expected>> {
  const files = new Map<string, Expected>();
  for (const [source, mode] of await committed("module/90tmpfs-root")) {
    files.set(`${modulesdir}/90tmpfs-root/${source.split("/").pop()}`, { mode, source });
  }
  for (const source of (await committed("docs/man")).keys()) {
    const section = /\.([17])$/.exec(source)?.[1];
    if (section === undefined) continue; // The Markdown versions stay in the checkout.
    files.set(`${prefix}/share/man/man${section}/${source.split("/").pop()}${man}`, {
      mode: 0o644,
      source,
    });
  }
  files.set(`${prefix}/share/tmpfs-root/tmpfs-root.mjs`, {
    mode: 0o755,
    source: "dist/tmpfs-root.mjs",
  });
  files.set(`${prefix}/bin/tmpfs-root`, { mode: 0o755 });
  return files;
}

/** Checks that `root` holds exactly `expected`: same paths, modes and contents. */
async function assertInstalled(root: string, expected: Map<string, Expected>): Promise<void> {
  const found = (await filesUnder(root)).map((f) => `/${f}`);
  assert.deepEqual(found, [...expected.keys()].sort(), `the files under ${root}`);
  for (const [path, want] of expected) {
    const mode = (await Deno.stat(`${root}${path}`)).mode! & 0o7777;
    assert.equal(mode.toString(8), want.mode.toString(8), `the mode of ${path}`);
    if (want.source === undefined) continue;
    assert.deepEqual(
      await Deno.readFile(`${root}${path}`),
      await Deno.readFile(`${ROOT}${want.source}`),
      `${path} is ${want.source}`,
    );
  }
}

/** A folder of links to every program on PATH but `hidden`: a PATH where they are not installed. */
async function pathWithout(dir: string, hidden: readonly string[]): Promise<string> {
  const bin = `${dir}/path-without-${hidden.join("-")}`;
  await Deno.mkdir(bin);
  const seen = new Set(hidden);
  for (const folder of (Deno.env.get("PATH") ?? "").split(":")) {
    const entries = await Array.fromAsync(Deno.readDir(folder)).catch(() => []);
    for (const e of entries) {
      if (seen.has(e.name)) continue;
      seen.add(e.name);
      await Deno.symlink(`${folder}/${e.name}`, `${bin}/${e.name}`);
    }
  }
  return bin;
}

/** Runs tools/install.sh with `env`. */
function install(env: Record<string, string>): Promise<Run> {
  return exec("/bin/sh", [INSTALL], { env });
}

/**
 * Copies the files the packages are built from into `dir`, modes kept: the
 * builds run there, not in the repository (dpkg-buildpackage writes into the
 * parent folder, and both write build folders).
 */
async function copyCheckout(dir: string, withBundle = true): Promise<void> {
  const files = [
    "tools/install.sh",
    ...(await committed("module/90tmpfs-root")).keys(),
    ...(await committed("docs/man")).keys(),
    ...(await filesUnder(`${ROOT}debian`)).map((f) => `debian/${f}`),
    "packaging/tmpfs-root.spec",
    ...(withBundle ? ["dist/tmpfs-root.mjs"] : []),
  ];
  for (const f of files) {
    await Deno.mkdir(`${dir}/${f.slice(0, f.lastIndexOf("/"))}`, { recursive: true });
    await Deno.copyFile(`${ROOT}${f}`, `${dir}/${f}`); // Permissions are copied too.
  }
}

/** The version on debian/changelog's first line, the package version's one place. */
async function changelogVersion(): Promise<string> {
  const first = (await Deno.readTextFile(`${ROOT}debian/changelog`)).split("\n")[0]!;
  const m = /^tmpfs-root \(([^)]+)\) /.exec(first) ??
    assert.fail(
      `Invalid debian/changelog: expected "tmpfs-root (VERSION) ..." first, not "${first}"`,
    );
  return m[1]!;
}

async function withTempDir(test: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "tmpfs-root-packages-" });
  try {
    await test(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("install.sh installs the module, the man pages and the command under DESTDIR", async () => {
  await freshBundle();
  await withTempDir(async (dir) => {
    const r = await install({ DESTDIR: `${dir}/dest` });
    assert.equal(r.code, 0, r.err);
    assert.equal(r.err, "");
    const expected = await layout(MODULESDIR, "/usr");
    const [first, ...installed] = r.out.trimEnd().split("\n");
    assert.equal(
      first,
      `dracut modules folder: ${MODULESDIR} (from pkg-config --variable=dracutmodulesdir dracut)`,
    );
    assert.deepEqual(
      installed.sort(),
      [...expected.keys()].map((path) => `installed ${dir}/dest${path}`).sort(),
    );
    await assertInstalled(`${dir}/dest`, expected);
    // The wrapper names the bundle where it lands, without DESTDIR.
    assert.match(
      await Deno.readTextFile(`${dir}/dest/usr/bin/tmpfs-root`),
      /^#!\/bin\/sh\n[^]*\n {4}exec node '\/usr\/share\/tmpfs-root\/tmpfs-root\.mjs' "\$@"\n/,
    );
    // Installed again over itself, it still succeeds.
    assert.equal((await install({ DESTDIR: `${dir}/dest` })).code, 0);
  });
});

Deno.test("install.sh writes a wrapper that runs the command under node, or says in one line that node is missing (127)", async () => {
  await need("node", "nodejs");
  await freshBundle();
  await withTempDir(async (dir) => {
    // Installed for real under a prefix (no DESTDIR), so that the path the wrapper names exists.
    const prefix = `${dir}/it's here`;
    const r = await install({ PREFIX: prefix, DRACUTMODULESDIR: `${dir}/modules.d` });
    assert.equal(r.code, 0, r.err);
    await assertInstalled(dir, await layout("/modules.d", "/it's here"));
    const wrapper = `${prefix}/bin/tmpfs-root`;
    // The wrapper says what the bundle says.
    const help = await exec("node", [BUNDLE_PATH, "--help"]);
    assert.match(help.out, /^Usage: tmpfs-root /);
    assert.deepEqual(await exec(wrapper, ["--help"]), { code: 0, out: help.out, err: "" });
    // Its arguments reach the command as they were given, whatever the command makes of them.
    const args = ["check-cmdline", "root=tmpfs:LABEL=my images rd.tmpfs.size=3Q", "$HOME"];
    assert.deepEqual(await exec(wrapper, args), await exec("node", [BUNDLE_PATH, ...args]));
    const noNode = await pathWithout(dir, ["node", "nodejs"]);
    assert.deepEqual(await exec(wrapper, ["--help"], { env: { PATH: noNode } }), {
      code: 127,
      out: "",
      err: NODE_MISSING,
    });
  });
});

Deno.test("install.sh asks pkg-config for dracut's modules folder, and says when it falls back to /usr/lib/dracut/modules.d", async () => {
  await need("pkg-config", "pkg-config");
  await freshBundle();
  await withTempDir(async (dir) => {
    const noPkgConfig = await pathWithout(dir, ["pkg-config", "pkgconf"]);
    const cases: { name: string; env: Record<string, string>; folder: string; from: string }[] = [
      {
        name: "pkg-config and dracut.pc",
        env: {},
        folder: (await ok("pkg-config", ["--variable=dracutmodulesdir", "dracut"])).trim(),
        from: "pkg-config --variable=dracutmodulesdir dracut",
      },
      {
        name: "pkg-config without dracut.pc",
        env: { PKG_CONFIG_LIBDIR: `${dir}/no-pc`, PKG_CONFIG_PATH: "" },
        folder: MODULESDIR,
        from: "the default: pkg-config knows no dracut (dracut.pc is missing)",
      },
      {
        name: "no pkg-config",
        env: { PATH: noPkgConfig },
        folder: MODULESDIR,
        from: "the default: pkg-config is not installed",
      },
      {
        name: "DRACUTMODULESDIR",
        env: { DRACUTMODULESDIR: "/opt/dracut/modules.d" },
        folder: "/opt/dracut/modules.d",
        from: "DRACUTMODULESDIR",
      },
    ];
    for (const [i, c] of cases.entries()) {
      const dest = `${dir}/dest${i}`;
      const r = await install({ DESTDIR: dest, ...c.env });
      assert.equal(r.code, 0, `${c.name}: ${r.err}`);
      assert.equal(
        r.out.split("\n")[0],
        `dracut modules folder: ${c.folder} (from ${c.from})`,
        c.name,
      );
      await assertInstalled(dest, await layout(c.folder, "/usr"));
    }
  });
});

Deno.test("install.sh stops with one line and a non-zero status on a wrong argument, a missing input or a failed copy", async () => {
  await freshBundle();
  await withTempDir(async (dir) => {
    // A checkout without the bundle.
    const bare = `${dir}/checkout/`;
    await copyCheckout(bare, false);
    await Deno.writeTextFile(`${dir}/a-file`, "");
    const cases: {
      name: string;
      args: string[];
      env: Record<string, string>;
      code: number;
      err: RegExp;
      checkout?: string;
    }[] = [
      {
        name: "no bundle",
        args: [],
        env: {},
        checkout: bare,
        code: 2,
        err:
          /^install\.sh: missing dist\/tmpfs-root\.mjs: build it with: npx -y deno@2\.9\.6 task bundle\n$/,
      },
      {
        name: "an unknown argument",
        args: ["--prefix=/usr"],
        env: {},
        code: 2,
        err:
          /^install\.sh: unknown argument "--prefix=\/usr": expected --help, DESTDIR=, PREFIX= or DRACUTMODULESDIR=\n$/,
      },
      {
        name: "a relative PREFIX",
        args: ["PREFIX=usr"],
        env: {},
        code: 2,
        err: /^install\.sh: invalid PREFIX "usr": expected an absolute path\n$/,
      },
      {
        name: "a DESTDIR that cannot be written",
        args: [],
        env: { DESTDIR: `${dir}/a-file` },
        code: 1,
        err:
          /^install\.sh: cannot create the folder of .*\/a-file\/usr\/lib\/dracut\/modules\.d\/90tmpfs-root\/[^\n]+: mkdir: [^\n]*Not a directory\n$/,
      },
    ];
    for (const c of cases) {
      const r = await exec("/bin/sh", [`${c.checkout ?? ROOT}tools/install.sh`, ...c.args], {
        env: { DESTDIR: `${dir}/dest`, ...c.env },
      });
      assert.equal(r.code, c.code, `${c.name}: ${r.err}`);
      assert.match(r.err, c.err, c.name);
      // Nothing was written where nothing could be.
      assert.equal(await Deno.stat(`${dir}/dest`).catch(() => undefined), undefined, c.name);
    }
    const help = await exec("/bin/sh", [INSTALL, "--help"]);
    assert.equal(help.code, 0);
    assert.match(
      help.out,
      /^Usage: sh tools\/install\.sh \[--help\] \[VAR=value \.\.\.\]\n[^]*DESTDIR[^]*PREFIX[^]*DRACUTMODULESDIR/,
    );
  });
});

/** `rwxr-xr-x` for 0o755. */
function perms(mode: number): string {
  return [6, 3, 0].map((shift) => {
    const bits = (mode >> shift) & 7;
    return `${bits & 4 ? "r" : "-"}${bits & 2 ? "w" : "-"}${bits & 1 ? "x" : "-"}`;
  }).join("");
}

Deno.test("dpkg-buildpackage builds a .deb of the module, the man pages and the command, and dracut finds the module in it", async () => {
  for (
    const [program, pkg] of [
      ["dpkg-buildpackage", "dpkg-dev"],
      ["dh", "debhelper"],
      ["dracut", "dracut-core"],
    ]
  ) {
    await need(program!, pkg!);
  }
  await freshBundle();
  await withTempDir(async (dir) => {
    await copyCheckout(`${dir}/src`);
    await ok("dpkg-buildpackage", ["-us", "-uc", "-b"], { cwd: `${dir}/src` });
    const version = await changelogVersion();
    const deb = `${dir}/tmpfs-root_${version}_all.deb`;
    assert.deepEqual(
      (await ok("dpkg-deb", ["-f", deb, "Package", "Version", "Architecture", "Depends"])).split(
        "\n",
      ),
      [
        "Package: tmpfs-root",
        `Version: ${version}`,
        "Architecture: all",
        "Depends: dracut-core | dracut",
        "",
      ],
    );
    assert.equal(
      await ok("dpkg-deb", ["-f", deb, "Recommends"]),
      "nodejs (>= 18), curl, pigz, zstd, xz-utils, bzip2, lz4\n",
    );

    // Exactly the files tools/install.sh installs (man pages gzipped by dh), and dh's two documents.
    const expected = await layout(MODULESDIR, "/usr", ".gz");
    expected.set("/usr/share/doc/tmpfs-root/changelog.gz", { mode: 0o644 });
    expected.set("/usr/share/doc/tmpfs-root/copyright", {
      mode: 0o644,
      source: "debian/copyright",
    });
    const listed = (await ok("dpkg-deb", ["-c", deb])).split("\n").filter((l) => l.startsWith("-"))
      .map((l) => {
        const m = /^-(\S{9}) root\/root +\d+ \S+ \S+ \.(\/.+)$/.exec(l) ??
          assert.fail(`Unexpected line of dpkg-deb -c: ${l}`);
        return `${m[1]} ${m[2]}`;
      });
    assert.deepEqual(
      listed.sort(),
      [...expected].map(([path, e]) => `${perms(e.mode)} ${path}`).sort(),
    );

    // Unpacked into a scratch root, the module is the committed one, byte for byte.
    const root = `${dir}/root`;
    await ok("dpkg-deb", ["-x", deb, root]);
    for (const [path, e] of expected) {
      if (e.source === undefined || path.endsWith(".gz")) continue;
      assert.deepEqual(
        await Deno.readFile(`${root}${path}`),
        await Deno.readFile(`${ROOT}${e.source}`),
        path,
      );
    }

    // dracut takes its own files (dracut-functions.sh, dracut-init.sh, ...) and its modules
    // (modules.d/) from $dracutbasedir, /usr/lib/dracut by default; --list-modules sources the
    // former, then names every folder of modules.d/ that holds a module-setup.sh, without its
    // two-digit prefix. The scratch root's usr/lib/dracut holds the package's
    // modules.d/90tmpfs-root; links to the system's dracut files and other modules make it a
    // whole dracutbasedir, in which the only tmpfs-root is the package's.
    const base = `${root}${MODULESDIR.replace(/\/modules\.d$/, "")}`;
    const system: string[] = [];
    for await (const e of Deno.readDir("/usr/lib/dracut")) {
      if (e.name !== "modules.d") {
        await Deno.symlink(`/usr/lib/dracut/${e.name}`, `${base}/${e.name}`);
      }
    }
    for await (const e of Deno.readDir("/usr/lib/dracut/modules.d")) {
      if (e.name === "90tmpfs-root") continue;
      await Deno.symlink(`/usr/lib/dracut/modules.d/${e.name}`, `${base}/modules.d/${e.name}`);
      system.push(e.name.slice(2));
    }
    await Deno.mkdir(`${dir}/conf.d`);
    // --no-kernel: dracut stops early without /lib/modules/$(uname -r), as in a container. The
    // host's dracut configuration is left out.
    const modules = (await ok(
      "dracut",
      ["--no-kernel", "--conf", "/dev/null", "--confdir", `${dir}/conf.d`, "--list-modules"],
      { env: { dracutbasedir: base } },
    )).trim().split("\n");
    assert.deepEqual(modules.sort(), [...system, "tmpfs-root"].sort());
  });
});

Deno.test("rpmbuild -bb builds a noarch .rpm of exactly the module, the man pages and the command", async () => {
  await need("rpmbuild", "rpm");
  await freshBundle();
  await withTempDir(async (dir) => {
    const src = `${dir}/src`;
    await copyCheckout(src);
    const rpmbuild = (sourcedir: string) =>
      exec("rpmbuild", [
        "-bb",
        "--define",
        `_sourcedir ${sourcedir}`,
        "--define",
        `_topdir ${dir}/top`,
        "--define",
        `_tmppath ${dir}`,
        `${src}/packaging/tmpfs-root.spec`,
      ]);
    // The version is read from debian/changelog; without it, one clear error.
    const wrong = await rpmbuild(`${dir}/nowhere`);
    assert.notEqual(wrong.code, 0);
    assert.match(
      wrong.err,
      /tmpfs-root\.spec: cannot read .*\/nowhere\/debian\/changelog: build from the checkout with --define "_sourcedir \$PWD"/,
    );

    const built = await rpmbuild(src);
    assert.equal(built.code, 0, built.err.slice(-4000));
    const rpm = `${dir}/top/RPMS/noarch/tmpfs-root-${await changelogVersion()}-1.noarch.rpm`;
    const query = (...args: string[]) => ok("rpm", ["-qp", ...args, rpm]);
    assert.equal(
      await query("--qf", "%{NAME} %{VERSION} %{ARCH}\n"),
      `tmpfs-root ${await changelogVersion()} noarch\n`,
    );
    assert.match(await query("--requires"), /^dracut$/m);
    assert.match(await query("--recommends"), /^nodejs >= 18$/m);

    // Exactly the files tools/install.sh installs, and the two folders the package owns. Man
    // pages stay as they are where brp-compress fails (Debian's rpm under dash) and are gzipped
    // where it works (Fedora): the spec's %files matches both.
    const expected = new Map<string, string>([
      [`${MODULESDIR}/90tmpfs-root`, "drwxr-xr-x"],
      ["/usr/share/tmpfs-root", "drwxr-xr-x"],
      ...[...await layout(MODULESDIR, "/usr")].map(([path, e]): [string, string] => [
        path,
        `-${perms(e.mode)}`,
      ]),
    ]);
    const unzipped = (list: string) =>
      list.trimEnd().split("\n").map((l) => l.replace(/(\/man\/man\d\/.*)\.gz$/, "$1")).sort();
    assert.deepEqual(unzipped(await query("-l")), [...expected.keys()].sort());
    assert.deepEqual(
      unzipped(await query("--qf", "[%{FILEMODES:perms} %{FILENAMES}\n]")),
      [...expected].map(([path, mode]) => `${mode} ${path}`).sort(),
    );
  });
});
