/**
 * `vpcwhy diff` (issue 16): what a change of configuration changes, exactly, per network interface.
 *
 * For every interface of either side, the set of connections that reach it (reach.ts with `--from any`:
 * groups, network ACLs both ways, routes, gateways, public addresses; a connection counts when its
 * responses get back) is computed before and after. "Newly allowed" is after ∖ before, "newly denied" is
 * before ∖ after: exact packet sets, never samples. An interface present on one side only admits nothing on
 * the other, so all it admits is newly allowed (added) or newly denied (removed).
 *
 * Rules responsible: a newly allowed row is split by the rules that let it through after (exact, from the
 * reach rows); a newly denied row by the rules that let it through before (exact), and carries one example
 * packet of the row traced under the after configuration with what blocks it there (the example's blocker:
 * other packets of the row may be blocked by another rule, see docs/diff.md).
 *
 * Connections between interfaces of the snapshot are counted once, at the interface connected to. What an
 * interface may open to addresses outside every VPC of both sides (the internet, on-premises networks) is
 * the `outbound` part, computed by reachOutbound with the same machinery.
 */
import type { Family } from '../model/address.js';
import type { Packet } from '../model/flow.js';
import type { PlanUnknown } from '../iac/terraform-plan.js';
import type { SnapshotIndex } from '../engine/snapshot-index.js';
import type { BlockedBy } from '../explain/hops.js';
import { traceVerdict } from '../explain/replay.js';
import {
  type PacketSet,
  type SetRow,
  emptySet,
  intersect,
  isEmpty,
  normalize,
  protocolKind,
  renderSet,
  setOfRow,
  subtract,
  unionAll,
} from '../net/packet-set.js';
import { type AllowedBy, type ReachResult, type UnknownRule, reach, reachOutbound } from './reach.js';
import { type Intent, type IntentOutcome, type IntentsDocument, IntentReferenceError, checkIntents } from './intents.js';

/** Which way a row's connections go, as seen from the interface: connected to (inbound) or opened by it to outside addresses (outbound). */
export type DiffDirection = 'inbound' | 'outbound';

/** One packet of a newly denied row, traced under the after configuration. */
export interface DiffExample {
  readonly packet: Packet;
  /** The first hop that blocks it after (trace's blockedBy); null when the trace says it connects (see `note`). */
  readonly blockedBy: BlockedBy | null;
  readonly note: string | null;
}

export interface DiffRow extends SetRow {
  readonly direction: DiffDirection;
  /**
   * Newly allowed rows: the rules that let these packets through after. Newly denied rows: the rules that
   * let them through before. Groups first, then network ACLs, in path order (as reach lists them).
   */
  readonly allowedBy: readonly AllowedBy[];
  /** Newly denied rows only: one of the row's packets and what blocks it after. */
  readonly example?: DiffExample;
}

export type EniChange = 'changed' | 'added' | 'removed';

/**
 * A row of the shortest rendering of a direction's newly allowed or newly denied set (renderSet of the
 * whole set), with every rule of the exact rows it overlaps: what the text output shows. Exact as a set;
 * the rules are the union over its parts (the exact rows say which part each rule lets through).
 */
export interface MergedRow extends SetRow {
  readonly direction: DiffDirection;
  readonly rules: readonly AllowedBy[];
  readonly example?: DiffExample;
}

export interface EniDiff {
  readonly eniId: string;
  readonly change: EniChange;
  readonly newlyAllowed: readonly DiffRow[];
  readonly newlyDenied: readonly DiffRow[];
  /** The same sets in fewest rows (for reading), each with the rules of the exact rows it overlaps. */
  readonly merged: { readonly newlyAllowed: readonly MergedRow[]; readonly newlyDenied: readonly MergedRow[] };
  /** The exact sets, per family, both directions together (for callers that test membership). */
  readonly sets: { readonly newlyAllowed: Readonly<Record<Family, PacketSet>>; readonly newlyDenied: Readonly<Record<Family, PacketSet>> };
}

/** A value the analysis could not evaluate: listed, never guessed. */
export type DiffUnknown =
  | ({ readonly kind: 'plan-value'; readonly side: 'after' } & Pick<PlanUnknown, 'address' | 'attribute' | 'objectId' | 'consequence' | 'origin'>)
  | ({ readonly kind: 'rule-peer'; readonly side: 'before' | 'after'; readonly eniId: string } & UnknownRule);

export interface DiffResult {
  /** Interfaces whose connections change, in id order (unchanged ones are left out). */
  readonly enis: readonly EniDiff[];
  /** How many interfaces were compared (on either side). */
  readonly compared: number;
  readonly unknowns: readonly DiffUnknown[];
  /** The assumptions the traced paths rest on (trace's notes), once each. */
  readonly notes: readonly string[];
}

/**
 * Options of a diff, the hook other inputs plug into: `planUnknowns` (the values a Terraform or
 * CloudFormation layer leaves unknown, listed in `unknowns`) and `interfaces` (restrict the diff). Checks
 * that want both indexes and the result (intents, `--intents` on diff) run after it in cli/diff.ts runDiff.
 */
export interface DiffOptions {
  /** Only these interfaces (ids); all interfaces of either side otherwise. */
  readonly interfaces?: readonly string[];
  /** Values unknown until apply in the after side (planUnknownsOf of the after index). */
  readonly planUnknowns?: readonly PlanUnknown[];
  /** Leave out the outbound part (connections to addresses outside every VPC). Default false. */
  readonly inboundOnly?: boolean;
}

interface Side {
  readonly inbound: ReachResult | null;
  readonly outbound: ReachResult | null;
}

function sideOf(index: SnapshotIndex, eniId: string, outsideOf: readonly SnapshotIndex[], inboundOnly: boolean): Side {
  if (!index.eniById.has(eniId)) return { inbound: null, outbound: null };
  return {
    inbound: reach(index, { to: eniId, from: { kind: 'any' } }),
    outbound: inboundOnly ? null : reachOutbound(index, eniId, outsideOf),
  };
}

const labelKey = (by: readonly AllowedBy[]): string => by.map((b) => `${b.component}|${b.id}|${b.direction}|${b.rule}`).join(';');

/** The parts of a reach answer (one per list of rules that let them through), of one family. */
function labelledSets(r: ReachResult | null, family: Family): { by: readonly AllowedBy[]; set: PacketSet }[] {
  return (r?.parts ?? []).filter((p) => p.family === family);
}

const setOf = (r: ReachResult | null, family: Family): PacketSet => (r === null ? emptySet(family) : r.sets[family]);

/** `set` split by the labelled sets of `by`, rendered as rows. */
function rowsOf(set: PacketSet, by: { by: readonly AllowedBy[]; set: PacketSet }[], direction: DiffDirection): { row: DiffRow; set: PacketSet }[] {
  const out: { row: DiffRow; set: PacketSet }[] = [];
  if (isEmpty(set)) return out;
  let rest = set;
  for (const g of by) {
    const part = normalize(intersect(rest, g.set));
    if (isEmpty(part)) continue;
    rest = subtract(rest, part);
    for (const row of renderSet(part)) out.push({ row: { ...row, direction, allowedBy: g.by }, set: setOfRow(row) });
  }
  // Every packet of a reach answer lies in one of its rows: nothing is left, but never drop it if it were.
  for (const row of renderSet(normalize(rest))) out.push({ row: { ...row, direction, allowedBy: [] }, set: setOfRow(row) });
  return out;
}

/** A packet of the set: the first box's lowest addresses, a client port in the ephemeral range when the box has one. */
export function examplePacket(set: PacketSet): Packet | null {
  const x = set.boxes[0];
  if (!x) return null;
  const ip = (v: bigint) => (set.family === 4 ? { family: 4 as const, value: Number(v) } : { family: 6 as const, value: v });
  const kind = protocolKind(x.p0);
  const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);
  return {
    protocol: x.p0,
    src: ip(x.s0),
    dst: ip(x.d0),
    srcPort: kind === 'ports' ? clamp(49152, x.a0, x.a1) : null,
    dstPort: kind === 'ports' ? x.b0 : null,
    icmpType: kind === 'icmp' ? x.a0 : null,
    icmpCode: kind === 'icmp' ? x.b0 : null,
  };
}

/** Traces a packet under `index` and names its first blocking hop. */
export function traceExample(index: SnapshotIndex, packet: Packet): DiffExample {
  const t = traceVerdict(index, packet);
  if (t.reachable === null) return { packet, blockedBy: null, note: t.message };
  if (t.blockedBy) return { packet, blockedBy: t.blockedBy, note: null };
  return {
    packet,
    blockedBy: null,
    note: t.reachable
      ? 'trace connects this packet after the change: its source or destination is no longer a host the analysis counts (an interface or subnet was removed or readdressed)'
      : 'blocked after the change by a hop without a rule to name',
  };
}

/** `set` in fewest rows, each with the rules (and the first example) of the exact rows it overlaps. */
function merge(set: PacketSet, exact: readonly { row: DiffRow; set: PacketSet }[], direction: DiffDirection): MergedRow[] {
  return renderSet(set).map((row) => {
    const mine = setOfRow(row);
    const parts = exact.filter((e) => !isEmpty(intersect(e.set, mine)));
    const rules = new Map<string, AllowedBy>();
    for (const p of parts) for (const b of p.row.allowedBy) rules.set(labelKey([b]), b);
    const ordered = [...rules.values()].sort((x, y) => (x.component === y.component ? 0 : x.component === 'security-group' ? -1 : 1));
    const example = parts.find((p) => p.row.example)?.row.example;
    return { ...row, direction, rules: ordered, ...(example ? { example } : {}) };
  });
}

function familyRows(
  before: Side,
  after: Side,
  family: Family,
  afterIndex: SnapshotIndex,
): { allowed: DiffRow[]; denied: DiffRow[]; mergedAllowed: MergedRow[]; mergedDenied: MergedRow[]; allowedSet: PacketSet; deniedSet: PacketSet } {
  const allowed: DiffRow[] = [];
  const denied: DiffRow[] = [];
  const mergedAllowed: MergedRow[] = [];
  const mergedDenied: MergedRow[] = [];
  const allowedSets: PacketSet[] = [];
  const deniedSets: PacketSet[] = [];
  for (const direction of ['inbound', 'outbound'] as const) {
    const b = before[direction];
    const a = after[direction];
    const was = setOf(b, family);
    const now = setOf(a, family);
    const gained = normalize(subtract(now, was));
    const lost = normalize(subtract(was, now));
    allowedSets.push(gained);
    deniedSets.push(lost);
    if (isEmpty(gained) && isEmpty(lost)) continue;
    const gainedRows = rowsOf(gained, labelledSets(a, family), direction);
    allowed.push(...gainedRows.map((r) => r.row));
    mergedAllowed.push(...merge(gained, gainedRows, direction));
    const lostRows = rowsOf(lost, labelledSets(b, family), direction).map(({ row, set }) => {
      const p = examplePacket(set);
      return { row: p === null ? row : { ...row, example: traceExample(afterIndex, p) }, set };
    });
    denied.push(...lostRows.map((r) => r.row));
    mergedDenied.push(...merge(lost, lostRows, direction));
  }
  return { allowed, denied, mergedAllowed, mergedDenied, allowedSet: unionAll(family, allowedSets), deniedSet: unionAll(family, deniedSets) };
}

/** The exact newly allowed and newly denied connections of every interface, `before` to `after`. */
export function diffSnapshots(before: SnapshotIndex, after: SnapshotIndex, opts: DiffOptions = {}): DiffResult {
  const ids = opts.interfaces
    ? [...new Set(opts.interfaces)]
    : [...new Set([...before.snapshot.enis.map((e) => e.id), ...after.snapshot.enis.map((e) => e.id)])];
  ids.sort();
  const both = [before, after];
  const enis: EniDiff[] = [];
  const unknowns = new Map<string, DiffUnknown>();
  const notes = new Set<string>();
  for (const eniId of ids) {
    const b = sideOf(before, eniId, both, opts.inboundOnly ?? false);
    const a = sideOf(after, eniId, both, opts.inboundOnly ?? false);
    for (const [side, s] of [['before', b], ['after', a]] as const) {
      for (const r of [s.inbound, s.outbound]) {
        if (r === null) continue;
        for (const n of r.notes) notes.add(n);
        for (const u of r.unknown) unknowns.set(`${side}|${eniId}|${u.groupId}|${u.rule}`, { kind: 'rule-peer', side, eniId, ...u });
      }
    }
    const change: EniChange = !before.eniById.has(eniId) ? 'added' : !after.eniById.has(eniId) ? 'removed' : 'changed';
    const newlyAllowed: DiffRow[] = [];
    const newlyDenied: DiffRow[] = [];
    const merged = { newlyAllowed: [] as MergedRow[], newlyDenied: [] as MergedRow[] };
    const sets = { newlyAllowed: { 4: emptySet(4), 6: emptySet(6) } as Record<Family, PacketSet>, newlyDenied: { 4: emptySet(4), 6: emptySet(6) } as Record<Family, PacketSet> };
    for (const family of [4, 6] as const) {
      const f = familyRows(b, a, family, after);
      newlyAllowed.push(...f.allowed);
      newlyDenied.push(...f.denied);
      merged.newlyAllowed.push(...f.mergedAllowed);
      merged.newlyDenied.push(...f.mergedDenied);
      sets.newlyAllowed[family] = f.allowedSet;
      sets.newlyDenied[family] = f.deniedSet;
    }
    if (change === 'changed' && newlyAllowed.length === 0 && newlyDenied.length === 0) continue;
    if (!before.eniById.has(eniId) && !after.eniById.has(eniId)) continue;
    enis.push({ eniId, change, newlyAllowed, newlyDenied, merged, sets });
  }
  const plan: DiffUnknown[] = (opts.planUnknowns ?? []).map((u) => ({ kind: 'plan-value', side: 'after', address: u.address, attribute: u.attribute, objectId: u.objectId, consequence: u.consequence, ...(u.origin !== undefined ? { origin: u.origin } : {}) }));
  return { enis, compared: ids.length, unknowns: [...plan, ...unknowns.values()], notes: [...notes] };
}

/** True when some connection that worked before is denied after (the exit-1 condition of a diff without logs). */
export function diffBreaks(d: DiffResult): boolean {
  return d.enis.some((e) => e.newlyDenied.length > 0);
}

// ---------------------------------------------------------------------------------------------------------
// Intents under the change (`vpcwhy diff --intents FILE`)

/**
 * What the change does to one statement: `broken` (it held before and fails after), `failing` (it fails
 * after and did not hold before), `fixed` (it failed before and holds after), `held` (it holds after and did
 * not fail before), `undetermined` (after, a value unknown until apply or a peer the snapshot cannot resolve
 * decides it, or the after configuration lacks what it names).
 */
export type IntentChangeKind = 'broken' | 'failing' | 'fixed' | 'held' | 'undetermined';

export interface IntentChange {
  readonly intent: Intent;
  /** Null when that configuration lacks what the statement names (an interface only on the other side). */
  readonly before: IntentOutcome | null;
  readonly after: IntentOutcome | null;
  readonly change: IntentChangeKind;
}

/** One statement on one side: its outcome, or null when the side lacks what it names. */
function intentOn(index: SnapshotIndex, doc: IntentsDocument, i: number): IntentOutcome | IntentReferenceError {
  try {
    return checkIntents(index, { ...doc, intents: [doc.intents[i]!] })[0]!;
  } catch (e) {
    if (e instanceof IntentReferenceError) return e;
    throw e;
  }
}

function changeOf(before: IntentOutcome | null, after: IntentOutcome | null): IntentChangeKind {
  if (after === null || after.status === 'undetermined') return 'undetermined';
  if (after.status === 'failed') return before?.status === 'passed' ? 'broken' : 'failing';
  return before?.status === 'failed' ? 'fixed' : 'held';
}

/**
 * Every statement checked exactly under both configurations (checkIntents). The two documents are the same
 * statements with ids mapped per side (Terraform addresses name planned resources only after). A statement
 * that names what neither side has is an IntentReferenceError, thrown.
 */
export function diffIntents(before: SnapshotIndex, beforeDoc: IntentsDocument, after: SnapshotIndex, afterDoc: IntentsDocument): IntentChange[] {
  return afterDoc.intents.map((intent, i) => {
    const b = intentOn(before, beforeDoc, i);
    const a = intentOn(after, afterDoc, i);
    if (b instanceof IntentReferenceError && a instanceof IntentReferenceError) throw a;
    const bo = b instanceof IntentReferenceError ? null : b;
    const ao = a instanceof IntentReferenceError ? null : a;
    return { intent, before: bo, after: ao, change: changeOf(bo, ao) };
  });
}

/** The exit-1 condition of the intents: a statement that held before fails after. */
export function intentsBroken(changes: readonly IntentChange[]): boolean {
  return changes.some((c) => c.change === 'broken');
}
