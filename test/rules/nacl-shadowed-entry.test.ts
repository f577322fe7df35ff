import { describe, expect, it } from 'vitest';
import { nacl, naclEntry as e, snapshotOf, subnet, vpc } from '../builders.js';
import { auditWith } from './support.js';

const run = (...entries: ReturnType<typeof e>[]) => auditWith(snapshotOf({ vpcs: [vpc('vpc-1', ['10.0.0.0/16'])], subnets: [subnet('subnet-1', '10.0.1.0/24')], networkAcls: [nacl('acl-1', entries, ['subnet-1'])] }), 'nacl-shadowed-entry');

describe('nacl-shadowed-entry', () => {
  it('reports a deny after an allow that covers it, high, naming the covering entry (ref 5.1)', () => {
    const f = run(e(100, 'allow', 'inbound', 'tcp', '0.0.0.0/0', { ports: [0, 65535] }), e(200, 'deny', 'inbound', 'tcp', '203.0.113.0/24', { ports: [22, 22] }));
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ rule: 'nacl-shadowed-entry', severity: 'high', resource: 'acl-1', entry: { kind: 'nacl-entry', aclId: 'acl-1', direction: 'inbound', ruleNumber: 200 } });
    expect(f[0]!.details).toMatchObject({ family: 4, coveredBy: [{ ruleNumber: 100, action: 'allow' }] });
    expect(f[0]!.message).toContain('meant to deny is allowed');
  });

  it('names every covering entry when several together cover it (ref 5.1)', () => {
    const f = run(e(100, 'allow', 'inbound', 'tcp', '0.0.0.0/1', { ports: [0, 65535] }), e(110, 'allow', 'inbound', 'tcp', '128.0.0.0/1', { ports: [0, 65535] }), e(120, 'deny', 'inbound', 'tcp', '0.0.0.0/0', { ports: [22, 22] }));
    expect(f.map((x) => (x.details as { coveredBy: { ruleNumber: number }[] }).coveredBy.map((c) => c.ruleNumber))).toEqual([[100, 110]]);
  });

  it('reports an allow after a deny that covers it as medium, redundancy as low (ref 5.1)', () => {
    expect(run(e(100, 'deny', 'outbound', '-1', '0.0.0.0/0'), e(200, 'allow', 'outbound', 'tcp', '0.0.0.0/0', { ports: [443, 443] })).map((x) => [x.severity, x.entry])).toEqual([
      ['medium', { kind: 'nacl-entry', aclId: 'acl-1', direction: 'outbound', ruleNumber: 200 }],
    ]);
    expect(run(e(100, 'allow', 'inbound', 'tcp', '0.0.0.0/0', { ports: [0, 65535] }), e(110, 'allow', 'inbound', 'tcp', '10.0.0.0/8', { ports: [443, 443] })).map((x) => x.severity)).toEqual(['low']);
  });

  it('does not report a deny only partly covered by an allow: it decides the rest (ref 5.1)', () => {
    expect(run(e(100, 'allow', 'inbound', 'tcp', '10.0.0.0/16', { ports: [22, 22] }), e(200, 'deny', 'inbound', 'tcp', '10.0.0.0/8', { ports: [22, 22] }))).toEqual([]);
  });

  it('does not report entries of different families or protocols, nor the * rules (ref 5.1, 5.2, 8.13)', () => {
    expect(run(e(100, 'allow', 'inbound', '-1', '0.0.0.0/0'), e(101, 'allow', 'inbound', '-1', '::/0'), e(32767, 'deny', 'inbound', '-1', '0.0.0.0/0'), e(32768, 'deny', 'inbound', '-1', '::/0'))).toEqual([]);
    expect(run(e(100, 'allow', 'inbound', 'tcp', '0.0.0.0/0', { ports: [0, 65535] }), e(200, 'deny', 'inbound', '-1', '0.0.0.0/0'))).toEqual([]);
    expect(run(e(100, 'allow', 'inbound', 'icmp', '0.0.0.0/0', { icmp: [8, 0] }), e(110, 'deny', 'inbound', 'icmp', '0.0.0.0/0', { icmp: [-1, -1] }))).toEqual([]);
  });

  it('never judges traffic NACLs do not filter: a deny of Amazon DNS after an allow-all is not reported (ref 3)', () => {
    expect(run(e(100, 'allow', 'outbound', '-1', '0.0.0.0/0'), e(110, 'deny', 'outbound', 'udp', '169.254.169.253/32', { ports: [53, 53] }), e(120, 'deny', 'outbound', 'udp', '10.0.0.2/32', { ports: [53, 53] }))).toEqual([]);
  });
});
