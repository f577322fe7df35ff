/**
 * Cached output bytes (the explainer's slab) through a stream that reads chunks only when their write
 * completes, as pipes and files do. From an adversarial review of the class cache.
 */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { attributeRecord } from '../../src/explain/attribute.js';
import { RecordExplainer, streamWriter } from '../../src/pipeline/run.js';
import { indexSnapshot } from '../../src/engine/snapshot-index.js';
import { makeFormat } from '../../src/flowlog/format.js';
import { FlowRecord } from '../../src/flowlog/record.js';
import { E } from '../../src/fp.js';
import { cidr, eni, instance, nacl, naclEntry, prefixList, sg, sgRule, snapshotOf, subnet, vpc } from '../builders.js';
import { jsonlLine } from './memory-writer.js';

const fullFormat = (() => {
  const f = makeFormat(['interface-id', 'srcaddr', 'dstaddr', 'srcport', 'dstport', 'protocol', 'action', 'tcp-flags', 'flow-direction', 'pkt-srcaddr', 'pkt-dstaddr', 'reject-reason'], 'full');
  if (E.isLeft(f)) throw new Error(f.left.message);
  return f.right;
})();

const index = indexSnapshot(
  snapshotOf({
    vpcs: [vpc('vpc-1', ['10.0.0.0/16'], ['2600:1f18:0:100::/56'])],
    subnets: [subnet('subnet-1', '10.0.1.0/24', { ipv6: ['2600:1f18:0:101::/64'] }), subnet('subnet-2', '10.0.2.0/24')],
    enis: [
      { ...eni('eni-a', 'subnet-1', ['10.0.1.10'], ['sg-web'], { ipv6: ['2600:1f18:0:101::a'] }), instanceId: 'i-a' },
      { ...eni('eni-b', 'subnet-1', ['10.0.1.11'], ['sg-web'], { ipv6: ['2600:1f18:0:101::b'] }), instanceId: 'i-b' },
      { ...eni('eni-p', 'subnet-1', ['10.0.1.20'], ['sg-app']), ipv4Prefixes: [cidr('10.0.1.48/28')], ipv6Prefixes: [cidr('2600:1f18:0:101:8000::/80')] },
    ],
    instances: [
      instance('i-a', ['eni-a'], 'web "1" \\ ü'),
      instance('i-b', ['eni-b'], '10.0.1.10'),
    ],
    prefixLists: [prefixList('pl-1', ['198.51.100.128/25'])],
    securityGroups: [
      sg('sg-web', [
        sgRule('sg-web', 'inbound', 'tcp', '0.0.0.0/0', { ports: [443, 443] }),
        sgRule('sg-web', 'inbound', 'tcp', 'pl-1', { ports: [8000, 8999] }),
        sgRule('sg-web', 'inbound', 'tcp', 'sg-app', { ports: [5432, 5432] }),
        sgRule('sg-web', 'inbound', 'tcp', 'sg-gone', { ports: [22, 22] }),
        sgRule('sg-web', 'outbound', 'tcp', '10.0.0.0/16', { ports: [5432, 5432] }),
      ]),
      sg('sg-app', [sgRule('sg-app', 'inbound', 'icmp', '198.51.100.0/24', { icmp: [8, -1] }), sgRule('sg-app', 'outbound', '-1', '0.0.0.0/0')]),
    ],
    networkAcls: [
      nacl('acl-1', [
        naclEntry(90, 'deny', 'inbound', 'tcp', '198.51.100.0/24', { ports: [22, 22] }),
        naclEntry(100, 'allow', 'inbound', 'tcp', '0.0.0.0/0', { ports: [1024, 65535] }),
        naclEntry(110, 'allow', 'inbound', '-1', '::/0'),
        naclEntry(100, 'allow', 'outbound', '-1', '0.0.0.0/0'),
        naclEntry(110, 'allow', 'outbound', '-1', '::/0'),
      ].map((e, k) => ({ ...e, source: { file: 'x', path: `$[${k}]` } })), ['subnet-1']),
    ],
  }),
);

type Tok = [eni: string, src: string, dst: string, sport: number, dport: number, proto: number, action?: string, flags?: string, dir?: string, pktSrc?: string, pktDst?: string, reason?: string];

function rec(line: number, t: Tok): FlowRecord {
  const [e, s, d, sp, dp, p, action = 'REJECT', flags = '-', dir = '-', ps = '-', pd = '-', reason = '-'] = t;
  return FlowRecord.fromTokens('f.log', line, fullFormat, [e, s, d, String(sp), String(dp), String(p), action, flags, dir, ps, pd, reason]);
}

describe('RecordExplainer output through streamWriter', () => {
  it('writes each cached tail as it was, when a tail is larger than an output chunk and the slab starts over before the stream has read it', async () => {
    // Classes whose tails do not all fit in a 4 KB slab: the second starts the cache over and
    // writes its tail where the first one's was. Output chunks of 64 bytes: every tail segment is
    // larger than a chunk, so writeBytes hands it to the stream itself, which must get a copy
    // (Buffer#slice is a view, unlike Uint8Array#slice).
    const recs = [
      rec(1, ['eni-a', '198.51.100.7', '10.0.1.10', 40000, 22, 6]),
      rec(2, ['eni-a', '203.0.113.9', '10.0.1.10', 40000, 3306, 6]),
      rec(3, ['eni-a', '192.0.2.1', '10.0.1.10', 40001, 25, 17]),
    ];
    const got: Buffer[] = [];
    // A sink that reads a chunk only when its write completes (as fs.WriteStream does: libuv reads the
    // buffer later, and writes queued behind it are held by reference).
    const sink = new Writable({ highWaterMark: 8, write: (c: Buffer, _e, cb) => void setImmediate(() => (got.push(Buffer.from(c)), cb())) });
    const out = streamWriter(sink, 64);
    const explainer = new RecordExplainer(index, 'jsonl', () => '', undefined, { slabBytes: 4096 });
    for (const r of recs) explainer.explain(r, false, out);
    await out.flush();
    await new Promise<void>((resolve) => sink.end(resolve));
    const want = recs.map((r) => jsonlLine(r, attributeRecord({ index, reverseAccepted: () => false }, r))).join('');
    expect(Buffer.concat(got).toString('utf8')).toBe(want);
  });
});
