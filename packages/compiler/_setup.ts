/**
 * module-setup.sh: dracut's check, depends, installkernel and install,
 * with the programs to install derived from the emitted scripts.
 */
import {
  and,
  assign,
  caseOf,
  cmd,
  type Command,
  comment,
  forIn,
  func,
  glob,
  ifThen,
  local,
  not,
  or,
  orDefault,
  pat,
  pipe,
  redir,
  type Script,
  script,
  strip,
  subst,
  v,
  w,
  whileDo,
  withAssign,
  withRedirects,
} from "@tmpfs-root/shell";
import {
  KEYS_DIR,
  PARAM_MODULES,
  PUBKEYS_VAR,
  ROOT_PREFIX,
  SIGNATURE_PROGRAMS,
} from "@tmpfs-root/model";
import { type Context, kinds } from "./_context.ts";
import { fn } from "./_names.ts";
import type { Placement } from "./compile_module.ts";
import { ret, test } from "./_runtime.ts";
import { SYSTEMD_DIR } from "./_hooks.ts";

const ANY = glob("*");
const UTILDIR = "$systemdutildir/";

/**
 * `tmpfs_root_build_sources`: which source kinds (and extras such as lvm)
 * this initramfs must support, from `tmpfs_root_sources`, else the command
 * line baked in (and the host's own in host-only mode), else every kind
 * (host-only: the kinds that need no other dracut module).
 */
function buildSources(ctx: Context): Command {
  // The kinds every image supports, and every kind.
  const always = kinds(ctx, (k) => k.always === true);
  const every = kinds(ctx, () => true);
  const has = (patterns: readonly string[], word: string) =>
    caseOf(v("line"), [[patterns.map((p) => pat(ANY, p, ANY)), [cmd("printf", " %s", word)]]]);
  return func(fn("build_sources"), [
    ifThen(test("-n", orDefault("tmpfs_root_sources", "")), [
      cmd("printf", "%s\\n", v("tmpfs_root_sources")),
      ret(0),
    ]),
    comment(
      "The command line baked in with --kernel-cmdline, and the host's own in host-only mode.",
    ),
    local("line", orDefault("kernel_cmdline", "")),
    ifThen(and(test("-n", orDefault("hostonly", "")), test("-r", "/proc/cmdline")), [
      assign("line", w(v("line"), " ", subst(cmd("cat", "/proc/cmdline")))),
    ]),
    caseOf(v("line"), [
      [[pat(ANY, ROOT_PREFIX, ANY)], [
        cmd("printf", always.join(" ")),
        ...ctx.sources.filter((k) => k.always !== true).map((k) =>
          has(k.prefixes.map((p) => `${ROOT_PREFIX}${p}`), k.kind)
        ),
        ...PARAM_MODULES.map((m) => has([m.param], m.name)),
        cmd("printf", "\\n"),
        ret(0),
      ]],
    ]),
    ifThen(test("-n", orDefault("hostonly", "")), [cmd("printf", `${always.join(" ")}\\n`)], [
      cmd("printf", `${every.join(" ")}\\n`),
    ]),
  ]);
}

/** `case " $sources " in *" WORD "*) BODY ;; esac`. */
function whenSource(word: string, body: Command[]): Command {
  return caseOf(w(" ", v("sources"), " "), [[[pat(ANY, ` ${word} `, ANY)], body]]);
}

/** What each kind (or extra) needs of dracut, when the image supports it. */
function needs(ctx: Context) {
  return [
    ...ctx.sources.map((k) => ({
      word: k.kind,
      modules: k.dracutModules,
      kernel: k.kernelModules,
      programs: k.programs,
    })),
    ...PARAM_MODULES.map((m) => ({
      word: m.name,
      modules: m.modules,
      kernel: [] as readonly string[],
      programs: [] as readonly string[],
    })),
  ];
}

/** True when dracut has module $1. */
function hasModule(): Command {
  return func(fn("has_module"), [
    test("-n", subst(cmd("dracut_module_path", v("1")))),
  ]);
}

/** `tmpfs_root_each_key FUNCTION`: FUNCTION KEY for each path `tmpfs_root_pubkeys` names. */
function eachKey(): Command {
  return func(fn("each_key"), [
    local("rest", orDefault(PUBKEYS_VAR, "")),
    local("k"),
    whileDo(cmd(":"), [
      assign("rest", strip("rest", "#", pat(strip("rest", "%%", pat(glob("[![:space:]]"), ANY))))),
      or(test("-n", v("rest")), ret(0)),
      assign("k", strip("rest", "%%", pat(glob("[[:space:]]"), ANY))),
      assign("rest", strip("rest", "#", pat(v("k")))),
      or(cmd(v("1"), v("k")), ret(1)),
    ]),
  ]);
}

/** How a usable key's `openssl pkey -text` starts. */
const ED25519_TEXT = "ED25519 Public-Key:";

/** `tmpfs_root_check_key KEY`: KEY must be an Ed25519 public key (not a private one). */
function checkKey(): Command {
  return func(fn("check_key"), [
    local("what"),
    ifThen(not(test("-f", v("1"))), [
      cmd("derror", w("tmpfs-root: public key ", v("1"), ` (${PUBKEYS_VAR}) does not exist`)),
      ret(1),
    ]),
    comment("The boot looks for keys with a glob, which leaves out names that start with a dot."),
    caseOf(strip("1", "##", pat(ANY, "/")), [[[pat(".", ANY)], [
      cmd(
        "derror",
        w("tmpfs-root: public key ", v("1"), ` (${PUBKEYS_VAR}): its file name starts with a dot`),
      ),
      ret(1),
    ]]]),
    assign(
      "what",
      subst(pipe(
        withRedirects(
          cmd("openssl", "pkey", "-pubin", "-in", v("1"), "-noout", "-text"),
          redir(">", "/dev/null", 2),
        ),
        cmd("sed", "-n", "1p"),
      )),
    ),
    caseOf(v("what"), [[[pat(ED25519_TEXT, ANY)], [ret(0)]]]),
    cmd(
      "derror",
      w(
        "tmpfs-root: ",
        v("1"),
        ` (${PUBKEYS_VAR}) is not an Ed25519 public key: make one with openssl genpkey -algorithm ed25519 -out site.key and openssl pkey -in site.key -pubout -out site.pub`,
      ),
    ),
    ret(1),
  ]);
}

/** `tmpfs_root_install_key KEY`: KEY into the keys folder, by its file name (each name once). */
function installKey(): Command {
  const name = strip("1", "##", pat(ANY, "/"));
  return func(fn("install_key"), [
    local("to", w(`${KEYS_DIR}/`, name)),
    ifThen(test("-e", w(orDefault("initdir", ""), v("to"))), [
      cmd(
        "derror",
        w("tmpfs-root: two public keys are named ", name, ` (${PUBKEYS_VAR}): rename one`),
      ),
      ret(1),
    ]),
    cmd("inst_simple", v("1"), v("to")),
  ]);
}

/** module-setup.sh. */
export function moduleSetup(
  required: readonly string[],
  optional: readonly string[],
  place: Placement,
  ctx: Context,
): Script {
  const sources = fn("build_sources");
  const NEEDS = needs(ctx);
  const keys = test("-n", orDefault(PUBKEYS_VAR, ""));
  return script([
    comment("tmpfs-root: dracut module setup (generated; do not edit)."),
    buildSources(ctx),
    hasModule(),
    eachKey(),
    checkKey(),
    installKey(),
    func("check", [
      or(cmd("require_binaries", ...required), ret(1)),
      comment("With public keys every archive's signature is checked: each key must be usable."),
      ifThen(keys, [
        or(cmd("require_binaries", ...SIGNATURE_PROGRAMS), ret(1)),
        or(cmd(fn("each_key"), fn("check_key")), ret(1)),
      ]),
      comment('Only when asked for (-a tmpfs-root or add_dracutmodules+=" tmpfs-root ").'),
      ret(255),
    ]),
    func("depends", [
      local("deps", ""),
      local("sources"),
      assign("sources", subst(cmd(sources))),
      ...NEEDS.filter((n) => n.modules.length > 0).map((n) =>
        whenSource(n.word, [
          ifThen(
            n.modules.map((m): Command => cmd(fn("has_module"), m)).reduce((a, b) => and(a, b)),
            [
              assign("deps", w(v("deps"), ` ${n.modules.join(" ")}`)),
            ],
          ),
        ])
      ),
      cmd("printf", "%s\\n", v("deps")),
      ret(0),
    ]),
    func("installkernel", [
      local("sources"),
      local("m"),
      assign("sources", subst(cmd(sources))),
      comment("The file systems a source may carry; tmpfs itself is built in."),
      ...NEEDS.filter((n) => n.kernel.length > 0).map((n) =>
        whenSource(n.word, [
          forIn("m", n.kernel, [
            or(withAssign("hostonly", "", cmd("instmods", v("m"))), cmd(":")),
          ]),
        ])
      ),
      ret(0),
    ]),
    func("install", [
      local("sources"),
      assign("sources", subst(cmd(sources))),
      cmd("inst_multiple", ...required),
      cmd("inst_multiple", "-o", ...optional),
      ...NEEDS.filter((n) => n.programs.length > 0).map((n) =>
        whenSource(n.word, [cmd("inst_multiple", "-o", ...n.programs)])
      ),
      comment("openssl and the keys only into an image that checks signatures; it always does."),
      ifThen(keys, [
        ifThen(
          not(and(
            cmd("inst_multiple", ...SIGNATURE_PROGRAMS),
            cmd(fn("each_key"), fn("install_key")),
          )),
          [
            cmd("dfatal", `tmpfs-root: could not install the public keys (${PUBKEYS_VAR})`),
            comment("dracut 059 ignores what install returns: an image without the keys"),
            comment("would boot unsigned archives."),
            cmd("exit", "1"),
          ],
        ),
      ]),
      ...place.libs.map((l) => cmd("inst_simple", w(v("moddir"), "/", l.file), l.to)),
      ...place.hooks.map((h) =>
        cmd("inst_hook", h.hook, String(h.priority), w(v("moddir"), "/", h.file))
      ),
      ifThen(cmd("dracut_module_included", "systemd"), [
        ...place.systemd.map((s) => {
          const to = s.to.startsWith(UTILDIR)
            ? w(v("systemdutildir"), s.to.slice(UTILDIR.length - 1))
            : w(s.to);
          return cmd(s.executable ? "inst_script" : "inst_simple", w(v("moddir"), "/", s.file), to);
        }),
      ]),
      ret(0),
    ]),
  ], { directives: ["disable=SC3043,SC2154"] });
}

export { SYSTEMD_DIR };
