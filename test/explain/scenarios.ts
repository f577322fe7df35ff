/**
 * Attribution scenarios as tables, RuleTester style: `{ name, snapshot, record, expect }` rows, one test
 * per row, names unique (a duplicate is an error, not a silently shadowed case).
 */
import { describe, expect, it } from 'vitest';
import { type Attribution, attributeRecord } from '../../src/explain/attribute.js';
import { indexSnapshot } from '../../src/engine/snapshot-index.js';
import { FlowRecord } from '../../src/flowlog/record.js';
import type { Snapshot } from '../../src/model/snapshot.js';

export interface ScenarioExpect extends Partial<Omit<Attribution, 'explanation' | 'fix' | 'candidates'>> {
  /** Texts the explanation must contain (a RegExp must match). */
  readonly explanation?: ReadonlyArray<string | RegExp>;
  /** The fix exactly, or texts it must contain. */
  readonly fix?: string | null | ReadonlyArray<string>;
  /** The candidates' blockers (ambiguous readings), in order. */
  readonly candidateBlockers?: ReadonlyArray<Attribution['blockedBy']>;
  /** The candidates' readings and verdicts, in order. */
  readonly candidateReadings?: ReadonlyArray<readonly [string, string]>;
}

export interface Scenario {
  readonly name: string;
  readonly snapshot: Snapshot;
  /** A flow-log line, read in the given format (default: rec of the test file), or a record. */
  readonly record: string | FlowRecord;
  /** An ACCEPT of the reverse tuple came earlier in the input. */
  readonly reverse?: boolean;
  readonly expect: ScenarioExpect;
}

export function checkScenario(s: Scenario, read: (line: string) => FlowRecord): void {
  const r = typeof s.record === 'string' ? read(s.record) : s.record;
  const a = attributeRecord({ index: indexSnapshot(s.snapshot), reverseAccepted: () => s.reverse ?? false }, r);
  const { explanation, fix, candidateBlockers, candidateReadings, ...fields } = s.expect;
  expect(a).toMatchObject(fields);
  for (const e of explanation ?? []) {
    if (typeof e === 'string') expect(a.explanation).toContain(e);
    else expect(a.explanation).toMatch(e);
  }
  if (fix === null || typeof fix === 'string') expect(a.fix).toBe(fix);
  else for (const f of fix ?? []) expect(a.fix).toContain(f);
  if (candidateBlockers) expect(a.candidates?.map((c) => c.blockedBy)).toEqual(candidateBlockers);
  if (candidateReadings) expect(a.candidates?.map((c) => [c.reading, c.verdict])).toEqual(candidateReadings);
}

/** One `describe` with a test per scenario; duplicate names are rejected. */
export function attributionScenarios(title: string, scenarios: readonly Scenario[], read: (line: string) => FlowRecord): void {
  const seen = new Set<string>();
  for (const s of scenarios) {
    if (seen.has(s.name)) throw new Error(`${title}: two scenarios are named ${JSON.stringify(s.name)}`);
    seen.add(s.name);
  }
  describe(title, () => {
    for (const s of scenarios) it(s.name, () => checkScenario(s, read));
  });
}
