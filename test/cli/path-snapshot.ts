/**
 * A hand-written snapshot for the path-semantics tests (issue 19), as the AWS CLI prints describe-* output,
 * with parts to change per test. One VPC vpc-1 10.0.0.0/16 (+ 2600:1f18:1:100::/56):
 * - subnet-pub 10.0.2.0/24 (0.0.0.0/0 and ::/0 -> igw-1): eni-web 10.0.2.10 (54.1.2.3), secondaries
 *   10.0.2.11 (its own Elastic IP 54.1.2.4) and 10.0.2.12 (none), IPv6 2600:1f18:1:102::10; eni-app 10.0.2.20
 *   (54.1.2.20), whose group admits tcp/443 from 54.1.2.3/32 and 3.3.3.3/32 only; NAT gateway nat-1
 *   (eni-nat, 10.0.2.5, public 3.3.3.3);
 * - subnet-priv 10.0.1.0/24 (0.0.0.0/0 -> nat-1): eni-db 10.0.1.10, with a public IP 54.1.2.30 that is
 *   not used (its subnet has no internet route);
 * - subnet-fw 10.0.3.0/24: eni-fw 10.0.3.10, an appliance (instance i-fw);
 * and vpc-2 10.1.0.0/16 over pcx-1, with eni-peer 10.1.0.10 in subnet-peer.
 * Groups are open (all traffic both ways) unless a test changes them; NACLs allow all.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, expect } from 'vitest';
import { runCli } from './run-cli.js';
import { validateTrace } from './schemas.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'vpcwhy-path-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Json = Record<string, unknown>;

export const OPEN = [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }], Ipv6Ranges: [{ CidrIpv6: '::/0' }] }];

export function group(id: string, inbound: unknown[] = OPEN, outbound: unknown[] = OPEN, vpcId = 'vpc-1'): Json {
  return { GroupId: id, GroupName: id, VpcId: vpcId, IpPermissions: inbound, IpPermissionsEgress: outbound };
}

export const ALLOW_ALL = [
  { RuleNumber: 100, Protocol: '-1', RuleAction: 'allow', Egress: false, CidrBlock: '0.0.0.0/0' },
  { RuleNumber: 100, Protocol: '-1', RuleAction: 'allow', Egress: true, CidrBlock: '0.0.0.0/0' },
  { RuleNumber: 101, Protocol: '-1', RuleAction: 'allow', Egress: false, Ipv6CidrBlock: '::/0' },
  { RuleNumber: 101, Protocol: '-1', RuleAction: 'allow', Egress: true, Ipv6CidrBlock: '::/0' },
];

export function acl(id: string, subnets: string[], entries: unknown[] = ALLOW_ALL, vpcId = 'vpc-1'): Json {
  return { NetworkAclId: id, VpcId: vpcId, IsDefault: false, Associations: subnets.map((s) => ({ SubnetId: s })), Entries: entries };
}

const local = [
  { DestinationCidrBlock: '10.0.0.0/16', GatewayId: 'local', State: 'active' },
  { DestinationIpv6CidrBlock: '2600:1f18:1:100::/56', GatewayId: 'local', State: 'active' },
];

export function table(id: string, subnet: string, routes: unknown[], vpcId = 'vpc-1'): Json {
  return { RouteTableId: id, VpcId: vpcId, Associations: [{ SubnetId: subnet }], Routes: [...(vpcId === 'vpc-1' ? local : [{ DestinationCidrBlock: '10.1.0.0/16', GatewayId: 'local', State: 'active' }]), ...routes] };
}

export interface Parts {
  groups?: Json[];
  acls?: Json[];
  /** Routes of each table besides the local ones, by table id (rtb-pub, rtb-priv, rtb-fw, rtb-peer). */
  routes?: Partial<Record<'rtb-pub' | 'rtb-priv' | 'rtb-fw' | 'rtb-peer', unknown[]>>;
  /** Fields merged into an interface, by id. */
  eni?: Record<string, Json>;
  nat?: Json;
  extra?: Json;
  /** Changes the whole document last (more subnets, Availability Zones, another VPC CIDR ...). */
  edit?: (doc: Json) => void;
}

export const DEFAULT_ROUTES = {
  'rtb-pub': [
    { DestinationCidrBlock: '0.0.0.0/0', GatewayId: 'igw-1', State: 'active' },
    { DestinationIpv6CidrBlock: '::/0', GatewayId: 'igw-1', State: 'active' },
    { DestinationCidrBlock: '10.1.0.0/16', VpcPeeringConnectionId: 'pcx-1', State: 'active' },
  ],
  'rtb-priv': [
    { DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: 'nat-1', State: 'active' },
    { DestinationCidrBlock: '10.1.0.0/16', VpcPeeringConnectionId: 'pcx-1', State: 'active' },
  ],
  'rtb-fw': [{ DestinationCidrBlock: '0.0.0.0/0', GatewayId: 'igw-1', State: 'active' }],
  'rtb-peer': [{ DestinationCidrBlock: '10.0.0.0/16', VpcPeeringConnectionId: 'pcx-1', State: 'active' }],
};

let n = 0;
export function snapshot(parts: Parts = {}): string {
  const routes = { ...DEFAULT_ROUTES, ...parts.routes };
  const eni = (id: string, base: Json): Json => ({ NetworkInterfaceId: id, VpcId: 'vpc-1', Groups: [{ GroupId: 'sg-open' }], ...base, ...(parts.eni?.[id] ?? {}) });
  const doc = {
    Vpcs: [
      { VpcId: 'vpc-1', CidrBlock: '10.0.0.0/16', Ipv6CidrBlockAssociationSet: [{ Ipv6CidrBlock: '2600:1f18:1:100::/56' }] },
      { VpcId: 'vpc-2', CidrBlock: '10.1.0.0/16' },
    ],
    Subnets: [
      { SubnetId: 'subnet-pub', VpcId: 'vpc-1', CidrBlock: '10.0.2.0/24', Ipv6CidrBlockAssociationSet: [{ Ipv6CidrBlock: '2600:1f18:1:102::/64' }] },
      { SubnetId: 'subnet-priv', VpcId: 'vpc-1', CidrBlock: '10.0.1.0/24' },
      { SubnetId: 'subnet-fw', VpcId: 'vpc-1', CidrBlock: '10.0.3.0/24' },
      { SubnetId: 'subnet-peer', VpcId: 'vpc-2', CidrBlock: '10.1.0.0/24' },
    ],
    InternetGateways: [{ InternetGatewayId: 'igw-1', Attachments: [{ VpcId: 'vpc-1', State: 'available' }] }],
    NatGateways: [
      {
        NatGatewayId: 'nat-1',
        VpcId: 'vpc-1',
        SubnetId: 'subnet-pub',
        State: 'available',
        ConnectivityType: 'public',
        NatGatewayAddresses: [{ NetworkInterfaceId: 'eni-nat', PrivateIp: '10.0.2.5', PublicIp: '3.3.3.3' }],
        ...(parts.nat ?? {}),
      },
    ],
    VpcPeeringConnections: [
      {
        VpcPeeringConnectionId: 'pcx-1',
        Status: { Code: 'active' },
        RequesterVpcInfo: { VpcId: 'vpc-1', CidrBlock: '10.0.0.0/16', CidrBlockSet: [{ CidrBlock: '10.0.0.0/16' }] },
        AccepterVpcInfo: { VpcId: 'vpc-2', CidrBlock: '10.1.0.0/16', CidrBlockSet: [{ CidrBlock: '10.1.0.0/16' }] },
      },
    ],
    RouteTables: [
      table('rtb-pub', 'subnet-pub', routes['rtb-pub']),
      table('rtb-priv', 'subnet-priv', routes['rtb-priv']),
      table('rtb-fw', 'subnet-fw', routes['rtb-fw']),
      table('rtb-peer', 'subnet-peer', routes['rtb-peer'], 'vpc-2'),
    ],
    SecurityGroups: parts.groups ?? [
      group('sg-open'),
      group('sg-app', [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '54.1.2.3/32' }, { CidrIp: '3.3.3.3/32' }] }]),
      group('sg-peer', OPEN, OPEN, 'vpc-2'),
    ],
    NetworkAcls: parts.acls ?? [acl('acl-1', ['subnet-pub', 'subnet-priv', 'subnet-fw']), acl('acl-2', ['subnet-peer'], ALLOW_ALL, 'vpc-2')],
    NetworkInterfaces: [
      eni('eni-web', {
        SubnetId: 'subnet-pub',
        PrivateIpAddress: '10.0.2.10',
        Association: { PublicIp: '54.1.2.3' },
        PrivateIpAddresses: [
          { PrivateIpAddress: '10.0.2.10', Primary: true, Association: { PublicIp: '54.1.2.3' } },
          { PrivateIpAddress: '10.0.2.11', Primary: false, Association: { PublicIp: '54.1.2.4' } },
          { PrivateIpAddress: '10.0.2.12', Primary: false },
        ],
        Ipv6Addresses: [{ Ipv6Address: '2600:1f18:1:102::10' }],
      }),
      eni('eni-app', {
        SubnetId: 'subnet-pub',
        PrivateIpAddress: '10.0.2.20',
        Association: { PublicIp: '54.1.2.20' },
        PrivateIpAddresses: [{ PrivateIpAddress: '10.0.2.20', Primary: true, Association: { PublicIp: '54.1.2.20' } }],
        Groups: [{ GroupId: 'sg-app' }],
      }),
      eni('eni-nat', { SubnetId: 'subnet-pub', PrivateIpAddress: '10.0.2.5', InterfaceType: 'nat_gateway', RequesterManaged: true, Groups: [], Association: { PublicIp: '3.3.3.3' }, PrivateIpAddresses: [{ PrivateIpAddress: '10.0.2.5', Primary: true, Association: { PublicIp: '3.3.3.3' } }] }),
      eni('eni-db', {
        SubnetId: 'subnet-priv',
        PrivateIpAddress: '10.0.1.10',
        Association: { PublicIp: '54.1.2.30' },
        PrivateIpAddresses: [{ PrivateIpAddress: '10.0.1.10', Primary: true, Association: { PublicIp: '54.1.2.30' } }],
      }),
      eni('eni-fw', { SubnetId: 'subnet-fw', PrivateIpAddress: '10.0.3.10', Attachment: { InstanceId: 'i-fw' }, SourceDestCheck: false }),
      eni('eni-peer', { SubnetId: 'subnet-peer', VpcId: 'vpc-2', PrivateIpAddress: '10.1.0.10', Groups: [{ GroupId: 'sg-peer' }] }),
    ],
    ...(parts.extra ?? {}),
  };
  parts.edit?.(doc as Json);
  const file = path.join(dir, `p${n++}.json`);
  writeFileSync(file, JSON.stringify(doc));
  return file;
}

export interface Traced {
  code: number;
  json: {
    reachable: boolean;
    blockedBy: Record<string, unknown> | null;
    hops: Array<Record<string, unknown> & { component: string; path: string; decision: string; evidence: string }>;
    explanation: string;
    notes: string[];
    packet: string;
  };
  stderr: string;
}

export async function trace(file: string, from: string, to: string, proto: string[] = ['--protocol', 'tcp', '--port', '443']): Promise<Traced> {
  const r = await runCli(['trace', '--snapshot', file, '--from', from, '--to', to, ...proto, '--format', 'json']);
  expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
  if (r.code === 2) return { code: 2, json: null as unknown as Traced['json'], stderr: r.stderr };
  const json = JSON.parse(r.stdout) as Traced['json'];
  expect(validateTrace(json), JSON.stringify(validateTrace.errors)).toBe(true);
  return { code: r.code, json, stderr: r.stderr };
}

/** `component:id-or-eni` of each hop of a leg. */
export function legOf(t: Traced, leg: 'forward' | 'return'): string[] {
  return t.json.hops.filter((h) => h.path === leg).map((h) => `${h.component}:${String(h['id'] ?? h['eni'] ?? h['subnet'] ?? '')}`);
}

/** Writes flow-log lines (default format, version 2) and explains them as JSONL. */
export async function explain(file: string, lines: string[]): Promise<Array<Record<string, unknown>>> {
  const log = path.join(dir, `f${n++}.log`);
  writeFileSync(log, `${lines.join('\n')}\n`);
  const r = await runCli(['explain', '--snapshot', file, '--format', 'jsonl', '--all', log]);
  expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
  return r.stdout.trim().split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>);
}
