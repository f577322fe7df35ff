/**
 * Path semantics (issue 19), per class, through trace and explain, on the snapshot of path-snapshot.ts.
 */
import { describe, expect, it } from 'vitest';
import { ALLOW_ALL, OPEN, acl, explain, group, legOf, snapshot, trace } from './path-snapshot.js';

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

export { ALLOW_ALL, OPEN, legOf };
