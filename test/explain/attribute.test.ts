import { describe, expect, it } from 'vitest';
import { type AttributionContext, attributeRecord } from '../../src/explain/attribute.js';
import { indexSnapshot } from '../../src/engine/snapshot-index.js';
import { DEFAULT_FORMAT, parseLogFormat } from '../../src/flowlog/format.js';
import { FlowRecord } from '../../src/flowlog/record.js';
import { E } from '../../src/fp.js';
import type { Snapshot } from '../../src/model/snapshot.js';
import { eni, nacl, naclEntry, sg, sgRule, snapshotOf, subnet, vpc } from '../builders.js';
import { attributionScenarios } from './scenarios.js';

const V8 = (() => {
  const f = parseLogFormat('${version} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${tcp-flags} ${action} ${log-status} ${reject-reason}');
  if (E.isLeft(f)) throw new Error(f.left.message);
  return f.right;
})();

function rec(line: string): FlowRecord {
  const tokens = line.trim().split(/\s+/);
  return FlowRecord.fromTokens('t.log', 1, tokens.length === 14 ? DEFAULT_FORMAT : V8, tokens);
}

function ctx(snapshot: Snapshot, reverse = false): AttributionContext {
  return { index: indexSnapshot(snapshot), reverseAccepted: () => reverse };
}

/** The ping setup of the AWS flow-log examples (ref 2.4, 9.1): SG in ICMP, out none; NACL in ICMP, out none. */
function pingSnapshot(opts: { sgInboundIcmp: boolean; naclOutbound: boolean }): Snapshot {
  return snapshotOf({
    vpcs: [vpc('vpc-1', ['172.31.0.0/16'])],
    subnets: [subnet('subnet-1', '172.31.16.0/20')],
    enis: [eni('eni-1235b8ca123456789', 'subnet-1', ['172.31.16.139'], ['sg-1'])],
    securityGroups: [sg('sg-1', opts.sgInboundIcmp ? [sgRule('sg-1', 'inbound', 'icmp', '0.0.0.0/0', { icmp: [-1, -1] })] : [])],
    networkAcls: [
      nacl('acl-1', [
        naclEntry(100, 'allow', 'inbound', '-1', '0.0.0.0/0'),
        ...(opts.naclOutbound ? [naclEntry(100, 'allow', 'outbound', '-1', '0.0.0.0/0')] : []),
        naclEntry(32767, 'deny', 'inbound', '-1', '0.0.0.0/0'),
        naclEntry(32767, 'deny', 'outbound', '-1', '0.0.0.0/0'),
      ], ['subnet-1']),
    ],
  });
}

const PING_REPLY = '2 123456789010 eni-1235b8ca123456789 172.31.16.139 203.0.113.12 0 0 1 4 336 1432917094 1432917142 REJECT OK';
const PING_REQUEST = '2 123456789010 eni-1235b8ca123456789 203.0.113.12 172.31.16.139 0 0 1 4 336 1432917027 1432917142 REJECT OK';

const rdpBase = {
  vpcs: [vpc('vpc-1', ['172.31.0.0/16'])],
  subnets: [subnet('subnet-1', '172.31.0.0/20')],
  enis: [eni('eni-1235b8ca123456789', 'subnet-1', ['172.31.9.12'], ['sg-1'])],
  securityGroups: [sg('sg-1', [sgRule('sg-1', 'inbound', 'tcp', '0.0.0.0/0', { ports: [22, 22] })])],
};
const allowAll = nacl('acl-1', [naclEntry(100, 'allow', 'inbound', '-1', '0.0.0.0/0'), naclEntry(100, 'allow', 'outbound', '-1', '0.0.0.0/0')], ['subnet-1']);
const deny90 = nacl('acl-1', [...allowAll.entries, naclEntry(90, 'deny', 'inbound', '6', '0.0.0.0/0', { ports: [3389, 3389] })], ['subnet-1']);
/** RDP from the same /20 subnet (the AWS example) and from outside it, where the NACL applies. */
const RDP_SAME_SUBNET = '2 123456789010 eni-1235b8ca123456789 172.31.9.69 172.31.9.12 49761 3389 6 20 4249 1418530010 1418530070 REJECT OK';
const RDP_OUTSIDE = '2 123456789010 eni-1235b8ca123456789 172.31.99.69 172.31.9.12 49761 3389 6 20 4249 1418530010 1418530070 REJECT OK';

const peers = snapshotOf({
  vpcs: [vpc('vpc-1', ['10.0.0.0/16']), vpc('vpc-2', ['10.1.0.0/16'])],
  subnets: [subnet('subnet-a', '10.0.1.0/24'), subnet('subnet-b', '10.0.2.0/24'), subnet('subnet-c', '10.1.0.0/24', { vpcId: 'vpc-2' })],
  enis: [
    eni('eni-db', 'subnet-a', ['10.0.1.5'], ['sg-db']),
    eni('eni-app', 'subnet-b', ['10.0.2.9'], ['sg-app', 'sg-ops']),
    eni('eni-far', 'subnet-c', ['10.1.0.7'], ['sg-far'], { vpcId: 'vpc-2' }),
  ],
  securityGroups: [sg('sg-db', []), sg('sg-app', []), sg('sg-ops', []), sg('sg-far', [], 'vpc-2')],
  networkAcls: [nacl('acl-1', [naclEntry(100, 'allow', 'inbound', '-1', '0.0.0.0/0'), naclEntry(100, 'allow', 'outbound', '-1', '0.0.0.0/0')], ['subnet-a', 'subnet-b'])],
});

const publicPeers = snapshotOf({
  vpcs: [vpc('vpc-1', ['10.0.0.0/16'])],
  subnets: [subnet('subnet-a', '10.0.1.0/24'), subnet('subnet-b', '10.0.2.0/24')],
  enis: [eni('eni-a', 'subnet-a', ['10.0.1.5'], ['sg-a'], { publicIp: '54.1.1.5' }), eni('eni-b', 'subnet-b', ['10.0.2.9'], ['sg-b'], { publicIp: '54.1.1.9' })],
  securityGroups: [sg('sg-a', []), sg('sg-b', [sgRule('sg-b', 'inbound', 'tcp', 'sg-a', { ports: [443, 443] })])],
  networkAcls: [nacl('acl-1', [naclEntry(100, 'allow', 'inbound', '-1', '0.0.0.0/0'), naclEntry(100, 'allow', 'outbound', '-1', '0.0.0.0/0')], ['subnet-a', 'subnet-b'])],
});

const withSsh = (() => {
  const snap = pingSnapshot({ sgInboundIcmp: true, naclOutbound: true });
  return { ...snap, securityGroups: [sg('sg-1', [sgRule('sg-1', 'inbound', 'tcp', '0.0.0.0/0', { ports: [22, 22] })])] };
})();

const FLOW_DIRECTION = (() => {
  const f = parseLogFormat('${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${action} ${flow-direction}');
  if (E.isLeft(f)) throw new Error('format');
  return f.right;
})();

attributionScenarios('attributeRecord: the AWS documented examples', [
  {
    name: 'attributes the REJECTed ping reply to the NACL outbound default rule, not the stateful SG (ref 2.4, 9.1)',
    snapshot: pingSnapshot({ sgInboundIcmp: true, naclOutbound: false }),
    record: PING_REPLY,
    reverse: true,
    expect: {
      direction: 'outbound', traffic: 'response', trafficEvidence: 'reverse-accept', verdict: 'blocked',
      blockedBy: { component: 'network-acl', id: 'acl-1', direction: 'outbound', rule: 32767 }, alsoBlockedBy: [],
      explanation: [/stateless/],
    },
  },
  {
    // ICMP carries no type; read as a reply it would pass (tracked), so only the request reading fits the REJECT.
    name: 'attributes a single inbound ping REJECT to the SG when the NACL allows it (ref 2.4 variant, 8.7, 9.2)',
    snapshot: pingSnapshot({ sgInboundIcmp: false, naclOutbound: true }),
    record: PING_REQUEST,
    expect: { direction: 'inbound', traffic: 'request', trafficEvidence: 'consistency', verdict: 'blocked', blockedBy: { component: 'security-group', ids: ['sg-1'], direction: 'inbound' } },
  },
  {
    // An outbound ICMP REJECT with no reverse ACCEPT: as a request the SG (no ICMP out) denies it, as a reply the NACL does.
    name: 'is ambiguous when the request and response readings name different blockers (ref 8.5)',
    snapshot: pingSnapshot({ sgInboundIcmp: true, naclOutbound: false }),
    record: PING_REPLY,
    expect: {
      verdict: 'ambiguous', blockedBy: null,
      candidateBlockers: [{ component: 'security-group', ids: ['sg-1'], direction: 'outbound' }, { component: 'network-acl', id: 'acl-1', direction: 'outbound', rule: 32767 }],
    },
  },
  {
    name: 'names the SG for RDP when the NACL allows all (ref 2.2, 9.3)',
    snapshot: snapshotOf({ ...rdpBase, networkAcls: [allowAll] }),
    record: RDP_OUTSIDE,
    expect: { verdict: 'blocked', traffic: 'request', blockedBy: { component: 'security-group', ids: ['sg-1'], direction: 'inbound' } },
  },
  {
    name: 'names NACL rule 90 for RDP when it denies 3389 before the allow, the SG as also blocking (ref 2.2, 5.1, 9.3)',
    snapshot: snapshotOf({ ...rdpBase, networkAcls: [deny90] }),
    record: RDP_OUTSIDE,
    expect: {
      blockedBy: { component: 'network-acl', id: 'acl-1', direction: 'inbound', rule: 90 },
      alsoBlockedBy: [{ component: 'security-group', ids: ['sg-1'], direction: 'inbound' }],
      explanation: ['evaluated before the allow in rule 100'],
    },
  },
  {
    name: 'skips the NACL for RDP from the same subnet, so the SG blocks even with rule 90 (ref 8.8, 9.4)',
    snapshot: snapshotOf({ ...rdpBase, networkAcls: [deny90] }),
    record: RDP_SAME_SUBNET,
    expect: { blockedBy: { component: 'security-group', ids: ['sg-1'], direction: 'inbound' }, alsoBlockedBy: [] },
  },
  {
    name: 'attributes an inbound SYN-ACK REJECT to the NACL inbound missing the ephemeral range (ref 8.6, 9.5)',
    snapshot: snapshotOf({
      vpcs: [vpc('vpc-1', ['10.0.0.0/16'])],
      subnets: [subnet('subnet-1', '10.0.1.0/24')],
      enis: [eni('eni-1', 'subnet-1', ['10.0.1.5'], ['sg-1'])],
      securityGroups: [sg('sg-1', [sgRule('sg-1', 'outbound', '-1', '0.0.0.0/0')])],
      networkAcls: [nacl('acl-1', [naclEntry(100, 'allow', 'inbound', '6', '0.0.0.0/0', { ports: [22, 22] }), naclEntry(100, 'allow', 'outbound', '-1', '0.0.0.0/0')], ['subnet-1'])],
    }),
    record: '8 eni-1 203.0.113.5 10.0.1.5 443 40000 6 18 REJECT OK -',
    expect: { traffic: 'response', trafficEvidence: 'tcp-flags', verdict: 'blocked', blockedBy: { component: 'network-acl', id: 'acl-1', rule: 32767, direction: 'inbound' }, fix: ['1024-65535'] },
  },
  {
    name: 'attributes reject-reason BPA to VPC Block Public Access (ref 1.5, 9.8)',
    snapshot: pingSnapshot({ sgInboundIcmp: true, naclOutbound: true }),
    record: '8 eni-1235b8ca123456789 203.0.113.12 172.31.16.139 40000 443 6 2 REJECT OK BPA',
    expect: { verdict: 'blocked', blockedBy: { component: 'block-public-access', direction: 'inbound' } },
  },
  {
    name: 'has a security-group fix name a peer interface of the same VPC by its first group (ref 4.2: a group reference admits its members\' private addresses)',
    snapshot: peers,
    record: '8 eni-db 10.0.2.9 10.0.1.5 40000 5432 6 2 REJECT OK -',
    expect: { blockedBy: { component: 'security-group', ids: ['sg-db'], direction: 'inbound' }, fix: 'add an inbound rule to sg-db allowing tcp/5432 from sg-app (a group on eni-app)' },
  },
  {
    name: 'has a security-group fix name a peer interface of another VPC by its address (ref 4.2: across VPCs only with same-Region peering)',
    snapshot: peers,
    record: '8 eni-db 10.1.0.7 10.0.1.5 40000 5432 6 2 REJECT OK -',
    expect: { blockedBy: { component: 'security-group', ids: ['sg-db'], direction: 'inbound' }, fix: 'add an inbound rule to sg-db allowing tcp/5432 from 10.1.0.7/32' },
  },
  {
    name: 'does not match an SG reference when the peer arrives at a public IP (ref 4.2, 9.9)',
    snapshot: publicPeers,
    record: '8 eni-b 54.1.1.5 10.0.2.9 40000 443 6 2 REJECT OK -',
    expect: { blockedBy: { component: 'security-group', ids: ['sg-b'], direction: 'inbound' } },
  },
  {
    name: 'matches the SG reference when the peer uses its private IP (ref 4.2, 9.9)',
    snapshot: publicPeers,
    record: '8 eni-b 10.0.1.5 10.0.2.9 40000 443 6 2 REJECT OK -',
    expect: { verdict: 'config-allows' },
  },
  {
    name: 'denies IPv6 with the NACL default rule 32768 when only IPv4 rules allow (ref 8.13, 9.10)',
    snapshot: snapshotOf({
      vpcs: [vpc('vpc-1', ['10.0.0.0/16'], ['2001:db8:1234:a100::/56'])],
      subnets: [subnet('subnet-1', '10.0.1.0/24', { ipv6: ['2001:db8:1234:a102::/64'] })],
      enis: [eni('eni-1235b8ca123456789', 'subnet-1', ['10.0.1.5'], ['sg-1'], { ipv6: ['2001:db8:1234:a102:3304:8879:34cf:4071'] })],
      securityGroups: [sg('sg-1', [sgRule('sg-1', 'inbound', 'tcp', '::/0', { ports: [22, 22] })])],
      networkAcls: [nacl('acl-1', [naclEntry(100, 'allow', 'inbound', '-1', '0.0.0.0/0'), naclEntry(100, 'allow', 'outbound', '-1', '0.0.0.0/0')], ['subnet-1'])],
    }),
    record: '2 123456789010 eni-1235b8ca123456789 2001:db8:1234:a100:8d6e:3477:df66:f105 2001:db8:1234:a102:3304:8879:34cf:4071 34892 22 6 54 8855 1477913708 1477913820 REJECT OK',
    expect: { verdict: 'blocked', blockedBy: { component: 'network-acl', id: 'acl-1', rule: 32768, direction: 'inbound' } },
  },
], rec);

attributionScenarios('attributeRecord: verdicts', [
  {
    name: 'reports unknown-interface for an ENI the snapshot lacks',
    snapshot: pingSnapshot({ sgInboundIcmp: true, naclOutbound: true }),
    record: '2 1 eni-0nothere 1.2.3.4 172.31.16.139 1 2 6 1 1 1 1 REJECT OK',
    expect: { verdict: 'unknown-interface', explanation: ['eni-0nothere is not in the snapshot'] },
  },
  {
    name: 'reports config-allows with post-close causes for a FIN-only REJECT the rules allow (ref 8.9)',
    snapshot: withSsh,
    record: '8 eni-1235b8ca123456789 203.0.113.12 172.31.16.139 40000 22 6 1 REJECT OK -',
    expect: { verdict: 'config-allows', explanation: [/after the connection was closed/] },
  },
  {
    name: 'uses flow-direction when present instead of the addresses (ref 8.3)',
    snapshot: pingSnapshot({ sgInboundIcmp: true, naclOutbound: false }),
    record: FlowRecord.fromTokens('t', 1, FLOW_DIRECTION, 'eni-1235b8ca123456789 203.0.113.12 172.31.16.139 0 0 1 REJECT egress'.split(' ')),
    expect: { direction: 'outbound' },
  },
  {
    name: 'reads the primary IP in dstaddr of an ingress record as the ENI even for traffic to a secondary IP (ref 1.8, 9.7)',
    snapshot: snapshotOf({
      subnets: [subnet('subnet-1', '10.0.1.0/24')],
      enis: [eni('eni-1', 'subnet-1', ['10.0.1.5', '10.0.1.6'], ['sg-1'])],
      securityGroups: [sg('sg-1', [])],
      networkAcls: [nacl('acl-1', [naclEntry(100, 'allow', 'inbound', '-1', '0.0.0.0/0')], ['subnet-1'])],
    }),
    record: '8 eni-1 198.51.100.1 10.0.1.5 40000 443 6 2 REJECT OK -',
    expect: { direction: 'inbound', blockedBy: { component: 'security-group', ids: ['sg-1'], direction: 'inbound' } },
  },
  {
    name: 'is ambiguous when neither address belongs to the ENI and there is no flow-direction (ref 8.4)',
    snapshot: pingSnapshot({ sgInboundIcmp: true, naclOutbound: true }),
    record: '2 1 eni-1235b8ca123456789 1.2.3.4 5.6.7.8 40000 22 6 1 1 1 1 REJECT OK',
    expect: {
      verdict: 'ambiguous',
      candidateReadings: [['as inbound traffic', 'blocked'], ['as outbound traffic', 'blocked']],
      candidateBlockers: [{ component: 'security-group', ids: ['sg-1'], direction: 'inbound' }, { component: 'security-group', ids: ['sg-1'], direction: 'outbound' }],
    },
  },
  {
    name: 'lists the inbound and outbound readings of an unplaceable record with their own blockers (ref 8.4)',
    snapshot: { ...pingSnapshot({ sgInboundIcmp: true, naclOutbound: false }), networkAcls: [nacl('acl-1', [naclEntry(90, 'deny', 'inbound', '-1', '0.0.0.0/0'), naclEntry(90, 'deny', 'outbound', '-1', '0.0.0.0/0')], ['subnet-1'])] },
    record: '2 1 eni-1235b8ca123456789 1.2.3.4 5.6.7.8 40000 22 6 1 1 1 1 REJECT OK',
    expect: {
      verdict: 'ambiguous',
      candidateBlockers: [{ component: 'network-acl', id: 'acl-1', direction: 'inbound', rule: 90 }, { component: 'security-group', ids: ['sg-1'], direction: 'outbound' }],
    },
  },
], rec);

describe('attributionScenarios', () => {
  it('rejects two scenarios of one name', () => {
    const s = { name: 'twice', snapshot: withSsh, record: PING_REQUEST, expect: {} };
    expect(() => attributionScenarios('dup', [s, s], rec)).toThrow('two scenarios are named "twice"');
  });
});

describe('attributeRecord: fields the record does not carry', () => {
  it('is ambiguous between two NACL rules when a type-specific ICMP deny precedes the catch-all (ref 2.4, 5.2)', () => {
    const snap = snapshotOf({
      subnets: [subnet('subnet-1', '10.0.1.0/24')],
      enis: [eni('eni-1', 'subnet-1', ['10.0.1.5'], ['sg-1'])],
      securityGroups: [sg('sg-1', [sgRule('sg-1', 'inbound', 'icmp', '0.0.0.0/0')])],
      networkAcls: [nacl('acl-1', [naclEntry(100, 'deny', 'inbound', '1', '0.0.0.0/0', { icmp: [8, -1] }), naclEntry(200, 'deny', 'inbound', '-1', '0.0.0.0/0')], ['subnet-1'])],
    });
    const a = attributeRecord(ctx(snap), rec('8 eni-1 203.0.113.12 10.0.1.5 0 0 1 - REJECT OK -'));
    expect(a.verdict).toBe('ambiguous');
    expect(a.candidates?.map((c) => c.blockedBy)).toEqual([
      { component: 'network-acl', id: 'acl-1', direction: 'inbound', rule: 200 },
      { component: 'network-acl', id: 'acl-1', direction: 'inbound', rule: 100 },
    ]);
  });
});

import fc from 'fast-check';
import { recordJson } from '../../src/pipeline/run.js';
import { fcParams } from '../arbitraries/fc-params.js';

describe('recordJson', () => {
  it('equals JSON.stringify(record.fields()) for any tokens, escapes included', () => {
    const f = parseLogFormat('${version} ${interface-id} ${srcaddr} ${srcport} ${action} ${x-unknown}');
    if (E.isLeft(f)) throw new Error('format');
    const token = fc.oneof(fc.constant('-'), fc.stringMatching(/^[0-9]{1,6}$/), fc.string({ minLength: 1 }).filter((s) => !/\s/.test(s)));
    fc.assert(
      fc.property(fc.array(token, { minLength: 6, maxLength: 6 }), (tokens) => {
        const r = FlowRecord.fromTokens('t', 1, f.right, tokens);
        expect(recordJson(r)).toBe(JSON.stringify(r.fields()));
      }),
      fcParams(300),
    );
  });
});

describe('attributeRecord: partial snapshots', () => {
  it('is ambiguous, not config-allows, when the NACL of the subnet is missing from the snapshot (--allow-partial)', () => {
    const base = pingSnapshot({ sgInboundIcmp: true, naclOutbound: true });
    const snap = { ...base, networkAcls: [], meta: { ...base.meta, missing: ['ec2:DescribeNetworkAcls'] } };
    const ssh = { ...snap, securityGroups: [sg('sg-1', [sgRule('sg-1', 'inbound', 'tcp', '0.0.0.0/0', { ports: [22, 22] })])] };
    const a = attributeRecord(ctx(ssh), rec('8 eni-1235b8ca123456789 203.0.113.12 172.31.16.139 40000 22 6 2 REJECT OK -'));
    expect(a.verdict).toBe('ambiguous');
    expect(a.explanation).toContain('taken without ec2:DescribeNetworkAcls');
    const b = attributeRecord(ctx(ssh), rec('8 eni-1235b8ca123456789 203.0.113.12 172.31.16.139 40000 80 6 2 REJECT OK -'));
    expect(b.verdict).toBe('ambiguous');
    expect(b.candidates?.[1]?.blockedBy).toEqual({ component: 'security-group', ids: ['sg-1'], direction: 'inbound' });
  });
});

describe('attributeRecord: records on a NAT gateway interface (ref 8.11; AWS "NAT gateway basics": TCP, UDP and ICMP only; "NAT gateways": no unsolicited inbound connections)', () => {
  const natSnapshot = snapshotOf({
    vpcs: [vpc('vpc-1', ['10.0.0.0/16'])],
    subnets: [subnet('subnet-nat', '10.0.250.0/24')],
    enis: [{ ...eni('eni-nat', 'subnet-nat', ['10.0.250.10'], []), interfaceType: 'nat_gateway', requesterManaged: true }],
    natGateways: [{ id: 'nat-1', vpcId: 'vpc-1', subnetId: 'subnet-nat', state: 'available', connectivityType: 'public', eniIds: ['eni-nat'], privateIps: [], publicIps: [], source: { file: 't', path: 'NatGateways[0]' } }],
    networkAcls: [nacl('acl-1', [naclEntry(100, 'allow', 'inbound', '-1', '0.0.0.0/0'), naclEntry(100, 'allow', 'outbound', '-1', '0.0.0.0/0')], ['subnet-nat'])],
  });

  it('names the NAT gateway as the likely cause of a REJECTed connection to its own address, which the NACL allows', () => {
    const a = attributeRecord(ctx(natSnapshot), rec('2 1 eni-nat 198.51.100.7 10.0.250.10 40000 80 6 1 40 1 1 REJECT OK'));
    expect(a.verdict).toBe('config-allows');
    expect(a.explanation).toContain('NAT gateway nat-1 drops connections addressed to itself');
  });

  it('names the protocol limit for a protocol a NAT gateway cannot translate', () => {
    const a = attributeRecord(ctx(natSnapshot), rec('2 1 eni-nat 10.0.1.5 10.0.250.10 0 0 47 1 40 1 1 REJECT OK'));
    expect(a.verdict).toBe('config-allows');
    expect(a.explanation).toContain('NAT gateway nat-1 translates only TCP, UDP and ICMP, and drops gre traffic');
  });
});

describe('attributeRecord: what the review found (ref 8.1, 4.2, 1.7)', () => {
  const V8P = (() => {
    const f = parseLogFormat('${version} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${tcp-flags} ${flow-direction} ${action} ${log-status} ${reject-reason}');
    if (E.isLeft(f)) throw new Error(f.left.message);
    return f.right;
  })();
  const rec8 = (line: string) => FlowRecord.fromTokens('t.log', 1, V8P, line.trim().split(/\s+/));
  const snap = snapshotOf({
    vpcs: [vpc('vpc-1', ['10.0.0.0/16'])],
    subnets: [subnet('subnet-1', '10.0.1.0/24')],
    enis: [{ ...eni('eni-db', 'subnet-1', ['10.0.1.5'], ['sg-db']), instanceId: 'i-1' }],
    securityGroups: [sg('sg-db', [sgRule('sg-db', 'inbound', 'tcp', 'sg-0peer00000000001', { ports: [5432, 5432] })])],
    networkAcls: [nacl('acl-1', [naclEntry(100, 'allow', 'inbound', '-1', '0.0.0.0/0'), naclEntry(100, 'allow', 'outbound', '-1', '0.0.0.0/0')], ['subnet-1'])],
  });

  it('a BPA reject names Block Public Access even when the interface is not in the snapshot (ref 8.1, 8.17)', () => {
    const a = attributeRecord(ctx(snap), rec8('8 eni-0unknown 203.0.113.9 10.9.9.9 40000 22 6 2 ingress REJECT OK BPA'));
    expect(a.verdict).toBe('blocked');
    expect(a.blockedBy).toEqual({ component: 'block-public-access', direction: 'inbound' });
  });

  it('a rule that admits a group the snapshot does not describe (a peered VPC, ref 4.2) makes the deny ambiguous, not certain', () => {
    const a = attributeRecord(ctx(snap), rec8('8 eni-db 10.50.0.5 10.0.1.5 40000 5432 6 2 ingress REJECT OK -'));
    expect(a.verdict).toBe('ambiguous');
    expect(a.candidates?.map((c) => [c.reading, c.verdict])).toEqual([
      ['if the peer is not a member of sg-0peer00000000001', 'blocked'],
      ['if the peer is a member of sg-0peer00000000001', 'config-allows'],
    ]);
    expect(a.explanation).toContain('would allow it if 10.50.0.5 is a member of sg-0peer00000000001, a group the snapshot does not describe');
    // Another port: that rule cannot match, so the deny is certain.
    expect(attributeRecord(ctx(snap), rec8('8 eni-db 10.50.0.5 10.0.1.5 40000 22 6 2 ingress REJECT OK -')).verdict).toBe('blocked');
  });

  it('an unknown reject-reason is kept in the explanation, and tcp-flags are named in full (ref 1.7)', () => {
    const a = attributeRecord(ctx(snap), rec8('8 eni-db 10.50.0.5 10.0.1.5 40000 22 6 19 ingress REJECT OK EC'));
    expect(a.explanation).toContain('tcp-flags 19 (SYN-ACK+FIN)');
    expect(a.explanation).toContain('The record\'s reject-reason is "EC", which vpcwhy does not know');
  });
});

describe('attributeRecord: --all, an ACCEPT with two readings (ref 8.5)', () => {
  it('takes the only reading the configuration lets through, as it takes the only blocking one for a REJECT', () => {
    // Inbound ICMP, SG without inbound ICMP: as a request the SG denies it, as a reply of a tracked ping it passes.
    const a = attributeRecord(ctx(pingSnapshot({ sgInboundIcmp: false, naclOutbound: true })), rec('2 123456789010 eni-1235b8ca123456789 203.0.113.12 172.31.16.139 0 0 1 4 336 1432917027 1432917142 ACCEPT OK'));
    expect(a.verdict).toBe('config-allows');
    expect([a.traffic, a.trafficEvidence]).toEqual(['response', 'consistency']);
    expect(a.explanation).toContain('only the response reading fits the ACCEPT');
  });
});

describe('attributeRecord: reverse-ACCEPT evidence (ref 8.5)', () => {
  const snap = snapshotOf({
    vpcs: [vpc('vpc-1', ['10.0.0.0/16'])],
    subnets: [subnet('subnet-1', '10.0.1.0/24')],
    enis: [eni('eni-a', 'subnet-1', ['10.0.1.10'], ['sg-1'])],
    securityGroups: [sg('sg-1', [sgRule('sg-1', 'outbound', '-1', '0.0.0.0/0')])],
    networkAcls: [nacl('acl-1', [naclEntry(100, 'allow', 'inbound', '-1', '0.0.0.0/0'), naclEntry(100, 'allow', 'outbound', '-1', '0.0.0.0/0')], ['subnet-1'])],
  });
  const request = '2 123456789012 eni-a 10.0.1.10 203.0.113.5 50000 443 6 5 400 1700000000 1700000060 ACCEPT OK';

  it('does not read an ACCEPTed request as a response because its reply was ACCEPTed before it (--all: both directions are ACCEPTs)', () => {
    const a = attributeRecord(ctx(snap, true), rec(request));
    expect(a).toMatchObject({ direction: 'outbound', traffic: 'request', trafficEvidence: 'ports', verdict: 'config-allows' });
  });

  it('still reads a REJECT whose reverse was ACCEPTed as the response', () => {
    const a = attributeRecord(ctx(snap, true), rec(request.replace('ACCEPT', 'REJECT')));
    expect(a).toMatchObject({ traffic: 'response', trafficEvidence: 'reverse-accept' });
  });
});
