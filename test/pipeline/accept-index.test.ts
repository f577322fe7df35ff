import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AcceptIndex } from '../../src/pipeline/accept-index.js';
import { DEFAULT_FORMAT } from '../../src/flowlog/format.js';
import { FlowRecord } from '../../src/flowlog/record.js';
import { fcParams } from '../arbitraries/fc-params.js';

type Tuple = [eni: string, src: string, sport: number, dst: string, dport: number, proto: number];

function rec([eni, src, sport, dst, dport, proto]: Tuple, action = 'ACCEPT'): FlowRecord {
  return FlowRecord.fromTokens('t', 1, DEFAULT_FORMAT, ['2', '1', eni, src, dst, String(sport), String(dport), String(proto), '1', '1', '1', '1', action, 'OK']);
}

// Values that differ by one character, or by where a character falls between two columns (10.0.0.1 with
// port 22 against 10.0.0.12 with port 2), of lengths around the hash's four-character steps.
const addr = fc.constantFrom('10.0.0.1', '10.0.0.12', '10.0.0.2', '10.0.0.120', '2001:db8::1', '2001:db8::12');
const port = fc.constantFrom(2, 22, 221, 443, 4430, 40000);
const tuple: fc.Arbitrary<Tuple> = fc.tuple(
  fc.constantFrom('eni-a', 'eni-b', 'eni-0123456789abcdef0', 'eni-0123456789abcdef1'),
  addr,
  port,
  addr,
  port,
  fc.constantFrom(6, 17, 1),
);

/**
 * A probe for a list of added tuples: any tuple, or the reverse of an added one, as it is or with one
 * column changed (a near miss), so that both answers come up often.
 */
function probeOf<T>(added: readonly T[], tupleOf: (x: T) => Tuple): fc.Arbitrary<Tuple> {
  if (added.length === 0) return tuple;
  const reversed = fc.nat(added.length - 1).map((i): Tuple => {
    const [eni, src, sport, dst, dport, proto] = tupleOf(added[i]!);
    return [eni, dst, dport, src, sport, proto];
  });
  const nearMiss = fc.tuple(reversed, tuple, fc.nat(5)).map(([r, other, k]): Tuple => {
    const t = [...r] as Tuple;
    (t as unknown[])[k] = other[k];
    return t;
  });
  return fc.oneof(tuple, reversed, nearMiss);
}

describe('AcceptIndex (ref 8.5, 8.6: the reverse ACCEPT of the same ENI)', () => {
  it('answers hasReverse exactly for the reversed tuples added on the same interface', () => {
    fc.assert(
      fc.property(fc.array(tuple, { maxLength: 30 }).chain((added) => fc.tuple(fc.constant(added), probeOf(added, (t) => t))), ([added, probe]) => {
        const index = new AcceptIndex();
        for (const t of added) index.add(rec(t));
        const [eni, src, sport, dst, dport, proto] = probe;
        const expected = added.some((t) => t[0] === eni && t[1] === dst && t[2] === dport && t[3] === src && t[4] === sport && t[5] === proto);
        expect(index.hasReverse(rec(probe, 'REJECT'))).toBe(expected);
      }),
      fcParams(1000),
    );
  });
});

describe('AcceptIndex over line bytes', () => {
  it('hashes a line read as bytes the same as its record: adds from either side are found from the other', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(tuple, fc.boolean()), { maxLength: 30 }).chain((added) => fc.tuple(fc.constant(added), probeOf(added, ([t]) => t))), fc.boolean(), ([added, probe], probeBytes) => {
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
      fcParams(1000),
    );
  });
});
