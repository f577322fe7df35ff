import { Writable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { attributeRecord } from '../../src/explain/attribute.js';
import { RecordExplainer, streamWriter } from '../../src/explain/run.js';
import { indexSnapshot } from '../../src/engine/snapshot-index.js';
import { DEFAULT_FORMAT } from '../../src/flowlog/format.js';
import { FlowRecord } from '../../src/flowlog/record.js';
import { eni, nacl, naclEntry, sg, sgRule, snapshotOf, subnet, vpc } from '../builders.js';
import { memoryWriter } from './memory-writer.js';

const SEED = Number(process.env.FC_SEED ?? 424242);


const index = indexSnapshot(
  snapshotOf({
    vpcs: [vpc('vpc-1', ['10.0.0.0/16'])],
    subnets: [subnet('subnet-1', '10.0.1.0/24'), subnet('subnet-2', '10.0.2.0/24')],
    enis: [eni('eni-a', 'subnet-1', ['10.0.1.10'], ['sg-web']), eni('eni-b', 'subnet-2', ['10.0.2.20'], ['sg-web'])],
    securityGroups: [sg('sg-web', [sgRule('sg-web', 'inbound', 'tcp', '0.0.0.0/0', { ports: [443, 443] }), sgRule('sg-web', 'outbound', '-1', '0.0.0.0/0')])],
    networkAcls: [
      nacl('acl-1', [
        naclEntry(90, 'deny', 'inbound', 'tcp', '198.51.100.0/24', { ports: [22, 22] }),
        naclEntry(100, 'allow', 'inbound', '-1', '0.0.0.0/0'),
        naclEntry(100, 'allow', 'outbound', '-1', '0.0.0.0/0'),
        naclEntry(32767, 'deny', 'inbound', '-1', '0.0.0.0/0'),
        naclEntry(32767, 'deny', 'outbound', '-1', '0.0.0.0/0'),
      ], ['subnet-1', 'subnet-2']),
    ],
  }),
);

const recordArb = fc.record({
  eni: fc.constantFrom('eni-a', 'eni-b', 'eni-unknown'),
  src: fc.constantFrom('198.51.100.7', '203.0.113.9', '10.0.2.20', '10.0.1.10'),
  dst: fc.constantFrom('10.0.1.10', '10.0.2.20', '192.0.2.1'),
  sport: fc.constantFrom(22, 443, 40000, 51515),
  dport: fc.constantFrom(22, 443, 3306, 40000),
  proto: fc.constantFrom(6, 17, 1),
});

function records(specs: Array<{ eni: string; src: string; dst: string; sport: number; dport: number; proto: number }>): FlowRecord[] {
  return specs.map((x, i) =>
    FlowRecord.fromTokens('f "quoted".log', i + 2, DEFAULT_FORMAT, ['2', '123456789012', x.eni, x.src, x.dst, String(x.sport), String(x.dport), String(x.proto), '1', '40', '1700000000', '1700000060', 'REJECT', 'OK']),
  );
}

describe('RecordExplainer (jsonl and json output, ref 8.9)', () => {
  it('writes, per record, JSON.stringify of file, line, record and the attribution, whatever the slab size (cache resets, oversized entries)', () => {
    fc.assert(
      fc.property(fc.array(recordArb, { minLength: 1, maxLength: 40 }), fc.constantFrom(16, 2048, 8 << 20), (specs, slabBytes) => {
        const recs = records(specs);
        const explainer = new RecordExplainer(index, 'jsonl', () => '', undefined, slabBytes);
        const out = memoryWriter();
        for (const r of recs) explainer.explain(r, false, out);
        const expected = recs.map((r) => {
          const a = attributeRecord({ index, reverseAccepted: () => false }, r);
          return `${JSON.stringify({
            file: r.file,
            line: r.line,
            record: r.fields(),
            direction: a.direction,
            traffic: a.traffic,
            trafficEvidence: a.trafficEvidence,
            verdict: a.verdict,
            ...(a.blockedBy ? { blockedBy: a.blockedBy } : {}),
            alsoBlockedBy: a.alsoBlockedBy,
            ...(a.candidates ? { candidates: a.candidates } : {}),
            explanation: a.explanation,
          })}\n`;
        });
        expect(out.text()).toBe(expected.join(''));
        expect(explainer.summary.explained).toBe(recs.length);
      }),
      { seed: SEED, numRuns: 60 },
    );
  });

  it('separates json array elements with commas', () => {
    const recs = records([
      { eni: 'eni-a', src: '198.51.100.7', dst: '10.0.1.10', sport: 40000, dport: 22, proto: 6 },
      { eni: 'eni-a', src: '198.51.100.7', dst: '10.0.1.10', sport: 40000, dport: 22, proto: 6 },
      { eni: 'eni-b', src: '203.0.113.9', dst: '10.0.2.20', sport: 40000, dport: 3306, proto: 6 },
    ]);
    const explainer = new RecordExplainer(index, 'json', () => '');
    const out = memoryWriter();
    for (const r of recs) explainer.explain(r, false, out);
    const parsed = JSON.parse(`[${out.text()}]`) as Array<{ line: number; blockedBy: { component: string; rule?: number } }>;
    expect(parsed.map((p) => p.line)).toEqual([2, 3, 4]);
    expect(parsed[0]!.blockedBy).toEqual({ component: 'network-acl', id: 'acl-1', direction: 'inbound', rule: 90 });
    expect(parsed[2]!.blockedBy.component).toBe('security-group');
  });
});

describe('streamWriter', () => {
  it('keeps strings and byte ranges in order across chunk boundaries, pieces larger than a chunk included', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(fc.string({ maxLength: 40, unit: 'grapheme' }).map((s) => ({ s })), fc.uint8Array({ maxLength: 40 }).map((b) => ({ b })))),
        fc.integer({ min: 4, max: 64 }),
        async (pieces, chunk) => {
          const got: Buffer[] = [];
          const sink = new Writable({ write: (c: Buffer, _e, cb) => (got.push(Buffer.from(c)), cb()) });
          const w = streamWriter(sink, chunk);
          const want: Buffer[] = [];
          for (const p of pieces) {
            if ('s' in p) {
              w.write(p.s);
              want.push(Buffer.from(p.s));
            } else {
              w.writeBytes(p.b, 1 > p.b.length ? 0 : 1, p.b.length);
              want.push(Buffer.from(p.b.subarray(1 > p.b.length ? 0 : 1)));
            }
          }
          await w.flush();
          expect(Buffer.concat(got).equals(Buffer.concat(want))).toBe(true);
        },
      ),
      { seed: SEED, numRuns: 200 },
    );
  });
});
