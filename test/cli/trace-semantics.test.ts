/**
 * Path semantics (issue 19), per class, through trace and explain, on the snapshot of path-snapshot.ts.
 */
import { describe, expect, it } from 'vitest';
import { ALLOW_ALL, DEFAULT_ROUTES, OPEN, acl, explain, group, legOf, snapshot, trace } from './path-snapshot.js';

const DENY_ALL = [
  { RuleNumber: 100, Protocol: '-1', RuleAction: 'deny', Egress: false, CidrBlock: '0.0.0.0/0' },
  { RuleNumber: 100, Protocol: '-1', RuleAction: 'deny', Egress: true, CidrBlock: '0.0.0.0/0' },
];
/** No security-group rule and deny-all NACLs: nothing filtered would get through. */
const closed = () => snapshot({ groups: [group('sg-open', [], [])], acls: [acl('acl-1', ['subnet-pub', 'subnet-priv', 'subnet-fw'], DENY_ALL)] });

describe('AWS services that security groups and NACLs never filter (ref 3)', () => {
  const cases: Array<[string, string[], string]> = [
    ['10.0.0.2', ['--protocol', 'udp', '--port', '53'], 'the Amazon DNS server of vpc-1'],
    ['169.254.169.253', ['--protocol', 'udp', '--port', '53'], 'the Amazon DNS server (Route 53 Resolver)'],
    ['169.254.169.254', ['--protocol', 'tcp', '--port', '80'], 'the instance metadata service'],
    ['169.254.169.123', ['--protocol', 'udp', '--port', '123'], 'the Amazon Time Sync Service'],
    ['169.254.169.250', ['--protocol', 'tcp', '--port', '1688'], 'Windows licence activation'],
    ['10.0.1.1', ['--protocol', 'udp', '--port', '67'], "the VPC router's reserved address in subnet-priv"],
  ];
  it.each(cases)('%s is reachable with no SG rule and deny-all NACLs, "not filtered"', async (to, proto, what) => {
    const t = await trace(closed(), 'eni-db', to, proto);
    expect(t.code).toBe(0);
    expect(t.json.hops.map((h) => `${h.component}:${h.decision}`)).toEqual(['aws-service:allow']);
    expect(t.json.explanation).toContain(what);
    expect(t.json.notes.join(' ')).toContain('Not filtered by security groups or network ACLs');
  });

  it('IPv6: fd00:ec2::254 and fd00:ec2::123 too', async () => {
    for (const to of ['fd00:ec2::254', 'fd00:ec2::123']) {
      const t = await trace(closed(), '2600:1f18:1:102::10', to, ['--protocol', 'udp', '--port', '123']);
      expect(t.code, to).toBe(0);
      expect(t.json.hops[0]?.component).toBe('aws-service');
    }
  });

  it('other link-local addresses are not routed, and never internet hosts', async () => {
    const t = await trace(snapshot(), 'eni-web', '169.254.10.10');
    expect(t.json.blockedBy).toEqual({ component: 'route', id: 'rtb-pub', reason: 'no-route', path: 'forward' });
    expect(t.json.explanation).toContain('link-local');
    expect(t.json.hops.some((h) => h.component === 'internet-gateway')).toBe(false);
    expect((await trace(snapshot(), '169.254.169.254', '8.8.8.8')).code).toBe(2);
  });

  it('explain: a record of traffic to IMDS on the interface is not attributed to any rule', async () => {
    const [rec] = await explain(closed(), ['2 123456789012 eni-db 10.0.1.10 169.254.169.254 50000 80 6 1 40 1732700000 1732700060 REJECT OK']);
    expect(rec).toMatchObject({ verdict: 'config-allows' });
    expect(rec!['blockedBy']).toBeUndefined();
    expect(String(rec!['explanation'])).toContain('not filtered by security groups or network ACLs');
  });
});

describe('a public address belongs to one private address (ref 8.12; 7.3 IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS)', () => {
  it("a secondary address leaves with its own Elastic IP, which the destination's group sees", async () => {
    // eni-app admits 54.1.2.3 (the primary's public IP) only.
    expect((await trace(snapshot(), '10.0.2.10', '54.1.2.20')).code).toBe(0);
    const secondary = await trace(snapshot(), '10.0.2.11', '54.1.2.20');
    expect(secondary.json.blockedBy).toEqual({ component: 'security-group', ids: ['sg-app'], direction: 'inbound', path: 'forward' });
    expect(secondary.json.hops.find((h) => h.component === 'security-group' && h['eni'] === 'eni-app')?.evidence).toContain('54.1.2.4');
  });

  it('an address without its own public IP is not translated, though the interface has others', async () => {
    const t = await trace(snapshot(), '10.0.2.12', '8.8.8.8');
    expect(t.json.blockedBy).toEqual({ component: 'route', id: 'rtb-pub', reason: 'no-public-address', path: 'forward' });
  });

  it('inbound at an Elastic IP arrives at its own private address', async () => {
    const t = await trace(snapshot(), '8.8.8.8', '54.1.2.4');
    expect(t.code).toBe(0);
    const sg = t.json.hops.find((h) => h.component === 'security-group' && h.path === 'forward');
    expect(sg?.['eni']).toBe('eni-web');
    const hop = t.json.hops.find((h) => h.component === 'network-acl' && h.path === 'forward');
    expect(hop?.evidence).toBeDefined();
    expect(t.json.packet).toBe('TCP 8.8.8.8:50000 -> 54.1.2.4:443');
  });
});

describe('the source address depends on where the packet goes (ref 8.12)', () => {
  it('an interface id with a public IP sends from its private address through a NAT gateway', async () => {
    // The NAT subnet admits only the VPC's private range: a public source would be denied.
    const nacl = [
      { RuleNumber: 100, Protocol: '-1', RuleAction: 'allow', Egress: false, CidrBlock: '10.0.0.0/16' },
      { RuleNumber: 110, Protocol: '6', RuleAction: 'allow', Egress: false, CidrBlock: '0.0.0.0/0', PortRange: { From: 1024, To: 65535 } },
      { RuleNumber: 100, Protocol: '-1', RuleAction: 'allow', Egress: true, CidrBlock: '0.0.0.0/0' },
    ];
    const file = snapshot({ acls: [acl('acl-pub', ['subnet-pub'], nacl), acl('acl-1', ['subnet-priv', 'subnet-fw'])] });
    const t = await trace(file, 'eni-db', '8.8.8.8');
    expect(t.code).toBe(0);
    expect(t.json.packet).toBe('TCP 10.0.1.10:50000 -> 8.8.8.8:443');
    const byIp = await trace(file, '54.1.2.30', '8.8.8.8');
    expect(byIp.json.reachable).toBe(true);
    expect(byIp.json.notes.join(' ')).toContain('54.1.2.30 is a public address of eni-db: its packets leave it from the private address 10.0.1.10');
  });

  it('a public address as --from to an interface of its VPC is that interface\'s private traffic, peering too', async () => {
    for (const to of ['eni-app', 'eni-peer']) {
      const byEni = await trace(snapshot(), 'eni-web', to);
      const byPublic = await trace(snapshot(), '54.1.2.3', to);
      expect(byPublic.json.blockedBy, to).toEqual(byEni.json.blockedBy);
      expect(byPublic.json.packet).toBe(byEni.json.packet);
      expect(byPublic.json.packet).toContain('10.0.2.10:50000');
    }
  });
});

describe('addresses of one interface (issue 19 item 8)', () => {
  it('traffic between two addresses of one interface never leaves the host: answered as --from X --to X', async () => {
    const t = await trace(snapshot(), '10.0.2.10', '10.0.2.11');
    expect(t.code).toBe(2);
    expect(t.stderr).toContain('are addresses of the same network interface eni-web: traffic between them never leaves the host');
    const prefix = snapshot({ eni: { 'eni-web': { Ipv4Prefixes: [{ Ipv4Prefix: '10.0.2.128/28' }] } } });
    expect((await trace(prefix, 'eni-web', '10.0.2.130')).code).toBe(2);
    // Its own public address goes out to the internet gateway and back (the host does not know it).
    expect((await trace(snapshot(), 'eni-web', '54.1.2.3')).code).toBe(0);
  });
});


/** The public subnet's NACL with these inbound entries (outbound open); the other subnets open. */
function pubInbound(entries: unknown[], outbound: unknown[] = [{ RuleNumber: 100, Protocol: '-1', RuleAction: 'allow', Egress: true, CidrBlock: '0.0.0.0/0' }]) {
  return [acl('acl-pub', ['subnet-pub'], [...entries, ...outbound]), acl('acl-1', ['subnet-priv', 'subnet-fw'])];
}
const fromVpc = { RuleNumber: 90, Protocol: '-1', RuleAction: 'allow', Egress: false, CidrBlock: '10.0.0.0/16' };

describe('NAT gateways remap the source port into 1024-65535 (ref 8.11; AWS "NAT gateway basics")', () => {
  it('the response to the NAT gateway is judged over the whole range: a NACL open from 32768 only blocks it, at port 1024', async () => {
    const file = snapshot({ acls: pubInbound([fromVpc, { RuleNumber: 100, Protocol: '6', RuleAction: 'allow', Egress: false, CidrBlock: '0.0.0.0/0', PortRange: { From: 32768, To: 65535 } }]) });
    const t = await trace(file, 'eni-db', '8.8.8.8');
    expect(t.json.blockedBy).toEqual({ component: 'network-acl', id: 'acl-pub', direction: 'inbound', rule: 32767, path: 'return' });
    const deny = t.json.hops.find((h) => h.decision === 'deny');
    expect(deny?.evidence).toContain('acl-pub');
    expect(t.json.notes.join(' ')).toContain('nat-1 remaps the source port into 1024-65535');
    expect(t.json.explanation).toContain('tcp/1024-65535');
  });

  it('with 1024-65535 open the response gets back, and the answer says which ports it assumed', async () => {
    const file = snapshot({ acls: pubInbound([fromVpc, { RuleNumber: 100, Protocol: '6', RuleAction: 'allow', Egress: false, CidrBlock: '0.0.0.0/0', PortRange: { From: 1024, To: 65535 } }]) });
    const t = await trace(file, 'eni-db', '8.8.8.8');
    expect(t.code).toBe(0);
    expect(t.json.hops.find((h) => h.component === 'nat-gateway')?.evidence).toContain('source port remapped into 1024-65535');
  });

  it('a deny of part of the range before the allow blocks it, at the first port denied', async () => {
    const file = snapshot({ acls: pubInbound([fromVpc, { RuleNumber: 95, Protocol: '6', RuleAction: 'deny', Egress: false, CidrBlock: '0.0.0.0/0', PortRange: { From: 2000, To: 2100 } }, { RuleNumber: 100, Protocol: '6', RuleAction: 'allow', Egress: false, CidrBlock: '0.0.0.0/0', PortRange: { From: 1024, To: 65535 } }]) });
    const t = await trace(file, 'eni-db', '8.8.8.8');
    expect(t.json.blockedBy).toEqual({ component: 'network-acl', id: 'acl-pub', direction: 'inbound', rule: 95, path: 'return' });
  });
});

describe('NAT gateway hairpin to a public address in the snapshot (ref 8.12, 4.2)', () => {
  it("is traced in to the interface, whose group sees the NAT gateway's public address", async () => {
    const t = await trace(snapshot(), 'eni-db', '54.1.2.20');
    expect(t.code).toBe(0);
    expect(legOf(t, 'forward')).toEqual([
      'security-group:eni-db', 'network-acl:acl-1', 'route:rtb-priv', 'network-acl:acl-1', 'nat-gateway:nat-1', 'route:rtb-pub', 'network-acl:acl-1',
      'internet-gateway:igw-1', 'internet-gateway:igw-1', 'network-acl:acl-1', 'security-group:eni-app',
    ]);
    expect(t.json.hops.find((h) => h['eni'] === 'eni-app' && h.path === 'forward')?.evidence).toContain('3.3.3.3/32');
  });

  it('a group reference does not match the NAT gateway\'s public address: blocked at the destination group', async () => {
    const groups = [group('sg-open'), group('sg-app', [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, UserIdGroupPairs: [{ GroupId: 'sg-open' }] }]), group('sg-peer', OPEN, OPEN, 'vpc-2')];
    const t = await trace(snapshot({ groups }), 'eni-db', '54.1.2.20');
    expect(t.json.blockedBy).toEqual({ component: 'security-group', ids: ['sg-app'], direction: 'inbound', path: 'forward' });
    // explain, on both interfaces: the NAT gateway's address arriving at eni-app is rejected by its group;
    // the request leaving eni-db is allowed by its own rules.
    const [atApp, atDb] = await explain(snapshot({ groups }), [
      '2 123456789012 eni-app 3.3.3.3 10.0.2.20 2000 443 6 1 40 1732700000 1732700060 REJECT OK',
      '2 123456789012 eni-db 10.0.1.10 54.1.2.20 50000 443 6 1 40 1732700000 1732700060 ACCEPT OK',
    ]);
    expect(atApp).toMatchObject({ verdict: 'blocked', blockedBy: { component: 'security-group', ids: ['sg-app'], direction: 'inbound' } });
    expect(atDb).toMatchObject({ verdict: 'config-allows' });
  });

  it('the destination subnet\'s response NACL is judged over the remapped ports', async () => {
    const acls = [acl('acl-pub', ['subnet-pub'], [
      { RuleNumber: 100, Protocol: '-1', RuleAction: 'allow', Egress: false, CidrBlock: '0.0.0.0/0' },
      { RuleNumber: 90, Protocol: '-1', RuleAction: 'allow', Egress: true, CidrBlock: '10.0.0.0/16' },
      { RuleNumber: 100, Protocol: '6', RuleAction: 'allow', Egress: true, CidrBlock: '0.0.0.0/0', PortRange: { From: 443, To: 443 } },
      { RuleNumber: 110, Protocol: '6', RuleAction: 'allow', Egress: true, CidrBlock: '0.0.0.0/0', PortRange: { From: 49152, To: 65535 } },
    ]), acl('acl-1', ['subnet-priv', 'subnet-fw'])];
    const t = await trace(snapshot({ acls }), 'eni-db', '54.1.2.20');
    expect(t.json.blockedBy).toEqual({ component: 'network-acl', id: 'acl-pub', direction: 'outbound', rule: 32767, path: 'return' });
  });
});

describe('private NAT gateways (AWS "NAT gateways": connectivity types)', () => {
  const privateNat = { ConnectivityType: 'private', NatGatewayAddresses: [{ NetworkInterfaceId: 'eni-nat', PrivateIp: '10.0.2.5' }] };
  it("an internet gateway drops a private NAT gateway's traffic: gateway-drops", async () => {
    const t = await trace(snapshot({ nat: privateNat }), 'eni-db', '8.8.8.8');
    expect(t.json.blockedBy).toEqual({ component: 'route', id: 'rtb-pub', reason: 'gateway-drops', path: 'forward' });
    expect(t.json.explanation).toContain('nat-1 is a private NAT gateway');
  });

  it('to a private network over a transit gateway it translates to its private address (assumed beyond)', async () => {
    const routes = {
      'rtb-priv': [...DEFAULT_ROUTES['rtb-priv'], { DestinationCidrBlock: '192.168.0.0/16', NatGatewayId: 'nat-1', State: 'active' }],
      'rtb-pub': [...DEFAULT_ROUTES['rtb-pub'], { DestinationCidrBlock: '192.168.0.0/16', TransitGatewayId: 'tgw-1', State: 'active' }],
    };
    const t = await trace(snapshot({ nat: privateNat, routes }), 'eni-db', '192.168.1.1');
    expect(t.code).toBe(0);
    expect(t.json.hops.find((h) => h.component === 'nat-gateway')?.evidence).toContain('its private address 10.0.2.5');
    expect(t.json.notes.join(' ')).toContain('Routing inside tgw-1 is not evaluated');
  });
});

describe('VPC peering carries only traffic to the peer VPC\'s CIDRs (AWS "VPC peering limitations")', () => {
  it('a wider route to the peering does not reach 192.168.1.1: no transitive or edge-to-edge routing', async () => {
    const routes = { 'rtb-pub': [...DEFAULT_ROUTES['rtb-pub'].filter((r) => !('VpcPeeringConnectionId' in r)), { DestinationCidrBlock: '192.168.0.0/16', VpcPeeringConnectionId: 'pcx-1', State: 'active' }, { DestinationCidrBlock: '10.1.0.0/16', VpcPeeringConnectionId: 'pcx-1', State: 'active' }] };
    const t = await trace(snapshot({ routes }), 'eni-web', '192.168.1.1');
    expect(t.json.blockedBy).toEqual({ component: 'route', id: 'rtb-pub', reason: 'no-route', path: 'forward' });
    expect(t.json.explanation).toContain("pcx-1 carries only traffic addressed to vpc-2's CIDRs (10.1.0.0/16)");
    expect((await trace(snapshot({ routes }), 'eni-web', 'eni-peer')).code).toBe(0);
  });
});

describe('IPv6 replies through an egress-only gateway to a connection that came in through the internet gateway (ref 8.13)', () => {
  it('is not documented: answered reachable, with a note, never a certain "never reaches the client"', async () => {
    const routes = { 'rtb-pub': [{ DestinationCidrBlock: '0.0.0.0/0', GatewayId: 'igw-1', State: 'active' }, { DestinationIpv6CidrBlock: '::/0', EgressOnlyInternetGatewayId: 'eigw-1', State: 'active' }] };
    const t = await trace(snapshot({ routes }), '2001:db8::5', 'eni-web');
    expect(t.code).toBe(0);
    expect(t.json.notes.join(' ')).toContain('egress-only internet gateway eigw-1');
    expect(t.json.explanation).not.toContain('never reaches the client');
  });
});

describe('a route to a network interface or instance: the appliance (ref 6.1, 7.3 ENI_SOURCE_DEST_CHECK_RESTRICTION; AWS "NAT instances")', () => {
  const viaFw = (target: Record<string, string>) => ({ 'rtb-priv': [{ DestinationCidrBlock: '0.0.0.0/0', ...target, State: 'active' }] });

  it('is delivered to the appliance, judged by its NACL and groups both ways, and reachable as far as it, beyond it assumed', async () => {
    for (const target of [{ NetworkInterfaceId: 'eni-fw' }, { InstanceId: 'i-fw' }]) {
      const t = await trace(snapshot({ routes: viaFw(target) }), 'eni-db', '8.8.8.8');
      expect(t.code).toBe(0);
      expect(legOf(t, 'forward')).toEqual(['security-group:eni-db', 'network-acl:acl-1', 'route:rtb-priv', 'network-acl:acl-1', 'security-group:eni-fw', 'security-group:eni-fw', 'appliance:eni-fw']);
      expect(legOf(t, 'return')).toEqual([]);
      expect(t.json.explanation).toContain('is reachable as far as the appliance eni-fw');
      expect(t.json.notes.join(' ')).toContain('beyond it the path is assumed');
      expect(t.json.hops.some((h) => h.component === 'internet-gateway')).toBe(false);
    }
  });

  it('with source/destination checking on, the appliance forwards nothing: reason source-dest-check', async () => {
    const t = await trace(snapshot({ routes: viaFw({ NetworkInterfaceId: 'eni-fw' }), eni: { 'eni-fw': { SourceDestCheck: true } } }), 'eni-db', '8.8.8.8');
    expect(t.json.blockedBy).toEqual({ component: 'route', id: 'rtb-priv', reason: 'source-dest-check', path: 'forward' });
    expect(t.json.explanation).toContain('--no-source-dest-check');
  });

  it("the appliance's groups and its subnet's NACL can block it", async () => {
    const groups = [group('sg-open'), group('sg-fw', [], OPEN), group('sg-app'), group('sg-peer', OPEN, OPEN, 'vpc-2')];
    const sg = await trace(snapshot({ groups, routes: viaFw({ NetworkInterfaceId: 'eni-fw' }), eni: { 'eni-fw': { Groups: [{ GroupId: 'sg-fw' }] } } }), 'eni-db', '8.8.8.8');
    expect(sg.json.blockedBy).toEqual({ component: 'security-group', ids: ['sg-fw'], direction: 'inbound', path: 'forward' });
    const acls = [acl('acl-fw', ['subnet-fw'], [{ RuleNumber: 100, Protocol: '-1', RuleAction: 'allow', Egress: true, CidrBlock: '0.0.0.0/0' }]), acl('acl-1', ['subnet-pub', 'subnet-priv'])];
    const nacl = await trace(snapshot({ acls, routes: viaFw({ NetworkInterfaceId: 'eni-fw' }) }), 'eni-db', '8.8.8.8');
    expect(nacl.json.blockedBy).toEqual({ component: 'network-acl', id: 'acl-fw', direction: 'inbound', rule: 32767, path: 'forward' });
  });

  it('a subnet route more specific than the local route sends traffic inside the VPC to the appliance', async () => {
    const routes = { 'rtb-priv': [...DEFAULT_ROUTES['rtb-priv'], { DestinationCidrBlock: '10.0.2.0/24', NetworkInterfaceId: 'eni-fw', State: 'active' }] };
    const t = await trace(snapshot({ routes }), 'eni-db', 'eni-app');
    expect(t.json.hops.map((h) => h.component)).toContain('appliance');
    expect(t.json.hops.some((h) => h['eni'] === 'eni-app')).toBe(false);
    expect(t.json.explanation).toContain('as far as the appliance eni-fw');
  });

  it('an appliance the snapshot does not describe: as far as it, never a silent reachable', async () => {
    const t = await trace(snapshot({ routes: viaFw({ NetworkInterfaceId: 'eni-gone' }) }), 'eni-db', '8.8.8.8');
    expect(t.code).toBe(0);
    expect(t.json.notes.join(' ')).toContain('eni-gone, which is not in the snapshot');
    expect(t.json.explanation).toContain('as far as the appliance eni-gone');
  });

  it('explain, on both interfaces: the sender\'s egress record is allowed by its rules; the appliance\'s record of the forwarded packet names neither address as its own', async () => {
    const file = snapshot({ routes: viaFw({ NetworkInterfaceId: 'eni-fw' }) });
    const [atDb, atFw] = await explain(file, [
      '2 123456789012 eni-db 10.0.1.10 8.8.8.8 50000 443 6 1 40 1732700000 1732700060 ACCEPT OK',
      '2 123456789012 eni-fw 10.0.1.10 8.8.8.8 50000 443 6 1 40 1732700000 1732700060 ACCEPT OK',
    ]);
    expect(atDb).toMatchObject({ verdict: 'config-allows', direction: 'outbound' });
    expect(String(atFw!['explanation'])).toContain('Neither 10.0.1.10 nor 8.8.8.8 is an address of eni-fw');
  });
});

describe('untracked flows are not described as tracked responses (ref 4.3)', () => {
  const returnSg = (t: Awaited<ReturnType<typeof trace>>, eni: string) => t.json.hops.find((h) => h.component === 'security-group' && h.path === 'return' && h['eni'] === eni)?.evidence ?? '';

  it('a request allowed for all addresses with all traffic allowed back: the response is judged by the outbound rule', async () => {
    const t = await trace(snapshot(), '8.8.8.8', 'eni-web');
    expect(returnSg(t, 'eni-web')).toContain('untracked flow');
    expect(returnSg(t, 'eni-web')).toContain('allowed by sg-open');
    expect(returnSg(t, 'eni-web')).not.toContain('response of a tracked connection');
  });

  it('the documented example: SSH from one address is tracked, HTTP from everyone is not, ICMP always is', async () => {
    const web = group('sg-web', [
      { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '203.0.113.1/32' }] },
      { IpProtocol: 'tcp', FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
      { IpProtocol: 'icmp', FromPort: -1, ToPort: -1, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
    ]);
    const file = snapshot({ groups: [group('sg-open'), web, group('sg-app'), group('sg-peer', OPEN, OPEN, 'vpc-2')], eni: { 'eni-web': { Groups: [{ GroupId: 'sg-web' }] } } });
    expect(returnSg(await trace(file, '203.0.113.1', 'eni-web', ['--protocol', 'tcp', '--port', '22']), 'eni-web')).toContain('response of a tracked connection');
    expect(returnSg(await trace(file, '203.0.113.1', 'eni-web', ['--protocol', 'tcp', '--port', '80']), 'eni-web')).toContain('untracked flow');
    expect(returnSg(await trace(file, '203.0.113.1', 'eni-web', ['--protocol', 'icmp']), 'eni-web')).toContain('response of a tracked connection');
  });

  it('through a NAT gateway a flow is always tracked', async () => {
    const t = await trace(snapshot(), 'eni-db', '8.8.8.8');
    expect(returnSg(t, 'eni-db')).toContain('response of a tracked connection');
  });

  it('explain: a response record of an untracked flow is judged by the reverse rule and said to be untracked, never "response of a tracked connection"', async () => {
    const [untracked] = await explain(snapshot(), ['2 123456789012 eni-web 10.0.2.10 8.8.8.8 443 50000 6 1 40 1732700000 1732700060 ACCEPT OK']);
    expect(untracked).toMatchObject({ traffic: 'response', verdict: 'config-allows' });
    expect(String(untracked!['explanation'])).toContain('untracked flow');
    expect(String(untracked!['explanation'])).toContain('allowed by sg-open');
    expect(String(untracked!['explanation'])).not.toContain('response of a tracked connection');
    // IPv6 too: ::/0 both ways.
    const [v6] = await explain(snapshot(), ['2 123456789012 eni-web 2600:1f18:1:102::10 2001:db8::1 443 50000 6 1 40 1732700000 1732700060 ACCEPT OK']);
    expect(String(v6!['explanation'])).toContain('untracked flow');
    // A narrow inbound rule: tracked.
    const narrow = group('sg-web', [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '8.8.8.8/32' }] }]);
    const file = snapshot({ groups: [group('sg-open'), narrow, group('sg-app'), group('sg-peer', OPEN, OPEN, 'vpc-2')], eni: { 'eni-web': { Groups: [{ GroupId: 'sg-web' }] } } });
    const [tracked] = await explain(file, ['2 123456789012 eni-web 10.0.2.10 8.8.8.8 443 50000 6 1 40 1732700000 1732700060 ACCEPT OK']);
    expect(String(tracked!['explanation'])).toContain('response of a tracked connection');
  });

  it.each([['vpc_endpoint', 'an interface endpoint'], ['network_load_balancer', 'a Network Load Balancer'], ['gateway_load_balancer_endpoint', 'a Gateway Load Balancer endpoint']])(
    'with %s (%s) at the other end the flow is always tracked, even with rules open to all addresses both ways',
    async (type) => {
      const file = snapshot({ eni: { 'eni-app': { InterfaceType: type, RequesterManaged: true, Groups: [{ GroupId: 'sg-open' }] } } });
      const t = await trace(file, 'eni-web', 'eni-app');
      expect(t.code).toBe(0);
      expect(returnSg(t, 'eni-app')).toContain('response of a tracked connection');
      expect(returnSg(t, 'eni-web')).toContain('response of a tracked connection');
      // Its own groups judge a connection to it (ref 8.11).
      const closed = snapshot({ groups: [group('sg-open'), group('sg-ep', [], OPEN), group('sg-app'), group('sg-peer', OPEN, OPEN, 'vpc-2')], eni: { 'eni-app': { InterfaceType: type, RequesterManaged: true, Groups: [{ GroupId: 'sg-ep' }] } } });
      expect((await trace(closed, 'eni-web', 'eni-app')).json.blockedBy).toEqual({ component: 'security-group', ids: ['sg-ep'], direction: 'inbound', path: 'forward' });
      const [rec] = await explain(file, ['2 123456789012 eni-web 10.0.2.20 10.0.2.10 443 50000 6 1 40 1732700000 1732700060 ACCEPT OK']);
      expect(String(rec!['explanation'])).not.toContain('untracked flow');
    },
  );
});
