/**
 * DescribeNatGateways: `{"NatGateways": [...]}` → NatGateway[]. Addresses come from
 * NatGatewayAddresses[] (PrivateIp, PublicIp, NetworkInterfaceId).
 */
import type { Ip } from '../../model/address.js';
import type { NatGateway } from '../../model/snapshot.js';
import { ipEquals } from '../../net/ip.js';
import {
  type DecodeContext,
  compact,
  describeValue,
  joinPath,
  nameTag,
  objectElements,
  objectField,
  optionalString,
  requireString,
  toDecoder,
  unique,
} from './common.js';
import { readIp } from './rule-values.js';

function pushIp(list: Ip[], ip: Ip | null): void {
  if (ip !== null && !list.some((x) => ipEquals(x, ip))) list.push(ip);
}

export function readNatGateways(ctx: DecodeContext, value: unknown, path: string): NatGateway[] {
  const out: NatGateway[] = [];
  for (const [nat, p] of objectElements(ctx, value, path, 'a NAT gateway')) {
    const id = requireString(ctx, nat, 'NatGatewayId', p);
    const vpcId = requireString(ctx, nat, 'VpcId', p);
    const subnetId = requireString(ctx, nat, 'SubnetId', p);
    const state = optionalString(ctx, nat, 'State', p) ?? '';
    const typeText = optionalString(ctx, nat, 'ConnectivityType', p);
    const name = nameTag(ctx, nat, p);
    let connectivityType: 'public' | 'private' = 'public';
    if (typeText === 'private') connectivityType = 'private';
    else if (typeText !== undefined && typeText !== 'public') {
      ctx.warn(joinPath(p, 'ConnectivityType'), `unknown connectivity type ${describeValue(typeText)}; read as public`);
    }
    const eniIds: string[] = [];
    const privateIps: Ip[] = [];
    const publicIps: Ip[] = [];
    for (const [addr, ap] of objectField(ctx, nat, 'NatGatewayAddresses', p, 'a NAT gateway address')) {
      const eniId = optionalString(ctx, addr, 'NetworkInterfaceId', ap);
      const priv = optionalString(ctx, addr, 'PrivateIp', ap);
      const pub = optionalString(ctx, addr, 'PublicIp', ap);
      if (eniId !== undefined) eniIds.push(eniId);
      if (priv !== undefined) pushIp(privateIps, readIp(ctx, priv, joinPath(ap, 'PrivateIp'), 'left out of the model'));
      if (pub !== undefined) pushIp(publicIps, readIp(ctx, pub, joinPath(ap, 'PublicIp'), 'left out of the model'));
    }
    if (id === undefined || vpcId === undefined || subnetId === undefined) continue;
    out.push({
      id,
      vpcId,
      subnetId,
      state,
      connectivityType,
      ...compact({ name }),
      eniIds: unique(eniIds),
      privateIps,
      publicIps,
      source: ctx.source(p),
    });
  }
  return out;
}

export const decodeNatGateways = toDecoder(readNatGateways, 'NatGateways');
