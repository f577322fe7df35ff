/**
 * The reverse-flow index runs inside the reader (AcceptFilter): ACCEPT lines are consumed as bytes. The
 * oracle is the explain loop without a filter, which indexes every record itself, in order.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { indexSnapshot } from '../../src/engine/snapshot-index.js';
import { type ExplainRunOptions, explainFilter, runExplain } from '../../src/pipeline/run.js';
import { readFlowLogs } from '../../src/flowlog/reader.js';
import { eni, nacl, naclEntry, sg, sgRule, snapshotOf, subnet, vpc } from '../builders.js';
import { memoryWriter } from './memory-writer.js';
import { fcParams } from '../arbitraries/fc-params.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'vpcwhy-filter-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const index = indexSnapshot(
  snapshotOf({
    vpcs: [vpc('vpc-1', ['10.0.0.0/16'])],
    subnets: [subnet('subnet-1', '10.0.1.0/24')],
    enis: [eni('eni-a', 'subnet-1', ['10.0.1.10'], ['sg-1']), eni('eni-b', 'subnet-1', ['10.0.1.20'], ['sg-1'])],
    securityGroups: [sg('sg-1', [sgRule('sg-1', 'inbound', 'tcp', '0.0.0.0/0', { ports: [443, 443] }), sgRule('sg-1', 'outbound', '-1', '0.0.0.0/0')])],
    networkAcls: [
      nacl('acl-1', [
        naclEntry(100, 'allow', 'inbound', '-1', '0.0.0.0/0'),
        naclEntry(100, 'allow', 'outbound', 'tcp', '0.0.0.0/0', { ports: [443, 443] }),
        naclEntry(32767, 'deny', 'inbound', '-1', '0.0.0.0/0'),
        naclEntry(32767, 'deny', 'outbound', '-1', '0.0.0.0/0'),
      ], ['subnet-1']),
    ],
  }),
);


const line = fc.oneof(
  { weight: 12, arbitrary: fc.record({
    eni: fc.constantFrom('eni-a', 'eni-b', '-'),
    // Addresses and ports of 1 to 15 characters: the hash takes four characters a step, then the rest.
    a: fc.constantFrom('10.0.1.10', '10.0.1.20', '198.51.100.7', '2001:db8::1', '2001:db8:0:0:1:2:3:4'),
    b: fc.constantFrom('10.0.1.10', '198.51.100.7', '203.0.113.9', '2001:db8::1', '1.2.3.4'),
    ap: fc.constantFrom(443, 40000, 7, 22),
    bp: fc.constantFrom(443, 40000, 7, 1234),
    action: fc.constantFrom('ACCEPT', 'REJECT', 'REJECT', '-'),
    status: fc.constantFrom('OK', 'OK', 'OK', 'NODATA'),
    swap: fc.boolean(),
  }).map((x) => {
    const [src, dst, sp, dp] = x.swap ? [x.b, x.a, x.bp, x.ap] : [x.a, x.b, x.ap, x.bp];
    return `2 123456789012 ${x.eni} ${src} ${dst} ${sp} ${dp} 6 1 40 1700000000 1700000060 ${x.action} ${x.status}`;
  }) },
  // The string paths: a non-ASCII line, a CloudWatch JSON wrapper, and bad lines.
  { weight: 1, arbitrary: fc.constant('2 12345678901é eni-a 198.51.100.7 10.0.1.10 40000 443 6 1 40 1700000000 1700000060 ACCEPT OK') },
  { weight: 1, arbitrary: fc.constant('{"message": "2 123456789012 eni-a 10.0.1.10 198.51.100.7 443 40000 6 1 40 1700000000 1700000060 ACCEPT OK"}') },
  { weight: 1, arbitrary: fc.constant('not a record') },
);

async function run(file: string, opts: Omit<ExplainRunOptions, 'filter'>, withFilter: boolean) {
  const filter = withFilter ? explainFilter(opts) : undefined;
  const events = readFlowLogs([file], { batchSize: 3, ...(filter ? { filter } : {}) });
  const out = memoryWriter();
  const result = await runExplain(index, events, { ...opts, ...(filter ? { filter } : {}) }, out, (f, l, a) => `${f}:${l} ${a.verdict} ${a.explanation}\n`);
  return { out: out.text(), summary: result.summary.toJson(), strictFailure: result.strictFailure };
}

describe('AcceptFilter: the reverse-flow index fed inside the reader (ref 8.5, 8.6)', () => {
  it('gives the same output and summary as the explain loop indexing every record itself', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(line, { minLength: 1, maxLength: 40 }),
        fc.constantFrom<ExplainRunOptions['format']>('jsonl', 'json', 'text'),
        fc.boolean(),
        fc.boolean(),
        fc.boolean(),
        async (lines, format, all, strict, onlyA) => {
          const file = path.join(dir, `f${n++}.log`);
          writeFileSync(file, `${lines.join('\n')}\n`);
          const opts = { format, all, strict, ...(onlyA ? { interfaceIds: new Set(['eni-a']) } : {}) };
          const [filtered, plain] = [await run(file, opts, true), await run(file, opts, false)];
          expect(filtered).toEqual(plain);
        },
      ),
      fcParams(150),
    );
  });

  it('sees only ACCEPTs earlier in the input, within one read chunk too', async () => {
    const file = path.join(dir, 'order.log');
    const reject = '2 123456789012 eni-a 10.0.1.10 198.51.100.7 443 40000 6 1 40 1700000000 1700000060 REJECT OK';
    const accept = '2 123456789012 eni-a 198.51.100.7 10.0.1.10 40000 443 6 1 40 1700000000 1700000060 ACCEPT OK';
    writeFileSync(file, `${reject}\n${accept}\n${reject}\n`);
    const { out, summary } = await run(file, { format: 'jsonl', all: false, strict: false }, true);
    const recs = out.trim().split('\n').map((l) => JSON.parse(l) as { line: number; traffic: string; trafficEvidence: string; blockedBy: { component: string; rule: number } });
    expect(recs.map((r) => r.line)).toEqual([1, 3]);
    expect(recs[0]!.trafficEvidence).not.toBe('reverse-accept');
    expect(recs[1]).toMatchObject({ traffic: 'response', trafficEvidence: 'reverse-accept', blockedBy: { component: 'network-acl', rule: 32767 } });
    expect(summary).toMatchObject({ records: 3, accepted: 1, rejected: 2 });
  });
});
