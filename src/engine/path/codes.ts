/**
 * Why a route hop denies, as a code with the data that explains it: the engine's answer, in the spirit of
 * Reachability Analyzer's explanation codes (ref 7.3; its own names where it has one, such as
 * IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS). The sentences users read are rendered from these in
 * src/explain/path-text.ts; the engine writes none. Each code implies its `blockedBy.reason` (reasonOf).
 */
import type { Ip } from '../../model/address.js';
import type { RouteReason } from './types.js';

/** A route as data: its destination (a CIDR or prefix list, as written), its target and its table. */
export interface RouteRef {
  readonly destination: string;
  readonly targetId: string;
  readonly routeTableId: string;
}

export type RouteExplanation =
  /** No route of the subnet's table matches the destination (RA ROUTE_NOT_FOUND). */
  | { readonly code: 'NO_ROUTE'; readonly routeTableId: string | null; readonly subnetId: string; readonly destination: Ip }
  /** The matching route's target is gone (State blackhole; RA BLACKHOLE_ROUTE_FOR_DESTINATION_FOUND). */
  | { readonly code: 'BLACKHOLE_ROUTE'; readonly routeTableId: string | null; readonly destination: Ip }
  /** The matching route's target does not lead to the destination (`targetId` null: no target). */
  | { readonly code: 'ROUTE_TARGET_ELSEWHERE'; readonly targetId: string | null }
  | { readonly code: 'ROUTE_TARGET_NOT_INTO_VPC'; readonly targetId: string | null; readonly vpcId: string }
  /** A virtual private gateway whose VPN connections use static routes only, none for the destination. */
  | { readonly code: 'VGW_NO_STATIC_ROUTE'; readonly vgwId: string; readonly vpnIds: readonly string[]; readonly staticRoutes: readonly string[]; readonly destination: Ip }
  /** A private address in another VPC routed to an internet, egress-only or NAT gateway (`publicIp`: the interface's first public address). */
  | { readonly code: 'INTERNET_ROUTE_TO_PRIVATE_PEER'; readonly targetId: string; readonly eniId: string; readonly vpcId: string; readonly fromSubnetId: string; readonly publicIp: Ip | null }
  /** A peering connection that does not join the destination's VPC (`eniId`: the interface there, when one). */
  | { readonly code: 'PCX_WRONG_VPC'; readonly pcxId: string; readonly requesterVpcId: string; readonly accepterVpcId: string; readonly vpcId: string; readonly eniId?: string }
  /** VPC peering carries only traffic to the peer VPC's CIDRs (no transitive or edge-to-edge routing). */
  | { readonly code: 'PCX_NOT_PEER_CIDR'; readonly pcxId: string; readonly peerVpcId: string; readonly cidrs: readonly string[]; readonly destination: Ip }
  | { readonly code: 'PCX_NOT_TO_INTERNET'; readonly pcxId: string }
  /** An address in a VPC's CIDR that no subnet contains. */
  | { readonly code: 'NO_SUBNET_FOR_ADDRESS'; readonly destination: Ip; readonly vpcId: string }
  | { readonly code: 'TGW_ATTACH_IPV6_DISABLED'; readonly attachmentId: string; readonly vpcId: string; readonly tgwId: string }
  | { readonly code: 'TGW_ROUTE_AZ_RESTRICTION'; readonly attachmentId: string; readonly availabilityZone: string; readonly subnetId: string; readonly tgwId: string }
  | { readonly code: 'TGW_ATTACH_MISSING_TGW_RTB_ASSOCIATION'; readonly attachmentId: string; readonly tgwId: string }
  | { readonly code: 'TGW_NO_ROUTE'; readonly tgwRouteTableId: string; readonly attachmentId: string; readonly tgwId: string; readonly destination: Ip }
  | { readonly code: 'TGW_BLACKHOLE_ROUTE'; readonly tgwRouteTableId: string; readonly attachmentId: string; readonly tgwId: string; readonly destination: Ip; readonly routeCidr: string | null }
  /** The route table of the transit gateway's interface subnet sends the packet out of the VPC again. */
  | { readonly code: 'TGW_SUBNET_ROUTES_ELSEWHERE'; readonly subnetId: string; readonly destination: Ip; readonly targetId: string }
  /** `routed`: the route names a destination (not a stand-in decision). */
  | { readonly code: 'ENI_SOURCE_DEST_CHECK_RESTRICTION'; readonly applianceId: string; readonly targetId: string; readonly destination: Ip; readonly routed: boolean }
  /** `service`: the endpoint's service name, null when unknown. */
  | { readonly code: 'VPCE_GATEWAY_PROTOCOL_RESTRICTION'; readonly endpointId: string; readonly service: string | null; readonly protocol: number; readonly destination: Ip }
  /** An internet gateway for a destination that is not on the internet (`family` of the sender's address). */
  | { readonly code: 'IGW_NOT_FOR_PRIVATE'; readonly igwId: string; readonly family: 4 | 6 }
  | { readonly code: 'IGW_NOT_FOR_DESTINATION'; readonly igwId: string; readonly destination: Ip }
  /** A gateway the snapshot lists without an attachment to the VPC. */
  | { readonly code: 'GATEWAY_NOT_ATTACHED'; readonly gatewayId: string; readonly vpcId: string; readonly listing: 'describe-internet-gateways' | 'describe-egress-only-internet-gateways' }
  | { readonly code: 'IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS'; readonly eniId: string; readonly igwId: string; readonly subnetId: string; readonly destination: Ip }
  | { readonly code: 'LOCAL_ROUTE_NO_INTERFACE' }
  | { readonly code: 'EIGW_IPV6_ONLY'; readonly eigwId: string }
  | { readonly code: 'NAT_PROTOCOL_RESTRICTION'; readonly natId: string; readonly protocol: number; readonly eniId: string }
  | { readonly code: 'PRIVATE_NAT_AT_IGW'; readonly natId: string; readonly igwId: string; readonly destination: Ip; readonly fromSubnetId: string; readonly natSubnetId: string }
  | { readonly code: 'NAT_NO_PUBLIC_ADDRESS'; readonly natId: string; readonly igwId: string }
  | { readonly code: 'NAT_SUBNET_ROUTE_ELSEWHERE'; readonly targetId: string }
  | { readonly code: 'NAT_SUBNET_ROUTE_NOT_TO_IGW'; readonly targetId: string }
  /** An internet host to a private IPv4 that has no public address paired with it (`others`: the pairs the interface has). */
  | { readonly code: 'IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS'; readonly address: Ip; readonly eniId: string; readonly others: readonly { readonly publicIp: Ip; readonly privateIp: Ip }[] }
  | { readonly code: 'PUBLIC_ADDRESS_FROM_ON_PREMISES'; readonly address: Ip; readonly eniId: string; readonly source: Ip; readonly eniPrivateIp: Ip | null }
  /** An internet host and an interface without an address of the packet's family. */
  | { readonly code: 'NO_ADDRESS_OF_FAMILY'; readonly eniId: string; readonly family: 4 | 6; readonly source: Ip }
  | { readonly code: 'NAT_GATEWAY_ADDRESSED'; readonly eniId: string; readonly natId: string }
  /** An address AWS serves nothing at, from an interface of `vpcId`. */
  | { readonly code: 'LINK_LOCAL_NO_SERVICE'; readonly address: Ip; readonly vpcId: string }
  | { readonly code: 'RESERVED_ADDRESS_OF_OTHER_VPC'; readonly address: Ip; readonly vpcId: string }
  /** No internet gateway serves the VPC of `subnetId`, the subnet an internet host was to reach. */
  | (IgwMissing & { readonly subnetId: string })
  /** The response to an internet host is routed elsewhere than the internet gateway it came in by. */
  | { readonly code: 'ASYMMETRIC_RETURN_TO_INTERNET'; readonly targetId: string; readonly igwId: string };

/**
 * Why no internet gateway serves a VPC (internetGatewayOf): the one listed lacks the attachment, the
 * routes to one are blackholes, none is known (no describe-internet-gateways output), or none is attached.
 */
export type IgwMissing =
  | { readonly code: 'IGW_LISTED_DETACHED'; readonly igwId: string; readonly vpcId: string }
  | { readonly code: 'IGW_ROUTE_BLACKHOLE'; readonly vpcId: string; readonly route: RouteRef }
  | { readonly code: 'IGW_UNKNOWN'; readonly vpcId: string }
  | { readonly code: 'IGW_NOT_ATTACHED'; readonly vpcId: string };

export type RouteCode = RouteExplanation['code'];

const REASONS: Partial<Record<RouteCode, RouteReason>> = {
  BLACKHOLE_ROUTE: 'blackhole',
  TGW_BLACKHOLE_ROUTE: 'blackhole',
  IGW_ROUTE_BLACKHOLE: 'blackhole',
  TGW_ROUTE_AZ_RESTRICTION: 'no-attachment-in-az',
  ENI_SOURCE_DEST_CHECK_RESTRICTION: 'source-dest-check',
  VPCE_GATEWAY_PROTOCOL_RESTRICTION: 'gateway-drops',
  PRIVATE_NAT_AT_IGW: 'gateway-drops',
  IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS: 'no-public-address',
  IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS: 'no-public-address',
  NO_ADDRESS_OF_FAMILY: 'no-public-address',
};

/** The `blockedBy.reason` of a code (README "vpcwhy trace"): `no-route` unless the code says otherwise. */
export function reasonOf(code: RouteCode): RouteReason {
  return REASONS[code] ?? 'no-route';
}

/**
 * What a gateway, service or appliance hop did with the packet (the `detail` of a GatewayComponent hop),
 * as a code with its data; rendered as the hop's evidence by src/explain/path-text.ts (gatewayText).
 */
export type GatewayDetail =
  /** A route to an appliance the snapshot does not describe; beyond it, assumed. */
  | { readonly code: 'APPLIANCE_UNDESCRIBED'; readonly targetId: string }
  /** An appliance with source/destination checking off forwards the packet; beyond it, assumed. */
  | { readonly code: 'APPLIANCE_FORWARDS'; readonly applianceId: string }
  /** The route table of a transit gateway's interface subnet sends its traffic to an appliance. */
  | { readonly code: 'TGW_EXIT_TO_APPLIANCE'; readonly targetId: string; readonly subnetId: string }
  | { readonly code: 'GWLB_ENDPOINT'; readonly endpointId: string; readonly service: string | null }
  | { readonly code: 'VPC_PEERING'; readonly pcxId: string }
  /** A virtual private gateway with a VPN connection whose static route contains the destination. */
  | { readonly code: 'VPN_STATIC_ROUTE'; readonly vgwId: string; readonly vpnId: string; readonly staticRoute: string }
  /** A gateway whose own routing is outside the snapshot (transit gateway, VGW, Cloud WAN), assumed to deliver. */
  | { readonly code: 'GATEWAY_ASSUMED'; readonly gatewayId: string }
  | { readonly code: 'GATEWAY_ENDPOINT'; readonly endpointId: string; readonly service: string | null }
  | { readonly code: 'NAT_UNDESCRIBED'; readonly natId: string }
  /** `portsRemapped`: the source-port range a NAT gateway translates into, when it remaps ports. */
  | { readonly code: 'NAT_TRANSLATES'; readonly natId: string; readonly privateIp: Ip; readonly publicIp: Ip | null; readonly privateNat: boolean; readonly portsRemapped: { readonly from: number; readonly to: number } | null }
  /** Out through an internet or egress-only gateway (`from`: the public address it leaves with, when a NAT gateway's). */
  | { readonly code: 'TO_INTERNET'; readonly gatewayId: string; readonly egressOnly: boolean; readonly from: Ip | null }
  | { readonly code: 'FROM_INTERNET'; readonly igwId: string }
  | { readonly code: 'RESPONSE_VIA_EIGW'; readonly eigwId: string; readonly igwId: string }
  /** An AWS service address (ref 3): `service` names it (aws-services.ts). */
  | { readonly code: 'AWS_SERVICE'; readonly address: Ip; readonly service: string; readonly way: 'to' | 'from' }
  | { readonly code: 'LEAVES_VPC'; readonly gatewayId: string }
  /** From an on-premises host, over the gateway the subnet routes its range to (`routedTo`), or a private network. */
  | { readonly code: 'FROM_ON_PREMISES'; readonly routedTo: string | null; readonly subnetId: string; readonly family: 4 | 6 }
  | { readonly code: 'TGW_ENTRY'; readonly tgwId: string; readonly attachmentId: string; readonly subnetId: string | null; readonly availabilityZone: string | null }
  /** A transit gateway routes on to an attachment whose far side is outside the snapshot (`resourceType` null: undescribed). */
  | { readonly code: 'TGW_BEYOND'; readonly tgwId: string; readonly attachmentId: string; readonly resourceType: string | null; readonly resourceId: string | null };
