/**
 * Which internet gateway serves a VPC, from what the snapshot says (ref 6.1, 7.3): the gateway listed as
 * attached (DescribeInternetGateways), or, when the snapshot does not list it, a route to an `igw-` target
 * whose State is `active`: a route to a detached or deleted gateway shows `blackhole`, so an active one
 * proves the gateway is attached to the route table's VPC. Only a listing without that attachment, or a
 * blackhole route, makes a gateway "not attached".
 */
import type { InternetGateway, Route, RouteTable } from '../model/snapshot.js';
import { hasSection } from './sections.js';
import type { SnapshotIndex } from './snapshot-index.js';
import type { IgwMissing, RouteRef as RouteData } from './path/codes.js';

export type InternetGatewayState =
  | {
      readonly kind: 'attached';
      readonly id: string;
      /** Set when the attachment is inferred from a route: the note that says so. */
      readonly inferred: string | null;
    }
  | {
      readonly kind: 'not-attached';
      /** Why, as a code with its data: the gateway is listed without the attachment, its routes are blackholes, ... */
      readonly why: IgwMissing;
    };

interface RouteRef {
  readonly table: RouteTable;
  readonly route: Route;
}

function routeData(r: RouteRef): RouteData {
  const d = r.route.destination;
  const destination = d.kind === 'cidr' ? d.cidr.text : d.kind === 'prefix-list' ? d.prefixListId : d.text;
  return { destination, targetId: r.route.target.id, routeTableId: r.table.id };
}

function routeText(r: RouteRef): string {
  const d = routeData(r);
  return `${d.destination} -> ${d.targetId} in ${d.routeTableId}`;
}

const memo = new WeakMap<SnapshotIndex, Map<string, InternetGatewayState>>();

/** The internet gateway of `vpcId`, listed or inferred from its route tables. */
export function internetGatewayOf(index: SnapshotIndex, vpcId: string): InternetGatewayState {
  let byVpc = memo.get(index);
  if (!byVpc) memo.set(index, (byVpc = new Map()));
  let state = byVpc.get(vpcId);
  if (!state) byVpc.set(vpcId, (state = compute(index, vpcId)));
  return state;
}

function compute(index: SnapshotIndex, vpcId: string): InternetGatewayState {
  const listed = index.igwsByVpc.get(vpcId)?.[0];
  if (listed) return { kind: 'attached', id: listed.id, inferred: null };
  const known = new Map<string, InternetGateway>(index.snapshot.internetGateways.map((g) => [g.id, g]));
  const active: RouteRef[] = [];
  const blackholes: RouteRef[] = [];
  for (const table of index.snapshot.routeTables) {
    if (table.vpcId !== vpcId) continue;
    for (const route of table.routes) {
      if (route.target.kind !== 'igw') continue;
      (route.state === 'blackhole' ? blackholes : active).push({ table, route });
    }
  }
  const detachedListed = active.filter((r) => known.has(r.route.target.id));
  const proof = active.find((r) => !known.has(r.route.target.id));
  if (proof) {
    const section = hasSection(index.snapshot, 'InternetGateways');
    const inferred = section
      ? `${proof.route.target.id} is not in the snapshot's InternetGateways, but the active route ${routeText(proof)} shows it is attached to ${vpcId} (a route to a detached gateway is a blackhole); vpcwhy takes it as attached.`
      : `The snapshot has no describe-internet-gateways output: the active route ${routeText(proof)} shows ${proof.route.target.id} is attached to ${vpcId} (a route to a detached gateway is a blackhole), so vpcwhy takes it as attached.`;
    return { kind: 'attached', id: proof.route.target.id, inferred };
  }
  if (detachedListed.length > 0) {
    const id = detachedListed[0]!.route.target.id;
    return { kind: 'not-attached', why: { code: 'IGW_LISTED_DETACHED', igwId: id, vpcId } };
  }
  if (blackholes.length > 0) {
    return { kind: 'not-attached', why: { code: 'IGW_ROUTE_BLACKHOLE', vpcId, route: routeData(blackholes[0]!) } };
  }
  const hasTables = index.snapshot.routeTables.some((t) => t.vpcId === vpcId);
  if (!hasSection(index.snapshot, 'InternetGateways') && !hasTables) {
    // Neither the gateways nor the VPC's route tables: nothing says either way, and routing is not evaluated.
    return {
      kind: 'attached',
      id: 'internet gateway',
      inferred: `The snapshot has neither describe-internet-gateways output nor a route table of ${vpcId}: vpcwhy assumes an internet gateway is attached to ${vpcId} and routes the traffic; neither is evaluated.`,
    };
  }
  if (!hasSection(index.snapshot, 'InternetGateways')) {
    return { kind: 'not-attached', why: { code: 'IGW_UNKNOWN', vpcId } };
  }
  return { kind: 'not-attached', why: { code: 'IGW_NOT_ATTACHED', vpcId } };
}

/**
 * Is this route's internet gateway (or egress-only internet gateway) usable by `vpcId`? A gateway the snapshot lists without an attachment
 * to the VPC is not (whatever the route's state says); one it does not list is taken as attached.
 */
export function listedDetached(index: SnapshotIndex, igwId: string, vpcId: string): boolean {
  const list = igwId.startsWith('eigw-') ? index.snapshot.egressOnlyInternetGateways : index.snapshot.internetGateways;
  const g = list.find((x) => x.id === igwId);
  return g !== undefined && !g.vpcIds.includes(vpcId);
}
