/**
 * Values inside security-group rules and NACL entries: protocol, port range, ICMP type/code, CIDRs.
 * Odd values are never errors and never dropped (ARCHITECTURE "never drop input silently"): they stay in the
 * model — an unreadable protocol or CIDR as null, which never matches — and a warning says what was odd.
 */
import type { Cidr, IcmpMatch, Ip, PortRange } from '../../model/address.js';
import { parseCidr, parseIp } from '../../net/ip.js';
import { ICMP, ICMPV6, TCP, UDP, parseProtocol, protocolName } from '../../net/protocol.js';
import { type DecodeContext, type JsonObject, describeValue, getField, joinPath } from './common.js';

/**
 * Reads a protocol field (SG `IpProtocol`, NACL `Protocol`): a name or a number, as a string (AWS CLI) or a
 * number (hand-written JSON). Missing or non-scalar is an error; unreadable text is a warning and null.
 */
export function readProtocol(ctx: DecodeContext, obj: JsonObject, key: string, path: string): number | null | undefined {
  const v = getField(obj, key);
  const p = joinPath(path, key);
  if (v === undefined) {
    ctx.error(p, 'expected a protocol (a name such as "tcp" or a number such as "6"), but the field is missing');
    return undefined;
  }
  if (typeof v !== 'string' && !(typeof v === 'number' && Number.isInteger(v))) {
    ctx.error(p, `expected a protocol (a name such as "tcp" or a number such as "6"), got ${describeValue(v)}`);
    return undefined;
  }
  const protocol = parseProtocol(String(v));
  if (protocol === null) {
    ctx.warn(p, `unrecognised protocol ${describeValue(v)}; the rule is kept but never matches`);
  }
  return protocol;
}

export interface PortsAndIcmp {
  readonly ports: PortRange | null;
  readonly icmp: IcmpMatch | null;
}

function inRange(n: number, lo: number, hi: number): boolean {
  return n >= lo && n <= hi;
}

/**
 * Turns a rule's two numbers into the model's port range or ICMP match, by protocol (ref 4.2, 5.2):
 * - tcp/udp: an inclusive range; both absent → all ports (null). As in Batfish, -1 (or an absent bound)
 *   opens that end of the range: -1..50 is 0..50, and -1..-1 is all ports.
 * - icmp/icmpv6: `first` is the type and `second` the code, -1 = any; both any → null (all ICMP).
 * - any other protocol (or -1, or unreadable): ports and ICMP do not apply → both null.
 * Values outside what AWS allows are kept as given, with a warning.
 */
export function readPortsAndIcmp(
  ctx: DecodeContext,
  protocol: number | null,
  first: number | undefined,
  second: number | undefined,
  path: string,
  names: { readonly first: string; readonly second: string },
): PortsAndIcmp {
  if (protocol === TCP || protocol === UDP) {
    if (first === undefined && second === undefined) return { ports: null, icmp: null };
    if ((first === undefined || first === -1) && (second === undefined || second === -1)) {
      return { ports: null, icmp: null };
    }
    const from = first === undefined || first === -1 ? 0 : first;
    const to = second === undefined || second === -1 ? 65535 : second;
    if (first === undefined || first === -1 || second === undefined || second === -1) {
      ctx.warn(
        path,
        `${protocolName(protocol)} port range ${names.first}=${first ?? 'absent'} ${names.second}=${second ?? 'absent'} has one open end; read as ${from}-${to}`,
      );
    }
    if (!inRange(from, 0, 65535) || !inRange(to, 0, 65535)) {
      ctx.warn(path, `port range ${from}-${to} is outside 0-65535; kept as given`);
    } else if (from > to) {
      ctx.warn(path, `port range ${from}-${to} is empty (${names.first} > ${names.second}); the rule never matches`);
    }
    return { ports: { from, to }, icmp: null };
  }
  if (protocol === ICMP || protocol === ICMPV6) {
    const type = first ?? -1;
    const code = second ?? -1;
    if (type === -1 && code === -1) return { ports: null, icmp: null };
    if (type === -1) {
      ctx.warn(path, `ICMP code ${code} given with any type (-1); AWS requires a type when a code is given`);
    }
    if (!inRange(type, -1, 255) || !inRange(code, -1, 255)) {
      ctx.warn(path, `ICMP type ${type} / code ${code} is outside -1..255; kept as given`);
    }
    return { ports: null, icmp: { type, code } };
  }
  const given = [first, second].filter((n) => n !== undefined && n !== -1);
  if (given.length > 0 && protocol !== null) {
    ctx.warn(
      path,
      `${names.first}/${names.second} (${first ?? 'absent'}/${second ?? 'absent'}) do not apply to ${protocolName(protocol)} and are ignored: the rule covers all ports`,
    );
  }
  return { ports: null, icmp: null };
}

/** A CIDR text → Cidr, or null with a warning naming the path. Host bits are cleared (AWS canonical form). */
export function readCidr(ctx: DecodeContext, text: string, path: string, consequence: string): Cidr | null {
  const cidr = parseCidr(text.trim());
  if (cidr === null) ctx.warn(path, `unreadable CIDR ${describeValue(text)}; ${consequence}`);
  return cidr;
}

/** An address text → Ip, or null with a warning. */
export function readIp(ctx: DecodeContext, text: string, path: string, consequence: string): Ip | null {
  const ip = parseIp(text.trim());
  if (ip === null) ctx.warn(path, `unreadable IP address ${describeValue(text)}; ${consequence}`);
  return ip;
}
