/**
 * DescribeVpcEndpoints: `{"VpcEndpoints": [...]}` → VpcEndpoint[]: gateway endpoints (routed to by their
 * vpce- id, for the service's prefix list) and interface endpoints (network interfaces with security
 * groups, which DescribeNetworkInterfaces lists). Their policies are not evaluated.
 */
import type { VpcEndpoint } from '../../model/snapshot.js';
import { type DecodeContext, compact, nameTag, objectElements, objectField, optionalString, requireString, stringElements, toDecoder, unique } from './common.js';

export function readVpcEndpoints(ctx: DecodeContext, value: unknown, path: string): VpcEndpoint[] {
  const out: VpcEndpoint[] = [];
  for (const [ep, p] of objectElements(ctx, value, path, 'a VPC endpoint')) {
    const id = requireString(ctx, ep, 'VpcEndpointId', p);
    const vpcId = optionalString(ctx, ep, 'VpcId', p) ?? '';
    const type = optionalString(ctx, ep, 'VpcEndpointType', p) ?? '';
    const serviceName = optionalString(ctx, ep, 'ServiceName', p) ?? '';
    const state = optionalString(ctx, ep, 'State', p) ?? '';
    const policy = optionalString(ctx, ep, 'PolicyDocument', p);
    const name = nameTag(ctx, ep, p);
    const groupIds: string[] = [];
    for (const [g, gp] of objectField(ctx, ep, 'Groups', p, 'a security group')) {
      const gid = optionalString(ctx, g, 'GroupId', gp);
      if (gid !== undefined) groupIds.push(gid);
    }
    const list = (key: string) => unique(stringElements(ctx, ep, key, p).map(([s]) => s));
    const routeTableIds = list('RouteTableIds');
    const subnetIds = list('SubnetIds');
    const eniIds = list('NetworkInterfaceIds');
    if (id === undefined) continue;
    out.push({
      id,
      type,
      vpcId,
      serviceName,
      state,
      hasPolicy: policy !== undefined && policy !== '',
      routeTableIds,
      subnetIds,
      groupIds: unique(groupIds),
      eniIds,
      ...compact({ name }),
      source: ctx.source(p),
    });
  }
  return out;
}

export const decodeVpcEndpoints = toDecoder(readVpcEndpoints, 'VpcEndpoints');
