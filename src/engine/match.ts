/**
 * Field matchers shared by the NACL and security-group evaluators. Each returns a three-valued
 * answer: 'yes', 'no', or 'maybe' when the packet field it needs is unknown (an ICMP type in a flow-log
 * record, ref 2.4 and 5.2).
 */
import type { IcmpMatch, PortRange } from '../model/address.js';
import type { Packet } from '../model/flow.js';
import { ICMP, ICMPV6, TCP, UDP } from '../net/protocol.js';

export type Tri = 'yes' | 'no' | 'maybe';

/** Protocol -1 matches every protocol; null (unreadable) matches none. */
export function matchProtocol(ruleProtocol: number | null, packet: Packet): boolean {
  return ruleProtocol !== null && (ruleProtocol === -1 || ruleProtocol === packet.protocol);
}

/** The destination port against a range; null range = all ports. */
export function matchPorts(range: PortRange | null, packet: Packet): Tri {
  if (range === null) return 'yes';
  if (range.from <= 0 && range.to >= 65535) return 'yes';
  const port = packet.dstPort;
  if (port === null) return 'maybe';
  return port >= range.from && port <= range.to ? 'yes' : 'no';
}

/** ICMP type/code with -1 wildcards; null = all types and codes. */
export function matchIcmp(icmp: IcmpMatch | null, packet: Packet): Tri {
  if (icmp === null || icmp.type === -1) return 'yes';
  if (packet.icmpType === null) return 'maybe';
  if (packet.icmpType !== icmp.type) return 'no';
  if (icmp.code === -1) return 'yes';
  if (packet.icmpCode === null) return 'maybe';
  return packet.icmpCode === icmp.code ? 'yes' : 'no';
}

/**
 * The port / ICMP part of a rule. Only tcp and udp rules look at ports and only icmp / icmpv6 rules at
 * type and code; protocol -1 and every other protocol ignore both (ref 4.2, 5.2, 8.15).
 * `icmpv6AppliesTypes` lets the NACL evaluator say that protocol 58 with an IPv4 CIDR matches all types.
 */
export function matchPortPart(
  ruleProtocol: number,
  ports: PortRange | null,
  icmp: IcmpMatch | null,
  packet: Packet,
  icmpv6AppliesTypes = true,
): Tri {
  if (ruleProtocol === TCP || ruleProtocol === UDP) return matchPorts(ports, packet);
  if (ruleProtocol === ICMP) return matchIcmp(icmp, packet);
  if (ruleProtocol === ICMPV6) return icmpv6AppliesTypes ? matchIcmp(icmp, packet) : 'yes';
  return 'yes';
}
