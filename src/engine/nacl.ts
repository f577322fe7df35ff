/**
 * Network ACL evaluation (ref 5): stateless, one direction and one address family at a time, entries in
 * ascending RuleNumber, first match wins, and the `*` rule (32767 for IPv4, 32768 for IPv6) denies
 * whatever nothing matched, whether or not the input lists it.
 */
import type { Packet } from '../model/flow.js';
import type { Direction, NaclEntry, NetworkAcl } from '../model/snapshot.js';
import { cidrContains } from '../net/ip.js';
import { type Tri, matchPortPart, matchProtocol } from './match.js';

export const NACL_DEFAULT_RULE_IPV4 = 32767;
export const NACL_DEFAULT_RULE_IPV6 = 32768;

export type NaclMissReason = 'address' | 'port' | 'protocol';

export interface NaclMiss {
  readonly entry: NaclEntry;
  readonly reason: NaclMissReason;
}

export interface NaclDecision {
  readonly aclId: string;
  readonly direction: Direction;
  readonly action: 'allow' | 'deny';
  /** RuleNumber of the deciding entry; 32767 / 32768 for the `*` rule. */
  readonly ruleNumber: number;
  /** The deciding entry; null when the implicit `*` rule decided and the input did not list it. */
  readonly entry: NaclEntry | null;
  /** True when the `*` default rule decided. */
  readonly isDefaultRule: boolean;
  /**
   * Entries before the deciding one whose match depends on a field the packet does not carry (the ICMP
   * type of a flow-log record): any of them might decide instead, so the rule number (and, when their
   * action differs, the action) is uncertain.
   */
  readonly undecided: readonly NaclEntry[];
  /** For a deny by an explicit entry: the first later entry that would have allowed the packet. */
  readonly shadowedAllow: NaclEntry | null;
  /** For a deny: allow entries that miss the packet in exactly one field. */
  readonly closestMisses: readonly NaclMiss[];
}

interface CompiledNacl {
  readonly byKey: ReadonlyMap<string, readonly NaclEntry[]>;
}

const compiled = new WeakMap<NetworkAcl, CompiledNacl>();

function compile(acl: NetworkAcl): CompiledNacl {
  const byKey = new Map<string, NaclEntry[]>();
  for (const e of acl.entries) {
    const fam = e.cidr?.family;
    const keys = fam === undefined ? [`${e.direction}4`, `${e.direction}6`] : [`${e.direction}${fam}`];
    for (const k of keys) {
      const list = byKey.get(k);
      if (list) list.push(e);
      else byKey.set(k, [e]);
    }
  }
  // Stable sort by RuleNumber: AWS prints entries unsorted and mixed (ref 5.5).
  for (const list of byKey.values()) list.sort((a, b) => a.ruleNumber - b.ruleNumber);
  return { byKey };
}

/** The entries that apply to one direction and family, sorted by rule number. */
export function naclEntriesFor(acl: NetworkAcl, direction: Direction, family: 4 | 6): readonly NaclEntry[] {
  let c = compiled.get(acl);
  if (!c) compiled.set(acl, (c = compile(acl)));
  return c.byKey.get(`${direction}${family}`) ?? [];
}

/** The address a rule's CIDR is compared with: the source inbound, the destination outbound. */
export function peerAddress(packet: Packet, direction: Direction): Packet['src'] {
  return direction === 'inbound' ? packet.src : packet.dst;
}

export function matchNaclEntry(entry: NaclEntry, packet: Packet): Tri {
  if (entry.cidr === null || !cidrContains(entry.cidr, peerAddress(packet, entry.direction))) return 'no';
  if (!matchProtocol(entry.protocol, packet)) return 'no';
  // Protocol 58 with an IPv4 CIDR matches every ICMP type and code (ref 5.2).
  return matchPortPart(entry.protocol ?? -1, entry.ports, entry.icmp, packet, entry.cidr.family === 6);
}

function missReason(entry: NaclEntry, packet: Packet): NaclMissReason | null {
  const addr = entry.cidr !== null && cidrContains(entry.cidr, peerAddress(packet, entry.direction));
  const proto = matchProtocol(entry.protocol, packet);
  const port = proto && matchPortPart(entry.protocol ?? -1, entry.ports, entry.icmp, packet, entry.cidr?.family === 6) !== 'no';
  if (!addr && proto && port) return 'address';
  if (addr && proto && !port) return 'port';
  if (addr && !proto && entry.cidr !== null) return 'protocol';
  return null;
}

export function evaluateNacl(acl: NetworkAcl, direction: Direction, packet: Packet): NaclDecision {
  const family = packet.src.family;
  const entries = naclEntriesFor(acl, direction, family);
  const maybes: NaclEntry[] = [];
  let decided: NaclEntry | null = null;
  let decidedAt = entries.length;
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    const m = matchNaclEntry(e, packet);
    if (m === 'yes') {
      decided = e;
      decidedAt = i;
      break;
    }
    if (m === 'maybe') maybes.push(e);
  }
  const defaultRule = family === 4 ? NACL_DEFAULT_RULE_IPV4 : NACL_DEFAULT_RULE_IPV6;
  const action = decided?.action ?? 'deny';
  const ruleNumber = decided?.ruleNumber ?? defaultRule;
  let shadowedAllow: NaclEntry | null = null;
  const closestMisses: NaclMiss[] = [];
  if (action === 'deny') {
    for (let i = decidedAt + 1; i < entries.length && decided !== null; i++) {
      const e = entries[i]!;
      if (e.action === 'allow' && matchNaclEntry(e, packet) === 'yes') {
        shadowedAllow = e;
        break;
      }
    }
    for (const e of entries) {
      if (e.action !== 'allow') continue;
      const reason = missReason(e, packet);
      if (reason !== null) closestMisses.push({ entry: e, reason });
    }
    // The same service from another address first (the usual fix), then the same address on other ports.
    const order: Record<NaclMissReason, number> = { address: 0, port: 1, protocol: 2 };
    closestMisses.sort((a, b) => order[a.reason] - order[b.reason]);
    closestMisses.splice(3);
  }
  return {
    aclId: acl.id,
    direction,
    action,
    ruleNumber,
    entry: decided,
    isDefaultRule: ruleNumber === NACL_DEFAULT_RULE_IPV4 || ruleNumber === NACL_DEFAULT_RULE_IPV6 || decided === null,
    undecided: maybes,
    shadowedAllow,
    closestMisses,
  };
}
