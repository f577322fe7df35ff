/**
 * Small builders for model values in tests. They go through the same parsers as the loader
 * (parseCidr, parseIp, parseProtocol) so a test reads like the describe JSON it stands for.
 */
import type { Ip } from '../src/model/address.js';
import type { Packet } from '../src/model/flow.js';
import type {
  Direction,
  Eni,
  Instance,
  NaclEntry,
  NetworkAcl,
  PrefixList,
  Route,
  RouteTable,
  RouteTargetKind,
  SecurityGroup,
  SgPeer,
  SgRule,
  Snapshot,
  Subnet,
  Vpc,
} from '../src/model/snapshot.js';
import { emptySnapshot } from '../src/model/snapshot.js';
import { parseCidr, parseIp } from '../src/net/ip.js';
import { parseProtocol } from '../src/net/protocol.js';

const src = { file: 'test', path: '$' };

export function ip(text: string): Ip {
  const v = parseIp(text);
  if (!v) throw new Error(`bad ip ${text}`);
  return v;
}

export function cidr(text: string) {
  const c = parseCidr(text);
  if (!c) throw new Error(`bad cidr ${text}`);
  return c;
}

export function packet(p: { proto: string; src: string; dst: string; sport?: number | null; dport?: number | null; type?: number | null; code?: number | null }): Packet {
  return {
    protocol: parseProtocol(p.proto)!,
    src: ip(p.src),
    dst: ip(p.dst),
    srcPort: p.sport === undefined ? 50000 : p.sport,
    dstPort: p.dport === undefined ? null : p.dport,
    icmpType: p.type === undefined ? null : p.type,
    icmpCode: p.code === undefined ? null : p.code,
  };
}

export function naclEntry(
  ruleNumber: number,
  action: 'allow' | 'deny',
  direction: Direction,
  proto: string,
  block: string,
  opts: { ports?: [number, number]; icmp?: [number, number] } = {},
): NaclEntry {
  return {
    ruleNumber,
    action,
    direction,
    protocol: parseProtocol(proto),
    cidr: parseCidr(block),
    ports: opts.ports ? { from: opts.ports[0], to: opts.ports[1] } : null,
    icmp: opts.icmp ? { type: opts.icmp[0], code: opts.icmp[1] } : null,
    source: src,
  };
}

export function nacl(id: string, entries: NaclEntry[], subnetIds: string[] = [], vpcId = 'vpc-1', isDefault = false): NetworkAcl {
  return { id, vpcId, isDefault, subnetIds, entries, source: src };
}

export function peerOf(text: string): SgPeer {
  if (text.startsWith('sg-')) return { kind: 'group', groupId: text };
  if (text.startsWith('pl-')) return { kind: 'prefix-list', prefixListId: text };
  const c = parseCidr(text);
  return c ? { kind: 'cidr', cidr: c } : { kind: 'invalid', text };
}

export function sgRule(
  groupId: string,
  direction: Direction,
  proto: string,
  peer: string,
  opts: { ports?: [number, number]; icmp?: [number, number]; ruleId?: string } = {},
): SgRule {
  return {
    groupId,
    direction,
    protocol: parseProtocol(proto),
    ports: opts.ports ? { from: opts.ports[0], to: opts.ports[1] } : null,
    icmp: opts.icmp ? { type: opts.icmp[0], code: opts.icmp[1] } : null,
    peer: peerOf(peer),
    ...(opts.ruleId ? { ruleId: opts.ruleId } : {}),
    source: src,
  };
}

export function sg(id: string, rules: SgRule[], vpcId = 'vpc-1'): SecurityGroup {
  return {
    id,
    groupName: id,
    vpcId,
    inbound: rules.filter((r) => r.direction === 'inbound').map((r) => ({ ...r, groupId: id })),
    outbound: rules.filter((r) => r.direction === 'outbound').map((r) => ({ ...r, groupId: id })),
    source: src,
  };
}

export function eni(id: string, subnetId: string, ips: string[], groupIds: string[], opts: { publicIp?: string; vpcId?: string; ipv6?: string[] } = {}): Eni {
  const privateIps = ips.map(ip);
  return {
    id,
    subnetId,
    vpcId: opts.vpcId ?? 'vpc-1',
    interfaceType: 'interface',
    requesterManaged: false,
    sourceDestCheck: true,
    privateIps,
    primaryPrivateIp: privateIps[0] ?? null,
    ipv6Addresses: (opts.ipv6 ?? []).map(ip),
    ipv4Prefixes: [],
    ipv6Prefixes: [],
    publicIps: opts.publicIp && privateIps[0] ? [{ publicIp: ip(opts.publicIp), privateIp: privateIps[0] }] : [],
    groupIds,
    source: src,
  };
}

export function subnet(id: string, block: string, opts: { vpcId?: string; ipv6?: string[] } = {}): Subnet {
  return { id, vpcId: opts.vpcId ?? 'vpc-1', cidr4: cidr(block), cidrs6: (opts.ipv6 ?? []).map(cidr), source: src };
}

export function vpc(id: string, blocks: string[], ipv6: string[] = []): Vpc {
  return { id, cidrs4: blocks.map(cidr), cidrs6: ipv6.map(cidr), isDefault: false, source: src };
}

const KIND: Record<string, RouteTargetKind> = { igw: 'igw', nat: 'nat', pcx: 'pcx', tgw: 'tgw', vpce: 'vpce', eni: 'eni', vgw: 'vgw', eigw: 'eigw', i: 'instance' };

export function route(dest: string, target: string, state: 'active' | 'blackhole' = 'active'): Route {
  const kind: RouteTargetKind = target === 'local' ? 'local' : KIND[target.split('-')[0]!] ?? 'other';
  return {
    destination: dest.startsWith('pl-') ? { kind: 'prefix-list', prefixListId: dest } : { kind: 'cidr', cidr: cidr(dest) },
    target: { kind, id: target },
    state,
    source: src,
  };
}

export function routeTable(id: string, routes: Route[], opts: { subnetIds?: string[]; main?: boolean; vpcId?: string } = {}): RouteTable {
  return { id, vpcId: opts.vpcId ?? 'vpc-1', isMain: opts.main ?? false, subnetIds: opts.subnetIds ?? [], gatewayIds: [], routes, source: src };
}

export function instance(id: string, eniIds: string[], name?: string): Instance {
  return { id, eniIds, ...(name !== undefined ? { name } : {}), source: src };
}

export function prefixList(id: string, blocks: string[]): PrefixList {
  return { id, entries: blocks.map(cidr), source: src };
}

export function snapshotOf(parts: Partial<Snapshot>): Snapshot {
  return { ...emptySnapshot(), ...parts };
}
