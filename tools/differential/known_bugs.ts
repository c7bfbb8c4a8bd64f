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
 * The known bug a disagreement is, or `null`: the first entry of `bugs`
 * (default {@linkcode KNOWN_BUGS}) whose matcher recognises it.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { classify, type KnownBug } from "./known_bugs.ts";
 * const vm = { flavour: "classic", ram: 1 << 20, disks: [], lvm: [], nfs: [], web: [] } as const;
 * const scenario = { cmdline: "root=tmpfs:/dev/vda1", vm, fault: { kind: "none" } } as const;
 * const d = { scenario, shell: "dash", reason: "line 3", expected: [], actual: [], stderr: "" } as const;
 * const bug: KnownBug = {
 *   id: "line-3",
 *   summary: "the third line differs",
 *   repro: () => Promise.resolve(scenario),
 *   matches: (x) => Promise.resolve(x.reason === "line 3"),
 * };
 * assert.equal(await classify(d, [bug]), bug);
 * assert.equal(await classify({ ...d, reason: "line 4" }, [bug]), null);
 * ```
 */
export async function classify(
  d: Disagreement,
  bugs: readonly KnownBug[] = KNOWN_BUGS,
): Promise<KnownBug | null> {
  for (const bug of bugs) if (await bug.matches(d)) return bug;
  return null;
}
