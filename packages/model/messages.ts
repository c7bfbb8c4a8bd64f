/**
 * Every cause a failure line can give, and every warning, declared once.
 * A message is a list of literal text and slots: the compiler fills the
 * slots with shell words (`$tmpfs_root_device`), the simulator and the
 * differential harness with strings, so the emitted shell and the
 * simulator word each failure alike by construction.
 *
 * The failure line is `tmpfs-root: <step label> failed: <cause>`.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { MESSAGES, text } from "./messages.ts";
 * assert.equal(text(MESSAGES.truncated("rootfs.tar.gz")), "rootfs.tar.gz is truncated");
 * ```
 *
 * @module
 */
import { FORMATS } from "./commands.ts";
import { KEYS_DIR, SIDECAR_MAX_BYTES } from "./sidecar.ts";

/** A message: literal text and slots, in order. */
export type Message<T> = readonly (string | T)[];

/** The start of a failed try's line (not a message of its own). */
function tryFailed<T>(attempt: T, tries: T, url: T, cause: T): Message<T> {
  return ["tmpfs-root: try ", attempt, " of ", tries, " from ", url, " failed: ", cause];
}

/** The formats as the console names them. */
const FORMAT_LIST = `${FORMATS.slice(0, -1).join(", ")} or plain`;

/**
 * The messages, by name, with slots of type `T`: shell words for the
 * compiler, strings for the simulator ({@linkcode MESSAGES}).
 */
export class Messages<T> {
  // The source.
  deviceTimeout(device: T, spec: T, seconds: T): Message<T> {
    return [
      "device ",
      device,
      " (",
      spec,
      ") did not appear within ",
      seconds,
      " seconds",
    ];
  }
  deviceMissing(device: T, spec: T): Message<T> {
    return [
      "device ",
      device,
      " (",
      spec,
      ") is not there",
    ];
  }
  mountReadOnly(device: T, error: T): Message<T> {
    return [
      "could not mount ",
      device,
      " read-only: ",
      error,
    ];
  }
  notExported(target: T): Message<T> {
    return [target, " is not exported"];
  }
  nfsNoAnswer(server: T): Message<T> {
    return ["NFS server ", server, " did not answer"];
  }
  mountFailed(target: T, error: T): Message<T> {
    return ["could not mount ", target, ": ", error];
  }
  // The tmpfs.
  resizeFailed(at: T, error: T): Message<T> {
    return [
      "could not resize the tmpfs on ",
      at,
      ": ",
      error,
    ];
  }
  tmpfsFailed(options: T, at: T, error: T): Message<T> {
    return [
      "could not mount a tmpfs with ",
      options,
      " on ",
      at,
      ": ",
      error,
    ];
  }
  // The manifest and the tmpfs's size.
  manifestInvalid(file: T, problem: T): Message<T> {
    return [file, " is not a valid manifest: ", problem];
  }
  manifestLine(line: T): Message<T> {
    return ["line ", line, " is not key=value"];
  }
  manifestTwice(key: T): Message<T> {
    return [key, "= is given twice"];
  }
  manifestNoVersion(): Message<T> {
    return ["no version="];
  }
  manifestVersion(version: T): Message<T> {
    return ["not version ", version];
  }
  manifestMissing(key: T): Message<T> {
    return ["no ", key, "="];
  }
  manifestValue(key: T, expected: T): Message<T> {
    return [key, "= is not ", expected];
  }
  manifestOther(archive: T): Message<T> {
    return ["it is for ", archive];
  }
  manifestSkipped(cause: T): Message<T> {
    return [cause, "; sizing the tmpfs without a manifest"];
  }
  ramUnknown(): Message<T> {
    return ["could not read MemTotal from /proc/meminfo"];
  }
  tooManyInodes(name: T, inodes: T, limit: T, allows: T): Message<T> {
    return [name, " has ", inodes, " inodes, ", limit, " allows ", allows];
  }
  mpolRefused(mpol: T, error: T): Message<T> {
    return ["the kernel refused mpol=", mpol, " (", error, "); the tmpfs is mounted without it"];
  }
  doesNotFit(name: T, unpacked: T, limit: T, allows: T): Message<T> {
    return [name, " unpacks to ", unpacked, ", ", limit, " allows ", allows];
  }
  // The archive.
  noFile(file: T, spec: T): Message<T> {
    return ["no file ", file, " on ", spec];
  }
  unreadable(name: T, error: T): Message<T> {
    return ["could not read ", name, ": ", error];
  }
  readFailed(name: T): Message<T> {
    return ["could not read ", name];
  }
  empty(name: T): Message<T> {
    return [name, " is empty"];
  }
  notArchive(name: T): Message<T> {
    return [name, ` is not a tar archive (${FORMAT_LIST})`];
  }
  noDecompressor(name: T, format: T, program: T, pkg: T): Message<T> {
    return [
      name,
      " is ",
      format,
      "-compressed, but this initramfs has no ",
      program,
      ": rebuild it where ",
      program,
      " is installed (Debian package ",
      pkg,
      ") and, if tmpfs_root_decompressors is set in dracut.conf, with ",
      format,
      " in it",
    ];
  }
  truncated(name: T): Message<T> {
    return [name, " is truncated"];
  }
  corrupt(name: T): Message<T> {
    return [name, " is corrupt"];
  }
  tmpfsFull(options: T): Message<T> {
    return ["the tmpfs is full (", options, "): the archive needs more"];
  }
  tmpfsFullManifest(options: T, manifest: T): Message<T> {
    return ["the tmpfs is full (", options, "): the archive needs more than ", manifest, " says"];
  }
  tarFailed(name: T, line: T): Message<T> {
    return ["tar could not unpack ", name, ": ", line];
  }
  securityXattr(line: T): Message<T> {
    return ["tar could not set a security attribute: ", line];
  }
  hashFailed(name: T, error: T): Message<T> {
    return ["sha256sum could not hash ", name, ": ", error];
  }
  layerFailed(name: T, error: T): Message<T> {
    return ["could not lay ", name, " over the layers before it: ", error];
  }
  digestMismatch(name: T, got: T, expected: T): Message<T> {
    return [name, " has sha256 ", got, ", expected ", expected];
  }
  // Progress while the archive unpacks (progress.ts): the start (level 7, debug), then one line
  // every few seconds.
  unpacking(name: T, format: T): Message<T> {
    return ["tmpfs-root: unpacking ", name, " (", format, ")"];
  }
  progress(name: T, read: T, size: T, percent: T, rate: T, left: T): Message<T> {
    return [
      "tmpfs-root: unpacking ",
      name,
      ": ",
      read,
      " of ",
      size,
      " read (",
      percent,
      "%), ",
      rate,
      "/s, about ",
      left,
      " s left",
    ];
  }
  progressNoSize(name: T, read: T, rate: T): Message<T> {
    return ["tmpfs-root: unpacking ", name, ": ", read, " read, ", rate, "/s"];
  }
  // The sidecar and its signature (rd.tmpfs.verify).
  sidecarMissing(sidecar: T): Message<T> {
    return [sidecar, " is missing"];
  }
  sidecarTooLarge(file: T): Message<T> {
    return [file, ` is larger than ${SIDECAR_MAX_BYTES} bytes`];
  }
  sidecarMalformed(sidecar: T): Message<T> {
    return [sidecar, " is not in sha256sum's format"];
  }
  sidecarNoLine(sidecar: T, name: T): Message<T> {
    return [sidecar, " has no line for ", name];
  }
  sidecarAmbiguous(sidecar: T, name: T): Message<T> {
    return [sidecar, " has lines with different digests for ", name];
  }
  sidecarDisagrees(sidecar: T, digest: T, given: T): Message<T> {
    return [sidecar, " gives sha256 ", digest, ", but rd.tmpfs.sha256 is ", given];
  }
  fetchFailed(url: T, error: T): Message<T> {
    return ["could not download ", url, ": ", error];
  }
  unsigned(sig: T): Message<T> {
    return [sig, " is missing: this initramfs boots only signed archives"];
  }
  badSignature(sig: T, sidecar: T): Message<T> {
    return [sig, " is not a signature of ", sidecar, ` by any key in ${KEYS_DIR}`];
  }
  /** A console warning's line. */
  warning(what: T): Message<T> {
    return ["tmpfs-root: warning: ", what];
  }
  unknownParam(name: T, closest: T): Message<T> {
    return ["unknown parameter ", name, " ignored (did you mean ", closest, "?)"];
  }
  xattrWarning(line: T): Message<T> {
    return [
      "tmpfs-root: warning: tar could not set every extended attribute: ",
      line,
    ];
  }
  // Downloads.
  capacityUnknown(at: T): Message<T> {
    return ["could not read the size of the tmpfs on ", at];
  }
  deadline(url: T, seconds: T): Message<T> {
    return [
      "download of ",
      url,
      " did not finish within ",
      seconds,
      " s (rd.tmpfs.timeout=",
      seconds,
      ")",
    ];
  }
  tooLarge(url: T, bytes: T, size: T): Message<T> {
    return [
      url,
      " is larger than the tmpfs (",
      bytes,
      " bytes, rd.tmpfs.size=",
      size,
      ")",
    ];
  }
  badRedirect(url: T, error: T): Message<T> {
    return [
      url,
      " redirects to a protocol it may not use: ",
      error,
    ];
  }
  answered(url: T, code: T): Message<T> {
    return [url, " answered ", code];
  }
  triesFailed(url: T, tries: T, error: T): Message<T> {
    return [
      "download of ",
      url,
      " failed after ",
      tries,
      " tries: ",
      error,
    ];
  }
  retrying(attempt: T, tries: T, url: T, cause: T, seconds: T): Message<T> {
    return [...tryFailed(attempt, tries, url, cause), ", next in ", seconds, " s"];
  }
  nextMirror(attempt: T, tries: T, url: T, cause: T, next: T): Message<T> {
    return [...tryFailed(attempt, tries, url, cause), ", next from ", next];
  }
  sidecarElsewhere(cause: T, next: T): Message<T> {
    return ["tmpfs-root: ", cause, ", trying ", next];
  }
  httpStatus(code: T): Message<T> {
    return ["HTTP ", code];
  }
  // Clean-up.
  unmountFailed(target: T, error: T): Message<T> {
    return [
      "could not unmount ",
      target,
      ": ",
      error,
    ];
  }
  removeFailed(path: T, error: T): Message<T> {
    return ["could not remove ", path, ": ", error];
  }
  makeFailed(path: T, error: T): Message<T> {
    return ["could not make ", path, ": ", error];
  }
  tempDirFailed(parent: T, error: T): Message<T> {
    return [
      "could not make a directory under ",
      parent,
      ": ",
      error,
    ];
  }
  // SELinux.
  badSelinuxType(): Message<T> {
    return ["invalid SELINUXTYPE in /etc/selinux/config"];
  }
  relabelFailed(root: T, error: T): Message<T> {
    return [
      "setfiles could not relabel ",
      root,
      ": ",
      error,
    ];
  }
  // The hand-over.
  handedOver(root: T): Message<T> {
    return ["tmpfs-root: root file system unpacked into ", root];
  }
}

/** The messages with slots of type `T`. */
export function messages<T>(): Messages<T> {
  return new Messages<T>();
}

/** The messages with string slots. */
export const MESSAGES: Messages<string> = messages<string>();

/** A message with every slot a string, as one line. */
export function text(message: Message<string>): string {
  return message.join("");
}
