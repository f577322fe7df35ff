/**
 * DescribeVpnConnections: `{"VpnConnections": [...]}` → VpnConnection[]. What trace needs: the gateway,
 * Options.StaticRoutesOnly and the static Routes[] (DestinationCidrBlock; deleted or failed ones left out).
 */
import type { Cidr } from '../../model/address.js';
import type { VpnConnection } from '../../model/snapshot.js';
import { type DecodeContext, compact, getField, isObject, joinPath, nameTag, objectElements, objectField, optionalBoolean, optionalString, requireString, toDecoder } from './common.js';
import { readCidr } from './rule-values.js';

const GONE = new Set(['deleted', 'deleting', 'failed']);

export function readVpnConnections(ctx: DecodeContext, value: unknown, path: string): VpnConnection[] {
  const out: VpnConnection[] = [];
  for (const [vpn, p] of objectElements(ctx, value, path, 'a VPN connection')) {
    const id = requireString(ctx, vpn, 'VpnConnectionId', p);
    const vpnGatewayId = optionalString(ctx, vpn, 'VpnGatewayId', p) ?? null;
    const transitGatewayId = optionalString(ctx, vpn, 'TransitGatewayId', p) ?? null;
    const state = optionalString(ctx, vpn, 'State', p) ?? '';
    const name = nameTag(ctx, vpn, p);
    const options = getField(vpn, 'Options');
    let staticRoutesOnly = false;
    if (isObject(options)) staticRoutesOnly = optionalBoolean(ctx, options, 'StaticRoutesOnly', joinPath(p, 'Options')) ?? false;
    else if (options !== undefined) ctx.warn(joinPath(p, 'Options'), 'expected an object; the VPN is read as using BGP');
    const staticRoutes: Cidr[] = [];
    for (const [route, rp] of objectField(ctx, vpn, 'Routes', p, 'a VPN route')) {
      const dest = optionalString(ctx, route, 'DestinationCidrBlock', rp);
      const routeState = optionalString(ctx, route, 'State', rp);
      if (dest === undefined || (routeState !== undefined && GONE.has(routeState))) continue;
      const cidr = readCidr(ctx, dest, joinPath(rp, 'DestinationCidrBlock'), 'left out of the VPN routes');
      if (cidr !== null) staticRoutes.push(cidr);
    }
    if (id === undefined) continue;
    out.push({ id, vpnGatewayId, transitGatewayId, state, ...compact({ name }), staticRoutesOnly, staticRoutes, source: ctx.source(p) });
  }
  return out;
}

export const decodeVpnConnections = toDecoder(readVpnConnections, 'VpnConnections');
