/**
 * The DSL the boot sequence is written in: operands, steps and a checked
 * sequence. Steps are plain readonly data; nothing here knows about shell.
 *
 * @module
 */
import type { ParamSpec } from "./params.ts";

import type {
  Access,
  AwaitSource,
  BootSequence,
  Fit,
  HandOver,
  MakeTempDir,
  MountSource,
  MountTmpfs,
  Operand,
  Phase,
  PhaseName,
  ReadManifest,
  ReadParams,
  Release,
  RestoreSelinux,
  Sidecar,
  Step,
  StepKind,
  Undo,
  Unpack,
  Verify,
} from "./step.ts";

/** A fixed value. */
export function literal(value: string): Operand {
  return { kind: "literal", value };
}

/** The checked value of a kernel parameter. */
export function param(spec: ParamSpec): Operand {
  return { kind: "param", param: spec };
}

/** The output (a path) of an earlier step. */
export function output(step: string): Operand {
  return { kind: "output", step };
}

/** dracut's `$NEWROOT` (`/sysroot`). */
export function newroot(): Operand {
  return { kind: "newroot" };
}

/** Undo by unmounting. */
export function unmount(target: Operand): Undo {
  return { kind: "unmount", target };
}

/** Undo by removing an (empty) directory. */
export function remove(target: Operand): Undo {
  return { kind: "remove", target };
}

type Options<T extends Step> =
  & Omit<T, "kind" | "onlyFor" | "undo">
  & { readonly onlyFor?: Access; readonly undo?: Undo };

function make<T extends Step>(kind: T["kind"], o: Options<T>): T {
  if (!/^[a-z]+$/.test(o.id)) throw new TypeError(`Invalid step id "${o.id}": expected [a-z]+`);
  return { ...o, kind, onlyFor: o.onlyFor ?? null, undo: o.undo ?? null } as unknown as T;
}

/** Read and check every parameter. */
export const readParams = (o: Options<ReadParams>): ReadParams => make("readParams", o);
/** Wait for the source. */
export const awaitSource = (o: Options<AwaitSource>): AwaitSource => make("awaitSource", o);
/** Make a fresh directory. */
export const makeTempDir = (o: Options<MakeTempDir>): MakeTempDir => make("makeTempDir", o);
/** Mount the source read-only. */
export const mountSource = (o: Options<MountSource>): MountSource => make("mountSource", o);
/** Mount the tmpfs. */
export const mountTmpfs = (o: Options<MountTmpfs>): MountTmpfs => make("mountTmpfs", o);
/** Read the archive's manifest, when there is one. */
export const readManifest = (o: Options<ReadManifest>): ReadManifest => make("readManifest", o);
/** Decide the tmpfs's options from rd.tmpfs.size, the manifest and the RAM. */
export const fit = (o: Options<Fit>): Fit => make("fit", o);
/** Find the archive's digest: its sidecar (and the sidecar's signature), or the command line's. */
export const sidecar = (o: Options<Sidecar>): Sidecar => make("sidecar", o);
/** Unpack the archive. */
export const unpack = (o: Options<Unpack>): Unpack => make("unpack", o);
/** Check the digest of what an unpack step hashed. */
export const verify = (o: Options<Verify>): Verify => make("verify", o);
/** Undo an earlier step now. */
export const release = (o: Options<Release>): Release => make("release", o);
/** Restore SELinux labels. */
export const restoreSelinux = (o: Options<RestoreSelinux>): RestoreSelinux =>
  make("restoreSelinux", o);
/** Hand over to switch-root. */
export const handOver = (o: Options<HandOver>): HandOver => make("handOver", o);

/** A phase: the steps one dracut hook runs. */
export function phase(name: PhaseName, ...steps: Step[]): Phase {
  return { name, steps };
}

/** The phases in the order dracut runs their hooks. */
const PHASE_ORDER: readonly PhaseName[] = ["cmdline", "mount", "prePivot"];

/**
 * The step kinds that have an output, which later steps refer to with
 * `output(id)`: a path (`makeTempDir`), a digest (`sidecar`), the
 * manifest's counts (`readManifest`), the tmpfs's options (`fit`).
 */
const WITH_OUTPUT: readonly StepKind[] = ["makeTempDir", "sidecar", "readManifest", "fit"];

/** What a step reads (its undo's target apart: an undo may use the step's own output). */
function inputs(step: Step): Operand[] {
  const all: Operand[] = [];
  for (const value of Object.values(step)) {
    if (value && typeof value === "object" && "kind" in value) {
      const k = (value as { kind: string }).kind;
      if (k === "output" || k === "param" || k === "literal" || k === "newroot") {
        all.push(value as Operand);
      }
    }
  }
  if (step.kind === "readParams") all.push(...step.params.map(param));
  return all;
}

/** An operand as the DSL writes it, for error messages. */
function describe(op: Operand): string {
  switch (op.kind) {
    case "literal":
      return op.value;
    case "param":
      return op.param.name;
    case "output":
      return `output(${op.step})`;
    case "newroot":
      return "newroot()";
    default:
      return op satisfies never;
  }
}

/**
 * Builds a boot sequence and checks it: the failure policy is a declared
 * parameter; phases come at most once each, in dracut's order; step ids are
 * unique; a `readParams` step runs before any step reads a parameter, and
 * only declared parameters are read; outputs are used only after the
 * `makeTempDir` step that makes them (an undo may use its own step's);
 * releases are only of earlier steps that declare an undo, each at most
 * once; a `verify` step checks an earlier `unpack` step that hashes for the
 * same digest; a `sidecar` step (whose signature check must come before
 * anything is written to the new root) runs before every `mountTmpfs` step.
 * Errors are `TypeError`s that name the step.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import {
 *   literal, makeTempDir, output, param, phase, readParams, remove, sequence,
 * } from "./dsl.ts";
 * import { ONFAIL, PARAMS } from "./params.ts";
 * const read = readParams({ id: "params", label: "cmdline", doing: "checking", params: PARAMS });
 * const dir = makeTempDir({
 *   id: "dir", label: "mountpoint", doing: "making a directory",
 *   parent: literal("/run/demo"), undo: remove(output("dir")),
 * });
 * const seq = sequence("demo", PARAMS, param(ONFAIL), [phase("mount", read, dir)]);
 * assert.deepEqual(seq.phases, [{ name: "mount", steps: [read, dir] }]);
 * assert.throws(
 *   () => sequence("demo", PARAMS, param(ONFAIL), [phase("mount", read, dir, dir)]),
 *   /^TypeError: Duplicate step id "dir"$/,
 * );
 * ```
 */
export function sequence(
  name: string,
  params: readonly ParamSpec[],
  onFail: Operand,
  phases: readonly Phase[],
): BootSequence {
  if (onFail.kind !== "param" || !params.includes(onFail.param)) {
    throw new TypeError(
      `Invalid failure policy "${describe(onFail)}": expected a parameter the sequence declares`,
    );
  }
  for (const [i, p] of phases.entries()) {
    const before = phases[i - 1];
    if (before && PHASE_ORDER.indexOf(p.name) <= PHASE_ORDER.indexOf(before.name)) {
      throw new TypeError(
        `Phase "${p.name}" after "${before.name}": expected each of ${
          PHASE_ORDER.join(", ")
        } at most once, in that order`,
      );
    }
  }
  const seen = new Map<string, Step>();
  const released = new Map<string, string>();
  let read = false;
  let tmpfs: Step | null = null;
  for (const step of phases.flatMap((p) => p.steps)) {
    if (seen.has(step.id)) throw new TypeError(`Duplicate step id "${step.id}"`);
    const uses = [
      ...inputs(step).map((op) => ({ op, undo: false })),
      ...(step.undo === null ? [] : [{ op: step.undo.target, undo: true }]),
    ];
    for (const { op, undo } of uses) {
      if (op.kind === "output") {
        const maker = undo && op.step === step.id ? step : seen.get(op.step);
        if (maker === undefined) {
          throw new TypeError(`Step "${step.id}" uses the output of "${op.step}" before it runs`);
        }
        if (!WITH_OUTPUT.includes(maker.kind)) {
          throw new TypeError(
            `Step "${step.id}" uses the output of "${op.step}": a ${maker.kind} step has none`,
          );
        }
      }
      if (op.kind === "param" && !params.includes(op.param)) {
        throw new TypeError(`Step "${step.id}" reads "${op.param.name}", which is not declared`);
      }
      if (op.kind === "param" && !read && step.kind !== "readParams") {
        throw new TypeError(
          `Step "${step.id}" reads "${op.param.name}" before a readParams step has run`,
        );
      }
    }
    if (step.kind === "readParams") read = true;
    if (step.kind === "mountTmpfs") tmpfs ??= step;
    if (step.kind === "sidecar" && tmpfs !== null) {
      throw new TypeError(
        `Step "${step.id}" runs after the tmpfs step "${tmpfs.id}": a sidecar and its signature are checked before the new root is mounted`,
      );
    }
    if (step.kind === "release") {
      const target = seen.get(step.of);
      if (target === undefined) {
        throw new TypeError(
          `Step "${step.id}" releases "${step.of}", which does not run before it`,
        );
      }
      if (!target.undo) {
        throw new TypeError(`Step "${step.id}" releases "${step.of}", which has nothing to undo`);
      }
      const by = released.get(step.of);
      if (by !== undefined) {
        throw new TypeError(
          `Step "${step.id}" releases "${step.of}", which step "${by}" has released already`,
        );
      }
      released.set(step.of, step.id);
    }
    if (step.kind === "verify") {
      const target = seen.get(step.of);
      if (target?.kind !== "unpack") {
        throw new TypeError(
          `Step "${step.id}" verifies "${step.of}", which is not an unpack step that runs before it`,
        );
      }
      if (describe(target.sha256) !== describe(step.expected)) {
        throw new TypeError(
          `Step "${step.id}" expects "${describe(step.expected)}", but "${step.of}" hashes for "${
            describe(target.sha256)
          }"`,
        );
      }
    }
    seen.set(step.id, step);
  }
  if (!read) throw new TypeError(`Sequence "${name}" has no readParams step`);
  return { name, params, onFail, phases };
}

/** Every step of a sequence in order, across phases. */
export function allSteps(seq: BootSequence): readonly Step[] {
  return seq.phases.flatMap((p) => p.steps);
}

/**
 * What to undo when the step `failed` fails: the steps before it that
 * declare an undo and that no release before it has carried out, latest
 * first. (At run time each undo runs only if its step actually ran.)
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { undoPlan } from "./dsl.ts";
 * import { BOOT } from "./boot.ts";
 * assert.deepEqual(undoPlan(BOOT, "unpack").map((s) => s.id), ["tmpfs", "source", "mountpoint"]);
 * assert.deepEqual(undoPlan(BOOT, "selinux").map((s) => s.id), ["tmpfs"]);
 * ```
 */
export function undoPlan(seq: BootSequence, failed: string): readonly Step[] {
  const steps = allSteps(seq);
  const index = steps.findIndex((s) => s.id === failed);
  if (index < 0) throw new RangeError(`Unknown step "${failed}"`);
  const before = steps.slice(0, index);
  const released = new Set(before.flatMap((s) => s.kind === "release" ? [s.of] : []));
  return before.filter((s) => s.undo !== null && !released.has(s.id)).reverse();
}
