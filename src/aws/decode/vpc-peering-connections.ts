/**
 * DescribeVpcPeeringConnections: `{"VpcPeeringConnections": [...]}` → VpcPeering[].
 * CIDRs of each side come from CidrBlockSet (falling back to CidrBlock) and Ipv6CidrBlockSet;
 * the status is Status.Code (active, pending-acceptance, deleted, ...).
 */
import type { Cidr } from '../../model/address.js';
import type { VpcPeering } from '../../model/snapshot.js';
import {
  type DecodeContext,
  type JsonObject,
  compact,
  joinPath,
  nameTag,
  objectElements,
  objectField,
  optionalObject,
  optionalString,
  requireString,
  toDecoder,
} from './common.js';
import { readCidr } from './rule-values.js';

interface Side {
  readonly vpcId: string | undefined;
  readonly cidrs: Cidr[];
}

function readSide(ctx: DecodeContext, pcx: JsonObject, key: string, path: string): Side {
  const info = optionalObject(ctx, pcx, key, path);
  const p = joinPath(path, key);
  if (info === undefined) {
    ctx.error(p, 'expected an object with the VpcId of this side, but the field is missing');
    return { vpcId: undefined, cidrs: [] };
  }
  const vpcId = requireString(ctx, info, 'VpcId', p);
  const cidrs: Cidr[] = [];
  const add = (text: string, at: string): void => {
    const cidr = readCidr(ctx, text, at, 'left out of the model');
    if (cidr !== null && !cidrs.some((c) => c.text === cidr.text)) cidrs.push(cidr);
  };
  for (const [block, bp] of objectField(ctx, info, 'CidrBlockSet', p, 'a CIDR block')) {
    const text = optionalString(ctx, block, 'CidrBlock', bp);
    if (text !== undefined) add(text, joinPath(bp, 'CidrBlock'));
  }
  const primary = optionalString(ctx, info, 'CidrBlock', p);
  if (primary !== undefined) add(primary, joinPath(p, 'CidrBlock'));
  for (const [block, bp] of objectField(ctx, info, 'Ipv6CidrBlockSet', p, 'an IPv6 CIDR block')) {
    const text = optionalString(ctx, block, 'Ipv6CidrBlock', bp);
    if (text !== undefined) add(text, joinPath(bp, 'Ipv6CidrBlock'));
  }
  return { vpcId, cidrs };
}

export function readVpcPeeringConnections(ctx: DecodeContext, value: unknown, path: string): VpcPeering[] {
  const out: VpcPeering[] = [];
  for (const [pcx, p] of objectElements(ctx, value, path, 'a VPC peering connection')) {
    const id = requireString(ctx, pcx, 'VpcPeeringConnectionId', p);
    const requester = readSide(ctx, pcx, 'RequesterVpcInfo', p);
    const accepter = readSide(ctx, pcx, 'AccepterVpcInfo', p);
    const status = optionalObject(ctx, pcx, 'Status', p);
    const code = status === undefined ? undefined : optionalString(ctx, status, 'Code', joinPath(p, 'Status'));
    const name = nameTag(ctx, pcx, p);
    if (id === undefined || requester.vpcId === undefined || accepter.vpcId === undefined) continue;
    out.push({
      id,
      requesterVpcId: requester.vpcId,
      accepterVpcId: accepter.vpcId,
      requesterCidrs: requester.cidrs,
      accepterCidrs: accepter.cidrs,
      status: code ?? '',
      ...compact({ name }),
      source: ctx.source(p),
    });
  }
  return out;
}

export const decodeVpcPeeringConnections = toDecoder(readVpcPeeringConnections, 'VpcPeeringConnections');
