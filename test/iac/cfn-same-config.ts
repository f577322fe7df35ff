/**
 * The network of same-config.ts (describe JSON and Terraform) written a third time, as a CloudFormation
 * template: the VPC CIDR from a parameter default, subnets cut by Fn::Cidr, the web group's egress left to
 * AWS's default allow-all, the db group's ingress as a standalone AWS::EC2::SecurityGroupIngress from
 * Fn::GetAtt WebSG.GroupId, NACL entries as AWS::EC2::NetworkAclEntry with CloudFormation's integer protocols,
 * an instance launched on an existing interface.
 *
 * `partial`: the VPC, gateway, subnets and route tables exist (named by parameters of type AWS::EC2::*::Id
 * whose defaults are their AWS ids); the template adds the rest.
 */
import { IDS } from './same-config.js';
import { getAtt, ref } from './cfn-builder.js';

/** Logical ids of the template and the AWS ids of the describe JSON they stand for. */
export const LOGICAL_IDS: ReadonlyArray<readonly [string, string]> = [
  ['WebInstance', IDS.webEni],
  ['DbEni', IDS.dbEni],
  ['ExtraEni', IDS.extraEni],
  ['WebSG', IDS.web],
  ['DbSG', IDS.db],
  ['PublicAcl', IDS.aclPublic],
  ['PrivateAcl', IDS.aclPrivate],
  ['PublicRT', IDS.rtPublic],
  ['PrivateRT', IDS.rtPrivate],
  ['PublicSubnet', IDS.public],
  ['PrivateSubnet', IDS.private],
  ['Gateway', IDS.igw],
  ['Vpc', IDS.vpc],
];

const entry = (acl: string, n: number, egress: boolean, action: string, protocol: number | string, cidr: string, ports?: [number, number]): Record<string, unknown> => ({
  Type: 'AWS::EC2::NetworkAclEntry',
  Properties: { NetworkAclId: ref(acl), RuleNumber: n, Egress: egress, RuleAction: action, Protocol: protocol, CidrBlock: cidr, ...(ports ? { PortRange: { From: ports[0], To: ports[1] } } : {}) },
});

export function cfnTemplate(opts: { partial: boolean } = { partial: false }): Record<string, unknown> {
  const network: Record<string, unknown> = {
    Vpc: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: ref('VpcCidr'), Tags: [{ Key: 'Name', Value: 'main' }] } },
    Gateway: { Type: 'AWS::EC2::InternetGateway', Properties: {} },
    GatewayAttachment: { Type: 'AWS::EC2::VPCGatewayAttachment', Properties: { VpcId: ref('Vpc'), InternetGatewayId: ref('Gateway') } },
    PublicSubnet: {
      Type: 'AWS::EC2::Subnet',
      Properties: { VpcId: ref('Vpc'), CidrBlock: { 'Fn::Select': [1, { 'Fn::Cidr': [getAtt('Vpc', 'CidrBlock'), 3, 8] }] }, MapPublicIpOnLaunch: false },
    },
    PrivateSubnet: { Type: 'AWS::EC2::Subnet', Properties: { VpcId: ref('Vpc'), CidrBlock: { 'Fn::Select': [2, { 'Fn::Cidr': [getAtt('Vpc', 'CidrBlock'), 3, 8] }] } } },
    PublicRT: { Type: 'AWS::EC2::RouteTable', Properties: { VpcId: ref('Vpc') } },
    PublicDefaultRoute: { Type: 'AWS::EC2::Route', Properties: { RouteTableId: ref('PublicRT'), DestinationCidrBlock: '0.0.0.0/0', GatewayId: ref('Gateway') } },
    PublicRTAssoc: { Type: 'AWS::EC2::SubnetRouteTableAssociation', Properties: { SubnetId: ref('PublicSubnet'), RouteTableId: ref('PublicRT') } },
    PrivateRT: { Type: 'AWS::EC2::RouteTable', Properties: { VpcId: ref('Vpc') } },
    PrivateRTAssoc: { Type: 'AWS::EC2::SubnetRouteTableAssociation', Properties: { SubnetId: ref('PrivateSubnet'), RouteTableId: ref('PrivateRT') } },
  };
  const rest: Record<string, unknown> = {
    PublicAcl: { Type: 'AWS::EC2::NetworkAcl', Properties: { VpcId: ref('Vpc') } },
    PublicAclAssoc: { Type: 'AWS::EC2::SubnetNetworkAclAssociation', Properties: { SubnetId: ref('PublicSubnet'), NetworkAclId: ref('PublicAcl') } },
    PublicIn443: entry('PublicAcl', 100, false, 'allow', 6, '0.0.0.0/0', [443, 443]),
    PublicInEphemeral: entry('PublicAcl', 110, false, 'allow', '6', '0.0.0.0/0', [1024, 65535]),
    PublicInVpc: entry('PublicAcl', 120, false, 'allow', -1, '10.1.0.0/16'),
    PublicOut: entry('PublicAcl', 100, true, 'allow', -1, '0.0.0.0/0'),
    PrivateAcl: { Type: 'AWS::EC2::NetworkAcl', Properties: { VpcId: ref('Vpc') } },
    PrivateAclAssoc: { Type: 'AWS::EC2::SubnetNetworkAclAssociation', Properties: { SubnetId: ref('PrivateSubnet'), NetworkAclId: ref('PrivateAcl') } },
    PrivateInDeny: entry('PrivateAcl', 90, false, 'deny', 6, '10.1.1.200/32', [5432, 5432]),
    PrivateInPg: entry('PrivateAcl', 100, false, 'allow', 6, { 'Fn::GetAtt': ['PublicSubnet', 'CidrBlock'] } as unknown as string, [5432, 5432]),
    PrivateOut: entry('PrivateAcl', 100, true, 'allow', 6, '10.1.1.0/24', [1024, 65535]),
    WebSG: {
      Type: 'AWS::EC2::SecurityGroup',
      Properties: {
        GroupName: 'web', GroupDescription: 'web', VpcId: ref('Vpc'),
        SecurityGroupIngress: [
          { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '0.0.0.0/0' },
          { IpProtocol: 'icmp', FromPort: 8, ToPort: -1, CidrIp: { 'Fn::Sub': '${VpcCidr}' } },
        ],
      },
    },
    DbSG: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupName: 'db', GroupDescription: 'db', VpcId: ref('Vpc'), SecurityGroupEgress: [{ IpProtocol: '-1', CidrIp: '0.0.0.0/0' }] } },
    DbFromWeb: { Type: 'AWS::EC2::SecurityGroupIngress', Properties: { GroupId: ref('DbSG'), IpProtocol: 6, FromPort: 5432, ToPort: 5432, SourceSecurityGroupId: getAtt('WebSG', 'GroupId') } },
    WebInstance: {
      Type: 'AWS::EC2::Instance',
      Properties: { ImageId: 'ami-12345678', SubnetId: ref('PublicSubnet'), PrivateIpAddress: '10.1.1.10', SecurityGroupIds: [getAtt('WebSG', 'GroupId')], SourceDestCheck: true },
    },
    DbEni: {
      Type: 'AWS::EC2::NetworkInterface',
      Properties: { SubnetId: ref('PrivateSubnet'), PrivateIpAddress: '10.1.2.20', GroupSet: [ref('DbSG')] },
    },
    DbInstance: { Type: 'AWS::EC2::Instance', Properties: { ImageId: 'ami-12345678', NetworkInterfaces: [{ NetworkInterfaceId: ref('DbEni'), DeviceIndex: '0' }] } },
    ExtraEni: { Type: 'AWS::EC2::NetworkInterface', Properties: { SubnetId: ref('PublicSubnet'), PrivateIpAddress: '10.1.1.200', GroupSet: [ref('WebSG')] } },
  };
  const parameters: Record<string, unknown> = { VpcCidr: { Type: 'String', Default: '10.1.0.0/16' } };
  if (opts.partial) {
    for (const [name, id, type] of [['Vpc', IDS.vpc, 'AWS::EC2::VPC::Id'], ['PublicSubnet', IDS.public, 'AWS::EC2::Subnet::Id'], ['PrivateSubnet', IDS.private, 'AWS::EC2::Subnet::Id']] as const) {
      parameters[name] = { Type: type, Default: id };
    }
    // PublicSubnet.CidrBlock is an attribute of a template resource: with the subnet existing, the literal.
    (rest['PrivateInPg'] as { Properties: Record<string, unknown> }).Properties['CidrBlock'] = '10.1.1.0/24';
    return { AWSTemplateFormatVersion: '2010-09-09', Parameters: parameters, Resources: rest };
  }
  return { AWSTemplateFormatVersion: '2010-09-09', Description: 'same-config.ts as CloudFormation', Parameters: parameters, Resources: { ...network, ...rest } };
}
