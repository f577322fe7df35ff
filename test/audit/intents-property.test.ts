/**
 * checkIntents against the point evaluator (tracePath, what `vpcwhy trace` runs) on generated snapshots:
 * packets drawn from a statement's set by an independent sampler (the ends' addresses read off the
 * snapshot, ports drawn from the statement) never contradict a statement that holds (must-allow: every one
 * connects and gets its response back; must-deny: none gets through the forward path), and every
 * counterexample of a statement that fails lies in its set (by an independent membership test) and is
 * confirmed by tracePath. Ref 4.1, 5.1, 6.1.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkIntents, formatIntentsError, parseIntents, type IntentOutcome } from '../../src/audit/intents.js';
import { tracePacket } from '../../src/audit/packet-example.js';
import { type SnapshotIndex, indexSnapshot } from '../../src/engine/snapshot-index.js';
import type { Ip } from '../../src/model/address.js';
import type { Packet } from '../../src/model/flow.js';
import type { Eni } from '../../src/model/snapshot.js';
import { cidrContains, ipEquals, parseCidr, parseIp } from '../../src/net/ip.js';
import { expectCoverage, fcParams } from '../arbitraries/fc-params.js';
import { openedSnapshotArb } from '../arbitraries/opened.js';

type End = { kind: 'internet' } | { kind: 'eni' | 'sg' | 'subnet'; n: number } | { kind: 'cidr'; text: string };

interface Spec {
  readonly kind: 'must-allow' | 'must-deny';
  readonly from: End;
  readonly to: End;
  readonly protocol: 'tcp' | 'udp' | 'icmp' | 'all';
  readonly ports: readonly [number, number] | null;
}

const CIDRS = ['10.0.0.0/16', '10.0.1.0/24', '10.0.0.0/28', '198.51.100.0/24', '2001:db8::/32'];
const INTERNET = { 4: ['198.51.100.7', '203.0.113.5', '192.0.2.10', '8.8.8.8'], 6: ['2001:db8::7', '2a00::1'] } as const;

const endArb = (to: boolean): fc.Arbitrary<End> =>
  fc.oneof(
    fc.constant<End>({ kind: 'internet' }),
    ...(['eni', 'sg', 'subnet'] as const).map((kind) => fc.nat({ max: 5 }).map((n): End => ({ kind, n }))),
    ...(to ? [] : [fc.constantFrom(...CIDRS).map((text): End => ({ kind: 'cidr', text }))]),
  );

const specArb: fc.Arbitrary<Spec> = fc.record({
  kind: fc.constantFrom<'must-allow' | 'must-deny'>('must-allow', 'must-deny'),
  from: endArb(false),
  to: endArb(true),
  protocol: fc.constantFrom<Spec['protocol']>('tcp', 'tcp', 'udp', 'icmp', 'all'),
  ports: fc.oneof(fc.constant(null), fc.constantFrom<[number, number]>([22, 22], [443, 443], [80, 80], [1000, 1100], [0, 65535])),
});

function nameOf(index: SnapshotIndex, e: End): string {
  const s = index.snapshot;
  switch (e.kind) {
    case 'internet':
      return 'internet';
    case 'cidr':
      return e.text;
    case 'eni':
      return s.enis[e.n % s.enis.length]!.id;
    case 'sg':
      return s.securityGroups[e.n % s.securityGroups.length]!.id;
    case 'subnet':
      return s.subnets[e.n % s.subnets.length]!.id;
  }
}

function yamlOf(index: SnapshotIndex, specs: readonly Spec[]): string {
  const lines = specs.map((s, i) => {
    const ports = s.ports !== null && (s.protocol === 'tcp' || s.protocol === 'udp') ? `, ports: "${s.ports[0]}-${s.ports[1]}"` : '';
    return `  - name: s${i}\n    ${s.kind}: { from: "${nameOf(index, s.from)}", to: "${nameOf(index, s.to)}", protocol: ${s.protocol}${ports} }`;
  });
  return `intents:\n${lines.join('\n')}\n`;
}

// ---------------------------------------------------------------------------------------------------
// The independent oracle: which addresses an end names, read off the snapshot

function ip(text: string): Ip {
  return parseIp(text)!;
}

/** What a source addresses an interface at: its public IPv4 from the internet, else its private IPv4; IPv6 either way. */
function addressesOf(e: Eni, family: 4 | 6, which: 'private' | 'public'): Ip[] {
  if (family === 6) return [...e.ipv6Addresses];
  return which === 'public' ? e.publicIps.map((p) => p.publicIp) : [...e.privateIps];
}

/** The interfaces an end names as a destination. */
function targets(index: SnapshotIndex, e: End): Eni[] {
  const s = index.snapshot;
  const id = nameOf(index, e);
  if (e.kind === 'eni') return s.enis.filter((x) => x.id === id);
  if (e.kind === 'sg') return s.enis.filter((x) => x.groupIds.includes(id));
  if (e.kind === 'subnet') return s.enis.filter((x) => x.subnetId === id);
  return [];
}

/** Addresses no connection starts from: inside the VPC but outside every subnet, or AWS's reserved first four and last of a subnet (ref 3). */
function reservedSource(index: SnapshotIndex, a: Ip): boolean {
  const vpc = index.snapshot.vpcs.some((v) => [...v.cidrs4, ...v.cidrs6].some((c) => c.family === a.family && cidrContains(c, a)));
  const block = index.snapshot.subnets.flatMap((s) => [s.cidr4, ...s.cidrs6]).find((c) => c !== null && c.family === a.family && cidrContains(c, a));
  if (!block) return vpc;
  const off = BigInt(a.value) - BigInt(block.network);
  const last = (1n << BigInt((a.family === 4 ? 32 : 128) - block.prefix)) - 1n;
  return off <= 3n || off === last;
}

function isInternet(index: SnapshotIndex, a: Ip): boolean {
  const priv = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', 'fc00::/7', 'fe80::/10', '::1/128'].map((t) => parseCidr(t)!);
  const vpc = index.snapshot.vpcs.flatMap((v) => [...v.cidrs4, ...v.cidrs6]);
  const own = index.snapshot.enis.some((e) => e.publicIps.some((p) => ipEquals(p.publicIp, a)));
  return ![...priv, ...vpc].some((c) => c.family === a.family && cidrContains(c, a)) && !own;
}

/** Whether `src` is one of the sources the statement names. */
function inFrom(index: SnapshotIndex, e: End, src: Ip): boolean {
  const s = index.snapshot;
  const id = nameOf(index, e);
  switch (e.kind) {
    case 'internet':
      return isInternet(index, src);
    case 'cidr': {
      const c = parseCidr(e.text)!;
      return c.family === src.family && cidrContains(c, src) && !reservedSource(index, src);
    }
    case 'eni':
      return s.enis.some((x) => x.id === id && (src.family === 4 ? x.privateIps : x.ipv6Addresses).some((a) => ipEquals(a, src)));
    case 'sg':
      return s.enis.some((x) => x.groupIds.includes(id) && (src.family === 4 ? x.privateIps : x.ipv6Addresses).some((a) => ipEquals(a, src)));
    case 'subnet': {
      const sub = s.subnets.find((x) => x.id === id)!;
      return [sub.cidr4, ...sub.cidrs6].some((c) => c !== null && c.family === src.family && cidrContains(c, src)) && !reservedSource(index, src);
    }
  }
}

/** Whether the packet is one of the statement's: its ends, protocol, ports and client ports. */
function inStatement(index: SnapshotIndex, spec: Spec, p: Packet): boolean {
  if (!inFrom(index, spec.from, p.src)) return false;
  if (spec.to.kind === 'internet') {
    // To the outside, only senders inside the VPC: a connection between two outside hosts never crosses it.
    const inVpc = index.snapshot.vpcs.some((v) => [...v.cidrs4, ...v.cidrs6].some((c) => c.family === p.src.family && cidrContains(c, p.src)));
    if (!isInternet(index, p.dst) || !inVpc) return false;
  } else {
    const fromInternet = isInternet(index, p.src);
    const t = targets(index, spec.to).find((e) => addressesOf(e, p.dst.family, fromInternet ? 'public' : 'private').some((a) => ipEquals(a, p.dst)));
    if (!t) return false;
    // Traffic from an interface's own addresses to itself is not a connection.
    if ([...t.privateIps, ...t.ipv6Addresses, ...t.publicIps.map((x) => x.publicIp)].some((a) => ipEquals(a, p.src))) return false;
  }
  const proto = { tcp: 6, udp: 17, icmp: 1, all: -1 }[spec.protocol];
  if (proto !== -1 && p.protocol !== proto) return false;
  if (p.protocol === 6 || p.protocol === 17) {
    if (spec.ports && (spec.protocol === 'tcp' || spec.protocol === 'udp') && (p.dstPort! < spec.ports[0] || p.dstPort! > spec.ports[1])) return false;
    if (spec.kind === 'must-allow' && p.srcPort! < 1024) return false;
  }
  return true;
}

/** A packet of the statement's set drawn with `r` (numbers in [0, 1)), or null when the draw falls outside it. */
function sample(index: SnapshotIndex, spec: Spec, r: readonly number[]): Packet | null {
  const pick = <T,>(xs: readonly T[], x: number): T | undefined => xs[Math.floor(x * xs.length)];
  const family: 4 | 6 = r[0]! < 0.7 ? 4 : 6;
  let src: Ip | undefined;
  switch (spec.from.kind) {
    case 'internet':
      src = ip(pick(INTERNET[family], r[1]!)!);
      break;
    case 'cidr':
    case 'subnet': {
      const c = spec.from.kind === 'cidr' ? parseCidr(spec.from.text)! : [index.snapshot.subnets.find((s) => s.id === nameOf(index, spec.from))!].flatMap((s) => [s.cidr4, ...s.cidrs6]).find((x) => x?.family === family);
      if (!c || c.family !== family) return null;
      const size = 2 ** Math.min(16, (family === 4 ? 32 : 128) - c.prefix);
      const off = Math.floor(r[1]! * size);
      src = family === 4 ? { family: 4, value: (c.network as number) + off } : { family: 6, value: (c.network as bigint) + BigInt(off) };
      break;
    }
    default:
      // An interface or a group's members: their private IPv4 or IPv6 addresses.
      src = pick(targets(index, spec.from).flatMap((e) => (family === 4 ? e.privateIps : e.ipv6Addresses)), r[1]!);
  }
  if (!src) return null;
  const dst = spec.to.kind === 'internet'
    ? ip(pick(INTERNET[family], r[2]!)!)
    : pick(targets(index, spec.to).flatMap((e) => addressesOf(e, family, isInternet(index, src) ? 'public' : 'private')), r[2]!);
  if (!dst) return null;
  const proto = spec.protocol === 'all' ? pick([6, 17, family === 4 ? 1 : 58, 47], r[3]!)! : { tcp: 6, udp: 17, icmp: 1 }[spec.protocol];
  if (proto === 1 && family === 6) return null;
  const ports = proto === 6 || proto === 17;
  const [lo, hi] = ports && spec.ports && spec.protocol !== 'all' ? spec.ports : [0, 65535];
  const minSrc = spec.kind === 'must-allow' ? 1024 : 0;
  const p: Packet = {
    protocol: proto,
    src,
    dst,
    srcPort: ports ? minSrc + Math.floor(r[4]! * (65536 - minSrc)) : null,
    dstPort: ports ? lo + Math.floor(r[5]! * (hi - lo + 1)) : null,
    icmpType: proto === 1 || proto === 58 ? (r[6]! < 0.5 ? (proto === 1 ? 8 : 128) : Math.floor(r[6]! * 256)) : null,
    icmpCode: proto === 1 || proto === 58 ? 0 : null,
  };
  return inStatement(index, spec, p) ? p : null;
}

function arrives(index: SnapshotIndex, p: Packet): boolean {
  return !tracePacket(index, p).hops.some((h) => h.path === 'forward' && h.decision === 'deny');
}

describe('checkIntents agrees with tracePath on generated snapshots (ref 4.1, 5.1, 6.1)', () => {
  it('statements that hold are never contradicted by a sampled packet; counterexamples lie in the set and trace confirms them', () => {
    const counts: Record<string, number> = { 'must-allow passed': 0, 'must-allow failed': 0, 'must-deny passed': 0, 'must-deny failed': 0, 'sampled packets': 0 };
    fc.assert(
      fc.property(
        openedSnapshotArb({ maxSubnets: 2, maxInterfaces: 3, maxGroups: 2, maxRulesPerGroup: 2, maxNaclEntries: 4 }),
        fc.array(specArb, { minLength: 1, maxLength: 3 }),
        fc.array(fc.array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), { minLength: 7, maxLength: 7 }), { minLength: 8, maxLength: 8 }),
        (snapshot, raw, draws) => {
          const index = indexSnapshot(snapshot);
          const specs = raw.filter((s) => !(s.from.kind === 'internet' && s.to.kind === 'internet'));
          if (specs.length === 0) return;
          const parsed = parseIntents(yamlOf(index, specs), 'generated.yaml');
          if (parsed._tag === 'Left') throw new Error(formatIntentsError(parsed.left));
          const outcomes: readonly IntentOutcome[] = checkIntents(index, parsed.right);
          outcomes.forEach((o, i) => {
            const spec = specs[i]!;
            counts[`${spec.kind} ${o.status}`] = (counts[`${spec.kind} ${o.status}`] ?? 0) + 1;
            const samples = draws.map((r) => sample(index, spec, r)).filter((p): p is Packet => p !== null);
            counts['sampled packets']! += samples.length;
            if (o.status === 'passed') {
              for (const p of samples) {
                if (spec.kind === 'must-allow') expect(tracePacket(index, p).reachable, `${o.message} / ${JSON.stringify(p, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))}`).toBe(true);
                else expect(arrives(index, p), o.message).toBe(false);
              }
            }
            if (o.pairsChecked === 0) expect(samples, `${o.message}: the sampler found packets of a statement said to describe none`).toEqual([]);
            const c = o.counterexample;
            if (c) {
              expect(inStatement(index, spec, c.packet), `${o.message}: counterexample outside the statement`).toBe(true);
              if (spec.kind === 'must-allow') expect(tracePacket(index, c.packet).reachable).toBe(false);
              else expect(arrives(index, c.packet)).toBe(true);
            } else {
              expect(o.status === 'passed' || o.pairsChecked === 0 || o.status === 'undetermined', o.message).toBe(true);
            }
          });
        },
      ),
      fcParams(50),
    );
    expectCoverage(counts, 2);
  });
});
