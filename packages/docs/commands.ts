/**
 * The `tmpfs-root` command's interface, declared once: the CLI parses its
 * options and prints its help from this table, and the man page
 * `tmpfs-root(1)` is generated from it.
 *
 * @module
 */
import { MANIFEST_SUFFIX, PARAMS } from "@tmpfs-root/model";

/** An option of a command: `--name VALUE`, or the flag `--name`. */
export interface OptionSpec {
  /** The name after `--`. */
  readonly name: string;
  /** The one-letter name after `-`, if it has one. */
  readonly short?: string;
  /** It may be given more than once, each value kept in order. */
  readonly multiple?: boolean;
  /** The value's placeholder (`DIR`), or `null` for a flag. */
  readonly value: string | null;
  /** The command refuses to run without it. */
  readonly required: boolean;
  /** What it does, in one sentence without a final full stop. */
  readonly doc: string;
}

/** An exit status and what it means for one command. */
export interface ExitSpec {
  readonly status: number;
  readonly meaning: string;
}

/** A command of `tmpfs-root`. */
export interface CommandSpec {
  readonly name: string;
  /** The positional argument, if the command takes one: its placeholder and what it is. */
  readonly operand:
    | { readonly name: string; readonly optional: boolean; readonly doc: string }
    | null;
  readonly options: readonly OptionSpec[];
  /** One line for the command list, without a final full stop. */
  readonly summary: string;
  /** What the command does, in full sentences. */
  readonly doc: string;
  readonly exit: readonly ExitSpec[];
  /** Whole example invocations, `tmpfs-root` included. */
  readonly examples: readonly string[];
}

/** The program's name. */
export const PROGRAM = "tmpfs-root";

/** Exit status 2, the same for every command. */
const USAGE_EXIT: ExitSpec = {
  status: 2,
  meaning: "a wrong or missing option or argument (named in one line on standard error)",
};

/**
 * Every command of `tmpfs-root`, in the order the help lists them.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { COMMANDS } from "./commands.ts";
 * assert.deepEqual(COMMANDS.map((c) => c.name), [
 *   "build-module", "pack", "inspect", "cmdline", "simulate", "help",
 * ]);
 * ```
 */
export const COMMANDS: readonly CommandSpec[] = [
  {
    name: "build-module",
    operand: null,
    options: [
      {
        name: "out",
        value: "DIR",
        required: false,
        doc:
          "write the module to DIR instead of the repository's module/90tmpfs-root/ (the documents are then written only with --docs)",
      },
      {
        name: "docs",
        value: "DIR",
        required: false,
        doc:
          "write the generated documents (kernel-parameters.md and the man pages under man/) to DIR instead of the repository's docs/",
      },
      {
        name: "check",
        value: null,
        required: false,
        doc: "write nothing: compare the folders with the model and list every difference",
      },
    ],
    summary: "write (or check) the dracut module and the generated documents",
    doc:
      "Compiles the boot model into the dracut module 90tmpfs-root (module-setup.sh, the hooks, the systemd generator and units) and writes it, with the documents generated from the model. Without --out it writes into the repository it runs from; the bundled command, which has no repository, needs --out.",
    exit: [
      { status: 0, meaning: "the files were written, or (with --check) they match the model" },
      {
        status: 1,
        meaning: "(with --check) a file differs from the model, or a file could not be written",
      },
      USAGE_EXIT,
    ],
    examples: [
      "tmpfs-root build-module --out /usr/lib/dracut/modules.d/90tmpfs-root",
      "tmpfs-root build-module --check",
    ],
  },
  {
    name: "pack",
    operand: { name: "DIR", optional: false, doc: "the root file system to pack" },
    options: [
      {
        name: "out",
        short: "o",
        value: "ARCHIVE",
        required: true,
        doc:
          "the archive to write; its ending chooses the compression: .tar.zst, .tar.xz, .tar.gz, .tar.bz2, .tar.lz4 or .tar",
      },
      {
        name: "level",
        value: "N",
        required: false,
        doc:
          "the compression level, on the compressor's own scale (zstd 1-19, default 3; xz 0-9, default 6; gzip and bzip2 1-9; lz4 1-12)",
      },
      {
        name: "mtime",
        value: "TIME",
        required: false,
        doc:
          "clamp every modification time to TIME (seconds since 1970, or a date such as 2026-01-01T00:00:00Z); the default is $SOURCE_DATE_EPOCH when it is set",
      },
      {
        name: "init",
        value: "PATH",
        required: false,
        doc:
          "the init the root boots with (init= on the kernel command line), when it is not /sbin/init or /usr/lib/systemd/systemd",
      },
      {
        name: "force",
        value: null,
        required: false,
        doc: "write the archive even when it would not boot (no init, say)",
      },
      { name: "json", value: null, required: false, doc: "print what was written as JSON" },
    ],
    summary: "pack a directory into a bootable archive, with its .sha256 and manifest",
    doc:
      `Packs DIR with GNU tar into a bootable archive: numeric owners, modes, hard links, xattrs, ACLs and SELinux labels are kept, names are sorted and the pax headers hold no process id or access time, so the same tree always gives the same bytes. It does not descend into other file systems mounted under DIR. The compressor is the multi-threaded one where there is one (zstd -T0, xz -T0, pigz, lbzip2). Mount points the tree lacks (/dev, /proc, /run, /sys, /tmp) are added as directories owned by root. The archive is then read back to count what it unpacks to and to check that it would boot; beside it go ARCHIVE.sha256 (as sha256sum writes it) and ARCHIVE${MANIFEST_SUFFIX} (format, sizes, inode count and digest, read by the module). Progress goes to standard error: a bar on a terminal, a line every few seconds otherwise. Nothing is left half-written.`,
    exit: [
      { status: 0, meaning: "the archive and its sidecars were written" },
      {
        status: 1,
        meaning:
          "the tree would not boot (and --force was not given), or tar or the compressor failed; nothing was written",
      },
      {
        status: 2,
        meaning:
          "a wrong or missing option, a DIR that cannot be read, or an archive name with an unknown ending",
      },
    ],
    examples: [
      "tmpfs-root pack /srv/roots/compute -o /srv/images/compute.tar.zst",
      "tmpfs-root pack --mtime 2026-01-01T00:00:00Z ./tree -o rootfs.tar.xz",
    ],
  },
  {
    name: "inspect",
    operand: { name: "ARCHIVE", optional: false, doc: "the archive to look into" },
    options: [
      {
        name: "init",
        value: "PATH",
        required: false,
        doc:
          "the init the root boots with (init= on the kernel command line), when it is not /sbin/init or /usr/lib/systemd/systemd",
      },
      { name: "json", value: null, required: false, doc: "print the findings as JSON" },
    ],
    summary: "say what an archive holds and whether it would boot",
    doc:
      "Reads the archive once, as a stream (its size does not matter), and reports its format, compressed and unpacked size, the number of entries, the init and /etc/os-release, the mount points /proc, /sys, /dev, /run and /tmp with their modes, unsafe entries (absolute names, .. components, links that leave the root), setuid and setgid files, and the rd.tmpfs.size to give it.",
    exit: [
      { status: 0, meaning: "the archive would boot" },
      {
        status: 1,
        meaning:
          "it would not: no init, a missing mount point, unsafe entries or a truncated stream (the reasons are in the report)",
      },
      {
        status: 2,
        meaning:
          "a wrong or missing option, or an archive that cannot be read (missing, not an archive, or a decompressor error)",
      },
    ],
    examples: [
      "tmpfs-root inspect /srv/images/compute.tar.zst",
      "tmpfs-root inspect --json rootfs.tar.xz",
    ],
  },
  {
    name: "cmdline",
    operand: null,
    options: [
      ...PARAMS.map((p): OptionSpec =>
        p.kind === "source"
          ? {
            name: "source",
            value: "SOURCE",
            required: false,
            doc: `the source, written after ${p.name}=tmpfs: (${
              p.example.replace(/^tmpfs:/, "")
            }, say): ${p.doc.replace(/\.$/, "").toLowerCase()}`,
          }
          : {
            name: p.key,
            value: p.key.toUpperCase(),
            required: false,
            ...(p.kind === "urls" ? { multiple: true } : {}),
            doc: `${p.name}=${p.key.toUpperCase()}${p.kind === "urls" ? ", once for each" : ""}: ${
              p.doc.replace(/\.$/, "").replace(/^./, (c) => c.toLowerCase())
            } (default ${p.default === "" ? "none" : p.default})`,
          }
      ),
      {
        name: "keys",
        value: null,
        required: false,
        doc:
          "judge the line as an initramfs that carries public keys (tmpfs_root_pubkeys) does: only signed archives, rd.tmpfs.verify=signature",
      },
      {
        name: "check",
        value: "CMDLINE",
        required: false,
        doc:
          "check this kernel command line instead of building one (the other options are then not allowed)",
      },
      { name: "json", value: null, required: false, doc: "print the result as JSON" },
    ],
    summary: "build a kernel command line from options, or check one as the module will at boot",
    doc:
      "Builds the tmpfs-root part of a kernel command line from options (one per kernel parameter, --source for root=tmpfs:) and checks it; or, with --check, reads a whole command line as the kernel splits it. Either way every value is judged by the model's own code, as the module judges it at boot. Without --json a built line goes to standard output alone, so it can be pasted or used in a script; a checked line gets a report of the source and every parameter's value (marked \"(default)\" when the line does not give it), or the failure line the boot would print. An unknown rd.tmpfs. parameter gets a warning that names the closest known one.",
    exit: [
      { status: 0, meaning: "the command line would boot" },
      {
        status: 1,
        meaning:
          "it would not: a value is not valid, or root= does not start with tmpfs: (the failure line is on standard error)",
      },
      USAGE_EXIT,
    ],
    examples: [
      "tmpfs-root cmdline --source LABEL=images --imgfile rootfs.tar.zst --size 3G",
      "tmpfs-root cmdline --check 'root=tmpfs:LABEL=images rd.tmpfs.size=3G'",
    ],
  },
  {
    name: "simulate",
    operand: null,
    options: [
      {
        name: "cmdline",
        value: "CMDLINE",
        required: true,
        doc: "the kernel command line to boot with, quoted as one argument",
      },
      {
        name: "vm",
        value: "FILE",
        required: true,
        doc:
          "the machine, described in JSON: its RAM, disks, LVM volumes, NFS exports and web servers, with the archives they hold (packages/simulator/testdata/vm.json is an example)",
      },
      {
        name: "json",
        value: null,
        required: false,
        doc:
          "print the result as JSON: the outcome (with the unpacked root's files), every event, the mounts left and the simulated seconds",
      },
    ],
    summary: "boot the model against a machine described in JSON and print the trace",
    doc:
      "Runs the boot model against a simulated machine and prints the trace: every mount, unpack, unmount and console line, with the time it happens, and the outcome.",
    exit: [
      { status: 0, meaning: "the simulated boot switched into the new root" },
      { status: 1, meaning: "the simulated boot stopped (the trace shows the failure line)" },
      {
        status: 2,
        meaning: "a wrong or missing option, or a machine file that cannot be read or is not valid",
      },
    ],
    examples: [
      "tmpfs-root simulate --cmdline 'root=tmpfs:LABEL=images rd.tmpfs.imgfile=rootfs.tgz' --vm vm.json",
    ],
  },
  {
    name: "help",
    operand: { name: "COMMAND", optional: true, doc: "the command to describe" },
    options: [],
    summary: "print the list of commands, or a command's options and exit statuses",
    doc:
      "Prints the list of commands, or, given a command, its options and exit statuses: the same text as tmpfs-root COMMAND --help.",
    exit: [{ status: 0, meaning: "the help was printed" }, {
      status: 2,
      meaning: "there is no such command",
    }],
    examples: ["tmpfs-root help simulate"],
  },
];

/**
 * A command's synopsis after the program's name: options in order,
 * optional ones in brackets, then the operand.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { COMMANDS, synopsis } from "./commands.ts";
 * assert.equal(synopsis(COMMANDS[0]!), "build-module [--out DIR] [--docs DIR] [--check]");
 * assert.equal(synopsis(COMMANDS[2]!), "inspect [--init PATH] [--json] ARCHIVE");
 * ```
 */
export function synopsis(command: CommandSpec): string {
  const options = command.options.map((o) => {
    const flag = o.short === undefined ? `--${o.name}` : `-${o.short}`;
    const word = o.value === null ? flag : `${flag} ${o.value}`;
    return o.required ? word : `[${word}]`;
  });
  const operand = command.operand === null
    ? []
    : [command.operand.optional ? `[${command.operand.name}]` : command.operand.name];
  return [command.name, ...options, ...operand].join(" ");
}
