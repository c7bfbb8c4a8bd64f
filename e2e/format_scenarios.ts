/**
 * Real boots from archives in every compression the module must detect by
 * content (gzip is covered by the block scenarios). The archive keeps a
 * misleading `.img` name, so only its magic bytes can tell the format.
 *
 * @module
 */
import type { Flavour } from "./lib/dracut.ts";
import { makeDisk } from "./lib/disk.ts";
import { buildGuestArchive, type Compression } from "./lib/guest.ts";
import { once, type Scenario } from "./lib/scenario.ts";

const FORMATS: readonly Compression[] = ["xz", "zstd", "bzip2", "lz4", "none"];

/** One disk holding the archive in every format, each named `rootfs-<format>.img` (shared). */
export const formatsDisk = once(async () => {
  const files: Record<string, string> = {};
  for (const c of FORMATS) {
    files[`rootfs-${c}.img`] = (await buildGuestArchive({ compression: c })).path;
  }
  return makeDisk({ name: "formats", table: "mbr", files });
});

/** Every format in the classic flavour; zstd and lz4 in the systemd flavour too. */
export const FORMAT_SCENARIOS: readonly Scenario[] = FORMATS.flatMap((c): Scenario[] =>
  (["classic", "systemd"] as Flavour[])
    .filter((flavour) => flavour === "classic" || c === "zstd" || c === "lz4")
    .map((flavour) => ({
      name: `${flavour}/format-${c}`,
      topic: "formats",
      flavour,
      cmdline: `root=tmpfs:/dev/vda1 rd.tmpfs.size=512M rd.tmpfs.imgfile=rootfs-${c}.img ro`,
      disk: formatsDisk,
      expect: { kind: "pass", tmpfsSize: "512M" },
      forbid: [/reboot: Restarting system/],
    }))
);
