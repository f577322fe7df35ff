/**
 * The rule API (issue 15): what a rule of rules/ is, what it is given and how it reports. Rules import
 * only this module: everything they need from the model, the engine and the exact analysis is
 * re-exported here, so the surface a rule may touch is written down in one place.
 *
 *   export default defineRule({
 *     meta: { id: 'my-rule', title, severity: 'medium', rationale, reference: 'ref 5.1' },
 *     check(ctx) { for (const acl of ctx.snapshot.networkAcls) if (...) ctx.report({ resource: acl.id, message, location: acl.source }); },
 *   });
 */
import type { Family } from '../model/address.js';
import type { Direction, Eni, NaclEntry, NetworkAcl, SecurityGroup, SgRule, Snapshot, Subnet } from '../model/snapshot.js';
import type { SourceRef } from '../model/warning.js';
import type { SnapshotIndex } from '../engine/snapshot-index.js';
import type { SuppressionMark } from './suppress.js';
import { awsServiceBlocks } from '../engine/aws-services.js';
import type { IntentsDocument } from './intents.js';
import type { Cidr } from '../model/address.js';
import { internetIntervals as internetOf } from './reach.js';
import { type Interval, type PacketSet, cidrInterval, emptySet, setOf, unionAll } from '../net/packet-set.js';

export type { Cidr, Family, Ip } from '../model/address.js';
export type {
  Direction,
  Eni,
  NaclEntry,
  NetworkAcl,
  Route,
  RouteTable,
  SecurityGroup,
  SgPeer,
  SgRule,
  Snapshot,
  Subnet,
  Vpc,
} from '../model/snapshot.js';
export type { SourceRef } from '../model/warning.js';
export type { SnapshotIndex } from '../engine/snapshot-index.js';
export { NACL_DEFAULT_RULE_IPV4, NACL_DEFAULT_RULE_IPV6, naclEntriesFor } from '../engine/nacl.js';
export { awsServiceBlocks, LINK_LOCAL_SERVICE_RANGES } from '../engine/aws-services.js';
export { naclAdmits, naclEntrySet, sgAdmits, sgRuleSet, sgPeerIntervals } from './admit.js';
export type { NaclAdmission, NaclPiece, SgAdmission, SgPiece, UnknownPeer } from './admit.js';
export * from '../net/packet-set.js';
export { TCP, UDP, ICMP, ICMPV6 } from '../net/protocol.js';
export { internetIntervals, reach, type ReachResult, type AllowedBy } from './reach.js';
export { checkIntents, intentJson, intentOutcomeJson, type IntentOutcome, type IntentsDocument } from './intents.js';
export { exposedServices, allPortsSources, internetReach, type ExposedService } from './exposure.js';
export { ADMIN_PORTS, DATABASE_PORTS, EXPOSURE_OPTIONS, checkAllPorts, checkExposedPorts, threshold } from './exposure-rule.js';
export { checkNaclEntryExposure, checkSgRuleExposure, type ExposureState, type LatentReason, type RuleExposureSpec } from './rule-exposure.js';

export type Severity = 'low' | 'medium' | 'high' | 'critical';

/** Lowest first. */
export const SEVERITIES: readonly Severity[] = ['low', 'medium', 'high', 'critical'];

export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

export interface RuleOptionMeta {
  readonly type: 'number' | 'string' | 'boolean';
  readonly default: number | string | boolean;
  readonly description: string;
}

export interface RuleMeta {
  /** Stable kebab-case id; the rule's file name in rules/. Scripts depend on it. */
  readonly id: string;
  readonly title: string;
  /** The default severity; a report may raise or lower it for one finding. */
  readonly severity: Severity;
  /** Why the finding matters, in a sentence or two. */
  readonly rationale: string;
  /** The aws-semantics section (`ref 5.1`) and/or an AWS documentation URL. */
  readonly reference: string;
  readonly options?: Readonly<Record<string, RuleOptionMeta>>;
}

/** The exact entry a finding is about. */
export type FindingEntry =
  | { readonly kind: 'nacl-entry'; readonly aclId: string; readonly direction: Direction; readonly ruleNumber: number }
  | {
      readonly kind: 'sg-rule';
      readonly groupId: string;
      readonly direction: Direction;
      /** `sgr-...` when the snapshot has it. */
      readonly ruleId?: string;
      /** Position of the rule among the group's rules of its direction (0-based), as the model holds them. */
      readonly index: number;
    }
  | { readonly kind: 'route'; readonly routeTableId: string; readonly destination: string; readonly target: string };

export interface FindingLocation {
  readonly file: string;
  /** The JSON path inside the file (`NetworkAcls[2].Entries[5]`); '' for the whole file. */
  readonly jsonPath: string;
  /** The line (1-based), for files that are not JSON (an intents file's statement). */
  readonly line?: number;
  readonly column?: number;
}

export interface Finding {
  readonly rule: string;
  readonly severity: Severity;
  /** The AWS id of the resource the finding is about. */
  readonly resource: string;
  readonly message: string;
  readonly location: FindingLocation;
  readonly entry?: FindingEntry;
  /** Rule-specific facts, spread into the JSON finding (so never `rule`, `severity`, `resource`, ...). */
  readonly details?: Readonly<Record<string, unknown>>;
  /** Set by the runner when a `.vpcwhy.yaml` suppression or a baseline covers the finding (suppress.ts). */
  readonly suppressed?: SuppressionMark;
}

/** What a rule reports: a finding without its rule id, the severity defaulting to the rule's. */
export interface Report {
  readonly severity?: Severity;
  readonly resource: string;
  readonly message: string;
  readonly location: SourceRef | FindingLocation;
  readonly entry?: FindingEntry;
  readonly details?: Readonly<Record<string, unknown>>;
}

export interface RuleContext {
  readonly index: SnapshotIndex;
  readonly snapshot: Snapshot;
  /** The run's intents file (`vpcwhy audit --intents`), read by the intent rule; absent without one. */
  readonly intents?: IntentsDocument;
  /** The rule's options: its meta defaults overridden by the run's options for this rule id. */
  readonly options: Readonly<Record<string, unknown>>;
  report(finding: Report): void;
}

export interface Rule {
  readonly meta: RuleMeta;
  check(ctx: RuleContext): void;
}

/** Declares a rule (identity, typed): `export default defineRule({ meta, check })`. */
export function defineRule(rule: Rule): Rule {
  return rule;
}

/** Keys of a JSON finding that `details` may not use. */
export const RESERVED_FINDING_KEYS: readonly string[] = ['rule', 'severity', 'resource', 'message', 'location', 'entry', 'suppressed'];

export function locationOf(source: SourceRef | FindingLocation): FindingLocation {
  return 'jsonPath' in source ? source : { file: source.file, jsonPath: source.path };
}

// ---------------------------------------------------------------------------------------------------
// Helpers rules share

export function numberOption(ctx: RuleContext, name: string): number {
  const v = ctx.options[name];
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`rule option ${name}: expected a number, got ${String(v)}`);
  return v;
}

/** A NACL entry as a finding entry. */
export function naclEntryRef(acl: NetworkAcl, entry: NaclEntry): FindingEntry {
  return { kind: 'nacl-entry', aclId: acl.id, direction: entry.direction, ruleNumber: entry.ruleNumber };
}

/** A security-group rule as a finding entry (its sgr- id when known, and its position in the group). */
export function sgRuleRef(group: SecurityGroup, rule: SgRule): FindingEntry {
  const list = rule.direction === 'inbound' ? group.inbound : group.outbound;
  const index = list.indexOf(rule);
  return { kind: 'sg-rule', groupId: group.id, direction: rule.direction, ...(rule.ruleId !== undefined ? { ruleId: rule.ruleId } : {}), index };
}

/** `sgr-0abc` or `#3` (inbound rule 3 of the group): how messages name a rule. */
export function sgRuleName(group: SecurityGroup, rule: SgRule): string {
  if (rule.ruleId !== undefined) return rule.ruleId;
  const list = rule.direction === 'inbound' ? group.inbound : group.outbound;
  return `${rule.direction} rule #${list.indexOf(rule)}`;
}

/** How a message names a NACL entry: `inbound rule 100` or `inbound rule * (32767)`. */
export function naclEntryName(entry: NaclEntry): string {
  return `${entry.direction} rule ${entry.ruleNumber === 32767 || entry.ruleNumber === 32768 ? `* (${entry.ruleNumber})` : entry.ruleNumber}`;
}

/** A rule's protocol and ports in words: `tcp/22`, `udp/1024-65535`, `icmp 8/0`, `all traffic`, `protocol 50`. */
export function describePortPart(rule: { protocol: number | null; ports: { from: number; to: number } | null; icmp: { type: number; code: number } | null }): string {
  const p = rule.protocol;
  if (p === null) return 'an unreadable protocol';
  if (p === -1) return 'all traffic';
  const name = p === 6 ? 'tcp' : p === 17 ? 'udp' : p === 1 ? 'icmp' : p === 58 ? 'icmpv6' : `protocol ${p}`;
  if (p === 6 || p === 17) {
    if (rule.ports === null || (rule.ports.from <= 0 && rule.ports.to >= 65535)) return `${name}/all ports`;
    return `${name}/${rule.ports.from === rule.ports.to ? rule.ports.from : `${rule.ports.from}-${rule.ports.to}`}`;
  }
  if ((p === 1 || p === 58) && rule.icmp !== null && rule.icmp.type !== -1) return `${name} type ${rule.icmp.type}${rule.icmp.code === -1 ? '' : ` code ${rule.icmp.code}`}`;
  return name;
}

/** The address intervals SGs and NACLs never filter for interfaces of `vpcId` (Amazon DNS, IMDS, Time Sync, DHCP, router; ref 3). */
export function unfilterableIntervals(index: SnapshotIndex, vpcId: string, family: Family): Interval<bigint>[] {
  return awsServiceBlocks(index, vpcId)
    .filter((c) => c.family === family)
    .map(cidrInterval);
}

/**
 * The packets SGs and NACLs never filter in one direction, seen from interfaces of `vpcId`: those whose
 * peer (the source inbound, the destination outbound) is an AWS service address (ref 3). Rules take them
 * out before judging, so nothing about that traffic is ever flagged.
 */
export function unfilterableSet(index: SnapshotIndex, vpcId: string, direction: Direction, family: Family): PacketSet {
  const ivs = unfilterableIntervals(index, vpcId, family);
  if (ivs.length === 0) return emptySet(family);
  return unionAll(family, ivs.map((iv) => setOf(family, direction === 'inbound' ? { src: iv } : { dst: iv })));
}

/** The interface's own addresses of one family (private IPv4s or IPv6 addresses, and delegated prefixes). */
export function eniAddressIntervals(eni: Eni, family: Family): Interval<bigint>[] {
  const ips = family === 4 ? eni.privateIps : eni.ipv6Addresses;
  const prefixes = family === 4 ? eni.ipv4Prefixes : eni.ipv6Prefixes;
  return [...ips.map((ip) => ({ lo: BigInt(ip.value), hi: BigInt(ip.value) })), ...prefixes.map(cidrInterval)];
}

/**
 * Where a subnet can send packets of one family: its VPC's CIDRs (the local route is always there) and the
 * destinations of the active routes of its route table (prefix lists by their known entries). Blackhole
 * routes carry nothing.
 */
export function routableIntervals(index: SnapshotIndex, subnetId: string, family: Family): Interval<bigint>[] {
  const subnet = index.subnetById.get(subnetId);
  const out: Interval<bigint>[] = [];
  const vpc = subnet ? index.vpcById.get(subnet.vpcId) : undefined;
  for (const c of vpc ? (family === 4 ? vpc.cidrs4 : vpc.cidrs6) : []) out.push(cidrInterval(c));
  const rt = index.routeTableBySubnet.get(subnetId);
  for (const r of rt?.routes ?? []) {
    if (r.state !== 'active') continue;
    if (r.destination.kind === 'cidr') {
      if (r.destination.cidr.family === family) out.push(cidrInterval(r.destination.cidr));
    } else if (r.destination.kind === 'prefix-list') {
      for (const c of index.prefixListById.get(r.destination.prefixListId)?.entries ?? []) if (c.family === family) out.push(cidrInterval(c));
    }
  }
  return out;
}

/** The subnet's own CIDRs of one family (traffic inside them never crosses its NACL, ref 8.8). */
export function subnetIntervals(subnet: Subnet, family: Family): Interval<bigint>[] {
  return family === 4 ? (subnet.cidr4 && subnet.cidr4.family === 4 ? [cidrInterval(subnet.cidr4)] : []) : subnet.cidrs6.map(cidrInterval);
}

const internetCache = new WeakMap<SnapshotIndex, Partial<Record<Family, Interval<bigint>[]>>>();

/** How many internet addresses ("the internet" of ARCHITECTURE.md: outside the private ranges and the snapshot's VPCs) a CIDR holds. */
export function internetAddressCount(index: SnapshotIndex, cidr: Cidr): bigint {
  const c = cidrInterval(cidr);
  let byFamily = internetCache.get(index);
  if (!byFamily) internetCache.set(index, (byFamily = {}));
  const internet = (byFamily[cidr.family] ??= internetOf(index, cidr.family));
  let n = 0n;
  for (const iv of internet) {
    const lo = iv.lo > c.lo ? iv.lo : c.lo;
    const hi = iv.hi < c.hi ? iv.hi : c.hi;
    if (lo <= hi) n += hi - lo + 1n;
  }
  return n;
}

/** A rule's peer in words: its CIDR, prefix list or group id. */
export function sgPeerText(rule: SgRule): string {
  const p = rule.peer;
  return p.kind === 'cidr' ? p.cidr.text : p.kind === 'group' ? p.groupId : p.kind === 'prefix-list' ? p.prefixListId : p.text;
}
