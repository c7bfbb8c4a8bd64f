/**
 * systemd unit files: structured sections printed by one small printer,
 * with values checked for characters a unit file cannot hold.
 */
import { checkText } from "@tmpfs-root/shell";

/** A unit file: sections of key/value pairs (a key may repeat). */
export type Unit = readonly (readonly [string, readonly (readonly [string, string])[]])[];

/** Prints a unit file, after `# ` lines of `header`. */
export function printUnit(unit: Unit, header: readonly string[] = []): string {
  return header.map((h) => `# ${checkText(h, "unit comment")}\n`).join("") +
    unit.map(([section, entries]) =>
      [
        `[${checkText(section, "unit section")}]`,
        ...entries.map(([k, val]) => {
          if (!/^[A-Za-z]+$/.test(k)) throw new TypeError(`Invalid unit key "${k}"`);
          return `${k}=${checkText(val, "unit value")}`;
        }),
      ].join("\n")
    ).join("\n\n") + "\n";
}

/** The oneshot service that runs the cmdline and mount phases under systemd. */
export function unpackService(script: string): Unit {
  return [
    ["Unit", [
      ["Description", "tmpfs-root: unpack the root file system into a tmpfs"],
      ["Documentation", "https://github.com/tmpfs-root/tmpfs-root"],
      ["DefaultDependencies", "no"],
      ["Requires", "sysroot.mount"],
      [
        "After",
        "sysroot.mount systemd-udev-trigger.service dracut-initqueue.service dracut-pre-mount.service",
      ],
      ["Before", "initrd-root-fs.target"],
      ["OnFailure", "emergency.target"],
      ["OnFailureJobMode", "isolate"],
    ]],
    ["Service", [
      ["Type", "oneshot"],
      ["RemainAfterExit", "yes"],
      ["Environment", "DRACUT_SYSTEMD=1"],
      ["Environment", "NEWROOT=/sysroot"],
      ["ExecStart", `/bin/sh ${script}`],
      ["StandardOutput", "journal+console"],
      ["StandardError", "journal+console"],
      ["TimeoutSec", "0"],
    ]],
  ];
}

/** The tmpfs on /sysroot, written by the generator over the one systemd-fstab-generator makes. */
export function sysrootMount(): Unit {
  return [
    ["Unit", [
      ["Description", "tmpfs-root: the tmpfs that becomes the root"],
      ["DefaultDependencies", "no"],
      ["Before", "initrd-root-fs.target"],
    ]],
    ["Mount", [
      ["What", "tmpfs"],
      ["Where", "/sysroot"],
      ["Type", "tmpfs"],
      ["Options", "mode=0755"],
    ]],
  ];
}

/** A drop-in for tmpfs-root.service with a network source: start once the network is online. */
export function networkDropIn(): Unit {
  return [["Unit", [["Wants", "network-online.target"], ["After", "network-online.target"]]]];
}

/** DHCP on every Ethernet interface, for systemd-networkd when the command line has no ip=. */
export function dhcpNetwork(): Unit {
  return [["Match", [["Type", "ether"]]], ["Network", [["DHCP", "yes"]]]];
}
