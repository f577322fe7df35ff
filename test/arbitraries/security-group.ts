/**
 * Security groups over the small universe: rules whose peer is a CIDR, a prefix list (listed with entries,
 * listed without entries, or absent), a referenced group (described, carried by ENIs but not described,
 * or stale) or an unreadable value; ENIs that carry groups (private IPv4 and IPv6 addresses, delegated
 * prefixes, a public IP that a group reference must never match, ref 4.2).
 */
import fc from 'fast-check';
import type { Cidr } from '../../src/model/address.js';
import type { Direction, Eni, PrefixList, SecurityGroup, SgPeer, SgRule, Snapshot } from '../../src/model/snapshot.js';
import { emptySnapshot } from '../../src/model/snapshot.js';
import type { Packet } from '../../src/model/flow.js';
import { universeCidrArb } from './ip.js';
import { type MatchingShape, entryMatching } from './nacl.js';
import { directionArb, optionalIcmpMatchArb, optionalPortRangeArb, ruleProtocolArb } from './packet.js';
import { V4_INSIDE, V6_INSIDE, cidrOf, ipOf } from './universe.js';

const source = (path: string) => ({ file: 'fast-check', path });

/** Groups the snapshot describes. */
export const DESCRIBED_GROUPS = ['sg-a', 'sg-b', 'sg-c'] as const;
/** Carried by ENIs and referenced, but not described: its rules are unknown. */
export const UNDESCRIBED_GROUP = 'sg-d';
/** Referenced by rules only (deleted group): a stale reference matches nothing (ref 4.2). */
export const STALE_GROUP = 'sg-stale';
export const GROUPS_ON_ENIS = [...DESCRIBED_GROUPS, UNDESCRIBED_GROUP] as const;
/** pl-a, pl-b: listed with entries; pl-null: listed without entries; pl-missing: not in the snapshot. */
export const PREFIX_LIST_IDS = ['pl-a', 'pl-b', 'pl-null', 'pl-missing'] as const;
/** The public IP given to ENIs; no ENI has it as a private address. */
export const PUBLIC_IP = '192.0.2.1';

export const sgPeerArb: fc.Arbitrary<SgPeer> = fc.oneof(
  { arbitrary: universeCidrArb().map((cidr): SgPeer => ({ kind: 'cidr', cidr })), weight: 5 },
  { arbitrary: fc.constantFrom(...PREFIX_LIST_IDS).map((prefixListId): SgPeer => ({ kind: 'prefix-list', prefixListId })), weight: 2 },
  { arbitrary: fc.constantFrom(...GROUPS_ON_ENIS, STALE_GROUP).map((groupId): SgPeer => ({ kind: 'group', groupId })), weight: 2 },
  { arbitrary: fc.constant<SgPeer>({ kind: 'invalid', text: 'sg-?' }), weight: 1 },
);

/** A rule; groupId and ruleId are filled in by the group it is put in. */
export function sgRuleArb(direction?: Direction): fc.Arbitrary<SgRule> {
  return fc
    .record({
      direction: direction === undefined ? directionArb : fc.constant(direction),
      protocol: ruleProtocolArb,
      ports: optionalPortRangeArb,
      icmp: optionalIcmpMatchArb,
      peer: sgPeerArb,
    })
    .map((r) => ({ ...r, groupId: '?', source: source('IpPermissions[?]') }));
}

/** A group from rules of both directions; rule ids `sgr-<group>-<i>` (unique across the world). */
export function groupOf(id: string, rules: readonly SgRule[]): SecurityGroup {
  const named = rules.map((r, i) => ({ ...r, groupId: id, ruleId: `sgr-${id}-${i}`, source: source(`SecurityGroups[${id}].rules[${i}]`) }));
  return {
    id,
    groupName: id,
    vpcId: 'vpc-fc',
    inbound: named.filter((r) => r.direction === 'inbound'),
    outbound: named.filter((r) => r.direction === 'outbound'),
    source: source(`SecurityGroups[${id}]`),
  };
}

const eniPrivate4 = [...V4_INSIDE, '10.0.1.7'];
const eniPrivate6 = [...V6_INSIDE, '2001:db8::10'];
const delegated4 = ['10.0.0.12/30', '10.0.0.4/31'].map(cidrOf);
const delegated6 = ['2001:db8::c/126'].map(cidrOf);

export const eniArb: fc.Arbitrary<Omit<Eni, 'id'>> = fc
  .record({
    privateIps: fc.subarray(eniPrivate4, { maxLength: 2 }),
    ipv6Addresses: fc.subarray(eniPrivate6, { maxLength: 1 }),
    ipv4Prefixes: fc.subarray(delegated4, { maxLength: 1 }),
    ipv6Prefixes: fc.subarray(delegated6, { maxLength: 1 }),
    hasPublicIp: fc.boolean(),
    groupIds: fc.subarray([...GROUPS_ON_ENIS]),
  })
  .map((e) => {
    const privateIps = e.privateIps.map(ipOf);
    const first = privateIps[0];
    return {
      subnetId: 'subnet-fc',
      vpcId: 'vpc-fc',
      interfaceType: 'interface',
      requesterManaged: false,
      sourceDestCheck: true,
      privateIps,
      primaryPrivateIp: first ?? null,
      ipv6Addresses: e.ipv6Addresses.map(ipOf),
      ipv4Prefixes: e.ipv4Prefixes as Cidr[],
      ipv6Prefixes: e.ipv6Prefixes as Cidr[],
      publicIps: e.hasPublicIp && first ? [{ publicIp: ipOf(PUBLIC_IP), privateIp: first }] : [],
      groupIds: e.groupIds,
      source: source('NetworkInterfaces[?]'),
    };
  });

function prefixListOf(id: string, entries: readonly Cidr[] | null): PrefixList {
  return { id, entries, source: source(`PrefixLists[${id}]`) };
}

/** pl-a and pl-b with 0-3 entries of either family, pl-null without entries; pl-missing is absent. */
export const prefixListsArb: fc.Arbitrary<PrefixList[]> = fc
  .tuple(fc.array(universeCidrArb(), { maxLength: 3 }), fc.array(universeCidrArb(), { maxLength: 3 }))
  .map(([a, b]) => [prefixListOf('pl-a', a), prefixListOf('pl-b', b), prefixListOf('pl-null', null)]);

/** A snapshot with the described groups, ENIs carrying them, prefix lists; and the group list of one ENI. */
export interface SgWorld {
  readonly snapshot: Snapshot;
  /** The groups of the ENI under evaluation, in input order, possibly repeated or undescribed. */
  readonly groupIds: readonly string[];
}

export function worldOf(groups: readonly SecurityGroup[], enis: readonly Omit<Eni, 'id'>[], prefixLists: readonly PrefixList[], groupIds: readonly string[]): SgWorld {
  return {
    snapshot: {
      ...emptySnapshot(),
      securityGroups: groups,
      enis: enis.map((e, i) => ({ ...e, id: `eni-${i}`, source: source(`NetworkInterfaces[${i}]`) })),
      prefixLists,
    },
    groupIds,
  };
}

export interface SgWorldParts {
  readonly rules: Readonly<Record<(typeof DESCRIBED_GROUPS)[number], readonly SgRule[]>>;
  readonly enis: readonly Omit<Eni, 'id'>[];
  readonly prefixLists: readonly PrefixList[];
  readonly groupIds: readonly string[];
}

export function sgWorldPartsArb(maxRulesPerGroup = 6): fc.Arbitrary<SgWorldParts> {
  const rules = fc.array(sgRuleArb(), { maxLength: maxRulesPerGroup });
  return fc.record({
    rules: fc.record({ 'sg-a': rules, 'sg-b': rules, 'sg-c': rules }),
    enis: fc.array(eniArb, { maxLength: 4 }),
    prefixLists: prefixListsArb,
    groupIds: fc.array(fc.constantFrom(...GROUPS_ON_ENIS), { maxLength: 4 }),
  });
}

export function worldFromParts(p: SgWorldParts): SgWorld {
  const groups = DESCRIBED_GROUPS.map((id) => groupOf(id, p.rules[id]));
  return worldOf(groups, p.enis, p.prefixLists, p.groupIds);
}

export function sgWorldArb(maxRulesPerGroup = 6): fc.Arbitrary<SgWorld> {
  return sgWorldPartsArb(maxRulesPerGroup).map(worldFromParts);
}

/**
 * A rule allowing a concrete packet in `direction`: a CIDR peer holding the peer address, the packet's
 * protocol or -1, ports / ICMP type around the packet's (see entryMatching for the shapes).
 */
export function ruleMatching(packet: Packet, direction: Direction, shape: MatchingShape): SgRule {
  const e = entryMatching(packet, direction, 'allow', 1, shape);
  return {
    groupId: '?',
    direction,
    protocol: e.protocol,
    ports: e.ports,
    icmp: e.icmp,
    peer: e.cidr === null ? { kind: 'invalid', text: '?' } : { kind: 'cidr', cidr: e.cidr },
    source: source('IpPermissions[match]'),
  };
}
