// Helpers shared by the image package's tests.
import $ from "dax";
import {
  chmod,
  chown,
  link,
  lstat,
  mkdir,
  mkdtemp,
  readdir,
  rm,
  symlink,
  utimes,
  writeFile,
} from "node:fs/promises";
import { join } from "node:path";

/** A small root: an init, a hard-link pair, a symlink, owners, modes, a setuid file, xattrs, an ACL, odd names. */
export async function makeTree(root: string): Promise<void> {
  for (const d of ["sbin", "etc", "usr/bin", "home/u", "proc", "sys", "dev", "run", "tmp"]) {
    await mkdir(join(root, d), { recursive: true });
  }
  await chmod(join(root, "tmp"), 0o1777);
  await writeFile(join(root, "sbin/init"), "#!/bin/sh\nexec /bin/sh\n", { mode: 0o755 });
  await writeFile(join(root, "etc/os-release"), 'PRETTY_NAME="Test"\n');
  await writeFile(join(root, "usr/bin/a"), "x".repeat(10000));
  await link(join(root, "usr/bin/a"), join(root, "usr/bin/b"));
  await symlink("../../etc/os-release", join(root, "usr/bin/link"));
  await writeFile(join(root, "usr/bin/su"), "su", { mode: 0o4755 });
  await chown(join(root, "home/u"), 1234, 5678);
  await chmod(join(root, "home/u"), 0o700);
  await writeFile(join(root, "home/u/with space\nand newline"), "odd");
  await chown(join(root, "home/u/with space\nand newline"), 1234, 5678);
  await $`setfattr -n user.tmpfs-root -v kept ${join(root, "etc/os-release")}`;
  await $`setfacl -m u:4321:r ${join(root, "usr/bin/su")}`;
  // An SELinux label, NUL-terminated as the kernel stores labels (it keeps security.* xattrs
  // without SELinux too, for root).
  const label = Array.from(new TextEncoder().encode("system_u:object_r:shell_exec_t:s0\0"))
    .map((b) => b.toString(16).padStart(2, "0")).join("");
  await $`setfattr -n security.selinux -v ${`0x${label}`} ${join(root, "sbin/init")}`;
  await $`mkfifo ${join(root, "run/fifo")}`;
  await utimes(join(root, "etc"), 1_000_000_000, 1_000_000_000);
}

/** Every entry of a tree: type, mode, owner, size, mtime (not of symlinks), link target, xattrs, and its hard-link group. */
export async function describeTree(root: string): Promise<string[]> {
  const lines: string[] = [];
  const inodes = new Map<number, string>();
  const walk = async (rel: string): Promise<void> => {
    for (const name of (await readdir(join(root, rel))).sort()) {
      const path = join(rel, name);
      const st = await lstat(join(root, path));
      const kind = st.isDirectory() ? "d" : st.isSymbolicLink() ? "l" : st.isFIFO() ? "p" : "f";
      const group = kind === "f" && st.nlink > 1 ? inodes.get(st.ino) ?? path : "";
      if (group === path) inodes.set(st.ino, path);
      const xattrs = kind === "l"
        ? ""
        : (await $`getfattr --absolute-names -d -m - -e hex ${join(root, path)}`.text()).split("\n")
          .slice(1).join(",");
      lines.push(
        [
          path,
          kind,
          st.mode.toString(8),
          st.uid,
          st.gid,
          kind === "d" ? "" : st.size,
          kind === "l" ? "" : Math.floor(st.mtimeMs / 1000),
          group,
          xattrs,
        ].join(" "),
      );
      if (kind === "d") await walk(path);
    }
  };
  await walk("");
  return lines;
}

/** A scratch folder, removed after `fn`. */
export async function withTemp(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp("/tmp/pack-test-");
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
