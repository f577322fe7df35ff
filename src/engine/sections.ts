/**
 * Which describe-* outputs a snapshot holds, and what the engine assumes for each one it lacks. A snapshot
 * is often partial (a user with only some `aws ec2 describe-*` outputs at hand, or a live snapshot taken
 * with --allow-partial): every inference drawn from a missing section is said in the answer's notes, and
 * `vpcwhy snapshot --check` lists them all.
 */
import type { Snapshot } from '../model/snapshot.js';

export interface SnapshotSection {
  /** The top-level key of the describe-* output (`InternetGateways`). */
  readonly key: string;
  /** Other keys that carry the same data (`PrefixLists` for `ManagedPrefixLists`). */
  readonly alternatives?: readonly string[];
  /** The AWS CLI command that prints it. */
  readonly command: string;
  /** The IAM action of the live snapshot taker (as recorded in `VpcwhySnapshot.missing`). */
  readonly permission: string;
  /** What vpcwhy assumes when the section is absent. */
  readonly assumed: string;
  /** The model list it fills: with a snapshot built in code (no record of the keys read), an empty list is taken as absent. */
  readonly list: (s: Snapshot) => readonly unknown[];
}

export const SNAPSHOT_SECTIONS: readonly SnapshotSection[] = [
  { key: 'Vpcs', command: 'describe-vpcs', permission: 'ec2:DescribeVpcs', list: (s) => s.vpcs,
    assumed: 'VPC CIDRs are unknown: an address inside a VPC that no interface has is taken for an outside host, and VPC Block Public Access is taken as off' },
  { key: 'Subnets', command: 'describe-subnets', permission: 'ec2:DescribeSubnets', list: (s) => s.subnets,
    assumed: "subnets are unknown: interfaces' network ACLs (default NACL) and implicit route tables (main table) cannot be found" },
  { key: 'NetworkInterfaces', command: 'describe-network-interfaces', permission: 'ec2:DescribeNetworkInterfaces', list: (s) => s.enis,
    assumed: 'no network interface is known: nothing can be traced or explained' },
  { key: 'SecurityGroups', alternatives: ['SecurityGroupRules'], command: 'describe-security-groups', permission: 'ec2:DescribeSecurityGroups', list: (s) => s.securityGroups,
    assumed: "security groups' rules are unknown: their hops are reported as not evaluated" },
  { key: 'NetworkAcls', command: 'describe-network-acls', permission: 'ec2:DescribeNetworkAcls', list: (s) => s.networkAcls,
    assumed: 'network ACLs are not evaluated: the answer assumes they allow the traffic' },
  { key: 'RouteTables', command: 'describe-route-tables', permission: 'ec2:DescribeRouteTables', list: (s) => s.routeTables,
    assumed: 'routing is not evaluated, and no internet gateway can be inferred from routes' },
  { key: 'InternetGateways', command: 'describe-internet-gateways', permission: 'ec2:DescribeInternetGateways', list: (s) => s.internetGateways,
    assumed: 'an active route to an igw- target proves that gateway is attached to the route table\'s VPC (a detached one shows State blackhole); a VPC without such a route has no known internet gateway' },
  { key: 'EgressOnlyInternetGateways', command: 'describe-egress-only-internet-gateways', permission: 'ec2:DescribeEgressOnlyInternetGateways', list: (s) => s.egressOnlyInternetGateways,
    assumed: 'an active route to an eigw- target proves that egress-only gateway is attached to the route table\'s VPC (a route to a deleted one is a blackhole)' },
  { key: 'NatGateways', command: 'describe-nat-gateways', permission: 'ec2:DescribeNatGateways', list: (s) => s.natGateways,
    assumed: "NAT gateways routed to are not described: the path after them (their subnet's NACL and route table, their public address) is not evaluated" },
  { key: 'VpcPeeringConnections', command: 'describe-vpc-peering-connections', permission: 'ec2:DescribeVpcPeeringConnections', list: (s) => s.peerings,
    assumed: 'peering connections routed to are assumed to join the VPCs and carry the traffic' },
  { key: 'VpnConnections', command: 'describe-vpn-connections', permission: 'ec2:DescribeVpnConnections', list: (s) => s.vpnConnections,
    assumed: 'a virtual private gateway routed to is assumed to deliver (its static VPN routes are unknown)' },
  { key: 'TransitGateways', command: 'describe-transit-gateways', permission: 'ec2:DescribeTransitGateways', list: (s) => s.transitGateways,
    assumed: "transit gateways' names and default route tables are not shown" },
  { key: 'TransitGatewayAttachments', command: 'describe-transit-gateway-attachments', permission: 'ec2:DescribeTransitGatewayAttachments', list: (s) => s.transitGatewayAttachments.filter((a) => a.routeTableId !== null),
    assumed: 'the route table associated with each transit gateway attachment is known only where a route table lists it (Associations); an attachment with none is assumed to be routed to its destination' },
  { key: 'TransitGatewayVpcAttachments', command: 'describe-transit-gateway-vpc-attachments', permission: 'ec2:DescribeTransitGatewayVpcAttachments', list: (s) => s.transitGatewayAttachments.filter((a) => a.subnetIds.length > 0),
    assumed: "the subnets of transit gateway VPC attachments are unknown: their network ACLs, Availability Zones, IPv6 support and appliance mode are not evaluated; without any attachment a transit gateway routed to is assumed to deliver" },
  { key: 'TransitGatewayRouteTables', command: 'describe-transit-gateway-route-tables', permission: 'ec2:DescribeTransitGatewayRouteTables', list: (s) => s.transitGatewayRouteTables.filter((t) => t.transitGatewayId !== ''),
    assumed: 'transit gateway route tables are known only from their routes and propagations' },
  { key: 'TransitGatewayStaticRoutes', command: 'search-transit-gateway-routes', permission: 'ec2:SearchTransitGatewayRoutes', list: (s) => s.transitGatewayRouteTables.filter((t) => t.routes !== null),
    assumed: "a transit gateway route table's static routes and blackholes are unknown: only the routes its propagations imply are evaluated, and without those either the transit gateway is assumed to route the packet to the destination VPC's attachment" },
  { key: 'TransitGatewayPropagations', command: 'get-transit-gateway-route-table-propagations', permission: 'ec2:GetTransitGatewayRouteTablePropagations', list: (s) => s.transitGatewayRouteTables.filter((t) => t.propagations !== null),
    assumed: 'propagated routes are known only as search-transit-gateway-routes lists them' },
  { key: 'VpcEndpoints', command: 'describe-vpc-endpoints', permission: 'ec2:DescribeVpcEndpoints', list: (s) => s.vpcEndpoints,
    assumed: "VPC endpoints are known only by their vpce- route targets and their interfaces: their services are not named" },
  { key: 'ManagedPrefixLists', alternatives: ['PrefixLists'], command: 'describe-managed-prefix-lists', permission: 'ec2:DescribeManagedPrefixLists', list: (s) => s.prefixLists,
    assumed: 'rules and routes that name a prefix list match no address (each is warned about)' },
  { key: 'Reservations', alternatives: ['Instances'], command: 'describe-instances', permission: 'ec2:DescribeInstances', list: (s) => s.instances,
    assumed: 'instance names are not shown' },
];

/** Is the section in the snapshot? */
export function hasSection(snapshot: Snapshot, key: string): boolean {
  const section = SNAPSHOT_SECTIONS.find((s) => s.key === key);
  if (section === undefined) return (snapshot.meta.sections ?? []).includes(key);
  if (snapshot.meta.missing.includes(section.permission)) return false;
  const read = snapshot.meta.sections;
  if (read === undefined) return section.list(snapshot).length > 0;
  return [section.key, ...(section.alternatives ?? [])].some((k) => read.includes(k));
}

/** The sections the snapshot lacks, in the order above. */
export function missingSections(snapshot: Snapshot): SnapshotSection[] {
  return SNAPSHOT_SECTIONS.filter((s) => !hasSection(snapshot, s.key));
}
