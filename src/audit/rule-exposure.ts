/**
 * Rule-level internet exposure (issue 21, "Latent and effective exposure"): a security-group rule, or a
 * NACL inbound entry that decides the packets (first match, admit.ts), that admits the ports of an
 * exposure rule from more internet sources than the threshold, whether or not anything is attached: the
 * view Checkov, Prowler, Trivy and cfn_nag give, with what they do not say.
 *
 * Each such rule is either
 * - **effective**: on some interface it applies to, the internet really connects through it over the whole
 *   path (reach, exposure.ts): the packets the rule admits intersected with what reaches the interface come
 *   from more sources than the threshold, so the matching `internet-exposed-*` finding exists (same
 *   thresholds); the interfaces and those findings are named;
 * - or **latent**, with the reason per interface: no interface carries the group / sits behind the ACL; the
 *   interface has no public address of the family (or it is unknown until apply); or, for the sources that
 *   do not connect, the hops a trace of one of them stops at (engine/path.ts: the first that denies and those
 *   that would deny were it fixed): no route back to an internet gateway, the NACL denies it at entry N, no
 *   group admits it, the return path is denied, VPC Block Public Access. Each traced reason carries the
 *   packet traced as evidence.
 *
 * A rule whose peer is unknown (a prefix list without entries, a value unknown until apply) and whose ports
 * would qualify is reported as such, never guessed.
 */
import type { Family, Ip } from '../model/address.js';
import type { Direction, Eni, NetworkAcl, SecurityGroup, SgRule } from '../model/snapshot.js';
import type { Packet } from '../model/flow.js';
import type { SnapshotIndex } from '../engine/snapshot-index.js';
import { type Hop, natGatewayOfEni, resolveEndpoint, tracePath } from '../engine/path.js';
import { formatIp, parseCidr } from '../net/ip.js';
import { TCP, UDP, protocolName } from '../net/protocol.js';
import { type Interval, type PacketSet, cidrsOfIntervals, emptySet, intersect, isEmpty, mergeIntervals, setOf, subtract, unionAll } from '../net/packet-set.js';
import { naclAdmits, sgRuleSet } from './admit.js';
import { internetReach, shareKey, sourcesWithEveryPort } from './exposure.js';
import { portsText, threshold } from './exposure-rule.js';
import { internetIntervals } from './reach.js';

/** What one rule-level exposure rule looks for. */
export interface RuleExposureSpec {
  /** `administration port`, `database port`, `every port`. */
  readonly what: string;
  /** TCP and UDP destination ports, or every port 0-65535 of a protocol for each source. */
  readonly ports: readonly Interval<number>[] | 'all';
  /** The `internet-exposed-*` rule whose finding an effective exposure matches. */
  readonly exposureRule: string;
}

/** The `internet-exposed-*` finding an effective exposure matches (rule, resource, family, protocol). */
export interface MatchingFinding {
  readonly rule: string;
  readonly resource: string;
  readonly family: Family;
  readonly protocol: number;
}

export interface EffectiveOn {
  readonly eni: string;
  readonly protocol: number;
  /** Internet addresses that connect through the rule (decimal string). */
  readonly sourceCount: string;
  readonly finding: MatchingFinding;
}

/** Why an exposure is not effective (one interface, or the rule as a whole for `not-attached`). */
export type LatentReason =
  | { readonly reason: 'not-attached'; readonly text: string }
  | { readonly reason: 'no-public-address'; readonly eni: string; readonly text: string }
  | { readonly reason: 'public-address-unknown'; readonly eni: string; readonly text: string }
  | { readonly reason: 'no-route-to-internet-gateway'; readonly eni: string; readonly routeTable: string | null; readonly code: string; readonly leg: 'forward' | 'return'; readonly example: string; readonly text: string }
  | { readonly reason: 'nacl-denies'; readonly eni: string; readonly networkAcl: string; readonly ruleNumber: number; readonly example: string; readonly text: string }
  | { readonly reason: 'security-group-denies'; readonly eni: string; readonly groups: readonly string[]; readonly example: string; readonly text: string }
  | { readonly reason: 'return-path-denied'; readonly eni: string; readonly component: 'network-acl' | 'security-group'; readonly id: string; readonly ruleNumber: number | null; readonly example: string; readonly text: string }
  | { readonly reason: 'block-public-access'; readonly eni: string; readonly vpc: string; readonly example: string; readonly text: string }
  | { readonly reason: 'not-reachable'; readonly eni: string; readonly component: string; readonly example: string; readonly text: string };

export type ExposureState = 'effective' | 'latent' | 'unknown';

/** The part of the rule context used here (structurally a RuleContext). */
interface Ctx {
  readonly index: SnapshotIndex;
  readonly snapshot: import('../model/snapshot.js').Snapshot;
  readonly options: Readonly<Record<string, unknown>>;
  report(finding: {
    severity?: 'low' | 'medium' | 'high' | 'critical';
    resource: string;
    message: string;
    location: { file: string; path: string };
    entry?:
      | { kind: 'sg-rule'; groupId: string; direction: Direction; ruleId?: string; index: number }
      | { kind: 'nacl-entry'; aclId: string; direction: Direction; ruleNumber: number };
    details?: Readonly<Record<string, unknown>>;
  }): void;
}

const PROTOCOLS = [TCP, UDP] as const;

const count = (xs: readonly Interval<bigint>[]): bigint => xs.reduce((n, s) => n + (s.hi - s.lo + 1n), 0n);
const sourcesOf = (set: PacketSet): Interval<bigint>[] => mergeIntervals(set.boxes.map((b) => ({ lo: b.s0, hi: b.s1 })));

const internetSets = new WeakMap<SnapshotIndex, Partial<Record<Family, PacketSet>>>();

/** Every packet from the internet (reach.ts internetIntervals), once per snapshot and family. */
function internetSet(index: SnapshotIndex, family: Family): PacketSet {
  let byFamily = internetSets.get(index);
  if (!byFamily) internetSets.set(index, (byFamily = {}));
  return (byFamily[family] ??= unionAll(family, internetIntervals(index, family).map((src) => setOf(family, { src }))));
}

/**
 * The packets of `admitted` (a rule's or entry's inbound set) that qualify, per protocol: from the internet,
 * to the spec's ports (or, for `all`, from the sources that have every port), when more sources than the
 * threshold.
 */
/** What qualifies for one protocol: the set (internet sources only) and the same before the internet cut (few boxes, for intersecting with reach, whose sources are internet ones already). */
interface Qualified {
  readonly set: PacketSet;
  readonly raw: PacketSet;
}

function qualifying(ctx: Ctx, admitted: PacketSet, spec: RuleExposureSpec, family: Family): Map<number, Qualified> {
  const out = new Map<number, Qualified>();
  if (isEmpty(admitted)) return out;
  const internet = internetSet(ctx.index, family);
  for (const protocol of PROTOCOLS) {
    const protocols = { lo: protocol, hi: protocol };
    const raw = spec.ports === 'all' ? intersect(admitted, setOf(family, { protocols })) : intersect(admitted, unionAll(family, spec.ports.map((dstPorts) => setOf(family, { protocols, dstPorts }))));
    if (isEmpty(raw)) continue;
    let set = intersect(raw, internet);
    if (spec.ports === 'all') {
      const srcs = sourcesWithEveryPort(set);
      set = srcs.length === 0 ? emptySet(family) : intersect(set, unionAll(family, srcs.map((src) => setOf(family, { src }))));
    }
    if (!isEmpty(set) && count(sourcesOf(set)) > threshold(ctx, family)) out.set(protocol, { set, raw });
  }
  return out;
}

/** The intervals of `a` outside `b` (both sorted and merged). */
function minus(a: readonly Interval<bigint>[], b: readonly Interval<bigint>[]): Interval<bigint>[] {
  const out: Interval<bigint>[] = [];
  for (const x of a) {
    let lo = x.lo;
    for (const y of b) {
      if (y.hi < lo || y.lo > x.hi) continue;
      if (y.lo > lo) out.push({ lo, hi: y.lo - 1n });
      lo = y.hi + 1n;
      if (lo > x.hi) break;
    }
    if (lo <= x.hi) out.push({ lo, hi: x.hi });
  }
  return out;
}

function hasInternetAddress(eni: Eni, family: Family): boolean {
  return family === 4 ? eni.publicIps.length > 0 : eni.ipv6Addresses.length > 0 || eni.ipv6Prefixes.length > 0;
}

/** The address an internet client of `family` connects to, or null. */
function internetAddress(eni: Eni, family: Family): Ip | null {
  if (family === 4) return eni.publicIps[0]?.publicIp ?? null;
  const a = eni.ipv6Addresses[0];
  if (a) return a;
  const p = eni.ipv6Prefixes[0];
  return p ? { family: 6, value: BigInt(p.network) } : null;
}

/**
 * A Terraform plan or a CloudFormation template said the interface's public address is unknown until apply
 * or deployment (terraform-plan.ts warns at `<address>.public_ip`, cloudformation.ts at
 * `Resources.<Id>.Properties.PublicIp`): when, or undefined when it is not unknown.
 */
function publicAddressUnknown(ctx: Ctx, eni: Eni): 'apply' | 'deployment' | undefined {
  const at = [`${eni.source.path}.public_ip`, `${eni.source.path}.associate_public_ip_address`, `${eni.source.path}.Properties.PublicIp`];
  for (const w of ctx.snapshot.warnings) {
    if (w.source.file !== eni.source.file || !at.includes(w.source.path)) continue;
    if (w.message.startsWith('unknown until apply')) return 'apply';
    if (w.message.startsWith('unknown until deployment')) return 'deployment';
  }
  return undefined;
}

function packetText(p: Packet): string {
  const at = (ip: Ip, port: number | null) => (ip.family === 6 ? `[${formatIp(ip)}]:${port ?? ''}` : `${formatIp(ip)}:${port ?? ''}`);
  return `${protocolName(p.protocol)} ${at(p.src, p.srcPort)} -> ${at(p.dst, p.dstPort)}`;
}

/** The reason a trace of `packet` stops (its first denying hop), as a latent reason. */
function reasonOfHop(eni: Eni, hop: Hop, example: string): LatentReason {
  const at = `${eni.id}: ${example}`;
  switch (hop.component) {
    case 'route': {
      const code = hop.reason ?? 'no-route';
      if (code === 'no-public-address') return { reason: 'no-public-address', eni: eni.id, text: `${eni.id} has no public address the internet gateway translates to` };
      const rt = hop.route.routeTableId ?? null;
      return { reason: 'no-route-to-internet-gateway', eni: eni.id, routeTable: rt, code, leg: hop.path, example, text: `${at} finds no route ${hop.path === 'return' ? 'back ' : ''}to an internet gateway${rt ? ` in ${rt}` : ''} (${code})` };
    }
    case 'network-acl': {
      const aclId = hop.nacl?.aclId ?? '?';
      const n = hop.nacl?.ruleNumber ?? null;
      if (hop.path === 'forward') return { reason: 'nacl-denies', eni: eni.id, networkAcl: aclId, ruleNumber: n ?? -1, example, text: `${at} is denied by ${aclId} ${hop.direction} entry ${n ?? '?'}` };
      return { reason: 'return-path-denied', eni: eni.id, component: 'network-acl', id: aclId, ruleNumber: n, example, text: `${at}: the response is denied by ${aclId} ${hop.direction} entry ${n ?? '?'}` };
    }
    case 'security-group':
      if (hop.path === 'forward') return { reason: 'security-group-denies', eni: eni.id, groups: eni.groupIds, example, text: `${at} is admitted by none of its groups (${eni.groupIds.join(', ')})` };
      return { reason: 'return-path-denied', eni: eni.id, component: 'security-group', id: eni.groupIds.join(','), ruleNumber: null, example, text: `${at}: the response is denied by its groups` };
    case 'block-public-access':
      return { reason: 'block-public-access', eni: eni.id, vpc: hop.vpcId, example, text: `${at} is blocked by VPC Block Public Access (${hop.mode}) of ${hop.vpcId}` };
    default:
      return { reason: 'not-reachable', eni: eni.id, component: hop.component, example, text: `${at} is stopped at ${hop.component} ${hop.id}` };
  }
}

interface TracedStop {
  readonly hop: Hop;
  readonly packet: Packet;
}

/** Traces one packet of `missing` (a set that does not connect): the hops it stops at, and the packet. */
function traceStops(index: SnapshotIndex, family: Family, missing: PacketSet): TracedStop[] {
  // A box with a client port from the ephemeral range, when there is one.
  const b = missing.boxes.find((x) => x.a0 <= 50000 && 50000 <= x.a1) ?? missing.boxes[0];
  if (!b) return [];
  const ip = (v: bigint): Ip => (family === 4 ? { family: 4, value: Number(v) } : { family: 6, value: v });
  const srcIp = ip(b.s0);
  const dstIp = ip(b.d0);
  const src = resolveEndpoint(index, formatIp(srcIp), () => srcIp);
  const dst = resolveEndpoint(index, formatIp(dstIp), () => dstIp);
  if (!src.ok || !dst.ok) return [];
  const srcPort = b.a0 <= 50000 && 50000 <= b.a1 ? 50000 : b.a0;
  const packet: Packet = { protocol: b.p0, src: srcIp, dst: dstIp, srcPort, dstPort: b.b0, icmpType: null, icmpCode: null };
  const t = tracePath(index, { src: src.endpoint, dst: dst.endpoint, packet });
  if (t.reachable || t.blockingHop === null) return [];
  // The first hop that denies, and those that would deny were it fixed.
  return [t.blockingHop, ...t.alsoBlocking].map((hop) => ({ hop, packet }));
}

/** At most this many sources that do not connect are traced per interface and protocol. */
const SAMPLES = 3;

interface Judgement {
  readonly effective: EffectiveOn[];
  readonly latent: LatentReason[];
}

/** Judges the qualifying packets (per protocol) on each interface they apply to. */
function judge(ctx: Ctx, family: Family, byProtocol: ReadonlyMap<number, Qualified>, enis: readonly Eni[], spec: RuleExposureSpec, notAttached: string): Judgement {
  const effective: EffectiveOn[] = [];
  const latent = new Map<string, LatentReason>();
  const add = (r: LatentReason) => latent.set(JSON.stringify({ ...r, example: undefined, text: r.reason === 'not-attached' ? r.text : undefined }), r);
  const limit = threshold(ctx, family);
  const live = enis.filter((e) => natGatewayOfEni(ctx.index, e) === null);
  if (live.length === 0) add({ reason: 'not-attached', text: notAttached });
  // Interfaces that share their analysis from the internet (exposure.ts shareKey) share the answer: the
  // same sources connect, and a packet that stops for one stops at the same hop for the other.
  const shared = new Map<string, { n: bigint; stops: TracedStop[] }>();
  for (const eni of live) {
    if (!hasInternetAddress(eni, family)) {
      const unknownUntil = family === 4 ? publicAddressUnknown(ctx, eni) : undefined;
      if (unknownUntil !== undefined) add({ reason: 'public-address-unknown', eni: eni.id, text: `whether ${eni.id} has a public address is unknown until ${unknownUntil}` });
      else add({ reason: 'no-public-address', eni: eni.id, text: `${eni.id} has no ${family === 4 ? 'public IPv4' : 'IPv6'} address` });
      continue;
    }
    const r = internetReach(ctx.index, eni);
    const to = internetAddress(eni, family);
    if (r === null || to === null) continue;
    for (const [protocol, q] of byProtocol) {
      const key = `${shareKey(eni)}|${protocol}`;
      let got = shared.get(key);
      if (!got) {
        // reach's sources are internet ones: the rule's packets before the internet cut give the same answer, cheaper.
        const reached = intersect(r.sets[family], q.raw);
        const reachedSources = spec.ports === 'all' ? sourcesWithEveryPort(reached) : sourcesOf(reached);
        const n = count(reachedSources);
        const stops: TracedStop[] = [];
        if (n <= limit) {
          // Sources that qualify and do not connect: trace one packet that does not connect from each of a few.
          const toSet = setOf(family, { dst: { lo: BigInt(to.value), hi: BigInt(to.value) } });
          for (const src of minus(sourcesOf(q.set), reachedSources).slice(0, SAMPLES)) {
            const one = subtract(intersect(intersect(q.raw, toSet), setOf(family, { src: { lo: src.lo, hi: src.lo } })), reached);
            stops.push(...traceStops(ctx.index, family, one));
          }
        }
        shared.set(key, (got = { n, stops }));
      }
      if (got.n > limit) effective.push({ eni: eni.id, protocol, sourceCount: got.n.toString(), finding: { rule: spec.exposureRule, resource: eni.id, family, protocol } });
      else for (const s of got.stops) add(reasonOfHop(eni, s.hop, packetText({ ...s.packet, dst: to })));
    }
  }
  return { effective, latent: [...latent.values()] };
}

function portsOf(byProtocol: ReadonlyMap<number, Qualified>): string {
  return [...byProtocol].map(([p, { set }]) => `${protocolName(p)}/${portsText(mergeIntervals(set.boxes.map((b) => ({ lo: b.b0, hi: b.b1 }))))}`).join(', ');
}

function reportExposure(
  ctx: Ctx,
  base: { resource: string; location: { file: string; path: string }; entry: NonNullable<Parameters<Ctx['report']>[0]['entry']>; subject: string },
  family: Family,
  byProtocol: ReadonlyMap<number, Qualified>,
  spec: RuleExposureSpec,
  j: Judgement,
): void {
  const sources = mergeIntervals([...byProtocol.values()].flatMap((q) => sourcesOf(q.set)));
  const n = count(sources);
  const state: ExposureState = j.effective.length > 0 ? 'effective' : 'latent';
  const cidrs = cidrsOfIntervals(family, sources);
  const shown = cidrs.length > 4 ? `${cidrs.slice(0, 4).join(', ')} and ${cidrs.length - 4} more blocks` : cidrs.join(', ');
  const eff = [...new Set(j.effective.map((e) => e.eni))];
  const others = [...new Set(j.latent.flatMap((r) => ('eni' in r && !eff.includes(r.eni) ? [r.eni] : [])))];
  const tail =
    state === 'effective'
      ? `effective on ${j.effective.map((e) => `${e.eni} (${spec.exposureRule} ${protocolName(e.protocol)})`).join(', ')}${others.length > 0 ? `; latent on ${others.join(', ')} (see latentReasons)` : ''}`
      : `latent: ${j.latent.length > 0 ? j.latent.map((r) => r.text).join('; ') : 'no interface it applies to is reached from enough sources'}`;
  ctx.report({
    severity: state === 'effective' ? 'high' : 'medium',
    resource: base.resource,
    message: `${base.subject} admits ${spec.what} ${portsOf(byProtocol)} from ${n.toLocaleString('en-US')} internet addresses over IPv${family} (${shown}): ${tail}`,
    location: base.location,
    entry: base.entry,
    details: {
      exposure: state,
      family,
      protocols: [...byProtocol.keys()],
      sources: cidrs,
      sourceCount: n.toString(),
      exposedInterfaces: eff,
      effectiveOn: j.effective,
      latentReasons: j.latent,
    },
  });
}

// ---------------------------------------------------------------------------------------------------
// Security groups

function sgName(g: SecurityGroup, r: SgRule): string {
  if (r.ruleId !== undefined) return r.ruleId;
  return `${r.direction} rule #${g.inbound.indexOf(r)}`;
}

function sgEntry(g: SecurityGroup, r: SgRule) {
  return { kind: 'sg-rule' as const, groupId: g.id, direction: r.direction, ...(r.ruleId !== undefined ? { ruleId: r.ruleId } : {}), index: g.inbound.indexOf(r) };
}

const ANY4 = parseCidr('0.0.0.0/0')!;
const ANY6 = parseCidr('::/0')!;

/** A peer vpcwhy cannot resolve: a prefix list without entries (or missing), a value unknown until apply. */
function unknownPeer(ctx: Ctx, r: SgRule): string | null {
  if (r.peer.kind === 'invalid') return r.peer.text.includes('unknown until apply') ? r.peer.text : null;
  if (r.peer.kind === 'prefix-list') {
    const pl = ctx.index.prefixListById.get(r.peer.prefixListId);
    if (!pl) return `${r.peer.prefixListId} (not in the snapshot)`;
    if (pl.entries === null) return `${r.peer.prefixListId} (its entries are not in the snapshot)`;
  }
  return null;
}

/** Security-group inbound rules admitting the spec's ports from the internet (sg-*-open-to-internet). */
export function checkSgRuleExposure(ctx: Ctx, spec: RuleExposureSpec): void {
  for (const g of ctx.snapshot.securityGroups) {
    const enis = ctx.snapshot.enis.filter((e) => e.groupIds.includes(g.id));
    for (const r of g.inbound) {
      const base = { resource: g.id, location: r.source, entry: sgEntry(g, r), subject: `${g.id} ${sgName(g, r)}` };
      const unknown = unknownPeer(ctx, r);
      if (unknown !== null) {
        // Would the rule qualify if its peer were every address? Then say so, without guessing.
        const wide = (['4', '6'] as const).some((f) => {
          const family = Number(f) as Family;
          const any: SgRule = { ...r, peer: { kind: 'cidr', cidr: family === 4 ? ANY4 : ANY6 } };
          return qualifying(ctx, sgRuleSet(ctx.index, any, family).set, spec, family).size > 0;
        });
        if (wide) {
          ctx.report({
            severity: 'low',
            resource: g.id,
            message: `${base.subject} admits ${spec.what}s from ${unknown}: whether that is the internet cannot be told`,
            location: r.source,
            entry: base.entry,
            details: { exposure: 'unknown', peer: unknown },
          });
        }
        continue;
      }
      for (const family of [4, 6] as const) {
        const byProtocol = qualifying(ctx, sgRuleSet(ctx.index, r, family).set, spec, family);
        if (byProtocol.size === 0) continue;
        const j = judge(ctx, family, byProtocol, enis, spec, `${g.id} is attached to no network interface`);
        reportExposure(ctx, base, family, byProtocol, spec, j);
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// Network ACLs

/** NACL inbound entries that decide the spec's ports from the internet (nacl-*-open-to-internet). */
export function checkNaclEntryExposure(ctx: Ctx, spec: RuleExposureSpec): void {
  for (const acl of ctx.snapshot.networkAcls) {
    const enis = ctx.snapshot.enis.filter((e) => ctx.index.naclBySubnet.get(e.subnetId) === acl);
    const subnets = [...new Set([...acl.subnetIds, ...ctx.snapshot.subnets.filter((s) => ctx.index.naclBySubnet.get(s.id) === acl).map((s) => s.id)])];
    const notAttached = subnets.length === 0 ? `${acl.id} is associated with no subnet` : `no network interface in its subnet${subnets.length > 1 ? 's' : ''} (${subnets.join(', ')}) takes connections`;
    for (const family of [4, 6] as const) {
      for (const piece of naclAdmits(acl, 'inbound', family).pieces) {
        const byProtocol = qualifying(ctx, piece.set, spec, family);
        if (byProtocol.size === 0) continue;
        const e = piece.entry;
        const j = judge(ctx, family, byProtocol, enis, spec, notAttached);
        const name = e.ruleNumber === 32767 || e.ruleNumber === 32768 ? `* (${e.ruleNumber})` : `${e.ruleNumber}`;
        reportExposure(ctx, { resource: acl.id, location: e.source, entry: naclEntry(acl, e.ruleNumber), subject: `${acl.id} inbound entry ${name}` }, family, byProtocol, spec, j);
      }
    }
  }
}

function naclEntry(acl: NetworkAcl, ruleNumber: number) {
  return { kind: 'nacl-entry' as const, aclId: acl.id, direction: 'inbound' as const, ruleNumber };
}
