/**
 * Properties of src/net/ip.ts against ipaddr.js and an independent RFC 5952 formatter.
 *
 * Seeds are fixed (test/arbitraries/fc-params.ts). A failure prints `seed` and `path`; replay it with
 *   FC_SEED=<seed> FC_PATH=<path> npx vitest run test/properties/ip.test.ts
 * and explore new cases with FC_SEED=random (FC_RUNS_FACTOR=10 for more runs).
 */
import fc from 'fast-check';
import ipaddr from 'ipaddr.js';
import { describe, expect, it } from 'vitest';
import type { Ip } from '../../src/model/address.js';
import { cidrContains, cidrCovers, formatIp, parseCidr, parseIp } from '../../src/net/ip.js';
import { expectCoverage, fcParams } from '../arbitraries/fc-params.js';
import { addressAndCidrArb, anyIpArb, cidrArb, prefixArb, v4Text } from '../arbitraries/ip.js';
import { ipOf } from '../arbitraries/universe.js';
import { rfc5952 } from './oracles.js';

/** ipaddr.js's answer, with its kind-mismatch exception turned into "no" (families never mix, ref 8.13). */
function ipaddrContains(addrText: string, cidrText: string): boolean {
  const addr = ipaddr.parse(addrText);
  const range = ipaddr.parseCIDR(cidrText);
  if (addr.kind() !== range[0].kind()) return false;
  return addr.match(range);
}

function modelIp(family: 4 | 6, value: bigint): Ip {
  return family === 4 ? { family: 4, value: Number(value) } : { family: 6, value };
}

function canonicalText(ip: Ip): string {
  return ip.family === 4 ? v4Text(BigInt(ip.value)) : rfc5952(ip.value);
}

describe('src/net/ip.ts properties', () => {
  it('cidrContains agrees with ipaddr.js on random IPv4/IPv6 addresses and CIDRs, incl. /0, /32, /128, host bits set and mixed families (ref 4.2, 8.13)', () => {
    const seen = { inside: 0, outside: 0, mixed: 0, zero: 0, full: 0 };
    fc.assert(
      fc.property(addressAndCidrArb(), ({ address, cidr }) => {
        const ip = parseIp(address.text);
        const block = parseCidr(cidr.text);
        expect(ip).not.toBeNull();
        expect(block).not.toBeNull();
        const expected = ipaddrContains(address.text, cidr.text);
        expect(cidrContains(block!, ip!)).toBe(expected);
        seen[expected ? 'inside' : 'outside']++;
        if (address.family !== cidr.family) seen.mixed++;
        if (cidr.prefix === 0) seen.zero++;
        if (cidr.prefix === (cidr.family === 4 ? 32 : 128)) seen.full++;
      }),
      fcParams(4000),
    );
    // The generator must exercise both outcomes and the edge prefixes, or the property says little.
    expectCoverage(seen, 40);
  });

  it('parseIp reads every notation as ipaddr.js does, and formatIp(parseIp(x)) is the canonical text that parses back (RFC 5952)', () => {
    const textArb = fc.oneof(
      anyIpArb().map((a) => a.text),
      fc.ipV4(),
      fc.ipV6(),
    );
    fc.assert(
      fc.property(textArb, (text) => {
        const ip = parseIp(text);
        expect(ip).toEqual(ipOf(text));
        const formatted = formatIp(ip!);
        expect(formatted).toBe(canonicalText(ip!));
        expect(parseIp(formatted)).toEqual(ip);
      }),
      fcParams(3000),
    );
  });

  it('parseIp takes an IPv4 address only as the canonical dotted quad: formatIp gives back the very text (explain writes it as read)', () => {
    const octet = fc.oneof(fc.integer({ min: 0, max: 255 }).map(String), fc.integer({ min: 0, max: 99 }).map((n) => `0${n}`), fc.constantFrom('256', '00', '1e1', ''));
    fc.assert(
      fc.property(fc.array(octet, { minLength: 3, maxLength: 5 }), (parts) => {
        const text = parts.join('.');
        const ip = parseIp(text);
        // Both ways: every canonical quad parses (so the property cannot hold by parsing nothing).
        const canonical = parts.length === 4 && parts.every((p) => /^(0|[1-9]\d{0,2})$/.test(p) && Number(p) <= 255);
        expect(ip !== null && ip.family === 4).toBe(canonical);
        if (ip !== null && ip.family === 4) expect(formatIp(ip)).toBe(text);
      }),
      fcParams(3000),
    );
    expect(parseIp('010.0.0.1')).toBeNull();
  });

  it('parseCidr clears host bits as AWS canonicalises them (100.68.0.18/18 is 100.68.0.0/18) and its text round-trips through formatIp (ref 4.2, 5.1)', () => {
    expect(parseCidr('100.68.0.18/18')?.text).toBe('100.68.0.0/18');
    fc.assert(
      fc.property(cidrArb(), (c) => {
        const parsed = parseCidr(c.text);
        expect(parsed).not.toBeNull();
        const net = c.family === 4 ? ipaddr.IPv4.networkAddressFromCIDR(c.text) : ipaddr.IPv6.networkAddressFromCIDR(c.text);
        const network = ipOf(net.toString());
        expect({ family: parsed!.family, network: parsed!.network, prefix: parsed!.prefix }).toEqual({
          family: c.family,
          network: network.value,
          prefix: c.prefix,
        });
        expect(parsed!.text).toBe(`${formatIp(network)}/${c.prefix}`);
        expect(parseCidr(parsed!.text)).toEqual(parsed);
        // The written address (host bits and all) lies inside the canonical block.
        expect(cidrContains(parsed!, modelIp(c.family, c.base))).toBe(true);
      }),
      fcParams(3000),
    );
  });

  it('parseCidr accepts exactly the prefixes ipaddr.js accepts (0-32 for IPv4, 0-128 for IPv6)', () => {
    fc.assert(
      fc.property(anyIpArb(), fc.integer({ min: 0, max: 140 }), (a, p) => {
        const text = `${a.text}/${p}`;
        expect(parseCidr(text) !== null).toBe(ipaddr.isValidCIDR(text));
      }),
      fcParams(2000),
    );
  });

  it('cidrCovers(outer, inner) holds iff the first and last address of inner lie in outer, per ipaddr.js (ref 8.13)', () => {
    const innerArb = fc.tuple(addressAndCidrArb(), prefixArb(32), prefixArb(128));
    fc.assert(
      fc.property(innerArb, ([{ address, cidr }, p4, p6]) => {
        const innerText = `${address.text}/${address.family === 4 ? p4 : p6}`;
        const outer = parseCidr(cidr.text)!;
        const inner = parseCidr(innerText)!;
        const first = address.family === 4 ? ipaddr.IPv4.networkAddressFromCIDR(innerText) : ipaddr.IPv6.networkAddressFromCIDR(innerText);
        const last = address.family === 4 ? ipaddr.IPv4.broadcastAddressFromCIDR(innerText) : ipaddr.IPv6.broadcastAddressFromCIDR(innerText);
        const expected = ipaddrContains(first.toString(), cidr.text) && ipaddrContains(last.toString(), cidr.text);
        expect(cidrCovers(outer, inner)).toBe(expected);
      }),
      fcParams(3000),
    );
  });
});
