/**
 * Route tables over the small universe: CIDR destinations of both families around the universe, prefix-list
 * destinations (lists with entries, without entries, absent), unreadable destinations, static and
 * propagated origins, active and blackhole states. Prefix-list routes are never propagated (VGW propagation installs CIDRs only).
 */
import fc from 'fast-check';
import type { Route, RouteTable, RouteTargetKind } from '../../src/model/snapshot.js';
import { universeCidrArb } from './ip.js';
import { PREFIX_LIST_IDS } from './security-group.js';

const source = (path: string) => ({ file: 'fast-check', path });

export const PROPAGATED = 'EnableVgwRoutePropagation';

const staticTargets: readonly { kind: RouteTargetKind; id: string }[] = [
  { kind: 'igw', id: 'igw-1' },
  { kind: 'nat', id: 'nat-1' },
  { kind: 'eni', id: 'eni-1' },
  { kind: 'instance', id: 'i-1' },
  { kind: 'vpce', id: 'vpce-1' },
  { kind: 'tgw', id: 'tgw-1' },
  { kind: 'pcx', id: 'pcx-1' },
  { kind: 'local', id: 'local' },
  { kind: 'vgw', id: 'vgw-1' },
];

const stateArb = fc.oneof({ arbitrary: fc.constant('active' as const), weight: 4 }, { arbitrary: fc.constant('blackhole' as const), weight: 1 });

const cidrRouteArb: fc.Arbitrary<Omit<Route, 'source'>> = fc
  .record({
    cidr: universeCidrArb(),
    origin: fc.constantFrom(undefined, 'CreateRouteTable', 'CreateRoute', PROPAGATED),
    target: fc.constantFrom(...staticTargets),
    state: stateArb,
  })
  .map(({ cidr, origin, target, state }) => ({
    destination: { kind: 'cidr' as const, cidr },
    target: origin === PROPAGATED ? { kind: 'vgw' as const, id: 'vgw-1' } : target,
    state,
    ...(origin === undefined ? {} : { origin }),
  }));

const prefixListRouteArb: fc.Arbitrary<Omit<Route, 'source'>> = fc
  .record({
    prefixListId: fc.constantFrom(...PREFIX_LIST_IDS),
    origin: fc.constantFrom(undefined, 'CreateRoute'),
    target: fc.constantFrom(...staticTargets),
    state: stateArb,
  })
  .map(({ prefixListId, origin, target, state }) => ({
    destination: { kind: 'prefix-list' as const, prefixListId },
    target,
    state,
    ...(origin === undefined ? {} : { origin }),
  }));

/** A destination the loader could not read (kept, never matches). */
const invalidRouteArb: fc.Arbitrary<Omit<Route, 'source'>> = fc.constantFrom(...staticTargets).map((target) => ({
  destination: { kind: 'invalid' as const, text: '10.0.0.0/33' },
  target,
  state: 'active' as const,
  origin: 'CreateRoute',
}));

export const routeArb: fc.Arbitrary<Omit<Route, 'source'>> = fc.oneof(
  { arbitrary: cidrRouteArb, weight: 12 },
  { arbitrary: prefixListRouteArb, weight: 4 },
  { arbitrary: invalidRouteArb, weight: 1 },
);

export function routeTableArb(maxRoutes = 8): fc.Arbitrary<RouteTable> {
  return fc.array(routeArb, { maxLength: maxRoutes }).map((routes) => ({
    id: 'rtb-fc',
    vpcId: 'vpc-fc',
    isMain: true,
    subnetIds: [],
    gatewayIds: [],
    routes: routes.map((r, i) => ({ ...r, source: source(`Routes[${i}]`) })),
    source: source('RouteTables[0]'),
  }));
}
