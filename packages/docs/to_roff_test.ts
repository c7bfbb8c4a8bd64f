import assert from "#assert";
import { code, entry, type ManPage, para, ph, type Section } from "./man_page.ts";
import { toRoff } from "./to_roff.ts";

function page(...sections: Section[]): ManPage {
  return { name: "demo", section: 7, summary: "a demo", generated: "Generated.", sections };
}

/** The lines after the NAME section's. */
function body(...sections: Section[]): string[] {
  return toRoff(page(...sections)).split("\n").slice(4, -1);
}

Deno.test("toRoff() starts with the generated note, the title and NAME", () => {
  assert.deepEqual(toRoff(page()).split("\n"), [
    '.\\" Generated.',
    '.TH "DEMO" 7 "" "tmpfs-root manual"',
    ".SH NAME",
    "demo - a demo",
    "",
  ]);
});

Deno.test("toRoff() escapes text: backslashes, dashes in literals, control lines, beyond ASCII", () => {
  const cases: [Parameters<typeof para>, string][] = [
    [["a\\b"], "a\\eb"],
    [
      ["plain-word ", code("--out"), " ", ph("file-name")],
      "plain-word \\fB\\-\\-out\\fR \\fIfile\\-name\\fR",
    ],
    [[".starts with a dot"], "\\&.starts with a dot"],
    [["'starts with a quote"], "\\&'starts with a quote"],
    [[code(".conf")], "\\fB.conf\\fR"],
    [["caf\u00e9 \u2026"], "caf\\[u00E9] \\[u2026]"],
  ];
  for (const [spans, line] of cases) {
    assert.deepEqual(body({ title: "T", blocks: [para(...spans)] }), ['.SH "T"', ".PP", line]);
  }
});

Deno.test("toRoff() prints entries with .TP and .IP, literals unfilled, subsections with .SS", () => {
  assert.deepEqual(
    body({
      title: "SEE ALSO",
      blocks: [
        { kind: "subsection", title: 'A "quoted" title' },
        entry([code("x=")], ["one"], ["two"]),
        { kind: "literal", lines: ["root=tmpfs:/dev/vda1 -x", ".hidden"] },
      ],
    }),
    [
      '.SH "SEE ALSO"',
      '.SS "A \\(dqquoted\\(dq title"',
      ".TP",
      "\\fBx=\\fR",
      "one",
      ".IP",
      "two",
      ".PP",
      ".RS 4",
      ".nf",
      "root=tmpfs:/dev/vda1 \\-x",
      "\\&.hidden",
      ".fi",
      ".RE",
    ],
  );
});

Deno.test("toRoff() refuses control characters and a line that starts with a space", () => {
  assert.throws(() => toRoff(page({ title: "T", blocks: [para("a\nb")] })), /control characters/);
  assert.throws(() => toRoff(page({ title: "T", blocks: [para(" a")] })), /starts with a word/);
});
