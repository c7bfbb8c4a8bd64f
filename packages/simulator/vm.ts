/**
 * The description of a virtual machine the simulator boots: its disks,
 * LVM volumes, NFS exports, web resources, RAM, dracut flavour, and what
 * its initramfs carries: public keys, decompressors, source kinds.
 *
 * @module
 */
import type { Format } from "@tmpfs-root/model";

/** Files on a file system, by path relative to its root (`images/rootfs.tar.gz`). */
export type FileTree = Readonly<Record<string, Uint8Array>>;

/** What every block device (a partition, a whole disk or an LVM volume) has. */
export interface VolumeCommon {
  /** The file system label (`/dev/disk/by-label/...`). */
  readonly label?: string;
  /** The file system UUID (`/dev/disk/by-uuid/...`). */
  readonly uuid?: string;
  /** The file system type, or `null` when the device holds no file system. Default `ext4`. */
  readonly fs?: string | null;
  /** Seconds after boot at which udev creates the device; `null` for never. Default `0`. */
  readonly appearsAt?: number | null;
  /** The files on its file system. */
  readonly files?: FileTree;
}

/** A disk or partition. */
export interface BlockDevice extends VolumeCommon {
  /** The kernel's name for it, e.g. `/dev/vda1`. */
  readonly path: string;
  /** The GPT partition label (`/dev/disk/by-partlabel/...`). */
  readonly partlabel?: string;
  /** The partition UUID (`/dev/disk/by-partuuid/...`). */
  readonly partuuid?: string;
}

/**
 * An LVM logical volume: `/dev/mapper/<vg>-<lv>` and `/dev/<vg>/<lv>`. It
 * appears only when an `rd.lvm.lv=<vg>/<lv>` argument names it.
 */
export interface LogicalVolume extends VolumeCommon {
  /** The volume group. */
  readonly vg: string;
  /** The logical volume. */
  readonly lv: string;
}

/** An NFS export. */
export interface NfsExport {
  /** The server as the command line names it (an address or a host name). */
  readonly server: string;
  /** The exported path, e.g. `/nfsexport`. */
  readonly export: string;
  /** Whether the server answers. Default `true`. */
  readonly up?: boolean;
  /** The NFS versions the server offers (4 covers 4.x). Default `[3, 4]`. */
  readonly versions?: readonly number[];
  /** The exported files. */
  readonly files?: FileTree;
}

/** How the first attempts at a web resource fail. */
export type WebFailure = "refused" | "drop" | number;

/** A file on a web server. */
export interface WebResource {
  /** The full URL, e.g. `http://10.0.2.2/images/rootfs.tar.gz`. */
  readonly url: string;
  /** The body. */
  readonly body: Uint8Array;
  /** The HTTP status of every answer after the first failures. Default `200`. */
  readonly status?: number;
  /** When set, every answer drops the connection after this many bytes of the body. */
  readonly dropAfter?: number | null;
  /** How many first attempts fail, as `failWith` says. Default `0`. */
  readonly failFirst?: number;
  /** How the first attempts fail: no connection, a drop halfway through the body, or an HTTP status. Default `"refused"`. */
  readonly failWith?: WebFailure;
  /** When set, every answer sends this many bytes of the body and then stalls (a trickle). */
  readonly stallAfter?: number | null;
  /** When set, zero bytes follow the body for ever, with no length announced. */
  readonly endless?: boolean;
  /** The `Retry-After` header sent with the failing statuses (`failWith` or `status`). */
  readonly retryAfter?: string;
  /** When set, every answer is a redirect (302) to this URL, which curl follows when it may. */
  readonly redirect?: string;
}

/** dracut's init flavour: the classic shell init or the systemd initrd. */
export type Flavour = "classic" | "systemd";

/** A virtual machine. */
export interface Vm {
  /** dracut's init flavour, which sets the device timeout. */
  readonly flavour: Flavour;
  /** RAM in bytes. */
  readonly ram: number;
  /** Disks and partitions. */
  readonly disks: readonly BlockDevice[];
  /** LVM logical volumes. */
  readonly lvm: readonly LogicalVolume[];
  /** NFS exports on the virtual network. */
  readonly nfs: readonly NfsExport[];
  /** Files on web servers on the virtual network. */
  readonly web: readonly WebResource[];
  /**
   * NUMA nodes the kernel has (default 1): a tmpfs `mpol=` that names a
   * node from this one on is refused, as the kernel refuses it.
   */
  readonly numaNodes?: number;
  /**
   * The public keys the initramfs carries (module-setup.sh installs those
   * `tmpfs_root_pubkeys` names under /etc/tmpfs-root/keys), by file name:
   * PEM or DER, as openssl reads them. An initramfs with a key checks every
   * archive's signature. Default none.
   */
  readonly keys?: FileTree;
  /**
   * The seed of the machine's random bytes (`/dev/urandom`, which the
   * download's jitter draws from): the same seed replays the same pauses.
   * Default 0.
   */
  readonly seed?: number;
  /**
   * The compressed formats whose decompressor the initramfs has
   * (module-setup.sh installs those `tmpfs_root_decompressors` names, else
   * all the build host has). Default every format.
   */
  readonly decompressors?: readonly Exclude<Format, "tar">[];
  /**
   * The source kinds the initramfs boots (what module-setup.sh writes to
   * /lib/tmpfs-root/sources: a kind whose dracut modules the build left
   * out is missing). Default every kind.
   */
  readonly sources?: readonly string[];
}
