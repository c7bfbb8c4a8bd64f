/**
 * The emitted parameter parser, derived from the model's parameter list:
 * the same checks as the model's `checkValue` and `parseSource`, in shell.
 */
import {
  DIGESTS_EXPECTED,
  IMGFILE,
  KEYS_DIR,
  kindMissingExpected,
  LAYERS_URL_EXPECTED,
  messages,
  MIRROR_EXPECTED,
  NAMESPACE,
  type ParamSpec,
  ROOT_PREFIX,
  SHA256,
  SIZE_DIGITS,
  SOURCES_FILE,
  TMPFS_OPTIONS,
  URL_FILE_CHARS,
  URL_FILE_EXPECTED,
} from "@tmpfs-root/model";
import {
  and,
  ar,
  arith,
  assign,
  caseOf,
  cmd,
  type Command,
  comment,
  forIn,
  func,
  glob,
  group,
  ifThen,
  len,
  local,
  not,
  or,
  pat,
  type Pattern,
  redir,
  strip,
  subst,
  v,
  w,
  whileDo,
  withRedirects,
} from "@tmpfs-root/shell";
import { badVar, fn, givenVar, IP_GIVEN, paramVar, rawVar, RUN_DIR, SRC } from "./_names.ts";
import { cause, ret, test } from "./_runtime.ts";
import type { Context } from "./_context.ts";

const M = messages<Parameters<typeof w>[number]>();
const D = glob("[0-9]");
const HEX = glob("[0-9A-Fa-f]");
const ANY = glob("*");

/** The tr(1) sets of characters allowed in URLs, NFS servers and NFS options. */
export const URL_CHARS = "A-Za-z0-9._~:/?#@!$&'()*+,;=%-";
const SERVER_CHARS = "A-Za-z0-9.-";
const IPV6_CHARS = "0-9A-Fa-f:.";
const OPTION_CHARS = "A-Za-z0-9_.=-";

/** The variable that collects unknown names under `rd.tmpfs.`, each followed by `=` (no name holds one). */
const UNKNOWN = "tmpfs_root_unknown";

/**
 * `tmpfs_root_arg NAME VALUE HAS_EQUALS`: keeps the last value of each
 * parameter, and collects the unknown names in tmpfs-root's name space.
 */
function argDispatch(params: readonly ParamSpec[], ctx: Context): Command {
  return func(fn("arg"), [
    caseOf(v("1"), [
      ...params.map((p) =>
        [
          [p.name],
          p.kind === "urls" ? collect(p, ctx) : [
            assign(rawVar(p), v("2")),
            assign(givenVar(p), "1"),
          ],
        ] as const
      ),
      // dracut's own ip=: without it, the systemd generator asks for DHCP.
      [["ip"], [assign(IP_GIVEN, "1")]] as const,
      [[pat(NAMESPACE, ANY)], [assign(UNKNOWN, w(v(UNKNOWN), v("1"), "="))]] as const,
    ]),
    ret(0),
  ]);
}

/**
 * A parameter given once per item (`urls`): every value is checked as it
 * comes, as a web source's URL (by the table's `url` forms), and added to
 * the list after a space; the first that is not one is kept for the error.
 * (parse_source's variables are set again when `root=` is checked.)
 */
function collect(p: ParamSpec, ctx: Context): Command[] {
  const web = ctx.sources.filter((k) => k.forms.some((f) => f.rule === "url")).map((k) => k.kind);
  return [
    assign(givenVar(p), "1"),
    ifThen(test("-z", v(badVar(p))), [
      ifThen(
        and(
          withRedirects(cmd(fn("parse_source"), v("2")), redir(">", "/dev/null", 2)),
          caseOf(v(SRC.kind), [[web, [cmd("true")]], [[pat(ANY)], [cmd("false")]]]),
        ),
        [assign(rawVar(p), w(v(rawVar(p)), " ", v("2")))],
        [assign(badVar(p), w("x", v("2")))],
      ),
    ]),
  ];
}

/**
 * `tmpfs_root_closest NAME`: the known name under `rd.tmpfs.` that shares
 * the longest prefix with NAME (the first on a tie), as the model's
 * `unknownParams`.
 */
function closestFn(params: readonly ParamSpec[]): Command {
  const first = (name: string) => strip(name, "%", pat(strip(name, "#", pat(glob("?")))));
  const known = params.map((p) => p.name).filter((n) => n.startsWith(NAMESPACE));
  return func(fn("closest"), [
    local("best", known[0]!),
    local("most", "-1"),
    local("k"),
    local("a"),
    local("b"),
    local("n"),
    forIn("k", known, [
      assign("a", v("1")),
      assign("b", v("k")),
      assign("n", "0"),
      whileDo(
        and(test("-n", v("a")), test("-n", v("b")), test(first("a"), "=", first("b"))),
        [
          assign("a", strip("a", "#", pat(glob("?")))),
          assign("b", strip("b", "#", pat(glob("?")))),
          assign("n", arith(ar.op(ar.name("n"), "+", ar.num(1)))),
        ],
      ),
      ifThen(test(v("n"), "-gt", v("most")), [assign("best", v("k")), assign("most", v("n"))]),
    ]),
    cmd("printf", "%s", v("best")),
  ]);
}

/**
 * `tmpfs_root_warn_unknown`: one console warning for each unknown name
 * under `rd.tmpfs.` (each once, once per boot: every hook reads the
 * parameters again).
 */
function warnUnknownFn(): Command {
  const marker = `${RUN_DIR}/warned.params`;
  return func(fn("warn_unknown"), [
    local("rest", v(UNKNOWN)),
    local("name"),
    local("seen", ""),
    or(test("-n", v("rest")), ret(0)),
    or(test("!", "-e", marker), ret(0)),
    withRedirects(cmd("mkdir", "-p", RUN_DIR), redir(">", "/dev/null", 2)),
    withRedirects(cmd(":"), redir(">", marker)),
    whileDo(test("-n", v("rest")), [
      assign("name", strip("rest", "%%", pat("=", ANY))),
      assign("rest", strip("rest", "#", pat(ANY, "="))),
      caseOf(w("=", v("seen")), [[[pat(ANY, "=", v("name"), "=", ANY)], [cmd("continue")]]]),
      assign("seen", w(v("seen"), v("name"), "=")),
      cmd(
        fn("say"),
        "4",
        w(...M.warning(w(...M.unknownParam(v("name"), subst(cmd(fn("closest"), v("name"))))))),
      ),
    ]),
    ret(0),
  ]);
}

/**
 * Checks `$value` for one parameter; sets the parameter variable or fails.
 * A list (`p.list`) with a comma is checked item by item, as the model's
 * checkValue does: none empty, each once when it must be, at most `max`.
 */
function check(p: ParamSpec): Command[] {
  const list = p.list;
  if (list === undefined) return checkOne(p, paramVar(p));
  const bad = [cause(`invalid ${p.name} "`, v("orig"), `": ${p.expected}`), ret(1)];
  return [
    caseOf(v("value"), [
      [[pat(ANY, ",", ANY)], [
        assign("lrest", w(v("value"), ",")),
        assign("lout", ""),
        assign("lseen", ","),
        assign("ln", "0"),
        whileDo(test("-n", v("lrest")), [
          assign("value", strip("lrest", "%%", pat(",", ANY))),
          assign("lrest", strip("lrest", "#", pat(ANY, ","))),
          assign("ln", arith(ar.op(ar.name("ln"), "+", ar.num(1)))),
          ifThen(test(v("ln"), "-gt", String(list.max)), bad),
          ...checkOne(p, "litem"),
          ifThen(test("-z", v("litem")), bad),
          ...(list.unique
            ? [
              caseOf(v("lseen"), [[[pat(ANY, ",", v("litem"), ",", ANY)], bad]]),
              assign("lseen", w(v("lseen"), v("litem"), ",")),
            ]
            : []),
          assign("lout", w(v("lout"), ",", v("litem"))),
        ]),
        assign(paramVar(p), strip("lout", "#", pat(","))),
      ]],
      [[pat(ANY)], checkOne(p, paramVar(p))],
    ]),
  ];
}

/** Checks `$value` for one parameter kind; sets `target` or fails. */
function checkOne(p: ParamSpec, target: string): Command[] {
  const bad = [cause(`invalid ${p.name} "`, v("orig"), `": ${p.expected}`), ret(1)];
  switch (p.kind) {
    case "source":
      return [
        caseOf(v("value"), [
          [[pat(ROOT_PREFIX, ANY)], [
            or(cmd(fn("parse_source"), strip("value", "#", pat(ROOT_PREFIX))), group(bad)),
          ]],
          [[pat(ANY)], bad],
        ]),
      ];
    case "size":
      return [
        caseOf(v("value"), [
          [[pat(ANY, "%")], [
            caseOf(strip("value", "%", pat("%")), [
              [[pat(glob("[1-9]")), pat(glob("[1-9]"), D), pat("100")], [cmd(":")]],
              [[pat(ANY)], bad],
            ]),
          ]],
          [[pat(ANY)], [
            local("digits"),
            assign("digits", strip("value", "%", pat(glob("[kKmMgG]")))),
            caseOf(v("digits"), [
              [[pat(""), pat("0", ANY), pat(ANY, glob("[!0-9]"), ANY)], bad],
            ]),
            comment("Below 2^63 bytes: the kernel's memparse() would wrap around."),
            local("most", String(SIZE_DIGITS[""])),
            caseOf(
              v("value"),
              (["k", "m", "g"] as const).map((u) => [
                [pat(ANY, glob(`[${u}${u.toUpperCase()}]`))],
                [assign("most", String(SIZE_DIGITS[u]))],
              ]),
            ),
            ifThen(test(len("digits"), "-gt", v("most")), bad),
          ]],
        ]),
        assign(target, v("value")),
      ];
    case "relpath":
      return [
        whileDo(cmd(":"), [
          caseOf(v("value"), [
            [[pat("/", ANY)], [assign("value", strip("value", "#", pat("/")))]],
            [[pat(ANY)], [cmd("break")]],
          ]),
        ]),
        caseOf(v("value"), [
          [[
            pat(""),
            pat(ANY, "/"),
            pat(".."),
            pat("../", ANY),
            pat(ANY, "/.."),
            pat(ANY, "/../", ANY),
            pat(ANY, glob("[[:cntrl:]]"), ANY),
          ], bad],
        ]),
        assign(target, v("value")),
      ];
    case "abspath":
      return [
        caseOf(v("value"), [
          [[pat("")], [cmd(":")]],
          [[
            pat(ANY, "/"),
            pat(ANY, "/.."),
            pat(ANY, "/../", ANY),
            pat(ANY, glob("[[:cntrl:]]"), ANY),
          ], bad],
          [[pat("/", ANY)], [cmd(":")]],
          [[pat(ANY)], bad],
        ]),
        assign(target, v("value")),
      ];
    case "count":
      return [
        caseOf(v("value"), [
          [
            [1, 2, 3, 4, 5].map((n) => pat(glob("[1-9]"), ...Array(n - 1).fill(D))).concat(
              pat("0"),
            ),
            [
              cmd(":"),
            ],
          ],
          [[pat(ANY)], bad],
        ]),
        ...(p.min ? [ifThen(test(v("value"), "-lt", String(p.min)), bad)] : []),
        assign(target, v("value")),
      ];
    case "tmpfsopts":
      return [
        ifThen(test("-n", v("value")), [
          ifThen(not(cmd(fn("check_opts"), v("value"))), bad),
        ]),
        assign(target, v("value")),
      ];
    case "policy":
      return [
        caseOf(v("value"), [
          [(p.choices ?? []).map((c) => pat(c)), [cmd(":")]],
          [[pat(ANY)], bad],
        ]),
        assign(target, v("value")),
      ];
    case "urls":
      // Each value was checked as it came (see collect): the first bad one is the error.
      return [
        ifThen(test("-n", v(badVar(p))), [
          assign("orig", strip(badVar(p), "#", pat("x"))),
          ...bad,
        ]),
        // The list's first space is the one before its first URL.
        assign(target, strip("value", "#", pat(" "))),
      ];
    case "digest": {
      if (p.digits === undefined) throw new TypeError(`Parameter ${p.name} has no digits`);
      return [
        comment(`Empty (no check), or ${p.digits} hex digits, kept in lower case.`),
        caseOf(v("value"), [
          [[pat("")], [cmd(":")]],
          [[pat(ANY, glob("[!0-9A-Fa-f]"), ANY)], bad],
          [[pat(ANY)], [
            ifThen(test(len("value"), "-ne", String(p.digits)), bad),
            assign("value", subst(cmd(fn("lower"), v("value")))),
          ]],
        ]),
        assign(target, v("value")),
      ];
    }
    default:
      return assertNever(p.kind);
  }
}

/** The tmpfs options `tmpfs_root_check_opts` knows, which must be the model's TMPFS_OPTIONS. */
const CHECKED_OPTIONS = ["nr_inodes", "huge", "mpol", "mode"];

/**
 * `tmpfs_root_check_opts OPTIONS`: true when every option of the list is
 * one of the model's TMPFS_OPTIONS, once, with a valid value (the model's
 * regular expressions, as case patterns).
 */
function checkOptsFn(): Command {
  const keys = TMPFS_OPTIONS.map((o) => o.key);
  if (keys.join() !== CHECKED_OPTIONS.join()) {
    throw new TypeError(`tmpfs_root_check_opts knows ${CHECKED_OPTIONS}, the model ${keys}`);
  }
  const no = [ret(1)];
  const D = glob("[0-9]");
  const node = (word: ReturnType<typeof v>) =>
    caseOf(word, [
      [[pat("0"), ...[0, 1, 2, 3].map((n) => pat(glob("[1-9]"), ...Array(n).fill(D)))], [cmd(":")]],
      [[pat(ANY)], no],
    ]);
  return func(fn("check_opts"), [
    local("rest", w(v("1"), ",")),
    local("opt"),
    local("key"),
    local("val"),
    local("seen", ","),
    local("n"),
    comment("A comma after the list: an empty option, even the last, is one too."),
    whileDo(test("-n", v("rest")), [
      assign("opt", strip("rest", "%%", pat(",", ANY))),
      assign("rest", strip("rest", "#", pat(ANY, ","))),
      caseOf(v("opt"), [[[pat(ANY, "=", ANY)], [cmd(":")]], [[pat(ANY)], no]]),
      assign("key", strip("opt", "%%", pat("=", ANY))),
      assign("val", strip("opt", "#", pat(ANY, "="))),
      caseOf(v("seen"), [[[pat(ANY, ",", v("key"), ",", ANY)], no]]),
      assign("seen", w(v("seen"), v("key"), ",")),
      caseOf(v("key"), [
        [["nr_inodes"], [
          comment(
            "0, or up to 15 digits without a leading zero (octal to the kernel), and k, m or g.",
          ),
          assign("n", strip("val", "%", pat(glob("[kKmMgG]")))),
          caseOf(v("n"), [
            [["0"], [cmd(":")]],
            [[pat(""), pat("0", ANY), pat(ANY, glob("[!0-9]"), ANY)], no],
          ]),
          ifThen(test(len("n"), "-gt", "15"), no),
        ]],
        [["huge"], [
          caseOf(v("val"), [
            [["never", "always", "within_size", "advise"], [cmd(":")]],
            [[pat(ANY)], no],
          ]),
        ]],
        [["mpol"], [
          caseOf(v("val"), [
            [["default", "local", "interleave"], [cmd(":")]],
            [[pat("prefer:", ANY)], [node(strip("val", "#", pat("prefer:")))]],
            [[pat("interleave:", ANY), pat("bind:", ANY)], [
              comment("A node, or a range of nodes."),
              assign("n", strip("val", "#", pat(ANY, ":"))),
              caseOf(v("n"), [
                [[pat(ANY, "-", ANY)], [
                  node(strip("n", "%%", pat("-", ANY))),
                  node(strip("n", "#", pat(ANY, "-"))),
                ]],
                [[pat(ANY)], [node(v("n"))]],
              ]),
            ]],
            [[pat(ANY)], no],
          ]),
        ]],
        [["mode"], [
          caseOf(v("val"), [
            [[pat(...Array(3).fill(glob("[0-7]"))), pat(...Array(4).fill(glob("[0-7]")))], [
              cmd(":"),
            ]],
            [[pat(ANY)], no],
          ]),
        ]],
        [[pat(ANY)], no],
      ]),
    ]),
    ret(0),
  ]);
}

/**
 * `tmpfs_root_has_keys`: true when the initramfs carries a public key (a
 * file under the keys folder), which decides the `keyed` parameters.
 */
function hasKeysFn(): Command {
  return func(fn("has_keys"), [
    local("k"),
    forIn("k", [pat(`${KEYS_DIR}/`, ANY)], [and(test("-f", v("k")), ret(0))]),
    ret(1),
  ]);
}

/**
 * `tmpfs_root_image_boots KIND`: true when the initramfs boots sources of
 * KIND, by module-setup.sh's record (every kind when there is none).
 */
function imageBootsFn(): Command {
  return func(fn("image_boots"), [
    local("l", ""),
    or(test("-e", SOURCES_FILE), ret(0)),
    withRedirects(group([or(cmd("read", "-r", "l"), cmd(":"))]), redir("<", SOURCES_FILE)),
    caseOf(w(" ", v("l"), " "), [[[pat(ANY, " ", v("1"), " ", ANY)], [ret(0)]]]),
    ret(1),
  ]);
}

/**
 * A `keyed` parameter's rule, after its own check: with keys, only the
 * keyed value (which it also is when absent); without, anything else.
 */
function keyedCheck(p: ParamSpec): Command[] {
  const keyed = p.keyed;
  if (keyed === undefined) return [];
  const bad = (
    expected: string,
  ) => [cause(`invalid ${p.name} "`, v("orig"), `": ${expected}`), ret(1)];
  const target = paramVar(p);
  return [
    comment(
      `An initramfs with public keys accepts ${keyed.value} alone; one without, anything else.`,
    ),
    ifThen(cmd(fn("has_keys")), [
      ifThen(
        and(test(v(givenVar(p)), "=", "1"), test(v(target), "!=", keyed.value)),
        bad(keyed.withKeys),
      ),
      assign(target, keyed.value),
    ], [ifThen(test(v(target), "=", keyed.value), bad(keyed.withoutKeys))]),
  ];
}

/**
 * `tmpfs_root_read_params`: scans the command line and checks every
 * parameter. Returns 0 when all are valid, 1 with the cause set when one is
 * not, 2 when `root=` does not select tmpfs-root.
 *
 * `LC_ALL=C` for the reading alone: white space, control characters and
 * byte escapes are the C locale's, as in the model, whatever locale the
 * shell runs in (bash in a UTF-8 locale counts U+3000 as white space and
 * U+0085 as a control character).
 */
function readParams(params: readonly ParamSpec[], ctx: Context): Command {
  const root = params.find((p) => p.kind === "source");
  if (!root) throw new TypeError("The parameter list has no source parameter");
  const mirror = params.find((p) => p.kind === "urls");
  const mirrors = mirror === undefined ? "" : v(paramVar(mirror));
  return func(fn("read_params"), [
    local("LC_ALL", "C"),
    local("value"),
    local("orig"),
    ...(params.some((p) => p.list !== undefined)
      ? ["lrest", "lout", "lseen", "ln", "litem", "lurl"].map((n) => local(n))
      : []),
    ...params.flatMap((p) => [
      assign(rawVar(p), ""),
      assign(givenVar(p), ""),
      ...(p.kind === "urls" ? [assign(badVar(p), "")] : []),
    ]),
    assign(IP_GIVEN, ""),
    assign(UNKNOWN, ""),
    cmd(fn("scan"), subst(cmd(fn("cmdline_text")))),
    caseOf(v(rawVar(root)), [[[pat(ROOT_PREFIX, ANY)], [cmd(":")]], [[pat(ANY)], [ret(2)]]]),
    cmd(fn("warn_unknown")),
    ...params.flatMap((p) => [
      ifThen(
        test(v(givenVar(p)), "=", "1"),
        [assign("value", v(rawVar(p)))],
        [assign("value", p.default ?? "")],
      ),
      assign("orig", v("value")),
      ...check(p),
      ...keyedCheck(p),
    ]),
    comment(`An image built without what a kind needs does not boot it (${SOURCES_FILE}).`),
    ifThen(not(cmd(fn("image_boots"), v(SRC.kind))), [
      caseOf(
        v(SRC.kind),
        ctx.sources.filter((k) => k.always !== true).map((k) => [[k.kind], [
          cause(`invalid ${root.name} "`, v(rawVar(root)), `": ${kindMissingExpected(k)}`),
        ]]),
      ),
      ret(1),
    ]),
    comment("A file name appended to a base URL: no white space, no curl glob characters."),
    comment("(A URL holds no space: \"/ \" is where the source's or a mirror's URL ends with /.)"),
    ifThen(
      and(
        test(v(SRC.kind), "=", "http"),
        caseOf(w(v(SRC.url), " ", mirrors, " "), [
          [[pat(ANY, "/ ", ANY)], [cmd("true")]],
          [[pat(ANY)], [cmd("false")]],
        ]),
        not(cmd(fn("only"), URL_FILE_CHARS, v(paramVar(IMGFILE)))),
      ),
      [cause(`invalid ${IMGFILE.name} "`, v(paramVar(IMGFILE)), `": ${URL_FILE_EXPECTED}`), ret(1)],
    ),
    ...(mirror === undefined ? [] : [
      ifThen(and(test("-n", mirrors), test(v(SRC.kind), "!=", "http")), [
        cause(
          `invalid ${mirror.name} "`,
          strip(paramVar(mirror), "%%", pat(" ", ANY)),
          `": ${MIRROR_EXPECTED}`,
        ),
        ret(1),
      ]),
    ]),
    comment("With several layers, each name is appended to every URL: each must end with /."),
    caseOf(w(v(SRC.kind), " ", v(paramVar(IMGFILE))), [
      [[pat("http ", ANY, ",", ANY)], [
        caseOf(v(SRC.url), [[[pat(ANY, "/")], [cmd(":")]], [[pat(ANY)], [
          cause(`invalid ${root.name} "`, v(rawVar(root)), `": ${LAYERS_URL_EXPECTED}`),
          ret(1),
        ]]]),
        ...(mirror === undefined ? [] : [
          assign("lrest", ""),
          and(test("-n", mirrors), assign("lrest", w(mirrors, " "))),
          whileDo(test("-n", v("lrest")), [
            assign("lurl", strip("lrest", "%%", pat(" ", ANY))),
            assign("lrest", strip("lrest", "#", pat(ANY, " "))),
            caseOf(v("lurl"), [[[pat(ANY, "/")], [cmd(":")]], [[pat(ANY)], [
              cause(`invalid ${mirror.name} "`, v("lurl"), `": ${LAYERS_URL_EXPECTED}`),
              ret(1),
            ]]]),
          ]),
        ]),
      ]],
    ]),
    comment("A digest for each layer, in their order: both lists end together."),
    ifThen(test("-n", v(paramVar(SHA256))), [
      assign("lrest", w(v(paramVar(IMGFILE)), ",")),
      assign("lout", w(v(paramVar(SHA256)), ",")),
      whileDo(and(test("-n", v("lrest")), test("-n", v("lout"))), [
        assign("lrest", strip("lrest", "#", pat(ANY, ","))),
        assign("lout", strip("lout", "#", pat(ANY, ","))),
      ]),
      ifThen(test("-n", w(v("lrest"), v("lout"))), [
        cause(`invalid ${SHA256.name} "`, v(rawVar(SHA256)), `": ${DIGESTS_EXPECTED}`),
        ret(1),
      ]),
    ]),
    ret(0),
  ]);
}

function canonicalUuid(): Pattern {
  const hex = (n: number) => Array(n).fill(HEX);
  return pat(...hex(8), "-", ...hex(4), "-", ...hex(4), "-", ...hex(4), "-", ...hex(12));
}

/** `tmpfs_root_parse_source SPEC`: the model's parseSource, in shell. */
/**
 * `tmpfs_root_parse_source TEXT`, from the forms of the table of source
 * kinds: one case arm per form (forms of one kind and rule in a row share
 * an arm), the same grammar as the model's `parseSource`.
 */
function parseSource(ctx: Context): Command {
  const encoded = (prefix: string, of: Parameters<typeof w>[number]) =>
    assign(SRC.device, w(prefix, subst(cmd(fn("udev_encode"), of))));
  const field = (prefix: string) => strip("s", "#", pat(prefix));
  const forms = ctx.sources.flatMap((k) => k.forms.map((form) => ({ kind: k.kind, form })));
  const arms: (readonly [Pattern[], Command[]])[] = [];
  const devpaths = forms.filter((f) => f.form.rule === "devpath");
  for (const [i, { kind, form }] of forms.entries()) {
    const prev = forms[i - 1];
    const some = pat(form.prefix, glob("?"), ANY);
    switch (form.rule) {
      case "devpath": {
        const p = form.prefix;
        arms.push([
          [pat(p, ANY, "/../", ANY), pat(p, ANY, "/.."), pat(p, "../", ANY), pat(p, "..")],
          [
            ret(1),
          ],
        ]);
        arms.push([[some], [assign(SRC.kind, kind), assign(SRC.device, v("s"))]]);
        break;
      }
      case "udev":
        if (form.normalise === "uuid") {
          arms.push([[some], [
            assign(SRC.kind, kind),
            assign("id", field(form.prefix)),
            caseOf(v("id"), [[[canonicalUuid()], [
              assign("id", subst(cmd(fn("lower"), v("id")))),
            ]]]),
            encoded(form.link, v("id")),
          ]]);
        } else {
          const value = form.normalise === "lower"
            ? subst(cmd(fn("lower"), field(form.prefix)))
            : field(form.prefix);
          arms.push([[some], [assign(SRC.kind, kind), encoded(form.link, value)]]);
        }
        break;
      case "nfs":
        arms.push([[pat(form.prefix, ANY)], [cmd(fn("parse_nfs"), field(form.prefix))]]);
        break;
      case "url":
        // The URL's forms of one kind share an arm.
        if (prev?.kind === kind && prev.form.rule === "url") arms.at(-1)![0].push(some);
        else {
          arms.push([[some], [
            or(cmd(fn("only"), URL_CHARS, v("s")), ret(1)),
            assign(SRC.kind, kind),
            assign(SRC.url, v("s")),
          ]]);
        }
        break;
      case "word":
        arms.push([[some], [
          or(cmd(fn("only"), form.chars, field(form.prefix)), ret(1)),
          assign(SRC.kind, kind),
          assign(SRC.device, field(form.prefix)),
        ]]);
        break;
      default:
        return assertNever(form);
    }
  }
  return func(fn("parse_source"), [
    local("s", v("1")),
    local("id"),
    ...Object.values(SRC).map((name) => assign(name, "")),
    assign(SRC.spec, v("s")),
    caseOf(v("s"), [[[pat(ANY, glob("[[:cntrl:]]"), ANY)], [ret(1)]]]),
    ...(devpaths.length > 0 ? [comment("A /dev path that climbs with .. is no device name.")] : []),
    caseOf(v("s"), [...arms, [[pat(ANY)], [ret(1)]]]),
  ]);
}

/** Appends `,item` to `$name`, or sets it to `item` when empty. */
function append(name: string, item: string): Command {
  return ifThen(test("-n", v(name)), [assign(name, w(v(name), ",", item))], [assign(name, item)]);
}

/** `tmpfs_root_parse_nfs nfs[4]:<server>:<export>[,options]`. */
function parseNfs(): Command {
  const next = (name: string) => strip(name, "#", pat(ANY, ","));
  return func(fn("parse_nfs"), [
    local("fstype"),
    local("server"),
    local("inner"),
    local("rest"),
    local("path"),
    local("opts", ""),
    local("o"),
    local("lock", ""),
    caseOf(v("1"), [
      [[pat("nfs:", ANY)], [assign("fstype", "nfs")]],
      [[pat("nfs4:", ANY)], [assign("fstype", "nfs4")]],
      [[pat(ANY)], [ret(1)]],
    ]),
    assign("rest", strip("1", "#", pat(ANY, ":"))),
    caseOf(v("rest"), [
      [[pat("[", ANY, "]", ANY)], [
        assign("server", w(strip("rest", "%%", pat("]", ANY)), "]")),
        assign("rest", strip("rest", "#", pat(ANY, "]"))),
        assign("inner", strip("server", "#", pat("["))),
        assign("inner", strip("inner", "%", pat("]"))),
        or(test("-n", v("inner")), ret(1)),
        or(cmd(fn("only"), IPV6_CHARS, v("inner")), ret(1)),
      ]],
      [[pat(ANY)], [
        assign("server", strip("rest", "%%", pat(":", ANY))),
        assign("rest", strip("rest", "#", pat(v("server")))),
        caseOf(v("server"), [
          [[pat(""), pat(glob("[.-]"), ANY), pat(ANY, glob("[.-]"))], [ret(1)]],
        ]),
        or(cmd(fn("only"), SERVER_CHARS, v("server")), ret(1)),
      ]],
    ]),
    caseOf(v("rest"), [
      [[pat(":/", ANY)], [assign("rest", strip("rest", "#", pat(":")))]],
      [[pat(ANY)], [ret(1)]],
    ]),
    assign("path", strip("rest", "%%", pat(",", ANY))),
    caseOf(v("rest"), [[[pat(ANY, ",", ANY)], [
      assign("rest", next("rest")),
      assign("opts", v("rest")),
      whileDo(cmd(":"), [
        assign("o", strip("rest", "%%", pat(",", ANY))),
        or(test("-n", v("o")), ret(1)),
        or(cmd(fn("only"), OPTION_CHARS, v("o")), ret(1)),
        caseOf(v("o"), [[[pat("lock"), pat("nolock")], [assign("lock", "1")]]]),
        caseOf(v("rest"), [
          [[pat(ANY, ",", ANY)], [assign("rest", next("rest"))]],
          [[pat(ANY)], [cmd("break")]],
        ]),
      ]),
    ]]]),
    ifThen(and(test(v("fstype"), "=", "nfs"), test("-z", v("lock"))), [append("opts", "nolock")]),
    append("opts", "ro"),
    assign(SRC.kind, "nfs"),
    assign(SRC.fstype, v("fstype")),
    assign(SRC.target, w(v("server"), ":", v("path"))),
    assign(SRC.options, v("opts")),
  ]);
}

/** Every parameter function, derived from the parameter list. */
export function paramFunctions(params: readonly ParamSpec[], ctx: Context): Command[] {
  return [
    argDispatch(params, ctx),
    closestFn(params),
    warnUnknownFn(),
    hasKeysFn(),
    imageBootsFn(),
    checkOptsFn(),
    parseSource(ctx),
    parseNfs(),
    readParams(params, ctx),
  ];
}

function assertNever(x: never): never {
  throw new TypeError(`Unexpected parameter kind ${JSON.stringify(x)}`);
}
