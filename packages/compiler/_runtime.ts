/**
 * Shell functions every hook shares: console messages, the kernel command
 * line scanner, udev's label escaping. Built as syntax trees, never as text.
 */
import {
  and,
  ar,
  arith,
  type ArithExpr,
  assign,
  caseOf,
  cmd,
  type Command,
  comment,
  forIn,
  func,
  glob,
  ifChain,
  ifThen,
  local,
  not,
  or,
  orDefault,
  pat,
  pipe,
  redir,
  strip,
  subst,
  v,
  w,
  whileDo,
  withRedirects,
} from "@tmpfs-root/shell";
import { CAUSE, fn, WARNINGS } from "./_names.ts";

/** `[ a op b ]`. */
export const test = (...args: Parameters<typeof w>[number][]): Command => cmd("[", ...args, "]");

/** `return n`. */
export const ret = (n: number): Command => cmd("return", String(n));

/** `name="${name#?}"`: drop the first character. */
export const dropFirst = (name: string): Command => assign(name, strip(name, "#", pat(glob("?"))));

/** Sets the failure cause. */
export const cause = (...parts: Parameters<typeof w>): Command => assign(CAUSE, w(...parts));

/** `tmpfs_root_say LEVEL TEXT`: a line to the kernel log (the console), or stderr without one. */
function say(): Command {
  return func(fn("say"), [
    or(
      withRedirects(
        cmd("printf", "<%s>%s\\n", v("1"), v("2")),
        redir(">", "/dev/kmsg"),
        redir(">", "/dev/null", 2),
      ),
      withRedirects(cmd("printf", "%s\\n", v("2")), redir(">&", "2")),
    ),
  ]);
}

/**
 * `tmpfs_root_failed LABEL ID`: the one console line of a failure, control
 * characters removed, and the report (the step's label and id, the cause).
 */
function failed(): Command {
  return func(fn("failed"), [
    local("line"),
    assign(
      "line",
      subst(
        pipe(
          cmd("printf", "%s", w("tmpfs-root: ", v("1"), " failed: ", v(CAUSE))),
          cmd("tr", "-d", "\\000-\\037\\177"),
        ),
      ),
    ),
    cmd(fn("say"), "2", v("line")),
    cmd(fn("report"), "failed", v("line"), v("1"), v("2"), v(CAUSE)),
  ]);
}

/**
 * `tmpfs_root_report STATUS TEXT [LABEL ID CAUSE]`: the boot report under
 * /run: the key=value lines, and report.json (`tmpfs_root_report_json`).
 */
function report(): Command {
  return func(fn("report"), [
    withRedirects(cmd("mkdir", "-p", "/run/tmpfs-root"), redir(">", "/dev/null", 2)),
    withRedirects(
      cmd("printf", "status=%s\\nmessage=%s\\n", v("1"), v("2")),
      redir(">", "/run/tmpfs-root/report"),
      redir(">", "/dev/null", 2),
    ),
    withRedirects(
      cmd("cat", WARNINGS),
      redir(">>", "/run/tmpfs-root/report"),
      redir(">", "/dev/null", 2),
    ),
    cmd(
      fn("report_json"),
      v("1"),
      v("2"),
      orDefault("3", ""),
      orDefault("4", ""),
      orDefault("5", ""),
    ),
    ret(0),
  ]);
}

/** `tmpfs_root_only SET VALUE`: true when VALUE holds only characters of the tr(1) set SET. */
function only(): Command {
  return func(fn("only"), [
    test("-z", subst(pipe(cmd("printf", "%s", v("2")), cmd("tr", "-d", v("1"))))),
  ]);
}

/** `tmpfs_root_lower TEXT`: ASCII lower case. */
function lower(): Command {
  return func(fn("lower"), [
    pipe(cmd("printf", "%s", v("1")), cmd("tr", "[:upper:]", "[:lower:]")),
  ]);
}

/** `tmpfs_root_cmdline_text`: what dracut's getcmdline reads, the kernel's line last. */
function cmdlineText(): Command {
  return func(fn("cmdline_text"), [
    local("f"),
    local("sep", ""),
    comment("One space between files, none after the last: an open quote must not swallow it."),
    forIn("f", [pat("/etc/cmdline.d/", glob("*"), ".conf"), "/etc/cmdline", "/proc/cmdline"], [
      ifThen(test("-f", v("f")), [
        cmd("printf", "%s%s", v("sep"), subst(cmd("cat", v("f")))),
        assign("sep", " "),
      ]),
    ]),
    ret(0),
  ]);
}

/**
 * `tmpfs_root_scan TEXT`: splits TEXT as the kernel's next_arg() does and
 * calls `tmpfs_root_arg NAME VALUE HAS_EQUALS` for each argument.
 *
 * Each argument is taken a run at a time (up to the next white space
 * outside quotes, or the next `"`), not a character at a time, so a
 * 2,047-byte line costs a few dozen string operations per argument. White
 * space is the C locale's (`tmpfs_root_read_params` sets `LC_ALL=C`).
 */
function scan(): Command {
  const is = (name: string, value: string) => test(v(name), "=", value);
  const upToQuote = (name: string) => w(strip(name, "%%", pat('"', glob("*"))), '"');
  return func(fn("scan"), [
    local("rest", v("1")),
    local("tok"),
    local("seg"),
    local("name"),
    local("val"),
    local("eq"),
    local("inq"),
    local("quoted"),
    local("last"),
    local("zeroed"),
    whileDo(cmd(":"), [
      comment("White space before the argument."),
      assign(
        "rest",
        strip("rest", "#", pat(strip("rest", "%%", pat(glob("[![:space:]]"), glob("*"))))),
      ),
      or(test("-n", v("rest")), ret(0)),
      assign("quoted", "0"),
      caseOf(v("rest"), [[[pat('"', glob("*"))], [dropFirst("rest"), assign("quoted", "1")]]]),
      assign("inq", v("quoted")),
      comment(
        "The argument: runs up to a quote (which toggles quoting) or to white space outside quotes.",
      ),
      assign("tok", ""),
      whileDo(test("-n", v("rest")), [
        ifThen(is("inq", "1"), [
          caseOf(v("rest"), [
            [[pat(glob("*"), '"', glob("*"))], [
              assign("seg", upToQuote("rest")),
              assign("inq", "0"),
            ]],
            [[pat(glob("*"))], [assign("seg", v("rest"))]],
          ]),
        ], [
          assign("seg", strip("rest", "%%", pat(glob("[[:space:]]"), glob("*")))),
          caseOf(v("seg"), [
            [[pat(glob("*"), '"', glob("*"))], [
              assign("seg", upToQuote("seg")),
              assign("inq", "1"),
            ]],
          ]),
        ]),
        or(test("-n", v("seg")), cmd("break")),
        assign("tok", w(v("tok"), v("seg"))),
        assign("rest", strip("rest", "#", pat(v("seg")))),
      ]),
      comment("The name is what comes before the first = that is not the first character."),
      caseOf(v("tok"), [
        [[pat(glob("?"), glob("*"), "=", glob("*"))], [
          assign("seg", strip("tok", "#", pat(glob("?")))),
          assign(
            "name",
            w(strip("tok", "%", pat(v("seg"))), strip("seg", "%%", pat("=", glob("*")))),
          ),
          assign("val", strip("seg", "#", pat(glob("*"), "="))),
          assign("eq", "1"),
        ]],
        [[pat(glob("*"))], [assign("name", v("tok")), assign("val", ""), assign("eq", "0")]],
      ]),
      assign("last", strip("tok", "#", pat(strip("tok", "%", pat(glob("?")))))),
      assign("zeroed", "0"),
      ifThen(is("eq", "1"), [
        caseOf(v("val"), [[[pat('"', glob("*"))], [
          dropFirst("val"),
          ifThen(is("last", '"'), [
            assign("zeroed", "1"),
            or(test("-z", v("val")), assign("val", strip("val", "%", pat(glob("?"))))),
          ]),
        ]]]),
      ]),
      ifThen(and(is("quoted", "1"), is("zeroed", "0"), is("last", '"')), [
        ifThen(
          is("eq", "1"),
          [assign("val", strip("val", "%", pat(glob("?"))))],
          [assign("name", strip("name", "%", pat(glob("?"))))],
        ),
      ]),
      cmd(fn("arg"), v("name"), v("val"), v("eq")),
    ]),
  ]);
}

const ALLOWED_BYTES: readonly (readonly [number, number])[] = [
  [0x30, 0x39],
  [0x41, 0x5a],
  [0x61, 0x7a],
  [0x23, 0x23],
  [0x2b, 0x2b],
  [0x2d, 0x2e],
  [0x3a, 0x3a],
  [0x3d, 0x3d],
  [0x40, 0x40],
  [0x5f, 0x5f],
];

/** `[ "$name" -ge lo ] && [ "$name" -le hi ]`. */
export const between = (name: string, lo: number, hi: number): Command =>
  and(test(v(name), "-ge", String(lo)), test(v(name), "-le", String(hi)));

const num = (name: string, hex: Parameters<typeof w>[number]): Command =>
  assign(name, subst(cmd("printf", "%d", w("0x", hex))));

const byteOf = (octalOf: string) =>
  subst(cmd("printf", "%b", w("\\0", subst(cmd("printf", "%03o", v(octalOf))))));

/**
 * `tmpfs_root_udev_encode TEXT`: libblkid's blkid_encode_string, as udev
 * uses for /dev/disk/by-label and by-partlabel: valid UTF-8 sequences of two
 * bytes or more and `[0-9A-Za-z#+-.:=@_]` stay, every other byte is `\xNN`.
 */
function udevEncode(): Command {
  const take2 = (from: string) =>
    strip(from, "%", pat(strip(from, "#", pat(glob("?"), glob("?")))));
  const drop2 = (name: string) => assign(name, strip(name, "#", pat(glob("?"), glob("?"))));
  const calc = (e: ArithExpr) => arith(e);
  const n = ar.name;
  const k = ar.num;
  return func(fn("udev_encode"), [
    comment("Most labels need no escaping."),
    caseOf(v("1"), [[[pat(glob("*"), glob("[!0-9A-Za-z#+.:=@_-]"), glob("*"))], [cmd(":")]], [[
      pat(glob("*")),
    ], [
      cmd("printf", "%s", v("1")),
      ret(0),
    ]]]),
    comment("Hex digits of every byte, then one byte (or one UTF-8 sequence) at a time."),
    local("hex"),
    assign(
      "hex",
      subst(pipe(
        cmd("printf", "%s", v("1")),
        cmd("od", "-An", "-v", "-tx1"),
        cmd("tr", "-d", " \\n"),
      )),
    ),
    comment("A label may be written already escaped: \\xNN stands for the byte NN."),
    local("dec", ""),
    whileDo(test("-n", v("hex")), [
      caseOf(v("hex"), [
        [escapedPatterns(), [
          assign(
            "dec",
            w(
              v("dec"),
              subst(
                cmd(
                  fn("hex_digit"),
                  strip("hex", "#", pat(glob("?"), glob("?"), glob("?"), glob("?"))),
                ),
              ),
              subst(cmd(fn("hex_digit"), strip("hex", "#", pat(...Array(6).fill(glob("?")))))),
            ),
          ),
          assign("hex", strip("hex", "#", pat(...Array(8).fill(glob("?"))))),
        ]],
        [[pat(glob("*"))], [
          assign("dec", w(v("dec"), take2("hex"))),
          drop2("hex"),
        ]],
      ]),
    ]),
    assign("hex", v("dec")),
    local("out", ""),
    local("b0"),
    local("n0"),
    local("b"),
    local("n"),
    local("len"),
    local("cp"),
    local("i"),
    local("rest"),
    local("ok"),
    whileDo(test("-n", v("hex")), [
      assign("b0", take2("hex")),
      num("n0", v("b0")),
      assign("len", "1"),
      assign("cp", v("n0")),
      ifChain([
        [between("n0", 0xc0, 0xdf), [
          assign("len", "2"),
          assign("cp", calc(ar.op(n("n0"), "-", k(0xc0)))),
        ]],
        [between("n0", 0xe0, 0xef), [
          assign("len", "3"),
          assign("cp", calc(ar.op(n("n0"), "-", k(0xe0)))),
        ]],
        [between("n0", 0xf0, 0xf7), [
          assign("len", "4"),
          assign("cp", calc(ar.op(n("n0"), "-", k(0xf0)))),
        ]],
        [test(v("n0"), "-ge", "128"), [assign("len", "0")]],
      ]),
      assign("ok", "0"),
      ifThen(test(v("len"), "-gt", "1"), [
        assign("ok", "1"),
        assign("rest", strip("hex", "#", pat(glob("?"), glob("?")))),
        assign("i", "1"),
        whileDo(test(v("i"), "-lt", v("len")), [
          ifThen(test("-z", v("rest")), [assign("ok", "0"), cmd("break")]),
          assign("b", take2("rest")),
          drop2("rest"),
          num("n", v("b")),
          ifThen(not(between("n", 0x80, 0xbf)), [assign("ok", "0"), cmd("break")]),
          assign("cp", calc(ar.op(ar.op(n("cp"), "*", k(64)), "+", ar.op(n("n"), "-", k(128))))),
          assign("i", calc(ar.op(n("i"), "+", k(1)))),
        ]),
        ifThen(is1("ok"), [
          assign("ok", "0"),
          caseOf(v("len"), [
            [["2"], [ifThen(between("cp", 0x80, 0x7ff), [assign("ok", "1")])]],
            [["3"], [ifThen(between("cp", 0x800, 0xffff), [assign("ok", "1")])]],
            [["4"], [ifThen(between("cp", 0x10000, 0x10ffff), [assign("ok", "1")])]],
          ]),
          ifThen(between("cp", 0xd800, 0xdfff), [assign("ok", "0")]),
          ifThen(between("cp", 0xfdd0, 0xfdef), [assign("ok", "0")]),
          ifThen(test(calc(ar.op(n("cp"), "%", k(65536))), "-eq", "65535"), [assign("ok", "0")]),
        ]),
      ]),
      ifThen(is1("ok"), [
        comment("A valid multi-byte sequence stays as it is."),
        assign("i", "0"),
        whileDo(test(v("i"), "-lt", v("len")), [
          num("n", take2("hex")),
          assign("out", w(v("out"), byteOf("n"))),
          drop2("hex"),
          assign("i", calc(ar.op(n("i"), "+", k(1)))),
        ]),
      ], [
        assign("ok", "0"),
        ...ALLOWED_BYTES.map(([lo, hi]) => ifThen(between("n0", lo, hi), [assign("ok", "1")])),
        ifThen(
          is1("ok"),
          [assign("out", w(v("out"), byteOf("n0")))],
          [assign("out", w(v("out"), "\\x", v("b0")))],
        ),
        drop2("hex"),
      ]),
    ]),
    cmd("printf", "%s", v("out")),
  ]);
}

/** `5c 78` (a backslash and x) followed by the codes of two hex digits. */
function escapedPatterns() {
  const digit = [pat("3", glob("[0-9]")), pat("4", glob("[1-6]")), pat("6", glob("[1-6]"))];
  return digit.flatMap((a) =>
    digit.map((b) => pat("5c78", ...a.parts, ...b.parts, glob("*")) as ReturnType<typeof pat>)
  );
}

/** `tmpfs_root_hex_digit HEX...`: the hex digit (lower case) whose ASCII code starts the text. */
function hexDigit(): Command {
  const arms = [
    ...Array.from(
      { length: 10 },
      (_, i) => [[pat(`3${i}`, glob("*"))], [cmd("printf", String(i))]] as const,
    ),
    ..."abcdef".split("").map((c, i) =>
      [[pat(`4${i + 1}`, glob("*")), pat(`6${i + 1}`, glob("*"))], [cmd("printf", c)]] as const
    ),
  ];
  return func(fn("hex_digit"), [caseOf(v("1"), arms)]);
}

function is1(name: string): Command {
  return test(v(name), "=", "1");
}

/** Every shared function, in the order the library defines them. */
export function runtime(): Command[] {
  return [report(), failed()];
}

/**
 * The command-line reader's shared functions: console output, the scanner,
 * udev's escaping, tr(1) checks (the reader stands alone; the library
 * sources it).
 */
export function readerRuntime(): Command[] {
  return [say(), only(), lower(), cmdlineText(), scan(), hexDigit(), udevEncode()];
}
