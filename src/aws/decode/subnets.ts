/**
 * DescribeSubnets (ref 6.4): `{"Subnets": [...]}` → Subnet[]. A subnet does not say which NACL or route
 * table it uses; those come from the NACL and route-table associations.
 */
import type { Cidr } from '../../model/address.js';
import type { Subnet } from '../../model/snapshot.js';
import {
  type DecodeContext,
  compact,
  joinPath,
  nameTag,
  objectElements,
  optionalString,
  requireString,
  toDecoder,
} from './common.js';
import { readCidr } from './rule-values.js';
import { readBpaMode, readCidrAssociationSet } from './vpcs.js';

export function readSubnets(ctx: DecodeContext, value: unknown, path: string): Subnet[] {
  const out: Subnet[] = [];
  for (const [subnet, p] of objectElements(ctx, value, path, 'a subnet')) {
    const id = requireString(ctx, subnet, 'SubnetId', p);
    const vpcId = requireString(ctx, subnet, 'VpcId', p);
    const availabilityZone = optionalString(ctx, subnet, 'AvailabilityZone', p);
    const name = nameTag(ctx, subnet, p);
    const bpaMode = readBpaMode(ctx, subnet, p);
    const text = optionalString(ctx, subnet, 'CidrBlock', p);
    const cidr4: Cidr | null = text === undefined ? null : readCidr(ctx, text, joinPath(p, 'CidrBlock'), 'the subnet has no IPv4 block in the model');
    const cidrs6 = readCidrAssociationSet(ctx, subnet, 'Ipv6CidrBlockAssociationSet', 'Ipv6CidrBlock', 'Ipv6CidrBlockState', p);
    if (id === undefined || vpcId === undefined) continue;
    out.push({
      id,
      vpcId,
      cidr4,
      cidrs6,
      ...compact({ availabilityZone, bpaMode, name }),
      source: ctx.source(p),
    });
  }
  return out;
}

export const decodeSubnets = toDecoder(readSubnets, 'Subnets');
