/**
 * The usage of every function the module defines (arguments, what it
 * prints, its return codes): the compiler's documentation of the shell it
 * emits, printed as comments above each function. Every function must have
 * one (compileModule fails otherwise).
 */
import type { BootSequence } from "@tmpfs-root/model";
import type { Command, Script } from "@tmpfs-root/shell";
import { fn } from "./_names.ts";

const FIXED: Readonly<Record<string, string>> = {
  // The shared runtime.
  [fn("say")]: "LEVEL TEXT: prints TEXT to the kernel log at LEVEL (the console), or to stderr " +
    "without /dev/kmsg.",
  [fn("failed")]: "LABEL ID: prints the one failure line `tmpfs-root: LABEL failed: <cause>` " +
    "(control characters removed) and records it in the reports (the step ID and the cause too).",
  [fn("report")]: "STATUS TEXT [LABEL ID CAUSE]: writes /run/tmpfs-root/report (status=, " +
    "message=, then the unpack's warning= lines) and report.json; returns 0.",
  // The boot report (report.json).
  [fn("json_string")]: "TEXT: prints TEXT as a JSON string literal in pure ASCII (control " +
    "characters \\u00XX, UTF-8 sequences \\uXXXX, a byte of no valid sequence \\ufffd).",
  [fn("json_number")]: "TEXT: prints TEXT when it is a whole number as JSON writes one, else null.",
  [fn("centis")]: "prints the hundredths of a second since boot (/proc/uptime).",
  [fn("seconds")]: "CENTIS: prints CENTIS hundredths as seconds with two decimals.",
  [fn("df")]: "DIR COLUMN: prints df's COLUMN (2: size, 3: used) of DIR's file system in " +
    "bytes; returns 1 when df cannot say.",
  [fn("report_layer")]: "NAME FROM FORMAT BYTES_READ BYTES_UNPACKED CENTIS SHA256 CHECKED " +
    "TRIES: appends one layer's record to /run/tmpfs-root/layers.json (empty numbers and " +
    "SHA256: null).",
  [fn("layer_begin")]: "INTO: notes a layer's start (time, INTO's used bytes) and forgets the " +
    "last layer's measures.",
  [fn("layer_done")]:
    "NAME FROM INTO EXPECTED [FILE]: records the layer extract and download just " +
    "unpacked (format, bytes read, digest, tries, time, growth of INTO) with " +
    "tmpfs_root_report_layer.",
  [fn("report_json")]: "RESULT MESSAGE [LABEL ID CAUSE]: writes /run/tmpfs-root/report.json " +
    "(a temporary file, then mv); returns 1 when it cannot.",
  // Layers.
  [fn("merge")]: "UP LOW DEPTH: merges the directory LOW (the layers below) into UP (a " +
    "layer's), both real directories: UP's whiteouts remove LOW's entries, an opaque UP hides " +
    "LOW, a directory in both is merged in turn, LOW's other entries are moved into UP; UP " +
    "keeps its time; LOW is gone after. Returns non-zero with the error in layer.err.",
  [fn("lay")]: "STAGE ROOT: lays the layer unpacked in STAGE (inside ROOT) over ROOT, by " +
    "renames alone, then removes STAGE and the whiteouts left; returns non-zero with the error " +
    "in layer.err.",
  [fn("overlay")]: "STAGE ROOT NAME: tmpfs_root_lay STAGE ROOT; returns 1 with " +
    "$tmpfs_root_cause naming the layer NAME when it fails.",
  [fn("drop_whiteouts")]: "ROOT: removes every entry under ROOT whose name starts with .wh. " +
    "(and all under it).",
  [fn("only")]: "SET VALUE: true when VALUE holds only characters of the tr(1) set SET.",
  [fn("lower")]: "TEXT: prints TEXT in ASCII lower case.",
  [fn("cmdline_text")]: "prints what dracut's getcmdline reads: /etc/cmdline.d/*.conf, " +
    "/etc/cmdline, then /proc/cmdline, one space between files; returns 0.",
  [fn("scan")]: "TEXT: splits TEXT as the kernel's next_arg() does (quotes group words, " +
    "nothing is evaluated) and calls tmpfs_root_arg NAME VALUE HAS_EQUALS for each argument.",
  [fn("hex_digit")]: "HEX...: prints the hex digit (lower case) whose ASCII code starts the " +
    "argument.",
  [fn("udev_encode")]: "TEXT: prints TEXT escaped as udev names /dev/disk/by-label and " +
    "by-partlabel links (libblkid's blkid_encode_string); \\xNN in TEXT stands for byte NN.",
  // The parameters.
  [fn("arg")]: "NAME VALUE HAS_EQUALS: keeps the last value of each parameter, notes ip=, " +
    "collects unknown names under rd.tmpfs.; returns 0.",
  [fn("has_keys")]: "true when the initramfs carries a public key (a file under " +
    "/etc/tmpfs-root/keys): then every archive must have a signed sidecar.",
  [fn("closest")]: "NAME: prints the known rd.tmpfs. parameter that shares the longest prefix " +
    "with NAME.",
  [fn("warn_unknown")]: "prints one warning for each unknown rd.tmpfs. parameter, once per " +
    "boot; returns 0.",
  [fn("read_params")]: "reads and checks every parameter into $tmpfs_root_<key>; returns 0 when " +
    "all are valid, 1 with $tmpfs_root_cause set when one is not, 2 when root= is not tmpfs:.",
  [fn("parse_source")]: "TEXT: parses the text after root=tmpfs: into $tmpfs_root_kind and the " +
    "source's fields; returns 1 when it is no source.",
  [fn("parse_nfs")]: "nfs[4]:SERVER:EXPORT[,OPTIONS]: sets the NFS source's fields (mount " +
    "options with nolock for NFSv3 unless locking was chosen, then ro); returns 1 when invalid.",
  // The steps' helpers.
  [fn("first_line")]: "FILE: prints the first line of FILE (nothing when there is none).",
  [fn("first_error")]: "FILE: prints tar's first line in FILE that is not a warning (else the " +
    "first line), cut to 400 bytes and ... when longer.",
  [fn("request_network")]: "for a network source, asks dracut for the network (rd.neednet=1 in " +
    "/etc/cmdline.d); returns 0.",
  [fn("decompress")]: "FORMAT: decompresses stdin to stdout (gzip with pigz when the image has " +
    "it; tar: a copy).",
  [fn("feed")]: "HEAD FIFO NAME EVERY SIZE: prints HEAD then the rest of stdin (the archive, " +
    "through tmpfs_root_pass), recording the status; with a FIFO, tee also copies every byte " +
    "into it.",
  [fn("pass")]: "NAME EVERY SIZE: copies stdin to stdout with cat; with EVERY, cat runs in the " +
    "background watched by tmpfs_root_progress, which is killed and waited for when cat ends; " +
    "cat's status.",
  [fn("progress")]: "PID NAME EVERY SIZE: while PID runs, every EVERY seconds (none sooner) " +
    "prints a progress line of the archive NAME: the bytes PID has read (the offset of the " +
    "file it reads, else what it wrote, /proc/PID/io), with " +
    "the percent and the time left when its size is known, and the throughput; returns 0 when " +
    "PID is gone.",
  [fn("clock")]: "sets now (the caller's variable) to /proc/uptime in hundredths of a second, " +
    "without a fork.",
  [fn("field")]: "FILE KEY: prints the value after KEY on the first line of FILE that starts " +
    "with it (a /proc file: wchar: of io, pos: of fdinfo); returns 1 when there is none.",
  [fn("size_of")]: "PID SIZE: prints the archive's size in bytes: the size of the regular file " +
    "PID reads, else the last answer's Content-Length in curl's headers " +
    "(/run/tmpfs-root/headers), else SIZE (the manifest's; may be empty).",
  [fn("hash")]: "FIFO: with a FIFO, writes sha256sum's line for what comes through it to " +
    "/run/tmpfs-root/sha256; without, does nothing; sha256sum's status.",
  [fn("extract")]:
    "INTO NAME SHA256 EVERY SIZE KINDS: detects the format of the archive on stdin by its " +
    "magic bytes, unpacks it into INTO with GNU tar (restoring the kinds of attribute KINDS " +
    "names, the manifest's attributes= value) and checks every side of the pipe, the " +
    "end-of-archive blocks and the security xattrs; when SHA256 is not empty, hashes every byte " +
    "on its way to the decompressor (/run/tmpfs-root/sha256); prints progress every EVERY " +
    "seconds (empty: none) of an archive of SIZE bytes (empty: unknown) unless its source " +
    "tells; returns 1 with $tmpfs_root_cause set on any failure.",
  [fn("fetch")]: "URL CAFILE MAXTIME: writes the archive at URL to stdout with curl (http and " +
    "https only, https stays https, no globbing, a minimum rate, MAXTIME seconds); curl's status.",
  [fn("cap")]: "BYTES: copies at most BYTES of stdin to stdout; returns 3 when more would have " +
    "come, 1 when the copy failed.",
  [fn("parse_manifest")]: "FILE NAME: the model's checkManifest: prints the unpacked bytes, the " +
    "inodes and the archive's name of the manifest FILE, one space between; returns 1 and prints " +
    "the first problem when it is not valid or not NAME's.",
  [fn("ram")]:
    "prints the RAM in bytes (MemTotal in /proc/meminfo); returns 1 when it cannot tell.",
  [fn("size_bytes")]: "SIZE RAM: prints the bytes a tmpfs of size SIZE holds with RAM bytes of " +
    "RAM, in whole 4 KiB pages.",
  [fn("human")]: "BYTES: prints BYTES as the console gives sizes: N bytes, or one decimal of " +
    "KiB, MiB, GiB or TiB.",
  [fn("check_opts")]: "OPTIONS: true when each of the comma-separated tmpfs OPTIONS is " +
    "nr_inodes=, huge=, mpol= or mode= with a valid value, each at most once.",
  [fn("count")]: "N: prints the count N with its k, m or g suffix applied (powers of 1024).",
  [fn("mount_tmpfs")]: "AT OPTIONS MODE: mounts the tmpfs at AT with OPTIONS and the root's " +
    "MODE, or under systemd sets OPTIONS with a remount and MODE with chmod; its error in " +
    "/run/tmpfs-root/err.",
  [fn("nth")]: "LIST K: prints the K-th word of LIST (from 0), whose words are one space apart.",
  [fn("urls")]: "FILE: prints the archive's URLs, one space between: the source's, then each " +
    "mirror's, with FILE appended to those ending with /.",
  [fn("take")]: "NAME DEST DIR CAFILE MISSING: copies the sidecar or signature NAME to DEST, at " +
    "most one byte more than a sidecar may have: from DIR on a mounted source, or downloaded " +
    "(NAME is a URL) with curl and the time left before the deadline; returns 1 with " +
    "$tmpfs_root_cause set when it fails or is too large, to MISSING when there is no such file " +
    "(HTTP 404).",
  [fn("parse_sidecar")]: "FILE NAME: prints the sha256 of NAME's line in the sidecar FILE, in " +
    "lower case; returns 1 when a line is not as sha256sum writes them, 2 when no line names NAME, " +
    "3 when two lines name it with different digests.",
  [fn("check_signature")]: "DATA SIG KEYDIR: true when a public key under KEYDIR verifies the " +
    "Ed25519 signature SIG of the file DATA (openssl pkeyutl -verify).",
  [fn("uptime")]: "prints the whole seconds since boot.",
  [fn("capacity")]: "DIR: prints the bytes the file system at DIR holds; returns 1 when df " +
    "cannot tell.",
  [fn("download")]: "URLS INTO RETRIES CAFILE TIMEOUT SHA256 EVERY SIZE KINDS: streams the " +
    "archive into extract (restoring the kinds of attribute KINDS names; progress every EVERY seconds, SIZE its size unless the answer says; it " +
    "hashes each try afresh when SHA256 is not empty) from URLS (the source's and the " +
    "mirrors', tried in turn; a pause after each round), with RETRIES more rounds, a byte bound " +
    "(the tmpfs) and a deadline (TIMEOUT seconds from the sidecar's download, or from the first " +
    "try); sets $tmpfs_root_served; returns 1 with $tmpfs_root_cause set when it gives up.",
  [fn("image_boots")]: "KIND: true when the initramfs boots sources of KIND, by the record " +
    "module-setup.sh writes (/lib/tmpfs-root/sources; every kind when there is none).",
  // The hooks'.
  [fn("stop")]: "applies rd.tmpfs.onfail after a failure: emergency (dracut's own handling), " +
    "reboot, poweroff or halt.",
  [fn("source_timeout")]: "the classic init's timeout hook: reports a device that never came " +
    "and stops the boot.",
  [fn("generate_network")]: "EARLY: for a network source, orders tmpfs-root.service after " +
    "network-online.target and, without ip=, asks systemd-networkd for DHCP; returns 1 when a " +
    "file cannot be written.",
  // module-setup.sh.
  [fn("build_sources")]: "prints the source kinds (and extras such as lvm) this initramfs must " +
    "support: $tmpfs_root_sources, else what the baked-in (or host-only, the running) command " +
    "line names, else every kind.",
  [fn("has_module")]: "NAME: true when dracut has the module NAME and the build does not omit " +
    "it (a dependency on an omitted module would stop the build).",
  [fn("installable")]: "NAME: true when dracut has the module NAME, the build does not omit it, " +
    "and dracut's check_module (where there is one) finds it can be installed with every module " +
    "it depends on.",
  [fn("each")]: "WORDS FUNCTION: calls FUNCTION WORD for each word of WORDS; returns 1 as soon " +
    "as one call fails.",
  [fn("package")]: "PROGRAM: prints the Debian package that has PROGRAM.",
  [fn("check_tool")]: "NAME: 0 when this host has the program NAME, 1 when it has none, 2 when " +
    "it is BusyBox's applet, which lacks options the boot uses.",
  [fn("require_tool")]: "NAME: like tmpfs_root_check_tool, and says what to install (derror) " +
    "when NAME is missing or BusyBox's.",
  [fn("inst_tool")]: "NAME: installs this host's program NAME as /lib/tmpfs-root/bin/NAME, the " +
    "path the hooks run it by (a shell that prefers its applets never runs one for a path); " +
    "returns 1 when the host has none or only BusyBox's.",
  [fn("check_decompressor")]: "FORMAT: true when FORMAT (a word of $tmpfs_root_decompressors) " +
    "is a compressed format whose decompressor this host has; else says why (derror).",
  [fn("inst_decompressor")]: "FORMAT: installs FORMAT's decompressors that this host has " +
    "(pigz beside gzip); returns 1 when it has none.",
  [fn("inst_filesystem")]: "NAME: installs the kernel module of the file system NAME (a word " +
    "of $tmpfs_root_filesystems) with what it needs; says why (derror) and returns 1 when " +
    "dracut cannot.",
  [fn("check_key")]: "KEY: true when KEY is an Ed25519 public key openssl reads, whose file " +
    "name does not start with a dot (the boot's glob would miss it); else says why (derror).",
  [fn("install_key")]: "KEY: installs KEY under /etc/tmpfs-root/keys by its file name; returns 1 " +
    "when another key has that name.",
  check: "dracut: the programs must exist and not be BusyBox's, the formats " +
    "$tmpfs_root_decompressors names must be known and their decompressors here, and every key " +
    "$tmpfs_root_pubkeys names must be an Ed25519 public key (1 fails the build); the module is " +
    "installed only when asked for (255).",
  depends: "dracut: prints the dracut modules the supported source kinds need.",
  installkernel: "dracut: installs the kernel modules of the supported source kinds.",
  install: "dracut: installs the programs under /lib/tmpfs-root/bin (the decompressors " +
    "$tmpfs_root_decompressors names, else all this host has; openssl and the public keys only " +
    "when $tmpfs_root_pubkeys names keys), the record of the source kinds the image boots, the " +
    "library, the hooks and, with systemd, the generator, service and units.",
};

/** The usage of a function the model's steps and phases make. */
function fromModel(seq: BootSequence, name: string): string | undefined {
  for (const p of seq.phases) {
    if (name === fn(`phase_${p.name}`)) {
      return `runs the ${p.name} phase's steps; returns 0 when done, 2 when root= is not ` +
        "tmpfs:, 1 after a failure (its line printed, what ran undone).";
    }
    for (const s of p.steps) {
      if (name === fn(`step_${s.id}`)) {
        return `step ${s.id}: ${s.doing}; returns 1 with $tmpfs_root_cause set when it fails.`;
      }
      if (name === fn(`undo_${s.id}`) && s.undo !== null) {
        return `undoes step ${s.id} (${s.undo.kind}) when it ran and was not undone; returns 0.`;
      }
    }
  }
  return undefined;
}

function document(c: Command, seq: BootSequence): Command {
  if (c.kind !== "func") return c;
  const doc = FIXED[c.name] ?? fromModel(seq, c.name);
  if (doc === undefined) throw new TypeError(`Function "${c.name}" has no usage in _docs.ts`);
  return { ...c, doc };
}

/** The script with a usage comment above every function it defines. */
export function documented(s: Script, seq: BootSequence): Script {
  return { ...s, body: s.body.map((c) => document(c, seq)) };
}
