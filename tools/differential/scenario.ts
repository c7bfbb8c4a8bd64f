/**
 * A differential scenario: a kernel command line, a virtual machine, an
 * injected fault and the dracut flavour. The fault becomes both simulator
 * handlers and the stub environment's fault table, so the two sides see the
 * same failure with the same error text.
 *
 * @module
 */
import { defaultHandlers, type Handlers, type Vm } from "@tmpfs-root/simulator";

/** The source's mount point: the first directory the stub (and simulated) `mktemp` makes. */
export const SOURCE_MOUNTPOINT = "/run/tmpfs-root/source.0";

/** dracut's `$NEWROOT`. */
export const NEWROOT = "/sysroot";

/** A failure injected into one command. */
export type Fault =
  | { readonly kind: "none" }
  /** `mount` at the source's mount point or at the new root fails (also the systemd remount). */
  | { readonly kind: "mount"; readonly at: "source" | "tmpfs"; readonly error: string }
  /** `umount` fails; `lazyToo` makes `umount -l` fail as well. */
  | {
    readonly kind: "umount";
    readonly at: "source" | "tmpfs";
    readonly lazyToo: boolean;
    readonly error: string;
  }
  /** `rmdir` of the source's mount point fails. */
  | { readonly kind: "rmdir"; readonly error: string }
  /** `chroot <root> setfiles ...` fails. */
  | { readonly kind: "relabel"; readonly error: string };

/** One scenario. */
export interface Scenario {
  /** The kernel command line (the content of /proc/cmdline). */
  readonly cmdline: string;
  /** The machine, with its flavour. */
  readonly vm: Vm;
  readonly fault: Fault;
}

function target(at: "source" | "tmpfs"): string {
  return at === "source" ? SOURCE_MOUNTPOINT : NEWROOT;
}

/**
 * The simulator handlers that inject `fault` (on top of the defaults).
 *
 * @example
 * ```ts
 * import { faultHandlers } from "./scenario.ts";
 * typeof faultHandlers({ kind: "rmdir", error: "rmdir: busy" }).removeDir; // "function"
 * ```
 */
export function faultHandlers(fault: Fault): Partial<Handlers> {
  switch (fault.kind) {
    case "none":
      return {};
    case "mount":
      return {
        mount: (m, mount) =>
          mount.target === target(fault.at) ? fault.error : defaultHandlers.mount(m, mount),
      };
    case "umount":
      return {
        unmount: (m, at, lazy) =>
          at === target(fault.at) && (!lazy || fault.lazyToo)
            ? fault.error
            : defaultHandlers.unmount(m, at, lazy),
      };
    case "rmdir":
      return {
        removeDir: (m, path) =>
          path === SOURCE_MOUNTPOINT ? fault.error : defaultHandlers.removeDir(m, path),
      };
    case "relabel":
      return { relabel: () => fault.error };
    default:
      return assertNever(fault);
  }
}

/**
 * The stub environment's fault table: `<command key>\t<error>` lines.
 *
 * @example
 * ```ts
 * import { faultLines } from "./scenario.ts";
 * faultLines({ kind: "mount", at: "tmpfs", error: "mount: /sysroot: out of memory." });
 * // ["mount /sysroot\tmount: /sysroot: out of memory.", "remount /sysroot\tmount: /sysroot: out of memory."]
 * ```
 */
export function faultLines(fault: Fault): string[] {
  switch (fault.kind) {
    case "none":
      return [];
    case "mount":
      return [
        `mount ${target(fault.at)}\t${fault.error}`,
        `remount ${target(fault.at)}\t${fault.error}`,
      ];
    case "umount":
      return [
        `umount ${target(fault.at)}\t${fault.error}`,
        ...(fault.lazyToo ? [`umount-l ${target(fault.at)}\t${fault.error}`] : []),
      ];
    case "rmdir":
      return [`rmdir ${SOURCE_MOUNTPOINT}\t${fault.error}`];
    case "relabel":
      return [`chroot ${NEWROOT}\t${fault.error}`];
    default:
      return assertNever(fault);
  }
}

function assertNever(x: never): never {
  throw new TypeError(`Unexpected fault ${JSON.stringify(x)}`);
}
