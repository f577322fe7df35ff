/**
 * Baseline files: written stable and minimal, read back (or read from `audit --format json`), problems by
 * JSON path; properties against independent oracles: round trip, order independence, counting, globs.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type BaselineLoadError, formatBaselineLoadError, parseBaseline, renderBaseline } from '../../src/audit/baseline.js';
import type { Finding, FindingEntry } from '../../src/audit/rule-api.js';
import { type Baseline, applySuppressions, globMatcher } from '../../src/audit/suppress.js';
import { E } from '../../src/fp.js';
import { expectCoverage, fcParams } from '../arbitraries/fc-params.js';

const RULE_IDS = ['nacl-shadowed-entry', 'sg-redundant-rule', 'blackhole-route'];

function read(text: string, file = 'b.json'): Baseline {
  const r = parseBaseline(text, file);
  if (E.isLeft(r)) throw new Error(formatBaselineLoadError(r.left));
  return r.right;
}

function problems(text: string): string[] {
  const r = parseBaseline(text, 'b.json');
  if (E.isRight(r)) throw new Error('expected problems');
  return (r.left as BaselineLoadError).problems.map((p) => `${p.path}: ${p.message}`);
}

const entryArb: fc.Arbitrary<FindingEntry | undefined> = fc.oneof(
  fc.constant(undefined),
  fc.record({ kind: fc.constant('nacl-entry' as const), aclId: fc.constantFrom('acl-1'), direction: fc.constantFrom('inbound' as const, 'outbound' as const), ruleNumber: fc.constantFrom(100, 32767) }),
  fc
    .record({ groupId: fc.constantFrom('sg-1'), direction: fc.constantFrom('inbound' as const), ruleId: fc.option(fc.constantFrom('sgr-1', 'sgr-2'), { nil: undefined }), index: fc.nat(1) })
    .map(({ ruleId, ...r }): FindingEntry => ({ kind: 'sg-rule', ...r, ...(ruleId !== undefined ? { ruleId } : {}) })),
  fc.record({ kind: fc.constant('route' as const), routeTableId: fc.constantFrom('rtb-1'), destination: fc.constantFrom('0.0.0.0/0', '10.0.0.0/8'), target: fc.constantFrom('nat-1', 'pcx-1') }),
);

/** Details: `case` is the one fact; a nested set and a JSON path are not facts (they vary freely). */
const detailsArb = fc.option(
  fc.record({ case: fc.option(fc.constantFrom('inbound-service', 'outbound-connection'), { nil: undefined }), requests: fc.array(fc.record({ sources: fc.array(fc.constantFrom('10.0.0.0/8', '0.0.0.0/0')) }), { maxLength: 2 }), jsonPath: fc.constantFrom('A[0]', 'A[1]') }),
  { nil: undefined },
);

const findingArb: fc.Arbitrary<Finding> = fc
  .record({ rule: fc.constantFrom(...RULE_IDS), resource: fc.constantFrom('acl-1', 'sg-1'), entry: entryArb, message: fc.string({ maxLength: 5 }), severity: fc.constantFrom('low' as const, 'high' as const), details: detailsArb })
  .map(({ entry, details, ...f }) => ({
    ...f,
    location: { file: 'x.json', jsonPath: '' },
    ...(entry !== undefined ? { entry } : {}),
    ...(details !== undefined ? { details: Object.fromEntries(Object.entries(details).filter(([, v]) => v !== undefined)) } : {}),
  }));

/** The oracle's facts: what tells findings of one identity apart (here only `case`). */
const factOf = (f: Finding): unknown => f.details?.['case'];

/** The oracle's identity: written out field by field, not through findingIdentity. */
function sameIdentity(a: { rule: string; resource: string; entry?: FindingEntry | undefined }, b: { rule: string; resource: string; entry?: FindingEntry | undefined }): boolean {
  if (a.rule !== b.rule || a.resource !== b.resource) return false;
  const x = a.entry;
  const y = b.entry;
  if (x === undefined || y === undefined) return x === y;
  if (x.kind === 'nacl-entry' && y.kind === 'nacl-entry') return x.aclId === y.aclId && x.direction === y.direction && x.ruleNumber === y.ruleNumber;
  if (x.kind === 'sg-rule' && y.kind === 'sg-rule') {
    if (x.groupId !== y.groupId || x.direction !== y.direction) return false;
    if (x.ruleId !== undefined || y.ruleId !== undefined) return x.ruleId === y.ruleId;
    return x.index === y.index;
  }
  if (x.kind === 'route' && y.kind === 'route') return x.routeTableId === y.routeTableId && x.destination === y.destination;
  return false;
}

function applyBaseline(findings: readonly Finding[], baseline: Baseline) {
  return applySuppressions(findings, { baseline, today: '2026-06-01', knownRules: RULE_IDS, rulesRun: RULE_IDS });
}

describe('renderBaseline / parseBaseline', () => {
  const fs: Finding[] = [
    { rule: 'sg-redundant-rule', severity: 'low', resource: 'sg-1', message: 'm1', location: { file: 'x', jsonPath: 'SecurityGroups[0]' }, entry: { kind: 'sg-rule', groupId: 'sg-1', direction: 'inbound', ruleId: 'sgr-1', index: 0 }, details: { big: [1, 2, 3] } },
    { rule: 'blackhole-route', severity: 'medium', resource: 'rtb-1', message: 'm2', location: { file: 'x', jsonPath: 'RouteTables[0]' } },
    { rule: 'blackhole-route', severity: 'medium', resource: 'rtb-1', message: 'm3', location: { file: 'x', jsonPath: 'RouteTables[0]' } },
    { rule: 'quota-near', severity: 'low', resource: 'vpc-1', message: 'm4', location: { file: 'x', jsonPath: '' }, suppressed: { kind: 'config', reason: 'r', file: '.vpcwhy.yaml', line: 2 } },
  ];

  it('writes a version, the findings sorted by identity with only rule, resource, entry (and count when above 1), leaving out what the config suppresses', () => {
    expect(JSON.parse(renderBaseline(fs))).toEqual({
      version: 1,
      tool: 'vpcwhy',
      findings: [
        { rule: 'blackhole-route', resource: 'rtb-1', count: 2 },
        { rule: 'sg-redundant-rule', resource: 'sg-1', entry: { kind: 'sg-rule', groupId: 'sg-1', direction: 'inbound', ruleId: 'sgr-1', index: 0 } },
      ],
    });
    expect(read(renderBaseline(fs)).entries).toEqual([
      { rule: 'blackhole-route', resource: 'rtb-1', count: 2 },
      { rule: 'sg-redundant-rule', resource: 'sg-1', entry: { kind: 'sg-rule', groupId: 'sg-1', direction: 'inbound', ruleId: 'sgr-1', index: 0 }, count: 1 },
    ]);
  });

  it('reads the output of audit --format json, leaving out the findings the config suppressed there', () => {
    const json = JSON.stringify({ findings: fs.map(({ details, ...f }) => ({ ...f, ...details })), summary: { findings: 3 } });
    expect(read(json).entries.map((e) => [e.rule, e.count])).toEqual([
      ['sg-redundant-rule', 1],
      ['blackhole-route', 1],
      ['blackhole-route', 1],
    ]);
  });

  it('names the JSON path and what was expected for bad input', () => {
    expect(problems('{')).toEqual([expect.stringMatching(/^: not valid JSON \(/) as unknown as string]);
    expect(problems('[]')).toEqual([': expected the output of `vpcwhy audit --format json` or of `vpcwhy audit --write-baseline`: an object with a findings array, got an array']);
    expect(problems('{"version": 2, "findings": []}')).toEqual(['version: expected baseline version 1 (this vpcwhy writes and reads 1), got 2']);
    expect(problems('{"findings": []}')).toEqual([': expected the output of `vpcwhy audit --format json` or of `vpcwhy audit --write-baseline`: a baseline has "version": 1, an audit output has a summary object']);
    expect(
      problems(
        JSON.stringify({
          version: 1,
          findings: [{ rule: 'r' }, { rule: 'r', resource: 'x', entry: { kind: 'nacl-entry', aclId: 'acl-1', direction: 'ingress', ruleNumber: 1.5 } }, { rule: 'r', resource: 'x', count: 0 }, { rule: 'r', resource: 'x', entry: { kind: 'eni' } }],
        }),
      ),
    ).toEqual([
      'findings[0].resource: expected a string, but the field is missing',
      'findings[1].entry.direction: expected "inbound" or "outbound", got "ingress"',
      'findings[1].entry.ruleNumber: expected a whole number, got 1.5',
      'findings[2].count: expected a whole number of at least 1, got 0',
      'findings[3].entry.kind: expected "nacl-entry", "sg-rule" or "route", got "eni"',
    ]);
  });

  it('formats one problem on one line, with the file', () => {
    const r = parseBaseline('{"version": 2, "findings": []}', 'base/findings.json');
    expect(E.isLeft(r) && formatBaselineLoadError(r.left)).toBe('--baseline: base/findings.json: version: expected baseline version 1 (this vpcwhy writes and reads 1), got 2');
  });
});

describe('baseline properties', () => {
  it('round trip: a baseline written from findings and read back covers every one of them, and nothing is left over', () => {
    fc.assert(
      fc.property(fc.array(findingArb, { maxLength: 12 }), (fs) => {
        const out = applyBaseline(fs, read(renderBaseline(fs)));
        expect(out.findings.every((f) => f.suppressed?.kind === 'baseline')).toBe(true);
        expect(out.warnings).toEqual([]);
      }),
      fcParams(200),
    );
  });

  it('the baseline text does not depend on the order or the messages of the findings', () => {
    fc.assert(
      fc.property(
        fc.array(findingArb, { maxLength: 12 }).chain((fs) => fc.tuple(fc.constant(fs), fc.shuffledSubarray(fs, { minLength: fs.length, maxLength: fs.length }))),
        ([fs, shuffled]) => {
          expect(renderBaseline(shuffled.map((f) => ({ ...f, message: 'reworded' })))).toBe(renderBaseline(fs));
        },
      ),
      fcParams(200),
    );
  });

  it('which findings are new: as a greedy oracle finds, same identity and facts first, then same identity (in order)', () => {
    const counts = { 'a finding matched by identity alone': 0, 'a new finding beside an old one of its identity': 0 };
    fc.assert(
      fc.property(fc.array(findingArb, { maxLength: 10 }), fc.array(findingArb, { maxLength: 10 }), (current, old) => {
        const marks = applyBaseline(current, read(renderBaseline(old))).findings.map((f) => f.suppressed !== undefined);
        const unused = [...old];
        const expected = current.map(() => false);
        const take = (i: number, same: (b: Finding) => boolean): void => {
          const j = unused.findIndex(same);
          if (j < 0) return;
          unused.splice(j, 1);
          expected[i] = true;
        };
        current.forEach((f, i) => {
          if (factOf(f) !== undefined) take(i, (b) => sameIdentity(b, f) && factOf(b) === factOf(f));
        });
        current.forEach((f, i) => {
          if (expected[i]) return;
          take(i, (b) => sameIdentity(b, f));
          if (expected[i] && factOf(f) !== undefined) counts['a finding matched by identity alone']++;
          if (!expected[i] && old.some((b) => sameIdentity(b, f))) counts['a new finding beside an old one of its identity']++;
        });
        expect(marks).toEqual(expected);
      }),
      fcParams(300),
    );
    expectCoverage(counts, 10);
  });

  it('globs match as a brute-force matcher does (* any run, ? one character, the rest literal)', () => {
    const brute = (p: string, t: string): boolean => {
      if (p === '') return t === '';
      if (p[0] === '*') return brute(p.slice(1), t) || (t !== '' && brute(p, t.slice(1)));
      if (t === '') return false;
      return (p[0] === '?' || p[0] === t[0]) && brute(p.slice(1), t.slice(1));
    };
    const chars = fc.constantFrom('a', 'b', '.', '[', ']', '-', '\\', '$');
    fc.assert(
      fc.property(fc.array(fc.oneof(chars, fc.constantFrom('*', '?')), { maxLength: 6 }), fc.array(chars, { maxLength: 6 }), (p, t) => {
        expect(globMatcher(p.join(''))(t.join(''))).toBe(brute(p.join(''), t.join('')));
      }),
      fcParams(500),
    );
  });
});
