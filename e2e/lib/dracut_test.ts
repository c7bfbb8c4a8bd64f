import assert from "#assert";
import $ from "dax";
import {
  BASE_DRIVERS,
  CHROOT_DRACUT_SCRIPT,
  distroDracutArgs,
  dracutArgs,
  NETWORKD_RE,
} from "./dracut.ts";

Deno.test("distroDracutArgs() keeps dracutArgs() but the drivers the root's kernel lacks", () => {
  const opts = { flavour: "systemd", distro: "forky", modules: ["lvm"] } as const;
  const all = new Set(BASE_DRIVERS);
  assert.deepEqual(distroDracutArgs(opts, all), dracutArgs(opts));
  const known = new Set(BASE_DRIVERS.filter((d) => d !== "crc32c_generic"));
  const args = distroDracutArgs(opts, known);
  assert.equal(args[args.indexOf("--add-drivers") + 1], [...known].join(" "));
  // No list read: every driver stays.
  assert.deepEqual(distroDracutArgs(opts, new Set()), dracutArgs(opts));
});

Deno.test("dracutArgs() without the module omits tmpfs-root and adds only the modules named", () => {
  const args = dracutArgs({
    flavour: "classic",
    hostonly: true,
    full: true,
    withoutModule: true,
    modules: ["network", "url-lib"],
  });
  assert.equal(args[args.indexOf("-a") + 1], "network url-lib");
  assert.equal(args.filter((a) => a.includes("tmpfs-root")).join(), "tmpfs-root");
  assert.equal(args[args.indexOf("tmpfs-root") - 1], "--omit");
  assert.throws(() => dracutArgs({ flavour: "classic", withoutModule: true }), /only for an image/);
});

Deno.test("dracutArgs() of a distribution build are the host's: the distribution is no argument", () => {
  assert.deepEqual(
    dracutArgs({ flavour: "classic", distro: "trixie", full: true }),
    dracutArgs({ flavour: "classic", full: true }),
  );
});

Deno.test("NETWORKD_RE matches dracut 059's and dracut-ng's complaint", () => {
  // dracut 059, /usr/lib/dracut/dracut-init.sh:974.
  assert.match(
    "dracut: dracut module 'network' depends on 'systemd-networkd', which can't be installed",
    NETWORKD_RE,
  );
  // dracut-ng: 106's usr/lib/dracut/dracut-init.sh:860, 112's usr/bin/dracut:1837.
  assert.match(
    "dracut[E]: Module 'network' depends on module 'systemd-networkd', which can't be installed",
    NETWORKD_RE,
  );
  assert.doesNotMatch(
    "dracut[E]: Module 'nfs' depends on module 'network', which can't be installed",
    NETWORKD_RE,
  );
});

Deno.test("CHROOT_DRACUT_SCRIPT parses with sh -n", async () => {
  const r = await $`sh -n -c ${CHROOT_DRACUT_SCRIPT}`.noThrow().captureCombined();
  assert.equal(r.code, 0, r.combined);
});
