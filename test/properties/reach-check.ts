/**
 * The check of reach against trace, shared by the property tests: probes (every bound of every CIDR and
 * address of the snapshot, one off each side, random others) and members of the answer (box corners and
 * middles) are traced; membership must equal `reachable`, and the row holding a reachable packet must name
 * the NACL entries and a group rule the trace says let it through.
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import type { Family, Ip } from '../../src/model/address.js';
import type { Packet } from '../../src/model/flow.js';
import type { Eni, Snapshot } from '../../src/model/snapshot.js';
import { loadSnapshot } from '../../src/aws/load-snapshot.js';
import { type AllowedBy, type ReachFrom, reach, reachDomain } from '../../src/audit/reach.js';
import { resolveEndpoint, tracePath } from '../../src/engine/path.js';
import type { SnapshotIndex } from '../../src/engine/snapshot-index.js';
import { formatIp, parseCidr, parseIp } from '../../src/net/ip.js';
import { addressMax, cidrInterval, hasPacket, setOfRow } from '../../src/net/packet-set.js';

export async function load(paths: string[]): Promise<Snapshot> {
  const r = await loadSnapshot(paths)();
  if (r._tag !== 'Right') throw new Error(`load ${paths.join(', ')}`);
  return r.right;
}

/** Addresses worth probing: every bound of every CIDR and address of the snapshot, one off each side, and a few others. */
function probeAddresses(s: Snapshot, family: Family): bigint[] {
  const out = new Set<bigint>();
  const add = (lo: bigint, hi: bigint) => {
    for (const v of [lo - 1n, lo, hi, hi + 1n]) if (v >= 0n && v <= addressMax(family)) out.add(v);
  };
  const cidr = (c: { family: Family } | null | undefined) => {
    if (c && c.family === family) {
      const iv = cidrInterval(c as never);
      add(iv.lo, iv.hi);
    }
  };
  const ip = (x: Ip | null | undefined) => {
    if (x && x.family === family) add(BigInt(x.value), BigInt(x.value));
  };
  for (const v of s.vpcs) [...v.cidrs4, ...v.cidrs6].forEach(cidr);
  for (const sn of s.subnets) [sn.cidr4, ...sn.cidrs6].forEach(cidr);
  for (const a of s.networkAcls) for (const e of a.entries) cidr(e.cidr);
  for (const g of s.securityGroups) for (const r of [...g.inbound, ...g.outbound]) if (r.peer.kind === 'cidr') cidr(r.peer.cidr);
  for (const p of s.prefixLists) (p.entries ?? []).forEach(cidr);
  for (const rt of s.routeTables) for (const r of rt.routes) if (r.destination.kind === 'cidr') cidr(r.destination.cidr);
  for (const e of s.enis) {
    [...e.privateIps, ...e.ipv6Addresses, ...e.publicIps.map((p) => p.publicIp)].forEach(ip);
    [...e.ipv4Prefixes, ...e.ipv6Prefixes].forEach(cidr);
  }
  for (const n of s.natGateways) [...n.privateIps, ...n.publicIps].forEach(ip);
  for (const t of family === 4 ? ['8.8.8.8', '192.0.2.1', '10.0.0.0/8', '172.16.0.0/12', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16'] : ['2001:db8::1', '2a00::1', 'fc00::/7', 'fe80::/10', '::1/128']) {
    const c = parseCidr(t.includes('/') ? t : `${t}/${family === 4 ? 32 : 128}`);
    cidr(c);
  }
  return [...out].sort((a, b) => (a < b ? -1 : 1));
}

function ipOf(family: Family, v: bigint): Ip {
  return family === 4 ? { family: 4, value: Number(v) } : { family: 6, value: v };
}

function inIntervals(v: bigint, xs: readonly { lo: bigint; hi: bigint }[]): boolean {
  return xs.some((x) => x.lo <= v && v <= x.hi);
}

const PORTS = [0, 21, 22, 23, 53, 79, 80, 443, 1023, 1024, 1025, 3306, 5432, 8080, 32767, 32768, 49151, 49152, 50000, 65535];

export interface Probe {
  readonly packet: Packet;
}

export function probesArb(index: SnapshotIndex, target: Eni, from: ReachFrom): fc.Arbitrary<Probe[]> {
  const families = ([4, 6] as const).filter((f) => reachDomain(index, target, from, f).sources.length > 0);
  if (families.length === 0) return fc.constant([]);
  const byFamily = new Map(families.map((f) => [f, { srcs: probeAddresses(index.snapshot, f), domain: reachDomain(index, target, from, f) }]));
  return fc.array(
    fc.constantFrom(...families).chain((family) => {
      const { srcs, domain } = byFamily.get(family)!;
      const inDomain = srcs.filter((v) => inIntervals(v, domain.sources));
      const srcArb = inDomain.length > 0 ? fc.oneof(fc.constantFrom(...inDomain), fc.bigInt({ min: 0n, max: addressMax(family) })) : fc.bigInt({ min: 0n, max: addressMax(family) });
      const dsts = [...domain.internetDestinations, ...domain.otherDestinations].flatMap((d) => [d.lo, d.hi]);
      const dstArb = dsts.length > 0 ? fc.constantFrom(...dsts) : fc.constant(0n);
      const icmp = family === 4 ? 1 : 58;
      return fc.record({
        s: srcArb,
        d: dstArb,
        protocol: fc.constantFrom(6, 6, 6, 17, 17, icmp, icmp, 50, 0, 255),
        a: fc.oneof(fc.constantFrom(...PORTS), fc.integer({ min: 0, max: 65535 })),
        b: fc.oneof(fc.constantFrom(...PORTS), fc.integer({ min: 0, max: 65535 })),
        type: fc.constantFrom(0, 3, 8, 11, 128, 129, 255),
        code: fc.constantFrom(0, 1, 255),
      }).map(({ s, d, protocol, a, b, type, code }): Probe => {
        const ports = protocol === 6 || protocol === 17;
        const isIcmp = protocol === 1 || protocol === 58;
        return {
          packet: {
            protocol,
            src: ipOf(family, s),
            dst: ipOf(family, d),
            srcPort: ports ? a : null,
            dstPort: ports ? b : null,
            icmpType: isIcmp ? type : null,
            icmpCode: isIcmp ? code : null,
          },
        };
      });
    }),
    { minLength: 40, maxLength: 40 },
  );
}

function inDomain(index: SnapshotIndex, target: Eni, from: ReachFrom, p: Packet): boolean {
  const family = p.src.family;
  const d = reachDomain(index, target, from, family);
  const s = BigInt(p.src.value);
  if (!inIntervals(s, d.sources)) return false;
  const dsts = inIntervals(s, d.internet) ? d.internetDestinations : d.otherDestinations;
  return inIntervals(BigInt(p.dst.value), dsts);
}

function traceOf(index: SnapshotIndex, p: Packet) {
  const src = resolveEndpoint(index, formatIp(p.src), parseIp);
  const dst = resolveEndpoint(index, formatIp(p.dst), parseIp);
  if (!src.ok || !dst.ok) throw new Error('unresolved');
  return tracePath(index, { src: src.endpoint, dst: dst.endpoint, packet: p });
}

const key = (b: AllowedBy) => `${b.component}|${b.id}|${b.direction}|${b.rule}`;

/** Checks reach's answer for `target` against trace on the probes; returns how many were reachable. */
export function check(index: SnapshotIndex, target: Eni, from: ReachFrom, probes: readonly Probe[], stats: Record<string, number>): void {
  const result = reach(index, { to: target.id, from });
  expect(result.refinements).toBe(0);
  const rowSets = result.allowed.map((r) => ({ row: r, set: setOfRow(r) }));
  // Besides the probes, two corners and the middle of up to 12 boxes of the answer: the members must connect.
  const members: Probe[] = [];
  for (const family of [4, 6] as const) {
    for (const x of result.sets[family].boxes.slice(0, 12)) {
      for (const pick of [0, 1, 2]) {
        const atB = (lo: bigint, hi: bigint): bigint => (pick === 0 ? lo : pick === 1 ? hi : (lo + hi) / 2n);
        const at = (lo: number, hi: number): number => (pick === 0 ? lo : pick === 1 ? hi : Math.floor((lo + hi) / 2));
        const protocol = at(x.p0, x.p1);
        const kind = protocol === 6 || protocol === 17 ? 'ports' : protocol === 1 || protocol === 58 ? 'icmp' : 'none';
        const a = at(x.a0, x.a1);
        const b = pick === 2 ? x.b0 : at(x.b1, x.b0);
        members.push({
          packet: {
            protocol,
            src: ipOf(family, atB(x.s0, x.s1)),
            dst: ipOf(family, pick === 2 ? x.d1 : atB(x.d0, x.d1)),
            srcPort: kind === 'ports' ? a : null,
            dstPort: kind === 'ports' ? b : null,
            icmpType: kind === 'icmp' ? a : null,
            icmpCode: kind === 'icmp' ? b : null,
          },
        });
      }
    }
  }
  for (const { packet } of [...probes, ...members]) {
    if (!inDomain(index, target, from, packet)) {
      stats['outside']!++;
      continue;
    }
    const t = traceOf(index, packet);
    const member = hasPacket(result.sets[packet.src.family], packet);
    expect({ packet: `${formatIp(packet.src)}:${packet.srcPort ?? packet.icmpType} > ${formatIp(packet.dst)}:${packet.dstPort ?? packet.icmpCode} proto ${packet.protocol}`, member }).toEqual({
      packet: `${formatIp(packet.src)}:${packet.srcPort ?? packet.icmpType} > ${formatIp(packet.dst)}:${packet.dstPort ?? packet.icmpCode} proto ${packet.protocol}`,
      member: t.reachable,
    });
    const rows = rowSets.filter((r) => r.row.family === packet.src.family && hasPacket(r.set, packet)).map((r) => r.row);
    expect(rows.length > 0).toBe(t.reachable);
    if (!t.reachable) {
      stats['blocked']!++;
      continue;
    }
    stats['reachable']!++;
    const labels = new Set(rows.map((r) => r.allowedBy.map(key).join(';')));
    expect(labels.size).toBe(1);
    const by = new Set(rows[0]!.allowedBy.map(key));
    for (const h of t.hops) {
      if (h.component === 'network-acl' && h.nacl !== null && h.nacl.entry !== null && !h.dstPortsJudged) {
        expect(by.has(`network-acl|${h.nacl.aclId}|${h.direction}|${h.nacl.entry.ruleNumber}`)).toBe(true);
      }
      if (h.component === 'security-group' && h.path === 'forward' && h.sg !== null && h.sg.matched.length > 0) {
        const matched = h.sg.matched.map((r) => {
          const g = index.groupById.get(r.groupId)!;
          return `security-group|${r.groupId}|${r.direction}|${r.ruleId ?? (r.direction === 'inbound' ? g.inbound : g.outbound).indexOf(r)}`;
        });
        expect(matched.some((m) => by.has(m))).toBe(true);
      }
    }
  }
}

