/**
 * Connection tracking (ref 4.3, 8.10): a TCP or UDP flow is untracked at an interface when its groups allow
 * the request with a rule for all addresses (0.0.0.0/0 or ::/0) and allow all traffic back to all addresses
 * on all ports; its response is then judged by that reverse rule, not passed as a tracked response.
 * Connections through NAT gateways, egress-only and transit gateways, Gateway Load Balancers and their
 * endpoints, Network Load Balancers, interface endpoints (PrivateLink) and Network Firewall endpoints are
 * always tracked (AWS "Security group connection tracking": automatically tracked connections).
 */
import type { Packet } from '../model/flow.js';
import type { Direction, Eni, SgRule } from '../model/snapshot.js';
import { TCP, UDP } from '../net/protocol.js';
import { type SgDecision, evaluateSecurityGroups, sgRulesFor } from './security-group.js';
import type { SnapshotIndex } from './snapshot-index.js';

/** Interface types whose connections are always tracked (the peer side of an automatically tracked connection). */
export const AUTO_TRACKED_INTERFACE_TYPES: ReadonlySet<string> = new Set([
  'nat_gateway',
  'natGateway',
  'transit_gateway',
  'vpc_endpoint',
  'network_load_balancer',
  'gateway_load_balancer',
  'gateway_load_balancer_endpoint',
  'global_accelerator_managed',
]);

/** Is a connection at or with this interface always tracked (an endpoint, a load balancer, a NAT or transit gateway interface)? */
export function autoTrackedPeer(peer: Eni | undefined): boolean {
  return peer !== undefined && AUTO_TRACKED_INTERFACE_TYPES.has(peer.interfaceType);
}

/**
 * Is the flow whose response `reply` crosses `eni` in `direction` untracked there? `request`: the groups'
 * decision on the request (the reversed packet, the other direction), when already evaluated.
 */
export function untrackedAt(index: SnapshotIndex, eni: Eni, direction: Direction, reply: Packet, request?: SgDecision): boolean {
  if (reply.protocol !== TCP && reply.protocol !== UDP) return false;
  if (eni.groupIds.length === 0) return false;
  const req = request ?? evaluateSecurityGroups(index, eni, direction === 'inbound' ? 'outbound' : 'inbound', {
    protocol: reply.protocol, src: reply.dst, dst: reply.src, srcPort: reply.dstPort, dstPort: reply.srcPort, icmpType: reply.icmpType, icmpCode: reply.icmpCode,
  });
  if (!req.allowed) return false;
  const everyone = (r: SgRule) => r.peer.kind === 'cidr' && r.peer.cidr.prefix === 0 && r.peer.cidr.family === reply.src.family;
  if (!req.matched.some(everyone)) return false;
  return sgRulesFor(index, eni.groupIds, direction).some(
    (r) => everyone(r) && (r.protocol === -1 || (r.protocol === reply.protocol && (r.ports === null || (r.ports.from <= 0 && r.ports.to >= 65535)))),
  );
}
