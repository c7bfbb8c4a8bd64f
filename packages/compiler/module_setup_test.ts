// module-setup.sh and the public keys of tmpfs_root_pubkeys: the build stops, naming the key,
// when one is missing or is no Ed25519 public key; an image gets the keys and openssl only when
// keys are named.
import assert from "#assert";
import { requireProgram, runShell } from "@tmpfs-root/shell";
import { MODULE } from "./_testing.ts";

/** dracut's functions as module-setup.sh calls them, each logging what it was asked. */
const DRACUT = [
  'derror() { printf "derror: %s\\n" "$*"; }',
  'dfatal() { printf "dfatal: %s\\n" "$*"; }',
  "require_binaries() { return 0; }",
  'inst_multiple() { printf "inst_multiple %s\\n" "$*"; }',
  // The module's own files are not at hand here: only the keys are copied.
  'inst_simple() { case "$2" in /etc/*) mkdir -p "$initdir${2%/*}" && cp "$1" "$initdir$2" ;; esac; }',
  "inst_hook() { :; }",
  "dracut_module_included() { return 1; }",
];

/**
 * Runs dracut's check and install of module-setup.sh under bash (as dracut
 * does) with `tmpfs_root_pubkeys` set to `keys`; returns what they printed,
 * their statuses and the keys the image got.
 */
async function build(dir: string, keys: string | null): Promise<string[]> {
  const script = [
    ...DRACUT,
    MODULE.get("module-setup.sh")!,
    // As dracut.conf sets it (the paths hold no quote).
    ...(keys === null ? [] : [`tmpfs_root_pubkeys='${keys}'`]),
    `initdir="${dir}/initrd.$RANDOM" moddir=/nowhere hostonly=''`,
    // dracut installs a module only when its check allows it.
    'check; rc="$?"; echo "check $rc"; [ "$rc" = 255 ] || exit 0',
    // install ends the build with exit 1 when it cannot install the keys: a subshell sees it.
    // (The programs every image gets are left out.)
    '(install; echo "install $?") | grep -Ev "^inst_multiple (cat|-o) "; echo "build ${PIPESTATUS[0]}"',
    'find "$initdir/etc" -type f 2>/dev/null | sed "s|^$initdir||" | sort',
  ].join("\n");
  const out = await runShell(["bash"], script);
  assert.equal(out.stderr, "");
  return out.stdout.trimEnd().split("\n");
}

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
    assert.deepEqual(await build(dir, null), ["check 255", "install 0", "build 0"]);
    assert.deepEqual(await build(dir, ""), ["check 255", "install 0", "build 0"]);
    // Any white space between paths; a key in DER is a key too.
    assert.deepEqual(await build(dir, ` ${dir}/site.pub\t\n${dir}/other.der  `), [
      "check 255",
      "inst_multiple openssl",
      "install 0",
      "build 0",
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
      "inst_multiple openssl",
      "derror: tmpfs-root: two public keys are named site.pub (tmpfs_root_pubkeys): rename one",
      "dfatal: tmpfs-root: could not install the public keys (tmpfs_root_pubkeys)",
      "build 1",
      "/etc/tmpfs-root/keys/site.pub",
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
