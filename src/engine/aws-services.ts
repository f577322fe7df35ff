/**
 * Traffic that security groups and network ACLs never filter (ref 3; AWS "Infrastructure security in
 * Amazon VPC" and "Control subnet traffic with network ACLs"): the Amazon DNS server (the VPC's base + 2,
 * 169.254.169.253, fd00:ec2::253), instance metadata (169.254.169.254, fd00:ec2::254), the Amazon Time
 * Sync Service (169.254.169.123, fd00:ec2::123), Windows licence activation (169.254.169.250 and .251),
 * the ECS task metadata endpoint (169.254.170.2), DHCP (the limited broadcast) and the reserved addresses
 * of the VPC router (each subnet's base + 1). 169.254.0.0/16 and fd00:ec2::/32 are link-local service
 * ranges: never internet hosts, and never routed out of the host's subnet.
 */
import type { Cidr, Ip } from '../model/address.js';
import type { Vpc } from '../model/snapshot.js';
import { cidrContains, hostCidr, parseCidr, parseIp } from '../net/ip.js';
import type { SnapshotIndex } from './snapshot-index.js';

const FIXED: ReadonlyArray<readonly [string, string]> = [
  ['169.254.169.253', 'the Amazon DNS server (Route 53 Resolver)'],
  ['fd00:ec2::253', 'the Amazon DNS server (Route 53 Resolver)'],
  ['169.254.169.254', 'the instance metadata service (IMDS)'],
  ['fd00:ec2::254', 'the instance metadata service (IMDS)'],
  ['169.254.169.123', 'the Amazon Time Sync Service'],
  ['fd00:ec2::123', 'the Amazon Time Sync Service'],
  ['169.254.169.250', 'Amazon Windows licence activation'],
  ['169.254.169.251', 'Amazon Windows licence activation'],
  ['169.254.170.2', 'the ECS task metadata endpoint'],
  ['255.255.255.255', 'DHCP (the limited broadcast)'],
];

const FIXED_IPS: readonly Ip[] = FIXED.map(([a]) => parseIp(a)!);
const fixed = new Map<number | bigint, string>(FIXED.map(([, name], i) => [FIXED_IPS[i]!.value, name]));

/** The link-local service ranges: 169.254.0.0/16 and fd00:ec2::/32. */
export const LINK_LOCAL_SERVICE_RANGES: readonly Cidr[] = [parseCidr('169.254.0.0/16')!, parseCidr('fd00:ec2::/32')!];

export function isLinkLocalService(ip: Ip): boolean {
  return LINK_LOCAL_SERVICE_RANGES.some((c) => cidrContains(c, ip));
}

/** The VPC's primary IPv4 CIDR base + 2: its Amazon DNS server. */
function resolverOf(vpc: Vpc): number | null {
  const c = vpc.cidrs4[0];
  return c?.family === 4 ? c.network + 2 : null;
}

/**
 * The AWS service at `ip` for interfaces of `vpcId`, or null. The VPC-relative addresses (DNS at the
 * base + 2, the router at each subnet's base + 1) are services for interfaces of that VPC only.
 */
export function awsServiceAt(index: SnapshotIndex, vpcId: string, ip: Ip): string | null {
  // IPv4 values are numbers and IPv6 values bigints: the families never collide as keys.
  const f = fixed.get(ip.value);
  if (f !== undefined) return f;
  if (ip.family !== 4) return null;
  const vpc = index.vpcById.get(vpcId);
  if (vpc && resolverOf(vpc) === ip.value) return `the Amazon DNS server of ${vpc.id} (its base address + 2)`;
  for (const s of index.snapshot.subnets) {
    if (s.vpcId === vpcId && s.cidr4?.family === 4 && s.cidr4.network + 1 === ip.value) return `the VPC router's reserved address in ${s.id}`;
  }
  return null;
}

/** Every address `awsServiceAt` names for interfaces of `vpcId`, as /32 and /128 blocks (for the explainer's classes). */
export function awsServiceBlocks(index: SnapshotIndex, vpcId: string): Cidr[] {
  const out: Cidr[] = FIXED_IPS.map(hostCidr);
  const vpc = index.vpcById.get(vpcId);
  const r = vpc ? resolverOf(vpc) : null;
  if (r !== null) out.push(hostCidr({ family: 4, value: r }));
  for (const s of index.snapshot.subnets) if (s.vpcId === vpcId && s.cidr4?.family === 4) out.push(hostCidr({ family: 4, value: s.cidr4.network + 1 }));
  return out;
}
