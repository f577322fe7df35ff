/**
 * Hop-by-hop evaluation of a hypothetical flow (ref 8.2): the forward path (source SG outbound, source
 * subnet NACL outbound, route, destination NACL inbound, destination SG inbound) and the return path of
 * the response (SGs pass it as tracked, NACLs judge it again, ref 4.3 and 5.1). Traffic between ENIs of
 * one subnet skips NACLs and routing (ref 8.8). An address outside every VPC is an internet host when it
 * is public and an on-premises host when it is private; internet hosts reach an ENI only through its
 * public IPv4 or its IPv6 address, over an internet gateway (ref 8.12).
 */
import type { Ip } from '../../model/address.js';
import type { Packet } from '../../model/flow.js';
import type { Eni } from '../../model/snapshot.js';
import { ICMP, ICMPV6, protocolName } from '../../net/protocol.js';
import { formatIp, ipEquals } from '../../net/ip.js';
import type { RouteDecision } from '../route.js';
import type { SnapshotIndex } from '../snapshot-index.js';
import { internetGatewayOf, listedDetached } from '../internet-gateway.js';
import { hasSection } from '../sections.js';
import { awsServiceAt, isLinkLocalService } from '../aws-services.js';
import { attachmentSubnet, vpcAttachment } from '../transit-gateway.js';
import { placeExternal, privateSideOf, publicSideOf } from './endpoints.js';
import { inboundFromInternet, natGatewayOfEni, noteGateway, peeringCarries, throughAppliance, throughGatewayEndpoint, throughNat, vgwRouting } from './gateways.js';
import { PathBuilder, internetFacingAddress, natTranslates, privatePartner, reversePacket, subnetOf, targetIs } from './legs.js';
import { type TgwExit, outOfTgw, tgwLeg } from './tgw.js';
import type { RouteExplanation } from './codes.js';
import type { Endpoint, PathResult, TraceInput } from './types.js';

/**
 * Evaluates every hop of the forward path and, when the protocol has responses, the return path.
 * Evaluation continues after a deny (as if it had allowed) so the result can list later blockers too.
 */
export function tracePath(index: SnapshotIndex, input: TraceInput): PathResult {
  const b = new PathBuilder(index);
  // A packet leaves an interface with its private address; only an internet gateway translates it to the
  // public one (ref 8.12): a public address given as the source is its private partner's traffic.
  const privateSrc = privateSideOf(input.src);
  const src = placeExternal(index, privateSrc ?? input.src, input.dst);
  const placedDst = placeExternal(index, input.dst, src);
  // An internet host that names an interface by its private IPv4 means the interface: it reaches it at the
  // public address paired with that private address, which the internet gateway translates (ref 8.12).
  const viaPublic = src.kind === 'external' && src.where === 'internet' ? publicSideOf(placedDst) : null;
  const dst = viaPublic ?? placedDst;
  const packet: Packet = { ...input.packet, ...(viaPublic ? { dst: viaPublic.ip } : {}), ...(privateSrc ? { src: privateSrc.ip } : {}) };
  if (privateSrc && input.src.kind === 'eni') {
    b.note(`${formatIp(input.src.ip)} is a public address of ${privateSrc.eni.id}: its packets leave it from the private address ${formatIp(privateSrc.ip)}, and only an internet gateway translates that to ${formatIp(input.src.ip)}.`);
  }
  if (viaPublic && placedDst.kind === 'eni') {
    b.note(`${formatIp(placedDst.ip)} is private; from the internet ${placedDst.eni.id} is reached at its public address ${formatIp(viaPublic.ip)}, which the internet gateway translates to ${formatIp(placedDst.ip)}.`);
  }
  const hasResponse = !(packet.protocol === ICMP && packet.icmpType !== null && packet.icmpType !== 8) &&
    !(packet.protocol === ICMPV6 && packet.icmpType !== null && packet.icmpType !== 128);
  const reply = reversePacket(packet);
  // A NAT gateway's own addresses accept no connections: it only forwards what is routed through it.
  const natDst = dst.kind === 'eni' ? natGatewayOfEni(index, dst.eni) : null;
  for (const e of [src, dst]) if (e.kind === 'eni' && e.unassigned) b.unknownHosts.set(e.eni, e.ip);
  for (const e of [src, dst]) if (e.kind === 'eni') b.peers.push(e.eni);
  // No interface has the destination address: nothing there answers, so there is no return path.
  const unassignedDst = dst.kind === 'eni' && dst.unassigned === true;
  const responds = hasResponse && natDst === null && !unassignedDst;

  const service = src.kind === 'aws-service' ? src : dst.kind === 'aws-service' ? dst : null;
  const other = service === src ? dst : src;
  if (service && other.kind === 'eni') {
    toAwsService(b, other.eni, service.ip, service === dst ? 'to' : 'from', packet);
  } else if (dst.kind === 'eni' && dst.noAddress) {
    b.unroutable(dst.eni.subnetId, packet, { code: 'NO_ADDRESS_OF_FAMILY', eniId: dst.eni.id, family: packet.dst.family, source: packet.src });
  } else if (src.kind === 'eni' && dst.kind === 'eni' && dst.unassigned && dst.eni.subnetId === '') {
    toAddressOutsideSubnets(b, src.eni, dst.eni.vpcId, packet);
  } else if (src.kind === 'eni' && dst.kind === 'eni' && dst.via === 'private') {
    eniToEni(b, src.eni, dst.eni, packet, reply, responds);
  } else if (src.kind === 'eni') {
    eniToOutside(b, src.eni, dst, packet, reply, responds);
  } else if (dst.kind === 'eni' && src.kind === 'external') {
    outsideToEni(b, src, dst.eni, dst.ip, dst.via, packet, reply, responds);
  }
  if (natDst !== null && dst.kind === 'eni') {
    b.unroutable(dst.eni.subnetId, packet, { code: 'NAT_GATEWAY_ADDRESSED', eniId: dst.eni.id, natId: natDst });
  }
  if (dst.kind === 'eni' && dst.eni.interfaceType === 'vpc_endpoint') {
    const ep = index.snapshot.vpcEndpoints.find((e) => e.eniIds.includes(dst.eni.id));
    const name = ep ? `interface endpoint ${ep.id}${ep.serviceName ? ` (${ep.serviceName})` : ''}` : 'an interface endpoint';
    b.note(`${dst.eni.id} is the network interface of ${name}: its security groups judge the connection, and the endpoint policy is not evaluated; connections through an interface endpoint are always tracked (ref 4.3).`);
  }
  if (unassignedDst && dst.eni.subnetId !== '') {
    b.notes.push(`No network interface in the snapshot has ${formatIp(dst.ip)}: the packet is delivered to ${dst.eni.subnetId}, but no security group is known for the address and nothing answers, so no return path is evaluated.`);
  }
  if (!hasResponse) b.notes.push('ICMP messages other than echo requests get no response, so no return path is evaluated.');
  const unevaluated = b.hops.filter((h) => (h.component === 'network-acl' && h.skipped === 'no-acl-in-snapshot') || (h.component === 'route' && h.skipped === 'no-table-in-snapshot'));
  if (unevaluated.length > 0) {
    const what = [...new Set(unevaluated.map((h) => `the ${h.component === 'route' ? 'route table' : 'network ACL'} of ${'subnetId' in h ? h.subnetId : ''}`))];
    b.notes.push(`Not evaluated because the snapshot lacks them: ${what.join(', ')}; the answer assumes they allow the traffic.`);
  }
  const denies = b.hops.filter((h) => h.decision === 'deny');
  return {
    reachable: denies.length === 0,
    hops: b.hops,
    blockingHop: denies[0] ?? null,
    alsoBlocking: denies.slice(1),
    forward: packet,
    notes: [...new Set(b.notes)],
    assumedBeyond: b.beyond,
    src,
    dst,
  };
}

/**
 * Traffic between an interface and an AWS service address (ref 3): never filtered by security groups or
 * network ACLs, and never logged. Another link-local address is not routed at all, and a VPC's reserved
 * addresses serve that VPC's own interfaces only.
 */
function toAwsService(b: PathBuilder, eni: Eni, ip: Ip, way: 'to' | 'from', packet: Packet): void {
  const svc = awsServiceAt(b.index, eni.vpcId, ip);
  if (svc !== null) {
    const text = `${formatIp(ip)} is ${svc}: security groups and network ACLs do not filter traffic ${way} it, and flow logs do not record it`;
    b.gateway('forward', 'aws-service', formatIp(ip), { code: 'AWS_SERVICE', address: ip, service: svc, way }, packet);
    b.note(`Not filtered by security groups or network ACLs: ${text} (AWS "Infrastructure security in Amazon VPC").`);
    return;
  }
  b.unroutable(eni.subnetId, packet, isLinkLocalService(ip) ? { code: 'LINK_LOCAL_NO_SERVICE', address: ip, vpcId: eni.vpcId } : { code: 'RESERVED_ADDRESS_OF_OTHER_VPC', address: ip, vpcId: eni.vpcId });
}

function eniToEni(b: PathBuilder, a: Eni, bEni: Eni, packet: Packet, reply: Packet, hasResponse: boolean): void {
  b.sg('forward', a, 'outbound', packet, false);
  if (a.subnetId === bEni.subnetId) {
    // Same subnet: switched at layer 2, no NACL and no route table (ref 8.8).
    b.naclSkip('forward', a.subnetId, 'outbound', packet);
    b.naclSkip('forward', bEni.subnetId, 'inbound', packet);
    b.sg('forward', bEni, 'inbound', packet, false);
    if (hasResponse) {
      b.sg('return', bEni, 'outbound', reply, true);
      b.naclSkip('return', bEni.subnetId, 'outbound', reply);
      b.naclSkip('return', a.subnetId, 'inbound', reply);
      b.sg('return', a, 'inbound', reply, true);
    }
    return;
  }
  const sameVpc = a.vpcId === bEni.vpcId;
  // A route more specific than the local one may send a subnet's traffic to an appliance (ref 6.1).
  const viaKinds = sameVpc ? ['local', 'eni', 'instance'] : ['pcx', 'tgw', 'vgw', 'eni', 'instance', 'core-network'];
  /** A peering route must lead to the other end's VPC, at an address in its CIDRs (ref 6.1). */
  const expect = (from: Eni, to: Eni, toIp: Ip) => (d: RouteDecision): RouteExplanation | null => {
    const basic = targetIs(...viaKinds)(d);
    if (basic !== null && !sameVpc && d.target && (d.target.kind === 'igw' || d.target.kind === 'eigw' || d.target.kind === 'nat')) {
      return { code: 'INTERNET_ROUTE_TO_PRIVATE_PEER', targetId: d.target.id, eniId: to.id, vpcId: to.vpcId, fromSubnetId: from.subnetId, publicIp: to.publicIps[0]?.publicIp ?? null };
    }
    if (basic !== null || d.target?.kind !== 'pcx') return basic;
    const pcx = b.index.peeringById.get(d.target.id);
    if (!pcx) return null;
    const ends = [pcx.requesterVpcId, pcx.accepterVpcId];
    return ends.includes(from.vpcId) && ends.includes(to.vpcId)
      ? peeringCarries(b.index, pcx.id, from.vpcId, toIp)
      : { code: 'PCX_WRONG_VPC', pcxId: pcx.id, requesterVpcId: pcx.requesterVpcId, accepterVpcId: pcx.accepterVpcId, vpcId: to.vpcId, eniId: to.id };
  };
  b.nacl('forward', a.subnetId, 'outbound', packet);
  const fwd = b.route('forward', a.subnetId, packet, expect(a, bEni, packet.dst));
  if (fwd.outcome === 'forward' && (fwd.target?.kind === 'eni' || fwd.target?.kind === 'instance') && fwd.target.id !== bEni.id && fwd.target.id !== bEni.instanceId) {
    throughAppliance(b, a, fwd, packet);
    return;
  }
  const viaTgw = fwd.outcome === 'forward' && fwd.target?.kind === 'tgw' ? tgwLeg(b, 'forward', a, fwd.target.id, packet, bEni.vpcId) : null;
  if (viaTgw?.kind === 'blocked' || viaTgw?.kind === 'beyond') return;
  if (viaTgw?.kind === 'vpc') {
    if (!outOfTgw(b, 'forward', viaTgw.exit, bEni, packet)) return;
  } else {
    noteGateway(b, 'forward', fwd, packet);
    b.nacl('forward', bEni.subnetId, 'inbound', packet);
  }
  b.sg('forward', bEni, 'inbound', packet, false);
  if (!hasResponse) return;
  b.sg('return', bEni, 'outbound', reply, true);
  b.nacl('return', bEni.subnetId, 'outbound', reply);
  const back = b.route('return', bEni.subnetId, reply, expect(bEni, a, reply.dst));
  if (viaTgw?.kind === 'vpc' && back.outcome === 'forward' && back.target?.kind === 'tgw') {
    if (back.target.id !== fwd.target?.id) b.note(`The response returns through ${back.target.id}, not ${fwd.target?.id ?? ''}: asymmetric routes.`);
    const entry = viaTgw.attachment.applianceMode && back.target.id === fwd.target?.id ? viaTgw.exit : undefined;
    const out = tgwLeg(b, 'return', bEni, back.target.id, reply, a.vpcId, entry);
    if (out.kind === 'vpc') {
      outOfTgw(b, 'return', out.exit, a, reply);
      b.sg('return', a, 'inbound', reply, true);
      return;
    }
    if (out.kind !== 'assumed') return;
  }
  if (!sameVpc && fwd.target?.kind === 'pcx' && back.target?.kind === 'pcx' && fwd.target.id !== back.target.id) {
    b.notes.push(`The response returns over ${back.target.id}, not ${fwd.target.id}: asymmetric peering routes.`);
  }
  b.nacl('return', a.subnetId, 'inbound', reply);
  b.sg('return', a, 'inbound', reply, true);
}

/** To an address inside a VPC's CIDR that no subnet contains: the VPC router has nowhere to deliver it. */
function toAddressOutsideSubnets(b: PathBuilder, a: Eni, vpcId: string, packet: Packet): void {
  const sameVpc = a.vpcId === vpcId;
  b.sg('forward', a, 'outbound', packet, false);
  b.nacl('forward', a.subnetId, 'outbound', packet);
  const d = b.route('forward', a.subnetId, packet, (r) => {
    if (!r.target) return null;
    if (sameVpc) return r.target.kind === 'local' ? null : { code: 'ROUTE_TARGET_NOT_INTO_VPC', targetId: r.target.id, vpcId };
    if (r.target.kind === 'pcx') {
      const pcx = b.index.peeringById.get(r.target.id);
      return !pcx || [pcx.requesterVpcId, pcx.accepterVpcId].includes(vpcId) ? null : { code: 'PCX_WRONG_VPC', pcxId: pcx.id, requesterVpcId: pcx.requesterVpcId, accepterVpcId: pcx.accepterVpcId, vpcId };
    }
    return null;
  });
  if (d.outcome !== 'forward') return;
  noteGateway(b, 'forward', d, packet);
  b.unroutable(a.subnetId, packet, { code: 'NO_SUBNET_FOR_ADDRESS', destination: packet.dst, vpcId });
}

function eniToOutside(b: PathBuilder, a: Eni, dst: Endpoint, packet: Packet, reply: Packet, hasResponse: boolean): void {
  const index = b.index;
  const vpc = index.vpcById.get(a.vpcId);
  const subnet = subnetOf(index, a);
  b.sg('forward', a, 'outbound', packet, false);
  b.nacl('forward', a.subnetId, 'outbound', packet);
  const toInternet = dst.kind === 'external' ? dst.where === 'internet' : true;
  const d = b.route('forward', a.subnetId, packet, (r) => {
    if (!r.target) return null;
    if (r.target.kind === 'igw') {
      if (!toInternet) return { code: 'IGW_NOT_FOR_PRIVATE', igwId: r.target.id, family: packet.dst.family };
      if (listedDetached(index, r.target.id, a.vpcId)) return { code: 'GATEWAY_NOT_ATTACHED', gatewayId: r.target.id, vpcId: a.vpcId, listing: 'describe-internet-gateways' };
      const igw = internetGatewayOf(index, a.vpcId);
      if (igw.kind === 'attached' && igw.inferred !== null && igw.id === r.target.id) b.note(igw.inferred);
      if (packet.src.family === 4 && internetFacingAddress(a, packet.src) === undefined) {
        return { code: 'IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS', eniId: a.id, igwId: r.target.id, subnetId: a.subnetId, destination: packet.dst };
      }
      return null;
    }
    if (r.target.kind === 'local') return { code: 'LOCAL_ROUTE_NO_INTERFACE' };
    if (r.target.kind === 'eigw' && packet.src.family !== 6) return { code: 'EIGW_IPV6_ONLY', eigwId: r.target.id };
    if (r.target.kind === 'eigw') {
      if (listedDetached(index, r.target.id, a.vpcId)) return { code: 'GATEWAY_NOT_ATTACHED', gatewayId: r.target.id, vpcId: a.vpcId, listing: 'describe-egress-only-internet-gateways' };
      if (!index.snapshot.egressOnlyInternetGateways.some((g) => g.id === r.target!.id)) {
        b.note(`${r.target.id} is not described${hasSection(index.snapshot, 'EgressOnlyInternetGateways') ? ' in the snapshot' : ' (the snapshot has no describe-egress-only-internet-gateways output)'}: its active route in ${r.routeTableId} shows it is attached to ${a.vpcId} (a route to a deleted gateway is a blackhole), so vpcwhy takes it as attached.`);
      }
    }
    if (r.target.kind === 'nat' && !natTranslates(packet.protocol)) {
      return { code: 'NAT_PROTOCOL_RESTRICTION', natId: r.target.id, protocol: packet.protocol, eniId: a.id };
    }
    if (r.target.kind === 'vgw') {
      const vgw = vgwRouting(index, r.target.id, packet.dst);
      if (vgw.kind === 'drops') return vgw.explanation;
    }
    if (r.target.kind === 'pcx' && toInternet) {
      return { code: 'PCX_NOT_TO_INTERNET', pcxId: r.target.id };
    }
    if (r.target.kind === 'pcx') return peeringCarries(index, r.target.id, a.vpcId, packet.dst);
    return null;
  });
  let tgwOut: TgwExit | undefined;
  if (d.outcome === 'forward' && d.target) {
    const t = d.target;
    if (t.kind === 'igw' || t.kind === 'eigw') {
      b.bpa('forward', vpc, subnet, 'outbound', true, packet);
      b.gateway('forward', 'internet-gateway', t.id, { code: 'TO_INTERNET', gatewayId: t.id, egressOnly: t.kind === 'eigw', from: null }, packet);
    } else if (t.kind === 'nat') {
      throughNat(b, a, t.id, dst, packet, reply, hasResponse);
      return;
    } else if (t.kind === 'eni' || t.kind === 'instance') {
      throughAppliance(b, a, d, packet);
      return;
    } else if (t.kind === 'vpce') {
      if (!throughGatewayEndpoint(b, a, d, packet)) return;
    } else if (t.kind === 'tgw' && (tgwOut = tgwLeg(b, 'forward', a, t.id, packet, null)).kind !== 'assumed') {
      if (tgwOut.kind !== 'beyond') return;
      if (tgwOut.attachment?.resourceType === 'vpc') {
        // On to another VPC (a central egress or inspection VPC): beyond it, assumed.
        b.beyond = tgwOut.attachment.id;
        return;
      }
      // On to a VPN, Direct Connect or peering attachment: the response comes back out of the attachment's interface.
      if (!hasResponse) return;
      const att = vpcAttachment(index, t.id, a.vpcId);
      outOfTgw(b, 'return', att && attachmentSubnet(index, att, subnet?.availabilityZone), a, reply);
      b.sg('return', a, 'inbound', reply, true);
      return;
    } else {
      noteGateway(b, 'forward', d, packet);
      if (t.kind !== 'pcx' && t.kind !== 'tgw' && t.kind !== 'vgw' && t.kind !== 'core-network') {
        b.gateway('forward', 'gateway', t.id, { code: 'LEAVES_VPC', gatewayId: t.id }, packet);
      }
    }
  }
  if (dst.kind === 'eni' && dst.via === 'public' && d.outcome === 'forward' && d.target?.kind !== 'igw') {
    // Left through a gateway whose onward path the snapshot does not show (a transit gateway, a VPN): if
    // the packet reaches the internet at all, it does so with a source address the snapshot cannot tell.
    b.notes.push(`${packet.dst.family === 4 ? 'The destination is a public address' : 'The destination is reached over the internet'}: beyond ${d.target?.id ?? 'the route'} the path and the source address it arrives with are outside the snapshot, so ${dst.eni.id}'s network ACL and security groups are not evaluated.`);
    return;
  }
  if (dst.kind === 'eni' && dst.via === 'public') {
    // Back in through the destination's internet gateway: the source is the sender's public address (so
    // group references cannot match it, ref 8.12) and the destination the receiver's private address.
    const srcPublic = packet.src.family === 4 ? internetFacingAddress(a, packet.src) : packet.src;
    const dstPrivate = privatePartner(dst.eni, packet.dst) ?? packet.dst;
    const seen: Packet = { ...packet, src: srcPublic ?? packet.src, dst: dstPrivate };
    inboundFromInternet(b, dst.eni, seen, hasResponse);
    if (!hasResponse) return;
    // The response crosses the internet back to the sender's public address, then the sender's subnet.
    const back = reversePacket({ ...packet, src: srcPublic ?? packet.src });
    const toSender: Packet = { ...back, dst: packet.src };
    if (d.target?.kind === 'igw') b.bpa('return', vpc, subnet, 'inbound', true, toSender);
    b.nacl('return', a.subnetId, 'inbound', toSender);
    b.sg('return', a, 'inbound', toSender, true);
    return;
  }
  if (!hasResponse) return;
  if (d.target?.kind === 'igw' || d.target?.kind === 'eigw') b.bpa('return', vpc, subnet, 'inbound', true, reply);
  b.nacl('return', a.subnetId, 'inbound', reply);
  b.sg('return', a, 'inbound', reply, true);
}

function outsideToEni(
  b: PathBuilder,
  src: Extract<Endpoint, { kind: 'external' }>,
  eni: Eni,
  dstIp: Ip,
  via: 'private' | 'public',
  packet: Packet,
  reply: Packet,
  hasResponse: boolean,
): void {
  if (src.where === 'internet') {
    if (via === 'private' && dstIp.family === 4) {
      // The internet cannot address a private IPv4, and this one has no public address paired with it
      // (tracePath has turned the others into their public side): the internet gateway has nothing to
      // translate, so the packet never reaches the VPC (ref 7.3 IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS).
      const others = eni.publicIps.filter((p) => !ipEquals(p.privateIp, dstIp));
      b.unroutable(eni.subnetId, packet, { code: 'IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS', address: dstIp, eniId: eni.id, others });
      return;
    }
    const internal: Packet = { ...packet, dst: via === 'public' ? (privatePartner(eni, dstIp) ?? dstIp) : dstIp };
    inboundFromInternet(b, eni, internal, hasResponse);
    return;
  }
  if (via === 'public') {
    // A VPN, Direct Connect or transit gateway delivers to private addresses only; a public address is
    // reached over the internet, where a private source address cannot go (ref 7.3, 8.12).
    b.unroutable(eni.subnetId, packet, { code: 'PUBLIC_ADDRESS_FROM_ON_PREMISES', address: dstIp, eniId: eni.id, source: src.ip, eniPrivateIp: eni.primaryPrivateIp });
    return;
  }
  // On-premises host: arrives over a VPN / Direct Connect / transit gateway; routing outside the VPC is assumed.
  b.gateway('forward', 'gateway', src.routedTo ?? 'on-premises', { code: 'FROM_ON_PREMISES', routedTo: src.routedTo ?? null, subnetId: eni.subnetId, family: src.ip.family }, packet);
  b.notes.push('The path from the on-premises network into the VPC is outside the snapshot and assumed to deliver.');
  b.nacl('forward', eni.subnetId, 'inbound', packet);
  b.sg('forward', eni, 'inbound', packet, false);
  if (!hasResponse) return;
  b.sg('return', eni, 'outbound', reply, true);
  b.nacl('return', eni.subnetId, 'outbound', reply);
  b.route('return', eni.subnetId, reply, targetIs('vgw', 'tgw', 'eni', 'instance', 'pcx', 'core-network', 'lgw', 'nat'));
}
