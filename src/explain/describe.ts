/**
 * Plain-English phrases for rules, packets and decisions. Everything an explanation says is rendered
 * from evidence through these functions, never re-derived.
 */
import type { Cidr, Ip, PortRange } from '../model/address.js';
import type { Packet } from '../model/flow.js';
import type { Direction, NaclEntry, Route, SgPeer, SgRule } from '../model/snapshot.js';
import type { SnapshotIndex } from '../engine/snapshot-index.js';
import { ICMP, ICMPV6, hasPorts, isIcmp, protocolName } from '../net/protocol.js';
import { PLAIN, type Say } from './say.js';

export function portsText(range: PortRange | null): string {
  if (range === null || (range.from <= 0 && range.to >= 65535)) return 'all ports';
  return range.from === range.to ? `${range.from}` : `${range.from}-${range.to}`;
}

/** `tcp/22`, `udp/1024-65535`, `all traffic`, `icmp type 8`, `protocol 50`. */
export function serviceText(protocol: number | null, ports: PortRange | null, icmp: { type: number; code: number } | null): string {
  if (protocol === null) return 'an unreadable protocol';
  if (protocol === -1) return 'all traffic';
  const name = protocolName(protocol);
  if (hasPorts(protocol)) return ports === null || (ports.from <= 0 && ports.to >= 65535) ? `all ${name}` : `${name}/${portsText(ports)}`;
  if (isIcmp(protocol)) {
    if (icmp === null || icmp.type === -1) return `all ${name}`;
    return icmp.code === -1 ? `${name} type ${icmp.type}` : `${name} type ${icmp.type} code ${icmp.code}`;
  }
  return `all ${name}`;
}

function cidrText(c: Cidr | null): string {
  return c === null ? 'an unreadable CIDR' : c.text;
}

/** `rule 90 (deny tcp/22 from 198.51.100.0/24)`. */
export function describeNaclEntry(e: NaclEntry): string {
  return `rule ${e.ruleNumber} (${e.action} ${serviceText(e.protocol, e.ports, e.icmp)} ${e.direction === 'inbound' ? 'from' : 'to'} ${cidrText(e.cidr)})`;
}

export function describeDefaultNaclRule(ruleNumber: number, direction: Direction): string {
  return `rule * (${ruleNumber}, the default: deny all ${ruleNumber === 32768 ? 'IPv6' : 'IPv4'} traffic ${direction === 'inbound' ? 'from' : 'to'} ${ruleNumber === 32768 ? '::/0' : '0.0.0.0/0'})`;
}

export function describePeer(peer: SgPeer, index?: SnapshotIndex): string {
  switch (peer.kind) {
    case 'cidr':
      return peer.cidr.text;
    case 'prefix-list': {
      const pl = index?.prefixListById.get(peer.prefixListId);
      const name = pl?.prefixListName ?? pl?.name;
      return `prefix list ${peer.prefixListId}${name ? ` (${name})` : ''}`;
    }
    case 'group': {
      const g = index?.groupById.get(peer.groupId);
      return `members of ${peer.groupId}${g ? ` (${g.groupName})` : ''}`;
    }
    case 'invalid':
      return `an unreadable peer "${peer.text}"`;
  }
}

/** `sg-0a rule sgr-1: allow tcp/22 from 10.0.0.0/16`. */
export function describeSgRule(r: SgRule, index?: SnapshotIndex): string {
  const id = r.ruleId ? ` rule ${r.ruleId}` : '';
  const svc = serviceText(r.protocol, r.ports, r.icmp);
  const group = index?.groupById.get(r.groupId)?.groupName;
  return `${r.groupId}${group ? ` (${group})` : ''}${id}: allow ${svc} ${r.direction === 'inbound' ? 'from' : 'to'} ${describePeer(r.peer, index)}${r.description ? ` ("${r.description}")` : ''}`;
}

export function describeRoute(r: Route): string {
  const d = r.destination;
  const dest = d.kind === 'cidr' ? d.cidr.text : d.kind === 'prefix-list' ? d.prefixListId : `unreadable "${d.text}"`;
  return `${dest} -> ${r.target.id}${r.state !== 'active' ? ` (${r.state})` : ''}`;
}

export function protocolLabel(protocol: number): string {
  return protocol === ICMPV6 ? 'ICMPv6' : protocolName(protocol).toUpperCase();
}

/** What AWS calls a resource by its id prefix, for a sentence that would start with the id. */
const ID_KINDS: ReadonlyArray<readonly [string, string]> = [
  ['rtb-', 'Route table'],
  ['tgw-rtb-', 'Transit gateway route table'],
  ['tgw-attach-', 'Transit gateway attachment'],
  ['tgw-', 'Transit gateway'],
  ['eni-', 'Network interface'],
  ['acl-', 'Network ACL'],
  ['sg-', 'Security group'],
  ['subnet-', 'Subnet'],
  ['vpc-', 'VPC'],
  ['vpce-', 'VPC endpoint'],
  ['pcx-', 'VPC peering connection'],
  ['igw-', 'Internet gateway'],
  ['eigw-', 'Egress-only internet gateway'],
  ['nat-', 'NAT gateway'],
  ['vgw-', 'Virtual private gateway'],
  ['i-', 'Instance'],
];

/**
 * A sentence as it is written: capitalised, except that an AWS id keeps its case and gets its kind in
 * front (`Route table rtb-0abc ...`, never `Rtb-0abc`).
 */
export function sentence(s: string): string {
  // An id: a known prefix, then letters and digits with at least one digit (eni-0web1..., rtb-0abc...).
  const kind = ID_KINDS.find(([prefix]) => s.startsWith(prefix) && /^[0-9a-z]*[0-9][0-9a-z]*\b/.test(s.slice(prefix.length)));
  if (kind) return `${kind[1]} ${s}`;
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function hostPort(ip: Ip, port: number | null, family: 4 | 6, say: Say): string {
  const a = say.addr(ip);
  if (port === null) return a;
  return family === 6 ? `[${a}]:${say.port(port)}` : `${a}:${say.port(port)}`;
}

/** `TCP 198.51.100.7:40000 -> 10.0.1.10:22`, `ICMP 203.0.113.12 -> 172.31.16.139 (type 8)`. */
export function describePacket(p: Packet, say: Say = PLAIN): string {
  const ports = hasPorts(p.protocol);
  const src = hostPort(p.src, ports ? p.srcPort : null, p.src.family, say);
  const dst = hostPort(p.dst, ports ? p.dstPort : null, p.dst.family, say);
  let icmp = '';
  if ((p.protocol === ICMP || p.protocol === ICMPV6) && p.icmpType !== null) icmp = ` (type ${p.icmpType}${p.icmpCode !== null ? ` code ${p.icmpCode}` : ''})`;
  return `${protocolLabel(p.protocol)} ${src} -> ${dst}${icmp}`;
}

/** What a rule allowing this packet would say: `tcp/5432` / `icmp type 0` / `all esp`. */
export function packetService(p: Packet, say: Say = PLAIN): string {
  if (hasPorts(p.protocol)) return p.dstPort === null ? `${protocolName(p.protocol)} (the record does not give the port)` : `${protocolName(p.protocol)}/${say.port(p.dstPort)}`;
  if (isIcmp(p.protocol)) return p.icmpType === null ? protocolName(p.protocol) : `${protocolName(p.protocol)} type ${p.icmpType}`;
  return protocolName(p.protocol);
}

export function enumerate(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}
