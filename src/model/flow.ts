/**
 * A packet to evaluate: what the evaluators see. `protocol` is never -1 here.
 * Ports are null when unknown (an ICMP packet has none); ICMP type/code are null when unknown
 * (flow logs record ICMP with ports 0/0, so the type is never known from a record, ref 2.4).
 */
import type { Ip } from './address.js';

export interface Packet {
  readonly protocol: number;
  readonly src: Ip;
  readonly dst: Ip;
  readonly srcPort: number | null;
  readonly dstPort: number | null;
  readonly icmpType: number | null;
  readonly icmpCode: number | null;
}

/** Whether a packet starts a connection or answers one (ref 8.5). */
export type Traffic = 'request' | 'response' | 'unknown';
