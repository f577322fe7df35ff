import { describe, expect, it } from 'vitest';
import { eni, sg, sgRule, snapshotOf } from '../builders.js';
import { auditWith } from './support.js';

describe('unused-security-group', () => {
  const groups = [sg('sg-used', []), { ...sg('sg-idle', []), groupName: 'launch-wizard-3' }, { ...sg('sg-def', []), groupName: 'default' }, sg('sg-ref', [sgRule('sg-ref', 'inbound', 'tcp', 'sg-idle', { ports: [22, 22] })])];
  const enis = [eni('eni-1', 'subnet-1', ['10.0.1.5'], ['sg-used', 'sg-ref'])];

  it('reports a group no interface carries, with the groups that reference it (ref 4.1)', () => {
    const f = auditWith(snapshotOf({ securityGroups: groups, enis }), 'unused-security-group');
    expect(f.map((x) => [x.resource, x.details])).toEqual([['sg-idle', { groupName: 'launch-wizard-3', referencedBy: ['sg-ref'] }]]);
  });

  it('does not report a group in use, nor the default group (ref 8.20)', () => {
    expect(auditWith(snapshotOf({ securityGroups: [groups[0]!, groups[2]!], enis }), 'unused-security-group')).toEqual([]);
  });

  it('does not run on a snapshot without describe-network-interfaces (every group would look unused)', () => {
    const s = snapshotOf({ securityGroups: groups });
    expect(auditWith({ ...s, meta: { ...s.meta, sections: ['SecurityGroups'] } }, 'unused-security-group')).toEqual([]);
    expect(auditWith(s, 'unused-security-group')).toEqual([]);
    expect(auditWith({ ...s, meta: { ...s.meta, sections: ['SecurityGroups', 'NetworkInterfaces'] } }, 'unused-security-group').map((x) => x.resource)).toEqual(['sg-idle', 'sg-ref', 'sg-used']);
  });
});
