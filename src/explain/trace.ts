/**
 * The `trace` report: `{reachable, blockedBy, hops, explanation}` (the stable JSON contract) from an
 * evaluated path.
 */
import type { Packet } from '../model/flow.js';
import type { Hop, PathResult } from '../engine/path.js';
import type { SnapshotIndex } from '../engine/snapshot-index.js';
import { describePacket, sentence } from './describe.js';
import { type BlockedBy, blockedByOf, fixFor, hopEvidence, hopId } from './hops.js';

export interface TraceHopJson {
  component: string;
  path: 'forward' | 'return';
  decision: 'allow' | 'deny' | 'skip';
  evidence: string;
  [key: string]: unknown;
}

export interface TraceReport {
  reachable: boolean;
  blockedBy: BlockedBy | null;
  alsoBlockedBy: BlockedBy[];
  hops: TraceHopJson[];
  explanation: string;
  fix: string | null;
  packet: string;
  notes: string[];
}

export interface TraceContext {
  readonly srcLabel: string;
  readonly dstLabel: string;
  /** Set when the source port was not given: the ephemeral port assumed. */
  readonly assumedSrcPort: string | null;
}

function hopJson(hop: Hop, index: SnapshotIndex): TraceHopJson {
  const ids = Object.fromEntries(Object.entries(hopId(hop, index)).filter(([, v]) => v !== undefined));
  return { component: hop.component, ...ids, path: hop.path, decision: hop.decision, evidence: hopEvidence(hop, index) };
}

/** ` acl-0app...`: the resource of a blocking hop, for the list of further blockers. */
function blockerName(h: Hop): string {
  const b = blockedByOf(h, false);
  if (b === null) return '';
  switch (b.component) {
    case 'network-acl':
      return ` ${b.id} rule ${b.rule}`;
    case 'security-group':
      return ` ${b.ids.join(', ')}${h.component === 'security-group' ? ` on ${h.eniId}` : ''}`;
    case 'route':
      return ` ${b.id}`;
    default:
      return '';
  }
}

function legText(leg: 'forward' | 'return'): string {
  return leg === 'forward' ? 'on the way there' : 'on the way back (the response)';
}

export function buildTraceReport(index: SnapshotIndex, result: PathResult, ctx: TraceContext): TraceReport {
  const forward: Packet = result.forward;
  const head = `${describePacket(forward)} from ${ctx.srcLabel} to ${ctx.dstLabel}`;
  const sentences: string[] = [];
  let fix: string | null = null;
  const blocking = result.blockingHop;
  if (!blocking) {
    const counted = result.hops.filter((h) => h.decision === 'allow').length;
    if (result.assumedBeyond !== null) {
      sentences.push(`${head} is reachable as far as the appliance ${result.assumedBeyond}: the ${counted} checks up to it allow it, and beyond it the path is assumed, not evaluated.`);
    } else {
      sentences.push(`${head} is reachable: all ${counted} checks on the path allow it${result.hops.some((h) => h.path === 'return') ? ', and the response gets back' : ''}.`);
    }
    const skipped = result.hops.filter((h) => h.component === 'network-acl' && h.skipped === 'same-subnet');
    if (skipped.length) sentences.push('Both ends are in the same subnet, so network ACLs and routing do not apply; only the security groups filter.');
  } else {
    sentences.push(`${head} is blocked ${legText(blocking.path)}.`);
    // A sentence that starts with an AWS id keeps its case, with its kind in front (Route table rtb-0abc...).
    sentences.push(`${sentence(hopEvidence(blocking, index))}.`);
    if (blocking.path === 'return' && blocking.component === 'network-acl') {
      const untracked = result.hops.some((h) => h.component === 'security-group' && h.path === 'return' && h.untracked === true);
      sentences.push(untracked
        ? 'The request gets through, but network ACLs are stateless: the response needs its own rule; the security groups already allow the response (an untracked flow, judged by their rule for all traffic back).'
        : 'The request gets through, but network ACLs are stateless: the response needs its own rule, and security groups cannot help here because they already let the tracked response pass.');
    }
    // Every blocker's change: fixing the first alone leaves the packet blocked at the next.
    const fixes: string[] = [];
    for (const h of [blocking, ...result.alsoBlocking]) {
      const f = fixFor(h, index);
      if (f && !fixes.includes(f)) fixes.push(f);
    }
    fix = fixes.length === 0 ? null : fixes.length === 1 ? fixes[0]! : fixes.map((f, i) => `(${i + 1}) ${f}`).join('; ');
    if (result.alsoBlocking.length) {
      const also = result.alsoBlocking.map((h) => `${h.component}${'direction' in h ? ` ${h.direction}` : ''}${blockerName(h)} ${legText(h.path)}`);
      sentences.push(`After that, ${also.length === 1 ? 'one more check would also block it' : `${also.length} more checks would also block it`}: ${also.join('; ')}.`);
    }
    if (fix) sentences.push(`Fix: ${fix}.`);
  }
  if (ctx.assumedSrcPort) sentences.push(ctx.assumedSrcPort);
  for (const n of result.notes) sentences.push(sentence(n));
  return {
    reachable: result.reachable,
    blockedBy: blocking ? blockedByOf(blocking, true) : null,
    alsoBlockedBy: result.alsoBlocking.map((h) => blockedByOf(h, true)).filter((b): b is BlockedBy => b !== null),
    hops: result.hops.map((h) => hopJson(h, index)),
    explanation: sentences.join(' '),
    fix,
    packet: describePacket(forward),
    notes: [...result.notes],
  };
}
