/**
 * The programs the emitted shell runs, collected from the syntax trees
 * themselves: what module-setup.sh installs is derived, never listed by hand.
 */
import type { Command, Script, Word } from "@tmpfs-root/shell";
import { DECOMPRESSOR_PROGRAMS, toolPath } from "@tmpfs-root/model";
import { PREFIX } from "./_names.ts";

/** Shell builtins of dash, busybox ash and bash (the ones the printer may emit). */
export const BUILTINS: ReadonlySet<string> = new Set([
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
export const DRACUT_FUNCTIONS: ReadonlySet<string> = new Set([
  "die",
  "emergency_shell",
  "getarg",
  "info",
  "warn",
  "systemctl",
]);

/**
 * The decompressors: each image gets those `tmpfs_root_decompressors` names
 * (else all the host has), so a missing one fails that boot clearly.
 */
export const OPTIONAL_TOOLS: ReadonlySet<string> = new Set(
  Object.values(DECOMPRESSOR_PROGRAMS).flat(),
);

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

/**
 * `script` with every program of `programs` run by its path in the
 * initramfs's own folder (the model's `TOOLS_DIR`): `tar -x` becomes
 * `/lib/tmpfs-root/bin/tar -x`, wherever the command stands (in a
 * function, a pipe, a `$(...)`, a redirect's target). The syntax tree is
 * walked as plain data, so no kind of node can be missed.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { cmd, printScript, script, subst } from "@tmpfs-root/shell";
 * import { withToolPaths } from "./_tools.ts";
 * const s = withToolPaths(script([cmd("echo", subst(cmd("tar", "--version")))]), ["tar"]);
 * assert.match(printScript(s), /echo "\$\(\/lib\/tmpfs-root\/bin\/tar --version\)"/);
 * ```
 */
export function withToolPaths(script: Script, programs: readonly string[]): Script {
  const names = new Set(programs);
  const walk = (x: unknown): unknown => {
    if (Array.isArray(x)) return x.map(walk);
    if (x === null || typeof x !== "object") return x;
    const node: Record<string, unknown> = {};
    for (const [k, value] of Object.entries(x)) node[k] = walk(value);
    if (node.kind === "simple") {
      const [first, ...rest] = node.args as Word[];
      const name = first && wordText(first);
      if (name && names.has(name)) {
        node.args = [{ kind: "word", parts: [{ kind: "lit", value: toolPath(name) }] }, ...rest];
      }
    }
    return node;
  };
  return walk(script) as Script;
}

/**
 * Every command name that scripts run by a literal first word, sorted:
 * builtins, functions and programs, each as written (a program by its path
 * once {@linkcode withToolPaths} has run).
 */
export function commandNames(scripts: readonly Script[]): string[] {
  const out = new Set<string>();
  const walk = (x: unknown): void => {
    if (Array.isArray(x)) return x.forEach(walk);
    if (x === null || typeof x !== "object") return;
    const node = x as Record<string, unknown>;
    if (node.kind === "simple") {
      const first = (node.args as Word[])[0];
      const name = first && wordText(first);
      if (name) out.add(name);
    }
    Object.values(node).forEach(walk);
  };
  walk(scripts);
  return [...out].sort();
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
