import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fillSlots, slotSay, splitSlotBytes, splitSlots } from '../../src/pipeline/slots.js';
import { fcParams } from '../arbitraries/fc-params.js';


describe('slots: a template rendered once, filled per record', () => {
  it('splits a rendered template at exactly its slots, whatever the text around them (private-use characters like the marker\'s first one included)', () => {
    const text = fc.string({ unit: fc.constantFrom('a', ' ', '4', '\uE000', '\uE001', 'é', '"') });
    const part = fc.oneof(text, fc.constantFrom(40000, 22));
    fc.assert(
      fc.property(fc.array(part, { maxLength: 12 }), (parts) => {
        const say = slotSay({ ports: { src: 40000, dst: 22 }, peer: null, own: null, eni: null, peerEni: null });
        const rendered = parts.map((p) => (typeof p === 'string' ? p : say.port(p))).join('');
        const t = splitSlots(rendered);
        expect(t.slots).toEqual(parts.filter((p) => typeof p === 'number').map((p) => (p === 40000 ? 0 : 1)));
        expect(fillSlots(t, (slot) => (slot === 0 ? '<src>' : '<dst>'))).toBe(parts.map((p) => (typeof p === 'string' ? p : p === 40000 ? '<src>' : '<dst>')).join(''));
      }),
      fcParams(1000),
    );
  });

  it('cuts the UTF-8 bytes of a template where splitSlots cuts its text, wherever it lies in a larger buffer', () => {
    const text = fc.string({ unit: fc.constantFrom('a', ' ', '\uE000', 'é', '→', '"', '\uD83D\uDE00') });
    const part = fc.oneof(text, fc.constantFrom(40000, 22));
    fc.assert(
      fc.property(fc.array(part, { maxLength: 12 }), fc.nat(20), fc.nat(20), (parts, before, after) => {
        const say = slotSay({ ports: { src: 40000, dst: 22 }, peer: null, own: null, eni: null, peerEni: null });
        const rendered = parts.map((p) => (typeof p === 'string' ? p : say.port(p))).join('');
        const t = splitSlots(rendered);
        // Other templates' bytes (markers included) before and after this one's.
        const other = Buffer.from(say.port(22).repeat(4));
        const filler = (n: number) => Buffer.concat(Array.from({ length: n }, () => other));
        const buf = Buffer.concat([filler(before), Buffer.from(rendered), filler(after)]);
        const start = before * other.length;
        const end = start + Buffer.byteLength(rendered);
        const b = splitSlotBytes(buf, start, end);
        expect(b.slots).toEqual(t.slots);
        const texts = [];
        for (let i = 0; i < b.segs.length; i += 2) texts.push(buf.toString('utf8', b.segs[i], b.segs[i + 1]));
        expect(texts).toEqual(t.texts);
      }),
      fcParams(1000),
    );
  });
});
