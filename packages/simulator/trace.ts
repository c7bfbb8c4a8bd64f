/**
 * What a simulated boot returns: the events it went through, in order,
 * the outcome and the final state of the virtual machine.
 *
 * Each action event corresponds to one command the emitted shell runs:
 *
 * | event       | command                                                               |
 * | ----------- | --------------------------------------------------------------------- |
 * | `wait`      | dracut's wait for the device (`wait_for_dev`), up to `timeout`        |
 * | `mkdir`     | `mkdir -p <parent>` then `mktemp -d <parent>/source.XXXXXX`           |
 * | `mount`     | `mount [-t <fstype>] -o <options> <source> <target>`                  |
 * | `remount`   | `mount -o remount,<options> <target>` (systemd flavour's tmpfs)       |
 * | `unmount`   | `umount <target>`, or `umount -l <target>` when `lazy`                |
 * | `rmdir`     | `rmdir <path>`                                                        |
 * | `fetch`     | one download attempt of `<url>` (the archive, a sidecar, a signature) |
 * | `sleep`     | `sleep <seconds>` before the next download attempt                    |
 * | `clear`     | `find <path> -mindepth 1 -maxdepth 1 -exec rm -rf {} +`               |
 * | `signature` | `openssl pkeyutl -verify ...` of the sidecar's copy with one key      |
 * | `sidecar`   | nothing: the digest the sidecar gives (or why it gives none)          |
 * | `unpack`    | `<decompressor> \| tar -x -C <into>` of `<from>`, `sha256sum`         |
 * | `verify`    | nothing: `sha256sum`'s digest against the one the archive must have   |
 * | `relabel`   | `setfiles` over `<root>` with the SELinux policy `<policy>`           |
 * | `skip`      | nothing: a step found nothing to do                                   |
 * | `message`   | the one console line of a failure                                     |
 * | `warn`      | a warning line on the console                                         |
 * | `handOver`  | the marker that lets dracut switch root                               |
 *
 * The simulated `mktemp` names its directories `source.0`, `source.1`, ...
 * An `unpack` event follows the file's format detection: there is none for
 * a missing or empty file or a file of unknown format. With a digest to
 * check (`rd.tmpfs.sha256` or a sidecar's) it has the `sha256` of the bytes
 * that went through the pipe (`sha256sum` is the pipe's last side, fed by
 * `tee`), and a `verify` event follows the unpack step; without, there is
 * neither. With `rd.tmpfs.verify` (or keys in the initramfs) the sidecar
 * step comes before the tmpfs: from a web source a `fetch` event for the
 * sidecar and one for its signature (one try each; reading a file on a
 * mounted source makes no event), a `signature` event for each key tried,
 * then one `sidecar` event, failed or not. For a web source,
 * each attempt is a `fetch` event, then an `unpack` event when some bytes
 * of a known format arrived; between attempts come `sleep` and `clear`.
 * In the systemd flavour the generator's sysroot.mount has mounted the
 * tmpfs, and the tmpfs step is a `remount` that sets its size. Events with
 * `undo: true` are the clean-up after a failure, latest step first; an
 * undo whose `umount` fails tries `umount -l`.
 *
 * @module
 */

import type { Attribute, BootReport } from "@tmpfs-root/model";
import type { ArchiveFormat, RootEntry } from "./archive.ts";

/** What every event has. */
export interface EventCommon {
  /** The id of the step that caused it (`source`, `unpack`, ...). */
  readonly step: string;
  /** Whether it was part of the undo after a failure. */
  readonly undo?: boolean;
}

/** The result of an action: `null` when it worked, else the cause. */
export type Failure = string | null;

/** A simulated event. */
export type SimEvent =
  & EventCommon
  & (
    | {
      readonly kind: "wait";
      readonly device: string;
      /** Seconds waited at most. */
      readonly timeout: number;
      /** The second the device appeared at, or `null` when it did not. */
      readonly appeared: number | null;
    }
    | { readonly kind: "mkdir"; readonly parent: string; readonly path: string }
    /** A layer after the first: its stage folder inside the tmpfs (`mktemp -d`). */
    | { readonly kind: "stage"; readonly into: string; readonly path: string }
    /** With layers: the whiteouts left under `root` removed (`find ... -exec rm -rf`). */
    | { readonly kind: "whiteouts"; readonly root: string }
    | {
      readonly kind: "mount";
      /** `null` lets mount detect the type (block devices). */
      readonly fstype: string | null;
      readonly source: string;
      readonly target: string;
      readonly options: string;
      readonly failed: Failure;
    }
    | {
      readonly kind: "remount";
      readonly target: string;
      /** The options after `remount,`. */
      readonly options: string;
      readonly failed: Failure;
    }
    | {
      readonly kind: "unmount";
      readonly target: string;
      /** `umount -l`, tried when an undo's `umount` fails. */
      readonly lazy?: boolean;
      readonly failed: Failure;
    }
    | { readonly kind: "rmdir"; readonly path: string; readonly failed: Failure }
    | {
      readonly kind: "fetch";
      readonly url: string;
      /** 1 for the first try. */
      readonly attempt: number;
      /** Seconds left before `rd.tmpfs.timeout` (curl's `--max-time`). */
      readonly maxTime: number;
      readonly result: FetchOutcome;
    }
    | {
      readonly kind: "sleep";
      readonly seconds: number;
      /** The try that failed (1 for the first), of how many at most. */
      readonly attempt: number;
      readonly tries: number;
      /** Why it failed, as the console says it (`HTTP 503`, or curl's line). */
      readonly cause: string;
    }
    | { readonly kind: "clear"; readonly path: string }
    | {
      readonly kind: "unpack";
      readonly format: ArchiveFormat;
      /** The archive's path on the mounted source, or its URL. */
      readonly from: string;
      readonly into: string;
      /** The kinds of attribute tar was asked to restore (the manifest's, else every kind). */
      readonly attributes: readonly Attribute[];
      /**
       * The digest of the bytes served to the pipe, when `rd.tmpfs.sha256`
       * asks for a check. It is what the shell's hasher computes whenever
       * the unpack succeeds, the only case a verify step compares; a pipe
       * that stops early (a cut download, a failing decompressor) may have
       * hashed less in the shell.
       */
      readonly sha256?: string;
      readonly failed: Failure;
    }
    | {
      readonly kind: "signature";
      /** The public key's path in the initramfs. */
      readonly key: string;
      /** The sidecar's copy, which is verified. */
      readonly data: string;
      readonly sig: string;
      readonly verified: boolean;
    }
    | {
      readonly kind: "sidecar";
      /** The sidecar, as failure lines name it (`rd.tmpfs.imgfile` or the URL, and `.sha256`). */
      readonly sidecar: string;
      /** The digest the archive must have from now on (empty: no check). */
      readonly sha256: string;
      readonly failed: Failure;
    }
    | {
      readonly kind: "verify";
      /** The archive's name, as failure lines give it (`rd.tmpfs.imgfile`, or the URL). */
      readonly archive: string;
      /** The digest of the bytes the unpack hashed. */
      readonly sha256: string;
      /** The digest asked for (`rd.tmpfs.sha256`, in lower case). */
      readonly expected: string;
      readonly failed: Failure;
    }
    | {
      readonly kind: "relabel";
      readonly root: string;
      readonly policy: string;
      readonly failed: Failure;
    }
    | { readonly kind: "skip"; readonly reason: string }
    | { readonly kind: "message"; readonly text: string }
    /** A warning on the console (`<4>`), e.g. an extended attribute tar could not set. */
    | { readonly kind: "warn"; readonly text: string }
    | { readonly kind: "handOver"; readonly root: string }
  );

/** What one download attempt got. */
export type FetchOutcome =
  | "ok"
  | "refused"
  | "dropped"
  | "stalled"
  | "protocol"
  | `status ${number}`;

/** A mounted file system. */
export interface Mount {
  /** The type, or `null` for a block device whose type mount detects. */
  readonly fstype: string | null;
  /** The device, `<server>:<export>` or `tmpfs`. */
  readonly source: string;
  /** The mount point. */
  readonly target: string;
  /** The options given with `-o`. */
  readonly options: string;
}

/** How a simulated boot ended. */
export type Outcome =
  /** `root=` does not name tmpfs-root: nothing happened. */
  | { readonly kind: "inactive" }
  /** Handed over: dracut switches root into `root`, which holds `files`. */
  | {
    readonly kind: "switched";
    readonly root: string;
    /** The unpacked root, by absolute path inside it (`/etc/os-release`). */
    readonly files: ReadonlyMap<string, RootEntry>;
  }
  /** Stopped by a failure: `message` is the one console line. */
  | {
    readonly kind: "stopped";
    /** The failed step's label (`unpack`). */
    readonly step: string;
    /** The failed step's id. */
    readonly stepId: string;
    readonly message: string;
    /** The failure policy (`rd.tmpfs.onfail`), when the command line was read that far. */
    readonly policy: string | null;
  }
  /** The sequence ran to its end without a hand-over step. */
  | { readonly kind: "ended" };

/** The result of `simulate()`. */
export interface SimResult {
  /** How the boot ended. */
  readonly outcome: Outcome;
  /** Every event, in order. */
  readonly events: readonly SimEvent[];
  /** The mount table at the end (source and tmpfs mounts only). */
  readonly mounts: readonly Mount[];
  /** The temporary directories left at the end. */
  readonly dirs: readonly string[];
  /** Simulated seconds since boot at the end. */
  readonly elapsed: number;
  /**
   * The boot report the module writes (/run/tmpfs-root/report.json), its
   * times and df's counts left at 0 or `null`; `null` when the boot was
   * not tmpfs-root's.
   */
  readonly report: BootReport | null;
}
