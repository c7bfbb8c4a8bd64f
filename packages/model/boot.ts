/**
 * The tmpfs-root boot sequence, written once. The compiler turns it into
 * the dracut module's hooks; the simulator runs it against a virtual
 * machine.
 *
 * @module
 */
import {
  awaitSource,
  fit,
  handOver,
  literal,
  makeTempDir,
  mountSource,
  mountTmpfs,
  newroot,
  output,
  param,
  phase,
  readManifest,
  readParams,
  release,
  remove,
  restoreSelinux,
  sequence,
  sidecar,
  unmount,
  unpack,
  verify,
} from "./dsl.ts";
import {
  CAFILE,
  IMGFILE,
  ONFAIL,
  OPTS,
  PARAMS,
  RETRIES,
  RETRY,
  ROOT,
  SHA256,
  SIZE,
  VERIFY,
} from "./params.ts";
import { PROGRESS_EVERY } from "./progress.ts";
import { KEYS_DIR } from "./sidecar.ts";
import type { BootSequence } from "./step.ts";

/** The boot sequence of tmpfs-root. */
export const BOOT: BootSequence = sequence("tmpfs-root", PARAMS, param(ONFAIL), [
  // The cmdline hook: check every parameter, then ask dracut to wait for the device
  // (or to bring up the network for NFS and HTTP).
  phase(
    "cmdline",
    readParams({
      id: "params",
      label: "cmdline",
      doing: "checking the kernel command line",
      params: PARAMS,
    }),
    awaitSource({
      id: "device",
      label: "source",
      doing: "waiting for the source device, or asking dracut for the network",
      source: param(ROOT),
      timeout: param(RETRY),
    }),
  ),
  // The mount hook: a mount point, the source read-only, the digest the archive must have (its
  // sidecar, whose signature is checked before the new root is mounted, or rd.tmpfs.sha256), the
  // tmpfs, the unpack (the archive's bytes hashed on their way when there is a digest), the
  // digest's check, then the source's release.
  phase(
    "mount",
    makeTempDir({
      id: "mountpoint",
      label: "mountpoint",
      doing: "making a mount point for the source",
      parent: literal("/run/tmpfs-root"),
      onlyFor: "mounted",
      undo: remove(output("mountpoint")),
    }),
    mountSource({
      id: "source",
      label: "source",
      doing: "mounting the source read-only",
      source: param(ROOT),
      at: output("mountpoint"),
      onlyFor: "mounted",
      undo: unmount(output("mountpoint")),
    }),
    sidecar({
      id: "sidecar",
      label: "verify",
      doing: "reading the archive's sha256 sidecar and checking its signature",
      from: output("mountpoint"),
      file: param(IMGFILE),
      mode: param(VERIFY),
      sha256: param(SHA256),
      ca: param(CAFILE),
      keys: literal(KEYS_DIR),
      copy: literal("/run/tmpfs-root/sidecar"),
    }),
    readManifest({
      id: "manifest",
      label: "manifest",
      doing: "reading the archive's manifest, when there is one",
      from: output("mountpoint"),
      file: param(IMGFILE),
      ca: param(CAFILE),
      copy: literal("/run/tmpfs-root/manifest"),
    }),
    fit({
      id: "fit",
      label: "tmpfs",
      doing: "sizing the tmpfs from rd.tmpfs.size, the manifest and the RAM",
      size: param(SIZE),
      manifest: output("manifest"),
      opts: param(OPTS),
    }),
    mountTmpfs({
      id: "tmpfs",
      label: "tmpfs",
      doing: "mounting the tmpfs that becomes the root",
      at: newroot(),
      options: output("fit"),
      opts: param(OPTS),
      undo: unmount(newroot()),
    }),
    unpack({
      id: "unpack",
      label: "unpack",
      doing: "unpacking the archive",
      source: param(ROOT),
      from: output("mountpoint"),
      file: param(IMGFILE),
      into: newroot(),
      retries: param(RETRIES),
      ca: param(CAFILE),
      sha256: output("sidecar"),
      progress: literal(String(PROGRESS_EVERY)),
      manifest: output("manifest"),
    }),
    verify({
      id: "verify",
      label: "verify",
      doing: "comparing the archive's sha256 with the one it must have",
      of: "unpack",
      expected: output("sidecar"),
    }),
    release({
      id: "release",
      label: "release",
      doing: "unmounting the source",
      of: "source",
      onlyFor: "mounted",
    }),
    release({
      id: "cleanup",
      label: "release",
      doing: "removing the source's mount point",
      of: "mountpoint",
      onlyFor: "mounted",
    }),
  ),
  // The pre-pivot hook: SELinux labels, then hand over to dracut's switch-root.
  phase(
    "prePivot",
    restoreSelinux({
      id: "selinux",
      label: "selinux",
      doing: "restoring SELinux labels",
      root: newroot(),
    }),
    handOver({
      id: "handover",
      label: "switch-root",
      doing: "handing over to switch-root",
      root: newroot(),
    }),
  ),
]);
