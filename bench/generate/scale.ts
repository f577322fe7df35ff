/**
 * A larger snapshot from the generated one, for `npm run bench:audit`: the security groups and the
 * interfaces that have groups are copied `copies - 1` more times. Copy k of a group gets its own id, and
 * its rules' references to generated groups point at copy k of those groups, so each copy is a tenant of
 * its own with the same shape; copy k of an interface sits in the same subnet, on free addresses of it
 * (private IPv4, IPv6 from the subnet's /64), with copy k of its groups and, when the original has one, a
 * public address of its own (from 198.18.0.0/15, public for the engine). VPCs, subnets, NACLs, route
 * tables and gateways are shared. Not a test: deterministic, no randomness.
 */
import { readFileSync, writeFileSync, mkdirSync, copyFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';

type Json = Record<string, unknown>;

/** Copy k of a generated id: `f` (the generator's ids never start with it), the copy number, a hash. */
function hexId(prefix: string, original: string, k: number): string {
  const suffix = original.slice(prefix.length);
  return `${prefix}f${k.toString(16).padStart(2, '0')}${suffix.slice(0, Math.max(suffix.length - 3, 14))}`;
}

function ip4ToInt(ip: string): number {
  return ip.split('.').reduce((n, o) => n * 256 + Number(o), 0);
}
function intToIp4(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
}

export interface ScaleStats {
  readonly enis: number;
  readonly securityGroups: number;
  readonly skipped: number;
}

/** Writes `outDir` (a snapshot directory) from `inDir` with `copies` copies of the groups and grouped ENIs. */
export function scaleSnapshot(inDir: string, outDir: string, copies: number): ScaleStats {
  mkdirSync(outDir, { recursive: true });
  for (const f of readdirSync(inDir)) if (f.endsWith('.json')) copyFileSync(path.join(inDir, f), path.join(outDir, f));
  const read = (f: string) => JSON.parse(readFileSync(path.join(inDir, f), 'utf8')) as Json;

  const sgDoc = read('security-groups.json');
  const groups = sgDoc.SecurityGroups as Json[];
  const groupIds = new Set(groups.map((g) => g.GroupId as string));
  const copyGroup = (g: Json, k: number): Json => {
    const c = structuredClone(g);
    c.GroupId = hexId('sg-', g.GroupId as string, k);
    if (g.GroupName !== 'default') c.GroupName = `${g.GroupName as string}-${k}`;
    else return c; // one default group per VPC: the copies share it
    for (const key of ['IpPermissions', 'IpPermissionsEgress']) {
      for (const perm of (c[key] as Json[] | undefined) ?? []) {
        for (const pair of (perm.UserIdGroupPairs as Json[] | undefined) ?? []) {
          if (groupIds.has(pair.GroupId as string)) pair.GroupId = hexId('sg-', pair.GroupId as string, k);
        }
      }
    }
    return c;
  };
  const outGroups = [...groups];
  for (let k = 1; k < copies; k++) for (const g of groups) if (g.GroupName !== 'default') outGroups.push(copyGroup(g, k));
  writeFileSync(path.join(outDir, 'security-groups.json'), JSON.stringify({ SecurityGroups: outGroups }));

  const subnets = (read('subnets.json').Subnets as Json[]).map((s) => {
    const [base, bits] = (s.CidrBlock as string).split('/');
    const lo = ip4ToInt(base!);
    return { id: s.SubnetId as string, lo, hi: lo + 2 ** (32 - Number(bits)) - 1 };
  });
  const enis = read('network-interfaces.json').NetworkInterfaces as Json[];
  const used = new Map<string, Set<number>>();
  for (const e of enis) {
    const set = used.get(e.SubnetId as string) ?? new Set<number>();
    for (const p of (e.PrivateIpAddresses as Json[] | undefined) ?? []) set.add(ip4ToInt(p.PrivateIpAddress as string));
    used.set(e.SubnetId as string, set);
  }
  const freeAddress = (subnetId: string): number | null => {
    const s = subnets.find((x) => x.id === subnetId);
    if (!s) return null;
    const set = used.get(subnetId) ?? new Set<number>();
    used.set(subnetId, set);
    // AWS reserves the first four addresses and the last (ref 2.1).
    for (let a = s.lo + 4; a < s.hi; a++) if (!set.has(a)) return (set.add(a), a);
    return null;
  };
  let publicNext = ip4ToInt('198.18.0.1');
  let skipped = 0;
  const outEnis = [...enis];
  for (let k = 1; k < copies; k++) {
    for (const e of enis) {
      const gs = (e.Groups as Json[] | undefined) ?? [];
      if (gs.length === 0) continue;
      const c = structuredClone(e);
      c.NetworkInterfaceId = hexId('eni-', e.NetworkInterfaceId as string, k);
      c.Groups = gs.map((g) => ({ ...g, GroupId: groupIds.has(g.GroupId as string) && !isDefault(groups, g.GroupId as string) ? hexId('sg-', g.GroupId as string, k) : g.GroupId }));
      delete c.Attachment;
      let ok = true;
      // The primary address only: secondaries (EKS nodes) would fill the /24 subnets.
      const primary = ((c.PrivateIpAddresses as Json[] | undefined) ?? []).filter((p) => p.Primary);
      const privates = primary.map((p) => {
        const a = freeAddress(e.SubnetId as string);
        if (a === null) ok = false;
        const q: Json = { ...p, PrivateIpAddress: intToIp4(a ?? 0) };
        delete q.PrivateDnsName;
        if (p.Association) q.Association = { IpOwnerId: 'amazon', PublicIp: intToIp4(publicNext++) };
        return q;
      });
      if (!ok) {
        skipped++;
        continue;
      }
      c.PrivateIpAddresses = privates;
      c.PrivateIpAddress = privates.find((p) => p.Primary)?.PrivateIpAddress ?? privates[0]?.PrivateIpAddress;
      delete c.PrivateDnsName;
      const primaryAssoc = privates.find((p) => p.Primary)?.Association;
      if (primaryAssoc) c.Association = primaryAssoc;
      else delete c.Association;
      c.Ipv6Addresses = ((e.Ipv6Addresses as Json[] | undefined) ?? []).map((a) => ({ ...a, Ipv6Address: shiftIpv6(a.Ipv6Address as string, k) }));
      outEnis.push(c);
    }
  }
  writeFileSync(path.join(outDir, 'network-interfaces.json'), JSON.stringify({ NetworkInterfaces: outEnis }));
  return { enis: outEnis.length, securityGroups: outGroups.length, skipped };
}

function isDefault(groups: readonly Json[], id: string): boolean {
  return groups.some((g) => g.GroupId === id && g.GroupName === 'default');
}

/** Copy k of an IPv6 address: the 7th hextet carries the copy number (the generator leaves it 0). */
function shiftIpv6(addr: string, k: number): string {
  const full = expandIpv6(addr);
  full[6] = (k + 0x100).toString(16);
  return full.join(':');
}

function expandIpv6(addr: string): string[] {
  const [head, tail] = addr.split('::') as [string, string | undefined];
  const h = head ? head.split(':') : [];
  const t = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const fill = tail === undefined ? [] : Array<string>(8 - h.length - t.length).fill('0');
  return [...h, ...fill, ...t];
}
