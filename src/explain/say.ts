/**
 * How explanations write a record's own values: its ports, addresses and interfaces. Every sentence of
 * attribution takes a `Say` as a parameter and writes those values only through it, so the caller decides
 * how they read: PLAIN writes them as they are; the fast path (src/pipeline/slots.ts) writes markers, to
 * render one explanation for a whole class of records and fill in each record's values afterwards.
 */
import type { Ip } from '../model/address.js';
import { formatIp } from '../net/ip.js';

export interface Say {
  /** A port of the record (`22`). */
  port(port: number): string;
  /** An address of the record: RFC 5952 / dotted text. */
  addr(ip: Ip): string;
  /** The id of the record's interface. */
  eni(id: string): string;
  /** The record's interface as explanations name it: `eni-1 (web)` (eniName). */
  eniName(id: string, name: string | undefined): string;
  /** The id of the interface whose private address the record's peer is. */
  peerEni(id: string): string;
}

/** An interface as explanations name it: `eni-1 (web)`, its id and its instance's (or its own) name. */
export function eniName(id: string, name: string | undefined): string {
  return `${id}${name ? ` (${name})` : ''}`;
}

/** Every value as it is. */
export const PLAIN: Say = Object.freeze({
  port: (port: number) => String(port),
  addr: (ip: Ip) => formatIp(ip),
  eni: (id: string) => id,
  eniName,
  peerEni: (id: string) => id,
});

/** The host block of an address (`10.0.0.5/32`), with the address written by `say`. */
export function hostText(ip: Ip, say: Say): string {
  return `${say.addr(ip)}/${ip.family === 4 ? 32 : 128}`;
}
