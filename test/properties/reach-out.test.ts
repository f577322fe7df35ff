/**
 * reach's two additions for intents against tracePath, packet by packet, on generated snapshots:
 * `reachOut` (from inside the snapshot to outside addresses): membership in its sets equals tracePath's
 * `reachable`; `reach` with `forwardOnly`: membership equals "no forward hop denies". Probes are the
 * bounds of the snapshot's route and rule CIDRs, documentation and random internet addresses, and ports
 * around the ephemeral range. Ref 4.1, 5.1, 6.1, 8.2.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ReachFrom, internetIntervals, reach, reachDomain, reachOut, reachOutDestinations, reachOutSources } from '../../src/audit/reach.js';
import { tracePacket } from '../../src/audit/packet-example.js';
import { indexSnapshot, type SnapshotIndex } from '../../src/engine/snapshot-index.js';
import type { Ip } from '../../src/model/address.js';
import type { Packet } from '../../src/model/flow.js';
import { parseCidr } from '../../src/net/ip.js';
import { type Interval, cidrInterval, hasPacket } from '../../src/net/packet-set.js';
import { expectCoverage, fcParams } from '../arbitraries/fc-params.js';
import { openedSnapshotArb } from '../arbitraries/opened.js';

const inIntervals = (v: bigint, xs: readonly Interval<bigint>[]) => xs.some((x) => x.lo <= v && v <= x.hi);
const ipOf = (family: 4 | 6, v: bigint): Ip => (family === 4 ? { family: 4, value: Number(v) } : { family: 6, value: v });

/** Bounds (and one past each) of the snapshot's route, NACL and group CIDRs, and a few internet hosts. */
function probeDestinations(index: SnapshotIndex, family: 4 | 6): bigint[] {
  const out = new Set<bigint>(['198.51.100.7', '203.0.113.5', '8.8.8.8', '2001:db8::7', '2a00::1'].map((t) => parseCidr(t.includes(':') ? `${t}/128` : `${t}/32`)!).filter((c) => c.family === family).map((c) => cidrInterval(c).lo));
  const add = (c: { family: number } | null) => {
    if (!c || c.family !== family) return;
    const iv = cidrInterval(c as never);
    for (const v of [iv.lo - 1n, iv.lo, iv.hi, iv.hi + 1n]) if (v >= 0n) out.add(v);
  };
  const s = index.snapshot;
  for (const rt of s.routeTables) for (const r of rt.routes) if (r.destination.kind === 'cidr') add(r.destination.cidr);
  for (const a of s.networkAcls) for (const e of a.entries) add(e.cidr);
  for (const g of s.securityGroups) for (const r of [...g.inbound, ...g.outbound]) if (r.peer.kind === 'cidr') add(r.peer.cidr);
  for (const iv of internetIntervals(index, family).slice(0, 6)) for (const v of [iv.lo, iv.hi, (iv.lo + iv.hi) / 2n]) out.add(v);
  return [...out];
}

const PORTS = [0, 22, 80, 443, 1023, 1024, 5432, 32768, 50000, 65535];

const probeArb = fc.record({
  family: fc.constantFrom<4 | 6>(4, 4, 6),
  s: fc.nat(),
  d: fc.nat(),
  protocol: fc.constantFrom(6, 6, 17, 1, 58, 50),
  a: fc.constantFrom(...PORTS),
  b: fc.constantFrom(...PORTS),
  type: fc.constantFrom(0, 3, 8, 128),
});

function packetOf(p: { family: 4 | 6; protocol: number; a: number; b: number; type: number }, src: bigint, dst: bigint): Packet {
  const ports = p.protocol === 6 || p.protocol === 17;
  const icmp = p.protocol === 1 || p.protocol === 58;
  return { protocol: p.protocol, src: ipOf(p.family, src), dst: ipOf(p.family, dst), srcPort: ports ? p.a : null, dstPort: ports ? p.b : null, icmpType: icmp ? p.type : null, icmpCode: icmp ? 0 : null };
}

describe('reachOut and forwardOnly equal trace on generated snapshots (ref 8.2)', () => {
  it('reachOut: a packet from an interface or a subnet to an outside address is in the sets iff trace says it connects', () => {
    const stats = { reachable: 0, blocked: 0 };
    fc.assert(
      fc.property(openedSnapshotArb({ maxSubnets: 2, maxInterfaces: 3, maxGroups: 2, maxRulesPerGroup: 3, maxNaclEntries: 4 }), fc.nat(), fc.array(probeArb, { minLength: 30, maxLength: 30 }), (snapshot, pick, probes) => {
        const index = indexSnapshot(snapshot);
        const s = index.snapshot;
        const from: ReachFrom = pick % 3 === 0 ? { kind: 'subnet', subnetId: s.subnets[pick % s.subnets.length]!.id } : { kind: 'eni', eniId: s.enis[pick % s.enis.length]!.id };
        // The internet and an on-premises-like range (172.16.0.0/12, fd00::/8 are outside the VPC too).
        const all = { 4: [...internetIntervals(index, 4), cidrInterval(parseCidr('172.16.0.0/12')!)], 6: [...internetIntervals(index, 6), cidrInterval(parseCidr('fd00::/8')!)] };
        const result = reachOut(index, { from, to: all, toText: 'anywhere outside' });
        expect(result.refinements).toBeLessThan(50);
        for (const p of probes) {
          const srcs = reachOutSources(index, from, p.family);
          const dsts = reachOutDestinations(index, all[p.family], p.family);
          const candidates = probeDestinations(index, p.family).filter((v) => inIntervals(v, dsts));
          if (srcs.length === 0 || candidates.length === 0) continue;
          const x = srcs[p.s % srcs.length]!;
          const src = x.lo + (BigInt(p.s) % (x.hi - x.lo + 1n));
          const packet = packetOf(p, src, candidates[p.d % candidates.length]!);
          if (packet.protocol === 1 && p.family === 6) continue;
          const t = tracePacket(index, packet);
          stats[t.reachable ? 'reachable' : 'blocked']++;
          expect(hasPacket(result.sets[p.family], packet), `${JSON.stringify(packet, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))}: trace says ${t.reachable}`).toBe(t.reachable);
        }
      }),
      fcParams(25),
    );
    expectCoverage(stats, 20);
  });

  it('reach with forwardOnly: a packet to an interface is in the sets iff no forward hop of its trace denies', () => {
    const stats = { arrives: 0, denied: 0 };
    let responseDropped = 0;
    fc.assert(
      fc.property(openedSnapshotArb({ maxSubnets: 2, maxInterfaces: 3, maxGroups: 2, maxRulesPerGroup: 3, maxNaclEntries: 4 }), fc.nat(), fc.array(probeArb, { minLength: 30, maxLength: 30 }), (snapshot, pick, probes) => {
        const index = indexSnapshot(snapshot);
        const s = index.snapshot;
        const target = s.enis[pick % s.enis.length]!;
        const from: ReachFrom = pick % 2 === 0 ? { kind: 'internet' } : { kind: 'any' };
        const result = reach(index, { to: target.id, from, forwardOnly: true });
        for (const p of probes) {
          const d = reachDomain(index, target, from, p.family);
          if (d.sources.length === 0) continue;
          const x = d.sources[p.s % d.sources.length]!;
          const src = x.lo + (BigInt(p.s) % (x.hi - x.lo + 1n));
          const dsts = inIntervals(src, d.internet) ? d.internetDestinations : d.otherDestinations;
          if (dsts.length === 0) continue;
          const packet = packetOf(p, src, dsts[p.d % dsts.length]!.lo);
          if (packet.protocol === 1 && p.family === 6) continue;
          const t = tracePacket(index, packet);
          const arrives = !t.hops.some((h) => h.path === 'forward' && h.decision === 'deny');
          stats[arrives ? 'arrives' : 'denied']++;
          if (arrives && !t.reachable) responseDropped++;
          expect(hasPacket(result.sets[p.family], packet), `${JSON.stringify(packet, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))}: forward ${arrives}`).toBe(arrives);
        }
      }),
      fcParams(25),
    );
    expectCoverage({ ...stats, 'arrives, response dropped': responseDropped }, 5);
  });
});
