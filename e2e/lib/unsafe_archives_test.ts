import assert from "#assert";
import $ from "dax";
import { ATTRIBUTE_TAR_OPTIONS, ATTRIBUTES, tarCommand } from "@tmpfs-root/model";
import { buildGuestArchive } from "./guest.ts";
import { concatBytes, endBlocks, tarEntries, tarMember } from "./tar_bytes.ts";
import {
  longName,
  UNSAFE_CASES,
  UNSAFE_KINDS,
  unsafeArchive,
  type UnsafeKind,
  unsafeMembers,
} from "./unsafe_archives.ts";

const EXITING = "tar: Exiting with failure status due to previous errors";

/**
 * What GNU tar 1.34 does with each crafted archive under the module's own
 * command (`tarCommand`), run in a chroot whose `/sysroot` is the new root:
 * its exit status, its messages (but `user.*` xattr warnings, which depend
 * on the host's kernel), and what must hold in the root afterwards. This is
 * the table of docs/unsafe-archives.md.
 */
const HOST_OUTCOMES: Record<
  UnsafeKind,
  { code: number; stderr: string[]; inside?: (root: string) => Promise<void> }
> = {
  absolute: {
    code: 0,
    stderr: ["tar: Removing leading `/' from member names"],
    inside: async (root) =>
      assert.equal(await Deno.readTextFile(`${root}/e2e-abs-marker`), "e2e-abs-marker\n"),
  },
  dotdot: {
    code: 2,
    stderr: [
      "tar: Removing leading `../' from member names",
      "tar: ../e2e-dotdot-marker: Member name contains '..'",
      EXITING,
    ],
  },
  "dotdot-inner": {
    code: 2,
    stderr: [
      "tar: Removing leading `a/../../' from member names",
      "tar: a/../../e2e-dotdot-inner-marker: Member name contains '..'",
      EXITING,
    ],
    inside: async (root) => assert.equal(await exists(`${root}/a`), false),
  },
  "symlink-root": {
    code: 2,
    stderr: ["tar: up/e2e-through-root-marker: Cannot open: Not a directory", EXITING],
    // The symlink is made last, after every member: nothing was ever written through it.
    inside: async (root) => assert.equal(await Deno.readLink(`${root}/up`), "/"),
  },
  "symlink-dotdot": {
    code: 2,
    stderr: ["tar: up3/e2e-through-dotdot-marker: Cannot open: Not a directory", EXITING],
    inside: async (root) => assert.equal(await Deno.readLink(`${root}/up3`), "../../.."),
  },
  "hardlink-dotdot": {
    code: 0,
    stderr: ["tar: Removing leading `../../' from hard link targets"],
    inside: async (root) => await sameInode(`${root}/e2e-hardlink-dotdot`, `${root}/etc/passwd`),
  },
  "hardlink-absolute": {
    code: 0,
    stderr: ["tar: Removing leading `/' from hard link targets"],
    inside: async (root) =>
      await sameInode(`${root}/e2e-hardlink-absolute`, `${root}/etc/os-release`),
  },
  "hardlink-initramfs": {
    code: 2,
    stderr: [
      "tar: Removing leading `../../' from hard link targets",
      "tar: e2e-hardlink-initramfs: Cannot hard link to 'lib/dracut-lib.sh': No such file or directory",
      EXITING,
    ],
    inside: async (root) => assert.equal(await exists(`${root}/e2e-hardlink-initramfs`), false),
  },
  devices: {
    code: 0,
    stderr: [],
    inside: async (root) => {
      const d = `${root}/e2e-devices`;
      const st =
        await $`stat -c ${"%F %a %u %g %t:%T %n"} ${d}/console ${d}/null ${d}/loop0 ${d}/fifo`
          .text();
      assert.deepEqual(st.split("\n"), [
        `character special file 600 0 0 5:1 ${d}/console`,
        `character special file 666 0 0 1:3 ${d}/null`,
        `block special file 660 0 6 7:0 ${d}/loop0`,
        `fifo 640 1234 5678 0:0 ${d}/fifo`,
      ]);
    },
  },
  "long-name": {
    code: 2,
    stderr: [`tar: ${longName(10_000)}: Cannot open: File name too long`, EXITING],
    inside: async (root) => assert.equal(await exists(`${root}/e2e-long`), false),
  },
};

async function exists(path: string): Promise<boolean> {
  return await Deno.lstat(path).then(() => true, () => false);
}

async function sameInode(a: string, b: string): Promise<void> {
  const [sa, sb] = [await Deno.lstat(a), await Deno.lstat(b)];
  assert.equal(sa.ino, sb.ino, `${a} and ${b} are not one inode`);
  assert.equal(sa.nlink, 2);
}

/** Every path under `dir` but `skip`, with what would show a write: type, size, links, mtime. */
async function snapshot(dir: string, skip: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const walk = async (d: string) => {
    for await (const e of Deno.readDir(d)) {
      const p = `${d}/${e.name}`;
      if (p === skip) continue;
      const st = await Deno.lstat(p);
      const kind = st.isSymlink ? "l" : st.isDirectory ? "d" : st.isFile ? "f" : "o";
      out.set(p.slice(dir.length), `${kind} ${st.size} ${st.nlink} ${st.mtime?.getTime()}`);
      if (st.isDirectory) await walk(p);
    }
  };
  await walk(dir);
  return out;
}

/**
 * A scratch initramfs: GNU tar and its libraries, an /etc/passwd, a
 * /lib/dracut-lib.sh, /run, /tmp, /dev, and an empty /sysroot.
 */
async function makeJail(jail: string): Promise<void> {
  for (const d of ["sysroot", "run", "tmp", "dev", "etc", "lib"]) {
    await Deno.mkdir(`${jail}/${d}`, { recursive: true });
  }
  const tar = await $.which("tar");
  if (tar === undefined) throw new Error("No tar on the PATH");
  const libs = (await $`ldd ${tar}`.text()).match(/\/\S+/g) ?? [];
  for (const f of [tar, ...libs]) {
    const real = await Deno.realPath(f);
    await Deno.mkdir(`${jail}${f.replace(/\/[^/]+$/, "")}`, { recursive: true });
    await Deno.copyFile(real, `${jail}${f}`);
    await Deno.chmod(`${jail}${f}`, 0o755);
  }
  await Deno.writeTextFile(`${jail}/etc/passwd`, "root:x:0:0:initramfs:/root:/bin/sh\n");
  await Deno.writeTextFile(`${jail}/lib/dracut-lib.sh`, "# the initramfs's own\n");
}

Deno.test("longName() makes names of the asked length from components under NAME_MAX", () => {
  for (const n of [300, 4096, 4097, 10_000, 10_201]) {
    const name = longName(n);
    assert.equal(new TextEncoder().encode(name).length, n);
    assert.ok(name.split("/").every((c) => c.length > 0 && c.length <= 255), String(n));
    assert.match(name, /\/e2e-long-name-marker-f*$/);
  }
  assert.throws(() => longName(299), /Invalid name length "299"/);
});

Deno.test("UNSAFE_CASES name every file they would plant outside the root e2e-…-marker", () => {
  for (const kind of UNSAFE_KINDS) {
    const c = UNSAFE_CASES[kind];
    for (const m of c.members) {
      if ("text" in m) assert.match(m.name, /e2e-[a-z-]*marker/, `${kind}: ${m.name}`);
    }
  }
});

Deno.test({
  name: "unsafeArchive() appends each case to the guest's tree, and its checks when it boots",
  // The guest archive needs root (chown, mknod, trusted.* xattrs).
  ignore: Deno.uid() !== 0,
  fn: async () => {
    const plain = await Deno.readFile((await buildGuestArchive({ compression: "none" })).path);
    const names = tarEntries(plain).entries.map((e) => e.name);
    for (const kind of UNSAFE_KINDS) {
      const tar = await $`pigz -dc ${await unsafeArchive(kind)}`.bytes();
      const layout = tarEntries(tar);
      assert.ok(layout.hasEndBlocks, kind);
      const added = layout.entries.slice(names.length).map((e) => e.name);
      assert.deepEqual(layout.entries.slice(0, names.length).map((e) => e.name), names);
      assert.deepEqual(added, unsafeMembers(kind, plain).map((m) => m.name));
      const c = UNSAFE_CASES[kind];
      assert.equal(added.at(-1) === "./etc/e2e-expect", "inside" in c, kind);
    }
  },
});

Deno.test({
  name: "GNU tar under the module's command writes nothing outside /sysroot for any crafted case",
  // Runs tar in a chroot as root: owners, device nodes and the guest archive need it.
  ignore: Deno.uid() !== 0,
  fn: async () => {
    const [cmd, ...args] = tarCommand("/sysroot");
    assert.equal(cmd, "tar");
    // Every attribute option, as without a manifest; the archive on stdin, the root /sysroot.
    assert.deepEqual(args.slice(args.indexOf("-f"), args.indexOf("-f") + 4), [
      "-f",
      "-",
      "-C",
      "/sysroot",
    ]);
    for (const a of ATTRIBUTES) {
      for (const o of ATTRIBUTE_TAR_OPTIONS[a]) assert.ok(args.includes(o), o);
    }
    const chroot = await $.which("chroot");
    if (chroot === undefined) throw new Error("No chroot on the PATH");
    for (const kind of UNSAFE_KINDS) {
      // On a tmpfs, as the real root is: it keeps trusted.* and security.* xattrs.
      const jail = await Deno.makeTempDir({ dir: "/dev/shm", prefix: `e2e-unsafe-${kind}-` });
      try {
        await makeJail(jail);
        const before = await snapshot(jail, `${jail}/sysroot`);
        const tar = await $`pigz -dc ${await unsafeArchive(kind)}`.bytes();
        const r = await $`${chroot} ${jail} tar ${args}`
          .env({ PATH: "/usr/bin:/bin", LC_ALL: "C" })
          .stdin(tar).noThrow().stdout("piped").stderr("piped");
        const want = HOST_OUTCOMES[kind];
        const stderr = r.stderr.split("\n").filter((l) =>
          l !== "" && !/Cannot set 'user\./.test(l)
        );
        assert.deepEqual({ code: r.code, stderr }, { code: want.code, stderr: want.stderr }, kind);
        assert.match(r.stdout, /\*\* Block of NULs \*\*/, kind);
        assert.deepEqual(
          await snapshot(jail, `${jail}/sysroot`),
          before,
          `${kind}: outside changed`,
        );
        await want.inside?.(`${jail}/sysroot`);
      } finally {
        await Deno.remove(jail, { recursive: true });
      }
    }
  },
});

Deno.test({
  name: "GNU tar with --absolute-names (-P) writes outside /sysroot: the same check catches it",
  // The control of the test above: the options the module leaves out are what keep the root.
  ignore: Deno.uid() !== 0,
  fn: async () => {
    const chroot = await $.which("chroot");
    if (chroot === undefined) throw new Error("No chroot on the PATH");
    const [, ...args] = tarCommand("/sysroot");
    const planted: Partial<Record<UnsafeKind, string>> = {
      absolute: "/e2e-abs-marker",
      dotdot: "/e2e-dotdot-marker",
      "symlink-root": "/e2e-through-root-marker",
    };
    for (const [kind, path] of Object.entries(planted) as [UnsafeKind, string][]) {
      const jail = await Deno.makeTempDir({ dir: "/dev/shm", prefix: `e2e-unsafe-P-${kind}-` });
      try {
        await makeJail(jail);
        const before = await snapshot(jail, `${jail}/sysroot`);
        const tar = await $`pigz -dc ${await unsafeArchive(kind)}`.bytes();
        await $`${chroot} ${jail} tar ${args} --absolute-names`
          .env({ PATH: "/usr/bin:/bin", LC_ALL: "C" })
          .stdin(tar).noThrow().stdout("null").stderr("null");
        const after = await snapshot(jail, `${jail}/sysroot`);
        assert.notDeepEqual(after, before, kind);
        assert.ok(after.has(path), `${kind}: ${path} was not written outside`);
      } finally {
        await Deno.remove(jail, { recursive: true });
      }
    }
  },
});

/** Members that reuse names: a symlink, a hard link and a directory symlink, each then replaced. */
function reusedNames(): Uint8Array {
  const enc = new TextEncoder();
  return concatBytes([
    tarMember({ name: "etc/", typeflag: "5" }),
    tarMember({ name: "etc/os-release", data: enc.encode("original\n") }),
    // A symlink, then a file of the same name; a hard link, then a file of the same name.
    tarMember({ name: "s", typeflag: "2", linkname: "etc/os-release" }),
    tarMember({ name: "s", data: enc.encode("new s\n") }),
    tarMember({ name: "h", typeflag: "1", linkname: "etc/os-release" }),
    tarMember({ name: "h", data: enc.encode("new h\n") }),
    // A symlink to a directory, then a directory of the same name and a file in it.
    tarMember({ name: "d", typeflag: "2", linkname: "etc" }),
    tarMember({ name: "d/", typeflag: "5" }),
    tarMember({ name: "d/x", data: enc.encode("x\n") }),
    endBlocks(),
  ]);
}

Deno.test({
  name: "GNU tar under the module's command replaces a link it made; it never writes through one",
  // --same-owner needs root.
  ignore: Deno.uid() !== 0,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "e2e-unsafe-replace-" });
    try {
      const [, ...args] = tarCommand(dir);
      const r = await $`tar ${args}`.stdin(reusedNames()).noThrow().stdout("null").stderr("piped");
      assert.equal(r.code, 0, r.stderr);
      assert.equal(await Deno.readTextFile(`${dir}/etc/os-release`), "original\n");
      assert.equal((await Deno.lstat(`${dir}/etc/os-release`)).nlink, 1);
      for (const [name, text] of [["s", "new s\n"], ["h", "new h\n"]]) {
        assert.ok((await Deno.lstat(`${dir}/${name}`)).isFile, name);
        assert.equal(await Deno.readTextFile(`${dir}/${name}`), text);
      }
      assert.ok((await Deno.lstat(`${dir}/d`)).isDirectory);
      assert.equal(await exists(`${dir}/etc/x`), false);

      // The control: with --overwrite, GNU tar writes the second "h" through the hard link.
      await Deno.remove(dir, { recursive: true });
      await Deno.mkdir(dir);
      await $`tar ${args} --overwrite`.stdin(reusedNames()).stdout("null").stderr("null");
      assert.equal(await Deno.readTextFile(`${dir}/etc/os-release`), "new h\n");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
