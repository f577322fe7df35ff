/**
 * fast-check run parameters shared by the property tests.
 *
 * Runs are deterministic: the seed is fixed (FC_SEED, default DEFAULT_SEED) so CI sees the same cases on
 * every run. On failure fast-check reports the seed and the counterexample path; replay one case with
 *
 *   FC_SEED=<seed> FC_PATH=<path> npx vitest run test/properties/<file>.test.ts
 *
 * Explore beyond the fixed cases with `FC_SEED=random` (the chosen seed is printed) and scale the number
 * of runs with `FC_RUNS_FACTOR=10`.
 */
import type fc from 'fast-check';

export const DEFAULT_SEED = 424242;

function readSeed(): number {
  const raw = process.env['FC_SEED'];
  if (raw === undefined || raw === '') return DEFAULT_SEED;
  if (raw === 'random') {
    const s = (Date.now() ^ (Math.random() * 0x7fffffff)) | 0;
    console.log(`fast-check: FC_SEED=random chose seed ${s}`);
    return s;
  }
  const n = Number(raw);
  if (!Number.isInteger(n)) throw new Error(`FC_SEED must be an integer or "random", got ${raw}`);
  return n;
}

export const FC_SEED = readSeed();

const factor = Number(process.env['FC_RUNS_FACTOR'] ?? '1');
const path = process.env['FC_PATH'];

/** `{ seed, numRuns }` for fc.assert; numRuns scaled by FC_RUNS_FACTOR, `path` set when replaying. */
export function fcParams<T = unknown>(numRuns: number): fc.Parameters<T> {
  const runs = Math.max(1, Math.round(numRuns * (Number.isFinite(factor) && factor > 0 ? factor : 1)));
  return { seed: FC_SEED, numRuns: runs, ...(path !== undefined && path !== '' ? { path } : {}) };
}

/**
 * Coverage guard: a property says little when its generator rarely reaches the interesting cases, so tests
 * count them and require a minimum. Skipped when replaying one case (FC_PATH) or running fewer cases.
 */
export function expectCoverage(counts: Readonly<Record<string, number>>, minimum: number): void {
  if ((path !== undefined && path !== '') || (Number.isFinite(factor) && factor < 1)) return;
  for (const [what, n] of Object.entries(counts)) {
    if (n < minimum) throw new Error(`generator coverage: only ${n} cases with ${what} (want at least ${minimum}); the arbitraries need tuning`);
  }
}
