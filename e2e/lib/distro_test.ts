/**
 * The build roots' definition, and what their dracut-ng differs in from the
 * host's dracut 059 where module/90tmpfs-root/module-setup.sh is concerned
 * (read from the cached roots' own sources). Where a root is not built yet
 * (the test task on a fresh machine) those checks are ignored, and say so on
 * the console; every e2e run that boots the distro topic runs this file again
 * with ROOTS_REQUIRED_ENV set, where a missing root fails them.
 *
 * Found in the roots (dracut 106-6 in trixie, 112-7 in forky):
 *
 * - Every helper module-setup.sh calls still exists: dracut_module_path,
 *   require_binaries, inst_multiple (with -o), dracut_module_included,
 *   inst_hook, inst_script, inst_simple, derror, dfatal, instmods, and
 *   $systemdutildir (set_global_var in usr/bin/dracut). In 112 they left
 *   usr/lib/dracut/dracut-init.sh (gone) for usr/lib/dracut/dracut-functions.sh
 *   and usr/bin/dracut.
 * - inst_hook installs into /var/lib/dracut/hooks/<hook> (059:
 *   /lib/dracut/hooks); 106's usr/bin/dracut links /lib/dracut/hooks to it,
 *   112 makes no link and sets hookdir=/var/lib/dracut/hooks
 *   (80base/module-setup.sh). The module names hooks only through inst_hook,
 *   so both work.
 * - The busybox module moved: 059 05busybox (before tmpfs-root: its applet
 *   links take tar, cat, ... and the module's inst_multiple skips them),
 *   trixie 99busybox (after tmpfs-root: GNU tar stays), forky 10busybox
 *   (before again, and says so: "Later modules that call inst_multiple for
 *   names busybox provides will see the symlinks already in $initdir and skip
 *   the install").
 * - forky's Debian packaging prefers busybox: usr/lib/dracut/dracut.conf.d/01-debian.conf line 4,
 *   `prefer_dracutmodules+=" busybox "` (read even with --conf and --confdir, which only replace
 *   /etc's files; usr/bin/dracut:1910). A default image (no -m) on a forky system with busybox
 *   installed therefore holds busybox, whose 10busybox applet links (tar, cat, …) come before
 *   tmpfs-root's GNU tools, and /bin/sh is busybox. The hooks run their
 *   programs from /lib/tmpfs-root/bin, so busybox's tar never runs for them
 *   (it said "tar: invalid option -- 'R'" before they did).
 * - /bin/sh comes from the shell-interpreter module (trixie
 *   99shell-interpreter, forky 85shell-interpreter): bash, dash or busybox
 *   when one of those modules is included, else the build root's own /bin/sh
 *   (dash on Debian); 059's base installed bash.
 * - forky (112) has no network-legacy module: 40network/module-setup.sh
 *   depends() picks network-manager, systemd-networkd or connman. Without
 *   systemd (the classic flavour) and without NetworkManager or connman it
 *   picks systemd-networkd, which cannot be installed, so "network" cannot.
 *   module-setup.sh names network only when dracut's check_module finds it
 *   installable (tmpfs_root_installable), else builds an image for the other
 *   kinds and warns; the forky root installs network-manager, whose dracut
 *   module runs NetworkManager from initqueue hooks without systemd.
 * - forky's util-linux has no switch_root (util-linux-extra has it): without
 *   it the classic flavour's init cannot switch root at all.
 * - forky (112): the initqueue is a module of its own (77initqueue, check
 *   returns 255: included only when another module depends on it);
 *   module-setup.sh installs initqueue/finished and initqueue/timeout hooks
 *   without depending on it.
 *
 * @module
 */
import assert from "#assert";
import $ from "dax";
import {
  cachedDistroRoot,
  DEBIAN_MIRROR,
  type Distro,
  distroKey,
  distroPackages,
  DISTROS,
  mmdebstrapArgs,
  ROOTS_REQUIRED_ENV,
} from "./distro.ts";

Deno.test("distroPackages() gives forky busybox, and every root dracut, a kernel and the tools", () => {
  for (const d of DISTROS) {
    const p = distroPackages(d);
    for (const name of ["dracut", "dracut-network", "linux-image-amd64", "curl", "lvm2", "zstd"]) {
      assert.ok(p.includes(name), `${d} lacks ${name}`);
    }
    assert.equal(new Set(p).size, p.length, `${d} names a package twice`);
  }
  assert.ok(distroPackages("forky").includes("busybox"));
  assert.ok(!distroPackages("forky").includes("isc-dhcp-client"), "forky has no isc-dhcp-client");
});

Deno.test("mmdebstrapArgs() uses Debian's mirror only and accepts a stale Release file", () => {
  const args = mmdebstrapArgs("forky", "/tmp/x");
  assert.deepEqual(args.slice(-3), ["forky", "/tmp/x", DEBIAN_MIRROR]);
  assert.equal(DEBIAN_MIRROR, "http://deb.debian.org/debian");
  assert.ok(args.includes(`--aptopt=Acquire::Check-Valid-Until "false"`));
  assert.ok(args.includes("--variant=minbase"));
  assert.equal(args.filter((a) => a.startsWith("http")).length, 1);
});

Deno.test("distroKey() differs between distributions and is stable", async () => {
  assert.notEqual(await distroKey("trixie"), await distroKey("forky"));
  assert.equal(await distroKey("trixie"), await distroKey("trixie"));
  assert.match(await distroKey("forky"), /^[0-9a-f]{12}$/);
});

/** The roots built on this machine. */
const ROOTS: Partial<Record<Distro, string>> = {};
const required = Deno.env.get(ROOTS_REQUIRED_ENV) !== undefined;
for (const d of DISTROS) {
  const r = await cachedDistroRoot(d);
  if (r) ROOTS[d] = r.root;
  else if (required) throw new Error(`The ${d} build root is not built: the e2e run needs it`);
  else {
    console.warn(
      `distro_test: no ${d} build root here: its dracut-ng checks are ignored (deno task e2e --topic distro builds the roots and runs them)`,
    );
  }
}

/** Where a shell function is defined in a root's dracut: `file:line`, or undefined. */
async function definedAt(root: string, fn: string): Promise<string | undefined> {
  const files = [`${root}/usr/bin/dracut`];
  for await (const e of Deno.readDir(`${root}/usr/lib/dracut`)) {
    if (e.isFile && e.name.endsWith(".sh")) files.push(`${root}/usr/lib/dracut/${e.name}`);
  }
  for (const f of files.sort()) {
    const lines = (await Deno.readTextFile(f)).split("\n");
    const i = lines.findIndex((l) => l.startsWith(`${fn}() {`) || l.startsWith(`${fn}()`));
    if (i >= 0) return `${f.slice(root.length + 1)}:${i + 1}`;
  }
  return undefined;
}

/** The name of a root's dracut module folder for `name` (`99busybox`), or undefined. */
async function moduleFolder(root: string, name: string): Promise<string | undefined> {
  for await (const e of Deno.readDir(`${root}/usr/lib/dracut/modules.d`)) {
    if (e.name.slice(2) === name) return e.name;
  }
  return undefined;
}

for (const d of DISTROS) {
  const root = ROOTS[d];
  Deno.test({
    name: `dracut-ng in ${d} still has every helper module-setup.sh calls`,
    ignore: root === undefined,
    fn: async () => {
      for (
        const fn of [
          "dracut_module_path",
          "require_binaries",
          "inst_multiple",
          "dracut_module_included",
          "inst_hook",
          "inst_script",
          "inst_simple",
          "instmods",
          "derror",
          "dfatal",
        ]
      ) {
        assert.ok(await definedAt(root!, fn), `${d}'s dracut has no ${fn}()`);
      }
      const dracut = await Deno.readTextFile(`${root}/usr/bin/dracut`);
      assert.match(dracut, /set_global_var "systemd" "systemdutildir" /);
      // inst_multiple -o is dracut-install's --optional.
      const help = await $`chroot ${root!} /usr/lib/dracut/dracut-install --help`.noThrow().text();
      assert.match(help, /--optional/);
    },
  });

  Deno.test({
    name: `dracut-ng in ${d} installs hooks under /var/lib/dracut/hooks`,
    ignore: root === undefined,
    fn: async () => {
      const at = (await definedAt(root!, "inst_hook"))!;
      const [file, line] = at.split(":");
      const body = (await Deno.readTextFile(`${root}/${file}`)).split("\n")
        .slice(Number(line), Number(line) + 15).join("\n");
      assert.match(body, /hook="\/var\/lib\/dracut\/hooks\/\$\{1\}\//);
      // 106 links /lib/dracut/hooks to it; 112 makes no such link and sets hookdir to it.
      const dracut = await Deno.readTextFile(`${root}/usr/bin/dracut`);
      const link = /ln_r \/var\/lib\/dracut\/hooks \/lib\/dracut\/hooks/;
      if (d === "trixie") assert.match(dracut, link);
      else assert.doesNotMatch(dracut, link);
    },
  });
}

Deno.test({
  name: "the busybox module runs after tmpfs-root in trixie (99busybox), before it in forky",
  ignore: ROOTS.trixie === undefined || ROOTS.forky === undefined,
  fn: async () => {
    assert.equal(await moduleFolder(ROOTS.trixie!, "busybox"), "99busybox");
    assert.equal(await moduleFolder(ROOTS.forky!, "busybox"), "10busybox");
    const setup = await Deno.readTextFile(
      `${ROOTS.forky}/usr/lib/dracut/modules.d/10busybox/module-setup.sh`,
    );
    assert.match(setup, /see the symlinks already in \$initdir and skip the install/);
  },
});

Deno.test({
  name: "forky's Debian configuration prefers the busybox module in a default image",
  ignore: ROOTS.forky === undefined,
  fn: async () => {
    const conf = await Deno.readTextFile(
      `${ROOTS.forky}/usr/lib/dracut/dracut.conf.d/01-debian.conf`,
    );
    assert.match(conf, /^prefer_dracutmodules\+=" busybox "$/m);
    if (ROOTS.trixie) {
      const trixie = await Deno.readTextFile(
        `${ROOTS.trixie}/usr/lib/dracut/dracut.conf.d/01-debian.conf`,
      ).catch(() => "");
      assert.doesNotMatch(trixie, /prefer_dracutmodules.*busybox/);
    }
  },
});

Deno.test({
  name: "dracut-ng in forky has no network-legacy: without systemd, network needs NM or connman",
  ignore: ROOTS.forky === undefined,
  fn: async () => {
    assert.equal(await moduleFolder(ROOTS.forky!, "network-legacy"), undefined);
    if (ROOTS.trixie) {
      assert.equal(await moduleFolder(ROOTS.trixie, "network-legacy"), "35network-legacy");
    }
    const network = await Deno.readTextFile(
      `${ROOTS.forky}/usr/lib/dracut/modules.d/40network/module-setup.sh`,
    );
    assert.match(network, /for module in network-manager systemd-networkd connman; do/);
    assert.equal(await moduleFolder(ROOTS.forky!, "initqueue"), "77initqueue");
  },
});

Deno.test({
  name: "dracut-ng's shell-interpreter module picks /bin/sh (bash, dash, busybox, else the root's)",
  ignore: ROOTS.trixie === undefined,
  fn: async () => {
    const setup = await Deno.readTextFile(
      `${ROOTS.trixie}/usr/lib/dracut/modules.d/99shell-interpreter/module-setup.sh`,
    );
    assert.match(setup, /shells='bash dash busybox'/);
    assert.match(setup, /shell=\$\(realpath \/bin\/sh\)/);
  },
});
