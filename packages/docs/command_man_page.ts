import { COMMANDS, type CommandSpec, PROGRAM } from "./commands.ts";
import { type Block, code, entry, type ManPage, para, ph, type Span } from "./man_page.ts";

/**
 * The manual page `tmpfs-root(1)`, generated from the command table
 * ({@linkcode COMMANDS}) that the CLI parses its options with and prints
 * its help from: the synopsis, each command with its operand, options and
 * exit statuses, and examples.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { commandManPage } from "./command_man_page.ts";
 * import { toMarkdown } from "./to_markdown.ts";
 * const md = toMarkdown(commandManPage());
 * assert.match(md, /^`tmpfs-root` `simulate` `--cmdline` \*CMDLINE\* `--vm` \*FILE\* \\\[`--json`\\\]$/m);
 * ```
 */
export function commandManPage(commands: readonly CommandSpec[] = COMMANDS): ManPage {
  return {
    name: PROGRAM,
    section: 1,
    summary: "build, check and simulate tmpfs-root, the dracut module that boots into RAM",
    generated:
      "Generated from the command table (packages/docs/commands.ts) by deno task build-module; do not edit.",
    sections: [
      { title: "SYNOPSIS", blocks: commands.map((c) => para(...synopsisSpans(c))) },
      {
        title: "DESCRIPTION",
        blocks: [
          para(
            "tmpfs-root boots Linux into a root file system unpacked into RAM; see ",
            code("tmpfs-root.cmdline"),
            "(7). This command builds its dracut module from the boot model, checks kernel command lines as the module will at boot, and simulates boots.",
          ),
          para(
            "It runs with Deno from tmpfs-root's source (deno task tmpfs-root), or with Node.js as one JavaScript file (deno task bundle writes dist/tmpfs-root.mjs). Every command takes ",
            code("--help"),
            ". A wrong option, a missing argument or a file that cannot be read is named in one line on standard error.",
          ),
        ],
      },
      { title: "COMMANDS", blocks: commands.flatMap(commandBlocks) },
      {
        title: "EXIT STATUS",
        blocks: [
          entry([code("0")], ["Success; for a check, everything is in order."]),
          entry([code("1")], [
            "The check failed, or the simulated boot stopped (see each command).",
          ]),
          entry([code("2")], ["The command line of tmpfs-root itself is wrong."]),
        ],
      },
      {
        title: "EXAMPLES",
        blocks: [{ kind: "literal", lines: commands.flatMap((c) => c.examples) }],
      },
      {
        title: "SEE ALSO",
        blocks: [para(code("tmpfs-root.cmdline"), "(7), ", code("dracut"), "(8)")],
      },
    ],
  };
}

function synopsisSpans(c: CommandSpec): Span[] {
  const spans: Span[] = [code(PROGRAM), " ", code(c.name)];
  for (const o of c.options) {
    const flag = code(o.short === undefined ? `--${o.name}` : `-${o.short}`);
    const word: Span[] = o.value === null ? [flag] : [flag, " ", ph(o.value)];
    spans.push(" ", ...(o.required ? word : ["[", ...word, "]"]));
  }
  if (c.operand !== null) {
    spans.push(
      " ",
      ...(c.operand.optional ? ["[", ph(c.operand.name), "]"] : [ph(c.operand.name)]),
    );
  }
  return spans;
}

function commandBlocks(c: CommandSpec): Block[] {
  return [
    { kind: "subsection", title: c.name },
    para(...synopsisSpans(c)),
    para(c.doc),
    ...(c.operand === null ? [] : [entry([ph(c.operand.name)], [`${capitalise(c.operand.doc)}.`])]),
    ...c.options.map((o) =>
      entry([
        ...(o.short === undefined ? [] : [code(`-${o.short}`), ", "]),
        code(`--${o.name}`),
        ...(o.value === null ? [] : [" ", ph(o.value)]),
      ], [
        `${capitalise(o.doc)}${o.required ? " (required)" : ""}.`,
      ])
    ),
    entry([code("-h"), ", ", code("--help")], ["Print the command's help and exit."]),
    para("Exit status:"),
    ...c.exit.map((e) => entry([code(String(e.status))], [`${capitalise(e.meaning)}.`])),
  ];
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
