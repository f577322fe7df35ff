import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fillSlots, portText, splitSlots, withSlots } from '../../src/explain/slots.js';

const SEED = Number(process.env.FC_SEED ?? 424242);

describe('slots: a template rendered once, filled per record', () => {
  it('splits a rendered template at exactly its slots, whatever the text around them (private-use characters like the marker\'s first one included)', () => {
    const text = fc.string({ unit: fc.constantFrom('a', ' ', '4', '\uE000', '\uE001', 'é', '"') });
    const part = fc.oneof(text, fc.constantFrom(40000, 22));
    fc.assert(
      fc.property(fc.array(part, { maxLength: 12 }), (parts) => {
        const rendered = withSlots({ ports: { src: 40000, dst: 22 }, peer: null, own: null, eni: null, peerEni: null }, () => parts.map((p) => (typeof p === 'string' ? p : portText(p))).join(''));
        const t = splitSlots(rendered);
        expect(t.slots).toEqual(parts.filter((p) => typeof p === 'number').map((p) => (p === 40000 ? 0 : 1)));
        expect(fillSlots(t, (slot) => (slot === 0 ? '<src>' : '<dst>'))).toBe(parts.map((p) => (typeof p === 'string' ? p : p === 40000 ? '<src>' : '<dst>')).join(''));
      }),
      { seed: SEED, numRuns: 1000 },
    );
  });
});
