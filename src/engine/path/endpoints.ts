/** Resolving --from/--to to interfaces, addresses and outside hosts, and placing outside addresses (ref 3, 8.12). */
import type { Ip } from '../../model/address.js';
import type { Eni } from '../../model/snapshot.js';
import { cidrContains, formatIp, ipEquals, isPrivateIpv4 } from '../../net/ip.js';
import { evaluateRoute } from '../route.js';
import { type SnapshotIndex, vpcContaining } from '../snapshot-index.js';
import { awsServiceAt, isLinkLocalService } from '../aws-services.js';
import { vgwRouting } from './gateways.js';
import { privatePartner } from './legs.js';
import type { Endpoint } from './types.js';

/**
 * Where an outside address is, as seen from the interface it talks to at a private address: a public
 * address for whose range the interface's subnet has a route (not the default route) to a VPN, transit
 * gateway or Cloud WAN is an on-premises network using public addresses (reached privately), not an
 * internet host.
 */
export function placeExternal(index: SnapshotIndex, e: Endpoint, peer: Endpoint): Endpoint {
  if (e.kind !== 'external' || e.where !== 'internet' || peer.kind !== 'eni' || peer.via !== 'private' || peer.eni.subnetId === '') return e;
  const d = evaluateRoute(index, index.routeTableBySubnet.get(peer.eni.subnetId), e.ip);
  const t = d.outcome === 'forward' ? d.target : null;
  // A default route to a gateway says nothing about the address (the internet may lie behind it): only a
  // route for the address's own range does, or a static VPN route that covers it.
  if (!t || !(t.kind === 'vgw' || t.kind === 'tgw' || t.kind === 'core-network')) return e;
  const vpn = t.kind === 'vgw' ? vgwRouting(index, t.id, e.ip).kind : 'unknown';
  if (vpn === 'drops' || (vpn === 'unknown' && d.prefixLength <= 0)) return e;
  return { ...e, where: 'on-premises', routedTo: t.id };
}

/** The private side of an interface named by one of its public addresses. */
export function privateSideOf(e: Endpoint): Extract<Endpoint, { kind: 'eni' }> | null {
  if (e.kind !== 'eni' || e.via !== 'public' || e.noAddress) return null;
  const priv = privatePartner(e.eni, e.ip);
  return priv ? { kind: 'eni', eni: e.eni, ip: priv, via: 'private' } : null;
}

/** The public side of an interface named by a private IPv4 that has a public address of its own. */
export function publicSideOf(e: Endpoint): Extract<Endpoint, { kind: 'eni' }> | null {
  if (e.kind !== 'eni' || e.via !== 'private' || e.unassigned || e.ip.family !== 4) return null;
  const pub = e.eni.publicIps.find((p) => ipEquals(p.privateIp, e.ip));
  return pub ? { kind: 'eni', eni: e.eni, ip: pub.publicIp, via: 'public' } : null;
}

/** Resolves an `eni-...` id or an address to an endpoint. */
export function resolveEndpoint(
  index: SnapshotIndex,
  text: string,
  parse: (s: string) => Ip | null,
): { ok: true; endpoint: Endpoint } | { ok: false; message: string } {
  // An ENI id, or the Terraform address a planned interface or instance takes as its id.
  if (text.startsWith('eni-') || index.eniById.has(text)) {
    const eni = index.eniById.get(text);
    if (!eni) return { ok: false, message: `no network interface ${text} in the snapshot` };
    const ip = eni.primaryPrivateIp ?? eni.ipv6Addresses[0];
    if (!ip) return { ok: false, message: `${text} has no IP address in the snapshot` };
    return { ok: true, endpoint: { kind: 'eni', eni, ip, via: 'private' } };
  }
  const ip = parse(text);
  if (!ip) return { ok: false, message: `"${text}" is neither an ENI id (eni-...) nor an IPv4/IPv6 address` };
  // Link-local service ranges are never internet hosts (ref 3).
  if (isLinkLocalService(ip) || (ip.family === 4 && ip.value === 0xffffffff)) return { ok: true, endpoint: { kind: 'aws-service', ip } };
  const priv = index.eniByPrivateIp.get(ip.value);
  if (priv) return { ok: true, endpoint: { kind: 'eni', eni: priv, ip, via: 'private' } };
  const pub = index.eniByPublicIp.get(ip.value);
  if (pub) return { ok: true, endpoint: { kind: 'eni', eni: pub, ip, via: 'public' } };
  for (const eni of index.snapshot.enis) {
    const prefixes = ip.family === 4 ? eni.ipv4Prefixes : eni.ipv6Prefixes;
    if (prefixes.some((p) => cidrContains(p, ip))) return { ok: true, endpoint: { kind: 'eni', eni, ip, via: 'private' } };
  }
  const vpc = vpcContaining(index, ip);
  if (vpc && awsServiceAt(index, vpc.id, ip) !== null) return { ok: true, endpoint: { kind: 'aws-service', ip } };
  if (vpc) {
    // No interface has it: a stand-in without security groups, in the subnet that contains the address.
    const subnet = index.snapshot.subnets.find((s) => s.vpcId === vpc.id && (ip.family === 4 ? s.cidr4 !== null && cidrContains(s.cidr4, ip) : s.cidrs6.some((c) => cidrContains(c, ip))));
    return { ok: true, endpoint: { kind: 'eni', eni: standIn(vpc.id, subnet?.id ?? '', ip), ip, via: 'private', unassigned: true } };
  }
  const where = ip.family === 4 ? (isPrivateIpv4(ip) ? 'on-premises' : 'internet') : isUniqueLocal(ip) ? 'on-premises' : 'internet';
  return { ok: true, endpoint: { kind: 'external', ip, where } };
}


/** A network interface stand-in for an address no interface has. */
function standIn(vpcId: string, subnetId: string, ip: Ip): Eni {
  return {
    id: formatIp(ip),
    subnetId,
    vpcId,
    interfaceType: 'none',
    requesterManaged: false,
    sourceDestCheck: true,
    privateIps: ip.family === 4 ? [ip] : [],
    primaryPrivateIp: ip.family === 4 ? ip : null,
    ipv6Addresses: ip.family === 6 ? [ip] : [],
    ipv4Prefixes: [],
    ipv6Prefixes: [],
    publicIps: [],
    groupIds: [],
    source: { file: '', path: '' },
  };
}

function isUniqueLocal(ip: Ip): boolean {
  return ip.family === 6 && ip.value >> 121n === 0x7en; // fc00::/7
}
