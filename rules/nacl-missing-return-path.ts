/**
 * Traffic that gets in (or out) of a subnet but whose return traffic its NACL denies (ref 5.1, 5.3, 8.6).
 * NACLs are stateless: the responses of a service must be allowed outbound to the clients' ephemeral ports,
 * and the replies to connections an interface starts must be allowed inbound to its ephemeral ports.
 *
 * Exact, per subnet, per set of security groups and per address family:
 * - inbound services: requests (TCP, UDP) from clients' ephemeral ports that the interfaces' groups and the
 *   inbound NACL admit; their responses (source and destination swapped) against the outbound NACL;
 * - outbound connections: requests from the interfaces' ephemeral ports that the groups and the outbound
 *   NACL admit; their replies against the inbound NACL;
 * - NAT gateway subnets: connections the NAT gateway makes (source ports remapped into 1024-65535) and the
 *   requests it forwards for the subnets that route to it, with their responses.
 * Only peers the subnet can route to are judged (its VPC and the active routes of its route table), never
 * peers inside the subnet itself (same-subnet traffic skips the NACL, ref 8.8), and never the AWS service
 * addresses SGs and NACLs do not filter (ref 3). Security groups are stateful: their rules never judge
 * the return traffic.
 *
 * Severity: high when some admitted requests get no response on any ephemeral port (the service or the
 * connection cannot work); low when only part of the ephemeral range is denied (clients whose operating
 * system picks ports there fail: ELB, NAT gateways and Lambda use 1024-65535). An interface's own
 * connections are reported only when broken outright: which ports it picks is its operating system's
 * choice, and a NACL that admits replies to some of them is taken to be written for it.
 */
import {
  ICMP,
  TCP,
  cidrInterval,
  UDP,
  defineRule,
  eniAddressIntervals,
  intersect,
  isEmpty,
  mirror,
  naclAdmits,
  naclEntriesFor,
  naclEntryName,
  naclEntrySet,
  numberOption,
  renderSet,
  routableIntervals,
  setOf,
  sgAdmits,
  subnetIntervals,
  subtract,
  unfilterableIntervals,
  union,
  unionAll,
  type Direction,
  type Eni,
  type Family,
  type Interval,
  type NaclEntry,
  type NetworkAcl,
  type PacketSet,
  type RuleContext,
  type SetRow,
  type Subnet,
} from '../src/audit/rule-api.js';

type Case = 'inbound-service' | 'outbound-connection' | 'nat-forwarded' | 'nat-outbound';

const MAX_ROWS = 10;
/** Above this many boxes a set is summarised, not listed (rendering cost grows fast). */
const MAX_RENDER_BOXES = 400;

function srcSet(family: Family, ivs: readonly Interval<bigint>[]): PacketSet {
  return unionAll(family, ivs.map((src) => setOf(family, { src })));
}
function dstSet(family: Family, ivs: readonly Interval<bigint>[]): PacketSet {
  return unionAll(family, ivs.map((dst) => setOf(family, { dst })));
}

/** TCP and UDP packets whose source port is in [lo, hi] (a client's ephemeral port). */
function fromPorts(family: Family, lo: number, hi: number): PacketSet {
  return union(setOf(family, { protocols: { lo: TCP, hi: TCP }, srcPorts: { lo, hi } }), setOf(family, { protocols: { lo: UDP, hi: UDP }, srcPorts: { lo, hi } }));
}

/** The packets of `reqs` (request-shaped) for which some client port in [lo, hi] gets a return packet through. */
function servedRequests(family: Family, working: PacketSet, lo: number, hi: number): PacketSet {
  // The working returns, back in request shape, with the client port forgotten (some port works).
  const back = mirror(working);
  return unionAll(family, back.boxes.map((b) => ({ family, boxes: [{ ...b, a0: lo, a1: hi }] })));
}

/** The entries of one NACL direction that deny packets of `denied`, in rule order (the `*` rule when nothing listed does). */
function denyingEntries(acl: NetworkAcl, direction: Direction, family: Family, denied: PacketSet): { ruleNumber: number; entry: NaclEntry | null }[] {
  const out: { ruleNumber: number; entry: NaclEntry | null }[] = [];
  let rest = denied;
  for (const e of naclEntriesFor(acl, direction, family)) {
    if (isEmpty(rest)) break;
    const m = naclEntrySet(e, family);
    if (isEmpty(m)) continue;
    if (e.action === 'deny' && !isEmpty(intersect(rest, m))) out.push({ ruleNumber: e.ruleNumber, entry: e });
    rest = subtract(rest, m);
  }
  if (!isEmpty(rest)) out.push({ ruleNumber: family === 4 ? 32767 : 32768, entry: null });
  return out;
}

function rows(set: PacketSet): { rows: SetRow[]; truncated: boolean } {
  if (set.boxes.length > MAX_RENDER_BOXES) return { rows: [], truncated: true };
  const all = renderSet(set);
  return { rows: all.slice(0, MAX_ROWS), truncated: all.length > MAX_ROWS };
}

function protoName(p: number): string {
  return p === TCP ? 'tcp' : p === UDP ? 'udp' : p === ICMP ? 'icmp' : p === -1 ? 'all' : `protocol ${p}`;
}
function ranges(xs: readonly (readonly [number, number])[] | null): string {
  if (xs === null || (xs.length === 1 && xs[0]![0] === 0 && xs[0]![1] === 65535)) return 'all ports';
  return xs.map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`)).join(',');
}

/** `tcp/443, udp/53`: the protocols and destination ports of request rows. */
function serviceSummary(rs: readonly SetRow[]): string {
  const names = [...new Set(rs.map((r) => `${protoName(r.protocol)}/${ranges(r.ports)}`))];
  return names.slice(0, 5).join(', ') + (names.length > 5 ? ', ...' : '');
}

/** The ports the return packets are sent to (the request's source ports): `1024-32767`. */
function clientPortSummary(rs: readonly SetRow[]): string {
  const names = [...new Set(rs.map((r) => ranges(r.ports)))];
  return names.slice(0, 3).join('; ') + (names.length > 3 ? '; ...' : '');
}

interface Judged {
  readonly ctx: RuleContext;
  readonly acl: NetworkAcl;
  readonly subnet: Subnet;
  readonly enis: readonly Eni[];
  readonly family: Family;
  readonly kase: Case;
  readonly requests: PacketSet;
  /** The NACL direction the return packets cross. */
  readonly returnDirection: Direction;
  readonly lo: number;
  readonly hi: number;
  readonly groupIds: readonly string[];
  /** Report when only part of the ephemeral range is denied (not for an instance's own connections: its OS picks the range). */
  readonly partial: boolean;
}

function judge(j: Judged): void {
  const { ctx, acl, family, requests, returnDirection } = j;
  if (isEmpty(requests)) return;
  const returns = mirror(requests);
  const allowed = naclAdmits(acl, returnDirection, family).allowed;
  const denied = subtract(returns, allowed);
  if (isEmpty(denied)) return;
  const broken = subtract(requests, servedRequests(family, intersect(returns, allowed), j.lo, j.hi));
  if (isEmpty(broken) && !j.partial) return;
  const severity = isEmpty(broken) ? 'low' : 'high';
  const deniers = denyingEntries(acl, returnDirection, family, denied);
  const first = deniers[0]!;
  const shownRequests = rows(isEmpty(broken) ? requests : broken);
  const shownDenied = rows(denied);
  const enis = j.enis.map((e) => e.id);
  const who = enis.length <= 3 ? enis.join(', ') : `${enis.slice(0, 3).join(', ')} and ${enis.length - 3} more`;
  const what =
    j.kase === 'inbound-service'
      ? `responses of ${serviceSummary(shownRequests.rows)} that ${j.groupIds.join(', ')} and the inbound NACL admit to ${who}`
      : j.kase === 'outbound-connection'
        ? `replies to ${serviceSummary(shownRequests.rows)} connections that ${j.groupIds.join(', ')} and the outbound NACL let ${who} make`
        : j.kase === 'nat-outbound'
          ? `replies to the ${serviceSummary(shownRequests.rows)} connections NAT gateway interface ${who} makes`
          : `responses of the ${serviceSummary(shownRequests.rows)} requests NAT gateway interface ${who} forwards`;
  const denierNames = deniers.map((d) => (d.entry ? naclEntryName(d.entry) : `${returnDirection} rule * (${d.ruleNumber})`));
  ctx.report({
    severity,
    resource: acl.id,
    message:
      `${acl.id} (on ${j.subnet.id}) denies ${returnDirection} the ${what} (IPv${family}): ` +
      (severity === 'high' ? 'some get no response on any ephemeral port' : `return packets to ports ${clientPortSummary(shownDenied.rows) || 'of the ephemeral range'} are denied`) +
      `, by ${denierNames.join(', ')}`,
    location: first.entry ? first.entry.source : acl.source,
    entry: { kind: 'nacl-entry', aclId: acl.id, direction: returnDirection, ruleNumber: first.ruleNumber },
    details: {
      case: j.kase,
      family,
      subnetId: j.subnet.id,
      networkInterfaces: enis,
      groupIds: j.groupIds,
      deniedBy: deniers.map((d) => ({ ruleNumber: d.ruleNumber, jsonPath: d.entry?.source.path ?? null })),
      requests: shownRequests.rows,
      requestsTruncated: shownRequests.truncated,
      deniedReturns: shownDenied.rows,
      deniedReturnsTruncated: shownDenied.truncated,
    },
  });
}

export default defineRule({
  meta: {
    id: 'nacl-missing-return-path',
    title: 'Network ACL denies the return traffic of admitted connections',
    severity: 'high',
    rationale:
      'NACLs are stateless: a request the security groups and one NACL direction admit still fails when the other direction denies its responses to the ephemeral ports. The symptom is a timeout, and flow logs show the response REJECTed, not the request.',
    reference: 'ref 5.1, 5.3, 8.6; https://docs.aws.amazon.com/vpc/latest/userguide/nacl-ephemeral-ports.html',
    options: {
      ephemeralFrom: { type: 'number', default: 1024, description: 'lowest client ephemeral port' },
      ephemeralTo: { type: 'number', default: 65535, description: 'highest client ephemeral port' },
    },
  },
  check(ctx) {
    const lo = numberOption(ctx, 'ephemeralFrom');
    const hi = numberOption(ctx, 'ephemeralTo');
    const index = ctx.index;
    // Interfaces by subnet and by the groups they carry: those share one analysis.
    const bySubnet = new Map<string, Map<string, Eni[]>>();
    for (const eni of ctx.snapshot.enis) {
      const nat = index.natIdByEniId.has(eni.id) || eni.interfaceType === 'nat_gateway' || eni.interfaceType === 'natGateway';
      if (!nat && eni.groupIds.length === 0) continue; // forwards traffic (transit gateway, ...): not a host
      const key = nat ? `nat:${eni.id}` : [...new Set(eni.groupIds)].sort().join(',');
      let m = bySubnet.get(eni.subnetId);
      if (!m) bySubnet.set(eni.subnetId, (m = new Map()));
      const list = m.get(key);
      if (list) list.push(eni);
      else m.set(key, [eni]);
    }
    for (const [subnetId, groups] of [...bySubnet].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const subnet = index.subnetById.get(subnetId);
      const acl = index.naclBySubnet.get(subnetId);
      if (!subnet || !acl) continue;
      for (const family of [4, 6] as const) {
        const local = subnetIntervals(subnet, family);
        const services = unfilterableIntervals(index, subnet.vpcId, family);
        const routable = routableIntervals(index, subnet.id, family);
        if (routable.length === 0) continue;
        const peerSrc = subtract(srcSet(family, routable), srcSet(family, [...local, ...services]));
        const peerDst = subtract(dstSet(family, routable), dstSet(family, [...local, ...services]));
        const ephemeral = fromPorts(family, lo, hi);
        for (const [key, enis] of [...groups].sort(([a], [b]) => (a < b ? -1 : 1))) {
          const own = enis.flatMap((e) => eniAddressIntervals(e, family));
          if (own.length === 0) continue;
          const base = { ctx, acl, subnet, enis, family, lo, hi };
          if (key.startsWith('nat:')) {
            if (family !== 4) continue;
            const natId = index.natIdByEniId.get(enis[0]!.id);
            // The NAT gateway's own connections (source ports remapped into 1024-65535).
            const made = intersect(intersect(naclAdmits(acl, 'outbound', 4).allowed, intersect(srcSet(4, own), peerDst)), fromPorts(4, 1024, 65535));
            judge({ ...base, kase: 'nat-outbound', requests: made, returnDirection: 'inbound', groupIds: [], lo: 1024, hi: 65535, partial: true });
            // What it forwards: from the subnets whose route tables send traffic to it, to those routes' destinations.
            const forwarded: PacketSet[] = [];
            for (const other of ctx.snapshot.subnets) {
              if (other.id === subnet.id || other.vpcId !== subnet.vpcId || natId === undefined) continue;
              const rt = index.routeTableBySubnet.get(other.id);
              const routes = rt?.routes ?? [];
              for (const r of routes) {
                if (r.state !== 'active' || r.target.id !== natId || r.destination.kind !== 'cidr' || r.destination.cidr.family !== 4) continue;
                // Where this route is the longest match: its block less the more specific routes of the table (ref 6.1).
                const prefix = r.destination.cidr.prefix;
                const longer = routes.flatMap((o) => (o.destination.kind === 'cidr' && o.destination.cidr.family === 4 && o.destination.cidr.prefix > prefix ? [cidrInterval(o.destination.cidr)] : []));
                const dst = subtract(dstSet(4, [cidrInterval(r.destination.cidr)]), dstSet(4, longer));
                for (const src of subnetIntervals(other, 4)) forwarded.push(intersect(srcSet(4, [src]), dst));
              }
            }
            const reqs = intersect(intersect(naclAdmits(acl, 'inbound', 4).allowed, subtract(unionAll(4, forwarded), union(srcSet(4, [...local, ...services]), dstSet(4, [...local, ...services])))), ephemeral);
            judge({ ...base, kase: 'nat-forwarded', requests: reqs, returnDirection: 'outbound', groupIds: [], partial: true });
            continue;
          }
          const groupIds = key.split(',');
          const mine = enis[0]!.groupIds;
          const inbound = intersect(intersect(sgAdmits(index, mine, 'inbound', family).allowed, naclAdmits(acl, 'inbound', family).allowed), intersect(intersect(peerSrc, dstSet(family, own)), ephemeral));
          judge({ ...base, kase: 'inbound-service', requests: inbound, returnDirection: 'outbound', groupIds, partial: true });
          const outbound = intersect(intersect(sgAdmits(index, mine, 'outbound', family).allowed, naclAdmits(acl, 'outbound', family).allowed), intersect(intersect(peerDst, srcSet(family, own)), ephemeral));
          judge({ ...base, kase: 'outbound-connection', requests: outbound, returnDirection: 'inbound', groupIds, partial: false });
        }
      }
    }
  },
});
