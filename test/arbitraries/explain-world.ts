/**
 * Random explain worlds (from a review of the class cache, pipeline/classes.ts): snapshots whose SG rules
 * have CIDR, prefix-list, known, unknown and missing group peers, NACL entries with unreadable CIDRs,
 * interfaces sharing a policy, NAT gateway interfaces, delegated prefixes, public IPs, names with quotes,
 * addresses and ids; and records over pools of peers and ports, with every custom field. Used by
 * test/equivalence/, which holds the pipeline equal to the reference over them.
 */
import fc from 'fast-check';
import { makeFormat } from '../../src/flowlog/format.js';
import { E } from '../../src/fp.js';
import type { Eni } from '../../src/model/snapshot.js';
import { formatIp } from '../../src/net/ip.js';
import { cidr, eni, instance, nacl, naclEntry, prefixList, sg, sgRule, snapshotOf, subnet, vpc } from '../builders.js';

export const fullFormat = (() => {
  const f = makeFormat(['interface-id', 'srcaddr', 'dstaddr', 'srcport', 'dstport', 'protocol', 'action', 'tcp-flags', 'flow-direction', 'pkt-srcaddr', 'pkt-dstaddr', 'reject-reason'], 'full');
  if (E.isLeft(f)) throw new Error(f.left.message);
  return f.right;
})();

const CIDRS = ['0.0.0.0/0', '10.0.0.0/16', '10.0.1.0/24', '10.0.1.0/28', '10.0.2.0/24', '198.51.100.0/24', '198.51.100.64/26', '203.0.113.0/25', '203.0.113.5/32', '10.0.1.10/32', '::/0', '2600:1f18::/32', '2600:1f18:0:101::/64', '2001:db8::/33', '::ffff:0:0/96'];
const GROUPS = ['sg-1', 'sg-2', 'sg-3'];
const PEERS = [...CIDRS, 'pl-1', 'pl-2', 'sg-1', 'sg-2', 'sg-3', 'sg-unknown', 'bogus'];
const PROTOS = ['tcp', 'udp', 'icmp', '-1', '50', 'icmpv6'];

const portRangeArb = fc.oneof(
  fc.constant(undefined),
  fc.tuple(fc.constantFrom(0, 22, 80, 443, 1024, 5000, 8000, 40000), fc.constantFrom(0, 22, 80, 443, 1023, 5000, 8999, 65535)).map(([a, b]) => [Math.min(a, b), Math.max(a, b)] as [number, number]),
);

const sgRuleArb = fc.record({ desc: fc.constantFrom(undefined, '10.0.1.10', 'eni-1', 'x"y'), group: fc.constantFrom(...GROUPS), dir: fc.constantFrom('inbound' as const, 'outbound' as const), proto: fc.constantFrom(...PROTOS), peer: fc.constantFrom(...PEERS), ports: portRangeArb, icmp: fc.constantFrom(undefined, [8, -1] as [number, number]) });
const naclArb = fc.record({ n: fc.integer({ min: 1, max: 200 }), action: fc.constantFrom('allow' as const, 'deny' as const), dir: fc.constantFrom('inbound' as const, 'outbound' as const), proto: fc.constantFrom(...PROTOS), cidr: fc.constantFrom(...CIDRS, 'junk'), ports: portRangeArb });

const eniSpecArb = fc.record({
  subnet: fc.constantFrom('subnet-1', 'subnet-2', 'subnet-3', 'subnet-4'),
  groups: fc.subarray(['sg-1', 'sg-2', 'sg-3', 'sg-missing']),
  instance: fc.boolean(),
  name: fc.constantFrom(undefined, 'web', 'q"uo\\te', 'ünï', '10.0.1.10', 'eni-0'),
  prefix: fc.constantFrom(null, '10.0.1.48/28', '10.0.2.64/28'),
  prefix6: fc.constantFrom(null, '2600:1f18:0:101:8000::/80'),
  nat: fc.constantFrom(false, false, false, true),
  pub: fc.boolean(),
});

export const snapArb = fc.record({
  rules: fc.array(sgRuleArb, { maxLength: 10 }),
  entries: fc.array(naclArb, { maxLength: 8 }),
  enis: fc.array(eniSpecArb, { minLength: 1, maxLength: 4 }).chain((es) => fc.constantFrom(es, [...es, es[0]!], [...es, ...es])),
  noNacl2: fc.boolean(),
});

const ADDRS = ['2600:1f18:0:101:8000::5', '2600:1f18:0:101:0:0:0:1', '::FFFF:10.0.1.10', '198.51.100.7', '198.51.100.70', '198.51.100.200', '203.0.113.5', '203.0.113.6', '203.0.113.200', '10.0.1.77', '10.0.1.5', '10.0.2.9', '10.0.2.70', '10.0.1.50', '10.0.3.3', '8.8.8.8', '100.64.1.1', '2600:1f18:0:101::77', '2600:1f18:0:101::78', '2600:1F18:0:101::79', '2001:db8::1', '2001:db8:8000::1', '::ffff:10.0.1.77', '::ffff:8.8.8.8', '2a00::1'];

/** Peers that are addresses of the snapshot's interfaces (peerAddr): private IPv4 and IPv6, public. */
const ENI_PEERS = ['eni0', 'eni1', 'eni2', 'eni3', 'eni1:v6', 'eni1:pub', 'eni2:pub'];

export type SnapSpec = typeof snapArb extends fc.Arbitrary<infer T> ? T : never;

/** A snapshot from its spec: up to 8 interfaces over 3 subnets, 3 groups, one NACL, two prefix lists. */
export function buildSnapshot(s: SnapSpec) {
  const enis: Eni[] = s.enis.slice(0, 8).map((e, i) => {
    const id = `eni-${i}`;
    // subnet-4 is in vpc-2, over subnet-2's block (VPCs may overlap).
    const v4 = e.subnet === 'subnet-1' ? `10.0.1.${10 + i}` : e.subnet === 'subnet-2' ? `10.0.2.${10 + i}` : e.subnet === 'subnet-4' ? `10.0.2.${40 + i}` : `10.0.3.${10 + i}`;
    const base = eni(id, e.subnet, [v4, ...(i === 0 ? ['10.0.1.200'] : [])], e.groups, { ipv6: e.subnet === 'subnet-1' ? [`2600:1f18:0:101::${i + 1}`] : [], ...(e.pub ? { publicIp: `54.0.0.${i + 1}` } : {}), vpcId: e.subnet === 'subnet-4' ? 'vpc-2' : 'vpc-1' });
    return {
      ...base,
      ...(e.instance ? { instanceId: `i-${i}` } : {}),
      ...(e.name !== undefined ? { name: e.name } : {}),
      ...(e.prefix ? { ipv4Prefixes: [cidr(e.prefix)] } : {}),
      ...(e.prefix6 ? { ipv6Prefixes: [cidr(e.prefix6)] } : {}),
      ...(e.nat ? { interfaceType: 'nat_gateway' } : {}),
    };
  });
  const groups = GROUPS.map((g) => sg(g, s.rules.filter((r) => r.group === g).map((r) => ({ ...sgRule(g, r.dir, r.proto, r.peer, { ...(r.ports ? { ports: r.ports } : {}), ...(r.proto === 'icmp' && r.icmp ? { icmp: r.icmp } : {}) }), ...(r.desc ? { description: r.desc } : {}) }))));
  const entries = s.entries.map((e) => naclEntry(e.n, e.action, e.dir, e.proto, e.cidr, e.ports ? { ports: e.ports } : {}));
  return snapshotOf({
    vpcs: [vpc('vpc-1', ['10.0.0.0/16'], ['2600:1f18:0:100::/56']), vpc('vpc-2', ['10.0.0.0/16'])],
    subnets: [subnet('subnet-1', '10.0.1.0/24', { ipv6: ['2600:1f18:0:101::/64'] }), subnet('subnet-2', '10.0.2.0/24'), subnet('subnet-3', '10.0.3.0/24'), subnet('subnet-4', '10.0.2.0/24', { vpcId: 'vpc-2' })],
    enis,
    instances: enis.filter((e) => e.instanceId).map((e, i) => instance(e.instanceId!, [e.id], i % 2 === 0 ? `inst "${i}"` : undefined)),
    prefixLists: [prefixList('pl-1', ['198.51.100.128/25', '2001:db8:8000::/33'])],
    securityGroups: groups,
    networkAcls: [nacl('acl-1', entries.map((e, k) => ({ ...e, source: { file: 'x', path: `$[${k}]` } })), s.noNacl2 ? ['subnet-1'] : ['subnet-1', 'subnet-2'])],
  });
}

export const recArb = fc.record({
  eni: fc.nat({ max: 8 }),
  inbound: fc.boolean(),
  own: fc.constantFrom('v4', 'v4b', 'v6', 'pfx', 'other', 'pub'),
  peer: fc.oneof(fc.constantFrom(...ADDRS), fc.ipV4(), fc.constantFrom(...ENI_PEERS)),
  sport: fc.constantFrom(0, 22, 80, 443, 1023, 1024, 5000, 8999, 40000, 65535),
  dport: fc.constantFrom(0, 22, 80, 443, 1023, 1024, 5000, 8999, 40000, 65535),
  proto: fc.constantFrom('6', '6', '17', '1', '58', '50'),
  action: fc.constantFrom('REJECT', 'REJECT', 'ACCEPT'),
  flags: fc.constantFrom('-', '2', '18', '1', '0', '4'),
  flowDir: fc.constantFrom('-', '-', 'ingress', 'egress'),
  pkt: fc.constantFrom('none', 'none', 'same', 'other'),
  pktPeer: fc.constantFrom(...ADDRS),
  reason: fc.constantFrom('-', '-', 'BPA', 'XYZ', '10.0.1.10', 'eni-0', '203.0.113.5', '40000'),
  reverse: fc.boolean(),
});

export function ownAddr(e: Eni, i: number, kind: string): string {
  switch (kind) {
    case 'v4':
      return formatIp(e.privateIps[0]!);
    case 'v4b':
      return i === 0 ? '10.0.1.200' : ownAddr(e, i, 'v4');
    case 'v6':
      return e.ipv6Addresses.length ? `2600:1f18:0:101::${i + 1}` : ownAddr(e, i, 'v4');
    case 'pfx':
      return e.ipv4Prefixes.length ? (e.ipv4Prefixes[0]!.text.startsWith('10.0.1') ? '10.0.1.50' : '10.0.2.70') : ownAddr(e, i, 'v4');
    case 'pub':
      return e.publicIps.length ? `54.0.0.${i + 1}` : ownAddr(e, i, 'v4');
    default:
      return '10.0.9.9';
  }
}

/** A pool peer: an address as is, or `eni<k>[:kind]`, the address of that kind of interface k (modulo their number). */
export function peerAddr(enis: readonly Eni[], p: string): string {
  if (p === 'eni0') return '10.0.1.200';
  const m = /^eni(\d)(?::(\w+))?$/.exec(p);
  if (!m) return p;
  const k = Number(m[1]) % enis.length;
  return ownAddr(enis[k]!, k, m[2] ?? 'v4');
}

export const pooledArb = fc
  .record({
    peers: fc.array(fc.oneof(fc.constantFrom(...ADDRS), fc.ipV4(), fc.ipV6(), fc.integer({ min: 0, max: 255 }).map((n) => `198.51.100.${n}`), fc.integer({ min: 0, max: 255 }).map((n) => `10.0.1.${n}`), fc.constantFrom(...ENI_PEERS)), { minLength: 1, maxLength: 4 }),
    ports: fc.array(fc.oneof(fc.constantFrom(0, 22, 80, 443, 1023, 1024, 5000, 8999, 40000, 65535), fc.integer({ min: 0, max: 65535 })), { minLength: 2, maxLength: 4 }),
    flows: fc.array(recArb, { minLength: 1, maxLength: 3 }),
  })
  .chain(({ peers, ports, flows }) =>
    fc.array(
      fc.record({ flow: fc.constantFrom(...flows), peer: fc.constantFrom(...peers), sport: fc.constantFrom(...ports), dport: fc.constantFrom(...ports), eni: fc.nat({ max: 8 }), own: fc.constantFrom('v4', 'v4b', 'v6', 'pfx', 'other', 'pub') }),
      { minLength: 20, maxLength: 80 },
    ),
  )
  .map((vs) => vs.map(({ flow, ...v }) => ({ ...flow, ...v })));

