/**
 * Attribution of one flow-log record (ref 8.2-8.9): find the ENI, decide the direction and whether the
 * record is a request or a response, evaluate the ENI's own NACL and security groups in path order, and
 * name the first component that denies. Flow logs never say who rejected a packet (ref 8.1): everything
 * here is inferred from the configuration in the snapshot.
 */
import type { Ip } from '../model/address.js';
import type { Packet, Traffic } from '../model/flow.js';
import type { Direction, Eni, SgPeer } from '../model/snapshot.js';
import { awsServiceAt } from '../engine/aws-services.js';
import { type Hop, naclHop, naclSkippedHop, natGatewayOfEni, natTranslates, sgHop } from '../engine/path.js';
import { type SnapshotIndex, eniOwnsIp, vpcContaining } from '../engine/snapshot-index.js';
import { type SgDecision, evaluateGroupIds, sgAllows } from '../engine/security-group.js';
import { autoTrackedPeer, untrackedAt } from '../engine/tracking.js';
import { cidrContains, parseIp } from '../net/ip.js';
import { TCP, UDP, isIcmp, protocolName } from '../net/protocol.js';
import { describePacket } from './describe.js';
import { isServicePort } from './ports.js';
import { PLAIN, type Say } from './say.js';
import { type BlockedBy, blockedByOf, fixFor, hopEvidence, missingField, naclRuleLabel, unknownPrefixList } from './hops.js';

/**
 * `config-denies`: a record AWS logged as ACCEPT (--all) that the current configuration would deny, the
 * mirror of `config-allows` (a REJECT the configuration would let through).
 */
export type Verdict = 'blocked' | 'config-denies' | 'config-allows' | 'unknown-interface' | 'ambiguous';

/**
 * The fields of a record that attribution reads (a FlowRecord provides them): the one statement of its
 * inputs. attributeRecord reads a record only through readInputs; the fast path's cache key
 * (pipeline/record-explainer.ts, KEYED_INPUTS) must say how it keys each of them, so a field added here
 * does not compile there until the key reads it.
 */
export interface RecordFacts {
  readonly interfaceId: string | null;
  readonly srcaddr: string | null;
  readonly dstaddr: string | null;
  readonly srcport: number | null;
  readonly dstport: number | null;
  readonly protocol: number | null;
  readonly tcpFlags: number | null;
  readonly flowDirection: 'ingress' | 'egress' | null;
  readonly pktSrcaddr: string | null;
  readonly pktDstaddr: string | null;
  readonly rejectReason: string | null;
  readonly action: 'ACCEPT' | 'REJECT' | null;
}

export type TrafficEvidence = 'tcp-flags' | 'reverse-accept' | 'service-rule' | 'ports' | 'consistency' | 'none';

export interface Candidate {
  readonly reading: string;
  readonly traffic: Traffic;
  readonly verdict: 'blocked' | 'config-allows';
  readonly blockedBy: BlockedBy | null;
  readonly explanation: string;
}

export interface Attribution {
  readonly direction: Direction;
  readonly traffic: Traffic;
  readonly trafficEvidence: TrafficEvidence;
  readonly verdict: Verdict;
  readonly blockedBy: BlockedBy | null;
  readonly alsoBlockedBy: readonly BlockedBy[];
  readonly candidates: readonly Candidate[] | null;
  readonly explanation: string;
  readonly fix: string | null;
  /** The ENI the record belongs to, when known. */
  readonly eniId: string | null;
  /** Stable key and label of the blocking rule, for the summary. */
  readonly ruleKey: string | null;
  readonly ruleLabel: string | null;
}

export interface AttributionContext {
  readonly index: SnapshotIndex;
  /** True when an ACCEPT record of the reverse tuple on the same ENI was seen in the input. */
  readonly reverseAccepted: (r: RecordFacts) => boolean;
  /** `captured at <time>` for explanations, when the snapshot knows it. */
  readonly snapshotTime?: string;
  /** How explanations write the record's own values (default PLAIN: as they are). */
  readonly say?: Say;
}

const SYN = 2;
const ACK = 16;

/** The TCP flags of a flow-log tcp-flags value (ref 1.7): `SYN-ACK+FIN`, `FIN+RST`, ... */
export function flagNames(flags: number): string {
  const names: string[] = [];
  if ((flags & SYN) !== 0) names.push((flags & ACK) !== 0 ? 'SYN-ACK' : 'SYN');
  else if ((flags & ACK) !== 0) names.push('ACK');
  if ((flags & 1) !== 0) names.push('FIN');
  if ((flags & 4) !== 0) names.push('RST');
  if ((flags & 8) !== 0) names.push('PSH');
  if ((flags & 32) !== 0) names.push('URG');
  return names.length ? names.join('+') : 'no flags';
}

function parseAddr(s: string | null): Ip | null {
  return s === null ? null : parseIp(s);
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/**
 * A reading's paragraph inside an ambiguous answer whose first sentence already names the packet and the
 * interface: from after "on <interface>, " (the reading's own headline), without its closing "Inferred from
 * ..." (said once, at the end). The candidate keeps its whole paragraph in `candidates`.
 */
function readingBody(explanation: string, where: string, inferred: string): string {
  const at = explanation.indexOf(` on ${where}, `);
  const body = at < 0 ? explanation : explanation.slice(at + ` on ${where}, `.length);
  return body.endsWith(` ${inferred}`) ? body.slice(0, -inferred.length - 1) : body;
}

/** An ambiguous attribution: no blocker, the readings in `candidates`. */
function ambiguous(a: Pick<Attribution, 'direction' | 'traffic' | 'trafficEvidence' | 'explanation' | 'fix' | 'eniId'> & { candidates: readonly Candidate[] }): Attribution {
  return { ...a, verdict: 'ambiguous', blockedBy: null, alsoBlockedBy: [], ruleKey: null, ruleLabel: null };
}

/** A record of an interface the snapshot does not describe (or of none named): nothing to attribute it to. */
function unknownInterface(direction: Direction, explanation: string, eniId: string | null): Attribution {
  return { direction, traffic: 'unknown', trafficEvidence: 'none', verdict: 'unknown-interface', blockedBy: null, alsoBlockedBy: [], candidates: null, explanation, fix: null, eniId, ruleKey: null, ruleLabel: null };
}

/** A record whose reject-reason is BPA (ref 8.17): blocked by VPC Block Public Access, whatever the rules say. */
function bpaAttribution(direction: Direction, explanation: string, fix: string, eniId: string | null): Attribution {
  const blockedBy: BlockedBy = { component: 'block-public-access', direction };
  return {
    direction,
    traffic: 'unknown',
    trafficEvidence: 'none',
    verdict: 'blocked',
    blockedBy,
    alsoBlockedBy: [],
    candidates: null,
    explanation,
    fix,
    eniId,
    ruleKey: ruleKeyOf(blockedBy),
    ruleLabel: `VPC Block Public Access (${direction})`,
  };
}

/** The fields of RecordFacts, in one list (the type checks that it names every one). */
export const RECORD_INPUTS = [
  'interfaceId',
  'srcaddr',
  'dstaddr',
  'srcport',
  'dstport',
  'protocol',
  'tcpFlags',
  'flowDirection',
  'pktSrcaddr',
  'pktDstaddr',
  'rejectReason',
  'action',
] as const satisfies ReadonlyArray<keyof RecordFacts>;
const everyInputListed: [Exclude<keyof RecordFacts, (typeof RECORD_INPUTS)[number]>] extends [never] ? true : false = true;
void everyInputListed;

/** What attribution reads of a record: a plain copy of its inputs (a FlowRecord's are getters). */
export function readInputs(r: RecordFacts): RecordFacts {
  return {
    interfaceId: r.interfaceId,
    srcaddr: r.srcaddr,
    dstaddr: r.dstaddr,
    srcport: r.srcport,
    dstport: r.dstport,
    protocol: r.protocol,
    tcpFlags: r.tcpFlags,
    flowDirection: r.flowDirection,
    pktSrcaddr: r.pktSrcaddr,
    pktDstaddr: r.pktDstaddr,
    rejectReason: r.rejectReason,
    action: r.action,
  };
}

/** Direction of the record relative to the ENI (ref 8.3); null when neither or both addresses are its own. */
export function directionOf(eni: Eni | undefined, r: RecordFacts, src: Ip | null, dst: Ip | null): Direction | null {
  const fd = r.flowDirection;
  if (fd) return fd === 'ingress' ? 'inbound' : 'outbound';
  if (!eni) return null;
  // No closure here: explain calls this for every record.
  const inbound = owns(eni, dst) || owns(eni, parseAddr(r.pktDstaddr));
  const outbound = owns(eni, src) || owns(eni, parseAddr(r.pktSrcaddr));
  if (inbound && !outbound) return 'inbound';
  if (outbound && !inbound) return 'outbound';
  return null;
}

function owns(eni: Eni, ip: Ip | null): boolean {
  return ip !== null && eniOwnsIp(eni, ip);
}

interface TrafficReading {
  readonly traffic: Traffic;
  readonly evidence: TrafficEvidence;
  readonly because: string;
}

/**
 * The inbound security-group decision for a record's own packet: readTraffic asks it to see whether the
 * ENI serves the port, and the request reading's SG hop needs the same one, so it is evaluated once.
 */
class InboundSg {
  private packet: Packet | null = null;
  private decision: SgDecision | null = null;
  constructor(private readonly index: SnapshotIndex, private readonly eni: Eni) {}
  of(packet: Packet): SgDecision {
    if (this.packet !== packet || this.decision === null) {
      this.decision = evaluateGroupIds(this.index, this.eni.groupIds, 'inbound', packet);
      this.packet = packet;
    }
    return this.decision;
  }
  /** The decision if `packet` was the one evaluated. */
  known(packet: Packet): SgDecision | undefined {
    return this.packet === packet && this.decision !== null ? this.decision : undefined;
  }
}

/** Request or response (ref 8.5), most reliable evidence first. */
function readTraffic(ctx: AttributionContext, eni: Eni, direction: Direction, r: RecordFacts, packet: Packet, inbound: InboundSg): TrafficReading {
  const say = ctx.say ?? PLAIN;
  const flags = r.tcpFlags;
  if (packet.protocol === TCP && flags !== null && (flags & SYN) !== 0) {
    if ((flags & ACK) !== 0) return { traffic: 'response', evidence: 'tcp-flags', because: `tcp-flags ${flags} (${flagNames(flags)}) marks the responder's side` };
    return { traffic: 'request', evidence: 'tcp-flags', because: `tcp-flags ${flags} (${flagNames(flags)}) marks the initiator's side` };
  }
  // Both directions of an accepted connection are ACCEPTs, so for an ACCEPT (--all) the reverse one says
  // nothing about which side started: whichever comes first in the input would read as the request.
  if (r.action !== 'ACCEPT' && ctx.reverseAccepted(r)) {
    return { traffic: 'response', evidence: 'reverse-accept', because: 'the reverse flow was accepted on this interface earlier in the input' };
  }
  const ports = packet.protocol === TCP || packet.protocol === UDP;
  if (ports && packet.srcPort !== null && packet.dstPort !== null) {
    // Does the ENI serve the port? Its security groups admit the peer on it.
    if (eni.groupIds.length === 0) {
      // No security groups: nothing to learn from them.
    } else if (direction === 'outbound') {
      const served: Packet = { ...packet, src: packet.dst, dst: packet.src, srcPort: packet.dstPort, dstPort: packet.srcPort };
      if (!isServicePort(packet.dstPort) && sgAllows(ctx.index, eni.groupIds, 'inbound', served)) {
        return { traffic: 'response', evidence: 'service-rule', because: `the interface's security groups let ${say.addr(packet.dst)} connect to its port ${say.port(packet.srcPort)}, so this is the service answering` };
      }
    } else if (!isServicePort(packet.srcPort) && inbound.of(packet).allowed) {
      return { traffic: 'request', evidence: 'service-rule', because: `the interface's security groups admit connections to its port ${say.port(packet.dstPort)}, so this is a client connecting` };
    }
    const dstService = isServicePort(packet.dstPort);
    const srcService = isServicePort(packet.srcPort);
    if (dstService && !srcService) return { traffic: 'request', evidence: 'ports', because: `port ${say.port(packet.dstPort)} is a service port and ${say.port(packet.srcPort)} an ephemeral one` };
    if (srcService && !dstService) return { traffic: 'response', evidence: 'ports', because: `port ${say.port(packet.srcPort)} is a service port and ${say.port(packet.dstPort)} an ephemeral one` };
  }
  const why = isIcmp(packet.protocol)
    ? 'ICMP records carry no type, so an echo request and a reply look alike'
    : packet.protocol === TCP
      ? `tcp-flags ${flags === null ? 'are not in the record' : `${flags} carry no SYN`}, and the ports do not tell client from server`
      : 'nothing in the record tells which side started the flow';
  return { traffic: 'unknown', evidence: 'none', because: why };
}

/** Is the peer inside the ENI's own subnet? Then no NACL applies (ref 8.8). */
function peerInSameSubnet(ctx: AttributionContext, eni: Eni, peer: Ip): boolean {
  const subnet = ctx.index.subnetById.get(eni.subnetId);
  if (!subnet) return false;
  if (peer.family === 4) return subnet.cidr4 !== null && cidrContains(subnet.cidr4, peer);
  return subnet.cidrs6.some((c) => cidrContains(c, peer));
}

/** The hops a packet crosses at this ENI, in path order (ref 8.2). */
function hopsFor(ctx: AttributionContext, eni: Eni, direction: Direction, traffic: 'request' | 'response', packet: Packet, inbound?: InboundSg): Hop[] {
  const peer = direction === 'inbound' ? packet.src : packet.dst;
  const same = peerInSameSubnet(ctx, eni, peer);
  // A response of an untracked flow is judged by the groups' reverse rule, not passed as tracked (ref 4.3).
  const untracked = traffic === 'response' && !autoTrackedPeer(eni) && !autoTrackedPeer(ctx.index.eniByPrivateIp.get(peer.value)) && untrackedAt(ctx.index, eni, direction, packet);
  const tracked = traffic === 'response' && !untracked;
  const nacl = same ? naclSkippedHop('forward', eni.subnetId, direction, packet) : naclHop(ctx.index, 'forward', eni.subnetId, direction, packet);
  const evaluated = sgHop(ctx.index, 'forward', eni, direction, packet, tracked, direction === 'inbound' ? inbound?.known(packet) : undefined);
  const sg: Hop = untracked ? { ...evaluated, untracked: true } as Hop : evaluated;
  return direction === 'inbound' ? [nacl, sg] : [sg, nacl];
}

/**
 * The reading re-evaluated with the value the first undecided rule of the hop asks for: its ICMP type and
 * code, or (ports `-`) the first port of its range; `value` names it (`the ICMP type is 8`).
 */
function alternativeReading(ctx: AttributionContext, eni: Eni, direction: Direction, rd: Reading, hop: Hop, packet: Packet): (Reading & { packet: Packet; value: string }) | null {
  const open = hop.component === 'network-acl' ? hop.nacl?.undecided[0] : hop.component === 'security-group' ? hop.sg?.undecided[0] : undefined;
  if (!open) return null;
  // A rule undecided for its peer (a group or prefix list of unknown members) has no value to try.
  if ('peer' in open && !peerKnown(ctx.index, open.peer)) return null;
  if (open.icmp && isIcmp(packet.protocol)) {
    const icmp = open.icmp;
    const concrete: Packet = { ...packet, icmpType: icmp.type, icmpCode: icmp.code === -1 ? 0 : icmp.code };
    return { ...evaluateReading(ctx, eni, direction, rd.traffic, concrete), packet: concrete, value: `the ICMP type is ${icmp.type}` };
  }
  if (open.ports && (packet.protocol === TCP || packet.protocol === UDP) && packet.dstPort === null) {
    const port = Math.max(0, open.ports.from);
    const concrete: Packet = { ...packet, dstPort: port };
    return { ...evaluateReading(ctx, eni, direction, rd.traffic, concrete), packet: concrete, value: `the destination port is ${port}` };
  }
  return null;
}

/** Does the snapshot know the addresses of a rule's peer (so what leaves the rule undecided is the packet's field)? */
function peerKnown(index: SnapshotIndex, p: SgPeer): boolean {
  if (p.kind === 'prefix-list') return !unknownPrefixList(index, p.prefixListId);
  if (p.kind === 'group') return index.groupById.has(p.groupId) || index.groupMemberIps.has(p.groupId) || index.groupMemberPrefixes.has(p.groupId);
  return true;
}

/** A NACL the snapshot lacks, on the path before the blocker (or anywhere, when nothing blocks). */
function unknownBefore(rd: Reading): Extract<Hop, { component: 'network-acl' }> | null {
  for (const h of rd.hops) {
    if (h === rd.blocking) return null;
    if (h.component === 'network-acl' && h.skipped === 'no-acl-in-snapshot') return h;
  }
  return null;
}

/** Why a deny is not certain, and the two readings it leaves (for isUncertain hops). */
function uncertainty(hop: Hop, index: SnapshotIndex): { because: string; ifNot: string; ifSo: string } {
  const open = hop.component === 'security-group' ? hop.sg?.undecided[0] : undefined;
  if (open && open.peer.kind === 'group' && !index.groupById.has(open.peer.groupId)) {
    return {
      because: `a rule admits members of ${open.peer.groupId}, a group the snapshot does not describe, so whether the peer is one is unknown`,
      ifNot: `if the peer is not a member of ${open.peer.groupId}`,
      ifSo: `if the peer is a member of ${open.peer.groupId}`,
    };
  }
  if (open && open.peer.kind === 'prefix-list' && unknownPrefixList(index, open.peer.prefixListId)) {
    return {
      because: `a rule admits ${open.peer.prefixListId}, a prefix list the snapshot has without its entries, so whether the peer is in it is unknown`,
      ifNot: `if the peer is not in ${open.peer.prefixListId}`,
      ifSo: `if the peer is in ${open.peer.prefixListId}`,
    };
  }
  if (hop.component === 'security-group' && hop.sg && hop.sg.undecided.length === 0 && hop.sg.unknownGroups.length > 0) {
    return {
      because: `the snapshot lacks ${hop.sg.unknownGroups.join(', ')}, whose rules are unknown`,
      ifNot: 'if the groups missing from the snapshot do not allow it',
      ifSo: 'if a group missing from the snapshot allows it',
    };
  }
  const field = missingField(hop.packet);
  const rule = field === 'the ICMP type' ? 'type-specific' : 'port-specific';
  return {
    because: `the record does not carry a field a rule depends on (${field}${field === 'the ICMP type' ? '' : ': its ports are -'})`,
    ifNot: `if ${field} matches no ${rule} rule`,
    ifSo: `if ${field} is one a rule matches`,
  };
}

function isUncertain(hop: Hop): boolean {
  if (hop.component === 'network-acl') return (hop.nacl?.undecided.length ?? 0) > 0;
  if (hop.component === 'security-group') return hop.sg !== null && !hop.sg.allowed && (hop.sg.undecided.length > 0 || hop.sg.unknownGroups.length > 0);
  return false;
}

interface Reading {
  readonly traffic: 'request' | 'response';
  readonly hops: Hop[];
  readonly blocking: Hop | null;
  readonly also: Hop[];
}

function evaluateReading(ctx: AttributionContext, eni: Eni, direction: Direction, traffic: 'request' | 'response', packet: Packet, inbound?: InboundSg): Reading {
  const hops = hopsFor(ctx, eni, direction, traffic, packet, inbound);
  const denies = hops.filter((h) => h.decision === 'deny');
  return { traffic, hops, blocking: denies[0] ?? null, also: denies.slice(1) };
}

function blockerKey(rd: Reading): string | null {
  const b = rd.blocking ? blockedByOf(rd.blocking, false) : null;
  return b ? ruleKeyOf(b) : null;
}

function sameBlocker(a: Reading, b: Reading): boolean {
  return blockerKey(a) === blockerKey(b);
}

function ruleKeyOf(b: BlockedBy): string {
  switch (b.component) {
    case 'network-acl':
      return `network-acl ${b.id} ${b.direction} ${b.rule}`;
    case 'security-group':
      return `security-group ${b.ids.join(',')} ${b.direction}`;
    case 'route':
      return `route ${b.id} ${b.reason}`;
    case 'block-public-access':
      return `block-public-access ${b.direction}`;
  }
}

/** The summary's label for a blocking rule: the same for every record it blocks. */
function ruleLabelOf(hop: Hop, index: SnapshotIndex, say: Say): string {
  // The summary groups by NACL and rule, whichever of the NACL's subnets the records came through.
  if (hop.component === 'network-acl' && hop.nacl) return naclRuleLabel(index, hop.nacl);
  if (hop.component === 'security-group') return `security groups ${hop.sg?.groupIds.join(', ')} (${hop.direction}): no rule allows`;
  return hopEvidence(hop, index, say);
}

const POST_CLOSE_FLAGS = 1 | 4;

/** What a NAT gateway itself drops, for a record on one of its interfaces (ref 8.11). */
function natDrops(natId: string | null, direction: Direction, traffic: Traffic, packet: Packet): string | null {
  if (natId === null) return null;
  if (!natTranslates(packet.protocol)) return `NAT gateway ${natId} translates only TCP, UDP and ICMP, and drops ${protocolName(packet.protocol)} traffic`;
  if (direction === 'inbound' && traffic !== 'response') {
    return `NAT gateway ${natId} drops connections addressed to itself: it forwards only traffic routed through it and the replies to connections it translated (this one, if it is a reply, arrived after its translation expired)`;
  }
  return null;
}

function configAllowsCauses(r: RecordFacts, packet: Packet, eni: Eni, traffic: Traffic, snapshotTime?: string, nat?: string | null): string {
  const causes: string[] = [];
  if (nat) causes.push(nat);
  const flags = r.tcpFlags;
  if (packet.protocol === TCP && flags === null && traffic === 'response') {
    causes.push('a packet after the connection closed or expired (the record has no tcp-flags to tell)');
  } else if (packet.protocol === TCP && flags !== null && (flags & SYN) === 0) {
    causes.push(
      (flags & POST_CLOSE_FLAGS) !== 0
        ? `tcp-flags ${flags} (${flagNames(flags)}) without SYN: most likely a packet that arrived after the connection was closed`
        : `tcp-flags ${flags} without SYN: a packet of a connection that was closed, or whose tracking expired`,
    );
  } else if (packet.protocol === UDP) {
    causes.push('a UDP packet after its tracked flow timed out (30 s, or 180 s for streams, by default)');
  }
  causes.push(`the configuration changed between the record and the snapshot${snapshotTime ? ` (${snapshotTime})` : ''}`);
  if (eni.instanceId) causes.push("the instance's connection-tracking allowance was exceeded (see the ENA metric conntrack_allowance_exceeded)");
  return `Likely causes: ${causes.join('; ')}.`;
}

/** `TCP 198.51.100.7:40000 -> 10.0.1.10:22` from a record's own fields, as far as it has them. */
function recordPacketText(r: RecordFacts, src: Ip | null, dst: Ip | null, say: Say): string {
  if (src && dst && r.protocol !== null && src.family === dst.family) {
    const ports = r.protocol === TCP || r.protocol === UDP;
    return describePacket({ protocol: r.protocol, src, dst, srcPort: ports ? r.srcport : null, dstPort: ports ? r.dstport : null, icmpType: null, icmpCode: null }, say);
  }
  return `traffic from ${src ? say.addr(src) : (r.srcaddr ?? '-')} to ${dst ? say.addr(dst) : (r.dstaddr ?? '-')}`;
}

/** Attributes one REJECT (or, with --all, ACCEPT) record. */
export function attributeRecord(ctx: AttributionContext, record: RecordFacts): Attribution {
  const r = readInputs(record);
  const a = attributeFacts(ctx, r);
  const reason = r.rejectReason;
  if (reason === null || reason === 'BPA') return a;
  // A reject-reason vpcwhy does not know (ref 1.5: BPA is its only documented value; 8.17) may name the real blocker: never drop it silently.
  return { ...a, explanation: `${a.explanation} The record's reject-reason is ${JSON.stringify(reason)}, which vpcwhy does not know: it may name what really rejected the packet.` };
}

function attributeFacts(ctx: AttributionContext, r: RecordFacts): Attribution {
  const index = ctx.index;
  const say = ctx.say ?? PLAIN;
  const srcRaw = parseAddr(r.srcaddr);
  const dstRaw = parseAddr(r.dstaddr);
  const eni = r.interfaceId ? index.eniById.get(r.interfaceId) : undefined;
  const inferred = `Inferred from the snapshot configuration${ctx.snapshotTime ? ` captured ${ctx.snapshotTime}` : ''}.`;

  if (!eni) {
    let direction: Direction = 'inbound';
    let dirNote = '';
    const fromDir = directionOf(undefined, r, srcRaw, dstRaw);
    if (fromDir) direction = fromDir;
    else if (dstRaw && srcRaw && vpcContaining(index, srcRaw) && !vpcContaining(index, dstRaw)) direction = 'outbound';
    else dirNote = ' Its direction cannot be told without the interface; it is reported as inbound.';
    const named = r.interfaceId ? `network interface ${r.interfaceId}` : null;
    if (r.rejectReason === 'BPA') {
      // The record names its blocker itself (ref 8.1, 8.17): no configuration is needed to attribute it.
      const what = recordPacketText(r, srcRaw, dstRaw, say);
      return bpaAttribution(
        direction,
        `${cap(direction)} ${what}${named ? ` on ${named}` : ''} was rejected by VPC Block Public Access: the record's reject-reason is BPA, so neither the security groups nor the network ACL decided it. ${named ? 'The interface is not in the snapshot' : 'The record has no interface-id'}, so which exclusion would let it through cannot be told.${dirNote}`,
        'add a Block Public Access exclusion for its subnet or VPC, or switch Block Public Access off',
        r.interfaceId,
      );
    }
    if (!named) return unknownInterface(direction, `The record has no interface-id (its log format lacks the field, or the value is -), so which interface, security groups and network ACL it passed cannot be told: log \${interface-id}, or filter the records by interface before explaining them.${dirNote}`, null);
    return unknownInterface(direction, `${cap(named)} is not in the snapshot, so its security groups and network ACL are unknown: add its describe-network-interfaces output (and its subnet's network ACL and security groups), or the record comes from another account or Region.${dirNote}`, r.interfaceId);
  }

  const direction = directionOf(eni, r, srcRaw, dstRaw);
  // SGs and NACLs see the real packet addresses (ref 8.4).
  const src = parseAddr(r.pktSrcaddr) ?? srcRaw;
  const dst = parseAddr(r.pktDstaddr) ?? dstRaw;
  const name = eni.instanceId ? index.instanceNameById.get(eni.instanceId) : eni.name;
  const where = say.eniName(eni.id, name);
  if (direction === null && src && dst && r.protocol !== null && src.family === dst.family) {
    // Neither address is the ENI's (an intermediate ENI, or a rewritten address, ref 1.8 and 8.4): read
    // the record both ways and list both; blockers of different directions never coincide.
    const both = (['ingress', 'egress'] as const).map((d) => attributeFacts(ctx, { ...r, flowDirection: d }));
    const candidates: Candidate[] = both.map((a) => ({
      reading: `as ${a.direction} traffic`,
      traffic: a.traffic,
      verdict: a.verdict === 'blocked' || a.verdict === 'config-denies' ? 'blocked' : 'config-allows',
      blockedBy: a.blockedBy,
      explanation: a.explanation,
    }));
    return ambiguous({
      direction: 'inbound',
      traffic: 'unknown',
      trafficEvidence: 'none',
      candidates,
      explanation: `${owns(eni, src) && owns(eni, dst) ? `Both ${r.srcaddr} and ${r.dstaddr} are addresses of ${where}` : `Neither ${r.srcaddr} nor ${r.dstaddr} is an address of ${where}`}, and the record has no flow-direction, so its direction is unknown; "direction" is reported as inbound. ${candidates.map((c) => `Read ${c.reading}: ${readingBody(c.explanation, where, inferred)}`).join(' ')} ${inferred}`,
      fix: null,
      eniId: eni.id,
    });
  }
  if (!src || !dst || r.protocol === null || direction === null || src.family !== dst.family) {
    const why = !src || !dst
      ? 'its addresses are missing or unreadable'
      : r.protocol === null
        ? 'its protocol is missing'
        : src.family !== dst.family
          ? 'its source and destination are of different address families'
          : 'its direction cannot be determined';
    const candidates: Candidate[] = [];
    return ambiguous({
      direction: direction ?? 'inbound',
      traffic: 'unknown',
      trafficEvidence: 'none',
      candidates,
      explanation: `The record on ${where} cannot be attributed: ${why}.`,
      fix: null,
      eniId: eni.id,
    });
  }

  const protocol = r.protocol;
  const hasPorts = protocol === TCP || protocol === UDP;
  const packet: Packet = {
    protocol,
    src,
    dst,
    srcPort: hasPorts ? r.srcport : null,
    dstPort: hasPorts ? r.dstport : null,
    icmpType: null,
    icmpCode: null,
  };
  const dirText = cap(direction);
  const head = `${dirText} ${describePacket(packet, say)} on ${where}`;

  if (r.rejectReason === 'BPA') {
    return bpaAttribution(
      direction,
      `${head} was rejected by VPC Block Public Access: the record's reject-reason is BPA, so neither the security groups nor the network ACL decided it.`,
      `add a Block Public Access exclusion for ${eni.subnetId} or ${eni.vpcId}, or switch Block Public Access off`,
      eni.id,
    );
  }

  // Traffic to or from an AWS service address is never filtered by security groups or network ACLs, and
  // flow logs do not record it (ref 3): no rule can have decided such a record.
  const peer = direction === 'inbound' ? src : dst;
  const service = awsServiceAt(index, eni.vpcId, peer);
  if (service !== null) {
    return {
      direction,
      traffic: 'unknown',
      trafficEvidence: 'none',
      verdict: 'config-allows',
      blockedBy: null,
      alsoBlockedBy: [],
      candidates: null,
      explanation: `${head} is traffic ${direction === 'inbound' ? 'from' : 'to'} ${say.addr(peer)}, ${service}: not filtered by security groups or network ACLs (AWS "Infrastructure security in Amazon VPC"), and flow logs do not record it, so no rule in the snapshot decided this record.${r.action === 'REJECT' ? ' A REJECT of it is not explained by the configuration.' : ''}`,
      fix: null,
      eniId: eni.id,
      ruleKey: null,
      ruleLabel: null,
    };
  }

  const inbound = new InboundSg(index, eni);
  let reading = readTraffic(ctx, eni, direction, r, packet, inbound);
  let readings: Reading[] =
    reading.traffic === 'unknown'
      ? [evaluateReading(ctx, eni, direction, 'request', packet, inbound), evaluateReading(ctx, eni, direction, 'response', packet)]
      : [evaluateReading(ctx, eni, direction, reading.traffic, packet, inbound)];

  const explainReading = (rd: Reading, lead: string): string => {
    if (!rd.blocking) return `${lead}: the configuration allows it (${rd.hops.map((h) => `${h.component} ${h.decision}`).join(', ')}).`;
    const ev = hopEvidence(rd.blocking, index, say);
    return `${lead}: ${ev}.`;
  };

  // Two readings that disagree. When only one of them blocks, only that one is consistent with the
  // REJECT; when both block, each with its own component, the record is ambiguous.
  if (readings.length === 2 && !sameBlocker(readings[0]!, readings[1]!) && r.action === 'REJECT') {
    const blocking = readings.filter((rd) => rd.blocking !== null);
    if (blocking.length === 1) {
      const rd = blocking[0]!;
      const other = rd.traffic === 'request' ? 'response' : 'request';
      return finishBlocked(ctx, r, eni, direction, packet, rd, {
        traffic: rd.traffic,
        evidence: 'consistency',
        because: `${reading.because}; read as a ${other}, the configuration would have let it through, so only the ${rd.traffic} reading fits the REJECT`,
      }, head, inferred);
    }
  }
  // An ACCEPT (--all) likewise fits only a reading the configuration lets through.
  if (readings.length === 2 && !sameBlocker(readings[0]!, readings[1]!) && r.action === 'ACCEPT') {
    const allowing = readings.filter((rd) => rd.blocking === null);
    if (allowing.length === 1) {
      const rd = allowing[0]!;
      const other = rd.traffic === 'request' ? 'response' : 'request';
      readings = [rd];
      reading = {
        traffic: rd.traffic,
        evidence: 'consistency',
        because: `${reading.because}; read as a ${other}, the configuration would have denied it, so only the ${rd.traffic} reading fits the ACCEPT`,
      };
    }
  }
  if (readings.length === 2 && !sameBlocker(readings[0]!, readings[1]!)) {
    const candidates = readings.map((rd) => ({
      reading: rd.traffic === 'request' ? 'as a request (the peer or this interface starting a connection)' : 'as a response (of a connection the other side started)',
      traffic: rd.traffic,
      verdict: rd.blocking ? ('blocked' as const) : ('config-allows' as const),
      blockedBy: rd.blocking ? blockedByOf(rd.blocking, false) : null,
      explanation: explainReading(rd, rd.traffic === 'request' ? 'As a request' : 'As a response'),
    }));
    return ambiguous({
      direction,
      traffic: 'unknown',
      trafficEvidence: reading.evidence,
      candidates,
      explanation: `${head} could be a request or a response: ${reading.because}. The two readings lead to different blockers. ${candidates.map((c) => c.explanation).join(' ')} ${inferred}`,
      fix: null,
      eniId: eni.id,
    });
  }

  const chosen = readings[0]!;
  const unknown = unknownBefore(chosen);
  if (unknown) {
    const missing = ctx.index.snapshot.meta.missing;
    const why = `the snapshot has no network ACL for ${unknown.subnetId}${missing.length ? ` (it was taken without ${missing.join(', ')})` : ''}, so the first check on the path cannot be evaluated`;
    const candidates: Candidate[] = [
      { reading: `if the network ACL of ${unknown.subnetId} denies it`, traffic: chosen.traffic, verdict: 'blocked', blockedBy: null, explanation: 'The unknown network ACL would be the blocker.' },
      chosen.blocking
        ? { reading: 'if that network ACL allows it', traffic: chosen.traffic, verdict: 'blocked', blockedBy: blockedByOf(chosen.blocking, false), explanation: `It is denied: ${hopEvidence(chosen.blocking, index, say)}.` }
        : { reading: 'if that network ACL allows it', traffic: chosen.traffic, verdict: 'config-allows', blockedBy: null, explanation: 'The rest of the configuration allows it.' },
    ];
    return ambiguous({
      direction,
      traffic: reading.traffic,
      trafficEvidence: reading.evidence,
      candidates,
      explanation: `${head}: ${why}. ${candidates.map((c) => `${cap(c.reading)}: ${c.explanation}`).join(' ')}`,
      fix: null,
      eniId: eni.id,
    });
  }
  const trafficText = reading.traffic === 'unknown'
    ? `request or response (${reading.because}; both readings lead to the same result)`
    : `${reading.evidence === 'ports' ? 'probably ' : ''}a ${reading.traffic} (${reading.because})`;

  if (!chosen.blocking) {
    return {
      direction,
      traffic: reading.traffic,
      trafficEvidence: reading.evidence,
      verdict: 'config-allows',
      blockedBy: null,
      alsoBlockedBy: [],
      candidates: null,
      explanation: `${head}, ${trafficText}, is allowed by the current configuration: ${chosen.hops.map((h) => hopEvidence(h, index, say)).join('; ')}. ${r.action === 'REJECT' ? configAllowsCauses(r, packet, eni, reading.traffic, ctx.snapshotTime, natDrops(natGatewayOfEni(index, eni), direction, reading.traffic, packet)) : ''}`.trim(),
      fix: null,
      eniId: eni.id,
      ruleKey: null,
      ruleLabel: null,
    };
  }

  return finishBlocked(ctx, r, eni, direction, packet, chosen, reading, head, inferred);
}

function finishBlocked(
  ctx: AttributionContext,
  r: RecordFacts,
  eni: Eni,
  direction: Direction,
  packet: Packet,
  chosen: Reading,
  reading: TrafficReading,
  head: string,
  inferred: string,
): Attribution {
  const index = ctx.index;
  const say = ctx.say ?? PLAIN;
  const trafficText = reading.traffic === 'unknown'
    ? `request or response (${reading.because}; both readings lead to the same result)`
    : `${reading.evidence === 'ports' ? 'probably ' : ''}a ${reading.traffic} (${reading.because})`;
  const blocking = chosen.blocking!;
  const blockedBy = blockedByOf(blocking, false)!;
  // A loop, not map and filter: V8 recompiled this function after `filter` met the arrays `map` makes of
  // empty and of non-empty lists (different element kinds).
  const alsoBlockedBy: BlockedBy[] = [];
  for (const h of chosen.also) {
    const b = blockedByOf(h, false);
    if (b !== null) alsoBlockedBy.push(b);
  }
  const accepted = r.action === 'ACCEPT';
  const parts = [accepted
    ? `${head}, ${trafficText}, would be denied by the current configuration: ${hopEvidence(blocking, index, say)}.`
    : `${head}, ${trafficText}, was denied: ${hopEvidence(blocking, index, say)}.`];
  if (chosen.traffic === 'response' && blocking.component === 'network-acl' && eni.groupIds.length > 0) {
    parts.push('As a response it passes the security groups (they are stateful), but network ACLs are stateless and judge it on its own.');
  }
  for (const h of chosen.also) parts.push(`The ${h.component === 'security-group' ? 'security groups' : h.component === 'network-acl' ? 'network ACL' : h.component} would also deny it: ${hopEvidence(h, index, say)}.`);
  // Every blocker's change: fixing the first alone leaves the packet blocked by the next.
  const fixes: string[] = [];
  for (const h of [blocking, ...chosen.also]) {
    const f = fixFor(h, index, chosen.traffic === 'response', say);
    if (f && !fixes.includes(f)) fixes.push(f);
  }
  const fix = fixes.length === 0 ? null : fixes.length === 1 ? fixes[0]! : fixes.map((f, i) => `(${i + 1}) ${f}`).join('; ');
  if (fix) parts.push(`Fix: ${fix}.`);
  if (accepted) parts.push('It was accepted when logged, so the configuration has changed since (or the connection was tracked under rules that allowed it when it started).');
  parts.push(inferred);

  // A deny that rests on a field the record lacks (the ICMP type) is not certain: evaluate again with the
  // value the undecided rule wants, and offer both readings.
  if (isUncertain(blocking)) {
    const alt = alternativeReading(ctx, eni, direction, chosen, blocking, packet);
    const altBlockedBy = alt?.blocking ? blockedByOf(alt.blocking, false) : null;
    const why = uncertainty(blocking, index);
    const candidates: Candidate[] = [
      { reading: why.ifNot, traffic: chosen.traffic, verdict: 'blocked', blockedBy, explanation: parts[0]! },
      {
        reading: alt ? `if ${alt.value}` : why.ifSo,
        traffic: chosen.traffic,
        verdict: altBlockedBy ? 'blocked' : 'config-allows',
        blockedBy: altBlockedBy,
        explanation: alt?.blocking ? `It would be denied by ${hopEvidence(alt.blocking, index, say)}.` : 'The configuration would allow it.',
      },
    ];
    // The first reading is the paragraph's first sentence: said once, then what the other reading gives.
    const [first, ...rest] = parts;
    return ambiguous({
      direction,
      traffic: reading.traffic,
      trafficEvidence: reading.evidence,
      candidates,
      explanation: `${first} This is not certain: ${why.because}; that holds ${candidates[0]!.reading}. ${cap(candidates[1]!.reading)}: ${candidates[1]!.explanation} ${rest.join(' ')}`,
      fix,
      eniId: eni.id,
    });
  }

  return {
    direction,
    traffic: reading.traffic,
    trafficEvidence: reading.evidence,
    verdict: accepted ? 'config-denies' : 'blocked',
    blockedBy,
    alsoBlockedBy,
    candidates: null,
    explanation: parts.join(' '),
    fix,
    eniId: eni.id,
    ruleKey: ruleKeyOf(blockedBy),
    ruleLabel: ruleLabelOf(blocking, index, say),
  };
}
