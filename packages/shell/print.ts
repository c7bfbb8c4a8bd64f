/**
 * The printer: the only producer of shell text in tmpfs-root. It quotes by
 * structure: a word is printed with the fewest quote switches (a bare run
 * only when every character is safe, single quotes for literal text,
 * double quotes around every expansion and the literal text next to it),
 * and it lays lines out within {@linkcode WIDTH} columns, breaking long
 * commands between words (`\` continuation lines one level deeper) and long
 * `&&`, `||` and `|` lists after the operator.
 *
 * @module
 */
import type {
  ArithExpr,
  CaseArm,
  Command,
  Pattern,
  Redirect,
  Script,
  Simple,
  Word,
  WordPart,
} from "./ast.ts";

/** The widest line the printer makes, unless a single word is wider. */
export const WIDTH = 100;

const INDENT = "    ";
const PATTERN_SAFE = /^[A-Za-z0-9_@+=:,.\/-]$/;
const RESERVED = new Set([
  "!",
  "{",
  "}",
  "case",
  "do",
  "done",
  "elif",
  "else",
  "esac",
  "fi",
  "for",
  "if",
  "in",
  "then",
  "until",
  "while",
]);
/** Commands whose `name=value` arguments read as assignments: the `name=` stays bare. */
const DECLARATIONS = new Set(["local", "export", "readonly"]);

function singleQuote(s: string): string {
  return `'${s.replaceAll("'", `'\\''`)}'`;
}

// ---------------------------------------------------------------------------
// Words: the fewest quote switches.

/** One unit of a word: a literal character, an expansion or a glob. */
type Atom =
  | { readonly kind: "char"; readonly c: string }
  // `name`: a plain `$name`, printed `${name}` before a name character.
  | { readonly kind: "exp"; readonly text: string; readonly name?: string }
  | { readonly kind: "glob"; readonly text: string };

/** Where a word stands: bare characters allowed differ. */
type Place = "arg" | "name" | "pattern";

type Mode = 0 | 1 | 2; // bare, single-quoted, double-quoted
const MODES: readonly Mode[] = [0, 1, 2];
const BARE = 0;
const SINGLE = 1;
const DOUBLE = 2;

const BARE_CHAR: Record<Place, RegExp> = {
  arg: /^[A-Za-z0-9_@%+=:,.\/!-]$/,
  // A command name: no `=` (it would read as an assignment) and no `!`.
  name: /^[A-Za-z0-9_@%+:,.\/-]$/,
  pattern: /^[A-Za-z0-9_@%+=:,.\/-]$/,
};
const DOUBLE_SPECIAL = /^[$`"\\]$/;
const NAME_CHAR = /^[A-Za-z0-9_]$/;

/** Segments, escapes, characters, literal characters inside double quotes: compared in order. */
type Cost = readonly [number, number, number, number];

function less(a: Cost, b: Cost): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! < b[i]!;
  return false;
}

function atomsOf(parts: readonly (WordPart | Pattern["parts"][number])[]): Atom[] {
  const atoms: Atom[] = [];
  for (const part of parts) {
    switch (part.kind) {
      case "lit":
        for (const c of part.value) atoms.push({ kind: "char", c });
        break;
      case "var":
        atoms.push(
          part.op === undefined
            ? { kind: "exp", text: `$${part.name}`, name: part.name }
            : { kind: "exp", text: printVar(part) },
        );
        break;
      case "cmdsubst":
        atoms.push({ kind: "exp", text: `$(${printInline(part.body)})` });
        break;
      case "arith":
        atoms.push({ kind: "exp", text: `$((${printArith(part.expr)}))` });
        break;
      case "glob":
        atoms.push({ kind: "glob", text: part.value });
        break;
      default:
        return assertNever(part);
    }
  }
  return atoms;
}

/** The cost of printing `atoms[i]` in `mode`, after `atoms[i - 1]` in `prev` (null: none); null when it cannot be. */
function step(
  atoms: readonly Atom[],
  i: number,
  prev: Mode | null,
  mode: Mode,
  place: Place,
): Cost | null {
  const a = atoms[i]!;
  let escapes = 0;
  let chars: number;
  let dq = 0;
  switch (a.kind) {
    case "glob":
      if (mode !== BARE) return null;
      chars = a.text.length;
      break;
    case "exp":
      if (mode !== DOUBLE) return null;
      chars = a.text.length;
      break;
    case "char":
      if (mode === BARE) {
        if (a.c === "'") {
          escapes = 1;
          chars = 2;
        } else if (BARE_CHAR[place].test(a.c)) {
          // A leading `=` reads as a mistaken comparison (`x==a`, shellcheck SC1097).
          if (a.c === "=" && i === 0 && atoms.length > 1 && place !== "pattern") return null;
          chars = 1;
        } else return null;
      } else if (mode === SINGLE) {
        if (a.c === "'") return null;
        chars = 1;
      } else {
        escapes = DOUBLE_SPECIAL.test(a.c) ? 1 : 0;
        chars = 1 + escapes;
        dq = 1;
        const before = atoms[i - 1];
        // "$name" followed by a name character needs braces: "${name}x".
        if (prev === DOUBLE && before?.kind === "exp" && before.name && NAME_CHAR.test(a.c)) {
          chars += 2;
        }
      }
      break;
    default:
      return assertNever(a);
  }
  const opens = prev !== mode;
  return [opens ? 1 : 0, escapes, chars + (opens && mode !== BARE ? 2 : 0), dq];
}

/** Prints atoms with the fewest quote switches (ties: fewer escapes, shorter, single quotes). */
function printAtoms(atoms: readonly Atom[], place: Place): string {
  if (atoms.length === 0) return "''";
  const n = atoms.length;
  // best[i][m]: the cheapest way to print atoms[0..i] with atoms[i] in mode m.
  const best: (Cost | null)[][] = [];
  const from: (Mode | null)[][] = [];
  for (let i = 0; i < n; i++) {
    best.push([null, null, null]);
    from.push([null, null, null]);
    for (const m of MODES) {
      const prevs: readonly (Mode | null)[] = i === 0 ? [null] : MODES;
      for (const p of prevs) {
        const base: Cost = p === null ? [0, 0, 0, 0] : best[i - 1]![p]!;
        if (base === null) continue;
        const s = step(atoms, i, p, m, place);
        if (s === null) continue;
        const cost: Cost = [base[0] + s[0], base[1] + s[1], base[2] + s[2], base[3] + s[3]];
        const cur = best[i]![m];
        if (cur === null || cur === undefined || less(cost, cur)) {
          best[i]![m] = cost;
          from[i]![m] = p;
        }
      }
    }
  }
  let mode: Mode | null = null;
  for (const m of MODES) {
    const c = best[n - 1]![m];
    if (c && (mode === null || less(c, best[n - 1]![mode]!))) mode = m;
  }
  if (mode === null) throw new TypeError("Unprintable word: no quoting fits");
  const modes: Mode[] = new Array(n);
  for (let i = n - 1; i >= 0; i--) {
    modes[i] = mode!;
    mode = from[i]![mode!]!;
  }
  let out = "";
  for (let i = 0; i < n; i++) {
    const m = modes[i]!;
    const prev = i === 0 ? null : modes[i - 1]!;
    if (prev !== m) {
      if (prev === SINGLE) out += "'";
      if (prev === DOUBLE) out += '"';
      if (m === SINGLE) out += "'";
      if (m === DOUBLE) out += '"';
    }
    const a = atoms[i]!;
    if (a.kind === "char") {
      if (m === BARE) out += a.c === "'" ? "\\'" : a.c;
      else if (m === SINGLE) out += a.c;
      else out += DOUBLE_SPECIAL.test(a.c) ? `\\${a.c}` : a.c;
    } else if (a.kind === "exp") {
      const next = atoms[i + 1];
      const brace = a.name !== undefined && next?.kind === "char" && modes[i + 1] === DOUBLE &&
        NAME_CHAR.test(next.c);
      out += brace ? `\${${a.name}}` : a.text;
    } else out += a.text;
  }
  if (modes[n - 1] === SINGLE) out += "'";
  if (modes[n - 1] === DOUBLE) out += '"';
  return out;
}

/**
 * Prints one word with the fewest quote switches: adjacent literal text is
 * one quoted run, and an expansion shares its double quotes with the
 * literal text around it.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { printWord } from "./print.ts";
 * import { v, w } from "./build.ts";
 * assert.equal(printWord(w("/dev/disk/by-label/", v("label"))), '"/dev/disk/by-label/$label"');
 * assert.equal(printWord(w("my disk")), "'my disk'");
 * assert.equal(printWord(w(v("seen"), v("name"), "=")), '"$seen$name="');
 * ```
 */
export function printWord(word: Word, commandName = false): string {
  const only = word.parts.length === 1 ? word.parts[0] : undefined;
  if (only?.kind === "lit") {
    const value = only.value;
    if (commandName && RESERVED.has(value)) return singleQuote(value);
    if (value === "[" || value === "]") return value;
  }
  return printAtoms(atomsOf(word.parts), commandName ? "name" : "arg");
}

function printVar(part: Extract<WordPart, { kind: "var" }>): string {
  const op = part.op;
  if (op === undefined) return `$${part.name}`;
  switch (op.op) {
    case "len":
      return `\${#${part.name}}`;
    case "-":
      return `\${${part.name}:-${printDoubleQuoted(op.arg)}}`;
    case "#":
    case "##":
    case "%":
    case "%%":
      return `\${${part.name}${op.op}${printPatternInBraces(op.arg)}}`;
    default:
      return assertNever(op);
  }
}

function printDoubleQuoted(word: Word): string {
  return word.parts.map((p) => {
    switch (p.kind) {
      case "lit":
        if (p.value.includes("}")) {
          throw new TypeError(
            `Invalid default value ${JSON.stringify(p.value)}: "}" cannot appear in \${x:-...}`,
          );
        }
        return p.value.replace(/[\\$`"]/g, (c) => `\\${c}`);
      case "var":
        return printVar(p);
      case "cmdsubst":
        return `$(${printInline(p.body)})`;
      case "arith":
        return `$((${printArith(p.expr)}))`;
      default:
        return assertNever(p);
    }
  }).join("");
}

function printPatternInBraces(p: Pattern): string {
  return p.parts.map((part) => {
    switch (part.kind) {
      case "lit":
        return [...part.value].map((c) => PATTERN_SAFE.test(c) ? c : `\\${c}`).join("");
      case "var":
        return `"${printVar(part)}"`;
      case "glob":
        return part.value;
      default:
        return assertNever(part);
    }
  }).join("");
}

function printPattern(p: Pattern): string {
  return printAtoms(atomsOf(p.parts), "pattern");
}

function printItem(item: Word | Pattern): string {
  return item.kind === "pattern" ? printPattern(item) : printWord(item);
}

function printArith(e: ArithExpr, top = true): string {
  switch (e.kind) {
    case "num":
      return String(e.value);
    case "name":
      return e.name;
    case "binop": {
      const text = `${printArith(e.left, false)} ${e.op} ${printArith(e.right, false)}`;
      return top ? text : `(${text})`;
    }
    default:
      return assertNever(e);
  }
}

function printRedirect(r: Redirect): string {
  return `${r.fd ?? ""}${r.op}${printWord(r.target)}`;
}

/** `name=value` in a declaration (`local x="$1"`): the name stays bare, the value is a word. */
function printDeclared(word: Word): string | null {
  const first = word.parts[0];
  if (first?.kind !== "lit") return null;
  const m = /^[A-Za-z_][A-Za-z0-9_]*=/.exec(first.value);
  if (m === null) return null;
  const rest = first.value.slice(m[0].length);
  const parts = [...(rest === "" ? [] : [{ ...first, value: rest }]), ...word.parts.slice(1)];
  return parts.length === 0 ? m[0] : m[0] + printWord({ kind: "word", parts });
}

/** The words of a simple command, each printed. */
function simpleWords(c: Simple): string[] {
  const name = c.args[0]?.parts;
  const declaration = name?.length === 1 && name[0]!.kind === "lit" &&
    DECLARATIONS.has(name[0]!.value);
  return [
    ...c.assigns.map((a) => `${a.name}=${printWord(a.value)}`),
    ...c.args.map((a, i) =>
      i === 0 ? printWord(a, true) : (declaration && printDeclared(a)) || printWord(a)
    ),
    ...c.redirects.map(printRedirect),
  ];
}

/**
 * The words of a simple command as the units a line may break between: an
 * option (`-o`, `--max-time`) stays with the word after it when that is not
 * an option itself and the two fit on a continuation line.
 */
function withOptionValues(c: Simple, cont: string): string[] {
  const words = simpleWords(c);
  const args = { from: c.assigns.length + 1, to: c.assigns.length + c.args.length };
  const out: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    const next = words[i + 1];
    const pair = `${word} ${next}`;
    if (
      i >= args.from && i + 1 < args.to && next !== undefined && isOption(word) &&
      !isOption(next) && cont.length + pair.length + 2 <= WIDTH
    ) {
      out.push(pair);
      i++;
    } else out.push(word);
  }
  return out;
}

function isOption(word: string): boolean {
  return /^--?[A-Za-z]/.test(word);
}

function printSimple(c: Simple): string {
  return simpleWords(c).join(" ");
}

// ---------------------------------------------------------------------------
// Layout. A laid-out command is a list of lines: the first without
// indentation (the caller puts it at column `start`), the others complete.

/**
 * Fills words into lines of at most WIDTH columns: the first starts at
 * `start`, the others are `cont` continuation lines; each broken line ends
 * in ` \`. `reserve` columns stay free after the last word. A word too long
 * for any line gets a line of its own.
 */
function fill(words: readonly string[], start: number, cont: string, reserve: number): string[] {
  const one = words.join(" ");
  if (start + one.length + reserve <= WIDTH) return [one];
  const lines: string[] = [];
  let line = words[0]!;
  let col = start;
  for (let i = 1; i < words.length; i++) {
    const word = words[i]!;
    const tail = i === words.length - 1 ? reserve : 2;
    if (col + line.length + 1 + word.length + tail <= WIDTH) {
      line += ` ${word}`;
      continue;
    }
    lines.push(`${line} \\`);
    line = word;
    col = cont.length;
  }
  lines.push(line);
  return lines.map((l, i) => (i === 0 ? l : cont + l));
}

/** The column just after the last of `lines` laid out from `start`. */
function endColumn(lines: readonly string[], start: number): number {
  return lines.length === 1 ? start + lines[0]!.length : lines.at(-1)!.length;
}

function glue(left: string[], sep: string, right: readonly string[]): string[] {
  const out = left.slice(0, -1);
  out.push(`${left.at(-1)}${sep}${right[0] ?? ""}`);
  return out.concat(right.slice(1));
}

/** A command as an element of a pipeline, or the right side of `&&`/`||`: grouped when it is a list. */
function operand(c: Command, inPipeline: boolean): Command {
  const list = c.kind === "andor" || c.kind === "background" ||
    (inPipeline && c.kind === "pipeline");
  return list ? { kind: "group", body: [c], redirects: [] } : c;
}

/** `a && b || c` as its commands and the operator before each. */
function andOrItems(c: Command): { op: string; c: Command }[] {
  if (c.kind !== "andor") return [{ op: "", c }];
  return [...andOrItems(c.left), { op: c.op, c: operand(c.right, false) }];
}

/**
 * Lays out a list of commands joined by operators: each goes on the line
 * of the one before when it fits there on one line (or opens a block, as
 * `|| {` does); otherwise the line breaks after the operator and the
 * command starts a continuation line.
 */
function layList(
  items: readonly { op: string; c: Command }[],
  ind: string,
  start: number,
  reserve: number,
  inline: boolean,
): string[] {
  // What follows a command on its line: the operator, and ` {` when a block comes next.
  const after = (i: number) => {
    const next = items[i + 1];
    if (next === undefined) return reserve;
    return next.op.length + 1 + (!inline && isBlock(next.c) ? 2 : 0);
  };
  let lines = lay(items[0]!.c, ind, start, after(0), inline);
  const cont = ind + INDENT;
  for (let i = 1; i < items.length; i++) {
    const { op, c } = items[i]!;
    const at = endColumn(lines, start) + op.length + 2;
    const same = lay(c, ind, at, after(i), inline);
    const block = !inline && isBlock(c);
    if (block || (same.length === 1 && at + same[0]!.length + after(i) <= WIDTH)) {
      lines = glue(lines, ` ${op} `, same);
      continue;
    }
    const next = lay(c, cont, cont.length, after(i), inline);
    lines = glue(lines, ` ${op}`, [""]);
    lines.push(cont + next[0]!, ...next.slice(1));
  }
  return lines;
}

/** A compound command laid out on lines of its own (`{`, `if`, `case`, ...). */
function isBlock(c: Command): boolean {
  return c.kind !== "simple" && c.kind !== "pipeline" && c.kind !== "andor";
}

function block(body: readonly Command[], ind: string): string[] {
  const lines = body.flatMap((c) => statement(c, ind));
  return lines.length === 0 ? [ind + ":"] : lines;
}

/** A condition of `if`/`while`, laid out from `start` with `reserve` columns after it. */
function condition(cond: readonly Command[], ind: string, start: number, reserve: number) {
  const cmds = cond.filter((c) => c.kind !== "blank" && c.kind !== "comment");
  return cmds.length === 1 ? lay(cmds[0]!, ind, start, reserve, true) : [printInline(cmds)];
}

/** A case arm whose body is one simple command, on one line: `pat) cmd ;;`; null when it does not fit. */
function armLine(arm: CaseArm, head: string, ind: string): string | null {
  const body = arm.body.filter((c) => c.kind !== "blank");
  const only = body[0];
  if (body.length > 1 || (only !== undefined && only.kind !== "simple")) return null;
  const text = only === undefined ? ":" : printSimple(only);
  const line = `${ind}${head} ${text} ;;`;
  return line.length <= WIDTH ? line : null;
}

function layCase(c: Extract<Command, { kind: "case" }>, ind: string): string[] {
  const armInd = ind + INDENT;
  const bodyInd = armInd + INDENT;
  const arms = c.arms.flatMap((arm) => {
    const pats = arm.patterns.map(printPattern);
    const one = armLine(arm, `${pats.join(" | ")})`, armInd);
    if (one !== null) return [one];
    const head = fill(
      pats.map((p, i) => (i === pats.length - 1 ? `${p})` : `${p} |`)),
      armInd.length,
      bodyInd,
      0,
    );
    return [armInd + head[0]!, ...head.slice(1), ...block(arm.body, bodyInd), `${bodyInd};;`];
  });
  return [`case ${printWord(c.word)} in`, ...arms, `${ind}esac`];
}

/**
 * Lays out one command. `ind` is the indentation of the statement it
 * belongs to, `start` the column of its first line, `reserve` the columns
 * that follow it on its last line. `inline`: compound commands on one line
 * (in conditions).
 */
function lay(c: Command, ind: string, start: number, reserve: number, inline: boolean): string[] {
  if (inline && isBlock(c)) return [inlineCommand(c)];
  switch (c.kind) {
    case "simple":
      return fill(withOptionValues(c, ind + INDENT), start, ind + INDENT, reserve);
    case "pipeline": {
      const items = c.commands.map((x, i) => ({ op: i === 0 ? "" : "|", c: operand(x, true) }));
      if (!c.negate) return layList(items, ind, start, reserve, inline);
      return glue(["!"], " ", layList(items, ind, start + 2, reserve, inline));
    }
    case "andor":
      return layList(andOrItems(c), ind, start, reserve, inline);
    case "if": {
      const lines: string[] = [];
      const body = ind + INDENT;
      c.branches.forEach((b, i) => {
        const word = i === 0 ? "if" : "elif";
        const cond = condition(b.cond, ind, (i === 0 ? start : ind.length) + word.length + 1, 6);
        const head = glue([word], " ", cond);
        head[head.length - 1] += "; then";
        if (i > 0) head[0] = ind + head[0];
        lines.push(...head, ...block(b.body, body));
      });
      if (c.otherwise.length > 0) lines.push(`${ind}else`, ...block(c.otherwise, body));
      lines.push(`${ind}fi`);
      return lines;
    }
    case "while": {
      const head = glue(["while"], " ", condition(c.cond, ind, start + 6, 4));
      head[head.length - 1] += "; do";
      return [...head, ...block(c.body, ind + INDENT), `${ind}done`];
    }
    case "for": {
      const head = fill([`for ${c.name} in`, ...c.items.map(printItem)], start, ind + INDENT, 4);
      head[head.length - 1] += "; do";
      return [...head, ...block(c.body, ind + INDENT), `${ind}done`];
    }
    case "case":
      return layCase(c, ind);
    case "func": {
      const head = `${c.name}() {`;
      const body = [...block(c.body, ind + INDENT), `${ind}}`];
      if (c.doc === undefined) return [head, ...body];
      const doc = commentLines(c.doc, ind);
      return [doc[0]!, ...doc.slice(1).map((l) => ind + l), ind + head, ...body];
    }
    case "group":
      return [
        "{",
        ...block(c.body, ind + INDENT),
        ind + ["}", ...c.redirects.map(printRedirect)].join(" "),
      ];
    case "subshell":
      return [
        "(",
        ...block(c.body, ind + INDENT),
        ind + [")", ...c.redirects.map(printRedirect)].join(" "),
      ];
    case "background": {
      const lines = lay(c.command, ind, start, reserve + 2, inline);
      return [...lines.slice(0, -1), `${lines.at(-1)} &`];
    }
    case "comment":
      return commentLines(c.text, ind).map((l, i) => (i === 0 ? l : ind + l));
    case "blank":
      return [""];
    default:
      return assertNever(c);
  }
}

/** A comment as `# ` lines within WIDTH, broken between words. */
function commentLines(text: string, ind: string): string[] {
  const lines: string[] = [];
  let line = "#";
  for (const word of text.split(" ")) {
    if (line !== "#" && ind.length + line.length + 1 + word.length > WIDTH) {
      lines.push(line);
      line = "#";
    }
    line += ` ${word}`;
  }
  lines.push(line);
  return lines;
}

/** A statement at indentation `ind`, as complete lines. */
function statement(c: Command, ind: string): string[] {
  if (c.kind === "blank") return [""];
  const lines = lay(c, ind, ind.length, 0, false);
  return [ind + lines[0]!, ...lines.slice(1)];
}

/**
 * Prints a command as lines (without a trailing newline), within
 * {@linkcode WIDTH} columns unless a single word is wider.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { printCommand } from "./print.ts";
 * import { caseOf, cmd, v } from "./build.ts";
 * assert.deepEqual(printCommand(caseOf(v("1"), [[["gzip"], [cmd("gzip", "-dc")]]])), [
 *   'case "$1" in',
 *   "    gzip) gzip -dc ;;",
 *   "esac",
 * ]);
 * ```
 */
export function printCommand(c: Command): string[] {
  return statement(c, "");
}

/** Prints commands on one line, separated by `; ` (for conditions and `$(...)`). */
export function printInline(commands: readonly Command[]): string {
  return commands.filter((c) => c.kind !== "blank" && c.kind !== "comment").map(inlineCommand)
    .join("; ");
}

function inlineCommand(c: Command): string {
  switch (c.kind) {
    case "simple":
      return printSimple(c);
    case "pipeline":
      return `${c.negate ? "! " : ""}${
        c.commands.map((x) => inlineCommand(operand(x, true))).join(" | ")
      }`;
    case "andor":
      return `${inlineCommand(c.left)} ${c.op} ${inlineCommand(operand(c.right, false))}`;
    case "if":
      return `${
        c.branches.map((b, i) =>
          `${i === 0 ? "if" : "elif"} ${printInline(b.cond)}; then ${inlineBody(b.body)};`
        ).join(" ")
      }${c.otherwise.length > 0 ? ` else ${inlineBody(c.otherwise)};` : ""} fi`;
    case "while":
      return `while ${printInline(c.cond)}; do ${inlineBody(c.body)}; done`;
    case "for":
      return `for ${c.name} in ${c.items.map(printItem).join(" ")}; do ${inlineBody(c.body)}; done`;
    case "case":
      return `case ${printWord(c.word)} in ${
        c.arms.map((a) => `${a.patterns.map(printPattern).join(" | ")}) ${inlineBody(a.body)} ;;`)
          .join(" ")
      } esac`;
    case "func":
      return `${c.name}() { ${inlineBody(c.body)}; }`;
    case "group":
      return ["{", `${inlineBody(c.body)};`, "}", ...c.redirects.map(printRedirect)].join(" ");
    case "subshell":
      return [`(${inlineBody(c.body)})`, ...c.redirects.map(printRedirect)].join(" ");
    case "background":
      // In a list joined by "; ", "&;" would not parse: the braces end it.
      return `{ ${inlineCommand(c.command)} & }`;
    case "comment":
    case "blank":
      return ":";
    default:
      return assertNever(c);
  }
}

function inlineBody(body: readonly Command[]): string {
  const text = printInline(body);
  return text === "" ? ":" : text;
}

/**
 * Prints a whole script, ending with a newline.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { printScript } from "./print.ts";
 * import { cmd, script } from "./build.ts";
 * assert.equal(printScript(script([cmd("echo", "it's here")])), `#!/bin/sh\necho "it's here"\n`);
 * ```
 */
export function printScript(s: Script): string {
  const head = [
    ...(s.shebang === null ? [] : [`#!${s.shebang}`]),
    ...s.directives.map((d) => `# shellcheck ${d}`),
  ];
  const body = s.body.flatMap((c) => statement(c, ""));
  return [...head, ...body].join("\n") + "\n";
}

function assertNever(x: never): never {
  throw new TypeError(`Unexpected node ${JSON.stringify(x)}`);
}
