/**
 * The programs the emitted shell runs, collected from the syntax trees
 * themselves: what module-setup.sh installs is derived, never listed by hand.
 */
import type { Command, Script, Word } from "@tmpfs-root/shell";
import { PREFIX } from "./_names.ts";

/** Shell builtins of dash, busybox ash and bash (the ones the printer may emit). */
const BUILTINS = new Set([
  ".",
  ":",
  "[",
  "break",
  "cd",
  "command",
  "continue",
  "echo",
  "exit",
  "export",
  "false",
  "kill",
  "local",
  "printf",
  "read",
  "return",
  "set",
  "shift",
  "test",
  "true",
  "unset",
  "wait",
]);

/**
 * Functions dracut's library provides to hooks, and systemctl (the systemd
 * module installs it). A source kind's own programs (curl) are installed
 * with its kind, from the model's source table.
 */
const DRACUT_FUNCTIONS = new Set([
  "die",
  "emergency_shell",
  "getarg",
  "info",
  "warn",
  "systemctl",
]);

/**
 * Programs that only some sources or formats need: installed when the host
 * has them (`inst_multiple -o`), so a missing one fails that boot clearly.
 */
export const OPTIONAL_TOOLS = new Set(["bzip2", "lz4", "pigz", "xz", "zstd"]);

function wordText(word: Word): string | null {
  return word.parts.length === 1 && word.parts[0]?.kind === "lit" ? word.parts[0].value : null;
}

function visit(c: Command, out: Set<string>): void {
  switch (c.kind) {
    case "simple": {
      const name = c.args[0] && wordText(c.args[0]);
      if (name && !BUILTINS.has(name) && !DRACUT_FUNCTIONS.has(name) && !name.startsWith(PREFIX)) {
        out.add(name);
      }
      for (const part of [...c.args, ...c.assigns.map((a) => a.value)].flatMap((w) => w.parts)) {
        if (part.kind === "cmdsubst") part.body.forEach((b) => visit(b, out));
      }
      return;
    }
    case "pipeline":
      return c.commands.forEach((x) => visit(x, out));
    case "andor":
      visit(c.left, out);
      return visit(c.right, out);
    case "if":
      c.branches.forEach((b) => [...b.cond, ...b.body].forEach((x) => visit(x, out)));
      return c.otherwise.forEach((x) => visit(x, out));
    case "while":
      return [...c.cond, ...c.body].forEach((x) => visit(x, out));
    case "for":
      return c.body.forEach((x) => visit(x, out));
    case "case":
      for (const part of c.word.parts) {
        if (part.kind === "cmdsubst") part.body.forEach((b) => visit(b, out));
      }
      return c.arms.forEach((a) => a.body.forEach((x) => visit(x, out)));
    case "func":
    case "group":
    case "subshell":
      return c.body.forEach((x) => visit(x, out));
    case "background":
      return visit(c.command, out);
    case "comment":
    case "blank":
      return;
    default:
      return assertNever(c);
  }
}

/** The external programs that scripts run, sorted. */
export function programsOf(scripts: readonly Script[]): string[] {
  const out = new Set<string>();
  scripts.forEach((s) => s.body.forEach((c) => visit(c, out)));
  return [...out].sort();
}

function assertNever(x: never): never {
  throw new TypeError(`Unexpected node ${JSON.stringify(x)}`);
}
