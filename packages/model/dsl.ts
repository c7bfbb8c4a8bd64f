/**
 * The DSL the boot sequence is written in: operands, steps and a checked
 * sequence. Steps are plain readonly data; nothing here knows about shell.
 *
 * @module
 */
import type { ParamSpec } from "./params.ts";
import type { SourceKind } from "./source.ts";
import type {
  AwaitSource,
  BootSequence,
  HandOver,
  MakeTempDir,
  MountSource,
  MountTmpfs,
  Operand,
  Phase,
  PhaseName,
  ReadParams,
  Release,
  RestoreSelinux,
  Step,
  Undo,
  Unpack,
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
  & { readonly onlyFor?: readonly SourceKind[]; readonly undo?: Undo };

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
/** Unpack the archive. */
export const unpack = (o: Options<Unpack>): Unpack => make("unpack", o);
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

function operands(step: Step): Operand[] {
  const all: Operand[] = [];
  for (const value of Object.values(step)) {
    if (value && typeof value === "object" && "kind" in value) {
      const k = (value as { kind: string }).kind;
      if (k === "output" || k === "param" || k === "literal" || k === "newroot") {
        all.push(value as Operand);
      }
    }
  }
  if (step.undo) all.push(step.undo.target);
  return all;
}

/**
 * Builds a boot sequence and checks it: unique step ids, outputs used only
 * after the step that makes them, releases only of steps that declare an
 * undo, parameters only from the declared list.
 *
 * @example
 * ```ts
 * import { literal, makeTempDir, output, phase, remove, sequence } from "./dsl.ts";
 * import { ONFAIL, PARAMS } from "./params.ts";
 * import { param } from "./dsl.ts";
 * const seq = sequence("demo", PARAMS, param(ONFAIL), [
 *   phase("mount", makeTempDir({
 *     id: "dir", label: "mountpoint", doing: "making a directory",
 *     parent: literal("/run/demo"), undo: remove(output("dir")),
 *   })),
 * ]);
 * seq.phases.length; // 1
 * ```
 */
export function sequence(
  name: string,
  params: readonly ParamSpec[],
  onFail: Operand,
  phases: readonly Phase[],
): BootSequence {
  const seen = new Map<string, Step>();
  for (const step of phases.flatMap((p) => p.steps)) {
    if (seen.has(step.id)) throw new TypeError(`Duplicate step id "${step.id}"`);
    for (const op of operands(step)) {
      if (op.kind === "output" && !seen.has(op.step) && op.step !== step.id) {
        throw new TypeError(`Step "${step.id}" uses the output of "${op.step}" before it runs`);
      }
      if (op.kind === "param" && !params.includes(op.param)) {
        throw new TypeError(`Step "${step.id}" reads ${op.param.name}, which is not declared`);
      }
    }
    if (step.kind === "release") {
      const target = seen.get(step.of);
      if (!target?.undo) {
        throw new TypeError(`Step "${step.id}" releases "${step.of}", which has nothing to undo`);
      }
    }
    seen.set(step.id, step);
  }
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
 * import { undoPlan } from "./dsl.ts";
 * import { BOOT } from "./boot.ts";
 * undoPlan(BOOT, "unpack").map((s) => s.id); // ["tmpfs", "source", "mountpoint"]
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
