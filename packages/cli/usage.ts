import { COMMANDS, type CommandSpec, PROGRAM, synopsis } from "@tmpfs-root/docs";
import { wrap } from "./_wrap.ts";

/** The width the help is filled to. */
const WIDTH = 80;

/**
 * The help of `tmpfs-root --help`: every command with its synopsis and
 * summary, from the command table that the man page `tmpfs-root(1)` is
 * generated from.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { usage } from "./usage.ts";
 * assert.match(usage(), /^Usage: tmpfs-root <command> \[options\]\n\nCommands:\n {2}build-module /);
 * ```
 */
export function usage(commands: readonly CommandSpec[] = COMMANDS): string {
  return [
    `Usage: ${PROGRAM} <command> [options]`,
    "",
    "Commands:",
    ...commands.flatMap((c) => [`  ${synopsis(c)}`, ...wrap(c.summary, WIDTH, "      ", 6)]),
    "",
    ...wrap(
      `Every command takes --help for its options and exit statuses. Exit status: 0 success, 1 a failed check or a stopped boot, 2 a wrong option or argument. See ${PROGRAM}(1) and ${PROGRAM}.cmdline(7).`,
      WIDTH,
      "",
      0,
    ),
  ].join("\n");
}

/**
 * The help of `tmpfs-root <command> --help`: the synopsis, what the
 * command does, its argument, options and exit statuses.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { COMMANDS } from "@tmpfs-root/docs";
 * import { commandHelp } from "./usage.ts";
 * const help = commandHelp(COMMANDS.find((c) => c.name === "simulate")!);
 * assert.match(help, /^Usage: tmpfs-root simulate --cmdline CMDLINE --vm FILE \[--json\]\n/);
 * assert.match(help, /^ {2}2 {2}a wrong or missing option/m);
 * ```
 */
export function commandHelp(command: CommandSpec): string {
  const terms: [string, string][] = [
    ...command.options.map((o): [string, string] => [
      `${o.short === undefined ? "" : `-${o.short}, `}--${o.name}${
        o.value === null ? "" : ` ${o.value}`
      }`,
      `${o.doc}${o.required ? " (required)" : ""}`,
    ]),
    ["-h, --help", "print this help"],
  ];
  const column = Math.max(...terms.map(([t]) => t.length)) + 4;
  const table = (rows: readonly [string, string][], at: number) =>
    rows.flatMap(([term, doc]) => wrap(doc, WIDTH, `  ${term.padEnd(at - 2)}`, at));
  return [
    `Usage: ${PROGRAM} ${synopsis(command)}`,
    "",
    ...wrap(command.doc, WIDTH, "", 0),
    ...(command.operand === null ? [] : [
      "",
      "Argument:",
      ...table([[command.operand.name, command.operand.doc]], command.operand.name.length + 4),
    ]),
    "",
    "Options:",
    ...table(terms, column),
    "",
    "Exit status:",
    ...table(command.exit.map((e) => [String(e.status), e.meaning]), 5),
  ].join("\n");
}
