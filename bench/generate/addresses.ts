/** Address helpers of the bench generator: IPv4/IPv6 text, public address pools. */
import type { Rng } from './rng.js';

// ---------------------------------------------------------------------------------------------------------
// Addresses

export function ip4(n: number): string {
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

export function ip4num(a: number, b: number, c: number, d: number): number {
  return ((a << 24) >>> 0) + (b << 16) + (c << 8) + d;
}

/** RFC 5952 text of 8 hextets (lower case, longest run of two or more zero hextets as `::`). */
export function ip6(h: readonly number[]): string {
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (h[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && h[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hx = (a: readonly number[]) => a.map((x) => x.toString(16)).join(':');
  if (bestLen < 2) return hx(h);
  return `${hx(h.slice(0, bestStart))}::${hx(h.slice(bestStart + bestLen))}`;
}

/** First octets of busy public IPv4 space (cloud providers, ISPs); never private, CGNAT or reserved. */
export const PUBLIC_FIRST_OCTETS = [
  3, 4, 5, 13, 18, 20, 23, 31, 34, 35, 37, 40, 44, 45, 46, 47, 49, 51, 52, 54, 58, 59, 61, 62, 64, 66, 68, 69, 71, 73, 76, 77, 78,
  79, 80, 81, 82, 83, 84, 85, 86, 87, 88, 89, 91, 92, 93, 94, 95, 101, 103, 104, 106, 107, 109, 111, 112, 113, 114, 115, 116, 117,
  118, 119, 120, 121, 122, 123, 124, 125, 138, 139, 141, 142, 144, 146, 147, 149, 151, 152, 154, 157, 159, 160, 161, 162, 163, 164,
  165, 167, 170, 171, 173, 175, 176, 177, 178, 179, 180, 181, 182, 183, 185, 186, 187, 188, 189, 190, 191, 193, 194, 195, 196, 197,
  200, 201, 202, 203, 204, 205, 206, 207, 208, 209, 210, 211, 212, 213, 217, 218, 219, 220, 221, 222, 223,
];

export function publicIp4(rng: Rng): number {
  return ip4num(rng.pick(PUBLIC_FIRST_OCTETS), rng.int(256), rng.int(256), rng.range(1, 254));
}

/** Global-unicast /32s of large IPv6 networks, to draw internet IPv6 clients from. */
export const PUBLIC_V6_PREFIXES: ReadonlyArray<readonly [number, number]> = [
  [0x2a01, 0x4f8],
  [0x2604, 0xa880],
  [0x2a03, 0x2880],
  [0x2001, 0x4860],
  [0x2a02, 0x8108],
  [0x2400, 0xcb00],
  [0x2600, 0x3c00],
  [0x2a0c, 0x9a40],
  [0x2405, 0x8100],
  [0x2804, 0x14c],
];

export function publicIp6(rng: Rng): string {
  const [a, b] = rng.pick(PUBLIC_V6_PREFIXES);
  return ip6([a, b, rng.int(0x10000), rng.int(0x10000), rng.int(0x10000), rng.int(0x10000), rng.int(0x10000), rng.range(1, 0xffff)]);
}
