/**
 * DescribeInternetGateways: `{"InternetGateways": [...]}` → InternetGateway[] (attached VPCs only), and
 * DescribeEgressOnlyInternetGateways: `{"EgressOnlyInternetGateways": [...]}`, the same shape under
 * `EgressOnlyInternetGatewayId`.
 */
import type { InternetGateway } from '../../model/snapshot.js';
import { type DecodeContext, compact, nameTag, objectElements, objectField, optionalString, requireString, toDecoder, unique } from './common.js';

/** Attachment states in which the gateway serves the VPC. */
const ATTACHED = new Set(['available', 'attached']);

export function readInternetGateways(ctx: DecodeContext, value: unknown, path: string, idKey = 'InternetGatewayId'): InternetGateway[] {
  const out: InternetGateway[] = [];
  for (const [igw, p] of objectElements(ctx, value, path, idKey === 'InternetGatewayId' ? 'an internet gateway' : 'an egress-only internet gateway')) {
    const id = requireString(ctx, igw, idKey, p);
    const name = nameTag(ctx, igw, p);
    const vpcIds: string[] = [];
    for (const [att, ap] of objectField(ctx, igw, 'Attachments', p, 'an attachment')) {
      const vpcId = requireString(ctx, att, 'VpcId', ap);
      const state = optionalString(ctx, att, 'State', ap);
      if (vpcId !== undefined && (state === undefined || ATTACHED.has(state))) vpcIds.push(vpcId);
    }
    if (id === undefined) continue;
    out.push({ id, ...compact({ name }), vpcIds: unique(vpcIds), source: ctx.source(p) });
  }
  return out;
}

export const decodeInternetGateways = toDecoder(readInternetGateways, 'InternetGateways');

export function readEgressOnlyInternetGateways(ctx: DecodeContext, value: unknown, path: string): InternetGateway[] {
  return readInternetGateways(ctx, value, path, 'EgressOnlyInternetGatewayId');
}
