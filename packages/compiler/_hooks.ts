/**
 * The dracut hooks, the systemd generator and the service script: thin
 * files that source the library and run one phase each.
 */
import { type AwaitSource, type BootSequence, messages, type PhaseName } from "@tmpfs-root/model";
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
  ifThen,
  local,
  or,
  orDefault,
  pat,
  redir,
  type Script,
  script,
  v,
  w,
  whileDo,
  withRedirects,
} from "@tmpfs-root/shell";
import { fn, IP_GIVEN, LIB_PATH, RUN_DIR, SRC } from "./_names.ts";
import { operand, varOf } from "./_steps.ts";
import { cause, ret, test } from "./_runtime.ts";
import { type Context, kinds } from "./_context.ts";

const SYSTEMD = test("-n", orDefault("DRACUT_SYSTEMD", ""));
const CLASSIC = test("-z", orDefault("DRACUT_SYSTEMD", ""));
const DONE = (phase: string) => `${RUN_DIR}/${phase}.done`;

/** The drop-in that orders tmpfs-root.service after the network. */
export const NETWORK_DROPIN = "50-tmpfs-root-network.conf";
/** The systemd-networkd configuration for DHCP when no ip= is given. */
export const DHCP_NETWORK = "90-tmpfs-root-dhcp.network";

/** Where the systemd pieces are installed in the initramfs. */
export const SYSTEMD_DIR = "/lib/tmpfs-root";

/** The one directive every file may carry: `local` is not POSIX but every initramfs shell has it. */
export const DIRECTIVES = ["disable=SC3043"];

/** `tmpfs_root_stop`: the failure policy (`rd.tmpfs.onfail`), the same for every failure. */
export function stopFunction(policyVar: string): Command {
  const sysrq = (key: string) => [
    withRedirects(cmd("echo", "1"), redir(">", "/proc/sys/kernel/sysrq")),
    withRedirects(cmd("echo", key), redir(">", "/proc/sysrq-trigger")),
  ];
  return func(fn("stop"), [
    local("policy", orDefault(policyVar, "emergency")),
    ifThen(SYSTEMD, [
      caseOf(v("policy"), [
        [["reboot", "poweroff", "halt"], [cmd("systemctl", "--no-block", "--force", v("policy"))]],
        [[pat(glob("*"))], [cmd("systemctl", "--no-block", "isolate", "emergency.target")]],
      ]),
      ret(1),
    ]),
    caseOf(v("policy"), [
      [["reboot"], sysrq("b")],
      [["poweroff"], sysrq("o")],
      [["halt"], [whileDo(cmd(":"), [cmd("sleep", "3600")])]],
    ]),
    comment("dracut's own failure handling: an emergency shell with rd.shell, else init exits."),
    cmd("die", "tmpfs-root stopped the boot"),
  ]);
}

/** `tmpfs_root_source_timeout`: the classic init's timeout hook for the awaitSource step. */
export function timeoutFunction(step: AwaitSource, ctx: Context): Command {
  const retry = varOf(operand(step.timeout));
  return func(fn("source_timeout"), [
    local("seconds"),
    caseOf(orDefault(SRC.kind, ""), [
      [kinds(ctx, (k) => k.waitsFor === "device"), [cmd(":")]],
      [[pat(glob("*"))], [ret(0)]],
    ]),
    and(test("-b", v(SRC.device)), ret(0)),
    comment("dracut runs its timeout hooks at two thirds of rd.retry."),
    assign("seconds", arith(ar.op(ar.op(ar.name(retry), "*", ar.num(2)), "/", ar.num(3)))),
    cause(
      ...messages<Parameters<typeof w>[number]>().deviceTimeout(
        v(SRC.device),
        v(SRC.spec),
        v("seconds"),
      ),
    ),
    cmd(fn("failed"), step.label, step.id),
    cmd(fn("stop")),
  ]);
}

const source = (): Command => group([comment("shellcheck source=/dev/null"), cmd(".", LIB_PATH)]);

/** Runs a phase in a hook: stop on failure; `active` runs when root= is ours. */
function runPhase(phase: string, active: Command[] = []): Command[] {
  return [
    cmd(fn(`phase_${phase}`)),
    caseOf(v("?"), [
      [["0"], active],
      [["2"], [cmd(":")]],
      [[pat(glob("*"))], [cmd(fn("stop"))]],
    ]),
  ];
}

function hook(body: Command[], comments: string[]): Script {
  return script([...comments.map(comment), ...body], { directives: DIRECTIVES });
}

/** The cmdline hook: sets rootok for `root=tmpfs:`; the classic init also checks here. */
export function cmdlineHook(): Script {
  return hook([
    source(),
    ifThen(SYSTEMD, [
      comment("Under systemd, tmpfs-root.service checks the parameters and reports."),
      cmd(fn("read_params")),
      ifThen(test(v("?"), "!=", "2"), [cmd("export", "rootok=1"), cmd(fn("request_network"))]),
    ], runPhase("cmdline", [cmd("export", "rootok=1")])),
  ], ["tmpfs-root: parse root=tmpfs:... and rd.tmpfs.* (dracut cmdline hook)."]);
}

/** The initqueue/finished hook: the classic init waits until the source device exists. */
export function finishedHook(ctx: Context): Script {
  return hook([
    caseOf(orDefault(SRC.kind, ""), [
      [kinds(ctx, (k) => k.waitsFor === "device"), [test("-b", orDefault(SRC.device, ""))]],
    ]),
  ], ["tmpfs-root: dracut's initqueue is finished once the source device exists."]);
}

/**
 * The initqueue/timeout hook (both inits run it at two thirds of rd.retry):
 * a clear failure when the device never came, before dracut gives up on its own.
 */
export function timeoutHook(): Script {
  return hook([
    source(),
    ifThen(cmd(fn("read_params")), [cmd(fn("source_timeout"))]),
  ], ["tmpfs-root: the source device did not appear in time (dracut initqueue/timeout hook)."]);
}

/** The mount hook (classic init): the mount phase (source, tmpfs, unpack, release), once. */
export function mountHook(): Script {
  return hook([
    ifThen(and(CLASSIC, test("!", "-e", DONE("mount"))), [
      source(),
      ...runPhase("mount", [withRedirects(cmd(":"), redir(">", DONE("mount")))]),
    ]),
  ], ["tmpfs-root: mount the source, the tmpfs, unpack, release (dracut mount hook)."]);
}

/** The pre-pivot hook (both inits): SELinux labels, then the hand-over. */
export function prePivotHook(): Script {
  return hook([
    ifThen(test("!", "-e", DONE("prePivot")), [
      source(),
      ...runPhase("prePivot", [withRedirects(cmd(":"), redir(">", DONE("prePivot")))]),
    ]),
  ], ["tmpfs-root: restore SELinux labels, hand over to switch-root (dracut pre-pivot hook)."]);
}

/** The script tmpfs-root.service runs under systemd: cmdline and mount phases. */
export function unpackScript(): Script {
  return script([
    comment("tmpfs-root: run by tmpfs-root.service in a systemd initramfs."),
    source(),
    cmd(fn("phase_cmdline")),
    caseOf(v("?"), [
      [["0"], [cmd(":")]],
      [["2"], [cmd("exit", "0")]],
      [[pat(glob("*"))], [cmd(fn("stop")), cmd("exit", "1")]],
    ]),
    cmd(fn("phase_mount")),
    caseOf(v("?"), [
      [["0"], [withRedirects(cmd(":"), redir(">", DONE("mount")))]],
      [[pat(glob("*"))], [cmd(fn("stop")), cmd("exit", "1")]],
    ]),
  ], { directives: DIRECTIVES });
}

/**
 * The systemd generator: when root= is ours, put our sysroot.mount (a
 * tmpfs) and tmpfs-root.service in the early folder, where they win over
 * what systemd-fstab-generator made of `root=tmpfs:...`.
 */
export function generator(): Script {
  const early = "early";
  const req = w(v(early), "/initrd-root-fs.target.requires");
  return script([
    comment("tmpfs-root: systemd generator (arguments: normal, early and late folders)."),
    assign(early, orDefault("2", "/run/systemd/generator.early")),
    source(),
    cmd(fn("read_params")),
    ifThen(test(v("?"), "=", "2"), [cmd("exit", "0")]),
    or(cmd("mkdir", "-p", req), cmd("exit", "1")),
    or(cmd("cp", `${SYSTEMD_DIR}/sysroot.mount`, w(v(early), "/sysroot.mount")), cmd("exit", "1")),
    or(
      cmd("cp", `${SYSTEMD_DIR}/tmpfs-root.service`, w(v(early), "/tmpfs-root.service")),
      cmd("exit", "1"),
    ),
    or(cmd("ln", "-sf", "../sysroot.mount", w(req, "/sysroot.mount")), cmd("exit", "1")),
    or(cmd("ln", "-sf", "../tmpfs-root.service", w(req, "/tmpfs-root.service")), cmd("exit", "1")),
    or(cmd(fn("generate_network"), v(early)), cmd("exit", "1")),
  ], { directives: DIRECTIVES });
}

/**
 * `tmpfs_root_generate_network EARLY`: for a network source, order
 * tmpfs-root.service after network-online.target; without ip=, have
 * systemd-networkd run DHCP on every Ethernet interface.
 */
function generateNetwork(ctx: Context): Command {
  const early = "1";
  return func(fn("generate_network"), [
    caseOf(v(SRC.kind), [[kinds(ctx, (k) => k.waitsFor === "network"), [
      or(cmd("mkdir", "-p", w(v(early), "/tmpfs-root.service.d")), ret(1)),
      or(
        cmd(
          "cp",
          `${SYSTEMD_DIR}/${NETWORK_DROPIN}`,
          w(v(early), `/tmpfs-root.service.d/${NETWORK_DROPIN}`),
        ),
        ret(1),
      ),
      ifThen(test("-z", v(IP_GIVEN)), [
        withRedirects(cmd("mkdir", "-p", "/run/systemd/network"), redir(">", "/dev/null", 2)),
        withRedirects(
          cmd("cp", `${SYSTEMD_DIR}/${DHCP_NETWORK}`, `/run/systemd/network/${DHCP_NETWORK}`),
          redir(">", "/dev/null", 2),
        ),
      ]),
    ]]]),
    ret(0),
  ]);
}

/** Every function of the hooks' own, for the library. */
export function hookFunctions(seq: BootSequence, policyVar: string, ctx: Context): Command[] {
  const wait = seq.phases.flatMap((p) => p.steps).find((s): s is AwaitSource =>
    s.kind === "awaitSource"
  );
  return [
    stopFunction(policyVar),
    generateNetwork(ctx),
    ...(wait ? [timeoutFunction(wait, ctx)] : []),
  ];
}

/** A dracut hook file: which hook, its priority, its file in the module and its script. */
export interface HookFile {
  readonly hook: string;
  readonly priority: number;
  readonly file: string;
  readonly script: (ctx: Context) => Script;
}

/** The dracut hook that runs each phase of the model (the classic init; systemd: see unpackScript). */
export const PHASE_HOOKS: Readonly<Record<PhaseName, HookFile>> = {
  cmdline: { hook: "cmdline", priority: 20, file: "tmpfs-root-cmdline.sh", script: cmdlineHook },
  mount: { hook: "mount", priority: 50, file: "tmpfs-root-mount.sh", script: mountHook },
  prePivot: {
    hook: "pre-pivot",
    priority: 50,
    file: "tmpfs-root-pre-pivot.sh",
    script: prePivotHook,
  },
};

/** The classic init's initqueue hooks of an awaitSource step: done once the device exists, or late. */
export const WAIT_HOOKS: readonly HookFile[] = [
  {
    hook: "initqueue/finished",
    priority: 90,
    file: "tmpfs-root-finished.sh",
    script: finishedHook,
  },
  { hook: "initqueue/timeout", priority: 90, file: "tmpfs-root-timeout.sh", script: timeoutHook },
];

/** dracut's hooks in the order the classic init runs them. */
const HOOK_ORDER = ["cmdline", "initqueue/finished", "initqueue/timeout", "mount", "pre-pivot"];

/**
 * The hook files of a sequence, in dracut's order: one per phase, and the
 * initqueue hooks when a phase waits for the source.
 */
export function hookFiles(seq: BootSequence): (HookFile & { readonly phase: PhaseName | null })[] {
  const waits = seq.phases.some((p) => p.steps.some((s) => s.kind === "awaitSource"));
  const hooks = [
    ...seq.phases.map((p) => ({ ...PHASE_HOOKS[p.name], phase: p.name })),
    ...(waits ? WAIT_HOOKS.map((h) => ({ ...h, phase: null })) : []),
  ];
  return hooks.sort((a, b) => HOOK_ORDER.indexOf(a.hook) - HOOK_ORDER.indexOf(b.hook));
}
