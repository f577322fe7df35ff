/**
 * The snapshot taker (src/aws/snapshot-taker.ts) with the real EC2 SDK client against a fake EC2 endpoint:
 * pagination, page sizes, bounded concurrency, retries on throttling, prefix-list entries, denied calls,
 * and real EC2 XML responses.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as nodePath from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { decodeSnapshotDocuments } from '../../src/aws/load-snapshot.js';
import { SNAPSHOT_PERMISSIONS, type TakeSnapshotOptions, type TakenSnapshot, takeSnapshot } from '../../src/aws/snapshot-taker.js';
import { E } from '../../src/fp.js';
import type { Snapshot } from '../../src/model/snapshot.js';
import { CORPUS } from '../aws/support.js';
import { type FakeAccount, type FakeEc2, type FakeEc2Options, type JsonItem, startFakeEc2 } from './fake-ec2.js';
import { threeTierAccount, useFakeAwsEnvironment } from './support.js';

const fakes: FakeEc2[] = [];

beforeEach(() => {
  useFakeAwsEnvironment(mkdtempSync(nodePath.join(tmpdir(), 'vpcwhy-taker-')));
});

afterEach(async () => {
  vi.unstubAllEnvs();
  await Promise.all(fakes.splice(0).map((f) => f.close()));
});

async function fake(options: FakeEc2Options): Promise<FakeEc2> {
  const f = await startFakeEc2(options);
  fakes.push(f);
  return f;
}

async function take(ec2: FakeEc2, opts: Partial<TakeSnapshotOptions> = {}): Promise<TakenSnapshot> {
  const r = await takeSnapshot({ regions: ['us-east-1'], endpointUrl: ec2.url, ...opts })();
  if (E.isLeft(r)) throw new Error(`snapshot failed: ${JSON.stringify(r.left)}`);
  return r.right;
}

function decode(taken: TakenSnapshot): Snapshot {
  const r = decodeSnapshotDocuments([{ file: 'live', json: taken.document }]);
  if (E.isLeft(r)) throw new Error(JSON.stringify(r.left.problems));
  return r.right;
}

const callsOf = (ec2: FakeEc2, action: string) => ec2.calls.filter((c) => c.action === action);

function manyEnis(n: number): JsonItem[] {
  return Array.from({ length: n }, (_, i) => {
    const ip = `10.${Math.floor(i / 250)}.${i % 250}.10`;
    return {
      NetworkInterfaceId: `eni-${i.toString(16).padStart(17, '0')}`,
      SubnetId: 'subnet-0big00000000001',
      VpcId: 'vpc-0big000000000001',
      InterfaceType: 'interface',
      Status: 'in-use',
      RequesterManaged: false,
      SourceDestCheck: true,
      Groups: [{ GroupId: 'sg-0big000000000001', GroupName: 'big' }],
      PrivateIpAddress: ip,
      PrivateIpAddresses: [{ Primary: true, PrivateIpAddress: ip }],
      Ipv6Addresses: [],
      TagSet: [],
    };
  });
}

const BIG_ACCOUNT = (n: number): FakeAccount => ({
  Vpcs: [{ VpcId: 'vpc-0big000000000001', CidrBlock: '10.0.0.0/8' }],
  Subnets: [{ SubnetId: 'subnet-0big00000000001', VpcId: 'vpc-0big000000000001', CidrBlock: '10.0.0.0/8' }],
  SecurityGroups: [{ GroupId: 'sg-0big000000000001', GroupName: 'big', VpcId: 'vpc-0big000000000001', IpPermissions: [], IpPermissionsEgress: [] }],
  NetworkInterfaces: manyEnis(n),
});

describe('the snapshot taker against a fake EC2 endpoint', () => {
  it('follows NextToken across several pages of every describe call', async () => {
    const ec2 = await fake({ regions: { 'us-east-1': threeTierAccount() }, pageLimit: 2 });
    const taken = await take(ec2);
    const region = taken.document.Regions['us-east-1'];
    const account = threeTierAccount();
    expect(region?.NetworkInterfaces).toEqual(account.NetworkInterfaces);
    expect(region?.NetworkAcls).toEqual(account.NetworkAcls);
    expect(region?.Subnets).toEqual(account.Subnets);
    // 5 ENIs at 2 a page: 3 calls, the later two with the token of the one before.
    const eniCalls = callsOf(ec2, 'DescribeNetworkInterfaces');
    expect(eniCalls.map((c) => c.params.NextToken)).toEqual([undefined, 'fake-ec2-token:DescribeNetworkInterfaces:2', 'fake-ec2-token:DescribeNetworkInterfaces:4']);
    expect(callsOf(ec2, 'DescribeNetworkAcls')).toHaveLength(2);
    expect(callsOf(ec2, 'DescribeVpcs')).toHaveLength(1);
    expect(taken.regions[0]?.calls).toBe(ec2.calls.length);
  });

  it('asks each API for the largest page EC2 allows (the fake rejects MaxResults out of range)', async () => {
    const ec2 = await fake({ regions: { 'us-east-1': threeTierAccount() } });
    await take(ec2);
    const max = (action: string) => callsOf(ec2, action)[0]?.params.MaxResults;
    expect(max('DescribeVpcs')).toBe('1000');
    expect(max('DescribeNetworkInterfaces')).toBe('1000');
    expect(max('DescribeRouteTables')).toBe('100');
    expect(max('DescribeManagedPrefixLists')).toBe('100');
    expect(max('GetManagedPrefixListEntries')).toBe('100');
    expect(ec2.calls.every((c) => c.status === 200)).toBe(true);
  });

  it('reads 3000 network interfaces in three pages of 1000', async () => {
    const ec2 = await fake({ regions: { 'us-east-1': BIG_ACCOUNT(3000) } });
    const taken = await take(ec2);
    expect(callsOf(ec2, 'DescribeNetworkInterfaces').map((c) => c.params.MaxResults)).toEqual(['1000', '1000', '1000']);
    expect(taken.regions[0]?.counts.NetworkInterfaces).toBe(3000);
    const s = decode(taken);
    expect(s.enis).toHaveLength(3000);
    expect(s.enis[2999]?.primaryPrivateIp).not.toBeNull();
  });

  it('reads a single page of 3000 items from a server that ignores MaxResults', async () => {
    const ec2 = await fake({ regions: { 'us-east-1': BIG_ACCOUNT(3000) }, ignoreMaxResults: true });
    const taken = await take(ec2);
    expect(callsOf(ec2, 'DescribeNetworkInterfaces')).toHaveLength(1);
    expect(decode(taken).enis).toHaveLength(3000);
  });

  it('attaches GetManagedPrefixListEntries (all pages) as Entries of each list, except AWS lists DescribePrefixLists gave in full', async () => {
    const entries = Array.from({ length: 250 }, (_, i) => ({ Cidr: `198.18.${i}.0/24`, Description: `office ${i}` }));
    const ec2 = await fake({
      regions: {
        'us-east-1': {
          ManagedPrefixLists: [
            { PrefixListId: 'pl-0offices000000001', PrefixListName: 'offices', AddressFamily: 'IPv4', OwnerId: '123456789012', MaxEntries: 300, Entries: entries },
            { PrefixListId: 'pl-63a5400a', PrefixListName: 'com.amazonaws.us-east-1.s3', AddressFamily: 'IPv4', OwnerId: 'AWS', Entries: [{ Cidr: '52.216.0.0/15' }] },
            { PrefixListId: 'pl-3b927c52', PrefixListName: 'com.amazonaws.global.cloudfront.origin-facing', AddressFamily: 'IPv4', OwnerId: 'AWS', Entries: [{ Cidr: '120.52.22.96/27' }] },
          ],
          PrefixLists: [{ PrefixListId: 'pl-63a5400a', PrefixListName: 'com.amazonaws.us-east-1.s3', Cidrs: ['52.216.0.0/15', '54.231.0.0/16'] }],
        },
      },
    });
    const taken = await take(ec2);
    const entryCalls = callsOf(ec2, 'GetManagedPrefixListEntries');
    expect(entryCalls.filter((c) => c.params.PrefixListId === 'pl-0offices000000001')).toHaveLength(3);
    expect(entryCalls.filter((c) => c.params.PrefixListId === 'pl-3b927c52')).toHaveLength(1);
    expect(entryCalls.filter((c) => c.params.PrefixListId === 'pl-63a5400a')).toHaveLength(0);
    const lists = taken.document.Regions['us-east-1']?.ManagedPrefixLists as JsonItem[];
    expect(lists[0]?.Entries).toEqual(entries);
    expect(lists[1]).not.toHaveProperty('Entries');

    const s = decode(taken);
    const byId = new Map(s.prefixLists.map((pl) => [pl.id, pl]));
    expect(byId.get('pl-0offices000000001')?.entries).toHaveLength(250);
    expect(byId.get('pl-63a5400a')?.entries?.map((c) => c.text)).toEqual(['52.216.0.0/15', '54.231.0.0/16']);
    expect(byId.get('pl-63a5400a')?.ownerId).toBe('AWS');
    expect(byId.get('pl-3b927c52')?.entries?.map((c) => c.text)).toEqual(['120.52.22.96/27']);
    expect(s.warnings).toEqual([]);
  });

  it('makes at most 4 calls at a time per region', async () => {
    const ec2 = await fake({ regions: { 'us-east-1': threeTierAccount(), 'eu-west-1': threeTierAccount() }, delayMs: 15 });
    await take(ec2, { regions: ['us-east-1', 'eu-west-1'] });
    expect(ec2.maxInFlight.get('us-east-1')).toBe(4);
    expect(ec2.maxInFlight.get('eu-west-1')).toBe(4);
  });

  it('retries calls answered with HTTP 503 RequestLimitExceeded, with backoff, and completes the snapshot', async () => {
    const ec2 = await fake({ regions: { 'us-east-1': threeTierAccount() }, faults: [{ code: 'RequestLimitExceeded', status: 503, times: 3, message: 'Request limit exceeded.' }] });
    const taken = await take(ec2);
    const throttled = ec2.calls.filter((c) => c.status === 503);
    expect(throttled).toHaveLength(3);
    for (const t of throttled) {
      // Each throttled call was made again, and that time it succeeded.
      expect(ec2.calls.filter((c) => c.action === t.action && c.status === 200).length).toBeGreaterThan(0);
    }
    expect(taken.regions[0]?.retries).toBe(3);
    expect(decode(taken).enis).toHaveLength(5);
  });

  it('gives up when a call is still throttled after maxAttempts, naming it', async () => {
    const ec2 = await fake({ regions: { 'us-east-1': threeTierAccount() }, faults: [{ action: 'DescribeVpcs', code: 'RequestLimitExceeded', status: 503 }] });
    const r = await takeSnapshot({ regions: ['us-east-1'], endpointUrl: ec2.url, maxAttempts: 2 })();
    expect(E.isLeft(r) && r.left.failures).toEqual([expect.objectContaining({ kind: 'throttled', permission: 'ec2:DescribeVpcs', code: 'RequestLimitExceeded', region: 'us-east-1' })]);
    expect(callsOf(ec2, 'DescribeVpcs')).toHaveLength(2);
  });

  it('with allowPartial, a denied GetManagedPrefixListEntries keeps the lists without entries and records it', async () => {
    const ec2 = await fake({
      regions: { 'us-east-1': threeTierAccount() },
      faults: [{ action: 'GetManagedPrefixListEntries', code: 'UnauthorizedOperation', status: 403 }],
    });
    const taken = await take(ec2, { allowPartial: true });
    expect(taken.document.VpcwhySnapshot.missing).toEqual(['ec2:GetManagedPrefixListEntries']);
    const s = decode(taken);
    expect(s.meta.missing).toEqual(['ec2:GetManagedPrefixListEntries']);
    expect(s.prefixLists.map((pl) => pl.entries)).toEqual([null]);
    expect(s.warnings.some((w) => w.message.includes('pl-0corp00000000001') && w.message.includes('entries are not in the snapshot'))).toBe(true);
  });

  it('reads transit gateways (attachments, VPC attachments, route tables with their routes and propagations), egress-only gateways and VPC endpoints, as the AWS CLI prints them', async () => {
    const ec2 = await fake({ regions: { 'us-east-1': tgwAccount() }, pageLimit: 1 });
    const taken = await take(ec2);
    const region = taken.document.Regions['us-east-1'];
    expect(region?.TransitGatewayStaticRoutes).toEqual([{ TransitGatewayRouteTableId: 'tgw-rtb-0a', Routes: tgwAccount().TransitGatewayRouteTables![0]!.Routes }]);
    expect(callsOf(ec2, 'SearchTransitGatewayRoutes').map((c) => [c.params.TransitGatewayRouteTableId, c.params['Filter.1.Name']])).toEqual([['tgw-rtb-0a', 'state'], ['tgw-rtb-0a', 'state']]);
    expect(taken.regions[0]?.counts.TransitGatewayAttachments).toBe(2);
    const s = decode(taken);
    expect(s.warnings).toEqual([]);
    expect(s.meta.sections).toEqual(expect.arrayContaining(['TransitGateways', 'TransitGatewayAttachments', 'TransitGatewayVpcAttachments', 'TransitGatewayRouteTables', 'TransitGatewayStaticRoutes', 'TransitGatewayPropagations', 'EgressOnlyInternetGateways', 'VpcEndpoints']));
    expect(s.transitGatewayAttachments.map((a) => [a.id, a.resourceId, a.routeTableId, a.subnetIds, a.applianceMode])).toEqual([
      ['tgw-attach-0a', 'vpc-0a', 'tgw-rtb-0a', ['subnet-0a1', 'subnet-0a2'], true],
      ['tgw-attach-0b', 'vpc-0b', 'tgw-rtb-0a', ['subnet-0b1'], false],
    ]);
    const rt = s.transitGatewayRouteTables[0];
    expect([rt?.id, rt?.transitGatewayId, rt?.propagations]).toEqual(['tgw-rtb-0a', 'tgw-0a', ['tgw-attach-0a']]);
    expect(rt?.routes?.map((r) => [r.destination.kind === 'cidr' ? r.destination.cidr.text : '', r.type, r.state, r.attachmentIds])).toEqual([
      ['10.0.0.0/16', 'propagated', 'active', ['tgw-attach-0a']],
      ['10.9.0.0/16', 'static', 'blackhole', []],
    ]);
    expect(s.egressOnlyInternetGateways.map((g) => [g.id, g.vpcIds])).toEqual([['eigw-0a', ['vpc-0a']]]);
    expect(s.vpcEndpoints.map((e) => [e.id, e.type, e.serviceName, e.routeTableIds, e.subnetIds, e.groupIds, e.eniIds])).toEqual([
      ['vpce-0s3', 'Gateway', 'com.amazonaws.us-east-1.s3', ['rtb-0a'], [], [], []],
      ['vpce-0ssm', 'Interface', 'com.amazonaws.us-east-1.ssm', [], ['subnet-0a1'], ['sg-0ssm'], ['eni-0ssm']],
    ]);
  });

  it('names every permission it used in SNAPSHOT_PERMISSIONS (the README IAM policy)', async () => {
    const ec2 = await fake({ regions: { 'us-east-1': { ...threeTierAccount(), ...tgwAccount() } } });
    await take(ec2);
    expect(new Set(ec2.calls.map((c) => `ec2:${c.action}`))).toEqual(new Set(SNAPSHOT_PERMISSIONS));
  });

  it("is matched by the README's IAM policy: its VpcwhySnapshot statement lists exactly SNAPSHOT_PERMISSIONS", () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const statement = /"Sid": "VpcwhySnapshot"[^}]*"Action": \[([^\]]*)\]/.exec(readme)?.[1] ?? '';
    expect(new Set(statement.match(/ec2:\w+/g))).toEqual(new Set(SNAPSHOT_PERMISSIONS));
  });

  it('reads VPN connections with their static routes, and leaves the pre-shared keys of CustomerGatewayConfiguration out', async () => {
    const vpn: JsonItem = {
      VpnConnectionId: 'vpn-05044757278685fd3',
      VpnGatewayId: 'vgw-070087240d6fa2989',
      CustomerGatewayId: 'cgw-0e0d620a3ae284684',
      CustomerGatewayConfiguration: '<vpn_connection><pre_shared_key>secret</pre_shared_key></vpn_connection>',
      State: 'available',
      Type: 'ipsec.1',
      Options: { StaticRoutesOnly: true },
      Routes: [{ DestinationCidrBlock: '19.168.0.0/16', State: 'available' }],
    };
    const ec2 = await fake({ regions: { 'us-east-1': { VpnConnections: [vpn] } } });
    const taken = await take(ec2);
    const { CustomerGatewayConfiguration: _secret, ...rest } = vpn;
    expect(taken.document.Regions['us-east-1']?.VpnConnections).toEqual([rest]);
    expect(JSON.stringify(taken.document)).not.toContain('pre_shared_key');
    const [decoded] = decode(taken).vpnConnections;
    expect([decoded?.vpnGatewayId, decoded?.staticRoutesOnly, decoded?.staticRoutes.map((c) => c.text)]).toEqual(['vgw-070087240d6fa2989', true, ['19.168.0.0/16']]);
  });

  it('reads real EC2 XML responses (Apache Libcloud and boto fixtures) into a snapshot that loads', async () => {
    const xml = (name: string) => readFileSync(nodePath.join('test/fixtures/ec2-xml', name), 'utf8');
    const ec2 = await fake({
      regions: { 'us-east-1': {} },
      rawResponses: {
        DescribeVpcs: xml('libcloud-describe_vpcs.xml'),
        DescribeSubnets: xml('libcloud-describe_subnets.xml'),
        DescribeSecurityGroups: xml('libcloud-describe_security_groups.xml'),
        DescribeNetworkInterfaces: xml('libcloud-describe_network_interfaces.xml'),
        DescribeInternetGateways: xml('libcloud-describe_internet_gateways.xml'),
        DescribeInstances: xml('libcloud-describe_instances.xml'),
        DescribeNetworkAcls: xml('boto-describe_network_acls.xml'),
        DescribeRouteTables: xml('boto-describe_route_tables.xml'),
      },
    });
    const taken = await take(ec2);
    const s = decode(taken);
    expect(s.vpcs.map((v) => v.id)).toEqual(['vpc-532335e1', 'vpc-62ded30e']);
    expect(s.vpcs[1]?.name).toBe('Test VPC');
    expect(s.networkAcls.map((a) => a.id)).toEqual(['acl-5566953c', 'acl-5d659634']);
    expect(s.networkAcls[1]?.subnetIds).toEqual(['subnet-ff669596', 'subnet-f0669599']);
    expect(s.routeTables.map((t) => t.id)).toEqual(['rtb-13ad487a', 'rtb-f9ad4890']);
    expect(s.enis.map((e) => e.id)).toContain('eni-18e6c05e');
    expect(s.securityGroups.map((g) => g.id)).toContain('sg-443d0a12');
    expect(s.instances.length).toBeGreaterThan(0);
  });
});

/** Directories of Batfish's real describe-* JSON (Apache-2.0) in the shared corpus, when it is present. */
function batfishRegionDirs(): string[] {
  const root = nodePath.join(CORPUS, 'batfish');
  if (!existsSync(root)) return [];
  const out: string[] = [];
  const walk = (dir: string): void => {
    const entries = readdirSync(dir, { withFileTypes: true });
    if (entries.some((e) => e.isFile() && (e.name === 'NetworkInterfaces.json' || e.name === 'SecurityGroups.json'))) out.push(dir);
    for (const e of entries) if (e.isDirectory()) walk(nodePath.join(dir, e.name));
  };
  walk(root);
  return out.sort();
}

const SERVED_KEYS = ['Vpcs', 'Subnets', 'SecurityGroups', 'NetworkAcls', 'RouteTables', 'NetworkInterfaces', 'PrefixLists', 'InternetGateways', 'NatGateways', 'VpcPeeringConnections', 'Reservations', 'FlowLogs'] as const;

/** AWS CLI timestamps (`2020-05-09 05:01:39+00:00`) and the SDK's (ISO 8601 UTC) compared as instants. */
function normalizeTimes(v: unknown): unknown {
  if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}/.test(v)) return new Date(v.replace(' ', 'T')).toISOString();
  if (Array.isArray(v)) return v.map(normalizeTimes);
  if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, normalizeTimes(x)]));
  return v;
}

const batfishDirs = batfishRegionDirs();

describe.skipIf(batfishDirs.length === 0)('conformance on the Batfish snapshots of ../shared/corpus', () => {
  it(`reproduces the AWS CLI JSON of each of ${batfishDirs.length} real accounts through EC2 XML and the SDK`, async () => {
    for (const dir of batfishDirs) {
      const account: FakeAccount = {};
      for (const key of SERVED_KEYS) {
        const file = nodePath.join(dir, `${key}.json`);
        if (!existsSync(file)) continue;
        const json = JSON.parse(readFileSync(file, 'utf8')) as Record<string, JsonItem[]>;
        if (Array.isArray(json[key])) account[key] = json[key];
      }
      const ec2 = await fake({ regions: { 'us-east-1': account } });
      const taken = await take(ec2);
      const region = taken.document.Regions['us-east-1'] ?? {};
      for (const key of Object.keys(account) as (keyof FakeAccount)[]) {
        expect(normalizeTimes(region[key]), `${dir} ${key}`).toEqual(normalizeTimes(account[key]));
      }
      expect(E.isRight(decodeSnapshotDocuments([{ file: dir, json: taken.document }])), dir).toBe(true);
    }
  });
});

/** Transit gateway, egress-only gateway and endpoint outputs as the AWS CLI prints them. */
function tgwAccount(): FakeAccount {
  return {
    TransitGateways: [{ TransitGatewayId: 'tgw-0a', TransitGatewayArn: 'arn:aws:ec2:us-east-1:123456789012:transit-gateway/tgw-0a', State: 'available', OwnerId: '123456789012', CreationTime: '2026-01-01T00:00:00.000Z', Options: { AmazonSideAsn: 64512, DefaultRouteTableAssociation: 'enable', AssociationDefaultRouteTableId: 'tgw-rtb-0a', DefaultRouteTablePropagation: 'enable', PropagationDefaultRouteTableId: 'tgw-rtb-0a', VpnEcmpSupport: 'enable', DnsSupport: 'enable' }, Tags: [{ Key: 'Name', Value: 'hub' }] }],
    TransitGatewayAttachments: [
      { TransitGatewayAttachmentId: 'tgw-attach-0a', TransitGatewayId: 'tgw-0a', TransitGatewayOwnerId: '123456789012', ResourceOwnerId: '123456789012', ResourceType: 'vpc', ResourceId: 'vpc-0a', State: 'available', Association: { TransitGatewayRouteTableId: 'tgw-rtb-0a', State: 'associated' }, CreationTime: '2026-01-01T00:00:00.000Z', Tags: [] },
      { TransitGatewayAttachmentId: 'tgw-attach-0b', TransitGatewayId: 'tgw-0a', TransitGatewayOwnerId: '123456789012', ResourceOwnerId: '123456789012', ResourceType: 'vpc', ResourceId: 'vpc-0b', State: 'available', Association: { TransitGatewayRouteTableId: 'tgw-rtb-0a', State: 'associated' }, CreationTime: '2026-01-01T00:00:00.000Z', Tags: [] },
    ],
    TransitGatewayVpcAttachments: [
      { TransitGatewayAttachmentId: 'tgw-attach-0a', TransitGatewayId: 'tgw-0a', VpcId: 'vpc-0a', VpcOwnerId: '123456789012', State: 'available', SubnetIds: ['subnet-0a1', 'subnet-0a2'], CreationTime: '2026-01-01T00:00:00.000Z', Options: { DnsSupport: 'enable', SecurityGroupReferencingSupport: 'disable', Ipv6Support: 'disable', ApplianceModeSupport: 'enable' }, Tags: [] },
      { TransitGatewayAttachmentId: 'tgw-attach-0b', TransitGatewayId: 'tgw-0a', VpcId: 'vpc-0b', VpcOwnerId: '123456789012', State: 'available', SubnetIds: ['subnet-0b1'], CreationTime: '2026-01-01T00:00:00.000Z', Options: { DnsSupport: 'enable', SecurityGroupReferencingSupport: 'disable', Ipv6Support: 'disable', ApplianceModeSupport: 'disable' }, Tags: [] },
    ],
    TransitGatewayRouteTables: [{
      TransitGatewayRouteTableId: 'tgw-rtb-0a', TransitGatewayId: 'tgw-0a', State: 'available', DefaultAssociationRouteTable: true, DefaultPropagationRouteTable: true, CreationTime: '2026-01-01T00:00:00.000Z', Tags: [],
      Routes: [
        { DestinationCidrBlock: '10.0.0.0/16', TransitGatewayAttachments: [{ ResourceId: 'vpc-0a', TransitGatewayAttachmentId: 'tgw-attach-0a', ResourceType: 'vpc' }], Type: 'propagated', State: 'active' },
        { DestinationCidrBlock: '10.9.0.0/16', Type: 'static', State: 'blackhole' },
      ],
      TransitGatewayRouteTablePropagations: [{ TransitGatewayAttachmentId: 'tgw-attach-0a', ResourceId: 'vpc-0a', ResourceType: 'vpc', State: 'enabled' }],
    }],
    EgressOnlyInternetGateways: [{ Attachments: [{ State: 'attached', VpcId: 'vpc-0a' }], EgressOnlyInternetGatewayId: 'eigw-0a', Tags: [] }],
    VpcEndpoints: [
      { VpcEndpointId: 'vpce-0s3', VpcEndpointType: 'Gateway', VpcId: 'vpc-0a', ServiceName: 'com.amazonaws.us-east-1.s3', State: 'available', PolicyDocument: '{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}', RouteTableIds: ['rtb-0a'], SubnetIds: [], Groups: [], PrivateDnsEnabled: false, RequesterManaged: false, NetworkInterfaceIds: [], DnsEntries: [], CreationTimestamp: '2026-01-01T00:00:00.000Z', Tags: [], OwnerId: '123456789012' },
      { VpcEndpointId: 'vpce-0ssm', VpcEndpointType: 'Interface', VpcId: 'vpc-0a', ServiceName: 'com.amazonaws.us-east-1.ssm', State: 'available', PolicyDocument: '{"Statement":[{"Action":"*","Effect":"Allow","Principal":"*","Resource":"*"}]}', RouteTableIds: [], SubnetIds: ['subnet-0a1'], Groups: [{ GroupId: 'sg-0ssm', GroupName: 'ssm' }], PrivateDnsEnabled: true, RequesterManaged: false, NetworkInterfaceIds: ['eni-0ssm'], DnsEntries: [{ DnsName: 'vpce-0ssm.ssm.us-east-1.vpce.amazonaws.com', HostedZoneId: 'Z7HUB22UULQXV' }], CreationTimestamp: '2026-01-01T00:00:00.000Z', Tags: [], OwnerId: '123456789012' },
    ],
  };
}
