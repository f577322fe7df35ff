/**
 * Hop-by-hop evaluation of a hypothetical flow (ref 8.2): the facade of src/engine/path/, where the walk
 * lives in parts: types.ts (hops, endpoints, results), endpoints.ts (resolving --from/--to), legs.ts (one
 * direction through SG, NACL and route checks), tgw.ts and gateways.ts (transit gateways, NAT, peering,
 * VPN, endpoints, appliances, the internet gateway) and hops.ts (the walk assembling the hops).
 */
export type { Endpoint, GatewayComponent, Hop, HopDecision, PathLeg, PathResult, RouteReason, TraceInput } from './path/types.js';
export { placeExternal, resolveEndpoint } from './path/endpoints.js';
export { NAT_PORTS, naclHop, naclSkippedHop, natTranslates, reversePacket, sgHop } from './path/legs.js';
export { natGatewayOfEni } from './path/gateways.js';
export { tracePath } from './path/hops.js';
