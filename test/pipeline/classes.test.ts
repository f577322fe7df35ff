import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { attributeRecord } from '../../src/explain/attribute.js';
import { Classifier, intervalClasses } from '../../src/pipeline/classes.js';
import { RecordExplainer } from '../../src/pipeline/run.js';
import { ExplainSummary, summaryPeer } from '../../src/explain/summary.js';
import { indexSnapshot } from '../../src/engine/snapshot-index.js';
import { DEFAULT_FORMAT, makeFormat } from '../../src/flowlog/format.js';
import { FlowRecord } from '../../src/flowlog/record.js';
import { E } from '../../src/fp.js';
import { cidr, eni, instance, nacl, naclEntry, prefixList, sg, sgRule, snapshotOf, subnet, vpc } from '../builders.js';
import { jsonlLine, memoryWriter } from './memory-writer.js';
import { fcParams } from '../arbitraries/fc-params.js';


/**
 * Interfaces that share a policy (eni-a and eni-b: same subnet and groups, both instances) and ones that
 * do not, rules whose CIDRs nest and overlap (NACL entries, SG CIDRs, a prefix list, a group reference),
 * IPv6 blocks, an interface with a delegated prefix and one without security groups.
 */
const base = snapshotOf({
  vpcs: [vpc('vpc-1', ['10.0.0.0/16'], ['2600:1f18:0:100::/56']), vpc('vpc-2', ['10.0.0.0/16'])],
  subnets: [subnet('subnet-1', '10.0.1.0/24', { ipv6: ['2600:1f18:0:101::/64'] }), subnet('subnet-2', '10.0.2.0/24'), subnet('subnet-9', '10.0.2.0/24', { vpcId: 'vpc-2' })],
  enis: [
    { ...eni('eni-a', 'subnet-1', ['10.0.1.10'], ['sg-web', 'sg-ssh'], { ipv6: ['2600:1f18:0:101::a'] }), instanceId: 'i-a' },
    { ...eni('eni-b', 'subnet-1', ['10.0.1.11', '10.0.1.12'], ['sg-ssh', 'sg-web'], { ipv6: ['2600:1f18:0:101::b'] }), instanceId: 'i-b' },
    { ...eni('eni-c', 'subnet-2', ['10.0.2.10'], ['sg-web'], { publicIp: '54.0.0.3' }), name: 'tag "c" \\ name' },
    { ...eni('eni-d', 'subnet-1', ['10.0.1.20'], ['sg-app']), ipv4Prefixes: [cidr('10.0.1.48/28')] },
    eni('eni-e', 'subnet-2', ['10.0.2.30'], []),
    // eni-a's policy but no instance: no connection-tracking allowance to blame.
    eni('eni-f', 'subnet-1', ['10.0.1.30'], ['sg-web', 'sg-ssh']),
    // Peers only: eni-g is in another VPC whose subnet overlaps subnet-2 (a fix names its group only in
    // the same VPC), eni-h is eni-c's twin.
    eni('eni-g', 'subnet-9', ['10.0.2.40'], ['sg-web'], { vpcId: 'vpc-2' }),
    eni('eni-h', 'subnet-2', ['10.0.2.41'], ['sg-web']),
  ],
  instances: [
    instance('i-a', ['eni-a'], 'web-1'),
    instance('i-b', ['eni-b'], 'web "2"'),
  ],
  prefixLists: [prefixList('pl-1', ['198.51.100.128/25', '2001:db8:0:80::/57'])],
  securityGroups: [
    sg('sg-web', [
      sgRule('sg-web', 'inbound', 'tcp', '0.0.0.0/0', { ports: [443, 443] }),
      sgRule('sg-web', 'inbound', 'tcp', 'pl-1', { ports: [8000, 8999] }),
      sgRule('sg-web', 'inbound', 'tcp', '::/0', { ports: [443, 443] }),
      sgRule('sg-web', 'inbound', 'udp', '203.0.113.0/24', { ports: [1024, 65535] }),
      sgRule('sg-web', 'outbound', 'tcp', '10.0.0.0/16', { ports: [5432, 5432] }),
      sgRule('sg-web', 'outbound', 'tcp', '0.0.0.0/0', { ports: [443, 443] }),
    ]),
    sg('sg-ssh', [sgRule('sg-ssh', 'inbound', 'tcp', '203.0.113.0/25', { ports: [22, 22] }), sgRule('sg-ssh', 'inbound', 'tcp', 'sg-app', { ports: [22, 22] })]),
    sg('sg-app', [sgRule('sg-app', 'inbound', 'tcp', 'sg-web', { ports: [5432, 5432] }), sgRule('sg-app', 'inbound', 'icmp', '198.51.100.0/24', { icmp: [8, -1] }), sgRule('sg-app', 'outbound', '-1', '0.0.0.0/0')]),
  ],
  networkAcls: [
    nacl('acl-1', [
      naclEntry(90, 'deny', 'inbound', 'tcp', '198.51.100.0/24', { ports: [22, 22] }),
      naclEntry(95, 'deny', 'inbound', '-1', '198.51.100.64/26'),
      naclEntry(100, 'allow', 'inbound', 'tcp', '0.0.0.0/0', { ports: [1024, 65535] }),
      naclEntry(110, 'allow', 'inbound', 'tcp', '203.0.113.0/24', { ports: [0, 1023] }),
      naclEntry(115, 'allow', 'inbound', 'icmp', '0.0.0.0/0', { icmp: [-1, -1] }),
      naclEntry(120, 'allow', 'inbound', '-1', '2600:1f18::/32'),
      naclEntry(100, 'allow', 'outbound', 'tcp', '0.0.0.0/0', { ports: [443, 443] }),
      naclEntry(105, 'deny', 'outbound', 'tcp', '192.0.2.0/24'),
      naclEntry(110, 'allow', 'outbound', 'tcp', '10.0.0.0/8', { ports: [1024, 65535] }),
      naclEntry(120, 'allow', 'outbound', '-1', '::/0'),
    ], ['subnet-1', 'subnet-2']),
  ],
});
const index = indexSnapshot(base);

/** Own addresses of each interface (an address inside eni-d's delegated prefix included). */
const own: Record<string, string[]> = {
  'eni-a': ['10.0.1.10', '2600:1f18:0:101::a'],
  'eni-b': ['10.0.1.11', '10.0.1.12', '2600:1f18:0:101::b'],
  'eni-c': ['10.0.2.10'],
  'eni-d': ['10.0.1.20', '10.0.1.50'],
  'eni-e': ['10.0.2.30'],
  'eni-f': ['10.0.1.30'],
};

/** Peers at and around every block boundary above, and interface addresses. */
const PEERS = [
    '198.51.100.0', '198.51.100.63', '198.51.100.64', '198.51.100.127', '198.51.100.128', '198.51.100.255', '198.51.101.0', '198.51.99.255',
    '203.0.113.0', '203.0.113.127', '203.0.113.128', '203.0.113.255', '192.0.2.5', '10.0.1.10', '10.0.1.11', '10.0.1.20', '10.0.1.77',
    // Interfaces' addresses: members of sg-web, sg-ssh or no group; in the VPC or not; a public IP.
    '10.0.1.12', '10.0.1.30', '10.0.2.10', '10.0.2.30', '10.0.2.40', '10.0.2.41', '54.0.0.3', '2600:1f18:0:101::b',
    '10.0.1.48', '10.0.2.9', '10.0.3.3', '10.255.0.1', '8.8.8.8', '0.0.0.0', '255.255.255.255',
    '2600:1f18:0:101::77', '2600:1f18:0:101::a', '2600:1f18:ffff::1', '2001:db8:0:80::1', '2001:db8:0:7f::1', '2001:db8::1', '::1',
];
const PORTS = [0, 22, 23, 443, 444, 1023, 1024, 5432, 7999, 8000, 8500, 8999, 9000, 3306, 40000, 65535];
const peerArb = fc.oneof(fc.constantFrom(...PEERS), fc.ipV4());
const portArb = fc.oneof(fc.constantFrom(...PORTS), fc.integer({ min: 0, max: 65535 }));

/** A custom format with flow-direction, tcp-flags and the packet addresses, beside the default one. */
const fullFormat = (() => {
  const f = makeFormat(['interface-id', 'srcaddr', 'dstaddr', 'srcport', 'dstport', 'protocol', 'action', 'tcp-flags', 'flow-direction', 'pkt-srcaddr', 'pkt-dstaddr'], 'full');
  if (E.isLeft(f)) throw new Error(f.left.message);
  return f.right;
})();

/** What records of one flow share: protocol, action, format and its extra fields. */
const flowArb = fc.record({
  inbound: fc.boolean(),
  proto: fc.constantFrom(6, 6, 17, 1, 58, 50),
  action: fc.constantFrom('REJECT', 'REJECT', 'ACCEPT'),
  full: fc.boolean(),
  flags: fc.constantFrom('-', '2', '18', '1', '0'),
  flowDir: fc.constantFrom('-', 'ingress', 'egress'),
  pkt: fc.constantFrom('none', 'none', 'same', 'other'),
});

/**
 * A few flows, each seen many times with interfaces, addresses and ports drawn from small pools (so that
 * records of one flow often share a class, and the pools put values of one class side by side).
 */
const specsArb = fc
  .record({
    flows: fc.array(flowArb, { minLength: 1, maxLength: 3 }),
    peers: fc.array(peerArb, { minLength: 1, maxLength: 6 }),
    ports: fc.array(portArb, { minLength: 2, maxLength: 6 }),
    enis: fc.array(fc.constantFrom('eni-a', 'eni-b', 'eni-f', 'eni-c', 'eni-d', 'eni-e'), { minLength: 1, maxLength: 3 }),
  })
  .chain(({ flows, peers, ports, enis }) =>
    fc.array(
      fc.record({
        flow: fc.constantFrom(...flows),
        eni: fc.constantFrom(...enis),
        ownIdx: fc.nat(),
        peer: fc.constantFrom(...peers),
        pktPeer: fc.constantFrom(...peers),
        sport: fc.constantFrom(...ports),
        dport: fc.constantFrom(...ports),
        reverse: fc.boolean(),
      }),
      { minLength: 20, maxLength: 80 },
    ),
  )
  .map((vs) => vs.map(({ flow, ...v }) => ({ ...flow, ...v })));

type Spec = typeof specsArb extends fc.Arbitrary<Array<infer T>> ? T : never;

/** A spec whose tcp-flags and protocol may be any value (records built from tokens are not validated). */
type RecordSpec = Omit<Spec, 'flags' | 'proto'> & { readonly flags: string; readonly proto: number };

function recordOf(x: RecordSpec, line: number): FlowRecord {
  const ownList = own[x.eni]!;
  const mine = ownList[x.ownIdx % ownList.length]!;
  // Families must agree for most records; a mismatch is kept now and then (attribution reports it).
  const src = x.inbound ? x.peer : mine;
  const dst = x.inbound ? mine : x.peer;
  if (!x.full) {
    return FlowRecord.fromTokens('f.log', line, DEFAULT_FORMAT, ['2', '123456789012', x.eni, src, dst, String(x.sport), String(x.dport), String(x.proto), '1', '40', '1700000000', '1700000060', x.action, 'OK']);
  }
  // 'other': the packet's peer differs from the record's (ref 8.4).
  const pktSrc = x.pkt === 'none' ? '-' : x.pkt === 'other' && x.inbound ? x.pktPeer : src;
  const pktDst = x.pkt === 'none' ? '-' : x.pkt === 'other' && !x.inbound ? x.pktPeer : dst;
  return FlowRecord.fromTokens('f.log', line, fullFormat, [x.eni, src, dst, String(x.sport), String(x.dport), String(x.proto), x.action, x.flags, x.flowDir, pktSrc, pktDst]);
}

describe('RecordExplainer classes (classes.ts): records attribution cannot tell apart share one attribution', () => {
  it('writes, for every record, exactly what attributing it alone writes, and the same summary, interface addresses (private and public) as peers included (ref 4.2, 5.2, 8.3-8.5, 8.8, 8.12)', () => {
    fc.assert(
      fc.property(specsArb, fc.constantFrom<'jsonl' | 'text'>('jsonl', 'text'), (specs, format) => {
        const recs = specs.map((x, i) => recordOf(x, i + 1));
        const render = (file: string, line: number, a: { verdict: string; explanation: string }) => `${file}:${line} ${a.verdict} ${a.explanation}\n`;
        const explainer = new RecordExplainer(index, format, render);
        const out = memoryWriter();
        recs.forEach((r, i) => explainer.explain(r, specs[i]!.reverse, out));
        const summary = new ExplainSummary();
        const expected = recs.map((r, i) => {
          const a = attributeRecord({ index, reverseAccepted: () => specs[i]!.reverse }, r);
          summary.addExplained(a, summaryPeer(r, a), r.dstport, r.action === 'ACCEPT', r.protocol);
          return format === 'text' ? render(r.file, r.line, a) : jsonlLine(r, a);
        });
        expect(out.text()).toBe(expected.join(''));
        expect(explainer.summary.toJson()).toEqual(summary.toJson());
      }),
      fcParams(1000),
    );
  });

  it('writes what attributing each record alone writes, for every boundary peer and port, both directions, on interfaces of one policy and others', () => {
    const recs: FlowRecord[] = [];
    const flows: Spec[] = [];
    for (const e of ['eni-a', 'eni-b', 'eni-f', 'eni-d', 'eni-c'] as const) {
      for (const inbound of [true, false]) {
        for (const peer of PEERS) {
          for (const [i, port] of PORTS.entries()) {
            const proto = i % 5 === 4 ? 17 : 6;
            const x: Spec = { inbound, proto, action: 'REJECT', full: false, flags: '-', flowDir: '-', pkt: 'none', eni: e, ownIdx: i, peer, pktPeer: peer, sport: inbound ? 40000 : port, dport: inbound ? port : 40000, reverse: false };
            flows.push(x);
            recs.push(recordOf(x, recs.length + 1));
          }
        }
      }
    }
    const explainer = new RecordExplainer(index, 'jsonl', () => '');
    const out = memoryWriter();
    for (const r of recs) explainer.explain(r, false, out);
    expect(out.text()).toBe(recs.map((r) => jsonlLine(r, attributeRecord({ index, reverseAccepted: () => false }, r))).join(''));
    // Classes do merge records: far fewer attributions than records.
    expect(explainer.attributions).toBeLessThan(recs.length / 2);
  });

  it('keeps apart tcp-flags and protocols that agree in their low 16 bits (keys hold 16-bit units; ref 1.7)', () => {
    // Records built from tokens are not validated: protocol 65542 and tcp-flags 65538 reach the key.
    const base: RecordSpec = { inbound: true, proto: 6, action: 'REJECT', full: true, flags: '2', flowDir: '-', pkt: 'none', eni: 'eni-a', ownIdx: 0, peer: '198.51.100.7', pktPeer: '198.51.100.7', sport: 40000, dport: 22, reverse: false };
    const specs: RecordSpec[] = [base, { ...base, flags: '65538' }, { ...base, flags: '65536' }, { ...base, flags: '0' }, { ...base, proto: 65542 }, { ...base, proto: 6, flags: '18' }];
    const recs = specs.map((x, i) => recordOf(x, i + 1));
    const explainer = new RecordExplainer(index, 'jsonl', () => '');
    const out = memoryWriter();
    for (const r of recs) explainer.explain(r, false, out);
    expect(out.text()).toBe(recs.map((r) => jsonlLine(r, attributeRecord({ index, reverseAccepted: () => false }, r))).join(''));
    expect(explainer.attributions).toBe(specs.length);
  });

  it('keeps apart records that differ only in their reject-reason (ref 1.5, 8.17)', () => {
    const f = makeFormat(['interface-id', 'srcaddr', 'dstaddr', 'srcport', 'dstport', 'protocol', 'action', 'reject-reason'], 'reasons');
    if (E.isLeft(f)) throw new Error(f.left.message);
    const reasons = ['-', 'BPA', 'XYZ', '-', 'BPA', 'XYZ'];
    const recs = reasons.map((reason, i) => FlowRecord.fromTokens('f.log', i + 1, f.right, ['eni-a', '198.51.100.7', '10.0.1.10', String(40000 + i), '22', '6', 'REJECT', reason]));
    const explainer = new RecordExplainer(index, 'jsonl', () => '');
    const out = memoryWriter();
    for (const r of recs) explainer.explain(r, false, out);
    expect(out.text()).toBe(recs.map((r) => jsonlLine(r, attributeRecord({ index, reverseAccepted: () => false }, r))).join(''));
    expect(explainer.attributions).toBe(3);
  });

  it('keeps apart interfaces whose group lists join to the same text (a group id holding a comma)', () => {
    const odd = indexSnapshot(
      snapshotOf({
        vpcs: [vpc('vpc-1', ['10.0.0.0/16'])],
        subnets: [subnet('subnet-1', '10.0.1.0/24')],
        enis: [eni('eni-1', 'subnet-1', ['10.0.1.10'], ['a,b']), eni('eni-2', 'subnet-1', ['10.0.1.11'], ['a', 'b'])],
        securityGroups: [sg('a,b', [sgRule('a,b', 'inbound', 'tcp', '0.0.0.0/0', { ports: [22, 22] })]), sg('a', []), sg('b', [])],
        networkAcls: [nacl('acl-1', [naclEntry(100, 'allow', 'inbound', '-1', '0.0.0.0/0'), naclEntry(100, 'allow', 'outbound', '-1', '0.0.0.0/0')], ['subnet-1'])],
      }),
    );
    const recs = [['eni-1', '10.0.1.10'], ['eni-2', '10.0.1.11']].map(([id, ip], i) =>
      FlowRecord.fromTokens('f.log', i + 1, DEFAULT_FORMAT, ['2', '123456789012', id!, '198.51.100.7', ip!, '40000', '22', '6', '1', '40', '1700000000', '1700000060', 'REJECT', 'OK']),
    );
    const explainer = new RecordExplainer(odd, 'jsonl', () => '');
    const out = memoryWriter();
    for (const r of recs) explainer.explain(r, false, out);
    expect(out.text()).toBe(recs.map((r) => jsonlLine(r, attributeRecord({ index: odd, reverseAccepted: () => false }, r))).join(''));
  });

  it('attributes internet noise to the interfaces of one policy once per class of sources and ports', () => {
    const explainer = new RecordExplainer(index, 'jsonl', () => '');
    const out = memoryWriter();
    let line = 0;
    // 1,000 records: random sources outside every rule's blocks, to both interfaces of one policy, on
    // random ephemeral destination ports.
    for (let i = 0; i < 1000; i++) {
      const target = i % 2 === 0 ? 'eni-a' : 'eni-b';
      const src = `100.${64 + (i % 50)}.${i % 251}.${(i * 7) % 253}`;
      const r = FlowRecord.fromTokens('f.log', ++line, DEFAULT_FORMAT, ['2', '123456789012', target, src, own[target]![0]!, '40000', String(10000 + i), '6', '1', '40', '1700000000', '1700000060', 'REJECT', 'OK']);
      explainer.explain(r, false, out);
    }
    const lines = out.text().trim().split('\n').map((l) => JSON.parse(l) as { explanation: string; blockedBy: unknown });
    expect(lines[7]!.explanation).toContain('100.71.7.49:40000 -> 10.0.1.11:10007 on eni-b (web "2")');
    expect(lines[8]!.explanation).toContain('on eni-a (web-1)');
    expect(lines[8]!.blockedBy).toEqual({ component: 'security-group', ids: ['sg-ssh', 'sg-web'], direction: 'inbound' });
    // One class: NACL rule 100 allows every such port, no group admits the peer.
    expect(explainer.attributions).toBe(1);
  });
});

describe('Classifier', () => {
  const rangeArb = fc.tuple(fc.integer({ min: 0, max: 200 }), fc.integer({ min: 1, max: 60 })).map(([lo, n]) => [lo, lo + n] as const);
  it('gives two values one class exactly when the same ranges hold them', () => {
    fc.assert(
      fc.property(fc.array(rangeArb, { maxLength: 12 }), fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 300 }), (ranges, a, b) => {
        const c = new Classifier(0, ranges);
        const holds = (v: number) => ranges.map(([lo, hi]) => lo <= v && v < hi).join();
        expect(c.classOf(a) === c.classOf(b)).toBe(holds(a) === holds(b));
      }),
      fcParams(2000),
    );
  });

  it('compares the sets of ranges, not just their hashes: with every hash equal the classes are the same', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }).chain((n) => fc.tuple(fc.constant(n), fc.array(fc.tuple(fc.nat({ max: n }), fc.nat({ max: n })), { maxLength: 12 }))), ([n, pairs]) => {
        const ends = pairs.flat();
        const classes = intervalClasses(n, ends, () => 0);
        expect(classes).toEqual(intervalClasses(n, ends));
        // The oracle: each interval's set of ranges as text, numbered in order of first appearance.
        const ids = new Map<string, number>();
        const expected = Array.from({ length: n }, (_, i) => {
          const holds = pairs.map(([a, b]) => a <= i && i < b).join();
          if (!ids.has(holds)) ids.set(holds, ids.size);
          return ids.get(holds);
        });
        expect(classes).toEqual(expected);
      }),
      fcParams(1000),
    );
  });
});
