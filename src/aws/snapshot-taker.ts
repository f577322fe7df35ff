/**
 * Takes a snapshot of live AWS accounts with the EC2 describe calls vpcwhy models, and returns it in vpcwhy's
 * own snapshot format (see decode/document.ts):
 *
 *   {"VpcwhySnapshot": {"version": 1, "capturedAt", "regions", "missing"},
 *    "Regions": {"us-east-1": {"Vpcs": [...], "Subnets": [...], ...}}}
 *
 * The sections are the SDK's output shapes, which are the AWS CLI's PascalCase JSON (plain JSON: timestamps
 * as ISO strings, no `$metadata`). Each region has its own client and runs at most `concurrency` calls at a
 * time; regions run side by side. Every describe call is paginated with the largest page size EC2 allows
 * (DescribeVpnConnections has no pages; the pre-shared keys in its CustomerGatewayConfiguration are dropped).
 * Each transit gateway route table's routes (SearchTransitGatewayRoutes) and propagations are written per
 * table, as Batfish's collector writes them (`TransitGatewayStaticRoutes`, `TransitGatewayPropagations`).
 *
 * Failures: a denied call (`UnauthorizedOperation`, `AccessDenied*`) either fails the snapshot (all denied
 * calls are reported together, naming their IAM actions) or, with `allowPartial`, is skipped and recorded
 * under `VpcwhySnapshot.missing`. Any other failure (credentials, network, throttled after the SDK's
 * retries) stops the snapshot at once.
 */
import {
  DescribeVpnConnectionsCommand,
  EC2Client,
  SearchTransitGatewayRoutesCommand,
  paginateDescribeEgressOnlyInternetGateways,
  paginateDescribeFlowLogs,
  paginateDescribeTransitGatewayAttachments,
  paginateDescribeTransitGatewayRouteTables,
  paginateDescribeTransitGateways,
  paginateDescribeTransitGatewayVpcAttachments,
  paginateDescribeVpcEndpoints,
  paginateGetTransitGatewayRouteTablePropagations,
  paginateDescribeInstances,
  paginateDescribeInternetGateways,
  paginateDescribeManagedPrefixLists,
  paginateDescribeNatGateways,
  paginateDescribeNetworkAcls,
  paginateDescribeNetworkInterfaces,
  paginateDescribePrefixLists,
  paginateDescribeRouteTables,
  paginateDescribeSecurityGroupRules,
  paginateDescribeSecurityGroups,
  paginateDescribeSubnets,
  paginateDescribeVpcPeeringConnections,
  paginateDescribeVpcs,
  paginateGetManagedPrefixListEntries,
} from '@aws-sdk/client-ec2';
import { E } from '../fp.js';
import type { TaskEither } from '../fp.js';
import { awsClientConfig } from './aws-config.js';
import { type AwsFailure, classifyAwsError } from './aws-errors.js';
import { SNAPSHOT_VERSION } from './decode/document.js';

/** The describe keys of one region, in the order they are written. */
export const SECTION_KEYS = [
  'Vpcs',
  'Subnets',
  'SecurityGroups',
  'SecurityGroupRules',
  'NetworkAcls',
  'RouteTables',
  'NetworkInterfaces',
  'ManagedPrefixLists',
  'PrefixLists',
  'InternetGateways',
  'EgressOnlyInternetGateways',
  'NatGateways',
  'VpcPeeringConnections',
  'VpnConnections',
  'TransitGateways',
  'TransitGatewayAttachments',
  'TransitGatewayVpcAttachments',
  'TransitGatewayRouteTables',
  /** Per route table, Batfish's shape: `{TransitGatewayRouteTableId, Routes}` (SearchTransitGatewayRoutes, static and propagated). */
  'TransitGatewayStaticRoutes',
  /** Per route table: `{TransitGatewayRouteTableId, TransitGatewayRouteTablePropagations}`. */
  'TransitGatewayPropagations',
  'VpcEndpoints',
  'FlowLogs',
  'Reservations',
] as const;
export type SectionKey = (typeof SECTION_KEYS)[number];

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export interface VpcwhySnapshotHeader {
  readonly version: number;
  readonly capturedAt: string;
  readonly regions: readonly string[];
  readonly missing: readonly string[];
}

export interface VpcwhySnapshotDocument {
  readonly VpcwhySnapshot: VpcwhySnapshotHeader;
  readonly Regions: Readonly<Record<string, Partial<Record<SectionKey, readonly JsonValue[]>>>>;
}

export interface TakeSnapshotOptions {
  readonly regions: readonly string[];
  readonly profile?: string;
  readonly endpointUrl?: string;
  /** Skip denied calls and record them in `missing` instead of failing. */
  readonly allowPartial?: boolean;
  /** Calls in flight at once per region (default 4). */
  readonly concurrency?: number;
  /** Attempts per call with the SDK's standard retry strategy (default DEFAULT_MAX_ATTEMPTS). */
  readonly maxAttempts?: number;
  /** The clock, for tests. */
  readonly now?: () => Date;
}

export interface RegionCapture {
  readonly region: string;
  /** Elements per section (for Reservations: instances). Sections of denied calls are absent. */
  readonly counts: Readonly<Partial<Record<SectionKey, number>>>;
  /** IAM actions denied in this region (with allowPartial). */
  readonly missing: readonly string[];
  /** Pages received. */
  readonly calls: number;
  /** Attempts beyond the first, over all calls (throttling, transient errors). */
  readonly retries: number;
}

export interface TakenSnapshot {
  readonly document: VpcwhySnapshotDocument;
  readonly regions: readonly RegionCapture[];
  readonly elapsedMs: number;
}

export interface SnapshotTakeError {
  readonly _tag: 'SnapshotTakeError';
  /** One fatal failure, or every denied call when the snapshot failed on permissions. */
  readonly failures: readonly AwsFailure[];
}

export const DEFAULT_CONCURRENCY = 4;

/** The IAM actions the snapshot needs, in call order. */
export const SNAPSHOT_PERMISSIONS: readonly string[] = [
  'ec2:DescribeVpcs',
  'ec2:DescribeSubnets',
  'ec2:DescribeSecurityGroups',
  'ec2:DescribeSecurityGroupRules',
  'ec2:DescribeNetworkAcls',
  'ec2:DescribeRouteTables',
  'ec2:DescribeNetworkInterfaces',
  'ec2:DescribeManagedPrefixLists',
  'ec2:GetManagedPrefixListEntries',
  'ec2:DescribePrefixLists',
  'ec2:DescribeInternetGateways',
  'ec2:DescribeEgressOnlyInternetGateways',
  'ec2:DescribeNatGateways',
  'ec2:DescribeVpcPeeringConnections',
  'ec2:DescribeVpnConnections',
  'ec2:DescribeTransitGateways',
  'ec2:DescribeTransitGatewayAttachments',
  'ec2:DescribeTransitGatewayVpcAttachments',
  'ec2:DescribeTransitGatewayRouteTables',
  'ec2:SearchTransitGatewayRoutes',
  'ec2:GetTransitGatewayRouteTablePropagations',
  'ec2:DescribeVpcEndpoints',
  'ec2:DescribeFlowLogs',
  'ec2:DescribeInstances',
];

interface PageMeta {
  readonly $metadata: { readonly attempts?: number };
}

/** One paginated describe call: its IAM action, its section, and how to page through it. */
interface DescribeCall {
  readonly permission: string;
  readonly key: SectionKey;
  readonly pages: (client: EC2Client) => AsyncIterable<{ readonly items: readonly unknown[]; readonly attempts: number }>;
}

/** Adapts an SDK paginator to pages of items. Page sizes are the largest each API accepts (botocore model). */
function describeCall<P extends PageMeta>(
  action: string,
  key: SectionKey,
  paginate: (client: EC2Client) => AsyncIterable<P>,
  pick: (page: P) => readonly unknown[] | undefined,
): DescribeCall {
  return {
    permission: `ec2:${action}`,
    key,
    pages: async function* (client) {
      for await (const page of paginate(client)) yield { items: pick(page) ?? [], attempts: page.$metadata.attempts ?? 1 };
    },
  };
}

const DESCRIBE_CALLS: readonly DescribeCall[] = [
  describeCall('DescribeVpcs', 'Vpcs', (client) => paginateDescribeVpcs({ client, pageSize: 1000 }, {}), (p) => p.Vpcs),
  describeCall('DescribeSubnets', 'Subnets', (client) => paginateDescribeSubnets({ client, pageSize: 1000 }, {}), (p) => p.Subnets),
  describeCall('DescribeSecurityGroups', 'SecurityGroups', (client) => paginateDescribeSecurityGroups({ client, pageSize: 1000 }, {}), (p) => p.SecurityGroups),
  describeCall('DescribeSecurityGroupRules', 'SecurityGroupRules', (client) => paginateDescribeSecurityGroupRules({ client, pageSize: 1000 }, {}), (p) => p.SecurityGroupRules),
  describeCall('DescribeNetworkAcls', 'NetworkAcls', (client) => paginateDescribeNetworkAcls({ client, pageSize: 1000 }, {}), (p) => p.NetworkAcls),
  describeCall('DescribeRouteTables', 'RouteTables', (client) => paginateDescribeRouteTables({ client, pageSize: 100 }, {}), (p) => p.RouteTables),
  describeCall('DescribeNetworkInterfaces', 'NetworkInterfaces', (client) => paginateDescribeNetworkInterfaces({ client, pageSize: 1000 }, {}), (p) => p.NetworkInterfaces),
  describeCall('DescribeManagedPrefixLists', 'ManagedPrefixLists', (client) => paginateDescribeManagedPrefixLists({ client, pageSize: 100 }, {}), (p) => p.PrefixLists),
  describeCall('DescribePrefixLists', 'PrefixLists', (client) => paginateDescribePrefixLists({ client }, {}), (p) => p.PrefixLists),
  describeCall('DescribeInternetGateways', 'InternetGateways', (client) => paginateDescribeInternetGateways({ client, pageSize: 1000 }, {}), (p) => p.InternetGateways),
  describeCall('DescribeEgressOnlyInternetGateways', 'EgressOnlyInternetGateways', (client) => paginateDescribeEgressOnlyInternetGateways({ client, pageSize: 255 }, {}), (p) => p.EgressOnlyInternetGateways),
  describeCall('DescribeNatGateways', 'NatGateways', (client) => paginateDescribeNatGateways({ client, pageSize: 1000 }, {}), (p) => p.NatGateways),
  describeCall('DescribeVpcPeeringConnections', 'VpcPeeringConnections', (client) => paginateDescribeVpcPeeringConnections({ client, pageSize: 1000 }, {}), (p) => p.VpcPeeringConnections),
  // Not paginated. CustomerGatewayConfiguration (the tunnels' pre-shared keys) is left out of the snapshot.
  describeCall(
    'DescribeVpnConnections',
    'VpnConnections',
    (client) => (async function* () {
      yield await client.send(new DescribeVpnConnectionsCommand({}));
    })(),
    (p) => p.VpnConnections?.map(({ CustomerGatewayConfiguration: _secret, ...rest }) => rest),
  ),
  describeCall('DescribeTransitGateways', 'TransitGateways', (client) => paginateDescribeTransitGateways({ client, pageSize: 1000 }, {}), (p) => p.TransitGateways),
  describeCall('DescribeTransitGatewayAttachments', 'TransitGatewayAttachments', (client) => paginateDescribeTransitGatewayAttachments({ client, pageSize: 1000 }, {}), (p) => p.TransitGatewayAttachments),
  describeCall('DescribeTransitGatewayVpcAttachments', 'TransitGatewayVpcAttachments', (client) => paginateDescribeTransitGatewayVpcAttachments({ client, pageSize: 1000 }, {}), (p) => p.TransitGatewayVpcAttachments),
  describeCall('DescribeTransitGatewayRouteTables', 'TransitGatewayRouteTables', (client) => paginateDescribeTransitGatewayRouteTables({ client, pageSize: 1000 }, {}), (p) => p.TransitGatewayRouteTables),
  describeCall('DescribeVpcEndpoints', 'VpcEndpoints', (client) => paginateDescribeVpcEndpoints({ client, pageSize: 1000 }, {}), (p) => p.VpcEndpoints),
  describeCall('DescribeFlowLogs', 'FlowLogs', (client) => paginateDescribeFlowLogs({ client }, {}), (p) => p.FlowLogs),
  describeCall('DescribeInstances', 'Reservations', (client) => paginateDescribeInstances({ client, pageSize: 1000 }, {}), (p) => p.Reservations),
];

function entriesCall(prefixListId: string): DescribeCall {
  return describeCall(
    'GetManagedPrefixListEntries',
    'ManagedPrefixLists',
    (client) => paginateGetManagedPrefixListEntries({ client, pageSize: 100 }, { PrefixListId: prefixListId }),
    (p) => p.Entries,
  );
}

/** The routes of one transit gateway route table (active and blackhole, static and propagated); no SDK paginator exists. */
function tgwRoutesCall(tableId: string): DescribeCall {
  return describeCall(
    'SearchTransitGatewayRoutes',
    'TransitGatewayStaticRoutes',
    (client) => (async function* () {
      let token: string | undefined;
      do {
        const page = await client.send(new SearchTransitGatewayRoutesCommand({
          TransitGatewayRouteTableId: tableId,
          Filters: [{ Name: 'state', Values: ['active', 'blackhole'] }],
          MaxResults: 1000,
          ...(token !== undefined ? { NextToken: token } : {}),
        }));
        yield page;
        token = page.NextToken;
      } while (token !== undefined && token !== '');
    })(),
    (p) => p.Routes,
  );
}

function tgwPropagationsCall(tableId: string): DescribeCall {
  return describeCall(
    'GetTransitGatewayRouteTablePropagations',
    'TransitGatewayPropagations',
    (client) => paginateGetTransitGatewayRouteTablePropagations({ client, pageSize: 1000 }, { TransitGatewayRouteTableId: tableId }),
    (p) => p.TransitGatewayRouteTablePropagations,
  );
}

/** `Promise`-returning functions run with at most `max` at once, in the order they were queued. */
function makeLimiter(max: number): <T>(f: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: Array<() => void> = [];
  return async <T>(f: () => Promise<T>): Promise<T> => {
    if (active < max) active++;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await f();
    } finally {
      // Hand the slot straight to the next waiter, so a newcomer cannot slip in between.
      const next = waiting.shift();
      if (next !== undefined) next();
      else active--;
    }
  };
}

/** SDK values (Dates, undefined fields) → plain JSON, exactly as the file will hold it. */
function toJson(items: readonly unknown[]): JsonValue[] {
  return JSON.parse(JSON.stringify(items)) as JsonValue[];
}

function isJsonObject(v: JsonValue | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

type CallOutcome =
  | { readonly tag: 'ok'; readonly items: JsonValue[] }
  | { readonly tag: 'denied' }
  | { readonly tag: 'stopped' };

/** Shared by all regions of one snapshot: the first fatal failure stops every region. */
interface RunState {
  fatal: AwsFailure | undefined;
  readonly denied: AwsFailure[];
  readonly allowPartial: boolean;
  readonly endpointUrl: string | undefined;
}

class Stopped extends Error {}

async function credentialSecrets(client: EC2Client): Promise<string[]> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const creds = await Promise.race([
      client.config.credentials(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('timeout')), 1000);
        timer.unref();
      }),
    ]);
    return [creds.accessKeyId, creds.secretAccessKey, creds.sessionToken ?? ''];
  } catch {
    return [];
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
}

async function captureRegion(region: string, opts: TakeSnapshotOptions, state: RunState): Promise<{ sections: Partial<Record<SectionKey, JsonValue[]>>; capture: RegionCapture }> {
  const client = new EC2Client(
    awsClientConfig({
      region,
      ...(opts.profile !== undefined ? { profile: opts.profile } : {}),
      ...(opts.endpointUrl !== undefined ? { endpointUrl: opts.endpointUrl } : {}),
      ...(opts.maxAttempts !== undefined ? { maxAttempts: opts.maxAttempts } : {}),
    }),
  );
  const limit = makeLimiter(Math.max(1, opts.concurrency ?? DEFAULT_CONCURRENCY));
  const missing: string[] = [];
  let calls = 0;
  let retries = 0;

  const run = (call: DescribeCall): Promise<CallOutcome> =>
    limit(async (): Promise<CallOutcome> => {
      if (state.fatal !== undefined) return { tag: 'stopped' };
      const items: unknown[] = [];
      try {
        for await (const page of call.pages(client)) {
          calls++;
          retries += Math.max(0, page.attempts - 1);
          for (const item of page.items) items.push(item);
          if (state.fatal !== undefined) throw new Stopped();
        }
        return { tag: 'ok', items: toJson(items) };
      } catch (err) {
        if (err instanceof Stopped) return { tag: 'stopped' };
        const ctx = {
          permission: call.permission,
          region,
          ...(state.endpointUrl !== undefined ? { endpoint: state.endpointUrl } : {}),
          ...(opts.profile !== undefined ? { profile: opts.profile } : {}),
        };
        let failure = classifyAwsError(err, ctx);
        if (failure.kind !== 'credentials') failure = classifyAwsError(err, ctx, await credentialSecrets(client));
        if (failure.kind === 'access-denied') {
          if (!missing.includes(call.permission)) missing.push(call.permission);
          if (!state.allowPartial) state.denied.push(failure);
          return { tag: 'denied' };
        }
        state.fatal ??= failure;
        return { tag: 'stopped' };
      }
    });

  try {
    const outcomes = new Map<SectionKey, Promise<CallOutcome>>(DESCRIBE_CALLS.map((c) => [c.key, run(c)]));
    const managed = await (outcomes.get('ManagedPrefixLists') as Promise<CallOutcome>);
    const awsLists = await (outcomes.get('PrefixLists') as Promise<CallOutcome>);
    if (managed.tag === 'ok') {
      // AWS-owned lists that DescribePrefixLists already gave with their CIDRs need no entries call: the
      // loader combines the two descriptions of one list (and two full ones would differ in their fields).
      const covered = new Set(
        (awsLists.tag === 'ok' ? awsLists.items : [])
          .filter(isJsonObject)
          .filter((pl) => Array.isArray(pl.Cidrs))
          .map((pl) => pl.PrefixListId),
      );
      const lists = managed.items.filter(isJsonObject);
      const entries = await Promise.all(
        lists.map((pl) => {
          const id = pl.PrefixListId;
          if (typeof id !== 'string' || (pl.OwnerId === 'AWS' && covered.has(id))) return Promise.resolve(undefined);
          return run(entriesCall(id));
        }),
      );
      lists.forEach((pl, i) => {
        const e = entries[i];
        if (e?.tag === 'ok') pl.Entries = e.items;
      });
    }
    // Each transit gateway route table's routes and propagations, one section element per table.
    const tgwTables = await (outcomes.get('TransitGatewayRouteTables') as Promise<CallOutcome>);
    const tableIds = tgwTables.tag === 'ok' ? tgwTables.items.filter(isJsonObject).map((t) => t.TransitGatewayRouteTableId).filter((id): id is string => typeof id === 'string') : [];
    const perTable = (call: (id: string) => DescribeCall, listKey: string): Promise<CallOutcome> =>
      Promise.all(tableIds.map((id) => run(call(id)))).then((results): CallOutcome => {
        if (tgwTables.tag !== 'ok') return tgwTables;
        const failed = results.find((r) => r.tag !== 'ok');
        if (failed !== undefined) return failed;
        return { tag: 'ok', items: results.map((r, i) => ({ TransitGatewayRouteTableId: tableIds[i]!, [listKey]: r.tag === 'ok' ? r.items : [] })) };
      });
    outcomes.set('TransitGatewayStaticRoutes', perTable(tgwRoutesCall, 'Routes'));
    outcomes.set('TransitGatewayPropagations', perTable(tgwPropagationsCall, 'TransitGatewayRouteTablePropagations'));
    const sections: Partial<Record<SectionKey, JsonValue[]>> = {};
    const counts: Partial<Record<SectionKey, number>> = {};
    for (const key of SECTION_KEYS) {
      const outcome = await (outcomes.get(key) as Promise<CallOutcome>);
      if (outcome.tag !== 'ok') continue;
      sections[key] = outcome.items;
      counts[key] = key === 'Reservations' ? countInstances(outcome.items) : outcome.items.length;
    }
    const ordered = SNAPSHOT_PERMISSIONS.filter((p) => missing.includes(p));
    return { sections, capture: { region, counts, missing: ordered, calls, retries } };
  } finally {
    client.destroy();
  }
}

function countInstances(reservations: readonly JsonValue[]): number {
  let n = 0;
  for (const r of reservations) {
    if (!isJsonObject(r)) continue;
    const instances = r.Instances;
    if (Array.isArray(instances)) n += instances.length;
  }
  return n;
}

/** Takes the snapshot. Left: why it could not be taken (never with credentials in it). */
export function takeSnapshot(opts: TakeSnapshotOptions): TaskEither<SnapshotTakeError, TakenSnapshot> {
  return async () => {
    const now = opts.now ?? (() => new Date());
    const started = now();
    const t0 = performance.now();
    const state: RunState = { fatal: undefined, denied: [], allowPartial: opts.allowPartial ?? false, endpointUrl: opts.endpointUrl };
    const regions = [...new Set(opts.regions)];
    const results = await Promise.all(regions.map((r) => captureRegion(r, opts, state)));
    if (state.fatal !== undefined) return E.left({ _tag: 'SnapshotTakeError', failures: [state.fatal] });
    if (state.denied.length > 0) return E.left({ _tag: 'SnapshotTakeError', failures: state.denied });
    const missing = SNAPSHOT_PERMISSIONS.filter((p) => results.some((r) => r.capture.missing.includes(p)));
    const document: VpcwhySnapshotDocument = {
      VpcwhySnapshot: { version: SNAPSHOT_VERSION, capturedAt: started.toISOString(), regions, missing },
      Regions: Object.fromEntries(results.map((r) => [r.capture.region, r.sections])),
    };
    return E.right({ document, regions: results.map((r) => r.capture), elapsedMs: performance.now() - t0 });
  };
}
