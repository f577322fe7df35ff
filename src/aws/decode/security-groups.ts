/**
 * DescribeSecurityGroups (ref 4.4): `{"SecurityGroups": [...]}` → SecurityGroup[].
 * Each element of IpRanges / Ipv6Ranges / PrefixListIds / UserIdGroupPairs becomes its own SgRule with the
 * permission's protocol and ports, so rules and evidence stay one-to-one.
 */
import type { Direction, SecurityGroup, SgPeer, SgRule } from '../../model/snapshot.js';
import {
  type DecodeContext,
  type JsonObject,
  compact,
  getField,
  joinPath,
  nameTag,
  objectElements,
  objectField,
  optionalInteger,
  optionalString,
  requireString,
  toDecoder,
} from './common.js';
import { readCidr, readPortsAndIcmp, readProtocol } from './rule-values.js';

export function readSecurityGroups(ctx: DecodeContext, value: unknown, path: string): SecurityGroup[] {
  const out: SecurityGroup[] = [];
  for (const [sg, p] of objectElements(ctx, value, path, 'a security group')) {
    const id = requireString(ctx, sg, 'GroupId', p);
    const groupName = optionalString(ctx, sg, 'GroupName', p);
    const vpcId = optionalString(ctx, sg, 'VpcId', p);
    const ownerId = optionalString(ctx, sg, 'OwnerId', p);
    const description = optionalString(ctx, sg, 'Description', p);
    const name = nameTag(ctx, sg, p);
    const groupId = id ?? '';
    const inbound = readIpPermissions(ctx, sg, 'IpPermissions', p, groupId, 'inbound');
    const outbound = readIpPermissions(ctx, sg, 'IpPermissionsEgress', p, groupId, 'outbound');
    if (id === undefined) continue;
    out.push({
      id,
      groupName: groupName ?? id,
      ...compact({ vpcId, ownerId, description, name }),
      inbound,
      outbound,
      source: ctx.source(p),
    });
  }
  return out;
}

function readIpPermissions(
  ctx: DecodeContext,
  sg: JsonObject,
  key: string,
  path: string,
  groupId: string,
  direction: Direction,
): SgRule[] {
  const rules: SgRule[] = [];
  for (const [perm, p] of objectField(ctx, sg, key, path, 'an IpPermission')) {
    const protocol = readProtocol(ctx, perm, 'IpProtocol', p);
    const from = optionalInteger(ctx, perm, 'FromPort', p);
    const to = optionalInteger(ctx, perm, 'ToPort', p);
    // Sources are read even when the protocol is malformed, so all their problems are reported too.
    const { ports, icmp } =
      protocol === undefined ? { ports: null, icmp: null } : readPortsAndIcmp(ctx, protocol, from, to, p, { first: 'FromPort', second: 'ToPort' });
    const sources = ['IpRanges', 'Ipv6Ranges', 'PrefixListIds', 'UserIdGroupPairs'].reduce((n, k) => {
      const v = getField(perm, k);
      return n + (Array.isArray(v) ? v.length : v === undefined ? 0 : 1);
    }, 0);
    const push = (peer: SgPeer, el: JsonObject, elPath: string): void => {
      const description = optionalString(ctx, el, 'Description', elPath);
      // Fields written out, not spread: snapshots hold tens of thousands of rules.
      const source = ctx.source(elPath);
      const proto = protocol ?? null;
      rules.push(description === undefined ? { groupId, direction, protocol: proto, ports, icmp, peer, source } : { groupId, direction, protocol: proto, ports, icmp, peer, description, source });
    };

    for (const [range, rp] of objectField(ctx, perm, 'IpRanges', p, 'an IP range')) {
      const text = requireString(ctx, range, 'CidrIp', rp);
      if (text !== undefined) push(familyChecked(ctx, cidrPeer(ctx, text, joinPath(rp, 'CidrIp')), 4, joinPath(rp, 'CidrIp')), range, rp);
    }
    for (const [range, rp] of objectField(ctx, perm, 'Ipv6Ranges', p, 'an IPv6 range')) {
      const text = requireString(ctx, range, 'CidrIpv6', rp);
      if (text !== undefined) push(familyChecked(ctx, cidrPeer(ctx, text, joinPath(rp, 'CidrIpv6')), 6, joinPath(rp, 'CidrIpv6')), range, rp);
    }
    for (const [pl, rp] of objectField(ctx, perm, 'PrefixListIds', p, 'a prefix-list id')) {
      const prefixListId = requireString(ctx, pl, 'PrefixListId', rp);
      if (prefixListId !== undefined) push({ kind: 'prefix-list', prefixListId }, pl, rp);
    }
    for (const [pair, rp] of objectField(ctx, perm, 'UserIdGroupPairs', p, 'a user id / group pair')) {
      const peer = readGroupPeer(ctx, pair, rp);
      if (peer !== undefined) push(peer, pair, rp);
    }
    if (sources === 0) {
      ctx.warn(p, 'permission has no source or destination (IpRanges, Ipv6Ranges, PrefixListIds, UserIdGroupPairs are empty); it allows nothing');
    }
  }
  return rules;
}

/** A CIDR in the other family's field (AWS never writes one): kept as written, with a warning. */
function familyChecked(ctx: DecodeContext, peer: SgPeer, family: 4 | 6, path: string): SgPeer {
  if (peer.kind === 'cidr' && peer.cidr.family !== family) {
    ctx.warn(path, `an IPv${peer.cidr.family} CIDR in the IPv${family} field (${family === 4 ? 'IpRanges' : 'Ipv6Ranges'}); read as written`);
  }
  return peer;
}

export function cidrPeer(ctx: DecodeContext, text: string, path: string): SgPeer {
  const cidr = readCidr(ctx, text, path, 'the rule is kept but never matches');
  return cidr === null ? { kind: 'invalid', text } : { kind: 'cidr', cidr };
}

/** A UserIdGroupPair or ReferencedGroupInfo. Without a GroupId (EC2-Classic style GroupName only) the peer is invalid. */
export function readGroupPeer(ctx: DecodeContext, pair: JsonObject, path: string): SgPeer | undefined {
  const groupId = optionalString(ctx, pair, 'GroupId', path);
  const userId = optionalString(ctx, pair, 'UserId', path);
  const vpcId = optionalString(ctx, pair, 'VpcId', path);
  const peeringConnectionId = optionalString(ctx, pair, 'VpcPeeringConnectionId', path);
  const groupName = optionalString(ctx, pair, 'GroupName', path);
  if (groupId === undefined) {
    if (getField(pair, 'GroupId') !== undefined) return undefined; // type error already reported
    const text = groupName ?? 'no GroupId';
    ctx.warn(path, `group reference without a GroupId (${text}); the rule is kept but never matches`);
    return { kind: 'invalid', text };
  }
  return { kind: 'group', groupId, ...compact({ userId, vpcId, peeringConnectionId }) };
}

export const decodeSecurityGroups = toDecoder(readSecurityGroups, 'SecurityGroups');
