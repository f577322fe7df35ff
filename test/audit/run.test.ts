import { describe, expect, it } from 'vitest';
import { indexSnapshot } from '../../src/engine/snapshot-index.js';
import { defineRule } from '../../src/audit/rule-api.js';
import { AuditUsageError, runAudit, runAuditWith } from '../../src/audit/run.js';
import { RULES } from '../../rules/index.js';
import { nacl, route, routeTable, sg, snapshotOf } from '../builders.js';

const index = indexSnapshot(
  snapshotOf({
    securityGroups: [sg('sg-1', [])],
    networkAcls: [nacl('acl-b', []), nacl('acl-a', [])],
    routeTables: [routeTable('rtb-1', [route('0.0.0.0/0', 'nat-gone', 'blackhole')], { subnetIds: ['subnet-1'] })],
  }),
);

describe('runAudit', () => {
  it('runs every rule of the catalogue by default and sorts findings: severity, rule, resource', () => {
    const r = runAudit(index);
    expect(r.summary.rulesRun).toEqual(RULES.map((x) => x.meta.id));
    expect(r.findings.map((f) => [f.severity, f.rule, f.resource])).toEqual([
      ['medium', 'blackhole-route', 'rtb-1'],
      ['low', 'unused-network-acl', 'acl-a'],
      ['low', 'unused-network-acl', 'acl-b'],
    ]);
    expect(r.summary).toMatchObject({ findings: 3, bySeverity: { critical: 0, high: 0, medium: 1, low: 2 }, resourcesAudited: { securityGroups: 1, networkAcls: 2, routeTables: 1 } });
  });

  it('runs only the rules asked for, in catalogue order', () => {
    expect(runAudit(index, { rules: ['unused-network-acl', 'blackhole-route'] }).summary.rulesRun).toEqual(['unused-network-acl', 'blackhole-route']);
  });

  it('rejects unknown rule ids and options as usage errors', () => {
    expect(() => runAudit(index, { rules: ['nope'] })).toThrow(AuditUsageError);
    expect(() => runAudit(index, { options: { 'quota-near': { nope: 1 } } })).toThrow(/no option "nope"/);
    expect(() => runAudit(index, { options: { 'quota-near': { sgRuleThreshold: 'ten' } } })).toThrow(/expected a number/);
    expect(() => runAudit(index, { options: { nope: {} } })).toThrow(AuditUsageError);
  });

  it('keeps the order rules reported findings equal in every sort key (stable)', () => {
    const rule = defineRule({
      meta: { id: 'twice', title: 'reports twice', severity: 'low', rationale: 'a test rule that reports twice', reference: 'ref 5.1' },
      check(ctx) {
        ctx.report({ resource: 'r', message: 'm', location: { file: 'f', path: 'p' }, details: { n: 1 } });
        ctx.report({ resource: 'r', message: 'm', location: { file: 'f', path: 'p' }, details: { n: 2 } });
      },
    });
    expect(runAuditWith([rule], index).findings.map((f) => f.details)).toEqual([{ n: 1 }, { n: 2 }]);
  });

  it('refuses details that would overwrite the fixed fields of a JSON finding', () => {
    const rule = defineRule({
      meta: { id: 'bad', title: 'bad details', severity: 'low', rationale: 'a test rule with bad details', reference: 'ref 5.1' },
      check(ctx) {
        ctx.report({ resource: 'r', message: 'm', location: { file: 'f', path: 'p' }, details: { severity: 'x' } });
      },
    });
    expect(() => runAuditWith([rule], index)).toThrow(/may not use the key "severity"/);
  });
});
