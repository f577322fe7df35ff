/**
 * Property: random security-group rules and NACL entries, written once as describe-* JSON (the AWS CLI's
 * spellings) and once as a Terraform plan (aws_security_group and aws_network_acl inline blocks, with any of
 * Terraform's spellings: "-1" / "all", "tcp" / "6", "udp" / "17", "icmp" / "1", ...), give the same decision
 * for every packet: the same allowed / denied, the same number of matching SG rules, the same deciding NACL
 * entry. The two decoders share nothing but the model.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { indexSnapshot } from '../../src/engine/snapshot-index.js';
import { layerPlan } from '../../src/iac/terraform-plan.js';
import { emptySnapshot } from '../../src/model/snapshot.js';
import { expectCoverage, fcParams } from '../arbitraries/fc-params.js';
import { change, planDoc } from './plan-builder.js';
import { type Proto, type Rule, decisionCounts, describeSide, expectSameDecisions, hasPorts, packetArb, ruleArb, to } from './same-decisions.js';

const TF_SPELLINGS: Record<Proto, readonly string[]> = { tcp: ['tcp', '6'], udp: ['udp', '17'], icmp: ['icmp', '1'], all: ['-1', 'all'], gre: ['47'] };
const tfSpelling = (r: Rule): string => TF_SPELLINGS[r.proto][r.spelling % TF_SPELLINGS[r.proto].length]!;

function planSide(rules: readonly Rule[]) {
  const block = (r: Rule) => ({
    protocol: tfSpelling(r), cidr_blocks: [r.cidr], ipv6_cidr_blocks: [], prefix_list_ids: [], security_groups: [], self: false, description: '',
    from_port: hasPorts(r.proto) ? r.from : r.proto === 'icmp' ? r.icmpType : 0,
    to_port: hasPorts(r.proto) ? to(r) : r.proto === 'icmp' ? r.icmpCode : 0,
  });
  const entry = (r: Rule, i: number) => ({
    rule_no: 100 + i, action: r.allow ? 'allow' : 'deny', protocol: tfSpelling(r), cidr_block: r.cidr, ipv6_cidr_block: '',
    from_port: hasPorts(r.proto) ? r.from : 0, to_port: hasPorts(r.proto) ? to(r) : 0,
    icmp_type: r.proto === 'icmp' ? r.icmpType : 0, icmp_code: r.proto === 'icmp' ? r.icmpCode : 0,
  });
  const sg = { id: 'sg-0p', name: 'p', vpc_id: 'vpc-0p', ingress: rules.filter((r) => !r.egress).map(block), egress: rules.filter((r) => r.egress).map(block) };
  const acl = { id: 'acl-0p', vpc_id: 'vpc-0p', subnet_ids: [], ingress: rules.map((r, i) => [r, i] as const).filter(([r]) => !r.egress).map(([r, i]) => entry(r, i)), egress: rules.map((r, i) => [r, i] as const).filter(([r]) => r.egress).map(([r, i]) => entry(r, i)) };
  const doc = planDoc({ format_version: '1.2', resource_changes: [change('aws_security_group.p', ['no-op'], sg, sg), change('aws_network_acl.p', ['no-op'], acl, acl)] });
  const l = layerPlan(emptySnapshot(), doc);
  return { index: indexSnapshot(l.snapshot), unknowns: l.unknowns };
}

describe('the same rules as describe JSON and as a plan (any Terraform protocol spelling) decide every packet alike', () => {
  it('security groups and network ACLs, both directions', () => {
    const counts = decisionCounts();
    fc.assert(
      fc.property(fc.array(ruleArb, { maxLength: 8 }), fc.array(packetArb, { minLength: 1, maxLength: 6 }), (rules, packets) => {
        const a = describeSide(rules, { group: 'sg-0p', acl: 'acl-0p', defaultEgress: false });
        const b = planSide(rules);
        expect(b.unknowns).toEqual([]);
        expectSameDecisions(a, b.index, { group: 'sg-0p', acl: 'acl-0p' }, packets, counts);
      }),
      fcParams(300),
    );
    expectCoverage(counts, 20);
  });
});
