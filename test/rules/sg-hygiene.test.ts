/**
 * The hygiene rules of issue 21's parity table: sg-rule-without-description, sg-egress-open-to-internet,
 * sg-overly-wide-cidr, default-security-group-in-use (ref 4.1, 8.20).
 */
import { describe, expect, it } from 'vitest';
import { eni, sg, sgRule, snapshotOf, subnet, vpc } from '../builders.js';
import { auditWith } from './support.js';

const described = <T extends object>(r: T, description: string): T => ({ ...r, description });
const world = () => snapshotOf({ vpcs: [vpc('vpc-1', ['10.0.0.0/16'])], subnets: [subnet('subnet-1', '10.0.1.0/24')] });

describe('sg-rule-without-description', () => {
  it('reports each rule without a description, inbound and outbound, with the rule as entry (low)', () => {
    const g = sg('sg-web', [
      sgRule('sg-web', 'inbound', 'tcp', '10.0.0.0/16', { ports: [8080, 8080] }),
      described(sgRule('sg-web', 'inbound', 'tcp', '0.0.0.0/0', { ports: [443, 443] }), 'public HTTPS'),
      sgRule('sg-web', 'outbound', 'tcp', '10.0.2.0/24', { ports: [5432, 5432] }),
      described(sgRule('sg-web', 'outbound', 'udp', '10.0.0.2/32', { ports: [53, 53] }), '   '),
    ]);
    const f = auditWith(snapshotOf({ securityGroups: [g] }), 'sg-rule-without-description');
    expect(f.map((x) => [x.severity, x.entry])).toEqual([
      ['low', { kind: 'sg-rule', groupId: 'sg-web', direction: 'inbound', index: 0 }],
      ['low', { kind: 'sg-rule', groupId: 'sg-web', direction: 'outbound', index: 0 }],
      ['low', { kind: 'sg-rule', groupId: 'sg-web', direction: 'outbound', index: 1 }],
    ]);
    expect(f[0]!.message).toBe('sg-web (sg-web) inbound rule #0 has no description: inbound tcp/8080 from 10.0.0.0/16');
  });

  it('leaves out the default group and the all-traffic egress AWS adds to every group', () => {
    const def = { ...sg('sg-def', [sgRule('sg-def', 'inbound', '-1', 'sg-def')]), groupName: 'default' };
    const g = sg('sg-app', [sgRule('sg-app', 'outbound', '-1', '0.0.0.0/0')]);
    expect(auditWith(snapshotOf({ securityGroups: [def, g] }), 'sg-rule-without-description')).toEqual([]);
  });
});

describe('sg-egress-open-to-internet', () => {
  it('reports all traffic out to 0.0.0.0/0 and to ::/0 (low), with the internet address count', () => {
    const g = sg('sg-app', [sgRule('sg-app', 'outbound', '-1', '0.0.0.0/0'), sgRule('sg-app', 'outbound', '-1', '::/0')]);
    const f = auditWith({ ...world(), securityGroups: [g] }, 'sg-egress-open-to-internet');
    expect(f.map((x) => [x.severity, x.details?.['family'], x.details?.['cidr']])).toEqual([
      ['low', 4, '0.0.0.0/0'],
      ['low', 6, '::/0'],
    ]);
    expect(f[0]!.message).toMatch(/^sg-app \(sg-app\) outbound rule #0 allows all traffic out to 0\.0\.0\.0\/0 \([\d,]+ internet addresses over IPv4\)$/);
  });

  it('not a finding: tcp/443 to 0.0.0.0/0, all traffic to the VPC or 10.0.0.0/8, all traffic to an office /24', () => {
    const g = sg('sg-app', [
      sgRule('sg-app', 'outbound', 'tcp', '0.0.0.0/0', { ports: [443, 443] }),
      sgRule('sg-app', 'outbound', '-1', '10.0.0.0/8'),
      sgRule('sg-app', 'outbound', '-1', '198.51.100.0/24'),
    ]);
    expect(auditWith({ ...world(), securityGroups: [g] }, 'sg-egress-open-to-internet')).toEqual([]);
  });
});

describe('sg-overly-wide-cidr', () => {
  it('reports an inbound public /8 on any port; the threshold is an option', () => {
    const g = sg('sg-api', [sgRule('sg-api', 'inbound', 'tcp', '34.0.0.0/8', { ports: [443, 443] }), sgRule('sg-api', 'inbound', 'tcp', '198.51.96.0/20', { ports: [443, 443] })]);
    const f = auditWith({ ...world(), securityGroups: [g] }, 'sg-overly-wide-cidr');
    expect(f.map((x) => [x.severity, x.details?.['cidr'], x.details?.['internetAddresses']])).toEqual([['low', '34.0.0.0/8', '16777216']]);
    expect(f[0]!.message).toBe('sg-api (sg-api) inbound rule #0 admits tcp/443 from 34.0.0.0/8: 16,777,216 internet addresses, more than a /16 holds');
    // Prowler's /24 reading.
    expect(auditWith({ ...world(), securityGroups: [g] }, 'sg-overly-wide-cidr', { maxPrefixV4: 24 }).map((x) => x.details?.['cidr'])).toEqual(['34.0.0.0/8', '198.51.96.0/20']);
  });

  it('not a finding: 0.0.0.0/0 (judged by the exposure rules), 10.0.0.0/8 (no internet address), an office /28', () => {
    const g = sg('sg-api', [
      sgRule('sg-api', 'inbound', 'tcp', '0.0.0.0/0', { ports: [443, 443] }),
      sgRule('sg-api', 'inbound', '-1', '10.0.0.0/8'),
      sgRule('sg-api', 'inbound', 'tcp', '203.0.113.16/28', { ports: [22, 22] }),
    ]);
    expect(auditWith({ ...world(), securityGroups: [g] }, 'sg-overly-wide-cidr')).toEqual([]);
  });

  it('counts only internet addresses: 0.0.0.0/1 less the private ranges and the VPC', () => {
    const g = sg('sg-api', [sgRule('sg-api', 'inbound', 'tcp', '0.0.0.0/1', { ports: [443, 443] })]);
    const [f] = auditWith({ ...world(), securityGroups: [g] }, 'sg-overly-wide-cidr');
    // 2^31 less 10.0.0.0/8, 100.64.0.0/10 and 127.0.0.0/8.
    expect(BigInt(f!.details?.['internetAddresses'] as string)).toBe(2n ** 31n - 2n ** 24n - 2n ** 22n - 2n ** 24n);
  });
});

describe('default-security-group-in-use', () => {
  it("reports an interface carrying its VPC's default group, not one with its own group (ref 8.20)", () => {
    const def = { ...sg('sg-def', []), groupName: 'default' };
    const own = sg('sg-web', []);
    const s = { ...world(), securityGroups: [def, own], enis: [eni('eni-1', 'subnet-1', ['10.0.1.10'], ['sg-def']), eni('eni-2', 'subnet-1', ['10.0.1.11'], ['sg-web'])] };
    const f = auditWith(s, 'default-security-group-in-use');
    expect(f.map((x) => [x.severity, x.resource, x.details?.['groupId']])).toEqual([['low', 'eni-1', 'sg-def']]);
  });
});
