import { describe, expect, it } from 'vitest';
import { sg, sgRule, snapshotOf } from '../builders.js';
import { auditWith } from './support.js';

describe('default-security-group-has-rules', () => {
  it('reports each rule of a default group, as AWS creates them (ref 8.20)', () => {
    const def = { ...sg('sg-def', [sgRule('sg-def', 'inbound', '-1', 'sg-def', { ruleId: 'sgr-self' }), sgRule('sg-def', 'outbound', '-1', '0.0.0.0/0')]), groupName: 'default' };
    const f = auditWith(snapshotOf({ securityGroups: [def] }), 'default-security-group-has-rules');
    expect(f.map((x) => [x.severity, x.entry])).toEqual(
      expect.arrayContaining([
        ['medium', { kind: 'sg-rule', groupId: 'sg-def', direction: 'inbound', ruleId: 'sgr-self', index: 0 }],
        ['medium', { kind: 'sg-rule', groupId: 'sg-def', direction: 'outbound', index: 0 }],
      ]),
    );
    expect(f).toHaveLength(2);
    expect(f.map((x) => x.message)).toContainEqual(expect.stringContaining('inbound all traffic from sg-def'));
  });

  it('does not report a default group without rules', () => {
    expect(auditWith(snapshotOf({ securityGroups: [{ ...sg('sg-def', []), groupName: 'default' }] }), 'default-security-group-has-rules')).toEqual([]);
  });

  it('does not report a group whose name only starts with "default"', () => {
    const g = { ...sg('sg-web', [sgRule('sg-web', 'inbound', 'tcp', '0.0.0.0/0', { ports: [443, 443] })]), groupName: 'default-web' };
    expect(auditWith(snapshotOf({ securityGroups: [g] }), 'default-security-group-has-rules')).toEqual([]);
  });
});
