import { type BootSequence, type PhaseName, SOURCES } from "@tmpfs-root/model";
import { printScript, type Script, script } from "@tmpfs-root/shell";
import {
  cmdlineHook,
  DHCP_NETWORK,
  DIRECTIVES,
  finishedHook,
  generator,
  hookFunctions,
  mountHook,
  NETWORK_DROPIN,
  prePivotHook,
  SYSTEMD_DIR,
  timeoutHook,
  unpackScript,
} from "./_hooks.ts";
import { LIB_PATH, paramVar } from "./_names.ts";
import { paramFunctions } from "./_params.ts";
import { runtime } from "./_runtime.ts";
import { moduleSetup } from "./_setup.ts";
import { stepsLibrary } from "./_steps.ts";
import { OPTIONAL_TOOLS, programsOf } from "./_tools.ts";
import { dhcpNetwork, networkDropIn, printUnit, sysrootMount, unpackService } from "./_units.ts";

/** One file of the generated dracut module. */
export interface ModuleFile {
  /** The path inside the module folder. */
  readonly path: string;
  readonly text: string;
  /** 0o755 for scripts dracut or systemd run, 0o644 otherwise. */
  readonly mode: number;
}

/** A hook file and where dracut runs it: `<hook>/<priority>-<file>` under /lib/dracut/hooks. */
export interface HookPlacement {
  readonly hook: string;
  readonly priority: number;
  readonly file: string;
  /** The model's phase the hook runs, if it runs one. */
  readonly phase: PhaseName | null;
}

/** Where module-setup.sh installs each file of the module, as data. */
export interface Placement {
  readonly hooks: readonly HookPlacement[];
  /** The library's file in the module, installed at {@linkcode LIBRARY}. */
  readonly lib: string;
  /** systemd's pieces, installed when the image has systemd. */
  readonly systemd: readonly {
    readonly file: string;
    /** The destination; `$systemdutildir/` at the start stands for dracut's variable. */
    readonly to: string;
    readonly executable: boolean;
  }[];
}

/** Where the library is installed in the initramfs. */
export const LIBRARY: string = LIB_PATH;

/** The generated module, with the programs it installs and where each file goes. */
export interface CompiledModule {
  readonly files: readonly ModuleFile[];
  readonly required: readonly string[];
  readonly optional: readonly string[];
  readonly placement: Placement;
}

const UNPACK = "tmpfs-root-unpack.sh";

/**
 * Compiles a boot sequence into the files of a dracut module: the shared
 * library, one file per hook, the systemd generator, service and mount
 * unit, and module-setup.sh.
 *
 * @example
 * ```ts
 * import { compileModule } from "./compile_module.ts";
 * import { BOOT } from "@tmpfs-root/model";
 * const mod = compileModule(BOOT);
 * mod.files.some((f) => f.path === "module-setup.sh"); // true
 * ```
 */
export function compileModule(seq: BootSequence): CompiledModule {
  if (seq.onFail.kind !== "param") throw new TypeError("The failure policy must be a parameter");
  const policyVar = paramVar(seq.onFail.param);
  const lib = script([
    ...runtime(),
    ...paramFunctions(seq.params),
    ...stepsLibrary(seq),
    ...hookFunctions(seq, policyVar),
  ], { directives: DIRECTIVES });
  const scripts: Record<string, Script> = {
    "tmpfs-root-lib.sh": lib,
    "tmpfs-root-cmdline.sh": cmdlineHook(),
    "tmpfs-root-finished.sh": finishedHook(),
    "tmpfs-root-timeout.sh": timeoutHook(),
    "tmpfs-root-mount.sh": mountHook(),
    "tmpfs-root-pre-pivot.sh": prePivotHook(),
    "tmpfs-root-generator.sh": generator(),
    [UNPACK]: unpackScript(),
  };
  const perKind = new Set(SOURCES.flatMap((k) => k.programs));
  const programs = programsOf(Object.values(scripts)).filter((p) => !perKind.has(p));
  const required = programs.filter((p) => !OPTIONAL_TOOLS.has(p));
  const optional = programs.filter((p) => OPTIONAL_TOOLS.has(p));
  const place: Placement = {
    lib: "tmpfs-root-lib.sh",
    hooks: [
      { hook: "cmdline", priority: 20, file: "tmpfs-root-cmdline.sh", phase: "cmdline" },
      { hook: "initqueue/finished", priority: 90, file: "tmpfs-root-finished.sh", phase: null },
      { hook: "initqueue/timeout", priority: 90, file: "tmpfs-root-timeout.sh", phase: null },
      { hook: "mount", priority: 50, file: "tmpfs-root-mount.sh", phase: "mount" },
      { hook: "pre-pivot", priority: 50, file: "tmpfs-root-pre-pivot.sh", phase: "prePivot" },
    ],
    systemd: [
      {
        file: "tmpfs-root-generator.sh",
        to: "$systemdutildir/system-generators/tmpfs-root-generator",
        executable: true,
      },
      { file: "tmpfs-root.service", to: `${SYSTEMD_DIR}/tmpfs-root.service`, executable: false },
      { file: "sysroot.mount", to: `${SYSTEMD_DIR}/sysroot.mount`, executable: false },
      { file: NETWORK_DROPIN, to: `${SYSTEMD_DIR}/${NETWORK_DROPIN}`, executable: false },
      { file: DHCP_NETWORK, to: `${SYSTEMD_DIR}/${DHCP_NETWORK}`, executable: false },
      { file: UNPACK, to: `${SYSTEMD_DIR}/${UNPACK}`, executable: true },
    ],
  };
  scripts["module-setup.sh"] = moduleSetup(required, optional, place);
  const files: ModuleFile[] = Object.entries(scripts).map(([path, s]) => ({
    path,
    text: printScript(s),
    mode: path === "tmpfs-root-lib.sh" ? 0o644 : 0o755,
  }));
  files.push(
    {
      path: "tmpfs-root.service",
      text: printUnit(unpackService(`${SYSTEMD_DIR}/${UNPACK}`)),
      mode: 0o644,
    },
    { path: "sysroot.mount", text: printUnit(sysrootMount()), mode: 0o644 },
    { path: NETWORK_DROPIN, text: printUnit(networkDropIn()), mode: 0o644 },
    { path: DHCP_NETWORK, text: printUnit(dhcpNetwork()), mode: 0o644 },
  );
  files.sort((a, b) => a.path.localeCompare(b.path));
  return { files, required, optional, placement: place };
}
