/**
 * The side effects of a simulated boot, as pluggable handlers (like
 * mvdan/sh's interpreter handlers): tests replace or wrap one to inject a
 * fault, and the simulator records what each returned.
 *
 * @module
 */
import type { Arg, Source } from "@tmpfs-root/model";
import type { ArchiveResult } from "./archive.ts";
import type { Failure, Mount } from "./trace.ts";
import type { Vm } from "./vm.ts";

/** A value or a promise of it. */
export type Awaitable<T> = T | Promise<T>;

/** The state a handler sees. */
export interface Machine {
  /** The machine's description. */
  readonly vm: Vm;
  /** The kernel command line, split. */
  readonly args: readonly Arg[];
  /** The source from `root=tmpfs:`. */
  readonly source: Source;
  /** The checked parameter values, by key. */
  readonly values: Readonly<Record<string, string>>;
  /** Simulated seconds since boot. */
  readonly time: number;
  /** The current mount table. */
  readonly mounts: readonly Mount[];
}

/**
 * What one download attempt gets. `error` is the first line curl prints
 * (`curl: (7) Failed to connect to ...`).
 */
export type FetchResult =
  /** The whole body; `endless` when zero bytes follow it for ever (no length announced). */
  | { readonly kind: "ok"; readonly body: Uint8Array; readonly endless?: boolean }
  /** The server sent `body`, then nothing more (or a trickle below curl's minimum rate). */
  | { readonly kind: "stalled"; readonly body: Uint8Array }
  /** A redirect to a protocol curl may not follow (`curl: (1) Protocol "http" not supported ...`). */
  | { readonly kind: "protocol"; readonly error: string }
  /** An HTTP error status, with the answer's `Retry-After` header when it had one. */
  | {
    readonly kind: "status";
    readonly status: number;
    readonly error: string;
    readonly retryAfter?: string;
  }
  | { readonly kind: "refused"; readonly error: string }
  /** The connection dropped after `body`, the part received. */
  | { readonly kind: "dropped"; readonly body: Uint8Array; readonly error: string };

/**
 * The side effects of a boot. Those that can fail return `null` for
 * success, or the first line the command would print on its standard
 * error; the simulator turns it into the cause as the emitted shell does
 * (`could not mount /dev/vdb read-only: <error>`).
 */
export interface Handlers {
  /** Waits up to `timeout` seconds for `device`; the second it appeared at, or `null`. */
  waitForDevice(m: Machine, device: string, timeout: number): Awaitable<number | null>;
  /** Whether `path` is a block device now (`[ -b path ]`). */
  isDevice(m: Machine, path: string): Awaitable<boolean>;
  /** Mounts a file system (`mount`), or changes the options of one (`options` starting with `remount,`). */
  mount(m: Machine, mount: Mount): Awaitable<Failure>;
  /** Unmounts what is mounted at `target` (`umount`, or `umount -l` when `lazy`). */
  unmount(m: Machine, target: string, lazy: boolean): Awaitable<Failure>;
  /** Removes an empty directory (`rmdir`). */
  removeDir(m: Machine, path: string): Awaitable<Failure>;
  /** Reads `path` (relative to the source's root) on a mounted source; `null` when there is no such file. */
  readFile(m: Machine, mount: Mount, path: string): Awaitable<Uint8Array | null>;
  /** One attempt (1 for the first) at downloading `url`. */
  fetch(m: Machine, url: string, attempt: number): Awaitable<FetchResult>;
  /** Detects, decompresses and reads an archive. */
  openArchive(bytes: Uint8Array): Awaitable<ArchiveResult>;
  /**
   * Sets one extended attribute on an unpacked member (`name` as the archive
   * writes it); `null`, or the error tar reports (`Invalid argument`).
   */
  setXattr(m: Machine, name: string, key: string, value: string): Awaitable<Failure>;
  /** Restores SELinux labels in `root` with the policy `policy` (`chroot <root> setfiles ...`). */
  relabel(m: Machine, root: string, policy: string): Awaitable<Failure>;
  /**
   * Whether the initramfs's public key `key` (a file name under its keys
   * folder) verifies the signature `sig` of the sidecar `data`
   * (`openssl pkeyutl -verify ...`).
   */
  verifySignature(m: Machine, key: string, data: Uint8Array, sig: Uint8Array): Awaitable<boolean>;
  /** The byte (0 to 255) at `offset` of the machine's random source (`/dev/urandom`). */
  random(m: Machine, offset: number): Awaitable<number>;
}
