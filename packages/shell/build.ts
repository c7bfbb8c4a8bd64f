/**
 * Constructors for the shell syntax tree. Every literal, name and glob is
 * validated here, so a tree built through these functions always prints to
 * shell that means what it says.
 *
 * @module
 */
import type {
  AndOr,
  Arith,
  ArithExpr,
  Assign,
  Background,
  Blank,
  Case,
  CaseArm,
  CmdSubst,
  Command,
  Comment,
  For,
  FuncDecl,
  Glob,
  Group,
  If,
  Lit,
  ParamOp,
  Pattern,
  Pipeline,
  Redirect,
  Script,
  Simple,
  Subshell,
  Var,
  While,
  Word,
  WordPart,
} from "./ast.ts";

// deno-lint-ignore no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const SPECIAL = /^(?:[0-9]|[?#@$!])$/;
const GLOB = /^(?:\*|\?|\[!?(?:[A-Za-z0-9_.:\/+=@%,~ #-]|\[:[a-z]+:\])+\])$/;

/**
 * Rejects text that cannot appear in generated shell: NUL and other control
 * characters. Returns the text unchanged.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { checkText } from "./build.ts";
 * assert.equal(checkText("/dev/disk/by-label/my disk"), "/dev/disk/by-label/my disk");
 * assert.throws(
 *   () => checkText("a\nb"),
 *   new TypeError('Invalid shell literal "a\\nb": control character U+000A at index 1'),
 * );
 * ```
 */
export function checkText(text: string, what = "shell literal"): string {
  const bad = CONTROL.exec(text);
  if (bad) {
    const code = bad[0].charCodeAt(0).toString(16).padStart(4, "0").toUpperCase();
    throw new TypeError(
      `Invalid ${what} ${JSON.stringify(text)}: control character U+${code} at index ${bad.index}`,
    );
  }
  return text;
}

function checkName(name: string, special = false): string {
  if (NAME.test(name) || (special && SPECIAL.test(name))) return name;
  throw new TypeError(
    `Invalid shell name ${JSON.stringify(name)}: expected [A-Za-z_][A-Za-z0-9_]*`,
  );
}

/** A literal word part. */
export function lit(value: string): Lit {
  return { kind: "lit", value: checkText(value) };
}

/** A parameter expansion such as `"$name"` or `"${name#pat}"`. */
export function v(name: string, op?: ParamOp): Var {
  return op === undefined
    ? { kind: "var", name: checkName(name, true) }
    : { kind: "var", name: checkName(name, true), op };
}

/** `${name:-fallback}`. */
export function orDefault(name: string, fallback: Word | string): Var {
  return v(name, { op: "-", arg: toWord(fallback) });
}

/** `${name#pat}` and friends. */
export function strip(name: string, op: "#" | "##" | "%" | "%%", arg: Pattern): Var {
  return v(name, { op, arg });
}

/** `${#name}`. */
export function len(name: string): Var {
  return v(name, { op: "len" });
}

/** A command substitution `$(...)`. */
export function subst(...body: Command[]): CmdSubst {
  return { kind: "cmdsubst", body };
}

type ArithOp = "+" | "-" | "*" | "/" | "%" | "<" | ">" | "<=" | ">=" | "==" | "!=";

/** Arithmetic expression constructors. */
export interface ArithBuilders {
  /** A whole-number constant. */
  num(value: number): ArithExpr;
  /** A variable, by name. */
  name(name: string): ArithExpr;
  /** `left op right`. */
  op(left: ArithExpr, op: ArithOp, right: ArithExpr): ArithExpr;
}

/** Arithmetic expressions. */
export const ar: ArithBuilders = {
  num(value: number): ArithExpr {
    if (!Number.isSafeInteger(value)) throw new RangeError(`Invalid arithmetic constant ${value}`);
    return { kind: "num", value };
  },
  name(name: string): ArithExpr {
    return { kind: "name", name: checkName(name) };
  },
  op(left: ArithExpr, op: ArithOp, right: ArithExpr): ArithExpr {
    return { kind: "binop", op, left, right };
  },
};

/** An arithmetic expansion `$((...))`. */
export function arith(expr: ArithExpr): Arith {
  return { kind: "arith", expr };
}

type WordLike = string | Word | WordPart;

function toParts(x: WordLike): readonly WordPart[] {
  if (typeof x === "string") return x === "" ? [] : [lit(x)];
  if (x.kind === "word") return x.parts;
  return [x];
}

/** Joins strings and parts into one word (never split, never globbed). */
export function w(...parts: WordLike[]): Word {
  return { kind: "word", parts: parts.flatMap(toParts) };
}

function toWord(x: WordLike): Word {
  return typeof x !== "string" && x.kind === "word" ? x : w(x);
}

/** A glob part of a pattern: `*`, `?` or a bracket expression. */
export function glob(value: string): Glob {
  if (!GLOB.test(value)) {
    throw new TypeError(`Invalid glob ${JSON.stringify(value)}: expected *, ? or a bracket class`);
  }
  return { kind: "glob", value };
}

/** A pattern; plain strings match themselves literally. */
export function pat(...parts: (string | Lit | Var | Glob)[]): Pattern {
  return {
    kind: "pattern",
    parts: parts.flatMap((p) => typeof p === "string" ? (p === "" ? [] : [lit(p)]) : [p]),
  };
}

/** A redirection: `redir(">", "/dev/null", 2)` is `2>/dev/null`. */
export function redir(op: Redirect["op"], target: WordLike, fd?: number): Redirect {
  if (fd !== undefined && !(Number.isInteger(fd) && fd >= 0 && fd <= 9)) {
    throw new RangeError(`Invalid file descriptor ${fd}: expected 0 to 9`);
  }
  return fd === undefined
    ? { kind: "redirect", op, target: toWord(target) }
    : { kind: "redirect", op, target: toWord(target), fd };
}

/** A simple command. */
export function cmd(...args: WordLike[]): Simple {
  if (args.length === 0) throw new TypeError("Invalid command: expected at least one word");
  return { kind: "simple", assigns: [], args: args.map(toWord), redirects: [] };
}

/** The same command with more redirections (a new value; the input is unchanged). */
export function withRedirects<T extends Simple | Group | Subshell>(c: T, ...r: Redirect[]): T {
  return { ...c, redirects: [...c.redirects, ...r] };
}

/** `name=value` on its own. */
export function assign(name: string, value: WordLike): Simple {
  const a: Assign = { kind: "assign", name: checkName(name), value: toWord(value) };
  return { kind: "simple", assigns: [a], args: [], redirects: [] };
}

/** `name=value command ...`: an assignment for one command only. */
export function withAssign(name: string, value: WordLike, c: Simple): Simple {
  const a: Assign = { kind: "assign", name: checkName(name), value: toWord(value) };
  return { ...c, assigns: [...c.assigns, a] };
}

/** `local name=value` (or `local name`). */
export function local(name: string, value?: WordLike): Simple {
  checkName(name);
  return value === undefined ? cmd("local", name) : cmd("local", w(`${name}=`, toWord(value)));
}

/** `a | b | c`. */
export function pipe(...commands: Command[]): Pipeline {
  if (commands.length < 2) throw new TypeError("Invalid pipeline: expected two commands or more");
  return { kind: "pipeline", commands, negate: false };
}

/** `! command`. */
export function not(c: Command): Pipeline {
  return { kind: "pipeline", commands: [c], negate: true };
}

/** `a && b && c`. */
export function and(first: Command, ...rest: Command[]): Command {
  return rest.reduce<Command>(
    (l, r): AndOr => ({ kind: "andor", op: "&&", left: l, right: r }),
    first,
  );
}

/** `a || b || c`. */
export function or(first: Command, ...rest: Command[]): Command {
  return rest.reduce<Command>(
    (l, r): AndOr => ({ kind: "andor", op: "||", left: l, right: r }),
    first,
  );
}

/** `if cond; then body; else otherwise; fi`. */
export function ifThen(
  cond: Command | readonly Command[],
  body: readonly Command[],
  otherwise: readonly Command[] = [],
): If {
  return { kind: "if", branches: [{ cond: list(cond), body }], otherwise };
}

/** `if`/`elif` chains. */
export function ifChain(
  branches: readonly (readonly [Command | readonly Command[], readonly Command[]])[],
  otherwise: readonly Command[] = [],
): If {
  return {
    kind: "if",
    branches: branches.map(([c, b]) => ({ cond: list(c), body: b })),
    otherwise,
  };
}

function list(c: Command | readonly Command[]): readonly Command[] {
  return "kind" in c ? [c as Command] : c as readonly Command[];
}

/** `while cond; do body; done`. */
export function whileDo(cond: Command | readonly Command[], body: readonly Command[]): While {
  return { kind: "while", cond: list(cond), body };
}

/** `for name in items; do body; done`. A pattern item expands to the matching paths. */
export function forIn(
  name: string,
  items: readonly (WordLike | Pattern)[],
  body: readonly Command[],
): For {
  return {
    kind: "for",
    name: checkName(name),
    items: items.map((i) => typeof i !== "string" && i.kind === "pattern" ? i : toWord(i)),
    body,
  };
}

/** `case word in ...; esac`. Each arm: patterns (strings match literally) and a body. */
export function caseOf(
  word: WordLike,
  arms: readonly (readonly [readonly (Pattern | string)[], readonly Command[]])[],
): Case {
  const built: CaseArm[] = arms.map(([ps, body]) => {
    if (ps.length === 0) throw new TypeError("Invalid case arm: expected a pattern");
    return { patterns: ps.map((p) => typeof p === "string" ? pat(p) : p), body };
  });
  return { kind: "case", word: toWord(word), arms: built };
}

/** `name() { body; }`. */
export function func(name: string, body: readonly Command[], doc?: string): FuncDecl {
  if (body.length === 0) throw new TypeError(`Invalid function ${name}: empty body`);
  return {
    kind: "func",
    name: checkName(name),
    body,
    ...(doc === undefined ? {} : { doc: checkText(doc, "function doc") }),
  };
}

/** `{ body; }`. */
export function group(body: readonly Command[], ...redirects: Redirect[]): Group {
  return { kind: "group", body, redirects };
}

/** `( body )`. */
export function subshell(body: readonly Command[], ...redirects: Redirect[]): Subshell {
  return { kind: "subshell", body, redirects };
}

/**
 * `command &`: runs `command` asynchronously (`$!` is its process id).
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { background, cmd, printCommand, redir, withRedirects } from "./mod.ts";
 * assert.deepEqual(
 *   printCommand(background(withRedirects(cmd("cat"), redir("<&", "3"), redir("<&", "-", 3)))),
 *   ["cat <&3 3<&- &"],
 * );
 * ```
 */
export function background(command: Simple | Group | Subshell): Background {
  return { kind: "background", command };
}

/** `# text`. */
export function comment(text: string): Comment {
  return { kind: "comment", text: checkText(text, "comment") };
}

/** An empty line. */
export const blank: Blank = { kind: "blank" };

/** A whole script. */
export function script(
  body: readonly Command[],
  options: { shebang?: string | null; directives?: readonly string[] } = {},
): Script {
  const shebang = options.shebang === undefined ? "/bin/sh" : options.shebang;
  for (const d of options.directives ?? []) checkText(d, "shellcheck directive");
  return {
    kind: "script",
    shebang: shebang === null ? null : checkText(shebang, "interpreter"),
    directives: options.directives ?? [],
    body,
  };
}
