/**
 * What the bench ran on: the date, the CPUs, the kernel and the versions
 * of every tool it times.
 *
 * @module
 */
import { bash } from "./_exec.ts";

/** The machine and its tools, as RESULTS.md states them. */
export interface Machine {
  readonly date: string;
  readonly cpus: number;
  readonly cpuModel: string;
  readonly kernel: string;
  readonly os: string;
  readonly memory: string;
  /** /proc/loadavg's three load averages when the bench started. */
  readonly loadAtStart: readonly number[];
  /** Each tool's version: its own `--version` line and its Debian package's version. */
  readonly tools: Readonly<Record<string, string>>;
}

/** Each tool: the command printing its version, and its Debian package. */
const TOOLS: readonly (readonly [string, string, string])[] = [
  ["tar", "tar --version | head -n 1", "tar"],
  ["zstd", "zstd --version", "zstd"],
  ["xz", "xz --version | head -n 1", "xz-utils"],
  ["gzip", "gzip --version | head -n 1", "gzip"],
  ["pigz", "pigz --version 2>&1", "pigz"],
  ["bzip2", "bzip2 --help 2>&1 | head -n 1", "bzip2"],
  ["lz4", "lz4 -V 2>&1 | head -n 1", "lz4"],
  ["cpio", "cpio --version | head -n 1", "cpio"],
  ["dash", "true", "dash"],
  ["bash", "bash --version | head -n 1", "bash"],
  ["systemd-pull", "/usr/lib/systemd/systemd-pull --version | head -n 1", "systemd-container"],
  ["busybox (HTTP server)", "busybox 2>&1 | head -n 1", "busybox-static"],
  ["mmdebstrap", "mmdebstrap --version", "mmdebstrap"],
];

/**
 * The load averages now (1, 5 and 15 minutes).
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { loadAverage } from "./machine.ts";
 * assert.equal((await loadAverage()).length, 3);
 * ```
 */
export async function loadAverage(): Promise<number[]> {
  return (await Deno.readTextFile("/proc/loadavg")).split(" ").slice(0, 3).map(Number);
}

/**
 * Describes this machine: date, CPU count and model, kernel, OS, memory,
 * load, and each tool's version (`missing` when not installed).
 *
 * @example
 * ```ts ignore
 * import { describeMachine } from "./machine.ts";
 * console.log((await describeMachine()).tools.zstd);
 * ```
 */
export async function describeMachine(): Promise<Machine> {
  const cpuinfo = await Deno.readTextFile("/proc/cpuinfo");
  const models = [...cpuinfo.matchAll(/^model name\s*:\s*(.*)$/gm)].map((m) => m[1]!.trim());
  const osRelease = await Deno.readTextFile("/etc/os-release").catch(() => "");
  const meminfo = await Deno.readTextFile("/proc/meminfo");
  const memKb = Number(meminfo.match(/^MemTotal:\s+(\d+)/m)?.[1] ?? 0);
  const tools: Record<string, string> = {};
  for (const [name, command, pkg] of TOOLS) {
    const own = (await bash(`(${command}) 2>/dev/null || true`)).trim().split("\n")[0] ?? "";
    const deb = (await bash(
      `dpkg-query -W -f '\${Version}' ${pkg} 2>/dev/null || true`,
    )).trim();
    tools[name] = own === "" && deb === ""
      ? "missing"
      : [own, deb === "" ? "" : `(Debian ${pkg} ${deb})`].filter((s) => s !== "").join(" ");
  }
  tools.deno = `Deno ${Deno.version.deno}`;
  return {
    date: new Date().toISOString(),
    cpus: navigator.hardwareConcurrency,
    cpuModel: models[0] ?? "unknown",
    kernel: `${Deno.osRelease()} (${(await bash("uname -v")).trim()})`,
    os: osRelease.match(/^PRETTY_NAME="?([^"\n]*)"?$/m)?.[1] ?? "unknown",
    memory: `${(memKb / 1024 / 1024).toFixed(1)} GiB`,
    loadAtStart: await loadAverage(),
    tools,
  };
}
