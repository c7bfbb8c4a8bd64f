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
  group,
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
  subshell,
  subst,
  v,
  w,
  whileDo,
  withAssign,
  withRedirects,
} from "@tmpfs-root/shell";
import {
  DECOMPRESSOR_PROGRAMS,
  DECOMPRESSORS_VAR,
  FILESYSTEMS_VAR,
  KEYS_DIR,
  KIND_LEFT_OUT,
  PARAM_MODULES,
  PROGRAM_PACKAGES,
  PUBKEYS_VAR,
  ROOT_PREFIX,
  SIGNATURE_PROGRAMS,
  SOURCES_FILE,
  TOOLS_DIR,
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
    // A kind's modules only when they can be installed: an image without them boots the rest.
    ...ctx.sources.map((k) => ({
      word: k.kind,
      modules: k.dracutModules,
      kernel: k.kernelModules,
      programs: k.programs,
      probe: fn("installable"),
    })),
    // An extra the command line asks for: dracut stops the build when it cannot have it.
    ...PARAM_MODULES.map((m) => ({
      word: m.name,
      modules: m.modules,
      kernel: [] as readonly string[],
      programs: [] as readonly string[],
      probe: fn("has_module"),
    })),
  ];
}

/**
 * `tmpfs_root_has_module NAME`: true when dracut has the module NAME and the
 * build does not omit it (`--omit`, `omit_dracutmodules`): a dependency on an
 * omitted module would stop the build. The folder is looked for with a glob
 * of its own (dracut 059's dracut_module_path prints the pattern itself when
 * nothing matches).
 */
function hasModule(): Command {
  return func(fn("has_module"), [
    local("d"),
    local("base", orDefault("dracutbasedir", "/usr/lib/dracut")),
    caseOf(w(" ", orDefault("omit_dracutmodules", ""), " "), [
      [[pat(ANY, " ", v("1"), " ", ANY)], [ret(1)]],
    ]),
    forIn("d", [pat(v("base"), "/modules.d/", glob("[0-9]"), glob("[0-9]"), v("1"))], [
      and(test("-d", v("d")), ret(0)),
    ]),
    ret(1),
  ]);
}

/**
 * `tmpfs_root_installable NAME`: true when dracut has the module NAME, the
 * build does not omit it, and dracut's own check_module (where there is one)
 * finds that it can be installed with every module it depends on (dracut-ng
 * 112's network, in a build without systemd, wants network-legacy, which it
 * no longer has). Run in a subshell: check_module sources other modules'
 * module-setup.sh, and the module is checked as if the build had asked for it.
 */
function installable(): Command {
  return func(fn("installable"), [
    or(cmd(fn("has_module"), v("1")), ret(1)),
    or(
      withRedirects(
        cmd("command", "-v", "check_module"),
        redir(">", "/dev/null", 2),
        redir(">", "/dev/null"),
      ),
      ret(0),
    ),
    withRedirects(
      subshell([
        assign("dracutmodules", w(orDefault("dracutmodules", ""), " ", v("1"))),
        cmd("check_module", v("1")),
      ]),
      redir(">", "/dev/null"),
      redir(">", "/dev/null", 2),
    ),
  ]);
}

/**
 * `tmpfs_root_each WORDS FUNCTION`: calls FUNCTION WORD for each word of
 * WORDS (split at white space); returns 1 as soon as one call fails.
 */
function eachWord(): Command {
  return func(fn("each"), [
    local("rest", v("1")),
    local("k"),
    whileDo(cmd(":"), [
      assign("rest", strip("rest", "#", pat(strip("rest", "%%", pat(glob("[![:space:]]"), ANY))))),
      or(test("-n", v("rest")), ret(0)),
      assign("k", strip("rest", "%%", pat(glob("[[:space:]]"), ANY))),
      assign("rest", strip("rest", "#", pat(v("k")))),
      or(cmd(v("2"), v("k")), ret(1)),
    ]),
  ]);
}

/** `tmpfs_root_package PROGRAM`: prints the Debian package that has PROGRAM. */
function packageFn(): Command {
  const byPackage = new Map<string, string[]>();
  for (const [program, pkg] of Object.entries(PROGRAM_PACKAGES)) {
    byPackage.set(pkg, [...(byPackage.get(pkg) ?? []), program]);
  }
  return func(fn("package"), [
    caseOf(v("1"), [
      ...[...byPackage].map(([pkg, programs]): [string[], Command[]] => [
        programs,
        [cmd("printf", "%s\\n", pkg)],
      ]),
      [[pat(ANY)], [cmd("printf", "%s\\n", v("1"))]],
    ]),
  ]);
}

/**
 * `tmpfs_root_check_tool NAME`: 0 when the build host has the program NAME,
 * 1 when it has none, 2 when NAME is BusyBox's applet (a link to busybox),
 * which lacks options the boot uses (tar's --same-owner, xz's -T0).
 */
function checkTool(): Command {
  return func(fn("check_tool"), [
    local("path"),
    assign("path", subst(withRedirects(cmd("find_binary", v("1")), redir(">", "/dev/null", 2)))),
    or(test("-n", v("path")), ret(1)),
    caseOf(
      subst(withRedirects(
        cmd("readlink", "-f", w(orDefault("dracutsysrootdir", ""), v("path"))),
        redir(">", "/dev/null", 2),
      )),
      [[[pat(ANY, "/busybox"), pat(ANY, "/busybox.", ANY)], [ret(2)]]],
    ),
    ret(0),
  ]);
}

/**
 * `tmpfs_root_require_tool NAME`: like tmpfs_root_check_tool, but says what
 * to install (derror) when the program is missing or BusyBox's.
 */
function requireTool(): Command {
  return func(fn("require_tool"), [
    local("rc", "0"),
    or(cmd(fn("check_tool"), v("1")), assign("rc", v("?"))),
    caseOf(v("rc"), [
      [["0"], [ret(0)]],
      [["1"], [
        cmd(
          "derror",
          w(
            "tmpfs-root: the boot runs ",
            v("1"),
            ", which this host lacks: install it (Debian package ",
            subst(cmd(fn("package"), v("1"))),
            ")",
          ),
        ),
      ]],
      [[pat(ANY)], [
        cmd(
          "derror",
          w(
            "tmpfs-root: ",
            v("1"),
            " on this host is BusyBox's, which lacks options the boot uses: install the full ",
            v("1"),
            " (Debian package ",
            subst(cmd(fn("package"), v("1"))),
            ")",
          ),
        ),
      ]],
    ]),
    ret(1),
  ]);
}

/**
 * `tmpfs_root_inst_tool NAME`: installs the build host's program NAME (and
 * its libraries) as TOOLS_DIR/NAME, the path the hooks run it by; returns 1
 * when the host has none or only BusyBox's.
 */
function instTool(): Command {
  return func(fn("inst_tool"), [
    or(cmd(fn("check_tool"), v("1")), ret(1)),
    cmd("inst_binary", subst(cmd("find_binary", v("1"))), w(`${TOOLS_DIR}/`, v("1"))),
  ]);
}

const FORMATS_WITH_TOOLS = Object.keys(
  DECOMPRESSOR_PROGRAMS,
) as (keyof typeof DECOMPRESSOR_PROGRAMS)[];

/**
 * `tmpfs_root_check_decompressor FORMAT`: FORMAT (a word of
 * tmpfs_root_decompressors) is a format whose decompressor the host has.
 */
function checkDecompressor(): Command {
  return func(fn("check_decompressor"), [
    caseOf(v("1"), [
      ...FORMATS_WITH_TOOLS.map((f): [string[], Command[]] => [[f], [
        cmd(fn("require_tool"), DECOMPRESSOR_PROGRAMS[f][0]!),
      ]]),
      [[pat(ANY)], [
        cmd(
          "derror",
          w(
            `tmpfs-root: ${DECOMPRESSORS_VAR} names "`,
            v("1"),
            `", which is not a compressed format: name some of ${FORMATS_WITH_TOOLS.join(" ")}`,
          ),
        ),
        ret(1),
      ]],
    ]),
  ]);
}

/**
 * `tmpfs_root_inst_filesystem NAME`: installs the kernel module of the file
 * system NAME (a word of tmpfs_root_filesystems) with what it needs; says
 * why and returns 1 when dracut cannot.
 */
function instFilesystem(): Command {
  return func(fn("inst_filesystem"), [
    or(
      withAssign("hostonly", "", cmd("instmods", "-c", v("1"))),
      group([
        cmd(
          "derror",
          w(
            `tmpfs-root: ${FILESYSTEMS_VAR} names "`,
            v("1"),
            `", whose kernel module dracut cannot install for kernel `,
            v("kernel"),
            ": name file systems this kernel has (e.g. ext4 xfs)",
          ),
        ),
        ret(1),
      ]),
    ),
  ]);
}

/**
 * `tmpfs_root_inst_decompressor FORMAT`: installs FORMAT's programs that the
 * host has (gzip, and pigz beside it); returns 1 when it has none.
 */
function instDecompressor(): Command {
  return func(fn("inst_decompressor"), [
    caseOf(
      v("1"),
      FORMATS_WITH_TOOLS.map((f): [string[], Command[]] => {
        const [first, ...rest] = DECOMPRESSOR_PROGRAMS[f];
        return [[f], [
          or(cmd(fn("inst_tool"), first!), ret(1)),
          ...rest.map((p) => or(cmd(fn("inst_tool"), p), cmd(":"))),
        ]];
      }),
    ),
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

/** Ends a build that cannot make a working image: dracut 059 ignores what install returns. */
const exitBuild = cmd("exit", "1");

/** module-setup.sh. */
export function moduleSetup(
  required: readonly string[],
  place: Placement,
  ctx: Context,
): Script {
  const sources = fn("build_sources");
  const NEEDS = needs(ctx);
  const keys = test("-n", orDefault(PUBKEYS_VAR, ""));
  const always = kinds(ctx, (k) => k.always === true);
  return script([
    comment("tmpfs-root: dracut module setup (generated; do not edit)."),
    buildSources(ctx),
    hasModule(),
    installable(),
    eachWord(),
    packageFn(),
    checkTool(),
    requireTool(),
    instTool(),
    checkDecompressor(),
    instDecompressor(),
    instFilesystem(),
    checkKey(),
    installKey(),
    func("check", [
      local("t"),
      or(cmd("require_binaries", ...required), ret(1)),
      comment("The hooks need the full programs: BusyBox's applets lack options they use."),
      forIn("t", required, [or(cmd(fn("require_tool"), v("t")), ret(1))]),
      or(cmd(fn("each"), orDefault(DECOMPRESSORS_VAR, ""), fn("check_decompressor")), ret(1)),
      comment("With public keys every archive's signature is checked: each key must be usable."),
      ifThen(keys, [
        or(cmd("require_binaries", ...SIGNATURE_PROGRAMS), ret(1)),
        or(cmd(fn("each"), v(PUBKEYS_VAR), fn("check_key")), ret(1)),
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
            n.modules.map((m): Command => cmd(n.probe, m)).reduce((a, b) => and(a, b)),
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
      comment(
        `The file systems a source may carry (tmpfs itself is built in): those ${FILESYSTEMS_VAR}`,
      ),
      comment(
        "names, each one a must (dracut stops the build when installkernel fails), else all.",
      ),
      ...NEEDS.filter((n) => n.kernel.length > 0).map((n) =>
        whenSource(n.word, [
          ifThen(test("-n", orDefault(FILESYSTEMS_VAR, "")), [
            or(cmd(fn("each"), v(FILESYSTEMS_VAR), fn("inst_filesystem")), ret(1)),
          ], [
            forIn("m", n.kernel, [
              or(withAssign("hostonly", "", cmd("instmods", v("m"))), cmd(":")),
            ]),
          ]),
        ])
      ),
      ret(0),
    ]),
    func("install", [
      local("sources"),
      local("t"),
      local("kinds", always.join(" ")),
      assign("sources", subst(cmd(sources))),
      comment(`Each program where the hooks run it: ${TOOLS_DIR}/<name>. dracut 059 ignores`),
      comment(
        "what install returns: exit 1 stops a build that would make an image that cannot boot.",
      ),
      forIn("t", required, [
        ifThen(not(cmd(fn("inst_tool"), v("t"))), [
          cmd("dfatal", w("tmpfs-root: could not install ", v("t"))),
          exitBuild,
        ]),
      ]),
      ifThen(test("-n", orDefault(DECOMPRESSORS_VAR, "")), [
        ifThen(
          not(cmd(fn("each"), v(DECOMPRESSORS_VAR), fn("inst_decompressor"))),
          [
            cmd(
              "dfatal",
              `tmpfs-root: could not install the decompressors of ${DECOMPRESSORS_VAR}`,
            ),
            exitBuild,
          ],
        ),
      ], [
        forIn("t", FORMATS_WITH_TOOLS, [or(cmd(fn("inst_decompressor"), v("t")), cmd(":"))]),
      ]),
      ...NEEDS.filter((n) => n.programs.length > 0).map((n) =>
        whenSource(n.word, n.programs.map((p) => or(cmd(fn("inst_tool"), p), cmd(":"))))
      ),
      comment("openssl and the keys only into an image that checks signatures; it always does."),
      ifThen(keys, [
        ifThen(
          not(
            [
              ...SIGNATURE_PROGRAMS.map((p): Command => cmd(fn("inst_tool"), p)),
              cmd(fn("each"), v(PUBKEYS_VAR), fn("install_key")),
            ].reduce((a, b) => and(a, b)),
          ),
          [
            cmd("dfatal", `tmpfs-root: could not install the public keys (${PUBKEYS_VAR})`),
            exitBuild,
          ],
        ),
      ]),
      comment("The source kinds this image boots: the boot refuses another with a clear line."),
      ...ctx.sources.filter((k) => k.always !== true).map((k) => {
        const needs = [
          ...k.dracutModules.map((m) => cmd("dracut_module_included", m)),
          ...k.programs.map((p) => test("-x", w(orDefault("initdir", ""), `${TOOLS_DIR}/${p}`))),
        ];
        const add = assign("kinds", w(v("kinds"), ` ${k.kind}`));
        const lacks = [
          ...(k.dracutModules.length === 0
            ? []
            : [`dracut cannot install its ${k.dracutModules.join(" and ")} modules in this build`]),
          ...k.programs.map((p) => `${p} is missing`),
        ].join(", or ");
        return whenSource(k.kind, [
          needs.length === 0 ? add : ifThen(needs.reduce((a, b) => and(a, b)), [add], [
            cmd(
              "dwarn",
              `${KIND_LEFT_OUT} ${k.kind} sources: ${lacks}`,
            ),
          ]),
        ]);
      }),
      ifThen(
        not(withRedirects(
          cmd("printf", "%s\\n", v("kinds")),
          redir(">", w(orDefault("initdir", ""), SOURCES_FILE)),
        )),
        [cmd("dfatal", `tmpfs-root: could not write ${SOURCES_FILE}`), exitBuild],
      ),
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
