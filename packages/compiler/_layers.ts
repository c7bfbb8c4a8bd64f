/**
 * Layers in shell: the model's `overlay` rule (packages/model/layers.ts)
 * carried out on the tmpfs. A layer after the first is unpacked into a
 * stage folder inside the tmpfs, then laid over the root by renames alone
 * (the same file system: nothing is copied, the tmpfs never holds a layer
 * twice). Every path the functions touch has only real directories above
 * it (never a symbolic link an archive planted), so nothing outside the
 * new root is ever removed or written.
 */
import {
  dropWhiteoutsCommand,
  LAYER_STAGE,
  messages,
  OPAQUE_WHITEOUT,
  WHITEOUT_PREFIX,
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
  local,
  not,
  or,
  pat,
  redir,
  strip,
  subst,
  v,
  w,
  withRedirects,
} from "@tmpfs-root/shell";
import { fn, RUN_DIR } from "./_names.ts";
import { cause, ret, test } from "./_runtime.ts";

const M = messages<Parameters<typeof w>[number]>();
const ANY = glob("*");
/** Where the layer functions leave the error of the command that failed. */
export const LAYER_ERR = `${RUN_DIR}/layer.err`;
const ERR = LAYER_ERR;

/** The entries of a directory, dot files included, as `for` items (a missing match stays literal). */
const entries = (dir: string) => [
  pat(v(dir), "/", ANY),
  pat(v(dir), "/.", glob("[!.]"), ANY),
  pat(v(dir), "/..", glob("?"), ANY),
];

/** `[ -e X ] || [ -L X ]`: something is there, a dangling link included. */
const exists = (x: Parameters<typeof w>[number]) => or(test("-e", x), test("-L", x));

/** A directory, not a symbolic link to one. */
const realDir = (x: Parameters<typeof w>[number]) => and(test("-d", x), not(test("-L", x)));

/**
 * The whiteouts of the directory `up` (the layer's), applied to `low`: each
 * `.wh.<name>` removes `low/<name>`, then itself. Names the specification
 * reserves (`.wh..wh.*`) and ones that name no entry are only removed.
 */
function whiteouts(up: string, low: string, keep?: string): Command[] {
  return [
    forIn("c", [pat(v(up), "/", WHITEOUT_PREFIX, ANY)], [
      or(exists(v("c")), cmd("continue")),
      assign("name", strip("c", "##", pat(ANY, "/"))),
      assign("name", strip("name", "#", pat(WHITEOUT_PREFIX))),
      caseOf(v("name"), [
        [[pat(""), pat("."), pat(".."), pat(WHITEOUT_PREFIX, ANY)], [cmd(":")]],
        ...(keep === undefined
          ? []
          : [[[pat(strip(keep, "##", pat(ANY, "/")))], [cmd(":")]] as const]),
        [[pat(ANY)], [
          comment("name is one component, neither empty nor . nor .."),
          assign("t", w(v(low), "/", v("name"))),
          or(withRedirects(cmd("rm", "-rf", v("t")), redir(">", ERR, 2)), ret(1)),
        ]],
      ]),
      or(withRedirects(cmd("rm", "-rf", v("c")), redir(">", ERR, 2)), ret(1)),
    ]),
  ];
}

/**
 * `tmpfs_root_merge UP LOW DEPTH`: merges the directory LOW (the layers below)
 * into UP (the layer's), both real directories: UP's whiteouts remove
 * LOW's entries, an opaque UP hides LOW whole, a directory in both is
 * merged in turn, and LOW's entries UP lacks are moved into UP (one `mv`
 * for them all). UP keeps its own metadata and its time; LOW is gone
 * after. Returns non-zero, with the error in layer.err, when a command
 * fails.
 */
function mergeFn(): Command {
  return func(fn("merge"), [
    local("up", v("1")),
    local("low", v("2")),
    local("depth", v("3")),
    local("c"),
    local("t"),
    local("name"),
    comment("One time stamp for each depth of the recursion."),
    local("stamp", w(RUN_DIR, "/layer.stamp.", v("depth"))),
    comment("The upper directory's time, which the renames into it would change."),
    withRedirects(cmd("touch", "-r", v("up"), v("stamp")), redir(">", "/dev/null", 2)),
    ifThen(exists(w(v("up"), "/", OPAQUE_WHITEOUT)), [
      or(
        withRedirects(
          cmd("rm", "-rf", w(v("up"), "/", OPAQUE_WHITEOUT), v("low")),
          redir(">", ERR, 2),
        ),
        ret(1),
      ),
    ], [
      ...whiteouts("up", "low"),
      cmd("set", "--"),
      forIn("c", entries("low"), [
        or(exists(v("c")), cmd("continue")),
        assign("name", strip("c", "##", pat(ANY, "/"))),
        ifThen(exists(w(v("up"), "/", v("name"))), [
          ifThen(and(realDir(w(v("up"), "/", v("name"))), realDir(v("c"))), [
            or(
              cmd(
                fn("merge"),
                w(v("up"), "/", v("name")),
                v("c"),
                arith(ar.op(ar.name("depth"), "+", ar.num(1))),
              ),
              ret(1),
            ),
          ]),
        ], [cmd("set", "--", v("@"), v("c"))]),
      ]),
      ifThen(test(v("#"), "-gt", "0"), [
        or(
          withRedirects(cmd("mv", "-f", "--", v("@"), w(v("up"), "/")), redir(">", ERR, 2)),
          ret(1),
        ),
      ]),
      or(withRedirects(cmd("rm", "-rf", v("low")), redir(">", ERR, 2)), ret(1)),
    ]),
    withRedirects(cmd("touch", "-r", v("stamp"), v("up")), redir(">", "/dev/null", 2)),
    ret(0),
  ]);
}

/**
 * `tmpfs_root_lay STAGE ROOT`: lays the layer unpacked in STAGE (a folder
 * inside ROOT) over ROOT, as `tmpfs_root_merge` does one level down (ROOT,
 * a mount point, stays), then removes STAGE and every whiteout left in the
 * root. Returns non-zero with the error in layer.err.
 */
function layFn(): Command {
  return func(fn("lay"), [
    local("stage", v("1")),
    local("root", v("2")),
    local("c"),
    local("t"),
    local("name"),
    local("up"),
    local("stamp", w(RUN_DIR, "/layer.stamp.0")),
    withRedirects(cmd("touch", "-r", v("root"), v("stamp")), redir(">", "/dev/null", 2)),
    comment("An opaque top: nothing of the layers below stays (the stage itself does)."),
    ifThen(exists(w(v("stage"), "/", OPAQUE_WHITEOUT)), [
      forIn("c", entries("root"), [
        or(exists(v("c")), cmd("continue")),
        and(test(v("c"), "=", v("stage")), cmd("continue")),
        or(withRedirects(cmd("rm", "-rf", v("c")), redir(">", ERR, 2)), ret(1)),
      ]),
    ]),
    ...whiteouts("stage", "root", "stage"),
    cmd("set", "--"),
    forIn("c", entries("stage"), [
      or(exists(v("c")), cmd("continue")),
      assign("name", strip("c", "##", pat(ANY, "/"))),
      assign("up", w(v("root"), "/", v("name"))),
      comment("The stage's own name: an entry that would be laid over the stage itself."),
      ifThen(test(v("up"), "=", v("stage")), [
        withRedirects(cmd("printf", "it holds %s\\n", v("name")), redir(">", ERR)),
        ret(1),
      ]),
      ifThen(and(realDir(v("up")), realDir(v("c"))), [
        or(cmd(fn("merge"), v("c"), v("up"), "1"), ret(1)),
      ], [
        or(withRedirects(cmd("rm", "-rf", v("up")), redir(">", ERR, 2)), ret(1)),
      ]),
      cmd("set", "--", v("@"), v("c")),
    ]),
    ifThen(test(v("#"), "-gt", "0"), [
      or(
        withRedirects(cmd("mv", "-f", "--", v("@"), w(v("root"), "/")), redir(">", ERR, 2)),
        ret(1),
      ),
    ]),
    or(withRedirects(cmd("rmdir", v("stage")), redir(">", ERR, 2)), ret(1)),
    or(cmd(fn("drop_whiteouts"), v("root")), ret(1)),
    withRedirects(cmd("touch", "-r", v("stamp"), v("root")), redir(">", "/dev/null", 2)),
    ret(0),
  ]);
}

/**
 * `tmpfs_root_overlay STAGE ROOT NAME`: `tmpfs_root_lay STAGE ROOT`; when
 * it fails, the cause names the layer NAME and the error.
 */
function overlayFn(): Command {
  return func(fn("overlay"), [
    or(
      cmd(fn("lay"), v("1"), v("2")),
      group([
        cause(...M.layerFailed(v("3"), subst(cmd(fn("first_line"), ERR)))),
        ret(1),
      ]),
    ),
  ]);
}

/**
 * `tmpfs_root_drop_whiteouts ROOT`: removes every entry under ROOT whose
 * name starts with `.wh.` (and all under it): the whiteouts that had
 * nothing below them to remove.
 */
function dropWhiteoutsFn(): Command {
  return func(fn("drop_whiteouts"), [
    withRedirects(
      cmd(...dropWhiteoutsCommand(v("1"), `${WHITEOUT_PREFIX}*`)),
      redir(">", ERR, 2),
    ),
  ]);
}

/** The layer functions, for the steps library. */
export function layerFunctions(): Command[] {
  return [mergeFn(), layFn(), overlayFn(), dropWhiteoutsFn()];
}

/** The stage folder's mktemp template under the new root. */
export const STAGE_TEMPLATE = `${LAYER_STAGE}.XXXXXX`;
