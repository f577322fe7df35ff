/**
 * DescribeNetworkAcls (ref 5.5): `{"NetworkAcls": [...]}` → NetworkAcl[].
 * Entries stay in input order, both directions mixed as AWS prints them (evaluators sort); the `*` rules
 * (32767 IPv4, 32768 IPv6) are kept like any other entry.
 */
import type { NaclAction, NaclEntry, NetworkAcl } from '../../model/snapshot.js';
import type { Cidr } from '../../model/address.js';
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
  optionalInteger,
  optionalObject,
  optionalString,
  requireBoolean,
  requireInteger,
  requireString,
  toDecoder,
  unique,
} from './common.js';
import { ICMP, ICMPV6 } from '../../net/protocol.js';
import { readCidr, readPortsAndIcmp, readProtocol } from './rule-values.js';

export function readNetworkAcls(ctx: DecodeContext, value: unknown, path: string): NetworkAcl[] {
  const out: NetworkAcl[] = [];
  for (const [acl, p] of objectElements(ctx, value, path, 'a network ACL')) {
    const id = requireString(ctx, acl, 'NetworkAclId', p);
    const vpcId = requireString(ctx, acl, 'VpcId', p);
    const isDefault = optionalBoolean(ctx, acl, 'IsDefault', p) ?? false;
    const name = nameTag(ctx, acl, p);
    const subnetIds: string[] = [];
    for (const [assoc, ap] of objectField(ctx, acl, 'Associations', p, 'an association')) {
      const subnetId = optionalString(ctx, assoc, 'SubnetId', ap);
      if (subnetId !== undefined) subnetIds.push(subnetId);
      else if (getField(assoc, 'SubnetId') === undefined) ctx.warn(ap, 'association without a SubnetId; ignored');
    }
    const entries: NaclEntry[] = [];
    for (const [entry, ep] of objectField(ctx, acl, 'Entries', p, 'an entry')) {
      const e = readEntry(ctx, entry, ep);
      if (e !== undefined) entries.push(e);
    }
    if (id === undefined || vpcId === undefined) continue;
    out.push({
      id,
      vpcId,
      isDefault,
      ...compact({ name }),
      subnetIds: unique(subnetIds),
      entries,
      source: ctx.source(p),
    });
  }
  return out;
}

function readAction(ctx: DecodeContext, entry: JsonObject, path: string): NaclAction | undefined {
  const v = getField(entry, 'RuleAction');
  const p = joinPath(path, 'RuleAction');
  if (typeof v === 'string') {
    const lower = v.trim().toLowerCase();
    if (lower === 'allow' || lower === 'deny') return lower;
  }
  if (v === undefined) ctx.error(p, 'expected "allow" or "deny", but the field is missing');
  else ctx.error(p, `expected "allow" or "deny", got ${describeValue(v)}`);
  return undefined;
}

function readEntry(ctx: DecodeContext, entry: JsonObject, p: string): NaclEntry | undefined {
  const ruleNumber = requireInteger(ctx, entry, 'RuleNumber', p);
  if (ruleNumber !== undefined && (ruleNumber < 1 || ruleNumber > 32768)) {
    ctx.warn(joinPath(p, 'RuleNumber'), `rule number ${ruleNumber} is outside 1-32766 (32767 and 32768 are the default rules); kept in its place in the order`);
  }
  const action = readAction(ctx, entry, p);
  const egress = requireBoolean(ctx, entry, 'Egress', p);
  const protocol = readProtocol(ctx, entry, 'Protocol', p);
  const v4 = optionalString(ctx, entry, 'CidrBlock', p);
  const v6 = optionalString(ctx, entry, 'Ipv6CidrBlock', p);
  const portRange = optionalObject(ctx, entry, 'PortRange', p);
  const icmpTypeCode = optionalObject(ctx, entry, 'IcmpTypeCode', p);
  const portsPath = joinPath(p, 'PortRange');
  const from = portRange === undefined ? undefined : optionalInteger(ctx, portRange, 'From', portsPath);
  const to = portRange === undefined ? undefined : optionalInteger(ctx, portRange, 'To', portsPath);
  const icmpPath = joinPath(p, 'IcmpTypeCode');
  const type = icmpTypeCode === undefined ? undefined : optionalInteger(ctx, icmpTypeCode, 'Type', icmpPath);
  const code = icmpTypeCode === undefined ? undefined : optionalInteger(ctx, icmpTypeCode, 'Code', icmpPath);
  if (ruleNumber === undefined || action === undefined || egress === undefined || protocol === undefined) return undefined;

  let cidr: Cidr | null = null;
  if (v4 !== undefined && v6 !== undefined) {
    ctx.warn(p, 'entry has both CidrBlock and Ipv6CidrBlock; AWS gives one; using CidrBlock');
  }
  if (v4 !== undefined) cidr = readCidr(ctx, v4, joinPath(p, 'CidrBlock'), 'the entry is kept but never matches');
  else if (v6 !== undefined) cidr = readCidr(ctx, v6, joinPath(p, 'Ipv6CidrBlock'), 'the entry is kept but never matches');
  else if (getField(entry, 'CidrBlock') === undefined && getField(entry, 'Ipv6CidrBlock') === undefined) {
    ctx.warn(p, 'entry has neither CidrBlock nor Ipv6CidrBlock; the entry is kept but never matches');
  }

  // NACL ICMP uses IcmpTypeCode and tcp/udp PortRange; whichever the protocol needs is read, the other ignored.
  const isIcmp = protocol === ICMP || protocol === ICMPV6;
  const { ports, icmp } = isIcmp
    ? readPortsAndIcmp(ctx, protocol, type, code, icmpTypeCode === undefined ? p : icmpPath, { first: 'Type', second: 'Code' })
    : readPortsAndIcmp(ctx, protocol, from, to, portRange === undefined ? p : portsPath, { first: 'From', second: 'To' });

  return {
    ruleNumber,
    action,
    direction: egress ? 'outbound' : 'inbound',
    protocol,
    cidr,
    ports,
    icmp,
    source: ctx.source(p),
  };
}

export const decodeNetworkAcls = toDecoder(readNetworkAcls, 'NetworkAcls');
