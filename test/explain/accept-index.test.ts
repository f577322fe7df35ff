import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AcceptIndex } from '../../src/explain/accept-index.js';
import { DEFAULT_FORMAT } from '../../src/flowlog/format.js';
import { FlowRecord } from '../../src/flowlog/record.js';

type Tuple = [eni: string, src: string, sport: number, dst: string, dport: number, proto: number];

function rec([eni, src, sport, dst, dport, proto]: Tuple, action = 'ACCEPT'): FlowRecord {
  return FlowRecord.fromTokens('t', 1, DEFAULT_FORMAT, ['2', '1', eni, src, dst, String(sport), String(dport), String(proto), '1', '1', '1', '1', action, 'OK']);
}

const tuple: fc.Arbitrary<Tuple> = fc.tuple(
  fc.constantFrom('eni-a', 'eni-b'),
  fc.constantFrom('10.0.0.1', '10.0.0.2', '2001:db8::1'),
  fc.constantFrom(22, 443, 40000),
  fc.constantFrom('10.0.0.1', '10.0.0.2', '2001:db8::1'),
  fc.constantFrom(22, 443, 40000),
  fc.constantFrom(6, 17),
);

describe('AcceptIndex (ref 8.5, 8.6: the reverse ACCEPT of the same ENI)', () => {
  it('answers hasReverse exactly for the reversed tuples added on the same interface', () => {
    fc.assert(
      fc.property(fc.array(tuple, { maxLength: 30 }), tuple, (added, probe) => {
        const index = new AcceptIndex();
        for (const t of added) index.add(rec(t));
        const [eni, src, sport, dst, dport, proto] = probe;
        const expected = added.some((t) => t[0] === eni && t[1] === dst && t[2] === dport && t[3] === src && t[4] === sport && t[5] === proto);
        expect(index.hasReverse(rec(probe, 'REJECT'))).toBe(expected);
      }),
      { seed: Number(process.env.FC_SEED ?? 424242), numRuns: 300 },
    );
  });
});

describe('AcceptIndex over line bytes', () => {
  it('hashes a line read as bytes the same as its record: adds from either side are found from the other', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(tuple, fc.boolean()), { maxLength: 30 }), tuple, fc.boolean(), (added, probe, probeBytes) => {
        const index = new AcceptIndex();
        for (const [t, asBytes] of added) {
          const r = rec(t);
          if (asBytes) index.addBytes(r.format, Buffer.from(`  ${r.text}`, 'latin1'), 2, r.offsets);
          else index.add(r);
        }
        const [eni, src, sport, dst, dport, proto] = probe;
        const expected = added.some(([t]) => t[0] === eni && t[1] === dst && t[2] === dport && t[3] === src && t[4] === sport && t[5] === proto);
        const p = rec(probe, 'REJECT');
        const got = probeBytes ? index.hasReverseBytes(p.format, Buffer.from(p.text, 'latin1'), 0, p.offsets) : index.hasReverse(p);
        expect(got).toBe(expected);
      }),
      { seed: Number(process.env.FC_SEED ?? 424242), numRuns: 300 },
    );
  });
});
