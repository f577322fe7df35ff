/**
 * Live snapshots for the CLI: option checks (regions, endpoint URL), the snapshot taker, the messages for
 * its failures, the summary on stderr, and `takeLiveSnapshotIndex` for commands that work on a live account
 * without writing a file.
 */
import { checkEndpointUrl, resolveRegions } from '../aws/aws-config.js';
import { type AwsFailure, formatAwsFailure } from '../aws/aws-errors.js';
import { decodeSnapshotDocuments, formatSnapshotLoadError } from '../aws/load-snapshot.js';
import { type SectionKey, type SnapshotTakeError, type TakenSnapshot, SECTION_KEYS, takeSnapshot } from '../aws/snapshot-taker.js';
import { indexSnapshot, type SnapshotIndex } from '../engine/snapshot-index.js';
import { E } from '../fp.js';
import { UsageError } from './errors.js';
import { printWarnings } from './snapshot-option.js';
import type { Io } from './io.js';

export interface LiveSnapshotOptions {
  /** `--region` values; empty means AWS_REGION / AWS_DEFAULT_REGION / the profile's region. */
  regions: string[];
  profile?: string | undefined;
  endpointUrl?: string | undefined;
  allowPartial?: boolean | undefined;
}

/** Checks the options and takes the snapshot; failures become a UsageError (exit 2) without credentials. */
export async function takeLiveSnapshot(opts: LiveSnapshotOptions): Promise<TakenSnapshot> {
  if (opts.profile !== undefined && opts.profile.trim() === '') throw new UsageError('--profile: expected a profile name');
  if (opts.endpointUrl !== undefined) {
    const checked = checkEndpointUrl(opts.endpointUrl);
    if (E.isLeft(checked)) throw new UsageError(checked.left);
  }
  const regions = await resolveRegions(opts.regions, opts.profile);
  if (E.isLeft(regions)) throw new UsageError(regions.left);
  const result = await takeSnapshot({
    regions: regions.right,
    ...(opts.profile !== undefined ? { profile: opts.profile } : {}),
    ...(opts.endpointUrl !== undefined ? { endpointUrl: opts.endpointUrl } : {}),
    allowPartial: opts.allowPartial ?? false,
  })();
  if (E.isLeft(result)) throw new UsageError(formatSnapshotTakeError(result.left));
  return result.right;
}

/** The message for a snapshot that could not be taken. */
export function formatSnapshotTakeError(e: SnapshotTakeError): string {
  const denied = e.failures.filter((f): f is Extract<AwsFailure, { kind: 'access-denied' }> => f.kind === 'access-denied');
  if (denied.length === 0 || denied.length !== e.failures.length) {
    return e.failures.map((f) => `cannot take the snapshot: ${formatAwsFailure(f)}`).join('\n');
  }
  const byPermission = new Map<string, string[]>();
  for (const f of denied) {
    const regions = byPermission.get(f.permission) ?? [];
    if (f.region !== undefined && !regions.includes(f.region)) regions.push(f.region);
    byPermission.set(f.permission, regions);
  }
  const list = [...byPermission].map(([p, regions]) => (regions.length === 0 ? p : `${p} (${regions.join(', ')})`));
  const first = denied[0] as (typeof denied)[number];
  return [
    `cannot take the snapshot: access denied to ${list.join(', ')}`,
    `  ${formatAwsFailure(first)}`,
    'Grant the read-only permissions vpcwhy needs (README, "IAM policy"), or pass --allow-partial to take the snapshot without these calls.',
  ].join('\n');
}

const LABELS: Readonly<Record<SectionKey, readonly [string, string]>> = {
  Vpcs: ['VPC', 'VPCs'],
  Subnets: ['subnet', 'subnets'],
  SecurityGroups: ['security group', 'security groups'],
  SecurityGroupRules: ['security group rule', 'security group rules'],
  NetworkAcls: ['network ACL', 'network ACLs'],
  RouteTables: ['route table', 'route tables'],
  NetworkInterfaces: ['network interface', 'network interfaces'],
  ManagedPrefixLists: ['managed prefix list', 'managed prefix lists'],
  PrefixLists: ['AWS service prefix list', 'AWS service prefix lists'],
  InternetGateways: ['internet gateway', 'internet gateways'],
  EgressOnlyInternetGateways: ['egress-only internet gateway', 'egress-only internet gateways'],
  NatGateways: ['NAT gateway', 'NAT gateways'],
  VpcPeeringConnections: ['VPC peering connection', 'VPC peering connections'],
  VpnConnections: ['VPN connection', 'VPN connections'],
  TransitGateways: ['transit gateway', 'transit gateways'],
  TransitGatewayAttachments: ['transit gateway attachment', 'transit gateway attachments'],
  TransitGatewayVpcAttachments: ['transit gateway VPC attachment', 'transit gateway VPC attachments'],
  TransitGatewayRouteTables: ['transit gateway route table', 'transit gateway route tables'],
  TransitGatewayStaticRoutes: ['transit gateway route table with its routes', 'transit gateway route tables with their routes'],
  TransitGatewayPropagations: ['transit gateway route table with its propagations', 'transit gateway route tables with their propagations'],
  VpcEndpoints: ['VPC endpoint', 'VPC endpoints'],
  FlowLogs: ['flow log', 'flow logs'],
  Reservations: ['instance', 'instances'],
};

const plural = (n: number, [one, many]: readonly [string, string]): string => `${n} ${n === 1 ? one : many}`;

/** A few lines for stderr: counts per region, calls and retries, what is missing, the time taken. */
export function formatSnapshotSummary(taken: TakenSnapshot): string {
  const regions = taken.regions.map((r) => r.region);
  const lines = [`snapshot of ${regions.join(', ')} taken in ${(taken.elapsedMs / 1000).toFixed(1)} s`];
  for (const r of taken.regions) {
    const counts = SECTION_KEYS.flatMap((k) => {
      const n = r.counts[k];
      return n === undefined ? [] : [plural(n, LABELS[k])];
    });
    lines.push(`  ${r.region}: ${counts.join(', ')} (${plural(r.calls, ['call', 'calls'])}, ${plural(r.retries, ['retry', 'retries'])})`);
  }
  for (const r of taken.regions) {
    if (r.missing.length > 0) lines.push(`  ${r.region}: skipped, access denied (--allow-partial): ${r.missing.join(', ')}`);
  }
  return `${lines.join('\n')}\n`;
}

/** A name for the live snapshot where explanations and warnings name a file. */
export function liveSnapshotName(regions: readonly string[]): string {
  return `live snapshot (${regions.join(', ')})`;
}

/**
 * Takes a live snapshot and indexes it, for commands that work on an account directly. The summary and
 * the snapshot's warnings go to stderr; failures throw a UsageError (exit 2).
 */
export async function takeLiveSnapshotIndex(opts: LiveSnapshotOptions, io: Pick<Io, 'stderr'>): Promise<SnapshotIndex> {
  const taken = await takeLiveSnapshot(opts);
  io.stderr.write(formatSnapshotSummary(taken));
  const file = liveSnapshotName(taken.document.VpcwhySnapshot.regions);
  const decoded = decodeSnapshotDocuments([{ file, json: taken.document }]);
  if (E.isLeft(decoded)) throw new UsageError(formatSnapshotLoadError(decoded.left));
  printWarnings(decoded.right.warnings, false, io);
  return indexSnapshot(decoded.right);
}
