/**
 * The printer: the only producer of shell text in tmpfs-root. It quotes by
 * structure: literals are printed bare only when every character is safe,
 * otherwise single-quoted; expansions are always double-quoted.
 *
 * @module
 */
import type { ArithExpr, Command, Pattern, Redirect, Script, Simple, Word } from "./ast.ts";

const SAFE = /^[A-Za-z0-9_@%+=:,.\/-]+$/;
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
const INDENT = "    ";

function singleQuote(s: string): string {
  return `'${s.replaceAll("'", `'\\''`)}'`;
}

function printLit(value: string, commandName: boolean, inPattern = false): string {
  if (value === "") return "";
  if (inPattern) return SAFE.test(value) ? value : singleQuote(value);
  if (value === "[" || value === "]") return value;
  // `x==a` is valid, but reads as a mistaken comparison (shellcheck SC1097): quote a leading =.
  if (value.startsWith("=") && value !== "=") return singleQuote(value);
  if (!commandName && /^[A-Za-z0-9_@%+=:,.\/!-]+$/.test(value)) return value;
  if (SAFE.test(value) && !(commandName && value.includes("="))) return value;
  return singleQuote(value);
}

/**
 * Prints one word.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { printWord } from "./print.ts";
 * import { v, w } from "./build.ts";
 * assert.equal(printWord(w("/dev/disk/by-label/", v("label"))), '/dev/disk/by-label/"$label"');
 * assert.equal(printWord(w("my disk")), "'my disk'");
 * ```
 */
export function printWord(word: Word, commandName = false): string {
  if (word.parts.length === 0) return "''";
  let out = "";
  word.parts.forEach((part, i) => {
    switch (part.kind) {
      case "lit": {
        const bare = commandName && i === 0 && RESERVED.has(part.value) && word.parts.length === 1;
        out += bare ? singleQuote(part.value) : printLit(part.value, commandName && i === 0);
        break;
      }
      case "var":
        out += `"${printVar(part)}"`;
        break;
      case "cmdsubst":
        out += `"$(${printInline(part.body)})"`;
        break;
      case "arith":
        out += `"$((${printArith(part.expr)}))"`;
        break;
      default:
        return assertNever(part);
    }
  });
  return out;
}

function printVar(part: Extract<Word["parts"][number], { kind: "var" }>): string {
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
  if (p.parts.length === 0) return "''";
  return p.parts.map((part) => {
    switch (part.kind) {
      case "lit":
        return printLit(part.value, false, true);
      case "var":
        return `"${printVar(part)}"`;
      case "glob":
        return part.value;
      default:
        return assertNever(part);
    }
  }).join("");
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

function printSimple(c: Simple): string {
  const parts = [
    ...c.assigns.map((a) => `${a.name}=${printWord(a.value)}`),
    ...c.args.map((a, i) => printWord(a, i === 0)),
    ...c.redirects.map(printRedirect),
  ];
  return parts.join(" ");
}

function glue(left: string[], sep: string, right: string[]): string[] {
  if (left.length === 0) return right;
  const out = left.slice(0, -1);
  out.push(`${left.at(-1)}${sep}${right[0] ?? ""}`);
  return out.concat(right.slice(1));
}

function indent(lines: string[]): string[] {
  return lines.map((l) => (l === "" ? l : INDENT + l));
}

function block(body: readonly Command[]): string[] {
  const lines = body.flatMap((c) => printCommand(c));
  return indent(lines.length === 0 ? [":"] : lines);
}

function condLine(cond: readonly Command[]): string {
  return printInline(cond);
}

/** A command as an element of a pipeline, or the right side of `&&`/`||`: grouped when it is a list. */
function operand(c: Command, inPipeline: boolean): Command {
  const list = c.kind === "andor" || (inPipeline && c.kind === "pipeline");
  return list ? { kind: "group", body: [c], redirects: [] } : c;
}

/** Prints a command as lines (without a trailing newline). */
export function printCommand(c: Command): string[] {
  switch (c.kind) {
    case "simple":
      return [printSimple(c)];
    case "pipeline": {
      let lines: string[] = [];
      c.commands.forEach((sub, i) => {
        const printed = printCommand(operand(sub, true));
        lines = i === 0 ? printed : glue(lines, " | ", printed);
      });
      return c.negate ? glue(["!"], " ", lines) : lines;
    }
    case "andor":
      return glue(printCommand(c.left), ` ${c.op} `, printCommand(operand(c.right, false)));
    case "if": {
      const lines: string[] = [];
      c.branches.forEach((b, i) => {
        lines.push(`${i === 0 ? "if" : "elif"} ${condLine(b.cond)}; then`, ...block(b.body));
      });
      if (c.otherwise.length > 0) lines.push("else", ...block(c.otherwise));
      lines.push("fi");
      return lines;
    }
    case "while":
      return [`while ${condLine(c.cond)}; do`, ...block(c.body), "done"];
    case "for":
      return [
        `for ${c.name} in ${c.items.map(printItem).join(" ")}; do`,
        ...block(c.body),
        "done",
      ];
    case "case":
      return [
        `case ${printWord(c.word)} in`,
        ...indent(c.arms.flatMap((arm) => [
          `${arm.patterns.map(printPattern).join(" | ")})`,
          ...block(arm.body),
          `${INDENT};;`,
        ])),
        "esac",
      ];
    case "func":
      return [`${c.name}() {`, ...block(c.body), "}"];
    case "group":
      return [
        "{",
        ...block(c.body),
        ["}", ...c.redirects.map(printRedirect)].join(" "),
      ];
    case "subshell":
      return [
        "(",
        ...block(c.body),
        [")", ...c.redirects.map(printRedirect)].join(" "),
      ];
    case "comment":
      return [`# ${c.text}`];
    case "blank":
      return [""];
    default:
      return assertNever(c);
  }
}

/** Prints commands on one line, separated by `; ` (for conditions and `$(...)`). */
export function printInline(commands: readonly Command[]): string {
  return commands.filter((c) => c.kind !== "blank" && c.kind !== "comment").map(inline).join("; ");
}

function inline(c: Command): string {
  switch (c.kind) {
    case "simple":
      return printSimple(c);
    case "pipeline":
      return `${c.negate ? "! " : ""}${
        c.commands.map((x) => inline(operand(x, true))).join(" | ")
      }`;
    case "andor":
      return `${inline(c.left)} ${c.op} ${inline(operand(c.right, false))}`;
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
        c.arms.map((a) => `${a.patterns.map(printPattern).join(" | ")}) ${inlineBody(a.body)};;`)
          .join(" ")
      } esac`;
    case "func":
      return `${c.name}() { ${inlineBody(c.body)}; }`;
    case "group":
      return ["{", `${inlineBody(c.body)};`, "}", ...c.redirects.map(printRedirect)].join(" ");
    case "subshell":
      return [`(${inlineBody(c.body)})`, ...c.redirects.map(printRedirect)].join(" ");
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
 * assert.equal(printScript(script([cmd("echo", "it's here")])), "#!/bin/sh\necho 'it'\\''s here'\n");
 * ```
 */
export function printScript(s: Script): string {
  const head = [
    ...(s.shebang === null ? [] : [`#!${s.shebang}`]),
    ...s.directives.map((d) => `# shellcheck ${d}`),
  ];
  const body = s.body.flatMap((c) => printCommand(c));
  return [...head, ...body].join("\n") + "\n";
}

function assertNever(x: never): never {
  throw new TypeError(`Unexpected node ${JSON.stringify(x)}`);
}
