import { describe, expect, it } from 'vitest';
import { ExplainSummary } from '../../src/explain/summary.js';

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
    expect(j.verdicts).toEqual({ blocked: 4, 'config-allows': 0, 'unknown-interface': 0, ambiguous: 1 });
    expect(j.blockingRules.map((g) => [g.blockedBy, g.count])).toEqual([
      [{ component: 'network-acl', id: 'acl-1', direction: 'inbound', rule: 100 }, 2],
      [{ component: 'network-acl', id: 'acl-1', direction: 'inbound', rule: 200 }, 2],
    ]);
    expect(j.blockingRules[0]!.topSources).toEqual([{ address: '10.0.0.1', count: 1 }, { address: '10.0.0.9', count: 1 }]);
    expect(j.blockingRules[1]!.topDestinationPorts).toEqual([{ port: 22, count: 1 }, { port: 80, count: 1 }]);
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
