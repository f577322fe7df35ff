/**
 * Addresses and CIDR blocks in a form the evaluators can compare cheaply.
 * IPv4 values are unsigned 32-bit integers held in a number; IPv6 values are 128-bit bigints.
 * Construction and parsing live in src/net/; this file only holds the shapes.
 */
export type Family = 4 | 6;

export type Ip =
  | { readonly family: 4; readonly value: number }
  | { readonly family: 6; readonly value: bigint };

export type Cidr =
  | { readonly family: 4; readonly network: number; readonly prefix: number; readonly text: string }
  | { readonly family: 6; readonly network: bigint; readonly prefix: number; readonly text: string };

/** Inclusive port range. */
export interface PortRange {
  readonly from: number;
  readonly to: number;
}

/** ICMP / ICMPv6 type and code; -1 means "any". */
export interface IcmpMatch {
  readonly type: number;
  readonly code: number;
}
