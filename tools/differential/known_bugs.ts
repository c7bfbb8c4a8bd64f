/**
 * Disagreements the differential test found and that are reported, not yet
 * fixed: each with a minimal scenario that shows it and a matcher that
 * recognises it. Remove an entry when its fix lands (its test then fails,
 * as a reminder).
 *
 * @module
 */
import type { Disagreement } from "./differential.ts";
import type { Scenario } from "./scenario.ts";

/** A known disagreement. */
export interface KnownBug {
  readonly id: string;
  /** What is wrong, and where. */
  readonly summary: string;
  /** A minimal scenario that shows it. */
  readonly repro: () => Promise<Scenario>;
  /** Whether a disagreement is this bug. */
  readonly matches: (d: Disagreement) => Promise<boolean>;
}

/** The known bugs. */
export const KNOWN_BUGS: readonly KnownBug[] = [
  // All fixed: see git log for the nine the differential test found.
];

/**
 * The known bug a disagreement is, or `null`.
 *
 * @example
 * ```ts ignore
 * import { classify } from "./known_bugs.ts";
 * (await classify(disagreement))?.id;
 * ```
 */
export async function classify(d: Disagreement): Promise<KnownBug | null> {
  for (const bug of KNOWN_BUGS) if (await bug.matches(d)) return bug;
  return null;
}
