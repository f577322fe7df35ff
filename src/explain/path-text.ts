/**
 * The sentences of a route hop's explanation code (engine/path/codes.ts): what is wrong (`routeProblem`,
 * the hop's evidence after its table's id) and what would fix it (`routeFix`, null when the fix is to
 * fix the routing the problem names). The engine returns the codes with their data; only here do they
 * become English.
 */
import type { GatewayDetail, RouteExplanation } from '../engine/path/codes.js';
import type { Ip } from '../model/address.js';
import { formatIp } from '../net/ip.js';
import { protocolName } from '../net/protocol.js';

const plural = (n: number, one: string, many: string): string => (n > 1 ? many : one);

function detachedText(gatewayId: string, vpcId: string, listing: string): string {
  return `${gatewayId} is in the snapshot without an attachment to ${vpcId} (${listing}), so it carries no traffic for ${vpcId}`;
}

/** The problem sentence of a code; null for NO_ROUTE and BLACKHOLE_ROUTE, which the route decision says. */
export function routeProblem(e: RouteExplanation): string | null {
  switch (e.code) {
    case 'NO_ROUTE':
    case 'BLACKHOLE_ROUTE':
      return null;
    case 'ROUTE_TARGET_ELSEWHERE':
      return `the route ${e.targetId !== null ? `to ${e.targetId}` : 'found'} does not lead there`;
    case 'ROUTE_TARGET_NOT_INTO_VPC':
      return `the route ${e.targetId !== null ? `to ${e.targetId}` : 'found'} does not lead into ${e.vpcId}`;
    case 'VGW_NO_STATIC_ROUTE': {
      const n = e.vpnIds.length;
      return `${e.vgwId} drops it: its VPN connection${plural(n, '', 's')} ${e.vpnIds.join(', ')} use${plural(n, 's', '')} static routes only, and ${e.staticRoutes.length ? `none of ${e.staticRoutes.join(', ')}` : 'no static route'} contains ${formatIp(e.destination)}`;
    }
    case 'INTERNET_ROUTE_TO_PRIVATE_PEER':
      return `the route to ${e.targetId} leads to the internet, where ${e.eniId}'s private address in ${e.vpcId} cannot be reached`;
    case 'PCX_WRONG_VPC':
      return `${e.pcxId} connects ${e.requesterVpcId} and ${e.accepterVpcId}, not ${e.vpcId}${e.eniId !== undefined ? `, where ${e.eniId} is` : ''}`;
    case 'PCX_NOT_PEER_CIDR':
      return `${e.pcxId} carries only traffic addressed to ${e.peerVpcId}'s CIDRs (${e.cidrs.join(', ')}), and ${formatIp(e.destination)} is in none of them: VPC peering has no transitive or edge-to-edge routing`;
    case 'PCX_NOT_TO_INTERNET':
      return `${e.pcxId} is a VPC peering connection, which carries only traffic to the peer VPC's own addresses, not to the internet`;
    case 'NO_SUBNET_FOR_ADDRESS':
      return `${formatIp(e.destination)} is inside ${e.vpcId}'s CIDR, but no subnet of it contains the address, so the VPC router drops the packet`;
    case 'TGW_ATTACH_IPV6_DISABLED':
      return `${e.attachmentId} attaches ${e.vpcId} to ${e.tgwId} with IPv6 support off, so it carries no IPv6 traffic`;
    case 'TGW_ROUTE_AZ_RESTRICTION':
      return `${e.attachmentId} has no subnet in ${e.availabilityZone}, where ${e.subnetId} is, so the VPC cannot hand the packet to ${e.tgwId} (TGW_ROUTE_AZ_RESTRICTION)`;
    case 'TGW_ATTACH_MISSING_TGW_RTB_ASSOCIATION':
      return `${e.attachmentId} is associated with no route table of ${e.tgwId}, so ${e.tgwId} has no route for what it sends (TGW_ATTACH_MISSING_TGW_RTB_ASSOCIATION)`;
    case 'TGW_NO_ROUTE':
      return `transit gateway route table ${e.tgwRouteTableId} (associated with ${e.attachmentId}) has no route to ${formatIp(e.destination)}, so ${e.tgwId} drops it`;
    case 'TGW_BLACKHOLE_ROUTE':
      return `transit gateway route table ${e.tgwRouteTableId} (associated with ${e.attachmentId}) sends ${formatIp(e.destination)} to a blackhole route${e.routeCidr !== null ? ` (${e.routeCidr})` : ''}, so ${e.tgwId} drops it`;
    case 'TGW_SUBNET_ROUTES_ELSEWHERE':
      return `the route table of ${e.subnetId}, where the transit gateway's interface is, sends ${formatIp(e.destination)} to ${e.targetId}, not into the VPC`;
    case 'ENI_SOURCE_DEST_CHECK_RESTRICTION':
      return `${e.routed ? `the route sends ${formatIp(e.destination)} to ${e.targetId}, but ` : ''}${e.applianceId} has source/destination checking on: it drops traffic that is not addressed to one of its own addresses, so it cannot forward this packet (ENI_SOURCE_DEST_CHECK_RESTRICTION)`;
    case 'VPCE_GATEWAY_PROTOCOL_RESTRICTION':
      return `${e.endpointId} is a gateway endpoint, which carries only TCP and ICMP echo to ${e.service ?? 'its service'}: it drops ${protocolName(e.protocol)} (VPCE_GATEWAY_PROTOCOL_RESTRICTION)`;
    case 'IGW_NOT_FOR_PRIVATE':
      return `${e.igwId} is an internet gateway, and ${e.family === 4 ? 'a private address' : 'this address'} is not on the internet`;
    case 'IGW_NOT_FOR_DESTINATION':
      return `${e.igwId} is an internet gateway, and ${formatIp(e.destination)} is not on the internet`;
    case 'GATEWAY_NOT_ATTACHED':
      return detachedText(e.gatewayId, e.vpcId, e.listing);
    case 'IGW_LISTED_DETACHED':
      return detachedText(e.igwId, e.vpcId, 'describe-internet-gateways');
    case 'IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS':
      return `${e.eniId} has no public IPv4 or Elastic IP address, so ${e.igwId} drops its traffic (IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS)`;
    case 'LOCAL_ROUTE_NO_INTERFACE':
      return `the destination is inside the VPC's own CIDR but no network interface in the snapshot has it`;
    case 'EIGW_IPV6_ONLY':
      return `${e.eigwId} is an egress-only internet gateway, which carries IPv6 only`;
    case 'NAT_PROTOCOL_RESTRICTION':
      return `${e.natId} is a NAT gateway, which translates only TCP, UDP and ICMP: it drops ${protocolName(e.protocol)} traffic`;
    case 'PRIVATE_NAT_AT_IGW':
      return `${e.natId} is a private NAT gateway: ${e.igwId} drops the traffic it sends, which has no public address (AWS "NAT gateways": connectivity types)`;
    case 'NAT_NO_PUBLIC_ADDRESS':
      return `${e.natId} has no public address in the snapshot, so ${e.igwId} cannot translate its traffic`;
    case 'NAT_SUBNET_ROUTE_ELSEWHERE':
      return `the NAT gateway's subnet routes the destination to ${e.targetId}, which does not lead there`;
    case 'NAT_SUBNET_ROUTE_NOT_TO_IGW':
      return `the NAT gateway's subnet routes the destination to ${e.targetId}, not to an internet gateway`;
    case 'IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS':
      return e.others.length > 0
        ? `${formatIp(e.address)} has no public IPv4 or Elastic IP address of its own (${e.eniId}'s ${e.others.map((p) => `${formatIp(p.publicIp)} belongs to ${formatIp(p.privateIp)}`).join(', ')}), so an internet host cannot reach it: the internet gateway translates only public addresses paired with a private one`
        : `${e.eniId} has no public IPv4 or Elastic IP address, so an internet host cannot reach ${formatIp(e.address)}: the internet gateway translates only public addresses paired with a private one`;
    case 'PUBLIC_ADDRESS_FROM_ON_PREMISES':
      return `${formatIp(e.address)} is a public address of ${e.eniId}, reached only over the internet through an internet gateway; an on-premises host at ${formatIp(e.source)} gets there only after a NAT gives it a public address, and a VPN or Direct Connect delivers to private addresses only`;
    case 'NO_ADDRESS_OF_FAMILY':
      return `${e.eniId} has no IPv${e.family} address, so ${formatIp(e.source)} cannot reach it over IPv${e.family}: an internet host reaches an interface only at its public IPv4 or its IPv6 address`;
    case 'NAT_GATEWAY_ADDRESSED':
      return `${e.eniId} belongs to NAT gateway ${e.natId}, which forwards only traffic routed through it (and the replies to connections it translated): it drops a connection addressed to itself`;
    case 'LINK_LOCAL_NO_SERVICE':
      return `${formatIp(e.address)} is a link-local address (${e.address.family === 4 ? '169.254.0.0/16' : 'fd00:ec2::/32'}) that no AWS service answers at: link-local traffic never leaves the host's subnet, and it is never an internet host`;
    case 'RESERVED_ADDRESS_OF_OTHER_VPC':
      return `${formatIp(e.address)} is a reserved address of another VPC (its DNS server or router), which serves that VPC's own interfaces only`;
    case 'IGW_ROUTE_BLACKHOLE':
      return `${e.vpcId} has no internet gateway attached: its route ${e.route.destination} -> ${e.route.targetId} in ${e.route.routeTableId} is a blackhole (the gateway was detached or deleted)`;
    case 'IGW_UNKNOWN':
      return `no route of ${e.vpcId} targets an internet gateway, and the snapshot has no describe-internet-gateways output, so no internet gateway is known for ${e.vpcId} (without a route to one, nothing in it can answer the internet)`;
    case 'IGW_NOT_ATTACHED':
      return `${e.vpcId} has no internet gateway attached, so no internet traffic enters it`;
    case 'ASYMMETRIC_RETURN_TO_INTERNET':
      return `the response to the internet host is routed to ${e.targetId}, not back through ${e.igwId}, so it does not return the way the connection came (asymmetric path)`;
  }
}

/** What would fix the problem of a code, when it is not "fix the routing" (null). */
export function routeFix(e: RouteExplanation): string | null {
  switch (e.code) {
    case 'VGW_NO_STATIC_ROUTE': {
      const dst = formatIp(e.destination);
      return `add a static route for ${dst} to ${e.vpnIds[0]!}${e.vpnIds.length > 1 ? ' (or another of the VPN connections)' : ''} if the site behind it is the way there, or route ${dst} to an internet or NAT gateway instead`;
    }
    case 'INTERNET_ROUTE_TO_PRIVATE_PEER':
      // A public address is offered only when the interface has one (never one it lacks).
      return `route ${e.vpcId}'s CIDR from ${e.fromSubnetId} to a VPC peering connection or transit gateway that reaches ${e.vpcId}${e.publicIp ? `, or use ${e.eniId}'s public address ${formatIp(e.publicIp)}` : ''}`;
    case 'PCX_NOT_PEER_CIDR':
      return `reach ${formatIp(e.destination)} over a transit gateway, a VPN or the network it is in, not through ${e.peerVpcId}`;
    case 'NO_SUBNET_FOR_ADDRESS':
      return `send the traffic to an address in one of ${e.vpcId}'s subnets`;
    case 'TGW_ATTACH_IPV6_DISABLED':
      return `enable IPv6 support on ${e.attachmentId} (aws ec2 modify-transit-gateway-vpc-attachment --transit-gateway-attachment-id ${e.attachmentId} --options Ipv6Support=enable)`;
    case 'TGW_ROUTE_AZ_RESTRICTION':
      return `add a subnet in ${e.availabilityZone} to ${e.attachmentId} (aws ec2 modify-transit-gateway-vpc-attachment --add-subnet-ids ...)`;
    case 'TGW_ATTACH_MISSING_TGW_RTB_ASSOCIATION':
      return `associate ${e.attachmentId} with a route table of ${e.tgwId} (aws ec2 associate-transit-gateway-route-table)`;
    case 'TGW_NO_ROUTE':
      return `add a route for ${formatIp(e.destination)} to ${e.tgwRouteTableId} (a static route, or a propagation from the attachment that reaches it)`;
    case 'TGW_BLACKHOLE_ROUTE':
      return `replace the blackhole route in ${e.tgwRouteTableId} with a route to the attachment that reaches ${formatIp(e.destination)}`;
    case 'ENI_SOURCE_DEST_CHECK_RESTRICTION':
      return `turn source/destination checking off on ${e.applianceId} (aws ec2 modify-network-interface-attribute --network-interface-id ${e.applianceId} --no-source-dest-check) if it is meant to forward traffic, or route ${formatIp(e.destination)} elsewhere`;
    case 'VPCE_GATEWAY_PROTOCOL_RESTRICTION':
      return `use TCP to reach ${e.service ?? 'its service'}, or route ${formatIp(e.destination)} through a NAT or internet gateway instead of ${e.endpointId}`;
    case 'IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS':
      return `give ${e.eniId} a public IPv4 or an Elastic IP address, or route ${formatIp(e.destination)} from ${e.subnetId} to a NAT gateway`;
    case 'NAT_PROTOCOL_RESTRICTION':
      return `a NAT gateway cannot carry ${protocolName(e.protocol)}: give ${e.eniId} a public IP and route the destination to an internet gateway, or tunnel the traffic over TCP or UDP`;
    case 'PRIVATE_NAT_AT_IGW':
      return `route ${formatIp(e.destination)} from ${e.fromSubnetId} to a public NAT gateway, or route ${e.natSubnetId}'s traffic for it to a transit or virtual private gateway`;
    case 'IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS':
      return `associate an Elastic IP address with ${formatIp(e.address)} of ${e.eniId} (or give it a public IPv4), or reach it from inside the VPC or over a VPN`;
    case 'PUBLIC_ADDRESS_FROM_ON_PREMISES':
      return `over a VPN or Direct Connect, use ${e.eniId}'s private address${e.eniPrivateIp ? ` ${formatIp(e.eniPrivateIp)}` : ''}; over the internet, trace from the public address the on-premises network leaves with`;
    case 'NO_ADDRESS_OF_FAMILY':
      return `assign an IPv6 address to ${e.eniId} (its subnet needs an IPv6 CIDR), or reach it over IPv4 at a public address`;
    case 'NAT_GATEWAY_ADDRESSED':
      return `connect to the host behind the NAT gateway instead: a NAT gateway takes no inbound connections (use a load balancer or a public IP on that host)`;
    case 'LINK_LOCAL_NO_SERVICE':
      return `address the service at one of the link-local addresses AWS answers at (169.254.169.254 for instance metadata, 169.254.169.253 for DNS), or at an address in ${e.vpcId}`;
    case 'RESERVED_ADDRESS_OF_OTHER_VPC':
      return `use ${e.vpcId}'s own reserved addresses (its DNS server at the VPC CIDR base plus two) instead of another VPC's`;
    case 'IGW_LISTED_DETACHED':
    case 'IGW_ROUTE_BLACKHOLE':
    case 'IGW_UNKNOWN':
    case 'IGW_NOT_ATTACHED':
      return `attach an internet gateway to ${e.vpcId} and route ${e.subnetId}'s internet traffic (0.0.0.0/0, ::/0) to it`;
    default:
      return null;
  }
}

/** The attachment a transit gateway routes on to, as the trace names it. */
export function tgwNextText(attachmentId: string, resourceType: string | null, resourceId: string | null): string {
  if (resourceType === null) return `${attachmentId}, which the snapshot does not describe`;
  return resourceType === 'vpc' ? `${attachmentId}, the attachment of ${resourceId ?? ''}` : `${attachmentId} (a ${resourceType} attachment${resourceId ? ` to ${resourceId}` : ''})`;
}

/** The evidence of a gateway, service or appliance hop. */
export function gatewayText(d: GatewayDetail): string {
  switch (d.code) {
    case 'APPLIANCE_UNDESCRIBED':
      return `to ${d.targetId}, which the snapshot does not describe: its network ACL, security groups and source/destination check are not evaluated, and beyond it the path is assumed`;
    case 'APPLIANCE_FORWARDS':
      return `forwarded by appliance ${d.applianceId} (source/destination check off); what it does next (its own routes, any NAT) is not in the snapshot, so beyond it the path is assumed`;
    case 'TGW_EXIT_TO_APPLIANCE':
      return `to ${d.targetId}, where ${d.subnetId}'s route table sends the transit gateway's traffic; beyond it the path is assumed`;
    case 'GWLB_ENDPOINT':
      return `to Gateway Load Balancer endpoint ${d.endpointId}${d.service ? ` (${d.service})` : ''}: the appliances behind it are not in the snapshot, so beyond it the path is assumed`;
    case 'VPC_PEERING':
      return `over VPC peering connection ${d.pcxId}`;
    case 'VPN_STATIC_ROUTE':
      return `through ${d.vgwId} over VPN connection ${d.vpnId} (static route ${d.staticRoute})`;
    case 'GATEWAY_ASSUMED':
      return `through ${d.gatewayId}; its own route tables are outside the snapshot and assumed to deliver`;
    case 'GATEWAY_ENDPOINT':
      return `to ${d.service ?? 'its service'} through gateway endpoint ${d.endpointId}; its policy is not evaluated`;
    case 'NAT_UNDESCRIBED':
      return `through NAT gateway ${d.natId}, which the snapshot does not describe; beyond it is not evaluated`;
    case 'NAT_TRANSLATES':
      return `translated by ${d.natId} to its private address ${formatIp(d.privateIp)}${d.publicIp ? ` (and to its public address ${formatIp(d.publicIp)} at the internet gateway)` : d.privateNat ? ' (a private NAT gateway)' : ''}${d.portsRemapped ? `, source port remapped into ${d.portsRemapped.from}-${d.portsRemapped.to}` : ''}`;
    case 'TO_INTERNET':
      return `to the internet through ${d.egressOnly ? 'egress-only gateway ' : ''}${d.gatewayId}${d.from ? `, from ${formatIp(d.from)}` : ''}`;
    case 'FROM_INTERNET':
      return `from the internet through ${d.igwId}`;
    case 'RESPONSE_VIA_EIGW':
      return `the response leaves through egress-only gateway ${d.eigwId}, not ${d.igwId}`;
    case 'AWS_SERVICE':
      return `not filtered by security groups or network ACLs: ${awsServiceText(d)}`;
    case 'LEAVES_VPC':
      return `leaves the VPC through ${d.gatewayId}`;
    case 'FROM_ON_PREMISES':
      return d.routedTo ? `from the on-premises network, which ${d.subnetId} routes to ${d.routedTo}` : `from on-premises host ${d.family === 4 ? 'over a private network' : ''}`.trim();
    case 'TGW_ENTRY':
      return `into ${d.tgwId} through attachment ${d.attachmentId}${d.subnetId ? ` (its interface in ${d.subnetId}${d.availabilityZone ? `, ${d.availabilityZone}` : ''})` : ''}`;
    case 'TGW_BEYOND':
      return `${d.tgwId} routes it to ${tgwNextText(d.attachmentId, d.resourceType, d.resourceId)}; beyond it the path is outside the snapshot and assumed`;
  }
}

/** What an AWS service address is and that nothing filters or logs traffic with it (ref 3). */
export function awsServiceText(d: { readonly address: Ip; readonly service: string; readonly way: 'to' | 'from' }): string {
  return `${formatIp(d.address)} is ${d.service}: security groups and network ACLs do not filter traffic ${d.way} it, and flow logs do not record it`;
}
