/** Through a transit gateway: its attachments, associated route table and exit interface (AWS "How transit gateways work"). */
import type { Packet } from '../../model/flow.js';
import type { Eni, Subnet, TransitGatewayAttachment } from '../../model/snapshot.js';
import { formatIp } from '../../net/ip.js';
import { type RouteDecision, evaluateRoute } from '../route.js';
import { hasSection } from '../sections.js';
import { associatedRouteTable, attachmentSubnet, tgwDescribed, tgwRoutes, vpcAttachment } from '../transit-gateway.js';
import type { PathBuilder } from './legs.js';
import type { PathLeg } from './types.js';

/** How a packet came out of a transit gateway (tgwLeg). */
export type TgwExit =
  /** The snapshot does not describe the transit gateway's attachments or tables: today's assumption applies. */
  | { readonly kind: 'assumed' }
  /** A hop denied it. */
  | { readonly kind: 'blocked' }
  /** It went on to an attachment whose far side the snapshot does not show (another VPC, a peering, a VPN ...). */
  | { readonly kind: 'beyond'; readonly attachmentId: string; readonly attachment?: TransitGatewayAttachment }
  /** Delivered to the wanted VPC's attachment, out of its interface in `exit`. */
  | { readonly kind: 'vpc'; readonly attachment: TransitGatewayAttachment; readonly exit: Subnet | undefined };

/**
 * Through transit gateway `tgwId` from `from`'s VPC (AWS "How transit gateways work", "Network ACLs for
 * transit gateways"): the VPC hands the packet to its attachment's interface in the sender's Availability
 * Zone, whose subnet's NACL judges it inbound (even when the sender is in that subnet); the route table
 * associated with the attachment picks the next attachment (longest prefix; a blackhole drops it); for
 * `toVpc`, that must be the VPC's own attachment, whose interface (in the same Availability Zone when it
 * has one) sends the packet on. `entry`: the subnet the packet must enter by (appliance mode keeps a
 * flow on one interface both ways).
 */
export function tgwLeg(b: PathBuilder, leg: PathLeg, from: Eni, tgwId: string, packet: Packet, toVpc: string | null, entryOverride?: Subnet): TgwExit {
  const index = b.index;
  if (!tgwDescribed(index, tgwId)) return { kind: 'assumed' };
  const att = vpcAttachment(index, tgwId, from.vpcId);
  if (!att) {
    b.note(`The snapshot describes ${tgwId} but not its attachment to ${from.vpcId}: routing inside ${tgwId} is not evaluated, and vpcwhy assumes it delivers the packet.`);
    return { kind: 'assumed' };
  }
  const az = index.subnetById.get(from.subnetId)?.availabilityZone;
  const entry = entryOverride ?? attachmentSubnet(index, att, az);
  const pseudo = (id: string | null): RouteDecision => ({ routeTableId: id, outcome: 'no-route', route: null, target: null, prefixLength: -1 });
  if (packet.dst.family === 6 && att.subnetIds.length > 0 && !att.ipv6Support) {
    b.routeHop(leg, entry?.id ?? from.subnetId, pseudo(att.id), packet, { code: 'TGW_ATTACH_IPV6_DISABLED', attachmentId: att.id, vpcId: from.vpcId, tgwId });
    return { kind: 'blocked' };
  }
  if (!entryOverride && entry && az !== undefined && entry.availabilityZone !== undefined && entry.availabilityZone !== az) {
    b.routeHop(leg, from.subnetId, pseudo(att.id), packet, { code: 'TGW_ROUTE_AZ_RESTRICTION', attachmentId: att.id, availabilityZone: az, subnetId: from.subnetId, tgwId });
    return { kind: 'blocked' };
  }
  if (entry) b.nacl(leg, entry.id, 'inbound', packet);
  else b.note(`The subnets of ${att.id} are not in the snapshot${hasSection(index.snapshot, 'TransitGatewayVpcAttachments') ? '' : ' (it has no describe-transit-gateway-vpc-attachments output)'}: the network ACL of ${tgwId}'s interface in ${from.vpcId} is not evaluated.`);
  b.gateway(leg, 'gateway', tgwId, { code: 'TGW_ENTRY', tgwId, attachmentId: att.id, subnetId: entry?.id ?? null, availabilityZone: entry?.availabilityZone ?? null }, packet);
  const assumeInside = (why: string): TgwExit => {
    const to = toVpc === null ? undefined : vpcAttachment(index, tgwId, toVpc);
    b.note(`${why}: vpcwhy assumes ${tgwId} routes the packet ${to ? `to ${to.id}, the attachment of ${toVpc}` : 'on'}.`);
    if (!to) return { kind: 'beyond', attachmentId: tgwId };
    return { kind: 'vpc', attachment: to, exit: attachmentSubnet(index, to, entry?.availabilityZone ?? az) };
  };
  const table = associatedRouteTable(index, att);
  if (table === null) {
    if (!hasSection(index.snapshot, 'TransitGatewayAttachments')) return assumeInside(`The route table associated with ${att.id} is not in the snapshot (it has no describe-transit-gateway-attachments output)`);
    b.routeHop(leg, entry?.id ?? from.subnetId, pseudo(att.id), packet, { code: 'TGW_ATTACH_MISSING_TGW_RTB_ASSOCIATION', attachmentId: att.id, tgwId });
    return { kind: 'blocked' };
  }
  if (typeof table === 'string') return assumeInside(`${att.id} is associated with ${table}, which the snapshot does not describe`);
  const rt = tgwRoutes(index, table);
  if (rt === null) return assumeInside(`The routes of ${table.id}, the route table associated with ${att.id}, are not in the snapshot (no search-transit-gateway-routes or get-transit-gateway-route-table-propagations output)`);
  if (table.routes === null) b.note(`The static routes of ${table.id} are not in the snapshot: only the routes its propagations imply (the attached VPCs' CIDRs) are evaluated.`);
  const d = evaluateRoute(index, rt, packet.dst);
  const at = entry?.id ?? from.subnetId;
  if (d.outcome === 'no-route' || d.outcome === 'no-table') {
    b.routeHop(leg, at, d, packet, { code: 'TGW_NO_ROUTE', tgwRouteTableId: table.id, attachmentId: att.id, tgwId, destination: packet.dst });
    return { kind: 'blocked' };
  }
  if (d.outcome === 'blackhole') {
    b.routeHop(leg, at, d, packet, {
      code: 'TGW_BLACKHOLE_ROUTE',
      tgwRouteTableId: table.id,
      attachmentId: att.id,
      tgwId,
      destination: packet.dst,
      routeCidr: d.route && d.route.destination.kind === 'cidr' ? d.route.destination.cidr.text : null,
    });
    return { kind: 'blocked' };
  }
  b.routeHop(leg, at, d, packet);
  const nextId = d.target?.id ?? '';
  const next = index.tgwAttachmentById.get(nextId);
  if (toVpc !== null && next?.resourceType === 'vpc' && next.resourceId === toVpc) {
    const exit = attachmentSubnet(index, next, entry?.availabilityZone ?? az);
    if (next.applianceMode) {
      b.note(`${next.id} has appliance mode on: ${tgwId} sends both directions of a flow through one of its interfaces, chosen by a hash of the flow; vpcwhy shows the one in ${exit?.id ?? 'its first subnet'}.`);
    } else if (exit && entry?.availabilityZone && exit.availabilityZone !== entry.availabilityZone) {
      b.note(`${next.id} has no subnet in ${entry.availabilityZone}: ${tgwId} sends the packet out of its interface in ${exit.id}, in another Availability Zone.`);
    }
    return { kind: 'vpc', attachment: next, exit };
  }
  const what = !next ? `${nextId}, which the snapshot does not describe` : next.resourceType === 'vpc' ? `${next.id}, the attachment of ${next.resourceId}` : `${next.id} (a ${next.resourceType} attachment${next.resourceId ? ` to ${next.resourceId}` : ''})`;
  b.gateway(leg, 'gateway', tgwId, { code: 'TGW_BEYOND', tgwId, attachmentId: nextId, resourceType: next ? next.resourceType : null, resourceId: next ? next.resourceId : null }, packet);
  b.note(`${table.id} routes ${formatIp(packet.dst)} to ${what}: what happens beyond it is not evaluated, and vpcwhy assumes it delivers the packet.`);
  return { kind: 'beyond', attachmentId: nextId, ...(next ? { attachment: next } : {}) };
}

/**
 * Out of a transit gateway's interface in `exit` to `eni` (AWS "Network ACLs for transit gateways"): in
 * one subnet no NACL is evaluated; otherwise the attachment subnet's NACL outbound, its route table
 * (the VPC's local route, or an appliance beyond which the path is assumed), and the NACL of `eni`'s
 * subnet inbound. False when the packet went to an appliance.
 */
export function outOfTgw(b: PathBuilder, leg: PathLeg, exit: Subnet | undefined, eni: Eni, packet: Packet): boolean {
  if (exit && exit.id === eni.subnetId) {
    b.naclSkip(leg, exit.id, 'outbound', packet);
    b.naclSkip(leg, eni.subnetId, 'inbound', packet);
    return true;
  }
  if (exit) {
    b.nacl(leg, exit.id, 'outbound', packet);
    if (leg === 'forward') {
      const d = b.route(leg, exit.id, packet, (r) => (r.target && r.target.kind !== 'local' && r.target.kind !== 'eni' && r.target.kind !== 'instance' ? { code: 'TGW_SUBNET_ROUTES_ELSEWHERE', subnetId: exit.id, destination: packet.dst, targetId: r.target.id } : null));
      if (d.outcome === 'forward' && d.target && d.target.kind !== 'local' && d.target.id !== eni.id && d.target.id !== eni.instanceId) {
        b.beyond = d.target.id;
        b.gateway(leg, 'appliance', d.target.id, { code: 'TGW_EXIT_TO_APPLIANCE', targetId: d.target.id, subnetId: exit.id }, packet);
        b.note(`The route table of ${exit.id} sends the transit gateway's traffic to ${d.target.id}: the answer holds as far as ${d.target.id}, and beyond it is assumed, not evaluated.`);
        return false;
      }
    }
  }
  b.nacl(leg, eni.subnetId, 'inbound', packet);
  return true;
}
