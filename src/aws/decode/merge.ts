/**
 * Merging the documents of a snapshot into one Snapshot, and the checks that need all of them:
 * - duplicate ids across files (the same describe output loaded twice, Batfish account dirs): the first is
 *   kept; a warning only when the contents differ;
 * - prefix lists: a describe-managed-prefix-lists element without entries and a describe-prefix-lists element
 *   (or one with Entries) for the same id combine into one list;
 * - SecurityGroupRules replace a group's IpPermissions-derived rules (they carry `sgr-` ids);
 * - stale references (SG rules naming groups or prefix lists absent from the snapshot) are kept and warned about.
 */
import { combineTgwAttachments, combineTgwRouteTables } from './transit-gateways.js';
import type { SourceRef, Warning } from '../../model/warning.js';
import type { PrefixList, SecurityGroup, SgRule, Snapshot } from '../../model/snapshot.js';
import type { DecodedSgRule } from './security-group-rules.js';
import type { DocumentContents } from './document.js';

/**
 * A canonical text of a model value without its `source` and its top-level `name`, to tell "same content"
 * from "different". Names are left out because tags are per account: the two sides of a cross-account
 * peering describe the same connection under different Name tags.
 */
export function contentFingerprint(value: unknown): string {
  const walk = (v: unknown, top: boolean): unknown => {
    if (typeof v === 'bigint') return `${v}n`;
    if (Array.isArray(v)) return v.map((x) => walk(x, false));
    if (typeof v === 'object' && v !== null) {
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(v).sort()) {
        if (k === 'source' || (top && k === 'name')) continue;
        out[k] = walk((v as Record<string, unknown>)[k], false);
      }
      return out;
    }
    return v;
  };
  return JSON.stringify(walk(value, true)) ?? 'undefined';
}

function where(source: SourceRef): string {
  return source.path === '' ? source.file : `${source.file} at ${source.path}`;
}

/**
 * Keeps the first value of each id. `combine` may merge a later duplicate into the kept one (returning the
 * merged value) instead of comparing contents.
 */
function dedupeById<T extends { readonly source: SourceRef }>(
  items: readonly T[],
  idOf: (t: T) => string,
  kind: string,
  warnings: Warning[],
  combine?: (kept: T, later: T) => T | undefined,
): T[] {
  const out: T[] = [];
  const index = new Map<string, number>();
  // Fingerprints are computed only when an id comes again: most snapshots have no duplicates at all.
  const prints: Array<string | undefined> = [];
  for (const item of items) {
    const id = idOf(item);
    const at = index.get(id);
    if (at === undefined) {
      index.set(id, out.length);
      out.push(item);
      prints.push(undefined);
      continue;
    }
    const kept = out[at] as T;
    const combined = combine?.(kept, item);
    if (combined !== undefined) {
      out[at] = combined;
      prints[at] = undefined;
      continue;
    }
    const keptPrint = prints[at] ?? (prints[at] = contentFingerprint(kept));
    if (keptPrint !== contentFingerprint(item)) {
      warnings.push({
        source: item.source,
        message: `${kind} ${id} is also defined in ${where(kept.source)} with different contents; the first definition is kept and this one ignored`,
      });
    }
  }
  return out;
}

/** Combines two descriptions of one prefix list when one of them lacks the entries. */
function combinePrefixLists(kept: PrefixList, later: PrefixList): PrefixList | undefined {
  if (kept.entries !== null && later.entries !== null) return undefined;
  return {
    ...later,
    ...kept,
    entries: kept.entries ?? later.entries,
    source: kept.entries !== null || later.entries === null ? kept.source : later.source,
  };
}

function assembleSecurityGroups(
  groups: readonly SecurityGroup[],
  rules: readonly DecodedSgRule[],
  warnings: Warning[],
): SecurityGroup[] {
  const byGroup = new Map<string, DecodedSgRule[]>();
  for (const r of rules) {
    const list = byGroup.get(r.rule.groupId);
    if (list === undefined) byGroup.set(r.rule.groupId, [r]);
    else list.push(r);
  }
  const split = (list: readonly DecodedSgRule[]): { inbound: SgRule[]; outbound: SgRule[] } => ({
    inbound: list.filter((r) => r.rule.direction === 'inbound').map((r) => r.rule),
    outbound: list.filter((r) => r.rule.direction === 'outbound').map((r) => r.rule),
  });
  const out: SecurityGroup[] = groups.map((g) => {
    const list = byGroup.get(g.id);
    return list === undefined ? g : { ...g, ...split(list) };
  });
  const known = new Set(groups.map((g) => g.id));
  for (const [groupId, list] of byGroup) {
    if (known.has(groupId)) continue;
    const first = list[0] as DecodedSgRule;
    warnings.push({
      source: first.rule.source,
      message: `security group ${groupId} has rules (SecurityGroupRules) but is not itself in the snapshot (SecurityGroups); the group is built from its rules`,
    });
    out.push({
      id: groupId,
      groupName: groupId,
      ...(first.groupOwnerId !== undefined ? { ownerId: first.groupOwnerId } : {}),
      ...split(list),
      source: first.rule.source,
    });
  }
  return out;
}

function checkReferences(s: Omit<Snapshot, 'warnings' | 'meta'>, out: Warning[]): void {
  // Each of these leaves a value the answers depend on unknown.
  const warnings = { push: (w: Omit<Warning, 'kind'>): void => void out.push({ ...w, kind: 'changes-answers' }) };
  const groups = new Set(s.securityGroups.map((g) => g.id));
  const lists = new Map(s.prefixLists.map((pl) => [pl.id, pl]));
  const prefixListProblem = (id: string, what: string): string | undefined => {
    const pl = lists.get(id);
    if (pl === undefined) return `${what} references prefix list ${id}, which is not in the snapshot; it matches no address`;
    if (pl.entries === null) {
      return `${what} references prefix list ${id}, whose entries are not in the snapshot (add the get-managed-prefix-list-entries output as "Entries" of the list); it matches no address`;
    }
    return undefined;
  };
  for (const g of s.securityGroups) {
    for (const rule of [...g.inbound, ...g.outbound]) {
      const name = rule.ruleId === undefined ? `rule of ${g.id}` : `rule ${rule.ruleId} of ${g.id}`;
      if (rule.peer.kind === 'group' && !groups.has(rule.peer.groupId)) {
        warnings.push({
          source: rule.source,
          message: `${name} references security group ${rule.peer.groupId}, which is not in the snapshot (a stale reference, or a group of another account or VPC); it matches the interfaces in the snapshot that carry it, and where it could decide a deny for another address, the answer is ambiguous`,
        });
      } else if (rule.peer.kind === 'prefix-list') {
        const message = prefixListProblem(rule.peer.prefixListId, name);
        if (message !== undefined) warnings.push({ source: rule.source, message });
      }
    }
  }
  for (const rt of s.routeTables) {
    for (const route of rt.routes) {
      if (route.destination.kind !== 'prefix-list') continue;
      const message = prefixListProblem(route.destination.prefixListId, `route of ${rt.id}`);
      if (message !== undefined) warnings.push({ source: route.source, message });
    }
  }
  const subnets = new Set(s.subnets.map((sn) => sn.id));
  if (subnets.size === 0 && s.enis.length > 0) {
    warnings.push({ source: s.enis[0]!.source, message: 'the snapshot has network interfaces but no subnets: their network ACLs and route tables cannot be found (add the describe-subnets output)' });
  }
  for (const eni of s.enis) {
    if (subnets.size > 0 && !subnets.has(eni.subnetId)) {
      warnings.push({ source: eni.source, message: `network interface ${eni.id} is in ${eni.subnetId}, which is not in the snapshot; its network ACL and route table are unknown` });
    }
    for (const gid of eni.groupIds) {
      if (groups.has(gid)) continue;
      warnings.push({
        source: eni.source,
        message: `network interface ${eni.id} uses security group ${gid}, which is not in the snapshot; its rules are unknown`,
      });
    }
  }
}

export interface MergeInput {
  readonly contents: readonly DocumentContents[];
  /** Warnings of the documents, in file order. */
  readonly warnings: readonly Warning[];
  readonly files: readonly string[];
  /** Regions named by directories. */
  readonly directoryRegions: readonly string[];
}

export function mergeDocuments(input: MergeInput): Snapshot {
  const warnings: Warning[] = [...input.warnings];
  const byId = <T extends { readonly id: string; readonly source: SourceRef }>(items: readonly T[], kind: string): T[] =>
    dedupeById(items, (t) => t.id, kind, warnings);

  const groups = byId(input.contents.flatMap((c) => c.securityGroups), 'security group');
  const rules = dedupeById(input.contents.flatMap((c) => c.securityGroupRules), (r) => r.ruleId, 'security group rule', warnings);
  const body = {
    vpcs: byId(input.contents.flatMap((c) => c.vpcs), 'VPC'),
    subnets: byId(input.contents.flatMap((c) => c.subnets), 'subnet'),
    enis: byId(input.contents.flatMap((c) => c.enis), 'network interface'),
    securityGroups: assembleSecurityGroups(groups, rules, warnings),
    networkAcls: byId(input.contents.flatMap((c) => c.networkAcls), 'network ACL'),
    routeTables: byId(input.contents.flatMap((c) => c.routeTables), 'route table'),
    prefixLists: dedupeById(input.contents.flatMap((c) => c.prefixLists), (p) => p.id, 'prefix list', warnings, combinePrefixLists),
    internetGateways: byId(input.contents.flatMap((c) => c.internetGateways), 'internet gateway'),
    egressOnlyInternetGateways: byId(input.contents.flatMap((c) => c.egressOnlyInternetGateways), 'egress-only internet gateway'),
    natGateways: byId(input.contents.flatMap((c) => c.natGateways), 'NAT gateway'),
    vpnConnections: byId(input.contents.flatMap((c) => c.vpnConnections), 'VPN connection'),
    peerings: byId(input.contents.flatMap((c) => c.peerings), 'VPC peering connection'),
    transitGateways: byId(input.contents.flatMap((c) => c.transitGateways), 'transit gateway'),
    transitGatewayAttachments: dedupeById(input.contents.flatMap((c) => c.transitGatewayAttachments), (a) => a.id, 'transit gateway attachment', warnings, combineTgwAttachments),
    transitGatewayRouteTables: dedupeById(input.contents.flatMap((c) => c.transitGatewayRouteTables), (t) => t.id, 'transit gateway route table', warnings, combineTgwRouteTables),
    vpcEndpoints: byId(input.contents.flatMap((c) => c.vpcEndpoints), 'VPC endpoint'),
    instances: byId(input.contents.flatMap((c) => c.instances), 'instance'),
    flowLogs: byId(input.contents.flatMap((c) => c.flowLogs), 'flow log'),
  };
  checkReferences(body, warnings);

  const regions: string[] = [];
  const missing: string[] = [];
  let capturedAt: string | undefined;
  for (const c of input.contents) {
    if (c.header !== undefined) {
      capturedAt ??= c.header.capturedAt;
      regions.push(...c.header.regions);
      missing.push(...c.header.missing);
    }
    regions.push(...c.regions);
  }
  regions.push(...input.directoryRegions);

  return {
    ...body,
    warnings,
    meta: {
      ...(capturedAt !== undefined ? { capturedAt } : {}),
      regions: [...new Set(regions)],
      missing: [...new Set(missing)],
      files: [...input.files],
      sections: [...new Set(input.contents.flatMap((c) => c.sections))],
    },
  };
}
