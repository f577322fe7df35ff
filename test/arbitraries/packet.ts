/**
 * Protocols, port ranges, ICMP type/code matches and packets, all drawn from the small universe
 * (universe.ts) so that rules and packets collide often.
 */
import fc from 'fast-check';
import type { IcmpMatch, PortRange } from '../../src/model/address.js';
import type { Packet } from '../../src/model/flow.js';
import type { Direction } from '../../src/model/snapshot.js';
import {
  PORT_BOUNDS,
  RULE_ICMP_CODES,
  RULE_ICMP_TYPES,
  RULE_PROTOCOLS,
  V4_ADDRESSES,
  V6_ADDRESSES,
  type UniversePoint,
  packetOf,
  universePoints,
} from './universe.js';

export const directionArb: fc.Arbitrary<Direction> = fc.constantFrom('inbound', 'outbound');

/** -1, 6, 17, 1, 58, 50 mostly; sometimes 47 (no packet of the universe) or null (unreadable, never matches). */
export const ruleProtocolArb: fc.Arbitrary<number | null> = fc.oneof(
  { arbitrary: fc.constantFrom(...RULE_PROTOCOLS), weight: 12 },
  { arbitrary: fc.constant(47), weight: 1 },
  { arbitrary: fc.constant(null), weight: 1 },
);

/** An inclusive range whose bounds sit on or next to the universe ports (0-65535 included). */
export const portRangeArb: fc.Arbitrary<PortRange> = fc
  .tuple(fc.constantFrom(...PORT_BOUNDS), fc.constantFrom(...PORT_BOUNDS))
  .map(([a, b]) => ({ from: Math.min(a, b), to: Math.max(a, b) }));

/** null (all ports) one time in five. */
export const optionalPortRangeArb: fc.Arbitrary<PortRange | null> = fc.option(portRangeArb, { freq: 5, nil: null });

/** A type/code match with -1 wildcards; a type of -1 forces the code to -1 (ref 4.2). */
export const icmpMatchArb: fc.Arbitrary<IcmpMatch> = fc
  .tuple(fc.constantFrom(...RULE_ICMP_TYPES), fc.constantFrom(...RULE_ICMP_CODES))
  .map(([type, code]) => ({ type, code: type === -1 ? -1 : code }));

/** null (all types and codes) one time in five. */
export const optionalIcmpMatchArb: fc.Arbitrary<IcmpMatch | null> = fc.option(icmpMatchArb, { freq: 5, nil: null });

const POINTS = universePoints();

export const universePointArb: fc.Arbitrary<UniversePoint> = fc.constantFrom(...POINTS);

/** The local (ENI / subnet) side of packets, one per family. */
export const localsArb: fc.Arbitrary<{ 4: string; 6: string }> = fc
  .tuple(fc.constantFrom(...V4_ADDRESSES), fc.constantFrom(...V6_ADDRESSES))
  .map(([a, b]) => ({ 4: a, 6: b }));

/** Source ports: never what a rule checks, so they vary to catch an evaluator that looks at them. */
export const srcPortArb: fc.Arbitrary<number> = fc.constantFrom(0, 22, 443, 40000, 65535);

/** A concrete packet of the universe, with the direction it is evaluated in. */
export const universePacketArb: fc.Arbitrary<{ direction: Direction; packet: Packet }> = fc
  .record({ point: universePointArb, direction: directionArb, locals: localsArb, srcPort: srcPortArb })
  .map(({ point, direction, locals, srcPort }) => ({ direction, packet: packetOf(point, direction, locals, srcPort) }));

/** Forgets what a flow-log record cannot tell: the ICMP type/code (ref 2.4), or the destination port. */
export function withUnknownFields(p: Packet): Packet {
  if (p.protocol === 1 || p.protocol === 58) return { ...p, icmpType: null, icmpCode: null };
  if (p.protocol === 6 || p.protocol === 17) return { ...p, dstPort: null };
  return p;
}

/** A universe packet, one time in four with its ICMP type/code or destination port unknown. */
export const packetMaybeUnknownArb: fc.Arbitrary<{ direction: Direction; packet: Packet }> = fc
  .tuple(universePacketArb, fc.nat(3))
  .map(([{ direction, packet }, k]) => ({ direction, packet: k === 0 ? withUnknownFields(packet) : packet }));
