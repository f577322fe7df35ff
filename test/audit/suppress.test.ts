/** Suppressions and baselines (issue 21): matching, expiry against an injected date, warnings, baseline identity. */
import { describe, expect, it } from 'vitest';
import { RULES } from '../../rules/index.js';
import { runAudit } from '../../src/audit/run.js';
import type { Finding, FindingEntry } from '../../src/audit/rule-api.js';
import { type Suppression, type SuppressInput, applySuppressions, factsHash, findingIdentity, globMatcher, locationResource, resourceNames } from '../../src/audit/suppress.js';
import { indexSnapshot } from '../../src/engine/snapshot-index.js';
import { E } from '../../src/fp.js';
import { loadSnapshotWithPlan } from '../../src/iac/load.js';

const KNOWN = RULES.map((r) => r.meta.id);

function finding(rule: string, resource: string, entry?: FindingEntry, over: Partial<Finding> = {}): Finding {
  return { rule, severity: 'high', resource, message: `${rule} on ${resource}`, location: { file: 'snap/x.json', jsonPath: 'NetworkAcls[0]' }, ...(entry ? { entry } : {}), ...over };
}

const naclEntry = (aclId: string, ruleNumber: number, direction: 'inbound' | 'outbound' = 'inbound'): FindingEntry => ({ kind: 'nacl-entry', aclId, direction, ruleNumber });

function sup(s: Partial<Suppression> & Pick<Suppression, 'rule' | 'resource'>): Suppression {
  return { reason: 'accepted', line: 2, ...s };
}

function apply(findings: Finding[], suppressions: Suppression[], today = '2026-06-01', extra: Partial<SuppressInput> = {}) {
  return applySuppressions(findings, { config: { file: '.vpcwhy.yaml', suppressions }, today, knownRules: KNOWN, rulesRun: KNOWN, ...extra });
}

describe('suppression matching', () => {
  it('globs: * is any run of characters, ? one, brackets and dots are literal (Terraform indexes)', () => {
    expect(globMatcher('sg-0web*')('sg-0web000000000001')).toBe(true);
    expect(globMatcher('sg-0web*')('sg-0app000000000002')).toBe(false);
    expect(globMatcher('nacl-*-entry')('nacl-shadowed-entry')).toBe(true);
    expect(globMatcher('acl-?')('acl-1')).toBe(true);
    expect(globMatcher('acl-?')('acl-12')).toBe(false);
    expect(globMatcher('aws_instance.web[0]')('aws_instance.web[0]')).toBe(true);
    expect(globMatcher('aws_instance.web[0]')('aws_instance.web0')).toBe(false);
    expect(globMatcher('a.b')('axb')).toBe(false);
    expect(globMatcher('*')('')).toBe(true);
  });

  it('suppresses a finding by rule glob and resource glob, with the reason and the line', () => {
    const fs = [finding('sg-redundant-rule', 'sg-0web1'), finding('sg-redundant-rule', 'sg-0app1'), finding('blackhole-route', 'sg-0web1')];
    const out = apply(fs, [sup({ rule: 'sg-redundant-*', resource: 'sg-0web*', reason: 'legacy, ticket NET-12', line: 3 })]);
    expect(out.findings.map((f) => f.suppressed ?? null)).toEqual([{ kind: 'config', reason: 'legacy, ticket NET-12', file: '.vpcwhy.yaml', line: 3 }, null, null]);
    expect(out.warnings).toEqual([]);
  });

  it('narrows to one entry by its fields (number fields equal, string fields globbed); no entry matches no entry pattern', () => {
    const fs = [finding('nacl-shadowed-entry', 'acl-1', naclEntry('acl-1', 100)), finding('nacl-shadowed-entry', 'acl-1', naclEntry('acl-1', 110)), finding('nacl-shadowed-entry', 'acl-1')];
    const out = apply(fs, [sup({ rule: 'nacl-shadowed-entry', resource: 'acl-1', entry: { direction: 'in*', ruleNumber: 110 } })]);
    expect(out.findings.map((f) => f.suppressed !== undefined)).toEqual([false, true, false]);
  });

  it('holds through its expiry day and reports the finding again the day after, with a warning', () => {
    const fs = [finding('blackhole-route', 'rtb-1')];
    const s = sup({ rule: 'blackhole-route', resource: 'rtb-1', expires: '2027-01-31', line: 7 });
    const onTheDay = apply(fs, [s], '2027-01-31');
    expect(onTheDay.findings[0]!.suppressed).toEqual({ kind: 'config', reason: 'accepted', file: '.vpcwhy.yaml', line: 7, expires: '2027-01-31' });
    expect(onTheDay.warnings).toEqual([]);
    const after = apply(fs, [s], '2027-02-01');
    expect(after.findings[0]!.suppressed).toBeUndefined();
    expect(after.warnings).toEqual([{ file: '.vpcwhy.yaml', line: 7, message: 'suppression of blackhole-route on rtb-1 expired on 2027-01-31: 1 finding it matches is reported again' }]);
  });

  it('suppresses forever without an expiry', () => {
    expect(apply([finding('blackhole-route', 'rtb-1')], [sup({ rule: 'blackhole-route', resource: '*' })], '2999-12-31').findings[0]!.suppressed?.kind).toBe('config');
  });

  it('warns, never fails, about a stale suppression and about a rule glob that names no rule', () => {
    const out = apply([finding('blackhole-route', 'rtb-1')], [sup({ rule: 'sg-redundant-rule', resource: 'sg-9', line: 4 }), sup({ rule: 'sg-redundent-rule', resource: 'sg-9', line: 8 })]);
    expect(out.findings[0]!.suppressed).toBeUndefined();
    expect(out.warnings.map((w) => [w.line, w.message.replace(/ \(known: .*/, '')])).toEqual([
      [4, 'suppression of sg-redundant-rule on sg-9 matches no finding (stale): remove it or correct the pattern'],
      [8, 'suppression of sg-redundent-rule on sg-9: no rule id matches "sg-redundent-rule"'],
    ]);
  });

  it('does not call a suppression stale when its rule did not run (--rules)', () => {
    const out = apply([], [sup({ rule: 'sg-redundant-rule', resource: 'sg-9' })], '2026-06-01', { rulesRun: ['blackhole-route'] });
    expect(out.warnings).toEqual([]);
  });

  it('matches the Terraform address or CloudFormation logical id a location names, besides the resource id', () => {
    expect(locationResource('aws_vpc_security_group_ingress_rule.web_8443')).toBe('aws_vpc_security_group_ingress_rule.web_8443');
    expect(locationResource('module.net[0].aws_security_group.web["a.b"].ingress[0].cidr_blocks[1]')).toBe('module.net[0].aws_security_group.web["a.b"]');
    expect(locationResource('Resources.WebSG.Properties.SecurityGroupIngress[0]')).toBe('WebSG');
    expect(locationResource('NetworkAcls[2].Entries[5]')).toBeUndefined();
    expect(locationResource('')).toBeUndefined();
    expect(resourceNames(finding('r', 'aws_security_group.admin', undefined, { location: { file: 'plan.json', jsonPath: 'aws_security_group.admin' } }))).toEqual(['aws_security_group.admin']);
  });

  it('suppresses a finding of a Terraform plan by the address of the planned rule (examples/three-tier/plan.json)', async () => {
    const loaded = await loadSnapshotWithPlan([], 'examples/three-tier/plan.json')();
    if (E.isLeft(loaded)) throw new Error('plan did not load');
    const index = indexSnapshot(loaded.right.snapshot);
    const plain = runAudit(index, { rules: ['unused-security-group'] });
    const f = plain.findings.find((x) => x.rule === 'unused-security-group')!;
    // The planned ingress rule adds to sg-0web... (not in the plan): the group keeps its AWS id, the address is the location.
    expect(f).toMatchObject({ resource: 'sg-0web000000000001', location: { jsonPath: 'aws_vpc_security_group_ingress_rule.web_8443' } });
    const config = (resource: string) => ({ config: { file: '.vpcwhy.yaml', suppressions: [sup({ rule: 'unused-security-group', resource })] }, today: '2026-06-01' });
    const byAddress = runAudit(index, { rules: ['unused-security-group'], suppress: config('aws_vpc_security_group_ingress_rule.*') });
    expect(byAddress.findings.find((x) => x.resource === f.resource)!.suppressed?.kind).toBe('config');
    expect(byAddress.summary).toMatchObject({ findings: plain.summary.findings - 1, suppressed: { config: 1, baseline: 0 } });
    expect(byAddress.suppressionWarnings).toEqual([]);
    const otherAddress = runAudit(index, { rules: ['unused-security-group'], suppress: config('aws_security_group.*') });
    expect(otherAddress.findings.find((x) => x.resource === f.resource)!.suppressed).toBeUndefined();
  });
});

describe('baselines', () => {
  const base = (entries: { rule: string; resource: string; entry?: FindingEntry; count?: number }[]) => ({ file: 'b.json', entries: entries.map((e) => ({ count: 1, ...e })) });

  function applyBaseline(findings: Finding[], entries: { rule: string; resource: string; entry?: FindingEntry; count?: number }[], rulesRun = KNOWN) {
    return applySuppressions(findings, { baseline: base(entries), today: '2026-06-01', knownRules: KNOWN, rulesRun });
  }

  it('matches by rule, resource and entry identity, never by message text', () => {
    const f = finding('nacl-shadowed-entry', 'acl-1', naclEntry('acl-1', 100), { message: 'reworded entirely', location: { file: 'elsewhere.json', jsonPath: 'NetworkAcls[9]' } });
    const out = applyBaseline([f], [{ rule: 'nacl-shadowed-entry', resource: 'acl-1', entry: naclEntry('acl-1', 100) }]);
    expect(out.findings[0]!.suppressed).toEqual({ kind: 'baseline', reason: 'in the baseline b.json', file: 'b.json' });
    const other = applyBaseline([f], [{ rule: 'nacl-shadowed-entry', resource: 'acl-1', entry: naclEntry('acl-1', 110) }]);
    expect(other.findings[0]!.suppressed).toBeUndefined();
  });

  it('identifies a group rule by its sgr- id when it has one (not its position), else by its position; a route by its destination', () => {
    const sgr = (index: number, ruleId?: string): FindingEntry => ({ kind: 'sg-rule', groupId: 'sg-1', direction: 'inbound', index, ...(ruleId ? { ruleId } : {}) });
    expect(findingIdentity({ rule: 'r', resource: 'sg-1', entry: sgr(0, 'sgr-1') })).toBe(findingIdentity({ rule: 'r', resource: 'sg-1', entry: sgr(5, 'sgr-1') }));
    expect(findingIdentity({ rule: 'r', resource: 'sg-1', entry: sgr(0) })).not.toBe(findingIdentity({ rule: 'r', resource: 'sg-1', entry: sgr(1) }));
    const rt = (target: string): FindingEntry => ({ kind: 'route', routeTableId: 'rtb-1', destination: '0.0.0.0/0', target });
    expect(findingIdentity({ rule: 'r', resource: 'rtb-1', entry: rt('nat-1') })).toBe(findingIdentity({ rule: 'r', resource: 'rtb-1', entry: rt('nat-2') }));
    expect(findingIdentity({ rule: 'r', resource: 'rtb-1' })).not.toBe(findingIdentity({ rule: 'r', resource: 'rtb-2' }));
  });

  it('counts findings of one identity: a baseline that holds it once covers one of two, the other is new', () => {
    const e = naclEntry('acl-1', 32767);
    const fs = [finding('nacl-missing-return-path', 'acl-1', e, { message: 'a' }), finding('nacl-missing-return-path', 'acl-1', e, { message: 'b' })];
    const once = applyBaseline(fs, [{ rule: 'nacl-missing-return-path', resource: 'acl-1', entry: e }]);
    expect(once.findings.map((f) => f.suppressed?.kind ?? 'new')).toEqual(['baseline', 'new']);
    const twice = applyBaseline(fs, [{ rule: 'nacl-missing-return-path', resource: 'acl-1', entry: e, count: 2 }]);
    expect(twice.findings.map((f) => f.suppressed?.kind ?? 'new')).toEqual(['baseline', 'baseline']);
  });

  it('tells apart findings of one identity by their facts (details), not by their order or messages', () => {
    const e = naclEntry('acl-1', 32767);
    const of = (networkInterfaces: string[], message: string) => finding('nacl-missing-return-path', 'acl-1', e, { message, details: { case: 'outbound-connection', networkInterfaces, deniedBy: [{ jsonPath: 'x' }] } });
    const web = of(['eni-web'], 'z: the web tier');
    const admin = of(['aws_instance.admin'], 'a: the new admin host');
    // The baseline held the web finding; the plan adds the admin one, sorted before it.
    const out = applySuppressions([admin, web], { baseline: { file: 'b.json', entries: [{ rule: 'nacl-missing-return-path', resource: 'acl-1', entry: e, facts: factsHash(web.details)!, count: 1 }] }, today: '2026-06-01', knownRules: KNOWN, rulesRun: KNOWN });
    expect(out.findings.map((f) => f.suppressed?.kind ?? 'new')).toEqual(['new', 'baseline']);
    // Facts leave out positions and nested values, and do not depend on key order.
    expect(factsHash({ networkInterfaces: ['eni-web'], case: 'outbound-connection', deniedBy: [{ jsonPath: 'y' }], jsonPath: 'A[3]' })).toBe(factsHash(web.details));
    expect(factsHash({ deniedBy: [{ ruleNumber: 1 }], subnetIds: [] })).toBeUndefined();
  });

  it('warns when findings of the baseline are gone (of rules that ran), and prefers the config reason when both cover a finding', () => {
    const gone = applyBaseline([], [{ rule: 'blackhole-route', resource: 'rtb-1' }, { rule: 'quota-near', resource: 'vpc-1' }], ['blackhole-route']);
    expect(gone.warnings).toEqual([{ file: 'b.json', message: '1 finding of the baseline is no longer reported (fixed); --write-baseline rewrites it' }]);
    const both = applySuppressions([finding('blackhole-route', 'rtb-1')], {
      baseline: base([{ rule: 'blackhole-route', resource: 'rtb-1' }]),
      config: { file: '.vpcwhy.yaml', suppressions: [sup({ rule: 'blackhole-route', resource: 'rtb-1' })] },
      today: '2026-06-01',
      knownRules: KNOWN,
      rulesRun: KNOWN,
    });
    expect(both.findings[0]!.suppressed?.kind).toBe('config');
    expect(both.warnings).toEqual([]);
  });

  it('reports an expired suppression covered by the baseline as suppressed otherwise, not as reported again', () => {
    const out = applySuppressions([finding('blackhole-route', 'rtb-1')], {
      baseline: base([{ rule: 'blackhole-route', resource: 'rtb-1' }]),
      config: { file: '.vpcwhy.yaml', suppressions: [sup({ rule: 'blackhole-route', resource: 'rtb-1', expires: '2020-01-01' })] },
      today: '2026-06-01',
      knownRules: KNOWN,
      rulesRun: KNOWN,
    });
    expect(out.findings[0]!.suppressed?.kind).toBe('baseline');
    expect(out.warnings[0]!.message).toBe('suppression of blackhole-route on rtb-1 expired on 2020-01-01: its findings are suppressed otherwise');
  });
});
