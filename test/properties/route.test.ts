/**
 * Properties of evaluateRoute (src/engine/route.ts) against a brute-force longest-prefix oracle
 * (test/properties/oracles.ts) over the small universe.
 *
 * Seeds are fixed (test/arbitraries/fc-params.ts). A failure prints `seed` and `path`; replay it with
 *   FC_SEED=<seed> FC_PATH=<path> npx vitest run test/properties/route.test.ts
 * and explore new cases with FC_SEED=random (FC_RUNS_FACTOR=10 for more runs).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateRoute } from '../../src/engine/route.js';
import { indexSnapshot } from '../../src/engine/snapshot-index.js';
import { emptySnapshot } from '../../src/model/snapshot.js';
import type { PrefixList, Route, RouteTable } from '../../src/model/snapshot.js';
import { fcParams } from '../arbitraries/fc-params.js';
import { universeCidrArb } from '../arbitraries/ip.js';
import { PROPAGATED, routeTableArb } from '../arbitraries/route.js';
import { prefixListsArb } from '../arbitraries/security-group.js';
import { ALL_ADDRESSES, V4_ADDRESSES, V6_ADDRESSES, ipOf } from '../arbitraries/universe.js';
import { routeOracle } from './oracles.js';

const label = (r: Route | null) =>
  r === null
    ? null
    : `${r.source.path} ${destinationText(r)} ${r.origin ?? 'static'} -> ${r.target.id} (${r.state})`;

function destinationText(r: Route): string {
  const d = r.destination;
  return d.kind === 'cidr' ? d.cidr.text : d.kind === 'prefix-list' ? d.prefixListId : `invalid ${d.text}`;
}

function check(prefixLists: readonly PrefixList[], table: RouteTable, dst: string): void {
  const index = indexSnapshot({ ...emptySnapshot(), prefixLists, routeTables: [table] });
  const d = evaluateRoute(index, table, ipOf(dst));
  const o = routeOracle(prefixLists, table, dst);
  const context = `dst ${dst}; routes:\n  ${table.routes.map(label).join('\n  ')}\nprefix lists: ${JSON.stringify(prefixLists.map((p) => [p.id, p.entries?.map((c) => c.text) ?? null]))}`;
  if (o.acceptable.length === 0) {
    expect({ outcome: d.outcome, route: label(d.route) }, context).toEqual({ outcome: 'no-route', route: null });
    return;
  }
  expect(d.prefixLength, context).toBe(o.prefixLength);
  const acceptable = o.acceptable.map(label);
  expect(acceptable.includes(label(d.route)), `chose ${label(d.route)}, AWS picks one of [${acceptable.join('; ')}] (ref 6.1); ${context}`).toBe(true);
  expect(d.outcome, context).toBe(d.route?.state === 'blackhole' ? 'blackhole' : 'forward');
  expect(d.target, context).toBe(d.route?.target);
}

describe('evaluateRoute properties', () => {
  it('longest-prefix match agrees with a brute-force oracle for every universe destination; ties: static CIDR over prefix list over propagated (ref 6.1, 8.13)', () => {
    fc.assert(
      fc.property(routeTableArb(8), prefixListsArb, (table, prefixLists) => {
        for (const dst of ALL_ADDRESSES) check(prefixLists, table, dst);
      }),
      fcParams(400),
    );
  });

  it('on an equal prefix length a prefix-list route beats a propagated route, and a static CIDR route beats both (ref 6.1)', () => {
    // Focused on the tie rules: one prefix-list entry, one propagated route and one static route to the same block.
    fc.assert(
      fc.property(universeCidrArb(), fc.constantFrom(...V4_ADDRESSES, ...V6_ADDRESSES), fc.boolean(), fc.nat(2), (block, dst, withStatic, order) => {
        const src = (path: string) => ({ file: 'fast-check', path });
        const prefixLists: PrefixList[] = [{ id: 'pl-a', entries: [block], source: src('PrefixLists[0]') }];
        const routes: Route[] = [
          { destination: { kind: 'prefix-list', prefixListId: 'pl-a' }, target: { kind: 'vpce', id: 'vpce-1' }, state: 'active', origin: 'CreateRoute', source: src('Routes[pl]') },
          { destination: { kind: 'cidr', cidr: block }, target: { kind: 'vgw', id: 'vgw-1' }, state: 'active', origin: PROPAGATED, source: src('Routes[propagated]') },
          ...(withStatic ? [{ destination: { kind: 'cidr' as const, cidr: block }, target: { kind: 'tgw' as const, id: 'tgw-1' }, state: 'active' as const, origin: 'CreateRoute', source: src('Routes[static]') }] : []),
        ];
        const rotated = [...routes.slice(order % routes.length), ...routes.slice(0, order % routes.length)];
        const table: RouteTable = { id: 'rtb-fc', vpcId: 'vpc-fc', isMain: true, subnetIds: [], gatewayIds: [], routes: rotated, source: src('RouteTables[0]') };
        check(prefixLists, table, dst);
      }),
      fcParams(300),
    );
  });
});
