/**
 * Generated snapshots (vpcwhy/testing's snapshotArb) opened up so that properties meet their interesting
 * cases often enough: as drawn, with every NACL allowing all first, with the groups allowing all too, or
 * with groups and the inbound NACL direction open but the outbound as drawn (requests that arrive and
 * whose responses may be dropped).
 */
import fc from 'fast-check';
import type { Direction, NaclEntry, SgRule, Snapshot } from '../../src/model/snapshot.js';
import { parseCidr } from '../../src/net/ip.js';
import { type SnapshotArbOptions, snapshotArb } from '../../src/testing/index.js';

export type Opening = 'as-drawn' | 'open-nacls' | 'open-all' | 'open-inbound';

const SRC = { file: 'generated', path: '$' };
const OPEN = ['0.0.0.0/0', '::/0'].map((t) => parseCidr(t)!);

export function opened(snapshot: Snapshot, how: Opening): Snapshot {
  if (how === 'as-drawn') return snapshot;
  const naclDirections: Direction[] = how === 'open-inbound' ? ['inbound'] : ['inbound', 'outbound'];
  const first = (direction: Direction): NaclEntry[] => OPEN.map((cidr, i) => ({ ruleNumber: 1 + i, action: 'allow', direction, protocol: -1, cidr, ports: null, icmp: null, source: SRC }));
  const networkAcls = snapshot.networkAcls.map((a) => ({ ...a, entries: [...naclDirections.flatMap(first), ...a.entries] }));
  if (how === 'open-nacls') return { ...snapshot, networkAcls };
  const allow = (groupId: string, direction: Direction): SgRule[] => OPEN.map((cidr) => ({ groupId, direction, protocol: -1, ports: null, icmp: null, peer: { kind: 'cidr', cidr }, source: SRC }));
  const securityGroups = snapshot.securityGroups.map((g) => ({ ...g, inbound: [...g.inbound, ...allow(g.id, 'inbound')], outbound: [...g.outbound, ...allow(g.id, 'outbound')] }));
  return { ...snapshot, networkAcls, securityGroups };
}

export function openedSnapshotArb(options: SnapshotArbOptions): fc.Arbitrary<Snapshot> {
  return fc.tuple(snapshotArb(options), fc.constantFrom<Opening>('as-drawn', 'open-nacls', 'open-all', 'open-inbound')).map(([s, how]) => opened(s, how));
}
