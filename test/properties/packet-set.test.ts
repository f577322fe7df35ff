/**
 * The packet-set algebra (src/net/packet-set.ts) against membership of points: for random sets A, B and a
 * random point p, p ∈ A∪B iff p ∈ A or p ∈ B, and so on; the rendering round-trips exactly.
 * The oracle for a spec's membership is written out here field by field (no code of the module under test).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type BoxSpec,
  type PacketPoint,
  type PacketSet,
  complement,
  emptySet,
  hasPoint,
  intersect,
  intervalToCidrs,
  isEmpty,
  isSubset,
  mirror,
  renderSet,
  setOf,
  setOfRows,
  setsEqual,
  subtract,
  union,
  universe,
} from '../../src/net/packet-set.js';
import { fcParams } from '../arbitraries/fc-params.js';
import ipaddr from 'ipaddr.js';

const ADDR = [0n, 1n, 2n, 3n, 7n, 8n, 15n, 16n, 31n, 32n, 0xffffffffn];
const PORT = [0, 1, 21, 22, 23, 443, 1023, 1024, 65535];
const ICMPV = [0, 3, 8, 11, 255];
const PROTOS = [0, 1, 6, 17, 50, 58, 255];

const interval = <T extends number | bigint>(values: readonly T[]) =>
  fc.tuple(fc.constantFrom(...values), fc.constantFrom(...values)).map(([a, b]) => (a <= b ? { lo: a, hi: b } : { lo: b, hi: a }));

const specArb: fc.Arbitrary<BoxSpec> = fc.record(
  {
    src: interval(ADDR),
    dst: interval(ADDR),
    protocols: fc.oneof(interval(PROTOS), fc.constantFrom(...PROTOS).map((p) => ({ lo: p, hi: p }))),
    srcPorts: interval(PORT),
    dstPorts: interval(PORT),
    icmpTypes: interval(ICMPV),
    icmpCodes: interval(ICMPV),
  },
  { requiredKeys: [] },
);

const setArb: fc.Arbitrary<{ specs: BoxSpec[]; set: PacketSet }> = fc.array(specArb, { maxLength: 4 }).map((specs) => ({
  specs,
  set: specs.reduce<PacketSet>((acc, s) => union(acc, setOf(4, s)), emptySet(4)),
}));

const pointArb: fc.Arbitrary<PacketPoint> = fc.record({
  family: fc.constant(4 as const),
  src: fc.oneof(fc.constantFrom(...ADDR), fc.bigInt({ min: 0n, max: 40n })),
  dst: fc.oneof(fc.constantFrom(...ADDR), fc.bigInt({ min: 0n, max: 40n })),
  protocol: fc.constantFrom(...PROTOS),
  a: fc.oneof(fc.constantFrom(...PORT), fc.integer({ min: 0, max: 300 })),
  b: fc.oneof(fc.constantFrom(...PORT), fc.integer({ min: 0, max: 300 })),
}).map((p) => {
  // A point's a/b must exist for its protocol: ports 0-65535, ICMP 0-255, nothing (0) otherwise.
  const kind = p.protocol === 6 || p.protocol === 17 ? 65535 : p.protocol === 1 || p.protocol === 58 ? 255 : 0;
  return { ...p, a: Math.min(p.a, kind), b: Math.min(p.b, kind) };
});

const within = <T extends number | bigint>(x: { lo: T; hi: T } | undefined, v: T) => x === undefined || (v >= x.lo && v <= x.hi);

/** The oracle: a spec holds a point when each constraint that concerns the point's protocol holds. */
function specHas(s: BoxSpec, p: PacketPoint): boolean {
  if (!within(s.src, p.src) || !within(s.dst, p.dst) || !within(s.protocols, p.protocol)) return false;
  if (p.protocol === 6 || p.protocol === 17) return within(s.srcPorts, p.a) && within(s.dstPorts, p.b);
  if (p.protocol === 1 || p.protocol === 58) return within(s.icmpTypes, p.a) && within(s.icmpCodes, p.b);
  return true;
}
const oracle = (specs: readonly BoxSpec[], p: PacketPoint) => specs.some((s) => specHas(s, p));

function disjoint(s: PacketSet): boolean {
  for (let i = 0; i < s.boxes.length; i++) {
    for (let j = i + 1; j < s.boxes.length; j++) {
      const x = s.boxes[i]!;
      const y = s.boxes[j]!;
      const overlap = x.s0 <= y.s1 && y.s0 <= x.s1 && x.d0 <= y.d1 && y.d0 <= x.d1 && x.p0 <= y.p1 && y.p0 <= x.p1 && x.a0 <= y.a1 && y.a0 <= x.a1 && x.b0 <= y.b1 && y.b0 <= x.b1;
      if (overlap) return false;
    }
  }
  return true;
}

describe('packet sets against point membership', () => {
  it('a set built from specs holds exactly the points of some spec, in disjoint boxes', () => {
    fc.assert(
      fc.property(setArb, fc.array(pointArb, { minLength: 20, maxLength: 20 }), ({ specs, set }, points) => {
        expect(disjoint(set)).toBe(true);
        for (const p of points) expect(hasPoint(set, p)).toBe(oracle(specs, p));
      }),
      fcParams(100),
    );
  });

  it('union, intersection, difference and complement agree with or / and / and-not / not', () => {
    fc.assert(
      fc.property(setArb, setArb, fc.array(pointArb, { minLength: 20, maxLength: 20 }), (A, B, points) => {
        const u = union(A.set, B.set);
        const i = intersect(A.set, B.set);
        const d = subtract(A.set, B.set);
        const c = complement(A.set);
        for (const s of [u, i, d, c]) expect(disjoint(s)).toBe(true);
        for (const p of points) {
          const a = oracle(A.specs, p);
          const b = oracle(B.specs, p);
          expect(hasPoint(u, p)).toBe(a || b);
          expect(hasPoint(i, p)).toBe(a && b);
          expect(hasPoint(d, p)).toBe(a && !b);
          expect(hasPoint(c, p)).toBe(!a);
        }
        expect(isEmpty(i)).toBe(isEmpty(intersect(B.set, A.set)));
        expect(isSubset(i, A.set)).toBe(true);
        expect(isEmpty(intersect(d, B.set))).toBe(true);
        expect(setsEqual(union(d, i), A.set)).toBe(true);
      }),
      fcParams(100),
    );
  });

  it('emptiness is exact: A minus A is empty, A minus the empty set is A, the complement of the universe is empty', () => {
    fc.assert(
      fc.property(setArb, ({ set }) => {
        expect(isEmpty(subtract(set, set))).toBe(true);
        expect(setsEqual(subtract(set, emptySet(4)), set)).toBe(true);
        expect(isEmpty(complement(universe(4)))).toBe(true);
        expect(setsEqual(complement(complement(set)), set)).toBe(true);
      }),
      fcParams(60),
    );
  });

  it('mirror swaps addresses and TCP/UDP ports', () => {
    fc.assert(
      fc.property(setArb, pointArb, ({ specs, set }, p) => {
        const kind = p.protocol === 6 || p.protocol === 17;
        const swapped: PacketPoint = { ...p, src: p.dst, dst: p.src, a: kind ? p.b : p.a, b: kind ? p.a : p.b };
        expect(hasPoint(mirror(set), swapped)).toBe(oracle(specs, p));
      }),
      fcParams(300),
    );
  });

  it('rendering round-trips exactly: the union of the rows is the set', () => {
    fc.assert(
      fc.property(setArb, fc.array(pointArb, { minLength: 10, maxLength: 10 }), ({ specs, set }, points) => {
        const rows = renderSet(set);
        const back = setOfRows(4, rows);
        expect(setsEqual(back, set)).toBe(true);
        for (const p of points) expect(hasPoint(back, p)).toBe(oracle(specs, p));
      }),
      fcParams(25),
    );
  });
});

describe('interval to CIDR cover', () => {
  const toRange = (c: string): [bigint, bigint] => {
    const [addr, len] = ipaddr.parseCIDR(c);
    const bytes = addr.toByteArray();
    let v = 0n;
    for (const b of bytes) v = (v << 8n) | BigInt(b);
    const bits = bytes.length * 8;
    return [v, v + (1n << BigInt(bits - len)) - 1n];
  };

  it('covers exactly, with aligned blocks, and no two blocks could merge (IPv4 and IPv6)', () => {
    fc.assert(
      fc.property(fc.constantFrom(4 as const, 6 as const), fc.bigInt({ min: 0n, max: 0xffffffffn }), fc.bigInt({ min: 0n, max: 1n << 40n }), (family, x, yIn) => {
        const y = family === 4 ? yIn % 0x100000000n : yIn;
        const lo = x < y ? x : y;
        const hi = x < y ? y : x;
        const cidrs = intervalToCidrs(family, lo, hi);
        let next = lo;
        for (const c of cidrs) {
          const [a, b] = toRange(c);
          expect(a).toBe(next);
          next = b + 1n;
        }
        expect(next).toBe(hi + 1n);
        // Minimal: no two consecutive blocks of the same size form an aligned block of twice the size.
        for (let i = 0; i + 1 < cidrs.length; i++) {
          const [a0, a1] = toRange(cidrs[i]!);
          const [, b1] = toRange(cidrs[i + 1]!);
          const size = a1 - a0 + 1n;
          if (b1 - a1 === size) expect(a0 % (2n * size)).not.toBe(0n);
        }
      }),
      fcParams(300),
    );
  });

  it('renders the issue example: 0.0.0.0 - 191.255.255.255 as 0.0.0.0/1 and 128.0.0.0/2', () => {
    expect(intervalToCidrs(4, 0n, 0xbfffffffn)).toEqual(['0.0.0.0/1', '128.0.0.0/2']);
    expect(intervalToCidrs(6, 0n, (1n << 128n) - 1n)).toEqual(['::/0']);
    expect(intervalToCidrs(4, 10n, 10n)).toEqual(['0.0.0.10/32']);
  });

  it('renders a set holding every protocol for an address pair as one protocol -1 row', () => {
    const s = setOf(4, { src: { lo: 0n, hi: 255n } });
    const rows = renderSet(s);
    expect(rows).toEqual([{ family: 4, protocol: -1, ports: null, srcPorts: null, sources: ['0.0.0.0/24'], destinations: ['0.0.0.0/0'] }]);
    const ssh = renderSet(setOf(4, { protocols: { lo: 6, hi: 6 }, dstPorts: { lo: 22, hi: 22 } }));
    expect(ssh).toEqual([{ family: 4, protocol: 6, ports: [[22, 22]], srcPorts: [[0, 65535]], sources: ['0.0.0.0/0'], destinations: ['0.0.0.0/0'] }]);
    const ping = renderSet(setOf(4, { protocols: { lo: 1, hi: 1 }, icmpTypes: { lo: 8, hi: 8 } }));
    expect(ping[0]?.icmp).toEqual([{ type: 8, code: -1 }]);
  });
});
