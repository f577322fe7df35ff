/**
 * Deterministic shuffling from a fast-check integer, so that order-independence properties need no
 * `chain` (which shrinks poorly): the shuffled order is a pure function of (seed, array).
 */
import fc from 'fast-check';

/** mulberry32: a tiny 32-bit PRNG; good enough to pick permutations. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fisher-Yates with the given seed; returns a new array. Seed 0 still shuffles (it is not the identity). */
export function shuffled<T>(seed: number, items: readonly T[]): T[] {
  const next = prng(seed);
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

export const shuffleSeedArb: fc.Arbitrary<number> = fc.noBias(fc.integer({ min: 0, max: 0x7fffffff }));
