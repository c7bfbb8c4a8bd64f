import assert from "#assert";
import { runShell, SHELLS } from "./run_shell.ts";
import {
  and,
  assign,
  caseOf,
  cmd,
  forIn,
  func,
  glob,
  ifThen,
  lit,
  not,
  or,
  orDefault,
  pat,
  pipe,
  redir,
  script,
  strip,
  subst,
  v,
  w,
  withRedirects,
} from "./build.ts";
import { printCommand, printScript, printWord } from "./print.ts";

Deno.test("printWord() prints safe literals bare and quotes the rest", () => {
  const cases: [string, string][] = [
    ["/dev/vda1", "/dev/vda1"],
    ["my disk", "'my disk'"],
    ["it's", "'it'\\''s'"],
    ["$(reboot)", "'$(reboot)'"],
    ["`reboot`", "'`reboot`'"],
    [";reboot", "';reboot'"],
    ["*", "'*'"],
    ["~root", "'~root'"],
    ["", "''"],
  ];
  for (const [input, want] of cases) assert.equal(printWord(w(input)), want, input);
});

Deno.test("printWord() double-quotes every expansion", () => {
  assert.equal(printWord(w("/dev/disk/by-label/", v("label"))), '/dev/disk/by-label/"$label"');
  assert.equal(printWord(w(orDefault("NEWROOT", "/sysroot"))), '"${NEWROOT:-/sysroot}"');
  assert.equal(printWord(w(strip("x", "#", pat(glob("*"), ":")))), '"${x#*:}"');
  assert.equal(printWord(w(subst(cmd("cat", "/proc/cmdline")))), '"$(cat /proc/cmdline)"');
});

Deno.test("printCommand() quotes a command name that would be a keyword or an assignment", () => {
  assert.deepEqual(printCommand(cmd("if")), ["'if'"]);
  assert.deepEqual(printCommand(cmd("a=b")), ["'a=b'"]);
  assert.deepEqual(printCommand(cmd("printf", "%s", "a=b")), ["printf %s a=b"]);
});

Deno.test("lit() rejects NUL and control characters with a clear error", () => {
  for (const bad of ["a\u0000b", "line\nbreak", "tab\there", "\u001b[31m", "del\u007f"]) {
    assert.throws(() => lit(bad), (e: Error) => {
      assert.ok(e instanceof TypeError);
      assert.match(
        e.message,
        /^Invalid shell literal ".*": control character U\+00[0-9A-F]{2} at index \d+$/,
      );
      return true;
    });
  }
});

Deno.test("glob() accepts only *, ? and bracket classes", () => {
  for (const ok of ["*", "?", "[0-9]", "[!0-9]", "[[:space:]]", "[kKmMgG]"]) glob(ok);
  for (const bad of ["a*", "$(x)", "[`x`]", "[", "**"]) assert.throws(() => glob(bad), TypeError);
});

Deno.test("printScript() output parses under dash, busybox ash and bash", async () => {
  const s = script([
    func("f", [
      assign("x", w("a b", v("1"))),
      ifThen(cmd("[", "-n", v("x"), "]"), [cmd("printf", "%s\\n", v("x"))], [cmd(":")]),
      caseOf(v("x"), [[[pat("a", glob("*")), "b c"], [cmd("echo", "yes")]]]),
      forIn("i", [pat("/etc/", glob("*"), ".conf"), "x y"], [cmd(":")]),
      pipe(cmd("echo", "x"), withRedirects(cmd("cat"), redir(">", "/dev/null", 2))),
    ]),
    cmd("f", "arg with 'quotes'"),
  ]);
  const text = printScript(s);
  for (const [name, shell] of SHELLS) {
    const out = await runShell(shell, text);
    assert.equal(out.code, 0, `${name}: ${out.stderr}`);
    assert.equal(out.stdout, "a barg with 'quotes'\nyes\nx\n", name);
  }
});

/** A deterministic generator of hostile strings (no control characters). */
function* hostileStrings(count: number, seed = 1): Generator<string> {
  const alphabet = [
    ..." !\"#$%&'()*+,-./0123456789:;<=>?@AZaz[\\]^_`{|}~",
    "é",
    "ü",
    "€",
    "日本",
    "\u00a0",
    "$(reboot)",
    "`id`",
    "${x}",
    "'\"'",
    "\\n",
    "*",
    "?",
    "[!a]",
    "--",
    "=",
  ];
  let state = seed;
  const next = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state;
  };
  for (let i = 0; i < count; i++) {
    const len = next() % 12;
    let s = "";
    for (let j = 0; j < len; j++) s += alphabet[next() % alphabet.length];
    yield s;
  }
}

Deno.test("printWord() round-trips hostile strings through real shells unchanged (fuzz)", async () => {
  const inputs = [...hostileStrings(400)];
  const body = inputs.map((s) => cmd("printf", "%s\\0", w(s)));
  const text = printScript(script(body));
  const want = inputs.map((s) => `${s}\0`).join("");
  for (const [name, shell] of SHELLS) {
    const out = await runShell(shell, text);
    assert.equal(out.code, 0, `${name}: ${out.stderr}`);
    assert.equal(out.stdout, want, name);
  }
});

Deno.test("strip() patterns match literal text, never as a glob (fuzz)", async () => {
  const inputs = [...hostileStrings(200, 7)].filter((s) => s !== "");
  const body = inputs.flatMap((s, i) => [
    assign(`v${i}`, w(s, "tail")),
    cmd("printf", "%s\\0", w(strip(`v${i}`, "#", pat(s)))),
    assign(`u${i}`, w("head", s)),
    cmd("printf", "%s\\0", w(strip(`u${i}`, "%", pat(s)))),
  ]);
  const text = printScript(script(body));
  const want = inputs.map(() => "tail\0head\0").join("");
  for (const [name, shell] of SHELLS) {
    const out = await runShell(shell, text);
    assert.equal(out.code, 0, `${name}: ${out.stderr}`);
    assert.equal(out.stdout, want, name);
  }
});

Deno.test("case patterns match literal text, never as a glob (fuzz)", async () => {
  const inputs = [...hostileStrings(200, 11)];
  const body = inputs.flatMap((s) => [
    caseOf(w(s), [[[pat(s)], [cmd("printf", "y")]], [[pat(glob("*"))], [cmd("printf", "n")]]]),
    caseOf(w(s, "x"), [[[pat(s)], [cmd("printf", "Y")]], [[pat(glob("*"))], [cmd("printf", "N")]]]),
  ]);
  const out = await runShell(["dash"], printScript(script(body)));
  assert.equal(out.stdout, "yN".repeat(inputs.length));
  for (const [name, shell] of SHELLS) {
    const o = await runShell(shell, printScript(script(body)));
    assert.equal(o.stdout, "yN".repeat(inputs.length), name);
  }
});

Deno.test("printCommand() groups lists inside pipelines and on the right of && and ||", async () => {
  const t = cmd("true");
  const f = cmd("false");
  const cases: [import("./ast.ts").Command, string][] = [
    [not(and(t, f)), "T"],
    [or(f, and(t, f)), "F"],
    [and(t, or(f, t)), "T"],
    [pipe(cmd("echo", "x"), and(withRedirects(cmd("cat"), redir(">", "/dev/null")), f)), "F"],
  ];
  for (const [c, want] of cases) {
    const text = printScript(script([ifThen(c, [cmd("printf", "T")], [cmd("printf", "F")])]));
    for (const [name, shell] of SHELLS) {
      const out = await runShell(shell, text);
      assert.equal(out.stdout, want, `${name}: ${text}`);
    }
  }
});
