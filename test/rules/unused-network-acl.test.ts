import { describe, expect, it } from 'vitest';
import { nacl, naclEntry, snapshotOf } from '../builders.js';
import { auditWith } from './support.js';

describe('unused-network-acl', () => {
  it('reports a custom NACL associated with no subnet (ref 5.1)', () => {
    const f = auditWith(snapshotOf({ networkAcls: [nacl('acl-idle', [naclEntry(100, 'allow', 'inbound', '-1', '0.0.0.0/0')])] }), 'unused-network-acl');
    expect(f.map((x) => [x.resource, x.severity, x.details])).toEqual([['acl-idle', 'low', { vpcId: 'vpc-1' }]]);
  });

  it('does not report a NACL with a subnet', () => {
    expect(auditWith(snapshotOf({ networkAcls: [nacl('acl-1', [], ['subnet-1'])] }), 'unused-network-acl')).toEqual([]);
  });

  it('does not report the default NACL without explicit associations: it serves unassociated subnets (ref 5.1)', () => {
    expect(auditWith(snapshotOf({ networkAcls: [nacl('acl-default', [], [], 'vpc-1', true)] }), 'unused-network-acl')).toEqual([]);
  });
});
