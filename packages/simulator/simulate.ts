import {
  allSteps,
  archiveFileName,
  archiveUrl,
  type Arg,
  type Attribute,
  attributeList,
  ATTRIBUTES,
  attributesOf,
  backoff,
  type BootSequence,
  checkManifest,
  countOf,
  DECOMPRESSOR_PROGRAMS,
  fitTmpfs,
  fitWords,
  kindsOf,
  LAYER_STAGE,
  layerList,
  MANIFEST_SUFFIX,
  manifestProblemText,
  manifestsNamed,
  MESSAGES as M,
  MIRROR,
  mirrorList,
  mountOptions,
  type Operand,
  overlay,
  type Params,
  parseParams,
  parseSidecar,
  readCmdline,
  retried,
  RETRY_AFTER_STATUSES,
  retryAfterSeconds,
  rootMode,
  SIDECAR_MAX_BYTES,
  SIDECAR_SUFFIX,
  SIGNATURE_SUFFIX,
  type Source,
  sourceKind,
  type SourceKindSpec,
  SOURCES,
  SPEED_LIMIT,
  SPEED_TIME,
  type Step,
  text,
  undoPlan,
  unknownMessage,
  unknownParams,
} from "@tmpfs-root/model";
import {
  type BootReport,
  FORMATS,
  type LayerReport,
  PROGRAM_PACKAGES,
  REPORT_VERSION,
} from "@tmpfs-root/model";
import type { Member, RootEntry } from "./archive.ts";
import { defaultHandlers } from "./default_handlers.ts";
import type { Handlers, Machine } from "./handlers.ts";
import { sha256Hex } from "./sha256_hex.ts";
import { tmpfsBytes } from "@tmpfs-root/model";
import type { Failure, Mount, Outcome, SimEvent, SimResult } from "./trace.ts";
import type { Vm } from "./vm.ts";

/** dracut's `$NEWROOT`. */
const NEWROOT = "/sysroot";
// deno-lint-ignore no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/g;

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
  /**
   * By mount point, the tmpfs as mounted: the bytes it holds, `rd.tmpfs.size`
   * (as the download's bound names it), its options, and the name of the
   * manifest that sized it (or `null`).
   */
  private readonly capacity = new Map<
    string,
    { bytes: number; size: string; options: string; manifest: string | null; inodes: number }
  >();
  /** By unpack step: the archive's name and the digest of the bytes its last pipe hashed. */
  private readonly hashed = new Map<string, { name: string; sha256: string | null }>();
  /** By unpack step: each layer's name and digest, as the verify step reads them. */
  private readonly layersHashed = new Map<string, { name: string; sha256: string | null }[]>();
  private root: ReadonlyMap<string, RootEntry> | null = null;
  /** While a layer after the first unpacks: the tree of the layers below, which it shares the tmpfs with. */
  private below: ReadonlyMap<string, RootEntry> | null = null;
  private tempDirs = 0;
  private partialPolicy: string | null = null;
  /** When the mount phase first used the network (the sidecar's download): the deadline's start. */
  private started: number | null = null;
  /** The report's layers, each as the unpack recorded it. */
  private readonly layers: LayerReport[] = [];
  /** The last unpack's warnings (the shell's /run/tmpfs-root/warnings). */
  private warnings: string[] = [];
  /** The kinds of attribute the layer being unpacked carries, as its manifest says. */
  private attributes: readonly Attribute[] = ATTRIBUTES;
  /** What the last extract found: the format and the bytes it read. */
  private extracted: { format: string; bytes: number } | null = null;
  /** The tries of the last download. */
  private tries = 1;
  /** The report's tmpfs options when a failure stopped the boot (before the undo). */
  private failedTmpfs: string | null = null;
  /** The tmpfs step's options, while it is mounted. */
  private tmpfsOptions: string | null = null;

  constructor(
    readonly seq: BootSequence,
    readonly vm: Vm,
    cmdline: string,
    readonly h: Handlers,
    readonly table: readonly SourceKindSpec[],
  ) {
    this.args = readCmdline(cmdline);
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
        if (this.params && !kindsOf(step, this.table).includes(this.source.kind)) {
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
      report: this.report(outcome),
    };
  }

  /** The report the module writes for this outcome (times and df's counts unknown). */
  private report(outcome: Outcome): BootReport | null {
    if (outcome.kind === "inactive" || outcome.kind === "ended") return null;
    const stopped = outcome.kind === "stopped" ? outcome : null;
    const options = stopped === null ? this.tmpfsOptions : this.failedTmpfs;
    return {
      version: REPORT_VERSION,
      result: stopped === null ? "ok" : "failed",
      step: stopped?.step ?? null,
      stepId: stopped?.stepId ?? null,
      cause: stopped === null ? null : this.cause,
      message: stopped?.message ?? `unpacked into ${NEWROOT}`,
      source: this.params === null ? null : { spec: this.source.spec, kind: this.source.kind },
      layers: this.layers,
      tmpfs: options === null ? null : { options, sizeBytes: null, usedBytes: null },
      warnings: this.warnings,
      uptime: { start: null, end: this.time },
    };
  }

  private cause: string | null = null;

  private async fail(step: Step, cause: string): Promise<Outcome> {
    this.cause = cause;
    // The report is written before the undo: the tmpfs is still mounted then.
    this.failedTmpfs = this.ran.has("tmpfs") && !this.undone.has("tmpfs")
      ? this.tmpfsOptions
      : null;
    // The shell drops control characters from the line (tr -d '\000-\037\177').
    const message = `tmpfs-root: ${step.label} failed: ${cause}`.replace(CONTROL, "");
    this.events.push({ kind: "message", step: step.id, text: message });
    for (const s of undoPlan(this.seq, step.id)) {
      if (this.ran.has(s.id) && !this.undone.has(s.id)) await this.undo(s, true);
    }
    return {
      kind: "stopped",
      step: step.label,
      stepId: step.id,
      message,
      policy: this.params?.values.onfail ?? this.partialPolicy,
    };
  }

  /**
   * Carries out the undo of `step`, as a release (`asUndo` false) or after
   * a failure; returns the failure's cause. An undo's failed `umount` is
   * followed by `umount -l`.
   */
  private async undo(step: Step, asUndo: boolean, by = step.id): Promise<Failure> {
    const undo = step.undo;
    if (undo === null) return null;
    const target = this.operand(undo.target);
    if (target === null) return null;
    const flag = asUndo ? { undo: true } : {};
    switch (undo.kind) {
      case "unmount": {
        let failed = await this.h.unmount(this, target, false);
        this.events.push({ kind: "unmount", step: by, target, failed, ...flag });
        if (failed !== null && asUndo) {
          failed = await this.h.unmount(this, target, true);
          this.events.push({ kind: "unmount", step: by, target, lazy: true, failed, ...flag });
        }
        if (failed !== null) return text(M.unmountFailed(target, failed));
        const i = this.mountTable.findLastIndex((m) => m.target === target);
        if (i >= 0) this.mountTable.splice(i, 1);
        break;
      }
      case "remove": {
        const failed = await this.h.removeDir(this, target);
        this.events.push({ kind: "rmdir", step: by, path: target, failed, ...flag });
        if (failed !== null) return text(M.removeFailed(target, failed));
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
        const keys = Object.keys(this.vm.keys ?? {}).length > 0;
        const r = parseParams(this.args, this.table, {
          keys,
          ...(this.vm.sources === undefined ? {} : { sources: this.vm.sources }),
        });
        if (r.kind === "inactive") throw new Inactive();
        for (const u of unknownParams(this.args)) {
          this.events.push({
            kind: "warn",
            step: step.id,
            text: text(M.warning(unknownMessage(u))),
          });
        }
        if (r.kind === "invalid") {
          // The shell's policy variable is set when rd.tmpfs.onfail was checked before the failure.
          this.partialPolicy = r.values.onfail ?? null;
          throw new StepFailed(r.message);
        }
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
        await this.mountSource(step.id, this.source, at);
        return null;
      }
      case "mountTmpfs": {
        const at = this.need(step.at, "the tmpfs mount point");
        let options = this.need(step.options, "the tmpfs options");
        options = await this.mountTmpfs(
          step.id,
          at,
          options,
          rootMode(this.need(step.opts, "rd.tmpfs.opts")),
        );
        this.tmpfsOptions = options;
        const size = /(?:^|,)size=([^,]*)/.exec(options)?.[1];
        if (size === undefined) throw new TypeError(`No size= in the tmpfs options "${options}"`);
        const manifest = [...this.outputs.entries()].find(([id]) =>
          allSteps(this.seq).find((s) => s.id === id)?.kind === "readManifest"
        )?.[1];
        const nr = /(?:^|,)nr_inodes=([^,]*)/.exec(options)?.[1];
        this.capacity.set(at, {
          // nr_inodes=0, or none given here: no limit the small archives of a test can reach.
          inodes: nr === undefined || countOf(nr) === 0 ? Infinity : countOf(nr),
          bytes: Math.min(tmpfsBytes(size, this.vm.ram), this.vm.ram),
          size: this.values.size ?? size,
          options,
          manifest: manifest ? manifestsNamed(manifest.slice(manifest.lastIndexOf(" ") + 1)) : null,
        });
        return null;
      }
      case "readManifest":
        await this.readManifest(step);
        return null;
      case "fit":
        this.fit(step);
        return null;
      case "sidecar":
        await this.sidecar(step);
        return null;
      case "unpack":
        // The simulator has no wall clock: an unpack takes no time, so it prints no progress
        // line (step.progress, step.manifest), as the emitted shell prints none in the
        // differential harness (its fake /proc has no /proc/<pid>/io, and its stubs are fast).
        await this.unpackLayers(
          step.id,
          this.need(step.file, "the archive"),
          this.operand(step.from),
          this.need(step.into, "the unpack target"),
          Number(this.need(step.retries, "the download retries")),
          this.need(step.sha256, "the digest"),
          this.need(step.manifest, "the manifest"),
        );
        return null;
      case "verify":
        this.verify(step.id, step.of, this.need(step.expected, "the expected digest"));
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
    if (sourceKind(src.kind, this.table).waitsFor !== "device") return;
    if (src.kind !== "block") throw new TypeError(`Source kind "${src.kind}" waits for no device`);
    const seconds = Number(retry);
    // Both inits report a missing device at two thirds of rd.retry (the classic one when
    // dracut runs its timeout hooks; under systemd tmpfs-root.service waits as long).
    const timeout = Math.floor((seconds * 2) / 3);
    const appeared = await this.h.waitForDevice(this, src.device, timeout);
    this.events.push({ kind: "wait", step: id, device: src.device, timeout, appeared });
    if (appeared === null) {
      this.time += timeout;
      throw new StepFailed(
        text(M.deviceTimeout(src.device, src.spec, String(timeout))),
      );
    }
    this.time = Math.max(this.time, appeared);
  }

  /** Mounts; returns the error the mount printed. */
  private async mount(id: string, mount: Mount): Promise<Failure> {
    const failed = await this.h.mount(this, mount);
    this.events.push({ kind: "mount", step: id, ...mount, failed });
    if (failed === null) this.mountTable.push(mount);
    return failed;
  }

  private async mountSource(id: string, src: Source, at: string): Promise<void> {
    // As the shell's case, which has an arm for each mounted kind only.
    if (sourceKind(src.kind, this.table).access !== "mounted") return;
    switch (src.kind) {
      case "http":
        return;
      case "block": {
        if (!await this.h.isDevice(this, src.device)) {
          throw new StepFailed(text(M.deviceMissing(src.device, src.spec)));
        }
        const mount = { fstype: null, source: src.device, target: at, options: "ro" };
        const failed = await this.mount(id, mount);
        if (failed !== null) {
          throw new StepFailed(text(M.mountReadOnly(src.device, failed)));
        }
        return;
      }
      case "nfs": {
        const target = `${src.server}:${src.export}`;
        const mount = { fstype: src.fstype, source: target, target: at, options: src.options };
        const failed = await this.mount(id, mount);
        if (failed === null) return;
        // The causes the shell tells apart by mount.nfs's message.
        if (/denied|no such file|not exported/i.test(failed)) {
          throw new StepFailed(text(M.notExported(target)));
        }
        if (/refused|timed out|no route|unreachable|not responding/i.test(failed)) {
          throw new StepFailed(text(M.nfsNoAnswer(src.server)));
        }
        throw new StepFailed(text(M.mountFailed(target, failed)));
      }
      default: {
        // A kind added to the table: its descriptor's mount.
        const how = sourceKind(src.kind, this.table).mount;
        if (how === undefined) throw new TypeError(`Source kind "${src.kind}" has no mount`);
        const mount = { fstype: how.fstype, source: src.device, target: at, options: how.options };
        const failed = await this.mount(id, mount);
        if (failed !== null) throw new StepFailed(text(M.mountFailed(src.device, failed)));
      }
    }
  }

  /**
   * Mounts the tmpfs (under systemd, sets the options of the one
   * sysroot.mount has mounted); a refused `mpol=` is dropped with a
   * warning and the mount tried again. Returns the options it has.
   */
  private async mountTmpfs(
    id: string,
    at: string,
    options: string,
    mode: string,
    retried = false,
  ): Promise<string> {
    const mount = {
      fstype: "tmpfs",
      source: "tmpfs",
      target: at,
      options: `${options},mode=${mode}`,
    };
    const again = async (error: string): Promise<string | null> => {
      const m = /,mpol=([^,]*)/.exec(options);
      if (retried || m === null) return null;
      this.events.push({
        kind: "warn",
        step: id,
        text: text(M.warning(text(M.mpolRefused(m[1]!, error)))),
      });
      return await this.mountTmpfs(id, at, options.replace(/,mpol=[^,]*/, ""), mode, true);
    };
    if (this.vm.flavour === "systemd") {
      // sysroot.mount, from the generator, has mounted the tmpfs: set its size.
      const failed = await this.h.mount(this, { ...mount, options: `remount,${options}` });
      this.events.push({ kind: "remount", step: id, target: at, options, failed });
      if (failed !== null) {
        return await again(failed) ?? fail(text(M.resizeFailed(at, failed)));
      }
      this.mountTable.push(mount);
      return options;
    }
    const failed = await this.mount(id, mount);
    if (failed !== null) {
      return await again(failed) ?? fail(text(M.tmpfsFailed(options, at, failed)));
    }
    return options;
  }

  /**
   * The manifest step, as `tmpfs_root_step_manifest`: the manifest beside
   * the archive (or from the first of its URLs that serves one); a missing
   * one is none, one that cannot be had is a warning, one that is not valid
   * stops the boot. Its output is `<unpacked bytes> <inodes> <compressed
   * bytes> <attributes> <archives>` (sums over the layers; each layer's
   * `attributes=` value, separated by `/`; the names, by commas).
   */
  private async readManifest(step: Extract<Step, { kind: "readManifest" }>): Promise<void> {
    this.outputs.set(step.id, "");
    let bytes = 0;
    let inodes = 0;
    let packed = 0;
    const names: string[] = [];
    const kinds: string[] = [];
    let none = false;
    // Each layer's manifest: the sizes add up, and a layer without one sizes nothing.
    for (const layer of layerList(this.need(step.file, "the archive"))) {
      const { streamed, archives } = this.archivesOf(layer);
      if (streamed) this.started ??= this.time;
      const from = this.operand(step.from);
      let found = false;
      for (const archive of archives) {
        const name = `${archive}${MANIFEST_SUFFIX}`;
        const got = await this.take(step.id, name, from, streamed);
        if (got === null) continue;
        if (typeof got === "string") {
          this.events.push({
            kind: "warn",
            step: step.id,
            text: text(M.warning(text(M.manifestSkipped(got)))),
          });
          continue;
        }
        // The shell reads bytes: one character a byte.
        const r = checkManifest(new TextDecoder("latin1").decode(got), archiveFileName(archive));
        if (r.kind === "invalid") {
          throw new StepFailed(text(M.manifestInvalid(name, manifestProblemText(r.problem))));
        }
        bytes += r.manifest.unpackedBytes;
        inodes += r.manifest.inodes;
        packed += r.manifest.compressedBytes;
        names.push(r.manifest.archive);
        kinds.push(attributeList(r.manifest.attributes ?? ATTRIBUTES));
        found = true;
        break;
      }
      if (!found) none = true;
    }
    if (!none) {
      this.outputs.set(
        step.id,
        `${bytes} ${inodes} ${packed} ${kinds.join("/")} ${names.join(",")}`,
      );
    }
  }

  /**
   * The fit step, as `tmpfs_root_step_fit` and the model's fitTmpfs: the
   * tmpfs's options, or the boot stops when the archive cannot fit.
   */
  private fit(step: Extract<Step, { kind: "fit" }>): void {
    const size = this.need(step.size, "the tmpfs size");
    const given = step.size.kind === "param" &&
      this.checked().given.includes(step.size.param.key);
    const manifest = this.need(step.manifest, "the manifest");
    const [bytes, inodes] = manifest.split(" ");
    const name = manifest.slice(manifest.lastIndexOf(" ") + 1);
    const needs = manifest === "" ? null : { unpackedBytes: Number(bytes), inodes: Number(inodes) };
    // MemTotal is in kB.
    const ram = Math.floor(this.vm.ram / 1024) * 1024;
    const opts = this.need(step.opts, "the tmpfs options");
    const f = fitTmpfs(size, given, needs, ram, opts);
    if (f.kind === "tooManyInodes") {
      throw new StepFailed(
        text(M.tooManyInodes(name, String(f.inodes), f.limit, String(f.allows))),
      );
    }
    if (f.kind === "tooLarge") {
      const [hu, ha] = fitWords(f.unpackedBytes, f.allows);
      throw new StepFailed(text(M.doesNotFit(name, hu, f.limit, ha)));
    }
    this.outputs.set(step.id, mountOptions(f, opts));
  }

  /**
   * The sidecar step, as `tmpfs_root_step_sidecar`: with a verify mode, the
   * sidecar (and for `signature` its signature, checked with each key in
   * turn before a line is read), then the archive's line, which must agree
   * with `rd.tmpfs.sha256` when given. Its output is the digest the archive
   * must have (empty: none).
   */
  private async sidecar(step: Extract<Step, { kind: "sidecar" }>): Promise<void> {
    const given = this.need(step.sha256, "the digest");
    this.outputs.set(step.id, given);
    this.started = null;
    if (this.need(step.mode, "the verify mode") === "none") return;
    const layers = layerList(this.need(step.file, "the archive"));
    const wants = given === "" ? layers.map(() => "") : layerList(given);
    const sums: string[] = [];
    // Each layer's sidecar, in turn; the digests, one for each, are the step's output.
    for (const [i, layer] of layers.entries()) {
      sums.push(await this.sidecarOf(step, layer, wants[i]!));
    }
    this.outputs.set(step.id, sums.join(","));
  }

  /** One layer's sidecar (`given`: the digest the command line gives it); returns its digest. */
  private async sidecarOf(
    step: Extract<Step, { kind: "sidecar" }>,
    layer: string,
    given: string,
  ): Promise<string> {
    const copy = this.need(step.copy, "the sidecar's copy");
    const { streamed, archives } = this.archivesOf(layer);
    if (streamed) this.started ??= this.time;
    let archive = archives[0]!;
    let sidecar = `${archive}${SIDECAR_SUFFIX}`;
    let sig = `${sidecar}${SIGNATURE_SUFFIX}`;
    const fail = (cause: string): never => {
      this.events.push({ kind: "sidecar", step: step.id, sidecar, sha256: "", failed: cause });
      throw new StepFailed(cause);
    };
    const from = this.operand(step.from);
    /** The file's bytes, or the cause of a failure (`missing` when there is no such file). */
    const take = async (name: string, missing: string): Promise<Uint8Array | string> => {
      const got = await this.take(step.id, name, from, streamed);
      return got === null ? missing : got;
    };
    const signed = this.need(step.mode, "the verify mode") === "signature";
    // From the first URL that serves the sidecar (and its signature): the source's, or a mirror's.
    let data: Uint8Array | string = "";
    let signature: Uint8Array | string = "";
    for (let i = 0;; i++) {
      data = await take(sidecar, text(M.sidecarMissing(sidecar)));
      if (typeof data !== "string") {
        if (!signed) break;
        signature = await take(sig, text(M.unsigned(sig)));
        if (typeof signature !== "string") break;
      }
      const cause = typeof data === "string" ? data : signature as string;
      const next = archives[i + 1];
      if (next === undefined) fail(cause);
      archive = next!;
      sidecar = `${archive}${SIDECAR_SUFFIX}`;
      sig = `${sidecar}${SIGNATURE_SUFFIX}`;
      this.events.push({
        kind: "warn",
        step: step.id,
        text: text(M.sidecarElsewhere(cause, sidecar)),
      });
    }
    if (typeof data === "string" || typeof signature === "string" && signed) {
      throw new TypeError("Unreachable: the sidecar loop ends with the files or a failure");
    }
    if (signed && typeof signature !== "string") {
      const keys = this.need(step.keys, "the keys folder");
      let verified = false;
      // One key after another, in the order of the shell's glob (C locale).
      for (const name of Object.keys(this.vm.keys ?? {}).sort()) {
        verified = await this.h.verifySignature(this, name, data, signature);
        this.events.push({
          kind: "signature",
          step: step.id,
          key: `${keys}/${name}`,
          data: copy,
          sig: `${copy}${SIGNATURE_SUFFIX}`,
          verified,
        });
        if (verified) break;
      }
      if (!verified) fail(text(M.badSignature(sig, sidecar)));
    }
    const name = archiveFileName(archive);
    const r = parseSidecar(data, name);
    switch (r.kind) {
      case "ok":
        break;
      case "malformed":
        return fail(text(M.sidecarMalformed(sidecar)));
      case "missing":
        return fail(text(M.sidecarNoLine(sidecar, name)));
      case "ambiguous":
        return fail(text(M.sidecarAmbiguous(sidecar, name)));
      default:
        return assertNever(r);
    }
    if (given !== "" && r.sha256 !== given) {
      fail(text(M.sidecarDisagrees(sidecar, r.sha256, given)));
    }
    this.events.push({ kind: "sidecar", step: step.id, sidecar, sha256: r.sha256, failed: null });
    return r.sha256;
  }

  /**
   * A sidecar or signature, as `tmpfs_root_take`: its bytes, `null` when
   * there is no such file (an HTTP 404), or the cause of a failure. From a
   * mounted source, the file beside the archive; from a web server, one try
   * with the time left before the deadline. More bytes than a sidecar may
   * have are named first.
   */
  private async take(
    id: string,
    name: string,
    from: string | null,
    streamed: boolean,
  ): Promise<Uint8Array | string | null> {
    const tooLarge = (b: Uint8Array) => b.length > SIDECAR_MAX_BYTES;
    if (!streamed) {
      const mount = this.mountTable.find((m) => m.target === from);
      if (from === null || mount === undefined) {
        throw new TypeError(`The source is not mounted for step "${id}"`);
      }
      const bytes = await this.h.readFile(this, mount, name);
      if (bytes === null) return null;
      return tooLarge(bytes) ? text(M.sidecarTooLarge(name)) : bytes;
    }
    const timeout = Number(this.values.timeout);
    const left = (this.started ?? this.time) + timeout - this.time;
    if (left <= 0) return text(M.deadline(name, String(timeout)));
    const r = await this.h.fetch(this, name, 1);
    const result = r.kind === "status" ? `status ${r.status}` as const : r.kind;
    this.events.push({ kind: "fetch", step: id, url: name, attempt: 1, maxTime: left, result });
    let body: Uint8Array = new Uint8Array(0);
    let error: string | null = null;
    switch (r.kind) {
      case "ok":
        // Zero bytes for ever: more than any sidecar.
        body = r.endless ? new Uint8Array(SIDECAR_MAX_BYTES + 1) : r.body;
        break;
      case "stalled":
        body = r.body;
        error = this.stalled(left, r.body);
        break;
      case "dropped":
        body = r.body;
        error = r.error;
        break;
      case "status":
        if (r.status === 404) return null;
        error = r.error;
        break;
      case "refused":
      case "protocol":
        error = r.error;
        break;
      default:
        return assertNever(r);
    }
    if (tooLarge(body)) return text(M.sidecarTooLarge(name));
    return error === null ? body : text(M.fetchFailed(name, error));
  }

  /**
   * A transfer that stalls: curl gives up at the deadline, or when the rate
   * stays under the minimum; the time passes, and curl's line is returned.
   */
  private stalled(left: number, body: Uint8Array): string {
    const waited = Math.min(left, SPEED_TIME);
    this.time += waited;
    return left <= SPEED_TIME
      ? `curl: (28) Operation timed out after ${waited}000 milliseconds with ${body.length} bytes received`
      : `curl: (28) Operation too slow. Less than ${SPEED_LIMIT} bytes/sec transferred the last ${SPEED_TIME} seconds`;
  }

  /**
   * Unpacks each layer of `files` in turn, as `tmpfs_root_step_unpack`: the
   * first into `into`, a later one into a stage folder inside it, laid over
   * the layers below by the model's overlay rule; with layers, no whiteout
   * is left. `digests` (empty, or one for each layer) asks for each layer's
   * bytes to be hashed; `manifest` (the manifest step's output, empty
   * without one) gives the kinds of attribute each layer carries, which tar
   * restores (every kind without it).
   */
  private async unpackLayers(
    id: string,
    files: string,
    from: string | null,
    into: string,
    retries: number,
    digests: string,
    manifest: string,
  ): Promise<void> {
    const layers = layerList(files);
    const wants = digests === "" ? layers.map(() => "") : layerList(digests);
    const kinds = manifest === "" ? layers.map(() => ATTRIBUTES) : manifest.split(" ")[3]!
      .split("/").map(attributesOf);
    const done: { name: string; sha256: string | null }[] = [];
    this.layersHashed.set(id, done);
    for (const [i, file] of layers.entries()) {
      let to = into;
      this.below = null;
      if (i > 0) {
        to = `${into}/${LAYER_STAGE}.${this.tempDirs++}`;
        this.events.push({ kind: "stage", step: id, into, path: to });
        this.below = this.root ?? new Map();
      }
      // A layer whose digest is checked gets every kind: no digest covers the manifest.
      this.attributes = wants[i] !== "" ? ATTRIBUTES : kinds[i] ?? ATTRIBUTES;
      await this.unpack(id, file, from, to, retries, wants[i] !== "");
      done.push(this.hashed.get(id) ?? { name: file, sha256: null });
      if (layers.length > 1) {
        this.root = overlay(this.below ?? new Map(), this.root ?? new Map());
        this.below = null;
        // The stage, emptied by the renames, is removed; then the whiteouts left.
        if (i > 0) this.events.push({ kind: "rmdir", step: id, path: to, failed: null });
        this.events.push({ kind: "whiteouts", step: id, root: into });
      }
    }
  }

  /**
   * Unpacks the archive (`hash`: hashing its bytes on their way, for a
   * verify step).
   */
  private async unpack(
    id: string,
    file: string,
    from: string | null,
    into: string,
    retries: number,
    hash: boolean,
  ): Promise<void> {
    const src = this.source;
    if (sourceKind(src.kind, this.table).access === "mounted") {
      const mount = this.mountTable.find((m) => m.target === from);
      if (from === null || mount === undefined) {
        throw new TypeError(`The source is not mounted for step "${id}"`);
      }
      this.hashed.set(id, { name: file, sha256: null });
      const bytes = await this.h.readFile(this, mount, file);
      if (bytes === null) throw new StepFailed(text(M.noFile(file, src.spec)));
      const failed = await this.extract(id, bytes, file, `${from}/${file}`, into, hash);
      if (failed !== null) throw new StepFailed(failed);
      this.layer(id, file, file, hash, 1);
      return;
    }
    // Streamed: the one streamed kind is a download.
    if (src.kind !== "http") throw new TypeError(`No stream for source kind "${src.kind}"`);
    const urls = this.archiveUrls(src.url, file);
    this.hashed.set(id, { name: urls[0]!, sha256: null });
    const served = await this.download(id, urls, into, retries, Number(this.values.timeout), hash);
    this.hashed.set(id, { name: served, sha256: this.hashed.get(id)?.sha256 ?? null });
    this.layer(id, file, served, hash, this.tries);
  }

  /** Records a layer the unpack step `id` has just unpacked, as `tmpfs_root_layer_done` does. */
  private layer(id: string, name: string, from: string, hash: boolean, tries: number): void {
    const done = this.extracted;
    if (done === null) throw new TypeError(`Step "${id}" recorded a layer it did not unpack`);
    this.layers.push({
      name,
      from,
      // The shell names a plain tar stream as the model's formats do.
      format: done.format === "plain" ? "tar" : done.format,
      bytesRead: done.bytes,
      bytesUnpacked: null,
      seconds: 0,
      bytesPerSecond: null,
      sha256: hash ? this.hashed.get(id)?.sha256 ?? null : null,
      checked: hash,
      tries,
    });
  }

  /**
   * Compares the digest the unpack step `of` computed with `expected`
   * (nothing to do when that is empty); a different one stops the boot,
   * naming both.
   */
  private verify(id: string, of: string, expected: string): void {
    if (expected === "") return;
    const layers = this.layersHashed.get(of);
    if (layers === undefined) {
      throw new TypeError(`Step "${id}" verifies "${of}", which did not run`);
    }
    for (const [i, want] of layerList(expected).entries()) {
      const unpacked = layers[i] ?? { name: layers.at(-1)?.name ?? "", sha256: null };
      const sha256 = unpacked.sha256 ?? "";
      const failed = sha256 === want ? null : text(M.digestMismatch(unpacked.name, sha256, want));
      this.events.push({
        kind: "verify",
        step: id,
        archive: unpacked.name,
        sha256,
        expected: want,
        failed,
      });
      if (failed !== null) throw new StepFailed(failed);
    }
  }

  /**
   * Unpacks `bytes` into `into` as the shell's pipeline does; `name` names
   * the archive in causes, `from` in the event. Returns the cause of a
   * failure. The verdicts come in the shell's order: a full tmpfs, the
   * decompressor's and tar's errors, the end-of-archive blocks, then the
   * extended attributes tar could not set (security.* stops the boot, the
   * others are a warning). With `hash`, the bytes are hashed as the pipe
   * does once the format is known, whatever the verdict; the verify step
   * compares the digest of the last pipe.
   */
  private async extract(
    id: string,
    bytes: Uint8Array,
    name: string,
    from: string,
    into: string,
    hash: boolean,
  ): Promise<Failure> {
    this.warnings = [];
    this.extracted = null;
    if (bytes.length === 0) return text(M.empty(name));
    const archive = await this.h.openArchive(bytes);
    if (archive.kind === "unknown") return text(M.notArchive(name));
    const format = archive.format;
    if (format !== "plain" && !(this.vm.decompressors ?? FORMATS).includes(format)) {
      const program = DECOMPRESSOR_PROGRAMS[format][0]!;
      return text(
        M.noDecompressor(name, format, program, PROGRAM_PACKAGES[program] ?? program),
      );
    }
    const sha256 = hash ? await sha256Hex(bytes) : null;
    if (sha256 !== null) this.hashed.set(id, { name, sha256 });
    this.extracted = { format: archive.format, bytes: bytes.length };
    let failed: Failure = null;
    let warning: string | null = null;
    const room = this.roomFor(into);
    // A full tmpfs, in the words of the manifest that sized it, if one did.
    const full = (r: { options: string; manifest: string | null }) =>
      text(
        r.manifest === null ? M.tmpfsFull(r.options) : M.tmpfsFullManifest(r.options, r.manifest),
      );
    switch (archive.kind) {
      case "truncated":
      case "corrupt":
        // tar fills a small tmpfs with what came before the damage, and says so first.
        if (room !== undefined && archive.written > room.bytes) {
          failed = full(room);
        } else if (archive.kind === "truncated") failed = text(M.truncated(name));
        else failed = text(M.corrupt(name));
        break;
      case "ok": {
        // Without --xattrs, tar sets none: none fails.
        const xattrs = this.attributes.includes("xattrs")
          ? await this.xattrFailures(archive.members)
          : { first: null, security: null };
        if (
          room !== undefined && (archive.size > room.bytes || inodesOf(archive.files) > room.inodes)
        ) {
          failed = full(room);
        } else if (archive.tarError !== null) {
          failed = text(M.tarFailed(name, archive.tarError));
        } else if (!archive.ended) {
          failed = text(M.truncated(name));
        } else if (xattrs.security !== null) {
          failed = text(M.securityXattr(xattrs.security));
        } else {
          warning = xattrs.first;
        }
        break;
      }
      default:
        return assertNever(archive);
    }
    this.events.push({
      kind: "unpack",
      step: id,
      format: archive.format,
      from,
      into,
      attributes: this.attributes,
      ...(sha256 === null ? {} : { sha256 }),
      failed,
    });
    if (warning !== null) {
      this.events.push({
        kind: "warn",
        step: id,
        text: text(M.xattrWarning(warning)),
      });
      this.warnings = [text(M.xattrWarning(warning))];
    }
    if (failed === null && archive.kind === "ok") this.root = archive.files;
    return failed;
  }

  /** tar's lines for the extended attributes it could not set: the first, and the first security.* one. */
  private async xattrFailures(
    members: readonly Member[],
  ): Promise<{ first: string | null; security: string | null }> {
    let first: string | null = null;
    let security: string | null = null;
    for (const m of members) {
      if (m.name.split("/").includes("..")) continue;
      const file = m.name.replace(/^\/+/, "");
      for (const [key, value] of m.xattrs) {
        const error = await this.h.setXattr(this, file, key, value);
        if (error === null) continue;
        const call = m.type === "symlink" ? "lsetxattrat" : "setxattrat";
        const line =
          `tar: ${call}: Cannot set '${key}' extended attribute for file '${file}': ${error}`;
        first ??= line;
        if (key.startsWith("security.")) security ??= line;
      }
    }
    return { first, security };
  }

  /** The tmpfs a path is in: a stage folder is inside the tmpfs it is laid over. */
  private tmpfsOf(path: string): string {
    for (const at of this.capacity.keys()) if (path.startsWith(`${at}/`)) return at;
    return path;
  }

  /**
   * The room a layer has in the tmpfs at (or around) `into`: what the tmpfs
   * holds less what the layers below take, bytes and inodes.
   */
  private roomFor(into: string) {
    const room = this.capacity.get(this.tmpfsOf(into));
    if (room === undefined || this.below === null) return room;
    let bytes = 0;
    for (const e of this.below.values()) {
      if (e.type === "file") bytes += Math.ceil(e.size / PAGE_BYTES) * PAGE_BYTES;
    }
    return { ...room, bytes: room.bytes - bytes, inodes: room.inodes - inodesOf(this.below) };
  }

  /**
   * Where the archive `file` is read from, in order: on a mounted source its
   * path, for a streamed one its URLs (`archiveUrls`).
   */
  private archivesOf(file: string): { streamed: boolean; archives: string[] } {
    const src = this.source;
    if (sourceKind(src.kind, this.table).access !== "streamed") {
      return { streamed: false, archives: [file] };
    }
    if (src.kind !== "http") throw new TypeError(`No stream for source kind "${src.kind}"`);
    return { streamed: true, archives: this.archiveUrls(src.url, file) };
  }

  /** The archive's URLs: the source's, then each mirror's, with `file` appended to those ending with /. */
  private archiveUrls(url: string, file: string): string[] {
    return [url, ...mirrorList(this.values[MIRROR.key] ?? "")].map((u) => archiveUrl(u, file));
  }

  /**
   * Downloads and unpacks, as `tmpfs_root_download`: the URLs are tried in
   * turn, each try with the time left before `rd.tmpfs.timeout`; a stream
   * larger than the tmpfs is cut off; after a try fails the next URL is
   * tried at once, and after a round (every URL failed once) comes a growing
   * pause, while rounds and time are left. A URL whose server said no (4xx)
   * or redirected where curl may not follow is left out of later rounds.
   * Returns the URL that served the archive.
   */
  private async download(
    id: string,
    urls: readonly string[],
    into: string,
    retries: number,
    timeout: number,
    hash: boolean,
  ): Promise<string> {
    // From the sidecar's download, when there was one: they share the deadline.
    const deadline = (this.started ?? this.time) + timeout;
    const late = (url: string) => new StepFailed(text(M.deadline(url, String(timeout))));
    const room = this.capacity.get(this.tmpfsOf(into));
    const tries = (retries + 1) * urls.length;
    const dead = new Set<number>();
    // Each URL's own count of requests: a server's first answers are its own.
    const asked = new Map<string, number>();
    let pauses = 0;
    let i = 0;
    for (let attempt = 1;; attempt++) {
      const url = urls[i]!;
      const left = deadline - this.time;
      if (left <= 0) throw late(url);
      const nth = (asked.get(url) ?? 0) + 1;
      asked.set(url, nth);
      const r = await this.h.fetch(this, url, nth);
      const result = r.kind === "status" ? `status ${r.status}` as const : r.kind;
      this.events.push({ kind: "fetch", step: id, url, attempt: nth, maxTime: left, result });
      let error: string;
      switch (r.kind) {
        case "ok": {
          // What is not an archive, or is corrupt, stops the pipeline before the cap is reached.
          const opened = r.body.length > 0 ? await this.h.openArchive(r.body) : null;
          const readsOn = opened?.kind === "ok" || opened?.kind === "truncated";
          if (room !== undefined && readsOn && (r.endless || r.body.length > room.bytes)) {
            // The pipeline unpacks what arrives until more bytes come than the tmpfs holds.
            await this.partial(id, url, into, r.body, hash);
            throw new StepFailed(
              text(M.tooLarge(url, String(room.bytes), room.size)),
            );
          }
          const failed = await this.extract(id, r.body, url, url, into, hash);
          if (failed !== null) throw new StepFailed(failed);
          this.tries = attempt;
          return url;
        }
        case "dropped":
          await this.partial(id, url, into, r.body, hash);
          error = r.error;
          break;
        case "stalled":
          error = this.stalled(left, r.body);
          await this.partial(id, url, into, r.body, hash);
          break;
        case "status":
        case "refused":
        case "protocol":
          error = r.error;
          break;
        default:
          return assertNever(r);
      }
      if (this.time >= deadline) throw late(url);
      const code = r.kind === "status" ? r.status : 0;
      // A redirect curl may not follow, or a 4xx other than 408 and 429: left out of later rounds.
      let why: string | null = null;
      let stop: string | null = null;
      if (r.kind === "protocol") [why, stop] = [r.error, text(M.badRedirect(url, r.error))];
      else if (!retried(code)) {
        [why, stop] = [text(M.httpStatus(String(code))), text(M.answered(url, String(code)))];
      }
      if (stop !== null) {
        dead.add(i);
        if (dead.size >= urls.length) throw new StepFailed(stop);
      }
      if (attempt >= tries) {
        throw new StepFailed(stop ?? text(M.triesFailed(url, String(attempt), error)));
      }
      why ??= r.kind === "status" ? text(M.httpStatus(String(code))) : error;
      let j = i;
      do j = (j + 1) % urls.length; while (dead.has(j));
      if (j > i) {
        // The next URL of the round, at once.
        this.events.push({
          kind: "warn",
          step: id,
          text: text(M.nextMirror(String(attempt), String(tries), url, why, urls[j]!)),
        });
        this.events.push({ kind: "clear", step: id, path: into });
        i = j;
        continue;
      }
      i = j;
      pauses++;
      const after = r.kind === "status" && RETRY_AFTER_STATUSES.includes(code)
        ? retryAfterSeconds(r.retryAfter ?? "")
        : null;
      const random = await this.h.random(this, attempt - 1);
      const seconds = Math.min(backoff(pauses, random, after), deadline - this.time);
      this.events.push({
        kind: "sleep",
        step: id,
        seconds,
        attempt,
        tries,
        cause: why,
      });
      this.time += seconds;
      // Start again from an empty root: a partial transfer never boots.
      this.events.push({ kind: "clear", step: id, path: into });
    }
  }

  /**
   * What the pipeline does with a transfer that stopped early: it unpacks
   * what arrived as it would a whole archive (its events and warnings), and
   * its verdict yields to the transfer's failure.
   */
  private async partial(
    id: string,
    url: string,
    into: string,
    body: Uint8Array,
    hash: boolean,
  ): Promise<void> {
    await this.extract(id, body, url, url, into, hash);
  }

  /** Reads /etc/selinux/config as the shell's `read -r` loop does: the last setting wins. */
  private async restoreSelinux(id: string, root: string): Promise<void> {
    const config = this.root?.get("/etc/selinux/config");
    if (config?.data === undefined || config.type !== "file") {
      this.events.push({
        kind: "skip",
        step: id,
        reason: "the new root has no /etc/selinux/config",
      });
      return;
    }
    let mode = "";
    let type = "targeted";
    for (const raw of new TextDecoder().decode(config.data).split("\n")) {
      const line = raw.replace(/^[ \t]+|[ \t]+$/g, "");
      if (line.startsWith("SELINUX=")) mode = line.slice("SELINUX=".length);
      else if (line.startsWith("SELINUXTYPE=")) type = line.slice("SELINUXTYPE=".length);
    }
    if (mode !== "enforcing" && mode !== "permissive") {
      this.events.push({ kind: "skip", step: id, reason: `SELinux is "${mode}" in the new root` });
      return;
    }
    if (!/^[A-Za-z0-9_-]+$/.test(type)) {
      throw new StepFailed(text(M.badSelinuxType()));
    }
    const failed = await this.h.relabel(this, root, type);
    this.events.push({ kind: "relabel", step: id, root, policy: type, failed });
    if (failed !== null) throw new StepFailed(text(M.relabelFailed(root, failed)));
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
 * steps that ran had done (`undoPlan()`), and stops. Causes are worded as
 * the emitted shell words them, from what the handlers report (a
 * command's first line of error output), so a differential test can
 * compare the two line for line.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { BOOT } from "@tmpfs-root/model";
 * import { makeArchive, simulate, type Vm } from "./mod.ts";
 * const vm: Vm = {
 *   flavour: "classic", ram: 4 * 1024 ** 3, lvm: [], nfs: [], web: [],
 *   disks: [{ path: "/dev/vda1", files: { "rootfs.tgz": await makeArchive({ "etc/os-release": "ID=demo\n" }, "gzip") } }],
 * };
 * const r = await simulate(BOOT, vm, "root=tmpfs:/dev/vda1 rd.tmpfs.size=1G rd.tmpfs.imgfile=rootfs.tgz ro");
 * assert.equal(r.outcome.kind, "switched");
 * assert.deepEqual(r.mounts.map((m) => m.target), ["/sysroot"]);
 * ```
 */
export function simulate(
  seq: BootSequence,
  vm: Vm,
  cmdline: string,
  handlers: Partial<Handlers> = {},
  sources: readonly SourceKindSpec[] = SOURCES,
): Promise<SimResult> {
  return new Run(seq, vm, cmdline, { ...defaultHandlers, ...handlers }, sources).go();
}

/** A tmpfs page: a regular file takes whole pages. */
const PAGE_BYTES = 4096;

/** Stops the boot with `cause` (for use in expressions). */
function fail(cause: string): never {
  throw new StepFailed(cause);
}

/**
 * The inodes a tree takes in a tmpfs: the root's, and one for each entry
 * and each folder tar makes for it, hard links apart.
 */
function inodesOf(files: ReadonlyMap<string, RootEntry>): number {
  const paths = new Set<string>();
  for (const [path, entry] of files) {
    if (entry.type !== "link") paths.add(path);
    const parts = path.split("/");
    for (let i = 2; i < parts.length; i++) paths.add(parts.slice(0, i).join("/"));
  }
  return 1 + paths.size;
}
