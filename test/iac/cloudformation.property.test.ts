/**
 * Property: random security-group rules and NACL entries, written once as describe-* JSON (the AWS CLI's
 * spellings) and once as a CloudFormation template (JSON, or YAML with short forms; any of CloudFormation's
 * protocol spellings: -1 / "-1", "tcp" / "6" / 6, ...; the CIDR literal, or a parameter default through !Ref,
 * !Sub, !Select or !If), give the same decision for every packet: the same allowed / denied, the same number
 * of matching SG rules, the same deciding NACL entry. A group the template gives no egress rules gets AWS's
 * allow-all egress (AWS::EC2::SecurityGroup reference), which the describe side lists. The template reader and
 * the describe decoders share nothing but the model.
 */
import fc from 'fast-check';
import ipaddr from 'ipaddr.js';
import { describe, expect, it } from 'vitest';
import { indexSnapshot } from '../../src/engine/snapshot-index.js';
import { layerTemplates } from '../../src/iac/cloudformation.js';
import { emptySnapshot } from '../../src/model/snapshot.js';
import { expectCoverage, fcParams } from '../arbitraries/fc-params.js';
import { parsed, ref, toJson, toYaml } from './cfn-builder.js';
import { CIDRS, type Proto, type Rule, decisionCounts, describeSide, expectSameDecisions, hasPorts, packetArb, ruleArb, to } from './same-decisions.js';

const CFN_SPELLINGS: Record<Proto, readonly (string | number)[]> = { tcp: ['tcp', '6', 6], udp: ['udp', '17', 17], icmp: ['icmp', '1', 1], all: ['-1', -1], gre: ['47', 47] };
const spelling = (r: Rule): string | number => CFN_SPELLINGS[r.proto][r.spelling % CFN_SPELLINGS[r.proto].length]!;

function cidrIn(r: Rule): unknown {
  const name = `Cidr${CIDRS.indexOf(r.cidr)}`;
  switch (r.form) {
    case 'literal': return r.cidr;
    case 'ref': return ref(name);
    case 'sub': return { 'Fn::Sub': `\${${name}}` };
    case 'select': return { 'Fn::Select': [1, ['198.18.0.0/15', ref(name)]] };
    case 'if': return { 'Fn::If': ['Yes', ref(name), '198.18.0.0/15'] };
  }
}

function templateSide(rules: readonly Rule[], yaml: boolean) {
  const sgRule = (r: Rule) => ({
    IpProtocol: spelling(r), CidrIp: cidrIn(r),
    ...(hasPorts(r.proto) ? { FromPort: r.from, ToPort: to(r) } : r.proto === 'icmp' ? { FromPort: r.icmpType, ToPort: r.icmpCode } : {}),
  });
  const resources: Record<string, unknown> = {
    G: {
      Type: 'AWS::EC2::SecurityGroup',
      Properties: {
        GroupDescription: 'p', VpcId: ref('VpcId'), SecurityGroupIngress: rules.filter((r) => !r.egress).map(sgRule),
        ...(rules.some((r) => r.egress) ? { SecurityGroupEgress: rules.filter((r) => r.egress).map(sgRule) } : {}),
      },
    },
    Acl: { Type: 'AWS::EC2::NetworkAcl', Properties: { VpcId: ref('VpcId') } },
  };
  rules.forEach((r, i) => {
    resources[`E${i}`] = {
      Type: 'AWS::EC2::NetworkAclEntry',
      Properties: {
        NetworkAclId: ref('Acl'), RuleNumber: 100 + i, Protocol: spelling(r), RuleAction: r.allow ? 'allow' : 'deny', CidrBlock: cidrIn(r),
        ...(r.egress || r.spelling === 0 ? { Egress: r.egress } : {}),
        ...(hasPorts(r.proto) ? { PortRange: { From: r.from, To: to(r) } } : {}),
        ...(r.proto === 'icmp' ? { Icmp: { Type: r.icmpType, Code: r.icmpCode } } : {}),
      },
    };
  });
  const parameters: Record<string, unknown> = { VpcId: { Type: 'AWS::EC2::VPC::Id', Default: 'vpc-0p' }, Answer: { Type: 'String', Default: 'yes' } };
  CIDRS.forEach((c, i) => (parameters[`Cidr${i}`] = { Type: 'String', Default: c }));
  const template = { Parameters: parameters, Conditions: { Yes: { 'Fn::Equals': [ref('Answer'), 'yes'] } }, Resources: resources };
  const file = yaml ? 't.yaml' : 't.json';
  const l = layerTemplates(emptySnapshot(), [parsed(file, yaml ? toYaml(template) : toJson(template))]);
  if (!l.ok) throw new Error(JSON.stringify(l.problems));
  return { index: indexSnapshot(l.layered.snapshot), unknowns: l.layered.unknowns };
}

describe('the same rules as describe JSON and as a CloudFormation template (any spelling, JSON or YAML) decide every packet alike', () => {
  it('security groups and network ACLs, both directions', () => {
    const counts = decisionCounts();
    fc.assert(
      fc.property(fc.array(ruleArb, { maxLength: 8 }), fc.array(packetArb, { minLength: 1, maxLength: 6 }), fc.boolean(), (rules, packets, yaml) => {
        const a = describeSide(rules, { group: 'G', acl: 'Acl', defaultEgress: true });
        const b = templateSide(rules, yaml);
        expect(b.unknowns).toEqual([]);
        expectSameDecisions(a, b.index, { group: 'G', acl: 'Acl' }, packets, counts);
      }),
      fcParams(150),
    );
    expectCoverage(counts, 20);
  });
});

describe('Fn::Cidr against ipaddr.js', () => {
  it('gives `count` consecutive blocks of /(32 - cidrBits) from the start of the block (Fn::Cidr reference)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 8, max: 28 }), fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 256 }), (addr, prefix, extra, want) => {
        const bits = 32 - Math.min(31, prefix + extra);
        const room = 2 ** (32 - bits - prefix);
        const count = Math.min(want, room);
        const block = `${ipaddr.fromByteArray([addr >>> 24, (addr >>> 16) & 255, (addr >>> 8) & 255, addr & 255]).toString()}/${prefix}`;
        const t = { Resources: { G: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'g', VpcId: 'vpc-1', SecurityGroupIngress: [{ IpProtocol: '-1', CidrIp: { 'Fn::Select': [count - 1, { 'Fn::Cidr': [block, count, bits] }] } }] } } } };
        const l = layerTemplates(emptySnapshot(), [parsed('t.json', toJson(t))]);
        if (!l.ok) throw new Error(JSON.stringify(l.problems));
        const peer = l.layered.snapshot.securityGroups[0]!.inbound[0]!.peer;
        const [net] = ipaddr.IPv4.parseCIDR(block) as [ipaddr.IPv4, number];
        const start = (net.toByteArray().reduce((a, b) => a * 256 + b, 0) >>> (32 - prefix)) * 2 ** (32 - prefix);
        const expected = start + (count - 1) * 2 ** bits;
        const text = `${ipaddr.fromByteArray([(expected >>> 24) & 255, (expected >>> 16) & 255, (expected >>> 8) & 255, expected & 255]).toString()}/${32 - bits}`;
        expect(peer).toMatchObject({ kind: 'cidr', cidr: { text } });
      }),
      fcParams(200),
    );
  });
});
