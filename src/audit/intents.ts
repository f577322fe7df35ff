/**
 * Intents (issue 16): `must-allow` and `must-deny` statements about connections, checked exactly with the
 * whole-path analysis of reach.ts (forward and return, every hop) and the packet sets of packet-set.ts.
 *
 *   intents:
 *     - name: web reachable from internet
 *       must-allow: { from: internet, to: sg-0web..., protocol: tcp, ports: 443 }
 *
 * A statement describes a set of connections D (from × to × protocol × ports × source ports). must-allow
 * holds iff every connection of D connects with its responses getting back; must-deny iff none does. A
 * failed statement carries one concrete packet of D that tracePath (what `vpcwhy trace` runs) confirms,
 * with the rule that blocks it (must-allow) or the rules that let it through (must-deny). Rules whose peers
 * the snapshot cannot resolve make a statement `undetermined` where they could change the answer: never
 * guessed. docs/intents.md gives the format and the semantics.
 *
 * parseIntents is an edge (yaml text to a document, Either with file:line:column errors); checkIntents is
 * plain TypeScript over a snapshot index.
 */
import { E, type Either } from '../fp.js';
import { LineCounter, type Node, type Pair, type ParsedNode, isMap, isScalar, isSeq, parseDocument } from 'yaml';
import type { Cidr, Family } from '../model/address.js';
import type { Packet } from '../model/flow.js';
import type { Eni } from '../model/snapshot.js';
import type { PathResult } from '../engine/path.js';
import type { SnapshotIndex } from '../engine/snapshot-index.js';
import { type BlockedBy, blockedByOf } from '../explain/hops.js';
import { formatIp, hostCidr, parseCidr, parseIp } from '../net/ip.js';
import { ICMP, ICMPV6, TCP, UDP, hasPorts, parseProtocol, protocolName } from '../net/protocol.js';
import {
  type Interval,
  type PacketSet,
  type SetRow,
  cidrInterval,
  emptySet,
  hasPacket,
  intersect,
  isEmpty,
  mergeIntervals,
  renderSet,
  setOf,
  setOfRow,
  subtract,
  unionAll,
} from '../net/packet-set.js';
import { examplePacket, packetText, pickPacket, tracePacket } from './packet-example.js';
import {
  type AllowedBy,
  type ReachFrom,
  type ReachResult,
  type UnknownRule,
  fromText,
  internetIntervals,
  reach,
  reachDomain,
  reachOut,
  reachOutDestinations,
  reachOutSources,
  intersectIntervals,
  subtractIntervals,
} from './reach.js';

// ---------------------------------------------------------------------------------------------------
// The document

export type IntentKind = 'must-allow' | 'must-deny';

/** One end of a statement as written: resolved against a snapshot by checkIntents. */
export type IntentEnd =
  | { readonly kind: 'internet' }
  | { readonly kind: 'cidr'; readonly cidr: Cidr }
  /** An ENI, security-group or subnet id (or a planned resource's Terraform address). */
  | { readonly kind: 'id'; readonly id: string };

export interface IntentPosition {
  readonly line: number;
  readonly column: number;
}

export interface Intent {
  readonly name: string;
  readonly kind: IntentKind;
  readonly from: IntentEnd;
  readonly to: IntentEnd;
  /** As written (`internet`, `sg-0web...`, `10.0.0.0/8`). */
  readonly fromText: string;
  readonly toText: string;
  /** An IANA protocol number; -1 for all. */
  readonly protocol: number;
  /** Destination ports (TCP/UDP), merged; null for every port. */
  readonly ports: readonly Interval<number>[] | null;
  /** Source (client) ports; default 1024-65535 for must-allow, 0-65535 for must-deny. */
  readonly sourcePorts: readonly Interval<number>[];
  /** Where the list item starts, and where its from and to values are. */
  readonly position: IntentPosition;
  readonly fromPosition: IntentPosition;
  readonly toPosition: IntentPosition;
}

export interface IntentsDocument {
  readonly file: string;
  readonly intents: readonly Intent[];
  /**
   * Values of the configuration unknown until apply (a Terraform plan's), by the model object they belong
   * to: a statement whose paths touch one is undetermined, never decided on a guess.
   */
  readonly unknownValues?: readonly IntentUnknownValue[];
}

export interface IntentUnknownValue {
  /** The group, ACL, table, subnet or interface id. */
  readonly objectId: string;
  /** `aws_security_group.web ingress[0].cidr_blocks[0]`. */
  readonly what: string;
  /** Set when the value matters only to traffic with the internet (an unknown public address). */
  readonly onlyFor?: 'internet';
}

/** A bad intents file: where, and what was expected. */
export interface IntentsParseError {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

export function formatIntentsError(e: IntentsParseError): string {
  return `${e.file}:${e.line}:${e.column}: ${e.message}`;
}

/** The client ports a must-allow statement covers unless it says `source-ports`: Linux, Windows and NAT gateways pick from them (ref 5.4). */
export const CLIENT_PORTS: Interval<number> = { lo: 1024, hi: 65535 };

const STATEMENT_KEYS = ['from', 'to', 'protocol', 'ports', 'source-ports'] as const;
const ITEM_KEYS = ['name', 'must-allow', 'must-deny'] as const;

class Fail extends Error {
  constructor(readonly where: IntentPosition, message: string) {
    super(message);
  }
}

/**
 * Parses an intents file (YAML). Every problem is an error naming the line and column and what was
 * expected; unknown keys are errors (a misspelt `must-alow` never passes silently).
 */
export function parseIntents(text: string, file: string): Either<IntentsParseError, IntentsDocument> {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: true });
  const at = (node: Node | null | undefined): IntentPosition => {
    const offset = (node as ParsedNode | null | undefined)?.range?.[0] ?? 0;
    const p = lineCounter.linePos(offset);
    return { line: p.line, column: p.col };
  };
  const first = doc.errors[0];
  if (first) {
    const p = first.linePos?.[0] ?? { line: 1, col: 1 };
    return E.left({ file, line: p.line, column: p.col, message: `not valid YAML: ${first.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}` });
  }
  try {
    const root = doc.contents;
    if (!isMap(root)) throw new Fail(at(root), 'expected a mapping with the key "intents" (a list of must-allow / must-deny statements)');
    const items = keyed(root.items, ['intents'], 'the top level', at);
    const list = items.get('intents');
    if (!list) throw new Fail(at(root), 'expected the key "intents"');
    if (!isSeq(list.value)) throw new Fail(at(list.value ?? list.key as Node), 'intents: expected a list of statements (- name: ..., must-allow: {...})');
    if (list.value.items.length === 0) throw new Fail(at(list.value), 'intents: the list is empty (nothing to check)');
    const names = new Map<string, number>();
    const intents = list.value.items.map((item, i) => {
      const intent = parseItem(item as Node, i, at);
      const seen = names.get(intent.name);
      if (seen !== undefined) throw new Fail(intent.position, `intents[${i}]: the name "${intent.name}" is used twice (first at line ${seen}); names identify statements in findings`);
      names.set(intent.name, intent.position.line);
      return intent;
    });
    return E.right({ file, intents });
  } catch (e) {
    if (e instanceof Fail) return E.left({ file, line: e.where.line, column: e.where.column, message: e.message });
    throw e;
  }
}

/** The pairs of a mapping by key; a key not in `allowed` or not a plain string is an error. */
function keyed(pairs: readonly Pair[], allowed: readonly string[], where: string, at: (n: Node | null | undefined) => IntentPosition): Map<string, Pair<Node, Node | null>> {
  const out = new Map<string, Pair<Node, Node | null>>();
  for (const pair of pairs as Pair<Node, Node | null>[]) {
    const key = isScalar(pair.key) ? pair.key.value : undefined;
    if (typeof key !== 'string' || !allowed.includes(key)) {
      throw new Fail(at(pair.key), `${where}: unknown key ${JSON.stringify(isScalar(pair.key) ? pair.key.value : String(pair.key))} (expected ${allowed.join(', ')})`);
    }
    out.set(key, pair);
  }
  return out;
}

function scalarText(node: Node | null, what: string, at: (n: Node | null | undefined) => IntentPosition, parent: Node): string {
  if (node === null || !isScalar(node) || (typeof node.value !== 'string' && typeof node.value !== 'number') || String(node.value).trim() === '') {
    throw new Fail(at(node ?? parent), `${what}: expected ${what.endsWith('name') ? 'a non-empty text' : 'a value'}, got ${describeNode(node)}`);
  }
  return String(node.value).trim();
}

function describeNode(node: Node | null): string {
  if (node === null) return 'nothing';
  if (isMap(node)) return 'a mapping';
  if (isSeq(node)) return 'a list';
  if (isScalar(node)) return node.value === null ? 'nothing' : JSON.stringify(node.value);
  return 'something else';
}

function parseItem(item: Node, i: number, at: (n: Node | null | undefined) => IntentPosition): Intent {
  const where = `intents[${i}]`;
  if (!isMap(item)) throw new Fail(at(item), `${where}: expected a mapping with name and must-allow or must-deny, got ${describeNode(item)}`);
  const keys = keyed(item.items, ITEM_KEYS, where, at);
  const nameNode = keys.get('name');
  if (!nameNode) throw new Fail(at(item), `${where}: expected a name (name: ...)`);
  const name = scalarText(nameNode.value, `${where}.name`, at, nameNode.key);
  const allow = keys.get('must-allow');
  const deny = keys.get('must-deny');
  if (allow && deny) throw new Fail(at(deny.key), `${where} ("${name}"): expected one of must-allow or must-deny, not both (write two statements)`);
  const stmt = allow ?? deny;
  if (!stmt) throw new Fail(at(item), `${where} ("${name}"): expected must-allow or must-deny`);
  const kind: IntentKind = allow ? 'must-allow' : 'must-deny';
  const sw = `${where}.${kind}`;
  const body = stmt.value;
  if (body === null || !isMap(body)) throw new Fail(at(body ?? stmt.key), `${sw}: expected a mapping { from, to, protocol, ports }, got ${describeNode(body)}`);
  const fields = keyed(body.items, STATEMENT_KEYS, sw, at);
  const need = (k: string): Pair<Node, Node | null> => {
    const p = fields.get(k);
    if (!p) throw new Fail(at(body), `${sw}: expected ${k}`);
    return p;
  };
  const fromPair = need('from');
  const toPair = need('to');
  const protoPair = need('protocol');
  const fromTextV = scalarText(fromPair.value, `${sw}.from`, at, fromPair.key);
  const toTextV = scalarText(toPair.value, `${sw}.to`, at, toPair.key);
  const from = parseEnd(fromTextV, `${sw}.from`, at(fromPair.value));
  const to = parseEnd(toTextV, `${sw}.to`, at(toPair.value));
  if (from.kind === 'internet' && to.kind === 'internet') throw new Fail(at(toPair.value), `${sw}: from and to are both the internet; one end must be in the snapshot`);
  const protoText = scalarText(protoPair.value, `${sw}.protocol`, at, protoPair.key).toLowerCase();
  const protocol = protoText === 'all' || protoText === '-1' ? -1 : parseProtocol(protoText);
  if (protocol === null) throw new Fail(at(protoPair.value), `${sw}.protocol: expected tcp, udp, icmp, icmpv6, all or a protocol number 0-255, got ${JSON.stringify(protoText)}`);
  const portsPair = fields.get('ports');
  const srcPair = fields.get('source-ports');
  for (const [k, p] of [['ports', portsPair], ['source-ports', srcPair]] as const) {
    if (p && !hasPorts(protocol)) {
      throw new Fail(at(p.key), `${sw}.${k}: ports apply to tcp and udp only (protocol is ${protocol === -1 ? 'all' : protocolName(protocol)})`);
    }
  }
  const ports = portsPair ? parsePorts(portsPair.value, `${sw}.ports`, at, portsPair.key) : null;
  const sourcePorts = srcPair ? parsePorts(srcPair.value, `${sw}.source-ports`, at, srcPair.key) : [kind === 'must-allow' ? CLIENT_PORTS : { lo: 0, hi: 65535 }];
  return {
    name,
    kind,
    from,
    to,
    fromText: fromTextV,
    toText: toTextV,
    protocol,
    ports,
    sourcePorts,
    position: at(item),
    fromPosition: at(fromPair.value),
    toPosition: at(toPair.value),
  };
}

function parseEnd(text: string, where: string, pos: IntentPosition): IntentEnd {
  if (text === 'internet') return { kind: 'internet' };
  if (/^[0-9a-f:.]+(\/\d+)?$/i.test(text) && (text.includes('.') || text.includes(':'))) {
    const ip = text.includes('/') ? null : parseIp(text);
    const cidr = ip ? hostCidr(ip) : parseCidr(text);
    if (!cidr) throw new Fail(pos, `${where}: ${JSON.stringify(text)} is not a valid address or CIDR`);
    return { kind: 'cidr', cidr };
  }
  if (/^(eni|sg|subnet)-[0-9a-z]+$/i.test(text) || /^[a-z0-9_]+(\.[A-Za-z0-9_\-[\]"]+)+$/.test(text)) return { kind: 'id', id: text };
  throw new Fail(pos, `${where}: expected internet, a CIDR or address, an ENI id (eni-...), a security group id (sg-...) or a subnet id (subnet-...), got ${JSON.stringify(text)}`);
}

function parsePorts(node: Node | null, where: string, at: (n: Node | null | undefined) => IntentPosition, parent: Node): Interval<number>[] {
  const one = (n: Node | null): Interval<number> => {
    const v = n !== null && isScalar(n) ? n.value : undefined;
    const m = typeof v === 'number' ? /^(\d+)$/.exec(String(v)) : typeof v === 'string' ? /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(v) : null;
    const lo = m ? Number(m[1]) : NaN;
    const hi = m ? Number(m[2] ?? m[1]) : NaN;
    if (!m || lo > 65535 || hi > 65535 || lo > hi) {
      throw new Fail(at(n ?? parent), `${where}: expected a port 0-65535, a range "N-M" or a list of them, got ${describeNode(n)}`);
    }
    return { lo, hi };
  };
  if (node !== null && isSeq(node)) {
    if (node.items.length === 0) throw new Fail(at(node), `${where}: the list is empty (leave ports out for every port)`);
    return mergeIntervals(node.items.map((n) => one(n as Node)));
  }
  return [one(node)];
}

// ---------------------------------------------------------------------------------------------------
// Checking

export type IntentStatus = 'passed' | 'failed' | 'undetermined';

/** A concrete packet of the statement's set that tracePath confirms as a counterexample. */
export interface IntentCounterexample {
  readonly packet: Packet;
  /** The interface the connection is to or from (an end inside the snapshot). */
  readonly eniId: string;
  /** tracePath's answer for the packet: unreachable for a must-allow, reachable for a must-deny. */
  readonly trace: PathResult;
  /** must-allow: the first hop that denies it (trace's blockedBy, with its path leg). */
  readonly blockedBy: BlockedBy | null;
  /** must-deny: the rules that let it through (groups first, then network ACLs, in path order). */
  readonly allowedBy: readonly AllowedBy[];
  /** The `vpcwhy trace` command that shows it. */
  readonly traceCommand: string;
}

export interface IntentOutcome {
  readonly intent: Intent;
  readonly status: IntentStatus;
  /** A sentence rendered from the evidence below. */
  readonly message: string;
  /** Failed: one packet that trace confirms (absent only when the statement describes no connection at all). */
  readonly counterexample?: IntentCounterexample;
  /** The connections of the statement that break it (must-allow: not admitted; must-deny: admitted), as rows. */
  readonly violating: readonly SetRow[];
  /** Rules whose peers the snapshot cannot resolve, on the checked paths. */
  readonly unknown: readonly UnknownRule[];
  /** The assumptions of the traced paths (trace's notes). */
  readonly notes: readonly string[];
  /** How many connections-sets (source, interface) pairs were checked; 0 when the statement describes none. */
  readonly pairsChecked: number;
}

/** A statement names something the snapshot does not have: bad input (exit 2), with its place in the file. */
export class IntentReferenceError extends Error {
  constructor(readonly file: string, readonly position: IntentPosition, message: string) {
    super(`${file}:${position.line}:${position.column}: ${message}`);
  }
}

interface ResolvedEnd {
  /** Interfaces (to: targets; from: senders). */
  readonly enis: readonly Eni[];
  /** from: the sources as reach reads them (one per interface of a group). */
  readonly sources: readonly ReachFrom[];
  /** to: destinations outside the snapshot, per family (the internet, a CIDR's outside part). */
  readonly outside: Readonly<Record<Family, readonly Interval<bigint>[]>> | null;
  /** to a CIDR: destinations restricted to it. */
  readonly within: Cidr | null;
}

function eniHasAddressIn(eni: Eni, c: Cidr): boolean {
  const iv = cidrInterval(c);
  const inside = (v: bigint) => iv.lo <= v && v <= iv.hi;
  const ips = c.family === 4 ? [...eni.privateIps, ...eni.publicIps.map((p) => p.publicIp)] : eni.ipv6Addresses;
  const prefixes = c.family === 4 ? eni.ipv4Prefixes : eni.ipv6Prefixes;
  return ips.some((ip) => ip.family === c.family && inside(BigInt(ip.value))) || prefixes.some((p) => {
    const x = cidrInterval(p);
    return x.lo <= iv.hi && iv.lo <= x.hi;
  });
}

function resolveEnd(index: SnapshotIndex, file: string, intent: Intent, side: 'from' | 'to'): ResolvedEnd {
  const end = side === 'from' ? intent.from : intent.to;
  const pos = side === 'from' ? intent.fromPosition : intent.toPosition;
  const none = { 4: [], 6: [] };
  switch (end.kind) {
    case 'internet':
      return { enis: [], sources: [{ kind: 'internet' }], outside: side === 'to' ? { 4: internetIntervals(index, 4), 6: internetIntervals(index, 6) } : null, within: null };
    case 'cidr': {
      const enis = index.snapshot.enis.filter((e) => eniHasAddressIn(e, end.cidr));
      const iv = cidrInterval(end.cidr);
      return { enis, sources: [{ kind: 'cidr', cidr: end.cidr }], outside: side === 'to' ? { ...none, [end.cidr.family]: [iv] } : null, within: end.cidr };
    }
    case 'id': {
      const eni = index.eniById.get(end.id);
      if (eni) return { enis: [eni], sources: [{ kind: 'eni', eniId: eni.id }], outside: null, within: null };
      if (index.groupById.has(end.id)) {
        const enis = index.snapshot.enis.filter((e) => e.groupIds.includes(end.id));
        return { enis, sources: enis.map((e) => ({ kind: 'eni', eniId: e.id })), outside: null, within: null };
      }
      if (index.subnetById.has(end.id)) {
        const enis = index.snapshot.enis.filter((e) => e.subnetId === end.id);
        return { enis, sources: [{ kind: 'subnet', subnetId: end.id }], outside: null, within: null };
      }
      throw new IntentReferenceError(file, pos, `${side}: no network interface, security group or subnet ${end.id} in the snapshot`);
    }
  }
}

/** The statement's protocol, destination ports and source ports, for every address. */
function serviceSet(intent: Intent, family: Family): PacketSet {
  const protocols = intent.protocol === -1 ? undefined : { lo: intent.protocol, hi: intent.protocol };
  if ((intent.protocol === ICMP && family === 6) || (intent.protocol === ICMPV6 && family === 4)) return emptySet(family);
  const parts: PacketSet[] = [];
  for (const src of intent.sourcePorts) {
    for (const dst of intent.ports ?? [{ lo: 0, hi: 65535 }]) {
      parts.push(setOf(family, { ...(protocols ? { protocols } : {}), srcPorts: src, dstPorts: dst }));
    }
  }
  return unionAll(family, parts);
}

function product(family: Family, srcs: readonly Interval<bigint>[], dsts: readonly Interval<bigint>[]): PacketSet {
  const parts: PacketSet[] = [];
  for (const src of srcs) for (const dst of dsts) parts.push(setOf(family, { src, dst }));
  return unionAll(family, parts);
}

/** One piece of a statement: the connections from one source to one interface (or to the outside), and reach's answer for them. */
interface Piece {
  readonly eniId: string;
  readonly result: ReachResult;
  readonly described: Readonly<Record<Family, PacketSet>>;
}

/**
 * The addresses AWS reserves in every subnet, which no host has and so no connection comes from: the
 * first four and the last of each subnet block (network, router, DNS, future use, broadcast; ref 3).
 */
function reservedAddresses(index: SnapshotIndex, family: Family): Interval<bigint>[] {
  const out: Interval<bigint>[] = [];
  for (const s of index.snapshot.subnets) {
    for (const c of family === 4 ? (s.cidr4 ? [s.cidr4] : []) : s.cidrs6) {
      if (c.family !== family) continue;
      const iv = cidrInterval(c);
      out.push({ lo: iv.lo, hi: iv.lo + 3n > iv.hi ? iv.hi : iv.lo + 3n }, { lo: iv.hi, hi: iv.hi });
    }
  }
  return out;
}

function hull(ports: readonly Interval<number>[] | null): Interval<number> | undefined {
  if (ports === null || ports.length === 0) return undefined;
  return { lo: Math.min(...ports.map((p) => p.lo)), hi: Math.max(...ports.map((p) => p.hi)) };
}

function pieces(index: SnapshotIndex, file: string, intent: Intent, cache: Map<string, ReachResult>): Piece[] {
  const from = resolveEnd(index, file, intent, 'from');
  const to = resolveEnd(index, file, intent, 'to');
  const ports = hull(intent.ports);
  // must-deny judges requests that arrive (a one-way packet that gets in breaks it); must-allow, connections.
  const q = { protocol: intent.protocol, ...(ports ? { ports } : {}), forwardOnly: intent.kind === 'must-deny' };
  const memo = (key: string, run: () => ReachResult): ReachResult => {
    let r = cache.get(key);
    if (!r) cache.set(key, (r = run()));
    return r;
  };
  const out: Piece[] = [];
  const service = { 4: serviceSet(intent, 4), 6: serviceSet(intent, 6) };
  const reserved = { 4: reservedAddresses(index, 4), 6: reservedAddresses(index, 6) };
  for (const source of from.sources) {
    const sourceKey = JSON.stringify(source, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
    for (const target of to.enis) {
      if (source.kind === 'eni' && source.eniId === target.id) continue;
      const result = memo(`in|${target.id}|${sourceKey}|${JSON.stringify(q)}`, () => reach(index, { to: target.id, from: source, ...q }));
      const described = { 4: emptySet(4), 6: emptySet(6) } as Record<Family, PacketSet>;
      for (const family of [4, 6] as const) {
        const d = reachDomain(index, target, source, family);
        // reach cuts its sources at the internet's edges: internet sources address the public addresses
        // (and IPv6). Anyone else addresses the private ones; a public address only when `to` names it.
        const sources = subtractIntervals(d.sources, reserved[family], family);
        const internetPart = intersectIntervals(sources, d.internet);
        const otherPart = subtractIntervals(sources, d.internet, family);
        const privateSide = to.within || family === 6 ? d.otherDestinations : subtractIntervals(d.otherDestinations, d.internetDestinations, family);
        let set = unionAll(family, [product(family, internetPart, d.internetDestinations), product(family, otherPart, privateSide)]);
        if (to.within) set = to.within.family === family ? intersect(set, setOf(family, { dst: cidrInterval(to.within) })) : emptySet(family);
        described[family] = intersect(set, service[family]);
      }
      if (!isEmpty(described[4]) || !isEmpty(described[6])) out.push({ eniId: target.id, result, described });
    }
    if (to.outside && source.kind !== 'internet') {
      const outside = to.outside;
      const senders = (f: Family) => reachOutSources(index, source, f);
      if (senders(4).length === 0 && senders(6).length === 0) continue;
      const result = memo(`out|${intent.toText}|${sourceKey}|${JSON.stringify(q)}`, () => reachOut(index, { from: source, to: outside, toText: intent.toText, ...q }));
      const described = { 4: emptySet(4), 6: emptySet(6) } as Record<Family, PacketSet>;
      for (const family of [4, 6] as const) {
        described[family] = intersect(product(family, subtractIntervals(senders(family), reserved[family], family), reachOutDestinations(index, outside[family], family)), service[family]);
      }
      const eniId = source.kind === 'eni' ? source.eniId : fromText(source);
      if (!isEmpty(described[4]) || !isEmpty(described[6])) out.push({ eniId, result, described });
    }
  }
  return out;
}


const outcomes = new WeakMap<SnapshotIndex, WeakMap<IntentsDocument, readonly IntentOutcome[]>>();

/**
 * Checks every statement of `doc` against the snapshot, exactly: an outcome per statement, in file order.
 * Throws IntentReferenceError when a statement names an interface, group or subnet the snapshot lacks.
 * Cached per index and document (the audit rule and the renderers share one run).
 */
export function checkIntents(index: SnapshotIndex, doc: IntentsDocument): readonly IntentOutcome[] {
  let byDoc = outcomes.get(index);
  if (!byDoc) outcomes.set(index, (byDoc = new WeakMap()));
  const hit = byDoc.get(doc);
  if (hit) return hit;
  const cache = new Map<string, ReachResult>();
  const out = doc.intents.map((intent): IntentOutcome => {
    const { pieces: _pieces, ...outcome } = checkIntent(index, doc.file, intent, cache, doc.unknownValues ?? []);
    return outcome;
  });
  byDoc.set(doc, out);
  return out;
}

function unique<T>(xs: readonly T[], key: (x: T) => string): T[] {
  const seen = new Set<string>();
  return xs.filter((x) => {
    const k = key(x);
    return seen.has(k) ? false : (seen.add(k), true);
  });
}

/** The groups, subnets, ACLs and route tables on the paths of a statement's pieces, and its interfaces. */
function objectsTouched(index: SnapshotIndex, intent: Intent, ps: readonly Piece[]): Set<string> {
  const out = new Set<string>();
  const addEni = (eni: Eni | undefined) => {
    if (!eni) return;
    out.add(eni.id);
    for (const g of eni.groupIds) out.add(g);
    addSubnet(eni.subnetId);
  };
  const addSubnet = (id: string) => {
    out.add(id);
    const acl = index.naclBySubnet.get(id);
    if (acl) out.add(acl.id);
    const rt = index.routeTableBySubnet.get(id);
    if (rt) out.add(rt.id);
  };
  for (const p of ps) {
    addEni(index.eniById.get(p.eniId));
    const src = p.result.from;
    addEni(index.eniById.get(src));
    if (index.subnetById.has(src)) addSubnet(src);
  }
  for (const end of [intent.from, intent.to]) {
    if (end.kind !== 'id') continue;
    out.add(end.id);
    for (const e of index.snapshot.enis) if (e.id === end.id || e.groupIds.includes(end.id) || e.subnetId === end.id) addEni(e);
  }
  return out;
}

/** An outcome with the pieces it was decided on. */
type Decided = IntentOutcome & { readonly pieces: readonly Piece[] };

function checkIntent(index: SnapshotIndex, file: string, intent: Intent, cache: Map<string, ReachResult>, unknownValues: readonly IntentUnknownValue[]): Decided {
  const decided = decide(index, file, intent, cache);
  if (unknownValues.length === 0 || decided.status === 'undetermined') return decided;
  const touched = objectsTouched(index, intent, decided.pieces);
  const internet = intent.from.kind === 'internet' || intent.to.kind === 'internet';
  const hit = unknownValues.filter((u) => touched.has(u.objectId) && (u.onlyFor !== 'internet' || internet));
  if (hit.length === 0) return decided;
  const shown = hit.slice(0, 5).map((u) => u.what).join('; ');
  const message = `undetermined: unknown until apply on its paths: ${shown}${hit.length > 5 ? ` and ${hit.length - 5} more` : ''}. By what is known, it ${decided.status === 'passed' ? 'holds' : 'fails'}: ${decided.message.replace(/^(holds|fails): /, '')}`;
  return { ...decided, status: 'undetermined', message };
}

function decide(index: SnapshotIndex, file: string, intent: Intent, cache: Map<string, ReachResult>): Decided {
  const ps = pieces(index, file, intent, cache);
  const unknown = unique(ps.flatMap((p) => p.result.unknown), (u) => `${u.groupId}|${u.rule}`);
  const notes = unique(ps.flatMap((p) => p.result.notes), (n) => n);
  const base = { intent, unknown, notes, pairsChecked: ps.length, pieces: ps };
  const violations = ps.map((p) => {
    const bad = (f: Family) => (intent.kind === 'must-allow' ? subtract(p.described[f], p.result.sets[f]) : intersect(p.described[f], p.result.sets[f]));
    return { piece: p, sets: { 4: bad(4), 6: bad(6) } as Record<Family, PacketSet> };
  });
  const violating = violations.flatMap((v) => [...renderSet(v.sets[4]), ...renderSet(v.sets[6])]);
  const unknownText = unknown.length === 0 ? '' : ` ${unknown.length} rule${unknown.length === 1 ? '' : 's'} on the way could not be evaluated (${unknown.map((u) => `${u.groupId} rule ${u.rule}: ${u.reason}`).join('; ')}).`;
  if (ps.length === 0) {
    const why = `describes no connection: ${noConnectionReason(index, intent)}`;
    if (intent.kind === 'must-deny') return { ...base, status: 'passed', message: `holds: the statement ${why}, so nothing of it can get through.`, violating };
    return { ...base, status: 'failed', message: `fails: the statement ${why}.`, violating };
  }
  const first = violations.find((v) => !isEmpty(v.sets[4]) || !isEmpty(v.sets[6]));
  const what = serviceText(intent);
  if (!first) {
    if (intent.kind === 'must-deny' && unknown.length > 0) {
      return { ...base, status: 'undetermined', message: `undetermined: no ${what} request from ${intent.fromText} arrives at ${intent.toText} by the rules the snapshot resolves, but${unknownText.replace(/\.$/, '')}, and they may let some through.`, violating };
    }
    const message = intent.kind === 'must-allow'
      ? `holds: every ${what} connection from ${intent.fromText} to ${intent.toText} gets through and its responses get back (${plural(ps.length, 'source and destination pair')} checked).`
      : `holds: no ${what} request from ${intent.fromText} arrives at ${intent.toText} (${plural(ps.length, 'source and destination pair')} checked).`;
    return { ...base, status: 'passed', message, violating };
  }
  const counterexample = confirm(index, intent, first.piece, first.sets);
  const status: IntentStatus = intent.kind === 'must-allow' && unknown.length > 0 ? 'undetermined' : 'failed';
  const c = counterexample;
  let message: string;
  if (intent.kind === 'must-allow') {
    const leg = c.trace.blockingHop?.path === 'return' ? 'its response is blocked by' : 'it is blocked by';
    message = `${status === 'failed' ? 'fails' : 'undetermined'}: ${packetText(c.packet)} is not let through: ${leg} ${c.blockedBy ? blockedByText(c.blockedBy) : 'the path (no single rule)'}.`;
    if (status === 'undetermined') message += `${unknownText} They may admit it.`;
  } else {
    const rules = c.allowedBy.length > 0 ? c.allowedBy.map(allowedByText).join(', ') : 'no filtering rule (interfaces without groups, same subnet)';
    const returned = c.trace.reachable ? '' : ' (its response does not get back, but the request arrives)';
    message = `fails: ${packetText(c.packet)} arrives${returned}, let through by ${rules}.`;
  }
  const more = violating.length > 1 ? ` ${plural(violating.length, 'row')} of such packets in all: ${violating.slice(0, 3).map(rowText).join('; ')}${violating.length > 3 ? '; ...' : ''}.` : '';
  return { ...base, status, message: `${message}${more} Confirm with: ${c.traceCommand}`, counterexample, violating };
}

function noConnectionReason(index: SnapshotIndex, intent: Intent): string {
  const to = intent.to;
  if (intent.from.kind === 'internet' && to.kind === 'id') return `nothing on the internet can address ${intent.toText} (no interface there has a public IPv4 or an IPv6 address)`;
  if (to.kind === 'id' && (index.groupById.has(to.id) || index.subnetById.has(to.id))) return `${intent.toText} has no network interfaces in the snapshot`;
  if (intent.from.kind === 'id' && index.groupById.has(intent.from.id)) return `${intent.fromText} has no network interfaces in the snapshot`;
  return `no address of ${intent.fromText} can send to an address of ${intent.toText} that this snapshot holds or routes outside`;
}

/** A packet of `sets` that tracePath confirms: blocked for a must-allow, arriving for a must-deny. */
function confirm(index: SnapshotIndex, intent: Intent, piece: Piece, sets: Record<Family, PacketSet>): IntentCounterexample {
  const candidates: Packet[] = [];
  for (const family of [4, 6] as const) {
    if (isEmpty(sets[family])) continue;
    // TCP reads best, then UDP, then ICMP (of `all traffic`, protocol 0 is the first box).
    for (const p of [TCP, UDP, family === 4 ? ICMP : ICMPV6]) {
      const some = intersect(sets[family], setOf(family, { protocols: { lo: p, hi: p } }));
      if (!isEmpty(some)) candidates.push(examplePacket(some));
    }
    candidates.push(examplePacket(sets[family]));
    for (const x of sets[family].boxes.slice(0, 8)) candidates.push(pickPacket(family, x));
  }
  for (const packet of candidates) {
    let trace: PathResult;
    try {
      trace = tracePacket(index, packet);
    } catch {
      continue;
    }
    const arrives = !trace.hops.some((h) => h.path === 'forward' && h.decision === 'deny');
    if (intent.kind === 'must-allow' ? trace.reachable : !arrives) continue;
    const row = piece.result.allowed.find((r) => r.family === packet.src.family && hasPacket(setOfRow(r), packet));
    return {
      packet,
      eniId: piece.eniId,
      trace,
      blockedBy: intent.kind === 'must-allow' && trace.blockingHop ? blockedByOf(trace.blockingHop, true) : null,
      allowedBy: intent.kind === 'must-deny' ? (row?.allowedBy ?? []) : [],
      traceCommand: traceCommand(packet),
    };
  }
  // reach and trace agree on every packet (test/properties/reach.test.ts): this is a vpcwhy defect.
  throw new Error(`intent "${intent.name}": the exact analysis finds packets that break it (${renderSet(sets[4]).concat(renderSet(sets[6])).slice(0, 3).map(rowText).join('; ')}), but trace disagrees on every packet tried (${candidates.map(packetText).join('; ')}): please report this as a vpcwhy bug`);
}

/** `vpcwhy trace` arguments that trace the packet (with the same --snapshot). */
export function traceCommand(p: Packet): string {
  const proto = p.protocol === TCP ? 'tcp' : p.protocol === UDP ? 'udp' : p.protocol === ICMP ? 'icmp' : p.protocol === ICMPV6 ? 'icmpv6' : String(p.protocol);
  const ports = p.dstPort !== null ? ` --port ${p.dstPort}${p.srcPort !== null ? ` --src-port ${p.srcPort}` : ''}` : '';
  const icmp = p.icmpType !== null ? ` --icmp-type ${p.icmpType} --icmp-code ${p.icmpCode ?? 0}` : '';
  return `vpcwhy trace --from ${formatIp(p.src)} --to ${formatIp(p.dst)} --protocol ${proto}${ports}${icmp}`;
}

function plural(n: number, one: string): string {
  return `${n} ${one}${n === 1 ? '' : 's'}`;
}

function rangesText(xs: readonly Interval<number>[]): string {
  return xs.map((x) => (x.lo === x.hi ? `${x.lo}` : `${x.lo}-${x.hi}`)).join(',');
}

/** `tcp/443`, `udp/53,123`, `all traffic`, `icmp`. */
export function serviceText(intent: Intent): string {
  if (intent.protocol === -1) return 'all-traffic';
  const name = protocolName(intent.protocol);
  return intent.ports === null ? name : `${name}/${rangesText(intent.ports)}`;
}

function blockedByText(b: BlockedBy): string {
  const leg = b.path === 'return' ? ' (return path)' : '';
  switch (b.component) {
    case 'network-acl':
      return `network ACL ${b.id} ${b.direction} rule ${b.rule === 32767 || b.rule === 32768 ? `* (${b.rule})` : b.rule}${leg}`;
    case 'security-group':
      return `security group${b.ids.length === 1 ? '' : 's'} ${b.ids.join(', ')} ${b.direction} (no rule allows it)${leg}`;
    case 'route':
      return `route table ${b.id} (${b.reason})${leg}`;
    case 'block-public-access':
      return `VPC block public access ${b.direction}${leg}`;
  }
}

function allowedByText(b: AllowedBy): string {
  return `${b.component === 'security-group' ? 'security group' : 'network ACL'} ${b.id} ${b.direction} rule ${b.rule}`;
}

function rowText(r: SetRow): string {
  const proto = r.protocol === -1 ? 'all traffic' : protocolName(r.protocol);
  const ports = r.ports === null ? '' : `/${r.ports.map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`)).join(',')}`;
  const list = (xs: readonly string[]) => (xs.length <= 3 ? xs.join(', ') : `${xs.slice(0, 2).join(', ')} and ${xs.length - 2} more`);
  const client = r.srcPorts === null || (r.srcPorts.length === 1 && r.srcPorts[0]![0] === 0 && r.srcPorts[0]![1] === 65535) ? '' : ` (source ports ${r.srcPorts.map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`)).join(',')})`;
  return `${proto}${ports} from ${list(r.sources)} to ${list(r.destinations)}${client}`;
}

/** A statement as JSON (the intents file's own words, with its line). */
export function intentJson(i: Intent): Record<string, unknown> {
  return {
    name: i.name,
    kind: i.kind,
    from: i.fromText,
    to: i.toText,
    protocol: i.protocol === -1 ? 'all' : protocolName(i.protocol),
    ports: i.ports === null ? null : i.ports.map((p) => [p.lo, p.hi]),
    sourcePorts: i.sourcePorts.map((p) => [p.lo, p.hi]),
    line: i.position.line,
  };
}

/** An outcome as JSON: the statement, its status and message, and the counterexample with its evidence. */
export function intentOutcomeJson(o: IntentOutcome): Record<string, unknown> {
  const c = o.counterexample;
  return {
    intent: intentJson(o.intent),
    status: o.status,
    message: o.message,
    ...(c
      ? {
          counterexample: {
            src: formatIp(c.packet.src),
            dst: formatIp(c.packet.dst),
            protocol: c.packet.protocol,
            ...(c.packet.srcPort !== null ? { srcPort: c.packet.srcPort, dstPort: c.packet.dstPort } : {}),
            ...(c.packet.icmpType !== null ? { icmpType: c.packet.icmpType, icmpCode: c.packet.icmpCode } : {}),
            reachable: c.trace.reachable,
            ...(c.blockedBy ? { blockedBy: c.blockedBy } : {}),
            ...(o.intent.kind === 'must-deny' ? { allowedBy: c.allowedBy } : {}),
            trace: c.traceCommand,
          },
        }
      : {}),
    violating: o.violating.slice(0, 20),
    ...(o.violating.length > 20 ? { violatingRows: o.violating.length } : {}),
    unknown: o.unknown,
    notes: o.notes,
  };
}
