/**
 * Network ACL entries and ACLs over the small universe. Rule numbers are unique per direction, as AWS
 * enforces (a second entry with the same number and direction is rejected), so that "first match in
 * ascending rule number" (ref 5.1) has one answer whatever the input order.
 */
import fc from 'fast-check';
import type { Cidr } from '../../src/model/address.js';
import type { Packet } from '../../src/model/flow.js';
import type { Direction, NaclAction, NaclEntry, NetworkAcl } from '../../src/model/snapshot.js';
import { universeCidrArb } from './ip.js';
import { directionArb, optionalIcmpMatchArb, optionalPortRangeArb, ruleProtocolArb } from './packet.js';
import { cidrOf, ipaddrOfIp } from './universe.js';

const source = (path: string) => ({ file: 'fast-check', path });

export const naclActionArb: fc.Arbitrary<NaclAction> = fc.constantFrom('allow', 'deny');

export interface NaclEntryOptions {
  readonly direction?: Direction;
  readonly minRuleNumber?: number;
  readonly maxRuleNumber?: number;
  /** Overrides the protocol distribution (e.g. to concentrate on ICMP entries). */
  readonly protocol?: fc.Arbitrary<number | null>;
  /** Overrides the CIDR distribution (null: unreadable). */
  readonly cidr?: fc.Arbitrary<Cidr | null>;
}

/**
 * One entry: any protocol (ports and ICMP fields set independently of it, so the "all ports" traps of
 * ref 8.15 occur), a CIDR of either family around the universe (null, unreadable, one time in twelve).
 */
export function naclEntryArb(opts: NaclEntryOptions = {}): fc.Arbitrary<NaclEntry> {
  const min = opts.minRuleNumber ?? 1;
  const max = opts.maxRuleNumber ?? 32766;
  return fc
    .record({
      ruleNumber: fc.oneof(fc.integer({ min, max: Math.min(max, min + 40) }), fc.integer({ min, max })),
      action: naclActionArb,
      direction: opts.direction === undefined ? directionArb : fc.constant(opts.direction),
      protocol: opts.protocol ?? ruleProtocolArb,
      cidr: opts.cidr ?? fc.option(universeCidrArb(), { freq: 12, nil: null }),
      ports: optionalPortRangeArb,
      icmp: optionalIcmpMatchArb,
    })
    .map((e) => ({ ...e, source: source('Entries[?]') }));
}

/** The `*` entries AWS prints (ref 5.5): 32767 deny all IPv4, 32768 deny all IPv6, both directions. */
export function defaultEntries(): NaclEntry[] {
  return (['inbound', 'outbound'] as const).flatMap((direction) => [
    { ruleNumber: 32767, action: 'deny' as const, direction, protocol: -1, cidr: cidrOf('0.0.0.0/0'), ports: null, icmp: null, source: source('Entries[*4]') },
    { ruleNumber: 32768, action: 'deny' as const, direction, protocol: -1, cidr: cidrOf('::/0'), ports: null, icmp: null, source: source('Entries[*6]') },
  ]);
}

export function naclOf(entries: readonly NaclEntry[], id = 'acl-fc'): NetworkAcl {
  return { id, vpcId: 'vpc-fc', isDefault: false, subnetIds: [], entries, source: source(`NetworkAcls[${id}]`) };
}

/** Up to `maxLength` entries, unique (direction, rule number); the `*` entries listed half of the time. */
export function naclEntriesArb(maxLength = 10, opts: NaclEntryOptions = {}): fc.Arbitrary<NaclEntry[]> {
  return fc
    .tuple(
      fc.uniqueArray(naclEntryArb(opts), { maxLength, selector: (e) => `${e.direction}:${e.ruleNumber}` }),
      fc.boolean(),
    )
    .map(([entries, listDefaults]) => {
      const numbered = entries.map((e, i) => ({ ...e, source: source(`Entries[${i}]`) }));
      return listDefaults ? [...numbered, ...defaultEntries()] : numbered;
    });
}

export function naclArb(maxLength = 10, opts: NaclEntryOptions = {}): fc.Arbitrary<NetworkAcl> {
  return naclEntriesArb(maxLength, opts).map((entries) => naclOf(entries));
}

/** How an entry built around a packet is widened; chosen independently of the packet (no chain). */
export interface MatchingShape {
  /** Prefix length as a fraction of the address width: 0 gives /0, 1 the host. */
  readonly prefixFraction: number;
  readonly anyProtocol: boolean;
  readonly portsBelow: number;
  readonly portsAbove: number;
  readonly allPorts: boolean;
  /** 0: null (all), 1: -1/-1, 2: type/-1, 3: type/code. */
  readonly icmpStyle: 0 | 1 | 2 | 3;
}

export const matchingShapeArb: fc.Arbitrary<MatchingShape> = fc.record({
  prefixFraction: fc.double({ min: 0, max: 1, noNaN: true }),
  anyProtocol: fc.boolean(),
  portsBelow: fc.constantFrom(0, 1, 100, 70000),
  portsAbove: fc.constantFrom(0, 1, 100, 70000),
  allPorts: fc.boolean(),
  icmpStyle: fc.constantFrom(0, 1, 2, 3),
});

/** Shapes that keep the port range or ICMP type narrow: entries whose match depends on the port / type. */
export const specificShapeArb: fc.Arbitrary<MatchingShape> = fc.record({
  prefixFraction: fc.double({ min: 0, max: 1, noNaN: true }),
  anyProtocol: fc.oneof({ arbitrary: fc.constant(false), weight: 4 }, { arbitrary: fc.constant(true), weight: 1 }),
  portsBelow: fc.constantFrom(0, 1, 100),
  portsAbove: fc.constantFrom(0, 1, 100),
  allPorts: fc.constant(false),
  icmpStyle: fc.constantFrom(2, 3),
});

/**
 * An entry that matches a concrete packet in `direction`: a CIDR holding the peer address (source inbound,
 * destination outbound), the packet's protocol or -1, a port range holding the destination port, an ICMP
 * match holding its type/code.
 */
export function entryMatching(packet: Packet, direction: Direction, action: NaclAction, ruleNumber: number, shape: MatchingShape): NaclEntry {
  const peer = direction === 'inbound' ? packet.src : packet.dst;
  const width = peer.family === 4 ? 32 : 128;
  const prefix = Math.min(width, Math.floor(shape.prefixFraction * (width + 1)));
  const port = packet.dstPort ?? 0;
  const type = packet.icmpType ?? 0;
  const code = packet.icmpCode ?? 0;
  const icmp = [null, { type: -1, code: -1 }, { type, code: -1 }, { type, code }][shape.icmpStyle] ?? null;
  return {
    ruleNumber,
    action,
    direction,
    protocol: shape.anyProtocol ? -1 : packet.protocol,
    cidr: cidrOf(`${ipaddrOfIp(peer).toString()}/${prefix}`),
    ports: shape.allPorts ? null : { from: Math.max(0, port - shape.portsBelow), to: Math.min(65535, port + shape.portsAbove) },
    icmp,
    source: source(`Entries[match-${ruleNumber}]`),
  };
}
