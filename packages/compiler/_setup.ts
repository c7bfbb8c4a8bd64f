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
  or,
  orDefault,
  pat,
  type Script,
  script,
  subst,
  v,
  w,
  withAssign,
} from "@tmpfs-root/shell";
import { fn, LIB_PATH } from "./_names.ts";
import { ret, test } from "./_runtime.ts";
import { SYSTEMD_DIR } from "./_hooks.ts";

/** The files of the module and where dracut installs them. */
export interface Placement {
  readonly hooks: readonly {
    readonly hook: string;
    readonly priority: number;
    readonly file: string;
  }[];
  readonly lib: string;
  readonly systemd: readonly {
    readonly file: string;
    /** The destination; `$systemdutildir/` at the start stands for dracut's variable. */
    readonly to: string;
    readonly executable: boolean;
  }[];
}

const ANY = glob("*");
const UTILDIR = "$systemdutildir/";

/** Which source kinds this initramfs must support. */
function buildSources(): Command {
  const has = (pattern: string, kind: string) =>
    caseOf(v("line"), [[[pat(ANY, pattern, ANY)], [cmd("printf", " %s", kind)]]]);
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
      [[pat(ANY, "tmpfs:", ANY)], [
        cmd("printf", "block"),
        has("tmpfs:NFS=", "nfs"),
        has("tmpfs:http", "http"),
        has("rd.lvm.lv=", "lvm"),
        cmd("printf", "\\n"),
        ret(0),
      ]],
    ]),
    ifThen(test("-n", orDefault("hostonly", "")), [cmd("printf", "block\\n")], [
      cmd("printf", "block nfs http\\n"),
    ]),
  ]);
}

/** True when dracut has module $1. */
function hasModule(): Command {
  return func(fn("has_module"), [
    test("-n", subst(cmd("dracut_module_path", v("1")))),
  ]);
}

/** module-setup.sh. */
export function moduleSetup(
  required: readonly string[],
  optional: readonly string[],
  place: Placement,
): Script {
  const sources = fn("build_sources");
  return script([
    comment("tmpfs-root: dracut module setup (generated; do not edit)."),
    buildSources(),
    hasModule(),
    func("check", [
      or(cmd("require_binaries", ...required), ret(1)),
      comment('Only when asked for (-a tmpfs-root or add_dracutmodules+=" tmpfs-root ").'),
      ret(255),
    ]),
    func("depends", [
      local("deps", ""),
      local("sources"),
      assign("sources", subst(cmd(sources))),
      caseOf(w(" ", v("sources"), " "), [[[pat(ANY, " nfs ", ANY)], [
        ifThen(cmd(fn("has_module"), "nfs"), [
          assign("deps", w(v("deps"), " network nfs")),
        ]),
      ]]]),
      caseOf(w(" ", v("sources"), " "), [[[pat(ANY, " http ", ANY)], [
        ifThen(cmd(fn("has_module"), "url-lib"), [
          assign("deps", w(v("deps"), " network url-lib")),
        ]),
      ]]]),
      caseOf(w(" ", v("sources"), " "), [[[pat(ANY, " lvm ", ANY)], [
        ifThen(cmd(fn("has_module"), "lvm"), [
          assign("deps", w(v("deps"), " lvm")),
        ]),
      ]]]),
      cmd("printf", "%s\\n", v("deps")),
      ret(0),
    ]),
    func("installkernel", [
      comment("The file systems a source may carry; tmpfs itself is built in."),
      forIn("m", ["ext4", "xfs", "btrfs", "vfat", "iso9660", "squashfs", "udf"], [
        or(withAssign("hostonly", "", cmd("instmods", v("m"))), cmd(":")),
      ]),
      ret(0),
    ]),
    func("install", [
      cmd("inst_multiple", ...required),
      cmd("inst_multiple", "-o", ...optional),
      cmd("inst_simple", w(v("moddir"), "/", place.lib), LIB_PATH),
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
