/**
 * Addresses and CIDRs for the parser / containment properties: values biased toward the edges (0, all
 * ones, the sign bit of a 32-bit int, the universe, IPv4-mapped IPv6), texts in several notations, and
 * (address, CIDR) pairs that agree on a random number of leading bits so both outcomes of a containment
 * test are frequent. Prefixes are biased to /0 and the full length; CIDR texts keep their host bits.
 */
import fc from 'fast-check';
import ipaddr from 'ipaddr.js';
import type { Cidr } from '../../src/model/address.js';
import { V4_ADDRESSES, V6_ADDRESSES, cidrOf, ipOf } from './universe.js';

const MAX4 = 0xffffffffn;
const MAX6 = (1n << 128n) - 1n;

const universe4 = V4_ADDRESSES.map((t) => BigInt(ipOf(t).value));
const universe6 = V6_ADDRESSES.map((t) => ipOf(t).value as bigint);

export function ipv4ValueArb(): fc.Arbitrary<bigint> {
  return fc.oneof(
    fc.bigInt({ min: 0n, max: MAX4 }),
    fc.constantFrom(0n, MAX4, 0x80000000n, 0x7fffffffn, 0x0a000000n),
    fc.constantFrom(...universe4),
  );
}

export function ipv6ValueArb(): fc.Arbitrary<bigint> {
  return fc.oneof(
    fc.bigInt({ min: 0n, max: MAX6 }),
    fc.constantFrom(0n, MAX6, 1n, 1n << 127n, (1n << 64n) - 1n),
    fc.constantFrom(...universe6),
    fc.bigInt({ min: 0n, max: MAX4 }).map((v) => (0xffffn << 32n) | v), // IPv4-mapped
    fc.bigInt({ min: 0n, max: 0xffffn }), // ::x
  );
}

export function v4Text(v: bigint): string {
  return [24n, 16n, 8n, 0n].map((s) => ((v >> s) & 255n).toString()).join('.');
}

function groups6(v: bigint): number[] {
  const g: number[] = [];
  for (let i = 7; i >= 0; i--) g.push(Number((v >> BigInt(16 * i)) & 0xffffn));
  return g;
}

export type V6Notation = 'full' | 'padded' | 'compressed' | 'upper' | 'embedded-v4';

/** An IPv6 text in one of several notations RFC 4291 allows. */
export function v6Text(v: bigint, notation: V6Notation): string {
  const g = groups6(v);
  switch (notation) {
    case 'full':
      return g.map((x) => x.toString(16)).join(':');
    case 'padded':
      return g.map((x) => x.toString(16).padStart(4, '0')).join(':');
    case 'compressed':
      return ipaddr.fromByteArray(g.flatMap((x) => [x >> 8, x & 255])).toString();
    case 'upper':
      return g.map((x) => x.toString(16).toUpperCase()).join(':');
    case 'embedded-v4':
      return `${g.slice(0, 6).map((x) => x.toString(16)).join(':')}:${v4Text(v & MAX4)}`;
  }
}

export const v6NotationArb: fc.Arbitrary<V6Notation> = fc.constantFrom('full', 'padded', 'compressed', 'upper', 'embedded-v4');

export interface AddressSample {
  readonly family: 4 | 6;
  readonly value: bigint;
  readonly text: string;
}

export function ipv4Arb(): fc.Arbitrary<AddressSample> {
  return ipv4ValueArb().map((value) => ({ family: 4 as const, value, text: v4Text(value) }));
}

export function ipv6Arb(): fc.Arbitrary<AddressSample> {
  return fc.tuple(ipv6ValueArb(), v6NotationArb).map(([value, n]) => ({ family: 6 as const, value, text: v6Text(value, n) }));
}

export function anyIpArb(): fc.Arbitrary<AddressSample> {
  return fc.oneof(ipv4Arb(), ipv6Arb());
}

export function prefixArb(width: 32 | 128): fc.Arbitrary<number> {
  return fc.oneof(fc.constantFrom(0, width, width - 1, 1), fc.integer({ min: 0, max: width }));
}

export interface CidrSample {
  readonly family: 4 | 6;
  /** The address part as written, host bits possibly set (AWS canonicalises them away, ref 4.2). */
  readonly base: bigint;
  readonly prefix: number;
  readonly text: string;
}

function cidrOfFamily(family: 4 | 6, base: bigint, prefix: number, notation: V6Notation): CidrSample {
  return { family, base, prefix, text: `${family === 4 ? v4Text(base) : v6Text(base, notation)}/${prefix}` };
}

export function cidrArb(family?: 4 | 6): fc.Arbitrary<CidrSample> {
  const v4 = fc.tuple(ipv4ValueArb(), prefixArb(32)).map(([b, p]) => cidrOfFamily(4, b, p, 'full'));
  const v6 = fc.tuple(ipv6ValueArb(), prefixArb(128), v6NotationArb).map(([b, p, n]) => cidrOfFamily(6, b, p, n));
  return family === 4 ? v4 : family === 6 ? v6 : fc.oneof(v4, v6);
}

/**
 * A CIDR and an address that shares its leading bits with the CIDR's base up to a random position, so the
 * address is inside about half the time; one pair in five mixes the families (never inside, ref 8.13).
 */
export function addressAndCidrArb(): fc.Arbitrary<{ address: AddressSample; cidr: CidrSample }> {
  const sameFamily = (family: 4 | 6) => {
    const width = family === 4 ? 32 : 128;
    const max = family === 4 ? MAX4 : MAX6;
    return fc
      .tuple(cidrArb(family), fc.integer({ min: 0, max: width }), fc.bigInt({ min: 0n, max: max }), v6NotationArb)
      .map(([cidr, keepLow, noise, notation]) => {
        // Flip only bits below position `keepLow`: inside iff keepLow <= width - prefix or noise spares the prefix bits.
        const lowMask = (1n << BigInt(keepLow)) - 1n;
        const value = cidr.base ^ (noise & lowMask);
        const address: AddressSample = { family, value, text: family === 4 ? v4Text(value) : v6Text(value, notation) };
        return { address, cidr };
      });
  };
  const mixed = fc.tuple(anyIpArb(), cidrArb()).filter(([a, c]) => a.family !== c.family).map(([address, cidr]) => ({ address, cidr }));
  return fc.oneof({ arbitrary: sameFamily(4), weight: 2 }, { arbitrary: sameFamily(6), weight: 2 }, { arbitrary: mixed, weight: 1 });
}

// ---------------------------------------------------------------------------------------------------
// Rule CIDRs biased toward the universe

/**
 * A rule CIDR around the universe: a universe address with a prefix that splits the /28 (or /124), holds
 * all of it, or is /0. Host bits are cleared as AWS stores it (ref 4.2, 5.1).
 */
export function universeCidrArb(family?: 4 | 6): fc.Arbitrary<Cidr> {
  const v4 = fc
    .tuple(fc.constantFrom(...V4_ADDRESSES), fc.oneof(fc.constantFrom(0, 8, 16, 24), fc.integer({ min: 25, max: 32 })))
    .map(([a, p]) => cidrOf(`${a}/${p}`));
  const v6 = fc
    .tuple(fc.constantFrom(...V6_ADDRESSES), fc.oneof(fc.constantFrom(0, 32, 64, 96), fc.integer({ min: 120, max: 128 })))
    .map(([a, p]) => cidrOf(`${a}/${p}`));
  return family === 4 ? v4 : family === 6 ? v6 : fc.oneof(v4, v6);
}

/** Like universeCidrArb, but half of the time a block that holds much of the universe (/0, the /28, its halves). */
export function broadUniverseCidrArb(): fc.Arbitrary<Cidr> {
  const broad = ['0.0.0.0/0', '10.0.0.0/28', '10.0.0.0/29', '10.0.0.8/29', '::/0', '2001:db8::/124', '2001:db8::/125', '2001:db8::8/125'].map(cidrOf);
  return fc.oneof(fc.constantFrom(...broad), universeCidrArb());
}
