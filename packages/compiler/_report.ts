/**
 * The boot report's writer (`/run/tmpfs-root/report.json`, the model's
 * report.ts): a JSON string escaper, one record per layer, and the report
 * itself, written atomically on success and on every failure. Shell
 * arithmetic, od, tr, sed, df and mv: no jq.
 */
import { HTTP_MARK, REPORT_PATH, REPORT_VERSION } from "@tmpfs-root/model";
import {
  and,
  ar,
  arith,
  assign,
  caseOf,
  cmd,
  type Command,
  comment,
  func,
  glob,
  group,
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
  withAssign,
  withRedirects,
} from "@tmpfs-root/shell";
import { CURL_ERR, doneFile, fn, HASH_OUT, MOUNTED, RUN_DIR, SRC, WARNINGS } from "./_names.ts";
import { between, ret, test } from "./_runtime.ts";

const ANY = glob("*");
const n = ar.name;
const k = ar.num;

/** The layers' records, each `,`-led but the first: what goes between the report's `[` and `]`. */
export const LAYERS_FILE = `${RUN_DIR}/layers.json`;
/** Hundredths of a second since boot when tmpfs-root began (its first phase). */
export const START_FILE = `${RUN_DIR}/start`;
/** The options the tmpfs was mounted with, for the report (the pre-pivot hook is another process). */
export const MOUNTED_FILE = `${RUN_DIR}/mounted`;
/** The format extract detected (it may run in a subshell, on the right of a download's pipe). */
export const FORMAT_FILE = `${RUN_DIR}/format`;
/** The download's tries, for the report. */
export const TRIES_FILE = `${RUN_DIR}/tries`;

/** `{ read -r NAMES; } 2>/dev/null <FILE`: the first line of FILE (nothing when there is none). */
const readLine = (file: Parameters<typeof w>[number], ...names: string[]): Command =>
  withRedirects(group([cmd("read", "-r", ...names)]), redir(">", "/dev/null", 2), redir("<", file));

/** Shift the first number off `$name` (numbers one space apart) into `$into`. */
const shift = (name: string, into: string): Command[] => [
  assign(into, strip(name, "%%", pat(" ", ANY))),
  assign(name, strip(name, "#", pat(v(into)))),
  assign(name, strip(name, "#", pat(" "))),
];

/**
 * `tmpfs_root_json_string TEXT`: TEXT as a JSON string literal in pure
 * ASCII, the model's jsonString: printable ASCII stays (`"` and `\`
 * escaped), control characters and DEL are `\u00XX`, a valid UTF-8
 * sequence is its `\uXXXX` escape (a surrogate pair past U+FFFF), and a
 * byte that is not part of one is `\ufffd`.
 */
function jsonStringFn(): Command {
  const u4 = (...e: ReturnType<typeof ar.op>[]) =>
    cmd("printf", "\\\\u%04x".repeat(e.length), ...e.map((x) => arith(x)));
  return func(fn("json_string"), [
    local("LC_ALL", "C"),
    comment("Most text needs no escaping."),
    caseOf(v("1"), [
      [[pat(ANY, glob("[!A-Za-z0-9_.:/+=@%,~#-]"), ANY)], [cmd(":")]],
      [[pat(ANY)], [cmd("printf", '"%s"', v("1")), ret(0)]],
    ]),
    local("rest"),
    local("b"),
    local("len"),
    local("cp"),
    local("i"),
    local("more"),
    local("ok"),
    comment("The bytes as decimal numbers, one space apart."),
    assign(
      "rest",
      subst(pipe(
        cmd("printf", "%s", v("1")),
        cmd("od", "-An", "-v", "-tu1"),
        cmd("tr", "-s", " \\n", "  "),
      )),
    ),
    assign("rest", strip("rest", "#", pat(" "))),
    cmd("printf", '"'),
    whileDo(test("-n", v("rest")), [
      ...shift("rest", "b"),
      ifChain([
        [test(v("b"), "=", "34"), [cmd("printf", '\\134"')]],
        [test(v("b"), "=", "92"), [cmd("printf", "\\134\\134")]],
        [or(test(v("b"), "-lt", "32"), test(v("b"), "=", "127")), [u4(n("b"))]],
        [test(v("b"), "-lt", "128"), [
          cmd(
            "printf",
            "%b",
            w(
              "\\0",
              arith(ar.op(n("b"), "/", k(64))),
              arith(ar.op(ar.op(n("b"), "/", k(8)), "%", k(8))),
              arith(ar.op(n("b"), "%", k(8))),
            ),
          ),
        ]],
      ], [
        assign("len", "0"),
        ifChain([
          [between("b", 0xc2, 0xdf), [
            assign("len", "2"),
            assign("cp", arith(ar.op(n("b"), "-", k(0xc0)))),
          ]],
          [between("b", 0xe0, 0xef), [
            assign("len", "3"),
            assign("cp", arith(ar.op(n("b"), "-", k(0xe0)))),
          ]],
          [between("b", 0xf0, 0xf4), [
            assign("len", "4"),
            assign("cp", arith(ar.op(n("b"), "-", k(0xf0)))),
          ]],
        ]),
        assign("ok", "0"),
        ifThen(test(v("len"), "-gt", "0"), [
          assign("ok", "1"),
          assign("more", v("rest")),
          assign("i", "1"),
          whileDo(test(v("i"), "-lt", v("len")), [
            ifThen(test("-z", v("more")), [assign("ok", "0"), cmd("break")]),
            ...shift("more", "b"),
            ifThen(not(between("b", 0x80, 0xbf)), [assign("ok", "0"), cmd("break")]),
            assign("cp", arith(ar.op(ar.op(n("cp"), "*", k(64)), "+", ar.op(n("b"), "-", k(128))))),
            assign("i", arith(ar.op(n("i"), "+", k(1)))),
          ]),
          comment("Overlong forms, surrogates and code points past U+10FFFF are not valid."),
          caseOf(v("len"), [
            [["3"], [
              or(test(v("cp"), "-ge", "2048"), assign("ok", "0")),
              and(between("cp", 0xd800, 0xdfff), assign("ok", "0")),
            ]],
            [["4"], [
              or(between("cp", 0x10000, 0x10ffff), assign("ok", "0")),
            ]],
          ]),
        ]),
        ifThen(test(v("ok"), "=", "1"), [
          assign("rest", v("more")),
          ifThen(test(v("cp"), "-gt", "65535"), [
            assign("cp", arith(ar.op(n("cp"), "-", k(65536)))),
            u4(
              ar.op(k(0xd800), "+", ar.op(n("cp"), "/", k(1024))),
              ar.op(k(0xdc00), "+", ar.op(n("cp"), "%", k(1024))),
            ),
          ], [u4(n("cp"))]),
        ], [cmd("printf", "\\\\ufffd")]),
      ]),
    ]),
    cmd("printf", '"'),
  ]);
}

/** `tmpfs_root_json_number TEXT`: TEXT when it is a whole number as JSON writes one, else `null`. */
function jsonNumberFn(): Command {
  return func(fn("json_number"), [
    caseOf(v("1"), [
      [[pat("0"), pat(glob("[1-9]")), pat(glob("[1-9]"), ANY)], [
        caseOf(v("1"), [[[pat(ANY, glob("[!0-9]"), ANY)], [cmd("printf", "null"), ret(0)]]]),
        cmd("printf", "%s", v("1")),
      ]],
      [[pat(ANY)], [cmd("printf", "null")]],
    ]),
  ]);
}

/** `tmpfs_root_centis`: hundredths of a second since boot, from /proc/uptime. */
function centisFn(): Command {
  return func(fn("centis"), [
    local("up", "0.00"),
    local("s"),
    local("c"),
    readLine("/proc/uptime", "up", "_"),
    assign("s", strip("up", "%%", pat(".", ANY))),
    assign("c", strip("up", "#", pat(ANY, "."))),
    caseOf(v("c"), [[[pat(glob("[0-9]"), glob("[0-9]"))], [cmd(":")]], [[pat(ANY)], [
      assign("c", "00"),
    ]]]),
    caseOf(w(v("s"), v("c")), [[[pat(""), pat(ANY, glob("[!0-9]"), ANY)], [
      cmd("printf", "0"),
      ret(0),
    ]]]),
    comment("A leading 0 would read as octal: 10# is not POSIX, so strip the zeros."),
    assign("c", strip("c", "#", pat("0"))),
    cmd("printf", "%s", arith(ar.op(ar.op(n("s"), "*", k(100)), "+", n("c")))),
  ]);
}

/** `tmpfs_root_seconds CENTIS`: hundredths as a JSON number of seconds (`12.05`). */
function secondsFn(): Command {
  return func(fn("seconds"), [
    local("c", v("1")),
    cmd(
      "printf",
      "%d.%02d",
      arith(ar.op(n("c"), "/", k(100))),
      arith(ar.op(n("c"), "%", k(100))),
    ),
  ]);
}

/** `tmpfs_root_df DIR COLUMN`: df's COLUMN (2 size, 3 used) of DIR's file system, in bytes. */
function dfFn(): Command {
  return func(fn("df"), [
    local("kb"),
    assign(
      "kb",
      subst(pipe(
        withRedirects(cmd("df", "-P", "-k", v("1")), redir(">", "/dev/null", 2)),
        cmd(
          "sed",
          "-n",
          "2s/^[^ ]*  *\\([0-9][0-9]*\\)  *\\([0-9][0-9]*\\) .*/\\1 \\2/p",
        ),
      )),
    ),
    caseOf(v("kb"), [[[pat(glob("[0-9]"), ANY, " ", glob("[0-9]"), ANY)], [cmd(":")]], [[
      pat(ANY),
    ], [ret(1)]]]),
    ifThen(test(v("2"), "=", "2"), [assign("kb", strip("kb", "%%", pat(" ", ANY)))], [
      assign("kb", strip("kb", "#", pat(ANY, " "))),
    ]),
    cmd("printf", "%s", arith(ar.op(n("kb"), "*", k(1024)))),
  ]);
}

/**
 * `tmpfs_root_report_layer NAME FROM FORMAT BYTES_READ BYTES_UNPACKED
 * CENTIS SHA256 CHECKED TRIES`: appends one layer's record to the report
 * (numbers and SHA256 may be empty: `null`; CHECKED is `true` or `false`;
 * CENTIS are hundredths of a second).
 */
function reportLayerFn(): Command {
  const str = (x: string) => subst(cmd(fn("json_string"), v(x)));
  const num = (x: string) => subst(cmd(fn("json_number"), v(x)));
  return func(fn("report_layer"), [
    local("rate", ""),
    local("sum", "null"),
    local("sep", ""),
    local("b", v("4")),
    local("c", orDefault("6", "0")),
    caseOf(v("c"), [[[pat(""), pat(ANY, glob("[!0-9]"), ANY)], [assign("c", "0")]]]),
    ifThen(
      and(
        test(num("4"), "!=", "null"),
        test(v("c"), "-gt", "0"),
      ),
      [assign("rate", arith(ar.op(ar.op(n("b"), "*", k(100)), "/", n("c"))))],
    ),
    ifThen(test("-n", v("7")), [assign("sum", str("7"))]),
    and(test("-s", LAYERS_FILE), assign("sep", ",")),
    withRedirects(
      cmd(
        "printf",
        '%s{"name":%s,"from":%s,"format":%s,"bytesRead":%s,"bytesUnpacked":%s,' +
          '"seconds":%s,"bytesPerSecond":%s,"sha256":%s,"checked":%s,"tries":%s}',
        v("sep"),
        str("1"),
        str("2"),
        str("3"),
        num("4"),
        num("5"),
        subst(cmd(fn("seconds"), v("c"))),
        subst(cmd(fn("json_number"), v("rate"))),
        v("sum"),
        subst(caseOf(v("8"), [[["true"], [cmd("printf", "true")]], [[pat(ANY)], [
          cmd("printf", "false"),
        ]]])),
        num("9"),
      ),
      redir(">>", LAYERS_FILE),
    ),
  ]);
}

/**
 * `tmpfs_root_layer_begin INTO`: marks a layer's start (the time and the
 * tmpfs's used bytes) for `tmpfs_root_layer_done`, and forgets the last
 * layer's measures.
 */
function layerBeginFn(): Command {
  return func(fn("layer_begin"), [
    withRedirects(
      cmd("rm", "-f", FORMAT_FILE, TRIES_FILE),
      redir(">", "/dev/null", 2),
    ),
    assign(`${fn("layer")}_start`, subst(cmd(fn("centis")))),
    assign(`${fn("layer")}_used`, subst(cmd(fn("df"), v("1"), "3"))),
  ]);
}

/**
 * `tmpfs_root_layer_done NAME FROM INTO EXPECTED [FILE]`: the layer's
 * record, from what extract and download left: the format, the bytes read
 * (FILE's size on a mounted source, else the bytes curl received), the
 * digest and `checked` (when a digest EXPECTED was required), the tries,
 * the time and the growth of INTO's used bytes since
 * `tmpfs_root_layer_begin`.
 */
function layerDoneFn(): Command {
  const start = `${fn("layer")}_start`;
  const used = `${fn("layer")}_used`;
  return func(fn("layer_done"), [
    local("format", ""),
    local("bytes", ""),
    local("grown", ""),
    local("now"),
    local("sum", ""),
    local("tries", "1"),
    local("checked", "false"),
    readLine(FORMAT_FILE, "format"),
    readLine(TRIES_FILE, "tries"),
    comment("The archive's size on a mounted source (FILE); else what curl received."),
    ifThen(test("-n", orDefault("5", "")), [
      assign(
        "bytes",
        subst(
          withRedirects(cmd("stat", "-L", "-c", "%s", "--", v("5")), redir(">", "/dev/null", 2)),
        ),
      ),
    ], [
      assign(
        "bytes",
        subst(withRedirects(
          cmd("sed", "-n", `s/^${HTTP_MARK} bytes \\([0-9][0-9]*\\).*/\\1/p`, CURL_ERR),
          redir(">", "/dev/null", 2),
        )),
      ),
    ]),
    ifThen(test("-n", v("4")), [
      assign("checked", "true"),
      readLine(HASH_OUT, "sum", "_"),
    ]),
    assign("now", subst(cmd(fn("df"), v("3"), "3"))),
    ifThen(and(test("-n", v("now")), test("-n", orDefault(used, ""))), [
      assign("grown", arith(ar.op(n("now"), "-", n(used)))),
      ifThen(test(v("grown"), "-lt", "0"), [assign("grown", "0")]),
    ]),
    assign("now", subst(cmd(fn("centis")))),
    cmd(
      fn("report_layer"),
      v("1"),
      v("2"),
      v("format"),
      v("bytes"),
      v("grown"),
      arith(ar.op(n("now"), "-", n(start))),
      v("sum"),
      v("checked"),
      v("tries"),
    ),
  ]);
}

/**
 * `tmpfs_root_report_json RESULT MESSAGE [LABEL ID CAUSE]`: writes
 * /run/tmpfs-root/report.json (a temporary file, then mv): the result, the
 * failure, the source, the layers, the tmpfs, the warnings and the times.
 */
function reportJsonFn(): Command {
  const tmp = `${REPORT_PATH}.tmp`;
  const str = (x: Parameters<typeof w>[number]) => subst(cmd(fn("json_string"), x));
  const optStr = (i: string) =>
    subst(
      ifThen(test("-n", orDefault(i, "")), [cmd(fn("json_string"), v(i))], [
        cmd("printf", "null"),
      ]),
    );
  return func(fn("report_json"), [
    local("start", ""),
    local("line"),
    local("sep", ""),
    local("opts", ""),
    readLine(START_FILE, "start"),
    withRedirects(
      group([
        cmd(
          "printf",
          '{"version":%s,"result":%s,"step":%s,"stepId":%s,"cause":%s,"message":%s,"source":',
          String(REPORT_VERSION),
          str(v("1")),
          optStr("3"),
          optStr("4"),
          optStr("5"),
          str(v("2")),
        ),
        comment("No source when the command line was not valid."),
        ifThen(
          and(test("-n", orDefault(SRC.kind, "")), test(orDefault("4", ""), "!=", "params")),
          [
            cmd(
              "printf",
              '{"spec":%s,"kind":%s}',
              str(v(SRC.spec)),
              str(v(SRC.kind)),
            ),
          ],
          [cmd("printf", "null")],
        ),
        cmd("printf", ',"layers":['),
        withRedirects(cmd("cat", LAYERS_FILE), redir(">", "/dev/null", 2)),
        cmd("printf", '],"tmpfs":'),
        comment("The tmpfs, while tmpfs-root has it mounted (its step done, not undone)."),
        ifThen(test("-e", doneFile("tmpfs")), [
          assign("opts", orDefault(MOUNTED, "")),
          ifThen(test("-z", v("opts")), [
            readLine(MOUNTED_FILE, "opts"),
          ]),
          cmd(
            "printf",
            '{"options":%s,"sizeBytes":%s,"usedBytes":%s}',
            str(v("opts")),
            subst(
              cmd(fn("json_number"), subst(cmd(fn("df"), orDefault("NEWROOT", "/sysroot"), "2"))),
            ),
            subst(
              cmd(fn("json_number"), subst(cmd(fn("df"), orDefault("NEWROOT", "/sysroot"), "3"))),
            ),
          ),
        ], [cmd("printf", "null")]),
        cmd("printf", ',"warnings":['),
        withRedirects(
          group([
            whileDo(withAssign("IFS", "", cmd("read", "-r", "line")), [
              cmd("printf", "%s%s", v("sep"), str(strip("line", "#", pat("warning=")))),
              assign("sep", ","),
            ]),
          ]),
          redir(">", "/dev/null", 2),
          redir("<", WARNINGS),
        ),
        cmd(
          "printf",
          '],"uptime":{"start":%s,"end":%s}}\\n',
          subst(
            ifThen(test("-n", v("start")), [cmd(fn("seconds"), v("start"))], [
              cmd("printf", "null"),
            ]),
          ),
          subst(cmd(fn("seconds"), subst(cmd(fn("centis"))))),
        ),
      ]),
      redir(">", tmp),
    ),
    or(
      withRedirects(cmd("mv", "-f", tmp, REPORT_PATH), redir(">", "/dev/null", 2)),
      ret(1),
    ),
  ]);
}

/** `tmpfs_root_report_start`: the time tmpfs-root began, once a boot. */
export function reportStart(): Command {
  return ifThen(test("!", "-e", START_FILE), [
    withRedirects(cmd(fn("centis")), redir(">", START_FILE)),
  ]);
}

/** Records the tmpfs's options for the report (set where the tmpfs is mounted). */
export function recordMounted(): Command {
  return withRedirects(
    cmd("printf", "%s\\n", v(MOUNTED)),
    redir(">", MOUNTED_FILE),
    redir(">", "/dev/null", 2),
  );
}

/** Every function of the report's writer. */
export function reportFunctions(): Command[] {
  return [
    jsonStringFn(),
    jsonNumberFn(),
    centisFn(),
    secondsFn(),
    dfFn(),
    reportLayerFn(),
    layerBeginFn(),
    layerDoneFn(),
    reportJsonFn(),
  ];
}
