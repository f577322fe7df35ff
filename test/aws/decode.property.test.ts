/**
 * Decoding is total: whatever JSON sits under a recognised key, the decoder returns problems or a snapshot,
 * and never throws. Seeds are fixed (override with FC_SEED) and fast-check prints them on failure.
 */
import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RECOGNIZED_KEYS } from '../../src/aws/decode/document.js';
import { locateJsonError, parseJsonText } from '../../src/aws/decode/json-text.js';
import { decodeSnapshotDocuments } from '../../src/aws/load-snapshot.js';
import { E } from '../../src/fp.js';
import { FIXTURES, readJson } from './support.js';
import { fcParams } from '../arbitraries/fc-params.js';

const params = fcParams(300);

const anything = fc.anything({
  withBigInt: true,
  withNullPrototype: true,
  withSparseArray: true,
  withBoxedValues: true,
  withMap: true,
  withSet: true,
  withDate: true,
  withTypedArray: true,
  withObjectString: true,
  withUnicodeString: true,
});

/**
 * True when decoding ends normally. The loader turns an exception into an "internal error" problem (so a
 * bug never crashes the CLI); here that counts as a failure: decoders themselves must not throw.
 */
function decodes(json: unknown): boolean {
  const r = decodeSnapshotDocuments([{ file: 'p.json', json }]);
  if (E.isLeft(r)) {
    const internal = r.left.problems.filter((p) => p.message.startsWith('internal error'));
    expect(internal).toEqual([]);
    return r.left.problems.length > 0;
  }
  return Array.isArray(r.right.warnings);
}

const fixtureDocs: unknown[] = readdirSync(path.join(FIXTURES, 'aws-cli'))
  .sort()
  .map((n) => readJson(path.join(FIXTURES, 'aws-cli', n)));
fixtureDocs.push(readJson(path.join(FIXTURES, 'vpcwhy-snapshot.json')));

/** Every [container, key] of a JSON tree, so one place can be replaced. */
function slots(root: unknown): Array<readonly [Record<string | number, unknown>, string | number]> {
  const out: Array<readonly [Record<string | number, unknown>, string | number]> = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach((x, i) => (out.push([v as unknown as Record<number, unknown>, i]), walk(x)));
    else if (typeof v === 'object' && v !== null) {
      for (const [k, x] of Object.entries(v)) {
        out.push([v as Record<string, unknown>, k]);
        walk(x);
      }
    }
  };
  walk(root);
  return out;
}

describe('decoding never throws (property)', () => {
  it.each(RECOGNIZED_KEYS.map((k) => [k]))('returns problems or a snapshot for any JSON value under %s', (key) => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => decodes({ [key]: v })),
      params,
    );
  });

  it.each(RECOGNIZED_KEYS.map((k) => [k]))('returns problems or a snapshot for arrays of arbitrary values under %s', (key) => {
    fc.assert(
      fc.property(fc.array(fc.oneof(anything, fc.dictionary(fc.string(), anything))), (v) => decodes({ [key]: v })),
      params,
    );
  });

  it('survives arbitrary values at the top level and in vpcwhy snapshot sections', () => {
    fc.assert(
      fc.property(anything, anything, (a, b) => decodes(a) && decodes({ VpcwhySnapshot: a, Regions: b }) && decodes({ Regions: { 'us-east-1': a } })),
      params,
    );
  });

  it('survives any one value of a real describe output replaced by an arbitrary value', () => {
    fc.assert(
      fc.property(fc.nat(fixtureDocs.length - 1), fc.nat(), anything, (docIndex, slotIndex, replacement) => {
        const doc = structuredClone(fixtureDocs[docIndex]);
        const all = slots(doc);
        const slot = all[slotIndex % Math.max(1, all.length)];
        if (slot !== undefined) slot[0][slot[1]] = replacement;
        return decodes(doc);
      }),
      params,
    );
  });
});

describe('JSON syntax error location (property, oracle: JSON.parse)', () => {
  it('finds an error exactly when JSON.parse rejects the text', () => {
    const mutated = fc
      .tuple(fc.jsonValue(), fc.nat(), fc.constantFrom('', ',', '}', ']', '"', ':', 'x', '\n', '{', '[', '-', '0'))
      .map(([v, at, ins]) => {
        const text = JSON.stringify(v, null, 1) ?? 'null';
        const i = at % (text.length + 1);
        return text.slice(0, i) + ins + text.slice(i);
      });
    fc.assert(
      fc.property(mutated, (text) => {
        let valid = true;
        try {
          JSON.parse(text);
        } catch {
          valid = false;
        }
        const located = locateJsonError(text);
        expect(located === null).toBe(valid);
        if (located !== null) expect(located.offset).toBeLessThanOrEqual(text.length);
      }),
      params,
    );
  });

  it('reports 1-based line and column', () => {
    expect(parseJsonText('{\n  "a": 1\n  "b": 2\n}')).toEqual(
      E.left({ line: 3, column: 3, message: 'unexpected "\\""; expected \',\' or \'}\' after a property value' }),
    );
    expect(parseJsonText('')).toEqual(E.left({ line: 1, column: 1, message: 'unexpected end of input; expected a value' }));
    expect(parseJsonText('[1,]')).toEqual(E.left({ line: 1, column: 4, message: 'unexpected "]"; expected a value' }));
    expect(parseJsonText('{"a": "x\ny"}')).toEqual(E.left({ line: 1, column: 9, message: 'line break inside a string (strings cannot span lines)' }));
  });
});
