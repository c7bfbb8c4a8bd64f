/**
 * What the compiler compiles against besides the boot sequence: the table
 * of source kinds (the shipped one, or one with more kinds, as a test adds
 * a toy kind) and the mount functions of kinds that need their own.
 */
import { kindsWhere, type SourceKind, type SourceKindSpec } from "@tmpfs-root/model";
import type { Command, Word } from "@tmpfs-root/shell";

/** A kind's mount function: mounts the parsed source read-only at `at`; fails with the cause set. */
export type Mounter = (at: Word) => Command[];

/** The tables the compiler reads. */
export interface Context {
  readonly sources: readonly SourceKindSpec[];
  /** Mount functions by kind; a mounted kind without one uses its descriptor's `mount`. */
  readonly mounters: Readonly<Record<string, Mounter>>;
}

/** The kinds of the context's table whose descriptor matches. */
export function kinds(ctx: Context, test: (k: SourceKindSpec) => boolean): SourceKind[] {
  return kindsWhere(test, ctx.sources);
}
