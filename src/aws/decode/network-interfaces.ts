/**
 * DescribeNetworkInterfaces (ref 6.3): `{"NetworkInterfaces": [...]}` → Eni[].
 * Tags live under `TagSet` (ENIs are the odd one out). Public IPs come from PrivateIpAddresses[].Association
 * (and the top-level Association, which belongs to the primary address). Prefix delegation blocks
 * (Ipv4Prefixes / Ipv6Prefixes) belong to the ENI too. Unreadable addresses are warned about and left out.
 */
import type { Cidr, Ip } from '../../model/address.js';
import type { Eni, PublicIpAssociation } from '../../model/snapshot.js';
import { ipEquals } from '../../net/ip.js';
import {
  type DecodeContext,
  compact,
  hasField,
  joinPath,
  nameTag,
  objectElements,
  objectField,
  optionalBoolean,
  optionalObject,
  optionalString,
  requireString,
  toDecoder,
  unique,
} from './common.js';
import { readCidr, readIp } from './rule-values.js';

const LEFT_OUT = 'left out of the model';

function pushIp(list: Ip[], ip: Ip | null): void {
  if (ip !== null && !list.some((x) => ipEquals(x, ip))) list.push(ip);
}

export function readNetworkInterfaces(ctx: DecodeContext, value: unknown, path: string): Eni[] {
  const out: Eni[] = [];
  for (const [eni, p] of objectElements(ctx, value, path, 'a network interface')) {
    const id = requireString(ctx, eni, 'NetworkInterfaceId', p);
    const subnetId = requireString(ctx, eni, 'SubnetId', p);
    const vpcId = requireString(ctx, eni, 'VpcId', p);
    const description = optionalString(ctx, eni, 'Description', p);
    const interfaceType = optionalString(ctx, eni, 'InterfaceType', p) ?? 'interface';
    const requesterManaged = optionalBoolean(ctx, eni, 'RequesterManaged', p) ?? false;
    const sourceDestCheck = optionalBoolean(ctx, eni, 'SourceDestCheck', p) ?? true;
    const name = hasField(eni, 'TagSet') ? nameTag(ctx, eni, p, 'TagSet') : nameTag(ctx, eni, p, 'Tags');
    const attachment = optionalObject(ctx, eni, 'Attachment', p);
    const instanceId = attachment === undefined ? undefined : optionalString(ctx, attachment, 'InstanceId', joinPath(p, 'Attachment'));

    // Private IPv4: the primary first, then the secondaries in input order.
    const primaryText = optionalString(ctx, eni, 'PrivateIpAddress', p);
    let primary: Ip | null = primaryText === undefined ? null : readIp(ctx, primaryText, joinPath(p, 'PrivateIpAddress'), LEFT_OUT);
    const secondaries: Ip[] = [];
    const publicIps: PublicIpAssociation[] = [];
    const pendingPublic: Array<readonly [Ip, Ip | null]> = [];
    for (const [addr, ap] of objectField(ctx, eni, 'PrivateIpAddresses', p, 'a private IP address')) {
      const text = requireString(ctx, addr, 'PrivateIpAddress', ap);
      const isPrimary = optionalBoolean(ctx, addr, 'Primary', ap) ?? false;
      const assoc = optionalObject(ctx, addr, 'Association', ap);
      const publicText = assoc === undefined ? undefined : optionalString(ctx, assoc, 'PublicIp', joinPath(ap, 'Association'));
      const ip = text === undefined ? null : readIp(ctx, text, joinPath(ap, 'PrivateIpAddress'), LEFT_OUT);
      if (ip !== null) {
        if (isPrimary && primary === null) primary = ip;
        else if (!(primary !== null && ipEquals(primary, ip))) pushIp(secondaries, ip);
      }
      if (publicText !== undefined) {
        const pub = readIp(ctx, publicText, joinPath(joinPath(ap, 'Association'), 'PublicIp'), LEFT_OUT);
        if (pub !== null) pendingPublic.push([pub, ip]);
      }
    }
    if (primary === null && secondaries.length > 0) {
      ctx.warn(p, 'no primary private IP given; the first listed address is taken as primary');
      primary = secondaries.shift() ?? null;
    }
    const privateIps: Ip[] = [];
    pushIp(privateIps, primary);
    for (const ip of secondaries) pushIp(privateIps, ip);

    // The top-level Association is the public IP of the primary private address.
    const topAssoc = optionalObject(ctx, eni, 'Association', p);
    const topPublic = topAssoc === undefined ? undefined : optionalString(ctx, topAssoc, 'PublicIp', joinPath(p, 'Association'));
    if (topPublic !== undefined) {
      const pub = readIp(ctx, topPublic, joinPath(joinPath(p, 'Association'), 'PublicIp'), LEFT_OUT);
      if (pub !== null) pendingPublic.push([pub, primary]);
    }
    for (const [pub, priv] of pendingPublic) {
      if (priv === null) continue;
      if (!publicIps.some((a) => ipEquals(a.publicIp, pub) && ipEquals(a.privateIp, priv))) {
        publicIps.push({ publicIp: pub, privateIp: priv });
      }
    }

    const ipv6Addresses: Ip[] = [];
    for (const [addr, ap] of objectField(ctx, eni, 'Ipv6Addresses', p, 'an IPv6 address')) {
      const text = requireString(ctx, addr, 'Ipv6Address', ap);
      if (text !== undefined) pushIp(ipv6Addresses, readIp(ctx, text, joinPath(ap, 'Ipv6Address'), LEFT_OUT));
    }
    const topV6 = optionalString(ctx, eni, 'Ipv6Address', p);
    if (topV6 !== undefined) pushIp(ipv6Addresses, readIp(ctx, topV6, joinPath(p, 'Ipv6Address'), LEFT_OUT));

    const prefixes = (key: string, field: string): Cidr[] => {
      const list: Cidr[] = [];
      for (const [pre, pp] of objectField(ctx, eni, key, p, 'a delegated prefix')) {
        const text = requireString(ctx, pre, field, pp);
        const cidr = text === undefined ? null : readCidr(ctx, text, joinPath(pp, field), LEFT_OUT);
        if (cidr !== null) list.push(cidr);
      }
      return list;
    };
    const ipv4Prefixes = prefixes('Ipv4Prefixes', 'Ipv4Prefix');
    const ipv6Prefixes = prefixes('Ipv6Prefixes', 'Ipv6Prefix');

    const groupIds: string[] = [];
    for (const [group, gp] of objectField(ctx, eni, 'Groups', p, 'a group')) {
      const gid = requireString(ctx, group, 'GroupId', gp);
      if (gid !== undefined) groupIds.push(gid);
    }

    if (id === undefined || subnetId === undefined || vpcId === undefined) continue;
    out.push({
      id,
      subnetId,
      vpcId,
      ...compact({ description, instanceId, name }),
      interfaceType,
      requesterManaged,
      sourceDestCheck,
      privateIps,
      primaryPrivateIp: primary,
      ipv6Addresses,
      ipv4Prefixes,
      ipv6Prefixes,
      publicIps,
      groupIds: unique(groupIds),
      source: ctx.source(p),
    });
  }
  return out;
}

export const decodeNetworkInterfaces = toDecoder(readNetworkInterfaces, 'NetworkInterfaces');
