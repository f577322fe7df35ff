import { describe, expect, it } from 'vitest';
import type { NaclEntry, SgRule } from '../../src/model/snapshot.js';
import type { NatGateway } from '../../src/model/snapshot.js';
import { eni, ip, nacl, naclEntry as e, route, routeTable, sg, sgRule, snapshotOf, subnet, vpc } from '../builders.js';
import { auditWith } from './support.js';

/** One VPC 10.0.0.0/16 (and 2600:1f18::/56), one subnet 10.0.1.0/24 routed to an internet gateway, one web interface. */
function web(rules: SgRule[], entries: NaclEntry[], opts: { routes?: ReturnType<typeof route>[]; ipv6?: boolean } = {}) {
  return snapshotOf({
    vpcs: [vpc('vpc-1', ['10.0.0.0/16'], ['2600:1f18::/56'])],
    subnets: [subnet('subnet-1', '10.0.1.0/24', { ipv6: ['2600:1f18::/64'] })],
    enis: [eni('eni-1', 'subnet-1', ['10.0.1.10'], ['sg-web'], { publicIp: '54.0.0.10', ...(opts.ipv6 ? { ipv6: ['2600:1f18::10'] } : {}) })],
    securityGroups: [sg('sg-web', rules)],
    networkAcls: [nacl('acl-1', entries, ['subnet-1'])],
    routeTables: [routeTable('rtb-1', opts.routes ?? [route('10.0.0.0/16', 'local'), route('2600:1f18::/56', 'local'), route('0.0.0.0/0', 'igw-1'), route('::/0', 'igw-1')], { subnetIds: ['subnet-1'] })],
  });
}

const https = sgRule('sg-web', 'inbound', 'tcp', '0.0.0.0/0', { ports: [443, 443] });
const inHttps = e(100, 'allow', 'inbound', 'tcp', '0.0.0.0/0', { ports: [443, 443] });
const run = (s: ReturnType<typeof web>, options?: Record<string, unknown>) => auditWith(s, 'nacl-missing-return-path', options);

describe('nacl-missing-return-path: inbound services', () => {
  it('reports HTTPS admitted inbound whose responses the outbound NACL denies on every ephemeral port, high (ref 5.3, 8.6)', () => {
    const f = run(web([https], [inHttps, e(100, 'allow', 'outbound', 'tcp', '0.0.0.0/0', { ports: [443, 443] })]));
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({
      severity: 'high',
      resource: 'acl-1',
      entry: { kind: 'nacl-entry', aclId: 'acl-1', direction: 'outbound', ruleNumber: 32767 },
      details: { case: 'inbound-service', family: 4, subnetId: 'subnet-1', networkInterfaces: ['eni-1'], groupIds: ['sg-web'] },
    });
    expect((f[0]!.details as { requests: { protocol: number; ports: number[][] }[] }).requests.map((r) => [r.protocol, r.ports])).toEqual([[6, [[443, 443]]]]);
    expect(f[0]!.message).toContain('tcp/443');
  });

  it('reports a response range that leaves out part of 1024-65535 as low, with the ports denied (ref 5.3)', () => {
    const f = run(web([https], [inHttps, e(100, 'allow', 'outbound', 'tcp', '0.0.0.0/0', { ports: [32768, 65535] })]));
    expect(f.map((x) => x.severity)).toEqual(['low']);
    expect((f[0]!.details as { deniedReturns: { ports: number[][] }[] }).deniedReturns.map((r) => r.ports)).toEqual([[[1024, 32767]]]);
    expect(run(web([https], [inHttps, e(100, 'allow', 'outbound', 'tcp', '0.0.0.0/0', { ports: [32768, 65535] })]), { ephemeralFrom: 32768 })).toEqual([]);
  });

  it('names an explicit deny that takes the responses (ref 5.1)', () => {
    const f = run(web([https], [inHttps, e(90, 'deny', 'outbound', 'tcp', '0.0.0.0/0', { ports: [1024, 65535] }), e(100, 'allow', 'outbound', '-1', '0.0.0.0/0')]));
    expect(f.map((x) => x.entry)).toEqual([{ kind: 'nacl-entry', aclId: 'acl-1', direction: 'outbound', ruleNumber: 90 }]);
  });

  it('reports nothing when the outbound NACL allows the ephemeral ports, whatever the groups allow outbound: they are stateful (ref 4.3, 5.3)', () => {
    expect(run(web([https], [inHttps, e(100, 'allow', 'outbound', 'tcp', '0.0.0.0/0', { ports: [1024, 65535] })]))).toEqual([]);
  });

  it('reports nothing for clients in the same subnet: their traffic skips the NACL (ref 8.8)', () => {
    const own = sgRule('sg-web', 'inbound', 'tcp', '10.0.1.0/24', { ports: [443, 443] });
    expect(run(web([own], [e(100, 'allow', 'inbound', '-1', '0.0.0.0/0'), e(100, 'allow', 'outbound', 'tcp', '10.0.0.0/16', { ports: [443, 443] })]))).toEqual([]);
  });

  it('reports nothing for an SG open to ::/0 where the inbound NACL denies IPv6 (ref 8.13)', () => {
    const v6 = sgRule('sg-web', 'inbound', 'tcp', '::/0', { ports: [443, 443] });
    expect(run(web([https, v6], [inHttps, e(100, 'allow', 'outbound', 'tcp', '0.0.0.0/0', { ports: [1024, 65535] })], { ipv6: true }))).toEqual([]);
  });

  it('reports IPv6 on its own when the NACL admits it inbound and has only IPv4 allows outbound (ref 5.1, 8.13)', () => {
    const v6 = sgRule('sg-web', 'inbound', 'tcp', '::/0', { ports: [443, 443] });
    const f = run(web([https, v6], [inHttps, e(110, 'allow', 'inbound', 'tcp', '::/0', { ports: [443, 443] }), e(100, 'allow', 'outbound', 'tcp', '0.0.0.0/0', { ports: [1024, 65535] })], { ipv6: true }));
    expect(f.map((x) => [x.severity, (x.details as { family: number }).family, x.entry])).toEqual([['high', 6, { kind: 'nacl-entry', aclId: 'acl-1', direction: 'outbound', ruleNumber: 32768 }]]);
  });
});

describe('nacl-missing-return-path: outbound connections', () => {
  const allOut = sgRule('sg-web', 'outbound', '-1', '0.0.0.0/0');
  it('reports connections the groups and the outbound NACL allow whose replies the inbound NACL denies on every port (ref 5.3)', () => {
    const f = run(web([allOut], [e(100, 'allow', 'outbound', '-1', '0.0.0.0/0'), e(100, 'allow', 'inbound', 'tcp', '0.0.0.0/0', { ports: [22, 22] })]));
    expect(f.map((x) => [x.severity, (x.details as { case: string }).case, x.entry])).toEqual([['high', 'outbound-connection', { kind: 'nacl-entry', aclId: 'acl-1', direction: 'inbound', ruleNumber: 32767 }]]);
  });

  it('reports nothing when replies come back to part of the ephemeral range: the OS picks its own ports (ref 5.3)', () => {
    const entries = [e(100, 'allow', 'outbound', '-1', '0.0.0.0/0'), e(100, 'allow', 'inbound', 'tcp', '0.0.0.0/0', { ports: [32768, 65535] }), e(110, 'allow', 'inbound', 'udp', '0.0.0.0/0', { ports: [32768, 65535] })];
    expect(run(web([allOut], entries))).toEqual([]);
  });

  it('judges only destinations the subnet routes to: without an internet route, replies from the VPC are enough (ref 6.1)', () => {
    const tcpOut = sgRule('sg-web', 'outbound', 'tcp', '0.0.0.0/0', { ports: [0, 65535] });
    const entries = [e(100, 'allow', 'outbound', '-1', '0.0.0.0/0'), e(100, 'allow', 'inbound', 'tcp', '10.0.0.0/16', { ports: [1024, 65535] })];
    expect(run(web([tcpOut], entries, { routes: [route('10.0.0.0/16', 'local')] }))).toEqual([]);
    expect(run(web([tcpOut], entries)).map((x) => x.severity)).toEqual(['high']);
  });

  it('never flags traffic to the Amazon DNS server, which NACLs do not filter (ref 3)', () => {
    const dns = [sgRule('sg-web', 'outbound', 'udp', '10.0.0.2/32', { ports: [53, 53] }), sgRule('sg-web', 'outbound', 'udp', '169.254.169.253/32', { ports: [53, 53] })];
    expect(run(web(dns, [e(100, 'allow', 'outbound', '-1', '0.0.0.0/0')]))).toEqual([]);
  });
});

describe('nacl-missing-return-path: NAT gateway subnets', () => {
  function natWorld(publicEntries: NaclEntry[]) {
    const natEni = { ...eni('eni-nat', 'subnet-pub', ['10.0.0.5'], []), interfaceType: 'nat_gateway', requesterManaged: true };
    const nat: NatGateway = { id: 'nat-1', vpcId: 'vpc-1', subnetId: 'subnet-pub', state: 'available', connectivityType: 'public', eniIds: ['eni-nat'], privateIps: [ip('10.0.0.5')], publicIps: [ip('54.0.0.5')], source: { file: 'test', path: '$' } };
    return snapshotOf({
      vpcs: [vpc('vpc-1', ['10.0.0.0/16'])],
      subnets: [subnet('subnet-pub', '10.0.0.0/24'), subnet('subnet-app', '10.0.1.0/24')],
      enis: [natEni, eni('eni-app', 'subnet-app', ['10.0.1.10'], ['sg-app'])],
      natGateways: [nat],
      securityGroups: [sg('sg-app', [sgRule('sg-app', 'outbound', '-1', '0.0.0.0/0')])],
      networkAcls: [nacl('acl-pub', publicEntries, ['subnet-pub']), nacl('acl-app', [e(100, 'allow', 'inbound', '-1', '0.0.0.0/0'), e(100, 'allow', 'outbound', '-1', '0.0.0.0/0')], ['subnet-app'])],
      routeTables: [
        routeTable('rtb-pub', [route('10.0.0.0/16', 'local'), route('0.0.0.0/0', 'igw-1')], { subnetIds: ['subnet-pub'] }),
        routeTable('rtb-app', [route('10.0.0.0/16', 'local'), route('0.0.0.0/0', 'nat-1')], { subnetIds: ['subnet-app'] }),
      ],
    });
  }

  it('reports the responses of forwarded requests the NAT subnet sends back to private clients and denies (ref 2.7, 5.3)', () => {
    const f = run(natWorld([e(100, 'allow', 'inbound', '-1', '10.0.0.0/16'), e(110, 'allow', 'inbound', '-1', '0.0.0.0/0'), e(100, 'allow', 'outbound', 'tcp', '0.0.0.0/0', { ports: [443, 443] })]));
    expect(f.map((x) => [x.severity, (x.details as { case: string }).case, x.entry?.kind === 'nacl-entry' && x.entry.direction])).toEqual([['high', 'nat-forwarded', 'outbound']]);
  });

  it('reports the replies to the NAT gateway\'s own connections (source ports 1024-65535) the inbound NACL denies (ref 5.3)', () => {
    const f = run(natWorld([e(100, 'allow', 'inbound', '-1', '10.0.0.0/16'), e(100, 'allow', 'outbound', '-1', '0.0.0.0/0')]));
    expect(f.map((x) => [x.severity, (x.details as { case: string }).case])).toEqual([['high', 'nat-outbound']]);
  });

  it('reports nothing when the NAT subnet allows the ephemeral ports both ways (ref 5.3)', () => {
    expect(run(natWorld([e(100, 'allow', 'inbound', '-1', '10.0.0.0/16'), e(110, 'allow', 'inbound', 'tcp', '0.0.0.0/0', { ports: [1024, 65535] }), e(120, 'allow', 'inbound', 'udp', '0.0.0.0/0', { ports: [1024, 65535] }), e(100, 'allow', 'outbound', '-1', '0.0.0.0/0')]))).toEqual([]);
  });
});
