/**
 * Compiles each step of the model into a shell function
 * `tmpfs_root_step_<id>` that returns non-zero with `$tmpfs_root_cause` set
 * when it fails, and each phase into `tmpfs_root_phase_<name>`, which runs
 * the steps in order and, on a failure, prints the one console line and
 * undoes what ran (the model's undo plan).
 */
import {
  allSteps,
  ATTRIBUTE_LISTS,
  ATTRIBUTE_TAR_OPTIONS,
  attributeList,
  ATTRIBUTES,
  type BootSequence,
  clearCommand,
  CURL_UNSUPPORTED_PROTOCOL,
  curlCommand,
  DECOMPRESS,
  DECOMPRESSOR_PROGRAMS,
  DECOMPRESSOR_TRUNCATED,
  DECOMPRESSORS_VAR,
  FORMATS,
  HEADERS_FILE,
  HTTP_MARK,
  INODE_HEADROOM_MIN,
  kindsOf,
  LAYER_MANIFESTS,
  MAGIC,
  MAGIC_BYTES,
  MANIFEST_COUNT_DIGITS,
  MANIFEST_FIELDS,
  MANIFEST_NAME_CHARS,
  MANIFEST_NAME_MAX,
  MANIFEST_SUFFIX,
  MANIFEST_VERSION,
  MAX_BACKOFF,
  MAX_RETRY_AFTER,
  type Message,
  messages,
  MIRROR as MIRROR_SPEC,
  type Operand,
  type Phase,
  PROGRAM_PACKAGES,
  PROGRESS_LEVEL,
  QUOTE_CUT,
  QUOTE_MAX_BYTES,
  RAM_LIMIT,
  RAM_RESERVE_MIN,
  RANDOM_DEVICE,
  RETRY_AFTER_STATUSES,
  SECURITY_XATTR,
  setfilesCommand,
  SHA256SUM,
  SIDECAR_MAX_BYTES,
  SIDECAR_SUFFIX,
  SIGNATURE_SUFFIX,
  signatureCommand,
  SIZE as SIZE_SPEC,
  SIZE_HEADROOM_MIN,
  type SourceKindSpec,
  type Step,
  TAR_END_MARK,
  TAR_WARNINGS,
  TAR_XATTR_FAILED,
  tarCommand,
  TIMEOUT as TIMEOUT_SPEC,
  toolPath,
  TOOLS_DIR,
  type Undo,
  undoPlan,
} from "@tmpfs-root/model";
import {
  and,
  ar,
  arith,
  assign,
  background,
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
  orDefault,
  pat,
  type Pattern,
  pipe,
  redir,
  strip,
  subshell,
  subst,
  v,
  w,
  whileDo,
  withAssign,
  withRedirects,
  type Word,
} from "@tmpfs-root/shell";
import {
  CAUSE,
  CURL_ERR,
  doneFile,
  fn,
  givenVar,
  HASH_OUT,
  MOUNTED,
  outVar,
  paramVar,
  RUN_DIR,
  SERVED,
  SRC,
  STARTED,
  WARNINGS,
} from "./_names.ts";
import { cause, ret, test } from "./_runtime.ts";
import { LAYER_ERR, layerFunctions, STAGE_TEMPLATE } from "./_layers.ts";
import { FORMAT_FILE, recordMounted, reportStart, TRIES_FILE } from "./_report.ts";
import { type Context, kinds, type Mounter } from "./_context.ts";

/** A slot of a message: a word or a part of one. */
type Slot = Parameters<typeof w>[number];

/** The model's messages, with shell words in their slots. */
const M = messages<Slot>();
/** The messages as case patterns: their slots variables, their text literal. */
const AS_PATTERN = messages<ReturnType<typeof v>>();

/** Sets the cause to a message of the model's. */
const say = (m: Message<Slot>): Command => cause(...m);

const ANY = glob("*");
const ERR = `${RUN_DIR}/err`;
const DEC_ERR = `${RUN_DIR}/dec.err`;
const CAUSE_FILE = `${RUN_DIR}/cause`;
const TAR_ERR = `${RUN_DIR}/tar.err`;
/** tar's standard output: with `-R`, the line that says the end-of-archive blocks were there. */
const TAR_OUT = `${RUN_DIR}/tar.out`;
/** The FIFO tee copies the archive's bytes into, for the hasher (rd.tmpfs.sha256). */
const HASH_FIFO = `${RUN_DIR}/sha256.fifo`;
const HASH_ERR = `${RUN_DIR}/sha256.err`;

const SYSTEMD = test("-n", orDefault("DRACUT_SYSTEMD", ""));

/** The first URL of `$rest` (URLs one space apart) into `$archive`, the others left in `$rest`. */
const SHIFT_URL: readonly Command[] = [
  assign("archive", strip("rest", "%%", pat(" ", ANY))),
  assign("rest", strip("rest", "#", pat(v("archive")))),
  assign("rest", strip("rest", "#", pat(" "))),
];

/** The shell word for an operand. */
export function operand(op: Operand): Word {
  switch (op.kind) {
    case "literal":
      return w(op.value);
    case "param":
      return w(v(paramVar(op.param)));
    case "output":
      return w(v(outVar(op.step)));
    case "newroot":
      return w(orDefault("NEWROOT", "/sysroot"));
    default:
      return assertNever(op);
  }
}

/** The variable behind a parameter operand. */
export function varOf(word: Word): string {
  const part = word.parts[0];
  if (word.parts.length !== 1 || part?.kind !== "var") {
    throw new TypeError("Expected a parameter operand");
  }
  return part.name;
}

/**
 * `"$(sed ... FILE)"`: the first line of FILE that matches the basic regular
 * expression RE, without the tools folder a program's message starts with
 * (tar names itself by the path it ran as).
 */
const firstMatch = (re: string, file: string) =>
  subst(cmd("sed", "-n", "-e", `s|^${TOOLS_DIR}/||`, "-e", `/${re}/{p;q;}`, file));

/** `"$(tmpfs_root_first_line FILE)"`. */
const firstLine = (file: Parameters<typeof cmd>[number]) => subst(cmd(fn("first_line"), file));

/** The last answer's HTTP status, from the line curl's `--write-out` adds (`000`: none came). */
const httpCode = () =>
  subst(cmd("sed", "-n", `s/^${HTTP_MARK} \\([0-9][0-9]*\\).*/\\1/p`, CURL_ERR));

/** The answer's `Retry-After` in whole seconds, from the same line, or nothing. */
const retryAfter = () =>
  subst(
    cmd(
      "sed",
      "-n",
      `s/^${HTTP_MARK} [0-9]* \\([0-9][0-9]*\\)[[:space:]]*$/\\1/p`,
      CURL_ERR,
    ),
  );

/** curl's first line of error, the `--write-out` line left out. */
const curlError = () => subst(cmd("sed", "-n", `/^${HTTP_MARK} /!{p;q;}`, CURL_ERR));

/**
 * `[ -n "$(c | tr '\000\n' '__')" ]`: true when the command prints a byte
 * (NUL and newline made visible: a command substitution drops them).
 */
const anyByte = (c: Command) => test("-n", subst(pipe(c, cmd("tr", "\\000\\n", "__"))));

/**
 * Runs a command with stderr to the error file; on failure sets the cause,
 * the message `why` with the command's first line of error, and returns 1.
 */
function attempt(c: Command, why: (error: Slot) => Message<Slot>): Command {
  const quiet = c.kind === "simple" ? withRedirects(c, redir(">", ERR, 2)) : c;
  return ifThen(not(quiet), [say(why(firstLine(ERR))), ret(1)]);
}

/** The undo action of a step; `strict` when it is a release (failure matters). */
function undoAction(undo: Undo, strict: boolean): Command[] {
  const target = operand(undo.target);
  switch (undo.kind) {
    case "unmount":
      return strict ? [attempt(cmd("umount", target), (e) => M.unmountFailed(target, e))] : [
        or(
          withRedirects(cmd("umount", target), redir(">", "/dev/null", 2)),
          withRedirects(cmd("umount", "-l", target), redir(">", "/dev/null", 2)),
        ),
      ];
    case "remove":
      return strict
        ? [attempt(cmd("rmdir", target), (e) => M.removeFailed(target, e))]
        : [withRedirects(cmd("rmdir", target), redir(">", "/dev/null", 2))];
    default:
      return assertNever(undo);
  }
}

function undoFunctions(seq: BootSequence): Command[] {
  return allSteps(seq).flatMap((s) =>
    s.undo === null ? [] : [
      func(fn(`undo_${s.id}`), [
        ifThen(test("-e", doneFile(s.id)), [
          ...undoAction(s.undo, false),
          withRedirects(cmd("rm", "-f", doneFile(s.id)), redir(">", "/dev/null", 2)),
        ]),
        ret(0),
      ]),
    ]
  );
}

/** `tmpfs_root_request_network`: network sources make dracut bring up the network (rd.neednet=1). */
export function requestNetworkFn(ctx: Context): Command {
  return func(fn("request_network"), [
    caseOf(v(SRC.kind), [[kinds(ctx, (k) => k.waitsFor === "network"), [
      withRedirects(cmd("mkdir", "-p", "/etc/cmdline.d"), redir(">", "/dev/null", 2)),
      withRedirects(cmd("echo", "rd.neednet=1"), redir(">", NEEDNET_CONF)),
    ]]]),
    ret(0),
  ]);
}

/** Where the network request goes: dracut's network modules read it with getargbool. */
export const NEEDNET_CONF = "/etc/cmdline.d/90-tmpfs-root-neednet.conf";

function awaitSourceBody(step: Extract<Step, { kind: "awaitSource" }>, ctx: Context): Command[] {
  const waitless = kinds(ctx, (k) => k.waitsFor === "nothing");
  const limit = operand(step.timeout);
  return [
    caseOf(v(SRC.kind), [
      [kinds(ctx, (k) => k.waitsFor === "network"), [cmd(fn("request_network")), ret(0)]],
      ...(waitless.length > 0 ? [[waitless, [ret(0)]] as const] : []),
    ]),
    comment("Under systemd, wait here; the classic init waits in its initqueue (see the hooks)."),
    or(SYSTEMD, ret(0)),
    local("waited", "0"),
    local("limit"),
    comment("As long as the classic init waits: two thirds of rd.retry."),
    assign("limit", arith(ar.op(ar.op(ar.name(varOf(limit)), "*", ar.num(2)), "/", ar.num(3)))),
    whileDo(not(test("-b", v(SRC.device))), [
      ifThen(test(v("waited"), "-ge", v("limit")), [
        say(M.deviceTimeout(v(SRC.device), v(SRC.spec), v("limit"))),
        ret(1),
      ]),
      cmd("sleep", "1"),
      assign("waited", arith(ar.op(ar.name("waited"), "+", ar.num(1)))),
    ]),
  ];
}

/** The shipped kinds' mount functions: each mounts the source read-only at `at`. */
export const MOUNTERS: Readonly<Record<string, Mounter>> = {
  block: (at) => [
    ifThen(not(test("-b", v(SRC.device))), [
      say(M.deviceMissing(v(SRC.device), v(SRC.spec))),
      ret(1),
    ]),
    attempt(
      cmd("mount", "-o", "ro", v(SRC.device), at),
      (e) => M.mountReadOnly(v(SRC.device), e),
    ),
  ],
  nfs: (at) => [
    ifThen(
      not(withRedirects(
        cmd("mount", "-t", v(SRC.fstype), "-o", v(SRC.options), v(SRC.target), at),
        redir(">", ERR, 2),
      )),
      [
        ifThen(cmd("grep", "-qsiE", "denied|no such file|not exported", ERR), [
          say(M.notExported(v(SRC.target))),
        ], [
          ifThen(
            cmd("grep", "-qsiE", "refused|timed out|no route|unreachable|not responding", ERR),
            [
              say(M.nfsNoAnswer(strip(SRC.target, "%%", pat(":/", ANY)))),
            ],
            [say(M.mountFailed(v(SRC.target), firstLine(ERR)))],
          ),
        ]),
        ret(1),
      ],
    ),
  ],
};

/** A mount function from a descriptor's `mount`: `mount [-t fstype] -o options <device> <at>`. */
function genericMounter(spec: SourceKindSpec): Mounter {
  const how = spec.mount;
  if (how === undefined) {
    throw new TypeError(`Source kind "${spec.kind}" is mounted but has no mount function or mount`);
  }
  const type = how.fstype === null ? [] : ["-t", how.fstype];
  return (at) => [
    attempt(
      cmd("mount", ...type, "-o", how.options, v(SRC.device), at),
      (e) => M.mountFailed(v(SRC.device), e),
    ),
  ];
}

function mountSourceBody(step: Extract<Step, { kind: "mountSource" }>, ctx: Context): Command[] {
  const at = operand(step.at);
  return [
    caseOf(
      v(SRC.kind),
      ctx.sources.filter((k) => k.access === "mounted").map((k) => {
        const mount = ctx.mounters[k.kind] ?? genericMounter(k);
        return [[k.kind], mount(at)] as const;
      }),
    ),
  ];
}

function mountTmpfsBody(step: Extract<Step, { kind: "mountTmpfs" }>): Command[] {
  const at = operand(step.at);
  const opts = operand(step.opts);
  const mountIt = cmd(fn("mount_tmpfs"), at, v("o"), v("mode"));
  const failed = [
    ifThen(SYSTEMD, [say(M.resizeFailed(at, firstLine(ERR)))], [
      say(M.tmpfsFailed(v("o"), at, firstLine(ERR))),
    ]),
    ret(1),
  ];
  return [
    local("o", operand(step.options)),
    local("mode", "0755"),
    local("mpol"),
    local("rest", ""),
    comment("The root directory's mode: rd.tmpfs.opts's mode=, else 0755."),
    caseOf(w(",", opts, ","), [[[pat(ANY, ",mode=", ANY)], [
      assign("mode", strip(varOf(opts), "#", pat(ANY, "mode="))),
      assign("mode", strip("mode", "%%", pat(",", ANY))),
    ]]]),
    comment("The options the tmpfs has, for the unpack's failure lines."),
    assign(MOUNTED, v("o")),
    or(
      mountIt,
      caseOf(v("o"), [
        [[pat(ANY, ",mpol=", ANY)], [
          comment("A NUMA policy the kernel refuses (a node it lacks, no NUMA): again without it."),
          assign("mpol", strip("o", "#", pat(ANY, ",mpol="))),
          caseOf(v("mpol"), [[[pat(ANY, ",", ANY)], [
            assign("rest", w(",", strip("mpol", "#", pat(ANY, ",")))),
          ]]]),
          assign("mpol", strip("mpol", "%%", pat(",", ANY))),
          cmd(fn("say"), "4", w(...M.warning(w(...M.mpolRefused(v("mpol"), firstLine(ERR)))))),
          assign("o", w(strip("o", "%%", pat(",mpol=", ANY)), v("rest"))),
          assign(MOUNTED, v("o")),
          or(mountIt, group(failed)),
        ]],
        [[pat(ANY)], failed],
      ]),
    ),
    recordMounted(),
  ];
}

/**
 * `tmpfs_root_mount_tmpfs AT OPTIONS MODE`: mounts the tmpfs at AT with
 * OPTIONS and the root directory's MODE; under systemd, where
 * sysroot.mount has mounted it (mode 0755), sets OPTIONS with a remount
 * and MODE with chmod. Its error in /run/tmpfs-root/err.
 */
function mountTmpfsFn(): Command {
  return func(fn("mount_tmpfs"), [
    ifThen(SYSTEMD, [
      or(
        withRedirects(cmd("mount", "-o", w("remount,", v("2")), v("1")), redir(">", ERR, 2)),
        ret(1),
      ),
      or(
        test(v("3"), "=", "0755"),
        withRedirects(cmd("chmod", v("3"), v("1")), redir(">", ERR, 2)),
      ),
    ], [
      withRedirects(
        cmd("mount", "-t", "tmpfs", "-o", w(v("2"), ",mode=", v("3")), "tmpfs", v("1")),
        redir(">", ERR, 2),
      ),
    ]),
  ]);
}

/**
 * `for each layer of LIST`: the loop over a comma-separated list (every
 * name is checked to hold no comma), `layer` the item and `li` its number
 * from 1; the caller declares `layers`, `layer` and `li` local.
 */
function eachLayer(list: Word, body: Command[]): Command[] {
  return [
    assign("layers", w(list, ",")),
    assign("li", "0"),
    whileDo(test("-n", v("layers")), [
      assign("layer", strip("layers", "%%", pat(",", ANY))),
      assign("layers", strip("layers", "#", pat(ANY, ","))),
      assign("li", arith(ar.op(ar.name("li"), "+", ar.num(1)))),
      ...body,
    ]),
  ];
}

/** `item="${items%%,*}"; items="${items#*,}"`: the next item of a list that ends with a comma. */
const nextItem = (item: string, items: string): Command[] => [
  assign(item, strip(items, "%%", pat(",", ANY))),
  assign(items, strip(items, "#", pat(ANY, ","))),
];

/**
 * Where the layer `$layer` is read from first (`archive`), and its other
 * URLs (`rest`, for the step's loop): on a streamed source its URLs, the
 * deadline starting with the first request; on a mounted one its path,
 * and no other (nothing left of an earlier layer's).
 */
function layerSource(ctx: Context): Command {
  return caseOf(v(SRC.kind), [
    [kinds(ctx, (k) => k.access === "streamed"), [
      assign("rest", subst(cmd(fn("urls"), v("layer")))),
      ...SHIFT_URL,
      comment("The archive's download that follows has the same deadline."),
      or(test("-n", v(STARTED)), assign(STARTED, subst(cmd(fn("uptime"))))),
    ]],
    [[pat(ANY)], [assign("archive", v("layer")), assign("rest", "")]],
  ]);
}

/** The file that keeps the name (file or URL) the layer `li` was read from, for the verify step. */
const LAYER_NAME = (li: Slot) => w(RUN_DIR, "/layer.", li);

/**
 * Reads the manifest beside each layer's archive (or from the first of its
 * URLs that serves one): its output is `<unpacked> <inodes> <compressed>
 * <attributes> <archives>` (sums over the layers; each layer's attributes
 * value, separated by `/`; the archives' names, separated by commas), empty
 * when a layer has none. One that cannot be had is a warning; one that is
 * not valid stops the boot.
 */
function readManifestBody(step: Extract<Step, { kind: "readManifest" }>, ctx: Context): Command[] {
  const copy = operand(step.copy);
  const out = outVar(step.id);
  const n = ar.name;
  return [
    local("archive"),
    local("rest", ""),
    local("got"),
    local("layers"),
    local("layer"),
    local("li"),
    local("bytes", "0"),
    local("inodes", "0"),
    local("packed", "0"),
    local("names", ""),
    local("kinds", ""),
    local("none", ""),
    assign(out, ""),
    comment("Each layer's manifest: the sizes add up, and a layer without one sizes nothing."),
    ...eachLayer(operand(step.file), [
      withRedirects(cmd("rm", "-f", copy), redir(">", "/dev/null", 2)),
      layerSource(ctx),
      comment(
        "No manifest (a missing file, HTTP 404) sizes nothing; one that cannot be had warns.",
      ),
      assign("got", ""),
      whileDo(cmd(":"), [
        cmd(
          fn("take"),
          w(v("archive"), MANIFEST_SUFFIX),
          copy,
          operand(step.from),
          operand(step.ca),
          "",
        ),
        caseOf(v("?"), [
          [["0"], [assign("got", "1"), cmd("break")]],
          [["2"], [cmd(":")]],
          [[pat(ANY)], [cmd(fn("say"), "4", w(...M.warning(w(...M.manifestSkipped(v(CAUSE))))))]],
        ]),
        or(test("-n", v("rest")), cmd("break")),
        ...SHIFT_URL,
      ]),
      ifThen(test("-z", v("got")), [assign("none", "1"), cmd("continue")]),
      ifThen(
        not(
          assign(
            "got",
            subst(cmd(fn("parse_manifest"), copy, strip("archive", "##", pat(ANY, "/")))),
          ),
        ),
        [say(M.manifestInvalid(w(v("archive"), MANIFEST_SUFFIX), v("got"))), ret(1)],
      ),
      comment(
        "<bytes> <inodes> <packed> <attributes> <name>: counts of at most 15 digits, whose sum",
      ),
      comment("shell arithmetic holds."),
      assign("rest", strip("got", "%%", pat(" ", ANY))),
      assign("bytes", arith(ar.op(n("bytes"), "+", n("rest")))),
      assign("rest", strip("got", "#", pat(ANY, " "))),
      assign("rest", strip("rest", "%%", pat(" ", ANY))),
      assign("inodes", arith(ar.op(n("inodes"), "+", n("rest")))),
      assign("rest", strip("got", "#", pat(ANY, " ", ANY, " "))),
      assign("rest", strip("rest", "%%", pat(" ", ANY))),
      assign("packed", arith(ar.op(n("packed"), "+", n("rest")))),
      assign("rest", strip("got", "#", pat(ANY, " ", ANY, " ", ANY, " "))),
      assign("kinds", w(v("kinds"), "/", strip("rest", "%%", pat(" ", ANY)))),
      assign("names", w(v("names"), ",", strip("got", "##", pat(ANY, " ")))),
    ]),
    or(test("-z", v("none")), ret(0)),
    assign(
      out,
      w(
        v("bytes"),
        " ",
        v("inodes"),
        " ",
        v("packed"),
        " ",
        strip("kinds", "#", pat("/")),
        " ",
        strip("names", "#", pat(",")),
      ),
    ),
  ];
}

/**
 * The tmpfs's options, as the model's fitTmpfs decides them: rd.tmpfs.size
 * alone without a manifest; with one, the archive must fit in the size
 * given, or in the RAM less its reserve when none is given (then the size
 * is the unpacked bytes and their headroom), and nr_inodes is its inodes
 * and theirs.
 */
function fitBody(step: Extract<Step, { kind: "fit" }>): Command[] {
  const n = ar.name;
  const manifest = operand(step.manifest);
  const size = operand(step.size);
  const opts = operand(step.opts);
  const out = outVar(step.id);
  const atLeast = (name: string, least: number) =>
    ifThen(test(v(name), "-lt", String(least)), [assign(name, String(least))]);
  const given = step.size.kind === "param" ? v(givenVar(step.size.param)) : "";
  const limitWord = step.size.kind === "param" ? `${step.size.param.name}=` : "size=";
  return [
    local("size", size),
    local("ram"),
    local("bytes"),
    local("inodes"),
    local("name"),
    local("nr"),
    local("allows"),
    local("limit"),
    local("head"),
    local("hu"),
    local("ha"),
    local("nrg", ""),
    local("extra", ""),
    local("o"),
    local("rest", opts),
    comment(
      "rd.tmpfs.opts: its nr_inodes= is kept, huge= and mpol= pass on; mode= is the mount's.",
    ),
    whileDo(test("-n", v("rest")), [
      assign("o", strip("rest", "%%", pat(",", ANY))),
      caseOf(v("rest"), [
        [[pat(ANY, ",", ANY)], [assign("rest", strip("rest", "#", pat(ANY, ",")))]],
        [[pat(ANY)], [assign("rest", "")]],
      ]),
      caseOf(v("o"), [
        [[pat("nr_inodes=", ANY)], [assign("nrg", v("o"))]],
        [[pat("mode=", ANY)], [cmd(":")]],
        [[pat(ANY)], [assign("extra", w(v("extra"), ",", v("o")))]],
      ]),
    ]),
    assign(out, w("size=", v("size"))),
    ifThen(test("-n", v("nrg")), [assign(out, w(v(out), ",", v("nrg")))]),
    assign(out, w(v(out), v("extra"))),
    or(test("-n", manifest), ret(0)),
    assign("bytes", strip(varOf(manifest), "%%", pat(" ", ANY))),
    assign("name", strip(varOf(manifest), "##", pat(ANY, " "))),
    assign("inodes", strip(varOf(manifest), "#", pat(v("bytes"), " "))),
    assign("inodes", strip("inodes", "%%", pat(" ", ANY))),
    comment("An nr_inodes= given must hold the manifest's inodes (0: no limit)."),
    ifThen(test("-n", v("nrg")), [
      assign("allows", subst(cmd(fn("count"), strip("nrg", "#", pat("nr_inodes="))))),
      ifThen(and(test(v("allows"), "!=", "0"), test(v("inodes"), "-gt", v("allows"))), [
        say(M.tooManyInodes(v("name"), v("inodes"), v("nrg"), v("allows"))),
        ret(1),
      ]),
    ]),
    ifThen(not(assign("ram", subst(cmd(fn("ram"))))), [say(M.ramUnknown()), ret(1)]),
    comment(`nr_inodes: the inodes and a tenth more, at least ${INODE_HEADROOM_MIN} more.`),
    assign("head", arith(ar.op(ar.op(n("inodes"), "+", ar.num(9)), "/", ar.num(10)))),
    atLeast("head", INODE_HEADROOM_MIN),
    assign("nr", arith(ar.op(n("inodes"), "+", n("head")))),
    ifThen(test(given, "=", "1"), [
      assign("allows", subst(cmd(fn("size_bytes"), v("size"), v("ram")))),
      ifThen(test(v("allows"), "-gt", v("ram")), [assign("allows", v("ram"))]),
      assign("limit", w(limitWord, v("size"))),
    ], [
      comment(`The RAM less its reserve: an eighth, at least ${RAM_RESERVE_MIN} bytes.`),
      assign("head", arith(ar.op(n("ram"), "/", ar.num(8)))),
      atLeast("head", RAM_RESERVE_MIN),
      assign("allows", "0"),
      ifThen(test(v("ram"), "-gt", v("head")), [
        assign(
          "allows",
          arith(
            ar.op(ar.op(ar.op(n("ram"), "-", n("head")), "/", ar.num(4096)), "*", ar.num(4096)),
          ),
        ),
      ]),
      assign("limit", RAM_LIMIT),
    ]),
    comment("Nothing fits in no room (and size=0 would be a tmpfs without a limit)."),
    ifThen(or(test(v("bytes"), "-gt", v("allows")), test(v("allows"), "=", "0")), [
      assign("hu", subst(cmd(fn("human"), v("bytes")))),
      assign("ha", subst(cmd(fn("human"), v("allows")))),
      comment("Two sizes that read the same are given in bytes."),
      ifThen(test(v("hu"), "=", v("ha")), [
        assign("hu", w(v("bytes"), " bytes")),
        assign("ha", w(v("allows"), " bytes")),
      ]),
      say(M.doesNotFit(v("name"), v("hu"), v("limit"), v("ha"))),
      ret(1),
    ]),
    ifThen(test(given, "!=", "1"), [
      comment(`The unpacked bytes, a tenth more (at least ${SIZE_HEADROOM_MIN}), whole MiB.`),
      assign("head", arith(ar.op(ar.op(n("bytes"), "+", ar.num(9)), "/", ar.num(10)))),
      atLeast("head", SIZE_HEADROOM_MIN),
      assign(
        "size",
        arith(ar.op(
          ar.op(
            ar.op(ar.op(n("bytes"), "+", n("head")), "+", ar.num(1048575)),
            "/",
            ar.num(1048576),
          ),
          "*",
          ar.num(1048576),
        )),
      ),
      ifThen(test(v("size"), "-gt", v("allows")), [assign("size", v("allows"))]),
    ]),
    or(test("-n", v("nrg")), assign("nrg", w("nr_inodes=", v("nr")))),
    assign(out, w("size=", v("size"), ",", v("nrg"), v("extra"))),
  ];
}

/**
 * Finds the digest the archive must have: the command line's, or with
 * rd.tmpfs.verify the sidecar's (its signature checked first), and stops on
 * any doubt; the digest is the step's output.
 */
function sidecarBody(step: Extract<Step, { kind: "sidecar" }>, ctx: Context): Command[] {
  const given = operand(step.sha256);
  const mode = operand(step.mode);
  const copy = operand(step.copy);
  const sig = w(copy, SIGNATURE_SUFFIX);
  /** Copies the file `name` names to `to`; its cause when it is missing is `missing`. */
  const take = (name: string, to: Slot, missing: Message<Slot>) =>
    cmd(fn("take"), v(name), to, operand(step.from), operand(step.ca), w(...missing));
  return [
    local("archive"),
    local("sidecar"),
    local("sig"),
    local("sum"),
    local("rest", ""),
    local("layers"),
    local("layer"),
    local("li"),
    local("want", ""),
    local("wants", w(given, ",")),
    local("sums", ""),
    assign(outVar(step.id), given),
    assign(STARTED, ""),
    or(test(mode, "!=", "none"), ret(0)),
    comment("Each layer's sidecar, in turn; the digests, one for each, are the step's output."),
    ...eachLayer(operand(step.file), [
      ifThen(test("-n", given), nextItem("want", "wants")),
      withRedirects(cmd("rm", "-f", copy, sig), redir(">", "/dev/null", 2)),
      layerSource(ctx),
      comment(
        "The sidecar (and its signature) from the first URL that serves them: the source's, or",
      ),
      comment("a mirror's. A signature covers every mirror alike."),
      whileDo(cmd(":"), [
        assign("sidecar", w(v("archive"), SIDECAR_SUFFIX)),
        assign("sig", w(v("sidecar"), SIGNATURE_SUFFIX)),
        ifThen(take("sidecar", copy, M.sidecarMissing(v("sidecar"))), [
          and(test(mode, "!=", "signature"), cmd("break")),
          and(take("sig", sig, M.unsigned(v("sig"))), cmd("break")),
        ]),
        or(test("-n", v("rest")), ret(1)),
        ...SHIFT_URL,
        cmd(fn("say"), "4", w(...M.sidecarElsewhere(v(CAUSE), w(v("archive"), SIDECAR_SUFFIX)))),
      ]),
      comment("The signature is checked before a line of the sidecar is read."),
      ifThen(test(mode, "=", "signature"), [
        ifThen(not(cmd(fn("check_signature"), copy, sig, operand(step.keys))), [
          say(M.badSignature(v("sig"), v("sidecar"))),
          ret(1),
        ]),
      ]),
      assign(
        "sum",
        subst(cmd(fn("parse_sidecar"), copy, strip("archive", "##", pat(ANY, "/")))),
      ),
      caseOf(v("?"), [
        [["0"], [cmd(":")]],
        [["1"], [say(M.sidecarMalformed(v("sidecar"))), ret(1)]],
        [["2"], [
          say(M.sidecarNoLine(v("sidecar"), strip("archive", "##", pat(ANY, "/")))),
          ret(1),
        ]],
        [[pat(ANY)], [
          say(M.sidecarAmbiguous(v("sidecar"), strip("archive", "##", pat(ANY, "/")))),
          ret(1),
        ]],
      ]),
      ifThen(and(test("-n", v("want")), test(v("sum"), "!=", v("want"))), [
        say(M.sidecarDisagrees(v("sidecar"), v("sum"), v("want"))),
        ret(1),
      ]),
      assign("sums", w(v("sums"), ",", v("sum"))),
    ]),
    assign(outVar(step.id), strip("sums", "#", pat(","))),
  ];
}

function unpackBody(step: Extract<Step, { kind: "unpack" }>, ctx: Context): Command[] {
  const into = operand(step.into);
  const file = operand(step.file);
  const sha256 = operand(step.sha256);
  const every = operand(step.progress);
  const manifest = operand(step.manifest);
  // The archive's name as the failure lines give it (the last layer's), which verify names too.
  const name = outVar(step.id);
  return [
    local("archive"),
    local("layers"),
    local("layer"),
    local("li"),
    local("several", ""),
    local("want", ""),
    local("wants", w(sha256, ",")),
    local("to"),
    local("size", ""),
    local("kinds", attributeList(ATTRIBUTES)),
    local("kindsleft", ""),
    comment("Several layers: a comma (no layer's name holds one)."),
    caseOf(file, [[[pat(ANY, ",", ANY)], [assign("several", "1")]]]),
    comment(
      "The manifest's compressed bytes (its third word), should the source not tell the size;",
    ),
    comment("with layers the manifests' sum is no layer's size."),
    ifThen(and(test("-n", manifest), test("-z", v("several"))), [
      assign("size", strip(varOf(manifest), "#", pat(ANY, " ", ANY, " "))),
      assign("size", strip("size", "%%", pat(" ", ANY))),
    ]),
    comment("The kinds of attribute each layer carries (the fourth word, a list a layer, each"),
    comment("ended by /); without the manifests, every kind."),
    ifThen(test("-n", manifest), [
      assign("kindsleft", strip(varOf(manifest), "#", pat(ANY, " ", ANY, " ", ANY, " "))),
      assign("kindsleft", w(strip("kindsleft", "%%", pat(" ", ANY)), "/")),
    ]),
    comment("Each layer in turn: the first into the root, a later one into a stage folder in"),
    comment("the tmpfs, then laid over the root by renames (nothing is copied)."),
    ...eachLayer(file, [
      ifThen(test("-n", sha256), nextItem("want", "wants")),
      ifThen(test("-n", v("kindsleft")), [
        assign("kinds", strip("kindsleft", "%%", pat("/", ANY))),
        assign("kindsleft", strip("kindsleft", "#", pat(ANY, "/"))),
      ]),
      comment(
        "A layer whose digest is checked gets every kind: no digest covers the manifest, and",
      ),
      comment(
        "one that named too few would strip attributes (an ACL that narrows a group's access).",
      ),
      ifThen(test("-n", v("want")), [assign("kinds", attributeList(ATTRIBUTES))]),
      assign("to", into),
      ifThen(test(v("li"), "-gt", "1"), [
        ifThen(
          not(assign(
            "to",
            subst(withRedirects(
              cmd("mktemp", "-d", w(into, "/", STAGE_TEMPLATE)),
              redir(">", ERR, 2),
            )),
          )),
          [say(M.layerFailed(v("layer"), firstLine(ERR))), ret(1)],
        ),
      ]),
      cmd(fn("layer_begin"), v("to")),
      caseOf(v(SRC.kind), [
        [kinds(ctx, (k) => k.access === "streamed"), [
          comment("Every URL of the archive: the source's, then the mirrors'."),
          assign("archive", subst(cmd(fn("urls"), v("layer")))),
          assign(name, strip("archive", "%%", pat(" ", ANY))),
          or(
            cmd(
              fn("download"),
              v("archive"),
              v("to"),
              operand(step.retries),
              operand(step.ca),
              w(v(paramVar(TIMEOUT_SPEC))),
              v("want"),
              every,
              v("size"),
              v("kinds"),
            ),
            ret(1),
          ),
          assign(name, v(SERVED)),
          cmd(fn("layer_done"), v("layer"), v(SERVED), v("to"), v("want")),
        ]],
        [[pat(ANY)], [
          assign(name, v("layer")),
          assign("archive", w(operand(step.from), "/", v("layer"))),
          ifThen(not(test("-f", v("archive"))), [
            say(M.noFile(v("layer"), v(SRC.spec))),
            ret(1),
          ]),
          or(
            withRedirects(
              cmd(fn("extract"), v("to"), v("layer"), v("want"), every, v("size"), v("kinds")),
              redir("<", v("archive")),
            ),
            ret(1),
          ),
          cmd(fn("layer_done"), v("layer"), v("layer"), v("to"), v("want"), v("archive")),
        ]],
      ]),
      comment("What the verify step reads: the layer's digest and the name it came from."),
      ifThen(test("-n", v("want")), [
        withRedirects(
          cmd("mv", "-f", HASH_OUT, w(HASH_OUT, ".", v("li"))),
          redir(">", "/dev/null", 2),
        ),
      ]),
      withRedirects(cmd("printf", "%s\\n", v(name)), redir(">", LAYER_NAME(v("li")))),
      comment("With layers, no whiteout is left in the root: each layer's are carried out."),
      ifThen(test("-n", v("several")), [
        ifThen(test(v("li"), "-gt", "1"), [
          or(cmd(fn("overlay"), v("to"), into, v("layer")), ret(1)),
        ], [
          ifThen(not(cmd(fn("drop_whiteouts"), into)), [
            say(M.layerFailed(v("layer"), firstLine(LAYER_ERR))),
            ret(1),
          ]),
        ]),
      ]),
    ]),
  ];
}

/** Compares the digest the unpack step's hasher printed for each layer with the one asked for. */
function verifyBody(step: Extract<Step, { kind: "verify" }>): Command[] {
  const expected = operand(step.expected);
  return [
    local("got"),
    local("want"),
    local("wants", w(expected, ",")),
    local("li", "0"),
    local("archive"),
    or(test("-n", expected), ret(0)),
    whileDo(test("-n", v("wants")), [
      ...nextItem("want", "wants"),
      assign("li", arith(ar.op(ar.name("li"), "+", ar.num(1)))),
      assign("got", ""),
      assign("archive", v(outVar(step.of))),
      withRedirects(
        group([cmd("read", "-r", "got", "_")]),
        redir(">", "/dev/null", 2),
        redir("<", w(HASH_OUT, ".", v("li"))),
      ),
      withRedirects(
        group([cmd("read", "-r", "archive")]),
        redir(">", "/dev/null", 2),
        redir("<", LAYER_NAME(v("li"))),
      ),
      ifThen(test(v("got"), "!=", v("want")), [
        say(M.digestMismatch(v("archive"), v("got"), v("want"))),
        ret(1),
      ]),
    ]),
  ];
}

function restoreSelinuxBody(step: Extract<Step, { kind: "restoreSelinux" }>): Command[] {
  const root = operand(step.root);
  return [
    local("config", w(root, "/etc/selinux/config")),
    local("line"),
    local("mode", ""),
    local("type", "targeted"),
    or(test("-f", v("config")), ret(0)),
    withRedirects(
      group([
        whileDo(or(cmd("read", "-r", "line"), test("-n", v("line"))), [
          caseOf(v("line"), [
            [[pat("SELINUX=", ANY)], [assign("mode", strip("line", "#", pat("SELINUX=")))]],
            [[pat("SELINUXTYPE=", ANY)], [
              assign("type", strip("line", "#", pat("SELINUXTYPE="))),
            ]],
          ]),
          assign("line", ""),
        ]),
      ]),
      redir("<", v("config")),
    ),
    caseOf(v("mode"), [
      [["enforcing", "permissive"], [cmd(":")]],
      [[pat(ANY)], [ret(0)]],
    ]),
    caseOf(v("type"), [[[pat(""), pat(ANY, glob("[!A-Za-z0-9_-]"), ANY)], [
      say(M.badSelinuxType()),
      ret(1),
    ]]]),
    attempt(
      cmd(...setfilesCommand(root, w("/etc/selinux/", v("type"), "/contexts/files/file_contexts"))),
      (e) => M.relabelFailed(root, e),
    ),
  ];
}

function stepBody(step: Step, seq: BootSequence, ctx: Context): Command[] {
  switch (step.kind) {
    case "readParams":
      return [cmd(fn("read_params"))];
    case "awaitSource":
      return awaitSourceBody(step, ctx);
    case "makeTempDir": {
      const parent = operand(step.parent);
      return [
        attempt(cmd("mkdir", "-p", parent), (e) => M.makeFailed(parent, e)),
        ifThen(
          not(withRedirects(
            assign(outVar(step.id), subst(cmd("mktemp", "-d", w(parent, "/source.XXXXXX")))),
            redir(">", ERR, 2),
          )),
          [say(M.tempDirFailed(parent, firstLine(ERR))), ret(1)],
        ),
      ];
    }
    case "mountSource":
      return mountSourceBody(step, ctx);
    case "mountTmpfs":
      return mountTmpfsBody(step);
    case "readManifest":
      return readManifestBody(step, ctx);
    case "fit":
      return fitBody(step);
    case "sidecar":
      return sidecarBody(step, ctx);
    case "unpack":
      return unpackBody(step, ctx);
    case "verify":
      return verifyBody(step);
    case "release": {
      const target = allSteps(seq).find((s) => s.id === step.of);
      if (!target?.undo) throw new TypeError(`Step "${step.id}" releases nothing`);
      return [
        ...undoAction(target.undo, true),
        withRedirects(cmd("rm", "-f", doneFile(target.id)), redir(">", "/dev/null", 2)),
      ];
    }
    case "restoreSelinux":
      return restoreSelinuxBody(step);
    case "handOver":
      return [
        cmd(fn("report"), "ok", w("unpacked into ", operand(step.root))),
        cmd(fn("say"), "6", w(...M.handedOver(operand(step.root)))),
      ];
    default:
      return assertNever(step);
  }
}

/** `tmpfs_root_step_<id>` for every step. */
function stepFunctions(seq: BootSequence, ctx: Context): Command[] {
  return allSteps(seq).map((s) =>
    func(fn(`step_${s.id}`), [
      comment(s.doing),
      ...stepBody(s, seq, ctx),
    ])
  );
}

/** How a phase runs one step: skip it for other source kinds, else run, report and undo on failure. */
function runStep(seq: BootSequence, step: Step, ctx: Context): Command {
  const undo = undoPlan(seq, step.id).map((s) => cmd(fn(`undo_${s.id}`)));
  const run: Command[] = step.kind === "readParams"
    ? [
      cmd(fn(`step_${step.id}`)),
      assign("rc", w(v("?"))),
      ifThen(test(v("rc"), "=", "2"), [ret(2)]),
      ifThen(test(v("rc"), "!=", "0"), [cmd(fn("failed"), step.label, step.id), ret(1)]),
    ]
    : [
      cmd(fn("say"), "7", w(`tmpfs-root: ${step.doing}`)),
      ifThen(not(cmd(fn(`step_${step.id}`))), [
        cmd(fn("failed"), step.label, step.id),
        ...undo,
        ret(1),
      ]),
      ...(step.undo === null ? [] : [withRedirects(cmd(":"), redir(">", doneFile(step.id)))]),
    ];
  if (step.onlyFor === null) return group(run);
  return caseOf(v(SRC.kind), [[kindsOf(step, ctx.sources), run]]);
}

/**
 * `tmpfs_root_phase_<name>`: 0 when done (or when root= is not ours: 2),
 * 1 after a failure (reported and undone).
 */
function phaseFunction(seq: BootSequence, phase: Phase, ctx: Context): Command {
  const reads = phase.steps.some((s) => s.kind === "readParams");
  const params = allSteps(seq).find((s) => s.kind === "readParams");
  if (!params) throw new TypeError("The sequence has no readParams step");
  return func(fn(`phase_${phase.name}`), [
    local("rc"),
    comment("Step errors are collected under here."),
    withRedirects(cmd("mkdir", "-p", RUN_DIR), redir(">", "/dev/null", 2)),
    reportStart(),
    ...(reads ? [] : [runStep(seq, params, ctx)]),
    ...phase.steps.map((s) => runStep(seq, s, ctx)),
    ret(0),
  ]);
}

/** `tmpfs_root_first_line FILE`: the first line of a file (empty when none). */
function firstLineFn(): Command {
  return func(fn("first_line"), [
    local("l", ""),
    withRedirects(
      group([cmd("read", "-r", "l")]),
      redir(">", "/dev/null", 2),
      redir("<", v("1")),
    ),
    comment("A program's message names it by the path it ran as: the quote names it as its own."),
    assign("l", strip("l", "#", pat(`${TOOLS_DIR}/`))),
    cmd("printf", "%s", v("l")),
  ]);
}

const STATUS = (name: string) => `${RUN_DIR}/rc.${name}`;

/** `echo "$?" >/run/tmpfs-root/rc.<name>`: a side of a pipe records its exit status. */
const record = (name: string) => withRedirects(cmd("echo", v("?")), redir(">", STATUS(name)));

/** `tmpfs_root_decompress FORMAT`: stdin to stdout (gzip with pigz when the image has it). */
function decompressFn(): Command {
  const [gzip, ...gzipOptions] = DECOMPRESS.gzip;
  return func(fn("decompress"), [
    caseOf(v("1"), [
      [["gzip"], [
        ifThen(test("-x", toolPath("pigz")), [
          cmd("pigz", ...gzipOptions),
        ], [cmd(gzip!, ...gzipOptions)]),
      ]],
      ...(["xz", "zstd", "bzip2", "lz4"] as const).map((f) =>
        [[f], [cmd(...DECOMPRESS[f])]] as const
      ),
      [[pat(ANY)], [cmd("cat")]],
    ]),
  ]);
}

/**
 * `tmpfs_root_feed HEAD FIFO NAME EVERY SIZE`: the archive's bytes on
 * stdout, HEAD (what the detection read) then the rest of stdin (with
 * progress lines every EVERY seconds, see tmpfs_root_pass), recording the
 * status; with a FIFO, tee also copies every byte into it.
 */
function feedFn(): Command {
  const read = group([
    and(cmd("cat", v("1")), cmd(fn("pass"), v("3"), v("4"), v("5"))),
    record("read"),
  ]);
  return func(fn("feed"), [
    ifThen(test("-z", v("2")), [read], [pipe(read, cmd("tee", v("2")))]),
  ]);
}

/**
 * `tmpfs_root_pass NAME EVERY SIZE`: stdin to stdout (cat). With EVERY, cat
 * runs in the background while tmpfs_root_progress watches it; the watcher
 * is killed and waited for as soon as cat ends, whatever its status, which
 * is this function's. Nothing else is in the way of the bytes.
 */
function passFn(): Command {
  return func(fn("pass"), [
    local("c"),
    local("p"),
    local("rc"),
    ifThen(test("-z", v("2")), [cmd("cat"), cmd("return")]),
    comment("A command run with & reads /dev/null unless told otherwise: fd 3 carries stdin."),
    group(
      [background(withRedirects(cmd("cat"), redir("<&", "3"), redir("<&", "-", 3)))],
      redir("<&", "0", 3),
    ),
    assign("c", v("!")),
    comment("The watcher holds no pipe: the next side of the pipe sees its end when cat's comes."),
    background(
      withRedirects(
        cmd(fn("progress"), v("c"), v("1"), v("2"), v("3")),
        redir("<", "/dev/null"),
        redir(">", "/dev/null"),
        redir(">", "/dev/null", 2),
      ),
    ),
    assign("p", v("!")),
    cmd("wait", v("c")),
    assign("rc", v("?")),
    withRedirects(cmd("kill", v("p")), redir(">", "/dev/null", 2)),
    comment("bash would say Terminated: not into the unpack's messages."),
    withRedirects(cmd("wait", v("p")), redir(">", "/dev/null", 2)),
    cmd("return", v("rc")),
  ]);
}

/**
 * `tmpfs_root_progress PID NAME EVERY SIZE`: while PID (the reader of the
 * archive) runs, every EVERY seconds (never sooner), one console line of
 * the bytes it has read (the offset of the file it reads, or what it wrote
 * to the pipe, /proc/PID/io's wchar, and the head read before it), the
 * percent and the time left when the size is known (see
 * size_of), and the throughput since the line before: the model's
 * progressMessage. No /proc/PID/io: no line.
 */
function progressFn(): Command {
  const n = ar.name;
  const io = w("/proc/", v("1"), "/io");
  const perSecond = (from: string, since: string) =>
    arith(ar.op(ar.op(ar.op(n("bytes"), "-", n(from)), "*", ar.num(100)), "/", n(since)));
  /** `d` is the hundredths of a second since `from`, at least one. */
  const since = (from: string) => [
    assign("d", arith(ar.op(n("now"), "-", n(from)))),
    ifThen(test(v("d"), "-lt", "1"), [assign("d", "1")]),
  ];
  return func(fn("progress"), [
    local("every", v("3")),
    local("now"),
    local("start", ""),
    local("last"),
    local("at"),
    local("prev", "0"),
    local("bytes"),
    local("size", ""),
    local("sized", ""),
    local("d"),
    local("rate"),
    local("avg"),
    local("line"),
    or(test("-r", io), ret(0)),
    comment("A second at a time: killed, the watcher leaves a sleep of a second at most."),
    whileDo(cmd(":"), [
      cmd(fn("clock")),
      ifThen(test("-z", v("start")), [
        assign("start", v("now")),
        assign("last", v("now")),
        assign("at", v("now")),
      ]),
      comment("By the clock, not by the seconds slept: a loaded machine sleeps longer than asked."),
      ifThen(
        test(
          arith(ar.op(n("now"), "-", n("last"))),
          "-ge",
          arith(ar.op(n("every"), "*", ar.num(100))),
        ),
        [
          comment("A file: its offset, which counts the head too. A pipe: what cat wrote (read()"),
          comment("also counts the loader's reads of its libraries), and the head read before it."),
          ifThen(test("-f", w("/proc/", v("1"), "/fd/0")), [
            assign("bytes", subst(cmd(fn("field"), w("/proc/", v("1"), "/fdinfo/0"), "pos:"))),
          ], [
            assign("bytes", subst(cmd(fn("field"), io, "wchar:"))),
            and(
              test("-n", v("bytes")),
              assign("bytes", arith(ar.op(n("bytes"), "+", ar.num(MAGIC_BYTES)))),
            ),
          ]),
          or(test("-n", v("bytes")), ret(0)),
          comment(
            "The size is looked for once, at the first line: a fast unpack never pays for it.",
          ),
          ifThen(test("-z", v("sized")), [
            assign("size", subst(cmd(fn("size_of"), v("1"), v("4")))),
            assign("sized", "1"),
          ]),
          ...since("at"),
          assign("rate", subst(cmd(fn("human"), perSecond("prev", "d")))),
          ...since("start"),
          assign("avg", arith(ar.op(ar.op(n("bytes"), "*", ar.num(100)), "/", n("d")))),
          assign(
            "line",
            w(...M.progressNoSize(v("2"), subst(cmd(fn("human"), v("bytes"))), v("rate"))),
          ),
          ifThen(
            and(
              test("-n", v("size")),
              test(v("size"), "-gt", "0"),
              test(v("bytes"), "-le", v("size")),
              test(v("avg"), "-gt", "0"),
            ),
            [
              assign(
                "line",
                w(...M.progress(
                  v("2"),
                  subst(cmd(fn("human"), v("bytes"))),
                  subst(cmd(fn("human"), v("size"))),
                  arith(ar.op(ar.op(n("bytes"), "*", ar.num(100)), "/", n("size"))),
                  v("rate"),
                  arith(ar.op(
                    ar.op(ar.op(n("size"), "-", n("bytes")), "+", ar.op(n("avg"), "-", ar.num(1))),
                    "/",
                    n("avg"),
                  )),
                )),
              ),
            ],
          ),
          cmd(fn("say"), String(PROGRESS_LEVEL), v("line")),
          assign("prev", v("bytes")),
          assign("at", v("now")),
          comment("The next line counts from when this one was said: its forks take a while."),
          cmd(fn("clock")),
          assign("last", v("now")),
        ],
      ),
      or(cmd("sleep", "1"), ret(0)),
    ]),
  ]);
}

/**
 * `tmpfs_root_clock`: sets `now` (the caller's) to /proc/uptime in
 * hundredths of a second, without a fork.
 */
function clockFn(): Command {
  const n = ar.name;
  return func(fn("clock"), [
    local("up", "0.00"),
    local("s"),
    local("f"),
    withRedirects(
      group([cmd("read", "-r", "up", "_")]),
      redir("<", "/proc/uptime"),
      redir(">", "/dev/null", 2),
    ),
    assign("s", strip("up", "%", pat(".", ANY))),
    assign("f", strip("up", "#", pat(ANY, "."))),
    comment("No leading zero: $((08)) is not a number."),
    assign("f", strip("f", "#", pat("0"))),
    assign("now", arith(ar.op(ar.op(n("s"), "*", ar.num(100)), "+", n("f")))),
  ]);
}

/** `tmpfs_root_field FILE KEY`: the value after KEY on FILE's line that starts with it (/proc). */
function fieldFn(): Command {
  return func(fn("field"), [
    local("k"),
    local("val"),
    withRedirects(
      group([whileDo(cmd("read", "-r", "k", "val"), [
        ifThen(test(v("k"), "=", v("2")), [cmd("printf", "%s", v("val")), ret(0)]),
      ])]),
      redir("<", v("1")),
      redir(">", "/dev/null", 2),
    ),
    ret(1),
  ]);
}

/** A word as glob parts that match it in any case: `[Cc][Oo]...` (a header's name). */
const anyCase = (word: string) =>
  [...word].map((c) => c === c.toUpperCase() ? c : glob(`[${c.toUpperCase()}${c}]`));

/**
 * `tmpfs_root_size_of PID SIZE`: the archive's size in bytes, the first
 * known of: the size of the regular file PID reads (a mounted source), the
 * last answer's Content-Length in the headers curl dumped (a download),
 * SIZE (the manifest's compressed bytes; empty: unknown).
 */
function sizeOfFn(): Command {
  const stdin = w("/proc/", v("1"), "/fd/0");
  return func(fn("size_of"), [
    local("s", ""),
    local("line"),
    ifThen(test("-f", stdin), [
      assign(
        "s",
        subst(withRedirects(cmd("stat", "-L", "-c", "%s", stdin), redir(">", "/dev/null", 2))),
      ),
    ], [
      ifThen(test("-f", HEADERS_FILE), [
        comment("Each answer (a redirect's too) starts with its status line: the last one counts."),
        withRedirects(
          group([whileDo(withAssign("IFS", "", cmd("read", "-r", "line")), [
            caseOf(v("line"), [
              [[pat("HTTP/", ANY)], [assign("s", "")]],
              [[pat(...anyCase("content-length"), ":", ANY)], [
                assign("s", strip("line", "#", pat(ANY, ":"))),
              ]],
            ]),
          ])]),
          redir("<", HEADERS_FILE),
          redir(">", "/dev/null", 2),
        ),
        comment("Spaces and the carriage return out."),
        assign("s", subst(pipe(cmd("printf", "%s", v("s")), cmd("tr", "-dc", "0-9")))),
      ]),
    ]),
    or(test("-n", v("s")), assign("s", v("2"))),
    cmd("printf", "%s", v("s")),
  ]);
}

/**
 * `tmpfs_root_hash FIFO`: with a FIFO, writes sha256sum's line for what
 * comes through it; without one, nothing.
 */
function hashFn(): Command {
  return func(fn("hash"), [
    or(test("-n", v("1")), ret(0)),
    withRedirects(cmd(...SHA256SUM), redir("<", v("1")), redir(">", HASH_OUT)),
  ]);
}

/**
 * `tmpfs_root_extract INTO NAME SHA256 EVERY SIZE KINDS`: detects the
 * format of the archive on stdin by its magic bytes, then decompresses and
 * unpacks it into INTO, restoring the kinds of attribute KINDS names (the
 * manifest's `attributes=` value), checking the exit status of every side
 * of the pipe; hashes the archive's bytes on their way when SHA256 is not
 * empty; prints progress every EVERY seconds (empty: never), SIZE being the
 * manifest's size of the archive (empty: none).
 */
function extractFn(): Command {
  const head = `${RUN_DIR}/head`;
  const hex = (skip: number, count: number) =>
    subst(pipe(
      withRedirects(
        cmd("od", "-An", "-tx1", "-j", String(skip), "-N", String(count), head),
        redir(">", "/dev/null", 2),
      ),
      cmd("tr", "-d", " \\n"),
    ));
  const status = (name: string) => w(subst(cmd("cat", STATUS(name))));
  const truncated = DECOMPRESSOR_TRUNCATED;
  /** The bytes the case below looks at: the longest magic number at offset 0. */
  const FIRST = Math.max(...MAGIC.filter((m) => m.offset === 0).map((m) => m.hex.length / 2));
  const [tar, ...options] = tarCommand(v("1"), []);
  return func(fn("extract"), [
    local("fmt"),
    local("kinds", w(",", v("6"), ",")),
    local("rr"),
    local("rd"),
    local("rt"),
    local("rs"),
    local("fifo", ""),
    withRedirects(
      cmd(
        "rm",
        "-f",
        head,
        STATUS("read"),
        STATUS("dec"),
        STATUS("tar"),
        STATUS("sum"),
        TAR_OUT,
        WARNINGS,
        HASH_FIFO,
        HASH_OUT,
      ),
      redir(">", "/dev/null", 2),
    ),
    comment(
      `The first ${MAGIC_BYTES} bytes hold every magic number we know, tar's at offset 257.`,
    ),
    ifThen(
      not(
        withRedirects(
          cmd("dd", "bs=1", `count=${MAGIC_BYTES}`, w("of=", head)),
          redir(">", ERR, 2),
        ),
      ),
      [say(M.unreadable(v("2"), firstLine(ERR))), ret(1)],
    ),
    ifThen(not(test("-s", head)), [say(M.empty(v("2"))), ret(1)]),
    caseOf(hex(0, FIRST), [
      ...MAGIC.filter((m) => m.offset === 0).map((m): [Pattern[], Command[]] => [
        [m.hex.length < FIRST * 2 ? pat(m.hex, ANY) : pat(m.hex)],
        [assign("fmt", m.format)],
      ]),
      [
        [pat(ANY)],
        MAGIC.filter((m) => m.offset !== 0).reduceRight<Command[]>(
          (otherwise, m) => [
            ifThen(
              test(hex(m.offset, m.hex.length / 2), "=", m.hex),
              [assign("fmt", m.format)],
              otherwise,
            ),
          ],
          [say(M.notArchive(v("2"))), ret(1)],
        ),
      ],
    ]),
    comment(`An image may lack the format's decompressor (${DECOMPRESSORS_VAR}).`),
    caseOf(
      v("fmt"),
      (Object.keys(DECOMPRESSOR_PROGRAMS) as (keyof typeof DECOMPRESSOR_PROGRAMS)[]).map((f) => {
        const programs = DECOMPRESSOR_PROGRAMS[f];
        const needed = programs[0]!;
        return [[f], [
          [
            ...programs.map((p) => test("-x", toolPath(p))),
            group([say(M.noDecompressor(v("2"), f, needed, PROGRAM_PACKAGES[needed]!)), ret(1)]),
          ].reduce((a, b) => or(a, b)),
        ]];
      }),
    ),
    cmd(fn("say"), "7", w(...M.unpacking(v("2"), v("fmt")))),
    withRedirects(cmd("printf", "%s\\n", v("fmt")), redir(">", FORMAT_FILE)),
    comment(
      "With a digest to check, tee copies every byte into a FIFO on its way to the decompressor,",
    ),
    comment("and sha256sum reads it: the archive is read once, and nothing is staged."),
    ifThen(test("-n", v("3")), [
      assign("fifo", HASH_FIFO),
      ifThen(not(withRedirects(cmd("mkfifo", v("fifo")), redir(">", ERR, 2))), [
        say(M.hashFailed(v("2"), firstLine(ERR))),
        ret(1),
      ]),
    ]),
    comment("Each side of the pipe records its exit status and keeps its own messages. The hasher"),
    comment("is the last side, so the pipe waits for it too: it reads the FIFO, not tar's output."),
    pipe(
      group([cmd(fn("feed"), head, v("fifo"), v("2"), v("4"), v("5"))], redir(">", ERR, 2)),
      group([cmd(fn("decompress"), v("fmt")), record("dec")], redir(">", DEC_ERR, 2)),
      group(
        [
          comment("tar restores only the kinds of attribute the archive carries (a subshell: the"),
          comment("arguments are its own)."),
          cmd("set", "--", ...options),
          ...ATTRIBUTES.map((a) =>
            caseOf(v("kinds"), [[[pat(ANY, `,${a},`, ANY)], [
              cmd("set", "--", v("@"), ...ATTRIBUTE_TAR_OPTIONS[a]),
            ]]])
          ),
          withRedirects(cmd(tar!, v("@")), redir(">", TAR_OUT)),
          assign("rt", v("?")),
          withRedirects(cmd("echo", v("rt")), redir(">", STATUS("tar"))),
          comment("tar stops reading at the end-of-archive blocks. What follows (the rest of the"),
          comment(
            "record, padding) is read to its end, so the decompressor is not killed by SIGPIPE",
          ),
          comment("and the digest covers every byte; after a failure, nothing more is read."),
          or(test(v("rt"), "!=", "0"), withRedirects(cmd("cat"), redir(">", "/dev/null"))),
        ],
        redir(">", TAR_ERR, 2),
      ),
      group([cmd(fn("hash"), v("fifo")), record("sum")], redir(">", HASH_ERR, 2)),
    ),
    assign("rr", status("read")),
    assign("rd", status("dec")),
    assign("rt", status("tar")),
    assign("rs", status("sum")),
    comment("A hasher that failed cuts the copy short, and then the stream: it is named first."),
    ifThen(test(v("rs"), "!=", "0"), [say(M.hashFailed(v("2"), firstLine(HASH_ERR))), ret(1)]),
    comment('GNU tar says "Wrote only N of M bytes" when a write comes up short on a full tmpfs.'),
    ifThen(
      cmd("grep", "-qsE", "No space left on device|Wrote only [0-9]+ of [0-9]+ bytes", TAR_ERR),
      [
        comment("The options the tmpfs was mounted with, and the manifest that sized it, if any."),
        ifThen(
          test("-n", v(outVar("manifest"))),
          [
            comment("One manifest, or the layers' (their names, separated by commas)."),
            assign("fmt", strip(outVar("manifest"), "##", pat(ANY, " "))),
            caseOf(v("fmt"), [
              [[pat(ANY, ",", ANY)], [assign("fmt", w(LAYER_MANIFESTS, v("fmt")))]],
              [[pat(ANY)], [assign("fmt", w(v("fmt"), MANIFEST_SUFFIX))]],
            ]),
            say(M.tmpfsFullManifest(v(MOUNTED), v("fmt"))),
          ],
          [say(M.tmpfsFull(v(MOUNTED)))],
        ),
        ret(1),
      ],
    ),
    comment("The decompressor's own word decides; gzip exits 2 for a warning (trailing garbage)."),
    ifThen(
      and(
        test(v("rd"), "!=", "0"),
        test("-s", DEC_ERR),
        not(and(test(v("fmt"), "=", "gzip"), test(v("rd"), "=", "2"))),
      ),
      [
        ifThen(
          cmd("grep", "-qsiE", truncated, DEC_ERR),
          [say(M.truncated(v("2")))],
          [say(M.corrupt(v("2")))],
        ),
        ret(1),
      ],
    ),
    ifThen(test(v("rt"), "!=", "0"), [
      ifThen(cmd("grep", "-qsiE", truncated, TAR_ERR), [say(M.truncated(v("2")))], [
        ifThen(
          cmd("grep", "-qsE", "does not look like a tar archive|Skipping to next header", TAR_ERR),
          [say(M.corrupt(v("2")))],
          [say(M.tarFailed(v("2"), subst(cmd(fn("first_error"), TAR_ERR))))],
        ),
      ]),
      ret(1),
    ]),
    ifThen(
      and(test(v("rd"), "!=", "0"), not(and(test(v("fmt"), "=", "gzip"), test(v("rd"), "=", "2")))),
      [say(M.corrupt(v("2"))), ret(1)],
    ),
    ifThen(test(v("rr"), "!=", "0"), [say(M.readFailed(v("2"))), ret(1)]),
    comment(
      "GNU tar accepts a stream cut at a member boundary: -R says whether the end blocks came.",
    ),
    ifThen(
      or(
        not(cmd("grep", "-qsF", TAR_END_MARK, TAR_OUT)),
        cmd("grep", "-qs", "A lone zero block", TAR_ERR),
      ),
      [say(M.truncated(v("2"))), ret(1)],
    ),
    comment(
      "A file capability or SELinux label tar could not set stops the boot; other xattrs warn.",
    ),
    ifThen(cmd("grep", "-qs", SECURITY_XATTR, TAR_ERR), [
      say(M.securityXattr(firstMatch(SECURITY_XATTR, TAR_ERR))),
      ret(1),
    ]),
    ifThen(cmd("grep", "-qsF", TAR_XATTR_FAILED, TAR_ERR), [
      local("warning"),
      assign(
        "warning",
        w(...M.xattrWarning(firstMatch(TAR_XATTR_FAILED, TAR_ERR))),
      ),
      cmd(fn("say"), "4", v("warning")),
      withRedirects(cmd("printf", "warning=%s\\n", v("warning")), redir(">", WARNINGS)),
    ]),
    ret(0),
  ]);
}

/** `tmpfs_root_first_error FILE`: tar's first line that is not a warning (else its first line). */
function firstErrorFn(): Command {
  return func(fn("first_error"), [
    local("l", ""),
    withRedirects(
      group([
        assign(
          "l",
          subst(pipe(cmd("grep", "-vE", TAR_WARNINGS, v("1")), cmd("sed", "-n", "1p"))),
        ),
      ]),
      redir(">", "/dev/null", 2),
    ),
    or(test("-n", v("l")), assign("l", firstLine(v("1")))),
    assign("l", strip("l", "#", pat(`${TOOLS_DIR}/`))),
    comment("tar names the member, and a name can be 10,000 bytes: the line is cut to fit one"),
    comment("kernel log record."),
    local("c"),
    assign("c", subst(cmd("printf", `%.${QUOTE_MAX_BYTES}s`, v("l")))),
    or(test(v("c"), "=", v("l")), assign("c", w(v("c"), QUOTE_CUT))),
    cmd("printf", "%s", v("c")),
  ]);
}

/**
 * `tmpfs_root_download URLS INTO RETRIES CAFILE TIMEOUT SHA256 EVERY SIZE KINDS`:
 * streams the archive from curl straight into extract (KINDS: the attributes it restores;
 * nothing staged, each
 * try hashed afresh when SHA256 is not empty, progress every EVERY seconds
 * of an archive of SIZE bytes unless the answer says), and stops reading once more bytes
 * arrive than the tmpfs holds. URLS are the source's and the mirrors' (one
 * space between), tried in turn: a failed try moves on to the next at once,
 * and after a round in which each has failed comes a growing pause (with
 * jitter, or Retry-After) before the next round, while rounds (RETRIES + 1)
 * and time (TIMEOUT seconds from the first try) are left. A URL whose server
 * said no (4xx but 408 and 429) or redirected where curl may not follow is
 * left out of later rounds; when none is left, the download stops. Sets
 * `$tmpfs_root_served` to the URL that served the archive.
 */
function downloadFn(): Command {
  const n = ar.name;
  const late = [
    say(M.deadline(v("url"), v("5"))),
    ret(1),
  ];
  const left = assign(
    "left",
    arith(ar.op(ar.op(n("start"), "+", n("limit")), "-", n("now"))),
  );
  const now = assign("now", subst(cmd(fn("uptime"))));
  const next = (from: string) => strip(from, "#", pat(ANY, " "));
  const clear = [
    comment("Start again from an empty root: a partial transfer never boots."),
    withRedirects(
      cmd(...clearCommand(v("2"))),
      redir(">", "/dev/null", 2),
    ),
  ];
  return func(fn("download"), [
    local("try", "0"),
    local("ceil", "2"),
    local("half"),
    local("base"),
    local("after"),
    local("r"),
    local("why"),
    local("pause"),
    local("tries", v("3")),
    local("rf"),
    local("rc"),
    local("code"),
    local("start"),
    local("now"),
    local("left"),
    local("cap"),
    local("limit", v("5")),
    local("rest", v("1")),
    local("urls", "1"),
    local("i", "0"),
    local("j"),
    local("url"),
    local("dead", " "),
    local("out", "0"),
    comment(
      "How many URLs (a URL holds no space), and the tries: a round of them per retry, and one.",
    ),
    whileDo(test(next("rest"), "!=", v("rest")), [
      assign("rest", next("rest")),
      assign("urls", arith(ar.op(n("urls"), "+", ar.num(1)))),
    ]),
    assign("tries", arith(ar.op(ar.op(n("tries"), "+", ar.num(1)), "*", n("urls")))),
    comment("The deadline counts from the sidecar's download, when there was one."),
    assign("start", orDefault(STARTED, "")),
    or(test("-n", v("start")), assign("start", subst(cmd(fn("uptime"))))),
    ifThen(not(assign("cap", subst(cmd(fn("capacity"), v("2"))))), [
      say(M.capacityUnknown(v("2"))),
      ret(1),
    ]),
    whileDo(cmd(":"), [
      assign("url", subst(cmd(fn("nth"), v("1"), v("i")))),
      now,
      left,
      ifThen(test(v("left"), "-le", "0"), late),
      withRedirects(
        cmd("rm", "-f", STATUS("fetch"), STATUS("cap"), HEADERS_FILE),
        redir(">", "/dev/null", 2),
      ),
      comment(
        "extract runs on the right of a pipe, in a subshell: its cause comes back in a file.",
      ),
      pipe(
        group([
          cmd(fn("fetch"), v("url"), v("4"), v("left")),
          withRedirects(cmd("echo", v("?")), redir(">", STATUS("fetch"))),
        ]),
        group([
          cmd(fn("cap"), v("cap")),
          withRedirects(cmd("echo", v("?")), redir(">", STATUS("cap"))),
        ]),
        subshell([
          cmd(fn("extract"), v("2"), v("url"), v("6"), v("7"), v("8"), v("9")),
          assign("rc", w(v("?"))),
          withRedirects(cmd("printf", "%s", v(CAUSE)), redir(">", CAUSE_FILE)),
          cmd("exit", v("rc")),
        ]),
      ),
      assign("rc", w(v("?"))),
      assign("rf", subst(cmd("cat", STATUS("fetch")))),
      ifThen(test(subst(cmd("cat", STATUS("cap"))), "=", "3"), [
        comment("More bytes came than the tmpfs holds. An archive already found corrupt, or no"),
        comment(
          "archive at all, is named so whether or not the cut came first; a cut one is too large.",
        ),
        assign(CAUSE, subst(cmd("cat", CAUSE_FILE))),
        caseOf(v(CAUSE), [
          [[pat(...AS_PATTERN.corrupt(v("url"))), pat(...AS_PATTERN.notArchive(v("url")))], [
            ret(1),
          ]],
        ]),
        say(M.tooLarge(v("url"), v("cap"), v(paramVar(SIZE_SPEC)))),
        ret(1),
      ]),
      comment(
        "curl's 23 (could not write) means the unpacking side stopped reading: its verdict stands.",
      ),
      caseOf(v("rf"), [[[pat("0"), pat("23")], [
        ifThen(test(v("rc"), "=", "0"), [
          assign(SERVED, v("url")),
          withRedirects(
            cmd("echo", arith(ar.op(n("try"), "+", ar.num(1)))),
            redir(">", TRIES_FILE),
          ),
          ret(0),
        ]),
        assign(CAUSE, subst(cmd("cat", CAUSE_FILE))),
        ret(1),
      ]]]),
      now,
      left,
      ifThen(test(v("left"), "-le", "0"), late),
      assign("code", httpCode()),
      assign("try", arith(ar.op(n("try"), "+", ar.num(1)))),
      assign("why", ""),
      comment("A redirect curl may not follow, or a 4xx other than 408 and 429, will not change:"),
      comment("that URL is left out of later rounds."),
      ifThen(
        test(v("rf"), "=", String(CURL_UNSUPPORTED_PROTOCOL)),
        [say(M.badRedirect(v("url"), curlError())), assign("why", curlError())],
        [caseOf(v("code"), [
          [[pat("408"), pat("429")], [cmd(":")]],
          [[pat("4", ANY)], [
            say(M.answered(v("url"), v("code"))),
            assign("why", w(...M.httpStatus(v("code")))),
          ]],
        ])],
      ),
      ifThen(test("-n", v("why")), [
        assign("dead", w(v("dead"), v("i"), " ")),
        assign("out", arith(ar.op(n("out"), "+", ar.num(1)))),
        ifThen(test(v("out"), "-ge", v("urls")), [ret(1)]),
      ]),
      ifThen(test(v("try"), "-ge", v("tries")), [
        or(test("-n", v("why")), say(M.triesFailed(v("url"), v("try"), curlError()))),
        ret(1),
      ]),
      caseOf(v("why"), [[[pat("")], [
        caseOf(v("code"), [
          [[pat("000"), pat("2", ANY)], [assign("why", curlError())]],
          [[pat(ANY)], [assign("why", w(...M.httpStatus(v("code"))))]],
        ]),
      ]]]),
      comment("The next URL not left out, after this one: a later one is tried at once."),
      assign("j", v("i")),
      whileDo(cmd(":"), [
        assign("j", arith(ar.op(ar.op(n("j"), "+", ar.num(1)), "%", n("urls")))),
        caseOf(v("dead"), [
          [[pat(ANY, " ", v("j"), " ", ANY)], [cmd(":")]],
          [[pat(ANY)], [cmd("break")]],
        ]),
      ]),
      ifThen(test(v("j"), "-gt", v("i")), [
        assign("i", v("j")),
        cmd(
          fn("say"),
          "4",
          w(...M.nextMirror(
            v("try"),
            v("tries"),
            v("url"),
            v("why"),
            subst(cmd(fn("nth"), v("1"), v("j"))),
          )),
        ),
        ...clear,
        cmd("continue"),
      ]),
      assign("i", v("j")),
      comment(
        "A round has failed. Equal jitter: half the ceiling (4, 8, 16, then 30 s) or Retry-After,",
      ),
      comment("plus a random share."),
      assign("ceil", arith(ar.op(n("ceil"), "*", ar.num(2)))),
      ifThen(test(v("ceil"), "-gt", String(MAX_BACKOFF)), [assign("ceil", String(MAX_BACKOFF))]),
      assign("half", arith(ar.op(n("ceil"), "/", ar.num(2)))),
      assign("base", v("half")),
      caseOf(v("code"), [[RETRY_AFTER_STATUSES.map((c) => pat(String(c))), [
        assign("after", retryAfter()),
        caseOf(v("after"), [
          [[pat("")], [cmd(":")]],
          [[pat(glob("?"), glob("?"), glob("?"), glob("?"), glob("?"), glob("?"), ANY)], [
            assign("base", String(MAX_RETRY_AFTER)),
          ]],
          [[pat(ANY)], [
            assign("base", v("after")),
            ifThen(test(v("base"), "-gt", String(MAX_RETRY_AFTER)), [
              assign("base", String(MAX_RETRY_AFTER)),
            ]),
          ]],
        ]),
      ]]]),
      assign(
        "r",
        subst(pipe(
          withRedirects(
            cmd(
              "od",
              "-An",
              "-tu1",
              "-j",
              arith(ar.op(n("try"), "-", ar.num(1))),
              "-N1",
              RANDOM_DEVICE,
            ),
            redir(">", "/dev/null", 2),
          ),
          cmd("tr", "-dc", "0-9"),
        )),
      ),
      or(test("-n", v("r")), assign("r", "0")),
      assign(
        "pause",
        arith(ar.op(n("base"), "+", ar.op(n("r"), "%", ar.op(n("half"), "+", ar.num(1))))),
      ),
      ifThen(test(v("pause"), "-gt", v("left")), [assign("pause", v("left"))]),
      cmd(
        fn("say"),
        "4",
        w(...M.retrying(v("try"), v("tries"), v("url"), v("why"), v("pause"))),
      ),
      cmd("sleep", v("pause")),
      ...clear,
    ]),
  ]);
}

/**
 * `tmpfs_root_fetch URL CAFILE MAXTIME`: the archive to stdout; only http
 * and https, and only https after redirects from an https URL; no URL
 * globbing; a transfer under the minimum rate fails, and so does one that
 * is not done in MAXTIME seconds.
 */
function fetchFn(): Command {
  const curl = (ca: Word | null) =>
    withRedirects(
      cmd(...curlCommand({ protoRedir: w(v("redir")), maxTime: w(v("3")), ca, url: w(v("1")) })),
      redir(">", CURL_ERR, 2),
    );
  return func(fn("fetch"), [
    local("redir", "=http,https"),
    caseOf(v("1"), [[[pat("https://", ANY)], [assign("redir", "=https")]]]),
    ifThen(test("-n", v("2")), [curl(w(v("2")))], [curl(null)]),
  ]);
}

/**
 * `tmpfs_root_cap BYTES`: copies at most BYTES of stdin to stdout; returns
 * 3 when more would have come (the download is larger than the tmpfs).
 */
function capFn(): Command {
  return func(fn("cap"), [
    or(cmd("head", "-c", v("1")), ret(1)),
    ifThen(anyByte(withRedirects(cmd("dd", "bs=1", "count=1"), redir(">", "/dev/null", 2))), [
      ret(3),
    ]),
    ret(0),
  ]);
}

/**
 * `tmpfs_root_take NAME DEST DIR CAFILE MISSING`: copies the sidecar (or its
 * signature) NAME to DEST, at most one byte more than a sidecar may have:
 * from DIR on a mounted source, or downloaded (NAME is a URL) with the
 * archive's curl options and the time left before the deadline. 0 when
 * done, else 1 with the cause set: MISSING when there is no such file
 * (HTTP 404).
 */
function takeFn(ctx: Context): Command {
  const n = ar.name;
  const most = String(SIDECAR_MAX_BYTES + 1);
  return func(fn("take"), [
    local("rf", "0"),
    local("now"),
    local("left"),
    local("code"),
    caseOf(v(SRC.kind), [
      [kinds(ctx, (k) => k.access === "streamed"), [
        assign("now", subst(cmd(fn("uptime")))),
        assign(
          "left",
          arith(ar.op(ar.op(n(STARTED), "+", n(paramVar(TIMEOUT_SPEC))), "-", n("now"))),
        ),
        ifThen(test(v("left"), "-le", "0"), [
          say(M.deadline(v("1"), v(paramVar(TIMEOUT_SPEC)))),
          ret(1),
        ]),
        withRedirects(cmd("rm", "-f", STATUS("fetch")), redir(">", "/dev/null", 2)),
        pipe(
          group([
            cmd(fn("fetch"), v("1"), v("4"), v("left")),
            withRedirects(cmd("echo", v("?")), redir(">", STATUS("fetch"))),
          ]),
          withRedirects(cmd("head", "-c", most), redir(">", v("2"))),
        ),
        assign("rf", subst(cmd("cat", STATUS("fetch")))),
      ]],
      [[pat(ANY)], [
        ifThen(not(test("-f", w(v("3"), "/", v("1")))), [assign(CAUSE, v("5")), ret(2)]),
        ifThen(
          not(withRedirects(
            cmd("head", "-c", most, w(v("3"), "/", v("1"))),
            redir(">", v("2")),
            redir(">", ERR, 2),
          )),
          [say(M.unreadable(v("1"), firstLine(ERR))), ret(1)],
        ),
      ]],
    ]),
    ifThen(
      anyByte(withRedirects(
        cmd("dd", w("if=", v("2")), "bs=1", `skip=${SIDECAR_MAX_BYTES}`, "count=1"),
        redir(">", "/dev/null", 2),
      )),
      [say(M.sidecarTooLarge(v("1"))), ret(1)],
    ),
    and(test(v("rf"), "=", "0"), ret(0)),
    assign("code", httpCode()),
    ifThen(test(v("code"), "=", "404"), [assign(CAUSE, v("5")), ret(2)]),
    say(M.fetchFailed(v("1"), curlError())),
    ret(1),
  ]);
}

/**
 * `tmpfs_root_parse_sidecar FILE NAME`: the model's parseSidecar in shell:
 * prints the digest of NAME's line in lower case; returns 1 when a line is
 * not in sha256sum's format, 2 when no line names NAME, 3 when two name it
 * with different digests.
 */
function parseSidecarFn(): Command {
  const name = (x: Slot) => test(x, "=", v("2"));
  return func(fn("parse_sidecar"), [
    local("LC_ALL", "C"),
    local("line"),
    local("hex"),
    local("rest"),
    local("entry"),
    local("found", ""),
    local("both", ""),
    withRedirects(
      group([
        whileDo(or(withAssign("IFS", "", cmd("read", "-r", "line")), test("-n", v("line"))), [
          caseOf(v("line"), [
            [[pat("")], [cmd("continue")]],
            [[pat(ANY, " ", ANY)], [cmd(":")]],
            [[pat(ANY)], [ret(1)]],
          ]),
          assign("hex", strip("line", "%%", pat(" ", ANY))),
          caseOf(v("hex"), [[[pat(ANY, glob("[!0-9A-Fa-f]"), ANY)], [ret(1)]]]),
          or(test(len("hex"), "-eq", "64"), ret(1)),
          assign("rest", strip("line", "#", pat(ANY, " "))),
          caseOf(v("rest"), [
            [[pat(" ", glob("?"), ANY), pat("*", glob("?"), ANY)], [
              assign("entry", strip("rest", "#", pat(glob("?")))),
            ]],
            [[pat(ANY)], [ret(1)]],
          ]),
          ifThen(or(name(v("entry")), name(strip("entry", "##", pat(ANY, "/")))), [
            assign("hex", subst(cmd(fn("lower"), v("hex")))),
            ifThen(and(test("-n", v("found")), test(v("found"), "!=", v("hex"))), [
              assign("both", "1"),
            ]),
            assign("found", v("hex")),
          ]),
        ]),
      ]),
      redir("<", v("1")),
    ),
    and(test("-n", v("both")), ret(3)),
    or(test("-n", v("found")), ret(2)),
    cmd("printf", "%s", v("found")),
  ]);
}

/**
 * `tmpfs_root_check_signature DATA SIG KEYDIR`: true when one public key
 * under KEYDIR verifies the signature SIG of the file DATA.
 */
function checkSignatureFn(): Command {
  return func(fn("check_signature"), [
    local("k"),
    forIn("k", [pat(v("3"), "/", ANY)], [
      or(test("-f", v("k")), cmd("continue")),
      ifThen(
        withRedirects(
          cmd(...signatureCommand({ key: w(v("k")), data: w(v("1")), sig: w(v("2")) })),
          redir(">", "/dev/null"),
          redir(">", "/dev/null", 2),
        ),
        [ret(0)],
      ),
    ]),
    ret(1),
  ]);
}

/**
 * `tmpfs_root_parse_manifest FILE NAME`: the model's checkManifest in
 * shell: prints `<unpacked bytes> <inodes> <compressed bytes> <attributes>
 * <archive>` (attributes: the `attributes=` value, every kind without one),
 * or returns 1 and prints the first problem.
 */
function parseManifestFn(): Command {
  const n = ar.name;
  const known = ["version", ...MANIFEST_FIELDS.map((f) => f.key)];
  const problem = (m: Message<Slot>) => [cmd("printf", "%s", w(...m)), ret(1)];
  const valueOf = (key: string) => `m_${key}`;
  const checks: Command[] = MANIFEST_FIELDS.flatMap((f) => {
    const value = v(valueOf(f.key));
    const bad = problem(M.manifestValue(f.key, f.expected));
    const rule: Command[] = (() => {
      switch (f.key) {
        case "archive":
          return [
            ifThen(
              or(test("-z", value), not(cmd(fn("only"), MANIFEST_NAME_CHARS, value))),
              bad,
            ),
            ifThen(test(len(valueOf(f.key)), "-gt", String(MANIFEST_NAME_MAX)), bad),
          ];
        case "format":
          return [caseOf(value, [[FORMATS.map((x) => pat(x)), [cmd(":")]], [[pat(ANY)], bad]])];
        case "sha256":
          return [
            caseOf(value, [[[pat(ANY, glob("[!0-9a-f]"), ANY)], bad]]),
            ifThen(test(len(valueOf(f.key)), "-ne", "64"), bad),
          ];
        case "attributes":
          // Optional: without the line, every kind.
          return [
            ifThen(test(v(`g_${f.key}`), "=", "1"), [
              caseOf(value, [[ATTRIBUTE_LISTS.map((l) => pat(l)), [cmd(":")]], [[pat(ANY)], bad]]),
            ], [assign(valueOf(f.key), attributeList(ATTRIBUTES))]),
          ];
        default:
          // A count: 0, or up to MANIFEST_COUNT_DIGITS digits without a leading zero.
          return [
            caseOf(value, [
              [["0"], [cmd(":")]],
              [[pat(""), pat(ANY, glob("[!0-9]"), ANY), pat("0", ANY)], bad],
            ]),
            ifThen(test(len(valueOf(f.key)), "-gt", String(MANIFEST_COUNT_DIGITS)), bad),
          ];
      }
    })();
    return [
      ...(f.optional
        ? []
        : [ifThen(test(v(`g_${f.key}`), "!=", "1"), problem(M.manifestMissing(f.key)))]),
      ...rule,
    ];
  });
  return func(fn("parse_manifest"), [
    local("line"),
    local("key"),
    local("i", "0"),
    ...known.flatMap((k) => [local(valueOf(k), ""), local(`g_${k}`, "")]),
    withRedirects(
      group([whileDo(or(withAssign("IFS", "", cmd("read", "-r", "line")), test("-n", v("line"))), [
        assign("i", arith(ar.op(n("i"), "+", ar.num(1)))),
        caseOf(v("line"), [
          [[pat(""), pat("#", ANY)], [cmd("continue")]],
          [[pat("=", ANY)], problem(M.manifestLine(v("i")))],
          [[pat(ANY, "=", ANY)], [cmd(":")]],
          [[pat(ANY)], problem(M.manifestLine(v("i")))],
        ]),
        assign("key", strip("line", "%%", pat("=", ANY))),
        caseOf(
          v("key"),
          known.map((k): [Pattern[], Command[]] => [
            [pat(k)],
            [
              ifThen(test(v(`g_${k}`), "=", "1"), problem(M.manifestTwice(k))),
              assign(`g_${k}`, "1"),
              assign(valueOf(k), strip("line", "#", pat(ANY, "="))),
            ],
          ]),
        ),
      ])]),
      redir("<", v("1")),
    ),
    ifThen(test(v("g_version"), "!=", "1"), problem(M.manifestNoVersion())),
    ifThen(
      test(v(valueOf("version")), "!=", String(MANIFEST_VERSION)),
      problem(M.manifestVersion(String(MANIFEST_VERSION))),
    ),
    ...checks,
    ifThen(
      test(v(valueOf("archive")), "!=", v("2")),
      problem(M.manifestOther(v(valueOf("archive")))),
    ),
    cmd(
      "printf",
      "%s %s %s %s %s",
      v(valueOf("unpacked_bytes")),
      v(valueOf("inodes")),
      v(valueOf("compressed_bytes")),
      v(valueOf("attributes")),
      v(valueOf("archive")),
    ),
  ]);
}

/** `tmpfs_root_ram`: the RAM in bytes, from MemTotal in /proc/meminfo. */
function ramFn(): Command {
  return func(fn("ram"), [
    local("k"),
    local("kb"),
    withRedirects(
      group([whileDo(cmd("read", "-r", "k", "kb", "_"), [
        ifThen(test(v("k"), "=", "MemTotal:"), [
          caseOf(v("kb"), [[[pat(""), pat(ANY, glob("[!0-9]"), ANY)], [ret(1)]]]),
          cmd("printf", "%s", arith(ar.op(ar.name("kb"), "*", ar.num(1024)))),
          ret(0),
        ]),
      ])]),
      redir(">", "/dev/null", 2),
      redir("<", "/proc/meminfo"),
    ),
    ret(1),
  ]);
}

/**
 * `tmpfs_root_size_bytes SIZE RAM`: what a tmpfs of size SIZE holds on a
 * machine with RAM bytes, in whole pages (the model's tmpfsBytes).
 */
function sizeBytesFn(): Command {
  const n = ar.name;
  return func(fn("size_bytes"), [
    local("b"),
    local("ram", v("2")),
    caseOf(v("1"), [
      [[pat(ANY, "%")], [
        assign("b", strip("1", "%", pat("%"))),
        assign("b", arith(ar.op(ar.op(n("ram"), "*", n("b")), "/", ar.num(100)))),
      ]],
      [[pat(ANY)], [assign("b", subst(cmd(fn("count"), v("1"))))]],
    ]),
    cmd(
      "printf",
      "%s",
      arith(ar.op(ar.op(ar.op(n("b"), "+", ar.num(4095)), "/", ar.num(4096)), "*", ar.num(4096))),
    ),
  ]);
}

/** `tmpfs_root_count N`: a count with an optional k, m or g (the model's countOf). */
function countFn(): Command {
  const n = ar.name;
  const unit = (suffix: string, times: number): [Pattern[], Command[]] => [
    [pat(ANY, glob(`[${suffix}${suffix.toUpperCase()}]`))],
    [assign("c", arith(ar.op(n("c"), "*", ar.num(times))))],
  ];
  return func(fn("count"), [
    local("c", strip("1", "%", pat(glob("[kKmMgG]")))),
    caseOf(v("1"), [unit("k", 1024), unit("m", 1024 ** 2), unit("g", 1024 ** 3)]),
    cmd("printf", "%s", v("c")),
  ]);
}

/** `tmpfs_root_human BYTES`: bytes as the console gives them (the model's humanBytes). */
function humanFn(): Command {
  const n = ar.name;
  return func(fn("human"), [
    local("b", v("1")),
    local("size", "1"),
    local("unit", ""),
    local("u"),
    local("t"),
    forIn("u", ["KiB", "MiB", "GiB", "TiB"], [
      or(test(v("1"), "-ge", arith(ar.op(n("size"), "*", ar.num(1024)))), cmd("break")),
      assign("size", arith(ar.op(n("size"), "*", ar.num(1024)))),
      assign("unit", v("u")),
    ]),
    ifThen(test("-z", v("unit")), [cmd("printf", "%s bytes", v("1")), ret(0)]),
    assign(
      "t",
      arith(ar.op(
        ar.op(ar.op(n("b"), "*", ar.num(10)), "+", ar.op(n("size"), "/", ar.num(2))),
        "/",
        n("size"),
      )),
    ),
    cmd(
      "printf",
      "%s.%s %s",
      arith(ar.op(n("t"), "/", ar.num(10))),
      arith(ar.op(n("t"), "%", ar.num(10))),
      v("unit"),
    ),
  ]);
}

/** `tmpfs_root_nth LIST K`: the K-th word (from 0) of a list with one space between words. */
function nthFn(): Command {
  return func(fn("nth"), [
    local("rest", v("1")),
    local("k", v("2")),
    whileDo(test(v("k"), "-gt", "0"), [
      assign("rest", strip("rest", "#", pat(ANY, " "))),
      assign("k", arith(ar.op(ar.name("k"), "-", ar.num(1)))),
    ]),
    cmd("printf", "%s", strip("rest", "%%", pat(" ", ANY))),
  ]);
}

/**
 * `tmpfs_root_urls FILE`: the archive's URLs, one space between: the
 * source's, then each mirror's, with FILE appended to those ending with /.
 */
function urlsFn(): Command {
  return func(fn("urls"), [
    local("rest", w(v(SRC.url), " ", v(paramVar(MIRROR_SPEC)))),
    local("u"),
    local("out", ""),
    whileDo(test("-n", v("rest")), [
      assign("u", strip("rest", "%%", pat(" ", ANY))),
      assign("rest", strip("rest", "#", pat(v("u")))),
      assign("rest", strip("rest", "#", pat(" "))),
      caseOf(v("u"), [[[pat(ANY, "/")], [assign("u", w(v("u"), v("1")))]]]),
      assign("out", w(v("out"), " ", v("u"))),
    ]),
    cmd("printf", "%s", strip("out", "#", pat(" "))),
  ]);
}

/** `tmpfs_root_uptime`: whole seconds since boot. */
function uptimeFn(): Command {
  return func(fn("uptime"), [
    local("up", "0"),
    withRedirects(
      group([cmd("read", "-r", "up", "_")]),
      redir("<", "/proc/uptime"),
      redir(">", "/dev/null", 2),
    ),
    cmd("printf", "%s", strip("up", "%%", pat(".", ANY))),
  ]);
}

/** `tmpfs_root_capacity DIR`: the bytes the file system at DIR holds (df's 1024-byte blocks). */
function capacityFn(): Command {
  return func(fn("capacity"), [
    local("kb"),
    assign(
      "kb",
      subst(pipe(
        withRedirects(cmd("df", "-P", "-k", v("1")), redir(">", "/dev/null", 2)),
        cmd("sed", "-n", "2s/^[^ ]*  *\\([0-9][0-9]*\\) .*/\\1/p"),
      )),
    ),
    caseOf(v("kb"), [[[pat(""), pat(ANY, glob("[!0-9]"), ANY)], [ret(1)]]]),
    cmd("printf", "%s", arith(ar.op(ar.name("kb"), "*", ar.num(1024)))),
  ]);
}

/** Every step, undo and phase function of a sequence. */
export function stepsLibrary(seq: BootSequence, ctx: Context): Command[] {
  return [
    firstLineFn(),
    firstErrorFn(),
    requestNetworkFn(ctx),
    decompressFn(),
    feedFn(),
    passFn(),
    progressFn(),
    clockFn(),
    fieldFn(),
    sizeOfFn(),
    hashFn(),
    extractFn(),
    fetchFn(),
    urlsFn(),
    nthFn(),
    capFn(),
    parseManifestFn(),
    ramFn(),
    sizeBytesFn(),
    humanFn(),
    mountTmpfsFn(),
    countFn(),
    takeFn(ctx),
    parseSidecarFn(),
    checkSignatureFn(),
    uptimeFn(),
    capacityFn(),
    downloadFn(),
    ...layerFunctions(),
    ...undoFunctions(seq),
    ...stepFunctions(seq, ctx),
    ...seq.phases.map((p) => phaseFunction(seq, p, ctx)),
  ];
}

function assertNever(x: never): never {
  throw new TypeError(`Unexpected node ${JSON.stringify(x)}`);
}
