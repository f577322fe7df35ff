/**
 * Ports in attribution, and the port classes that let explain evaluate a port scan once per class.
 *
 * Attribution reads a record's TCP/UDP ports in two ways only: it compares them with the port ranges of
 * the interface's own rules (its subnet's network ACL entries, its security groups' rules, ref 4.2 and
 * 5.2), and it asks whether a port is a service port (isServicePort). So two records of one interface
 * that differ only in ports lying in the same elementary intervals of those boundaries get the same
 * decisions, and their explanations differ only where the ports are written. explain caches one
 * attribution per class: it is rendered once with the ports written as slot markers (portText), and
 * each record of the class fills the slots with its own ports.
 */
import type { SnapshotIndex } from '../engine/snapshot-index.js';
import { sgRulesFor } from '../engine/security-group.js';
import type { Eni } from '../model/snapshot.js';

const SERVICE_PORTS = new Set([20, 21, 22, 23, 25, 53, 80, 88, 110, 111, 123, 135, 137, 138, 139, 143, 161, 389, 443, 445, 465, 514, 587, 636, 993, 995, 1433, 1521, 2049, 2379, 3306, 3389, 5432, 5439, 5671, 5672, 5900, 5984, 6379, 6443, 7000, 7001, 8080, 8443, 9042, 9092, 9200, 9300, 11211, 27017]);

/** Ports below 1024 and well-known service ports above it: a flow to one is probably a request. */
export function isServicePort(p: number): boolean {
  return p < 1024 || SERVICE_PORTS.has(p);
}

// ---------------------------------------------------------------------------------------------------------
// Slot rendering

const NONCE = `\uE000${Math.random().toString(36).slice(2, 10)}`;
/** The markers portText writes for the source and destination port while a template is rendered. */
export const SRC_SLOT = `${NONCE}s`;
export const DST_SLOT = `${NONCE}d`;

let slotSrc = -1;
let slotDst = -1;

/** A record's port as explanations write it: the number, or its slot marker while a template is rendered. */
export function portText(port: number): string {
  if (port === slotSrc) return SRC_SLOT;
  if (port === slotDst) return DST_SLOT;
  return String(port);
}

/**
 * Runs `render` with the record's ports written as slots (they must differ, or a slot could not be told
 * from the other). Only the record's own ports reach portText, so every marker in the result is a slot.
 */
export function withPortSlots<T>(srcPort: number, dstPort: number, render: () => T): T {
  if (srcPort === dstPort) throw new Error('withPortSlots: the two ports must differ');
  slotSrc = srcPort;
  slotDst = dstPort;
  try {
    return render();
  } finally {
    slotSrc = -1;
    slotDst = -1;
  }
}

/** A rendered template cut at its slots: `texts[0] slot[0] texts[1] ... texts[n]`; slot 0 = source port. */
export interface SlotTemplate {
  readonly texts: readonly string[];
  readonly slots: readonly (0 | 1)[];
}

export function hasSlots(s: string): boolean {
  return s.includes(NONCE);
}

export function splitSlots(s: string): SlotTemplate {
  const texts: string[] = [];
  const slots: (0 | 1)[] = [];
  let from = 0;
  for (let at = s.indexOf(NONCE); at >= 0; at = s.indexOf(NONCE, from)) {
    texts.push(s.slice(from, at));
    slots.push(s.charCodeAt(at + NONCE.length) === 115 /* s */ ? 0 : 1);
    from = at + NONCE.length + 1;
  }
  texts.push(s.slice(from));
  return { texts, slots };
}

export function fillSlots(t: SlotTemplate, srcPort: number, dstPort: number): string {
  let out = t.texts[0]!;
  for (let i = 0; i < t.slots.length; i++) out += String(t.slots[i] === 0 ? srcPort : dstPort) + t.texts[i + 1]!;
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Port classes

/** Where a port comparison of attribution can change its answer: rule range ends, 1024, service ports. */
const FIXED_BOUNDARIES: readonly number[] = [0, 1024, ...[...SERVICE_PORTS].filter((p) => p >= 1024).flatMap((p) => [p, p + 1])];

/**
 * The sorted, distinct starts of the elementary port intervals of an interface's rules. Computed on each
 * call: RecordExplainer keeps them per interface-id.
 */
export function portBoundaries(index: SnapshotIndex, eni: Eni): Int32Array {
  const cuts = new Set<number>(FIXED_BOUNDARIES);
  // Record ports are 0-65535: boundaries beyond 65536 (a snapshot may hold any number) change nothing.
  const clamp = (p: number) => Math.min(65536, Math.max(0, p));
  const add = (r: { from: number; to: number } | null) => {
    if (r) cuts.add(clamp(r.from)).add(clamp(r.to + 1));
  };
  for (const e of index.naclBySubnet.get(eni.subnetId)?.entries ?? []) add(e.ports);
  for (const d of ['inbound', 'outbound'] as const) for (const r of sgRulesFor(index, eni.groupIds, d)) add(r.ports);
  return Int32Array.from([...cuts].sort((x, y) => x - y));
}

/** The class of a port: the start of the elementary interval holding it. */
export function portClass(boundaries: Int32Array, port: number): number {
  let lo = 0;
  let hi = boundaries.length - 1;
  // The largest boundary <= port (boundaries[0] is 0 and ports are never negative).
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (boundaries[mid]! <= port) lo = mid;
    else hi = mid - 1;
  }
  return boundaries[lo]!;
}
