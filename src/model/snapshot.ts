/**
 * The vendor-neutral network model. Decoders in src/aws/ build these values from describe-* JSON;
 * nothing past the loader sees an AWS shape. No I/O here.
 *
 * Protocols are IANA numbers; -1 means "all protocols". A rule whose protocol could not be understood
 * keeps `protocol: null`: it stays in the model (so rules and evidence stay one-to-one) and never matches,
 * and the loader records a warning for it.
 */
import type { Cidr, IcmpMatch, Ip, PortRange } from './address.js';
import type { SourceRef, Warning } from './warning.js';

export type Direction = 'inbound' | 'outbound';

export interface Tagged {
  /** The `Name` tag, when there is one. */
  readonly name?: string;
}

export interface Vpc extends Tagged {
  readonly id: string;
  readonly ownerId?: string;
  readonly cidrs4: readonly Cidr[];
  readonly cidrs6: readonly Cidr[];
  readonly isDefault: boolean;
  /** VPC Block Public Access mode from BlockPublicAccessStates.InternetGatewayBlockMode. */
  readonly bpaMode?: BpaMode;
  readonly region?: string;
  readonly source: SourceRef;
}

export type BpaMode = 'off' | 'block-bidirectional' | 'block-ingress';

export interface Subnet extends Tagged {
  readonly id: string;
  readonly vpcId: string;
  readonly cidr4: Cidr | null;
  readonly cidrs6: readonly Cidr[];
  readonly availabilityZone?: string;
  readonly bpaMode?: BpaMode;
  readonly source: SourceRef;
}

export interface PublicIpAssociation {
  readonly publicIp: Ip;
  /** The private IPv4 the public (or Elastic) IP maps to. */
  readonly privateIp: Ip;
}

export interface Eni extends Tagged {
  readonly id: string;
  readonly subnetId: string;
  readonly vpcId: string;
  readonly description?: string;
  /** InterfaceType: interface, natGateway, vpc_endpoint, network_load_balancer, transit_gateway, ... */
  readonly interfaceType: string;
  readonly requesterManaged: boolean;
  readonly sourceDestCheck: boolean;
  readonly instanceId?: string;
  /** Primary private IPv4 first, then the secondaries. */
  readonly privateIps: readonly Ip[];
  readonly primaryPrivateIp: Ip | null;
  readonly ipv6Addresses: readonly Ip[];
  /** Prefix delegation: addresses inside these belong to the ENI too. */
  readonly ipv4Prefixes: readonly Cidr[];
  readonly ipv6Prefixes: readonly Cidr[];
  readonly publicIps: readonly PublicIpAssociation[];
  /** Security groups on this ENI, in input order. Empty means no SG filtering (NAT gateway, TGW ENIs). */
  readonly groupIds: readonly string[];
  readonly source: SourceRef;
}

/** The peer of a security-group rule: the source of an inbound rule, the destination of an outbound one. */
export type SgPeer =
  | { readonly kind: 'cidr'; readonly cidr: Cidr }
  | { readonly kind: 'prefix-list'; readonly prefixListId: string }
  | {
      readonly kind: 'group';
      readonly groupId: string;
      readonly userId?: string;
      readonly vpcId?: string;
      readonly peeringConnectionId?: string;
    }
  /** A peer the loader could not understand; never matches (with a warning). */
  | { readonly kind: 'invalid'; readonly text: string };

export interface SgRule {
  readonly groupId: string;
  /** `sgr-...` when known (DescribeSecurityGroupRules, or the snapshot taker). */
  readonly ruleId?: string;
  readonly direction: Direction;
  /** IANA number, -1 for all, null when unreadable (never matches). */
  readonly protocol: number | null;
  /** For tcp/udp: the port range (null = all ports). Ignored for other protocols. */
  readonly ports: PortRange | null;
  /** For icmp/icmpv6: the type/code (null = all). Ignored for other protocols. */
  readonly icmp: IcmpMatch | null;
  readonly peer: SgPeer;
  readonly description?: string;
  readonly source: SourceRef;
}

export interface SecurityGroup extends Tagged {
  readonly id: string;
  readonly groupName: string;
  readonly vpcId?: string;
  readonly ownerId?: string;
  readonly description?: string;
  /** One rule per source element (an IpPermission with 3 CIDRs gives 3 rules). */
  readonly inbound: readonly SgRule[];
  readonly outbound: readonly SgRule[];
  readonly source: SourceRef;
}

export type NaclAction = 'allow' | 'deny';

export interface NaclEntry {
  readonly ruleNumber: number;
  readonly action: NaclAction;
  readonly direction: Direction;
  /** IANA number, -1 for all, null when unreadable (never matches). */
  readonly protocol: number | null;
  /** CidrBlock or Ipv6CidrBlock; null when unreadable (never matches). */
  readonly cidr: Cidr | null;
  readonly ports: PortRange | null;
  readonly icmp: IcmpMatch | null;
  readonly source: SourceRef;
}

export interface NetworkAcl extends Tagged {
  readonly id: string;
  readonly vpcId: string;
  readonly isDefault: boolean;
  readonly subnetIds: readonly string[];
  /** Entries in input order, both directions mixed as AWS prints them. Evaluators sort. */
  readonly entries: readonly NaclEntry[];
  readonly source: SourceRef;
}

export type RouteTargetKind =
  | 'local'
  | 'igw'
  | 'eigw'
  | 'nat'
  | 'pcx'
  | 'tgw'
  | 'vpce'
  | 'eni'
  | 'instance'
  | 'vgw'
  | 'lgw'
  | 'cgw'
  | 'core-network'
  | 'other';

export interface RouteTarget {
  readonly kind: RouteTargetKind;
  /** The target id (`igw-...`, `nat-...`, `local`, ...). */
  readonly id: string;
}

export type RouteDestination =
  | { readonly kind: 'cidr'; readonly cidr: Cidr }
  | { readonly kind: 'prefix-list'; readonly prefixListId: string }
  /** A destination the loader could not read: kept (with a warning), never matches. */
  | { readonly kind: 'invalid'; readonly text: string };

export type RouteState = 'active' | 'blackhole' | 'filtered';

export interface Route {
  readonly destination: RouteDestination;
  readonly target: RouteTarget;
  readonly state: RouteState;
  /** CreateRouteTable | CreateRoute | EnableVgwRoutePropagation | Advertisement */
  readonly origin?: string;
  readonly source: SourceRef;
}

export interface RouteTable extends Tagged {
  readonly id: string;
  readonly vpcId: string;
  readonly isMain: boolean;
  readonly subnetIds: readonly string[];
  /** Edge associations (gateway route tables): igw-/vgw- ids. */
  readonly gatewayIds: readonly string[];
  readonly routes: readonly Route[];
  readonly source: SourceRef;
}

export interface PrefixList extends Tagged {
  readonly id: string;
  readonly prefixListName?: string;
  readonly addressFamily?: 'IPv4' | 'IPv6';
  readonly ownerId?: string;
  /** null when the snapshot has the list but not its entries (then it never matches, with a warning). */
  readonly entries: readonly Cidr[] | null;
  readonly source: SourceRef;
}

export interface InternetGateway extends Tagged {
  readonly id: string;
  /** VPCs it is attached to (attachment state available / attached). */
  readonly vpcIds: readonly string[];
  readonly source: SourceRef;
}

export interface NatGateway extends Tagged {
  readonly id: string;
  readonly vpcId: string;
  readonly subnetId: string;
  readonly state: string;
  readonly connectivityType: 'public' | 'private';
  readonly eniIds: readonly string[];
  readonly privateIps: readonly Ip[];
  readonly publicIps: readonly Ip[];
  readonly source: SourceRef;
}

/**
 * A Site-to-Site VPN connection (DescribeVpnConnections), for what a virtual private gateway can deliver:
 * with static routes only, nothing outside `staticRoutes` (ref 6.1).
 */
export interface VpnConnection extends Tagged {
  readonly id: string;
  readonly vpnGatewayId: string | null;
  readonly transitGatewayId: string | null;
  readonly state: string;
  /** Options.StaticRoutesOnly: no BGP, so the VPN routes exactly `staticRoutes`. */
  readonly staticRoutesOnly: boolean;
  /** Routes[] that are not deleted or failed. */
  readonly staticRoutes: readonly Cidr[];
  readonly source: SourceRef;
}

export interface VpcPeering extends Tagged {
  readonly id: string;
  readonly requesterVpcId: string;
  readonly accepterVpcId: string;
  readonly requesterCidrs: readonly Cidr[];
  readonly accepterCidrs: readonly Cidr[];
  readonly status: string;
  readonly source: SourceRef;
}

/** A transit gateway (DescribeTransitGateways). */
export interface TransitGateway extends Tagged {
  readonly id: string;
  readonly state: string;
  readonly ownerId?: string;
  /** Options.AssociationDefaultRouteTableId / PropagationDefaultRouteTableId, when default association / propagation is on. */
  readonly associationDefaultRouteTableId?: string;
  readonly propagationDefaultRouteTableId?: string;
  readonly source: SourceRef;
}

/**
 * A transit gateway attachment (DescribeTransitGatewayAttachments and, for VPCs,
 * DescribeTransitGatewayVpcAttachments, merged by id).
 */
export interface TransitGatewayAttachment extends Tagged {
  readonly id: string;
  readonly transitGatewayId: string;
  /** ResourceType: vpc, vpn, direct-connect-gateway, connect, peering, tgw-peering, ... */
  readonly resourceType: string;
  /** The VPC id for a VPC attachment, the VPN connection id for a VPN, ... ('' when unknown). */
  readonly resourceId: string;
  readonly state: string;
  /** The route table it is associated with (Association.TransitGatewayRouteTableId), null when none is known. */
  readonly routeTableId: string | null;
  /** VPC attachments: the subnets the transit gateway has an interface in, one per Availability Zone. */
  readonly subnetIds: readonly string[];
  /** VPC attachments: Options.ApplianceModeSupport is enable. */
  readonly applianceMode: boolean;
  /** VPC attachments: Options.Ipv6Support is enable. */
  readonly ipv6Support: boolean;
  readonly source: SourceRef;
}

export type TransitGatewayRouteState = 'active' | 'blackhole' | 'other';

/** A route of a transit gateway route table (SearchTransitGatewayRoutes), or one derived from a propagation. */
export interface TransitGatewayRoute {
  readonly destination: RouteDestination;
  /** The attachments it leads to (several with ECMP); empty for a blackhole. */
  readonly attachmentIds: readonly string[];
  readonly type: 'static' | 'propagated';
  readonly state: TransitGatewayRouteState;
  readonly source: SourceRef;
}

export interface TransitGatewayRouteTable extends Tagged {
  readonly id: string;
  /** '' when the table is known only from its routes or propagations. */
  readonly transitGatewayId: string;
  readonly state: string;
  readonly defaultAssociation: boolean;
  readonly defaultPropagation: boolean;
  /** Attachment ids associated with it (besides those whose Association names it). */
  readonly associations: readonly string[];
  /** Attachment ids whose routes propagate into it; null when the snapshot does not say. */
  readonly propagations: readonly string[] | null;
  /** Its routes as SearchTransitGatewayRoutes prints them; null when the snapshot does not have them. */
  readonly routes: readonly TransitGatewayRoute[] | null;
  readonly source: SourceRef;
}

/** A VPC endpoint (DescribeVpcEndpoints): names and notes; gateway endpoints are routed to by their vpce- id. */
export interface VpcEndpoint extends Tagged {
  readonly id: string;
  /** VpcEndpointType: Gateway, Interface, GatewayLoadBalancer. */
  readonly type: string;
  readonly vpcId: string;
  readonly serviceName: string;
  readonly state: string;
  /** Has a PolicyDocument (which vpcwhy does not evaluate). */
  readonly hasPolicy: boolean;
  readonly routeTableIds: readonly string[];
  readonly subnetIds: readonly string[];
  readonly groupIds: readonly string[];
  readonly eniIds: readonly string[];
  readonly source: SourceRef;
}

export interface Instance extends Tagged {
  readonly id: string;
  readonly eniIds: readonly string[];
  readonly source: SourceRef;
}

/** A flow log definition (DescribeFlowLogs): its LogFormat tells how to read CloudWatch records. */
export interface FlowLogDefinition {
  readonly id: string;
  readonly resourceId?: string;
  readonly logFormat?: string;
  readonly logGroupName?: string;
  readonly logDestination?: string;
  readonly destinationType?: string;
  readonly trafficType?: string;
  readonly source: SourceRef;
}

export interface SnapshotMeta {
  /** ISO time the snapshot was taken, when known (vpcwhy's own snapshot writer records it). */
  readonly capturedAt?: string;
  readonly regions: readonly string[];
  /** describe-* calls that could not be made (a partial snapshot taken with --allow-partial). */
  readonly missing: readonly string[];
  readonly files: readonly string[];
  /**
   * The top-level describe-* keys the snapshot's files held (`InternetGateways`, ...), to tell a section
   * that is absent from one that is empty. Undefined for a snapshot built in code.
   */
  readonly sections?: readonly string[];
}

export interface Snapshot {
  readonly vpcs: readonly Vpc[];
  readonly subnets: readonly Subnet[];
  readonly enis: readonly Eni[];
  readonly securityGroups: readonly SecurityGroup[];
  readonly networkAcls: readonly NetworkAcl[];
  readonly routeTables: readonly RouteTable[];
  readonly prefixLists: readonly PrefixList[];
  readonly internetGateways: readonly InternetGateway[];
  /** DescribeEgressOnlyInternetGateways (IPv6 outbound only): the same shape as internet gateways. */
  readonly egressOnlyInternetGateways: readonly InternetGateway[];
  readonly natGateways: readonly NatGateway[];
  readonly vpnConnections: readonly VpnConnection[];
  readonly peerings: readonly VpcPeering[];
  readonly transitGateways: readonly TransitGateway[];
  readonly transitGatewayAttachments: readonly TransitGatewayAttachment[];
  readonly transitGatewayRouteTables: readonly TransitGatewayRouteTable[];
  readonly vpcEndpoints: readonly VpcEndpoint[];
  readonly instances: readonly Instance[];
  readonly flowLogs: readonly FlowLogDefinition[];
  readonly warnings: readonly Warning[];
  readonly meta: SnapshotMeta;
}

export function emptySnapshot(): Snapshot {
  return {
    vpcs: [],
    subnets: [],
    enis: [],
    securityGroups: [],
    networkAcls: [],
    routeTables: [],
    prefixLists: [],
    internetGateways: [],
    egressOnlyInternetGateways: [],
    natGateways: [],
    vpnConnections: [],
    peerings: [],
    transitGateways: [],
    transitGatewayAttachments: [],
    transitGatewayRouteTables: [],
    vpcEndpoints: [],
    instances: [],
    flowLogs: [],
    warnings: [],
    meta: { regions: [], missing: [], files: [] },
  };
}
