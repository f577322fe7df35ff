/**
 * Trace through gateways whose routing lives partly outside the VPC: virtual private gateways (their VPN
 * connections' static routes, ref 6.1) and transit gateways, towards the internet and public addresses.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';
import { validateTrace } from './schemas.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'vpcwhy-gw-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** One VPC whose private subnet sends 0.0.0.0/0 to `target`; a public web host in another subnet. */
function snapshot(name: string, target: Record<string, string>, vpn?: Record<string, unknown>): string {
  const file = path.join(dir, `${name}.json`);
  writeFileSync(
    file,
    JSON.stringify({
      Vpcs: [{ VpcId: 'vpc-1', CidrBlock: '10.0.0.0/16' }],
      Subnets: [
        { SubnetId: 'subnet-priv', VpcId: 'vpc-1', CidrBlock: '10.0.1.0/24' },
        { SubnetId: 'subnet-pub', VpcId: 'vpc-1', CidrBlock: '10.0.2.0/24' },
      ],
      InternetGateways: [{ InternetGatewayId: 'igw-1', Attachments: [{ VpcId: 'vpc-1', State: 'available' }] }],
      RouteTables: [
        { RouteTableId: 'rtb-priv', VpcId: 'vpc-1', Associations: [{ SubnetId: 'subnet-priv' }], Routes: [{ DestinationCidrBlock: '10.0.0.0/16', GatewayId: 'local' }, { DestinationCidrBlock: '0.0.0.0/0', ...target }] },
        { RouteTableId: 'rtb-pub', VpcId: 'vpc-1', Associations: [{ SubnetId: 'subnet-pub' }], Routes: [{ DestinationCidrBlock: '10.0.0.0/16', GatewayId: 'local' }, { DestinationCidrBlock: '0.0.0.0/0', GatewayId: 'igw-1' }] },
      ],
      SecurityGroups: [
        {
          GroupId: 'sg-1',
          GroupName: 'all',
          VpcId: 'vpc-1',
          IpPermissions: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
          IpPermissionsEgress: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
        },
      ],
      NetworkInterfaces: [
        { NetworkInterfaceId: 'eni-priv', SubnetId: 'subnet-priv', VpcId: 'vpc-1', PrivateIpAddress: '10.0.1.10', Groups: [{ GroupId: 'sg-1' }] },
        {
          NetworkInterfaceId: 'eni-web',
          SubnetId: 'subnet-pub',
          VpcId: 'vpc-1',
          PrivateIpAddress: '10.0.2.10',
          Association: { PublicIp: '54.1.2.3' },
          PrivateIpAddresses: [{ PrivateIpAddress: '10.0.2.10', Primary: true, Association: { PublicIp: '54.1.2.3' } }],
          Groups: [{ GroupId: 'sg-1' }],
        },
      ],
      ...(vpn ? { VpnConnections: [vpn] } : {}),
    }),
  );
  return file;
}

async function trace(file: string, args: string[]) {
  const r = await runCli(['trace', '--snapshot', file, ...args, '--protocol', 'tcp', '--port', '443', '--format', 'json']);
  const json = JSON.parse(r.stdout);
  expect(validateTrace(json), JSON.stringify(validateTrace.errors)).toBe(true);
  return { code: r.code, json, explanation: json.explanation as string };
}

describe('trace through a virtual private gateway (ref 6.1; AWS CreateVpnConnectionRoute: static routes are what a static-only VPN routes to the customer gateway)', () => {
  it('a VPN with BGP may announce anything: the VGW is assumed to deliver, and the answer says so', async () => {
    const file = snapshot('bgp', { GatewayId: 'vgw-1' }, { VpnConnectionId: 'vpn-1', VpnGatewayId: 'vgw-1', State: 'available', Options: { StaticRoutesOnly: false } });
    const { code, explanation } = await trace(file, ['--from', 'eni-priv', '--to', '8.8.8.8']);
    expect(code).toBe(0);
    expect(explanation).toContain('Routing inside vgw-1 is not evaluated: vpcwhy assumes it delivers the packet.');
  });

  it('a static-only VPN carries only its static prefixes; a deleted VPN connection is not one', async () => {
    const vpn = { VpnConnectionId: 'vpn-1', VpnGatewayId: 'vgw-1', State: 'available', Options: { StaticRoutesOnly: true }, Routes: [{ DestinationCidrBlock: '192.168.0.0/16', State: 'available' }] };
    const file = snapshot('static', { GatewayId: 'vgw-1' }, vpn);
    const out = await trace(file, ['--from', 'eni-priv', '--to', '8.8.8.8']);
    expect(out.json.blockedBy).toEqual({ component: 'route', id: 'rtb-priv', reason: 'no-route', path: 'forward' });
    expect(out.explanation).toContain('Fix: add a static route for 8.8.8.8 to vpn-1');
    expect((await trace(file, ['--from', 'eni-priv', '--to', '192.168.4.4'])).json.reachable).toBe(true);
    const deleted = snapshot('deleted', { GatewayId: 'vgw-1' }, { ...vpn, State: 'deleted' });
    expect((await trace(deleted, ['--from', 'eni-priv', '--to', '8.8.8.8'])).explanation).toContain('vpcwhy assumes it delivers');
  });
});

describe('trace to a public address through a gateway other than an internet gateway (ref 8.12)', () => {
  it('through a transit gateway: the source address the destination sees is unknown, so its rules are not evaluated', async () => {
    const file = snapshot('tgw', { TransitGatewayId: 'tgw-1' });
    const { code, json, explanation } = await trace(file, ['--from', 'eni-priv', '--to', '54.1.2.3']);
    expect(code).toBe(0);
    expect(json.hops.map((h: { component: string }) => h.component)).not.toContain('internet-gateway');
    expect(explanation).toContain("eni-web's network ACL and security groups are not evaluated");
  });

  it('over a VPC peering connection: a peering carries only the peer VPC addresses, never internet traffic', async () => {
    const file = snapshot('pcx', { VpcPeeringConnectionId: 'pcx-1' });
    const { json, explanation } = await trace(file, ['--from', 'eni-priv', '--to', '8.8.8.8']);
    expect(json.blockedBy).toEqual({ component: 'route', id: 'rtb-priv', reason: 'no-route', path: 'forward' });
    expect(explanation).toContain('pcx-1 is a VPC peering connection');
  });
});

describe('trace to and from addresses no network interface has', () => {
  it('refuses a source outside every subnet, and a destination outside every subnet seen from outside the VPC', async () => {
    const file = snapshot('unassigned', { GatewayId: 'igw-1' });
    const from = await runCli(['trace', '--snapshot', file, '--from', '10.0.9.9', '--to', '8.8.8.8', '--protocol', 'tcp', '--port', '443']);
    expect(from.code).toBe(2);
    expect(from.stderr).toContain('10.0.9.9 is inside vpc-1 but in none of its subnets');
    const to = await runCli(['trace', '--snapshot', file, '--from', '8.8.8.8', '--to', '10.0.9.9', '--protocol', 'tcp', '--port', '443']);
    expect(to.code).toBe(2);
  });

  it('from an interface: dropped by the VPC router outside the subnets, delivered without a return path inside one', async () => {
    const file = snapshot('unassigned2', { GatewayId: 'igw-1' });
    expect((await trace(file, ['--from', 'eni-priv', '--to', '10.0.9.9'])).json.blockedBy).toEqual({ component: 'route', id: 'rtb-priv', reason: 'no-route', path: 'forward' });
    const inSubnet = await trace(file, ['--from', 'eni-priv', '--to', '10.0.2.99']);
    expect(inSubnet.code).toBe(0);
    expect(inSubnet.explanation).toContain('the packet is delivered to subnet-pub, but no security group is known for the address');
  });
});
