// What each console message of the boot means, for tmpfs-root.cmdline(7). The keys are the
// methods of the model's Messages class (packages/model/messages.ts): a message added there
// without a meaning here fails the type check, and `slots` names the method's arguments in order
// (the generator checks their number against the method's).
import type { Messages } from "@tmpfs-root/model";

/** A message's slot names and what it means. */
export interface Meaning {
  readonly slots: readonly string[];
  readonly meaning: string;
}

/** One meaning per message of the model. */
export const MEANINGS: { readonly [K in keyof Messages<unknown>]: Meaning } = {
  deviceTimeout: {
    slots: ["device", "source", "seconds"],
    meaning:
      "The source device did not appear in time (two thirds of rd.retry, when dracut runs its timeout hooks): the disk is absent, the label or UUID is wrong, or its driver is not in the initramfs.",
  },
  deviceMissing: {
    slots: ["device", "source"],
    meaning: "The device node was not there when the source was to be mounted.",
  },
  mountReadOnly: {
    slots: ["device", "error"],
    meaning:
      "mount refused the device: an unknown or damaged file system, or a file system whose kernel module is not in the initramfs. The error is mount's.",
  },
  notExported: {
    slots: ["export"],
    meaning: "The NFS server answered, but does not export this path to this machine.",
  },
  nfsNoAnswer: {
    slots: ["server"],
    meaning:
      "No NFS server answered at this address: the network is not up, the address is wrong, or a firewall stands between.",
  },
  mountFailed: {
    slots: ["export", "error"],
    meaning: "The NFS mount failed for another reason; the error is mount's first line.",
  },
  resizeFailed: {
    slots: ["mountpoint", "error"],
    meaning:
      "In the systemd initrd, the tmpfs that the generator mounted could not be given rd.tmpfs.size.",
  },
  tmpfsFailed: {
    slots: ["options", "mountpoint", "error"],
    meaning:
      "The tmpfs could not be mounted with these options (size=, and nr_inodes= when a manifest sized it), usually because the kernel refused rd.tmpfs.size.",
  },
  noFile: {
    slots: ["file", "source"],
    meaning:
      "The source holds no such archive: rd.tmpfs.imgfile is a path relative to the source's root.",
  },
  unreadable: {
    slots: ["archive", "error"],
    meaning: "The archive could not be opened or read (its permissions, or an I/O error).",
  },
  readFailed: {
    slots: ["archive"],
    meaning: "Reading the archive failed part of the way through (an I/O error on the source).",
  },
  empty: {
    slots: ["archive"],
    meaning: "The archive has no bytes.",
  },
  notArchive: {
    slots: ["archive"],
    meaning:
      "The archive's first bytes are the magic number of no format tmpfs-root unpacks: it is not a tar archive, compressed or not.",
  },
  noDecompressor: {
    slots: ["archive", "format", "program", "package"],
    meaning:
      "The archive is compressed in a format whose decompressor the initramfs was built without: the build host lacked it, or tmpfs_root_decompressors in dracut.conf left it out. Install the package where the initramfs is built, name the format in tmpfs_root_decompressors if that is set, and rebuild the initramfs; or pack the archive in a format the image has.",
  },
  truncated: {
    slots: ["archive"],
    meaning:
      "The archive ends too early: a compressed stream cut short, or a tar stream without its end-of-archive blocks (which GNU tar alone would accept). Copy or pack it again.",
  },
  corrupt: {
    slots: ["archive"],
    meaning: "The compressed data or a tar header is damaged.",
  },
  tmpfsFull: {
    slots: ["options"],
    meaning:
      "The unpacked files need more room than the tmpfs has (its options as mounted): raise rd.tmpfs.size (the machine needs the RAM), or pack a manifest beside the archive to size it before anything is written.",
  },
  tarFailed: {
    slots: ["archive", "line"],
    meaning: "tar stopped with an error; the line is tar's first error.",
  },
  securityXattr: {
    slots: ["line"],
    meaning:
      "tar could not set a security.* extended attribute (an SELinux label, a file capability): the boot stops rather than run without it. The line is tar's.",
  },
  hashFailed: {
    slots: ["archive", "error"],
    meaning:
      "With rd.tmpfs.sha256, the archive's bytes could not be hashed on their way to tar (the FIFO to sha256sum could not be made, or sha256sum failed); the error is the first line it printed.",
  },
  layerFailed: {
    slots: ["archive", "error"],
    meaning:
      "With layers, the layer was unpacked but could not be laid over the ones before it (a rename or removal in the tmpfs failed; the error is the first line of mv, rm or find), or the layer holds an entry named like the folder it was unpacked into. The tmpfs is thrown away.",
  },
  digestMismatch: {
    slots: ["archive", "digest", "expected"],
    meaning:
      "The archive's SHA-256 (of every byte that came from the source) is not rd.tmpfs.sha256: it is another archive, or it was damaged or changed. Both digests are given in full. The unpacked tree is thrown away with the tmpfs; a download is not tried again.",
  },
  sidecarMissing: {
    slots: ["sidecar"],
    meaning:
      "With rd.tmpfs.verify (or keys in the initramfs), the archive's sidecar <imgfile>.sha256 is not beside it on the source (for a URL: the server answered 404). Nothing has been mounted on the root.",
  },
  sidecarTooLarge: {
    slots: ["file"],
    meaning:
      "The sidecar or its signature has more bytes than any sidecar should have: it is not one (the copy stops one byte past the bound). Nothing has been mounted on the root.",
  },
  sidecarMalformed: {
    slots: ["sidecar"],
    meaning:
      "A line of the sidecar is neither empty nor <64 hex digits>, two spaces (or a space and *), and a file name, as sha256sum writes it: a web server's error page, an edited or a BSD-style file.",
  },
  sidecarNoLine: {
    slots: ["sidecar", "name"],
    meaning:
      "No line of the sidecar names the archive's file name (what follows the last / of rd.tmpfs.imgfile or of the URL), with or without a directory before it.",
  },
  sidecarAmbiguous: {
    slots: ["sidecar", "name"],
    meaning:
      "Two lines of the sidecar name the archive with different digests: which one holds is not for the boot to guess.",
  },
  sidecarDisagrees: {
    slots: ["sidecar", "digest", "given"],
    meaning:
      "rd.tmpfs.sha256 and the sidecar name different digests for the archive; both are given in full. Nothing has been mounted on the root.",
  },
  fetchFailed: {
    slots: ["url", "error"],
    meaning:
      "The sidecar or its signature could not be downloaded (one try, with the archive's curl options and deadline); the error is curl's first line.",
  },
  unsigned: {
    slots: ["signature"],
    meaning:
      "The initramfs carries public keys, so every archive must come with a signed sidecar, and <imgfile>.sha256.sig is not there: the archive is not signed. No kernel parameter turns the check off.",
  },
  badSignature: {
    slots: ["signature", "sidecar"],
    meaning:
      "No public key of the initramfs verifies the signature: the sidecar was changed after it was signed, the signature is damaged, or it was made with a key this initramfs does not carry (these look alike). Nothing has been mounted on the root or unpacked.",
  },
  warning: {
    slots: ["what"],
    meaning:
      "A warning: the boot goes on. The warnings are an unknown parameter, a manifest that could not be read and an extended attribute tar could not set (below).",
  },
  unknownParam: {
    slots: ["name", "closest"],
    meaning:
      "A parameter in tmpfs-root's name space (rd.tmpfs.) that no version knows, most likely a typo; it is ignored, and the known name closest to it is suggested.",
  },
  xattrWarning: {
    slots: ["line"],
    meaning:
      "tar could not set an extended attribute outside security.*: the boot goes on, and the report keeps the line as a warning.",
  },
  capacityUnknown: {
    slots: ["mountpoint"],
    meaning: "df could not tell the size of the tmpfs, which bounds a download.",
  },
  deadline: {
    slots: ["url", "seconds"],
    meaning:
      "The download ran past rd.tmpfs.timeout, every try and pause included; it is not tried again.",
  },
  tooLarge: {
    slots: ["url", "bytes", "size"],
    meaning:
      "The server sent more bytes than the tmpfs holds; the download was cut off there, and is not tried again.",
  },
  badRedirect: {
    slots: ["url", "error"],
    meaning:
      "The server redirected to a protocol curl may not follow (only http and https, and from https only https); it is not tried again.",
  },
  answered: {
    slots: ["url", "status"],
    meaning:
      "The server answered with an HTTP client error (4xx, such as 404 or 403) other than 408 and 429: the URL is wrong or not allowed; it is not tried again.",
  },
  triesFailed: {
    slots: ["url", "tries", "error"],
    meaning:
      "Every try of the download failed (rd.tmpfs.retries rounds after the first, a round being one try of the source's URL and of each mirror); the error is curl's last, such as a refused connection or a transfer too slow for too long.",
  },
  retrying: {
    slots: ["try", "tries", "url", "cause", "seconds"],
    meaning:
      "A try of the download failed (the cause is HTTP and the status for a 5xx, 408 or 429, else curl's line); the next starts after this pause, from an empty tmpfs (a partial transfer never boots). The pause is half a ceiling that doubles from 4 s to 30 s, or the server's Retry-After (429 and 503, at most 120 s), plus a random share of the other half, so that machines booted together do not retry together.",
  },
  manifestInvalid: {
    slots: ["manifest", "problem"],
    meaning:
      "The archive's manifest (<imgfile>.manifest) is there but is not one this module reads; the problem is one of the next seven. Fix or remove it: without a manifest the tmpfs is sized by rd.tmpfs.size alone.",
  },
  manifestLine: {
    slots: ["line"],
    meaning: "A line of the manifest has no = (or starts with one).",
  },
  manifestTwice: {
    slots: ["key"],
    meaning: "A key the manifest format knows is given on two lines.",
  },
  manifestNoVersion: {
    slots: [],
    meaning: "The manifest has no version= line.",
  },
  manifestVersion: {
    slots: ["version"],
    meaning: "The manifest is of a format version this module does not read.",
  },
  manifestMissing: {
    slots: ["key"],
    meaning: "A field of the manifest is missing.",
  },
  manifestValue: {
    slots: ["key", "expected"],
    meaning: "A field of the manifest does not hold a valid value.",
  },
  manifestOther: {
    slots: ["archive"],
    meaning:
      "The manifest names another archive than the one beside it: it was copied from another image.",
  },
  manifestSkipped: {
    slots: ["cause"],
    meaning:
      "The manifest could not be read (a server error, a file too large); the boot goes on and sizes the tmpfs by rd.tmpfs.size alone.",
  },
  ramUnknown: {
    slots: [],
    meaning: "The initramfs could not read the RAM's size, which sizing from a manifest needs.",
  },
  tooManyInodes: {
    slots: ["archive", "inodes", "limit", "allows"],
    meaning:
      "The manifest says the archive has more inodes than the nr_inodes given in rd.tmpfs.opts allows; the boot stops before the tmpfs is mounted.",
  },
  mpolRefused: {
    slots: ["mpol", "error"],
    meaning:
      "The kernel refused the NUMA policy of rd.tmpfs.opts (a node it does not have, or no NUMA at all): the tmpfs is mounted, or resized, again without it, and the boot goes on.",
  },
  doesNotFit: {
    slots: ["archive", "unpacked", "limit", "allows"],
    meaning:
      "The manifest says the archive unpacks to more than the tmpfs may hold: rd.tmpfs.size as given, or without it the RAM less its reserve (an eighth, at least 128 MiB). The boot stops before the tmpfs is mounted (under systemd, before it is resized) and before anything is written. Sizes read the same are given in bytes.",
  },
  tmpfsFullManifest: {
    slots: ["options", "manifest"],
    meaning:
      "The tmpfs filled up although its manifest said the archive would fit: the manifest does not belong to this archive, or lies. Pack again to write a new one.",
  },
  nextMirror: {
    slots: ["try", "tries", "url", "cause", "next"],
    meaning:
      "A try of the download failed, and the next URL in the round (a mirror given with rd.tmpfs.mirror, or the source's) is tried at once, from an empty tmpfs. A URL that answered 4xx (other than 408 and 429) or redirected where it may not is left out of later rounds.",
  },
  sidecarElsewhere: {
    slots: ["cause", "next"],
    meaning:
      "The sidecar (or its signature) could not be had from one URL; the same file is asked of the next mirror. The boot stops only when no URL serves it.",
  },
  httpStatus: {
    slots: ["status"],
    meaning:
      "The cause in a try's line when the server answered with an error status that is tried again (5xx, 408, 429).",
  },
  unmountFailed: {
    slots: ["mountpoint", "error"],
    meaning: "umount refused, while releasing the source or undoing after a failure.",
  },
  removeFailed: {
    slots: ["path", "error"],
    meaning: "The source's mount point could not be removed.",
  },
  makeFailed: {
    slots: ["path", "error"],
    meaning: "mkdir could not make the folder that holds the source's mount point.",
  },
  tempDirFailed: {
    slots: ["folder", "error"],
    meaning: "No mount point for the source could be made in this folder.",
  },
  badSelinuxType: {
    slots: [],
    meaning:
      "The new root's /etc/selinux/config enables SELinux, but its SELINUXTYPE is empty or not a plain policy name, so its labels cannot be found.",
  },
  relabelFailed: {
    slots: ["root", "error"],
    meaning: "setfiles could not restore the SELinux labels of the new root.",
  },
  unpacking: {
    slots: ["archive", "format"],
    meaning:
      "The unpack starts, the format found by the archive's magic bytes. Level 7 (debug): the console shows it only with a higher log level (rd.debug, loglevel=8).",
  },
  progress: {
    slots: ["archive", "read", "size", "percent", "rate", "seconds"],
    meaning:
      "The unpack has run for a while: the archive's bytes read so far, of its size (that of the file on a mounted source, else the download's Content-Length, else the manifest's compressed_bytes), the throughput since the line before, and the time left at the average rate so far. At most one line every 5 seconds, the first after 5 seconds: an unpack that takes less prints none. Level 6 (info), so the console shows it unless quiet.",
  },
  progressNoSize: {
    slots: ["archive", "read", "rate"],
    meaning:
      "As the line above, for an archive whose size is not known (a download without Content-Length and without a manifest) or has been passed (a wrong manifest): the bytes read and the throughput only.",
  },
  handedOver: {
    slots: ["root"],
    meaning: "The root file system is unpacked; dracut switches into it next.",
  },
};
