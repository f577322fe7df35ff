/**
 * Prefix lists (ref 6.5). Two shapes arrive under the same top-level key `PrefixLists` (or
 * `ManagedPrefixLists`), told apart per element:
 * - DescribeManagedPrefixLists: {PrefixListId, PrefixListName, AddressFamily, OwnerId, Tags, ...}, optionally
 *   with an `Entries` array [{Cidr, Description}] — the GetManagedPrefixListEntries output attached to its list;
 * - DescribePrefixLists (AWS-service lists used by gateway endpoints): {PrefixListId, PrefixListName, Cidrs: [...]}.
 * A list without entries keeps `entries: null`: it never matches, and references to it are warned about.
 */
import type { Cidr } from '../../model/address.js';
import type { PrefixList } from '../../model/snapshot.js';
import {
  type DecodeContext,
  compact,
  describeValue,
  getField,
  joinPath,
  nameTag,
  objectElements,
  objectField,
  optionalString,
  requireString,
  stringElements,
  toDecoder,
} from './common.js';
import { readCidr } from './rule-values.js';

const LEFT_OUT = 'the entry is left out of the list';

export function readPrefixLists(ctx: DecodeContext, value: unknown, path: string): PrefixList[] {
  const out: PrefixList[] = [];
  for (const [pl, p] of objectElements(ctx, value, path, 'a prefix list')) {
    const id = requireString(ctx, pl, 'PrefixListId', p);
    const prefixListName = optionalString(ctx, pl, 'PrefixListName', p);
    const ownerId = optionalString(ctx, pl, 'OwnerId', p);
    const familyText = optionalString(ctx, pl, 'AddressFamily', p);
    const name = nameTag(ctx, pl, p);

    let entries: Cidr[] | null = null;
    if (getField(pl, 'Cidrs') !== undefined) {
      entries = [];
      for (const [text, cp] of stringElements(ctx, pl, 'Cidrs', p)) {
        const cidr = readCidr(ctx, text, cp, LEFT_OUT);
        if (cidr !== null) entries.push(cidr);
      }
    }
    if (getField(pl, 'Entries') !== undefined) {
      entries ??= [];
      for (const [entry, ep] of objectField(ctx, pl, 'Entries', p, 'a prefix-list entry')) {
        const text = requireString(ctx, entry, 'Cidr', ep);
        optionalString(ctx, entry, 'Description', ep);
        const cidr = text === undefined ? null : readCidr(ctx, text, joinPath(ep, 'Cidr'), LEFT_OUT);
        if (cidr !== null && !entries.some((c) => c.text === cidr.text)) entries.push(cidr);
      }
    }

    let addressFamily: 'IPv4' | 'IPv6' | undefined;
    if (familyText !== undefined) {
      const upper = familyText.toLowerCase();
      if (upper === 'ipv4') addressFamily = 'IPv4';
      else if (upper === 'ipv6') addressFamily = 'IPv6';
      else ctx.warn(joinPath(p, 'AddressFamily'), `unknown address family ${describeValue(familyText)}; ignored`);
    } else if (entries !== null && entries.length > 0) {
      const families = new Set(entries.map((c) => c.family));
      if (families.size === 1) addressFamily = families.has(4) ? 'IPv4' : 'IPv6';
    }

    if (id === undefined) continue;
    out.push({
      id,
      ...compact({ prefixListName, addressFamily, ownerId, name }),
      entries,
      source: ctx.source(p),
    });
  }
  return out;
}

export const decodePrefixLists = toDecoder(readPrefixLists, 'PrefixLists');
