import assert from "#assert";
import { code, entry, type ManPage, para, ph } from "./man_page.ts";
import { toMarkdown } from "./to_markdown.ts";

const PAGE: ManPage = {
  name: "demo",
  section: 1,
  summary: "a *demo*",
  generated: "Generated.",
  sections: [{
    title: "DESCRIPTION",
    blocks: [
      para("NFS=nfs:<server>:<export> [a] b_c ", code("x`y"), " ", ph("n")),
      { kind: "subsection", title: "Sub" },
      entry([code("--size"), " ", ph("n")], ["First."], ["Second."]),
      { kind: "literal", lines: ["root=tmpfs:LABEL=*images*"] },
    ],
  }],
};

Deno.test("toMarkdown() joins literals side by side into one code span", () => {
  const md = toMarkdown({
    ...PAGE,
    sections: [{ title: "T", blocks: [para(code("a"), code("b"), ph("c"))] }],
  });
  assert.match(md, /^`ab`\*c\*$/m);
});

Deno.test("toMarkdown() prints the page's sections, escaping Markdown in plain text only", () => {
  assert.equal(
    toMarkdown(PAGE),
    [
      "# demo(1)",
      "",
      "Generated.",
      "",
      "## NAME",
      "",
      "demo - a \\*demo\\*",
      "",
      "## DESCRIPTION",
      "",
      "NFS=nfs:\\<server\\>:\\<export\\> \\[a\\] b\\_c `` x`y `` *n*",
      "",
      "### Sub",
      "",
      "- `--size` *n*",
      "",
      "  First.",
      "",
      "  Second.",
      "",
      "```",
      "root=tmpfs:LABEL=*images*",
      "```",
      "",
    ].join("\n"),
  );
});
