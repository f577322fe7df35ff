/**
 * One small network written twice: as `aws ec2 describe-*` JSON and as Terraform resources (plan-builder
 * markers), for the property that both give the same trace answers.
 *
 * VPC 10.1.0.0/16 with an internet gateway; subnet public 10.1.1.0/24 (route to the gateway, NACL public
 * inline) and, in module.net, subnet private 10.1.2.0/24 (local routes only, NACL private built from
 * aws_network_acl_rule, rule 90 denying 5432 from 10.1.1.200); groups web (443 from anywhere, ICMP echo from
 * the VPC, all out) and db (5432 from web through aws_security_group_rule, all out through
 * aws_vpc_security_group_egress_rule); instances web (10.1.1.10, public 54.0.0.10 when existing) and db (on
 * interface db 10.1.2.20); interface extra 10.1.1.200 given web by aws_network_interface_sg_attachment.
 */
import { type ModuleSpec, type SpecResource, ref } from './plan-builder.js';

export const IDS = {
  vpc: 'vpc-0e100000000000001',
  igw: 'igw-0e100000000000001',
  public: 'subnet-0e1pub00000000001',
  private: 'subnet-0e1prv00000000001',
  rtPublic: 'rtb-0e1pub00000000001',
  rtPrivate: 'rtb-0e1prv00000000001',
  aclPublic: 'acl-0e1pub00000000001',
  aclPrivate: 'acl-0e1prv00000000001',
  web: 'sg-0e1web00000000001',
  db: 'sg-0e1db000000000001',
  webEni: 'eni-0e1web00000000001',
  dbEni: 'eni-0e1db000000000001',
  extraEni: 'eni-0e1ext00000000001',
  webInstance: 'i-0e1web00000000001',
  dbInstance: 'i-0e1db000000000001',
} as const;

const PRIVATE_SUBNET = 'module.net.aws_subnet.private[0]';

export const MODULES: Record<string, ModuleSpec> = {
  net: { args: { vpc_id: 'aws_vpc.main.id' }, outputs: { private_subnet_id: 'aws_subnet.private[0].id' } },
};

const sgRule = (over: Record<string, unknown>): Record<string, unknown> => ({
  cidr_blocks: [], ipv6_cidr_blocks: [], prefix_list_ids: [], security_groups: [], self: false, description: '', ...over,
});

const nacl = (over: Record<string, unknown>): Record<string, unknown> => ({
  cidr_block: '0.0.0.0/0', ipv6_cidr_block: '', icmp_type: 0, icmp_code: 0, from_port: 0, to_port: 0, ...over,
});

export function resources(opts: { publicIp: boolean }): SpecResource[] {
  return [
    { address: 'aws_vpc.main', awsId: IDS.vpc, values: { cidr_block: '10.1.0.0/16', tags: { Name: 'main' } } },
    { address: 'aws_internet_gateway.gw', awsId: IDS.igw, values: { vpc_id: ref('aws_vpc.main') } },
    { address: 'aws_subnet.public', awsId: IDS.public, values: { vpc_id: ref('aws_vpc.main'), cidr_block: '10.1.1.0/24', map_public_ip_on_launch: false } },
    { address: PRIVATE_SUBNET, awsId: IDS.private, values: { vpc_id: ref('aws_vpc.main', 'var.vpc_id'), cidr_block: '10.1.2.0/24' } },
    {
      address: 'aws_route_table.public', awsId: IDS.rtPublic,
      values: { vpc_id: ref('aws_vpc.main'), route: [{ cidr_block: '0.0.0.0/0', ipv6_cidr_block: '', gateway_id: ref('aws_internet_gateway.gw'), nat_gateway_id: '' }] },
    },
    { address: 'aws_route_table_association.public', awsId: 'rtbassoc-0e1pub', values: { subnet_id: ref('aws_subnet.public'), route_table_id: ref('aws_route_table.public') } },
    { address: 'aws_route_table.private', awsId: IDS.rtPrivate, values: { vpc_id: ref('aws_vpc.main'), route: [] } },
    { address: 'aws_route_table_association.private', awsId: 'rtbassoc-0e1prv', values: { subnet_id: ref(PRIVATE_SUBNET, 'module.net.private_subnet_id'), route_table_id: ref('aws_route_table.private') } },
    {
      address: 'aws_network_acl.public', awsId: IDS.aclPublic,
      values: {
        vpc_id: ref('aws_vpc.main'),
        subnet_ids: [ref('aws_subnet.public')],
        ingress: [
          nacl({ rule_no: 100, action: 'allow', protocol: 'tcp', from_port: 443, to_port: 443 }),
          nacl({ rule_no: 110, action: 'allow', protocol: '6', from_port: 1024, to_port: 65535 }),
          nacl({ rule_no: 120, action: 'allow', protocol: '-1', cidr_block: '10.1.0.0/16' }),
        ],
        egress: [nacl({ rule_no: 100, action: 'allow', protocol: 'all' })],
      },
    },
    { address: 'aws_network_acl.private', awsId: IDS.aclPrivate, values: { vpc_id: ref('aws_vpc.main'), ingress: [], egress: [] } },
    { address: 'aws_network_acl_association.private', awsId: 'aclassoc-0e1prv', values: { network_acl_id: ref('aws_network_acl.private'), subnet_id: ref(PRIVATE_SUBNET, 'module.net.private_subnet_id') } },
    {
      address: 'aws_network_acl_rule.private_in["pg"]', awsId: 'nacl-rule-1',
      values: { network_acl_id: ref('aws_network_acl.private'), rule_number: 100, egress: false, protocol: 'tcp', rule_action: 'allow', cidr_block: '10.1.1.0/24', from_port: 5432, to_port: 5432 },
    },
    {
      address: 'aws_network_acl_rule.private_in["deny"]', awsId: 'nacl-rule-2',
      values: { network_acl_id: ref('aws_network_acl.private'), rule_number: 90, egress: false, protocol: '6', rule_action: 'deny', cidr_block: '10.1.1.200/32', from_port: 5432, to_port: 5432 },
    },
    {
      address: 'aws_network_acl_rule.private_out', awsId: 'nacl-rule-3',
      values: { network_acl_id: ref('aws_network_acl.private'), rule_number: 100, egress: true, protocol: '6', rule_action: 'allow', cidr_block: '10.1.1.0/24', from_port: 1024, to_port: 65535 },
    },
    {
      address: 'aws_security_group.web', awsId: IDS.web,
      values: {
        name: 'web', description: 'web', vpc_id: ref('aws_vpc.main'),
        ingress: [
          sgRule({ protocol: 'tcp', from_port: 443, to_port: 443, cidr_blocks: ['0.0.0.0/0'] }),
          sgRule({ protocol: 'icmp', from_port: 8, to_port: -1, cidr_blocks: ['10.1.0.0/16'] }),
        ],
        egress: [sgRule({ protocol: '-1', from_port: 0, to_port: 0, cidr_blocks: ['0.0.0.0/0'] })],
      },
    },
    { address: 'aws_security_group.db', awsId: IDS.db, values: { name: 'db', description: 'db', vpc_id: ref('aws_vpc.main'), ingress: [], egress: [] } },
    {
      address: 'aws_security_group_rule.db_from_web', awsId: 'sgrule-1',
      values: { type: 'ingress', security_group_id: ref('aws_security_group.db'), protocol: 'tcp', from_port: 5432, to_port: 5432, source_security_group_id: ref('aws_security_group.web'), self: false, cidr_blocks: null },
    },
    {
      address: 'aws_vpc_security_group_egress_rule.db_out', awsId: 'sgr-0e1db0000000000001',
      values: { security_group_id: ref('aws_security_group.db'), ip_protocol: '-1', cidr_ipv4: '0.0.0.0/0' },
    },
    {
      address: 'aws_instance.web', awsId: IDS.webInstance,
      values: {
        subnet_id: ref('aws_subnet.public'), private_ip: '10.1.1.10', vpc_security_group_ids: [ref('aws_security_group.web')],
        associate_public_ip_address: opts.publicIp, source_dest_check: true,
        primary_network_interface_id: IDS.webEni, ...(opts.publicIp ? { public_ip: '54.0.0.10' } : {}),
      },
      computed: ['primary_network_interface_id'],
    },
    {
      address: 'aws_network_interface.db', awsId: IDS.dbEni,
      values: { subnet_id: ref(PRIVATE_SUBNET, 'module.net.private_subnet_id'), private_ip: '10.1.2.20', private_ips: ['10.1.2.20'], security_groups: [ref('aws_security_group.db')], source_dest_check: true },
    },
    {
      address: 'aws_instance.db', awsId: IDS.dbInstance,
      values: { network_interface: [{ network_interface_id: ref('aws_network_interface.db'), device_index: 0 }] },
    },
    {
      address: 'aws_network_interface.extra', awsId: IDS.extraEni,
      values: { subnet_id: ref('aws_subnet.public'), private_ip: '10.1.1.200', private_ips: ['10.1.1.200'], security_groups: [], source_dest_check: true },
    },
    {
      address: 'aws_network_interface_sg_attachment.extra_web', awsId: 'sg-attach-1',
      values: { network_interface_id: ref('aws_network_interface.extra'), security_group_id: ref('aws_security_group.web') },
    },
  ];
}

/** The same network as describe-* JSON (one document with every section). */
export function describeJson(opts: { publicIp: boolean }): Record<string, unknown> {
  const entry = (n: number, egress: boolean, action: string, protocol: string, cidr: string, ports?: [number, number]) => ({
    RuleNumber: n, Egress: egress, RuleAction: action, Protocol: protocol, CidrBlock: cidr, ...(ports ? { PortRange: { From: ports[0], To: ports[1] } } : {}),
  });
  const deny = (egress: boolean) => entry(32767, egress, 'deny', '-1', '0.0.0.0/0');
  const perm = (proto: string, from: number | undefined, to: number | undefined, ranges: string[], groups: string[] = []) => ({
    IpProtocol: proto, ...(from !== undefined ? { FromPort: from, ToPort: to } : {}),
    IpRanges: ranges.map((c) => ({ CidrIp: c })), Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: groups.map((g) => ({ GroupId: g })),
  });
  const eni = (id: string, subnet: string, ip: string, groups: string[], instance?: string, pub?: string) => ({
    NetworkInterfaceId: id, SubnetId: subnet, VpcId: IDS.vpc, InterfaceType: 'interface', RequesterManaged: false, SourceDestCheck: true,
    PrivateIpAddress: ip, PrivateIpAddresses: [{ Primary: true, PrivateIpAddress: ip, ...(pub ? { Association: { PublicIp: pub } } : {}) }],
    ...(pub ? { Association: { PublicIp: pub } } : {}),
    Groups: groups.map((g) => ({ GroupId: g })), Ipv6Addresses: [],
    ...(instance ? { Attachment: { InstanceId: instance, DeviceIndex: 0 } } : {}),
  });
  return {
    Vpcs: [{ VpcId: IDS.vpc, CidrBlock: '10.1.0.0/16', IsDefault: false, CidrBlockAssociationSet: [{ CidrBlock: '10.1.0.0/16' }], Tags: [{ Key: 'Name', Value: 'main' }] }],
    InternetGateways: [{ InternetGatewayId: IDS.igw, Attachments: [{ VpcId: IDS.vpc, State: 'available' }] }],
    Subnets: [
      { SubnetId: IDS.public, VpcId: IDS.vpc, CidrBlock: '10.1.1.0/24' },
      { SubnetId: IDS.private, VpcId: IDS.vpc, CidrBlock: '10.1.2.0/24' },
    ],
    RouteTables: [
      {
        RouteTableId: IDS.rtPublic, VpcId: IDS.vpc, Associations: [{ SubnetId: IDS.public, Main: false }],
        Routes: [
          { DestinationCidrBlock: '10.1.0.0/16', GatewayId: 'local', State: 'active', Origin: 'CreateRouteTable' },
          { DestinationCidrBlock: '0.0.0.0/0', GatewayId: IDS.igw, State: 'active', Origin: 'CreateRoute' },
        ],
      },
      {
        RouteTableId: IDS.rtPrivate, VpcId: IDS.vpc, Associations: [{ SubnetId: IDS.private, Main: false }],
        Routes: [{ DestinationCidrBlock: '10.1.0.0/16', GatewayId: 'local', State: 'active', Origin: 'CreateRouteTable' }],
      },
    ],
    NetworkAcls: [
      {
        NetworkAclId: IDS.aclPublic, VpcId: IDS.vpc, IsDefault: false, Associations: [{ SubnetId: IDS.public }],
        Entries: [
          entry(100, false, 'allow', '6', '0.0.0.0/0', [443, 443]),
          entry(110, false, 'allow', '6', '0.0.0.0/0', [1024, 65535]),
          entry(120, false, 'allow', '-1', '10.1.0.0/16'),
          deny(false),
          entry(100, true, 'allow', '-1', '0.0.0.0/0'),
          deny(true),
        ],
      },
      {
        NetworkAclId: IDS.aclPrivate, VpcId: IDS.vpc, IsDefault: false, Associations: [{ SubnetId: IDS.private }],
        Entries: [
          entry(90, false, 'deny', '6', '10.1.1.200/32', [5432, 5432]),
          entry(100, false, 'allow', '6', '10.1.1.0/24', [5432, 5432]),
          deny(false),
          entry(100, true, 'allow', '6', '10.1.1.0/24', [1024, 65535]),
          deny(true),
        ],
      },
    ],
    SecurityGroups: [
      {
        GroupId: IDS.web, GroupName: 'web', VpcId: IDS.vpc, Description: 'web',
        IpPermissions: [perm('tcp', 443, 443, ['0.0.0.0/0']), perm('icmp', 8, -1, ['10.1.0.0/16'])],
        IpPermissionsEgress: [perm('-1', undefined, undefined, ['0.0.0.0/0'])],
      },
      {
        GroupId: IDS.db, GroupName: 'db', VpcId: IDS.vpc, Description: 'db',
        IpPermissions: [perm('tcp', 5432, 5432, [], [IDS.web])],
        IpPermissionsEgress: [perm('-1', undefined, undefined, ['0.0.0.0/0'])],
      },
    ],
    NetworkInterfaces: [
      eni(IDS.webEni, IDS.public, '10.1.1.10', [IDS.web], IDS.webInstance, opts.publicIp ? '54.0.0.10' : undefined),
      eni(IDS.dbEni, IDS.private, '10.1.2.20', [IDS.db], IDS.dbInstance),
      eni(IDS.extraEni, IDS.public, '10.1.1.200', [IDS.web]),
    ],
  };
}

/** Flows of the table: [from, to, protocol, port, whether it needs the web instance's public address]. */
export const FLOWS: ReadonlyArray<{ from: string; to: string; protocol: string; port?: number; icmpType?: number; needsPublic?: boolean }> = [
  { from: '10.1.1.10', to: '10.1.2.20', protocol: 'tcp', port: 5432 },
  { from: '10.1.1.200', to: '10.1.2.20', protocol: 'tcp', port: 5432 },
  { from: '10.1.2.20', to: '10.1.1.10', protocol: 'tcp', port: 443 },
  { from: '10.1.1.10', to: '10.1.2.20', protocol: 'tcp', port: 22 },
  { from: '10.1.1.10', to: '10.1.2.20', protocol: 'udp', port: 53 },
  { from: '10.1.1.200', to: '10.1.1.10', protocol: 'icmp', icmpType: 8 },
  { from: '10.1.2.20', to: '10.1.1.200', protocol: 'icmp', icmpType: 8 },
  { from: '10.1.1.200', to: '10.1.1.10', protocol: 'tcp', port: 443 },
  { from: '10.1.1.200', to: '10.1.1.10', protocol: 'tcp', port: 22 },
  { from: '10.1.1.200', to: '10.9.0.5', protocol: 'tcp', port: 443 },
  { from: '10.1.2.20', to: '203.0.113.5', protocol: 'tcp', port: 443 },
  { from: '198.51.100.7', to: '54.0.0.10', protocol: 'tcp', port: 443, needsPublic: true },
  { from: '198.51.100.7', to: '54.0.0.10', protocol: 'tcp', port: 22, needsPublic: true },
  { from: '10.1.1.10', to: '203.0.113.5', protocol: 'tcp', port: 443, needsPublic: true },
];
