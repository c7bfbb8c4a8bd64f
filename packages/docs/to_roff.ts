import type { Block, ManPage, Span } from "./man_page.ts";
import { MANUAL } from "./man_page.ts";

/**
 * Prints a manual page as roff for the `man` macros (`man -l`, groff,
 * mandoc). Text is escaped here and only here: a backslash prints as
 * `\e`, a dash in a literal or a placeholder as `\-` (so that options copy
 * as ASCII), a character beyond ASCII as `\[uXXXX]`, and a line that would
 * start with `.` or `'` gets `\&` first.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { code, para, ph } from "./man_page.ts";
 * import { toRoff } from "./to_roff.ts";
 * const roff = toRoff({
 *   name: "demo",
 *   section: 1,
 *   summary: "a demo",
 *   generated: "Generated.",
 *   sections: [{ title: "OPTIONS", blocks: [para(code("--size"), " ", ph("n"), ".")] }],
 * });
 * assert.match(roff, /^\.SH "OPTIONS"\n\.PP\n\\fB\\-\\-size\\fR \\fIn\\fR\.\n/m);
 * ```
 */
export function toRoff(page: ManPage): string {
  const out = [
    `.\\" ${escape(page.generated, false)}`,
    `.TH ${quote(page.name.toUpperCase())} ${page.section} "" ${quote(MANUAL)}`,
    ".SH NAME",
    line([page.name, " - ", page.summary]),
  ];
  for (const section of page.sections) {
    out.push(`.SH ${quote(section.title)}`);
    for (const block of section.blocks) out.push(...blockLines(block));
  }
  return `${out.join("\n")}\n`;
}

function blockLines(block: Block): string[] {
  switch (block.kind) {
    case "para":
      return [".PP", line(block.spans)];
    case "entry":
      return [
        ".TP",
        line(block.term),
        ...block.paras.flatMap((p, i) => i === 0 ? [line(p)] : [".IP", line(p)]),
      ];
    case "literal":
      return [
        ".PP",
        ".RS 4",
        ".nf",
        ...block.lines.map((l) => lineStart(escape(l, true))),
        ".fi",
        ".RE",
      ];
    case "subsection":
      return [`.SS ${quote(block.title)}`];
    default:
      return assertNever(block);
  }
}

/** One filled line of text from spans. */
function line(spans: readonly Span[]): string {
  const text = spans.map((s) =>
    typeof s === "string"
      ? escape(s, false)
      : "code" in s
      ? `\\fB${escape(s.code, true)}\\fR`
      : `\\fI${escape(s.ph, true)}\\fR`
  ).join("");
  if (text === "" || /^\s/.test(text)) {
    throw new RangeError(`Invalid roff line "${text}": expected text that starts with a word`);
  }
  return lineStart(text);
}

/** A line that starts with a control character is text only after `\&`. */
function lineStart(text: string): string {
  return /^[.']/.test(text) ? `\\&${text}` : text;
}

function escape(text: string, literal: boolean): string {
  let out = "";
  for (const c of text) {
    const n = c.codePointAt(0)!;
    if (n < 0x20 || n === 0x7f) {
      throw new RangeError(`Invalid man page text "${text}": expected no control characters`);
    }
    if (c === "\\") out += "\\e";
    else if (c === "-" && literal) out += "\\-";
    else if (n > 0x7e) out += `\\[u${n.toString(16).toUpperCase().padStart(4, "0")}]`;
    else out += c;
  }
  return out;
}

/** A macro argument, in double quotes. */
function quote(text: string): string {
  return `"${escape(text, false).replaceAll('"', "\\(dq")}"`;
}

function assertNever(x: never): never {
  throw new TypeError(`Unexpected block ${JSON.stringify(x)}`);
}
