import { Writable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { attributeRecord } from '../../src/explain/attribute.js';
import { RecordExplainer, streamWriter } from '../../src/pipeline/run.js';
import { leaks } from '../../src/pipeline/record-explainer.js';
import { slotSay } from '../../src/pipeline/slots.js';
import { indexSnapshot } from '../../src/engine/snapshot-index.js';
import { DEFAULT_FORMAT, makeFormat } from '../../src/flowlog/format.js';
import { E } from '../../src/fp.js';
import { FlowRecord } from '../../src/flowlog/record.js';
import { eni, nacl, naclEntry, sg, sgRule, snapshotOf, subnet, vpc } from '../builders.js';
import { jsonlLine, memoryWriter } from './memory-writer.js';
import { fcParams } from '../arbitraries/fc-params.js';


const index = indexSnapshot(
  snapshotOf({
    vpcs: [vpc('vpc-1', ['10.0.0.0/16'])],
    subnets: [subnet('subnet-1', '10.0.1.0/24'), subnet('subnet-2', '10.0.2.0/24')],
    // eni-b's name (slot 5 of its explanations) has characters JSON escapes and characters UTF-8 encodes in 2-4 bytes.
    enis: [eni('eni-a', 'subnet-1', ['10.0.1.10'], ['sg-web']), { ...eni('eni-b', 'subnet-2', ['10.0.2.20'], ['sg-web']), name: 'db "primary" \\ – café \u{1F310}' }],
    // A name that is not ASCII: the cached output encodes it (UTF-8, with astral characters).
    securityGroups: [{ ...sg('sg-web', [sgRule('sg-web', 'inbound', 'tcp', '0.0.0.0/0', { ports: [443, 443] }), sgRule('sg-web', 'outbound', '-1', '0.0.0.0/0')]), groupName: 'web-café-\u{1F310}' }],
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
  it('writes, per record, JSON.stringify of file, line, record and the attribution, whatever the slab size (cache resets, oversized entries) and the number of views of cached ranges', () => {
    fc.assert(
      fc.property(fc.array(recordArb, { minLength: 1, maxLength: 40 }), fc.constantFrom(16, 2048, 8 << 20), fc.constantFrom(0, 3, 48_000), (specs, slabBytes, viewsLimit) => {
        const recs = records(specs);
        const explainer = new RecordExplainer(index, 'jsonl', () => '', undefined, { slabBytes, views: viewsLimit });
        const out = memoryWriter();
        for (const r of recs) explainer.explain(r, false, out);
        const expected = recs.map((r) => {
          const a = attributeRecord({ index, reverseAccepted: () => false }, r);
          return jsonlLine(r, a);
        });
        expect(out.text()).toBe(expected.join(''));
        expect(explainer.summary.explained).toBe(recs.length);
      }),
      fcParams(60),
    );
  });

  it('writes every field value as JSON.stringify does: quotes, backslashes, control and non-ASCII characters, unknown fields, dashes', () => {
    const f = makeFormat(['interface-id', 'srcaddr', 'dstaddr', 'srcport', 'dstport', 'protocol', 'action', 'x-note', 'packets'], 'notes', { anyName: true });
    if (E.isLeft(f)) throw new Error(f.left.message);
    const fmt = f.right;
    const token = fc.oneof(fc.constant('-'), fc.string({ minLength: 1, maxLength: 12, unit: 'binary' }).map((s) => s.replace(/\s/g, '_')));
    fc.assert(
      fc.property(fc.array(fc.tuple(token, fc.constantFrom('-', '7', '0', '123456789', '007', '00', '999999999999999', '12345678901234567890')), { minLength: 1, maxLength: 10 }), (notes) => {
        const recs = notes.map(([note, packets], i) => FlowRecord.fromTokens('f.log', i + 1, fmt, ['eni-a', '198.51.100.7', '10.0.1.10', '40000', '22', '6', 'REJECT', note, packets]));
        const explainer = new RecordExplainer(index, 'jsonl', () => '');
        const out = memoryWriter();
        for (const r of recs) explainer.explain(r, false, out);
        expect(out.text()).toBe(recs.map((r) => jsonlLine(r, attributeRecord({ index, reverseAccepted: () => false }, r))).join(''));
      }),
      fcParams(200),
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

/** Rules with port ranges, so that many ports share a class and some classes are single ports. */
const rangedIndex = indexSnapshot(
  snapshotOf({
    vpcs: [vpc('vpc-1', ['10.0.0.0/16'])],
    subnets: [subnet('subnet-1', '10.0.1.0/24'), subnet('subnet-2', '10.0.2.0/24')],
    enis: [eni('eni-a', 'subnet-1', ['10.0.1.10'], ['sg-app', 'sg-dns']), eni('eni-b', 'subnet-2', ['10.0.2.20'], [])],
    securityGroups: [
      sg('sg-app', [
        sgRule('sg-app', 'inbound', 'tcp', '0.0.0.0/0', { ports: [1000, 2000] }),
        sgRule('sg-app', 'inbound', 'tcp', '10.0.0.0/16', { ports: [8080, 8080] }),
        sgRule('sg-app', 'outbound', 'tcp', '0.0.0.0/0', { ports: [443, 443] }),
        sgRule('sg-app', 'outbound', 'tcp', '10.0.0.0/16', { ports: [32768, 60999] }),
      ]),
      sg('sg-dns', [sgRule('sg-dns', 'inbound', 'udp', '0.0.0.0/0', { ports: [53, 53] }), sgRule('sg-dns', 'outbound', 'udp', '0.0.0.0/0', { ports: [1024, 65535] })]),
    ],
    networkAcls: [
      nacl('acl-1', [
        naclEntry(80, 'deny', 'inbound', 'tcp', '198.51.100.0/24', { ports: [5000, 5999] }),
        naclEntry(100, 'allow', 'inbound', 'tcp', '0.0.0.0/0', { ports: [1024, 65535] }),
        naclEntry(110, 'allow', 'inbound', 'udp', '0.0.0.0/0', { ports: [53, 53] }),
        naclEntry(100, 'allow', 'outbound', 'tcp', '0.0.0.0/0', { ports: [0, 1023] }),
        naclEntry(120, 'allow', 'outbound', 'tcp', '10.0.0.0/8', { ports: [1024, 65535] }),
        naclEntry(130, 'allow', 'outbound', 'udp', '0.0.0.0/0', { ports: [40000, 40010] }),
        naclEntry(32767, 'deny', 'inbound', '-1', '0.0.0.0/0'),
        naclEntry(32767, 'deny', 'outbound', '-1', '0.0.0.0/0'),
      ], ['subnet-1', 'subnet-2']),
    ],
  }),
);

/** Ports at and around every boundary of the rules above and of the service-port test, and any port. */
const portArb = fc.oneof(
  fc.constantFrom(0, 1, 22, 52, 53, 54, 443, 999, 1000, 1023, 1024, 1025, 1999, 2000, 2001, 3306, 3307, 4999, 5000, 5999, 6000, 8079, 8080, 8081, 32767, 32768, 40000, 40010, 40011, 60999, 61000, 65535),
  fc.integer({ min: 0, max: 65535 }),
);

/** A few flows per run, each seen with many ports: records of one flow often share a port class. */
const flowArb = fc.record({
  eni: fc.constantFrom('eni-a', 'eni-b'),
  src: fc.constantFrom('198.51.100.7', '10.0.2.20', '10.0.1.10', '10.0.3.3'),
  dst: fc.constantFrom('10.0.1.10', '10.0.2.20', '203.0.113.5'),
  proto: fc.constantFrom(6, 6, 17, 1),
  action: fc.constantFrom('REJECT', 'REJECT', 'ACCEPT'),
  reverse: fc.boolean(),
});

const rangedArb = fc
  .tuple(fc.array(flowArb, { minLength: 1, maxLength: 3 }), fc.array(fc.record({ flow: fc.nat(), sport: portArb, dport: portArb }), { minLength: 1, maxLength: 60 }))
  .map(([flows, recs]) => recs.map((r) => ({ ...flows[r.flow % flows.length]!, sport: r.sport, dport: r.dport })));

describe('RecordExplainer port classes (classes.ts): records that differ only in ports share one attribution per port class', () => {
  it('writes, for every record, exactly what attributing it alone writes (jsonl and text), ports at rule boundaries included', () => {
    fc.assert(
      fc.property(rangedArb, fc.constantFrom<'jsonl' | 'text'>('jsonl', 'text'), (specs, format) => {
        const recs = specs.map((x, i) =>
          FlowRecord.fromTokens('f.log', i + 1, DEFAULT_FORMAT, ['2', '123456789012', x.eni, x.src, x.dst, String(x.sport), String(x.dport), String(x.proto), '1', '40', '1700000000', '1700000060', x.action, 'OK']),
        );
        const render = (file: string, line: number, a: { verdict: string; explanation: string }) => `${file}:${line} ${a.verdict} ${a.explanation}\n`;
        const explainer = new RecordExplainer(rangedIndex, format, render);
        const out = memoryWriter();
        recs.forEach((r, i) => explainer.explain(r, specs[i]!.reverse, out));
        const expected = recs.map((r, i) => {
          const a = attributeRecord({ index: rangedIndex, reverseAccepted: () => specs[i]!.reverse }, r);
          if (format === 'text') return render(r.file, r.line, a);
          return jsonlLine(r, a);
        });
        expect(out.text()).toBe(expected.join(''));
      }),
      fcParams(300),
    );
  });

  it('evaluates a port scan once per port class: 1,000 scanned ports of one interface take a handful of attributions', () => {
    const explainer = new RecordExplainer(rangedIndex, 'jsonl', () => '');
    const out = memoryWriter();
    for (let p = 3000; p < 4000; p++) {
      const r = FlowRecord.fromTokens('f.log', p, DEFAULT_FORMAT, ['2', '123456789012', 'eni-a', '198.51.100.7', '10.0.1.10', '47721', String(p), '6', '1', '40', '1700000000', '1700000060', 'REJECT', 'OK']);
      explainer.explain(r, false, out);
    }
    const lines = out.text().trim().split('\n').map((l) => JSON.parse(l) as { explanation: string; record: { dstport: number } });
    expect(lines).toHaveLength(1000);
    expect(lines[500]!.explanation).toContain('198.51.100.7:47721 -> 10.0.1.10:3500');
    // 3000-3999 lies between the rule boundaries 2001 and 5000: one class of service ports (3306, 3389)
    // and one of the others.
    expect(explainer.attributions).toBe(2);
  });
});

describe('RecordExplainer cache keys: one entry per distinct input', () => {
  const render = (f: string, l: number, a: { verdict: string; explanation: string }) => `${f}:${l} ${a.verdict} ${a.explanation}\n`;
  const alone = (idx: typeof index, recs: FlowRecord[]) => recs.map((r) => render(r.file, r.line, attributeRecord({ index: idx, reverseAccepted: () => false }, r))).join('');

  it('keeps apart records whose free-text fields hold the separator or the word null (reject-reason, flow-direction)', () => {
    const f = makeFormat(['interface-id', 'srcaddr', 'dstaddr', 'srcport', 'dstport', 'protocol', 'action', 'flow-direction', 'reject-reason'], 'log format');
    if (E.isLeft(f)) throw new Error(f.left.message);
    const recs = [
      ['x|null|null|R1', 'R2'],
      ['x', 'R1|null|null|R2'],
      ['ingress', 'null'],
      ['ingress', '-'],
    ].map(([dir, reason], i) => FlowRecord.fromTokens('f', i + 1, f.right, ['eni-a', '198.51.100.7', '10.0.1.10', '40000', '22', '6', 'REJECT', dir!, reason!]));
    const explainer = new RecordExplainer(index, 'text', render);
    const out = memoryWriter();
    for (const r of recs) explainer.explain(r, false, out);
    expect(out.text()).toBe(alone(index, recs));
  });

  it('keeps port classes apart when a rule holds a port beyond 65535 (a snapshot may hold any number)', () => {
    const big = indexSnapshot(
      snapshotOf({
        vpcs: [vpc('vpc-1', ['10.0.0.0/16'])],
        subnets: [subnet('subnet-1', '10.0.1.0/24')],
        enis: [eni('eni-a', 'subnet-1', ['10.0.1.10'], ['sg-a'])],
        securityGroups: [sg('sg-a', [sgRule('sg-a', 'inbound', 'tcp', '0.0.0.0/0', { ports: [40000, 40000] }), sgRule('sg-a', 'inbound', 'tcp', '192.0.2.0/24', { ports: [3e9, 3e9] })])],
        networkAcls: [nacl('acl-1', [naclEntry(100, 'allow', 'inbound', '-1', '0.0.0.0/0'), naclEntry(100, 'allow', 'outbound', '-1', '0.0.0.0/0')], ['subnet-1'])],
      }),
    );
    const recs = [40000, 40001, 22].map((dp, i) =>
      FlowRecord.fromTokens('f.log', i + 1, DEFAULT_FORMAT, ['2', '123456789012', 'eni-a', '198.51.100.7', '10.0.1.10', '50000', String(dp), '6', '1', '40', '1700000000', '1700000060', 'REJECT', 'OK']),
    );
    const explainer = new RecordExplainer(big, 'text', render);
    const out = memoryWriter();
    for (const r of recs) explainer.explain(r, false, out);
    expect(out.text()).toBe(alone(big, recs));
  });
});

describe('streamWriter', () => {
  it('keeps strings, string ranges, integers and byte ranges in order across chunk boundaries, pieces larger than a chunk (copied: their source may change at once) and non-ASCII text included', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            fc.string({ maxLength: 40, unit: 'grapheme' }).map((s) => ({ s })),
            fc.uint8Array({ maxLength: 100 }).map((b) => ({ b })),
            fc.oneof(fc.nat(), fc.maxSafeNat(), fc.constantFrom(0, 9, 10, 0x7fffffff, 0x80000000)).map((n) => ({ n })),
            fc.tuple(fc.string({ maxLength: 40, unit: 'grapheme' }), fc.nat(), fc.nat()).map(([r, x, y]) => ({ r, from: Math.min(x, y) % (r.length + 1), to: Math.max(x, y) % (r.length + 1) })),
          ),
        ),
        fc.integer({ min: 4, max: 64 }),
        async (pieces, chunk) => {
          const got: Buffer[] = [];
          // A slow sink that reads each chunk only when it completes the write: a buffer the writer
          // reused before that would show here.
          const sink = new Writable({ highWaterMark: 8, write: (c: Buffer, _e, cb) => void setImmediate(() => (got.push(Buffer.from(c)), cb())) });
          const w = streamWriter(sink, chunk);
          const want: Buffer[] = [];
          const scratch = Buffer.alloc(100);
          for (const p of pieces) {
            if ('s' in p) {
              w.write(p.s);
              want.push(Buffer.from(p.s));
            } else if ('n' in p) {
              w.writeInt(p.n);
              want.push(Buffer.from(String(p.n)));
            } else if ('r' in p) {
              const [from, to] = p.from <= p.to ? [p.from, p.to] : [p.to, p.from];
              w.writeRange(p.r, from, to);
              want.push(Buffer.from(p.r.slice(from, to)));
            } else {
              // From a Buffer that is overwritten right after (as the explainer's slab is): the writer
              // must have copied what it needs, whatever the size.
              scratch.set(p.b);
              w.writeBytes(scratch, 1 > p.b.length ? 0 : 1, p.b.length);
              scratch.fill(0xff);
              want.push(Buffer.from(p.b.subarray(1 > p.b.length ? 0 : 1)));
            }
          }
          await w.flush();
          await new Promise<void>((resolve) => sink.end(resolve));
          expect(Buffer.concat(got).equals(Buffer.concat(want))).toBe(true);
        },
      ),
      fcParams(200),
    );
  });
});

describe('the leak check (a slotted value written outside its slots sends a record to exact attribution)', () => {
  const base = { direction: 'inbound', traffic: 'request', trafficEvidence: 'ports', verdict: 'blocked', blockedBy: null, alsoBlockedBy: [], candidates: null, explanation: 'Inbound TCP on eni-1 was denied.', fix: null, eniId: 'eni-1', ruleKey: 'network-acl acl-1 inbound 90', ruleLabel: 'network ACL acl-1: inbound rule 90' } as const;
  it('finds a value in the explanation, in the candidates or in the summary rule key and label, and a slot marker in the key or label', () => {
    expect(leaks(base, ['198.51.100.7', 'eni-2'])).toBe(false);
    expect(leaks({ ...base, explanation: 'denied for 198.51.100.7/32' }, ['198.51.100.7'])).toBe(true);
    expect(leaks({ ...base, candidates: [{ reading: 'as a request', traffic: 'request', verdict: 'config-allows', blockedBy: null, explanation: 'from 198.51.100.7' }] }, ['198.51.100.7'])).toBe(true);
    expect(leaks({ ...base, ruleLabel: 'rule for eni-2' }, ['eni-2'])).toBe(true);
    const marked = `rule for port ${slotSay({ ports: { src: 40000, dst: 22 }, peer: null, own: null, eni: null, peerEni: null }).port(22)}`;
    expect(leaks({ ...base, ruleLabel: marked }, [])).toBe(true);
  });
});
