import type { Block, ManPage, Span } from "./man_page.ts";

/**
 * Prints a manual page as Markdown, section by section as `man` shows it:
 * literals as code spans, placeholders in italics, entries as list items,
 * examples as fenced code blocks. Markdown's punctuation in plain text is
 * escaped with a backslash.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { code, entry, ph } from "./man_page.ts";
 * import { toMarkdown } from "./to_markdown.ts";
 * const md = toMarkdown({
 *   name: "demo",
 *   section: 1,
 *   summary: "a demo",
 *   generated: "Generated.",
 *   sections: [{ title: "OPTIONS", blocks: [entry([code("--size "), ph("n")], ["At most <n>."])] }],
 * });
 * assert.match(md, /^# demo\(1\)\n/);
 * assert.match(md, /^- `--size `\*n\*\n\n {2}At most \\<n\\>\.\n/m);
 * ```
 */
export function toMarkdown(page: ManPage): string {
  const out = [
    `# ${page.name}(${page.section})`,
    "",
    text([page.generated]),
    "",
    "## NAME",
    "",
    text([page.name, " - ", page.summary]),
  ];
  for (const section of page.sections) {
    out.push("", `## ${section.title}`);
    for (const block of section.blocks) out.push("", ...blockLines(block));
  }
  return `${out.join("\n")}\n`;
}

function blockLines(block: Block): string[] {
  switch (block.kind) {
    case "para":
      return [text(block.spans)];
    case "entry":
      return [`- ${text(block.term)}`, ...block.paras.flatMap((p) => ["", `  ${text(p)}`])];
    case "literal":
      if (block.lines.some((l) => l.includes("```"))) {
        throw new RangeError(`Invalid example "${block.lines.join("\n")}": expected no \`\`\``);
      }
      return ["```", ...block.lines, "```"];
    case "subsection":
      return [`### ${block.title}`];
    default:
      return assertNever(block);
  }
}

function text(spans: readonly Span[]): string {
  return merged(spans).map((s) =>
    typeof s === "string"
      ? s.replace(/[\\`*_<>[\]]/g, "\\$&")
      : "code" in s
      ? codeSpan(s.code)
      : `*${s.ph.replace(/[\\`*_<>[\]]/g, "\\$&")}*`
  ).join("");
}

/** Adjacent literals (and adjacent placeholders) as one: two code spans side by side do not parse. */
function merged(spans: readonly Span[]): Span[] {
  const out: Span[] = [];
  for (const s of spans) {
    const last = out[out.length - 1];
    if (typeof s !== "string" && typeof last === "object" && "code" in s && "code" in last) {
      out[out.length - 1] = { code: last.code + s.code };
    } else if (typeof s !== "string" && typeof last === "object" && "ph" in s && "ph" in last) {
      out[out.length - 1] = { ph: last.ph + s.ph };
    } else if (s !== "") out.push(s);
  }
  return out;
}

/** A code span, with enough backticks around it for the backticks inside. */
function codeSpan(s: string): string {
  const longest = Math.max(0, ...(s.match(/`+/g) ?? []).map((r) => r.length));
  const fence = "`".repeat(longest + 1);
  return longest === 0 ? `${fence}${s}${fence}` : `${fence} ${s} ${fence}`;
}

function assertNever(x: never): never {
  throw new TypeError(`Unexpected block ${JSON.stringify(x)}`);
}
