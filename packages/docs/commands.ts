/**
 * The `tmpfs-root` command's interface, declared once: the CLI parses its
 * options and prints its help from this table, and the man page
 * `tmpfs-root(1)` is generated from it.
 *
 * @module
 */

/** An option of a command: `--name VALUE`, or the flag `--name`. */
export interface OptionSpec {
  /** The name after `--`. */
  readonly name: string;
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
 * assert.deepEqual(COMMANDS.map((c) => c.name), ["build-module", "check-cmdline", "simulate", "help"]);
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
    name: "check-cmdline",
    operand: {
      name: "CMDLINE",
      optional: false,
      doc: "the whole kernel command line, quoted as one argument",
    },
    options: [],
    summary: "check a kernel command line as the module will at boot",
    doc:
      "Reads the command line as the kernel splits it and checks every parameter with the model's own code, as the module does at boot. Prints the source and every parameter's value (marked \"(default)\" when the line does not give it), or the failure line the boot would print. An unknown rd.tmpfs. parameter gets a warning that names the closest known one.",
    exit: [
      { status: 0, meaning: "the command line would boot (the report is on standard output)" },
      {
        status: 1,
        meaning:
          "it would not: a parameter is not valid, or root= does not start with tmpfs: (the reason is on standard error)",
      },
      USAGE_EXIT,
    ],
    examples: ["tmpfs-root check-cmdline 'root=tmpfs:LABEL=images rd.tmpfs.size=3G'"],
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
 * assert.equal(synopsis(COMMANDS[1]!), "check-cmdline CMDLINE");
 * ```
 */
export function synopsis(command: CommandSpec): string {
  const options = command.options.map((o) => {
    const word = o.value === null ? `--${o.name}` : `--${o.name} ${o.value}`;
    return o.required ? word : `[${word}]`;
  });
  const operand = command.operand === null
    ? []
    : [command.operand.optional ? `[${command.operand.name}]` : command.operand.name];
  return [command.name, ...options, ...operand].join(" ");
}
