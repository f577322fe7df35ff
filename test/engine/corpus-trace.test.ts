/**
 * Traces on real account snapshots from Batfish's test data (../shared/corpus, Apache-2.0). Skipped when
 * the corpus folder is absent.
 */
import { existsSync } from 'node:fs';
import { CORPUS } from '../aws/support.js';
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli/run-cli.js';
import { validateTrace } from '../cli/schemas.js';

const AWS = `${CORPUS}/batfish/projects/batfish/src/test/resources/org/batfish/representation/aws/`;
const present = existsSync(AWS);

async function trace(snapshot: string, args: string[]) {
  const r = await runCli(['trace', '--snapshot', `${AWS}${snapshot}/aws_configs`, ...args, '--format', 'json']);
  expect(r.stderr).not.toMatch(/internal error/);
  const json = JSON.parse(r.stdout);
  expect(validateTrace(json)).toBe(true);
  return { code: r.code, json };
}

describe.skipIf(!present)('trace on real snapshots (Batfish corpus)', () => {
  it('test-subnet: two instances of one subnet reach each other on 22 with NACLs skipped (ref 8.8)', async () => {
    const { code, json } = await trace('test-subnet', ['--from', 'eni-010f649a7fc5c1e34', '--to', 'eni-029bf1092de61fb40', '--protocol', 'tcp', '--port', '22']);
    expect(code).toBe(0);
    expect(json.hops.filter((h: { component: string; decision: string }) => h.component === 'network-acl').every((h: { decision: string }) => h.decision === 'skip')).toBe(true);
  });

  it('test-subnet: the SGs allow only tcp/22, so tcp/80 is denied inbound by the destination SG (ref 4.1)', async () => {
    const { code, json } = await trace('test-subnet', ['--from', '10.10.1.228', '--to', '10.10.1.44', '--protocol', 'tcp', '--port', '80']);
    expect(code).toBe(1);
    expect(json.blockedBy).toEqual({ component: 'security-group', ids: ['sg-02566e413c0030c70'], direction: 'inbound', path: 'forward' });
  });

  it('test-public-private-subnet: the internet reaches the public instance on 22 at its public IP, not on 80', async () => {
    expect((await trace('test-public-private-subnet', ['--from', '8.8.8.8', '--to', '13.58.55.60', '--protocol', 'tcp', '--port', '22'])).json.reachable).toBe(true);
    const http = await trace('test-public-private-subnet', ['--from', '8.8.8.8', '--to', 'eni-09da8cad43844dc1f', '--protocol', 'tcp', '--port', '80']);
    expect(http.json.blockedBy).toEqual({ component: 'security-group', ids: ['sg-0662342465612f419'], direction: 'inbound', path: 'forward' });
  });

  it('test-public-private-subnet: the private instance has no public address, so the internet cannot reach it (ref 8.12)', async () => {
    const { json } = await trace('test-public-private-subnet', ['--from', '8.8.8.8', '--to', 'eni-07c1506e49d784fe0', '--protocol', 'tcp', '--port', '22']);
    expect(json.blockedBy).toMatchObject({ component: 'route', reason: 'no-public-address' });
  });

  it('test-nat-gateway: a private instance reaches the internet through the NAT gateway and its subnet NACL', async () => {
    const { code, json } = await trace('test-nat-gateway', ['--from', 'eni-0e4ce6a7777b9bff8', '--to', '8.8.8.8', '--protocol', 'tcp', '--port', '80']);
    expect(code).toBe(0);
    expect(json.hops.map((h: { component: string }) => h.component)).toEqual(expect.arrayContaining(['nat-gateway', 'internet-gateway']));
  });

  it('test-nat-gateway: a subnet whose main route table has only the local route cannot reach the internet', async () => {
    const { json } = await trace('test-nat-gateway', ['--from', 'eni-0cbd69297d26de519', '--to', '8.8.8.8', '--protocol', 'tcp', '--port', '80']);
    expect(json.blockedBy).toEqual({ component: 'route', id: 'rtb-0e169c4a1e0b27b55', reason: 'no-route', path: 'forward' });
  });

  it('test-vpc-peering: a blackhole default route drops internet traffic (ref 6.1)', async () => {
    const { json } = await trace('test-vpc-peering', ['--from', 'eni-0024c0af5aa1387e5', '--to', '8.8.8.8', '--protocol', 'tcp', '--port', '443']);
    expect(json.blockedBy).toEqual({ component: 'route', id: 'rtb-017c36290c9baf017', reason: 'blackhole', path: 'forward' });
  });

  it('test-vpc-peering: the hub reaches each spoke over its own peering connection, ssh only', async () => {
    const ssh = await trace('test-vpc-peering', ['--from', 'eni-0f0708220e812876c', '--to', 'eni-06347554b65539ff3', '--protocol', 'tcp', '--port', '22']);
    expect(ssh.json.reachable).toBe(true);
    expect(ssh.json.hops.map((h: { id?: string }) => h.id)).toContain('pcx-0d5b836985ac8ca8c');
    const web = await trace('test-vpc-peering', ['--from', 'eni-0f0708220e812876c', '--to', 'eni-06347554b65539ff3', '--protocol', 'tcp', '--port', '80']);
    expect(web.json.blockedBy).toMatchObject({ component: 'security-group', ids: ['sg-0b3df494998412a48'] });
  });

  it('test-public-private-subnet: a static-only VPN routes just its prefix, so the VGW drops internet traffic (AWS CreateVpnConnectionRoute: a static route is what lets the VGW route to the customer gateway; Batfish NO_ROUTE at the VGW)', async () => {
    const web = await trace('test-public-private-subnet', ['--from', 'eni-07c1506e49d784fe0', '--to', '8.8.8.8', '--protocol', 'tcp', '--port', '443']);
    expect(web.code).toBe(1);
    expect(web.json.blockedBy).toEqual({ component: 'route', id: 'rtb-002f0eabf583bf991', reason: 'no-route', path: 'forward' });
    expect(web.json.explanation).toContain('vpn-05044757278685fd3 uses static routes only, and none of 19.168.0.0/16 contains 8.8.8.8');
    const site = await trace('test-public-private-subnet', ['--from', 'eni-07c1506e49d784fe0', '--to', '19.168.0.1', '--protocol', 'tcp', '--port', '443']);
    expect(site.json.reachable).toBe(true);
    expect(site.json.hops.find((h: { id?: string }) => h.id === 'vgw-070087240d6fa2989')?.evidence).toContain('vpn-05044757278685fd3 (static route 19.168.0.0/16)');
  });

  it("test-public-private-subnet: the private instance cannot reach the public instance's public IP over the VGW (ref 8.12; Batfish NO_ROUTE at the VGW)", async () => {
    const { json } = await trace('test-public-private-subnet', ['--from', 'eni-07c1506e49d784fe0', '--to', '13.58.55.60', '--protocol', 'tcp', '--port', '22']);
    expect(json.blockedBy).toEqual({ component: 'route', id: 'rtb-002f0eabf583bf991', reason: 'no-route', path: 'forward' });
    // It never comes back in through the internet gateway with its private source address.
    expect(json.hops.map((h: { component: string }) => h.component)).not.toContain('internet-gateway');
  });

  it('test-public-private-subnet: an on-premises host cannot reach a public IP over the VPN (ref 7.3 VGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS)', async () => {
    const { code, json } = await trace('test-public-private-subnet', ['--from', '172.16.0.1', '--to', '13.58.55.60', '--protocol', 'tcp', '--port', '22']);
    expect(code).toBe(1);
    expect(json.blockedBy).toMatchObject({ component: 'route', reason: 'no-route', path: 'forward' });
    expect(json.explanation).toContain("use eni-09da8cad43844dc1f's private address 10.0.0.47");
    expect(json.hops.some((h: { component: string }) => h.component === 'security-group')).toBe(false);
  });

  it('test-nat-gateway: a NAT gateway translates only TCP, UDP and ICMP (AWS "NAT gateway basics": supports TCP, UDP and ICMP; Batfish DENIED_IN at the NAT for protocol 107)', async () => {
    const { code, json } = await trace('test-nat-gateway', ['--from', 'eni-0e4ce6a7777b9bff8', '--to', '8.8.8.8', '--protocol', '107']);
    expect(code).toBe(1);
    expect(json.blockedBy).toEqual({ component: 'route', id: 'rtb-02fe228b42de92a7c', reason: 'no-route', path: 'forward' });
    expect(json.explanation).toContain('nat-07ab4846da51f4612 is a NAT gateway, which translates only TCP, UDP and ICMP');
    expect((await trace('test-nat-gateway', ['--from', 'eni-0e4ce6a7777b9bff8', '--to', '8.8.8.8', '--protocol', 'udp', '--port', '53'])).json.reachable).toBe(true);
  });

  it("test-nat-gateway: connections to the NAT gateway's own addresses are dropped, from the internet and from its subnet (AWS NAT gateways page: no unsolicited inbound connections; Batfish DENIED_IN at the NAT)", async () => {
    for (const args of [
      ['--from', '8.8.8.8', '--to', '3.135.127.225', '--protocol', 'tcp', '--port', '80'],
      ['--from', 'eni-068fb5a0a9a57f23c', '--to', '10.1.250.210', '--protocol', 'tcp', '--port', '80'],
    ]) {
      const { code, json } = await trace('test-nat-gateway', args);
      expect(code).toBe(1);
      expect(json.blockedBy).toMatchObject({ component: 'route', reason: 'no-route', path: 'forward' });
      expect(json.explanation).toContain('belongs to NAT gateway nat-07ab4846da51f4612');
      expect(json.hops.some((h: { path: string }) => h.path === 'return')).toBe(false);
    }
  });

  it('addresses no network interface has: dropped outside every subnet, delivered to a subnet without answer (Batfish NULL_ROUTED, NO_ROUTE, DELIVERED_TO_SUBNET)', async () => {
    const outside = await trace('test-subnet', ['--from', 'eni-010f649a7fc5c1e34', '--to', '10.10.0.1', '--protocol', 'tcp', '--port', '22']);
    expect(outside.json.blockedBy).toEqual({ component: 'route', id: 'rtb-07243bb4843d61c35', reason: 'no-route', path: 'forward' });
    expect(outside.json.explanation).toContain('no subnet of it contains the address');
    const noRoute = await trace('test-vpc-peering', ['--from', 'eni-0f0708220e812876c', '--to', '192.168.100.1', '--protocol', 'tcp', '--port', '22']);
    expect(noRoute.json.blockedBy).toEqual({ component: 'route', id: 'rtb-0891861fffaea6d52', reason: 'no-route', path: 'forward' });
    const delivered = await trace('test-vpc-peering', ['--from', 'eni-0024c0af5aa1387e5', '--to', '10.10.10.11', '--protocol', 'tcp', '--port', '22']);
    expect(delivered.code).toBe(0);
    expect(delivered.json.hops.some((h: { path: string }) => h.path === 'return')).toBe(false);
    expect(delivered.json.hops.find((h: { component: string; decision: string }) => h.component === 'security-group' && h.decision === 'skip')?.evidence).toContain('no network interface in the snapshot has 10.10.10.11');
  });

  it('an address without an interface and without a public IP cannot reach the internet (Batfish DENIED_IN at the IGW)', async () => {
    const { json } = await trace('test-public-subnet', ['--from', '10.0.0.92', '--to', '8.8.8.8', '--protocol', 'tcp', '--port', '80']);
    expect(json.blockedBy).toEqual({ component: 'route', id: 'rtb-0489000c9e6c299e8', reason: 'no-public-address', path: 'forward' });
    expect(json.explanation).toContain('IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS');
    expect(json.explanation).toContain('Fix: give 10.0.0.92 a public IPv4 or an Elastic IP address');
  });
});

const HYBRID = `${CORPUS}/pybatfish/jupyter_notebooks/networks/hybrid-cloud/aws_configs`;

async function traceHybrid(args: string[]) {
  const r = await runCli(['trace', '--snapshot', HYBRID, ...args, '--format', 'json']);
  const json = JSON.parse(r.stdout);
  expect(validateTrace(json)).toBe(true);
  return { code: r.code, json };
}

describe.skipIf(!existsSync(HYBRID))("trace on pybatfish's hybrid-cloud snapshot (the notebook's traceroutes)", () => {
  it('a data-centre host with public addresses, routed to the transit gateway, reaches private instances in both regions (Batfish ACCEPTED)', async () => {
    for (const to of ['10.20.1.207', '10.30.1.166', '10.40.2.80', '10.50.2.251']) {
      const { code, json } = await traceHybrid(['--from', '203.0.113.12', '--to', to, '--protocol', 'tcp', '--port', '22']);
      expect(code, to).toBe(0);
      expect(json.explanation).toContain('from on-premises host 203.0.113.12 (routed to tgw-');
    }
  });

  it('the same host at a public IP: in over the internet gateway, but the reply takes the 203.0.113.0/24 route to the transit gateway (asymmetric)', async () => {
    const { json } = await traceHybrid(['--from', '203.0.113.12', '--to', '13.59.144.125', '--protocol', 'tcp', '--port', '22']);
    expect(json.blockedBy).toEqual({ component: 'route', id: 'rtb-0aa3f1bdeb6d18dd3', reason: 'no-route', path: 'return' });
    expect(json.hops.filter((h: { path: string; decision: string }) => h.path === 'forward').every((h: { decision: string }) => h.decision === 'allow')).toBe(true);
  });

  it("names the rule Batfish's testFilters names for tcp/3306: launch-wizard-1's \"Connectivity test\"", async () => {
    const { code, json } = await traceHybrid(['--from', '8.8.8.8', '--to', '13.59.144.125', '--protocol', 'tcp', '--port', '3306']);
    expect(code).toBe(0);
    const sg = json.hops.find((h: { component: string; path: string }) => h.component === 'security-group' && h.path === 'forward');
    expect(sg.evidence).toBe('allowed by sg-0e37fc2ef01c89369 (launch-wizard-1): allow tcp/3306 from 0.0.0.0/0 ("Connectivity test")');
  });

  it('a private address in another region is not reached over the internet gateway (Batfish DENIED_OUT)', async () => {
    const { json } = await traceHybrid(['--from', 'eni-01997085076a9b98a', '--to', '10.40.2.80', '--protocol', 'tcp', '--port', '22']);
    expect(json.blockedBy).toEqual({ component: 'route', id: 'rtb-0aa3f1bdeb6d18dd3', reason: 'no-route', path: 'forward' });
    expect(json.explanation).toContain('Fix: (1) route vpc-00b65e98077106059');
  });
});
