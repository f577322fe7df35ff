import { describe, expect, it } from 'vitest';
import { decodeFlowLogs } from '../../src/aws/decode/flow-logs.js';
import { decodeInstances, decodeReservations } from '../../src/aws/decode/instances.js';
import { decodeInternetGateways } from '../../src/aws/decode/internet-gateways.js';
import { decodeNatGateways } from '../../src/aws/decode/nat-gateways.js';
import { decodePrefixLists } from '../../src/aws/decode/prefix-lists.js';
import { decodeSubnets } from '../../src/aws/decode/subnets.js';
import { decodeVpcPeeringConnections } from '../../src/aws/decode/vpc-peering-connections.js';
import { decodeVpcs } from '../../src/aws/decode/vpcs.js';
import { decodeVpnConnections } from '../../src/aws/decode/vpn-connections.js';
import { formatIp } from '../../src/net/ip.js';
import { awsCliSection, expectDecoded, expectProblems } from './support.js';

const FILE = 'x.json';

describe('decodeVpcs (DescribeVpcs, ref 6.4)', () => {
  it('decodes the AWS CLI example with owners, CIDRs and Name tags', () => {
    const { value } = expectDecoded(decodeVpcs(awsCliSection('describe-vpcs.example1.json', 'Vpcs'), FILE));
    expect(value.map((v) => [v.id, v.ownerId, v.cidrs4.map((c) => c.text), v.isDefault, v.name])).toEqual([
      ['vpc-0e9801d129EXAMPLE', '111122223333', ['30.1.0.0/16'], false, 'Not Shared'],
      ['vpc-06e4ab6c6cEXAMPLE', '222222222222', ['10.0.0.0/16'], false, 'Shared VPC'],
    ]);
  });

  it('takes all IPv4 CIDRs from CidrBlockAssociationSet, the IPv6 ones and the BPA mode (ref 6.4)', () => {
    const vpc = {
      VpcId: 'vpc-1',
      CidrBlock: '10.0.0.0/16',
      CidrBlockAssociationSet: [
        { CidrBlock: '10.0.0.0/16', CidrBlockState: { State: 'associated' } },
        { CidrBlock: '10.1.0.0/16', CidrBlockState: { State: 'associated' } },
        { CidrBlock: '10.2.0.0/16', CidrBlockState: { State: 'disassociated' } },
      ],
      Ipv6CidrBlockAssociationSet: [{ Ipv6CidrBlock: '2600:1f18:aaaa:bb00::/56', Ipv6CidrBlockState: { State: 'associated' } }],
      BlockPublicAccessStates: { InternetGatewayBlockMode: 'block-ingress' },
    };
    const { value: [v] } = expectDecoded(decodeVpcs([vpc], FILE, 'Vpcs', 'eu-west-1'));
    expect(v?.cidrs4.map((c) => c.text)).toEqual(['10.0.0.0/16', '10.1.0.0/16']);
    expect(v?.cidrs6.map((c) => c.text)).toEqual(['2600:1f18:aaaa:bb00::/56']);
    expect(v?.bpaMode).toBe('block-ingress');
    expect(v?.region).toBe('eu-west-1');
  });

  it('falls back to CidrBlock without an association set', () => {
    const { value: [v] } = expectDecoded(decodeVpcs([{ VpcId: 'vpc-1', CidrBlock: '172.31.0.0/16' }], FILE));
    expect(v?.cidrs4.map((c) => c.text)).toEqual(['172.31.0.0/16']);
  });
});

describe('decodeSubnets (DescribeSubnets, ref 6.4)', () => {
  it('decodes the AWS CLI example', () => {
    const { value: [s] } = expectDecoded(decodeSubnets(awsCliSection('describe-subnets.example2.json', 'Subnets'), FILE));
    expect(s).toMatchObject({ id: 'subnet-8EXAMPLE', vpcId: 'vpc-3EXAMPLE', availabilityZone: 'us-east-1d', name: 'MySubnet', cidrs6: [] });
    expect(s?.cidr4?.text).toBe('172.31.80.0/20');
  });

  it('models an IPv6-only subnet with cidr4 null, and its BPA mode', () => {
    const subnet = {
      SubnetId: 'subnet-1',
      VpcId: 'vpc-1',
      Ipv6CidrBlockAssociationSet: [{ Ipv6CidrBlock: '2600:1f18:aaaa:bb01::/64', Ipv6CidrBlockState: { State: 'associated' } }],
      BlockPublicAccessStates: { InternetGatewayBlockMode: 'off' },
    };
    const { value: [s] } = expectDecoded(decodeSubnets([subnet], FILE));
    expect(s).toMatchObject({ cidr4: null, bpaMode: 'off' });
    expect(s?.cidrs6.map((c) => c.text)).toEqual(['2600:1f18:aaaa:bb01::/64']);
  });
});

describe('decodePrefixLists (ref 6.5)', () => {
  it('keeps customer-managed lists without entries as entries null (describe-managed-prefix-lists)', () => {
    const { value } = expectDecoded(decodePrefixLists(awsCliSection('describe-managed-prefix-lists.example1.json', 'PrefixLists'), FILE));
    expect(value.map((p) => [p.id, p.prefixListName, p.addressFamily, p.ownerId, p.entries])).toEqual([
      ['pl-11223344556677aab', 'vpc-ipv6-cidrs', 'IPv6', '123456789012', null],
      ['pl-0123456abcabcabc1', 'vpc-cidrs', 'IPv4', '123456789012', null],
    ]);
  });

  it('attaches an Entries array (get-managed-prefix-list-entries) to its list', () => {
    const entries = awsCliSection('get-managed-prefix-list-entries.example1.json', 'Entries');
    const { value: [pl] } = expectDecoded(decodePrefixLists([{ PrefixListId: 'pl-0123456abcabcabc1', AddressFamily: 'IPv4', Entries: entries }], FILE));
    expect(pl?.entries?.map((c) => c.text)).toEqual(['10.0.0.0/16', '10.2.0.0/16']);
  });

  it('reads AWS-service lists from describe-prefix-lists (Cidrs), inferring the family', () => {
    const { value: [pl] } = expectDecoded(
      decodePrefixLists([{ PrefixListId: 'pl-00a54069', PrefixListName: 'com.amazonaws.us-west-2.dynamodb', Cidrs: ['52.94.28.0/23', '52.94.10.0/24'] }], FILE),
    );
    expect(pl).toMatchObject({ id: 'pl-00a54069', addressFamily: 'IPv4', prefixListName: 'com.amazonaws.us-west-2.dynamodb' });
    expect(pl?.entries?.map((c) => c.text)).toEqual(['52.94.28.0/23', '52.94.10.0/24']);
  });
});

describe('gateways, peerings, instances, flow logs', () => {
  it('decodes internet gateways with their attached VPCs', () => {
    const { value } = expectDecoded(decodeInternetGateways(awsCliSection('describe-internet-gateways.example1.json', 'InternetGateways'), FILE));
    expect(value).toEqual([
      { id: 'igw-0d0fb496b3EXAMPLE', name: 'my-igw', vpcIds: ['vpc-0a60eb65b4EXAMPLE'], source: { file: FILE, path: 'InternetGateways[0]' } },
    ]);
  });

  it('decodes a public NAT gateway: private and public IPs, one ENI', () => {
    const { value: [nat] } = expectDecoded(decodeNatGateways(awsCliSection('describe-nat-gateways.example1.json', 'NatGateways'), FILE));
    expect(nat).toMatchObject({
      id: 'nat-01234567890abcdef',
      vpcId: 'vpc-098eb5ef58EXAMPLE',
      subnetId: 'subnet-655eab5f08EXAMPLE',
      state: 'available',
      connectivityType: 'public',
      eniIds: ['eni-09cc4b2558794f7f9'],
      name: 'public-nat',
    });
    expect(nat?.privateIps.map(formatIp)).toEqual(['10.0.0.211', '10.0.0.74']);
    expect(nat?.publicIps.map(formatIp)).toEqual(['54.85.121.213', '3.211.231.218']);
  });

  it('decodes a private NAT gateway without public IPs', () => {
    const { value: [nat] } = expectDecoded(decodeNatGateways(awsCliSection('describe-nat-gateways.example2.json', 'NatGateways'), FILE));
    expect(nat).toMatchObject({ connectivityType: 'private', publicIps: [] });
    expect(nat?.privateIps).toHaveLength(3);
  });

  it('decodes peering connections with both sides and the status code', () => {
    const { value } = expectDecoded(
      decodeVpcPeeringConnections(awsCliSection('describe-vpc-peering-connections.example1.json', 'VpcPeeringConnections'), FILE),
    );
    expect(value.map((p) => [p.id, p.requesterVpcId, p.accepterVpcId, p.status, p.requesterCidrs.map((c) => c.text), p.accepterCidrs.map((c) => c.text)])).toEqual([
      ['pcx-11122233', 'vpc-123abc45', 'vpc-1a2b3c4d', 'active', ['192.168.0.0/16'], ['10.0.1.0/28']],
      ['pcx-abababab', 'vpc-11aa22bb', 'vpc-33cc44dd', 'pending-acceptance', ['10.0.0.0/28'], []],
    ]);
    expect(value[0]?.name).toBe('Peering-1');
  });

  it('reads all CIDRs of a side from CidrBlockSet', () => {
    const pcx = {
      VpcPeeringConnectionId: 'pcx-1',
      RequesterVpcInfo: { VpcId: 'vpc-a', CidrBlock: '10.130.0.0/16', CidrBlockSet: [{ CidrBlock: '10.130.0.0/16' }, { CidrBlock: '10.131.0.0/16' }] },
      AccepterVpcInfo: { VpcId: 'vpc-b', Ipv6CidrBlockSet: [{ Ipv6CidrBlock: '2600:1f18::/56' }] },
      Status: { Code: 'active' },
    };
    const { value: [p] } = expectDecoded(decodeVpcPeeringConnections([pcx], FILE));
    expect(p?.requesterCidrs.map((c) => c.text)).toEqual(['10.130.0.0/16', '10.131.0.0/16']);
    expect(p?.accepterCidrs.map((c) => c.text)).toEqual(['2600:1f18::/56']);
  });

  it('reads instances from Reservations and from a bare Instances list', () => {
    const { value } = expectDecoded(decodeReservations(awsCliSection('describe-instances.example1.json', 'Reservations'), FILE));
    expect(value.map((i) => [i.id, i.eniIds])).toEqual([['i-1234567890abcdef0', ['eni-1234567890abcdefg']]]);
    expect(value[0]?.source.path).toBe('Reservations[0].Instances[0]');
    const bare = expectDecoded(decodeInstances([{ InstanceId: 'i-1', Tags: [{ Key: 'Name', Value: 'web' }] }], FILE));
    expect(bare.value).toEqual([{ id: 'i-1', name: 'web', eniIds: [], source: { file: FILE, path: 'Instances[0]' } }]);
  });

  it('decodes flow log definitions with their LogFormat', () => {
    const { value } = expectDecoded(decodeFlowLogs(awsCliSection('describe-flow-logs.example1.json', 'FlowLogs'), FILE));
    expect(value.map((f) => [f.id, f.resourceId, f.destinationType, f.trafficType, f.logGroupName, f.logDestination])).toEqual([
      ['fl-aabbccdd112233445', 'subnet-12345678901234567', 'cloud-watch-logs', 'ALL', 'FlowLogGroup', undefined],
      ['fl-01234567890123456', 'vpc-00112233445566778', 's3', 'ACCEPT', undefined, 'arn:aws:s3:::my-flow-log-bucket/custom'],
    ]);
    expect(value[0]?.logFormat).toMatch(/^\$\{version\} \$\{account-id\}/);
  });

  it('requires the ids of gateways, peerings and flow logs', () => {
    expect(expectProblems(decodeInternetGateways([{}], FILE)).map((p) => p.path)).toEqual(['InternetGateways[0].InternetGatewayId']);
    expect(expectProblems(decodeNatGateways([{ VpcId: 'v', SubnetId: 's' }], FILE)).map((p) => p.path)).toEqual(['NatGateways[0].NatGatewayId']);
    expect(expectProblems(decodeVpcPeeringConnections([{ VpcPeeringConnectionId: 'pcx-1', RequesterVpcInfo: {} }], FILE)).map((p) => p.path)).toEqual([
      'VpcPeeringConnections[0].RequesterVpcInfo.VpcId',
      'VpcPeeringConnections[0].AccepterVpcInfo',
    ]);
    expect(expectProblems(decodeFlowLogs([{ ResourceId: 'vpc-1' }], FILE)).map((p) => p.path)).toEqual(['FlowLogs[0].FlowLogId']);
  });
});

describe('decodeVpnConnections (DescribeVpnConnections, ref 6.1)', () => {
  it('reads the gateway, StaticRoutesOnly and the static routes, leaving deleted routes out', () => {
    const { value } = expectDecoded(
      decodeVpnConnections(
        [
          {
            VpnConnectionId: 'vpn-1',
            VpnGatewayId: 'vgw-1',
            State: 'available',
            Options: { StaticRoutesOnly: true },
            Routes: [
              { DestinationCidrBlock: '19.168.0.0/16', State: 'available' },
              { DestinationCidrBlock: '10.9.0.0/16', State: 'deleted' },
            ],
          },
          { VpnConnectionId: 'vpn-2', TransitGatewayId: 'tgw-1', State: 'available' },
        ],
        FILE,
      ),
    );
    expect(value.map((v) => [v.id, v.vpnGatewayId, v.transitGatewayId, v.staticRoutesOnly, v.staticRoutes.map((c) => c.text)])).toEqual([
      ['vpn-1', 'vgw-1', null, true, ['19.168.0.0/16']],
      ['vpn-2', null, 'tgw-1', false, []],
    ]);
  });

  it('names the JSON path of a missing id and warns of an unreadable route', () => {
    expect(expectProblems(decodeVpnConnections([{ VpnGatewayId: 'vgw-1' }], FILE)).map((p) => p.path)).toEqual(['VpnConnections[0].VpnConnectionId']);
    const { value, warnings } = expectDecoded(decodeVpnConnections([{ VpnConnectionId: 'vpn-1', Options: 'x', Routes: [{ DestinationCidrBlock: '19.168.0.0/33' }] }], FILE));
    expect(value[0]?.staticRoutes).toEqual([]);
    expect(value[0]?.staticRoutesOnly).toBe(false);
    expect(warnings.map((w) => w.source.path)).toEqual(['VpnConnections[0].Options', 'VpnConnections[0].Routes[0].DestinationCidrBlock']);
  });
});

describe('values AWS never writes are warned about, not taken silently', () => {
  it('null where a list is expected, an out-of-range NACL rule number, a CIDR of the wrong family, a bad VPC CidrBlock', async () => {
    const { decodeNetworkAcls } = await import('../../src/aws/decode/network-acls.js');
    const { decodeSecurityGroups } = await import('../../src/aws/decode/security-groups.js');
    const acl = expectDecoded(decodeNetworkAcls([
      { NetworkAclId: 'acl-1', VpcId: 'vpc-1', Associations: null, Entries: [{ RuleNumber: 99999999, Protocol: '-1', RuleAction: 'allow', Egress: false, CidrBlock: '0.0.0.0/0' }] },
    ], FILE));
    expect(acl.warnings.map((w) => [w.source.path, w.message])).toEqual([
      ['NetworkAcls[0].Associations', 'null where a list is expected; read as an empty list'],
      ['NetworkAcls[0].Entries[0].RuleNumber', 'rule number 99999999 is outside 1-32766 (32767 and 32768 are the default rules); kept in its place in the order'],
    ]);
    const sg = expectDecoded(decodeSecurityGroups([
      { GroupId: 'sg-1', GroupName: 'x', VpcId: 'vpc-1', IpPermissions: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '::/0' }] }], IpPermissionsEgress: null },
    ], FILE));
    expect(sg.warnings.map((w) => w.message)).toEqual([
      'an IPv6 CIDR in the IPv4 field (IpRanges); read as written',
      'null where a list is expected; read as an empty list',
    ]);
    const v = expectDecoded(decodeVpcs([{ VpcId: 'vpc-1', CidrBlock: 'abc', CidrBlockAssociationSet: [{ CidrBlock: '10.0.0.0/16', CidrBlockState: { State: 'associated' } }] }], FILE));
    expect(v.value[0]?.cidrs4.map((c) => c.text)).toEqual(['10.0.0.0/16']);
    expect(v.warnings.map((w) => w.source.path)).toEqual(['Vpcs[0].CidrBlock']);
  });
});
