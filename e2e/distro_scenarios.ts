/**
 * Real boots on newer Debian releases and with busybox as /bin/sh: the
 * initramfs is built inside a distribution's build root (`lib/distro.ts`)
 * with its own dracut (dracut-ng) for its own kernel, which QEMU boots. The
 * scenarios are those of the bookworm tables (`block_scenarios.ts`,
 * `lvm_scenarios.ts`, `network_scenarios.ts`), taken by name with the same
 * disks, servers and expectations, and renamed `<flavour>/<distro>-<name>`:
 *
 * - trixie, both flavours: a block, an LVM, an NFS and an HTTP source, a
 *   missing archive and an HTTP 404;
 * - forky, both flavours, with dracut's default module set (`full`), as a
 *   forky system with busybox installed builds it: a block and an HTTP source;
 * - the classic flavour with busybox as /bin/sh (`-a busybox`,
 *   `--omit "bash dash"`) on bookworm (the host), trixie and forky: a block
 *   and an HTTP source.
 *
 * @module
 */
import { BLOCK_SCENARIOS } from "./block_scenarios.ts";
import { SOURCE_KINDS, type SourceKind, type TABLE_DISTROS } from "./lib/compatibility.ts";
import type { InitramfsOptions } from "./lib/dracut.ts";
import { BUSYBOX_SHELL } from "./image_scenarios.ts";
import type { Distro } from "./lib/distro.ts";
import { LVM_SCENARIOS } from "./lvm_scenarios.ts";
import { NETWORK_SCENARIOS } from "./network_scenarios.ts";
import type { Scenario } from "./lib/scenario.ts";

/** The topic of these scenarios. */
export const DISTRO_TOPIC = "distro";

/** The bookworm scenarios the others are made from. */
const BOOKWORM: readonly Scenario[] = [...BLOCK_SCENARIOS, ...LVM_SCENARIOS, ...NETWORK_SCENARIOS];

/**
 * The bookworm scenarios (without the flavour: `uuid`, `net-http-url`) that
 * stand for each source kind, in the order the table shows them; the
 * compatibility table keeps their rows for bookworm too.
 */
export const REFERENCE_SCENARIOS: Readonly<Record<SourceKind, string>> = {
  block: "uuid",
  lvm: "lvm-seed",
  nfs: "net-nfs4-dhcp",
  http: "net-http-url",
  "block, missing archive": "fail-missing-archive",
  "http, 404": "net-fail-http-404",
};

/** What a row of the compatibility table stands for. */
export interface CompatibilityRow {
  readonly distro: typeof TABLE_DISTROS[number];
  readonly source: SourceKind;
}

const rows = new Map<string, CompatibilityRow>(
  SOURCE_KINDS.flatMap((source) =>
    (["classic", "systemd"] as const).map((f): [string, CompatibilityRow] => [
      `${f}/${REFERENCE_SCENARIOS[source]}`,
      { distro: "bookworm", source },
    ])
  ),
);

/**
 * The scenarios whose last boot the compatibility table shows (every one of
 * this table, and bookworm's reference scenarios), by name.
 */
export const COMPATIBILITY_ROWS: ReadonlyMap<string, CompatibilityRow> = rows;

/** The bookworm scenario named `<flavour>/<name>`; throws when there is none. */
export function bookworm(flavour: "classic" | "systemd", name: string): Scenario {
  const s = BOOKWORM.find((s) => s.name === `${flavour}/${name}`);
  if (s === undefined) throw new Error(`No bookworm scenario "${flavour}/${name}"`);
  return s;
}

/** What a variant changes. */
interface Variant {
  /** The prefix of its name after the flavour (`trixie-`, `trixie-busybox-`). */
  readonly prefix: string;
  /** Its distribution in the compatibility table. */
  readonly distro: typeof TABLE_DISTROS[number];
  /** The initramfs options it adds (the distribution among them). */
  readonly initramfs: Omit<InitramfsOptions, "flavour">;
  /**
   * Whether the image's switch_root is busybox's, which moves no mount: in the
   * classic flavour (dracut's init runs it by name; systemd's initrd switches
   * root itself) the boot report then stays in the initramfs's /run. dracut
   * 059's busybox module links it (bookworm); dracut-ng's base module puts
   * util-linux's back (trixie, forky).
   */
  readonly busyboxSwitchRoot?: boolean;
}

/**
 * A bookworm scenario as a variant: renamed `<flavour>/<prefix><name>`, in
 * the distro topic, its initramfs options extended; its disk, servers and
 * expectations are the bookworm one's. A new kernel and a bigger image boot
 * slower under TCG: at least 240 s.
 */
function variant(s: Scenario, v: Variant): Scenario {
  const slash = s.name.indexOf("/");
  const { report, ...rest } = s;
  const carried = !(v.busyboxSwitchRoot && s.flavour === "classic");
  return {
    ...rest,
    ...(carried && report !== undefined ? { report } : {}),
    ...(carried || s.expect.kind !== "pass" ? {} : {
      expect: { ...s.expect, reportCarried: false as const },
    }),
    name: `${s.name.slice(0, slash)}/${v.prefix}${s.name.slice(slash + 1)}`,
    topic: DISTRO_TOPIC,
    initramfs: { ...(s.initramfs ?? {}), ...v.initramfs },
    timeoutSec: Math.max(240, s.timeoutSec ?? 90),
  };
}

/** The variants of the named bookworm scenarios, in each flavour given. */
function variants(
  flavours: readonly ("classic" | "systemd")[],
  kinds: readonly SourceKind[],
  v: Variant,
): Scenario[] {
  return kinds.flatMap((source) =>
    flavours.map((f) => {
      const s = variant(bookworm(f, REFERENCE_SCENARIOS[source]), v);
      rows.set(s.name, { distro: v.distro, source });
      return s;
    })
  );
}

/** dracut's arguments for busybox as /bin/sh: its module, without bash and dash. */
function busyboxShell(distro?: Distro): Omit<InitramfsOptions, "flavour"> {
  return { ...(distro ? { distro } : {}), ...BUSYBOX_SHELL };
}

const BOTH = ["classic", "systemd"] as const;

/** The distribution scenarios (22 boots). */
export const DISTRO_SCENARIOS: readonly Scenario[] = [
  // Every source kind of the table: block, LVM, NFS, HTTP, a missing archive and an HTTP 404.
  ...variants(BOTH, SOURCE_KINDS, {
    prefix: "trixie-",
    distro: "trixie",
    initramfs: { distro: "trixie" },
  }),
  // dracut's default module set, as forky builds it (busybox is installed in the root).
  ...variants(BOTH, ["block", "http"], {
    prefix: "forky-",
    distro: "forky",
    initramfs: { distro: "forky", full: true },
  }),
  ...variants(["classic"], ["block", "http"], {
    prefix: "bookworm-busybox-",
    distro: "bookworm",
    initramfs: busyboxShell(),
    busyboxSwitchRoot: true,
  }),
  ...variants(["classic"], ["block", "http"], {
    prefix: "trixie-busybox-",
    distro: "trixie",
    initramfs: busyboxShell("trixie"),
  }),
  ...variants(["classic"], ["block", "http"], {
    prefix: "forky-busybox-",
    distro: "forky",
    initramfs: busyboxShell("forky"),
  }),
];
