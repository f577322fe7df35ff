/**
 * Lookup tables over a Snapshot, built once per run: ENIs by id and address, the NACL and route table
 * of each subnet, the members of each security group (their private IPs, ref 4.2), prefix-list entries.
 */
import type { Cidr, Ip } from '../model/address.js';
import type {
  Eni,
  InternetGateway,
  NatGateway,
  VpnConnection,
  NetworkAcl,
  PrefixList,
  RouteTable,
  SecurityGroup,
  Snapshot,
  Subnet,
  TransitGateway,
  TransitGatewayAttachment,
  TransitGatewayRouteTable,
  Vpc,
  VpcEndpoint,
  VpcPeering,
} from '../model/snapshot.js';
import { cidrContains } from '../net/ip.js';

/**
 * An address as a map key: IPv4 values are numbers and IPv6 values bigints, so the two families never
 * collide, and no string is built on the hot path.
 */
export type IpValue = number | bigint;

export interface SnapshotIndex {
  readonly snapshot: Snapshot;
  readonly vpcById: ReadonlyMap<string, Vpc>;
  readonly subnetById: ReadonlyMap<string, Subnet>;
  readonly eniById: ReadonlyMap<string, Eni>;
  /** Private IPv4 (primary and secondary) and IPv6 addresses of ENIs, keyed by `ip.value`. */
  readonly eniByPrivateIp: ReadonlyMap<IpValue, Eni>;
  /** Public IPv4 / Elastic IPs of ENIs, keyed by `ip.value`. */
  readonly eniByPublicIp: ReadonlyMap<IpValue, Eni>;
  readonly groupById: ReadonlyMap<string, SecurityGroup>;
  /** Private addresses (IPv4 and IPv6) of every ENI that carries the group, as `ip.value`. */
  readonly groupMemberIps: ReadonlyMap<string, ReadonlySet<IpValue>>;
  /** Delegated prefixes of ENIs carrying the group (prefix delegation): members too. */
  readonly groupMemberPrefixes: ReadonlyMap<string, readonly Cidr[]>;
  readonly naclBySubnet: ReadonlyMap<string, NetworkAcl>;
  readonly naclById: ReadonlyMap<string, NetworkAcl>;
  readonly routeTableBySubnet: ReadonlyMap<string, RouteTable>;
  readonly mainRouteTableByVpc: ReadonlyMap<string, RouteTable>;
  readonly prefixListById: ReadonlyMap<string, PrefixList>;
  readonly igwsByVpc: ReadonlyMap<string, readonly InternetGateway[]>;
  readonly natById: ReadonlyMap<string, NatGateway>;
  /** The NAT gateway each of its interfaces belongs to. */
  readonly natIdByEniId: ReadonlyMap<string, string>;
  /** VPN connections by the virtual private gateway they attach to. */
  readonly vpnsByGateway: ReadonlyMap<string, readonly VpnConnection[]>;
  readonly peeringById: ReadonlyMap<string, VpcPeering>;
  readonly instanceNameById: ReadonlyMap<string, string>;
  readonly transitGatewayById: ReadonlyMap<string, TransitGateway>;
  readonly tgwAttachmentById: ReadonlyMap<string, TransitGatewayAttachment>;
  readonly tgwRouteTableById: ReadonlyMap<string, TransitGatewayRouteTable>;
  readonly vpcEndpointById: ReadonlyMap<string, VpcEndpoint>;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

export function indexSnapshot(snapshot: Snapshot): SnapshotIndex {
  const byId = <T extends { id: string }>(items: readonly T[]): Map<string, T> => {
    const m = new Map<string, T>();
    for (const it of items) if (!m.has(it.id)) m.set(it.id, it);
    return m;
  };
  const eniByPrivateIp = new Map<IpValue, Eni>();
  const eniByPublicIp = new Map<IpValue, Eni>();
  const members = new Map<string, Set<IpValue>>();
  const memberPrefixes = new Map<string, Cidr[]>();
  for (const eni of snapshot.enis) {
    for (const ip of [...eni.privateIps, ...eni.ipv6Addresses]) {
      if (!eniByPrivateIp.has(ip.value)) eniByPrivateIp.set(ip.value, eni);
    }
    for (const pub of eni.publicIps) {
      if (!eniByPublicIp.has(pub.publicIp.value)) eniByPublicIp.set(pub.publicIp.value, eni);
    }
    for (const g of eni.groupIds) {
      let set = members.get(g);
      if (!set) members.set(g, (set = new Set()));
      for (const ip of [...eni.privateIps, ...eni.ipv6Addresses]) set.add(ip.value);
      for (const p of [...eni.ipv4Prefixes, ...eni.ipv6Prefixes]) push(memberPrefixes, g, p);
    }
  }
  const naclBySubnet = new Map<string, NetworkAcl>();
  for (const acl of snapshot.networkAcls) for (const s of acl.subnetIds) if (!naclBySubnet.has(s)) naclBySubnet.set(s, acl);
  // A subnet with no explicit association uses the VPC's default NACL (ref 5.1).
  const defaultNaclByVpc = new Map<string, NetworkAcl>();
  for (const acl of snapshot.networkAcls) if (acl.isDefault && !defaultNaclByVpc.has(acl.vpcId)) defaultNaclByVpc.set(acl.vpcId, acl);
  for (const subnet of snapshot.subnets) {
    if (naclBySubnet.has(subnet.id)) continue;
    const d = defaultNaclByVpc.get(subnet.vpcId);
    if (d) naclBySubnet.set(subnet.id, d);
  }
  const routeTableBySubnet = new Map<string, RouteTable>();
  const mainRouteTableByVpc = new Map<string, RouteTable>();
  for (const rt of snapshot.routeTables) {
    for (const s of rt.subnetIds) if (!routeTableBySubnet.has(s)) routeTableBySubnet.set(s, rt);
    if (rt.isMain && !mainRouteTableByVpc.has(rt.vpcId)) mainRouteTableByVpc.set(rt.vpcId, rt);
  }
  // Implicit association: the VPC's main route table (ref 6.1).
  for (const subnet of snapshot.subnets) {
    if (routeTableBySubnet.has(subnet.id)) continue;
    const main = mainRouteTableByVpc.get(subnet.vpcId);
    if (main) routeTableBySubnet.set(subnet.id, main);
  }
  const igwsByVpc = new Map<string, InternetGateway[]>();
  for (const igw of snapshot.internetGateways) for (const v of igw.vpcIds) push(igwsByVpc, v, igw);
  const natIdByEniId = new Map<string, string>();
  for (const nat of snapshot.natGateways) for (const e of nat.eniIds) natIdByEniId.set(e, nat.id);
  const vpnsByGateway = new Map<string, VpnConnection[]>();
  for (const vpn of snapshot.vpnConnections) if (vpn.vpnGatewayId !== null) push(vpnsByGateway, vpn.vpnGatewayId, vpn);
  const instanceNameById = new Map<string, string>();
  for (const inst of snapshot.instances) if (inst.name !== undefined) instanceNameById.set(inst.id, inst.name);
  return {
    snapshot,
    vpcById: byId(snapshot.vpcs),
    subnetById: byId(snapshot.subnets),
    eniById: byId(snapshot.enis),
    eniByPrivateIp,
    eniByPublicIp,
    groupById: byId(snapshot.securityGroups),
    groupMemberIps: members,
    groupMemberPrefixes: memberPrefixes,
    naclBySubnet,
    naclById: byId(snapshot.networkAcls),
    routeTableBySubnet,
    mainRouteTableByVpc,
    prefixListById: byId(snapshot.prefixLists),
    igwsByVpc,
    natById: byId(snapshot.natGateways),
    vpnsByGateway,
    natIdByEniId,
    peeringById: byId(snapshot.peerings),
    instanceNameById,
    transitGatewayById: byId(snapshot.transitGateways),
    tgwAttachmentById: byId(snapshot.transitGatewayAttachments),
    tgwRouteTableById: byId(snapshot.transitGatewayRouteTables),
    vpcEndpointById: byId(snapshot.vpcEndpoints),
  };
}

/** Is the address one of the ENI's own (private IPv4, IPv6, or inside a delegated prefix)? */
export function eniOwnsIp(eni: Eni, ip: Ip): boolean {
  // Indexed loops: explain asks this for every record, and for-of makes an iterator per call.
  const list = ip.family === 4 ? eni.privateIps : eni.ipv6Addresses;
  for (let i = 0; i < list.length; i++) if (list[i]!.value === ip.value) return true;
  const prefixes = ip.family === 4 ? eni.ipv4Prefixes : eni.ipv6Prefixes;
  for (let i = 0; i < prefixes.length; i++) if (cidrContains(prefixes[i]!, ip)) return true;
  return false;
}

/** The VPC whose CIDRs contain the address, if any. */
export function vpcContaining(index: SnapshotIndex, ip: Ip): Vpc | undefined {
  for (const vpc of index.snapshot.vpcs) {
    for (const c of ip.family === 4 ? vpc.cidrs4 : vpc.cidrs6) if (cidrContains(c, ip)) return vpc;
  }
  return undefined;
}

export function subnetContaining(index: SnapshotIndex, vpcId: string, ip: Ip): Subnet | undefined {
  for (const s of index.snapshot.subnets) {
    if (s.vpcId !== vpcId) continue;
    if (ip.family === 4 ? s.cidr4 !== null && cidrContains(s.cidr4, ip) : s.cidrs6.some((c) => cidrContains(c, ip))) return s;
  }
  return undefined;
}
