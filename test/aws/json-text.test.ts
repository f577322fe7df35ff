import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeJsonBytes } from '../../src/aws/decode/json-text.js';
import { fcParams } from '../arbitraries/fc-params.js';


describe('decodeJsonBytes: the text of a describe-* file', () => {
  it('reads any text as UTF-8 does (ASCII by a quicker path), without a byte-order mark', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' })), fc.boolean(), (text, bom) => {
        const bytes = Buffer.from(`${bom ? '\uFEFF' : ''}${text}`, 'utf8');
        expect(decodeJsonBytes(bytes)).toBe(new TextDecoder('utf-8').decode(bytes).replace(/^\uFEFF/, ''));
      }),
      fcParams(500),
    );
  });

  it('reads bytes inside a larger buffer (a view), and UTF-16 files by their byte-order mark', () => {
    const big = Buffer.from('xx{"Name":"web"}yy', 'latin1');
    expect(decodeJsonBytes(big.subarray(2, big.length - 2))).toBe('{"Name":"web"}');
    expect(decodeJsonBytes(Buffer.from('\uFEFF{"Name":"wéb"}', 'utf16le'))).toBe('{"Name":"wéb"}');
    expect(decodeJsonBytes(Buffer.from('{"Name":"ünï"}', 'utf8'))).toBe('{"Name":"ünï"}');
  });
});
