/**
 * Route selection (ref 6.1): longest prefix match over CIDR and prefix-list destinations, IPv4 and
 * IPv6 apart. On equal length a static CIDR route beats a prefix-list route, which beats a propagated
 * route. A blackhole route drops the packet.
 */
import type { Ip } from '../model/address.js';
import type { Route, RouteTable, RouteTarget } from '../model/snapshot.js';
import { cidrContains } from '../net/ip.js';
import type { SnapshotIndex } from './snapshot-index.js';

export type RouteOutcome = 'forward' | 'no-route' | 'blackhole' | 'no-table';

export interface RouteDecision {
  readonly routeTableId: string | null;
  readonly outcome: RouteOutcome;
  readonly route: Route | null;
  readonly target: RouteTarget | null;
  /** Prefix length of the chosen route (or of the matching prefix-list entry). */
  readonly prefixLength: number;
}

function matchLength(index: SnapshotIndex, route: Route, ip: Ip): number {
  const d = route.destination;
  if (d.kind === 'invalid') return -1;
  if (d.kind === 'cidr') return cidrContains(d.cidr, ip) ? d.cidr.prefix : -1;
  const entries = index.prefixListById.get(d.prefixListId)?.entries ?? [];
  let best = -1;
  for (const c of entries) if (c.prefix > best && cidrContains(c, ip)) best = c.prefix;
  return best;
}

/** Higher wins at equal prefix length (ref 6.1): static CIDR > prefix list > propagated CIDR. */
function preference(route: Route): number {
  if (route.destination.kind === 'prefix-list') return 1;
  return route.origin === 'EnableVgwRoutePropagation' || route.origin === 'TransitGatewayPropagation' ? 0 : 2;
}

export function selectRoute(index: SnapshotIndex, table: RouteTable, dst: Ip): { route: Route; prefixLength: number } | null {
  let best: Route | null = null;
  let bestLen = -1;
  for (const r of table.routes) {
    const len = matchLength(index, r, dst);
    if (len < 0) continue;
    if (len > bestLen || (len === bestLen && best !== null && preference(r) > preference(best))) {
      best = r;
      bestLen = len;
    }
  }
  return best === null ? null : { route: best, prefixLength: bestLen };
}

export function evaluateRoute(index: SnapshotIndex, table: RouteTable | undefined, dst: Ip): RouteDecision {
  if (!table) return { routeTableId: null, outcome: 'no-table', route: null, target: null, prefixLength: -1 };
  const hit = selectRoute(index, table, dst);
  if (!hit) return { routeTableId: table.id, outcome: 'no-route', route: null, target: null, prefixLength: -1 };
  return {
    routeTableId: table.id,
    outcome: hit.route.state === 'blackhole' ? 'blackhole' : 'forward',
    route: hit.route,
    target: hit.route.target,
    prefixLength: hit.prefixLength,
  };
}
