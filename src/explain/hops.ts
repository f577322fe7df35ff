/**
 * From evaluated hops to the contract shapes (`blockedBy`) and to evidence and fix sentences.
 */
import type { Hop, PathLeg, RouteReason } from '../engine/path.js';
import type { NaclDecision } from '../engine/nacl.js';
import type { SnapshotIndex } from '../engine/snapshot-index.js';
import type { Eni, NaclEntry, SgRule } from '../model/snapshot.js';
import { PLAIN, type Say, hostText } from './say.js';
import { hasPorts, isIcmp, protocolName } from '../net/protocol.js';
import type { Packet } from '../model/flow.js';
import { gatewayText, routeFix, routeProblem } from './path-text.js';
import {
  describeDefaultNaclRule,
  describeNaclEntry,
  describeRoute,
  describeSgRule,
  enumerate,
  packetService,
} from './describe.js';

export type BlockedBy =
  | { component: 'network-acl'; id: string; direction: 'inbound' | 'outbound'; rule: number; path?: PathLeg }
  | { component: 'security-group'; ids: string[]; direction: 'inbound' | 'outbound'; path?: PathLeg }
  | { component: 'route'; id: string; reason: RouteReason; path?: PathLeg }
  | { component: 'block-public-access'; direction: 'inbound' | 'outbound'; path?: PathLeg };

/** The contract shape of a denying hop; `withPath` adds `path` (trace does, explain does not). */
export function blockedByOf(hop: Hop, withPath: boolean): BlockedBy | null {
  if (hop.decision !== 'deny') return null;
  const path = withPath ? { path: hop.path } : {};
  switch (hop.component) {
    case 'network-acl':
      return hop.nacl ? { component: 'network-acl', id: hop.nacl.aclId, direction: hop.direction, rule: hop.nacl.ruleNumber, ...path } : null;
    case 'security-group':
      return hop.sg ? { component: 'security-group', ids: [...hop.sg.groupIds], direction: hop.direction, ...path } : null;
    case 'route':
      return { component: 'route', id: hop.route.routeTableId ?? `main route table of ${hop.subnetId}`, reason: hop.reason ?? 'no-route', ...path };
    case 'block-public-access':
      return { component: 'block-public-access', direction: hop.direction, ...path };
    default:
      return null;
  }
}

/** `network ACL acl-1 (db) of subnet-1`; without the subnet when none is given (a NACL serves many). */
function naclName(index: SnapshotIndex, aclId: string, subnetId?: string): string {
  const acl = index.naclById.get(aclId);
  return `network ACL ${aclId}${acl?.name ? ` (${acl.name})` : ''}${subnetId ? ` of ${subnetId}` : ''}`;
}

function sgNames(index: SnapshotIndex, ids: readonly string[]): string {
  return enumerate(ids.map((id) => {
    const g = index.groupById.get(id);
    return g ? `${id} (${g.groupName})` : `${id} (not in the snapshot)`;
  }));
}

function sgRuleText(rule: SgRule, index: SnapshotIndex): string {
  return describeSgRule(rule, index);
}

/**
 * The group a security-group fix names for a peer that is an interface's private address: its first
 * group, when it has groups and is in the VPC of the record's interface (null: the fix names the
 * address). The explainer keys records by it (record-explainer.ts), so the two cannot disagree.
 */
export function fixPeerGroup(peerEni: Eni | undefined, vpcId: string | undefined): string | null {
  return peerEni !== undefined && peerEni.groupIds.length > 0 && peerEni.vpcId === vpcId ? peerEni.groupIds[0]! : null;
}

/** `network ACL acl-1 (db) of subnet-1: inbound rule 90 (deny tcp/5432 from 10.0.1.0/24)`: the deciding rule. */
export function naclRuleLabel(index: SnapshotIndex, n: NaclDecision, subnetId?: string): string {
  const rule = n.entry && !n.isDefaultRule ? describeNaclEntry(n.entry) : describeDefaultNaclRule(n.ruleNumber, n.direction);
  return `${naclName(index, n.aclId, subnetId)}: ${n.direction} ${rule}`;
}

/** A prefix list the snapshot names without its entries: which addresses it holds is unknown. */
export function unknownPrefixList(index: SnapshotIndex, id: string): boolean {
  return (index.prefixListById.get(id)?.entries ?? null) === null;
}

/** The field a rule depends on that the record does not carry: the ICMP type, or the destination port (`-`). */
export function missingField(p: Packet): string {
  return hasPorts(p.protocol) ? 'the destination port' : 'the ICMP type';
}

/** What an allow rule in a fix names: the packet's service; a port the record does not give is not "all ports". */
function fixService(p: Packet, say: Say): string {
  if (hasPorts(p.protocol) && p.dstPort === null) return `${protocolName(p.protocol)} on the port the service listens on (the record does not give it)`;
  return packetService(p, say);
}

/** The hop without its untracked mark (its evidence then is the rule's). */
function trackedView(hop: Extract<Hop, { component: 'security-group' }>): Hop {
  const { untracked: _untracked, ...rest } = hop;
  return rest;
}

/** One sentence of evidence for a hop, as the JSON `evidence` field and the text hop lines show it. */
export function hopEvidence(hop: Hop, index: SnapshotIndex, say: Say = PLAIN): string {
  switch (hop.component) {
    case 'security-group': {
      if (hop.unknownHost) return `no network interface in the snapshot has ${say.addr(hop.unknownHost)}, so its security groups are unknown; not evaluated`;
      if (hop.sg === null) return `response of a tracked connection: security groups are stateful and let it pass without evaluating ${hop.direction} rules`;
      const sg = hop.sg;
      if (hop.untracked && sg.allowed) return `untracked flow (the request was allowed for all addresses, and the groups allow all traffic back): not passed as a tracked response but ${hopEvidence(trackedView(hop), index, say)}`;
      if (sg.noGroups) return `${say.eni(hop.eniId)} has no security groups, so nothing is filtered here`;
      if (sg.allowed) {
        const first = sg.matched[0]!;
        const more = sg.matched.length > 1 ? ` (and ${sg.matched.length - 1} more rule${sg.matched.length > 2 ? 's' : ''})` : '';
        return `allowed by ${sgRuleText(first, index)}${more}`;
      }
      const parts = [`no ${hop.direction} rule of ${sgNames(index, sg.groupIds)} on ${say.eni(hop.eniId)} allows ${packetService(hop.packet, say)} ${hop.direction === 'inbound' ? 'from' : 'to'} ${say.addr(hop.direction === 'inbound' ? hop.packet.src : hop.packet.dst)}`];
      if (sg.noRules) parts.push(`the groups have no ${hop.direction} rules at all`);
      const miss = sg.closestMisses.find((m) => m.reason !== 'protocol');
      if (miss) {
        const icmp = isIcmp(hop.packet.protocol);
        const what = miss.reason === 'peer'
          ? `the same ${icmp ? 'ICMP type' : 'port'}, but ${hop.direction === 'inbound' ? 'from' : 'to'} another peer`
          : miss.reason === 'port' ? `that peer, but other ${icmp ? 'ICMP types' : 'ports'}` : 'that peer, but another protocol';
        parts.push(`closest: ${sgRuleText(miss.rule, index)} (${what})`);
      }
      if (sg.unknownGroups.length) parts.push(`the snapshot lacks ${enumerate(sg.unknownGroups)}, whose rules are unknown`);
      const open = sg.undecided[0];
      if (open) {
        const peer = say.addr(hop.direction === 'inbound' ? hop.packet.src : hop.packet.dst);
        parts.push(
          open.peer.kind === 'group' && !index.groupById.has(open.peer.groupId)
            ? `${sgRuleText(open, index)} would allow it if ${peer} is a member of ${open.peer.groupId}, a group the snapshot does not describe (in a peered VPC or another account?)`
            : open.peer.kind === 'prefix-list' && unknownPrefixList(index, open.peer.prefixListId)
              ? `${sgRuleText(open, index)} would allow it if ${peer} is in ${open.peer.prefixListId}, whose entries the snapshot does not have`
              : `${sgRuleText(open, index)} would allow it if ${missingField(hop.packet)} matches, which the record does not say`,
        );
      }
      return parts.join('; ');
    }
    case 'network-acl': {
      if (hop.skipped === 'same-subnet') return `not evaluated: both ends are in ${hop.subnetId}, and NACLs only filter traffic that crosses the subnet boundary`;
      if (hop.skipped === 'no-acl-in-snapshot' || hop.nacl === null) return `the snapshot has no network ACL for ${hop.subnetId}; not evaluated`;
      const n = hop.nacl;
      const miss = n.action === 'deny' && n.isDefaultRule ? n.closestMisses[0] : undefined;
      let s = `${naclRuleLabel(index, n, hop.subnetId)} ${n.action === 'allow' ? 'allows' : 'denies'} it`;
      if (n.action === 'deny' && n.shadowedAllow) s += `, evaluated before the allow in rule ${n.shadowedAllow.ruleNumber}`;
      if (n.action === 'deny' && n.isDefaultRule) s += `: no lower-numbered ${hop.direction} rule matches`;
      if (miss) s += ` (closest: ${describeNaclEntry(miss.entry)}, ${miss.reason === 'address' ? `for other ${hop.direction === 'inbound' ? 'sources' : 'destinations'}` : miss.reason === 'port' ? (isIcmp(hop.packet.protocol) ? 'for other ICMP types' : 'for other ports') : 'for another protocol'})`;
      if (n.undecided.length) s += `; ${describeNaclEntry(n.undecided[0]!)} comes first and would decide instead if ${missingField(hop.packet)} matches`;
      return s;
    }
    case 'route': {
      if (hop.skipped === 'same-subnet') return 'not routed: same subnet';
      if (hop.skipped === 'no-table-in-snapshot') return `the snapshot has no route table for ${hop.subnetId}; routing not evaluated`;
      const r = hop.route;
      const table = r.routeTableId ? `route table ${r.routeTableId}` : 'its route table';
      const problem = hop.explanation ? routeProblem(hop.explanation) : null;
      if (problem !== null) return `${table}: ${problem}`;
      if (r.outcome === 'no-route') return `${table} of ${hop.subnetId} has no route to ${say.addr(hop.packet.dst)}`;
      if (r.outcome === 'blackhole' && r.route) return `${table} sends ${say.addr(hop.packet.dst)} over ${describeRoute(r.route)}: its target is gone, so packets are dropped`;
      return r.route ? `${table}: ${describeRoute(r.route)} (longest match /${r.prefixLength})` : `${table}`;
    }
    case 'block-public-access':
      return `VPC Block Public Access is ${hop.mode} on ${hop.vpcId}${hop.decision === 'deny' ? `, so ${hop.direction} internet-gateway traffic is blocked` : ', which lets this traffic through'}`;
    default:
      return gatewayText(hop.detail);
  }
}

/**
 * What would fix a denying hop: a concrete change, said the way an engineer would. A response (the
 * return leg of a trace, or a record read as a response) needs the ephemeral port range, not one port.
 */
export function fixFor(hop: Hop, index: SnapshotIndex, response = hop.path === 'return', say: Say = PLAIN): string {
  const p = hop.packet;
  switch (hop.component) {
    case 'security-group': {
      if (!hop.sg) return '';
      const peerIp = hop.direction === 'inbound' ? p.src : p.dst;
      const peerEni = index.eniByPrivateIp.get(peerIp.value);
      const group = fixPeerGroup(peerEni, index.eniById.get(hop.eniId)?.vpcId);
      const peer = group !== null ? `${group} (a group on ${say.peerEni(peerEni!.id)})` : hostText(peerIp, say);
      const groups = hop.sg.groupIds.length === 1 ? hop.sg.groupIds[0]! : `one of ${enumerate(hop.sg.groupIds)}`;
      return `add an ${hop.direction} rule to ${groups} allowing ${fixService(p, say)} ${hop.direction === 'inbound' ? 'from' : 'to'} ${peer}`;
    }
    case 'network-acl': {
      const n = hop.nacl;
      if (!n) return '';
      const peerIp = hop.direction === 'inbound' ? p.src : p.dst;
      const svc = response && hasPorts(p.protocol) ? `${p.protocol === 6 ? 'tcp' : 'udp'}/1024-65535 (the ephemeral ports responses go to)` : fixService(p, say);
      const anywhere = peerIp.family === 4 ? '0.0.0.0/0' : '::/0';
      const peer = response ? `${hostText(peerIp, say)} (or ${anywhere} for every peer)` : hostText(peerIp, say);
      const target = `${hop.direction} ${svc} ${hop.direction === 'inbound' ? 'from' : 'to'} ${peer}`;
      if (!n.isDefaultRule) return `remove or narrow rule ${n.ruleNumber} of network ACL ${n.aclId}, or add an allow rule to it for ${target} with a number lower than ${n.ruleNumber}`;
      return `add an allow rule to network ACL ${n.aclId} for ${target} (any number up to 32766 that precedes the denies you keep)`;
    }
    case 'route': {
      const r = hop.route;
      const e = hop.explanation;
      if (e && routeProblem(e) !== null) {
        const fix = routeFix(e);
        if (fix !== null) return fix;
        const table = r.routeTableId ?? `the route table of ${hop.subnetId}`;
        return r.route
          ? `add a route for ${say.addr(p.dst)} to ${table} whose target reaches it (today ${describeRoute(r.route)} takes it)`
          : `add a route for ${say.addr(p.dst)} to ${table} whose target reaches it`;
      }
      if (r.outcome === 'blackhole' && r.route) return `replace the target of the route ${describeRoute(r.route)} in ${r.routeTableId} (its target no longer exists), or delete that route`;
      return `add a route for ${say.addr(p.dst)} to ${r.routeTableId ?? `the route table of ${hop.subnetId}`}`;
    }
    case 'block-public-access':
      return `add a VPC Block Public Access exclusion for the subnet or VPC, or turn Block Public Access off (mode ${hop.mode} on ${hop.vpcId})`;
    default:
      return '';
  }
}

export function hopId(hop: Hop, index: SnapshotIndex): Record<string, unknown> {
  switch (hop.component) {
    case 'security-group':
      return { eni: hop.eniId, ids: hop.sg ? [...hop.sg.groupIds] : [...new Set(index.eniById.get(hop.eniId)?.groupIds ?? [])].sort(), direction: hop.direction };
    case 'network-acl':
      return { id: hop.nacl?.aclId, subnet: hop.subnetId, direction: hop.direction, rule: hop.nacl?.ruleNumber };
    case 'route':
      return { id: hop.route.routeTableId ?? undefined, subnet: hop.subnetId, target: hop.route.target?.id };
    case 'block-public-access':
      return { id: hop.vpcId, direction: hop.direction };
    default:
      return { id: hop.id };
  }
}

