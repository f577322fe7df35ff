/**
 * `vpcwhy diff` sets against the point path evaluator (issue 16): on random configurations and random
 * changes of their NACL entries and groups, a packet is in an interface's newly allowed set exactly when
 * tracePath says it does not connect before and connects after, and in the newly denied set exactly when it
 * connects before and not after; inbound (every source, ref 8.2) and outbound (to addresses outside every
 * VPC). Probes: the bounds of every CIDR and address of both snapshots and random others, plus corners of
 * the answer's own boxes. Newly denied rows carry an example the after trace blocks, with that blocker.
 */
import fc from 'fast-check';
import { naclEntryArb as naclEntryOf, sgRuleArb as sgRuleOf } from '../arbitraries/describe-rules.js';
import { describe, expect, it } from 'vitest';
import { type DiffResult, type EniDiff, diffSnapshots } from '../../src/audit/diff.js';
import { outsideDestinations, reachDomain, reachOutbound } from '../../src/audit/reach.js';
import type { Family, Ip } from '../../src/model/address.js';
import type { Packet } from '../../src/model/flow.js';
import { resolveEndpoint, tracePath } from '../../src/engine/path.js';
import { type SnapshotIndex, indexSnapshot } from '../../src/engine/snapshot-index.js';
import { blockedByOf } from '../../src/explain/hops.js';
import { formatIp, parseIp } from '../../src/net/ip.js';
import { hasPacket, setOfRow } from '../../src/net/packet-set.js';
import { fcParams } from '../arbitraries/fc-params.js';
import { ALLOW_ALL, OPEN, acl, group, snapshot as pathSnapshot } from '../cli/path-snapshot.js';
import { load, probesArb } from '../properties/reach-check.js';

function traced(index: SnapshotIndex, p: Packet) {
  const src = resolveEndpoint(index, formatIp(p.src), parseIp);
  const dst = resolveEndpoint(index, formatIp(p.dst), parseIp);
  if (!src.ok || !dst.ok) throw new Error('unresolved');
  return tracePath(index, { src: src.endpoint, dst: dst.endpoint, packet: p });
}

const inIv = (v: bigint, xs: readonly { lo: bigint; hi: bigint }[]) => xs.some((x) => x.lo <= v && v <= x.hi);

/** The packets the inbound answer is about (reach's domain; the changes leave the placement alone, so it is the same on both sides). */
function inboundDomain(index: SnapshotIndex, eniId: string, p: Packet): boolean {
  const d = reachDomain(index, index.eniById.get(eniId)!, { kind: 'any' }, p.src.family);
  const s = BigInt(p.src.value);
  if (!inIv(s, d.sources)) return false;
  return inIv(BigInt(p.dst.value), inIv(s, d.internet) ? d.internetDestinations : d.otherDestinations);
}

function outboundDomain(indexes: SnapshotIndex[], eniId: string, p: Packet): boolean {
  const eni = indexes[0]!.eniById.get(eniId)!;
  const own = [...eni.privateIps, ...eni.ipv6Addresses].some((ip) => ip.family === p.src.family && BigInt(ip.value) === BigInt(p.src.value));
  return own && inIv(BigInt(p.dst.value), outsideDestinations(indexes, p.dst.family));
}

const ipOf = (family: Family, v: bigint): Ip => (family === 4 ? { family: 4, value: Number(v) } : { family: 6, value: v });

/** Corners of the boxes of the diff's own sets: members that must satisfy the property too. */
function members(d: EniDiff): Packet[] {
  const out: Packet[] = [];
  for (const family of [4, 6] as const) {
    for (const set of [d.sets.newlyAllowed[family], d.sets.newlyDenied[family]]) {
      for (const x of set.boxes.slice(0, 10)) {
        for (const hi of [false, true]) {
          const kind = x.p0 === 6 || x.p0 === 17 ? 'ports' : x.p0 === 1 || x.p0 === 58 ? 'icmp' : 'none';
          const a = hi ? x.a1 : x.a0;
          const b = hi ? x.b1 : x.b0;
          out.push({
            protocol: hi ? x.p1 : x.p0,
            src: ipOf(family, hi ? x.s1 : x.s0),
            dst: ipOf(family, hi ? x.d0 : x.d1),
            srcPort: kind === 'ports' ? a : null,
            dstPort: kind === 'ports' ? b : null,
            icmpType: kind === 'icmp' ? a : null,
            icmpCode: kind === 'icmp' ? b : null,
          });
        }
      }
    }
  }
  return out;
}

const OUTSIDE = ['8.8.8.8', '3.3.3.4', '54.1.2.5', '192.0.2.1', '203.0.113.9', '172.16.0.1', '100.64.0.1', '2001:db8::1', '2a00::1'];

function outboundProbes(index: SnapshotIndex, eniId: string, rnd: fc.Arbitrary<number>): fc.Arbitrary<Packet[]> {
  const eni = index.eniById.get(eniId)!;
  const srcs = [...eni.privateIps, ...eni.ipv6Addresses];
  if (srcs.length === 0) return fc.constant([]);
  return fc.array(
    fc.record({ src: fc.constantFrom(...srcs), dst: fc.constantFrom(...OUTSIDE), protocol: fc.constantFrom(6, 6, 17, 1, 50), a: rnd, b: fc.constantFrom(22, 53, 80, 443, 1024, 8080, 50000), type: fc.constantFrom(0, 3, 8) }).filter(({ src, dst }) => parseIp(dst)!.family === src.family).map(({ src, dst, protocol: given, a, b, type }): Packet => {
      // ICMP of the family: ICMPv6 (echo request 128) over IPv6.
      const protocol = given === 1 && src.family === 6 ? 58 : given;
      const ports = protocol === 6 || protocol === 17;
      const icmp = protocol === 1 || protocol === 58;
      return { protocol, src, dst: parseIp(dst)!, srcPort: ports ? a : null, dstPort: ports ? b : null, icmpType: icmp ? (protocol === 58 && type === 8 ? 128 : type) : null, icmpCode: icmp ? 0 : null };
    }),
    { minLength: 12, maxLength: 12 },
  );
}

const describePacket = (p: Packet) => `${formatIp(p.src)}:${p.srcPort ?? p.icmpType} > ${formatIp(p.dst)}:${p.dstPort ?? p.icmpCode} proto ${p.protocol}`;

/** The property for one interface: membership in the diff's sets equals the change of trace's verdict. */
function checkDiff(before: SnapshotIndex, after: SnapshotIndex, diff: DiffResult, eniId: string, probes: readonly Packet[], stats: Record<string, number>): void {
  const d = diff.enis.find((e) => e.eniId === eniId);
  const all = [...probes, ...(d ? members(d) : [])];
  const allowedRows = (d?.newlyAllowed ?? []).map((r) => ({ family: r.family, set: setOfRow(r) }));
  const deniedRows = (d?.newlyDenied ?? []).map((r) => ({ family: r.family, set: setOfRow(r) }));
  for (const p of all) {
    const inbound = inboundDomain(before, eniId, p) && inboundDomain(after, eniId, p);
    const outbound = outboundDomain([before, after], eniId, p);
    if (!inbound && !outbound) {
      stats['outside']!++;
      continue;
    }
    const was = traced(before, p).reachable;
    const now = traced(after, p).reachable;
    const gained = d ? hasPacket(d.sets.newlyAllowed[p.src.family], p) : false;
    const lost = d ? hasPacket(d.sets.newlyDenied[p.src.family], p) : false;
    expect({ packet: describePacket(p), gained, lost }).toEqual({ packet: describePacket(p), gained: !was && now, lost: was && !now });
    // The rows are the sets: a packet is in a row of its kind exactly when it is in the set.
    expect(allowedRows.some((r) => r.family === p.src.family && hasPacket(r.set, p))).toBe(gained);
    expect(deniedRows.some((r) => r.family === p.src.family && hasPacket(r.set, p))).toBe(lost);
    stats[gained ? 'gained' : lost ? 'lost' : 'same']!++;
  }
  for (const r of d?.newlyDenied ?? []) {
    const e = r.example!;
    expect(hasPacket(setOfRow(r), e.packet)).toBe(true);
    const t = traced(after, e.packet);
    expect(t.reachable).toBe(false);
    expect(e.blockedBy).toEqual(blockedByOf(t.blockingHop!, true));
  }
}

const cidrArb = fc.constantFrom('0.0.0.0/0', '54.0.0.0/8', '3.3.3.3/32', '10.0.0.0/16', '10.0.2.0/24', '10.0.1.0/25', '10.1.0.0/16', '192.0.2.0/24', '8.0.0.0/7');
const portArb = fc.constantFrom([22, 22], [80, 443], [1024, 65535], [0, 1023], [443, 443], [0, 65535]);
const naclEntryArb = naclEntryOf(cidrArb, portArb);
const sgRuleArb = sgRuleOf(cidrArb, portArb);

/** One side's filters: NACL entries (with allow-all behind them or not) and the app group's rules. */
const sideArb = fc.record({
  entries: fc.array(naclEntryArb, { maxLength: 6 }),
  allowAll: fc.boolean(),
  inbound: fc.array(sgRuleArb, { maxLength: 3 }),
  outbound: fc.array(sgRuleArb, { maxLength: 2 }),
});
type SideSpec = typeof sideArb extends fc.Arbitrary<infer T> ? T : never;

/** A change: the after side is the before side with entries and rules added, removed or redrawn. */
const changeArb = sideArb.chain((before) =>
  fc.record({
    before: fc.constant(before),
    after: fc.oneof(
      sideArb,
      fc.record({ extra: fc.array(naclEntryArb, { minLength: 1, maxLength: 2 }), drop: fc.nat({ max: 5 }), rule: fc.option(sgRuleArb, { nil: undefined }) }).map(({ extra, drop, rule }): SideSpec => ({
        ...before,
        entries: [...before.entries.filter((_, i) => i !== drop), ...extra],
        inbound: rule ? [...before.inbound, rule] : before.inbound.slice(1),
      })),
      fc.constant({ ...before, allowAll: !before.allowAll }),
    ),
  }),
);

async function sideIndex(s: SideSpec): Promise<SnapshotIndex> {
  const file = pathSnapshot({
    acls: [acl('acl-1', ['subnet-pub', 'subnet-priv', 'subnet-fw'], [...s.entries, ...(s.allowAll ? ALLOW_ALL : [])]), acl('acl-2', ['subnet-peer'], ALLOW_ALL, 'vpc-2')],
    groups: [group('sg-open'), group('sg-app', s.inbound, s.outbound.length > 0 ? s.outbound : OPEN), group('sg-peer', OPEN, OPEN, 'vpc-2')],
  });
  return indexSnapshot(await load([file]));
}

describe('diff equals the change of trace (issue 16; ref 8.2)', () => {
  it('on the path-semantics snapshot (IGW, NAT gateway, peering, appliance) under random changes of NACL entries and groups', async () => {
    const stats = { outside: 0, gained: 0, lost: 0, same: 0 };
    await fc.assert(
      fc.asyncProperty(changeArb, fc.constantFrom('eni-app', 'eni-db', 'eni-fw', 'eni-app'), fc.integer({ min: 0, max: 1 << 30 }), async ({ before, after }, eniId, seed) => {
        const b = await sideIndex(before);
        const a = await sideIndex(after);
        const diff = diffSnapshots(b, a, { interfaces: [eniId] });
        const inbound = fc.sample(probesArb(b, b.eniById.get(eniId)!, { kind: 'any' }), { numRuns: 1, seed })[0]!.map((x) => x.packet);
        const outbound = fc.sample(outboundProbes(b, eniId, fc.constantFrom(0, 1023, 1024, 40000, 65535)), { numRuns: 1, seed })[0]!;
        checkDiff(b, a, diff, eniId, [...inbound.slice(0, 20), ...outbound], stats);
      }),
      fcParams(8),
    );
    expect(stats.gained).toBeGreaterThan(10);
    expect(stats.lost).toBeGreaterThan(10);
    expect(stats.same).toBeGreaterThan(20);
  }, 240_000);

  it('reachOutbound equals trace on the example: what each interface opens to outside addresses, responses included (ref 8.2)', async () => {
    const index = indexSnapshot(await load(['examples/three-tier/snapshot']));
    const stats = { reachable: 0, blocked: 0 };
    for (const eni of index.snapshot.enis) {
      const out = reachOutbound(index, eni.id);
      expect(out.refinements).toBe(0);
      const probes = fc.sample(outboundProbes(index, eni.id, fc.constantFrom(0, 443, 1024, 40000)), { ...fcParams(1), numRuns: 3 }).flat();
      for (const p of probes) {
        if (!outboundDomain([index], eni.id, p)) continue;
        const t = traced(index, p).reachable;
        expect({ packet: describePacket(p), member: hasPacket(out.sets[p.src.family], p) }).toEqual({ packet: describePacket(p), member: t });
        stats[t ? 'reachable' : 'blocked']++;
      }
    }
    expect(stats.reachable).toBeGreaterThan(5);
    expect(stats.blocked).toBeGreaterThan(5);
  });

  it('compares a configuration with itself as no change', async () => {
    const s = await load(['examples/three-tier/snapshot']);
    const diff = diffSnapshots(indexSnapshot(s), indexSnapshot(s));
    expect(diff.enis).toEqual([]);
    expect(diff.compared).toBe(s.enis.length);
  });

  it('names the rules on the example change: db NACL rule 90 moved onto the app subnet denies app -> db tcp/5432, which db NACL rule 100 and the db group let through before (ref 5.1)', async () => {
    const before = indexSnapshot(await load(['examples/three-tier/snapshot']));
    const after = indexSnapshot(await load(['examples/three-tier/after']));
    const diff = diffSnapshots(before, after);
    expect(diff.enis.map((e) => [e.eniId, e.change])).toEqual([['eni-0db1000000000004', 'changed']]);
    const db = diff.enis[0]!;
    expect(db.newlyAllowed).toEqual([]);
    expect(db.newlyDenied).toHaveLength(1);
    expect(db.newlyDenied[0]).toMatchObject({ direction: 'inbound', protocol: 6, ports: [[5432, 5432]], sources: ['10.0.2.20/32'], destinations: ['10.0.3.30/32'] });
    expect(db.newlyDenied[0]!.allowedBy).toContainEqual({ component: 'network-acl', id: 'acl-0db0000000000003', direction: 'inbound', rule: 100 });
    expect(db.newlyDenied[0]!.allowedBy).toContainEqual({ component: 'security-group', id: 'sg-0db0000000000003', direction: 'inbound', rule: 'sgr-0dbpostgres00001' });
    expect(db.newlyDenied[0]!.example!.blockedBy).toEqual({ component: 'network-acl', id: 'acl-0db0000000000003', direction: 'inbound', rule: 90, path: 'forward' });
  });

  it('reports interfaces on one side only as added (everything reaching it is new) or removed', async () => {
    const s = await load(['examples/three-tier/snapshot']);
    const without = { ...s, enis: s.enis.filter((e) => e.id !== 'eni-0db1000000000004') };
    const full = indexSnapshot(s);
    const less = indexSnapshot(without);
    const removed = diffSnapshots(full, less);
    const gone = removed.enis.find((e) => e.eniId === 'eni-0db1000000000004')!;
    expect(gone.change).toBe('removed');
    expect(gone.newlyAllowed).toEqual([]);
    expect(gone.newlyDenied.map((r) => r.ports)).toContainEqual([[5432, 5432]]);
    const added = diffSnapshots(less, full).enis.find((e) => e.eniId === 'eni-0db1000000000004')!;
    expect(added.change).toBe('added');
    expect(added.newlyDenied).toEqual([]);
    expect(added.newlyAllowed.map((r) => r.sources)).toContainEqual(['10.0.2.20/32']);
  });
});
