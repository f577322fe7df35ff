/**
 * Protocol names and numbers (ref 8.14): flow logs carry numbers, NACLs numeric strings,
 * security groups names or numeric strings, Reachability Analyzer names. One internal form: the IANA
 * number, -1 for "all".
 */
export const ALL_PROTOCOLS = -1;
export const ICMP = 1;
export const TCP = 6;
export const UDP = 17;
export const ICMPV6 = 58;

const BY_NAME: Record<string, number> = {
  all: -1,
  '-1': -1,
  icmp: 1,
  tcp: 6,
  udp: 17,
  icmpv6: 58,
  'icmp-v6': 58,
  ipv6icmp: 58,
  'ipv6-icmp': 58,
  igmp: 2,
  gre: 47,
  esp: 50,
  ah: 51,
  sctp: 132,
};

const NAMES: Record<number, string> = { [-1]: 'all', 1: 'icmp', 6: 'tcp', 17: 'udp', 58: 'icmpv6', 2: 'igmp', 47: 'gre', 50: 'esp', 51: 'ah', 132: 'sctp' };

/** Parses a protocol as AWS APIs and users write it. Returns null when it is neither a name nor 0-255/-1. */
export function parseProtocol(text: string): number | null {
  const t = text.trim().toLowerCase();
  const named = BY_NAME[t];
  if (named !== undefined) return named;
  if (!/^\d{1,3}$/.test(t)) return null;
  const n = Number(t);
  return n <= 255 ? n : null;
}

export function protocolName(protocol: number): string {
  return NAMES[protocol] ?? `protocol ${protocol}`;
}

/** Protocols whose rules carry a port range (tcp, udp). */
export function hasPorts(protocol: number): boolean {
  return protocol === TCP || protocol === UDP;
}

export function isIcmp(protocol: number): boolean {
  return protocol === ICMP || protocol === ICMPV6;
}
