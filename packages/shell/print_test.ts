import assert from "#assert";
import { runShell, SHELLS } from "./run_shell.ts";
import {
  and,
  assign,
  background,
  caseOf,
  cmd,
  comment,
  forIn,
  func,
  glob,
  group,
  ifThen,
  len,
  lit,
  local,
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
import { printCommand, printScript, printWord, WIDTH } from "./print.ts";

Deno.test("printWord() prints safe literals bare and quotes the rest", () => {
  const cases: [string, string][] = [
    ["/dev/vda1", "/dev/vda1"],
    ["my disk", "'my disk'"],
    ["it's", `"it's"`],
    ["it's $HOME", `"it's \\$HOME"`],
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
  assert.equal(printWord(w("/dev/disk/by-label/", v("label"))), '"/dev/disk/by-label/$label"');
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

Deno.test("background() runs a command with & (stdin passed on through <&), in a statement and inside $(...), in every shell", async () => {
  // stdin dup'd to fd 3 before the &, which would read /dev/null otherwise.
  const bg = background(withRedirects(cmd("cat"), redir("<&", "3"), redir("<&", "-", 3)));
  const text = printScript(script([
    group([bg], redir("<&", "0", 3)),
    assign("p", v("!")),
    cmd("wait", v("p")),
    cmd("printf", "[%s]", subst(background(cmd("printf", "x")), cmd("wait"))),
  ]));
  assert.match(text, /^ {4}cat <&3 3<&- &$/m);
  assert.match(text, /"\$\(\{ printf x & \}; wait\)"/);
  for (const [name, shell] of SHELLS) {
    const child = new Deno.Command(shell[0]!, {
      args: [...shell.slice(1), "-c", text],
      stdin: "piped",
      stdout: "piped",
    }).spawn();
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode("in"));
    await writer.close();
    const out = await child.output();
    assert.equal(new TextDecoder().decode(out.stdout), "in[x]", `${name}: ${text}`);
  }
});

Deno.test("printWord() merges adjacent literals and shares double quotes with expansions", () => {
  const cases: [import("./ast.ts").Word, string][] = [
    [w(v("seen"), v("name"), "="), '"$seen$name="'],
    [w("could not mount ", v("dev"), " read-only", ": "), `"could not mount $dev read-only: "`],
    [w("a", "b c", "d"), "'ab cd'"],
    [w("/dev/", "vda1"), "/dev/vda1"],
    [w(v("seen"), "x"), '"${seen}x"'],
    [w(v("1"), "0"), '"${1}0"'],
    [w(v("x"), "-y"), '"$x-y"'],
    [w('invalid root "', v("orig"), '": expected'), '"invalid root \\"$orig\\": expected"'],
    [w("cost: $", v("n"), " `x` \\"), '"cost: \\$$n \\`x\\` \\\\"'],
    [w("=", v("seen")), '"=$seen"'],
    [w("=http,https"), "'=http,https'"],
    [w("!", v("x")), '"!$x"'],
  ];
  for (const [word, want] of cases) assert.equal(printWord(word), want, want);
});

Deno.test("printCommand() keeps the name of a local assignment bare", () => {
  assert.deepEqual(printCommand(local("rest", v("1"))), ['local rest="$1"']);
  assert.deepEqual(printCommand(local("sep", "")), ["local sep="]);
  assert.deepEqual(printCommand(local("x", w("a b", v("y")))), ['local x="a b$y"']);
  assert.deepEqual(printCommand(cmd("printf", w("x=", v("y")))), ['printf "x=$y"']);
});

Deno.test("printCommand() prints a case arm whose body is one simple command on one line", () => {
  const c = caseOf(v("fmt"), [
    [["gzip"], [cmd("gzip", "-dc")]],
    [["xz", "lzma"], [cmd("xz", "-dc", "-T0")]],
    [["none"], []],
    [["stop"], [cmd("return", "2")]],
    [["two"], [cmd("a"), cmd("b")]],
    [["commented"], [comment("why"), cmd("a")]],
    [["long"], [cmd("printf", "%s\\n", "x".repeat(75))]],
    [[pat(glob("*"))], [withRedirects(cmd("cat"), redir(">", "/dev/null", 2))]],
  ]);
  assert.deepEqual(printCommand(c), [
    'case "$fmt" in',
    "    gzip) gzip -dc ;;",
    "    xz | lzma) xz -dc -T0 ;;",
    "    none) : ;;",
    "    stop) return 2 ;;",
    "    two)",
    "        a",
    "        b",
    "        ;;",
    "    commented)",
    "        # why",
    "        a",
    "        ;;",
    "    long)",
    `        printf '%s\\n' ${"x".repeat(75)}`,
    "        ;;",
    "    *) cat 2>/dev/null ;;",
    "esac",
  ]);
});

Deno.test("printCommand() wraps a long command between words, an option with its value", () => {
  const c = func("f", [
    cmd(
      "curl",
      "--silent",
      "--show-error",
      "--fail",
      "--location",
      "--proto",
      "=http,https",
      "--proto-redir",
      v("redir"),
      "--connect-timeout",
      "10",
      "--speed-limit",
      "1024",
      "--max-time",
      v("3"),
      v("1"),
    ),
  ]);
  assert.deepEqual(printCommand(c), [
    "f() {",
    "    curl --silent --show-error --fail --location --proto '=http,https' --proto-redir \"$redir\" \\",
    '        --connect-timeout 10 --speed-limit 1024 --max-time "$3" "$1"',
    "}",
  ]);
});

Deno.test("printCommand() breaks a long && or || list after the operator", () => {
  const long = (n: number) => cmd("test", "-n", "x".repeat(n));
  assert.deepEqual(printCommand(and(long(40), long(30), long(10))), [
    `test -n ${"x".repeat(40)} && test -n ${"x".repeat(30)} &&`,
    `    test -n ${"x".repeat(10)}`,
  ]);
  assert.deepEqual(printCommand(ifThen(or(long(60), long(60)), [cmd(":")])), [
    `if test -n ${"x".repeat(60)} ||`,
    `    test -n ${"x".repeat(60)}; then`,
    "    :",
    "fi",
  ]);
  // A block on the right stays on the operator's line.
  assert.deepEqual(printCommand(or(long(87), group([cmd("a")]))), [
    `test -n ${"x".repeat(87)} || {`,
    "    a",
    "}",
  ]);
});

Deno.test("printCommand() gives a word longer than a line a line of its own", () => {
  const message = `message ${"y".repeat(100)}`;
  assert.deepEqual(printCommand(cmd("say", "4", message, "tail")), [
    "say 4 \\",
    `    '${message}' \\`,
    "    tail",
  ]);
  assert.deepEqual(printCommand(assign("cause", message)), [`cause='${message}'`]);
});

Deno.test("printCommand() wraps long comments between words", () => {
  const text = Array.from({ length: 30 }, (_, i) => `word${i}`).join(" ");
  const lines = printCommand(func("f", [comment(text), cmd(":")]));
  assert.ok(lines.every((l) => l.length <= WIDTH), lines.join("\n"));
  assert.equal(
    lines.filter((l) => l.startsWith("    # ")).map((l) => l.slice(6)).join(" "),
    text,
  );
});

/** Values for the variables the merged-word fuzz expands. */
const FUZZ_VARS = ["a", "b_1", "x"] as const;

/** A deterministic word of literals and expansions, and the text it must expand to. */
function* mixedWords(
  count: number,
  seed: number,
  values: Readonly<Record<string, string>>,
): Generator<[import("./ast.ts").WordPart[], string]> {
  const lits = [...hostileStrings(count * 4, seed)];
  let state = seed;
  const next = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state;
  };
  for (let i = 0; i < count; i++) {
    const parts: import("./ast.ts").WordPart[] = [];
    let want = "";
    const n = 1 + next() % 5;
    for (let j = 0; j < n; j++) {
      const pick = next() % 7;
      if (pick <= 2) {
        const s = lits[(i * 4 + j) % lits.length]!;
        if (s === "") continue;
        parts.push(lit(s));
        want += s;
      } else if (pick === 3) {
        const name = FUZZ_VARS[next() % FUZZ_VARS.length]!;
        parts.push(v(name));
        want += values[name];
      } else if (pick === 4) {
        parts.push(v("1"));
        want += values["1"];
      } else if (pick === 5) {
        parts.push(subst(cmd("printf", "%s", v("a"))));
        want += values["a"];
      } else {
        parts.push(len("x"));
        want += String([...values["x"]!].length);
      }
    }
    // A name character right after an expansion: "${a}x", never "$ax".
    if (next() % 3 === 0) {
      parts.push(lit("a_9"));
      want += "a_9";
    }
    yield [parts, want];
  }
}

const VALUES: Record<string, string> = {
  a: 'it\'s $a `x` \\ "q" *',
  b_1: "  two  spaces ",
  x: "x! y",
  "1": "arg $1 'one'",
};

function setVars(): import("./ast.ts").Command[] {
  return FUZZ_VARS.map((name) => assign(name, VALUES[name]!));
}

Deno.test("printWord() round-trips merged literals and expansions through real shells (fuzz)", async () => {
  const words = [...mixedWords(300, 3, VALUES)];
  const body = [
    ...setVars(),
    ...words.map(([parts]) => cmd("printf", "%s\\0", w(...parts))),
    // The same words as assignments and as local assignments.
    ...words.flatMap(([parts]) => [assign("y", w(...parts)), cmd("printf", "%s\\0", v("y"))]),
    func(
      "f",
      words.flatMap(([parts]) => [local("z", w(...parts)), cmd("printf", "%s\\0", v("z"))]),
    ),
    cmd("f", v("1")),
  ];
  const text = printScript(script(body));
  const want = words.map(([, s]) => `${s}\0`).join("").repeat(3);
  for (const [name, shell] of SHELLS) {
    const out = await runShell(shell, text, [VALUES["1"]!]);
    assert.equal(out.code, 0, `${name}: ${out.stderr}`);
    assert.equal(out.stdout, want, name);
  }
});

Deno.test("case patterns with expansions match literal text, never as a glob (fuzz)", async () => {
  const words = [...mixedWords(200, 5, VALUES)].filter(([parts]) =>
    parts.every((p) => p.kind === "lit" || p.kind === "var")
  );
  assert.ok(words.length > 50, `only ${words.length} words`);
  const body = [
    ...setVars(),
    ...words.flatMap(([parts]) => {
      const p = pat(...(parts as (import("./ast.ts").Lit | import("./ast.ts").Var)[]));
      return [
        caseOf(w(...parts), [[[p], [cmd("printf", "y")]], [[pat(glob("*"))], [
          cmd("printf", "n"),
        ]]]),
        caseOf(w(...parts, "x"), [[[p], [cmd("printf", "Y")]], [[pat(glob("*"))], [
          cmd("printf", "N"),
        ]]]),
      ];
    }),
  ];
  const text = printScript(script(body));
  for (const [name, shell] of SHELLS) {
    const out = await runShell(shell, text, [VALUES["1"]!]);
    assert.equal(out.stdout, "yN".repeat(words.length), `${name}: ${out.stderr}`);
  }
});

Deno.test("printScript() wraps long commands and lists without changing them (fuzz)", async () => {
  const words = [...hostileStrings(600, 13)].map((s) => s.repeat(1 + s.length % 4));
  const commands: import("./ast.ts").Command[] = [];
  const want: string[] = [];
  for (let i = 0; i + 12 <= words.length; i += 12) {
    const args = words.slice(i, i + 12);
    const print = cmd("printf", "%s\\0", ...args.slice(0, 8));
    want.push(...args.slice(0, 8).map((a) => `${a}\0`));
    // A long && / || list: the false test is skipped over by ||.
    const list = or(
      and(cmd("printf", "%s\\0", args[8]!, args[9]!), cmd("test", "-z", w(args[10]!, "x"))),
      cmd("printf", "%s\\0", args[11]!),
    );
    want.push(`${args[8]}\0`, `${args[9]}\0`, `${args[11]}\0`);
    commands.push(
      i % 24 === 0 ? print : ifThen(cmd("true"), [func(`f${i}`, [print]), cmd(`f${i}`)]),
      list,
    );
  }
  const text = printScript(script(commands));
  const printed = new Set(words.flatMap((s) => [printWord(w(s)), printWord(w(s, "x"))]));
  for (const line of text.split("\n")) {
    if (line.length <= WIDTH) continue;
    // Only a single word may make a line too long.
    const bare = line.trim().replace(/ (?:\\|&&|\|\|)$/, "");
    assert.ok(printed.has(bare), `line over ${WIDTH} columns: ${line}`);
  }
  assert.ok(text.includes(" \\\n"), "no command was wrapped: the test would be hollow");
  for (const [name, shell] of SHELLS) {
    const out = await runShell(shell, text, []);
    assert.equal(out.code, 0, `${name}: ${out.stderr}`);
    assert.equal(out.stdout, want.join(""), name);
  }
});
