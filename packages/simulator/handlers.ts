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

/** What one download attempt gets. */
export type FetchResult =
  | { readonly kind: "ok"; readonly body: Uint8Array }
  | { readonly kind: "status"; readonly status: number }
  | { readonly kind: "refused" }
  | { readonly kind: "dropped"; readonly received: number };

/** The side effects of a boot. Each returns `null` for success or a failure's cause. */
export interface Handlers {
  /** Waits up to `timeout` seconds for `device`; the second it appeared at, or `null`. */
  waitForDevice(m: Machine, device: string, timeout: number): Awaitable<number | null>;
  /** Mounts a file system. */
  mount(m: Machine, mount: Mount): Awaitable<Failure>;
  /** Unmounts what is mounted at `target`. */
  unmount(m: Machine, target: string): Awaitable<Failure>;
  /** Removes an empty directory. */
  removeDir(m: Machine, path: string): Awaitable<Failure>;
  /** Reads `path` (relative to the source's root) on a mounted source; `null` when there is no such file. */
  readFile(m: Machine, mount: Mount, path: string): Awaitable<Uint8Array | null>;
  /** One attempt (1 for the first) at downloading `url`. */
  fetch(m: Machine, url: string, attempt: number): Awaitable<FetchResult>;
  /** Detects, decompresses and reads an archive. */
  openArchive(bytes: Uint8Array): Awaitable<ArchiveResult>;
  /** Checks the archive's checksum while it streams (a hook point: the model has no checksum parameter yet). */
  verify(m: Machine, file: string, bytes: Uint8Array): Awaitable<Failure>;
  /** Restores SELinux labels in `root` with the policy `policy`. */
  relabel(m: Machine, root: string, policy: string): Awaitable<Failure>;
}
