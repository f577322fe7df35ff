/**
 * Direct unit tests of the path walk (src/engine/path/): the code with data each failure class returns,
 * on snapshots made with test/builders.ts, and the sentences src/explain/path-text.ts renders from them.
 * One VPC vpc-1 10.0.0.0/16: subnet-a 10.0.1.0/24 (rtb-a: 0.0.0.0/0 -> igw-1) with eni-a 10.0.1.10
 * (public 54.0.0.1) and eni-c 10.0.1.20 (no public address), subnet-b 10.0.2.0/24 (rtb-b: local only)
 * with eni-b 10.0.2.10; groups and NACLs open unless a test changes them.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Hop, type PathResult, resolveEndpoint, tracePath } from '../../src/engine/path.js';
import { type RouteExplanation, reasonOf } from '../../src/engine/path/codes.js';
import { indexSnapshot, type SnapshotIndex } from '../../src/engine/snapshot-index.js';
import { blockedByOf, fixFor, hopEvidence } from '../../src/explain/hops.js';
import { routeFix, routeProblem } from '../../src/explain/path-text.js';
import type { NaclEntry, Route, SgRule, Snapshot } from '../../src/model/snapshot.js';
import { parseIp } from '../../src/net/ip.js';
import { fcParams } from '../arbitraries/fc-params.js';
import { eni, ip, nacl, naclEntry, packet, route, routeTable, sg, sgRule, snapshotOf, subnet, vpc } from '../builders.js';

const OPEN_SG: SgRule[] = [sgRule('x', 'inbound', '-1', '0.0.0.0/0'), sgRule('x', 'outbound', '-1', '0.0.0.0/0')];
const OPEN_ACL: NaclEntry[] = [naclEntry(100, 'allow', 'inbound', '-1', '0.0.0.0/0'), naclEntry(100, 'allow', 'outbound', '-1', '0.0.0.0/0')];
const LOCAL = route('10.0.0.0/16', 'local');

interface Parts {
  sgA?: SgRule[];
  sgB?: SgRule[];
  aclA?: NaclEntry[];
  aclB?: NaclEntry[];
  routesA?: Route[];
  routesB?: Route[];
  /** Leave subnet-b's NACL or route table out of the snapshot. */
  withoutAclB?: boolean;
  withoutTableB?: boolean;
  /** The snapshot read describe-internet-gateways (and found none). */
  igwSection?: boolean;
}

function snapshot(p: Parts = {}): Snapshot {
  return snapshotOf({
    vpcs: [vpc('vpc-1', ['10.0.0.0/16'])],
    subnets: [subnet('subnet-a', '10.0.1.0/24'), subnet('subnet-b', '10.0.2.0/24')],
    enis: [
      eni('eni-a', 'subnet-a', ['10.0.1.10'], ['sg-a'], { publicIp: '54.0.0.1' }),
      eni('eni-c', 'subnet-a', ['10.0.1.20'], ['sg-a']),
      eni('eni-b', 'subnet-b', ['10.0.2.10'], ['sg-b']),
    ],
    securityGroups: [sg('sg-a', p.sgA ?? OPEN_SG), sg('sg-b', p.sgB ?? OPEN_SG)],
    networkAcls: [nacl('acl-a', p.aclA ?? OPEN_ACL, ['subnet-a']), ...(p.withoutAclB ? [] : [nacl('acl-b', p.aclB ?? OPEN_ACL, ['subnet-b'])])],
    routeTables: [
      routeTable('rtb-a', [LOCAL, ...(p.routesA ?? [route('0.0.0.0/0', 'igw-1')])], { subnetIds: ['subnet-a'] }),
      ...(p.withoutTableB ? [] : [routeTable('rtb-b', [LOCAL, ...(p.routesB ?? [])], { subnetIds: ['subnet-b'] })]),
    ],
    ...(p.igwSection ? { meta: { regions: [], missing: [], files: [], sections: ['InternetGateways'] } } : {}),
  });
}

function trace(s: Snapshot, from: string, to: string, pkt: { proto: string; dport?: number | null; type?: number | null; code?: number | null }): { index: SnapshotIndex; r: PathResult } {
  const index = indexSnapshot(s);
  const src = resolveEndpoint(index, from, parseIp);
  const dst = resolveEndpoint(index, to, parseIp);
  if (!src.ok || !dst.ok) throw new Error('endpoint');
  const p = packet({ ...pkt, src: '0.0.0.0', dst: '0.0.0.0' });
  return { index, r: tracePath(index, { src: src.endpoint, dst: dst.endpoint, packet: { ...p, src: src.endpoint.ip, dst: dst.endpoint.ip } }) };
}

/** The blocking hop's explanation code (route hops), with the hop. */
function blocking(r: PathResult): Hop {
  expect(r.reachable).toBe(false);
  return r.blockingHop!;
}

function explanationOf(h: Hop): RouteExplanation {
  if (h.component !== 'route' || !h.explanation) throw new Error(`not a route deny: ${h.component}`);
  return h.explanation;
}

describe('path walk: codes with data for each failure class', () => {
  it('no route (ref 6.1): NO_ROUTE names the table, the subnet and the destination', () => {
    const { r } = trace(snapshot(), 'eni-b', '8.8.8.8', { proto: 'tcp', dport: 443 });
    const h = blocking(r);
    expect(h).toMatchObject({ component: 'route', path: 'forward', reason: 'no-route' });
    expect(explanationOf(h)).toEqual({ code: 'NO_ROUTE', routeTableId: 'rtb-b', subnetId: 'subnet-b', destination: ip('8.8.8.8') });
    expect(blockedByOf(h, true)).toEqual({ component: 'route', id: 'rtb-b', reason: 'no-route', path: 'forward' });
  });

  it('blackhole route (ref 6.1, State blackhole): BLACKHOLE_ROUTE, reason blackhole', () => {
    const { r } = trace(snapshot({ routesB: [route('0.0.0.0/0', 'nat-gone', 'blackhole')] }), 'eni-b', '8.8.8.8', { proto: 'tcp', dport: 443 });
    const h = blocking(r);
    expect(explanationOf(h)).toEqual({ code: 'BLACKHOLE_ROUTE', routeTableId: 'rtb-b', destination: ip('8.8.8.8') });
    expect(h).toMatchObject({ reason: 'blackhole' });
  });

  it('security group denies outbound (ref 4.1): the first hop, with the groups', () => {
    const { r } = trace(snapshot({ sgB: [] }), 'eni-b', '10.0.1.10', { proto: 'tcp', dport: 22 });
    const h = blocking(r);
    expect(h).toMatchObject({ component: 'security-group', eniId: 'eni-b', direction: 'outbound', path: 'forward' });
    expect(blockedByOf(h, true)).toEqual({ component: 'security-group', ids: ['sg-b'], direction: 'outbound', path: 'forward' });
  });

  it('security group denies inbound (ref 4.1): only ssh admitted, postgres refused at eni-b', () => {
    const { r } = trace(snapshot({ sgB: [sgRule('x', 'inbound', 'tcp', '10.0.0.0/16', { ports: [22, 22] }), sgRule('x', 'outbound', '-1', '0.0.0.0/0')] }), 'eni-a', 'eni-b', { proto: 'tcp', dport: 5432 });
    expect(blockedByOf(blocking(r), true)).toEqual({ component: 'security-group', ids: ['sg-b'], direction: 'inbound', path: 'forward' });
  });

  it('NACL denies outbound (ref 5.1): the deny rule of the source subnet', () => {
    const aclA = [naclEntry(90, 'deny', 'outbound', 'tcp', '10.0.2.0/24', { ports: [5432, 5432] }), ...OPEN_ACL];
    const { r } = trace(snapshot({ aclA }), 'eni-a', 'eni-b', { proto: 'tcp', dport: 5432 });
    expect(blockedByOf(blocking(r), true)).toEqual({ component: 'network-acl', id: 'acl-a', direction: 'outbound', rule: 90, path: 'forward' });
  });

  it('NACL denies inbound (ref 5.1): the destination subnet, default rule when nothing matches', () => {
    const aclB = [naclEntry(100, 'allow', 'outbound', '-1', '0.0.0.0/0')];
    const { r } = trace(snapshot({ aclB }), 'eni-a', 'eni-b', { proto: 'tcp', dport: 5432 });
    expect(blockedByOf(blocking(r), true)).toEqual({ component: 'network-acl', id: 'acl-b', direction: 'inbound', rule: 32767, path: 'forward' });
  });

  it('NACL denies the response (ref 5.1, stateless): return leg, outbound of the destination subnet, and the fix names the ephemeral ports', () => {
    const aclB = [naclEntry(100, 'allow', 'inbound', '-1', '0.0.0.0/0'), naclEntry(100, 'allow', 'outbound', 'tcp', '0.0.0.0/0', { ports: [22, 22] })];
    const { index, r } = trace(snapshot({ aclB }), 'eni-a', 'eni-b', { proto: 'tcp', dport: 22 });
    const h = blocking(r);
    expect(blockedByOf(h, true)).toEqual({ component: 'network-acl', id: 'acl-b', direction: 'outbound', rule: 32767, path: 'return' });
    expect(r.hops.filter((x) => x.path === 'forward').every((x) => x.decision !== 'deny')).toBe(true);
    expect(fixFor(h, index)).toContain('tcp/1024-65535');
  });

  it('no public address towards the internet (ref 7.3 IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS)', () => {
    const { index, r } = trace(snapshot(), 'eni-c', '8.8.8.8', { proto: 'tcp', dport: 443 });
    const h = blocking(r);
    expect(explanationOf(h)).toEqual({ code: 'IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS', eniId: 'eni-c', igwId: 'igw-1', subnetId: 'subnet-a', destination: ip('8.8.8.8') });
    expect(h).toMatchObject({ reason: 'no-public-address' });
    expect(hopEvidence(h, index)).toBe('route table rtb-a: eni-c has no public IPv4 or Elastic IP address, so igw-1 drops its traffic (IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS)');
    expect(fixFor(h, index)).toBe('give eni-c a public IPv4 or an Elastic IP address, or route 8.8.8.8 from subnet-a to a NAT gateway');
  });

  it('no public address from the internet (ref 7.3 IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS)', () => {
    const { r } = trace(snapshot(), '8.8.8.8', '10.0.1.20', { proto: 'tcp', dport: 443 });
    expect(explanationOf(blocking(r))).toEqual({ code: 'IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS', address: ip('10.0.1.20'), eniId: 'eni-c', others: [] });
  });

  it('IGW missing (ref 6.1, 8.12): the listing read and no gateway, none known without it, listed without the attachment, a blackhole route', () => {
    const listed = trace(snapshot({ routesA: [], igwSection: true }), '8.8.8.8', '54.0.0.1', { proto: 'tcp', dport: 443 }).r;
    expect(explanationOf(blocking(listed))).toEqual({ code: 'IGW_NOT_ATTACHED', vpcId: 'vpc-1', subnetId: 'subnet-a' });
    const unknown = trace(snapshot({ routesA: [] }), '8.8.8.8', '54.0.0.1', { proto: 'tcp', dport: 443 }).r;
    expect(explanationOf(blocking(unknown))).toEqual({ code: 'IGW_UNKNOWN', vpcId: 'vpc-1', subnetId: 'subnet-a' });
    const listedDetached = { ...snapshot(), internetGateways: [{ id: 'igw-1', vpcIds: [], source: { file: 'test', path: '$' } }] };
    expect(explanationOf(blocking(trace(listedDetached, '8.8.8.8', '54.0.0.1', { proto: 'tcp', dport: 443 }).r))).toEqual({ code: 'IGW_LISTED_DETACHED', igwId: 'igw-1', vpcId: 'vpc-1', subnetId: 'subnet-a' });
    const gone = trace(snapshot({ routesA: [route('0.0.0.0/0', 'igw-old', 'blackhole')] }), '8.8.8.8', '54.0.0.1', { proto: 'tcp', dport: 443 }).r;
    const h = blocking(gone);
    expect(explanationOf(h)).toEqual({ code: 'IGW_ROUTE_BLACKHOLE', vpcId: 'vpc-1', route: { destination: '0.0.0.0/0', targetId: 'igw-old', routeTableId: 'rtb-a' }, subnetId: 'subnet-a' });
    expect(h).toMatchObject({ reason: 'blackhole' });
    expect(routeProblem(explanationOf(h))).toBe('vpc-1 has no internet gateway attached: its route 0.0.0.0/0 -> igw-old in rtb-a is a blackhole (the gateway was detached or deleted)');
  });

  it('unknown endpoint: an ENI id not in the snapshot is an error; an unassigned address in the VPC is a stand-in whose groups are unknown', () => {
    const index = indexSnapshot(snapshot());
    expect(resolveEndpoint(index, 'eni-nope', parseIp)).toEqual({ ok: false, message: 'no network interface eni-nope in the snapshot' });
    const { r } = trace(snapshot(), 'eni-a', '10.0.2.99', { proto: 'tcp', dport: 22 });
    expect(r.reachable).toBe(true);
    const last = r.hops[r.hops.length - 1]!;
    expect(last).toMatchObject({ component: 'security-group', decision: 'skip', unknownHost: ip('10.0.2.99') });
    expect(r.hops.some((h) => h.path === 'return')).toBe(false);
  });

  it('partial snapshot: a subnet without NACL or route table is skipped, not guessed, and noted', () => {
    const { r } = trace(snapshot({ withoutAclB: true, withoutTableB: true }), 'eni-b', 'eni-a', { proto: 'tcp', dport: 22 });
    expect(r.hops).toContainEqual(expect.objectContaining({ component: 'network-acl', subnetId: 'subnet-b', skipped: 'no-acl-in-snapshot', decision: 'skip' }));
    expect(r.hops).toContainEqual(expect.objectContaining({ component: 'route', subnetId: 'subnet-b', skipped: 'no-table-in-snapshot', decision: 'skip' }));
    expect(r.notes).toContain('Not evaluated because the snapshot lacks them: the network ACL of subnet-b, the route table of subnet-b; the answer assumes they allow the traffic.');
  });

  it('a route code without a fix of its own gets an action on its route table, naming the route that takes the packet today', () => {
    const e: RouteExplanation = { code: 'EIGW_IPV6_ONLY', eigwId: 'eigw-1' };
    expect(routeFix(e)).toBeNull();
    const { index, r } = trace(snapshot({ routesB: [route('0.0.0.0/0', 'eigw-1')] }), 'eni-b', '8.8.8.8', { proto: 'tcp', dport: 443 });
    const h = blocking(r);
    expect(explanationOf(h)).toEqual(e);
    expect(fixFor(h, index)).toBe('add a route for 8.8.8.8 to rtb-b whose target reaches it (today 0.0.0.0/0 -> eigw-1 takes it)');
  });
});

describe('path walk: route denies and their codes agree (fast-check)', () => {
  const targets = ['igw-1', 'nat-gone', 'eigw-1', 'pcx-1', 'vgw-1', 'tgw-1', 'local'];
  const dsts = ['8.8.8.8', '10.0.1.10', '10.0.1.20', '10.0.2.10', '10.0.2.99', '10.0.9.9', '192.168.1.1', '54.0.0.1'];
  const ends = ['eni-a', 'eni-b', 'eni-c', ...dsts];
  it('every route hop denies exactly when it carries an explanation, its reason is the code\'s, and the code renders; reachable iff no deny', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ends),
        fc.constantFrom(...ends),
        fc.constantFrom('tcp', 'udp', 'icmp', '47'),
        fc.option(fc.tuple(fc.constantFrom(...targets), fc.constantFrom('active' as const, 'blackhole' as const)), { nil: undefined }),
        fc.boolean(),
        (from, to, proto, extra, igwSection) => {
          if (from === to) return;
          const routesB = extra ? [route('0.0.0.0/0', extra[0] === 'local' ? 'igw-1' : extra[0], extra[1])] : [];
          const { index, r } = trace(snapshot({ routesB, igwSection }), from, to, { proto, dport: proto === 'tcp' || proto === 'udp' ? 443 : null, ...(proto === 'icmp' ? { type: 8, code: 0 } : {}) });
          expect(r.reachable).toBe(!r.hops.some((h) => h.decision === 'deny'));
          for (const h of r.hops) {
            if (h.component !== 'route') continue;
            expect(h.decision === 'deny').toBe(h.explanation !== undefined);
            if (h.explanation) {
              expect(h.reason).toBe(reasonOf(h.explanation.code));
              expect(hopEvidence(h, index).length).toBeGreaterThan(0);
              expect(fixFor(h, index).length).toBeGreaterThan(0);
            }
          }
        },
      ),
      fcParams(150),
    );
  });
});
