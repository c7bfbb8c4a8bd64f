import type { ParamSpec } from "./params.ts";
/** How a kind of source gives its archive: mounted and read, or streamed from a program. */
export type Access = "mounted" | "streamed";

/** A value a step works on. */
export type Operand =
  | { readonly kind: "literal"; readonly value: string }
  | { readonly kind: "param"; readonly param: ParamSpec }
  | { readonly kind: "output"; readonly step: string }
  | { readonly kind: "newroot" };

/** What undoes a step when a later step fails. */
export type Undo =
  | { readonly kind: "unmount"; readonly target: Operand }
  | { readonly kind: "remove"; readonly target: Operand };

/** What every step has. */
export interface StepCommon {
  /** A unique identifier (`[a-z]+`): `output(id)` and `release` refer to the step by it. */
  readonly id: string;
  /** The step's name in the failure line: `tmpfs-root: <label> failed: <cause>`. */
  readonly label: string;
  /** What the step does, for progress messages and the documentation. */
  readonly doing: string;
  /**
   * The kinds of source the step applies to, by how their archive is read
   * (it is skipped for the others); `null` for all.
   */
  readonly onlyFor: Access | null;
  /** What to undo when a later step fails; `null` when nothing. */
  readonly undo: Undo | null;
}

/** Read and check every parameter. */
export interface ReadParams extends StepCommon {
  readonly kind: "readParams";
  readonly params: readonly ParamSpec[];
}

/**
 * Wait for the source device (dracut's initqueue, or a bounded wait under
 * systemd); for network sources, ask dracut to bring up the network.
 */
export interface AwaitSource extends StepCommon {
  readonly kind: "awaitSource";
  readonly source: Operand;
  /** Seconds: dracut's `rd.retry`. */
  readonly timeout: Operand;
}

/** Make a fresh directory under `parent`; its path is the step's output. */
export interface MakeTempDir extends StepCommon {
  readonly kind: "makeTempDir";
  readonly parent: Operand;
}

/** Mount the source read-only at `at` (a mount point an earlier `makeTempDir` step made). */
export interface MountSource extends StepCommon {
  readonly kind: "mountSource";
  readonly source: Operand;
  readonly at: Operand;
}

/**
 * Mount a tmpfs at `at` with `options` (`size=…`, and `nr_inodes=…` when a
 * manifest sized it), or set them on the one the systemd generator mounted.
 */
export interface MountTmpfs extends StepCommon {
  readonly kind: "mountTmpfs";
  readonly at: Operand;
  readonly options: Operand;
  /**
   * `rd.tmpfs.opts`, for its `mode=` (the root directory's, default 0755);
   * a refused `mpol=` in `options` is dropped with a warning.
   */
  readonly opts: Operand;
}

/**
 * Read the archive's manifest `<file>.manifest` when there is one (beside
 * the archive on a mounted source; for a streamed one, from the first URL
 * that serves it, the archive's URLs in order): its unpacked bytes, inodes,
 * compressed bytes and archive name, `<unpacked> <inodes> <compressed>
 * <archive>`, are the step's output (empty: no manifest).
 * One that cannot be read is a warning; one that is not valid, or is for
 * another archive, stops the boot.
 */
export interface ReadManifest extends StepCommon {
  readonly kind: "readManifest";
  readonly from: Operand;
  readonly file: Operand;
  readonly ca: Operand;
  /** Where the manifest's copy goes, the one parsed. */
  readonly copy: Operand;
}

/**
 * Decide the tmpfs's options before anything is written, as the model's
 * `fitTmpfs` does: from `size` (`rd.tmpfs.size`, given or not), the
 * manifest (the output of a `readManifest` step) and the RAM; stop when the
 * archive cannot fit. The mount options are the step's output.
 */
export interface Fit extends StepCommon {
  readonly kind: "fit";
  readonly size: Operand;
  readonly manifest: Operand;
  /** `rd.tmpfs.opts`: its `nr_inodes=` takes the manifest's place; `huge=` and `mpol=` pass on. */
  readonly opts: Operand;
}

/**
 * Find the digest the archive must have, before the tmpfs is mounted: the
 * sidecar `<file>.sha256` from the source (beside the archive on a mounted
 * source, the URL with `.sha256` appended for a streamed one), its
 * signature `<file>.sha256.sig` checked against every key under `keys`
 * when `mode` is `signature`, then the archive's line. With `mode` `none`,
 * the digest is `sha256` (which may be empty: no check); otherwise it is the
 * sidecar's, which must agree with `sha256` when that is given. The
 * digest is the step's output, for the unpack that hashes and the verify
 * step that compares.
 */
export interface Sidecar extends StepCommon {
  readonly kind: "sidecar";
  /** The mounted source's root (for mounted kinds). */
  readonly from: Operand;
  /** The archive's path on the source, or the file name appended to a URL that ends with `/`. */
  readonly file: Operand;
  /** `none`, `sidecar` or `signature`. */
  readonly mode: Operand;
  /** A digest the command line gives (empty: none). */
  readonly sha256: Operand;
  /** The CA bundle for HTTPS sources (empty: the system's). */
  readonly ca: Operand;
  /** The folder of public keys signatures are checked against. */
  readonly keys: Operand;
  /** Where the sidecar's copy goes, the one parsed and verified (its signature's: `.sig` added). */
  readonly copy: Operand;
}

/**
 * Unpack the archive `file` (on the mounted source `from`, or at the URL)
 * into `into`. The archive's name, as failure lines give it (`file`, or the
 * URL), is the step's record for a `verify` step.
 */
export interface Unpack extends StepCommon {
  readonly kind: "unpack";
  readonly source: Operand;
  readonly from: Operand;
  readonly file: Operand;
  readonly into: Operand;
  readonly retries: Operand;
  /** The CA bundle for HTTPS sources (empty: the system's). */
  readonly ca: Operand;
  /**
   * The digest a `verify` step will ask for: when not empty, every byte of
   * the archive is hashed (SHA-256) on its way to the decompressor, afresh
   * for each download try.
   */
  readonly sha256: Operand;
  /**
   * Seconds between progress lines on the console while it unpacks, and
   * before the first (empty: none); see `progress.ts`.
   */
  readonly progress: Operand;
  /**
   * The output of a `readManifest` step (empty: no manifest): its
   * compressed bytes are the archive's size for the progress lines when
   * the source does not tell it (neither a file's size nor a
   * `Content-Length`).
   */
  readonly manifest: Operand;
}

/**
 * Compare the SHA-256 the unpack step `of` computed of the archive's bytes
 * with `expected` (nothing to do when it is empty).
 */
export interface Verify extends StepCommon {
  readonly kind: "verify";
  /** The id of the unpack step that hashed the archive. */
  readonly of: string;
  readonly expected: Operand;
}

/** Carry out the undo of an earlier step now (unmount the source after the unpack). */
export interface Release extends StepCommon {
  readonly kind: "release";
  readonly of: string;
}

/** Relabel the new root when its /etc/selinux/config enables SELinux. */
export interface RestoreSelinux extends StepCommon {
  readonly kind: "restoreSelinux";
  readonly root: Operand;
}

/** Record success, so dracut may switch root. */
export interface HandOver extends StepCommon {
  readonly kind: "handOver";
  readonly root: Operand;
}

/** Any step. */
export type Step =
  | ReadParams
  | AwaitSource
  | MakeTempDir
  | MountSource
  | MountTmpfs
  | ReadManifest
  | Fit
  | Sidecar
  | Unpack
  | Verify
  | Release
  | RestoreSelinux
  | HandOver;

/** The kinds of step. */
export type StepKind = Step["kind"];

/** The dracut hook a phase runs in. */
export type PhaseName = "cmdline" | "mount" | "prePivot";

/** Steps run in one dracut hook. */
export interface Phase {
  readonly name: PhaseName;
  readonly steps: readonly Step[];
}

/** The whole boot sequence. */
export interface BootSequence {
  readonly name: string;
  readonly params: readonly ParamSpec[];
  /** The failure policy (`rd.tmpfs.onfail`). */
  readonly onFail: Operand;
  readonly phases: readonly Phase[];
}
