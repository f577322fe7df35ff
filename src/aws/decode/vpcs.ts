/**
 * DescribeVpcs (ref 6.4): `{"Vpcs": [...]}` → Vpc[].
 * IPv4 CIDRs come from CidrBlockAssociationSet (all of them, for the local routes), falling back to
 * CidrBlock; IPv6 from Ipv6CidrBlockAssociationSet. Associations that are disassociated or failed are not
 * part of the VPC and are left out.
 */
import type { Cidr } from '../../model/address.js';
import type { BpaMode, Vpc } from '../../model/snapshot.js';
import {
  type DecodeContext,
  type JsonObject,
  compact,
  describeValue,
  joinPath,
  nameTag,
  objectField,
  objectElements,
  optionalBoolean,
  optionalObject,
  optionalString,
  requireString,
  toDecoder,
} from './common.js';
import { readCidr } from './rule-values.js';

const BPA_MODES: readonly BpaMode[] = ['off', 'block-bidirectional', 'block-ingress'];

/** BlockPublicAccessStates.InternetGatewayBlockMode, shared by VPCs and subnets. */
export function readBpaMode(ctx: DecodeContext, obj: JsonObject, path: string): BpaMode | undefined {
  const states = optionalObject(ctx, obj, 'BlockPublicAccessStates', path);
  if (states === undefined) return undefined;
  const statesPath = joinPath(path, 'BlockPublicAccessStates');
  const mode = optionalString(ctx, states, 'InternetGatewayBlockMode', statesPath);
  if (mode === undefined) return undefined;
  const known = BPA_MODES.find((m) => m === mode);
  if (known === undefined) {
    ctx.warn(joinPath(statesPath, 'InternetGatewayBlockMode'), `unknown block public access mode ${describeValue(mode)}; ignored`);
  }
  return known;
}

const GONE_STATES = new Set(['disassociated', 'failed']);

/**
 * CIDRs of an association set (`[{CidrBlock, CidrBlockState: {State}}]`), skipping associations that are
 * no longer in effect. Unreadable CIDRs are warned about and left out (a VPC block cannot be "null").
 */
export function readCidrAssociationSet(
  ctx: DecodeContext,
  obj: JsonObject,
  key: string,
  cidrKey: string,
  stateKey: string,
  path: string,
): Cidr[] {
  const out: Cidr[] = [];
  for (const [assoc, ap] of objectField(ctx, obj, key, path, 'a CIDR block association')) {
    const text = optionalString(ctx, assoc, cidrKey, ap);
    const state = optionalObject(ctx, assoc, stateKey, ap);
    const stateName = state === undefined ? undefined : optionalString(ctx, state, 'State', joinPath(ap, stateKey));
    if (text === undefined || (stateName !== undefined && GONE_STATES.has(stateName))) continue;
    const cidr = readCidr(ctx, text, joinPath(ap, cidrKey), 'left out of the model');
    if (cidr !== null && !out.some((c) => c.text === cidr.text)) out.push(cidr);
  }
  return out;
}

export function readVpcs(ctx: DecodeContext, value: unknown, path: string): Vpc[] {
  const out: Vpc[] = [];
  for (const [vpc, p] of objectElements(ctx, value, path, 'a VPC')) {
    const id = requireString(ctx, vpc, 'VpcId', p);
    const ownerId = optionalString(ctx, vpc, 'OwnerId', p);
    const isDefault = optionalBoolean(ctx, vpc, 'IsDefault', p) ?? false;
    const name = nameTag(ctx, vpc, p);
    const bpaMode = readBpaMode(ctx, vpc, p);
    const primary = optionalString(ctx, vpc, 'CidrBlock', p);
    const cidrs4 = readCidrAssociationSet(ctx, vpc, 'CidrBlockAssociationSet', 'CidrBlock', 'CidrBlockState', p);
    if (primary !== undefined) {
      // Checked even when the association set lists the CIDRs, so a bad value is never silent.
      const cidr = readCidr(ctx, primary, joinPath(p, 'CidrBlock'), 'left out of the model');
      if (cidr !== null && cidrs4.length === 0) cidrs4.push(cidr);
    }
    const cidrs6 = readCidrAssociationSet(ctx, vpc, 'Ipv6CidrBlockAssociationSet', 'Ipv6CidrBlock', 'Ipv6CidrBlockState', p);
    if (id === undefined) continue;
    out.push({
      id,
      ...compact({ ownerId, name, bpaMode, region: ctx.region }),
      cidrs4,
      cidrs6,
      isDefault,
      source: ctx.source(p),
    });
  }
  return out;
}

export const decodeVpcs = toDecoder(readVpcs, 'Vpcs');
