import { describe, expect, it } from 'vitest';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { E } from '../../src/fp.js';
import { loadSnapshot } from '../../src/aws/load-snapshot.js';
import { nacl, naclEntry as e, snapshotOf } from '../builders.js';
import { auditWith } from './support.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/audit/duplicate-rule-number/network-acls.json', import.meta.url));

describe('nacl-duplicate-rule-number', () => {
  it('reports the second inbound entry numbered 100, as the decoder keeps both (ref 5.5)', async () => {
    const r = await loadSnapshot([FIXTURE])();
    if (E.isLeft(r)) expect.fail('fixture did not load');
    expect(r.right.networkAcls[0]!.entries.filter((x) => x.ruleNumber === 100 && x.direction === 'inbound')).toHaveLength(2);
    const f = auditWith(r.right, 'nacl-duplicate-rule-number');
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({
      severity: 'medium',
      resource: 'acl-0dup',
      location: { file: path.normalize(FIXTURE), jsonPath: 'NetworkAcls[0].Entries[1]' },
      entry: { kind: 'nacl-entry', aclId: 'acl-0dup', direction: 'inbound', ruleNumber: 100 },
    });
  });

  it('does not report one number used inbound and outbound (ref 5.1)', () => {
    expect(auditWith(snapshotOf({ networkAcls: [nacl('acl-1', [e(100, 'allow', 'inbound', '-1', '0.0.0.0/0'), e(100, 'allow', 'outbound', '-1', '0.0.0.0/0')])] }), 'nacl-duplicate-rule-number')).toEqual([]);
  });

  it('does not report the default NACL: 100 and 101, the * rules 32767 and 32768 (ref 5.1)', () => {
    const entries = ['inbound', 'outbound'].flatMap((d) => [
      e(100, 'allow', d as 'inbound', '-1', '0.0.0.0/0'),
      e(101, 'allow', d as 'inbound', '-1', '::/0'),
      e(32767, 'deny', d as 'inbound', '-1', '0.0.0.0/0'),
      e(32768, 'deny', d as 'inbound', '-1', '::/0'),
    ]);
    expect(auditWith(snapshotOf({ networkAcls: [nacl('acl-1', entries, [], 'vpc-1', true)] }), 'nacl-duplicate-rule-number')).toEqual([]);
  });
});
