/**
 * Helpers for property tests over a user's real snapshot (issue 16, `vpcwhy/testing`): load it, ask what
 * reaches an interface (reach, src/audit/reach.ts, unchanged), assert that nothing does with a concrete
 * counterexample packet that tracePath confirms, ask whether one NACL direction or one interface's groups
 * admit a packet (admit.ts), and list the services the groups offer whose responses the subnet's NACL
 * drops. Everything is exact: the helpers never sample, they read the packet-set answers.
 */
import { type AllowedBy, type ReachQuery, type ReachResult, reach } from '../audit/reach.js';
import { type NaclAdmission, naclAdmits, sgAdmits } from '../audit/admit.js';
import { formatSnapshotLoadError, loadSnapshot } from '../aws/load-snapshot.js';
import { evaluateNacl } from '../engine/nacl.js';
import type { Hop, PathResult } from '../engine/path.js';
import { type SnapshotIndex, indexSnapshot } from '../engine/snapshot-index.js';
import type { Family, Ip } from '../model/address.js';
import type { Packet } from '../model/flow.js';
import type { Direction, Eni, NaclEntry, NetworkAcl, SgRule, Snapshot } from '../model/snapshot.js';
import { formatIp, parseIp } from '../net/ip.js';
import {
  type Box,
  type PacketSet,
  type SetRow,
  cidrInterval,
  hasPacket,
  intersect,
  isEmpty,
  mirror,
  protocolKind,
  renderSet,
  setOf,
  setOfRow,
  subtract,
  unionAll,
} from '../net/packet-set.js';
import { protocolName, TCP, UDP } from '../net/protocol.js';
import { emptySnapshotMessage, isEmptySnapshot } from '../trace.js';
import { examplePacket, packetText, pickPacket, tracePacket } from '../audit/packet-example.js';
import { type PacketSpec, type PortSpec, type ProtocolSpec, type SourceSpec, fail, parseCidrOrAddress, parsePortSpec, parseProtocolSpec, parseSource, toPacket } from './inputs.js';

export { examplePacket, packetText };

// ---------------------------------------------------------------------------------------------------
// Loading

export interface LoadForTestsOptions {
  /** Throw when the snapshot loads with warnings (a rule vpcwhy could not read never matches). Default false. */
  readonly failOnWarnings?: boolean;
}

/**
 * Loads `aws ec2 describe-*` JSON files or directories and indexes them, for tests: every problem is
 * thrown as an Error whose message names the file, the JSON path and what was expected; a snapshot with
 * no interfaces, groups, NACLs or route tables (a wrong path) is an error too.
 */
export async function loadSnapshotForTests(paths: string | readonly string[], options: LoadForTestsOptions = {}): Promise<SnapshotIndex> {
  const list = typeof paths === 'string' ? [paths] : [...paths];
  if (list.length === 0) fail('loadSnapshotForTests', 'no path given (files or directories of `aws ec2 describe-*` JSON)');
  const result = await loadSnapshot(list)();
  if (result._tag === 'Left') throw new Error(`vpcwhy/testing loadSnapshotForTests: ${formatSnapshotLoadError(result.left)}`);
  const s = result.right;
  if (isEmptySnapshot(s)) fail('loadSnapshotForTests', emptySnapshotMessage(list, 'are these `aws ec2 describe-*` outputs?'));
  if (options.failOnWarnings && s.warnings.length > 0) {
    const lines = s.warnings.map((w) => `  ${w.source.file}: ${w.source.path ? `${w.source.path}: ` : ''}${w.message}`);
    fail('loadSnapshotForTests', `${s.warnings.length} warning${s.warnings.length === 1 ? '' : 's'} (failOnWarnings):\n${lines.join('\n')}`);
  }
  return indexSnapshot(s);
}

/** Indexes a snapshot built in code (by the arbitraries of this module, say). */
export function indexForTests(snapshot: Snapshot): SnapshotIndex {
  return indexSnapshot(snapshot);
}

// ---------------------------------------------------------------------------------------------------
// reachableFrom

export interface ReachableFromQuery {
  /** The network interface connected to. */
  readonly to: string;
  /** Default `internet`. */
  readonly from?: SourceSpec;
  /** Default all protocols. */
  readonly protocol?: ProtocolSpec;
  /** Destination ports (TCP/UDP). */
  readonly port?: PortSpec;
}

function reachQuery(index: SnapshotIndex, q: { to: string; from?: SourceSpec; protocol?: ProtocolSpec; port?: PortSpec }, where: string): ReachQuery {
  if (!index.eniById.has(q.to)) fail(where, `to: no network interface ${q.to} in the snapshot`);
  const protocol = parseProtocolSpec(q.protocol, where);
  const ports = parsePortSpec(q.port, protocol, where);
  return { to: q.to, from: parseSource(index, q.from ?? 'internet', where), protocol, ...(ports ? { ports } : {}) };
}

/** The exact set of connections from `from` that reach `to` and whose responses get back: reach's ReachResult. */
export function reachableFrom(index: SnapshotIndex, query: ReachableFromQuery): ReachResult {
  return reach(index, reachQuery(index, query, 'reachableFrom'));
}

// ---------------------------------------------------------------------------------------------------
// assertNeverReachable

export interface NeverReachableQuery {
  readonly from: SourceSpec;
  /** Sources left out of `from`: CIDRs or addresses (`'10.0.0.0/8'` for "from outside 10.0.0.0/8"). */
  readonly except?: string | readonly string[];
  /** One interface, every interface of the snapshot (`'any-eni'`), or those a predicate picks. */
  readonly to: string | 'any-eni' | ((eni: Eni) => boolean);
  readonly protocol?: ProtocolSpec;
  readonly port?: PortSpec;
}

/** A connection that reaches an interface, confirmed by tracePath. */
export interface Counterexample {
  readonly eniId: string;
  readonly packet: Packet;
  /** The rules the connection passes (reach's row for it). */
  readonly allowedBy: readonly AllowedBy[];
  /** The trace of the packet: reachable, with its hops. */
  readonly trace: PathResult;
  /** Every connection from the sources that reaches this interface, as rows (exact). */
  readonly rows: readonly SetRow[];
}

export class ReachableError extends Error {
  override readonly name = 'ReachableError';
  constructor(
    message: string,
    readonly counterexample: Counterexample,
    /** Every interface reached, the counterexample's first. */
    readonly reached: readonly string[],
  ) {
    super(message);
  }
}

/** The target interfaces of a query, in snapshot order. */
function targetsOf(index: SnapshotIndex, to: NeverReachableQuery['to'], where: string): Eni[] {
  if (typeof to === 'function') return index.snapshot.enis.filter(to);
  if (to === 'any-eni') return [...index.snapshot.enis];
  const eni = index.eniById.get(to);
  if (!eni) fail(where, `to: no network interface ${to} in the snapshot (an ENI id, 'any-eni' or a predicate)`);
  return [eni];
}

/** Traces a packet between the endpoints its addresses resolve to (as `vpcwhy trace --from A --to B`). */
export function traceOfPacket(index: SnapshotIndex, packet: Packet): PathResult {
  try {
    return tracePacket(index, packet);
  } catch (e) {
    return fail('traceOfPacket', (e as Error).message);
  }
}

function allowedByText(b: AllowedBy): string {
  return `${b.component === 'security-group' ? 'security group' : 'network ACL'} ${b.id} ${b.direction} rule ${b.rule}`;
}

function listText(xs: readonly string[]): string {
  return xs.length <= 4 ? xs.join(', ') : `${xs.slice(0, 3).join(', ')} and ${xs.length - 3} more CIDRs`;
}

function rowText(r: SetRow): string {
  const proto = r.protocol === -1 ? 'all traffic' : protocolName(r.protocol);
  const ports = r.ports === null ? '' : `/${r.ports.map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`)).join(',')}`;
  const client = r.srcPorts === null || (r.srcPorts.length === 1 && r.srcPorts[0]![0] === 0 && r.srcPorts[0]![1] === 65535) ? '' : ` (client ports ${r.srcPorts.map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`)).join(',')})`;
  return `${proto}${ports} from ${listText(r.sources)} to ${listText(r.destinations)}${client}`;
}

/** A group rule as reach names it: its `sgr-` id, else its position in the group's rules of its direction. */
export function sgRuleLabel(index: SnapshotIndex, r: SgRule): string | number {
  if (r.ruleId !== undefined) return r.ruleId;
  const g = index.groupById.get(r.groupId);
  return g ? (r.direction === 'inbound' ? g.inbound : g.outbound).indexOf(r) : '?';
}

function hopText(index: SnapshotIndex, h: Hop): string | null {
  if (h.decision !== 'allow') return null;
  if (h.component === 'security-group' && h.sg && h.sg.matched.length > 0) {
    return `${h.path} ${h.direction}: security group ${h.sg.matched.map((r) => `${r.groupId} rule ${sgRuleLabel(index, r)}`).join(', ')}`;
  }
  if (h.component === 'network-acl' && h.nacl) return `${h.path} ${h.direction}: network ACL ${h.nacl.aclId} rule ${h.nacl.ruleNumber}`;
  return null;
}

/**
 * Throws a ReachableError when some connection from `from` (less `except`) reaches a target interface
 * with its responses getting back (reach, exact); its message names one concrete packet, confirmed
 * reachable by tracePath, and the rules that let it through. Returns nothing when none does.
 */
export function assertNeverReachable(index: SnapshotIndex, query: NeverReachableQuery): void {
  const where = 'assertNeverReachable';
  const from = query.from;
  const except = (typeof query.except === 'string' ? [query.except] : (query.except ?? [])).map((t) => {
    const c = parseCidrOrAddress(t.trim());
    if (!c) fail(where, `except: expected CIDRs or addresses, got "${t}"`);
    return c;
  });
  const targets = targetsOf(index, query.to, where);
  const found: { eni: Eni; result: ReachResult; sets: Record<Family, PacketSet> }[] = [];
  for (const eni of targets) {
    const result = reach(index, reachQuery(index, { to: eni.id, from, ...(query.protocol !== undefined ? { protocol: query.protocol } : {}), ...(query.port !== undefined ? { port: query.port } : {}) }, where));
    const sets = { 4: result.sets[4], 6: result.sets[6] };
    for (const family of [4, 6] as const) {
      const out = unionAll(family, except.filter((c) => c.family === family).map((c) => setOf(family, { src: cidrInterval(c) })));
      sets[family] = subtract(sets[family], out);
    }
    if (!isEmpty(sets[4]) || !isEmpty(sets[6])) found.push({ eni, result, sets });
  }
  if (found.length === 0) return;
  const first = found[0]!;
  const counterexample = confirm(index, first.eni, first.result, first.sets);
  const what = `${query.protocol === undefined || query.protocol === 'all' ? 'traffic' : typeof query.protocol === 'number' ? protocolName(query.protocol) : query.protocol}${query.port === undefined ? '' : `/${Array.isArray(query.port) ? query.port.join('-') : String(query.port)}`}`;
  const fromText = `${from}${except.length ? ` (except ${except.map((c) => c.text).join(', ')})` : ''}`;
  const label = first.eni.name ?? (first.eni.instanceId ? index.instanceNameById.get(first.eni.instanceId) : undefined);
  const name = label ? ` (${label})` : '';
  const lines = [
    `expected no ${what} from ${fromText} to reach ${typeof query.to === 'string' ? query.to : 'the selected interfaces'}, but ${first.eni.id}${name} is reached:`,
    `  counterexample: ${packetText(counterexample.packet)} (confirmed reachable by trace)`,
    `  allowed by: ${counterexample.allowedBy.map(allowedByText).join('; ') || '(no filtering rule: interfaces without groups, same subnet)'}`,
    `  trace: ${counterexample.trace.hops.map((h) => hopText(index, h)).filter((t) => t !== null).join('; ') || 'no filtering hop'}`,
    `  every such connection to ${first.eni.id}: ${counterexample.rows.slice(0, 5).map(rowText).join('; ')}${counterexample.rows.length > 5 ? `; ... (${counterexample.rows.length - 5} more rows)` : ''}`,
  ];
  if (found.length > 1) lines.push(`  also reached: ${found.slice(1).map((f) => f.eni.id).join(', ')}`);
  throw new ReachableError(lines.join('\n'), counterexample, found.map((f) => f.eni.id));
}

/** A packet of the reached set that trace confirms, with the row naming its rules. */
function confirm(index: SnapshotIndex, eni: Eni, result: ReachResult, sets: Record<Family, PacketSet>): Counterexample {
  const rows = [...renderSet(sets[4]), ...renderSet(sets[6])];
  const candidates: Packet[] = [];
  for (const family of [4, 6] as const) {
    if (isEmpty(sets[family])) continue;
    candidates.push(examplePacket(sets[family]));
    for (const x of sets[family].boxes.slice(0, 8)) candidates.push(pickPacket(family, x));
  }
  for (const packet of candidates) {
    const trace = traceOfPacket(index, packet);
    if (!trace.reachable) continue;
    const row = result.allowed.find((r) => r.family === packet.src.family && hasPacket(setOfRow(r), packet));
    return { eniId: eni.id, packet, allowedBy: row?.allowedBy ?? [], trace, rows };
  }
  // reach and trace agree on every packet (test/properties/reach.test.ts); this is a vpcwhy defect.
  fail('assertNeverReachable', `reach says ${eni.id} is reached (${rows.slice(0, 3).map(rowText).join('; ')}), but trace blocks every packet tried (${candidates.map(packetText).join('; ')}): please report this as a vpcwhy bug`);
}

// ---------------------------------------------------------------------------------------------------
// admits

export type AdmitsTarget =
  /** One direction of a network ACL, by its id or by a subnet it is associated with. */
  | { readonly nacl: string; readonly direction: Direction }
  /** The security groups of an interface, in one direction (the packet's addresses are not checked against the interface's). */
  | { readonly eni: string; readonly direction: Direction }
  /** A list of security groups, in one direction. */
  | { readonly groups: readonly string[]; readonly direction: Direction };

export type AdmitsAnswer =
  | {
      readonly component: 'network-acl';
      readonly admitted: boolean;
      readonly aclId: string;
      /** The entry that decides (first match); null when the implicit `*` rule does. */
      readonly entry: NaclEntry | null;
      /** The deciding rule number (32767 / 32768 for `*`). */
      readonly ruleNumber: number;
    }
  | {
      readonly component: 'security-group';
      readonly admitted: boolean;
      /** The first rule (group order, then rule order) that admits the packet; null when none does or there are no groups. */
      readonly rule: SgRule | null;
      /** The interface has no security groups: nothing is filtered. */
      readonly noGroups: boolean;
      /** Rules whose peer the snapshot cannot resolve and that might admit the packet (never counted as admitting). */
      readonly unknown: readonly SgRule[];
    };

function aclOf(index: SnapshotIndex, ref: string, where: string): NetworkAcl {
  const acl = index.naclById.get(ref) ?? index.naclBySubnet.get(ref);
  if (acl) return acl;
  if (ref.startsWith('subnet-') && index.subnetById.has(ref)) fail(where, `nacl: the snapshot has no network ACL associated with ${ref}`);
  return fail(where, `nacl: no network ACL or subnet ${ref} in the snapshot`);
}

function checkDirection(d: unknown, where: string): Direction {
  if (d !== 'inbound' && d !== 'outbound') fail(where, `direction: expected inbound or outbound, got ${JSON.stringify(d)}`);
  return d;
}

/**
 * Whether one NACL direction, or the security groups of an interface (or a list of groups) in one
 * direction, admit a packet, from the exact admitted sets of src/audit/admit.ts, with the entry or rule
 * that decides. Inbound the packet's source is the peer, outbound its destination.
 */
export function admits(index: SnapshotIndex, target: AdmitsTarget, packetIn: PacketSpec | Packet): AdmitsAnswer {
  const where = 'admits';
  const packet = toPacket(packetIn, where);
  const direction = checkDirection(target.direction, where);
  const family = packet.src.family;
  if ('nacl' in target) {
    const acl = aclOf(index, target.nacl, where);
    const admission = naclAdmits(acl, direction, family);
    const piece = admission.pieces.find((p) => hasPacket(p.set, packet));
    if (piece) return { component: 'network-acl', admitted: true, aclId: acl.id, entry: piece.entry, ruleNumber: piece.entry.ruleNumber };
    const d = evaluateNacl(acl, direction, packet);
    return { component: 'network-acl', admitted: false, aclId: acl.id, entry: d.entry, ruleNumber: d.ruleNumber };
  }
  let groupIds: readonly string[];
  if ('eni' in target) {
    const eni = index.eniById.get(target.eni);
    if (!eni) fail(where, `eni: no network interface ${target.eni} in the snapshot`);
    groupIds = eni.groupIds;
  } else groupIds = target.groups;
  const admission = sgAdmits(index, groupIds, direction, family);
  const unknown = admission.unknown.filter((u) => hasPacket(u.upTo, packet)).map((u) => u.rule);
  if (admission.noGroups) return { component: 'security-group', admitted: true, rule: null, noGroups: true, unknown };
  const piece = admission.pieces.find((p) => hasPacket(p.set, packet));
  return { component: 'security-group', admitted: piece !== undefined, rule: piece?.rule ?? null, noGroups: false, unknown };
}

// ---------------------------------------------------------------------------------------------------
// Return paths

/** The ports a client picks for a connection: 1024-65535 covers Linux, Windows and NAT gateways (ref 5.4). */
export const EPHEMERAL_PORTS = { lo: 1024, hi: 65535 } as const;

export interface ReturnPathProblem {
  readonly eniId: string;
  readonly subnetId: string;
  readonly aclId: string;
  readonly family: Family;
  /**
   * Exact, in the requests' coordinates: the TCP/UDP requests from outside the subnet, to this interface's
   * addresses, from a client port in 1024-65535, that the interface's groups and the subnet's inbound NACL
   * admit and whose response (same ports swapped) the subnet's outbound NACL denies.
   */
  readonly requests: PacketSet;
  /** `requests` as rows (CIDRs and ports; `srcPorts` are the client ports whose responses are denied). */
  readonly rows: readonly SetRow[];
  /** One request of the set, its response, and the rules deciding them. */
  readonly example: {
    readonly request: Packet;
    readonly response: Packet;
    /** The group rule admitting the request. */
    readonly admittedBy: SgRule;
    /** The outbound NACL entry denying the response (null: the `*` rule, `deniedByRule` 32767 / 32768). */
    readonly deniedBy: NaclEntry | null;
    readonly deniedByRule: number;
  };
}

export interface ReturnPathOptions {
  /**
   * Also count requests the subnet's inbound NACL denies (the groups alone decide what a service is).
   * Default false: a request the inbound NACL drops never gets an answer to lose.
   */
  readonly ignoreInboundNacl?: boolean;
}

/** Addresses no packet on the wire comes from: this network, loopback, multicast and reserved (IPv4 224/3 with the broadcast); unspecified, loopback and multicast (IPv6). */
export const NO_SENDERS: Readonly<Record<Family, readonly string[]>> = {
  4: ['0.0.0.0/8', '127.0.0.0/8', '224.0.0.0/3'],
  6: ['::/128', '::1/128', 'ff00::/8'],
};

function cidrIv(text: string) {
  return cidrInterval(parseCidrOrAddress(text)!);
}

function eniAddressSet(eni: Eni, family: Family): PacketSet {
  const ivs = family === 4
    ? [...eni.privateIps.map((ip) => ({ lo: BigInt(ip.value), hi: BigInt(ip.value) })), ...eni.ipv4Prefixes.map(cidrInterval)]
    : [...eni.ipv6Addresses.map((ip) => ({ lo: BigInt(ip.value), hi: BigInt(ip.value) })), ...eni.ipv6Prefixes.map(cidrInterval)];
  return unionAll(family, ivs.map((dst) => setOf(family, { dst })));
}

/**
 * For every interface with security groups, the TCP/UDP services its groups admit from outside its
 * subnet whose responses the subnet's outbound NACL denies (for some client port in 1024-65535): exact
 * (packet sets, no sampling), so every problem listed holds a real request whose response is dropped, and
 * an empty list means every such request gets its response past the NACL. What it does not look at:
 * interfaces without groups (NAT gateways), subnets without a NACL in the snapshot, ICMP and other
 * protocols, routing, and the far end's own NACL. A request counts only if the subnet's inbound NACL
 * admits it too (unless `ignoreInboundNacl`).
 */
export function returnPathProblems(index: SnapshotIndex, options: ReturnPathOptions = {}): ReturnPathProblem[] {
  const problems: ReturnPathProblem[] = [];
  for (const eni of index.snapshot.enis) {
    if (eni.groupIds.length === 0) continue;
    const acl = index.naclBySubnet.get(eni.subnetId);
    const subnet = index.subnetById.get(eni.subnetId);
    if (!acl || !subnet) continue;
    for (const family of [4, 6] as const) {
      const dsts = eniAddressSet(eni, family);
      if (isEmpty(dsts)) continue;
      const subnetBlocks = (family === 4 ? (subnet.cidr4 ? [subnet.cidr4] : []) : subnet.cidrs6).map(cidrInterval);
      const inside = unionAll(family, [...subnetBlocks, ...NO_SENDERS[family].map(cidrIv)].map((src) => setOf(family, { src })));
      const services = unionAll(family, [TCP, UDP].map((p) => setOf(family, { protocols: { lo: p, hi: p }, srcPorts: EPHEMERAL_PORTS })));
      const sg = sgAdmits(index, eni.groupIds, 'inbound', family);
      let requests = subtract(intersect(intersect(sg.allowed, services), dsts), inside);
      if (!options.ignoreInboundNacl) requests = intersect(requests, naclAdmits(acl, 'inbound', family).allowed);
      const out: NaclAdmission = naclAdmits(acl, 'outbound', family);
      // A request whose mirror (the response) the outbound NACL does not admit.
      const denied = subtract(requests, mirror(out.allowed));
      if (isEmpty(denied)) continue;
      const request = examplePacket(denied);
      const response: Packet = { ...request, src: request.dst, dst: request.src, srcPort: request.dstPort, dstPort: request.srcPort };
      const admittedBy = sg.pieces.find((p) => hasPacket(p.set, request))!.rule;
      const d = evaluateNacl(acl, 'outbound', response);
      problems.push({
        eniId: eni.id,
        subnetId: subnet.id,
        aclId: acl.id,
        family,
        requests: denied,
        rows: renderSet(denied),
        example: { request, response, admittedBy, deniedBy: d.entry, deniedByRule: d.ruleNumber },
      });
    }
  }
  return problems;
}

export function returnPathProblemText(index: SnapshotIndex, p: ReturnPathProblem): string {
  const r = p.example;
  return `${p.eniId}: the groups admit ${packetText(r.request)} (${r.admittedBy.groupId} inbound rule ${sgRuleLabel(index, r.admittedBy)}), but ${p.aclId} outbound rule ${r.deniedByRule} denies the response ${packetText(r.response)}; all such requests: ${p.rows.slice(0, 4).map(rowText).join('; ')}${p.rows.length > 4 ? `; ... (${p.rows.length - 4} more rows)` : ''}`;
}

/** Throws when returnPathProblems finds anything, one line per interface and family. */
export function assertReturnPaths(index: SnapshotIndex, options: ReturnPathOptions = {}): void {
  const problems = returnPathProblems(index, options);
  if (problems.length === 0) return;
  const n = problems.length;
  throw new Error(`expected every service the security groups admit to have a NACL return path, but ${n} interface${n === 1 ? '' : 's'}/famil${n === 1 ? 'y does' : 'ies do'} not:\n${problems.map((p) => `  ${returnPathProblemText(index, p)}`).join('\n')}`);
}
