/**
 * What the snapshot says of a transit gateway's routing (AWS "How transit gateways work", "Transit gateway
 * route tables"): the VPC attachment a VPC sends through, the route table associated with an attachment,
 * and that table's routes — its static and propagated routes as SearchTransitGatewayRoutes lists them, and
 * the routes its propagations imply (a VPC attachment propagates its VPC's CIDRs, IPv6 ones only with IPv6
 * support on). Longest prefix wins; at equal length a static route beats a prefix-list route, which beats a
 * propagated one (route.ts's preference, "Route evaluation order").
 */
import type { Ip } from '../model/address.js';
import type { Route, RouteTable, Subnet, TransitGatewayAttachment, TransitGatewayRouteTable } from '../model/snapshot.js';
import { type RouteDecision, evaluateRoute } from './route.js';
import type { SnapshotIndex } from './snapshot-index.js';

/** Attachment states in which it carries traffic (pending and modifying ones too: the snapshot may lag). */
const CARRYING = new Set(['available', 'modifying', 'pending', '']);

/** Does the snapshot describe anything of this transit gateway's attachments or route tables? */
export function tgwDescribed(index: SnapshotIndex, tgwId: string): boolean {
  return index.snapshot.transitGatewayAttachments.some((a) => a.transitGatewayId === tgwId) ||
    index.snapshot.transitGatewayRouteTables.some((t) => t.transitGatewayId === tgwId);
}

/** The attachment of `vpcId` to the transit gateway, when the snapshot has it. */
export function vpcAttachment(index: SnapshotIndex, tgwId: string, vpcId: string): TransitGatewayAttachment | undefined {
  return index.snapshot.transitGatewayAttachments.find(
    (a) => a.transitGatewayId === tgwId && a.resourceType === 'vpc' && a.resourceId === vpcId && CARRYING.has(a.state),
  );
}

/** The route table associated with the attachment: its Association, or a table that lists it. */
export function associatedRouteTable(index: SnapshotIndex, att: TransitGatewayAttachment): TransitGatewayRouteTable | string | null {
  const id = att.routeTableId ?? index.snapshot.transitGatewayRouteTables.find((t) => t.associations.includes(att.id))?.id ?? null;
  if (id === null) return null;
  return index.tgwRouteTableById.get(id) ?? id;
}

/** The table's routes as a route table the VPC route evaluator reads; null when the snapshot has neither its routes nor its propagations. */
export function tgwRoutes(index: SnapshotIndex, table: TransitGatewayRouteTable): RouteTable | null {
  if (table.routes === null && table.propagations === null) return null;
  const routes: Route[] = [];
  for (const r of table.routes ?? []) {
    if (r.state === 'other') continue;
    routes.push({
      destination: r.destination,
      target: { kind: 'other', id: r.attachmentIds[0] ?? 'blackhole' },
      state: r.state === 'blackhole' ? 'blackhole' : 'active',
      origin: r.type === 'propagated' ? 'TransitGatewayPropagation' : 'CreateRoute',
      source: r.source,
    });
  }
  for (const attId of table.propagations ?? []) {
    const att = index.tgwAttachmentById.get(attId);
    const vpc = att?.resourceType === 'vpc' ? index.vpcById.get(att.resourceId) : undefined;
    if (!att || !vpc) continue;
    for (const cidr of [...vpc.cidrs4, ...(att.ipv6Support ? vpc.cidrs6 : [])]) {
      const listed = routes.some((r) => r.target.id === attId && r.destination.kind === 'cidr' && r.destination.cidr.text === cidr.text);
      if (!listed) routes.push({ destination: { kind: 'cidr', cidr }, target: { kind: 'other', id: attId }, state: 'active', origin: 'TransitGatewayPropagation', source: att.source });
    }
  }
  return { id: table.id, vpcId: '', isMain: false, subnetIds: [], gatewayIds: [], routes, source: table.source };
}

/** Longest-prefix lookup in a transit gateway route table. */
export function lookupTgwRoute(index: SnapshotIndex, table: RouteTable, dst: Ip): RouteDecision {
  return evaluateRoute(index, table, dst);
}

/**
 * The attachment's subnet a packet uses in its VPC: the one in `az` (the transit gateway keeps traffic in
 * the Availability Zone it came from when the attachment has a subnet there), else the first one.
 */
export function attachmentSubnet(index: SnapshotIndex, att: TransitGatewayAttachment, az: string | undefined): Subnet | undefined {
  const subnets = att.subnetIds.map((s) => index.subnetById.get(s)).filter((s): s is Subnet => s !== undefined);
  return subnets.find((s) => az !== undefined && s.availabilityZone === az) ?? subnets[0];
}
