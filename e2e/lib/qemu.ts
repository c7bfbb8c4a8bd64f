/**
 * Boots a guest under QEMU (TCG, no display, serial console to a log file)
 * and returns the console log.
 *
 * @module
 */
/** A virtio disk attached to the guest (`/dev/vda`, `/dev/vdb`, … in order). */
export interface Drive {
  /** Path of a raw image. */
  readonly file: string;
  /** Attach read-only (default true), so parallel boots can share one image. */
  readonly readonly?: boolean;
}

/** How to boot. */
export interface BootOptions {
  /** Kernel image. */
  readonly kernel: string;
  /** Initramfs image. */
  readonly initrd: string;
  /** Kernel command line; `console=ttyS0 panic=1` is appended. */
  readonly append: string;
  /** Virtio disks, in order. */
  readonly drives?: readonly Drive[];
  /** Guest RAM in MiB (default 768). */
  readonly memMiB?: number;
  /** Seconds before the guest is killed (default 120). */
  readonly timeoutSec?: number;
  /** Where the serial console is written. */
  readonly log: string;
  /** A command prefix, e.g. `["nsenter", "--net=/run/netns/e2e"]`. */
  readonly wrap?: readonly string[];
  /**
   * Attach a virtio NIC on QEMU user networking. Only allowed together with
   * `wrap` (a network namespace the test made), so the guest never reaches
   * anything outside this machine.
   */
  readonly net?: boolean;
  /** Further QEMU arguments. */
  readonly extraArgs?: readonly string[];
}

/** The outcome of a boot. */
export interface BootResult {
  /** The whole serial console log. */
  readonly log: string;
  /** Path of the log file. */
  readonly logPath: string;
  /** QEMU's exit code (124 or 137 when `timeout` killed it). */
  readonly exitCode: number;
  /** Whether the guest was killed because it ran out of time. */
  readonly timedOut: boolean;
  /**
   * Whether the guest halted (`reboot: System halted`) and the harness
   * stopped QEMU: a halt, unlike a power-off or a panic with `panic=1`,
   * never ends QEMU by itself.
   */
  readonly halted: boolean;
  /** Wall-clock seconds. */
  readonly seconds: number;
  /** QEMU's own stderr (warnings, errors). */
  readonly stderr: string;
}

/** The marker line the guest's init prints: `TMPFS-ROOT-E2E: PASS` or `…: FAIL <reason>`. */
export const MARKER_RE = /TMPFS-ROOT-E2E: (PASS|FAIL(?: (.*))?)\r?$/gm;

/** The QEMU command line for a boot (without the `timeout` wrapper). */
export function qemuArgs(opts: BootOptions): string[] {
  const args = [
    "qemu-system-x86_64",
    "-accel",
    "tcg",
    "-m",
    String(opts.memMiB ?? 768),
    "-smp",
    "1",
    "-nodefaults",
    "-display",
    "none",
    "-monitor",
    "none",
    "-no-reboot",
    "-serial",
    `file:${opts.log}`,
    "-kernel",
    opts.kernel,
    "-initrd",
    opts.initrd,
    "-append",
    `${opts.append} console=ttyS0 panic=1`,
  ];
  (opts.drives ?? []).forEach((d, i) => {
    if (/[,]/.test(d.file)) {
      throw new RangeError(`Invalid drive path "${d.file}": commas are not allowed`);
    }
    const ro = d.readonly ?? true;
    args.push(
      "-drive",
      `file=${d.file},if=virtio,format=raw,index=${i},media=disk${ro ? ",readonly=on" : ""}`,
    );
  });
  if (opts.net) {
    if (!opts.wrap || opts.wrap.length === 0) {
      throw new RangeError(
        "Invalid boot options: net needs a wrap into a private network namespace",
      );
    }
    args.push("-netdev", "user,id=n0", "-device", "virtio-net-pci,netdev=n0");
  } else {
    args.push("-nic", "none");
  }
  args.push(...(opts.extraArgs ?? []));
  return args;
}

/**
 * Boots the guest and waits until QEMU exits (power-off, or a panic with
 * `-no-reboot`) or the timeout kills it.
 *
 * @example
 * ```ts ignore
 * const r = await boot({ kernel, initrd, append: "root=tmpfs:/dev/vda1", log: "/tmp/x.log",
 *   drives: [{ file: "disk.img" }] });
 * console.log(findMarker(r.log));
 * ```
 */
export async function boot(opts: BootOptions): Promise<BootResult> {
  const timeoutSec = opts.timeoutSec ?? 120;
  await Deno.writeTextFile(opts.log, "");
  const cmd = [
    ...(opts.wrap ?? []),
    "timeout",
    "--kill-after=5",
    String(timeoutSec),
    ...qemuArgs(opts),
  ];
  const started = performance.now();
  const child = new Deno.Command(cmd[0]!, {
    args: cmd.slice(1),
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const stderrText = new Response(child.stderr).text();
  // A halted guest never ends QEMU: notice the kernel's last words and stop it early.
  let halted = false;
  let haltSeen = false;
  const timer = setInterval(async () => {
    if (haltSeen) return;
    const text = await Deno.readTextFile(opts.log).catch(() => "");
    if (!HALTED_RE.test(text)) return;
    haltSeen = true;
    // Give a guest that merely prints the line a moment to exit by itself.
    await new Promise((r) => setTimeout(r, 2000));
    try {
      // timeout(1) forwards the signal to QEMU.
      child.kill("SIGTERM");
      halted = true;
    } catch { /* already gone */ }
  }, 1000);
  const st = await child.status.finally(() => clearInterval(timer));
  const seconds = (performance.now() - started) / 1000;
  const log = await Deno.readTextFile(opts.log);
  return {
    log,
    logPath: opts.log,
    exitCode: st.code,
    timedOut: !halted && (st.code === 124 || st.code === 137),
    halted,
    seconds,
    stderr: await stderrText,
  };
}

/** What the kernel prints when the machine halts (which QEMU does not notice). */
export const HALTED_RE = /reboot: System halted/;

/**
 * The guest's marker, if it printed exactly one: `{ pass: true }` or
 * `{ pass: false, reason }`. Returns `undefined` when there is none and
 * throws when there are several.
 */
export function findMarker(log: string): { pass: boolean; reason: string } | undefined {
  const found = [...log.matchAll(MARKER_RE)];
  if (found.length === 0) return undefined;
  if (found.length > 1) {
    throw new Error(`Expected one marker line, found ${found.length}`);
  }
  const m = found[0]!;
  return m[1] === "PASS" ? { pass: true, reason: "" } : { pass: false, reason: m[2] ?? "" };
}

/** The first log line that matches `re`, without its line ending, or `undefined`. */
export function findLine(log: string, re: RegExp): string | undefined {
  const plain = new RegExp(re.source, re.flags.replace(/[gy]/g, ""));
  for (const line of log.split("\n")) {
    const l = line.replace(/\r$/, "");
    if (plain.test(l)) return l;
  }
  return undefined;
}
