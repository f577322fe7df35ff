/**
 * CloudFormation templates (and `cdk synth` output, which is one) layered over a snapshot (issue 21,
 * "CloudFormation (and CDK)"): what the network will be once the stacks are deployed. The design mirrors
 * terraform-plan.ts:
 *
 * - Every resource the template creates is named by its logical id (`WebSG`); an instance's primary
 *   interface too. The implicit objects of a VPC the template creates are `<Vpc>.DefaultNetworkAcl`,
 *   `<Vpc>.DefaultSecurityGroup` (CloudFormation's GetAtt names) and `<Vpc>.MainRouteTable`.
 * - Rules, entries, routes and associations that name an existing object (a literal `sg-...`, or a
 *   parameter whose Default is one) are added to the snapshot's object, which keeps its AWS id.
 * - Values known only at deployment (cfn-intrinsics.ts) are never guessed: the rule stays in the model and
 *   never matches (SG peer `invalid`, NACL cidr or protocol null, route destination `invalid`), the interface
 *   has no address, ...; each is listed in `unknowns` and warned about, naming the logical id and property.
 * - Every model object has `source: { file: <template>, path: Resources.<LogicalId>[.Properties...] }`,
 *   a JSON path of the template, so findings and SARIF regions point at the logical id and its line.
 *
 * AWS and CloudFormation behaviour relied on: a new security group without egress rules in the template
 * gets an allow-all egress rule (0.0.0.0/0, and ::/0 when the VPC has IPv6; AWS::EC2::SecurityGroup
 * reference); a VPC comes with a default network ACL that allows all traffic (rule 100, and 101 for IPv6),
 * a main route table with its local routes, and a default security group (all from its members in, all
 * out) (ref 4.1, 5.1, 8.20); a new custom network ACL denies everything until entries are added; an
 * instance or interface launched without groups gets its VPC's default group.
 */
import type { Cidr, Ip, IcmpMatch, PortRange } from '../model/address.js';
import type {
  Direction, Eni, Instance, InternetGateway, NaclEntry, NatGateway, NetworkAcl, Route, RouteDestination, RouteTable, RouteTarget,
  RouteTargetKind, SecurityGroup, SgPeer, SgRule, Snapshot, Subnet, Vpc,
} from '../model/snapshot.js';
import type { SourceRef, Warning } from '../model/warning.js';
import { DecodeContext, getField, isObject, joinPath } from '../aws/decode/common.js';
import { readPortsAndIcmp } from '../aws/decode/rule-values.js';
import { parseCidr, parseIp } from '../net/ip.js';
import { ICMP, ICMPV6, TCP, UDP, parseProtocol } from '../net/protocol.js';
import type { CfnProblem, CfnResource, CfnTemplate } from './cfn-template.js';
import { type ExportSource, ResourceId, TemplateResolver, Unknown } from './cfn-intrinsics.js';
import type { LayeredPlan, PlanUnknown } from './terraform-plan.js';
import { Table } from './terraform-plan.js';

/** A resolved property value and its path in the template. */
class V {
  constructor(
    readonly value: unknown,
    readonly path: string,
  ) {}

  /** A member; of an unknown value, the same unknown (so what is read from it is reported, not dropped). */
  get(key: string): V {
    if (this.value instanceof Unknown) return new V(this.value, joinPath(this.path, key));
    return new V(isObject(this.value) ? getField(this.value, key) : undefined, joinPath(this.path, key));
  }

  elems(): V[] {
    return Array.isArray(this.value) ? this.value.map((x: unknown, i) => new V(x, joinPath(this.path, i))) : [];
  }

  get unknown(): Unknown | undefined {
    return this.value instanceof Unknown ? this.value : undefined;
  }

  get present(): boolean {
    return this.value !== undefined;
  }

  str(): string | undefined {
    if (typeof this.value === 'string' && this.value !== '') return this.value;
    if (typeof this.value === 'number') return String(this.value);
    return undefined;
  }

  num(): number | undefined {
    if (typeof this.value === 'number' && Number.isFinite(this.value)) return this.value;
    if (typeof this.value === 'string' && /^-?\d+$/.test(this.value.trim())) return Number(this.value.trim());
    return undefined;
  }

  bool(): boolean | undefined {
    if (typeof this.value === 'boolean') return this.value;
    if (this.value === 'true' || this.value === 'True') return true;
    if (this.value === 'false' || this.value === 'False') return false;
    return undefined;
  }
}

const MODELLED = new Set([
  'AWS::EC2::VPC', 'AWS::EC2::VPCCidrBlock', 'AWS::EC2::Subnet', 'AWS::EC2::InternetGateway', 'AWS::EC2::VPCGatewayAttachment',
  'AWS::EC2::SecurityGroup', 'AWS::EC2::SecurityGroupIngress', 'AWS::EC2::SecurityGroupEgress',
  'AWS::EC2::NetworkAcl', 'AWS::EC2::NetworkAclEntry', 'AWS::EC2::SubnetNetworkAclAssociation',
  'AWS::EC2::RouteTable', 'AWS::EC2::Route', 'AWS::EC2::SubnetRouteTableAssociation',
  'AWS::EC2::NatGateway', 'AWS::EC2::EIP', 'AWS::EC2::EIPAssociation', 'AWS::EC2::NetworkInterface', 'AWS::EC2::Instance',
  'Custom::VpcRestrictDefaultSG',
]);

/**
 * Properties that put a resource of another type on the network (a load balancer's subnets, a function's
 * VpcConfig, a database's groups): such resources are listed as ignored; IAM roles, functions outside a VPC,
 * CDK's metadata and the like are not.
 */
const NETWORK_PROPERTIES = ['SecurityGroupIds', 'SecurityGroups', 'VpcSecurityGroupIds', 'VpcConfig', 'Subnets', 'SubnetIds', 'SubnetId', 'VpcId', 'NetworkConfiguration', 'SubnetMappings'];

function onTheNetwork(r: CfnResource): boolean {
  return r.type.startsWith('AWS::EC2::') || NETWORK_PROPERTIES.some((k) => getField(r.properties, k) !== undefined);
}

const ORDER: readonly string[] = [
  'AWS::EC2::VPC', 'AWS::EC2::VPCCidrBlock', 'AWS::EC2::InternetGateway', 'AWS::EC2::VPCGatewayAttachment', 'AWS::EC2::Subnet',
  'AWS::EC2::SecurityGroup', 'AWS::EC2::NetworkAcl', 'AWS::EC2::RouteTable', 'AWS::EC2::NatGateway',
  'AWS::EC2::NetworkInterface', 'AWS::EC2::Instance',
  'AWS::EC2::SecurityGroupIngress', 'AWS::EC2::SecurityGroupEgress', 'AWS::EC2::NetworkAclEntry', 'AWS::EC2::SubnetNetworkAclAssociation',
  'AWS::EC2::Route', 'AWS::EC2::SubnetRouteTableAssociation', 'AWS::EC2::EIP', 'AWS::EC2::EIPAssociation',
  'Custom::VpcRestrictDefaultSG',
];

const TYPE_SECTIONS: Record<string, readonly string[]> = {
  'AWS::EC2::VPC': ['Vpcs', 'NetworkAcls', 'RouteTables', 'SecurityGroups'], 'AWS::EC2::Subnet': ['Subnets'],
  'AWS::EC2::InternetGateway': ['InternetGateways'], 'AWS::EC2::SecurityGroup': ['SecurityGroups'], 'AWS::EC2::NetworkAcl': ['NetworkAcls'],
  'AWS::EC2::RouteTable': ['RouteTables'], 'AWS::EC2::NatGateway': ['NatGateways'], 'AWS::EC2::NetworkInterface': ['NetworkInterfaces'],
  'AWS::EC2::Instance': ['NetworkInterfaces', 'Reservations'],
};

/** Route target kinds by the type of the resource a target property names. */
const TYPE_TARGET_KIND: Record<string, RouteTargetKind> = {
  'AWS::EC2::InternetGateway': 'igw', 'AWS::EC2::VPNGateway': 'vgw', 'AWS::EC2::EgressOnlyInternetGateway': 'eigw',
  'AWS::EC2::NatGateway': 'nat', 'AWS::EC2::TransitGateway': 'tgw', 'AWS::EC2::VPCPeeringConnection': 'pcx',
  'AWS::EC2::NetworkInterface': 'eni', 'AWS::EC2::Instance': 'instance', 'AWS::EC2::VPCEndpoint': 'vpce',
  'AWS::EC2::CarrierGateway': 'cgw',
};

const TARGET_FIELDS: ReadonlyArray<readonly [string, RouteTargetKind | 'gateway']> = [
  ['GatewayId', 'gateway'], ['NatGatewayId', 'nat'], ['TransitGatewayId', 'tgw'], ['VpcPeeringConnectionId', 'pcx'],
  ['EgressOnlyInternetGatewayId', 'eigw'], ['NetworkInterfaceId', 'eni'], ['InstanceId', 'instance'], ['VpcEndpointId', 'vpce'],
  ['LocalGatewayId', 'lgw'], ['CarrierGatewayId', 'cgw'], ['CoreNetworkArn', 'core-network'],
];

function gatewayKind(id: string): RouteTargetKind {
  if (id === 'local') return 'local';
  for (const [prefix, kind] of [['igw-', 'igw'], ['vgw-', 'vgw'], ['vpce-', 'vpce'], ['eigw-', 'eigw'], ['nat-', 'nat'], ['tgw-', 'tgw']] as const) if (id.startsWith(prefix)) return kind;
  return 'other';
}

/** What an id property names, to check a Ref names the right kind of resource. */
const ROLE_TYPES: Record<string, readonly string[]> = {
  vpc: ['AWS::EC2::VPC'], subnet: ['AWS::EC2::Subnet'], sg: ['AWS::EC2::SecurityGroup'], nacl: ['AWS::EC2::NetworkAcl'],
  rt: ['AWS::EC2::RouteTable'], eni: ['AWS::EC2::NetworkInterface'], instance: ['AWS::EC2::Instance'], igw: ['AWS::EC2::InternetGateway'],
  eip: ['AWS::EC2::EIP'],
};
type Role = keyof typeof ROLE_TYPES;

const NEVER = 'the rule is kept and never matches';

interface Item {
  readonly t: CfnTemplate;
  readonly r: CfnResource;
  readonly resolver: TemplateResolver;
  readonly id: string;
  /** Resolved Properties. */
  readonly props: V;
}

class CfnLayering {
  readonly unknowns: PlanUnknown[] = [];
  readonly warnings: Warning[] = [];
  readonly vpcs: Table<Vpc>;
  readonly subnets: Table<Subnet>;
  readonly enis: Table<Eni>;
  readonly groups: Table<SecurityGroup>;
  readonly acls: Table<NetworkAcl>;
  readonly tables: Table<RouteTable>;
  readonly igws: Table<InternetGateway>;
  readonly nats: Table<NatGateway>;
  readonly instances: Table<Instance>;
  /** VPCs of the templates that have (or will have) IPv6. */
  readonly v6Vpcs = new Set<string>();
  /** MapPublicIpOnLaunch of the templates' subnets ('unknown' until deployment). */
  readonly mapsPublic = new Map<string, boolean | 'unknown'>();
  /** Primary interface of each instance, by instance id. */
  readonly instanceEni = new Map<string, string>();
  readonly byId = new Map<string, Item>();
  /** The allow-all egress AWS gives a group of the templates that declares no egress rule, by group id. */
  readonly defaultEgress = new Map<string, readonly SgRule[]>();

  constructor(readonly base: Snapshot) {
    this.vpcs = new Table(base.vpcs);
    this.subnets = new Table(base.subnets);
    this.enis = new Table(base.enis);
    this.groups = new Table(base.securityGroups);
    this.acls = new Table(base.networkAcls);
    this.tables = new Table(base.routeTables);
    this.igws = new Table(base.internetGateways);
    this.nats = new Table(base.natGateways);
    this.instances = new Table(base.instances);
  }

  src(it: Item, v?: V): SourceRef {
    return { file: it.t.file, path: v === undefined ? it.r.path : v.path };
  }

  warn(it: Item, v: V | undefined, message: string): void {
    this.warnings.push({ source: this.src(it, v), message });
  }

  noteUnknown(it: Item, v: V, objectId: string, consequence: string, onlyFor?: 'internet'): void {
    const source = this.src(it, v);
    const why = v.unknown?.why;
    const attribute = v.path.startsWith(`${it.r.path}.`) ? v.path.slice(it.r.path.length + 1) : v.path;
    this.unknowns.push({ address: it.r.logicalId, attribute, objectId, consequence, source, origin: 'cloudformation', ...(onlyFor !== undefined ? { onlyFor } : {}) });
    this.warnings.push({ source, message: `unknown until deployment${why === undefined ? '' : ` (${why})`}; ${consequence}` });
  }

  /** An id property: a Ref to a resource of the right kind, or a literal id; undefined (noted) when unknown. */
  id(it: Item, v: V, role: Role, objectId: string, consequence: string): string | undefined {
    if (v.unknown) {
      this.noteUnknown(it, v, objectId, consequence);
      return undefined;
    }
    if (v.value instanceof ResourceId) {
      if (!ROLE_TYPES[role]!.includes(v.value.type)) {
        this.warn(it, v, `expected the id of a ${ROLE_TYPES[role]!.join(' or ')}, got the id of ${v.value.logicalId} (${v.value.type}); ${consequence}`);
        return undefined;
      }
      return v.value.id;
    }
    const s = v.str();
    if (s === undefined && v.present) this.warn(it, v, `expected an id, got ${JSON.stringify(v.value) ?? 'nothing'}; ${consequence}`);
    return s;
  }

  idList(it: Item, v: V, role: Role, objectId: string, consequence: string): { ids: string[]; unknown: number } {
    if (v.unknown) {
      this.noteUnknown(it, v, objectId, consequence);
      return { ids: [], unknown: 1 };
    }
    const ids: string[] = [];
    let unknown = 0;
    for (const e of v.elems()) {
      const id = this.id(it, e, role, objectId, consequence);
      if (id !== undefined) ids.push(id);
      else if (e.unknown) unknown++;
    }
    return { ids: [...new Set(ids)], unknown };
  }

  cidr(it: Item, v: V, objectId: string, consequence: string): Cidr | null | 'absent' {
    if (v.unknown) {
      this.noteUnknown(it, v, objectId, consequence);
      return null;
    }
    const s = v.str();
    if (s === undefined) {
      if (v.present) this.warn(it, v, `expected a CIDR block, got ${JSON.stringify(v.value) ?? 'an id'}; ${consequence}`);
      return v.present ? null : 'absent';
    }
    const c = parseCidr(s.trim());
    if (c === null) this.warn(it, v, `unreadable CIDR ${JSON.stringify(s)}; ${consequence}`);
    return c;
  }

  ip(it: Item, v: V, objectId: string, consequence: string): Ip | null {
    if (v.unknown) {
      this.noteUnknown(it, v, objectId, consequence);
      return null;
    }
    const s = v.str();
    if (s === undefined) return null;
    const ip = parseIp(s.trim());
    if (ip === null) this.warn(it, v, `unreadable IP address ${JSON.stringify(s)}; ${consequence}`);
    return ip;
  }

  protocol(it: Item, v: V, objectId: string): number | null {
    if (v.unknown) {
      this.noteUnknown(it, v, objectId, NEVER);
      return null;
    }
    const raw = v.value;
    if (typeof raw !== 'string' && typeof raw !== 'number') {
      this.warn(it, v, `expected a protocol ("tcp", "6", "-1", ...), got ${JSON.stringify(raw) ?? 'nothing'}; ${NEVER}`);
      return null;
    }
    const p = parseProtocol(String(raw));
    if (p === null) this.warn(it, v, `unrecognised protocol ${JSON.stringify(raw)}; ${NEVER}`);
    return p;
  }

  /**
   * Ports or ICMP type/code of a rule; an unknown bound, or a tcp, udp or icmp rule without them (which
   * CloudFormation rejects: ports are required for 6 and 17, type and code for 1), never matches.
   */
  portsAndIcmp(it: Item, protocol: number | null, first: V, second: V, objectId: string, at: V, names: { first: string; second: string }): { protocol: number | null; ports: PortRange | null; icmp: IcmpMatch | null } {
    const relevant = protocol === TCP || protocol === UDP || protocol === ICMP || protocol === ICMPV6;
    if (!relevant) return { protocol, ports: null, icmp: null };
    const u = first.unknown ? first : second.unknown ? second : undefined;
    if (u !== undefined) {
      this.noteUnknown(it, u, objectId, NEVER);
      return { protocol: null, ports: null, icmp: null };
    }
    if (protocol !== ICMPV6 && first.num() === undefined && second.num() === undefined) {
      this.warn(it, at, `a ${protocol === TCP ? 'tcp' : protocol === UDP ? 'udp' : 'icmp'} rule needs ${names.first} and ${names.second} (CloudFormation rejects it without them); ${NEVER}`);
      return { protocol: null, ports: null, icmp: null };
    }
    const ctx = new DecodeContext(it.t.file, undefined, [], this.warnings);
    const pi = readPortsAndIcmp(ctx, protocol, first.num(), second.num(), at.path, names);
    return { protocol, ...pi };
  }

  name(it: Item): string | undefined {
    for (const tag of it.props.get('Tags').elems()) if (tag.get('Key').str() === 'Name' && tag.get('Value').str() !== undefined) return tag.get('Value').str();
    const cdkPath = it.r.metadata === undefined ? undefined : getField(it.r.metadata, 'aws:cdk:path');
    return typeof cdkPath === 'string' ? cdkPath : undefined;
  }

  named(it: Item): { name?: string } {
    const n = this.name(it);
    return n === undefined ? {} : { name: n };
  }

  // ------------------------------------------------------------------ VPCs, subnets, gateways

  vpc(it: Item): void {
    const c = it.props.get('CidrBlock');
    const c4 = c.present ? this.cidr(it, c, it.id, 'addresses of the VPC are not known to be inside it') : 'absent';
    if (c4 === 'absent') {
      const pool = it.props.get('Ipv4IpamPoolId');
      this.noteUnknown(it, pool.present ? pool : new V(new Unknown('the CIDR is allocated from an IPAM pool at deployment'), pool.path), it.id, 'addresses of the VPC are not known to be inside it');
    }
    this.vpcs.set({ id: it.id, cidrs4: c4 !== null && c4 !== 'absent' ? [c4] : [], cidrs6: [], isDefault: false, ...this.named(it), source: this.src(it) });
  }

  vpcCidrBlock(it: Item): void {
    const vpcId = this.id(it, it.props.get('VpcId'), 'vpc', it.id, 'the CIDR block belongs to no known VPC');
    if (vpcId === undefined) return;
    const c4 = it.props.get('CidrBlock');
    const c6 = it.props.get('Ipv6CidrBlock');
    if (it.props.get('AmazonProvidedIpv6CidrBlock').bool() === true || c6.present || it.props.get('Ipv6IpamPoolId').present || it.props.get('Ipv6Pool').present) {
      this.v6Vpcs.add(vpcId);
      const got = c6.present ? this.cidr(it, c6, vpcId, 'IPv6 addresses of the VPC are not known to be inside it') : null;
      if (got !== null && got !== 'absent') this.vpcs.update(vpcId, (v) => ({ ...v, cidrs6: [...v.cidrs6, got] }));
      else if (!c6.present) this.noteUnknown(it, new V(new Unknown('the IPv6 CIDR block is assigned at deployment'), c6.path), vpcId, 'IPv6 addresses of the VPC are not known to be inside it');
    }
    if (c4.present) {
      const got = this.cidr(it, c4, vpcId, 'addresses of the block are not known to be inside the VPC');
      if (got !== null && got !== 'absent') this.vpcs.update(vpcId, (v) => ({ ...v, cidrs4: [...v.cidrs4, got] }));
    }
  }

  /** What AWS creates with a VPC: the default network ACL, the main route table and the default group. */
  vpcDefaults(it: Item): void {
    const vpcId = it.id;
    const source = this.src(it);
    const v6 = this.v6Vpcs.has(vpcId);
    const all4 = parseCidr('0.0.0.0/0')!;
    const all6 = parseCidr('::/0')!;
    const allow = (direction: Direction, ruleNumber: number, cidr: Cidr): NaclEntry => ({ ruleNumber, action: 'allow', direction, protocol: -1, cidr, ports: null, icmp: null, source });
    const aclId = `${vpcId}.DefaultNetworkAcl`;
    const entries = [allow('inbound', 100, all4), allow('outbound', 100, all4), ...(v6 ? [allow('inbound', 101, all6), allow('outbound', 101, all6)] : [])];
    this.acls.set({ id: aclId, vpcId, isDefault: true, subnetIds: [], entries, source });
    this.tables.set({ id: `${vpcId}.MainRouteTable`, vpcId, isMain: true, subnetIds: [], gatewayIds: [], routes: this.localRoutes(vpcId, source), source });
    const sgId = `${vpcId}.DefaultSecurityGroup`;
    const rule = (direction: Direction, peer: SgPeer): SgRule => ({ groupId: sgId, direction, protocol: -1, ports: null, icmp: null, peer, source });
    this.groups.set({
      id: sgId, groupName: 'default', vpcId, description: 'default VPC security group',
      inbound: [rule('inbound', { kind: 'group', groupId: sgId })],
      outbound: [rule('outbound', { kind: 'cidr', cidr: all4 }), ...(v6 ? [rule('outbound', { kind: 'cidr', cidr: all6 })] : [])],
      source,
    });
  }

  localRoutes(vpcId: string, source: SourceRef): Route[] {
    const vpc = this.vpcs.get(vpcId);
    if (vpc === undefined) {
      if (vpcId !== '') this.warnings.push({ source, message: `VPC ${vpcId} is not in the snapshot or the template: the table's local route (the VPC's CIDRs) is unknown, so traffic inside the VPC finds no route in it` });
      return [];
    }
    return [...vpc.cidrs4, ...vpc.cidrs6].map((cidr) => ({ destination: { kind: 'cidr', cidr }, target: { kind: 'local', id: 'local' }, state: 'active', origin: 'CreateRouteTable', source }));
  }

  subnet(it: Item): void {
    const vpcId = this.id(it, it.props.get('VpcId'), 'vpc', it.id, 'the subnet belongs to no known VPC') ?? '';
    const c = it.props.get('CidrBlock');
    let c4: Cidr | null = null;
    if (c.present) {
      const got = this.cidr(it, c, it.id, 'addresses in the subnet are not known to be in it');
      c4 = got === 'absent' ? null : got;
    } else if (it.props.get('Ipv4IpamPoolId').present || it.props.get('Ipv4NetmaskLength').present) {
      this.noteUnknown(it, new V(new Unknown('the CIDR is allocated from an IPAM pool at deployment'), c.path), it.id, 'addresses in the subnet are not known to be in it');
    }
    const c6v = it.props.get('Ipv6CidrBlock');
    const c6 = c6v.present ? this.cidr(it, c6v, it.id, 'IPv6 addresses in the subnet are not known to be in it') : 'absent';
    const az = it.props.get('AvailabilityZone').str();
    const mpv = it.props.get('MapPublicIpOnLaunch');
    const mp = mpv.unknown ? 'unknown' : mpv.bool();
    if (mp !== undefined) this.mapsPublic.set(it.id, mp);
    this.subnets.set({
      id: it.id, vpcId, cidr4: c4, cidrs6: c6 !== null && c6 !== 'absent' ? [c6] : [],
      ...(az !== undefined ? { availabilityZone: az } : {}), ...this.named(it), source: this.src(it),
    });
  }

  internetGateway(it: Item): void {
    this.igws.set({ id: it.id, vpcIds: [], ...this.named(it), source: this.src(it) });
  }

  gatewayAttachment(it: Item): void {
    const igw = it.props.get('InternetGatewayId');
    if (!igw.present) return; // a virtual private gateway: its routes come from the VPN
    const gw = this.id(it, igw, 'igw', it.id, 'the gateway is taken as attached to no VPC');
    const vpcId = this.id(it, it.props.get('VpcId'), 'vpc', gw ?? it.id, 'the gateway is taken as attached to no VPC');
    if (gw === undefined || vpcId === undefined) return;
    if (!this.igws.update(gw, (g) => (g.vpcIds.includes(vpcId) ? g : { ...g, vpcIds: [...g.vpcIds, vpcId] }))) {
      this.warn(it, igw, `internet gateway ${gw} is not in the snapshot or the template; the attachment is left out`);
    }
  }

  // ------------------------------------------------------------------ security groups

  securityGroup(it: Item): void {
    const vpcV = it.props.get('VpcId');
    const vpcId = vpcV.present ? this.id(it, vpcV, 'vpc', it.id, 'the group belongs to no known VPC') : undefined;
    if (!vpcV.present) this.warn(it, undefined, 'no VpcId: the group is created in the default VPC, which the template does not name');
    const inbound: SgRule[] = [];
    const outbound: SgRule[] = [];
    const ing = it.props.get('SecurityGroupIngress');
    if (ing.unknown) this.noteUnknown(it, ing, it.id, 'the group is evaluated without inbound rules');
    for (const list of [ing, it.props.get('SecurityGroupEgress')]) {
      if (list.present && !list.unknown && !Array.isArray(list.value)) this.warn(it, list, `expected a list of rules, got ${JSON.stringify(list.value)}; it is left out`);
    }
    for (const e of ing.elems()) inbound.push(...this.sgRules(it, e, it.id, 'inbound'));
    const eg = it.props.get('SecurityGroupEgress');
    if (eg.unknown) this.noteUnknown(it, eg, it.id, 'the group is evaluated without outbound rules');
    for (const e of eg.elems()) outbound.push(...this.sgRules(it, e, it.id, 'outbound'));
    if (!eg.unknown && eg.elems().length === 0) {
      // No egress rules in the template: AWS adds allow-all egress.
      const source = this.src(it);
      const all = (text: string): SgRule => ({ groupId: it.id, direction: 'outbound', protocol: -1, ports: null, icmp: null, peer: { kind: 'cidr', cidr: parseCidr(text)! }, source });
      const rules = [all('0.0.0.0/0'), ...(vpcId !== undefined && (this.v6Vpcs.has(vpcId) || (this.vpcs.get(vpcId)?.cidrs6.length ?? 0) > 0) ? [all('::/0')] : [])];
      outbound.push(...rules);
      this.defaultEgress.set(it.id, rules);
    }
    const description = it.props.get('GroupDescription').str();
    this.groups.set({
      id: it.id, groupName: it.props.get('GroupName').str() ?? it.r.logicalId, ...(vpcId !== undefined ? { vpcId } : {}),
      ...(description !== undefined ? { description } : {}), inbound, outbound, ...this.named(it), source: this.src(it),
    });
  }

  /** The rules of one rule object (inline, or a SecurityGroupIngress/Egress resource's properties). */
  sgRules(it: Item, e: V, groupId: string, direction: Direction): SgRule[] {
    if (e.unknown) {
      this.noteUnknown(it, e, groupId, NEVER);
      return [{ groupId, direction, protocol: null, ports: null, icmp: null, peer: { kind: 'invalid', text: `${e.path} (unknown until deployment)` }, source: this.src(it, e) }];
    }
    const proto = this.protocol(it, e.get('IpProtocol'), groupId);
    const { protocol, ports, icmp } = this.portsAndIcmp(it, proto, e.get('FromPort'), e.get('ToPort'), groupId, e, { first: 'FromPort', second: 'ToPort' });
    const description = e.get('Description').str();
    const base = { groupId, direction, protocol, ports, icmp, ...(description !== undefined ? { description } : {}), source: this.src(it, e) };
    const peers: SgPeer[] = [];
    const invalid = (v: V): SgPeer => ({ kind: 'invalid', text: v.unknown ? `${v.path} (unknown until deployment)` : String(JSON.stringify(v.value)) });
    for (const key of ['CidrIp', 'CidrIpv6']) {
      const v = e.get(key);
      if (!v.present) continue;
      const got = this.cidr(it, v, groupId, NEVER);
      peers.push(got === null || got === 'absent' ? invalid(v) : { kind: 'cidr', cidr: got });
    }
    const pl = e.get(direction === 'inbound' ? 'SourcePrefixListId' : 'DestinationPrefixListId');
    if (pl.present) {
      if (pl.unknown) this.noteUnknown(it, pl, groupId, NEVER);
      const id = pl.value instanceof ResourceId ? pl.value.id : pl.str();
      peers.push(id === undefined ? invalid(pl) : { kind: 'prefix-list', prefixListId: id });
    }
    const sg = e.get(direction === 'inbound' ? 'SourceSecurityGroupId' : 'DestinationSecurityGroupId');
    if (sg.present) {
      const id = this.id(it, sg, 'sg', groupId, NEVER);
      const owner = e.get('SourceSecurityGroupOwnerId').str();
      peers.push(id === undefined ? invalid(sg) : { kind: 'group', groupId: id, ...(owner !== undefined ? { userId: owner } : {}) });
    }
    const byName = e.get('SourceSecurityGroupName');
    if (direction === 'inbound' && byName.present && !sg.present) {
      const named = byName.value instanceof ResourceId ? byName.value.id : undefined;
      if (named !== undefined) peers.push({ kind: 'group', groupId: named });
      else {
        this.warn(it, byName, `a group named by name is in the default VPC, which the template does not name; ${NEVER}`);
        peers.push(invalid(byName));
      }
    }
    if (peers.length === 0) {
      this.warn(it, e, `a rule with no ${direction === 'inbound' ? 'CidrIp, CidrIpv6, SourcePrefixListId or SourceSecurityGroupId' : 'CidrIp, CidrIpv6, DestinationPrefixListId or DestinationSecurityGroupId'}; ${NEVER}`);
      peers.push({ kind: 'invalid', text: 'no source or destination' });
    } else if (peers.length > 1) {
      this.warn(it, e, 'a rule may name only one source or destination (CloudFormation rejects it); each is kept as a rule');
    }
    return peers.map((peer) => ({ ...base, peer }));
  }

  standaloneSgRule(it: Item, direction: Direction): void {
    const gid = this.id(it, it.props.get('GroupId'), 'sg', it.id, 'the rule belongs to no known group and is left out');
    if (gid === undefined) {
      if (!it.props.get('GroupId').present) {
        this.warn(it, it.props.get('GroupName'), 'a rule for a group named by GroupName is for the default VPC, which the template does not name; the rule is left out');
      }
      return;
    }
    const rules = this.sgRules(it, it.props, gid, direction);
    if (!this.groups.get(gid)) {
      this.warn(it, it.props.get('GroupId'), `security group ${gid} is not in the snapshot or the template; the group is built from its rules`);
      this.groups.set({ id: gid, groupName: gid, inbound: [], outbound: [], source: this.src(it) });
    }
    // CloudFormation strips the default allow-all egress of a group it created when an egress rule is added
    // to it (aws-cdk#987, #998: why CDK's allowAllOutbound writes its rules inline).
    const stripped = direction === 'outbound' ? this.defaultEgress.get(gid) : undefined;
    if (stripped !== undefined) this.defaultEgress.delete(gid);
    this.groups.update(gid, (g) => (direction === 'inbound'
      ? { ...g, inbound: [...g.inbound, ...rules] }
      : { ...g, outbound: [...g.outbound.filter((x) => !(stripped ?? []).includes(x)), ...rules] }));
  }

  // ------------------------------------------------------------------ network ACLs

  networkAcl(it: Item): void {
    const vpcId = this.id(it, it.props.get('VpcId'), 'vpc', it.id, 'the ACL belongs to no known VPC') ?? '';
    this.acls.set({ id: it.id, vpcId, isDefault: false, subnetIds: [], entries: [], ...this.named(it), source: this.src(it) });
  }

  naclEntry(it: Item): void {
    const p = it.props;
    const aclId = this.id(it, p.get('NetworkAclId'), 'nacl', it.id, 'the entry belongs to no known ACL and is left out');
    if (aclId === undefined) return;
    const eg = p.get('Egress');
    if (eg.unknown) this.noteUnknown(it, eg, aclId, 'taken as an inbound entry');
    const direction: Direction = eg.bool() === true ? 'outbound' : 'inbound';
    const n = p.get('RuleNumber');
    let broken = false;
    if (n.unknown) {
      this.noteUnknown(it, n, aclId, 'the entry is kept and never matches');
      broken = true;
    }
    const ruleNumber = n.num() ?? 0;
    if (!n.unknown && (n.num() === undefined || ruleNumber < 1 || ruleNumber > 32766)) {
      this.warn(it, n, `expected a rule number from 1 to 32766, got ${JSON.stringify(n.value) ?? 'nothing'}; the entry is kept and never matches`);
      broken = true;
    }
    const a = p.get('RuleAction');
    if (a.unknown) {
      this.noteUnknown(it, a, aclId, 'the entry is kept and never matches');
      broken = true;
    }
    const actionText = a.str()?.toLowerCase();
    if (!a.unknown && actionText !== 'allow' && actionText !== 'deny') {
      this.warn(it, a, `expected "allow" or "deny", got ${JSON.stringify(a.value) ?? 'nothing'}; the entry is kept and never matches`);
      broken = true;
    }
    const proto = this.protocol(it, p.get('Protocol'), aclId);
    const isIcmp = proto === ICMP || proto === ICMPV6;
    const pr = isIcmp ? p.get('Icmp') : p.get('PortRange');
    const pi = isIcmp
      ? this.portsAndIcmp(it, proto, pr.get('Type'), pr.get('Code'), aclId, pr.present ? pr : p, { first: 'Icmp.Type', second: 'Icmp.Code' })
      : this.portsAndIcmp(it, proto, pr.get('From'), pr.get('To'), aclId, pr.present ? pr : p, { first: 'PortRange.From', second: 'PortRange.To' });
    const c4 = p.get('CidrBlock');
    const c6 = p.get('Ipv6CidrBlock');
    const chosen = c4.present ? c4 : c6;
    const got = this.cidr(it, chosen, aclId, 'the entry is kept and never matches');
    if (got === 'absent') this.warn(it, undefined, 'no CidrBlock or Ipv6CidrBlock; the entry is kept and never matches');
    const entry: NaclEntry = {
      ruleNumber, action: actionText === 'deny' ? 'deny' : 'allow', direction, protocol: broken ? null : pi.protocol,
      cidr: got === 'absent' ? null : got, ports: pi.ports, icmp: pi.icmp, source: this.src(it),
    };
    if (!this.acls.update(aclId, (acl) => {
      if (acl.entries.some((x) => x.direction === direction && x.ruleNumber === ruleNumber)) {
        this.warn(it, n, `network ACL ${aclId} already has ${direction} rule ${ruleNumber} (CloudFormation rejects a duplicate); both are kept`);
      }
      return { ...acl, entries: [...acl.entries, entry] };
    })) {
      this.warn(it, p.get('NetworkAclId'), `network ACL ${aclId} is not in the snapshot or the template; the entry is left out`);
    }
  }

  naclAssociation(it: Item): void {
    this.associate(it, this.acls, 'NetworkAclId', 'nacl', 'network ACL');
  }

  /** Moves a subnet to the network ACL or route table an association names (a subnet has one of each, ref 5.1). */
  private associate<T extends { readonly id: string; readonly subnetIds: readonly string[] }>(it: Item, table: Table<T>, key: string, role: Role, what: string): void {
    const target = this.id(it, it.props.get(key), role, it.id, 'the association is left out');
    const subnet = this.id(it, it.props.get('SubnetId'), 'subnet', target ?? it.id, 'the association is left out');
    if (target === undefined || subnet === undefined) return;
    if (!table.get(target)) {
      this.warn(it, it.props.get(key), `${what} ${target} is not in the snapshot or the template; the association is left out`);
      return;
    }
    for (const x of table.values()) if (x.id !== target && x.subnetIds.includes(subnet)) table.set({ ...x, subnetIds: x.subnetIds.filter((s) => s !== subnet) });
    table.update(target, (x) => (x.subnetIds.includes(subnet) ? x : { ...x, subnetIds: [...x.subnetIds, subnet] }));
  }

  // ------------------------------------------------------------------ routes

  routeTable(it: Item): void {
    const vpcId = this.id(it, it.props.get('VpcId'), 'vpc', it.id, 'the table belongs to no known VPC') ?? '';
    this.tables.set({ id: it.id, vpcId, isMain: false, subnetIds: [], gatewayIds: [], routes: this.localRoutes(vpcId, this.src(it)), ...this.named(it), source: this.src(it) });
  }

  route(it: Item): void {
    const p = it.props;
    const rtId = this.id(it, p.get('RouteTableId'), 'rt', it.id, 'the route belongs to no known table and is left out');
    if (rtId === undefined) return;
    let destination: RouteDestination = { kind: 'invalid', text: '' };
    const c4 = p.get('DestinationCidrBlock');
    const c6 = p.get('DestinationIpv6CidrBlock');
    const pl = p.get('DestinationPrefixListId');
    if (c4.present || c6.present) {
      const v = c4.present ? c4 : c6;
      const got = this.cidr(it, v, rtId, 'the route is kept and never matches');
      destination = got === null || got === 'absent' ? { kind: 'invalid', text: v.unknown ? `${v.path} (unknown until deployment)` : String(v.value) } : { kind: 'cidr', cidr: got };
    } else if (pl.present) {
      if (pl.unknown) this.noteUnknown(it, pl, rtId, 'the route is kept and never matches');
      const id = pl.value instanceof ResourceId ? pl.value.id : pl.str();
      destination = id === undefined ? { kind: 'invalid', text: `${pl.path} (unknown until deployment)` } : { kind: 'prefix-list', prefixListId: id };
    } else this.warn(it, undefined, 'a route without a destination; kept, it never matches');
    let target: RouteTarget | undefined;
    for (const [key, kind] of TARGET_FIELDS) {
      const t = p.get(key);
      if (!t.present) continue;
      if (t.unknown) {
        this.noteUnknown(it, t, rtId, 'the route is kept with an unknown target');
        target = { kind: kind === 'gateway' ? 'other' : kind, id: `${t.path} (unknown until deployment)` };
      } else if (t.value instanceof ResourceId) {
        const byType = TYPE_TARGET_KIND[t.value.type] ?? 'other';
        const id = t.value.type === 'AWS::EC2::Instance' && key !== 'InstanceId' ? (this.instanceEni.get(t.value.id) ?? t.value.id) : t.value.id;
        target = { kind: kind === 'gateway' ? byType : kind, id };
      } else {
        const id = t.str() ?? '';
        target = { kind: kind === 'gateway' ? gatewayKind(id) : kind, id };
      }
      break;
    }
    if (target === undefined) {
      this.warn(it, undefined, 'route has no target vpcwhy knows; kept with target kind "other"');
      target = { kind: 'other', id: '' };
    }
    const route: Route = { destination, target, state: 'active', origin: 'CreateRoute', source: this.src(it) };
    const key = destination.kind === 'cidr' ? `cidr:${destination.cidr.text}` : destination.kind === 'prefix-list' ? `pl:${destination.prefixListId}` : '';
    if (!this.tables.update(rtId, (t) => {
      const clash = key !== '' && t.routes.some((x) => (x.destination.kind === 'cidr' ? `cidr:${x.destination.cidr.text}` : x.destination.kind === 'prefix-list' ? `pl:${x.destination.prefixListId}` : '') === key);
      if (clash) this.warn(it, undefined, `route table ${rtId} already has a route to ${key.slice(key.indexOf(':') + 1)} (CloudFormation rejects a duplicate); both are kept`);
      return { ...t, routes: [...t.routes, route] };
    })) {
      this.warn(it, p.get('RouteTableId'), `route table ${rtId} is not in the snapshot or the template; the route is left out`);
    }
  }

  routeTableAssociation(it: Item): void {
    this.associate(it, this.tables, 'RouteTableId', 'rt', 'route table');
  }

  // ------------------------------------------------------------------ NAT gateways, Elastic IPs

  natGateway(it: Item): void {
    const subnetId = this.id(it, it.props.get('SubnetId'), 'subnet', it.id, 'the NAT gateway is in no known subnet') ?? '';
    const connectivityType = it.props.get('ConnectivityType').str() === 'private' ? 'private' : 'public';
    const ip = this.ip(it, it.props.get('PrivateIpAddress'), it.id, 'the NAT gateway has no known private address');
    if (connectivityType === 'public') {
      const alloc = it.props.get('AllocationId');
      this.noteUnknown(it, alloc.present && alloc.unknown ? alloc : new V(new Unknown('an Elastic IP address is allocated at deployment'), alloc.path), it.id,
        'the NAT gateway is traced as having no public address, so the internet gateway does not carry what it sends', 'internet');
    }
    this.nats.set({
      id: it.id, vpcId: this.subnets.get(subnetId)?.vpcId ?? '', subnetId, state: 'available', connectivityType, eniIds: [],
      privateIps: ip === null ? [] : [ip], publicIps: [], ...this.named(it), source: this.src(it),
    });
  }

  /** AWS::EC2::EIP with InstanceId, and AWS::EC2::EIPAssociation: an interface gets a public address unknown until deployment. */
  elasticIp(it: Item): void {
    const inst = it.props.get('InstanceId');
    const eni = it.props.get('NetworkInterfaceId');
    let eniId: string | undefined;
    if (eni.present) eniId = this.id(it, eni, 'eni', it.id, 'the association is left out');
    else if (inst.present) {
      const id = this.id(it, inst, 'instance', it.id, 'the association is left out');
      eniId = id === undefined ? undefined : (this.instanceEni.get(id) ?? this.instances.get(id)?.eniIds[0]);
    } else return;
    if (eniId === undefined) return;
    this.noteUnknown(it, new V(new Unknown('the Elastic IP address is allocated at deployment'), joinPath(joinPath(it.r.path, 'Properties'), 'PublicIp')), eniId,
      'the interface is traced as having no public address, so the internet does not reach it and it reaches the internet only through a NAT', 'internet');
  }

  /**
   * CDK's `restrictDefaultSecurityGroup` (on by default in new apps): a custom resource that removes every rule
   * of the VPC's default group once it is deployed.
   */
  restrictDefaultGroup(it: Item): void {
    const v = it.props.get('DefaultSecurityGroupId');
    const gid = this.id(it, v, 'sg', it.id, "the default group's rules are taken as kept");
    if (gid === undefined) return;
    if (!this.groups.update(gid, (g) => ({ ...g, inbound: [], outbound: [] }))) {
      this.warn(it, v, `security group ${gid} is not in the snapshot or the template; nothing is restricted`);
    }
  }

  // ------------------------------------------------------------------ interfaces and instances

  defaultGroupOf(vpcId: string | undefined): string[] {
    if (vpcId === undefined || vpcId === '') return [];
    const g = this.groups.values().find((x) => x.vpcId === vpcId && x.groupName === 'default');
    return g === undefined ? [] : [g.id];
  }

  /** One interface from a spec (an ENI resource's properties, or an instance's NetworkInterfaces item / top level). */
  eniFrom(it: Item, id: string, spec: { subnet: V; groups: V; primaryIp: V; ips: V; v6: V; sdc: V; description?: V; secondaryCount: V; v6Count: V }, instanceId?: string): void {
    const subnetId = this.id(it, spec.subnet, 'subnet', id, 'its network ACL and route table are unknown');
    const vpcId = subnetId === undefined ? '' : (this.subnets.get(subnetId)?.vpcId ?? '');
    const noAddress = 'the interface has no known private address (trace it once deployed)';
    const privateIps: Ip[] = [];
    if (spec.primaryIp.present) {
      const ip = this.ip(it, spec.primaryIp, id, noAddress);
      if (ip !== null) privateIps.push(ip);
    }
    if (spec.ips.unknown) this.noteUnknown(it, spec.ips, id, 'those addresses are left out');
    for (const e of spec.ips.elems()) {
      const ip = this.ip(it, e.get('PrivateIpAddress'), id, 'that address is left out');
      if (ip === null || privateIps.some((x) => x.value === ip.value)) continue;
      if (e.get('Primary').bool() === true) privateIps.unshift(ip);
      else privateIps.push(ip);
    }
    if (privateIps.length === 0 && !spec.primaryIp.unknown) {
      this.noteUnknown(it, new V(new Unknown('the address is assigned from the subnet at deployment'), spec.primaryIp.path), id, noAddress);
    }
    if (spec.secondaryCount.num() !== undefined && spec.secondaryCount.num()! > 0) {
      this.noteUnknown(it, new V(new Unknown('secondary addresses are assigned from the subnet at deployment'), spec.secondaryCount.path), id, 'those addresses are left out');
    }
    const ipv6: Ip[] = [];
    if (spec.v6.unknown) this.noteUnknown(it, spec.v6, id, 'those addresses are left out');
    for (const e of spec.v6.elems()) {
      const ip = this.ip(it, e.get('Ipv6Address'), id, 'that address is left out');
      if (ip !== null) ipv6.push(ip);
    }
    if (spec.v6Count.num() !== undefined && spec.v6Count.num()! > 0) {
      this.noteUnknown(it, new V(new Unknown('IPv6 addresses are assigned from the subnet at deployment'), spec.v6Count.path), id, 'those addresses are left out');
    }
    let groupIds: string[];
    if (spec.groups.present) groupIds = this.idList(it, spec.groups, 'sg', id, 'the interface is evaluated without that group').ids;
    else {
      groupIds = this.defaultGroupOf(vpcId);
      if (groupIds.length === 0) this.noteUnknown(it, new V(new Unknown("it gets its VPC's default group, which is not in the snapshot or the template"), spec.groups.path), id, 'the interface is evaluated without groups');
    }
    const description = spec.description?.str();
    this.enis.set({
      id, subnetId: subnetId ?? '', vpcId, ...(description !== undefined ? { description } : {}), interfaceType: 'interface', requesterManaged: false,
      sourceDestCheck: spec.sdc.bool() ?? true, ...(instanceId !== undefined ? { instanceId } : {}), privateIps, primaryPrivateIp: privateIps[0] ?? null,
      ipv6Addresses: ipv6, ipv4Prefixes: [], ipv6Prefixes: [], publicIps: [], groupIds, ...this.named(it), source: this.src(it),
    });
  }

  networkInterface(it: Item): void {
    const p = it.props;
    this.eniFrom(it, it.id, {
      subnet: p.get('SubnetId'), groups: p.get('GroupSet'), primaryIp: p.get('PrivateIpAddress'), ips: p.get('PrivateIpAddresses'), v6: p.get('Ipv6Addresses'),
      sdc: p.get('SourceDestCheck'), description: p.get('Description'), secondaryCount: p.get('SecondaryPrivateIpAddressCount'), v6Count: p.get('Ipv6AddressCount'),
    });
  }

  instance(it: Item): void {
    const p = it.props;
    const nis = p.get('NetworkInterfaces');
    const eniIds: string[] = [];
    if (nis.unknown) this.noteUnknown(it, nis, it.id, 'the instance has no known interface');
    const items = nis.elems();
    const sorted = [...items].sort((a, b) => (a.get('DeviceIndex').num() ?? 0) - (b.get('DeviceIndex').num() ?? 0));
    for (const ni of sorted) {
      const device = ni.get('DeviceIndex').num() ?? 0;
      const existing = ni.get('NetworkInterfaceId');
      if (existing.present) {
        const eni = this.id(it, existing, 'eni', it.id, 'the instance has no known interface');
        if (eni !== undefined) {
          this.enis.update(eni, (e) => ({ ...e, instanceId: it.id }));
          eniIds.push(eni);
        }
        continue;
      }
      const id = device === 0 ? it.id : `${it.id}.NetworkInterfaces[${items.indexOf(ni)}]`;
      this.eniFrom(it, id, {
        subnet: ni.get('SubnetId'), groups: ni.get('GroupSet'), primaryIp: ni.get('PrivateIpAddress'), ips: ni.get('PrivateIpAddresses'), v6: ni.get('Ipv6Addresses'),
        sdc: p.get('SourceDestCheck'), description: ni.get('Description'), secondaryCount: ni.get('SecondaryPrivateIpAddressCount'), v6Count: ni.get('Ipv6AddressCount'),
      }, it.id);
      eniIds.push(id);
      if (device === 0) this.publicAddress(it, ni.get('AssociatePublicIpAddress'), ni.get('SubnetId'), id);
    }
    if (items.length === 0 && !nis.unknown) {
      const subnet = p.get('SubnetId');
      if (!subnet.present) this.warn(it, undefined, 'no SubnetId or NetworkInterfaces: the instance is launched in a default subnet of the default VPC, which the template does not name');
      const groups = p.get('SecurityGroupIds').present ? p.get('SecurityGroupIds') : this.groupsByName(p.get('SecurityGroups'));
      this.eniFrom(it, it.id, {
        subnet, groups, primaryIp: p.get('PrivateIpAddress'), ips: new V(undefined, joinPath(p.path, 'PrivateIpAddresses')), v6: p.get('Ipv6Addresses'),
        sdc: p.get('SourceDestCheck'), secondaryCount: new V(undefined, ''), v6Count: p.get('Ipv6AddressCount'),
      }, it.id);
      eniIds.push(it.id);
      this.publicAddress(it, new V(undefined, joinPath(p.path, 'NetworkInterfaces')), subnet, it.id);
    }
    if (eniIds[0] !== undefined) this.instanceEni.set(it.id, eniIds[0]);
    this.instances.set({ id: it.id, eniIds, ...this.named(it), source: this.src(it) });
  }

  /** An instance's SecurityGroups: Refs give ids; names are looked up among the groups known so far. */
  private groupsByName(v: V): V {
    if (!Array.isArray(v.value)) return v;
    return new V(v.value.map((x: unknown) => {
      if (typeof x !== 'string') return x;
      const g = this.groups.values().find((sg) => sg.groupName === x);
      return g !== undefined ? g.id : new Unknown(`no group named ${x} is in the snapshot or the template`);
    }), v.path);
  }

  /** A public address assigned at launch: unknown until deployment, noted (it matters only with the internet). */
  private publicAddress(it: Item, associate: V, subnet: V, eniId: string): void {
    const subnetId = subnet.value instanceof ResourceId ? subnet.value.id : subnet.str();
    // A subnet of the template maps no public address unless MapPublicIpOnLaunch says so (AWS's default for a
    // non-default subnet); the snapshot does not record it for existing subnets.
    const fromTemplate = subnetId !== undefined && this.byId.get(subnetId)?.r.type === 'AWS::EC2::Subnet';
    const mapped = subnetId === undefined ? undefined : this.mapsPublic.get(subnetId);
    const wants = associate.unknown ? undefined : (associate.bool() ?? (mapped === 'unknown' ? undefined : (mapped ?? (fromTemplate ? false : undefined))));
    const traced = 'the interface is traced as having none, so the internet does not reach it and it reaches the internet only through a NAT';
    const path = joinPath(joinPath(it.r.path, 'Properties'), 'PublicIp');
    if (wants === true) this.noteUnknown(it, new V(new Unknown('a public address is assigned at launch'), path), eniId, `the public address is assigned at launch: ${traced}`, 'internet');
    else if (wants === undefined) {
      this.noteUnknown(it, new V(new Unknown("whether it gets a public address depends on its subnet's MapPublicIpOnLaunch, which the template does not give"), path), eniId, `if it does, the address is unknown: ${traced}`, 'internet');
    }
  }
}

/** Model ids of every template's resources: the logical id, or `<file stem>/<logical id>` when an earlier template has it. */
function assignIds(templates: readonly CfnTemplate[], warnings: Warning[]): Map<string, string>[] {
  const taken = new Set<string>();
  return templates.map((t) => {
    const ids = new Map<string, string>();
    const stem = t.file.replace(/^.*[\\/]/, '').replace(/\.[^.]*$/, '');
    for (const id of t.resources.keys()) {
      let mid = id;
      if (taken.has(id)) {
        mid = `${stem}/${id}`;
        warnings.push({ source: { file: t.file, path: joinPath('Resources', id) }, message: `logical id ${id} is in an earlier template too; this one is named ${mid}` });
      }
      taken.add(mid);
      ids.set(id, mid);
    }
    return ids;
  });
}

export type CfnLayerResult = { readonly ok: true; readonly layered: LayeredPlan } | { readonly ok: false; readonly problems: readonly CfnProblem[] };

/**
 * Layers the templates (in order) over the snapshot. Pure and total over parsed templates: problems are
 * malformed intrinsics and references to names the template lacks (CloudFormation would reject it).
 */
export function layerTemplates(base: Snapshot, templates: readonly CfnTemplate[]): CfnLayerResult {
  const problems: CfnProblem[] = [];
  const l = new CfnLayering(base);
  const idMaps = assignIds(templates, l.warnings);
  const exports = new Map<string, ExportSource>();
  const resolvers = templates.map((t, i) => new TemplateResolver(t, idMaps[i]!, problems, (name) => exports.get(name)));
  templates.forEach((t, i) => {
    const outputs = getField(t.body, 'Outputs');
    if (!isObject(outputs)) return;
    for (const [k, o] of Object.entries(outputs)) {
      if (!isObject(o)) continue;
      const exp = getField(o, 'Export');
      const nameNode = isObject(exp) ? getField(exp, 'Name') : undefined;
      if (nameNode === undefined) continue;
      const path = joinPath(joinPath('Outputs', k), 'Export');
      const name = resolvers[i]!.resolve(nameNode, joinPath(path, 'Name'));
      if (typeof name === 'string') exports.set(name, { resolver: resolvers[i]!, value: getField(o, 'Value'), path: joinPath(joinPath('Outputs', k), 'Value') });
    }
  });
  // Every condition is evaluated, used or not: a malformed one makes CloudFormation reject the template.
  templates.forEach((t, i) => {
    const conditions = getField(t.body, 'Conditions');
    if (isObject(conditions)) for (const name of Object.keys(conditions)) resolvers[i]!.condition(name, joinPath('Conditions', name));
  });
  const items: Item[] = [];
  const ignored = new Set<string>();
  const created = new Set<string>();
  templates.forEach((t, i) => {
    const resolver = resolvers[i]!;
    if (getField(t.body, 'Transform') !== undefined) {
      l.warnings.push({ source: { file: t.file, path: 'Transform' }, message: 'the template has a Transform (macro): resources it would generate are not seen; give the processed template (e.g. `aws cloudformation get-template --template-stage Processed`)' });
    }
    for (const r of t.resources.values()) {
      if (!MODELLED.has(r.type)) {
        if (onTheNetwork(r)) ignored.add(r.type);
        continue;
      }
      const id = idMaps[i]!.get(r.logicalId) ?? r.logicalId;
      const propsPath = joinPath(r.path, 'Properties');
      const it0: Item = { t, r, resolver, id, props: new V({}, propsPath) };
      if (r.condition !== undefined) {
        const c = resolver.condition(r.condition, joinPath(r.path, 'Condition'));
        if (c === false) continue;
        if (c instanceof Unknown) {
          l.noteUnknown(it0, new V(c, joinPath(r.path, 'Condition')), id, `whether ${r.logicalId} is created depends on condition ${r.condition}; it is left out`);
          continue;
        }
      }
      const resolved = resolver.resolve(r.properties, propsPath);
      if (resolved instanceof Unknown) {
        l.noteUnknown(it0, new V(resolved, propsPath), id, 'the resource is left out');
        continue;
      }
      const it: Item = { ...it0, props: new V(resolved, propsPath) };
      items.push(it);
      created.add(r.type);
      l.byId.set(id, it);
    }
  });
  if (problems.length > 0) return { ok: false, problems };
  const rank = (type: string): number => ORDER.indexOf(type);
  const sorted = [...items].sort((a, b) => rank(a.r.type) - rank(b.r.type));
  let defaultsDone = false;
  for (const it of sorted) {
    if (!defaultsDone && rank(it.r.type) > rank('AWS::EC2::VPCCidrBlock')) {
      // The VPCs' implicit objects, once their CIDR blocks (and IPv6) are known.
      for (const v of items) if (v.r.type === 'AWS::EC2::VPC') l.vpcDefaults(v);
      defaultsDone = true;
    }
    switch (it.r.type) {
      case 'AWS::EC2::VPC': l.vpc(it); break;
      case 'AWS::EC2::VPCCidrBlock': l.vpcCidrBlock(it); break;
      case 'AWS::EC2::InternetGateway': l.internetGateway(it); break;
      case 'AWS::EC2::VPCGatewayAttachment': l.gatewayAttachment(it); break;
      case 'AWS::EC2::Subnet': l.subnet(it); break;
      case 'AWS::EC2::SecurityGroup': l.securityGroup(it); break;
      case 'AWS::EC2::NetworkAcl': l.networkAcl(it); break;
      case 'AWS::EC2::RouteTable': l.routeTable(it); break;
      case 'AWS::EC2::NatGateway': l.natGateway(it); break;
      case 'AWS::EC2::NetworkInterface': l.networkInterface(it); break;
      case 'AWS::EC2::Instance': l.instance(it); break;
      case 'AWS::EC2::SecurityGroupIngress': l.standaloneSgRule(it, 'inbound'); break;
      case 'AWS::EC2::SecurityGroupEgress': l.standaloneSgRule(it, 'outbound'); break;
      case 'AWS::EC2::NetworkAclEntry': l.naclEntry(it); break;
      case 'AWS::EC2::SubnetNetworkAclAssociation': l.naclAssociation(it); break;
      case 'AWS::EC2::Route': l.route(it); break;
      case 'AWS::EC2::SubnetRouteTableAssociation': l.routeTableAssociation(it); break;
      case 'AWS::EC2::EIP':
      case 'AWS::EC2::EIPAssociation': l.elasticIp(it); break;
      case 'Custom::VpcRestrictDefaultSG': l.restrictDefaultGroup(it); break;
    }
  }
  if (!defaultsDone) for (const v of items) if (v.r.type === 'AWS::EC2::VPC') l.vpcDefaults(v);

  const warnings: Warning[] = [...l.warnings];
  if (ignored.size > 0) {
    warnings.push({ source: { file: templates.map((t) => t.file).join(', '), path: '' }, message: `resources vpcwhy does not model are ignored: ${[...ignored].sort().join(', ')}` });
  }
  const alone = base.vpcs.length === 0 && base.subnets.length === 0 && base.enis.length === 0 && base.securityGroups.length === 0 && base.networkAcls.length === 0 && base.routeTables.length === 0;
  const sections = alone ? [...new Set([...created].flatMap((t) => TYPE_SECTIONS[t] ?? []))] : [];
  const snapshot: Snapshot = {
    ...base,
    vpcs: l.vpcs.values(),
    subnets: l.subnets.values(),
    enis: l.enis.values(),
    securityGroups: l.groups.values(),
    networkAcls: l.acls.values(),
    routeTables: l.tables.values(),
    internetGateways: l.igws.values(),
    natGateways: l.nats.values(),
    instances: l.instances.values(),
    warnings: [...warnings, ...base.warnings],
    meta: {
      ...base.meta,
      files: [...base.meta.files, ...templates.map((t) => t.file)],
      ...(base.meta.sections !== undefined || sections.length > 0 ? { sections: [...new Set([...(base.meta.sections ?? []), ...sections])] } : {}),
    },
  };
  const ids = new Map<string, string>();
  for (const it of items) {
    const id = it.r.type === 'AWS::EC2::Instance' ? (l.instanceEni.get(it.id) ?? it.id) : it.id;
    if (!ids.has(it.r.logicalId)) ids.set(it.r.logicalId, id);
    ids.set(it.id, id);
  }
  return { ok: true, layered: { snapshot, unknowns: l.unknowns, ignoredTypes: [...ignored].sort(), ids } };
}
