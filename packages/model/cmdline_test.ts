import assert from "#assert";
import { lastValue, splitCmdline } from "./cmdline.ts";

Deno.test("splitCmdline() follows the kernel's next_arg() rules", () => {
  const cases: [string, [string, string | null][]][] = [
    ["root=tmpfs:/dev/vda1 ro", [["root", "tmpfs:/dev/vda1"], ["ro", null]]],
    ['root="tmpfs:LABEL=my disk" ro', [["root", "tmpfs:LABEL=my disk"], ["ro", null]]],
    ['"root=tmpfs:a b"', [["root", "tmpfs:a b"]]],
    ['a=b"c d"e', [["a", 'b"c d"e']]],
    ["x==y", [["x", "=y"]]],
    ["=z", [["=z", null]]],
    ['"quoted"', [["quoted", null]]],
    ['a="', [["a", ""]]],
    ['"a="', [["a", ""]]],
    ['a=""', [["a", ""]]],
    ["  \t\na=1\n", [["a", "1"]]],
    ["a=\\x20", [["a", "\\x20"]]],
    ['a="unterminated value', [["a", "unterminated value"]]],
    ["", []],
  ];
  for (const [line, want] of cases) {
    assert.deepEqual(
      splitCmdline(line).map((a) => [a.name, a.value]),
      want,
      JSON.stringify(line),
    );
  }
});

Deno.test("lastValue() lets the last occurrence win and reads a bare name as empty", () => {
  const args = splitCmdline("rd.tmpfs.size=1G rd.tmpfs.size=2G quiet");
  assert.equal(lastValue(args, "rd.tmpfs.size"), "2G");
  assert.equal(lastValue(args, "quiet"), "");
  assert.equal(lastValue(args, "missing"), null);
});
