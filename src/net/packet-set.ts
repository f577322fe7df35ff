/**
 * Sets of packets for exact audits (issue 15): unions of disjoint boxes over
 * (source address, destination address, protocol, a, b), one address family per set.
 *
 * The two last dimensions mean what the protocol gives a packet: for TCP and UDP `a` is the source port
 * and `b` the destination port (0-65535); for ICMP and ICMPv6 `a` is the type and `b` the code (0-255);
 * every other protocol has neither, and a box of such a protocol holds a = b = 0. A box therefore never
 * mixes protocols of different kinds: its protocol interval lies inside one of the segments of KIND_SEGMENTS.
 *
 * Addresses are bigints for both families (IPv4 within 0..2^32-1). Every operation keeps the boxes of a
 * set pairwise disjoint and non-empty, so emptiness is "no box" and rendering is a matter of grouping.
 */
import type { Cidr, Family, Ip } from '../model/address.js';
import type { Packet } from '../model/flow.js';
import { formatIpv4, formatIpv6, parseCidr as parseCidrText } from './ip.js';
import { ICMP, ICMPV6, TCP, UDP } from './protocol.js';

export interface Box {
  readonly s0: bigint;
  readonly s1: bigint;
  readonly d0: bigint;
  readonly d1: bigint;
  readonly p0: number;
  readonly p1: number;
  readonly a0: number;
  readonly a1: number;
  readonly b0: number;
  readonly b1: number;
}

export interface PacketSet {
  readonly family: Family;
  /** Pairwise disjoint, non-empty. */
  readonly boxes: readonly Box[];
}

export type ProtocolKind = 'ports' | 'icmp' | 'none';

/** The protocol numbers split by kind: each box's protocol interval lies inside one segment. */
export const KIND_SEGMENTS: readonly { readonly p0: number; readonly p1: number; readonly kind: ProtocolKind }[] = [
  { p0: 0, p1: 0, kind: 'none' },
  { p0: ICMP, p1: ICMP, kind: 'icmp' },
  { p0: 2, p1: 5, kind: 'none' },
  { p0: TCP, p1: TCP, kind: 'ports' },
  { p0: 7, p1: 16, kind: 'none' },
  { p0: UDP, p1: UDP, kind: 'ports' },
  { p0: 18, p1: 57, kind: 'none' },
  { p0: ICMPV6, p1: ICMPV6, kind: 'icmp' },
  { p0: 59, p1: 255, kind: 'none' },
];

export function protocolKind(protocol: number): ProtocolKind {
  if (protocol === TCP || protocol === UDP) return 'ports';
  if (protocol === ICMP || protocol === ICMPV6) return 'icmp';
  return 'none';
}

/** The largest value of the a / b dimensions for a kind. */
export function dimMax(kind: ProtocolKind): number {
  return kind === 'ports' ? 65535 : kind === 'icmp' ? 255 : 0;
}

export function addressMax(family: Family): bigint {
  return family === 4 ? 0xffffffffn : (1n << 128n) - 1n;
}

export interface Interval<T> {
  readonly lo: T;
  readonly hi: T;
}

/**
 * A box as its constraints: absent fields are unconstrained. Port constraints apply to TCP and UDP only,
 * ICMP constraints to ICMP and ICMPv6 only, as in AWS rules (ref 4.2, 5.2): a spec with `dstPorts` and no
 * `protocols` still holds every ICMP and ESP packet.
 */
export interface BoxSpec {
  readonly src?: Interval<bigint>;
  readonly dst?: Interval<bigint>;
  readonly protocols?: Interval<number>;
  readonly srcPorts?: Interval<number>;
  readonly dstPorts?: Interval<number>;
  readonly icmpTypes?: Interval<number>;
  readonly icmpCodes?: Interval<number>;
}

export function emptySet(family: Family): PacketSet {
  return { family, boxes: [] };
}

/** The set of one spec (empty when a constraint is empty). */
export function setOf(family: Family, spec: BoxSpec = {}): PacketSet {
  const max = addressMax(family);
  const s0 = spec.src ? maxB(spec.src.lo, 0n) : 0n;
  const s1 = spec.src ? minB(spec.src.hi, max) : max;
  const d0 = spec.dst ? maxB(spec.dst.lo, 0n) : 0n;
  const d1 = spec.dst ? minB(spec.dst.hi, max) : max;
  if (s0 > s1 || d0 > d1) return emptySet(family);
  const pLo = Math.max(spec.protocols?.lo ?? 0, 0);
  const pHi = Math.min(spec.protocols?.hi ?? 255, 255);
  const boxes: Box[] = [];
  for (const seg of KIND_SEGMENTS) {
    const p0 = Math.max(seg.p0, pLo);
    const p1 = Math.min(seg.p1, pHi);
    if (p0 > p1) continue;
    const m = dimMax(seg.kind);
    let a: Interval<number> | undefined;
    let b: Interval<number> | undefined;
    if (seg.kind === 'ports') {
      a = spec.srcPorts;
      b = spec.dstPorts;
    } else if (seg.kind === 'icmp') {
      a = spec.icmpTypes;
      b = spec.icmpCodes;
    }
    const a0 = Math.max(a?.lo ?? 0, 0);
    const a1 = Math.min(a?.hi ?? m, m);
    const b0 = Math.max(b?.lo ?? 0, 0);
    const b1 = Math.min(b?.hi ?? m, m);
    if (a0 > a1 || b0 > b1) continue;
    boxes.push({ s0, s1, d0, d1, p0, p1, a0, a1, b0, b1 });
  }
  return { family, boxes };
}

export function universe(family: Family): PacketSet {
  return setOf(family);
}

export function cidrInterval(cidr: Cidr): Interval<bigint> {
  const bits = cidr.family === 4 ? 32 : 128;
  const lo = BigInt(cidr.network);
  return { lo, hi: lo + (1n << BigInt(bits - cidr.prefix)) - 1n };
}

export function ipValue(ip: Ip): bigint {
  return BigInt(ip.value);
}

function minB(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}
function maxB(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}

export function intersectBox(x: Box, y: Box): Box | null {
  const s0 = maxB(x.s0, y.s0);
  const s1 = minB(x.s1, y.s1);
  if (s0 > s1) return null;
  const d0 = maxB(x.d0, y.d0);
  const d1 = minB(x.d1, y.d1);
  if (d0 > d1) return null;
  const p0 = Math.max(x.p0, y.p0);
  const p1 = Math.min(x.p1, y.p1);
  if (p0 > p1) return null;
  const a0 = Math.max(x.a0, y.a0);
  const a1 = Math.min(x.a1, y.a1);
  if (a0 > a1) return null;
  const b0 = Math.max(x.b0, y.b0);
  const b1 = Math.min(x.b1, y.b1);
  if (b0 > b1) return null;
  return { s0, s1, d0, d1, p0, p1, a0, a1, b0, b1 };
}

/** x minus y as disjoint boxes (at most 10). */
export function subtractBox(x: Box, y: Box): Box[] {
  if (intersectBox(x, y) === null) return [x];
  const out: Box[] = [];
  let cur = x;
  if (cur.s0 < y.s0) out.push({ ...cur, s1: y.s0 - 1n });
  if (cur.s1 > y.s1) out.push({ ...cur, s0: y.s1 + 1n });
  cur = { ...cur, s0: maxB(cur.s0, y.s0), s1: minB(cur.s1, y.s1) };
  if (cur.d0 < y.d0) out.push({ ...cur, d1: y.d0 - 1n });
  if (cur.d1 > y.d1) out.push({ ...cur, d0: y.d1 + 1n });
  cur = { ...cur, d0: maxB(cur.d0, y.d0), d1: minB(cur.d1, y.d1) };
  if (cur.p0 < y.p0) out.push({ ...cur, p1: y.p0 - 1 });
  if (cur.p1 > y.p1) out.push({ ...cur, p0: y.p1 + 1 });
  cur = { ...cur, p0: Math.max(cur.p0, y.p0), p1: Math.min(cur.p1, y.p1) };
  if (cur.a0 < y.a0) out.push({ ...cur, a1: y.a0 - 1 });
  if (cur.a1 > y.a1) out.push({ ...cur, a0: y.a1 + 1 });
  cur = { ...cur, a0: Math.max(cur.a0, y.a0), a1: Math.min(cur.a1, y.a1) };
  if (cur.b0 < y.b0) out.push({ ...cur, b1: y.b0 - 1 });
  if (cur.b1 > y.b1) out.push({ ...cur, b0: y.b1 + 1 });
  return out;
}

function sameFamily(a: PacketSet, b: PacketSet): void {
  if (a.family !== b.family) throw new Error(`packet sets of different families (IPv${a.family} and IPv${b.family})`);
}

export function intersect(a: PacketSet, b: PacketSet): PacketSet {
  sameFamily(a, b);
  const out: Box[] = [];
  for (const x of a.boxes) {
    for (const y of b.boxes) {
      const z = intersectBox(x, y);
      if (z) out.push(z);
    }
  }
  return normalize({ family: a.family, boxes: out });
}

export function subtract(a: PacketSet, b: PacketSet): PacketSet {
  sameFamily(a, b);
  let cur: Box[] = a.boxes.slice();
  for (const y of b.boxes) {
    if (cur.length === 0) break;
    const next: Box[] = [];
    for (const x of cur) for (const z of subtractBox(x, y)) next.push(z);
    cur = next;
  }
  return normalize({ family: a.family, boxes: cur });
}

export function union(a: PacketSet, b: PacketSet): PacketSet {
  sameFamily(a, b);
  if (a.boxes.length === 0) return b;
  if (b.boxes.length === 0) return a;
  return normalize({ family: a.family, boxes: [...a.boxes, ...subtract(b, a).boxes] });
}

/** The union of many sets, paired off in a balanced tree (cheaper than one by one). */
export function unionAll(family: Family, sets: readonly PacketSet[]): PacketSet {
  let level = sets.filter((s) => s.boxes.length > 0);
  if (level.length === 0) return emptySet(family);
  while (level.length > 1) {
    const next: PacketSet[] = [];
    for (let i = 0; i < level.length; i += 2) next.push(i + 1 < level.length ? union(level[i]!, level[i + 1]!) : level[i]!);
    level = next;
  }
  return level[0]!;
}

/** The packets of `within` (default: every packet of the family) that are not in `a`. */
export function complement(a: PacketSet, within: PacketSet = universe(a.family)): PacketSet {
  return subtract(within, a);
}

export function isEmpty(a: PacketSet): boolean {
  return a.boxes.length === 0;
}

/** True when every packet of `inner` is in `outer`. */
export function isSubset(inner: PacketSet, outer: PacketSet): boolean {
  return isEmpty(subtract(inner, outer));
}

export function setsEqual(a: PacketSet, b: PacketSet): boolean {
  return a.family === b.family && isSubset(a, b) && isSubset(b, a);
}

/** A fully specified packet as a point of the space. */
export interface PacketPoint {
  readonly family: Family;
  readonly src: bigint;
  readonly dst: bigint;
  readonly protocol: number;
  readonly a: number;
  readonly b: number;
}

/** The point of a packet; null when it lacks a field its protocol needs (ports, ICMP type or code). */
export function pointOfPacket(p: Packet): PacketPoint | null {
  const kind = protocolKind(p.protocol);
  let a = 0;
  let b = 0;
  if (kind === 'ports') {
    if (p.srcPort === null || p.dstPort === null) return null;
    a = p.srcPort;
    b = p.dstPort;
  } else if (kind === 'icmp') {
    if (p.icmpType === null || p.icmpCode === null) return null;
    a = p.icmpType;
    b = p.icmpCode;
  }
  return { family: p.src.family, src: BigInt(p.src.value), dst: BigInt(p.dst.value), protocol: p.protocol, a, b };
}

export function boxHas(x: Box, p: PacketPoint): boolean {
  return p.src >= x.s0 && p.src <= x.s1 && p.dst >= x.d0 && p.dst <= x.d1 && p.protocol >= x.p0 && p.protocol <= x.p1 && p.a >= x.a0 && p.a <= x.a1 && p.b >= x.b0 && p.b <= x.b1;
}

export function hasPoint(a: PacketSet, p: PacketPoint): boolean {
  if (a.family !== p.family) return false;
  for (const x of a.boxes) if (boxHas(x, p)) return true;
  return false;
}

export function hasPacket(a: PacketSet, packet: Packet): boolean {
  const p = pointOfPacket(packet);
  return p !== null && hasPoint(a, p);
}

/** Swaps source and destination (addresses and, for TCP/UDP, ports): the set of the responses' shapes. */
export function mirror(a: PacketSet): PacketSet {
  return {
    family: a.family,
    boxes: a.boxes.map((x) =>
      protocolKind(x.p0) === 'ports'
        ? { s0: x.d0, s1: x.d1, d0: x.s0, d1: x.s1, p0: x.p0, p1: x.p1, a0: x.b0, a1: x.b1, b0: x.a0, b1: x.a1 }
        : { ...x, s0: x.d0, s1: x.d1, d0: x.s0, d1: x.s1 },
    ),
  };
}

// ---------------------------------------------------------------------------------------------------
// Normalisation: merge boxes that differ in one dimension only and touch there.

type Dim = 's' | 'd' | 'p' | 'a' | 'b';
const DIMS: readonly Dim[] = ['s', 'd', 'p', 'a', 'b'];

/** The low and high field of each dimension. */
const BOUNDS: Readonly<Record<Dim, readonly [keyof Box, keyof Box]>> = {
  s: ['s0', 's1'],
  d: ['d0', 'd1'],
  p: ['p0', 'p1'],
  a: ['a0', 'a1'],
  b: ['b0', 'b1'],
};

function keyWithout(x: Box, dim: Dim): string {
  return DIMS.filter((d) => d !== dim)
    .map((d) => `${x[BOUNDS[d][0]]}-${x[BOUNDS[d][1]]}`)
    .join('|');
}

function lo(x: Box, dim: Dim): bigint {
  return BigInt(x[BOUNDS[dim][0]]);
}
function hi(x: Box, dim: Dim): bigint {
  return BigInt(x[BOUNDS[dim][1]]);
}

/** `x` with its high bound in `dim` taken from `newHi`. */
function widen(x: Box, dim: Dim, newHi: Box): Box {
  const field = BOUNDS[dim][1];
  return { ...x, [field]: newHi[field] };
}

function mergePass(boxes: readonly Box[], dim: Dim): Box[] {
  const groups = new Map<string, Box[]>();
  for (const x of boxes) {
    const k = keyWithout(x, dim);
    const g = groups.get(k);
    if (g) g.push(x);
    else groups.set(k, [x]);
  }
  const out: Box[] = [];
  for (const g of groups.values()) {
    if (g.length === 1) {
      out.push(g[0]!);
      continue;
    }
    g.sort((x, y) => (lo(x, dim) < lo(y, dim) ? -1 : lo(x, dim) > lo(y, dim) ? 1 : 0));
    let cur = g[0]!;
    for (let i = 1; i < g.length; i++) {
      const x = g[i]!;
      // Protocol intervals merge only within one kind segment (the a/b dimensions mean different things).
      const kindOk = dim !== 'p' || protocolKind(cur.p0) === protocolKind(x.p0) && sameSegment(cur.p0, x.p1);
      if (kindOk && lo(x, dim) === hi(cur, dim) + 1n) cur = widen(cur, dim, x);
      else {
        out.push(cur);
        cur = x;
      }
    }
    out.push(cur);
  }
  return out;
}

function segmentOf(p: number): number {
  return KIND_SEGMENTS.findIndex((s) => p >= s.p0 && p <= s.p1);
}
function sameSegment(p: number, q: number): boolean {
  return segmentOf(p) === segmentOf(q);
}

/** Merges touching boxes until nothing changes (the set is the same; its list of boxes shorter). */
export function normalize(a: PacketSet): PacketSet {
  let boxes = a.boxes;
  for (let round = 0; round < 8; round++) {
    const before = boxes.length;
    for (const dim of DIMS) boxes = mergePass(boxes, dim);
    if (boxes.length === before) break;
  }
  return { family: a.family, boxes };
}

// ---------------------------------------------------------------------------------------------------
// Rendering

/** The fewest CIDR blocks whose union is exactly [lo, hi]. */
export function intervalToCidrs(family: Family, lo: bigint, hi: bigint): string[] {
  const bits = family === 4 ? 32 : 128;
  const out: string[] = [];
  let cur = lo;
  while (cur <= hi) {
    // The largest aligned block starting at cur that fits.
    let size = 0;
    while (size < bits) {
      const next = size + 1;
      const span = 1n << BigInt(next);
      if (cur % span !== 0n || cur + span - 1n > hi) break;
      size = next;
    }
    out.push(`${family === 4 ? formatIpv4(Number(cur)) : formatIpv6(cur)}/${bits - size}`);
    cur += 1n << BigInt(size);
  }
  return out;
}

/** Merges overlapping and touching intervals, sorted. */
export function mergeIntervals<T extends bigint | number>(xs: readonly Interval<T>[]): Interval<T>[] {
  const sorted = [...xs].sort((p, q) => (p.lo < q.lo ? -1 : p.lo > q.lo ? 1 : 0));
  const out: Interval<T>[] = [];
  for (const x of sorted) {
    const last = out[out.length - 1];
    if (last && (typeof x.lo === 'bigint' ? (x.lo as bigint) <= (last.hi as bigint) + 1n : (x.lo as number) <= (last.hi as number) + 1)) {
      if (x.hi > last.hi) out[out.length - 1] = { lo: last.lo, hi: x.hi };
    } else out.push(x);
  }
  return out;
}

export function cidrsOfIntervals(family: Family, xs: readonly Interval<bigint>[]): string[] {
  return mergeIntervals(xs).flatMap((x) => intervalToCidrs(family, x.lo, x.hi));
}

/** One product of the rendering: every combination of its fields is in the set. */
export interface SetRow {
  readonly family: Family;
  /** IANA number; -1 when the row holds every protocol. */
  readonly protocol: number;
  /** Destination port ranges (TCP/UDP), null for other protocols. */
  readonly ports: readonly (readonly [number, number])[] | null;
  readonly srcPorts: readonly (readonly [number, number])[] | null;
  /** ICMP type/code pairs (-1 = all), for ICMP rows only. */
  readonly icmp?: readonly { readonly type: number; readonly code: number }[];
  readonly sources: readonly string[];
  readonly destinations: readonly string[];
}

interface RawRow {
  protocol: number;
  a: Interval<number>[] | null;
  b: Interval<number>[] | null;
  src: Interval<bigint>[];
  dst: Interval<bigint>[];
}

const rangesKey = (xs: readonly Interval<number | bigint>[] | null): string => (xs === null ? '-' : xs.map((x) => `${x.lo}-${x.hi}`).join(','));

/** Groups rows equal in every field but `field`, uniting that field (the products stay exact). */
function groupRows(rows: RawRow[], field: 'a' | 'b' | 'src' | 'dst'): RawRow[] {
  const m = new Map<string, RawRow>();
  for (const r of rows) {
    const k = [r.protocol, field === 'a' ? '' : rangesKey(r.a), field === 'b' ? '' : rangesKey(r.b), field === 'src' ? '' : rangesKey(r.src), field === 'dst' ? '' : rangesKey(r.dst)].join('/');
    const g = m.get(k);
    if (!g) {
      m.set(k, { ...r });
      continue;
    }
    if (field === 'src') g.src = mergeIntervals([...g.src, ...r.src]);
    else if (field === 'dst') g.dst = mergeIntervals([...g.dst, ...r.dst]);
    else if (g[field] !== null && r[field] !== null) g[field] = mergeIntervals([...g[field]!, ...r[field]!]);
  }
  return [...m.values()];
}

/**
 * The set as a short list of products (rows): exact, so the union of the rows is the set. Source and
 * destination intervals are written as their minimal CIDR covers; a part of the set that holds every
 * protocol for some addresses becomes one protocol -1 row.
 */
export function renderSet(set: PacketSet): SetRow[] {
  const family = set.family;
  // Addresses pairs for which every packet is in the set: protocol -1 rows.
  // (Skipped for large sets, where it costs more than it shortens: the rows stay exact either way.)
  const allProto = set.boxes.length <= 256 ? allProtocolPart(set) : emptySet(family);
  const rest = subtract(set, expandAllProtocols(allProto));
  const raw: RawRow[] = [];
  for (const x of allProto.boxes) raw.push({ protocol: -1, a: null, b: null, src: [{ lo: x.s0, hi: x.s1 }], dst: [{ lo: x.d0, hi: x.d1 }] });
  for (const x of rest.boxes) {
    const kind = protocolKind(x.p0);
    for (let p = x.p0; p <= x.p1; p++) {
      raw.push({
        protocol: p,
        a: kind === 'none' ? null : [{ lo: x.a0, hi: x.a1 }],
        b: kind === 'none' ? null : [{ lo: x.b0, hi: x.b1 }],
        src: [{ lo: x.s0, hi: x.s1 }],
        dst: [{ lo: x.d0, hi: x.d1 }],
      });
    }
  }
  let rows = raw;
  for (const field of ['src', 'dst', 'b', 'a', 'src', 'dst'] as const) rows = groupRows(rows, field);
  const out: SetRow[] = [];
  for (const r of rows) {
    const kind = r.protocol === -1 ? 'none' : protocolKind(r.protocol);
    const pairs = (xs: Interval<number>[] | null) => (xs === null ? null : xs.map((x) => [x.lo, x.hi] as const));
    const base = { family, protocol: r.protocol, sources: cidrsOfIntervals(family, r.src), destinations: cidrsOfIntervals(family, r.dst) };
    if (kind === 'ports') out.push({ ...base, ports: pairs(r.b), srcPorts: pairs(r.a) });
    else if (kind === 'icmp') out.push({ ...base, ports: null, srcPorts: null, icmp: icmpPairs(r.a!, r.b!) });
    else out.push({ ...base, ports: null, srcPorts: null });
  }
  out.sort((x, y) => (x.protocol === y.protocol ? 0 : x.protocol === -1 ? -1 : y.protocol === -1 ? 1 : x.protocol - y.protocol));
  return out;
}

function icmpPairs(types: readonly Interval<number>[], codes: readonly Interval<number>[]): { type: number; code: number }[] {
  const codeList: number[] = [];
  const allCodes = codes.length === 1 && codes[0]!.lo === 0 && codes[0]!.hi === 255;
  if (!allCodes) for (const c of codes) for (let v = c.lo; v <= c.hi; v++) codeList.push(v);
  const allTypes = types.length === 1 && types[0]!.lo === 0 && types[0]!.hi === 255;
  const typeList: number[] = [];
  if (allTypes) typeList.push(-1);
  else for (const t of types) for (let v = t.lo; v <= t.hi; v++) typeList.push(v);
  const out: { type: number; code: number }[] = [];
  for (const type of typeList) {
    if (allCodes) out.push({ type, code: -1 });
    else for (const code of codeList) out.push({ type, code });
  }
  return out;
}

/** (src, dst) rectangles as full boxes over every protocol and port. */
function expandAllProtocols(pairs: PacketSet): PacketSet {
  const boxes: Box[] = [];
  for (const x of pairs.boxes) for (const b of setOf(pairs.family, { src: { lo: x.s0, hi: x.s1 }, dst: { lo: x.d0, hi: x.d1 } }).boxes) boxes.push(b);
  return { family: pairs.family, boxes };
}

/**
 * The address pairs for which the set holds every packet, as boxes with p/a/b zeroed (a 2-D set):
 * the complement of the projection of the set's complement.
 */
function allProtocolPart(set: PacketSet): PacketSet {
  const family = set.family;
  const project = (s: PacketSet): PacketSet => {
    const flat: Box[] = s.boxes.map((x) => ({ ...x, p0: 0, p1: 0, a0: 0, a1: 0, b0: 0, b1: 0 }));
    // Overlapping projections: make them disjoint.
    let acc: PacketSet = emptySet(family);
    for (const b of flat) acc = union(acc, { family, boxes: [b] });
    return acc;
  };
  const plane: PacketSet = { family, boxes: [{ s0: 0n, s1: addressMax(family), d0: 0n, d1: addressMax(family), p0: 0, p1: 0, a0: 0, a1: 0, b0: 0, b1: 0 }] };
  const missing = project(complement(set));
  const covered = project(set);
  return intersect(subtract(plane, missing), covered);
}

/** The set a row stands for (the inverse of renderSet: the union of setOfRow over its rows is the set). */
export function setOfRow(row: SetRow): PacketSet {
  const family = row.family;
  const parse = (texts: readonly string[]): Interval<bigint>[] =>
    texts.map((t) => {
      const c = parseCidrText(t);
      if (c === null || c.family !== family) throw new Error(`not an IPv${family} CIDR: ${t}`);
      return cidrInterval(c);
    });
  const srcs = parse(row.sources);
  const dsts = parse(row.destinations);
  const specs: BoxSpec[] = [];
  const protocols = row.protocol === -1 ? undefined : { lo: row.protocol, hi: row.protocol };
  const kind = row.protocol === -1 ? 'none' : protocolKind(row.protocol);
  if (kind === 'ports') {
    for (const [a0, a1] of row.srcPorts ?? [[0, 65535]]) for (const [b0, b1] of row.ports ?? [[0, 65535]]) specs.push({ ...(protocols ? { protocols } : {}), srcPorts: { lo: a0, hi: a1 }, dstPorts: { lo: b0, hi: b1 } });
  } else if (kind === 'icmp') {
    // Consecutive types with the same code become one interval (the rendering lists types one by one).
    const byCode = new Map<number, number[]>();
    for (const { type, code } of row.icmp ?? [{ type: -1, code: -1 }]) {
      const list = byCode.get(code) ?? [];
      list.push(type);
      byCode.set(code, list);
    }
    for (const [code, types] of byCode) {
      const intervals = types.includes(-1) ? [null] : mergeIntervals(types.map((t) => ({ lo: t, hi: t })));
      for (const t of intervals) {
        specs.push({
          ...(protocols ? { protocols } : {}),
          ...(t === null ? {} : { icmpTypes: t }),
          ...(code === -1 ? {} : { icmpCodes: { lo: code, hi: code } }),
        });
      }
    }
  } else specs.push(protocols ? { protocols } : {});
  const parts: PacketSet[] = [];
  for (const src of srcs) for (const dst of dsts) for (const spec of specs) parts.push(setOf(family, { ...spec, src, dst }));
  return unionAll(family, parts);
}

export function setOfRows(family: Family, rows: readonly SetRow[]): PacketSet {
  return unionAll(family, rows.map(setOfRow));
}
