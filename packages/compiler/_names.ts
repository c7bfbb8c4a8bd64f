import type { ParamSpec } from "@tmpfs-root/model";

/** Every name the module defines starts with this, so sourced hooks never clash with dracut. */
export const PREFIX = "tmpfs_root";

/** `tmpfs_root_<name>`. */
export const fn = (name: string): string => `${PREFIX}_${name}`;

/** The variable that holds a checked parameter value. */
export const paramVar = (p: ParamSpec): string => `${PREFIX}_${p.key}`;

/** The variable that holds a raw parameter value from the command line. */
export const rawVar = (p: ParamSpec): string => `${PREFIX}_raw_${p.key}`;

/**
 * For a parameter given once per item (`urls`): its first value that is not
 * valid, after an `x` (so that an empty value is seen too); empty when all are.
 */
export const badVar = (p: ParamSpec): string => `${PREFIX}_bad_${p.key}`;

/** The variable set to 1 when a parameter is on the command line. */
export const givenVar = (p: ParamSpec): string => `${PREFIX}_given_${p.key}`;

/** The variable that holds a step's output. */
export const outVar = (id: string): string => `${PREFIX}_out_${id}`;

/**
 * The file that marks a step as run (removed once undone). A file, not a
 * variable: under systemd the pre-pivot hook runs in another process than
 * the unpack service, and may have to undo what that one did.
 */
export const doneFile = (id: string): string => `${RUN_DIR}/done.${id}`;

/** The variable a failing step leaves its cause in. */
export const CAUSE = `${PREFIX}_cause`;

/** Parsed source fields. */
export const SRC = {
  kind: `${PREFIX}_kind`,
  spec: `${PREFIX}_spec`,
  device: `${PREFIX}_device`,
  fstype: `${PREFIX}_fstype`,
  target: `${PREFIX}_target`,
  options: `${PREFIX}_options`,
  url: `${PREFIX}_url`,
} as const;

/** The folder under /run where the module keeps its state. */
export const RUN_DIR = "/run/tmpfs-root";

/** Where the library is installed in the initramfs. */
export const LIB_PATH = "/lib/tmpfs-root-lib.sh";

/** Where the command-line reader is installed (the library sources it). */
export const READER_PATH = "/lib/tmpfs-root-params.sh";

/** Set by the command line scanner when dracut's `ip=` is given. */
export const IP_GIVEN = `${PREFIX}_given_ip`;

/**
 * Seconds since boot when the mount phase first used the network (the
 * sidecar's download): the archive's download has the same deadline.
 */
export const STARTED = `${PREFIX}_started`;

/** The options the tmpfs was mounted with (a NUMA policy the kernel refused left out). */
export const MOUNTED = `${PREFIX}_mounted`;

/** The URL that served the archive (the source's, or a mirror's), set by the download. */
export const SERVED = `${PREFIX}_served`;

/** Warnings of the unpack, as `warning=<text>` lines the report copies. */
export const WARNINGS = `${RUN_DIR}/warnings`;

/** curl's standard error: its messages and the lines of its `--write-out`. */
export const CURL_ERR = `${RUN_DIR}/curl.err`;

/** What the hasher printed: `<64 hex digits>  -`. */
export const HASH_OUT = `${RUN_DIR}/sha256`;
