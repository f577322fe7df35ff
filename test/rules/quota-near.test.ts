import { describe, expect, it } from 'vitest';
import { nacl, naclEntry, prefixList, sg, sgRule, snapshotOf } from '../builders.js';
import { auditWith } from './support.js';

const rules = (n: number, family: 4 | 6 = 4) =>
  Array.from({ length: n }, (_, i) => sgRule('sg-1', 'inbound', 'tcp', family === 4 ? `198.51.${Math.floor(i / 250)}.${i % 250}/32` : `2001:db8::${i.toString(16)}/128`, { ports: [22, 22] }));
const entries = (n: number) => Array.from({ length: n }, (_, i) => naclEntry(100 + i, 'allow', 'inbound', 'tcp', `198.51.100.${i}/32`, { ports: [22, 22] }));

describe('quota-near', () => {
  it('reports a group with 50 inbound IPv4 rules as low, 60 as medium (ref 4.1)', () => {
    expect(auditWith(snapshotOf({ securityGroups: [sg('sg-1', rules(50))] }), 'quota-near').map((x) => [x.severity, x.details])).toEqual([['low', { direction: 'inbound', family: 4, count: 50, quota: 60 }]]);
    expect(auditWith(snapshotOf({ securityGroups: [sg('sg-1', rules(60))] }), 'quota-near').map((x) => x.severity)).toEqual(['medium']);
  });

  it('reports NACL entries near 20 per direction and family, the * rules not counted (ref 5.1)', () => {
    expect(auditWith(snapshotOf({ networkAcls: [nacl('acl-1', entries(18))] }), 'quota-near').map((x) => [x.severity, x.resource])).toEqual([['low', 'acl-1']]);
    expect(auditWith(snapshotOf({ networkAcls: [nacl('acl-1', [...entries(17), naclEntry(32767, 'deny', 'inbound', '-1', '0.0.0.0/0')])] }), 'quota-near')).toEqual([]);
  });

  it('counts each family on its own: 30 IPv4 and 30 IPv6 rules are far from 60 (ref 4.1, 8.13)', () => {
    expect(auditWith(snapshotOf({ securityGroups: [sg('sg-1', [...rules(30), ...rules(30, 6)])] }), 'quota-near')).toEqual([]);
  });

  it('counts a prefix list as its entries, and takes thresholds as options (ref 4.1)', () => {
    const pl = prefixList('pl-1', Array.from({ length: 45 }, (_, i) => `203.0.113.${i}/32`));
    const s = snapshotOf({ securityGroups: [sg('sg-1', [...rules(5), sgRule('sg-1', 'inbound', 'tcp', 'pl-1', { ports: [443, 443] })])], prefixLists: [pl] });
    expect(auditWith(s, 'quota-near').map((x) => (x.details as { count: number }).count)).toEqual([50]);
    expect(auditWith(s, 'quota-near', { sgRuleThreshold: 55 })).toEqual([]);
  });
});
