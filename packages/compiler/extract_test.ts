// The emitted unpack (tmpfs_root_extract), run as printed on real archives: what follows a tar
// stream's end-of-archive blocks is read to its end, so the decompressor is never killed by
// SIGPIPE and the digest covers every byte of the archive.
import assert from "#assert";
import {
  ATTRIBUTE_LISTS,
  attributeList,
  ATTRIBUTES,
  attributesOf,
  QUOTE_MAX_BYTES,
  quoteToolLine,
  tarCommand,
} from "@tmpfs-root/model";
import { requireProgram, runShell, SHELLS as ALL_SHELLS } from "@tmpfs-root/shell";
import { functionText, HOST_TOOLS } from "./_testing.ts";

const LIB = "tmpfs-root-lib.sh";

/** The unpack and what it calls, with its working folder moved from /run/tmpfs-root to `run`. */
function extractScript(run: string): string {
  const parts = [
    "tmpfs_root_say() { :; }",
    functionText(LIB, "tmpfs_root_first_line"),
    functionText(LIB, "tmpfs_root_first_error"),
    functionText(LIB, "tmpfs_root_decompress"),
    functionText(LIB, "tmpfs_root_feed"),
    functionText(LIB, "tmpfs_root_pass"),
    functionText(LIB, "tmpfs_root_hash"),
    functionText(LIB, "tmpfs_root_extract"),
  ].join("\n").replaceAll("/run/tmpfs-root", run);
  return [
    parts,
    `mkdir -p "$1/into"`,
    `if tmpfs_root_extract "$1/into" rootfs.tar.zst "$3" '' '' "\${4-${
      attributeList(ATTRIBUTES)
    }}" <"$2"; then echo ok; else printf '%s\\n' "$tmpfs_root_cause"; fi`,
    `[ -z "$3" ] || cat "${run}/sha256"`,
  ].join("\n");
}

async function sh(cmdline: string, cwd: string): Promise<void> {
  const out = await new Deno.Command("sh", { args: ["-ec", cmdline], cwd }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
}

async function sha256(path: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", await Deno.readFile(path));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

// Shells that run PATH's tar (busybox sh on Debian prefers its own applets: issue 14).
const SHELLS = [["dash"], ["bash", "--posix"]] as const;

Deno.test("tmpfs_root_extract reads past the end-of-archive blocks: 4 MiB of padding after them unpacks, hashed whole", async () => {
  for (const p of ["tar", "zstd", "sha256sum"]) await requireProgram(p);
  const dir = await Deno.makeTempDir();
  try {
    await Deno.mkdir(`${dir}/tree/etc`, { recursive: true });
    await Deno.writeTextFile(`${dir}/tree/etc/hostname`, "node-1\n");
    // A tar stream, then 4 MiB of zeros after its end (as a writer with a large blocking factor,
    // or a disk image cut to size, leaves): far more than a pipe holds.
    await sh(
      "tar -C tree -cf plain.tar . && head -c 4194304 /dev/zero >>plain.tar && " +
        "zstd -q plain.tar -o padded.tar.zst && tar -C tree -cf - . | zstd -q -o bare.tar.zst",
      dir,
    );
    for (const archive of ["padded.tar.zst", "bare.tar.zst"]) {
      const digest = await sha256(`${dir}/${archive}`);
      for (const shell of SHELLS) {
        for (const check of ["", digest]) {
          const run = `${dir}/run`;
          await Deno.remove(`${dir}/into`, { recursive: true }).catch(() => {});
          await Deno.mkdir(run, { recursive: true });
          const out = await runShell(shell, extractScript(run), [
            dir,
            `${dir}/${archive}`,
            check,
          ]);
          const what = `${shell[0]}, ${archive}, ${check ? "hashed" : "not hashed"}`;
          const lines = out.stdout.trimEnd().split("\n");
          assert.equal(lines[0], "ok", `${what}: ${out.stdout}${out.stderr}`);
          if (check) assert.equal(lines[1], `${digest}  -`, what);
          assert.equal(await Deno.readTextFile(`${dir}/into/etc/hostname`), "node-1\n", what);
        }
      }
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("tmpfs_root_extract gives tar only the attribute options KINDS names, and tar restores only those", async () => {
  for (const p of ["tar", "zstd", "setfattr", "getfattr"]) await requireProgram(p);
  const dir = await Deno.makeTempDir();
  try {
    await Deno.mkdir(`${dir}/tree/etc`, { recursive: true });
    await Deno.mkdir(`${dir}/bin`);
    await Deno.writeTextFile(`${dir}/tree/etc/hostname`, "node-1\n");
    await sh(
      "setfattr -n user.tmpfs-root -v kept tree/etc/hostname && " +
        "tar --xattrs --xattrs-include='*' -C tree -cf - . | zstd -q -o x.tar.zst",
      dir,
    );
    // The module's tar: logs its arguments, one a line, then runs GNU tar.
    const real = new TextDecoder().decode(
      (await new Deno.Command("sh", { args: ["-c", "command -v tar"] }).output()).stdout,
    ).trim();
    await Deno.writeTextFile(
      `${dir}/bin/tar`,
      `#!/bin/sh\nprintf '%s\\n' "$@" >"${dir}/args"\nexec ${real} "$@"\n`,
      { mode: 0o755 },
    );
    for (const kinds of ATTRIBUTE_LISTS) {
      for (const shell of SHELLS) {
        const what = `${shell[0]}, ${kinds}`;
        const run = `${dir}/run`;
        await Deno.remove(`${dir}/into`, { recursive: true }).catch(() => {});
        await Deno.mkdir(run, { recursive: true });
        const out = await runShell(
          shell,
          extractScript(run).replaceAll(`${HOST_TOOLS}/tar `, `${dir}/bin/tar `),
          [dir, `${dir}/x.tar.zst`, "", kinds],
        );
        assert.equal(out.stdout.trimEnd(), "ok", `${what}: ${out.stdout}${out.stderr}`);
        const args = (await Deno.readTextFile(`${dir}/args`)).trimEnd().split("\n");
        assert.deepEqual(args, tarCommand(`${dir}/into`, attributesOf(kinds)).slice(1), what);
        const xattr = await new Deno.Command("getfattr", {
          args: ["--only-values", "-n", "user.tmpfs-root", `${dir}/into/etc/hostname`],
        }).output();
        assert.equal(
          new TextDecoder().decode(xattr.stdout),
          attributesOf(kinds).includes("xattrs") ? "kept" : "",
          what,
        );
      }
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("tmpfs_root_extract names a stream with a broken first header corrupt", async () => {
  for (const p of ["tar", "zstd"]) await requireProgram(p);
  const dir = await Deno.makeTempDir();
  try {
    // A header whose checksum is wrong, then 4 MiB more: tar fails at once.
    await sh(
      "printf 'not a header' >bad.tar && head -c 508 /dev/zero >>bad.tar && " +
        "head -c 4194304 /dev/urandom >>bad.tar && zstd -q bad.tar -o bad.tar.zst",
      dir,
    );
    for (const shell of SHELLS) {
      const run = `${dir}/run`;
      await Deno.mkdir(run, { recursive: true });
      const out = await runShell(shell, extractScript(run), [dir, `${dir}/bad.tar.zst`, ""]);
      assert.match(out.stdout, /^rootfs\.tar\.zst is not a tar archive|is corrupt/, shell[0]);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("tmpfs_root_first_error quotes tar's line as the model's quoteToolLine does, in every shell", async () => {
  const lines = [
    "tar: a: Cannot open: Not a directory",
    `tar: e2e-long/${"d".repeat(9990)}: Cannot open: File name too long`,
    `tar: ${"é".repeat(300)}: Cannot open`,
    "x".repeat(QUOTE_MAX_BYTES),
    "x".repeat(QUOTE_MAX_BYTES + 1),
  ];
  const dir = await Deno.makeTempDir();
  try {
    const files = await Promise.all(lines.map(async (l, i) => {
      await Deno.writeTextFile(
        `${dir}/${i}`,
        `tar: Removing leading \`/' from member names\n${l}\n`,
      );
      return `${dir}/${i}`;
    }));
    const script = [
      functionText(LIB, "tmpfs_root_first_line"),
      functionText(LIB, "tmpfs_root_first_error"),
      'for f in "$@"; do tmpfs_root_first_error "$f"; echo; done',
    ].join("\n");
    for (const [name, shell] of ALL_SHELLS) {
      const out = await runShell(shell, script, files);
      assert.equal(out.stderr, "", name);
      assert.deepEqual(out.stdout.split("\n").slice(0, -1), lines.map(quoteToolLine), name);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
