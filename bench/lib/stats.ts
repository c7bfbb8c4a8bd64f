/**
 * Small statistics for the bench's timings.
 *
 * @module
 */

/**
 * The median of `values` (the mean of the two middle ones for an even
 * count); NaN when there are none.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { median } from "./stats.ts";
 * assert.equal(median([3, 1, 2]), 2);
 * assert.equal(median([4, 1, 3, 2]), 2.5);
 * assert.ok(Number.isNaN(median([])));
 * ```
 */
export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/**
 * A deterministic shuffle (xorshift32 seeded by `seed`): each round of the
 * bench runs the methods in another order, the same on every machine.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { shuffled } from "./stats.ts";
 * assert.deepEqual(shuffled([1, 2, 3, 4], 7).sort(), [1, 2, 3, 4]);
 * assert.deepEqual(shuffled([1, 2, 3, 4], 7), shuffled([1, 2, 3, 4], 7));
 * ```
 */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  const next = xorshift(seed * 2654435761);
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = next() % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/**
 * A deterministic pseudo-random generator (xorshift32) of unsigned 32-bit
 * numbers; the seed is taken modulo 2^32 (0 as 1).
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { xorshift } from "./stats.ts";
 * const [a, b] = [xorshift(7), xorshift(7)];
 * assert.deepEqual([a(), a()], [b(), b()]);
 * ```
 */
export function xorshift(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
}
