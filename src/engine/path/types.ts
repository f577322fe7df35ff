/** The shapes of a traced path: legs, hops, endpoints and the result (see hops.ts for the walk). */
import type { Ip } from '../../model/address.js';
import type { Packet } from '../../model/flow.js';
import type { Direction, Eni } from '../../model/snapshot.js';
import type { NaclDecision } from '../nacl.js';
import type { RouteDecision } from '../route.js';
import type { SgDecision } from '../security-group.js';
import type { GatewayDetail, RouteExplanation } from './codes.js';

export type PathLeg = 'forward' | 'return';

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
      /** Set on a deny: why, as a code with its data (codes.ts; rendered in src/explain/path-text.ts). */
      readonly explanation?: RouteExplanation;
      readonly skipped?: 'same-subnet' | 'no-table-in-snapshot';
    })
  | (HopBase & {
      readonly component: GatewayComponent;
      readonly id: string;
      /** What it did with the packet (codes.ts; rendered in src/explain/path-text.ts). */
      readonly detail: GatewayDetail;
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

export interface TraceInput {
  readonly src: Endpoint;
  readonly dst: Endpoint;
  readonly packet: Packet;
}
