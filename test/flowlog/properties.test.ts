/**
 * Property tests for the flow-log parser. Oracles are independent of the code under test: expected
 * field values come from the generated values themselves, and line validity from a regex restatement
 * of the rules (ref 1.1, 1.5, 2.6). Seeds are fixed (FC_SEED / FC_RUNS override); fast-check prints the
 * seed and the counterexample on failure.
 */
import * as fc from 'fast-check';
import ipaddr from 'ipaddr.js';
import { describe, expect, it } from 'vitest';
import { E } from '../../src/fp.js';
import {
  DEFAULT_FORMAT,
  FIELDS,
  fieldKind,
  isLineError,
  makeFormat,
  parseRecordBytes,
  parseRecordLine,
  readFlowLogStream,
  type FlowLogFormat,
} from '../../src/flowlog/index.js';
import { chunked, collect } from './helpers.js';
import { fcParams } from '../arbitraries/fc-params.js';

const params = fcParams(200);

// ---------------------------------------------------------------------------------------------------
// Arbitraries

const KNOWN = FIELDS.map((f) => f.name);
/** Unknown field names that cannot collide with known ones (ref 1.6). */
const unknownName = fc.stringMatching(/^[a-z]{1,8}$/).map((s) => `zz-${s}`);
const fieldNames = fc.uniqueArray(fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...KNOWN) }, { weight: 1, arbitrary: unknownName }), {
  minLength: 1,
  maxLength: 30,
});

function mustFormat(names: readonly string[]): FlowLogFormat {
  const f = makeFormat(names, 'log format');
  if (E.isLeft(f)) throw new Error(f.left.message);
  return f.right;
}

/** ASCII whitespace: the only separators (ref 1.1, 2.6). */
const WS = new Set([' ', '\t', '\n', '\r', '\v', '\f']);
const noAsciiWs = (s: string) => [...s].every((ch) => !WS.has(ch));

const intValue = fc.oneof(
  fc.constant('-'),
  fc.nat().map(String),
  fc.nat({ max: Number.MAX_SAFE_INTEGER }).map(String),
  fc.tuple(fc.integer({ min: 1, max: 3 }), fc.nat({ max: 9999 })).map(([z, n]) => `${'0'.repeat(z)}${n}`),
);
const stringValue = fc.oneof(
  { weight: 1, arbitrary: fc.constant('-') },
  { weight: 4, arbitrary: fc.string({ minLength: 1, maxLength: 30 }).filter(noAsciiWs) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }).filter(noAsciiWs) },
  { weight: 1, arbitrary: fc.constantFrom('eni-1235b8ca123456789', '10.0.0.1', '2001:db8::1', 'IPv4', 'ingress', 'egress', 'BPA', 'unknown') },
);

/** Leading zeros kept: `0022` is port 22 (the value, not the spelling, is bounded). */
const boundedInt = (max: number) =>
  fc.oneof(fc.constant('-'), fc.nat({ max }).map(String), fc.tuple(fc.integer({ min: 1, max: 3 }), fc.nat({ max })).map(([z, n]) => `${'0'.repeat(z)}${n}`));
const addressValue = fc.oneof(fc.constant('-'), fc.ipV4(), fc.ipV6());

function valueFor(field: string): fc.Arbitrary<string> {
  if (field === 'action') return fc.constantFrom('ACCEPT', 'REJECT', '-');
  if (field === 'log-status') return fc.constantFrom('OK', 'NODATA', 'SKIPDATA', '-');
  if (field === 'srcport' || field === 'dstport') return boundedInt(65535);
  if (field === 'protocol') return boundedInt(255);
  if (field === 'srcaddr' || field === 'dstaddr' || field === 'pkt-srcaddr' || field === 'pkt-dstaddr') return addressValue;
  return fieldKind(field) === 'int' ? intValue : stringValue;
}

const recordValues = (format: FlowLogFormat) => fc.tuple(...format.fields.map(valueFor));
const sep = fc.array(fc.constantFrom(' ', '\t'), { minLength: 1, maxLength: 3 }).map((a) => a.join(''));
const edge = fc.array(fc.constantFrom(' ', '\t'), { maxLength: 2 }).map((a) => a.join(''));

/** A record's text: values joined by random runs of whitespace, with optional blanks around (ref 2.6). */
const lineOf = (values: readonly string[]) =>
  fc.tuple(fc.array(sep, { minLength: values.length, maxLength: values.length }), edge, edge).map(([seps, lead, trail]) =>
    lead + values.map((v, i) => (i === 0 ? v : seps[i - 1]! + v)).join('') + trail,
  );

/** What `fields()` must give: `-` → null, int fields as numbers, the rest as written (ref 1.1). */
function expectedFields(format: FlowLogFormat, values: readonly string[]): Record<string, string | number | null> {
  const out: Record<string, string | number | null> = {};
  format.fields.forEach((name, i) => {
    const v = values[i]!;
    out[name] = v === '-' ? null : fieldKind(name) === 'int' ? Number(v) : v;
  });
  return out;
}

const formatWithRecords = fieldNames.chain((names) => {
  const format = mustFormat(names);
  return fc.record({
    format: fc.constant(format),
    records: fc.array(recordValues(format).chain((values) => lineOf(values).map((line) => ({ values, line }))), { minLength: 1, maxLength: 8 }),
  });
});

const cutPoints = fc.array(fc.integer({ min: 0, max: 10_000 }), { maxLength: 12 });
const scaleCuts = (cuts: readonly number[], len: number) => cuts.map((c) => Math.floor((c / 10_000) * len));

// ---------------------------------------------------------------------------------------------------

describe('round trip: parse(format(record)) for random custom formats', () => {
  it('parseRecordLine and parseRecordBytes read back every value (ref 1.1, 1.4, 2.6)', () => {
    fc.assert(
      fc.property(formatWithRecords, ({ format, records }) => {
        for (const { values, line } of records) {
          const want = expectedFields(format, values);
          const r = parseRecordLine(format, line, 'p', 1);
          if (isLineError(r)) throw new Error(`${r.message}: ${JSON.stringify(line)}`);
          expect(r.fields()).toEqual(want);
          const buf = Buffer.from(line);
          const b = parseRecordBytes(format, buf, 0, buf.length, 'p', 1);
          if (isLineError(b)) throw new Error(`${b.message}: ${JSON.stringify(line)}`);
          expect(b.fields()).toEqual(want);
          expect(r.action).toBe(want['action'] ?? null);
          expect(r.srcport).toBe(want['srcport'] ?? null);
          expect(r.interfaceId).toBe(want['interface-id'] ?? null);
        }
      }),
      params,
    );
  });

  it('the streaming reader reads back every record with its line number, in any chunking (ref 1.9)', async () => {
    await fc.assert(
      fc.asyncProperty(formatWithRecords, cutPoints, fc.boolean(), async ({ format, records }, cuts, crlf) => {
        const known = format.fields.filter((n) => !n.startsWith('zz-')).length;
        const header = known * 2 > format.fields.length; // a header line is recognised when most names are known
        const nl = crlf ? '\r\n' : '\n';
        const text = (header ? format.fields.join(' ') + nl : '') + records.map((r) => r.line).join(nl) + nl;
        const data = Buffer.from(text);
        const got = await collect(readFlowLogStream('prop', chunked(data, scaleCuts(cuts, data.length)), header ? {} : { logFormat: format }));
        expect(got.badLines).toEqual([]);
        expect(got.fileErrors).toEqual([]);
        expect(got.starts.map((s) => s.formatSource)).toEqual([header ? 'header' : 'option']);
        expect(got.records.map((r) => r.line)).toEqual(records.map((_, i) => i + (header ? 2 : 1)));
        got.records.forEach((r, i) => expect(r.fields()).toEqual(expectedFields(format, records[i]!.values)));
      }),
      params,
    );
  });
});

// ---------------------------------------------------------------------------------------------------
// Garbage: an independent statement of what a default-format line is.

const ORACLE_WS = /[ \t\n\r\v\f]+/;
const INT_RE = /^(?:\d{1,20}|-)$/;
const INT_COLS = new Set([0, 5, 6, 7, 8, 9, 10, 11]);

/** An IP address as ipaddr.js reads one (dotted-quad IPv4, or IPv6 without a zone), or `-`. */
const isAddress = (v: string) => v === '-' || ipaddr.IPv4.isValidFourPartDecimal(v) || (ipaddr.IPv6.isValid(v) && !v.includes('%'));
const atMost = (v: string, max: number) => v === '-' || Number(v) <= max;

function oracleDefault(line: string): Record<string, string | number | null> | null {
  const t = line.split(ORACLE_WS).filter((x) => x !== '');
  if (t.length !== 14) return null;
  for (const i of INT_COLS) if (!INT_RE.test(t[i]!)) return null;
  // srcaddr, dstaddr: addresses; srcport, dstport: 0-65535; protocol: 0-255 (ref 1.5).
  if (!isAddress(t[3]!) || !isAddress(t[4]!) || !atMost(t[5]!, 65535) || !atMost(t[6]!, 65535) || !atMost(t[7]!, 255)) return null;
  // One address family per record (ref 8.13): an IPv4 source with an IPv6 destination is no packet.
  if (t[3] !== '-' && t[4] !== '-' && ipaddr.IPv6.isValid(t[3]!) !== ipaddr.IPv6.isValid(t[4]!)) return null;
  if (!['ACCEPT', 'REJECT', '-'].includes(t[12]!)) return null;
  if (!['OK', 'NODATA', 'SKIPDATA', '-'].includes(t[13]!)) return null;
  return expectedFields(DEFAULT_FORMAT, t);
}

type Expect = { kind: 'record'; fields: Record<string, string | number | null> } | { kind: 'bad' } | { kind: 'none' } | { kind: 'header-like' };

function classify(bytes: Uint8Array, lineNo: number): Expect {
  let text = Buffer.from(bytes).toString('utf8');
  if (lineNo === 1 && text.startsWith('\ufeff')) text = text.slice(1);
  if (text.split(ORACLE_WS).every((x) => x === '')) return { kind: 'none' };
  const trimmed = text.replace(/^[ \t\r\v\f]+/, '');
  if (trimmed.startsWith('{')) {
    try {
      const v: unknown = JSON.parse(text);
      if (typeof v === 'object' && v !== null && typeof (v as { message?: unknown }).message === 'string') text = (v as { message: string }).message;
    } catch {
      // not JSON
    }
  }
  const tokens = text.split(ORACLE_WS).filter((x) => x !== '');
  if (tokens.length > 0 && tokens.every((x) => /^[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*$/.test(x))) return { kind: 'header-like' };
  const rec = oracleDefault(text);
  return rec === null ? { kind: 'bad' } : { kind: 'record', fields: rec };
}

const goodLine = recordValues(DEFAULT_FORMAT).chain(lineOf).map((l) => Buffer.from(l));
const noNewline = (b: Uint8Array) => !b.includes(10);
const garbageLine = fc.oneof(
  fc.string({ maxLength: 200 }).map((s) => Buffer.from(s)),
  fc.string({ unit: 'grapheme', maxLength: 60 }).map((s) => Buffer.from(s)),
  fc.string({ unit: 'binary', maxLength: 60 }).map((s) => Buffer.from(s)),
  fc.array(fc.string({ minLength: 1, maxLength: 12 }).filter(noAsciiWs), { minLength: 0, maxLength: 20 }).map((t) => Buffer.from(t.join(' '))),
  fc.uint8Array({ maxLength: 120 }).map((b) => Buffer.from(b)),
  // near misses: a good line with one token changed, dropped or added
  fc.tuple(recordValues(DEFAULT_FORMAT), fc.nat({ max: 13 }), fc.constantFrom('x', '', '1 2', 'ACCEPTED', '-1', '1.5')).map(([v, i, s]) =>
    Buffer.from(v.map((x, j) => (j === i ? s : x)).join(' ')),
  ),
  fc.constant(Buffer.from('{"message":"2 1 eni-1 - - - - - - - 1 2 - NODATA"}')),
  fc.constant(Buffer.from('{"message": 42}')),
).map((b) => Buffer.from(b.filter((x) => x !== 10)));

describe('garbage lines', () => {
  it('parseRecordLine never throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' })), (s) => {
        const r = parseRecordLine(DEFAULT_FORMAT, s, 'g', 1);
        if (isLineError(r)) expect(r.message.length).toBeGreaterThan(0);
        else expect(oracleDefault(s)).not.toBeNull();
      }),
      params,
    );
  });

  it('come back in bad-lines events with their line numbers, while good lines around them still parse', async () => {
    const lines = fc.array(fc.oneof(goodLine, garbageLine), { minLength: 1, maxLength: 30 }).filter((ls) =>
      // header-like garbage would legitimately change the format of the lines after it; leave it out
      ls.every((l, i) => noNewline(l) && classify(l, i + 1).kind !== 'header-like'),
    );
    await fc.assert(
      fc.asyncProperty(lines, cutPoints, async (ls, cuts) => {
        const data = Buffer.concat(ls.flatMap((l, i) => (i === 0 ? [l] : [Buffer.from('\n'), l])));
        const got = await collect(readFlowLogStream('garbage', chunked(data, scaleCuts(cuts, data.length))));
        const want = ls.map((l, i) => classify(l, i + 1));
        const wantRecords = want.flatMap((w, i) => (w.kind === 'record' ? [{ line: i + 1, fields: w.fields }] : []));
        const wantBad = want.flatMap((w, i) => (w.kind === 'bad' ? [i + 1] : []));
        expect(got.fileErrors).toEqual([]);
        expect(got.records.map((r) => ({ line: r.line, fields: r.fields() }))).toEqual(wantRecords);
        expect(got.badLines.map((b) => b.line)).toEqual(wantBad);
        for (const b of got.badLines) expect(b.message.length).toBeGreaterThan(0);
        // events are in line order
        const order = got.events.flatMap((e) => (e.kind === 'records' ? e.records.map((r) => r.line) : e.kind === 'bad-lines' ? e.errors.map((b) => b.line) : []));
        expect(order).toEqual([...order].sort((a, b) => a - b));
      }),
      params,
    );
  });
});
