// module-setup.sh and the public keys of tmpfs_root_pubkeys: the build stops, naming the key,
// when one is missing or is no Ed25519 public key; an image gets the keys and openssl only when
// keys are named.
import assert from "#assert";
import { requireProgram, runShell } from "@tmpfs-root/shell";
import { PROGRAM_PACKAGES } from "@tmpfs-root/model";
import { SHIPPED } from "./_testing.ts";

/**
 * dracut's functions as module-setup.sh calls them, each logging what it was
 * asked: the host's programs are files under $fake (find_binary looks there),
 * inst_binary copies one into the image, dracut_module_included reads
 * $included.
 */
const DRACUT = [
  'derror() { printf "derror: %s\\n" "$*"; }',
  'dfatal() { printf "dfatal: %s\\n" "$*"; }',
  'dwarn() { printf "dwarn: %s\\n" "$*"; }',
  // dracut's own check of a module and what it depends on: $uninstallable names those that fail.
  'check_module() { case " $uninstallable " in *" $1 "*) return 1 ;; esac; return 0; }',
  'require_binaries() { for b in "$@"; do [ -e "$fake/$b" ] || { echo "require_binaries: $b"; return 1; }; done; }',
  'find_binary() { [ -e "$fake/$1" ] && printf "%s\\n" "$fake/$1"; }',
  'inst_binary() { mkdir -p "$initdir${2%/*}" && cp "$1" "$initdir$2"; }',
  // The module's own files are not at hand here: only the keys are copied.
  'inst_simple() { case "$2" in /etc/*) mkdir -p "$initdir${2%/*}" && cp "$1" "$initdir$2" ;; esac; }',
  "inst_hook() { :; }",
  // instmods logs the kernel modules asked for (-c: each a must); the host's kernel has the
  // file systems of $kmods.
  'instmods() { c=; [ "$1" = -c ] && { c=1; shift; }; for m in "$@"; do case " $kmods " in *" $m "*) echo "instmods ${c:+-c }$m" ;; *) [ -z "$c" ] || return 1 ;; esac; done; }',
  'dracut_module_included() { case " $included " in *" $1 "*) return 0 ;; esac; return 1; }',
];

/** What a build starts from: dracut.conf's variables and the build host. */
interface Host {
  /** tmpfs_root_pubkeys (unset: none). */
  readonly keys?: string | null;
  /** tmpfs_root_decompressors (unset: every format the host has). */
  readonly decompressors?: string;
  /** tmpfs_root_filesystems (unset: every file system a block source may carry). */
  readonly filesystems?: string;
  /** Run dracut's installkernel after check, and nothing else. */
  readonly installkernel?: boolean;
  /** Programs the host lacks. */
  readonly missing?: readonly string[];
  /** Programs that are links to busybox on the host. */
  readonly busybox?: readonly string[];
  /** The dracut modules the image gets (default every one a kind needs). */
  readonly included?: string;
  /** The dracut modules the build omits (omit_dracutmodules). */
  readonly omit?: string;
  /** The folders under dracut's modules.d (default network's, nfs's, url-lib's and lvm's). */
  readonly modules?: readonly string[];
  /** Modules dracut's check_module refuses (dracut-ng's network without network-legacy). */
  readonly uninstallable?: string;
  /** tmpfs_root_sources (default every kind, as a generic image). */
  readonly sources?: string;
}

/**
 * Runs dracut's check, depends and install of module-setup.sh under bash (as
 * dracut does) on a made-up host; returns what they printed, their statuses,
 * the programs the image got under /lib/tmpfs-root/bin, the kinds it
 * records, and the keys.
 */
async function build(dir: string, host: Host | string | null = {}): Promise<string[]> {
  const h: Host = typeof host === "string" || host === null ? { keys: host } : host;
  const fake = `${dir}/host.${crypto.randomUUID()}`;
  await Deno.mkdir(`${fake}/real`, { recursive: true });
  await Deno.writeTextFile(`${fake}/busybox`, "");
  for (const p of Object.keys(PROGRAM_PACKAGES)) {
    if (h.missing?.includes(p)) continue;
    await Deno.writeTextFile(`${fake}/real/${p}`, "", { mode: 0o755 });
    await Deno.symlink(
      h.busybox?.includes(p) ? `${fake}/busybox` : `${fake}/real/${p}`,
      `${fake}/${p}`,
    );
  }
  for (const m of h.modules ?? ["40network", "95nfs", "45url-lib", "90lvm"]) {
    await Deno.mkdir(`${fake}/dracut/modules.d/${m}`, { recursive: true });
  }
  const script = [
    ...DRACUT,
    SHIPPED.get("module-setup.sh")!,
    // As dracut.conf sets it (the paths hold no quote).
    ...(h.keys === null || h.keys === undefined ? [] : [`tmpfs_root_pubkeys='${h.keys}'`]),
    ...(h.decompressors === undefined ? [] : [`tmpfs_root_decompressors='${h.decompressors}'`]),
    ...(h.filesystems === undefined ? [] : [`tmpfs_root_filesystems='${h.filesystems}'`]),
    "kernel=6.1.0-57-amd64 kmods='ext4 xfs btrfs vfat iso9660 squashfs udf f2fs'",
    `fake='${fake}' dracutbasedir='${fake}/dracut' included='${
      h.included ?? "network nfs url-lib"
    }'`,
    `omit_dracutmodules=' ${h.omit ?? ""} ' tmpfs_root_sources='${h.sources ?? "block nfs http"}'`,
    `uninstallable='${h.uninstallable ?? ""}'`,
    `initdir="${fake}/initrd" moddir=/nowhere hostonly=''`,
    // dracut installs a module only when its check allows it.
    'check; rc="$?"; echo "check $rc"; [ "$rc" = 255 ] || exit 0',
    ...(h.installkernel
      ? ['echo "installkernel:" $(installkernel; echo "status $?")', "exit 0"]
      : []),
    'echo "depends: $(depends)"',
    // install ends the build with exit 1 when it cannot install the keys: a subshell sees it.
    '(install; echo "install $?"); echo "build $?"',
    'echo "tools:" $(ls "$initdir/lib/tmpfs-root/bin" 2>/dev/null)',
    '[ -e "$initdir/lib/tmpfs-root/sources" ] && echo "sources: $(cat "$initdir/lib/tmpfs-root/sources")"',
    'find "$initdir/etc" -type f 2>/dev/null | sed "s|^$initdir||" | sort',
  ].join("\n");
  const out = await runShell(["bash"], script);
  assert.equal(out.stderr, "");
  return out.stdout.trimEnd().split("\n");
}

/** The programs every image gets under /lib/tmpfs-root/bin, with the decompressors given. */
function tools(...more: string[]): string {
  const required = SHIPPED.get("module-setup.sh")!.replace(/ \\\n\s*/g, " ")
    .match(/require_binaries ([a-z0-9 ]+) \|\|/)![1]!.split(" ");
  return `tools: ${[...required, ...more].sort().join(" ")}`;
}

const ALL_DECOMPRESSORS = ["bzip2", "gzip", "lz4", "pigz", "xz", "zstd"];

/** Makes the keys of the cases in `dir`. */
async function makeKeys(dir: string): Promise<void> {
  const script = [
    `cd "${dir}" && set -e`,
    "openssl genpkey -algorithm ed25519 -out site.key 2>/dev/null",
    "openssl pkey -in site.key -pubout -out site.pub",
    "openssl genpkey -algorithm ed25519 -out other.key 2>/dev/null",
    "openssl pkey -in other.key -pubout -out other.pub",
    "openssl pkey -in other.key -pubout -outform DER -out other.der",
    "openssl genpkey -algorithm rsa -pkeyopt rsa_keygen_bits:1024 -out rsa.key 2>/dev/null",
    "openssl pkey -in rsa.key -pubout -out rsa.pub",
    "mkdir again && cp other.pub again/site.pub",
    "cp site.pub .hidden.pub",
  ].join("\n");
  const out = await runShell(["bash"], script);
  assert.equal(out.code, 0, out.stderr);
}

Deno.test("module-setup.sh installs openssl and the keys tmpfs_root_pubkeys names, and nothing without it", async () => {
  await requireProgram("openssl");
  const dir = await Deno.makeTempDir();
  try {
    await makeKeys(dir);
    const plain = [
      "check 255",
      "depends:  network nfs network url-lib",
      "install 0",
      "build 0",
      tools(...ALL_DECOMPRESSORS, "curl"),
      "sources: block nfs http",
    ];
    assert.deepEqual(await build(dir, null), plain);
    assert.deepEqual(await build(dir, ""), plain);
    // Any white space between paths; a key in DER is a key too.
    assert.deepEqual(await build(dir, ` ${dir}/site.pub\t\n${dir}/other.der  `), [
      "check 255",
      "depends:  network nfs network url-lib",
      "install 0",
      "build 0",
      tools(...ALL_DECOMPRESSORS, "curl", "openssl"),
      "sources: block nfs http",
      "/etc/tmpfs-root/keys/other.der",
      "/etc/tmpfs-root/keys/site.pub",
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("module-setup.sh fails the build, naming the key, when a key is missing or no Ed25519 public key", async () => {
  await requireProgram("openssl");
  const dir = await Deno.makeTempDir();
  try {
    await makeKeys(dir);
    const refused = (key: string, why: string) => [
      `derror: tmpfs-root: ${key}${why}`,
      "check 1",
    ];
    const notEd25519 =
      " (tmpfs_root_pubkeys) is not an Ed25519 public key: make one with openssl genpkey -algorithm ed25519 -out site.key and openssl pkey -in site.key -pubout -out site.pub";
    const cases: [string, string[]][] = [
      [
        `${dir}/site.pub ${dir}/gone.pub`,
        [
          `derror: tmpfs-root: public key ${dir}/gone.pub (tmpfs_root_pubkeys) does not exist`,
          "check 1",
        ],
      ],
      [`${dir}/site.key`, refused(`${dir}/site.key`, notEd25519)],
      [`${dir}/rsa.pub`, refused(`${dir}/rsa.pub`, notEd25519)],
      [dir, [
        `derror: tmpfs-root: public key ${dir} (tmpfs_root_pubkeys) does not exist`,
        "check 1",
      ]],
      // The boot's glob would not see it, and the image would boot unsigned archives.
      [`${dir}/.hidden.pub`, [
        `derror: tmpfs-root: public key ${dir}/.hidden.pub (tmpfs_root_pubkeys): its file name starts with a dot`,
        "check 1",
      ]],
    ];
    for (const [keys, want] of cases) {
      const out = await build(dir, keys);
      assert.deepEqual(out.slice(0, want.length), want, keys);
    }
    // Two keys with one file name: install stops the build (dracut 059 ignores its status).
    const twice = await build(dir, `${dir}/site.pub ${dir}/again/site.pub`);
    assert.deepEqual(twice.slice(0, 1), ["check 255"]);
    assert.deepEqual(twice.slice(-5), [
      "derror: tmpfs-root: two public keys are named site.pub (tmpfs_root_pubkeys): rename one",
      "dfatal: tmpfs-root: could not install the public keys (tmpfs_root_pubkeys)",
      "build 1",
      tools(...ALL_DECOMPRESSORS, "curl", "openssl"),
      "/etc/tmpfs-root/keys/site.pub",
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("module-setup.sh installs each program under /lib/tmpfs-root/bin, and stops the build at BusyBox's", async () => {
  const dir = await Deno.makeTempDir();
  try {
    // A host whose tar and mount are BusyBox's applets (dracut's busybox module links them too).
    assert.deepEqual(await build(dir, { busybox: ["tar"] }), [
      "derror: tmpfs-root: tar on this host is BusyBox's, which lacks options the boot uses: install the full tar (Debian package tar)",
      "check 1",
    ]);
    assert.deepEqual(
      (await build(dir, { busybox: ["umount"] }))[0],
      "derror: tmpfs-root: umount on this host is BusyBox's, which lacks options the boot uses: install the full umount (Debian package mount)",
    );
    assert.deepEqual(await build(dir, { missing: ["mktemp"] }), [
      "require_binaries: mktemp",
      "check 1",
    ]);
    // A decompressor that is BusyBox's, or missing, is left out; pigz beside gzip when there.
    const out = await build(dir, { busybox: ["xz"], missing: ["lz4", "pigz"] });
    assert.deepEqual(out.slice(0, 4), [
      "check 255",
      "depends:  network nfs network url-lib",
      "install 0",
      "build 0",
    ]);
    assert.equal(out[4], tools("bzip2", "gzip", "zstd", "curl"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("tmpfs_root_decompressors names the decompressors an image gets, each one the host must have", async () => {
  const dir = await Deno.makeTempDir();
  try {
    assert.equal(
      (await build(dir, { decompressors: " zstd\tgzip " }))[4],
      tools("gzip", "pigz", "zstd", "curl"),
    );
    assert.equal((await build(dir, { decompressors: "xz" }))[4], tools("xz", "curl"));
    assert.deepEqual(await build(dir, { decompressors: "zstd rar" }), [
      'derror: tmpfs-root: tmpfs_root_decompressors names "rar", which is not a compressed format: name some of gzip xz zstd bzip2 lz4',
      "check 1",
    ]);
    assert.deepEqual(await build(dir, { decompressors: "lz4", missing: ["lz4"] }), [
      "derror: tmpfs-root: the boot runs lz4, which this host lacks: install it (Debian package lz4)",
      "check 1",
    ]);
    assert.deepEqual(await build(dir, { decompressors: "xz", busybox: ["xz"] }), [
      "derror: tmpfs-root: xz on this host is BusyBox's, which lacks options the boot uses: install the full xz (Debian package xz-utils)",
      "check 1",
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("an image without network support keeps tmpfs-root for disks, and records the kinds it boots", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const warn = (kind: string, what: string) =>
      `dwarn: tmpfs-root: this initramfs will not boot ${kind} sources: dracut cannot install its ${what} modules in this build`;
    const nfsLeft = warn("nfs", "network and nfs");
    const httpLeft = `${warn("http", "network and url-lib")}, or curl is missing`;
    /** What a build printed, without the tools line; and its record. */
    const run = async (host: Host) => {
      const out = await build(dir, host);
      return {
        said: out.filter((l) => !l.startsWith("tools:") && !l.startsWith("sources:")),
        sources: out.find((l) => l.startsWith("sources:")),
      };
    };
    const blockOnly = {
      said: ["check 255", "depends: ", nfsLeft, httpLeft, "install 0", "build 0"],
      sources: "sources: block",
    };
    // --omit "network nfs": no dependency on an omitted module (dracut would stop the build).
    assert.deepEqual(await run({ omit: "network nfs", included: "" }), blockOnly);
    // Without dracut-network's modules at all (no folders): the same.
    assert.deepEqual(await run({ included: "", modules: ["45url-lib"] }), blockOnly);
    // dracut-ng 112 without systemd: its network wants network-legacy, which it has no more.
    assert.deepEqual(await run({ uninstallable: "network", included: "" }), blockOnly);
    // url-lib left out, NFS kept; and an image for block and LVM sources alone.
    assert.deepEqual(await run({ omit: "url-lib", included: "network nfs" }), {
      said: ["check 255", "depends:  network nfs", httpLeft, "install 0", "build 0"],
      sources: "sources: block nfs",
    });
    assert.deepEqual(await run({ sources: "block lvm", included: "lvm" }), {
      said: ["check 255", "depends:  lvm", "install 0", "build 0"],
      sources: "sources: block",
    });
    // LVM named on the command line is not probed: dracut stops a build that cannot have it.
    assert.equal(
      (await run({ sources: "block lvm", uninstallable: "lvm", included: "" })).said[1],
      "depends:  lvm",
    );
    // HTTP needs curl as well as the modules.
    assert.equal((await run({ missing: ["curl"] })).sources, "sources: block nfs");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("tmpfs_root_filesystems names the file systems a block source's image gets, each one a must", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const run = async (host: Host) => (await build(dir, { ...host, installkernel: true })).at(-1);
    // Unset: every file system a block source may carry, none a must.
    assert.equal(
      await run({}),
      "installkernel: instmods ext4 instmods xfs instmods btrfs instmods vfat instmods iso9660 instmods squashfs instmods udf status 0",
    );
    assert.equal(
      await run({ filesystems: " ext4\tf2fs " }),
      "installkernel: instmods -c ext4 instmods -c f2fs status 0",
    );
    assert.equal(
      await run({ filesystems: "ext4 zfs" }),
      'installkernel: instmods -c ext4 derror: tmpfs-root: tmpfs_root_filesystems names "zfs", whose kernel module dracut cannot install for kernel 6.1.0-57-amd64: name file systems this kernel has (e.g. ext4 xfs) status 1',
    );
    // An image without block sources gets none.
    assert.equal(await run({ filesystems: "ext4", sources: "http" }), "installkernel: status 0");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
