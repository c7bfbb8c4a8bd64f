import {
  type BootSequence,
  type PhaseName,
  SIGNATURE_PROGRAMS,
  type SourceKindSpec,
  SOURCES,
} from "@tmpfs-root/model";
import type { Context, Mounter } from "./_context.ts";
import {
  cmd,
  type Command,
  comment,
  group,
  printScript,
  type Script,
  script,
} from "@tmpfs-root/shell";
import { documented } from "./_docs.ts";
import {
  DHCP_NETWORK,
  DIRECTIVES,
  generator,
  hookFiles,
  hookFunctions,
  NETWORK_DROPIN,
  SYSTEMD_DIR,
  unpackScript,
} from "./_hooks.ts";
import { LIB_PATH, paramVar, READER_PATH } from "./_names.ts";
import { paramFunctions } from "./_params.ts";
import { readerRuntime, runtime } from "./_runtime.ts";
import { reportFunctions } from "./_report.ts";
import { moduleSetup } from "./_setup.ts";
import { MOUNTERS, stepsLibrary } from "./_steps.ts";
import { OPTIONAL_TOOLS, programsOf, withToolPaths } from "./_tools.ts";
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
  /** The libraries the hooks source: the file in the module and where it is installed. */
  readonly libs: readonly { readonly file: string; readonly to: string }[];
  /** systemd's pieces, installed when the image has systemd. */
  readonly systemd: readonly {
    readonly file: string;
    /** The destination; `$systemdutildir/` at the start stands for dracut's variable. */
    readonly to: string;
    readonly executable: boolean;
  }[];
}

/** What a module is compiled with besides the sequence (by default, what ships). */
export interface CompileOptions {
  /** The table of source kinds (default: the model's SOURCES). */
  readonly sources?: readonly SourceKindSpec[];
  /** Mount functions of kinds added to the table, by kind (the shipped ones are kept). */
  readonly mounters?: Readonly<Record<string, Mounter>>;
}

/** The generated module, with the programs it installs and where each file goes. */
export interface CompiledModule {
  readonly files: readonly ModuleFile[];
  /** The syntax tree of each shell file, by path, as printed. */
  readonly scripts: Readonly<Record<string, Script>>;
  readonly required: readonly string[];
  readonly optional: readonly string[];
  readonly placement: Placement;
}

const UNPACK = "tmpfs-root-unpack.sh";
const READER = "tmpfs-root-params.sh";

/** What every generated file says first. */
export const GENERATED = [
  "Generated from packages/model/boot.ts by tmpfs-root's compiler: do not edit.",
  "Rebuild with: npx -y deno@2.9.6 task build-module",
];

/** The header comments of a file, then what it holds. */
function header(what: string): Command[] {
  return [...GENERATED.map(comment), comment(`tmpfs-root: ${what}.`)];
}

/** A script that starts with the header (the libraries put theirs first already). */
function withHeader(s: Script): Script {
  const first = s.body[0];
  if (first?.kind === "comment" && first.text === GENERATED[0]) return s;
  return { ...s, body: [...GENERATED.map(comment), ...s.body] };
}

/**
 * Compiles a boot sequence into the files of a dracut module: the shared
 * library, one file per hook, the systemd generator, service and mount
 * unit, and module-setup.sh.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { compileModule } from "./compile_module.ts";
 * import { BOOT } from "@tmpfs-root/model";
 * const setup = compileModule(BOOT).files.find((f) => f.path === "module-setup.sh");
 * assert.match(setup?.text ?? "", /^# Generated from packages\/model\/boot\.ts /m);
 * ```
 */
export function compileModule(seq: BootSequence, options: CompileOptions = {}): CompiledModule {
  const ctx: Context = {
    sources: options.sources ?? SOURCES,
    mounters: { ...MOUNTERS, ...options.mounters },
  };
  if (seq.onFail.kind !== "param") throw new TypeError("The failure policy must be a parameter");
  const policyVar = paramVar(seq.onFail.param);
  const reader = script([
    ...header(
      "the kernel command-line reader: the scanner, udev's label escaping, every parameter's check",
    ),
    ...readerRuntime(),
    ...paramFunctions(seq.params, ctx),
    // The parameters it sets are read by the library (SC2034 would not know).
  ], { directives: [`${DIRECTIVES.join(",")},SC2034`] });
  const lib = script([
    ...header("the boot steps, their undo and the phases the hooks run"),
    group([comment("shellcheck source=/dev/null"), cmd(".", READER_PATH)]),
    ...runtime(),
    ...reportFunctions(),
    ...stepsLibrary(seq, ctx),
    ...hookFunctions(seq, policyVar, ctx),
    // It reads the parameters the reader sets (SC2154 would not know).
  ], { directives: [`${DIRECTIVES.join(",")},SC2154`] });
  const scripts: Record<string, Script> = {
    [READER]: reader,
    "tmpfs-root-lib.sh": lib,
    "tmpfs-root-generator.sh": generator(),
    [UNPACK]: unpackScript(),
  };
  const hooks = hookFiles(seq);
  for (const h of hooks) scripts[h.file] = h.script(ctx);
  // A source kind's programs come with its kind, the signature check's with the keys.
  const perKind = new Set([...ctx.sources.flatMap((k) => k.programs), ...SIGNATURE_PROGRAMS]);
  const every = programsOf(Object.values(scripts));
  // The hooks run each program by its path in the initramfs's own folder (TOOLS_DIR).
  for (const [name, s] of Object.entries(scripts)) scripts[name] = withToolPaths(s, every);
  const programs = every.filter((p) => !perKind.has(p));
  const required = programs.filter((p) => !OPTIONAL_TOOLS.has(p));
  const optional = programs.filter((p) => OPTIONAL_TOOLS.has(p));
  const place: Placement = {
    libs: [
      { file: "tmpfs-root-lib.sh", to: LIB_PATH },
      { file: READER, to: READER_PATH },
    ],
    hooks: hooks.map(({ hook, priority, file, phase }) => ({ hook, priority, file, phase })),
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
  scripts["module-setup.sh"] = moduleSetup(required, place, ctx);
  const files: ModuleFile[] = Object.entries(scripts).map(([path, s]) => ({
    path,
    text: printScript(withHeader(documented(s, seq))),
    mode: path === "tmpfs-root-lib.sh" || path === READER ? 0o644 : 0o755,
  }));
  files.push(
    {
      path: "tmpfs-root.service",
      text: printUnit(unpackService(`${SYSTEMD_DIR}/${UNPACK}`), GENERATED),
      mode: 0o644,
    },
    { path: "sysroot.mount", text: printUnit(sysrootMount(), GENERATED), mode: 0o644 },
    { path: NETWORK_DROPIN, text: printUnit(networkDropIn(), GENERATED), mode: 0o644 },
    { path: DHCP_NETWORK, text: printUnit(dhcpNetwork(), GENERATED), mode: 0o644 },
  );
  files.sort((a, b) => a.path.localeCompare(b.path));
  return { files, scripts, required, optional, placement: place };
}
