/**
 * Trace on partial snapshots (issue 14): what the configuration implies when a describe-* section is
 * absent, never a wrong blocker. An active route to an igw- target proves the gateway is attached (a route
 * to a detached gateway is a blackhole, ref 6.1); only a listing without the attachment, or a blackhole
 * route, makes it "not attached". An internet host that names an interface by its private IPv4 reaches it
 * at the public address paired with that private address (ref 8.12).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';
import { validateTrace } from './schemas.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'vpcwhy-partial-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Shape {
  /** The InternetGateways section: absent when undefined. */
  igws?: unknown[];
  /** Routes of the public subnet's table besides the local ones. */
  routes?: Array<Record<string, string>>;
  /** The web interface's IPv6 addresses. */
  ipv6?: boolean;
  /** The web interface's public address on its primary private address. */
  publicIp?: boolean;
}

let n = 0;
/** One VPC with a public subnet (web: 10.0.2.10, secondary 10.0.2.11) and a private one (db: 10.0.1.10). */
function snapshot(shape: Shape): string {
  const file = path.join(dir, `s${n++}.json`);
  const open = [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }], Ipv6Ranges: [{ CidrIpv6: '::/0' }] }];
  const web = shape.publicIp === false ? {} : { Association: { PublicIp: '54.1.2.3' } };
  writeFileSync(
    file,
    JSON.stringify({
      Vpcs: [{ VpcId: 'vpc-1', CidrBlock: '10.0.0.0/16', Ipv6CidrBlockAssociationSet: [{ Ipv6CidrBlock: '2600:1f18:1:100::/56', Ipv6CidrBlockState: { State: 'associated' } }] }],
      Subnets: [
        { SubnetId: 'subnet-pub', VpcId: 'vpc-1', CidrBlock: '10.0.2.0/24', Ipv6CidrBlockAssociationSet: [{ Ipv6CidrBlock: '2600:1f18:1:102::/64' }] },
        { SubnetId: 'subnet-priv', VpcId: 'vpc-1', CidrBlock: '10.0.1.0/24' },
      ],
      ...(shape.igws !== undefined ? { InternetGateways: shape.igws } : {}),
      RouteTables: [
        {
          RouteTableId: 'rtb-pub',
          VpcId: 'vpc-1',
          Associations: [{ SubnetId: 'subnet-pub' }],
          Routes: [
            { DestinationCidrBlock: '10.0.0.0/16', GatewayId: 'local', State: 'active' },
            { DestinationIpv6CidrBlock: '2600:1f18:1:100::/56', GatewayId: 'local', State: 'active' },
            ...(shape.routes ?? [{ DestinationCidrBlock: '0.0.0.0/0', GatewayId: 'igw-1', State: 'active' }]),
          ],
        },
        { RouteTableId: 'rtb-priv', VpcId: 'vpc-1', Associations: [{ SubnetId: 'subnet-priv' }], Routes: [{ DestinationCidrBlock: '10.0.0.0/16', GatewayId: 'local', State: 'active' }] },
      ],
      SecurityGroups: [{ GroupId: 'sg-1', GroupName: 'open', VpcId: 'vpc-1', IpPermissions: open, IpPermissionsEgress: open }],
      NetworkAcls: [
        {
          NetworkAclId: 'acl-1',
          VpcId: 'vpc-1',
          IsDefault: true,
          Associations: [{ SubnetId: 'subnet-pub' }, { SubnetId: 'subnet-priv' }],
          Entries: [
            { RuleNumber: 100, Protocol: '-1', RuleAction: 'allow', Egress: false, CidrBlock: '0.0.0.0/0' },
            { RuleNumber: 100, Protocol: '-1', RuleAction: 'allow', Egress: true, CidrBlock: '0.0.0.0/0' },
            { RuleNumber: 101, Protocol: '-1', RuleAction: 'allow', Egress: false, Ipv6CidrBlock: '::/0' },
            { RuleNumber: 101, Protocol: '-1', RuleAction: 'allow', Egress: true, Ipv6CidrBlock: '::/0' },
          ],
        },
      ],
      NetworkInterfaces: [
        {
          NetworkInterfaceId: 'eni-web',
          SubnetId: 'subnet-pub',
          VpcId: 'vpc-1',
          PrivateIpAddress: '10.0.2.10',
          ...web,
          PrivateIpAddresses: [
            { PrivateIpAddress: '10.0.2.10', Primary: true, ...web },
            { PrivateIpAddress: '10.0.2.11', Primary: false },
          ],
          ...(shape.ipv6 ? { Ipv6Addresses: [{ Ipv6Address: '2600:1f18:1:102::10' }] } : {}),
          Groups: [{ GroupId: 'sg-1' }],
        },
        { NetworkInterfaceId: 'eni-db', SubnetId: 'subnet-priv', VpcId: 'vpc-1', PrivateIpAddress: '10.0.1.10', Groups: [{ GroupId: 'sg-1' }] },
      ],
    }),
  );
  return file;
}

async function trace(file: string, from: string, to: string) {
  const r = await runCli(['trace', '--snapshot', file, '--from', from, '--to', to, '--protocol', 'tcp', '--port', '22', '--format', 'json']);
  expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
  const json = JSON.parse(r.stdout);
  expect(validateTrace(json), JSON.stringify(validateTrace.errors)).toBe(true);
  return { code: r.code, json, explanation: json.explanation as string, notes: json.notes as string[] };
}

const attached = [{ InternetGatewayId: 'igw-1', Attachments: [{ VpcId: 'vpc-1', State: 'available' }] }];
const detached = [{ InternetGatewayId: 'igw-1', Attachments: [] }];

describe('internet gateway inferred from an active route when describe-internet-gateways is absent (ref 6.1)', () => {
  it('IPv4: the internet reaches the public address, and the note says the gateway was inferred from the route', async () => {
    const file = snapshot({});
    for (const to of ['54.1.2.3', 'eni-web']) {
      const { code, json, notes } = await trace(file, '203.0.113.5', to);
      expect(code, to).toBe(0);
      expect(json.hops.find((h: { component: string }) => h.component === 'internet-gateway')?.id).toBe('igw-1');
      expect(notes.filter((x) => x.includes('no describe-internet-gateways output'))).toHaveLength(1);
      expect(notes.join(' ')).toContain('0.0.0.0/0 -> igw-1 in rtb-pub');
    }
  });

  it('IPv4 outbound through the inferred gateway is reachable too, with the same note once', async () => {
    const { code, notes } = await trace(snapshot({}), 'eni-web', '203.0.113.5');
    expect(code).toBe(0);
    expect(notes.filter((x) => x.includes('igw-1'))).toHaveLength(1);
  });

  it('with the section listing the gateway as attached: reachable, and nothing is said to be inferred', async () => {
    const { code, notes } = await trace(snapshot({ igws: attached }), '203.0.113.5', '54.1.2.3');
    expect(code).toBe(0);
    expect(notes.join(' ')).not.toContain('inferred');
    expect(notes.join(' ')).not.toContain('describe-internet-gateways');
  });

  it('IPv6: an active ::/0 route to the gateway proves it too (ref 8.13)', async () => {
    const file = snapshot({ ipv6: true, routes: [{ DestinationIpv6CidrBlock: '::/0', GatewayId: 'igw-1', State: 'active' }] });
    const { code, notes } = await trace(file, '2001:db8::5', 'eni-web');
    expect(code).toBe(0);
    expect(notes.join(' ')).toContain('::/0 -> igw-1 in rtb-pub');
  });

  it('IPv6: an egress-only gateway carries the outbound connection, but it lets nothing in from the internet', async () => {
    const file = snapshot({ ipv6: true, routes: [{ DestinationIpv6CidrBlock: '::/0', EgressOnlyInternetGatewayId: 'eigw-1', State: 'active' }] });
    expect((await trace(file, 'eni-web', '2001:db8::5')).code).toBe(0);
    const inbound = await trace(file, '2001:db8::5', 'eni-web');
    expect(inbound.json.blockedBy).toEqual({ component: 'route', id: 'rtb-pub', reason: 'no-route', path: 'forward' });
    expect(inbound.explanation).toContain('no describe-internet-gateways output');
  });
});

describe('a gateway is "not attached" only when listed so, or when its route is a blackhole (ref 6.1)', () => {
  it('blackhole route without the section: blocked both ways, reason blackhole', async () => {
    const file = snapshot({ routes: [{ DestinationCidrBlock: '0.0.0.0/0', GatewayId: 'igw-1', State: 'blackhole' }] });
    const inbound = await trace(file, '203.0.113.5', '54.1.2.3');
    expect(inbound.json.blockedBy).toEqual({ component: 'route', id: 'rtb-pub', reason: 'blackhole', path: 'forward' });
    expect(inbound.explanation).toContain('is a blackhole');
    const outbound = await trace(file, 'eni-web', '203.0.113.5');
    expect(outbound.json.blockedBy).toEqual({ component: 'route', id: 'rtb-pub', reason: 'blackhole', path: 'forward' });
  });

  it('IPv6 blackhole route to an egress-only gateway drops the outbound packet', async () => {
    const file = snapshot({ ipv6: true, routes: [{ DestinationIpv6CidrBlock: '::/0', EgressOnlyInternetGatewayId: 'eigw-1', State: 'blackhole' }] });
    expect((await trace(file, 'eni-web', '2001:db8::5')).json.blockedBy).toEqual({ component: 'route', id: 'rtb-pub', reason: 'blackhole', path: 'forward' });
  });

  it('a gateway listed without the attachment: not attached, whatever the route says, in and out, IPv4 and IPv6', async () => {
    const file = snapshot({ igws: detached, ipv6: true, routes: [{ DestinationCidrBlock: '0.0.0.0/0', GatewayId: 'igw-1', State: 'active' }, { DestinationIpv6CidrBlock: '::/0', GatewayId: 'igw-1', State: 'active' }] });
    for (const [from, to] of [['203.0.113.5', '54.1.2.3'], ['eni-web', '203.0.113.5'], ['2001:db8::5', 'eni-web'], ['eni-web', '2001:db8::5']] as const) {
      const { json, explanation } = await trace(file, from, to);
      expect(json.blockedBy, `${from} -> ${to}`).toEqual({ component: 'route', id: 'rtb-pub', reason: 'no-route', path: 'forward' });
      expect(explanation).toContain('igw-1 is in the snapshot without an attachment to vpc-1');
    }
  });

  it('with the section present and no gateway for the VPC, no route to one: no internet gateway attached', async () => {
    const file = snapshot({ igws: [], routes: [] });
    const { json, explanation } = await trace(file, '203.0.113.5', '54.1.2.3');
    expect(json.blockedBy).toEqual({ component: 'route', id: 'rtb-pub', reason: 'no-route', path: 'forward' });
    expect(explanation).toContain('vpc-1 has no internet gateway attached');
  });
});

describe('an internet source to an interface named by its private address (ref 8.12, 7.3)', () => {
  it('IPv4: traced through the public address paired with it, and the answer says so', async () => {
    const { code, json, explanation } = await trace(snapshot({}), '8.8.4.4', '10.0.2.10');
    expect(code).toBe(0);
    expect(json.packet).toBe('TCP 8.8.4.4:50000 -> 54.1.2.3:22');
    expect(explanation).toContain('10.0.2.10 is private; from the internet eni-web is reached at its public address 54.1.2.3');
    const sg = json.hops.find((h: { component: string; path: string }) => h.component === 'security-group' && h.path === 'forward');
    expect(sg.evidence).toContain('allowed by');
  });

  it('a private address without a public address of its own: no-public-address at the route table, naming the address', async () => {
    const { code, json, explanation } = await trace(snapshot({}), '8.8.4.4', '10.0.2.11');
    expect(code).toBe(1);
    expect(json.blockedBy).toEqual({ component: 'route', id: 'rtb-pub', reason: 'no-public-address', path: 'forward' });
    expect(explanation).toContain('10.0.2.11 has no public IPv4 or Elastic IP address of its own');
    expect(explanation).toContain('54.1.2.3 belongs to 10.0.2.10');
  });

  it('an interface without any public address, by address and by id', async () => {
    const file = snapshot({ publicIp: false });
    for (const to of ['10.0.2.10', 'eni-web', '10.0.1.10']) {
      const { json, explanation } = await trace(file, '8.8.4.4', to);
      expect(json.blockedBy, to).toMatchObject({ component: 'route', reason: 'no-public-address', path: 'forward' });
      expect(explanation).toMatch(/eni-(web|db) has no public IPv4 or Elastic IP address/);
    }
  });

  it('IPv6: an IPv6 internet host and an interface without an IPv6 address: no-public-address', async () => {
    const { code, json, explanation } = await trace(snapshot({}), '2001:db8::5', 'eni-web');
    expect(code).toBe(1);
    expect(json.blockedBy).toEqual({ component: 'route', id: 'rtb-pub', reason: 'no-public-address', path: 'forward' });
    expect(explanation).toContain('eni-web has no IPv6 address');
  });

  it('egress from an address without its own public address is not translated (ref 7.3 IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS)', async () => {
    const { json } = await trace(snapshot({ igws: attached }), '10.0.2.11', '203.0.113.5');
    expect(json.blockedBy).toEqual({ component: 'route', id: 'rtb-pub', reason: 'no-public-address', path: 'forward' });
  });
});

describe('vpcwhy snapshot --check', () => {
  it('lists each describe-* section the snapshot lacks with what is assumed, and nothing for those it has', async () => {
    const r = await runCli(['snapshot', '--check', '--snapshot', snapshot({})]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('InternetGateways (aws ec2 describe-internet-gateways): an active route to an igw- target proves that gateway is attached');
    expect(r.stdout).toContain('NatGateways (aws ec2 describe-nat-gateways)');
    expect(r.stdout).not.toMatch(/^\s+(RouteTables|NetworkAcls|SecurityGroups|Subnets|Vpcs|NetworkInterfaces) /m);
    const listed = await runCli(['snapshot', '--check', '--snapshot', snapshot({ igws: [] })]);
    expect(listed.stdout).not.toContain('  InternetGateways (');
  });

  it('a section the live taker could not read (VpcwhySnapshot.missing) is missing even when its key is there', async () => {
    const file = path.join(dir, 'live.json');
    writeFileSync(file, JSON.stringify({ VpcwhySnapshot: { version: 1, regions: ['us-east-1'], missing: ['ec2:DescribeInternetGateways'] }, Regions: { 'us-east-1': { Vpcs: [], InternetGateways: [], SecurityGroups: [{ GroupId: 'sg-1', VpcId: 'vpc-1', IpPermissions: [], IpPermissionsEgress: [] }] } } }));
    const r = await runCli(['snapshot', '--check', '--snapshot', file]);
    expect(r.stdout).toContain('InternetGateways (aws ec2 describe-internet-gateways)');
    expect(r.stdout).not.toContain('  Vpcs');
  });

  it('usage errors exit 2: no --snapshot, --output with --check, no --output without it', async () => {
    expect((await runCli(['snapshot', '--check'])).code).toBe(2);
    expect((await runCli(['snapshot', '--check', '--snapshot', snapshot({}), '-o', '-'])).stderr).toContain('--check writes nothing');
    const noOut = await runCli(['snapshot']);
    expect(noOut.code).toBe(2);
    expect(noOut.stderr).toContain('--output FILE is required (or use --check --snapshot S to check a snapshot)');
  });
});

describe('egress-only internet gateways, the IPv6 outbound-only path (ref 6.1, 8.13)', () => {
  const eigwRoute = [{ DestinationIpv6CidrBlock: '::/0', EgressOnlyInternetGatewayId: 'eigw-1', State: 'active' }];
  function withEigws(eigws: unknown[] | undefined): string {
    const file = snapshot({ ipv6: true, igws: attached, routes: eigwRoute });
    const doc = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    if (eigws !== undefined) doc['EgressOnlyInternetGateways'] = eigws;
    writeFileSync(file, JSON.stringify(doc));
    return file;
  }

  it('describe-egress-only-internet-gateways output as the AWS CLI prints it is read, not warned about', async () => {
    const file = withEigws([{ Attachments: [{ State: 'attached', VpcId: 'vpc-1' }], EgressOnlyInternetGatewayId: 'eigw-1', Tags: [] }]);
    const r = await runCli(['trace', '--snapshot', file, '--from', 'eni-web', '--to', '2001:db8::5', '--protocol', 'tcp', '--port', '443', '--format', 'json']);
    expect(r.code).toBe(0);
    expect(r.stderr).not.toContain('EgressOnlyInternetGateways');
    expect(JSON.parse(r.stdout).notes.join(' ')).not.toContain('eigw-1 is not described');
  });

  it('without the section the active route proves the gateway (noted); listed without the attachment, it carries nothing', async () => {
    const inferred = await trace(withEigws(undefined), 'eni-web', '2001:db8::5');
    expect(inferred.code).toBe(0);
    expect(inferred.notes.join(' ')).toContain('the snapshot has no describe-egress-only-internet-gateways output');
    const detachedEigw = await trace(withEigws([{ EgressOnlyInternetGatewayId: 'eigw-1', Attachments: [] }]), 'eni-web', '2001:db8::5');
    expect(detachedEigw.json.blockedBy).toEqual({ component: 'route', id: 'rtb-pub', reason: 'no-route', path: 'forward' });
    expect(detachedEigw.explanation).toContain('eigw-1 is in the snapshot without an attachment to vpc-1');
  });
});
