import { describe, expect, it } from 'vitest';
import { decodeRouteTables } from '../../src/aws/decode/route-tables.js';
import { awsCliSection, expectDecoded, expectProblems } from './support.js';

const FILE = 'rt.json';

function oneTable(routes: unknown[], associations: unknown[] = []): unknown {
  return [{ RouteTableId: 'rtb-1', VpcId: 'vpc-1', Associations: associations, Routes: routes }];
}

describe('decodeRouteTables (DescribeRouteTables, ref 6.2)', () => {
  it('decodes the AWS CLI example: main tables, the explicit subnet association and a blackhole NAT route', () => {
    const { value, warnings } = expectDecoded(decodeRouteTables(awsCliSection('describe-route-tables.example1.json', 'RouteTables'), FILE));
    expect(value.map((t) => [t.id, t.isMain, t.subnetIds])).toEqual([
      ['rtb-09ba434c1bEXAMPLE', true, []],
      ['rtb-a1eec7de', true, []],
      ['rtb-07a98f76e5EXAMPLE', false, ['subnet-0d3d002af8EXAMPLE']],
    ]);
    expect(value[0]?.routes.map((r) => [r.destination, r.target, r.state, r.origin])).toEqual([
      [{ kind: 'cidr', cidr: expect.objectContaining({ text: '10.0.0.0/16' }) }, { kind: 'local', id: 'local' }, 'active', 'CreateRouteTable'],
      [{ kind: 'cidr', cidr: expect.objectContaining({ text: '0.0.0.0/0' }) }, { kind: 'nat', id: 'nat-06c018cbd8EXAMPLE' }, 'blackhole', 'CreateRoute'],
    ]);
    expect(value[1]?.routes[1]?.target).toEqual({ kind: 'igw', id: 'igw-fEXAMPLE' });
    expect(value[2]?.routes[1]?.source).toEqual({ file: FILE, path: 'RouteTables[2].Routes[1]' });
    expect(warnings).toEqual([]);
  });

  it('recognises every route target kind by its key (ref 6.1)', () => {
    const d = { DestinationCidrBlock: '0.0.0.0/0' };
    const routes = [
      { ...d, GatewayId: 'local' },
      { ...d, GatewayId: 'igw-1' },
      { ...d, GatewayId: 'vgw-1' },
      { ...d, GatewayId: 'vpce-1' },
      { ...d, NatGatewayId: 'nat-1' },
      { ...d, TransitGatewayId: 'tgw-1' },
      { ...d, VpcPeeringConnectionId: 'pcx-1' },
      { ...d, NetworkInterfaceId: 'eni-1' },
      { ...d, InstanceId: 'i-1' },
      { DestinationIpv6CidrBlock: '::/0', EgressOnlyInternetGatewayId: 'eigw-1' },
      { ...d, LocalGatewayId: 'lgw-1' },
      { ...d, CarrierGatewayId: 'cagw-1' },
      { ...d, CoreNetworkArn: 'arn:aws:networkmanager::1:core-network/x' },
      { ...d, InstanceId: 'i-2', InstanceOwnerId: '1', NetworkInterfaceId: 'eni-2' },
    ];
    const { value } = expectDecoded(decodeRouteTables(oneTable(routes), FILE));
    expect(value[0]?.routes.map((r) => r.target.kind)).toEqual([
      'local', 'igw', 'vgw', 'vpce', 'nat', 'tgw', 'pcx', 'eni', 'instance', 'eigw', 'lgw', 'cgw', 'core-network', 'eni',
    ]);
  });

  it('reads prefix-list and IPv6 destinations, and defaults the state to active', () => {
    const routes = [
      { DestinationPrefixListId: 'pl-63a5400a', GatewayId: 'vpce-0s3' },
      { DestinationIpv6CidrBlock: '2001:db8::/56', GatewayId: 'igw-1', State: 'active' },
    ];
    const { value } = expectDecoded(decodeRouteTables(oneTable(routes), FILE));
    expect(value[0]?.routes.map((r) => [r.destination, r.state])).toEqual([
      [{ kind: 'prefix-list', prefixListId: 'pl-63a5400a' }, 'active'],
      [{ kind: 'cidr', cidr: expect.objectContaining({ family: 6, text: '2001:db8::/56' }) }, 'active'],
    ]);
  });

  it('reads gateway (edge) associations into gatewayIds (ref 6.1)', () => {
    const assocs = [
      { Main: false, RouteTableAssociationId: 'rtbassoc-1', GatewayId: 'igw-1', AssociationState: { State: 'associated' } },
      { Main: false, RouteTableAssociationId: 'rtbassoc-2', SubnetId: 'subnet-1', AssociationState: { State: 'disassociated' } },
    ];
    const { value } = expectDecoded(decodeRouteTables(oneTable([], assocs), FILE));
    expect(value[0]).toMatchObject({ isMain: false, gatewayIds: ['igw-1'], subnetIds: [] });
  });

  it('keeps a route whose destination cannot be read as never matching, with a warning naming it', () => {
    const { value, warnings } = expectDecoded(decodeRouteTables(oneTable([{ DestinationCidrBlock: 'x', GatewayId: 'igw-1' }]), FILE));
    expect(value[0]?.routes.map((r) => r.destination)).toEqual([{ kind: 'invalid', text: 'x' }]);
    expect(warnings.map((w) => w.source.path)).toEqual(['RouteTables[0].Routes[0].DestinationCidrBlock']);
  });

  it('requires RouteTableId and VpcId', () => {
    expect(expectProblems(decodeRouteTables([{ Routes: [] }], FILE)).map((p) => p.path)).toEqual([
      'RouteTables[0].RouteTableId',
      'RouteTables[0].VpcId',
    ]);
  });
});
