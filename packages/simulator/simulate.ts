import {
  allSteps,
  type Arg,
  type BootSequence,
  type Operand,
  type Params,
  parseParams,
  type Source,
  splitCmdline,
  type Step,
  undoPlan,
} from "@tmpfs-root/model";
import type { RootEntry } from "./archive.ts";
import { defaultHandlers } from "./default_handlers.ts";
import type { Handlers, Machine } from "./handlers.ts";
import { tmpfsBytes } from "./tmpfs_bytes.ts";
import type { Failure, Mount, Outcome, SimEvent, SimResult } from "./trace.ts";
import type { Vm } from "./vm.ts";

/** dracut's `$NEWROOT`. */
const NEWROOT = "/sysroot";
/** The longest pause between download attempts, in seconds. */
const MAX_BACKOFF = 30;
const FORMATS = "gzip, xz, zstd, bzip2, lz4 or plain";

/** Thrown inside a run to stop at a step. */
class StepFailed {
  constructor(readonly cause: string) {}
}

/** Thrown inside a run when `root=` does not name tmpfs-root. */
class Inactive {}

type Event = SimEvent;

class Run implements Machine {
  readonly events: Event[] = [];
  readonly mountTable: Mount[] = [];
  readonly dirs: string[] = [];
  readonly args: readonly Arg[];
  time = 0;
  private params: Params | null = null;
  private readonly outputs = new Map<string, string>();
  private readonly ran = new Set<string>();
  private readonly undone = new Set<string>();
  private readonly capacity = new Map<string, { bytes: number; size: string }>();
  private root: ReadonlyMap<string, RootEntry> | null = null;
  private tempDirs = 0;

  constructor(
    readonly seq: BootSequence,
    readonly vm: Vm,
    cmdline: string,
    readonly h: Handlers,
  ) {
    this.args = splitCmdline(cmdline);
  }

  get source(): Source {
    return this.checked().source;
  }

  get values(): Readonly<Record<string, string>> {
    return this.checked().values;
  }

  get mounts(): readonly Mount[] {
    return this.mountTable;
  }

  private checked(): Params {
    if (this.params === null) throw new TypeError("The command line has not been read yet");
    return this.params;
  }

  async go(): Promise<SimResult> {
    let outcome: Outcome = { kind: "ended" };
    run: for (const phase of this.seq.phases) {
      for (const step of phase.steps) {
        if (step.onlyFor !== null && this.params && !step.onlyFor.includes(this.source.kind)) {
          continue;
        }
        try {
          const done = await this.step(step);
          this.ran.add(step.id);
          if (done) {
            outcome = done;
            break run;
          }
        } catch (error) {
          if (error instanceof Inactive) {
            outcome = { kind: "inactive" };
            break run;
          }
          if (!(error instanceof StepFailed)) throw error;
          outcome = await this.fail(step, error.cause);
          break run;
        }
      }
    }
    return {
      outcome,
      events: this.events,
      mounts: this.mountTable,
      dirs: this.dirs,
      elapsed: this.time,
    };
  }

  private async fail(step: Step, cause: string): Promise<Outcome> {
    const message = `tmpfs-root: ${step.label} failed: ${cause}`;
    this.events.push({ kind: "message", step: step.id, text: message });
    for (const s of undoPlan(this.seq, step.id)) {
      if (this.ran.has(s.id) && !this.undone.has(s.id)) await this.undo(s, true);
    }
    return {
      kind: "stopped",
      step: step.label,
      stepId: step.id,
      message,
      policy: this.params?.values.onfail ?? null,
    };
  }

  /** Carries out the undo of `step`; returns the failure's cause. */
  private async undo(step: Step, asUndo: boolean, by = step.id): Promise<Failure> {
    const undo = step.undo;
    if (undo === null) return null;
    const target = this.operand(undo.target);
    if (target === null) return null;
    const flag = asUndo ? { undo: true } : {};
    switch (undo.kind) {
      case "unmount": {
        const failed = await this.h.unmount(this, target);
        this.events.push({ kind: "unmount", step: by, target, failed, ...flag });
        if (failed !== null) return failed;
        const i = this.mountTable.findLastIndex((m) => m.target === target);
        if (i >= 0) this.mountTable.splice(i, 1);
        break;
      }
      case "remove": {
        const failed = await this.h.removeDir(this, target);
        this.events.push({ kind: "rmdir", step: by, path: target, failed, ...flag });
        if (failed !== null) return failed;
        const i = this.dirs.indexOf(target);
        if (i >= 0) this.dirs.splice(i, 1);
        break;
      }
      default:
        return assertNever(undo);
    }
    this.undone.add(step.id);
    return null;
  }

  private operand(op: Operand): string | null {
    switch (op.kind) {
      case "literal":
        return op.value;
      case "param":
        return this.values[op.param.key] ?? null;
      case "output":
        return this.outputs.get(op.step) ?? null;
      case "newroot":
        return NEWROOT;
      default:
        return assertNever(op);
    }
  }

  private need(op: Operand, what: string): string {
    const value = this.operand(op);
    if (value === null) throw new TypeError(`The operand for ${what} has no value`);
    return value;
  }

  /** Runs one step; returns an outcome when the boot ends there. */
  private async step(step: Step): Promise<Outcome | null> {
    switch (step.kind) {
      case "readParams": {
        const r = parseParams(this.args);
        if (r.kind === "inactive") throw new Inactive();
        if (r.kind === "invalid") throw new StepFailed(r.message);
        this.params = r.params;
        return null;
      }
      case "awaitSource":
        await this.awaitSource(this.source, this.need(step.timeout, "the device timeout"), step.id);
        return null;
      case "makeTempDir": {
        const parent = this.need(step.parent, "the temporary directory's parent");
        const path = `${parent}/source.${this.tempDirs++}`;
        this.events.push({ kind: "mkdir", step: step.id, parent, path });
        this.dirs.push(path);
        this.outputs.set(step.id, path);
        return null;
      }
      case "mountSource": {
        const at = this.need(step.at, "the source's mount point");
        const src = this.source;
        switch (src.kind) {
          case "block":
            await this.mount(step.id, {
              fstype: null,
              source: src.device,
              target: at,
              options: "ro",
            });
            break;
          case "nfs":
            await this.mount(step.id, {
              fstype: src.fstype,
              source: `${src.server}:${src.export}`,
              target: at,
              options: src.options,
            });
            break;
          case "http":
            return null;
          default:
            return assertNever(src);
        }
        this.outputs.set(step.id, at);
        return null;
      }
      case "mountTmpfs": {
        const at = this.need(step.at, "the tmpfs mount point");
        const size = this.need(step.size, "the tmpfs size");
        await this.mount(step.id, {
          fstype: "tmpfs",
          source: "tmpfs",
          target: at,
          options: `size=${size}`,
        });
        this.capacity.set(at, {
          bytes: Math.min(tmpfsBytes(size, this.vm.ram), this.vm.ram),
          size,
        });
        this.outputs.set(step.id, at);
        return null;
      }
      case "unpack":
        await this.unpack(
          step.id,
          this.need(step.file, "the archive"),
          this.operand(step.from),
          this.need(step.into, "the unpack target"),
          Number(this.need(step.retries, "the download retries")),
        );
        return null;
      case "release": {
        const of = allSteps(this.seq).find((s) => s.id === step.of);
        if (of === undefined || !this.ran.has(of.id) || this.undone.has(of.id)) return null;
        const failed = await this.undo(of, false, step.id);
        if (failed !== null) throw new StepFailed(failed);
        return null;
      }
      case "restoreSelinux":
        await this.restoreSelinux(step.id, this.need(step.root, "the new root"));
        return null;
      case "handOver": {
        const root = this.need(step.root, "the new root");
        this.events.push({ kind: "handOver", step: step.id, root });
        return { kind: "switched", root, files: this.root ?? new Map() };
      }
      default:
        return assertNever(step);
    }
  }

  private async awaitSource(src: Source, retry: string, id: string): Promise<void> {
    if (src.kind !== "block") return;
    const seconds = Number(retry);
    const timeout = this.vm.flavour === "classic" ? Math.floor((seconds * 2) / 3) : seconds;
    const appeared = await this.h.waitForDevice(this, src.device, timeout);
    this.events.push({ kind: "wait", step: id, device: src.device, timeout, appeared });
    if (appeared === null) {
      this.time += timeout;
      throw new StepFailed(
        `device ${src.device} (${src.spec}) did not appear within ${timeout} seconds`,
      );
    }
    this.time = Math.max(this.time, appeared);
  }

  private async mount(id: string, mount: Mount): Promise<void> {
    const failed = await this.h.mount(this, mount);
    this.events.push({ kind: "mount", step: id, ...mount, failed });
    if (failed !== null) throw new StepFailed(failed);
    this.mountTable.push(mount);
  }

  private async unpack(
    id: string,
    file: string,
    from: string | null,
    into: string,
    retries: number,
  ): Promise<void> {
    const src = this.source;
    let bytes: Uint8Array;
    let origin: string;
    switch (src.kind) {
      case "block":
      case "nfs": {
        const mount = this.mountTable.find((m) => m.target === from);
        if (from === null || mount === undefined) {
          throw new TypeError(`The source is not mounted for step "${id}"`);
        }
        const found = await this.h.readFile(this, mount, file);
        if (found === null) throw new StepFailed(`no file ${file} on ${src.spec}`);
        bytes = found;
        origin = `${from}/${file}`;
        break;
      }
      case "http":
        origin = src.url.endsWith("/") ? `${src.url}${file}` : src.url;
        bytes = await this.download(id, origin, retries);
        break;
      default:
        return assertNever(src);
    }
    const archive = await this.h.openArchive(bytes);
    if (archive.kind === "unknown") {
      throw new StepFailed(`${file} is not a tar archive (${FORMATS})`);
    }
    let failed: Failure = null;
    const room = this.capacity.get(into);
    switch (archive.kind) {
      case "truncated":
        failed = `${file} is truncated`;
        break;
      case "corrupt":
        failed = `${file} is corrupt`;
        break;
      case "ok":
        if (room !== undefined && archive.size > room.bytes) {
          failed = `the tmpfs is full (rd.tmpfs.size=${room.size}): the archive needs more`;
        } else {
          failed = await this.h.verify(this, file, bytes);
        }
        break;
      default:
        return assertNever(archive);
    }
    this.events.push({
      kind: "unpack",
      step: id,
      format: archive.format,
      from: origin,
      into,
      failed,
    });
    if (failed !== null) throw new StepFailed(failed);
    if (archive.kind === "ok") this.root = archive.files;
  }

  private async download(id: string, url: string, retries: number): Promise<Uint8Array> {
    const tries = retries + 1;
    for (let attempt = 1; attempt <= tries; attempt++) {
      if (attempt > 1) {
        const seconds = Math.min(2 ** (attempt - 2), MAX_BACKOFF);
        this.events.push({ kind: "sleep", step: id, seconds });
        this.time += seconds;
      }
      const r = await this.h.fetch(this, url, attempt);
      switch (r.kind) {
        case "ok":
          this.events.push({ kind: "fetch", step: id, url, attempt, result: "ok" });
          return r.body;
        case "status":
          this.events.push({ kind: "fetch", step: id, url, attempt, result: `status ${r.status}` });
          if (r.status < 500) throw new StepFailed(`${url} answered ${r.status}`);
          break;
        case "refused":
        case "dropped":
          this.events.push({ kind: "fetch", step: id, url, attempt, result: r.kind });
          break;
        default:
          return assertNever(r);
      }
    }
    throw new StepFailed(`download of ${url} failed after ${tries} tries`);
  }

  private async restoreSelinux(id: string, root: string): Promise<void> {
    const config = this.root?.get("/etc/selinux/config")?.data;
    const settings = new Map<string, string>();
    if (config !== undefined) {
      for (const line of new TextDecoder().decode(config).split("\n")) {
        const m = /^\s*([A-Z]+)\s*=\s*"?([^"#\s]*)"?\s*(?:#.*)?$/.exec(line);
        if (m) settings.set(m[1]!, m[2]!);
      }
    }
    const mode = settings.get("SELINUX");
    if (mode !== "enforcing" && mode !== "permissive") {
      const reason = config === undefined
        ? "the new root has no /etc/selinux/config"
        : `SELinux is ${mode ?? "not set"} in the new root`;
      this.events.push({ kind: "skip", step: id, reason });
      return;
    }
    const policy = settings.get("SELINUXTYPE") || "targeted";
    const failed = await this.h.relabel(this, root, policy);
    this.events.push({ kind: "relabel", step: id, root, policy, failed });
    if (failed !== null) throw new StepFailed(failed);
  }
}

function assertNever(x: never): never {
  throw new TypeError(`Unexpected kind in ${JSON.stringify(x)}`);
}

/**
 * Boots a virtual machine with the boot model: interprets each step of
 * `seq` (never the printed shell) against `vm` for the kernel command line
 * `cmdline`, with side effects through `handlers` (the defaults act on the
 * machine's description; pass some to inject faults). On a failure it
 * prints one line, `tmpfs-root: <label> failed: <cause>`, undoes what the
 * steps that ran had done (`undoPlan()`), and stops.
 *
 * @example
 * ```ts
 * import { BOOT } from "@tmpfs-root/model";
 * import { makeArchive, simulate, type Vm } from "./mod.ts";
 * const vm: Vm = {
 *   flavour: "classic", ram: 4 * 1024 ** 3, lvm: [], nfs: [], web: [],
 *   disks: [{ path: "/dev/vda1", files: { "rootfs.tgz": await makeArchive({ "etc/os-release": "ID=demo\n" }, "gzip") } }],
 * };
 * const r = await simulate(BOOT, vm, "root=tmpfs:/dev/vda1 rd.tmpfs.size=1G rd.tmpfs.imgfile=rootfs.tgz ro");
 * r.outcome.kind; // "switched"
 * r.mounts.map((m) => m.target); // ["/sysroot"]
 * ```
 */
export function simulate(
  seq: BootSequence,
  vm: Vm,
  cmdline: string,
  handlers: Partial<Handlers> = {},
): Promise<SimResult> {
  return new Run(seq, vm, cmdline, { ...defaultHandlers, ...handlers }).go();
}
