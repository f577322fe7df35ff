import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ExplainSummary, TopCounter } from '../../src/explain/summary.js';
import { fcParams } from '../arbitraries/fc-params.js';


const blocked = (rule: number) => ({
  verdict: 'blocked' as const,
  ruleKey: `network-acl acl-1 inbound ${rule}`,
  ruleLabel: `network ACL acl-1: inbound rule ${rule}`,
  blockedBy: { component: 'network-acl' as const, id: 'acl-1', direction: 'inbound' as const, rule },
});

describe('ExplainSummary', () => {
  it('groups blocked records by rule, most frequent first, ties in rule-key order whatever the arrival order', () => {
    const s = new ExplainSummary();
    for (const [rule, src, port] of [[200, '10.0.0.2', 22], [100, '10.0.0.9', 443], [100, '10.0.0.1', 443], [200, '10.0.0.1', 80]] as const) {
      s.addExplained(blocked(rule), src, port);
    }
    s.addExplained({ verdict: 'ambiguous', ruleKey: null, ruleLabel: null, blockedBy: null }, '10.0.0.3', 1);
    const j = s.toJson();
    expect(j.verdicts).toEqual({ blocked: 4, 'config-denies': 0, 'config-allows': 0, 'unknown-interface': 0, ambiguous: 1 });
    expect(j.blockingRules.map((g) => [g.blockedBy, g.count])).toEqual([
      [{ component: 'network-acl', id: 'acl-1', direction: 'inbound', rule: 100 }, 2],
      [{ component: 'network-acl', id: 'acl-1', direction: 'inbound', rule: 200 }, 2],
    ]);
    expect(j.blockingRules[0]!.topSources).toEqual([{ address: '10.0.0.1', count: 1 }, { address: '10.0.0.9', count: 1 }]);
    expect(j.blockingRules[1]!.topDestinationPorts).toEqual([{ port: 22, count: 1 }, { port: 80, count: 1 }]);
  });
});

describe('ExplainSummary sources', () => {
  it('counts an IPv4 source given as its number (as the explainer gives it) and as its text as one source, written as text; other texts as they are', () => {
    const s = new ExplainSummary();
    s.addExplained(blocked(100), (198 << 24 >>> 0) + (51 << 16) + (100 << 8) + 7, 22);
    s.addExplained(blocked(100), '198.51.100.7', 22);
    s.addExplained(blocked(100), '2001:DB8::1', 22);
    s.addExplained(blocked(100), '10.0.0.1', 22);
    expect(s.toJson().blockingRules[0]!.topSources).toEqual([
      { address: '198.51.100.7', count: 2 },
      { address: '10.0.0.1', count: 1 },
      { address: '2001:DB8::1', count: 1 },
    ]);
  });
});

describe('ExplainSummary with --all', () => {
  it('does not count ACCEPT records under the blocking rules, though their verdict is counted', async () => {
    const { ExplainSummary } = await import('../../src/explain/summary.js');
    const s = new ExplainSummary();
    const blocked = { verdict: 'blocked' as const, ruleKey: 'k', blockedBy: { component: 'security-group' as const, ids: ['sg-1'], direction: 'inbound' as const }, ruleLabel: 'sg-1' };
    s.addExplained(blocked, '10.0.0.1', 22, true);
    s.addExplained(blocked, '10.0.0.2', 22);
    expect(s.verdicts.blocked).toBe(2);
    expect(s.toJson().blockingRules.map((g) => g.count)).toEqual([1]);
  });
});

describe('TopCounter (Space-Saving): top sources and ports of a rule in bounded memory', () => {
  const exact = (xs: number[]) => {
    const m = new Map<number, number>();
    for (const x of xs) m.set(x, (m.get(x) ?? 0) + 1);
    return m;
  };

  it('is exact while the distinct values fit (fast-check, against counting every value)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 15 }), { maxLength: 300 }), (xs) => {
        const t = new TopCounter<number>(16);
        for (const x of xs) t.add(x);
        const want = [...exact(xs).entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, 5);
        expect(t.top(5)).toEqual(want);
      }),
      fcParams(200),
    );
  });

  it('reports certain counts only, keeps every true count within the bounds Space-Saving guarantees, and tracks every value seen more than N/capacity times, however late it first comes (fast-check)', () => {
    // Uniform values, and skewed ones (a few heavy hitters among many rare values: what makes a wrong
    // eviction, of anything but the least counted, show).
    const values = fc.oneof(fc.array(fc.integer({ min: 0, max: 60 }), { maxLength: 800 }), fc.array(fc.oneof({ arbitrary: fc.integer({ min: 0, max: 3 }), weight: 1 }, { arbitrary: fc.integer({ min: 4, max: 400 }), weight: 2 }), { maxLength: 800 }));
    fc.assert(
      fc.property(values, fc.integer({ min: 1, max: 24 }), (xs, capacity) => {
        const t = new TopCounter<number>(capacity);
        for (const x of xs) t.add(x);
        const reported = new Map(t.top(capacity));
        for (const [k, c] of exact(xs)) {
          const [lo, hi] = t.bounds(k)!;
          expect(lo).toBeLessThanOrEqual(c);
          expect(c).toBeLessThanOrEqual(hi);
          if (reported.has(k)) expect(reported.get(k)).toBe(lo);
          if (c > xs.length / capacity) expect(reported.has(k)).toBe(true);
        }
      }),
      fcParams(400),
    );
  });

  it('evicts only the least counted value: a value counted again moves down the heap to its place', () => {
    // a, b, c fill the slots; d takes a's and b moves to the root; b again (count 2) must sink below c
    // (count 1), or e would take b's slot and b's true count (2) would exceed the bound for untracked values.
    const t = new TopCounter<string>(3);
    for (const k of ['a', 'b', 'c', 'd', 'b', 'e']) t.add(k);
    expect(t.bounds('b')).toEqual([2, 2]);
    expect(t.bounds('d')).toEqual([1, 2]);
    expect(t.bounds('e')).toEqual([1, 2]);
    expect(t.bounds('c')).toEqual([0, 2]);
  });

  it('reports a scanner that starts after 1,000 other sources (the old counter stopped tracking new ones)', () => {
    const s = new ExplainSummary();
    for (let i = 0; i < 5000; i++) s.addExplained(blocked(32767), `198.51.${(i >> 8) & 255}.${i & 255}`, 22);
    for (let i = 0; i < 300; i++) s.addExplained(blocked(32767), '203.0.113.66', 1000 + i);
    const top = s.toJson().blockingRules[0]!.topSources![0]!;
    expect(top.address).toBe('203.0.113.66');
    expect(top.count).toBeGreaterThan(250);
    expect(top.count).toBeLessThanOrEqual(300);
  });
});
