/**
 * One direction through the checks of a path: the security-group, network-ACL and route hops a PathBuilder
 * records, and the address translations a leg sees (ref 4.3, 5.1, 8.12).
 */
import type { Ip } from '../../model/address.js';
import type { Packet } from '../../model/flow.js';
import type { Direction, Eni, Subnet, Vpc } from '../../model/snapshot.js';
import { ICMP, ICMPV6, TCP, UDP, hasPorts } from '../../net/protocol.js';
import { ipEquals } from '../../net/ip.js';
import { evaluateNacl } from '../nacl.js';
import { type RouteDecision, evaluateRoute } from '../route.js';
import { type SgDecision, evaluateSecurityGroups } from '../security-group.js';
import type { SnapshotIndex } from '../snapshot-index.js';
import { autoTrackedPeer, untrackedAt } from '../tracking.js';
import { type GatewayDetail, type RouteExplanation, reasonOf } from './codes.js';
import type { GatewayComponent, Hop, HopDecision, PathLeg } from './types.js';

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

export class PathBuilder {
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

  /** Route lookup; `expect` checks the chosen target, returning why it is unusable (a code with its data). */
  route(leg: PathLeg, subnetId: string, packet: Packet, expect?: (d: RouteDecision) => RouteExplanation | null): RouteDecision {
    const table = this.index.routeTableBySubnet.get(subnetId);
    const d = evaluateRoute(this.index, table, packet.dst);
    if (d.outcome === 'no-table') {
      this.hops.push({ component: 'route', subnetId, route: d, skipped: 'no-table-in-snapshot', path: leg, decision: 'skip', packet });
      return d;
    }
    if (d.outcome === 'no-route' || d.outcome === 'blackhole') {
      const explanation: RouteExplanation = d.outcome === 'no-route'
        ? { code: 'NO_ROUTE', routeTableId: d.routeTableId, subnetId, destination: packet.dst }
        : { code: 'BLACKHOLE_ROUTE', routeTableId: d.routeTableId, destination: packet.dst };
      this.hops.push({ component: 'route', subnetId, route: d, reason: d.outcome, explanation, path: leg, decision: 'deny', packet });
      return d;
    }
    this.routeHop(leg, subnetId, d, packet, expect?.(d) ?? undefined);
    return d;
  }

  /** A forward packet that no route can carry to the subnet (from the internet to a private address, ...). */
  unroutable(subnetId: string, packet: Packet, explanation: RouteExplanation): void {
    const table = this.index.routeTableBySubnet.get(subnetId);
    const route: RouteDecision = { routeTableId: table?.id ?? null, outcome: 'no-route', route: null, target: null, prefixLength: -1 };
    this.routeHop('forward', subnetId, route, packet, explanation);
  }

  /** A route hop decided elsewhere (a transit gateway's table, an attachment): why, on a deny. */
  routeHop(leg: PathLeg, subnetId: string, route: RouteDecision, packet: Packet, deny?: RouteExplanation): void {
    if (!deny) {
      this.hops.push({ component: 'route', subnetId, route, path: leg, decision: 'allow', packet });
      return;
    }
    this.hops.push({ component: 'route', subnetId, route, reason: reasonOf(deny.code), explanation: deny, path: leg, decision: 'deny', packet });
  }

  /** A note said once per answer. */
  note(text: string): void {
    if (!this.notes.includes(text)) this.notes.push(text);
  }

  gateway(leg: PathLeg, component: GatewayComponent, id: string, detail: GatewayDetail, packet: Packet, decision: HopDecision = 'allow'): void {
    this.hops.push({ component, id, detail, path: leg, decision, packet });
  }

  /** VPC Block Public Access on the internet-gateway path (ref 8.17). */
  bpa(leg: PathLeg, vpc: Vpc | undefined, subnet: Subnet | undefined, direction: Direction, initiatedFromInside: boolean, packet: Packet): void {
    const mode = subnet?.bpaMode && subnet.bpaMode !== 'off' ? subnet.bpaMode : vpc?.bpaMode;
    if (!vpc || !mode || mode === 'off') return;
    const blocked = mode === 'block-bidirectional' || (mode === 'block-ingress' && !initiatedFromInside);
    this.hops.push({ component: 'block-public-access', direction, vpcId: vpc.id, mode, path: leg, decision: blocked ? 'deny' : 'allow', packet });
  }
}

export function subnetOf(index: SnapshotIndex, eni: Eni): Subnet | undefined {
  return index.subnetById.get(eni.subnetId);
}

/**
 * The address an ENI uses towards the internet: the public IPv4 or Elastic IP associated with this very
 * private IPv4 (the IGW translates it; another address of the same ENI with its own public IP does not
 * lend it, ref 7.3 IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS), or, for IPv6, its own address.
 */
export function internetFacingAddress(eni: Eni, privateIp: Ip): Ip | undefined {
  if (privateIp.family === 6) return privateIp;
  return eni.publicIps.find((p) => ipEquals(p.privateIp, privateIp))?.publicIp;
}

/**
 * The private IPv4 a public (or Elastic) IP of `eni` is paired with, where the internet gateway delivers
 * packets addressed to it (ref 8.12); the primary private address when the pairing is not in the snapshot.
 */
export function privatePartner(eni: Eni, publicIp: Ip): Ip | null {
  return eni.publicIps.find((p) => ipEquals(p.publicIp, publicIp))?.privateIp ?? eni.primaryPrivateIp;
}

export const targetIs = (...kinds: string[]) => (d: RouteDecision): RouteExplanation | null => (d.target && kinds.includes(d.target.kind) ? null : { code: 'ROUTE_TARGET_ELSEWHERE', targetId: d.target?.id ?? null });

/** The source ports a NAT gateway translates to (AWS "NAT gateway basics": 1024-65535). */
export const NAT_PORTS = { from: 1024, to: 65535 } as const;

/**
 * A NAT gateway translates TCP, UDP and ICMP (ICMPv6 for NAT64) and drops every other protocol (AWS
 * "NAT gateway basics"); it takes no unsolicited inbound connections (AWS "NAT gateways").
 */
export function natTranslates(protocol: number): boolean {
  return protocol === TCP || protocol === UDP || protocol === ICMP || protocol === ICMPV6;
}
