/**
 * Slot rendering: how one attribution serves a whole class of records (classes.ts). The attribution is
 * rendered once with a `Say` (explain/say.ts) that writes the record's ports, addresses and interfaces
 * as slot markers, and every record of the class fills the slots with its own values. A marker holds a
 * random nonce, so no input text can forge one.
 */
import type { Ip } from '../model/address.js';
import { ipEquals } from '../net/ip.js';
import { PLAIN, type Say } from '../explain/say.js';

const NONCE = `\uE000${Math.random().toString(36).slice(2, 10)}`;

/**
 * What a slot stands for: 0 the record's source port, 1 its destination port, 2 its peer address, 3 its
 * address of the interface, 4 the interface's id, 5 the interface as explanations name it (`eni-1 (web)`),
 * 6 the id of the interface whose private address the peer is.
 */
export type Slot = 0 | 1 | 2 | 3 | 4 | 5 | 6;

/** The marker letter of each slot, by Slot. */
const LETTERS = 'sdpoiwe';
const MARKERS = [...LETTERS].map((c) => `${NONCE}${c}`);

export interface SlotValues {
  /** The ports to slot (null: written as they are). They must differ, or one could not be told from the other. */
  readonly ports: { readonly src: number; readonly dst: number } | null;
  /** The peer address and the interface's address to slot (null: written as they are); they must differ. */
  readonly peer: Ip | null;
  readonly own: Ip | null;
  /** The interface whose id and name to slot (null: written as they are). */
  readonly eni: string | null;
  /** The interface that holds the peer address, whose id to slot (null: written as it is); not `eni`. */
  readonly peerEni: string | null;
}

/**
 * A Say that writes the given values as slots (and every other value as PLAIN does). Only the record's
 * own ports, addresses and interfaces go through a Say, so every marker in what it renders is a slot.
 */
export function slotSay(values: SlotValues): Say {
  if (values.ports !== null && values.ports.src === values.ports.dst) throw new Error('slotSay: the two ports must differ');
  if (values.peer !== null && values.own !== null && ipEquals(values.peer, values.own)) throw new Error('slotSay: the two addresses must differ');
  if (values.peerEni !== null && values.peerEni === values.eni) throw new Error('slotSay: the two interfaces must differ');
  const src = values.ports?.src ?? -1;
  const dst = values.ports?.dst ?? -1;
  const { peer, own, eni, peerEni } = values;
  return {
    port: (port) => (port === src ? MARKERS[0]! : port === dst ? MARKERS[1]! : String(port)),
    addr: (ip) => (peer !== null && ipEquals(peer, ip) ? MARKERS[2]! : own !== null && ipEquals(own, ip) ? MARKERS[3]! : PLAIN.addr(ip)),
    eni: (id) => (id === eni ? MARKERS[4]! : id),
    eniName: (id, name) => (id === eni ? MARKERS[5]! : PLAIN.eniName(id, name)),
    peerEni: (id) => (id === peerEni ? MARKERS[6]! : id),
  };
}

/** A rendered template cut at its slots: `texts[0] slot[0] texts[1] ... texts[n]`. */
export interface SlotTemplate {
  readonly texts: readonly string[];
  readonly slots: readonly Slot[];
}

export function hasSlots(s: string): boolean {
  return s.includes(NONCE);
}

export function splitSlots(s: string): SlotTemplate {
  const texts: string[] = [];
  const slots: Slot[] = [];
  let from = 0;
  for (let at = s.indexOf(NONCE); at >= 0; at = s.indexOf(NONCE, from)) {
    texts.push(s.slice(from, at));
    slots.push(LETTERS.indexOf(s.charAt(at + NONCE.length)) as Slot);
    from = at + NONCE.length + 1;
  }
  texts.push(s.slice(from));
  return { texts, slots };
}

/** The UTF-8 bytes of a marker's fixed part (JSON.stringify leaves it as it is: nothing in it is escaped). */
const NONCE_BYTES = Buffer.from(NONCE);

/**
 * splitSlots over the UTF-8 encoding of a template, in place: `buf[start, end)` is cut at its markers into
 * byte ranges `[segs[2i], segs[2i + 1])` with slot i between ranges i and i + 1. The markers stay in the
 * buffer, outside every range. (Encoding a template whole, natively, and cutting its bytes is several times
 * quicker than encoding its texts one by one.)
 */
export function splitSlotBytes(buf: Buffer, start: number, end: number): { segs: number[]; slots: Slot[] } {
  const segs: number[] = [start];
  const slots: Slot[] = [];
  const letter = NONCE_BYTES.length;
  // A view of the template alone: a search of the whole buffer would read on past its end.
  const t = buf.subarray(start, end);
  for (let at = t.indexOf(NONCE_BYTES); at >= 0 && at + letter < t.length; at = t.indexOf(NONCE_BYTES, at + letter + 1)) {
    segs.push(start + at, start + at + letter + 1);
    slots.push(LETTERS.indexOf(String.fromCharCode(t[at + letter]!)) as Slot);
  }
  segs.push(end);
  return { segs, slots };
}

/** The template with each slot filled with `value(slot)`. */
export function fillSlots(t: SlotTemplate, value: (slot: Slot) => string): string {
  let out = t.texts[0]!;
  for (let i = 0; i < t.slots.length; i++) out += value(t.slots[i]!) + t.texts[i + 1]!;
  return out;
}
