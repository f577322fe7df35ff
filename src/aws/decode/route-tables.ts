/**
 * DescribeRouteTables (ref 6.1, 6.2): `{"RouteTables": [...]}` → RouteTable[].
 * Associations: `Main: true` → isMain, `SubnetId` → subnetIds, `GatewayId` (edge association) → gatewayIds.
 * Route targets are recognised by key; `GatewayId` by its prefix (local, igw-, vgw-, vpce-).
 */
import type { Route, RouteDestination, RouteState, RouteTable, RouteTarget, RouteTargetKind } from '../../model/snapshot.js';
import {
  type DecodeContext,
  type JsonObject,
  compact,
  describeValue,
  getField,
  joinPath,
  nameTag,
  objectElements,
  objectField,
  optionalBoolean,
  optionalObject,
  optionalString,
  requireString,
  toDecoder,
  unique,
} from './common.js';
import { readCidr } from './rule-values.js';

/** Route keys that name a target, in the order they are consulted. */
const TARGET_KEYS: ReadonlyArray<readonly [string, RouteTargetKind | 'gateway']> = [
  ['GatewayId', 'gateway'],
  ['NatGatewayId', 'nat'],
  ['TransitGatewayId', 'tgw'],
  ['VpcPeeringConnectionId', 'pcx'],
  ['EgressOnlyInternetGatewayId', 'eigw'],
  // A NAT-instance route carries both InstanceId and NetworkInterfaceId; the ENI is the actual next hop.
  ['NetworkInterfaceId', 'eni'],
  ['InstanceId', 'instance'],
  ['LocalGatewayId', 'lgw'],
  ['CarrierGatewayId', 'cgw'],
  ['CoreNetworkArn', 'core-network'],
  ['OdbNetworkArn', 'other'],
  ['IpAddress', 'other'],
];

const ROUTE_STATES: readonly RouteState[] = ['active', 'blackhole', 'filtered'];

function gatewayKind(id: string): RouteTargetKind {
  if (id === 'local') return 'local';
  if (id.startsWith('igw-')) return 'igw';
  if (id.startsWith('vgw-')) return 'vgw';
  if (id.startsWith('vpce-')) return 'vpce';
  if (id.startsWith('eigw-')) return 'eigw';
  if (id.startsWith('nat-')) return 'nat';
  if (id.startsWith('tgw-')) return 'tgw';
  return 'other';
}

export function readRouteTables(ctx: DecodeContext, value: unknown, path: string): RouteTable[] {
  const out: RouteTable[] = [];
  for (const [rt, p] of objectElements(ctx, value, path, 'a route table')) {
    const id = requireString(ctx, rt, 'RouteTableId', p);
    const vpcId = requireString(ctx, rt, 'VpcId', p);
    const name = nameTag(ctx, rt, p);
    let isMain = false;
    const subnetIds: string[] = [];
    const gatewayIds: string[] = [];
    for (const [assoc, ap] of objectField(ctx, rt, 'Associations', p, 'an association')) {
      const main = optionalBoolean(ctx, assoc, 'Main', ap) ?? false;
      const subnetId = optionalString(ctx, assoc, 'SubnetId', ap);
      const gatewayId = optionalString(ctx, assoc, 'GatewayId', ap);
      const state = optionalObject(ctx, assoc, 'AssociationState', ap);
      const stateName = state === undefined ? undefined : optionalString(ctx, state, 'State', joinPath(ap, 'AssociationState'));
      if (stateName === 'disassociated' || stateName === 'failed') continue; // not in effect
      if (main) isMain = true;
      if (subnetId !== undefined) subnetIds.push(subnetId);
      if (gatewayId !== undefined) gatewayIds.push(gatewayId);
    }
    const routes: Route[] = [];
    for (const [route, rp] of objectField(ctx, rt, 'Routes', p, 'a route')) {
      routes.push(readRoute(ctx, route, rp));
    }
    if (id === undefined || vpcId === undefined) continue;
    out.push({
      id,
      vpcId,
      isMain,
      ...compact({ name }),
      subnetIds: unique(subnetIds),
      gatewayIds: unique(gatewayIds),
      routes,
      source: ctx.source(p),
    });
  }
  return out;
}

function readDestination(ctx: DecodeContext, route: JsonObject, p: string): RouteDestination {
  const v4 = optionalString(ctx, route, 'DestinationCidrBlock', p);
  const v6 = optionalString(ctx, route, 'DestinationIpv6CidrBlock', p);
  const pl = optionalString(ctx, route, 'DestinationPrefixListId', p);
  const consequence = 'the route is kept but never matches';
  if (v4 !== undefined) {
    const cidr = readCidr(ctx, v4, joinPath(p, 'DestinationCidrBlock'), consequence);
    return cidr === null ? { kind: 'invalid', text: v4 } : { kind: 'cidr', cidr };
  }
  if (v6 !== undefined) {
    const cidr = readCidr(ctx, v6, joinPath(p, 'DestinationIpv6CidrBlock'), consequence);
    return cidr === null ? { kind: 'invalid', text: v6 } : { kind: 'cidr', cidr };
  }
  if (pl !== undefined) return { kind: 'prefix-list', prefixListId: pl };
  const typed = ['DestinationCidrBlock', 'DestinationIpv6CidrBlock', 'DestinationPrefixListId'].some(
    (k) => getField(route, k) !== undefined,
  );
  if (!typed) ctx.warn(p, `route has no destination (DestinationCidrBlock, DestinationIpv6CidrBlock or DestinationPrefixListId); ${consequence}`);
  return { kind: 'invalid', text: '' };
}

function readTarget(ctx: DecodeContext, route: JsonObject, p: string): RouteTarget {
  for (const [key, kind] of TARGET_KEYS) {
    const id = optionalString(ctx, route, key, p);
    if (id === undefined) continue;
    return { kind: kind === 'gateway' ? gatewayKind(id) : kind, id };
  }
  ctx.warn(p, 'route has no target the loader knows; kept with target kind "other"');
  return { kind: 'other', id: '' };
}

function readRoute(ctx: DecodeContext, route: JsonObject, p: string): Route {
  const destination = readDestination(ctx, route, p);
  const target = readTarget(ctx, route, p);
  const origin = optionalString(ctx, route, 'Origin', p);
  const stateText = optionalString(ctx, route, 'State', p);
  let state: RouteState = 'active';
  if (stateText !== undefined) {
    const known = ROUTE_STATES.find((s) => s === stateText.toLowerCase());
    if (known !== undefined) state = known;
    else ctx.warn(joinPath(p, 'State'), `unknown route state ${describeValue(stateText)}; read as active`);
  }
  return { destination, target, state, ...compact({ origin }), source: ctx.source(p) };
}

export const decodeRouteTables = toDecoder(readRouteTables, 'RouteTables');
