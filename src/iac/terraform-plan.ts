/**
 * A Terraform plan layered over a snapshot (issue 16, "Terraform plans"): what the network will be after
 * `terraform apply`.
 *
 * - A resource the plan updates or leaves unchanged replaces the snapshot's object of the same AWS id
 *   (its prior `id`); one it creates takes its Terraform address as id (`aws_security_group.web`,
 *   `module.net.aws_subnet.a[0]`); one it deletes disappears; one it replaces (delete and create) loses its
 *   AWS id and takes its address. Standalone rules, routes and associations (aws_security_group_rule,
 *   aws_route, aws_network_acl_association, ...) are added to or removed from their group, table or ACL,
 *   which keeps its own id; their `source` names the plan address.
 * - A value unknown until apply is never guessed. An id that comes from another resource of the plan is
 *   followed through the configuration's references (references.ts) when that is certain; otherwise the
 *   rule stays in the model and never matches (SG peer `invalid`, NACL cidr or protocol null, route
 *   destination `invalid`), the interface has no address, ..., and each such value is listed
 *   (LayeredPlan.unknowns) and warned about.
 * - Every model object built from the plan has `source: { file: <plan file>, path: <resource address> }`
 *   (`<address>.ingress[0]` for an inline rule), so findings point at the Terraform address.
 *
 * Provider behaviour relied on (hashicorp/aws): a group created by Terraform has no rule but the ones it
 * declares (the default allow-all egress is removed); an instance launched without groups gets its VPC's
 * default group; a VPC Terraform creates comes with a default network ACL that allows everything, a main
 * route table with the local route, and a default security group (all from its members in, all out);
 * destroying an aws_default_* resource only stops managing it.
 */
import type { Cidr, Ip, PortRange, IcmpMatch } from '../model/address.js';
import type {
  Direction,
  Eni,
  Instance,
  InternetGateway,
  NaclEntry,
  NetworkAcl,
  Route,
  RouteDestination,
  RouteTable,
  RouteTarget,
  RouteTargetKind,
  SecurityGroup,
  SgPeer,
  SgRule,
  Snapshot,
  Subnet,
  Vpc,
} from '../model/snapshot.js';
import type { SourceRef, Warning } from '../model/warning.js';
import { DecodeContext, getField, isObject } from '../aws/decode/common.js';
import { contentFingerprint } from '../aws/decode/merge.js';
import { readPortsAndIcmp } from '../aws/decode/rule-values.js';
import { parseCidr, parseIp } from '../net/ip.js';
import { ICMP, ICMPV6, TCP, UDP, parseProtocol } from '../net/protocol.js';
import type { PlanDocument, PlanResource } from './plan-document.js';
import { ReferenceResolver } from './references.js';

/** A value of the plan that is unknown until apply, and what vpcwhy does in its place. */
export interface PlanUnknown {
  /** The Terraform address of the resource. */
  readonly address: string;
  /** The attribute, as a path under the resource (`ingress[0].cidr_blocks[1]`). */
  readonly attribute: string;
  /** The model object the value belongs to (a group, ACL, table or interface id). */
  readonly objectId: string;
  /** What is done with it: "the rule is kept and never matches", ... */
  readonly consequence: string;
  readonly source: SourceRef;
  /** Set when the value matters only to traffic with the internet (an unknown public address). */
  readonly onlyFor?: 'internet';
  /** Set for a value of a CloudFormation template (then `address` is the logical id): unknown until deployment. */
  readonly origin?: 'cloudformation';
}

export interface LayeredPlan {
  readonly snapshot: Snapshot;
  /** Every value unknown until apply that the model depends on. */
  readonly unknowns: readonly PlanUnknown[];
  /** Resources of the plan that vpcwhy does not model (aws_nat_gateway, aws_lb, ...), by type. */
  readonly ignoredTypes: readonly string[];
  /**
   * The model id of each resource of the plan that exists after apply, by Terraform address (an instance's
   * address gives its primary interface), so commands can take an address where they take an id.
   */
  readonly ids: ReadonlyMap<string, string>;
}

/** A value of the plan with its after_unknown mask and where it is. */
class Val {
  constructor(
    readonly value: unknown,
    readonly mask: unknown,
    readonly steps: readonly (string | number)[],
  ) {}

  get unknown(): boolean {
    return this.mask === true;
  }

  get(key: string): Val {
    const v = isObject(this.value) ? getField(this.value, key) : undefined;
    const m = this.mask === true ? true : isObject(this.mask) ? getField(this.mask, key) : undefined;
    return new Val(v, m, [...this.steps, key]);
  }

  elems(): Val[] {
    if (!Array.isArray(this.value)) return [];
    return this.value.map((x: unknown, i) => new Val(x, this.mask === true ? true : Array.isArray(this.mask) ? this.mask[i] : undefined, [...this.steps, i]));
  }

  /** A non-empty string (the AWS provider writes "" for an unset string). */
  str(): string | undefined {
    return typeof this.value === 'string' && this.value !== '' ? this.value : undefined;
  }

  num(): number | undefined {
    if (typeof this.value === 'number' && Number.isFinite(this.value)) return this.value;
    if (typeof this.value === 'string' && /^-?\d+$/.test(this.value.trim())) return Number(this.value.trim());
    return undefined;
  }

  bool(): boolean | undefined {
    if (typeof this.value === 'boolean') return this.value;
    if (this.value === 'true') return true;
    if (this.value === 'false') return false;
    return undefined;
  }

  text(): string {
    let s = '';
    for (const step of this.steps) s += typeof step === 'number' ? `[${step}]` : s === '' ? step : `.${step}`;
    return s;
  }
}

/** What an id field names, to check that a followed reference names the right kind of resource. */
type Role = 'vpc' | 'subnet' | 'sg' | 'nacl' | 'rt' | 'eni' | 'instance' | 'target';

const ROLE_TYPES: Record<Exclude<Role, 'target'>, readonly string[]> = {
  vpc: ['aws_vpc', 'aws_default_vpc'],
  subnet: ['aws_subnet', 'aws_default_subnet'],
  sg: ['aws_security_group', 'aws_default_security_group'],
  nacl: ['aws_network_acl', 'aws_default_network_acl'],
  rt: ['aws_route_table', 'aws_default_route_table'],
  eni: ['aws_network_interface'],
  instance: ['aws_instance'],
};

/** The implicit objects of a VPC the plan creates, named after the attribute that holds their id. */
const VPC_DEFAULTS: Record<string, Role> = { default_security_group_id: 'sg', default_network_acl_id: 'nacl', main_route_table_id: 'rt' };

const TARGET_FIELDS: ReadonlyArray<readonly [string, RouteTargetKind | 'gateway']> = [
  ['gateway_id', 'gateway'],
  ['nat_gateway_id', 'nat'],
  ['transit_gateway_id', 'tgw'],
  ['vpc_peering_connection_id', 'pcx'],
  ['egress_only_gateway_id', 'eigw'],
  ['network_interface_id', 'eni'],
  ['instance_id', 'instance'],
  ['vpc_endpoint_id', 'vpce'],
  ['local_gateway_id', 'lgw'],
  ['carrier_gateway_id', 'cgw'],
  ['core_network_arn', 'core-network'],
];

const TYPE_TARGET_KIND: Record<string, RouteTargetKind> = {
  aws_internet_gateway: 'igw',
  aws_vpn_gateway: 'vgw',
  aws_egress_only_internet_gateway: 'eigw',
  aws_vpc_endpoint: 'vpce',
  aws_nat_gateway: 'nat',
  aws_ec2_transit_gateway: 'tgw',
  aws_vpc_peering_connection: 'pcx',
  aws_network_interface: 'eni',
  aws_instance: 'instance',
};

function gatewayKind(id: string): RouteTargetKind {
  if (id === 'local') return 'local';
  if (id.startsWith('igw-')) return 'igw';
  if (id.startsWith('vgw-')) return 'vgw';
  if (id.startsWith('vpce-')) return 'vpce';
  if (id.startsWith('eigw-')) return 'eigw';
  if (id.startsWith('nat-')) return 'nat';
  if (id.startsWith('tgw-')) return 'tgw';
  return 'other';
}

const MODELLED = new Set([
  'aws_vpc', 'aws_default_vpc', 'aws_subnet', 'aws_default_subnet', 'aws_internet_gateway',
  'aws_security_group', 'aws_default_security_group', 'aws_security_group_rule', 'aws_vpc_security_group_ingress_rule', 'aws_vpc_security_group_egress_rule',
  'aws_network_acl', 'aws_default_network_acl', 'aws_network_acl_rule', 'aws_network_acl_association',
  'aws_route_table', 'aws_default_route_table', 'aws_route', 'aws_route_table_association', 'aws_main_route_table_association',
  'aws_network_interface', 'aws_network_interface_sg_attachment', 'aws_instance',
]);

/** Snapshot section keys a resource type fills (for a plan that describes everything on its own). */
const TYPE_SECTIONS: Record<string, readonly string[]> = {
  aws_vpc: ['Vpcs'], aws_default_vpc: ['Vpcs'], aws_subnet: ['Subnets'], aws_default_subnet: ['Subnets'],
  aws_internet_gateway: ['InternetGateways'],
  aws_security_group: ['SecurityGroups'], aws_default_security_group: ['SecurityGroups'],
  aws_network_acl: ['NetworkAcls'], aws_default_network_acl: ['NetworkAcls'],
  aws_route_table: ['RouteTables'], aws_default_route_table: ['RouteTables'],
  aws_network_interface: ['NetworkInterfaces'], aws_instance: ['NetworkInterfaces', 'Reservations'],
};

/** An ordered id → value map that keeps a replaced value in place (also used by cloudformation.ts). */
export class Table<T extends { readonly id: string }> {
  readonly map = new Map<string, T>();
  constructor(items: readonly T[]) {
    for (const it of items) if (!this.map.has(it.id)) this.map.set(it.id, it);
  }
  get(id: string): T | undefined {
    return this.map.get(id);
  }
  set(v: T): void {
    this.map.set(v.id, v);
  }
  delete(id: string): void {
    this.map.delete(id);
  }
  update(id: string, f: (t: T) => T): boolean {
    const v = this.map.get(id);
    if (v === undefined) return false;
    this.map.set(id, f(v));
    return true;
  }
  values(): T[] {
    return [...this.map.values()];
  }
}

const isCreate = (r: PlanResource): boolean => r.actions.includes('create');
const isDelete = (r: PlanResource): boolean => r.actions.includes('delete');
/** The resource exists after apply. */
const existsAfter = (r: PlanResource): boolean => r.after !== null && !(r.actions.length === 1 && (r.actions[0] === 'delete' || r.actions[0] === 'forget'));

class Layering {
  readonly ctx: DecodeContext;
  readonly unknowns: PlanUnknown[] = [];
  readonly refs: ReferenceResolver;
  readonly vpcs: Table<Vpc>;
  readonly subnets: Table<Subnet>;
  readonly enis: Table<Eni>;
  readonly groups: Table<SecurityGroup>;
  readonly acls: Table<NetworkAcl>;
  readonly tables: Table<RouteTable>;
  readonly igws: Table<InternetGateway>;
  readonly instances: Table<Instance>;
  /** Ids of the VPCs the plan creates, by address, for their implicit default objects. */
  private readonly ids = new Map<string, string>();

  constructor(readonly base: Snapshot, readonly plan: PlanDocument) {
    this.ctx = new DecodeContext(plan.file);
    this.refs = new ReferenceResolver(plan);
    this.vpcs = new Table(base.vpcs);
    this.subnets = new Table(base.subnets);
    this.enis = new Table(base.enis);
    this.groups = new Table(base.securityGroups);
    this.acls = new Table(base.networkAcls);
    this.tables = new Table(base.routeTables);
    this.igws = new Table(base.internetGateways);
    this.instances = new Table(base.instances);
    for (const r of plan.resources) this.ids.set(r.address, this.computeId(r));
  }

  src(r: PlanResource, v?: Val): SourceRef {
    const at = v === undefined ? '' : v.text();
    return { file: this.plan.file, path: at === '' ? r.address : `${r.address}.${at}` };
  }

  /** The model id of a resource after apply: its AWS id when known, else its Terraform address. */
  private computeId(r: PlanResource): string {
    const after = r.after === null ? undefined : new Val(r.after, r.afterUnknown, []);
    const known = after?.get('id').str();
    if (known !== undefined) return known;
    if (!isCreate(r)) {
      const before = r.before === null ? undefined : getField(r.before, 'id');
      if (typeof before === 'string' && before !== '') return before;
    }
    if (r.type === 'aws_default_security_group' && after !== undefined) {
      // Adopts the VPC's default group: the snapshot's, or the one a VPC of the plan comes with.
      const vpc = after.get('vpc_id');
      const vpcId = vpc.str() ?? (vpc.unknown ? this.followOne(r, vpc, 'vpc', false) : undefined);
      if (vpcId !== undefined) {
        const vpcRes = this.plan.resources.find((x) => x.type === 'aws_vpc' && x.address === vpcId && isCreate(x));
        if (vpcRes !== undefined) return this.implicitId(vpcRes.address, 'default_security_group_id');
        const g = this.base.securityGroups.find((x) => x.vpcId === vpcId && x.groupName === 'default');
        if (g !== undefined) return g.id;
      }
    }
    if (r.type === 'aws_default_network_acl' || r.type === 'aws_default_route_table') {
      const key = r.type === 'aws_default_network_acl' ? 'default_network_acl_id' : 'default_route_table_id';
      if (after !== undefined) {
        const v = after.get(key);
        const id = v.str() ?? (v.unknown ? this.followOne(r, v, r.type === 'aws_default_network_acl' ? 'nacl' : 'rt', false) : undefined);
        if (id !== undefined) return id;
      }
    }
    return r.address;
  }

  idOf(r: PlanResource): string {
    return this.ids.get(r.address) ?? r.address;
  }

  /** The id of an implicit object of a VPC the plan creates (`aws_vpc.main.default_network_acl_id`). */
  private implicitId(vpcAddress: string, attribute: string): string {
    return `${vpcAddress}.${attribute}`;
  }

  noteUnknown(r: PlanResource, v: Val, objectId: string, consequence: string, why?: string, onlyFor?: 'internet'): void {
    const source = this.src(r, v);
    this.unknowns.push({ address: r.address, attribute: v.text(), objectId, consequence, source, ...(onlyFor !== undefined ? { onlyFor } : {}) });
    this.ctx.warnings.push({ source, message: `unknown until apply${why === undefined ? '' : ` (${why})`}; ${consequence}`, kind: 'changes-answers' });
  }

  /**
   * The id an unknown value will take, when the configuration says for certain which resource of the plan
   * it comes from. Returns undefined (and notes nothing) when it cannot be told.
   */
  private followOne(r: PlanResource, v: Val, role: Role, note: boolean, objectId = this.idOf(r), consequence = ''): string | undefined {
    const got = this.follow(r, v, role, 1);
    if (got.ok && got.ids.length === 1) return got.ids[0];
    if (note) this.noteUnknown(r, v, objectId, consequence, got.ok ? undefined : got.why);
    return undefined;
  }

  /** Ids for `count` unknown values at `v` (one value, or the unknown elements of a list). */
  private follow(r: PlanResource, v: Val, role: Role, count: number): { ok: true; ids: string[]; kinds: RouteTargetKind[] } | { ok: false; why: string } {
    const c = this.refs.candidates(r, v.steps);
    if (!c.ok) return c;
    if (c.sources.length === 0) return { ok: false, why: "the plan's configuration names no resource it comes from" };
    const ids: string[] = [];
    const kinds: RouteTargetKind[] = [];
    for (const s of c.sources) {
      const target = this.refs.resource(s.address);
      if (target === undefined) return { ok: false, why: `${s.address} is not in the plan` };
      let id: string | undefined;
      let kind: RouteTargetKind = TYPE_TARGET_KIND[target.type] ?? 'other';
      if (s.attribute === 'id' && (role === 'target' || ROLE_TYPES[role].includes(target.type))) id = this.idOf(target);
      else if (target.type === 'aws_vpc' && VPC_DEFAULTS[s.attribute] !== undefined && (role === VPC_DEFAULTS[s.attribute] || role === 'target')) id = this.implicitId(target.address, s.attribute);
      else if (target.type === 'aws_instance' && s.attribute === 'primary_network_interface_id' && (role === 'eni' || role === 'target')) {
        id = this.instanceEniId(target);
        kind = 'eni';
      }
      if (id === undefined) return { ok: false, why: `it comes from ${s.address}.${s.attribute}, which vpcwhy cannot know before apply` };
      if (!ids.includes(id)) {
        ids.push(id);
        kinds.push(kind);
      }
    }
    if (ids.length === count || (c.lumped && ids.length === 1)) return { ok: true, ids: count === ids.length ? ids : Array.from({ length: count }, () => ids[0]!), kinds };
    return { ok: false, why: `it comes from one of ${ids.join(', ')}, and which is not certain` };
  }

  /** An id field: known, followed, or undefined (unknown, noted with the consequence). */
  id(r: PlanResource, v: Val, role: Role, objectId: string, consequence: string): string | undefined {
    if (!v.unknown) return v.str();
    return this.followOne(r, v, role, true, objectId, consequence);
  }

  /** A list of ids: the known ones, the followed ones, and how many stay unknown (noted). */
  idList(r: PlanResource, v: Val, role: Role, objectId: string, consequence: string): { ids: string[]; unknown: number } {
    if (v.unknown) {
      // A wholly unknown list is followed only when its expression is nothing but references to
      // resources of the plan (no part known at plan time that would be missed).
      const c = this.refs.candidates(r, v.steps);
      if (c.ok && !c.lumped && c.knownParts === 0 && c.sources.length > 0) {
        const got = this.follow(r, v, role, c.sources.length);
        if (got.ok) return { ids: [...new Set(got.ids)], unknown: 0 };
      }
      this.noteUnknown(r, v, objectId, consequence, c.ok ? undefined : c.why);
      return { ids: [], unknown: 1 };
    }
    const ids: string[] = [];
    const unknownElems: Val[] = [];
    for (const e of v.elems()) {
      if (e.unknown) unknownElems.push(e);
      else if (e.str() !== undefined) ids.push(e.str()!);
    }
    if (unknownElems.length === 0) return { ids, unknown: 0 };
    const got = this.follow(r, unknownElems[0]!, role, unknownElems.length);
    if (got.ok) return { ids: [...new Set([...ids, ...got.ids])], unknown: 0 };
    for (const e of unknownElems) this.noteUnknown(r, e, objectId, consequence, got.why);
    return { ids, unknown: unknownElems.length };
  }

  instanceEniId(inst: PlanResource): string {
    const after = inst.after === null ? undefined : new Val(inst.after, inst.afterUnknown, []);
    const known = after?.get('primary_network_interface_id').str();
    if (known !== undefined) return known;
    if (!isCreate(inst) && inst.before !== null) {
      const b = getField(inst.before, 'primary_network_interface_id');
      if (typeof b === 'string' && b !== '') return b;
    }
    return inst.address;
  }

  // ---------------------------------------------------------------- rule values

  protocol(r: PlanResource, v: Val, objectId: string): number | null {
    if (v.unknown) {
      this.noteUnknown(r, v, objectId, 'the rule is kept and never matches');
      return null;
    }
    const raw = v.value;
    if (typeof raw !== 'string' && typeof raw !== 'number') {
      this.ctx.warn(this.src(r, v).path, `expected a protocol ("tcp", "6", "-1", "all", ...), got ${JSON.stringify(raw) ?? 'nothing'}; the rule is kept but never matches`);
      return null;
    }
    const p = parseProtocol(String(raw));
    if (p === null) this.ctx.warn(this.src(r, v).path, `unrecognised protocol ${JSON.stringify(raw)}; the rule is kept but never matches`);
    return p;
  }

  /** Ports or ICMP of a rule (from/to, or type/code for ICMP). An unknown bound makes the rule never match. */
  portsAndIcmp(r: PlanResource, protocol: number | null, first: Val, second: Val, objectId: string, names: { first: string; second: string }, at: Val): { protocol: number | null; ports: PortRange | null; icmp: IcmpMatch | null } {
    const relevant = protocol === TCP || protocol === UDP || protocol === ICMP || protocol === ICMPV6;
    if (relevant && (first.unknown || second.unknown)) {
      this.noteUnknown(r, first.unknown ? first : second, objectId, 'the rule is kept and never matches');
      return { protocol: null, ports: null, icmp: null };
    }
    if (!relevant) return { protocol, ports: null, icmp: null };
    const pi = readPortsAndIcmp(this.ctx, protocol, first.num(), second.num(), this.src(r, at).path, names);
    return { protocol, ...pi };
  }

  cidr(r: PlanResource, v: Val, objectId: string, consequence: string): Cidr | null | 'absent' {
    if (v.unknown) {
      this.noteUnknown(r, v, objectId, consequence);
      return null;
    }
    const s = v.str();
    if (s === undefined) return 'absent';
    const c = parseCidr(s.trim());
    if (c === null) this.ctx.warn(this.src(r, v).path, `unreadable CIDR ${JSON.stringify(s)}; ${consequence}`);
    return c;
  }

  ip(r: PlanResource, v: Val, objectId: string, consequence: string): Ip | null {
    if (v.unknown) {
      this.noteUnknown(r, v, objectId, consequence);
      return null;
    }
    const s = v.str();
    if (s === undefined) return null;
    const ip = parseIp(s.trim());
    if (ip === null) this.ctx.warn(this.src(r, v).path, `unreadable IP address ${JSON.stringify(s)}; ${consequence}`);
    return ip;
  }

  // ---------------------------------------------------------------- security groups

  /** One SG rule per peer element of a rule block (inline ingress/egress or aws_security_group_rule). */
  sgRules(r: PlanResource, e: Val, groupId: string, direction: Direction, fields: { protocol: string; self: boolean }): SgRule[] {
    const proto = this.protocol(r, e.get(fields.protocol), groupId);
    const { protocol, ports, icmp } = this.portsAndIcmp(r, proto, e.get('from_port'), e.get('to_port'), groupId, { first: 'from_port', second: 'to_port' }, e);
    const description = e.get('description').str();
    const base = { groupId, direction, protocol, ports, icmp, ...(description !== undefined ? { description } : {}), source: this.src(r, e) };
    const peers: SgPeer[] = [];
    const never = 'the rule is kept and never matches';
    const cidrs = (key: string): void => {
      const list = e.get(key);
      if (list.unknown) {
        this.noteUnknown(r, list, groupId, never);
        peers.push({ kind: 'invalid', text: `${list.text()} (unknown until apply)` });
        return;
      }
      for (const c of list.elems()) {
        const got = this.cidr(r, c, groupId, never);
        if (got === 'absent') continue;
        peers.push(got === null ? { kind: 'invalid', text: c.unknown ? `${c.text()} (unknown until apply)` : String(c.value) } : { kind: 'cidr', cidr: got });
      }
    };
    cidrs('cidr_blocks');
    cidrs('ipv6_cidr_blocks');
    const pls = e.get('prefix_list_ids');
    if (pls.unknown) {
      this.noteUnknown(r, pls, groupId, never);
      peers.push({ kind: 'invalid', text: `${pls.text()} (unknown until apply)` });
    } else {
      for (const p of pls.elems()) {
        if (p.unknown) {
          this.noteUnknown(r, p, groupId, never);
          peers.push({ kind: 'invalid', text: `${p.text()} (unknown until apply)` });
        } else if (p.str() !== undefined) peers.push({ kind: 'prefix-list', prefixListId: p.str()! });
      }
    }
    const groupPeer = (id: string): SgPeer => {
      const slash = id.indexOf('/');
      return slash > 0 ? { kind: 'group', groupId: id.slice(slash + 1), userId: id.slice(0, slash) } : { kind: 'group', groupId: id };
    };
    const sgs = e.get('security_groups');
    if (sgs.value !== undefined || sgs.unknown) {
      const got = this.idList(r, sgs, 'sg', groupId, never);
      for (const id of got.ids) peers.push(groupPeer(id));
      for (let i = 0; i < got.unknown; i++) peers.push({ kind: 'invalid', text: `${sgs.text()} (unknown until apply)` });
    }
    const source = e.get('source_security_group_id');
    if (source.value !== undefined || source.unknown) {
      const id = this.id(r, source, 'sg', groupId, never);
      if (id !== undefined) peers.push(groupPeer(id));
      else if (source.unknown) peers.push({ kind: 'invalid', text: `${source.text()} (unknown until apply)` });
    }
    if (fields.self) {
      const self = e.get('self');
      if (self.unknown) {
        this.noteUnknown(r, self, groupId, never);
        peers.push({ kind: 'invalid', text: `${self.text()} (unknown until apply)` });
      } else if (self.bool() === true) peers.push({ kind: 'group', groupId });
    }
    if (peers.length === 0) {
      this.ctx.warn(this.src(r, e).path, 'a rule with no source or destination (no cidr_blocks, ipv6_cidr_blocks, prefix_list_ids, security_groups or self); kept, it never matches');
      peers.push({ kind: 'invalid', text: 'no source or destination' });
    }
    return peers.map((peer) => ({ ...base, peer }));
  }

  /** aws_vpc_security_group_ingress_rule / _egress_rule: one peer per rule. */
  vpcSgRule(r: PlanResource, v: Val, groupId: string, direction: Direction): SgRule {
    const proto = this.protocol(r, v.get('ip_protocol'), groupId);
    const { protocol, ports, icmp } = this.portsAndIcmp(r, proto, v.get('from_port'), v.get('to_port'), groupId, { first: 'from_port', second: 'to_port' }, v);
    const never = 'the rule is kept and never matches';
    let peer: SgPeer | undefined;
    for (const key of ['cidr_ipv4', 'cidr_ipv6']) {
      const c = v.get(key);
      if (peer !== undefined || (c.value === undefined && !c.unknown)) continue;
      const got = this.cidr(r, c, groupId, never);
      if (got !== 'absent') peer = got === null ? { kind: 'invalid', text: c.unknown ? `${c.text()} (unknown until apply)` : String(c.value) } : { kind: 'cidr', cidr: got };
    }
    const pl = v.get('prefix_list_id');
    if (peer === undefined && pl.unknown) {
      this.noteUnknown(r, pl, groupId, never);
      peer = { kind: 'invalid', text: `${pl.text()} (unknown until apply)` };
    } else if (peer === undefined && pl.str() !== undefined) peer = { kind: 'prefix-list', prefixListId: pl.str()! };
    const ref = v.get('referenced_security_group_id');
    if (peer === undefined && (ref.value !== undefined || ref.unknown)) {
      const id = this.id(r, ref, 'sg', groupId, never);
      if (id !== undefined) {
        const slash = id.indexOf('/');
        peer = slash > 0 ? { kind: 'group', groupId: id.slice(slash + 1), userId: id.slice(0, slash) } : { kind: 'group', groupId: id };
      } else peer = { kind: 'invalid', text: `${ref.text()} (unknown until apply)` };
    }
    if (peer === undefined) {
      this.ctx.warn(this.src(r).path, 'a rule with no cidr_ipv4, cidr_ipv6, prefix_list_id or referenced_security_group_id; kept, it never matches');
      peer = { kind: 'invalid', text: 'no source or destination' };
    }
    const ruleId = v.get('security_group_rule_id').str() ?? (isCreate(r) ? undefined : v.get('id').str());
    const description = v.get('description').str();
    return { groupId, direction, protocol, ports, icmp, peer, ...(ruleId !== undefined ? { ruleId } : {}), ...(description !== undefined ? { description } : {}), source: this.src(r) };
  }

  vpcOfSubnet(subnetId: string | undefined): string | undefined {
    return subnetId === undefined ? undefined : this.subnets.get(subnetId)?.vpcId;
  }

  // ---------------------------------------------------------------- objects

  vpc(r: PlanResource, v: Val): void {
    const id = this.idOf(r);
    const old = this.vpcs.get(id);
    const c4 = this.cidr(r, v.get('cidr_block'), id, 'addresses of the VPC are not known to be inside it');
    // ipv6_cidr_block is computed: unknown on every new VPC, meaningful only when IPv6 is asked for.
    const v6 = v.get('ipv6_cidr_block');
    const wantsV6 = v.get('assign_generated_ipv6_cidr_block').bool() === true || this.configured(r, 'ipv6_cidr_block') || this.configured(r, 'ipv6_ipam_pool_id');
    const c6 = v6.unknown && !wantsV6 ? 'absent' : this.cidr(r, v6, id, 'IPv6 addresses of the VPC are not known to be inside it');
    const name = tagName(v);
    const cidrs4 = c4 !== null && c4 !== 'absent' ? [c4] : [];
    // Secondary CIDRs (aws_vpc_ipv4_cidr_block_association) are not in aws_vpc: keep the snapshot's.
    for (const c of old?.cidrs4 ?? []) if (!cidrs4.some((x) => x.text === c.text)) cidrs4.push(c);
    this.vpcs.set({
      id,
      cidrs4,
      cidrs6: c6 !== null && c6 !== 'absent' ? [c6] : old?.cidrs6 ?? [],
      isDefault: r.type === 'aws_default_vpc' || (old?.isDefault ?? false),
      ...(old?.ownerId !== undefined ? { ownerId: old.ownerId } : {}),
      ...(old?.bpaMode !== undefined ? { bpaMode: old.bpaMode } : {}),
      ...(old?.region !== undefined ? { region: old.region } : {}),
      ...(name !== undefined ? { name } : {}),
      source: this.src(r),
    });
    if (isCreate(r)) this.vpcDefaults(r, id);
  }

  /** What AWS creates with a VPC: the default network ACL, the main route table and the default group. */
  private vpcDefaults(r: PlanResource, vpcId: string): void {
    const source = this.src(r);
    const aclId = this.implicitId(r.address, 'default_network_acl_id');
    const allow = (direction: Direction, ruleNumber: number): NaclEntry => ({ ruleNumber, action: 'allow', direction, protocol: -1, cidr: parseCidr('0.0.0.0/0'), ports: null, icmp: null, source });
    const vpc = this.vpcs.get(vpcId);
    const v6 = (vpc?.cidrs6.length ?? 0) > 0;
    const allow6 = (direction: Direction): NaclEntry => ({ ruleNumber: 101, action: 'allow', direction, protocol: -1, cidr: parseCidr('::/0'), ports: null, icmp: null, source });
    if (!this.acls.get(aclId)) {
      this.acls.set({ id: aclId, vpcId, isDefault: true, subnetIds: [], entries: [allow('inbound', 100), allow('outbound', 100), ...(v6 ? [allow6('inbound'), allow6('outbound')] : [])], source });
    }
    const rtId = this.implicitId(r.address, 'main_route_table_id');
    if (!this.tables.get(rtId)) this.tables.set({ id: rtId, vpcId, isMain: true, subnetIds: [], gatewayIds: [], routes: this.localRoutes(vpcId, source), source });
    const sgId = this.implicitId(r.address, 'default_security_group_id');
    if (!this.groups.get(sgId)) {
      const rule = (direction: Direction, peer: SgPeer): SgRule => ({ groupId: sgId, direction, protocol: -1, ports: null, icmp: null, peer, source });
      this.groups.set({
        id: sgId,
        groupName: 'default',
        vpcId,
        description: 'default VPC security group',
        inbound: [rule('inbound', { kind: 'group', groupId: sgId })],
        outbound: [rule('outbound', { kind: 'cidr', cidr: parseCidr('0.0.0.0/0')! }), ...(v6 ? [rule('outbound', { kind: 'cidr', cidr: parseCidr('::/0')! })] : [])],
        source,
      });
    }
  }

  subnet(r: PlanResource, v: Val): void {
    const id = this.idOf(r);
    const old = this.subnets.get(id);
    const vpcId = this.id(r, v.get('vpc_id'), 'vpc', id, 'the subnet belongs to no known VPC') ?? old?.vpcId ?? '';
    const c4 = this.cidr(r, v.get('cidr_block'), id, 'addresses in the subnet are not known to be in it');
    const v6 = v.get('ipv6_cidr_block');
    const c6 = v6.unknown && !this.configured(r, 'ipv6_cidr_block') ? 'absent' : this.cidr(r, v6, id, 'IPv6 addresses in the subnet are not known to be in it');
    const az = v.get('availability_zone').str();
    const name = tagName(v);
    this.subnets.set({
      id,
      vpcId,
      cidr4: c4 === 'absent' ? null : c4,
      cidrs6: c6 !== null && c6 !== 'absent' ? [c6] : [],
      ...(az !== undefined ? { availabilityZone: az } : {}),
      ...(old?.bpaMode !== undefined ? { bpaMode: old.bpaMode } : {}),
      ...(name !== undefined ? { name } : {}),
      source: this.src(r),
    });
  }

  igw(r: PlanResource, v: Val): void {
    const id = this.idOf(r);
    const vpc = v.get('vpc_id');
    const vpcId = vpc.value === undefined && !vpc.unknown ? undefined : this.id(r, vpc, 'vpc', id, 'the gateway is taken as attached to no VPC');
    const name = tagName(v);
    this.igws.set({ id, vpcIds: vpcId === undefined ? [] : [vpcId], ...(name !== undefined ? { name } : {}), source: this.src(r) });
  }

  securityGroup(r: PlanResource, v: Val): void {
    const id = this.idOf(r);
    const old = this.groups.get(id);
    const vpcId = this.id(r, v.get('vpc_id'), 'vpc', id, 'the group belongs to no known VPC') ?? old?.vpcId;
    const rules = (key: 'ingress' | 'egress', direction: Direction): readonly SgRule[] => {
      const list = v.get(key);
      if (list.unknown) {
        // Not in the configuration: the provider computes it from the group's other rules (and removes the
        // default allow-all egress of a group it creates), which start empty.
        if (!this.configured(r, key)) return isCreate(r) ? [] : (direction === 'inbound' ? old?.inbound : old?.outbound) ?? [];
        this.noteUnknown(r, list, id, `the ${direction} rules are unknown; one never-matching rule stands for them`);
        return [{ groupId: id, direction, protocol: null, ports: null, icmp: null, peer: { kind: 'invalid', text: `${key} (unknown until apply)` }, source: this.src(r, list) }];
      }
      return list.elems().flatMap((e) => this.sgRules(r, e, id, direction, { protocol: 'protocol', self: true }));
    };
    const name = tagName(v);
    const description = v.get('description').str();
    this.groups.set({
      id,
      groupName: v.get('name').str() ?? (r.type === 'aws_default_security_group' ? 'default' : old?.groupName ?? id),
      ...(vpcId !== undefined ? { vpcId } : {}),
      ...(old?.ownerId !== undefined ? { ownerId: old.ownerId } : {}),
      ...(description !== undefined ? { description } : {}),
      ...(name !== undefined ? { name } : {}),
      inbound: rules('ingress', 'inbound'),
      outbound: rules('egress', 'outbound'),
      source: this.src(r),
    });
  }

  /** Does the configuration set the attribute (so an unknown value is really unknown)? */
  private configured(r: PlanResource, key: string): boolean {
    return this.refs.hasExpression(r, [key]);
  }

  networkAcl(r: PlanResource, v: Val): void {
    const id = this.idOf(r);
    const old = this.acls.get(id);
    const vpcV = v.get('vpc_id');
    const vpcId = (vpcV.unknown && old !== undefined ? old.vpcId : this.id(r, vpcV, 'vpc', id, 'the ACL belongs to no known VPC')) ?? old?.vpcId ?? '';
    const entries: NaclEntry[] = [];
    for (const [key, direction] of [['ingress', 'inbound'], ['egress', 'outbound']] as const) {
      const list = v.get(key);
      if (list.unknown) {
        if (!this.configured(r, key)) {
          if (!isCreate(r)) entries.push(...(old?.entries.filter((e) => e.direction === direction) ?? []));
          continue;
        }
        this.noteUnknown(r, list, id, `the ${direction} entries are unknown; the ACL is evaluated without them`);
        continue;
      }
      for (const e of list.elems()) entries.push(this.naclEntry(r, e, id, direction, { number: 'rule_no', action: 'action' }));
    }
    const subnets = v.get('subnet_ids');
    let subnetIds: string[];
    if (subnets.unknown && !this.configured(r, 'subnet_ids')) subnetIds = isCreate(r) ? [] : [...(old?.subnetIds ?? [])];
    else subnetIds = this.idList(r, subnets, 'subnet', id, 'the subnet is not known to use this ACL').ids;
    const name = tagName(v);
    this.acls.set({ id, vpcId, isDefault: r.type === 'aws_default_network_acl' || (old?.isDefault ?? false), subnetIds, entries, ...(name !== undefined ? { name } : {}), source: this.src(r) });
    for (const s of subnetIds) this.moveSubnetToAcl(s, id);
  }

  naclEntry(r: PlanResource, e: Val, aclId: string, direction: Direction, names: { number: string; action: string }): NaclEntry {
    const never = 'the entry is kept and never matches';
    const n = e.get(names.number);
    if (n.unknown) this.noteUnknown(r, n, aclId, never);
    const ruleNumber = n.num() ?? 0;
    const a = e.get(names.action);
    if (a.unknown) this.noteUnknown(r, a, aclId, never);
    const actionText = a.str()?.toLowerCase();
    const action = actionText === 'deny' ? 'deny' : 'allow';
    let broken = n.unknown || a.unknown;
    if (!a.unknown && actionText !== 'allow' && actionText !== 'deny') {
      this.ctx.warn(this.src(r, a).path, `expected "allow" or "deny", got ${JSON.stringify(a.value) ?? 'nothing'}; the entry is kept and never matches`);
      broken = true;
    }
    const proto = this.protocol(r, e.get('protocol'), aclId);
    const isIcmpProto = proto === ICMP || proto === ICMPV6;
    const pi = isIcmpProto
      ? this.portsAndIcmp(r, proto, e.get('icmp_type'), e.get('icmp_code'), aclId, { first: 'icmp_type', second: 'icmp_code' }, e)
      : this.portsAndIcmp(r, proto, e.get('from_port'), e.get('to_port'), aclId, { first: 'from_port', second: 'to_port' }, e);
    let cidr: Cidr | null = null;
    const c4 = e.get('cidr_block');
    const c6 = e.get('ipv6_cidr_block');
    const chosen = c4.str() !== undefined || c4.unknown ? c4 : c6;
    const got = this.cidr(r, chosen, aclId, never);
    if (got === 'absent') this.ctx.warn(this.src(r, e).path, 'no cidr_block or ipv6_cidr_block; the entry is kept and never matches');
    else cidr = got;
    return { ruleNumber, action, direction, protocol: broken ? null : pi.protocol, cidr, ports: pi.ports, icmp: pi.icmp, source: this.src(r, e) };
  }

  moveSubnetToAcl(subnetId: string, aclId: string): void {
    for (const acl of this.acls.values()) {
      if (acl.id !== aclId && acl.subnetIds.includes(subnetId)) this.acls.set({ ...acl, subnetIds: acl.subnetIds.filter((s) => s !== subnetId) });
    }
    this.acls.update(aclId, (a) => (a.subnetIds.includes(subnetId) ? a : { ...a, subnetIds: [...a.subnetIds, subnetId] }));
  }

  moveSubnetToTable(subnetId: string, rtId: string): void {
    for (const rt of this.tables.values()) {
      if (rt.id !== rtId && rt.subnetIds.includes(subnetId)) this.tables.set({ ...rt, subnetIds: rt.subnetIds.filter((s) => s !== subnetId) });
    }
    this.tables.update(rtId, (t) => (t.subnetIds.includes(subnetId) ? t : { ...t, subnetIds: [...t.subnetIds, subnetId] }));
  }

  routeTable(r: PlanResource, v: Val): void {
    const id = this.idOf(r);
    const old = this.tables.get(id);
    const vpcV = v.get('vpc_id');
    const vpcId = (vpcV.unknown && old !== undefined ? old.vpcId : this.id(r, vpcV, 'vpc', id, 'the table belongs to no known VPC')) ?? old?.vpcId ?? '';
    const routes: Route[] = [];
    const list = v.get('route');
    if (list.unknown) {
      if (!this.configured(r, 'route')) {
        if (!isCreate(r)) routes.push(...(old?.routes.filter((x) => x.target.kind !== 'local') ?? []));
      } else this.noteUnknown(r, list, id, 'the routes are unknown; the table is evaluated with its local route only');
    } else {
      for (const e of list.elems()) routes.push(this.route(r, e, id, { cidr4: 'cidr_block', cidr6: 'ipv6_cidr_block', prefixList: 'destination_prefix_list_id' }, 'CreateRoute'));
    }
    // Propagated routes (from a virtual private gateway) and gateway endpoint routes are left out of the
    // provider's route set: keep the snapshot's.
    const planned = new Set(routes.map((x) => routeKey(x.destination)));
    for (const x of old?.routes ?? []) {
      if ((x.origin === 'EnableVgwRoutePropagation' || x.target.kind === 'vpce') && !planned.has(routeKey(x.destination))) routes.push(x);
    }
    const name = tagName(v);
    this.tables.set({
      id,
      vpcId,
      isMain: r.type === 'aws_default_route_table' || (old?.isMain ?? false),
      subnetIds: old?.subnetIds ?? [],
      gatewayIds: old?.gatewayIds ?? [],
      routes: [...this.localRoutes(vpcId, this.src(r)), ...routes.filter((x) => x.target.kind !== 'local')],
      ...(name !== undefined ? { name } : {}),
      source: this.src(r),
    });
  }

  /** The local route of each VPC CIDR (AWS adds it; Terraform does not list it). */
  localRoutes(vpcId: string, source: SourceRef): Route[] {
    const vpc = this.vpcs.get(vpcId);
    if (vpc === undefined) {
      if (vpcId !== '') this.ctx.warn(source.path, `VPC ${vpcId} is not in the snapshot or the plan: the table's local route (the VPC's CIDRs) is unknown, so traffic inside the VPC finds no route in it`);
      return [];
    }
    return [...vpc.cidrs4, ...vpc.cidrs6].map((cidr) => ({ destination: { kind: 'cidr', cidr }, target: { kind: 'local', id: 'local' }, state: 'active', origin: 'CreateRouteTable', source }));
  }

  route(r: PlanResource, e: Val, rtId: string, keys: { cidr4: string; cidr6: string; prefixList: string }, origin: string): Route {
    const never = 'the route is kept and never matches';
    let destination: RouteDestination = { kind: 'invalid', text: '' };
    const c4 = e.get(keys.cidr4);
    const c6 = e.get(keys.cidr6);
    const pl = e.get(keys.prefixList);
    if (c4.str() !== undefined || c4.unknown || c6.str() !== undefined || c6.unknown) {
      const v = c4.str() !== undefined || c4.unknown ? c4 : c6;
      const got = this.cidr(r, v, rtId, never);
      destination = got === null || got === 'absent' ? { kind: 'invalid', text: v.unknown ? `${v.text()} (unknown until apply)` : String(v.value) } : { kind: 'cidr', cidr: got };
    } else if (pl.unknown) {
      this.noteUnknown(r, pl, rtId, never);
      destination = { kind: 'invalid', text: `${pl.text()} (unknown until apply)` };
    } else if (pl.str() !== undefined) destination = { kind: 'prefix-list', prefixListId: pl.str()! };
    else this.ctx.warn(this.src(r, e).path, 'a route without a destination; kept, it never matches');
    let target: RouteTarget | undefined;
    for (const [key, kind] of TARGET_FIELDS) {
      const t = e.get(key);
      if (t.str() === undefined && !t.unknown) continue;
      if (!t.unknown) {
        const id = t.str()!;
        target = { kind: kind === 'gateway' ? gatewayKind(id) : kind, id };
        break;
      }
      const got = this.follow(r, t, 'target', 1);
      if (got.ok && got.ids.length === 1) {
        const followed = got.kinds[0] ?? 'other';
        target = { kind: kind === 'gateway' ? (followed === 'eni' || followed === 'instance' ? 'other' : followed) : kind, id: got.ids[0]! };
      } else {
        this.noteUnknown(r, t, rtId, 'the route is kept with an unknown target', got.ok ? undefined : got.why);
        target = { kind: kind === 'gateway' ? 'other' : kind, id: `${t.text()} (unknown until apply)` };
      }
      break;
    }
    if (target === undefined) {
      this.ctx.warn(this.src(r, e).path, 'route has no target vpcwhy knows; kept with target kind "other"');
      target = { kind: 'other', id: '' };
    }
    const state = e.get('state').str() === 'blackhole' ? 'blackhole' : 'active';
    return { destination, target, state, origin, source: this.src(r, e) };
  }

  networkInterface(r: PlanResource, v: Val): void {
    const id = this.idOf(r);
    const old = this.enis.get(id);
    const subnetId = this.id(r, v.get('subnet_id'), 'subnet', id, 'its network ACL and route table are unknown');
    const noAddress = 'the interface has no known private address (trace it once applied)';
    const primary = this.ip(r, v.get('private_ip'), id, noAddress);
    const privateIps: Ip[] = primary === null ? [] : [primary];
    const list = v.get('private_ips');
    if (!list.unknown) {
      for (const e of list.elems()) {
        const ip = this.ip(r, e, id, 'that address is left out');
        if (ip !== null && !privateIps.some((x) => x.value === ip.value)) privateIps.push(ip);
      }
    }
    const groups = v.get('security_groups');
    const groupIds = groups.unknown && !this.configured(r, 'security_groups')
      ? (isCreate(r) ? this.defaultGroupOf(this.vpcOfSubnet(subnetId)) : [...(old?.groupIds ?? [])])
      : this.idList(r, groups, 'sg', id, 'the interface is evaluated without that group').ids;
    const attachment = v.get('attachment').elems()[0];
    const instanceId = attachment === undefined ? old?.instanceId : attachment.get('instance').str() ?? old?.instanceId;
    const sdc = v.get('source_dest_check').bool();
    const description = v.get('description').str();
    const name = tagName(v);
    this.enis.set({
      id,
      subnetId: subnetId ?? old?.subnetId ?? '',
      vpcId: this.vpcOfSubnet(subnetId) ?? old?.vpcId ?? '',
      ...(description !== undefined ? { description } : {}),
      interfaceType: v.get('interface_type').str() ?? old?.interfaceType ?? 'interface',
      requesterManaged: old?.requesterManaged ?? false,
      sourceDestCheck: sdc ?? true,
      ...(instanceId !== undefined ? { instanceId } : {}),
      privateIps,
      primaryPrivateIp: privateIps[0] ?? null,
      ipv6Addresses: this.ipList(r, v.get('ipv6_addresses'), id),
      ipv4Prefixes: old?.ipv4Prefixes ?? [],
      ipv6Prefixes: old?.ipv6Prefixes ?? [],
      // Elastic IP associations are not part of aws_network_interface: keep the snapshot's.
      publicIps: (old?.publicIps ?? []).filter((p) => privateIps.some((x) => x.value === p.privateIp.value)),
      groupIds,
      ...(name !== undefined ? { name } : {}),
      source: this.src(r),
    });
  }

  ipList(r: PlanResource, v: Val, objectId: string): Ip[] {
    if (v.unknown) {
      if (Array.isArray(v.value) || this.configured(r, v.steps[0] as string)) this.noteUnknown(r, v, objectId, 'those addresses are left out');
      return [];
    }
    const out: Ip[] = [];
    for (const e of v.elems()) {
      const ip = this.ip(r, e, objectId, 'that address is left out');
      if (ip !== null) out.push(ip);
    }
    return out;
  }

  /** The VPC's default security group (what an instance launched without groups gets). */
  defaultGroupOf(vpcId: string | undefined): string[] {
    if (vpcId === undefined) return [];
    const g = this.groups.values().find((x) => x.vpcId === vpcId && x.groupName === 'default');
    return g === undefined ? [] : [g.id];
  }

  instance(r: PlanResource, v: Val): void {
    const id = this.idOf(r);
    const eniId = this.instanceEniId(r);
    const old = this.enis.get(eniId);
    const name = tagName(v);
    // network_interface blocks attach existing interfaces at launch: device 0 is the primary.
    const attached = v.get('network_interface').elems();
    const primaryAttached = attached.find((a) => a.get('device_index').num() === 0) ?? (attached.length === 1 ? attached[0] : undefined);
    if (primaryAttached !== undefined) {
      const eni = this.id(r, primaryAttached.get('network_interface_id'), 'eni', id, 'the instance has no known interface');
      if (eni !== undefined) {
        this.enis.update(eni, (e) => ({ ...e, instanceId: id }));
        this.instances.set({ id, eniIds: [eni], ...(name !== undefined ? { name } : {}), source: this.src(r) });
      }
      return;
    }
    const subnetId = this.id(r, v.get('subnet_id'), 'subnet', eniId, 'its network ACL and route table are unknown');
    const vpcId = this.vpcOfSubnet(subnetId) ?? old?.vpcId ?? '';
    const primary = this.ip(r, v.get('private_ip'), eniId, 'the interface has no known private address (trace it once applied)');
    const privateIps: Ip[] = primary === null ? [] : [primary];
    const secondary = v.get('secondary_private_ips');
    if (!secondary.unknown) for (const e of secondary.elems()) {
      const ip = this.ip(r, e, eniId, 'that address is left out');
      if (ip !== null) privateIps.push(ip);
    }
    const groupsVal = v.get('vpc_security_group_ids');
    let groupIds: string[];
    if (groupsVal.unknown && !this.configured(r, 'vpc_security_group_ids') && !this.configured(r, 'security_groups')) {
      // Launched without groups: the VPC's default group (for an existing instance, what it has).
      groupIds = isCreate(r) ? this.defaultGroupOf(vpcId) : [...(old?.groupIds ?? [])];
      if (isCreate(r) && groupIds.length === 0) this.noteUnknown(r, groupsVal, eniId, 'the instance gets its VPC\'s default group, which is not in the snapshot or the plan');
    } else groupIds = this.idList(r, groupsVal, 'sg', eniId, 'the interface is evaluated without that group').ids;
    const publicIps: { publicIp: Ip; privateIp: Ip }[] = [];
    const pub = v.get('public_ip');
    const subnetMaps = this.subnetMapsPublic(subnetId);
    const assoc = v.get('associate_public_ip_address');
    const wantsPublic = assoc.bool() ?? subnetMaps;
    if (pub.unknown) {
      const traced = 'the interface is traced as having none, so the internet does not reach it and it reaches the internet only through a NAT';
      if (wantsPublic === true) this.noteUnknown(r, pub, eniId, `the public address is assigned at launch: ${traced}`, undefined, 'internet');
      else if (wantsPublic === undefined) this.noteUnknown(r, pub, eniId, `whether the instance gets a public address at launch depends on its subnet's map_public_ip_on_launch, which the plan does not give; if it does, the address is unknown: ${traced}`, undefined, 'internet');
    } else if (pub.str() !== undefined && primary !== null) {
      const p = parseIp(pub.str()!);
      if (p !== null) publicIps.push({ publicIp: p, privateIp: primary });
    }
    const ipv6 = this.ipList(r, v.get('ipv6_addresses'), eniId);
    const sdc = v.get('source_dest_check').bool();
    this.enis.set({
      id: eniId,
      subnetId: subnetId ?? old?.subnetId ?? '',
      vpcId,
      ...(old?.description !== undefined ? { description: old.description } : {}),
      interfaceType: 'interface',
      requesterManaged: false,
      sourceDestCheck: sdc ?? true,
      instanceId: id,
      privateIps,
      primaryPrivateIp: privateIps[0] ?? null,
      ipv6Addresses: ipv6,
      ipv4Prefixes: old?.ipv4Prefixes ?? [],
      ipv6Prefixes: old?.ipv6Prefixes ?? [],
      publicIps,
      groupIds,
      ...(name !== undefined ? { name } : {}),
      source: this.src(r),
    });
    const oldInstance = this.instances.get(id);
    this.instances.set({ id, eniIds: [eniId, ...(oldInstance?.eniIds.filter((e) => e !== eniId) ?? [])], ...(name !== undefined ? { name } : {}), source: this.src(r) });
  }

  /** map_public_ip_on_launch of a subnet of the plan (undefined when the plan does not say). */
  private subnetMapsPublic(subnetId: string | undefined): boolean | undefined {
    if (subnetId === undefined) return undefined;
    const res = this.plan.resources.find((x) => (x.type === 'aws_subnet' || x.type === 'aws_default_subnet') && this.idOf(x) === subnetId && x.after !== null);
    if (res === undefined) return undefined;
    return new Val(res.after, res.afterUnknown, []).get('map_public_ip_on_launch').bool();
  }

  // ---------------------------------------------------------------- removals

  /** Removes what a deleted (or replaced) resource contributed before. */
  remove(r: PlanResource): void {
    // Reading the prior values again says nothing new: warnings and unknowns of this pass are dropped.
    const warnings = this.ctx.warnings.length;
    const unknowns = this.unknowns.length;
    try {
      this.removeQuietly(r);
    } finally {
      this.ctx.warnings.length = warnings;
      this.unknowns.length = unknowns;
    }
  }

  private removeQuietly(r: PlanResource): void {
    const before = r.before === null ? undefined : new Val(r.before, false, []);
    const id = before?.get('id').str();
    if (before === undefined) return;
    switch (r.type) {
      case 'aws_vpc':
        if (id) this.vpcs.delete(id);
        return;
      case 'aws_subnet':
        if (id) this.subnets.delete(id);
        return;
      case 'aws_internet_gateway':
        if (id) this.igws.delete(id);
        return;
      case 'aws_security_group':
        if (id) this.groups.delete(id);
        return;
      case 'aws_network_acl':
        if (id) {
          this.acls.delete(id);
          // Its subnets go back to the VPC's default ACL (found by the index through isDefault).
        }
        return;
      case 'aws_route_table':
        if (id) this.tables.delete(id);
        return;
      case 'aws_network_interface':
        if (id) this.enis.delete(id);
        return;
      case 'aws_instance': {
        const eni = before.get('primary_network_interface_id').str();
        if (eni) this.enis.delete(eni);
        if (id) this.instances.delete(id);
        return;
      }
      case 'aws_security_group_rule':
      case 'aws_vpc_security_group_ingress_rule':
      case 'aws_vpc_security_group_egress_rule': {
        const gid = before.get('security_group_id').str();
        if (!gid) return;
        const rules = this.standaloneSgRules(r, before, gid);
        const ruleId = before.get('security_group_rule_id').str() ?? (r.type === 'aws_security_group_rule' ? undefined : id);
        const prints = new Set(rules.map(ruleFingerprint));
        const keep = (x: SgRule): boolean => !(ruleId !== undefined && x.ruleId === ruleId) && !prints.has(ruleFingerprint(x));
        this.groups.update(gid, (g) => ({ ...g, inbound: g.inbound.filter(keep), outbound: g.outbound.filter(keep) }));
        return;
      }
      case 'aws_network_acl_rule': {
        const aclId = before.get('network_acl_id').str();
        const n = before.get('rule_number').num();
        const direction: Direction = before.get('egress').bool() === true ? 'outbound' : 'inbound';
        if (aclId) this.acls.update(aclId, (a) => ({ ...a, entries: a.entries.filter((e) => !(e.direction === direction && e.ruleNumber === n)) }));
        return;
      }
      case 'aws_network_acl_association': {
        const aclId = before.get('network_acl_id').str();
        const subnet = before.get('subnet_id').str();
        if (aclId && subnet) this.acls.update(aclId, (a) => ({ ...a, subnetIds: a.subnetIds.filter((s) => s !== subnet) }));
        return;
      }
      case 'aws_route': {
        const rtId = before.get('route_table_id').str();
        if (!rtId) return;
        const dest = routeKey(this.route(r, before, rtId, ROUTE_KEYS, 'CreateRoute').destination);
        this.tables.update(rtId, (t) => ({ ...t, routes: t.routes.filter((x) => routeKey(x.destination) !== dest) }));
        return;
      }
      case 'aws_route_table_association': {
        const rtId = before.get('route_table_id').str();
        const subnet = before.get('subnet_id').str();
        const gw = before.get('gateway_id').str();
        if (rtId) this.tables.update(rtId, (t) => ({ ...t, subnetIds: t.subnetIds.filter((s) => s !== subnet), gatewayIds: t.gatewayIds.filter((g) => g !== gw) }));
        return;
      }
      case 'aws_network_interface_sg_attachment': {
        const eni = before.get('network_interface_id').str();
        const gid = before.get('security_group_id').str();
        if (eni && gid) this.enis.update(eni, (e) => ({ ...e, groupIds: e.groupIds.filter((g) => g !== gid) }));
        return;
      }
      default:
        // aws_default_* resources: destroying them only stops Terraform managing them.
        return;
    }
  }

  standaloneSgRules(r: PlanResource, v: Val, gid: string): SgRule[] {
    if (r.type === 'aws_security_group_rule') {
      const type = v.get('type').str();
      const direction: Direction = type === 'egress' ? 'outbound' : 'inbound';
      return this.sgRules(r, v, gid, direction, { protocol: 'protocol', self: true });
    }
    return [this.vpcSgRule(r, v, gid, r.type === 'aws_vpc_security_group_egress_rule' ? 'outbound' : 'inbound')];
  }

  // ---------------------------------------------------------------- attachments

  attach(r: PlanResource, v: Val): void {
    switch (r.type) {
      case 'aws_security_group_rule':
      case 'aws_vpc_security_group_ingress_rule':
      case 'aws_vpc_security_group_egress_rule': {
        const gid = this.id(r, v.get('security_group_id'), 'sg', this.idOf(r), 'the rule belongs to no known group and is left out');
        if (gid === undefined) return;
        if (r.type === 'aws_security_group_rule') {
          const t = v.get('type');
          if (t.unknown || (t.str() !== 'ingress' && t.str() !== 'egress')) {
            this.ctx.warn(this.src(r, t).path, `expected type "ingress" or "egress", got ${JSON.stringify(t.value) ?? 'nothing'}; the rule is left out`);
            return;
          }
        }
        const rules = this.standaloneSgRules(r, v, gid);
        if (!this.groups.get(gid)) {
          this.ctx.warn(this.src(r).path, `security group ${gid} is not in the snapshot or the plan; the group is built from its rules`);
          this.groups.set({ id: gid, groupName: gid, inbound: [], outbound: [], source: this.src(r) });
        }
        this.groups.update(gid, (g) => {
          const prints = new Set(rules.map(ruleFingerprint));
          const ruleIds = new Set(rules.flatMap((x) => (x.ruleId === undefined ? [] : [x.ruleId])));
          const keep = (x: SgRule): boolean => !prints.has(ruleFingerprint(x)) && !(x.ruleId !== undefined && ruleIds.has(x.ruleId));
          return {
            ...g,
            inbound: [...g.inbound.filter(keep), ...rules.filter((x) => x.direction === 'inbound')],
            outbound: [...g.outbound.filter(keep), ...rules.filter((x) => x.direction === 'outbound')],
          };
        });
        return;
      }
      case 'aws_network_acl_rule': {
        const aclId = this.id(r, v.get('network_acl_id'), 'nacl', this.idOf(r), 'the entry belongs to no known ACL and is left out');
        if (aclId === undefined) return;
        const eg = v.get('egress');
        if (eg.unknown) this.noteUnknown(r, eg, aclId, 'taken as an inbound entry');
        const direction: Direction = eg.bool() === true ? 'outbound' : 'inbound';
        const entry = this.naclEntry(r, v, aclId, direction, { number: 'rule_number', action: 'rule_action' });
        if (!this.acls.update(aclId, (a) => ({ ...a, entries: [...a.entries.filter((e) => !(e.direction === direction && e.ruleNumber === entry.ruleNumber)), entry] }))) {
          this.ctx.warn(this.src(r).path, `network ACL ${aclId} is not in the snapshot or the plan; the entry is left out`);
        }
        return;
      }
      case 'aws_network_acl_association': {
        const aclId = this.id(r, v.get('network_acl_id'), 'nacl', this.idOf(r), 'the association is left out');
        const subnet = this.id(r, v.get('subnet_id'), 'subnet', aclId ?? this.idOf(r), 'the association is left out');
        if (aclId === undefined || subnet === undefined) return;
        if (!this.acls.get(aclId)) this.ctx.warn(this.src(r).path, `network ACL ${aclId} is not in the snapshot or the plan; the association is left out`);
        else this.moveSubnetToAcl(subnet, aclId);
        return;
      }
      case 'aws_route': {
        const rtId = this.id(r, v.get('route_table_id'), 'rt', this.idOf(r), 'the route belongs to no known table and is left out');
        if (rtId === undefined) return;
        const route = this.route(r, v, rtId, ROUTE_KEYS, 'CreateRoute');
        const key = routeKey(route.destination);
        if (!this.tables.update(rtId, (t) => ({ ...t, routes: [...t.routes.filter((x) => key === '' || routeKey(x.destination) !== key), route] }))) {
          this.ctx.warn(this.src(r).path, `route table ${rtId} is not in the snapshot or the plan; the route is left out`);
        }
        return;
      }
      case 'aws_route_table_association': {
        const rtId = this.id(r, v.get('route_table_id'), 'rt', this.idOf(r), 'the association is left out');
        if (rtId === undefined) return;
        if (!this.tables.get(rtId)) {
          this.ctx.warn(this.src(r).path, `route table ${rtId} is not in the snapshot or the plan; the association is left out`);
          return;
        }
        const sn = v.get('subnet_id');
        if (sn.str() !== undefined || sn.unknown) {
          const subnet = this.id(r, sn, 'subnet', rtId, 'the association is left out');
          if (subnet !== undefined) this.moveSubnetToTable(subnet, rtId);
          return;
        }
        const gw = v.get('gateway_id');
        const gateway = this.id(r, gw, 'target', rtId, 'the association is left out');
        if (gateway !== undefined) this.tables.update(rtId, (t) => ({ ...t, gatewayIds: t.gatewayIds.includes(gateway) ? t.gatewayIds : [...t.gatewayIds, gateway] }));
        return;
      }
      case 'aws_main_route_table_association': {
        const rtId = this.id(r, v.get('route_table_id'), 'rt', this.idOf(r), 'the association is left out');
        const vpcId = this.id(r, v.get('vpc_id'), 'vpc', rtId ?? this.idOf(r), 'the association is left out');
        if (rtId === undefined || vpcId === undefined) return;
        for (const t of this.tables.values()) if (t.vpcId === vpcId && t.isMain !== (t.id === rtId)) this.tables.set({ ...t, isMain: t.id === rtId });
        return;
      }
      case 'aws_network_interface_sg_attachment': {
        const eni = this.id(r, v.get('network_interface_id'), 'eni', this.idOf(r), 'the attachment is left out');
        const gid = this.id(r, v.get('security_group_id'), 'sg', eni ?? this.idOf(r), 'the attachment is left out');
        if (eni === undefined || gid === undefined) return;
        if (!this.enis.update(eni, (e) => (e.groupIds.includes(gid) ? e : { ...e, groupIds: [...e.groupIds, gid] }))) {
          this.ctx.warn(this.src(r).path, `network interface ${eni} is not in the snapshot or the plan; the attachment is left out`);
        }
        return;
      }
      default:
        return;
    }
  }
}

const ROUTE_KEYS = { cidr4: 'destination_cidr_block', cidr6: 'destination_ipv6_cidr_block', prefixList: 'destination_prefix_list_id' };

function routeKey(d: RouteDestination): string {
  return d.kind === 'cidr' ? `cidr:${d.cidr.text}` : d.kind === 'prefix-list' ? `pl:${d.prefixListId}` : '';
}

function ruleFingerprint(r: SgRule): string {
  const { description: _d, ruleId: _r, source: _s, ...rest } = r;
  return contentFingerprint(rest);
}

function tagName(v: Val): string | undefined {
  const tags = v.get('tags');
  return tags.get('Name').str();
}

const OBJECT_ORDER: readonly string[] = [
  'aws_vpc', 'aws_default_vpc', 'aws_internet_gateway', 'aws_subnet', 'aws_default_subnet',
  'aws_default_security_group', 'aws_security_group', 'aws_default_network_acl', 'aws_network_acl',
  'aws_default_route_table', 'aws_route_table', 'aws_network_interface', 'aws_instance',
];

/**
 * Layers the plan over the snapshot. Pure and total over a decoded plan; the warnings (the snapshot's, then
 * the plan's) are in the returned snapshot, the unknown values also in `unknowns`.
 */
export function layerPlan(base: Snapshot, plan: PlanDocument): LayeredPlan {
  const l = new Layering(base, plan);
  const managed = plan.resources.filter((r) => r.mode === 'managed');
  const ignored = new Set<string>();
  for (const r of managed) if (!MODELLED.has(r.type)) ignored.add(r.type);

  // 1. What deleted and replaced resources contributed goes.
  for (const r of managed) {
    if (r.before === null) continue;
    if (isDelete(r) || (r.actions.includes('update') && !OBJECT_ORDER.includes(r.type))) l.remove(r);
  }
  // 2. Objects, in dependency order (a VPC before its subnets, a subnet before its interfaces).
  const after = managed.filter((r) => existsAfter(r) && MODELLED.has(r.type));
  const rank = (t: string): number => {
    const i = OBJECT_ORDER.indexOf(t);
    return i < 0 ? OBJECT_ORDER.length : i;
  };
  const objects = after.filter((r) => OBJECT_ORDER.includes(r.type)).sort((a, b) => rank(a.type) - rank(b.type));
  for (const r of objects) {
    const v = new Val(r.after, r.afterUnknown, []);
    switch (r.type) {
      case 'aws_vpc':
      case 'aws_default_vpc':
        l.vpc(r, v);
        break;
      case 'aws_internet_gateway':
        l.igw(r, v);
        break;
      case 'aws_subnet':
      case 'aws_default_subnet':
        l.subnet(r, v);
        break;
      case 'aws_security_group':
      case 'aws_default_security_group':
        l.securityGroup(r, v);
        break;
      case 'aws_network_acl':
      case 'aws_default_network_acl':
        l.networkAcl(r, v);
        break;
      case 'aws_route_table':
      case 'aws_default_route_table':
        l.routeTable(r, v);
        break;
      case 'aws_network_interface':
        l.networkInterface(r, v);
        break;
      case 'aws_instance':
        l.instance(r, v);
        break;
    }
  }
  // 3. Standalone rules, routes and associations, onto their group, ACL, table or interface.
  for (const r of after) if (!OBJECT_ORDER.includes(r.type)) l.attach(r, new Val(r.after, r.afterUnknown, []));

  const planWarnings: Warning[] = [...l.ctx.warnings];
  if (ignored.size > 0) {
    planWarnings.push({ source: { file: plan.file, path: '' }, message: `resources vpcwhy does not model are ignored: ${[...ignored].sort().join(', ')}` });
  }
  const alone = base.vpcs.length === 0 && base.subnets.length === 0 && base.enis.length === 0 && base.securityGroups.length === 0 && base.networkAcls.length === 0 && base.routeTables.length === 0;
  const planSections = alone ? [...new Set(managed.flatMap((r) => TYPE_SECTIONS[r.type] ?? []))] : [];
  const snapshot: Snapshot = {
    ...base,
    vpcs: l.vpcs.values(),
    subnets: l.subnets.values(),
    enis: l.enis.values(),
    securityGroups: l.groups.values(),
    networkAcls: l.acls.values(),
    routeTables: l.tables.values(),
    internetGateways: l.igws.values(),
    instances: l.instances.values(),
    warnings: [...planWarnings, ...base.warnings],
    meta: {
      ...base.meta,
      files: [...base.meta.files, plan.file],
      ...(base.meta.sections !== undefined || planSections.length > 0 ? { sections: [...new Set([...(base.meta.sections ?? []), ...planSections])] } : {}),
    },
  };
  const ids = new Map<string, string>();
  for (const r of after) ids.set(r.address, r.type === 'aws_instance' ? l.instanceEniId(r) : l.idOf(r));
  return { snapshot, unknowns: l.unknowns, ignoredTypes: [...ignored].sort(), ids };
}
