/**
 * Gateways and targets a route leads to: VPN (virtual private gateway), VPC peering, NAT gateways,
 * gateway and Gateway Load Balancer endpoints, appliances, and the internet gateway inbound (ref 6.1, 8.11, 8.12).
 */
import type { Ip } from '../../model/address.js';
import type { Packet } from '../../model/flow.js';
import type { Eni, NatGateway } from '../../model/snapshot.js';
import { ICMP, ICMPV6, TCP, hasPorts, protocolName } from '../../net/protocol.js';
import { cidrContains, formatIp } from '../../net/ip.js';
import type { RouteDecision } from '../route.js';
import { type SnapshotIndex, eniOwnsIp } from '../snapshot-index.js';
import { internetGatewayOf } from '../internet-gateway.js';
import { hasSection } from '../sections.js';
import { NAT_PORTS, type PathBuilder, privatePartner, reversePacket, subnetOf } from './legs.js';
import type { RouteExplanation } from './codes.js';
import type { Endpoint, PathLeg } from './types.js';

/**
 * What the snapshot says of a virtual private gateway's routes towards `dst`: its available VPN
 * connections with static routes only deliver just their static prefixes (a VGW drops traffic to
 * prefixes it does not know). `unknown` when it has no VPN connection in the snapshot or one uses BGP.
 */
export function vgwRouting(index: SnapshotIndex, vgwId: string, dst: Ip): { kind: 'unknown' } | { kind: 'drops'; explanation: RouteExplanation } | { kind: 'routes'; vpnId: string; staticRoute: string } {
  const vpns = (index.vpnsByGateway.get(vgwId) ?? []).filter((v) => v.state === 'available' || v.state === '');
  if (vpns.length === 0 || vpns.some((v) => !v.staticRoutesOnly)) return { kind: 'unknown' };
  for (const v of vpns) {
    const route = v.staticRoutes.find((c) => cidrContains(c, dst));
    if (route) return { kind: 'routes', vpnId: v.id, staticRoute: route.text };
  }
  const known = [...new Set(vpns.flatMap((v) => v.staticRoutes.map((c) => c.text)))];
  return { kind: 'drops', explanation: { code: 'VGW_NO_STATIC_ROUTE', vgwId, vpnIds: vpns.map((v) => v.id), staticRoutes: known, destination: dst } };
}

/** The NAT gateway an ENI belongs to (its id), or null for any other ENI. */
export function natGatewayOfEni(index: SnapshotIndex, eni: Eni): string | null {
  const nat = index.natIdByEniId.get(eni.id);
  if (nat !== undefined) return nat;
  return eni.interfaceType === 'nat_gateway' || eni.interfaceType === 'natGateway' ? eni.id : null;
}

/**
 * A route whose target is a network interface or an instance (a NAT instance, a firewall): AWS delivers
 * the packet to that interface, whose subnet's NACL and security groups judge it inbound, and which
 * forwards it only with source/destination checking off (ref 7.3 ENI_SOURCE_DEST_CHECK_RESTRICTION; AWS
 * "NAT instances"), its groups judging it outbound again. What the appliance does next (its own routes, NAT)
 * and the way back are not in the snapshot: the answer holds as far as the appliance, and says so.
 */
export function throughAppliance(b: PathBuilder, a: Eni, d: RouteDecision, packet: Packet): void {
  const index = b.index;
  const t = d.target!;
  const appliance = t.kind === 'eni'
    ? index.eniById.get(t.id)
    : index.snapshot.enis.find((e) => e.instanceId === t.id && e.vpcId === a.vpcId) ?? index.snapshot.enis.find((e) => e.instanceId === t.id);
  b.beyond = appliance?.id ?? t.id;
  if (!appliance) {
    b.gateway('forward', 'appliance', t.id, { code: 'APPLIANCE_UNDESCRIBED', targetId: t.id }, packet);
    b.note(`The route sends the packet to ${t.id}, which is not in the snapshot: the answer holds as far as ${t.id}, and beyond it (the appliance's own routes and any NAT it does, and the way back) is assumed, not evaluated.`);
    return;
  }
  if (appliance.subnetId === a.subnetId) b.naclSkip('forward', appliance.subnetId, 'inbound', packet);
  else b.nacl('forward', appliance.subnetId, 'inbound', packet);
  b.sg('forward', appliance, 'inbound', packet, false);
  if (appliance.sourceDestCheck && !eniOwnsIp(appliance, packet.dst)) {
    b.routeHop('forward', a.subnetId, d, packet, { code: 'ENI_SOURCE_DEST_CHECK_RESTRICTION', applianceId: appliance.id, targetId: t.id, destination: packet.dst, routed: d.route !== null });
    return;
  }
  b.sg('forward', appliance, 'outbound', packet, false);
  b.gateway('forward', 'appliance', appliance.id, { code: 'APPLIANCE_FORWARDS', applianceId: appliance.id }, packet);
  b.note(`Reachable as far as the appliance ${appliance.id}: the route sends the packet to it, and what it does next (its own routes, any NAT it applies) and the way back are not in the snapshot, so beyond it the path is assumed, not evaluated; its groups were judged on the packet as it arrived.`);
}

/**
 * VPC peering carries only traffic addressed to the peer VPC's CIDRs (the ones the connection lists): no
 * transitive routing through the peer, and no edge-to-edge routing to its gateways, VPN or on-premises
 * networks (AWS "VPC peering limitations"). Null when it carries it, or when the snapshot cannot tell.
 */
export function peeringCarries(index: SnapshotIndex, pcxId: string, fromVpc: string, dst: Ip): RouteExplanation | null {
  const pcx = index.peeringById.get(pcxId);
  if (!pcx) return null;
  const peerVpc = pcx.requesterVpcId === fromVpc ? pcx.accepterVpcId : pcx.requesterVpcId;
  const listed = pcx.requesterVpcId === fromVpc ? pcx.accepterCidrs : pcx.requesterCidrs;
  const vpc = index.vpcById.get(peerVpc);
  const cidrs = listed.length > 0 ? listed : vpc ? [...vpc.cidrs4, ...vpc.cidrs6] : [];
  if (cidrs.length === 0 || cidrs.some((c) => cidrContains(c, dst))) return null;
  return { code: 'PCX_NOT_PEER_CIDR', pcxId: pcx.id, peerVpcId: peerVpc, cidrs: cidrs.map((c) => c.text), destination: dst };
}

export function noteGateway(b: PathBuilder, leg: PathLeg, d: RouteDecision, packet: Packet): void {
  const t = d.target;
  if (!t || d.outcome !== 'forward') return;
  const vgw = t.kind === 'vgw' ? vgwRouting(b.index, t.id, packet.dst) : null;
  if (t.kind === 'pcx') {
    b.gateway(leg, 'vpc-peering', t.id, { code: 'VPC_PEERING', pcxId: t.id }, packet);
    if (!b.index.peeringById.has(t.id)) {
      b.note(`${t.id} is not in the snapshot${hasSection(b.index.snapshot, 'VpcPeeringConnections') ? '' : ' (it has no describe-vpc-peering-connections output)'}: vpcwhy assumes the peering connection is active and joins the two VPCs.`);
    }
  }
  else if (vgw?.kind === 'routes') b.gateway(leg, 'gateway', t.id, { code: 'VPN_STATIC_ROUTE', vgwId: t.id, vpnId: vgw.vpnId, staticRoute: vgw.staticRoute }, packet);
  else if (vgw?.kind === 'drops') return; // the route hop already says why
  else if (t.kind === 'tgw' || t.kind === 'vgw' || t.kind === 'core-network') {
    b.gateway(leg, 'gateway', t.id, { code: 'GATEWAY_ASSUMED', gatewayId: t.id }, packet);
    b.notes.push(`Routing inside ${t.id} is not evaluated: vpcwhy assumes it delivers the packet.`);
  }
}

/**
 * A route to a VPC endpoint (ref 6.1): a gateway endpoint (S3, DynamoDB) carries the packet to its service
 * for the addresses of the service's prefix list, TCP or ICMP echo only (ref 7.3
 * VPCE_GATEWAY_PROTOCOL_RESTRICTION), and its policy is not evaluated (noted); a Gateway Load Balancer
 * endpoint hands it to the appliances behind it, beyond which the path is assumed. False when the path
 * ends here (dropped, or beyond an appliance).
 */
export function throughGatewayEndpoint(b: PathBuilder, a: Eni, d: RouteDecision, packet: Packet): boolean {
  const id = d.target!.id;
  const ep = b.index.vpcEndpointById.get(id);
  if (ep?.type === 'GatewayLoadBalancer') {
    b.beyond = id;
    b.gateway('forward', 'appliance', id, { code: 'GWLB_ENDPOINT', endpointId: id, service: ep.serviceName ? ep.serviceName : null }, packet);
    b.note(`The route sends the packet to Gateway Load Balancer endpoint ${id}: the answer holds as far as ${id}, and what its appliances do (and the way back) is assumed, not evaluated.`);
    return false;
  }
  const service = ep?.serviceName ? ep.serviceName : 'its service';
  const echo = (packet.protocol === ICMP && packet.icmpType === 8) || (packet.protocol === ICMPV6 && packet.icmpType === 128);
  if (packet.protocol !== TCP && !echo) {
    b.routeHop('forward', a.subnetId, d, packet, { code: 'VPCE_GATEWAY_PROTOCOL_RESTRICTION', endpointId: id, service: ep?.serviceName ? ep.serviceName : null, protocol: packet.protocol, destination: packet.dst });
    return false;
  }
  b.gateway('forward', 'gateway', id, { code: 'GATEWAY_ENDPOINT', endpointId: id, service: ep?.serviceName ? ep.serviceName : null }, packet);
  b.note(ep
    ? `The policy of gateway endpoint ${id} (${service}) is not evaluated: vpcwhy assumes it allows the request${ep.hasPolicy ? '' : ' (the snapshot has no policy document for it)'}.`
    : `${id} is not described${hasSection(b.index.snapshot, 'VpcEndpoints') ? ' in the snapshot' : ' (the snapshot has no describe-vpc-endpoints output)'}: vpcwhy takes it for a gateway endpoint to the service of the route's prefix list, and does not evaluate its policy.`);
  return true;
}

/**
 * Through a NAT gateway (ref 8.11): its subnet's NACL inbound, the translation to its private address (and,
 * at the internet gateway, to its public one), its subnet's route and NACL outbound. It remaps the source
 * port into 1024-65535, so the NACLs the response meets before it is translated back are judged over that
 * range. A public address of an interface in the snapshot is traced in to it (the hairpin): its subnet's
 * NACL and its groups see the NAT gateway's public address as the source. A private NAT gateway's traffic
 * is dropped by an internet gateway (AWS "NAT gateways", connectivity types).
 */
export function throughNat(b: PathBuilder, a: Eni, natId: string, dst: Endpoint, packet: Packet, reply: Packet, hasResponse: boolean): void {
  const index = b.index;
  const nat: NatGateway | undefined = index.natById.get(natId);
  if (!nat) {
    b.gateway('forward', 'nat-gateway', natId, { code: 'NAT_UNDESCRIBED', natId }, packet);
    b.note(`NAT gateway ${natId} is not in the snapshot${hasSection(index.snapshot, 'NatGateways') ? '' : ' (it has no describe-nat-gateways output)'}: the path after it is not evaluated.`);
    if (hasResponse) {
      b.nacl('return', a.subnetId, 'inbound', reply);
      b.sg('return', a, 'inbound', reply, true);
    }
    return;
  }
  const natIp = nat.privateIps.find((ip) => ip.family === packet.src.family) ?? packet.src;
  const natPublic = nat.connectivityType === 'public' ? nat.publicIps.find((ip) => ip.family === packet.src.family) : undefined;
  const sameSubnet = nat.subnetId === a.subnetId;
  const remaps = hasPorts(packet.protocol) && packet.srcPort !== null;
  // The port the NAT gateway picks is its own: the one shown is the sender's, moved into the range.
  const natPort = remaps ? Math.min(Math.max(packet.srcPort ?? NAT_PORTS.from, NAT_PORTS.from), NAT_PORTS.to) : packet.srcPort;
  if (sameSubnet) b.naclSkip('forward', nat.subnetId, 'inbound', packet);
  else b.nacl('forward', nat.subnetId, 'inbound', packet);
  const translated = { privateIp: natIp, publicIp: natPublic ?? null, privateNat: nat.connectivityType === 'private', portsRemapped: remaps ? NAT_PORTS : null };
  b.gateway('forward', 'nat-gateway', nat.id, { code: 'NAT_TRANSLATES', natId: nat.id, ...translated }, packet);
  if (remaps) {
    b.note(`${nat.id} remaps the source port into ${NAT_PORTS.from}-${NAT_PORTS.to} (AWS "NAT gateway basics"): the network ACLs the response meets before ${nat.id} translates it back are judged for every port of that range; the packets show port ${natPort}.`);
  }
  const outPacket: Packet = { ...packet, src: natIp, srcPort: natPort };
  const vpc = index.vpcById.get(nat.vpcId);
  const natSubnet = index.subnetById.get(nat.subnetId);
  const toInternet = dst.kind === 'eni' ? dst.via === 'public' : dst.kind === 'external' && dst.where === 'internet';
  const d = b.route('forward', nat.subnetId, outPacket, (r): RouteExplanation | null => {
    if (!r.target) return null;
    if (r.target.kind === 'igw') {
      if (nat.connectivityType === 'private') {
        return { code: 'PRIVATE_NAT_AT_IGW', natId: nat.id, igwId: r.target.id, destination: packet.dst, fromSubnetId: a.subnetId, natSubnetId: nat.subnetId };
      }
      if (!toInternet) return { code: 'IGW_NOT_FOR_DESTINATION', igwId: r.target.id, destination: packet.dst };
      return natPublic ? null : { code: 'NAT_NO_PUBLIC_ADDRESS', natId: nat.id, igwId: r.target.id };
    }
    if (r.target.kind === 'local' || r.target.kind === 'nat') return { code: 'NAT_SUBNET_ROUTE_ELSEWHERE', targetId: r.target.id };
    if (r.target.kind === 'eigw') return { code: 'EIGW_IPV6_ONLY', eigwId: r.target.id };
    if (r.target.kind === 'pcx' && toInternet) return { code: 'PCX_NOT_TO_INTERNET', pcxId: r.target.id };
    if (r.target.kind === 'vgw') {
      const vgw = vgwRouting(index, r.target.id, outPacket.dst);
      if (vgw.kind === 'drops') return vgw.explanation;
    }
    // A transit gateway, a VPN or Cloud WAN may lead on to the internet elsewhere (assumed, noted).
    if (toInternet && !(r.target.kind === 'tgw' || r.target.kind === 'vgw' || r.target.kind === 'core-network')) {
      return { code: 'NAT_SUBNET_ROUTE_NOT_TO_IGW', targetId: r.target.id };
    }
    return null;
  });
  b.nacl('forward', nat.subnetId, 'outbound', outPacket);
  const viaIgw = d.outcome === 'forward' && d.target?.kind === 'igw';
  if (viaIgw) {
    b.bpa('forward', vpc, natSubnet, 'outbound', true, outPacket);
    b.gateway('forward', 'internet-gateway', d.target!.id, { code: 'TO_INTERNET', gatewayId: d.target!.id, egressOnly: false, from: natPublic ?? natIp }, outPacket);
  } else if (d.outcome === 'forward') {
    noteGateway(b, 'forward', d, outPacket);
  }
  // The far side sees the NAT gateway's public address (through the internet) or its private one.
  const seenSrc = viaIgw ? natPublic ?? natIp : natIp;
  if (viaIgw && dst.kind === 'eni' && dst.via === 'public') {
    // Hairpin: in again through the destination's internet gateway to its private address; a group
    // reference never matches the NAT gateway's public address (ref 4.2, 8.12).
    const dstPrivate = privatePartner(dst.eni, packet.dst) ?? packet.dst;
    inboundFromInternet(b, dst.eni, { ...outPacket, src: seenSrc, dst: dstPrivate }, hasResponse, remaps);
  }
  if (!hasResponse) return;
  const backToNat = reversePacket({ ...outPacket, src: seenSrc });
  const atNat: Packet = { ...backToNat, dst: natIp };
  if (viaIgw) b.bpa('return', vpc, natSubnet, 'inbound', true, atNat);
  if (remaps) b.naclRemapped('return', nat.subnetId, 'inbound', atNat);
  else b.nacl('return', nat.subnetId, 'inbound', atNat);
  if (sameSubnet) b.naclSkip('return', nat.subnetId, 'outbound', reply);
  else b.nacl('return', nat.subnetId, 'outbound', reply);
  b.nacl('return', a.subnetId, 'inbound', reply);
  b.sg('return', a, 'inbound', reply, true);
}

/**
 * `packet.dst` is the ENI's private address (after the IGW's translation). `remapped`: the source port is a
 * NAT gateway's, so the response's NACL is judged over 1024-65535.
 */
export function inboundFromInternet(b: PathBuilder, eni: Eni, packet: Packet, hasResponse: boolean, remapped = false): void {
  const index = b.index;
  const vpc = index.vpcById.get(eni.vpcId);
  const subnet = subnetOf(index, eni);
  const igw = internetGatewayOf(index, eni.vpcId);
  if (igw.kind === 'not-attached') {
    b.unroutable(eni.subnetId, packet, { ...igw.why, subnetId: eni.subnetId });
    return;
  }
  if (igw.inferred !== null) b.note(igw.inferred);
  b.gateway('forward', 'internet-gateway', igw.id, { code: 'FROM_INTERNET', igwId: igw.id }, packet);
  b.bpa('forward', vpc, subnet, 'inbound', false, packet);
  b.nacl('forward', eni.subnetId, 'inbound', packet);
  b.sg('forward', eni, 'inbound', packet, false);
  if (!hasResponse) return;
  const reply = reversePacket(packet);
  b.sg('return', eni, 'outbound', reply, true);
  if (remapped) b.naclRemapped('return', eni.subnetId, 'outbound', reply);
  else b.nacl('return', eni.subnetId, 'outbound', reply);
  const back = b.route('return', eni.subnetId, reply, (r) =>
    r.target && r.target.kind !== 'igw' && r.target.kind !== 'eigw'
      ? { code: 'ASYMMETRIC_RETURN_TO_INTERNET', targetId: r.target.id, igwId: igw.id }
      : null,
  );
  if (back.outcome === 'forward' && back.target?.kind === 'eigw') {
    // An egress-only gateway passes outbound IPv6; whether it forwards the reply of a connection it did not
    // see open is not documented.
    b.gateway('return', 'internet-gateway', back.target.id, { code: 'RESPONSE_VIA_EIGW', eigwId: back.target.id, igwId: igw.id }, reply);
    b.note(`The response is routed to egress-only internet gateway ${back.target.id}, while the connection came in through ${igw.id}: AWS documents an egress-only gateway as passing outbound IPv6 and blocking connections from the internet, not what it does with the reply of a connection it did not see open; vpcwhy assumes the reply gets out, and the client may still drop or not receive it.`);
  }
}
