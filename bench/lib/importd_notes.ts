/**
 * What RESULTS.md says about systemd-importd's way: whether Debian's
 * systemd-container offers importctl or a usable `machinectl pull-tar`
 * here, what was run instead, and what the runs showed.
 *
 * @module
 */
import { bash } from "./_exec.ts";
import { SYSTEMD_PULL } from "./methods.ts";
import { importantLine } from "./_lines.ts";
import type { UnpackBench } from "./unpack_bench.ts";

/**
 * The notes on systemd-importd, from this machine and the runs: importctl
 * and machinectl's presence, PID 1, the formats systemd-pull did not read
 * (with its own error), the copy a local name costs, and the runs that
 * hung.
 *
 * @example
 * ```ts ignore
 * import { importdNotes } from "./importd_notes.ts";
 * for (const line of await importdNotes(bench)) console.log(line);
 * ```
 */
export async function importdNotes(bench: UnpackBench): Promise<string[]> {
  const have = async (cmd: string) =>
    (await bash(`command -v ${cmd} >/dev/null && echo yes || true`)).trim() === "yes";
  const notes: string[] = [];
  const pull =
    (await bash(`[ -x ${SYSTEMD_PULL} ] && ${SYSTEMD_PULL} --version | head -n 1 || true`))
      .trim();
  if (pull === "") {
    notes.push(
      `Not measured: ${SYSTEMD_PULL} is not installed (Debian package systemd-container; tools/install-deps.sh installs it).`,
    );
    return notes;
  }
  notes.push(`systemd-container here: ${pull}.`);
  notes.push(
    (await have("importctl"))
      ? "importctl is installed, but the bench runs systemd-pull directly (below), as importctl would have systemd-importd do."
      : "No importctl: it arrived with systemd 256; Debian 12's systemd-container (systemd 252) does not have it.",
  );
  const pid1 = (await Deno.readTextFile("/proc/1/comm").catch(() => "?")).trim();
  const machinectl = await have("machinectl");
  notes.push(
    !machinectl
      ? "No machinectl."
      : pid1 === "systemd"
      ? "machinectl pull-tar is usable here (systemd is PID 1), but it goes through D-Bus to systemd-importd and writes to /var/lib/machines; the bench runs the program importd runs, directly, so that it runs in the same sandbox as the other methods."
      : `machinectl pull-tar cannot be used here: it asks systemd-importd over D-Bus, which needs systemd as PID 1 and the system bus, and PID 1 here is \`${pid1}\`. The bench runs instead what systemd-importd runs for a PullTar call, \`systemd-pull tar --verify=no URL NAME\`, with \`--image-root=/sysroot\` (the tmpfs) instead of /var/lib/machines.`,
  );
  notes.push(
    "The archive is served by `busybox httpd` on 127.0.0.1 inside the run's own network namespace, so systemd-importd's way also pays for an HTTP transfer over loopback (and the server's CPU time), which the other methods, reading a file, do not. systemd-pull decompresses in its own process and pipes the tar stream into `tar --ignore-zeros --numeric-owner -C DIR -pxf - --xattrs --xattrs-include=* --no-selinux` (as seen in `ps` on Debian 12).",
  );
  const pulls = bench.methods.filter((m) => m.family.startsWith("importd"));
  const unread = pulls.filter((m) => m.family === "importd" && !m.supported);
  if (unread.length > 0) {
    notes.push(
      `Formats systemd-pull did not unpack here: ${
        unread.map((m) => `${m.format} (\`${importantLine(m.error ?? "")}\`)`).join(", ")
      }.`,
    );
  }
  const named = pulls.find((m) => m.family === "importd" && m.format === "gzip");
  const bare = bench.methods.find((m) => m.id === "raw-gzip");
  const kib = (runs: typeof pulls[number]["runs"]) =>
    runs.filter((r) => r.valid).map((r) => r.after[2]).at(0);
  if (named !== undefined && bare !== undefined && kib(named.runs) !== undefined) {
    notes.push(
      `With a local name (as \`machinectl pull-tar URL NAME\` always passes one), systemd-pull unpacks into a hidden image \`.tar-<URL>\`, keeps it, and makes NAME a copy of it (a btrfs snapshot on btrfs, a full copy anywhere else): after its gzip run /sysroot holds ${
        kib(named.runs)
      } KiB against ${
        kib(bare.runs) ?? "?"
      } KiB for the raw limit. The row "systemd-importd, download only" passes \`-\` as the name: no copy.`,
    );
  }
  const runs = pulls.flatMap((m) => [...(m.warmup === null ? [] : [m.warmup]), ...m.runs]);
  const hung = runs.filter((r) => r.status === -1);
  if (hung.length > 0) {
    notes.push(
      `${hung.length} of ${runs.length} systemd-pull runs never finished and were stopped (${
        hung[0]!.error
      }): systemd-pull 252 sometimes waits forever after the download is complete (seen while developing the bench: waiting in epoll with the HTTP connection already closed, tar waiting for input). They are left out of the medians and were run again.`,
    );
  } else {
    notes.push(`All ${runs.length} systemd-pull runs finished.`);
  }
  return notes;
}
