/**
 * VPC endpoints (issue 19, "also model"): a gateway endpoint (S3, DynamoDB) is a route to a vpce- target for
 * the service's prefix list (ref 6.1, 6.5), TCP and ICMP echo only (ref 7.3 VPCE_GATEWAY_PROTOCOL_RESTRICTION),
 * its policy not evaluated (noted); a Gateway Load Balancer endpoint is followed as far as it; an interface
 * endpoint is a network interface whose security groups judge a connection to it (ref 8.11), always
 * tracked (ref 4.3). describe-vpc-endpoints and describe-prefix-lists output as the AWS CLI prints them.
 */
import { describe, expect, it } from 'vitest';
import { ALLOW_ALL, DEFAULT_ROUTES, OPEN, acl, explain, group, legOf, snapshot, trace } from './path-snapshot.js';

const S3_LIST = { PrefixListId: 'pl-63a5400a', PrefixListName: 'com.amazonaws.us-east-1.s3', Cidrs: ['52.216.0.0/15', '54.231.0.0/16'] };
const endpoint = (id: string, type: string, service: string, more: Record<string, unknown> = {}) => ({
  VpcEndpointId: id,
  VpcEndpointType: type,
  VpcId: 'vpc-1',
  ServiceName: service,
  State: 'available',
  PolicyDocument: '{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}',
  RouteTableIds: [],
  SubnetIds: [],
  Groups: [],
  PrivateDnsEnabled: false,
  RequesterManaged: false,
  NetworkInterfaceIds: [],
  DnsEntries: [],
  CreationTimestamp: '2026-01-01T00:00:00.000Z',
  Tags: [],
  OwnerId: '123456789012',
  ...more,
});
const s3Route = { DestinationPrefixListId: 'pl-63a5400a', GatewayId: 'vpce-s3', State: 'active' };

function gatewaySnapshot(endpoints: unknown[] = [endpoint('vpce-s3', 'Gateway', 'com.amazonaws.us-east-1.s3', { RouteTableIds: ['rtb-priv'] })], acls?: unknown[]): string {
  return snapshot({
    routes: { 'rtb-priv': [...DEFAULT_ROUTES['rtb-priv'], s3Route] },
    extra: { PrefixLists: [S3_LIST], VpcEndpoints: endpoints },
    ...(acls ? { acls: acls as Record<string, unknown>[] } : {}),
  });
}

describe('gateway endpoints: prefix-list routes to a vpce- target (ref 6.1, 6.5)', () => {
  it('S3 over the gateway endpoint is reachable without the NAT gateway, its policy not evaluated (noted)', async () => {
    const t = await trace(gatewaySnapshot(), 'eni-db', '52.216.10.10');
    expect(t.code).toBe(0);
    expect(legOf(t, 'forward')).toEqual(['security-group:eni-db', 'network-acl:acl-1', 'route:rtb-priv', 'gateway:vpce-s3']);
    expect(legOf(t, 'return')).toEqual(['network-acl:acl-1', 'security-group:eni-db']);
    expect(t.json.hops.find((h) => h.component === 'route')?.evidence).toContain('pl-63a5400a -> vpce-s3');
    expect(t.json.notes.join(' ')).toContain('The policy of gateway endpoint vpce-s3 (com.amazonaws.us-east-1.s3) is not evaluated');
    // Outside the prefix list the default route to the NAT gateway applies.
    const other = await trace(gatewaySnapshot(), 'eni-db', '8.8.8.8');
    expect(other.json.hops.some((h) => h.component === 'nat-gateway')).toBe(true);
  });

  it('a gateway endpoint carries only TCP and ICMP echo: UDP is gateway-drops (VPCE_GATEWAY_PROTOCOL_RESTRICTION)', async () => {
    const t = await trace(gatewaySnapshot(), 'eni-db', '52.216.10.10', ['--protocol', 'udp', '--port', '443']);
    expect(t.json.blockedBy).toEqual({ component: 'route', id: 'rtb-priv', reason: 'gateway-drops', path: 'forward' });
    expect((await trace(gatewaySnapshot(), 'eni-db', '52.216.10.10', ['--protocol', 'icmp'])).code).toBe(0);
  });

  it("the sender's NACL still judges the way to the endpoint and back", async () => {
    const deny = [{ RuleNumber: 50, Protocol: '6', RuleAction: 'deny', Egress: false, CidrBlock: '52.216.0.0/15', PortRange: { From: 1024, To: 65535 } }, ...ALLOW_ALL];
    const t = await trace(gatewaySnapshot(undefined, [acl('acl-1', ['subnet-pub', 'subnet-fw']), acl('acl-priv', ['subnet-priv'], deny), acl('acl-2', ['subnet-peer'], ALLOW_ALL, 'vpc-2')]), 'eni-db', '52.216.10.10');
    expect(t.json.blockedBy).toEqual({ component: 'network-acl', id: 'acl-priv', direction: 'inbound', rule: 50, path: 'return' });
  });

  it('without describe-vpc-endpoints the vpce- route is taken for a gateway endpoint, said in the notes', async () => {
    const t = await trace(gatewaySnapshot([]), 'eni-db', '52.216.10.10');
    expect(t.code).toBe(0);
    expect(t.json.notes.join(' ')).toContain('vpce-s3 is not described');
  });

  it('a Gateway Load Balancer endpoint: reachable as far as it, beyond it assumed', async () => {
    const file = snapshot({
      routes: { 'rtb-priv': [{ DestinationCidrBlock: '0.0.0.0/0', GatewayId: 'vpce-gwlb', State: 'active' }] },
      extra: { VpcEndpoints: [endpoint('vpce-gwlb', 'GatewayLoadBalancer', 'com.amazonaws.vpce.us-east-1.vpce-svc-0fw', { SubnetIds: ['subnet-fw'] })] },
    });
    const t = await trace(file, 'eni-db', '8.8.8.8');
    expect(t.code).toBe(0);
    expect(t.json.explanation).toContain('as far as the appliance vpce-gwlb');
    expect(legOf(t, 'return')).toEqual([]);
  });
});

describe('interface endpoints: network interfaces with security groups (ref 8.11)', () => {
  const ep = endpoint('vpce-ssm', 'Interface', 'com.amazonaws.us-east-1.ssm', { SubnetIds: ['subnet-pub'], Groups: [{ GroupId: 'sg-ep', GroupName: 'ep' }], NetworkInterfaceIds: ['eni-app'] });
  const asEndpoint = (inbound: unknown[]) => snapshot({
    groups: [group('sg-open'), group('sg-ep', inbound, OPEN), group('sg-app'), group('sg-peer', OPEN, OPEN, 'vpc-2'), group('sg-db', OPEN, OPEN)],
    eni: {
      'eni-app': { InterfaceType: 'vpc_endpoint', RequesterManaged: true, Description: 'VPC Endpoint Interface vpce-ssm', Groups: [{ GroupId: 'sg-ep' }], Ipv6Addresses: [{ Ipv6Address: '2600:1f18:1:102::20' }] },
      'eni-db': { Groups: [{ GroupId: 'sg-db' }] },
    },
    extra: { VpcEndpoints: [ep] },
  });
  const https = [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '10.0.0.0/16' }], Ipv6Ranges: [{ CidrIpv6: '2600:1f18:1:100::/56' }] }];

  it('a connection to it is judged by its groups: allowed on 443 (IPv4 and IPv6), blocked on another port', async () => {
    const file = asEndpoint(https);
    const ok = await trace(file, 'eni-db', 'eni-app');
    expect(ok.code).toBe(0);
    expect(ok.json.notes.join(' ')).toContain('interface endpoint vpce-ssm (com.amazonaws.us-east-1.ssm)');
    expect((await trace(file, '2600:1f18:1:102::10', '2600:1f18:1:102::20')).code).toBe(0);
    const other = await trace(file, 'eni-db', 'eni-app', ['--protocol', 'tcp', '--port', '8443']);
    expect(other.json.blockedBy).toEqual({ component: 'security-group', ids: ['sg-ep'], direction: 'inbound', path: 'forward' });
    const v6 = await trace(asEndpoint([{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '10.0.0.0/16' }] }]), '2600:1f18:1:102::10', '2600:1f18:1:102::20');
    expect(v6.json.blockedBy).toEqual({ component: 'security-group', ids: ['sg-ep'], direction: 'inbound', path: 'forward' });
  });

  it('explain, on both interfaces: the endpoint interface\'s record is judged by its groups, the client\'s by its own', async () => {
    const file = asEndpoint(https);
    const [atEp, atDb, blocked] = await explain(file, [
      '2 123456789012 eni-app 10.0.1.10 10.0.2.20 50000 443 6 1 40 1732700000 1732700060 ACCEPT OK',
      '2 123456789012 eni-db 10.0.1.10 10.0.2.20 50000 443 6 1 40 1732700000 1732700060 ACCEPT OK',
      '2 123456789012 eni-app 10.0.1.10 10.0.2.20 50000 8443 6 1 40 1732700000 1732700060 REJECT OK',
    ]);
    expect(atEp).toMatchObject({ verdict: 'config-allows', direction: 'inbound' });
    expect(atDb).toMatchObject({ verdict: 'config-allows', direction: 'outbound' });
    expect(blocked).toMatchObject({ verdict: 'blocked', blockedBy: { component: 'security-group', ids: ['sg-ep'], direction: 'inbound' } });
  });
});
