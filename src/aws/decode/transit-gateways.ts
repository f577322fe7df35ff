/**
 * Transit gateways, as the AWS CLI prints them:
 * - DescribeTransitGateways: `{"TransitGateways": [...]}`;
 * - DescribeTransitGatewayAttachments: `{"TransitGatewayAttachments": [...]}` (resource, state, Association);
 * - DescribeTransitGatewayVpcAttachments: `{"TransitGatewayVpcAttachments": [...]}` (VpcId, SubnetIds, Options);
 * - DescribeTransitGatewayRouteTables: `{"TransitGatewayRouteTables": [...]}`. An element may also carry the
 *   outputs that name no table themselves: `Routes` (SearchTransitGatewayRoutes), `Associations`
 *   (GetTransitGatewayRouteTableAssociations) and `TransitGatewayRouteTablePropagations`
 *   (GetTransitGatewayRouteTablePropagations);
 * - per table, as Batfish's collector and vpcwhy's snapshot taker write them:
 *   `{"TransitGatewayStaticRoutes": [{"TransitGatewayRouteTableId", "Routes": [...]}]}` (SearchTransitGatewayRoutes,
 *   static or propagated alike: each route's Type says) and
 *   `{"TransitGatewayPropagations": [{"TransitGatewayRouteTableId", "TransitGatewayRouteTablePropagations": [...]}]}`.
 * The parts of one attachment or table are merged by id (merge.ts).
 */
import type {
  RouteDestination,
  TransitGateway,
  TransitGatewayAttachment,
  TransitGatewayRoute,
  TransitGatewayRouteState,
  TransitGatewayRouteTable,
} from '../../model/snapshot.js';
import {
  type DecodeContext,
  type JsonObject,
  compact,
  describeValue,
  joinPath,
  nameTag,
  objectElements,
  objectField,
  optionalBoolean,
  optionalObject,
  optionalString,
  requireString,
  stringElements,
  unique,
} from './common.js';
import { readCidr } from './rule-values.js';

export function readTransitGateways(ctx: DecodeContext, value: unknown, path: string): TransitGateway[] {
  const out: TransitGateway[] = [];
  for (const [tgw, p] of objectElements(ctx, value, path, 'a transit gateway')) {
    const id = requireString(ctx, tgw, 'TransitGatewayId', p);
    const state = optionalString(ctx, tgw, 'State', p) ?? '';
    const ownerId = optionalString(ctx, tgw, 'OwnerId', p);
    const name = nameTag(ctx, tgw, p);
    const options = optionalObject(ctx, tgw, 'Options', p);
    const op = joinPath(p, 'Options');
    const assoc = options && optionalString(ctx, options, 'DefaultRouteTableAssociation', op) !== 'disable' ? optionalString(ctx, options, 'AssociationDefaultRouteTableId', op) : undefined;
    const prop = options && optionalString(ctx, options, 'DefaultRouteTablePropagation', op) !== 'disable' ? optionalString(ctx, options, 'PropagationDefaultRouteTableId', op) : undefined;
    if (id === undefined) continue;
    out.push({
      id,
      state,
      ...compact({ name, ownerId, associationDefaultRouteTableId: assoc, propagationDefaultRouteTableId: prop }),
      source: ctx.source(p),
    });
  }
  return out;
}

/** An attachment as DescribeTransitGatewayAttachments prints it. */
export function readTransitGatewayAttachments(ctx: DecodeContext, value: unknown, path: string): TransitGatewayAttachment[] {
  const out: TransitGatewayAttachment[] = [];
  for (const [att, p] of objectElements(ctx, value, path, 'a transit gateway attachment')) {
    const id = requireString(ctx, att, 'TransitGatewayAttachmentId', p);
    const tgwId = optionalString(ctx, att, 'TransitGatewayId', p) ?? '';
    const resourceType = optionalString(ctx, att, 'ResourceType', p) ?? '';
    const resourceId = optionalString(ctx, att, 'ResourceId', p) ?? '';
    const state = optionalString(ctx, att, 'State', p) ?? '';
    const name = nameTag(ctx, att, p);
    const association = optionalObject(ctx, att, 'Association', p);
    const ap = joinPath(p, 'Association');
    const assocState = association && optionalString(ctx, association, 'State', ap);
    const routeTableId = association && (assocState === undefined || assocState === 'associated' || assocState === 'associating')
      ? optionalString(ctx, association, 'TransitGatewayRouteTableId', ap) ?? null
      : null;
    if (id === undefined) continue;
    out.push({
      id,
      transitGatewayId: tgwId,
      resourceType,
      resourceId,
      state,
      routeTableId,
      subnetIds: [],
      applianceMode: false,
      ipv6Support: false,
      ...compact({ name }),
      source: ctx.source(p),
    });
  }
  return out;
}

/** A VPC attachment as DescribeTransitGatewayVpcAttachments prints it. */
export function readTransitGatewayVpcAttachments(ctx: DecodeContext, value: unknown, path: string): TransitGatewayAttachment[] {
  const out: TransitGatewayAttachment[] = [];
  for (const [att, p] of objectElements(ctx, value, path, 'a transit gateway VPC attachment')) {
    const id = requireString(ctx, att, 'TransitGatewayAttachmentId', p);
    const tgwId = optionalString(ctx, att, 'TransitGatewayId', p) ?? '';
    const vpcId = requireString(ctx, att, 'VpcId', p);
    const state = optionalString(ctx, att, 'State', p) ?? '';
    const name = nameTag(ctx, att, p);
    const subnetIds = unique(stringElements(ctx, att, 'SubnetIds', p).map(([s]) => s));
    const options = optionalObject(ctx, att, 'Options', p);
    const op = joinPath(p, 'Options');
    const flag = (key: string): boolean => {
      const v = options && optionalString(ctx, options, key, op);
      if (v !== undefined && v !== 'enable' && v !== 'disable') ctx.warn(joinPath(op, key), `expected enable or disable, got ${describeValue(v)}; read as disable`);
      return v === 'enable';
    };
    const applianceMode = flag('ApplianceModeSupport');
    const ipv6Support = flag('Ipv6Support');
    if (id === undefined || vpcId === undefined) continue;
    out.push({
      id,
      transitGatewayId: tgwId,
      resourceType: 'vpc',
      resourceId: vpcId,
      state,
      routeTableId: null,
      subnetIds,
      applianceMode,
      ipv6Support,
      ...compact({ name }),
      source: ctx.source(p),
    });
  }
  return out;
}

const ROUTE_STATES: ReadonlySet<string> = new Set(['active', 'blackhole', 'pending', 'deleting', 'deleted']);

/** Routes as SearchTransitGatewayRoutes prints them (`Routes[]`). */
function readTgwRoutes(ctx: DecodeContext, obj: JsonObject, key: string, path: string): TransitGatewayRoute[] {
  const out: TransitGatewayRoute[] = [];
  for (const [r, p] of objectField(ctx, obj, key, path, 'a transit gateway route')) {
    const cidrText = optionalString(ctx, r, 'DestinationCidrBlock', p);
    const pl = optionalString(ctx, r, 'PrefixListId', p);
    const consequence = 'the route is kept but never matches';
    let destination: RouteDestination;
    if (cidrText !== undefined) {
      const cidr = readCidr(ctx, cidrText, joinPath(p, 'DestinationCidrBlock'), consequence);
      destination = cidr === null ? { kind: 'invalid', text: cidrText } : { kind: 'cidr', cidr };
    } else if (pl !== undefined) {
      destination = { kind: 'prefix-list', prefixListId: pl };
    } else {
      ctx.warn(p, `transit gateway route has no destination (DestinationCidrBlock or PrefixListId); ${consequence}`);
      destination = { kind: 'invalid', text: '' };
    }
    const stateText = optionalString(ctx, r, 'State', p) ?? 'active';
    if (!ROUTE_STATES.has(stateText)) ctx.warn(joinPath(p, 'State'), `unknown transit gateway route state ${describeValue(stateText)}; the route is kept but never matches`);
    const state: TransitGatewayRouteState = stateText === 'active' || stateText === 'blackhole' ? stateText : 'other';
    const typeText = optionalString(ctx, r, 'Type', p);
    const attachmentIds: string[] = [];
    for (const [a, ap] of objectField(ctx, r, 'TransitGatewayAttachments', p, 'a route attachment')) {
      const id = optionalString(ctx, a, 'TransitGatewayAttachmentId', ap);
      if (id !== undefined) attachmentIds.push(id);
    }
    out.push({ destination, attachmentIds: unique(attachmentIds), type: typeText === 'propagated' ? 'propagated' : 'static', state, source: ctx.source(p) });
  }
  return out;
}

/** Attachment ids of an Associations / TransitGatewayRouteTablePropagations list that are in effect. */
function attachmentList(ctx: DecodeContext, obj: JsonObject, key: string, path: string, inEffect: readonly string[]): string[] {
  const out: string[] = [];
  for (const [a, p] of objectField(ctx, obj, key, path, 'an attachment')) {
    const id = requireString(ctx, a, 'TransitGatewayAttachmentId', p);
    const state = optionalString(ctx, a, 'State', p);
    if (id !== undefined && (state === undefined || inEffect.includes(state))) out.push(id);
  }
  return unique(out);
}

const has = (obj: JsonObject, key: string) => Object.prototype.hasOwnProperty.call(obj, key);

function table(ctx: DecodeContext, rt: JsonObject, p: string, id: string): TransitGatewayRouteTable {
  const propagationKey = has(rt, 'TransitGatewayRouteTablePropagations') ? 'TransitGatewayRouteTablePropagations' : has(rt, 'Propagations') ? 'Propagations' : null;
  return {
    id,
    transitGatewayId: optionalString(ctx, rt, 'TransitGatewayId', p) ?? '',
    state: optionalString(ctx, rt, 'State', p) ?? '',
    defaultAssociation: optionalBoolean(ctx, rt, 'DefaultAssociationRouteTable', p) ?? false,
    defaultPropagation: optionalBoolean(ctx, rt, 'DefaultPropagationRouteTable', p) ?? false,
    associations: attachmentList(ctx, rt, 'Associations', p, ['associated', 'associating']),
    propagations: propagationKey === null ? null : attachmentList(ctx, rt, propagationKey, p, ['enabled', 'enabling']),
    routes: has(rt, 'Routes') ? readTgwRoutes(ctx, rt, 'Routes', p) : null,
    ...compact({ name: nameTag(ctx, rt, p) }),
    source: ctx.source(p),
  };
}

export function readTransitGatewayRouteTables(ctx: DecodeContext, value: unknown, path: string): TransitGatewayRouteTable[] {
  const out: TransitGatewayRouteTable[] = [];
  for (const [rt, p] of objectElements(ctx, value, path, 'a transit gateway route table')) {
    const id = requireString(ctx, rt, 'TransitGatewayRouteTableId', p);
    if (id !== undefined) out.push(table(ctx, rt, p, id));
  }
  return out;
}

/** `TransitGatewayStaticRoutes` / `TransitGatewayPropagations`: one element per table, naming it. */
export function readTransitGatewayRouteTableParts(what: 'routes' | 'propagations') {
  return (ctx: DecodeContext, value: unknown, path: string): TransitGatewayRouteTable[] => {
    const out: TransitGatewayRouteTable[] = [];
    for (const [rt, p] of objectElements(ctx, value, path, `the ${what} of a transit gateway route table`)) {
      const id = requireString(ctx, rt, 'TransitGatewayRouteTableId', p);
      if (id === undefined) continue;
      const t = table(ctx, rt, p, id);
      // An empty list here says the table has none, not that the snapshot lacks them.
      out.push(what === 'routes' ? { ...t, routes: t.routes ?? [] } : { ...t, propagations: t.propagations ?? [] });
    }
    return out;
  };
}

/** Combines two descriptions of one attachment (the generic one and the VPC one). */
export function combineTgwAttachments(kept: TransitGatewayAttachment, later: TransitGatewayAttachment): TransitGatewayAttachment {
  return {
    ...later,
    ...kept,
    transitGatewayId: kept.transitGatewayId || later.transitGatewayId,
    resourceType: kept.resourceType || later.resourceType,
    resourceId: kept.resourceId || later.resourceId,
    state: kept.state || later.state,
    routeTableId: kept.routeTableId ?? later.routeTableId,
    subnetIds: kept.subnetIds.length > 0 ? kept.subnetIds : later.subnetIds,
    applianceMode: kept.applianceMode || later.applianceMode,
    ipv6Support: kept.ipv6Support || later.ipv6Support,
  };
}

/** Combines parts of one route table (its description, its routes, its propagations). */
export function combineTgwRouteTables(kept: TransitGatewayRouteTable, later: TransitGatewayRouteTable): TransitGatewayRouteTable {
  const concat = <T>(a: readonly T[] | null, b: readonly T[] | null): readonly T[] | null => (a === null ? b : b === null ? a : [...a, ...b]);
  return {
    ...later,
    ...kept,
    transitGatewayId: kept.transitGatewayId || later.transitGatewayId,
    state: kept.state || later.state,
    defaultAssociation: kept.defaultAssociation || later.defaultAssociation,
    defaultPropagation: kept.defaultPropagation || later.defaultPropagation,
    associations: unique([...kept.associations, ...later.associations]),
    propagations: kept.propagations === null ? later.propagations : later.propagations === null ? kept.propagations : unique([...kept.propagations, ...later.propagations]),
    routes: concat(kept.routes, later.routes),
    source: kept.transitGatewayId !== '' || later.transitGatewayId === '' ? kept.source : later.source,
  };
}
