/**
 * Property: random security-group rules and NACL entries, written once as describe-* JSON (the AWS CLI's
 * spellings) and once as a Terraform plan (aws_security_group and aws_network_acl inline blocks, with any of
 * Terraform's spellings: "-1" / "all", "tcp" / "6", "udp" / "17", "icmp" / "1", ...), give the same decision
 * for every packet: the same allowed / denied, the same number of matching SG rules, the same deciding NACL
 * entry. The two decoders share nothing but the model.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeSnapshotDocuments } from '../../src/aws/load-snapshot.js';
import { evaluateNacl } from '../../src/engine/nacl.js';
import { evaluateGroupIds } from '../../src/engine/security-group.js';
import { indexSnapshot } from '../../src/engine/snapshot-index.js';
import { E } from '../../src/fp.js';
import { layerPlan } from '../../src/iac/terraform-plan.js';
import { emptySnapshot } from '../../src/model/snapshot.js';
import { expectCoverage, fcParams } from '../arbitraries/fc-params.js';
import { packet } from '../builders.js';
import { change, planDoc } from './plan-builder.js';

type Proto = 'tcp' | 'udp' | 'icmp' | 'all' | 'gre';
const AWS_SPELLING: Record<Proto, string> = { tcp: 'tcp', udp: 'udp', icmp: 'icmp', all: '-1', gre: '47' };
const NACL_AWS_SPELLING: Record<Proto, string> = { tcp: '6', udp: '17', icmp: '1', all: '-1', gre: '47' };
const TF_SPELLINGS: Record<Proto, readonly string[]> = { tcp: ['tcp', '6'], udp: ['udp', '17'], icmp: ['icmp', '1'], all: ['-1', 'all'], gre: ['47'] };

const CIDRS = ['0.0.0.0/0', '10.0.0.0/8', '10.1.0.0/16', '10.1.1.0/24', '10.1.1.7/32', '192.0.2.0/24'];
const SOURCES = ['10.1.1.7', '10.1.1.8', '10.1.2.9', '10.9.0.1', '192.0.2.5', '198.51.100.1'];

const ruleArb = fc.record({
  proto: fc.constantFrom<Proto>('tcp', 'udp', 'icmp', 'all', 'gre'),
  spelling: fc.nat(1),
  cidr: fc.constantFrom(...CIDRS),
  from: fc.constantFrom(22, 80, 443, 1024, 5432),
  span: fc.constantFrom(0, 1, 100, 64000),
  icmpType: fc.constantFrom(-1, 0, 3, 8),
  icmpCode: fc.constantFrom(-1, 0, 4),
  allow: fc.boolean(),
  egress: fc.boolean(),
});
type Rule = typeof ruleArb extends fc.Arbitrary<infer T> ? T : never;

const packetArb = fc.record({
  proto: fc.constantFrom('tcp', 'udp', 'icmp', '47'),
  src: fc.constantFrom(...SOURCES),
  port: fc.constantFrom(22, 23, 80, 443, 1100, 5432, 65000),
  type: fc.constantFrom(0, 3, 8),
  code: fc.constantFrom(0, 4),
});

const tfSpelling = (r: Rule): string => TF_SPELLINGS[r.proto][r.spelling % TF_SPELLINGS[r.proto].length]!;
const hasPorts = (p: Proto): boolean => p === 'tcp' || p === 'udp';
const to = (r: Rule): number => Math.min(65535, r.from + r.span);

function describeSide(rules: readonly Rule[]) {
  const perm = (r: Rule) => ({
    IpProtocol: AWS_SPELLING[r.proto],
    ...(hasPorts(r.proto) ? { FromPort: r.from, ToPort: to(r) } : r.proto === 'icmp' ? { FromPort: r.icmpType, ToPort: r.icmpCode } : {}),
    IpRanges: [{ CidrIp: r.cidr }], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [],
  });
  const entry = (r: Rule, i: number) => ({
    RuleNumber: 100 + i, Egress: r.egress, RuleAction: r.allow ? 'allow' : 'deny', Protocol: NACL_AWS_SPELLING[r.proto], CidrBlock: r.cidr,
    ...(hasPorts(r.proto) ? { PortRange: { From: r.from, To: to(r) } } : {}),
    ...(r.proto === 'icmp' ? { IcmpTypeCode: { Type: r.icmpType, Code: r.icmpCode } } : {}),
  });
  const json = {
    SecurityGroups: [{ GroupId: 'sg-0p', GroupName: 'p', VpcId: 'vpc-0p', IpPermissions: rules.filter((r) => !r.egress).map(perm), IpPermissionsEgress: rules.filter((r) => r.egress).map(perm) }],
    NetworkAcls: [{ NetworkAclId: 'acl-0p', VpcId: 'vpc-0p', IsDefault: false, Associations: [], Entries: rules.map(entry) }],
  };
  const s = decodeSnapshotDocuments([{ file: 'd.json', json }]);
  if (E.isLeft(s)) throw new Error(JSON.stringify(s.left));
  return indexSnapshot(s.right);
}

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
    const counts: Record<string, number> = {
      'inbound allow entry': 0, 'inbound deny entry': 0, 'inbound deny default': 0, 'outbound allow entry': 0, 'outbound deny entry': 0, 'outbound deny default': 0,
      'sg allowed': 0, 'sg denied': 0,
    };
    fc.assert(
      fc.property(fc.array(ruleArb, { maxLength: 8 }), fc.array(packetArb, { minLength: 1, maxLength: 6 }), (rules, packets) => {
        const a = describeSide(rules);
        const b = planSide(rules);
        expect(b.unknowns).toEqual([]);
        for (const p of packets) {
          const pkt = packet({ proto: p.proto, src: p.src, dst: '10.1.1.100', dport: p.proto === 'tcp' || p.proto === 'udp' ? p.port : null, type: p.proto === 'icmp' ? p.type : null, code: p.proto === 'icmp' ? p.code : null });
          for (const direction of ['inbound', 'outbound'] as const) {
            // Outbound, the rule's peer is the destination: swap the ends so the same addresses are tested.
            const q = direction === 'inbound' ? pkt : { ...pkt, src: pkt.dst, dst: pkt.src };
            const sa = evaluateGroupIds(a, ['sg-0p'], direction, q);
            const sb = evaluateGroupIds(b.index, ['sg-0p'], direction, q);
            expect([sb.allowed, sb.matched.length]).toEqual([sa.allowed, sa.matched.length]);
            const na = evaluateNacl(a.naclById.get('acl-0p')!, direction, q);
            const nb = evaluateNacl(b.index.naclById.get('acl-0p')!, direction, q);
            expect([nb.action, nb.ruleNumber]).toEqual([na.action, na.ruleNumber]);
            counts[`${direction} ${na.action} ${na.isDefaultRule ? 'default' : 'entry'}`]! += 1;
            counts[`sg ${sa.allowed ? 'allowed' : 'denied'}`]! += 1;
          }
        }
      }),
      fcParams(300),
    );
    expectCoverage(counts, 20);
  });
});
