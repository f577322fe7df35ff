/**
 * Property: reading and layering templates are total. Any JSON as the properties of any modelled resource type
 * (wrong types, nulls, intrinsics with odd arguments, Refs to names that exist or not), rendered as JSON or
 * as YAML with short forms, gives either a snapshot (with warnings) or problems naming the file, never an
 * exception.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { E } from '../../src/fp.js';
import { parseTemplateText } from '../../src/iac/cfn-template.js';
import { layerTemplates } from '../../src/iac/cloudformation.js';
import { emptySnapshot } from '../../src/model/snapshot.js';
import { expectCoverage, fcParams } from '../arbitraries/fc-params.js';
import { toJson, toYaml } from './cfn-builder.js';

const TYPES = [
  'AWS::EC2::VPC', 'AWS::EC2::VPCCidrBlock', 'AWS::EC2::Subnet', 'AWS::EC2::InternetGateway', 'AWS::EC2::VPCGatewayAttachment', 'AWS::EC2::SecurityGroup',
  'AWS::EC2::SecurityGroupIngress', 'AWS::EC2::SecurityGroupEgress', 'AWS::EC2::NetworkAcl', 'AWS::EC2::NetworkAclEntry', 'AWS::EC2::SubnetNetworkAclAssociation',
  'AWS::EC2::RouteTable', 'AWS::EC2::Route', 'AWS::EC2::SubnetRouteTableAssociation', 'AWS::EC2::NatGateway', 'AWS::EC2::EIP', 'AWS::EC2::EIPAssociation',
  'AWS::EC2::NetworkInterface', 'AWS::EC2::Instance', 'Custom::VpcRestrictDefaultSG',
];
const KEYS = [
  'VpcId', 'SubnetId', 'GroupId', 'NetworkAclId', 'RouteTableId', 'CidrBlock', 'CidrIp', 'CidrIpv6', 'IpProtocol', 'Protocol', 'FromPort', 'ToPort',
  'RuleNumber', 'RuleAction', 'Egress', 'PortRange', 'Icmp', 'SecurityGroupIngress', 'SecurityGroupEgress', 'GroupSet', 'SecurityGroupIds',
  'PrivateIpAddress', 'NetworkInterfaces', 'GatewayId', 'NatGatewayId', 'DestinationCidrBlock', 'InstanceId', 'InternetGatewayId',
  'SourceSecurityGroupId', 'DefaultSecurityGroupId', 'AllocationId', 'Ipv6CidrBlock', 'AmazonProvidedIpv6CidrBlock', 'MapPublicIpOnLaunch',
];
const NAMES = ['A', 'B', 'P', 'A', 'B', 'P', 'Missing', 'AWS::NoValue', 'AWS::Region'];

const leafArb = fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constantFrom('tcp', '-1', -1, 6, '10.0.0.0/8', 'sg-1', 22, 'allow', true));
const valueArb: fc.Arbitrary<unknown> = fc.letrec<{ v: unknown }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small' },
    { arbitrary: leafArb, weight: 12 },
    fc.record({ Ref: fc.constantFrom(...NAMES) }),
    fc.record({ 'Fn::GetAtt': fc.oneof(fc.tuple(fc.constantFrom(...NAMES), fc.constantFrom('GroupId', 'CidrBlock', 'DefaultSecurityGroup', 'Nope')), leafArb) }),
    fc.record({ 'Fn::Sub': fc.oneof(fc.constantFrom('${P}', '${A.CidrBlock}', '${!x}', '${', '${AWS::Region}'), tie('v')) }),
    fc.record({ 'Fn::Select': fc.oneof(fc.tuple(fc.integer({ min: -1, max: 3 }), fc.array(tie('v'), { maxLength: 3 })), tie('v')) }),
    fc.record({ 'Fn::Join': fc.oneof(fc.tuple(fc.constantFrom('', '-'), fc.array(tie('v'), { maxLength: 3 })), tie('v')) }),
    fc.record({ 'Fn::If': fc.oneof(fc.tuple(fc.constantFrom('C', 'C', 'Nope'), tie('v'), tie('v')), tie('v')) }),
    fc.record({ 'Fn::Cidr': fc.oneof(fc.tuple(fc.constantFrom('10.0.0.0/16', 'x', '::/56'), fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 130 })), tie('v')) }),
    fc.record({ 'Fn::Split': tie('v') }),
    fc.array(tie('v'), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom(...KEYS), tie('v'), { maxKeys: 3 }),
  ),
})).v;

const resourceArb = fc.record({
  name: fc.constantFrom('A', 'B', 'C1', 'D2'),
  type: fc.constantFrom(...TYPES),
  props: fc.dictionary(fc.constantFrom(...KEYS), valueArb, { maxKeys: 6 }),
  condition: fc.option(fc.constantFrom('C', 'C', 'C', 'C', 'Nope'), { nil: undefined, freq: 3 }),
});

describe('templates of any values', () => {
  it('are read and layered without an exception', () => {
    const counts = { 'templates layered': 0, 'templates with problems': 0, 'with warnings': 0 };
    fc.assert(
      fc.property(fc.array(resourceArb, { maxLength: 6 }), fc.boolean(), fc.option(fc.constantFrom('10.0.0.0/16', 'x'), { nil: undefined }), (resources, yaml, dflt) => {
        const template = {
          Parameters: { P: { Type: 'String', ...(dflt !== undefined ? { Default: dflt } : {}) } },
          Conditions: { C: { 'Fn::Equals': [{ Ref: 'P' }, '10.0.0.0/16'] } },
          Resources: Object.fromEntries(resources.map((r) => [r.name, { Type: r.type, Properties: r.props, ...(r.condition !== undefined ? { Condition: r.condition } : {}) }])),
        };
        const file = yaml ? 't.yaml' : 't.json';
        const t = parseTemplateText(file, yaml ? toYaml(template) : toJson(template));
        if (E.isLeft(t)) {
          for (const p of t.left.problems) expect(p.file).toBe(file);
          if (process.env['DEBUG_CFN']) console.log(t.left.problems[0]!.message);
          counts['templates with problems']++;
          return;
        }
        const l = layerTemplates(emptySnapshot(), [t.right]);
        if (!l.ok) {
          for (const p of l.problems) expect(p.file).toBe(file);
          if (process.env['DEBUG_CFN']) console.log(l.problems[0]!.message);
          counts['templates with problems']++;
          return;
        }
        counts['templates layered']++;
        if (l.layered.snapshot.warnings.length > 0) counts['with warnings']++;
      }),
      fcParams(300),
    );
    expectCoverage(counts, 10);
  });
});
