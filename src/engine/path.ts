/**
 * Hop-by-hop evaluation of a hypothetical flow (ref 8.2): the forward path (source SG outbound, source
 * subnet NACL outbound, route, destination NACL inbound, destination SG inbound) and the return path of
 * the response (SGs pass it as tracked, NACLs judge it again, ref 4.3 and 5.1). Traffic between ENIs of
 * one subnet skips NACLs and routing (ref 8.8). An address outside every VPC is an internet host when it
 * is public and an on-premises host when it is private; internet hosts reach an ENI only through its
 * public IPv4 or its IPv6 address, over an internet gateway (ref 8.12).
 */
import type { Ip } from '../model/address.js';
import type { Packet } from '../model/flow.js';
import type { Direction, Eni, NatGateway, Subnet, TransitGatewayAttachment, Vpc } from '../model/snapshot.js';
import { ICMP, ICMPV6, TCP, UDP, hasPorts, protocolName } from '../net/protocol.js';
import { cidrContains, formatIp, ipEquals, isPrivateIpv4 } from '../net/ip.js';
import { type NaclDecision, evaluateNacl } from './nacl.js';
import { type RouteDecision, evaluateRoute } from './route.js';
import { type SgDecision, evaluateSecurityGroups } from './security-group.js';
import { type SnapshotIndex, eniOwnsIp, vpcContaining } from './snapshot-index.js';
import { internetGatewayOf, listedDetached } from './internet-gateway.js';
import { hasSection } from './sections.js';
import { awsServiceAt, isLinkLocalService } from './aws-services.js';
import { autoTrackedPeer, untrackedAt } from './tracking.js';
import { associatedRouteTable, attachmentSubnet, tgwDescribed, tgwRoutes, vpcAttachment } from './transit-gateway.js';

export type PathLeg = 'forward' | 'return';

/** Why a route's target cannot carry the packet, and what would. */
interface RouteProblem {
  readonly problem: string;
  readonly fix?: string;
  /** The blockedBy reason; `no-route` when not given. */
  readonly reason?: RouteReason;
}
export type HopDecision = 'allow' | 'deny' | 'skip';

/**
 * Why a route hop denies (the stable `blockedBy.reason` codes, README "vpcwhy trace"):
 * - `no-route`: no route matches, or the route's target cannot carry the packet there;
 * - `blackhole`: the matching route's target is gone (State blackhole);
 * - `no-public-address`: the internet gateway has no public address to translate for this interface address;
 * - `gateway-drops`: the gateway the route leads to refuses the packet (a private NAT gateway's traffic at an
 *   internet gateway; a protocol other than TCP or ICMP echo at a gateway endpoint);
 * - `source-dest-check`: the route leads to a network interface that forwards nothing, its source/destination
 *   check being on (ref 7.3 ENI_SOURCE_DEST_CHECK_RESTRICTION);
 * - `no-attachment-in-az`: the route leads to a transit gateway whose VPC attachment has no subnet in the
 *   sender's Availability Zone, so the VPC does not hand it the packet (ref 7.3 TGW_ROUTE_AZ_RESTRICTION).
 * A transit gateway route table that has no route for the destination is `no-route` (its id is the
 * blockedBy id, `tgw-rtb-...`), one whose route is a blackhole is `blackhole`.
 */
export type RouteReason = 'no-route' | 'blackhole' | 'no-public-address' | 'gateway-drops' | 'source-dest-check' | 'no-attachment-in-az';

interface HopBase {
  readonly path: PathLeg;
  readonly decision: HopDecision;
  /** The packet as this hop sees it. */
  readonly packet: Packet;
}

export type Hop =
  | (HopBase & {
      readonly component: 'security-group';
      readonly eniId: string;
      readonly direction: Direction;
      /** null when the packet passed as the response of a tracked connection (not evaluated). */
      readonly sg: SgDecision | null;
      /** Set when no network interface has the address (`decision` is skip): its groups are unknown. */
      readonly unknownHost?: Ip;
      /**
       * A response of an untracked flow (ref 4.3): the request was allowed by a rule for all addresses and
       * the groups allow all traffic the other way, so the response is judged by that rule, not by tracking.
       */
      readonly untracked?: true;
    })
  | (HopBase & {
      readonly component: 'network-acl';
      readonly subnetId: string;
      readonly direction: Direction;
      readonly nacl: NaclDecision | null;
      /** Why the NACL was not evaluated. */
      readonly skipped?: 'same-subnet' | 'no-acl-in-snapshot';
      /**
       * Set when the destination port is one a NAT gateway picked (its remapped source port): the NACL is
       * judged for every port of this range, and `packet` shows the first port denied, if any.
       */
      readonly dstPortsJudged?: { readonly from: number; readonly to: number };
    })
  | (HopBase & {
      readonly component: 'route';
      readonly subnetId: string;
      readonly route: RouteDecision;
      /** Set on a deny: what kind of routing failure it is. */
      readonly reason?: RouteReason;
      /** A sentence on a routing problem that is not the table's own (no public IP, asymmetric return ...). */
      readonly problem?: string;
      /** What would fix that problem, when it is not a change to the table. */
      readonly fix?: string;
      readonly skipped?: 'same-subnet' | 'no-table-in-snapshot';
    })
  | (HopBase & {
      readonly component: GatewayComponent;
      readonly id: string;
      readonly note: string;
    })
  | (HopBase & {
      readonly component: 'block-public-access';
      readonly direction: Direction;
      readonly vpcId: string;
      readonly mode: string;
    });

/**
 * Hops that name a component by id with a sentence: gateways on the way, an AWS service that security
 * groups and NACLs do not filter (ref 3), an appliance a route sends the packet to (beyond it, assumed).
 */
export type GatewayComponent = 'internet-gateway' | 'nat-gateway' | 'vpc-peering' | 'gateway' | 'aws-service' | 'appliance';

export type Endpoint =
  | {
      readonly kind: 'eni';
      readonly eni: Eni;
      /** The address the packet carries for this ENI. */
      readonly ip: Ip;
      readonly via: 'private' | 'public';
      /**
       * An address inside a VPC that no network interface in the snapshot has: `eni` is a stand-in with
       * no security groups, in the subnet that contains the address ('' when none does).
       */
      readonly unassigned?: true;
      /**
       * The interface has no address of the packet's family to be reached at from the internet (an IPv6
       * internet host and an interface without IPv6): `ip` is the unspecified address, and the trace is
       * blocked at the interface's route table with `no-public-address`.
       */
      readonly noAddress?: true;
    }
  | {
      readonly kind: 'external';
      readonly ip: Ip;
      readonly where: 'internet' | 'on-premises';
      /** Set when a public address is on-premises because the VPC routes it to this gateway (placeExternal). */
      readonly routedTo?: string;
    }
  | {
      /** A link-local service address (169.254.0.0/16, fd00:ec2::/32) or a reserved address of a VPC (its DNS server, its router). */
      readonly kind: 'aws-service';
      readonly ip: Ip;
    };

export interface PathResult {
  readonly reachable: boolean;
  readonly hops: readonly Hop[];
  /** The first hop that denied, if any. */
  readonly blockingHop: Hop | null;
  /** Denying hops after the first one (evaluated as if the first had allowed). */
  readonly alsoBlocking: readonly Hop[];
  readonly forward: Packet;
  readonly notes: readonly string[];
  /**
   * Set when the path reaches an appliance (a route to a network interface or instance, ref 6.1): the
   * answer holds as far as that interface, and beyond it is assumed (its own routes and NAT are not in
   * the snapshot).
   */
  readonly assumedBeyond: string | null;
  /** The endpoints as traced (an outside address placed on-premises by placeExternal). */
  readonly src: Endpoint;
  readonly dst: Endpoint;
}

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

export function reversePacket(p: Packet): Packet {
  const icmpType = p.icmpType === 8 && p.protocol === ICMP ? 0 : p.icmpType === 128 && p.protocol === ICMPV6 ? 129 : p.icmpType;
  return { protocol: p.protocol, src: p.dst, dst: p.src, srcPort: p.dstPort, dstPort: p.srcPort, icmpType, icmpCode: p.icmpCode };
}

/**
 * A security-group hop; `tracked` marks the response of a tracked connection, which passes unevaluated
 * (ref 4.3). `decided`: the decision for exactly this ENI, direction and packet, when already evaluated.
 */
export function sgHop(index: SnapshotIndex, leg: PathLeg, eni: Eni, direction: Direction, packet: Packet, tracked: boolean, decided?: SgDecision): Hop {
  if (tracked) return { component: 'security-group', eniId: eni.id, direction, sg: null, path: leg, decision: 'allow', packet };
  const sg = decided ?? evaluateSecurityGroups(index, eni, direction, packet);
  return { component: 'security-group', eniId: eni.id, direction, sg, path: leg, decision: sg.allowed ? 'allow' : 'deny', packet };
}

/** A network-ACL hop at the boundary of `subnetId`. */
export function naclHop(index: SnapshotIndex, leg: PathLeg, subnetId: string, direction: Direction, packet: Packet): Hop {
  const acl = index.naclBySubnet.get(subnetId);
  if (!acl) return { component: 'network-acl', subnetId, direction, nacl: null, skipped: 'no-acl-in-snapshot', path: leg, decision: 'skip', packet };
  const nacl = evaluateNacl(acl, direction, packet);
  return { component: 'network-acl', subnetId, direction, nacl, path: leg, decision: nacl.action, packet };
}

/** A NACL that is not evaluated because both ends share the subnet (ref 8.8). */
export function naclSkippedHop(leg: PathLeg, subnetId: string, direction: Direction, packet: Packet): Hop {
  return { component: 'network-acl', subnetId, direction, nacl: null, skipped: 'same-subnet', path: leg, decision: 'skip', packet };
}

class PathBuilder {
  readonly hops: Hop[] = [];
  readonly notes: string[] = [];
  /** Stand-ins for addresses no network interface has: their security groups are unknown. */
  readonly unknownHosts = new Map<Eni, Ip>();
  /** The appliance past which the path is assumed (see PathResult.assumedBeyond). */
  beyond: string | null = null;
  /** The interfaces at the two ends (for automatically tracked peers). */
  peers: Eni[] = [];
  constructor(readonly index: SnapshotIndex) {}

  sg(leg: PathLeg, eni: Eni, direction: Direction, packet: Packet, tracked: boolean): void {
    const unknown = this.unknownHosts.get(eni);
    if (unknown) {
      this.hops.push({ component: 'security-group', eniId: eni.id, direction, sg: null, unknownHost: unknown, path: leg, decision: 'skip', packet });
      return;
    }
    if (tracked && leg === 'return' && this.untrackedAt(eni, direction, packet)) {
      this.hops.push({ ...sgHop(this.index, leg, eni, direction, packet, false), untracked: true } as Hop);
      return;
    }
    this.hops.push(sgHop(this.index, leg, eni, direction, packet, tracked));
  }

  /**
   * Is the flow untracked at this interface (ref 4.3, engine/tracking.ts)? Never through a NAT gateway, an
   * egress-only or a transit gateway, or with an interface endpoint, a load balancer or a Gateway Load
   * Balancer endpoint at the other end, which always track. `direction` is the response's.
   */
  private untrackedAt(eni: Eni, direction: Direction, reply: Packet): boolean {
    const request = this.hops.find((h) => h.component === 'security-group' && h.path === 'forward' && h.eniId === eni.id && h.direction !== direction);
    if (!request || request.component !== 'security-group' || !request.sg) return false;
    const autoTracked = this.hops.some((h) => h.component === 'nat-gateway' || ((h.component === 'internet-gateway' || h.component === 'gateway') && (h.id.startsWith('eigw-') || h.id.startsWith('tgw-'))));
    if (autoTracked || this.peers.some(autoTrackedPeer)) return false;
    return untrackedAt(this.index, eni, direction, reply, request.sg);
  }

  nacl(leg: PathLeg, subnetId: string, direction: Direction, packet: Packet): void {
    this.hops.push(naclHop(this.index, leg, subnetId, direction, packet));
  }

  /**
   * A NACL hop for a packet whose destination port is one a NAT gateway picked in 1024-65535 (its remapped
   * source port): the NACL must let every port of the range through, so each stretch of ports its rules
   * tell apart is evaluated, and the first port denied, if any, is the hop's packet.
   */
  naclRemapped(leg: PathLeg, subnetId: string, direction: Direction, packet: Packet): void {
    const acl = this.index.naclBySubnet.get(subnetId);
    if (!acl || !hasPorts(packet.protocol) || packet.dstPort === null) {
      this.nacl(leg, subnetId, direction, packet);
      return;
    }
    const ports = new Set<number>([NAT_PORTS.from]);
    for (const e of acl.entries) {
      if (e.direction !== direction || !e.ports) continue;
      for (const p of [e.ports.from, e.ports.to + 1]) if (p > NAT_PORTS.from && p <= NAT_PORTS.to) ports.add(p);
    }
    const judged = { dstPortsJudged: NAT_PORTS };
    for (const port of [...ports].sort((x, y) => x - y)) {
      const probe: Packet = { ...packet, dstPort: port };
      if (evaluateNacl(acl, direction, probe).action === 'deny') {
        this.hops.push({ ...naclHop(this.index, leg, subnetId, direction, probe), ...judged } as Hop);
        return;
      }
    }
    this.hops.push({ ...naclHop(this.index, leg, subnetId, direction, packet), ...judged } as Hop);
  }

  naclSkip(leg: PathLeg, subnetId: string, direction: Direction, packet: Packet): void {
    this.hops.push(naclSkippedHop(leg, subnetId, direction, packet));
  }

  /** Route lookup; `expect` checks the chosen target, returning a problem (and its fix) when it is unusable. */
  route(leg: PathLeg, subnetId: string, packet: Packet, expect?: (d: RouteDecision) => string | RouteProblem | null): RouteDecision {
    const table = this.index.routeTableBySubnet.get(subnetId);
    const d = evaluateRoute(this.index, table, packet.dst);
    if (d.outcome === 'no-table') {
      this.hops.push({ component: 'route', subnetId, route: d, skipped: 'no-table-in-snapshot', path: leg, decision: 'skip', packet });
      return d;
    }
    if (d.outcome === 'no-route' || d.outcome === 'blackhole') {
      this.hops.push({ component: 'route', subnetId, route: d, reason: d.outcome, path: leg, decision: 'deny', packet });
      return d;
    }
    const found = expect?.(d) ?? null;
    if (found !== null) {
      const { problem, fix, reason } = typeof found === 'string' ? { problem: found, fix: undefined, reason: undefined } : found;
      this.hops.push({ component: 'route', subnetId, route: d, reason: reason ?? 'no-route', problem, ...(fix !== undefined ? { fix } : {}), path: leg, decision: 'deny', packet });
    } else {
      this.hops.push({ component: 'route', subnetId, route: d, path: leg, decision: 'allow', packet });
    }
    return d;
  }

  /** A forward packet that no route can carry to the subnet (from the internet to a private address, ...). */
  unroutable(subnetId: string, packet: Packet, problem: string, fix?: string, reason: RouteReason = 'no-route'): void {
    const table = this.index.routeTableBySubnet.get(subnetId);
    const route: RouteDecision = { routeTableId: table?.id ?? null, outcome: 'no-route', route: null, target: null, prefixLength: -1 };
    this.hops.push({ component: 'route', subnetId, route, reason, problem, ...(fix !== undefined ? { fix } : {}), path: 'forward', decision: 'deny', packet });
  }

  /** A route hop decided elsewhere (a transit gateway's table, an attachment): `reason` and `problem` on a deny. */
  routeHop(leg: PathLeg, subnetId: string, route: RouteDecision, packet: Packet, deny?: { reason: RouteReason; problem: string; fix?: string }): void {
    if (!deny) {
      this.hops.push({ component: 'route', subnetId, route, path: leg, decision: 'allow', packet });
      return;
    }
    this.hops.push({ component: 'route', subnetId, route, reason: deny.reason, problem: deny.problem, ...(deny.fix !== undefined ? { fix: deny.fix } : {}), path: leg, decision: 'deny', packet });
  }

  /** A note said once per answer. */
  note(text: string): void {
    if (!this.notes.includes(text)) this.notes.push(text);
  }

  gateway(leg: PathLeg, component: GatewayComponent, id: string, note: string, packet: Packet, decision: HopDecision = 'allow'): void {
    this.hops.push({ component, id, note, path: leg, decision, packet });
  }

  /** VPC Block Public Access on the internet-gateway path (ref 8.17). */
  bpa(leg: PathLeg, vpc: Vpc | undefined, subnet: Subnet | undefined, direction: Direction, initiatedFromInside: boolean, packet: Packet): void {
    const mode = subnet?.bpaMode && subnet.bpaMode !== 'off' ? subnet.bpaMode : vpc?.bpaMode;
    if (!vpc || !mode || mode === 'off') return;
    const blocked = mode === 'block-bidirectional' || (mode === 'block-ingress' && !initiatedFromInside);
    this.hops.push({ component: 'block-public-access', direction, vpcId: vpc.id, mode, path: leg, decision: blocked ? 'deny' : 'allow', packet });
  }
}

function subnetOf(index: SnapshotIndex, eni: Eni): Subnet | undefined {
  return index.subnetById.get(eni.subnetId);
}

/**
 * The address an ENI uses towards the internet: the public IPv4 or Elastic IP associated with this very
 * private IPv4 (the IGW translates it; another address of the same ENI with its own public IP does not
 * lend it, ref 7.3 IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS), or, for IPv6, its own address.
 */
function internetFacingAddress(eni: Eni, privateIp: Ip): Ip | undefined {
  if (privateIp.family === 6) return privateIp;
  return eni.publicIps.find((p) => ipEquals(p.privateIp, privateIp))?.publicIp;
}

/**
 * The private IPv4 a public (or Elastic) IP of `eni` is paired with, where the internet gateway delivers
 * packets addressed to it (ref 8.12); the primary private address when the pairing is not in the snapshot.
 */
function privatePartner(eni: Eni, publicIp: Ip): Ip | null {
  return eni.publicIps.find((p) => ipEquals(p.publicIp, publicIp))?.privateIp ?? eni.primaryPrivateIp;
}

const targetIs = (...kinds: string[]) => (d: RouteDecision) => (d.target && kinds.includes(d.target.kind) ? null : `the route ${describeTarget(d)} does not lead there`);

function describeTarget(d: RouteDecision): string {
  return d.target ? `to ${d.target.id}` : 'found';
}

/**
 * What the snapshot says of a virtual private gateway's routes towards `dst`: its available VPN
 * connections with static routes only deliver just their static prefixes (a VGW drops traffic to
 * prefixes it does not know). `unknown` when it has no VPN connection in the snapshot or one uses BGP.
 */
function vgwRouting(index: SnapshotIndex, vgwId: string, dst: Ip): { kind: 'unknown' } | ({ kind: 'drops' } & RouteProblem) | { kind: 'routes'; via: string } {
  const vpns = (index.vpnsByGateway.get(vgwId) ?? []).filter((v) => v.state === 'available' || v.state === '');
  if (vpns.length === 0 || vpns.some((v) => !v.staticRoutesOnly)) return { kind: 'unknown' };
  for (const v of vpns) {
    const route = v.staticRoutes.find((c) => cidrContains(c, dst));
    if (route) return { kind: 'routes', via: `${v.id} (static route ${route.text})` };
  }
  const known = [...new Set(vpns.flatMap((v) => v.staticRoutes.map((c) => c.text)))];
  return {
    kind: 'drops',
    fix: `add a static route for ${formatIp(dst)} to ${vpns[0]!.id}${vpns.length > 1 ? ' (or another of the VPN connections)' : ''} if the site behind it is the way there, or route ${formatIp(dst)} to an internet or NAT gateway instead`,
    problem: `${vgwId} drops it: its VPN connection${vpns.length > 1 ? 's' : ''} ${vpns.map((v) => v.id).join(', ')} use${vpns.length > 1 ? '' : 's'} static routes only, and ${known.length ? `none of ${known.join(', ')}` : 'no static route'} contains ${formatIp(dst)}`,
  };
}

/** The source ports a NAT gateway translates to (AWS "NAT gateway basics": 1024-65535). */
export const NAT_PORTS = { from: 1024, to: 65535 } as const;

/**
 * A NAT gateway translates TCP, UDP and ICMP (ICMPv6 for NAT64) and drops every other protocol (AWS
 * "NAT gateway basics"); it takes no unsolicited inbound connections (AWS "NAT gateways").
 */
export function natTranslates(protocol: number): boolean {
  return protocol === TCP || protocol === UDP || protocol === ICMP || protocol === ICMPV6;
}

/** The NAT gateway an ENI belongs to (its id), or null for any other ENI. */
export function natGatewayOfEni(index: SnapshotIndex, eni: Eni): string | null {
  const nat = index.natIdByEniId.get(eni.id);
  if (nat !== undefined) return nat;
  return eni.interfaceType === 'nat_gateway' || eni.interfaceType === 'natGateway' ? eni.id : null;
}

export interface TraceInput {
  readonly src: Endpoint;
  readonly dst: Endpoint;
  readonly packet: Packet;
}

/**
 * Evaluates every hop of the forward path and, when the protocol has responses, the return path.
 * Evaluation continues after a deny (as if it had allowed) so the result can list later blockers too.
 */
export function tracePath(index: SnapshotIndex, input: TraceInput): PathResult {
  const b = new PathBuilder(index);
  // A packet leaves an interface with its private address; only an internet gateway translates it to the
  // public one (ref 8.12): a public address given as the source is its private partner's traffic.
  const privateSrc = privateSideOf(input.src);
  const src = placeExternal(index, privateSrc ?? input.src, input.dst);
  const placedDst = placeExternal(index, input.dst, src);
  // An internet host that names an interface by its private IPv4 means the interface: it reaches it at the
  // public address paired with that private address, which the internet gateway translates (ref 8.12).
  const viaPublic = src.kind === 'external' && src.where === 'internet' ? publicSideOf(placedDst) : null;
  const dst = viaPublic ?? placedDst;
  const packet: Packet = { ...input.packet, ...(viaPublic ? { dst: viaPublic.ip } : {}), ...(privateSrc ? { src: privateSrc.ip } : {}) };
  if (privateSrc && input.src.kind === 'eni') {
    b.note(`${formatIp(input.src.ip)} is a public address of ${privateSrc.eni.id}: its packets leave it from the private address ${formatIp(privateSrc.ip)}, and only an internet gateway translates that to ${formatIp(input.src.ip)}.`);
  }
  if (viaPublic && placedDst.kind === 'eni') {
    b.note(`${formatIp(placedDst.ip)} is private; from the internet ${placedDst.eni.id} is reached at its public address ${formatIp(viaPublic.ip)}, which the internet gateway translates to ${formatIp(placedDst.ip)}.`);
  }
  const hasResponse = !(packet.protocol === ICMP && packet.icmpType !== null && packet.icmpType !== 8) &&
    !(packet.protocol === ICMPV6 && packet.icmpType !== null && packet.icmpType !== 128);
  const reply = reversePacket(packet);
  // A NAT gateway's own addresses accept no connections: it only forwards what is routed through it.
  const natDst = dst.kind === 'eni' ? natGatewayOfEni(index, dst.eni) : null;
  for (const e of [src, dst]) if (e.kind === 'eni' && e.unassigned) b.unknownHosts.set(e.eni, e.ip);
  for (const e of [src, dst]) if (e.kind === 'eni') b.peers.push(e.eni);
  // No interface has the destination address: nothing there answers, so there is no return path.
  const unassignedDst = dst.kind === 'eni' && dst.unassigned === true;
  const responds = hasResponse && natDst === null && !unassignedDst;

  const service = src.kind === 'aws-service' ? src : dst.kind === 'aws-service' ? dst : null;
  const other = service === src ? dst : src;
  if (service && other.kind === 'eni') {
    toAwsService(b, other.eni, service.ip, service === dst ? 'to' : 'from', packet);
  } else if (dst.kind === 'eni' && dst.noAddress) {
    b.unroutable(
      dst.eni.subnetId,
      packet,
      `${dst.eni.id} has no IPv${packet.dst.family} address, so ${formatIp(packet.src)} cannot reach it over IPv${packet.dst.family}: an internet host reaches an interface only at its public IPv4 or its IPv6 address`,
      `assign an IPv6 address to ${dst.eni.id} (its subnet needs an IPv6 CIDR), or reach it over IPv4 at a public address`,
      'no-public-address',
    );
  } else if (src.kind === 'eni' && dst.kind === 'eni' && dst.unassigned && dst.eni.subnetId === '') {
    toAddressOutsideSubnets(b, src.eni, dst.eni.vpcId, packet);
  } else if (src.kind === 'eni' && dst.kind === 'eni' && dst.via === 'private') {
    eniToEni(b, src.eni, dst.eni, packet, reply, responds);
  } else if (src.kind === 'eni') {
    eniToOutside(b, src.eni, dst, packet, reply, responds);
  } else if (dst.kind === 'eni' && src.kind === 'external') {
    outsideToEni(b, src, dst.eni, dst.ip, dst.via, packet, reply, responds);
  }
  if (natDst !== null && dst.kind === 'eni') {
    b.unroutable(
      dst.eni.subnetId,
      packet,
      `${dst.eni.id} belongs to NAT gateway ${natDst}, which forwards only traffic routed through it (and the replies to connections it translated): it drops a connection addressed to itself`,
      `connect to the host behind the NAT gateway instead: a NAT gateway takes no inbound connections (use a load balancer or a public IP on that host)`,
    );
  }
  if (dst.kind === 'eni' && dst.eni.interfaceType === 'vpc_endpoint') {
    const ep = index.snapshot.vpcEndpoints.find((e) => e.eniIds.includes(dst.eni.id));
    const name = ep ? `interface endpoint ${ep.id}${ep.serviceName ? ` (${ep.serviceName})` : ''}` : 'an interface endpoint';
    b.note(`${dst.eni.id} is the network interface of ${name}: its security groups judge the connection, and the endpoint policy is not evaluated; connections through an interface endpoint are always tracked (ref 4.3).`);
  }
  if (unassignedDst && dst.eni.subnetId !== '') {
    b.notes.push(`No network interface in the snapshot has ${formatIp(dst.ip)}: the packet is delivered to ${dst.eni.subnetId}, but no security group is known for the address and nothing answers, so no return path is evaluated.`);
  }
  if (!hasResponse) b.notes.push('ICMP messages other than echo requests get no response, so no return path is evaluated.');
  const unevaluated = b.hops.filter((h) => (h.component === 'network-acl' && h.skipped === 'no-acl-in-snapshot') || (h.component === 'route' && h.skipped === 'no-table-in-snapshot'));
  if (unevaluated.length > 0) {
    const what = [...new Set(unevaluated.map((h) => `the ${h.component === 'route' ? 'route table' : 'network ACL'} of ${'subnetId' in h ? h.subnetId : ''}`))];
    b.notes.push(`Not evaluated because the snapshot lacks them: ${what.join(', ')}; the answer assumes they allow the traffic.`);
  }
  const denies = b.hops.filter((h) => h.decision === 'deny');
  return {
    reachable: denies.length === 0,
    hops: b.hops,
    blockingHop: denies[0] ?? null,
    alsoBlocking: denies.slice(1),
    forward: packet,
    notes: [...new Set(b.notes)],
    assumedBeyond: b.beyond,
    src,
    dst,
  };
}

/**
 * Traffic between an interface and an AWS service address (ref 3): never filtered by security groups or
 * network ACLs, and never logged. Another link-local address is not routed at all, and a VPC's reserved
 * addresses serve that VPC's own interfaces only.
 */
function toAwsService(b: PathBuilder, eni: Eni, ip: Ip, way: 'to' | 'from', packet: Packet): void {
  const svc = awsServiceAt(b.index, eni.vpcId, ip);
  if (svc !== null) {
    const text = `${formatIp(ip)} is ${svc}: security groups and network ACLs do not filter traffic ${way} it, and flow logs do not record it`;
    b.gateway('forward', 'aws-service', formatIp(ip), `not filtered by security groups or network ACLs: ${text}`, packet);
    b.note(`Not filtered by security groups or network ACLs: ${text} (AWS "Infrastructure security in Amazon VPC").`);
    return;
  }
  const problem = isLinkLocalService(ip)
    ? `${formatIp(ip)} is a link-local address (${ip.family === 4 ? '169.254.0.0/16' : 'fd00:ec2::/32'}) that no AWS service answers at: link-local traffic never leaves the host's subnet, and it is never an internet host`
    : `${formatIp(ip)} is a reserved address of another VPC (its DNS server or router), which serves that VPC's own interfaces only`;
  b.unroutable(eni.subnetId, packet, problem, isLinkLocalService(ip)
    ? `address the service at one of the link-local addresses AWS answers at (169.254.169.254 for instance metadata, 169.254.169.253 for DNS), or at an address in ${eni.vpcId}`
    : `use ${eni.vpcId}'s own reserved addresses (its DNS server at the VPC CIDR base plus two) instead of another VPC's`);
}

/**
 * A route whose target is a network interface or an instance (a NAT instance, a firewall): AWS delivers
 * the packet to that interface, whose subnet's NACL and security groups judge it inbound, and which
 * forwards it only with source/destination checking off (ref 7.3 ENI_SOURCE_DEST_CHECK_RESTRICTION; AWS
 * "NAT instances"), its groups judging it outbound again. What the appliance does next (its own routes, NAT)
 * and the way back are not in the snapshot: the answer holds as far as the appliance, and says so.
 */
function throughAppliance(b: PathBuilder, a: Eni, d: RouteDecision, packet: Packet): void {
  const index = b.index;
  const t = d.target!;
  const appliance = t.kind === 'eni'
    ? index.eniById.get(t.id)
    : index.snapshot.enis.find((e) => e.instanceId === t.id && e.vpcId === a.vpcId) ?? index.snapshot.enis.find((e) => e.instanceId === t.id);
  b.beyond = appliance?.id ?? t.id;
  if (!appliance) {
    b.gateway('forward', 'appliance', t.id, `to ${t.id}, which the snapshot does not describe: its network ACL, security groups and source/destination check are not evaluated, and beyond it the path is assumed`, packet);
    b.note(`The route sends the packet to ${t.id}, which is not in the snapshot: the answer holds as far as ${t.id}, and beyond it (the appliance's own routes and any NAT it does, and the way back) is assumed, not evaluated.`);
    return;
  }
  if (appliance.subnetId === a.subnetId) b.naclSkip('forward', appliance.subnetId, 'inbound', packet);
  else b.nacl('forward', appliance.subnetId, 'inbound', packet);
  b.sg('forward', appliance, 'inbound', packet, false);
  if (appliance.sourceDestCheck && !eniOwnsIp(appliance, packet.dst)) {
    b.hops.push({
      component: 'route',
      subnetId: a.subnetId,
      route: d,
      reason: 'source-dest-check',
      problem: `${d.route ? `the route sends ${formatIp(packet.dst)} to ${t.id}, but ` : ''}${appliance.id} has source/destination checking on: it drops traffic that is not addressed to one of its own addresses, so it cannot forward this packet (ENI_SOURCE_DEST_CHECK_RESTRICTION)`,
      fix: `turn source/destination checking off on ${appliance.id} (aws ec2 modify-network-interface-attribute --network-interface-id ${appliance.id} --no-source-dest-check) if it is meant to forward traffic, or route ${formatIp(packet.dst)} elsewhere`,
      path: 'forward',
      decision: 'deny',
      packet,
    });
    return;
  }
  b.sg('forward', appliance, 'outbound', packet, false);
  b.gateway('forward', 'appliance', appliance.id, `forwarded by appliance ${appliance.id} (source/destination check off); what it does next (its own routes, any NAT) is not in the snapshot, so beyond it the path is assumed`, packet);
  b.note(`Reachable as far as the appliance ${appliance.id}: the route sends the packet to it, and what it does next (its own routes, any NAT it applies) and the way back are not in the snapshot, so beyond it the path is assumed, not evaluated; its groups were judged on the packet as it arrived.`);
}

/** The private side of an interface named by one of its public addresses. */
function privateSideOf(e: Endpoint): Extract<Endpoint, { kind: 'eni' }> | null {
  if (e.kind !== 'eni' || e.via !== 'public' || e.noAddress) return null;
  const priv = privatePartner(e.eni, e.ip);
  return priv ? { kind: 'eni', eni: e.eni, ip: priv, via: 'private' } : null;
}

/** The public side of an interface named by a private IPv4 that has a public address of its own. */
function publicSideOf(e: Endpoint): Extract<Endpoint, { kind: 'eni' }> | null {
  if (e.kind !== 'eni' || e.via !== 'private' || e.unassigned || e.ip.family !== 4) return null;
  const pub = e.eni.publicIps.find((p) => ipEquals(p.privateIp, e.ip));
  return pub ? { kind: 'eni', eni: e.eni, ip: pub.publicIp, via: 'public' } : null;
}

function eniToEni(b: PathBuilder, a: Eni, bEni: Eni, packet: Packet, reply: Packet, hasResponse: boolean): void {
  b.sg('forward', a, 'outbound', packet, false);
  if (a.subnetId === bEni.subnetId) {
    // Same subnet: switched at layer 2, no NACL and no route table (ref 8.8).
    b.naclSkip('forward', a.subnetId, 'outbound', packet);
    b.naclSkip('forward', bEni.subnetId, 'inbound', packet);
    b.sg('forward', bEni, 'inbound', packet, false);
    if (hasResponse) {
      b.sg('return', bEni, 'outbound', reply, true);
      b.naclSkip('return', bEni.subnetId, 'outbound', reply);
      b.naclSkip('return', a.subnetId, 'inbound', reply);
      b.sg('return', a, 'inbound', reply, true);
    }
    return;
  }
  const sameVpc = a.vpcId === bEni.vpcId;
  // A route more specific than the local one may send a subnet's traffic to an appliance (ref 6.1).
  const viaKinds = sameVpc ? ['local', 'eni', 'instance'] : ['pcx', 'tgw', 'vgw', 'eni', 'instance', 'core-network'];
  /** A peering route must lead to the other end's VPC, at an address in its CIDRs (ref 6.1). */
  const expect = (from: Eni, to: Eni, toIp: Ip) => (d: RouteDecision): string | RouteProblem | null => {
    const basic = targetIs(...viaKinds)(d);
    if (basic !== null && !sameVpc && d.target && (d.target.kind === 'igw' || d.target.kind === 'eigw' || d.target.kind === 'nat')) {
      return {
        problem: `the route to ${d.target.id} leads to the internet, where ${to.id}'s private address in ${to.vpcId} cannot be reached`,
        // A public address is offered only when the interface has one (never one it lacks).
        fix: `route ${to.vpcId}'s CIDR from ${from.subnetId} to a VPC peering connection or transit gateway that reaches ${to.vpcId}${to.publicIps.length > 0 ? `, or use ${to.id}'s public address ${formatIp(to.publicIps[0]!.publicIp)}` : ''}`,
      };
    }
    if (basic !== null || d.target?.kind !== 'pcx') return basic;
    const pcx = b.index.peeringById.get(d.target.id);
    if (!pcx) return null;
    const ends = [pcx.requesterVpcId, pcx.accepterVpcId];
    return ends.includes(from.vpcId) && ends.includes(to.vpcId)
      ? peeringCarries(b.index, pcx.id, from.vpcId, toIp)
      : `${pcx.id} connects ${pcx.requesterVpcId} and ${pcx.accepterVpcId}, not ${to.vpcId}, where ${to.id} is`;
  };
  b.nacl('forward', a.subnetId, 'outbound', packet);
  const fwd = b.route('forward', a.subnetId, packet, expect(a, bEni, packet.dst));
  if (fwd.outcome === 'forward' && (fwd.target?.kind === 'eni' || fwd.target?.kind === 'instance') && fwd.target.id !== bEni.id && fwd.target.id !== bEni.instanceId) {
    throughAppliance(b, a, fwd, packet);
    return;
  }
  const viaTgw = fwd.outcome === 'forward' && fwd.target?.kind === 'tgw' ? tgwLeg(b, 'forward', a, fwd.target.id, packet, bEni.vpcId) : null;
  if (viaTgw?.kind === 'blocked' || viaTgw?.kind === 'beyond') return;
  if (viaTgw?.kind === 'vpc') {
    if (!outOfTgw(b, 'forward', viaTgw.exit, bEni, packet)) return;
  } else {
    noteGateway(b, 'forward', fwd, packet);
    b.nacl('forward', bEni.subnetId, 'inbound', packet);
  }
  b.sg('forward', bEni, 'inbound', packet, false);
  if (!hasResponse) return;
  b.sg('return', bEni, 'outbound', reply, true);
  b.nacl('return', bEni.subnetId, 'outbound', reply);
  const back = b.route('return', bEni.subnetId, reply, expect(bEni, a, reply.dst));
  if (viaTgw?.kind === 'vpc' && back.outcome === 'forward' && back.target?.kind === 'tgw') {
    if (back.target.id !== fwd.target?.id) b.note(`The response returns through ${back.target.id}, not ${fwd.target?.id ?? ''}: asymmetric routes.`);
    const entry = viaTgw.attachment.applianceMode && back.target.id === fwd.target?.id ? viaTgw.exit : undefined;
    const out = tgwLeg(b, 'return', bEni, back.target.id, reply, a.vpcId, entry);
    if (out.kind === 'vpc') {
      outOfTgw(b, 'return', out.exit, a, reply);
      b.sg('return', a, 'inbound', reply, true);
      return;
    }
    if (out.kind !== 'assumed') return;
  }
  if (!sameVpc && fwd.target?.kind === 'pcx' && back.target?.kind === 'pcx' && fwd.target.id !== back.target.id) {
    b.notes.push(`The response returns over ${back.target.id}, not ${fwd.target.id}: asymmetric peering routes.`);
  }
  b.nacl('return', a.subnetId, 'inbound', reply);
  b.sg('return', a, 'inbound', reply, true);
}

/** To an address inside a VPC's CIDR that no subnet contains: the VPC router has nowhere to deliver it. */
function toAddressOutsideSubnets(b: PathBuilder, a: Eni, vpcId: string, packet: Packet): void {
  const sameVpc = a.vpcId === vpcId;
  b.sg('forward', a, 'outbound', packet, false);
  b.nacl('forward', a.subnetId, 'outbound', packet);
  const d = b.route('forward', a.subnetId, packet, (r) => {
    if (!r.target) return null;
    if (sameVpc) return r.target.kind === 'local' ? null : `the route ${describeTarget(r)} does not lead into ${vpcId}`;
    if (r.target.kind === 'pcx') {
      const pcx = b.index.peeringById.get(r.target.id);
      return !pcx || [pcx.requesterVpcId, pcx.accepterVpcId].includes(vpcId) ? null : `${pcx.id} connects ${pcx.requesterVpcId} and ${pcx.accepterVpcId}, not ${vpcId}`;
    }
    return null;
  });
  if (d.outcome !== 'forward') return;
  noteGateway(b, 'forward', d, packet);
  b.unroutable(a.subnetId, packet, `${formatIp(packet.dst)} is inside ${vpcId}'s CIDR, but no subnet of it contains the address, so the VPC router drops the packet`, `send the traffic to an address in one of ${vpcId}'s subnets`);
}

/**
 * VPC peering carries only traffic addressed to the peer VPC's CIDRs (the ones the connection lists): no
 * transitive routing through the peer, and no edge-to-edge routing to its gateways, VPN or on-premises
 * networks (AWS "VPC peering limitations"). Null when it carries it, or when the snapshot cannot tell.
 */
function peeringCarries(index: SnapshotIndex, pcxId: string, fromVpc: string, dst: Ip): RouteProblem | null {
  const pcx = index.peeringById.get(pcxId);
  if (!pcx) return null;
  const peerVpc = pcx.requesterVpcId === fromVpc ? pcx.accepterVpcId : pcx.requesterVpcId;
  const listed = pcx.requesterVpcId === fromVpc ? pcx.accepterCidrs : pcx.requesterCidrs;
  const vpc = index.vpcById.get(peerVpc);
  const cidrs = listed.length > 0 ? listed : vpc ? [...vpc.cidrs4, ...vpc.cidrs6] : [];
  if (cidrs.length === 0 || cidrs.some((c) => cidrContains(c, dst))) return null;
  return {
    problem: `${pcx.id} carries only traffic addressed to ${peerVpc}'s CIDRs (${cidrs.map((c) => c.text).join(', ')}), and ${formatIp(dst)} is in none of them: VPC peering has no transitive or edge-to-edge routing`,
    fix: `reach ${formatIp(dst)} over a transit gateway, a VPN or the network it is in, not through ${peerVpc}`,
  };
}

function noteGateway(b: PathBuilder, leg: PathLeg, d: RouteDecision, packet: Packet): void {
  const t = d.target;
  if (!t || d.outcome !== 'forward') return;
  const vgw = t.kind === 'vgw' ? vgwRouting(b.index, t.id, packet.dst) : null;
  if (t.kind === 'pcx') {
    b.gateway(leg, 'vpc-peering', t.id, `over VPC peering connection ${t.id}`, packet);
    if (!b.index.peeringById.has(t.id)) {
      b.note(`${t.id} is not in the snapshot${hasSection(b.index.snapshot, 'VpcPeeringConnections') ? '' : ' (it has no describe-vpc-peering-connections output)'}: vpcwhy assumes the peering connection is active and joins the two VPCs.`);
    }
  }
  else if (vgw?.kind === 'routes') b.gateway(leg, 'gateway', t.id, `through ${t.id} over VPN connection ${vgw.via}`, packet);
  else if (vgw?.kind === 'drops') return; // the route hop already says why
  else if (t.kind === 'tgw' || t.kind === 'vgw' || t.kind === 'core-network') {
    b.gateway(leg, 'gateway', t.id, `through ${t.id}; its own route tables are outside the snapshot and assumed to deliver`, packet);
    b.notes.push(`Routing inside ${t.id} is not evaluated: vpcwhy assumes it delivers the packet.`);
  }
}

/** How a packet came out of a transit gateway (tgwLeg). */
type TgwExit =
  /** The snapshot does not describe the transit gateway's attachments or tables: today's assumption applies. */
  | { readonly kind: 'assumed' }
  /** A hop denied it. */
  | { readonly kind: 'blocked' }
  /** It went on to an attachment whose far side the snapshot does not show (another VPC, a peering, a VPN ...). */
  | { readonly kind: 'beyond'; readonly attachmentId: string; readonly attachment?: TransitGatewayAttachment }
  /** Delivered to the wanted VPC's attachment, out of its interface in `exit`. */
  | { readonly kind: 'vpc'; readonly attachment: TransitGatewayAttachment; readonly exit: Subnet | undefined };

const FROM_TGW_NACL = 'AWS "Network ACLs for transit gateways"';

/**
 * Through transit gateway `tgwId` from `from`'s VPC (AWS "How transit gateways work", "Network ACLs for
 * transit gateways"): the VPC hands the packet to its attachment's interface in the sender's Availability
 * Zone, whose subnet's NACL judges it inbound (even when the sender is in that subnet); the route table
 * associated with the attachment picks the next attachment (longest prefix; a blackhole drops it); for
 * `toVpc`, that must be the VPC's own attachment, whose interface (in the same Availability Zone when it
 * has one) sends the packet on. `entry`: the subnet the packet must enter by (appliance mode keeps a
 * flow on one interface both ways).
 */
function tgwLeg(b: PathBuilder, leg: PathLeg, from: Eni, tgwId: string, packet: Packet, toVpc: string | null, entryOverride?: Subnet): TgwExit {
  const index = b.index;
  if (!tgwDescribed(index, tgwId)) return { kind: 'assumed' };
  const att = vpcAttachment(index, tgwId, from.vpcId);
  if (!att) {
    b.note(`The snapshot describes ${tgwId} but not its attachment to ${from.vpcId}: routing inside ${tgwId} is not evaluated, and vpcwhy assumes it delivers the packet.`);
    return { kind: 'assumed' };
  }
  const az = index.subnetById.get(from.subnetId)?.availabilityZone;
  const entry = entryOverride ?? attachmentSubnet(index, att, az);
  const pseudo = (id: string | null): RouteDecision => ({ routeTableId: id, outcome: 'no-route', route: null, target: null, prefixLength: -1 });
  if (packet.dst.family === 6 && att.subnetIds.length > 0 && !att.ipv6Support) {
    b.routeHop(leg, entry?.id ?? from.subnetId, pseudo(att.id), packet, {
      reason: 'no-route',
      problem: `${att.id} attaches ${from.vpcId} to ${tgwId} with IPv6 support off, so it carries no IPv6 traffic`,
      fix: `enable IPv6 support on ${att.id} (aws ec2 modify-transit-gateway-vpc-attachment --transit-gateway-attachment-id ${att.id} --options Ipv6Support=enable)`,
    });
    return { kind: 'blocked' };
  }
  if (!entryOverride && entry && az !== undefined && entry.availabilityZone !== undefined && entry.availabilityZone !== az) {
    b.routeHop(leg, from.subnetId, pseudo(att.id), packet, {
      reason: 'no-attachment-in-az',
      problem: `${att.id} has no subnet in ${az}, where ${from.subnetId} is, so the VPC cannot hand the packet to ${tgwId} (TGW_ROUTE_AZ_RESTRICTION)`,
      fix: `add a subnet in ${az} to ${att.id} (aws ec2 modify-transit-gateway-vpc-attachment --add-subnet-ids ...)`,
    });
    return { kind: 'blocked' };
  }
  if (entry) b.nacl(leg, entry.id, 'inbound', packet);
  else b.note(`The subnets of ${att.id} are not in the snapshot${hasSection(index.snapshot, 'TransitGatewayVpcAttachments') ? '' : ' (it has no describe-transit-gateway-vpc-attachments output)'}: the network ACL of ${tgwId}'s interface in ${from.vpcId} is not evaluated.`);
  b.gateway(leg, 'gateway', tgwId, `into ${tgwId} through attachment ${att.id}${entry ? ` (its interface in ${entry.id}${entry.availabilityZone ? `, ${entry.availabilityZone}` : ''})` : ''}`, packet);
  const assumeInside = (why: string): TgwExit => {
    const to = toVpc === null ? undefined : vpcAttachment(index, tgwId, toVpc);
    b.note(`${why}: vpcwhy assumes ${tgwId} routes the packet ${to ? `to ${to.id}, the attachment of ${toVpc}` : 'on'}.`);
    if (!to) return { kind: 'beyond', attachmentId: tgwId };
    return { kind: 'vpc', attachment: to, exit: attachmentSubnet(index, to, entry?.availabilityZone ?? az) };
  };
  const table = associatedRouteTable(index, att);
  if (table === null) {
    if (!hasSection(index.snapshot, 'TransitGatewayAttachments')) return assumeInside(`The route table associated with ${att.id} is not in the snapshot (it has no describe-transit-gateway-attachments output)`);
    b.routeHop(leg, entry?.id ?? from.subnetId, pseudo(att.id), packet, {
      reason: 'no-route',
      problem: `${att.id} is associated with no route table of ${tgwId}, so ${tgwId} has no route for what it sends (TGW_ATTACH_MISSING_TGW_RTB_ASSOCIATION)`,
      fix: `associate ${att.id} with a route table of ${tgwId} (aws ec2 associate-transit-gateway-route-table)`,
    });
    return { kind: 'blocked' };
  }
  if (typeof table === 'string') return assumeInside(`${att.id} is associated with ${table}, which the snapshot does not describe`);
  const rt = tgwRoutes(index, table);
  if (rt === null) return assumeInside(`The routes of ${table.id}, the route table associated with ${att.id}, are not in the snapshot (no search-transit-gateway-routes or get-transit-gateway-route-table-propagations output)`);
  if (table.routes === null) b.note(`The static routes of ${table.id} are not in the snapshot: only the routes its propagations imply (the attached VPCs' CIDRs) are evaluated.`);
  const d = evaluateRoute(index, rt, packet.dst);
  const at = entry?.id ?? from.subnetId;
  if (d.outcome === 'no-route' || d.outcome === 'no-table') {
    b.routeHop(leg, at, d, packet, {
      reason: 'no-route',
      problem: `transit gateway route table ${table.id} (associated with ${att.id}) has no route to ${formatIp(packet.dst)}, so ${tgwId} drops it`,
      fix: `add a route for ${formatIp(packet.dst)} to ${table.id} (a static route, or a propagation from the attachment that reaches it)`,
    });
    return { kind: 'blocked' };
  }
  if (d.outcome === 'blackhole') {
    b.routeHop(leg, at, d, packet, {
      reason: 'blackhole',
      problem: `transit gateway route table ${table.id} (associated with ${att.id}) sends ${formatIp(packet.dst)} to a blackhole route${d.route && d.route.destination.kind === 'cidr' ? ` (${d.route.destination.cidr.text})` : ''}, so ${tgwId} drops it`,
      fix: `replace the blackhole route in ${table.id} with a route to the attachment that reaches ${formatIp(packet.dst)}`,
    });
    return { kind: 'blocked' };
  }
  b.routeHop(leg, at, d, packet);
  const nextId = d.target?.id ?? '';
  const next = index.tgwAttachmentById.get(nextId);
  if (toVpc !== null && next?.resourceType === 'vpc' && next.resourceId === toVpc) {
    const exit = attachmentSubnet(index, next, entry?.availabilityZone ?? az);
    if (next.applianceMode) {
      b.note(`${next.id} has appliance mode on: ${tgwId} sends both directions of a flow through one of its interfaces, chosen by a hash of the flow; vpcwhy shows the one in ${exit?.id ?? 'its first subnet'}.`);
    } else if (exit && entry?.availabilityZone && exit.availabilityZone !== entry.availabilityZone) {
      b.note(`${next.id} has no subnet in ${entry.availabilityZone}: ${tgwId} sends the packet out of its interface in ${exit.id}, in another Availability Zone.`);
    }
    return { kind: 'vpc', attachment: next, exit };
  }
  const what = !next ? `${nextId}, which the snapshot does not describe` : next.resourceType === 'vpc' ? `${next.id}, the attachment of ${next.resourceId}` : `${next.id} (a ${next.resourceType} attachment${next.resourceId ? ` to ${next.resourceId}` : ''})`;
  b.gateway(leg, 'gateway', tgwId, `${tgwId} routes it to ${what}; beyond it the path is outside the snapshot and assumed`, packet);
  b.note(`${table.id} routes ${formatIp(packet.dst)} to ${what}: what happens beyond it is not evaluated, and vpcwhy assumes it delivers the packet.`);
  return { kind: 'beyond', attachmentId: nextId, ...(next ? { attachment: next } : {}) };
}

/**
 * Out of a transit gateway's interface in `exit` to `eni` (AWS "Network ACLs for transit gateways"): in
 * one subnet no NACL is evaluated; otherwise the attachment subnet's NACL outbound, its route table
 * (the VPC's local route, or an appliance beyond which the path is assumed), and the NACL of `eni`'s
 * subnet inbound. False when the packet went to an appliance.
 */
function outOfTgw(b: PathBuilder, leg: PathLeg, exit: Subnet | undefined, eni: Eni, packet: Packet): boolean {
  if (exit && exit.id === eni.subnetId) {
    b.naclSkip(leg, exit.id, 'outbound', packet);
    b.naclSkip(leg, eni.subnetId, 'inbound', packet);
    return true;
  }
  if (exit) {
    b.nacl(leg, exit.id, 'outbound', packet);
    if (leg === 'forward') {
      const d = b.route(leg, exit.id, packet, (r) => (r.target && r.target.kind !== 'local' && r.target.kind !== 'eni' && r.target.kind !== 'instance' ? `the route table of ${exit.id}, where the transit gateway's interface is, sends ${formatIp(packet.dst)} to ${r.target.id}, not into the VPC` : null));
      if (d.outcome === 'forward' && d.target && d.target.kind !== 'local' && d.target.id !== eni.id && d.target.id !== eni.instanceId) {
        b.beyond = d.target.id;
        b.gateway(leg, 'appliance', d.target.id, `to ${d.target.id}, where ${exit.id}'s route table sends the transit gateway's traffic; beyond it the path is assumed`, packet);
        b.note(`The route table of ${exit.id} sends the transit gateway's traffic to ${d.target.id}: the answer holds as far as ${d.target.id}, and beyond it is assumed, not evaluated.`);
        return false;
      }
    }
  }
  b.nacl(leg, eni.subnetId, 'inbound', packet);
  return true;
}

/**
 * A route to a VPC endpoint (ref 6.1): a gateway endpoint (S3, DynamoDB) carries the packet to its service
 * for the addresses of the service's prefix list, TCP or ICMP echo only (ref 7.3
 * VPCE_GATEWAY_PROTOCOL_RESTRICTION), and its policy is not evaluated (noted); a Gateway Load Balancer
 * endpoint hands it to the appliances behind it, beyond which the path is assumed. False when the path
 * ends here (dropped, or beyond an appliance).
 */
function throughGatewayEndpoint(b: PathBuilder, a: Eni, d: RouteDecision, packet: Packet): boolean {
  const id = d.target!.id;
  const ep = b.index.vpcEndpointById.get(id);
  if (ep?.type === 'GatewayLoadBalancer') {
    b.beyond = id;
    b.gateway('forward', 'appliance', id, `to Gateway Load Balancer endpoint ${id}${ep.serviceName ? ` (${ep.serviceName})` : ''}: the appliances behind it are not in the snapshot, so beyond it the path is assumed`, packet);
    b.note(`The route sends the packet to Gateway Load Balancer endpoint ${id}: the answer holds as far as ${id}, and what its appliances do (and the way back) is assumed, not evaluated.`);
    return false;
  }
  const service = ep?.serviceName ? ep.serviceName : 'its service';
  const echo = (packet.protocol === ICMP && packet.icmpType === 8) || (packet.protocol === ICMPV6 && packet.icmpType === 128);
  if (packet.protocol !== TCP && !echo) {
    b.hops.push({
      component: 'route',
      subnetId: a.subnetId,
      route: d,
      reason: 'gateway-drops',
      problem: `${id} is a gateway endpoint, which carries only TCP and ICMP echo to ${service}: it drops ${protocolName(packet.protocol)} (VPCE_GATEWAY_PROTOCOL_RESTRICTION)`,
      fix: `use TCP to reach ${service}, or route ${formatIp(packet.dst)} through a NAT or internet gateway instead of ${id}`,
      path: 'forward',
      decision: 'deny',
      packet,
    });
    return false;
  }
  b.gateway('forward', 'gateway', id, `to ${service} through gateway endpoint ${id}; its policy is not evaluated`, packet);
  b.note(ep
    ? `The policy of gateway endpoint ${id} (${service}) is not evaluated: vpcwhy assumes it allows the request${ep.hasPolicy ? '' : ' (the snapshot has no policy document for it)'}.`
    : `${id} is not described${hasSection(b.index.snapshot, 'VpcEndpoints') ? ' in the snapshot' : ' (the snapshot has no describe-vpc-endpoints output)'}: vpcwhy takes it for a gateway endpoint to the service of the route's prefix list, and does not evaluate its policy.`);
  return true;
}

function eniToOutside(b: PathBuilder, a: Eni, dst: Endpoint, packet: Packet, reply: Packet, hasResponse: boolean): void {
  const index = b.index;
  const vpc = index.vpcById.get(a.vpcId);
  const subnet = subnetOf(index, a);
  b.sg('forward', a, 'outbound', packet, false);
  b.nacl('forward', a.subnetId, 'outbound', packet);
  const toInternet = dst.kind === 'external' ? dst.where === 'internet' : true;
  const d = b.route('forward', a.subnetId, packet, (r) => {
    if (!r.target) return null;
    if (r.target.kind === 'igw') {
      if (!toInternet) return `${r.target.id} is an internet gateway, and ${packet.dst.family === 4 ? 'a private address' : 'this address'} is not on the internet`;
      if (listedDetached(index, r.target.id, a.vpcId)) return `${r.target.id} is in the snapshot without an attachment to ${a.vpcId} (describe-internet-gateways), so it carries no traffic for ${a.vpcId}`;
      const igw = internetGatewayOf(index, a.vpcId);
      if (igw.kind === 'attached' && igw.inferred !== null && igw.id === r.target.id) b.note(igw.inferred);
      if (packet.src.family === 4 && internetFacingAddress(a, packet.src) === undefined) {
        return {
          problem: `${a.id} has no public IPv4 or Elastic IP address, so ${r.target.id} drops its traffic (IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS)`,
          fix: `give ${a.id} a public IPv4 or an Elastic IP address, or route ${formatIp(packet.dst)} from ${a.subnetId} to a NAT gateway`,
          reason: 'no-public-address',
        };
      }
      return null;
    }
    if (r.target.kind === 'local') return `the destination is inside the VPC's own CIDR but no network interface in the snapshot has it`;
    if (r.target.kind === 'eigw' && packet.src.family !== 6) return `${r.target.id} is an egress-only internet gateway, which carries IPv6 only`;
    if (r.target.kind === 'eigw') {
      if (listedDetached(index, r.target.id, a.vpcId)) return `${r.target.id} is in the snapshot without an attachment to ${a.vpcId} (describe-egress-only-internet-gateways), so it carries no traffic for ${a.vpcId}`;
      if (!index.snapshot.egressOnlyInternetGateways.some((g) => g.id === r.target!.id)) {
        b.note(`${r.target.id} is not described${hasSection(index.snapshot, 'EgressOnlyInternetGateways') ? ' in the snapshot' : ' (the snapshot has no describe-egress-only-internet-gateways output)'}: its active route in ${r.routeTableId} shows it is attached to ${a.vpcId} (a route to a deleted gateway is a blackhole), so vpcwhy takes it as attached.`);
      }
    }
    if (r.target.kind === 'nat' && !natTranslates(packet.protocol)) {
      return {
        problem: `${r.target.id} is a NAT gateway, which translates only TCP, UDP and ICMP: it drops ${protocolName(packet.protocol)} traffic`,
        fix: `a NAT gateway cannot carry ${protocolName(packet.protocol)}: give ${a.id} a public IP and route the destination to an internet gateway, or tunnel the traffic over TCP or UDP`,
      };
    }
    if (r.target.kind === 'vgw') {
      const vgw = vgwRouting(index, r.target.id, packet.dst);
      if (vgw.kind === 'drops') return vgw;
    }
    if (r.target.kind === 'pcx' && toInternet) {
      return `${r.target.id} is a VPC peering connection, which carries only traffic to the peer VPC's own addresses, not to the internet`;
    }
    if (r.target.kind === 'pcx') return peeringCarries(index, r.target.id, a.vpcId, packet.dst);
    return null;
  });
  let tgwOut: TgwExit | undefined;
  if (d.outcome === 'forward' && d.target) {
    const t = d.target;
    if (t.kind === 'igw' || t.kind === 'eigw') {
      b.bpa('forward', vpc, subnet, 'outbound', true, packet);
      b.gateway('forward', 'internet-gateway', t.id, t.kind === 'igw' ? `to the internet through ${t.id}` : `to the internet through egress-only gateway ${t.id}`, packet);
    } else if (t.kind === 'nat') {
      throughNat(b, a, t.id, dst, packet, reply, hasResponse);
      return;
    } else if (t.kind === 'eni' || t.kind === 'instance') {
      throughAppliance(b, a, d, packet);
      return;
    } else if (t.kind === 'vpce') {
      if (!throughGatewayEndpoint(b, a, d, packet)) return;
    } else if (t.kind === 'tgw' && (tgwOut = tgwLeg(b, 'forward', a, t.id, packet, null)).kind !== 'assumed') {
      if (tgwOut.kind !== 'beyond') return;
      if (tgwOut.attachment?.resourceType === 'vpc') {
        // On to another VPC (a central egress or inspection VPC): beyond it, assumed.
        b.beyond = tgwOut.attachment.id;
        return;
      }
      // On to a VPN, Direct Connect or peering attachment: the response comes back out of the attachment's interface.
      if (!hasResponse) return;
      const att = vpcAttachment(index, t.id, a.vpcId);
      outOfTgw(b, 'return', att && attachmentSubnet(index, att, subnet?.availabilityZone), a, reply);
      b.sg('return', a, 'inbound', reply, true);
      return;
    } else {
      noteGateway(b, 'forward', d, packet);
      if (t.kind !== 'pcx' && t.kind !== 'tgw' && t.kind !== 'vgw' && t.kind !== 'core-network') {
        b.gateway('forward', 'gateway', t.id, `leaves the VPC through ${t.id}`, packet);
      }
    }
  }
  if (dst.kind === 'eni' && dst.via === 'public' && d.outcome === 'forward' && d.target?.kind !== 'igw') {
    // Left through a gateway whose onward path the snapshot does not show (a transit gateway, a VPN): if
    // the packet reaches the internet at all, it does so with a source address the snapshot cannot tell.
    b.notes.push(`${packet.dst.family === 4 ? 'The destination is a public address' : 'The destination is reached over the internet'}: beyond ${d.target?.id ?? 'the route'} the path and the source address it arrives with are outside the snapshot, so ${dst.eni.id}'s network ACL and security groups are not evaluated.`);
    return;
  }
  if (dst.kind === 'eni' && dst.via === 'public') {
    // Back in through the destination's internet gateway: the source is the sender's public address (so
    // group references cannot match it, ref 8.12) and the destination the receiver's private address.
    const srcPublic = packet.src.family === 4 ? internetFacingAddress(a, packet.src) : packet.src;
    const dstPrivate = privatePartner(dst.eni, packet.dst) ?? packet.dst;
    const seen: Packet = { ...packet, src: srcPublic ?? packet.src, dst: dstPrivate };
    inboundFromInternet(b, dst.eni, seen, hasResponse);
    if (!hasResponse) return;
    // The response crosses the internet back to the sender's public address, then the sender's subnet.
    const back = reversePacket({ ...packet, src: srcPublic ?? packet.src });
    const toSender: Packet = { ...back, dst: packet.src };
    if (d.target?.kind === 'igw') b.bpa('return', vpc, subnet, 'inbound', true, toSender);
    b.nacl('return', a.subnetId, 'inbound', toSender);
    b.sg('return', a, 'inbound', toSender, true);
    return;
  }
  if (!hasResponse) return;
  if (d.target?.kind === 'igw' || d.target?.kind === 'eigw') b.bpa('return', vpc, subnet, 'inbound', true, reply);
  b.nacl('return', a.subnetId, 'inbound', reply);
  b.sg('return', a, 'inbound', reply, true);
}

/**
 * Through a NAT gateway (ref 8.11): its subnet's NACL inbound, the translation to its private address (and,
 * at the internet gateway, to its public one), its subnet's route and NACL outbound. It remaps the source
 * port into 1024-65535, so the NACLs the response meets before it is translated back are judged over that
 * range. A public address of an interface in the snapshot is traced in to it (the hairpin): its subnet's
 * NACL and its groups see the NAT gateway's public address as the source. A private NAT gateway's traffic
 * is dropped by an internet gateway (AWS "NAT gateways", connectivity types).
 */
function throughNat(b: PathBuilder, a: Eni, natId: string, dst: Endpoint, packet: Packet, reply: Packet, hasResponse: boolean): void {
  const index = b.index;
  const nat: NatGateway | undefined = index.natById.get(natId);
  if (!nat) {
    b.gateway('forward', 'nat-gateway', natId, `through NAT gateway ${natId}, which the snapshot does not describe; beyond it is not evaluated`, packet);
    b.note(`NAT gateway ${natId} is not in the snapshot${hasSection(index.snapshot, 'NatGateways') ? '' : ' (it has no describe-nat-gateways output)'}: the path after it is not evaluated.`);
    if (hasResponse) {
      b.nacl('return', a.subnetId, 'inbound', reply);
      b.sg('return', a, 'inbound', reply, true);
    }
    return;
  }
  const natIp = nat.privateIps.find((ip) => ip.family === packet.src.family) ?? packet.src;
  const natPublic = nat.connectivityType === 'public' ? nat.publicIps.find((ip) => ip.family === packet.src.family) : undefined;
  const sameSubnet = nat.subnetId === a.subnetId;
  const remaps = hasPorts(packet.protocol) && packet.srcPort !== null;
  // The port the NAT gateway picks is its own: the one shown is the sender's, moved into the range.
  const natPort = remaps ? Math.min(Math.max(packet.srcPort ?? NAT_PORTS.from, NAT_PORTS.from), NAT_PORTS.to) : packet.srcPort;
  if (sameSubnet) b.naclSkip('forward', nat.subnetId, 'inbound', packet);
  else b.nacl('forward', nat.subnetId, 'inbound', packet);
  b.gateway(
    'forward',
    'nat-gateway',
    nat.id,
    `translated by ${nat.id} to its private address ${formatIp(natIp)}${natPublic ? ` (and to its public address ${formatIp(natPublic)} at the internet gateway)` : nat.connectivityType === 'private' ? ' (a private NAT gateway)' : ''}${remaps ? `, source port remapped into ${NAT_PORTS.from}-${NAT_PORTS.to}` : ''}`,
    packet,
  );
  if (remaps) {
    b.note(`${nat.id} remaps the source port into ${NAT_PORTS.from}-${NAT_PORTS.to} (AWS "NAT gateway basics"): the network ACLs the response meets before ${nat.id} translates it back are judged for every port of that range; the packets show port ${natPort}.`);
  }
  const outPacket: Packet = { ...packet, src: natIp, srcPort: natPort };
  const vpc = index.vpcById.get(nat.vpcId);
  const natSubnet = index.subnetById.get(nat.subnetId);
  const toInternet = dst.kind === 'eni' ? dst.via === 'public' : dst.kind === 'external' && dst.where === 'internet';
  const d = b.route('forward', nat.subnetId, outPacket, (r): string | RouteProblem | null => {
    if (!r.target) return null;
    if (r.target.kind === 'igw') {
      if (nat.connectivityType === 'private') {
        return {
          problem: `${nat.id} is a private NAT gateway: ${r.target.id} drops the traffic it sends, which has no public address (AWS "NAT gateways": connectivity types)`,
          fix: `route ${formatIp(packet.dst)} from ${a.subnetId} to a public NAT gateway, or route ${nat.subnetId}'s traffic for it to a transit or virtual private gateway`,
          reason: 'gateway-drops',
        };
      }
      if (!toInternet) return `${r.target.id} is an internet gateway, and ${formatIp(packet.dst)} is not on the internet`;
      return natPublic ? null : `${nat.id} has no public address in the snapshot, so ${r.target.id} cannot translate its traffic`;
    }
    if (r.target.kind === 'local' || r.target.kind === 'nat') return `the NAT gateway's subnet routes the destination to ${r.target.id}, which does not lead there`;
    if (r.target.kind === 'eigw') return `${r.target.id} is an egress-only internet gateway, which carries IPv6 only`;
    if (r.target.kind === 'pcx' && toInternet) return `${r.target.id} is a VPC peering connection, which carries only traffic to the peer VPC's own addresses, not to the internet`;
    if (r.target.kind === 'vgw') {
      const vgw = vgwRouting(index, r.target.id, outPacket.dst);
      if (vgw.kind === 'drops') return vgw;
    }
    // A transit gateway, a VPN or Cloud WAN may lead on to the internet elsewhere (assumed, noted).
    if (toInternet && !(r.target.kind === 'tgw' || r.target.kind === 'vgw' || r.target.kind === 'core-network')) {
      return `the NAT gateway's subnet routes the destination to ${r.target.id}, not to an internet gateway`;
    }
    return null;
  });
  b.nacl('forward', nat.subnetId, 'outbound', outPacket);
  const viaIgw = d.outcome === 'forward' && d.target?.kind === 'igw';
  if (viaIgw) {
    b.bpa('forward', vpc, natSubnet, 'outbound', true, outPacket);
    b.gateway('forward', 'internet-gateway', d.target!.id, `to the internet through ${d.target!.id}, from ${formatIp(natPublic ?? natIp)}`, outPacket);
  } else if (d.outcome === 'forward') {
    noteGateway(b, 'forward', d, outPacket);
  }
  // The far side sees the NAT gateway's public address (through the internet) or its private one.
  const seenSrc = viaIgw ? natPublic ?? natIp : natIp;
  if (viaIgw && dst.kind === 'eni' && dst.via === 'public') {
    // Hairpin: in again through the destination's internet gateway to its private address; a group
    // reference never matches the NAT gateway's public address (ref 4.2, 8.12).
    const dstPrivate = privatePartner(dst.eni, packet.dst) ?? packet.dst;
    inboundFromInternet(b, dst.eni, { ...outPacket, src: seenSrc, dst: dstPrivate }, hasResponse, remaps);
  }
  if (!hasResponse) return;
  const backToNat = reversePacket({ ...outPacket, src: seenSrc });
  const atNat: Packet = { ...backToNat, dst: natIp };
  if (viaIgw) b.bpa('return', vpc, natSubnet, 'inbound', true, atNat);
  if (remaps) b.naclRemapped('return', nat.subnetId, 'inbound', atNat);
  else b.nacl('return', nat.subnetId, 'inbound', atNat);
  if (sameSubnet) b.naclSkip('return', nat.subnetId, 'outbound', reply);
  else b.nacl('return', nat.subnetId, 'outbound', reply);
  b.nacl('return', a.subnetId, 'inbound', reply);
  b.sg('return', a, 'inbound', reply, true);
}

function outsideToEni(
  b: PathBuilder,
  src: Extract<Endpoint, { kind: 'external' }>,
  eni: Eni,
  dstIp: Ip,
  via: 'private' | 'public',
  packet: Packet,
  reply: Packet,
  hasResponse: boolean,
): void {
  if (src.where === 'internet') {
    if (via === 'private' && dstIp.family === 4) {
      // The internet cannot address a private IPv4, and this one has no public address paired with it
      // (tracePath has turned the others into their public side): the internet gateway has nothing to
      // translate, so the packet never reaches the VPC (ref 7.3 IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS).
      const others = eni.publicIps.filter((p) => !ipEquals(p.privateIp, dstIp));
      b.unroutable(
        eni.subnetId,
        packet,
        others.length > 0
          ? `${formatIp(dstIp)} has no public IPv4 or Elastic IP address of its own (${eni.id}'s ${others.map((p) => `${formatIp(p.publicIp)} belongs to ${formatIp(p.privateIp)}`).join(', ')}), so an internet host cannot reach it: the internet gateway translates only public addresses paired with a private one`
          : `${eni.id} has no public IPv4 or Elastic IP address, so an internet host cannot reach ${formatIp(dstIp)}: the internet gateway translates only public addresses paired with a private one`,
        `associate an Elastic IP address with ${formatIp(dstIp)} of ${eni.id} (or give it a public IPv4), or reach it from inside the VPC or over a VPN`,
        'no-public-address',
      );
      return;
    }
    const internal: Packet = { ...packet, dst: via === 'public' ? (privatePartner(eni, dstIp) ?? dstIp) : dstIp };
    inboundFromInternet(b, eni, internal, hasResponse);
    return;
  }
  if (via === 'public') {
    // A VPN, Direct Connect or transit gateway delivers to private addresses only; a public address is
    // reached over the internet, where a private source address cannot go (ref 7.3, 8.12).
    b.unroutable(
      eni.subnetId,
      packet,
      `${formatIp(dstIp)} is a public address of ${eni.id}, reached only over the internet through an internet gateway; an on-premises host at ${formatIp(src.ip)} gets there only after a NAT gives it a public address, and a VPN or Direct Connect delivers to private addresses only`,
      `over a VPN or Direct Connect, use ${eni.id}'s private address${eni.primaryPrivateIp ? ` ${formatIp(eni.primaryPrivateIp)}` : ''}; over the internet, trace from the public address the on-premises network leaves with`,
    );
    return;
  }
  // On-premises host: arrives over a VPN / Direct Connect / transit gateway; routing outside the VPC is assumed.
  b.gateway('forward', 'gateway', src.routedTo ?? 'on-premises', src.routedTo ? `from the on-premises network, which ${eni.subnetId} routes to ${src.routedTo}` : `from on-premises host ${src.ip.family === 4 ? 'over a private network' : ''}`.trim(), packet);
  b.notes.push('The path from the on-premises network into the VPC is outside the snapshot and assumed to deliver.');
  b.nacl('forward', eni.subnetId, 'inbound', packet);
  b.sg('forward', eni, 'inbound', packet, false);
  if (!hasResponse) return;
  b.sg('return', eni, 'outbound', reply, true);
  b.nacl('return', eni.subnetId, 'outbound', reply);
  b.route('return', eni.subnetId, reply, targetIs('vgw', 'tgw', 'eni', 'instance', 'pcx', 'core-network', 'lgw', 'nat'));
}

/**
 * `packet.dst` is the ENI's private address (after the IGW's translation). `remapped`: the source port is a
 * NAT gateway's, so the response's NACL is judged over 1024-65535.
 */
function inboundFromInternet(b: PathBuilder, eni: Eni, packet: Packet, hasResponse: boolean, remapped = false): void {
  const index = b.index;
  const vpc = index.vpcById.get(eni.vpcId);
  const subnet = subnetOf(index, eni);
  const igw = internetGatewayOf(index, eni.vpcId);
  if (igw.kind === 'not-attached') {
    b.unroutable(eni.subnetId, packet, igw.why, `attach an internet gateway to ${eni.vpcId} and route ${eni.subnetId}'s internet traffic (0.0.0.0/0, ::/0) to it`, igw.reason);
    return;
  }
  if (igw.inferred !== null) b.note(igw.inferred);
  b.gateway('forward', 'internet-gateway', igw.id, `from the internet through ${igw.id}`, packet);
  b.bpa('forward', vpc, subnet, 'inbound', false, packet);
  b.nacl('forward', eni.subnetId, 'inbound', packet);
  b.sg('forward', eni, 'inbound', packet, false);
  if (!hasResponse) return;
  const reply = reversePacket(packet);
  b.sg('return', eni, 'outbound', reply, true);
  if (remapped) b.naclRemapped('return', eni.subnetId, 'outbound', reply);
  else b.nacl('return', eni.subnetId, 'outbound', reply);
  const back = b.route('return', eni.subnetId, reply, (r) =>
    r.target && r.target.kind !== 'igw' && r.target.kind !== 'eigw'
      ? `the response to the internet host is routed to ${r.target.id}, not back through ${igw.id}, so it does not return the way the connection came (asymmetric path)`
      : null,
  );
  if (back.outcome === 'forward' && back.target?.kind === 'eigw') {
    // An egress-only gateway passes outbound IPv6; whether it forwards the reply of a connection it did not
    // see open is not documented.
    b.gateway('return', 'internet-gateway', back.target.id, `the response leaves through egress-only gateway ${back.target.id}, not ${igw.id}`, reply);
    b.note(`The response is routed to egress-only internet gateway ${back.target.id}, while the connection came in through ${igw.id}: AWS documents an egress-only gateway as passing outbound IPv6 and blocking connections from the internet, not what it does with the reply of a connection it did not see open; vpcwhy assumes the reply gets out, and the client may still drop or not receive it.`);
  }
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
