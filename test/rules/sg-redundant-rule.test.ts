import { describe, expect, it } from 'vitest';
import type { SgRule } from '../../src/model/snapshot.js';
import { eni, prefixList, sg, sgRule as r, snapshotOf } from '../builders.js';
import { auditWith } from './support.js';

const run = (rules: SgRule[], extra: Parameters<typeof snapshotOf>[0] = {}) => auditWith(snapshotOf({ securityGroups: [sg('sg-1', rules)], ...extra }), 'sg-redundant-rule');

describe('sg-redundant-rule', () => {
  it('reports SSH from an office range when the group allows all TCP from everywhere (ref 4.1)', () => {
    const f = run([r('sg-1', 'inbound', 'tcp', '198.51.100.0/24', { ports: [22, 22], ruleId: 'sgr-narrow' }), r('sg-1', 'inbound', 'tcp', '0.0.0.0/0', { ports: [0, 65535], ruleId: 'sgr-wide' })]);
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({
      severity: 'low',
      resource: 'sg-1',
      entry: { kind: 'sg-rule', groupId: 'sg-1', direction: 'inbound', ruleId: 'sgr-narrow', index: 0 },
      details: { impliedBy: { kind: 'sg-rule', ruleId: 'sgr-wide', index: 1 } },
    });
  });

  it('reports the later of two equal rules only, and ICMP echo under all ICMP (ref 4.2)', () => {
    expect(run([r('sg-1', 'outbound', 'udp', '10.0.0.0/8', { ports: [53, 53] }), r('sg-1', 'outbound', 'udp', '10.0.0.0/8', { ports: [53, 53] })]).map((x) => x.entry)).toEqual([
      { kind: 'sg-rule', groupId: 'sg-1', direction: 'outbound', index: 1 },
    ]);
    expect(run([r('sg-1', 'inbound', 'icmp', '0.0.0.0/0', { icmp: [8, -1] }), r('sg-1', 'inbound', 'icmp', '0.0.0.0/0', { icmp: [-1, -1] })]).map((x) => x.entry)).toEqual([
      { kind: 'sg-rule', groupId: 'sg-1', direction: 'inbound', index: 0 },
    ]);
  });

  it('does not report rules that differ in protocol, family, direction or group (ref 4.1, 8.13)', () => {
    expect(run([r('sg-1', 'inbound', 'tcp', '10.0.0.0/8', { ports: [22, 22] }), r('sg-1', 'inbound', 'udp', '0.0.0.0/0', { ports: [0, 65535] })])).toEqual([]);
    expect(run([r('sg-1', 'inbound', 'tcp', '::/0', { ports: [22, 22] }), r('sg-1', 'inbound', '-1', '0.0.0.0/0')])).toEqual([]);
    expect(run([r('sg-1', 'inbound', 'tcp', '10.0.0.0/8', { ports: [22, 22] }), r('sg-1', 'outbound', '-1', '0.0.0.0/0')])).toEqual([]);
    const two = snapshotOf({ securityGroups: [sg('sg-1', [r('sg-1', 'inbound', 'tcp', '10.0.0.0/8', { ports: [22, 22] })]), sg('sg-2', [r('sg-2', 'inbound', '-1', '0.0.0.0/0')])] });
    expect(auditWith(two, 'sg-redundant-rule')).toEqual([]);
  });

  it('does not call a group or prefix-list rule implied by a CIDR that holds today\'s members (ref 4.2, 6.5)', () => {
    const rules = [r('sg-1', 'inbound', 'tcp', 'sg-app', { ports: [5432, 5432] }), r('sg-1', 'inbound', 'tcp', 'pl-office', { ports: [22, 22] }), r('sg-1', 'inbound', '-1', '10.0.0.0/8')];
    expect(run(rules, { enis: [eni('eni-1', 'subnet-1', ['10.0.1.5'], ['sg-app'])], prefixLists: [prefixList('pl-office', ['10.1.0.0/16'])] })).toEqual([]);
    // An empty referenced group matches nothing today, and is still not "implied".
    expect(run([r('sg-1', 'inbound', 'tcp', 'sg-empty', { ports: [22, 22] }), r('sg-1', 'inbound', '-1', '0.0.0.0/0')])).toEqual([]);
    // The same group peer with a wider port range does imply it.
    expect(run([r('sg-1', 'inbound', 'tcp', 'sg-app', { ports: [5432, 5432] }), r('sg-1', 'inbound', 'tcp', 'sg-app', { ports: [0, 65535] })]).map((x) => x.entry)).toEqual([
      { kind: 'sg-rule', groupId: 'sg-1', direction: 'inbound', index: 0 },
    ]);
  });
});
