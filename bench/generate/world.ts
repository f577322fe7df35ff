/** The generated snapshot (bench generator side): VPCs, subnets, groups, NACLs, interfaces, routes, as describe-* JSON. */
import { Rng } from './rng.js';
import { PUBLIC_V6_PREFIXES, ip4, ip4num, ip6, publicIp4, publicIp6 } from './addresses.js';

// ---------------------------------------------------------------------------------------------------------
// Snapshot model (generator side)

export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';
export const AZS = ['us-east-1a', 'us-east-1b', 'us-east-1c'] as const;
export const AZ_IDS = ['use1-az1', 'use1-az2', 'use1-az4'] as const;

export type Tier = 'public' | 'web' | 'app' | 'data' | 'mgmt' | 'pods';
export type Role = 'lb' | 'bastion' | 'nat' | 'web' | 'app' | 'api' | 'db' | 'cache' | 'kafka' | 'monitoring' | 'endpoint' | 'lambda' | 'node';

/** Subnets per tier and VPC (one per AZ per unit); pods only in VPCs with a secondary CIDR. */
export const TIER_SUBNETS: ReadonlyArray<readonly [Tier, number]> = [
  ['public', 3],
  ['web', 3],
  ['app', 6],
  ['data', 3],
  ['mgmt', 3],
];

/** ENIs per role and VPC (NAT-gateway ENIs come with the NAT gateways). */
export const ROLE_COUNTS: ReadonlyArray<readonly [Role, number]> = [
  ['lb', 24],
  ['bastion', 3],
  ['web', 50],
  ['app', 80],
  ['api', 30],
  ['db', 18],
  ['cache', 12],
  ['kafka', 15],
  ['monitoring', 8],
  ['endpoint', 10],
  ['lambda', 20],
  ['node', 30],
];

export function tierOf(role: Role, hasPods: boolean): Tier {
  switch (role) {
    case 'lb':
    case 'bastion':
    case 'nat':
      return 'public';
    case 'web':
      return 'web';
    case 'app':
    case 'api':
    case 'endpoint':
    case 'lambda':
      return 'app';
    case 'db':
    case 'cache':
    case 'kafka':
      return 'data';
    case 'monitoring':
      return 'mgmt';
    case 'node':
      return hasPods ? 'pods' : 'app';
  }
}

export const SERVICES = [
  'orders', 'payments', 'catalog', 'search', 'users', 'auth', 'billing', 'reports', 'inventory', 'shipping', 'notifications',
  'analytics', 'pricing', 'reviews', 'media', 'checkout', 'ledger', 'fraud', 'recommendations', 'gateway', 'profile', 'sessions',
  'export', 'import', 'audit', 'tax', 'coupons', 'loyalty', 'support', 'geo',
];

export interface GVpc {
  readonly idx: number;
  readonly id: string;
  readonly name: string;
  readonly base4: number;
  readonly cidr4: string;
  readonly secondary4: { readonly base: number; readonly cidr: string } | null;
  readonly v6: readonly number[] | null;
  readonly v6Cidr: string | null;
  readonly igwId: string;
  readonly eigwId: string | null;
  readonly vpceS3: string;
  readonly resolver: string;
  readonly subnets: GSubnet[];
  readonly enis: GEni[];
  readonly roleGroups: Map<Role, GSg>;
  readonly serviceGroups: Map<Role, GSg[]>;
  readonly commonGroups: GSg[];
  readonly nats: GNat[];
}

export interface GSubnet {
  readonly id: string;
  readonly vpc: GVpc;
  readonly tier: Tier;
  readonly az: number;
  readonly base4: number;
  readonly cidr4: string;
  readonly v6: readonly number[] | null;
  readonly v6Cidr: string | null;
  readonly name: string;
  nextHost: number;
  nacl: GNacl | null;
}

export interface GNacl {
  readonly id: string;
  readonly vpc: GVpc;
  readonly tier: Tier | 'default';
  /** Lowest port of the inbound TCP ephemeral allow from 0.0.0.0/0 (65536 when there is none). */
  readonly ephLow4: number;
  /** Is there an inbound TCP ephemeral allow from ::/0? */
  readonly v6Ephemeral: boolean;
  readonly entries: object[];
  readonly subnets: GSubnet[];
}

export interface GSg {
  readonly id: string;
  readonly name: string;
  readonly vpc: GVpc;
  readonly restrictedEgress: boolean;
  inbound: object[];
  outbound: object[];
  readonly description: string;
}

export interface GEni {
  readonly id: string;
  readonly vpc: GVpc;
  readonly subnet: GSubnet;
  readonly role: Role;
  readonly ip4: string;
  readonly secondaries: string[];
  readonly ip6: string | null;
  readonly publicIp: string | null;
  readonly groups: GSg[];
  readonly restrictedEgress: boolean;
  readonly monitored: boolean;
}

export interface GNat {
  readonly id: string;
  readonly vpc: GVpc;
  readonly subnet: GSubnet;
  readonly eni: GEni;
  readonly publicIp: string;
}

export interface GPrefixList {
  readonly id: string;
  readonly name: string;
  readonly family: 'IPv4' | 'IPv6';
  readonly owner: string;
  readonly entries: ReadonlyArray<readonly [string, string]>;
}

export interface World {
  readonly vpcs: GVpc[];
  readonly enis: GEni[];
  readonly nacls: GNacl[];
  readonly groups: GSg[];
  readonly prefixLists: GPrefixList[];
  /** Office source addresses (inside the corp prefix list). */
  readonly officeIps: string[];
  /** Scanner addresses; some lie inside NACL block lists. */
  readonly scanners4: string[];
  readonly scanners6: string[];
  readonly files: Record<string, unknown>;
}

export class Ids {
  private readonly seen = new Set<string>();
  constructor(private readonly rng: Rng) {}
  next(prefix: string, digits = 17): string {
    for (;;) {
      const id = `${prefix}-0${this.rng.hex(digits - 1)}`;
      if (!this.seen.has(id)) {
        this.seen.add(id);
        return id;
      }
    }
  }
}

export const tags = (name: string, extra: Record<string, string> = {}) => [
  { Key: 'Name', Value: name },
  ...Object.entries(extra).map(([Key, Value]) => ({ Key, Value })),
];

/** An IpPermission (ref 4.4). */
export function perm(
  protocol: string,
  from: number | null,
  to: number | null,
  sources: {
    cidrs?: string[];
    cidrs6?: string[];
    prefixLists?: string[];
    groups?: string[];
    description?: string;
  },
): object {
  const p: Record<string, unknown> = { IpProtocol: protocol };
  if (from !== null) p['FromPort'] = from;
  if (to !== null) p['ToPort'] = to;
  const d = sources.description;
  p['IpRanges'] = (sources.cidrs ?? []).map((c) => (d ? { CidrIp: c, Description: d } : { CidrIp: c }));
  p['Ipv6Ranges'] = (sources.cidrs6 ?? []).map((c) => (d ? { CidrIpv6: c, Description: d } : { CidrIpv6: c }));
  p['PrefixListIds'] = (sources.prefixLists ?? []).map((id) => (d ? { PrefixListId: id, Description: d } : { PrefixListId: id }));
  p['UserIdGroupPairs'] = (sources.groups ?? []).map((g) => (d ? { Description: d, GroupId: g, UserId: ACCOUNT } : { GroupId: g, UserId: ACCOUNT }));
  return p;
}

export const tcp = (from: number, to: number = from) => ['tcp', from, to] as const;

export function naclEntry(
  rule: number,
  egress: boolean,
  action: 'allow' | 'deny',
  protocol: string,
  cidr: string,
  ports?: readonly [number, number],
  icmp?: readonly [number, number],
): object {
  const e: Record<string, unknown> = { RuleNumber: rule, Protocol: protocol, RuleAction: action, Egress: egress };
  if (cidr.includes(':')) e['Ipv6CidrBlock'] = cidr;
  else e['CidrBlock'] = cidr;
  if (ports) e['PortRange'] = { From: ports[0], To: ports[1] };
  if (icmp) e['IcmpTypeCode'] = { Code: icmp[1], Type: icmp[0] };
  return e;
}

export function buildWorld(seed: number): World {
  const rng = new Rng(seed ^ 0x5eed5eed);
  const ids = new Ids(rng);

  // Prefix lists (account-owned and AWS-managed), with their entries.
  const officeIps: string[] = [];
  const officeCidrs: string[] = [];
  for (let i = 0; i < 12; i++) {
    const base = publicIp4(rng) & 0xffffff00;
    officeCidrs.push(`${ip4(base)}/24`);
    officeIps.push(ip4(base + rng.range(10, 250)));
  }
  const randomCidrs = (n: number, lenLo: number, lenHi: number): string[] => {
    const out: string[] = [];
    for (let i = 0; i < n; i++) {
      const len = rng.range(lenLo, lenHi);
      const mask = len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
      out.push(`${ip4((publicIp4(rng) & mask) >>> 0)}/${len}`);
    }
    return out;
  };
  const random6Cidrs = (n: number): string[] => {
    const out: string[] = [];
    for (let i = 0; i < n; i++) {
      const [a, b] = rng.pick(PUBLIC_V6_PREFIXES);
      out.push(`${ip6([a, b, rng.int(0x10000), 0, 0, 0, 0, 0])}/48`);
    }
    return out;
  };
  const pl = (name: string, family: 'IPv4' | 'IPv6', owner: string, cidrs: string[]): GPrefixList => ({
    id: ids.next('pl', 17),
    name,
    family,
    owner,
    entries: cidrs.map((c, i) => [c, owner === 'AWS' ? '' : `${name} ${i + 1}`] as const),
  });
  const corp = pl('corp-offices', 'IPv4', ACCOUNT, officeCidrs);
  const corp6 = pl('corp-offices-v6', 'IPv6', ACCOUNT, random6Cidrs(4));
  const dbaVpn = pl('dba-vpn', 'IPv4', ACCOUNT, ['172.20.8.0/24', '172.20.9.0/24', ...randomCidrs(4, 26, 29)]);
  const partners = pl('partners-inbound', 'IPv4', ACCOUNT, randomCidrs(40, 22, 30));
  const monitoringSaas = pl('monitoring-saas', 'IPv4', ACCOUNT, randomCidrs(25, 24, 28));
  const legacyDc = pl('legacy-datacenter', 'IPv4', ACCOUNT, Array.from({ length: 10 }, (_, i) => `172.${24 + i}.0.0/16`));
  const cdn = pl('com.amazonaws.global.cloudfront.origin-facing', 'IPv4', 'AWS', randomCidrs(45, 18, 24));
  const s3 = pl(`com.amazonaws.${REGION}.s3`, 'IPv4', 'AWS', randomCidrs(5, 15, 17));
  const prefixLists = [corp, corp6, dbaVpn, partners, monitoringSaas, legacyDc, cdn, s3];

  // Scanners: six IPv4 sources (the first two inside NACL block lists), two IPv6 sources.
  const scanners4: string[] = [];
  const scannerBlocks: string[] = [];
  for (let i = 0; i < 6; i++) {
    const base = publicIp4(rng) & 0xffffff00;
    scanners4.push(ip4(base + rng.range(1, 254)));
    if (i < 2) scannerBlocks.push(`${ip4(base)}/24`);
  }
  const scanners6 = [publicIp6(rng), publicIp6(rng)];
  const scanner6Block = (() => {
    const h = scanners6[0]!.split(':').slice(0, 3);
    return `${h.join(':')}::/48`;
  })();

  const vpcs: GVpc[] = [];
  const nacls: GNacl[] = [];
  const groups: GSg[] = [];
  const enis: GEni[] = [];
  const vpcJson: object[] = [];
  const subnetJson: object[] = [];
  const rtJson: object[] = [];
  const igwJson: object[] = [];
  const natJson: object[] = [];

  const VPC_NAMES = ['shop-prod', 'data-prod', 'platform-prod', 'legacy-prod'];
  for (let v = 0; v < 4; v++) {
    const base4 = ip4num(10, 10 + v * 10, 0, 0);
    const hasV6 = v !== 3;
    const hasPods = v === 0;
    const v6 = hasV6 ? [0x2600, 0x1f18, rng.range(0x100, 0xfff), rng.int(256) << 8, 0, 0, 0, 0] : null;
    const vpc: GVpc = {
      idx: v,
      id: ids.next('vpc'),
      name: VPC_NAMES[v]!,
      base4,
      cidr4: `${ip4(base4)}/16`,
      secondary4: hasPods ? { base: ip4num(100, 64, 0, 0), cidr: '100.64.0.0/16' } : null,
      v6,
      v6Cidr: v6 ? `${ip6(v6)}/56` : null,
      igwId: ids.next('igw'),
      eigwId: hasV6 ? ids.next('eigw') : null,
      vpceS3: ids.next('vpce'),
      resolver: ip4(base4 + 2),
      subnets: [],
      enis: [],
      roleGroups: new Map(),
      serviceGroups: new Map(),
      commonGroups: [],
      nats: [],
    };
    vpcs.push(vpc);
    const cidrAssoc = [{ AssociationId: ids.next('vpc-cidr-assoc'), CidrBlock: vpc.cidr4, CidrBlockState: { State: 'associated' } }];
    if (vpc.secondary4) cidrAssoc.push({ AssociationId: ids.next('vpc-cidr-assoc'), CidrBlock: vpc.secondary4.cidr, CidrBlockState: { State: 'associated' } });
    vpcJson.push({
      CidrBlock: vpc.cidr4,
      DhcpOptionsId: ids.next('dopt'),
      State: 'available',
      VpcId: vpc.id,
      OwnerId: ACCOUNT,
      InstanceTenancy: 'default',
      Ipv6CidrBlockAssociationSet: vpc.v6Cidr
        ? [{ AssociationId: ids.next('vpc-cidr-assoc'), Ipv6CidrBlock: vpc.v6Cidr, Ipv6CidrBlockState: { State: 'associated' }, NetworkBorderGroup: REGION, Ipv6Pool: 'Amazon' }]
        : [],
      CidrBlockAssociationSet: cidrAssoc,
      IsDefault: false,
      Tags: tags(vpc.name, { env: 'prod' }),
    });
    igwJson.push({ Attachments: [{ State: 'available', VpcId: vpc.id }], InternetGatewayId: vpc.igwId, OwnerId: ACCOUNT, Tags: tags(`${vpc.name}-igw`) });

    // Subnets: /24s of the primary CIDR by tier and AZ, pods in the secondary CIDR; /64s numbered in order.
    let third = 0;
    let v6n = 0;
    const tiers: Array<readonly [Tier, number]> = [...TIER_SUBNETS];
    if (hasPods) tiers.push(['pods', 6]);
    for (const [tier, count] of tiers) {
      for (let k = 0; k < count; k++) {
        const az = k % 3;
        const sBase = tier === 'pods' && vpc.secondary4 ? vpc.secondary4.base + (k << 10) : base4 + (++third << 8);
        const sLen = tier === 'pods' ? 22 : 24;
        const sv6 = v6 ? [v6[0]!, v6[1]!, v6[2]!, v6[3]! | ++v6n, 0, 0, 0, 0] : null;
        const subnet: GSubnet = {
          id: ids.next('subnet'),
          vpc,
          tier,
          az,
          base4: sBase,
          cidr4: `${ip4(sBase)}/${sLen}`,
          v6: sv6,
          v6Cidr: sv6 ? `${ip6(sv6)}/64` : null,
          name: `${vpc.name}-${tier}-${AZS[az]!.slice(-1)}${count > 3 ? Math.floor(k / 3) + 1 : ''}`,
          nextHost: 4,
          nacl: null,
        };
        vpc.subnets.push(subnet);
        subnetJson.push({
          AvailabilityZone: AZS[az],
          AvailabilityZoneId: AZ_IDS[az],
          AvailableIpAddressCount: (1 << (32 - sLen)) - 5 - rng.int(40),
          CidrBlock: subnet.cidr4,
          DefaultForAz: false,
          MapPublicIpOnLaunch: tier === 'public',
          State: 'available',
          SubnetId: subnet.id,
          VpcId: vpc.id,
          OwnerId: ACCOUNT,
          AssignIpv6AddressOnCreation: sv6 !== null && tier !== 'data',
          Ipv6CidrBlockAssociationSet: subnet.v6Cidr
            ? [{ AssociationId: ids.next('subnet-cidr-assoc'), Ipv6CidrBlock: subnet.v6Cidr, Ipv6CidrBlockState: { State: 'associated' } }]
            : [],
          Tags: tags(subnet.name, { tier }),
          SubnetArn: `arn:aws:ec2:${REGION}:${ACCOUNT}:subnet/${subnet.id}`,
          EnableDns64: false,
          Ipv6Native: false,
          PrivateDnsNameOptionsOnLaunch: { HostnameType: 'ip-name', EnableResourceNameDnsARecord: false, EnableResourceNameDnsAAAARecord: false },
        });
      }
    }
    if (third > 250) throw new Error('too many subnets for a /16');
  }

  const subnetsOf = (vpc: GVpc, tier: Tier) => vpc.subnets.filter((s) => s.tier === tier);

  // Security groups.
  const newSg = (vpc: GVpc, name: string, description: string, restrictedEgress: boolean): GSg => {
    const sg: GSg = { id: ids.next('sg'), name, vpc, restrictedEgress, inbound: [], outbound: [], description };
    groups.push(sg);
    return sg;
  };
  const allowAllEgress = (vpc: GVpc) => [
    perm('-1', null, null, { cidrs: ['0.0.0.0/0'], ...(vpc.v6Cidr ? { cidrs6: ['::/0'] } : {}) }),
  ];
  for (const vpc of vpcs) {
    const v6all = vpc.v6Cidr ? ['::/0'] : [];
    const v6vpc = vpc.v6Cidr ? [vpc.v6Cidr] : [];
    const vpcCidrs = vpc.secondary4 ? [vpc.cidr4, vpc.secondary4.cidr] : [vpc.cidr4];
    const restrictedRoles = new Set<Role>(['lambda', 'db', 'cache']);
    for (const [role] of ROLE_COUNTS) {
      vpc.roleGroups.set(role, newSg(vpc, `${vpc.name}-${role}`, `${role} tier`, restrictedRoles.has(role)));
    }
    const rg = (r: Role) => vpc.roleGroups.get(r)!.id;
    const common = (name: string, description: string, inbound: object[]) => {
      const sg = newSg(vpc, `${vpc.name}-${name}`, description, false);
      sg.inbound = inbound;
      sg.outbound = allowAllEgress(vpc);
      vpc.commonGroups.push(sg);
      return sg;
    };
    const set = (r: Role, inbound: object[]) => {
      const sg = vpc.roleGroups.get(r)!;
      sg.inbound = inbound;
      sg.outbound = sg.restrictedEgress
        ? [
            perm(...tcp(443), { cidrs: ['0.0.0.0/0'], cidrs6: v6all, description: 'HTTPS out' }),
            perm(...tcp(5432), { groups: [rg('db')] }),
            perm(...tcp(6379), { groups: [rg('cache')] }),
            perm('udp', 53, 53, { cidrs: vpcCidrs }),
            perm('tcp', 1024, 65535, { prefixLists: [s3.id] }),
          ]
        : allowAllEgress(vpc);
    };
    set('lb', [perm(...tcp(443), { cidrs: ['0.0.0.0/0'], cidrs6: v6all }), perm(...tcp(80), { cidrs: ['0.0.0.0/0'], cidrs6: v6all, description: 'redirects to HTTPS' })]);
    set('bastion', [
      perm(...tcp(22), { prefixLists: [corp.id], description: 'SSH from the offices' }),
      ...(vpc.v6Cidr ? [perm(...tcp(22), { prefixLists: [corp6.id] })] : []),
      perm('icmp', 8, -1, { cidrs: vpcCidrs }),
    ]);
    set('web', [perm(...tcp(8080), { groups: [rg('lb')] }), perm(...tcp(8443), { groups: [rg('lb')] }), perm(...tcp(22), { groups: [rg('bastion')] })]);
    set('app', [
      perm('tcp', 8080, 8081, { groups: [rg('web'), rg('app'), rg('lambda')] }),
      perm(...tcp(22), { groups: [rg('bastion')] }),
      perm(...tcp(9100), { groups: [rg('monitoring')] }),
      ...(vpc.v6Cidr ? [perm(...tcp(8080), { cidrs6: v6vpc })] : []),
    ]);
    set('api', [perm(...tcp(443), { groups: [rg('lb')] }), perm(...tcp(8443), { groups: [rg('web')], cidrs: [vpc.cidr4] }), perm(...tcp(22), { groups: [rg('bastion')] })]);
    set('db', [
      perm(...tcp(5432), { groups: [rg('app'), rg('api'), rg('lambda')], prefixLists: [dbaVpn.id] }),
      perm(...tcp(3306), { groups: [rg('app')] }),
      perm(...tcp(22), { groups: [rg('bastion')] }),
    ]);
    set('cache', [perm(...tcp(6379), { groups: [rg('app'), rg('api'), rg('lambda')] })]);
    set('kafka', [perm('tcp', 9092, 9094, { groups: [rg('app'), rg('node')] }), perm(...tcp(2181), { groups: [rg('kafka')] }), perm(...tcp(9100), { groups: [rg('monitoring')] })]);
    set('monitoring', [perm(...tcp(3000), { prefixLists: [corp.id] }), perm(...tcp(9090), { cidrs: vpcCidrs, cidrs6: v6vpc })]);
    set('endpoint', [perm(...tcp(443), { cidrs: vpcCidrs, cidrs6: v6vpc, description: 'interface endpoint' })]);
    set('lambda', []);
    set('node', [
      perm('-1', null, null, { groups: [rg('node')], description: 'node to node' }),
      perm('tcp', 30000, 32767, { groups: [rg('lb')] }),
      perm(...tcp(443), { cidrs: vpcCidrs }),
      perm(...tcp(10250), { groups: [rg('monitoring')] }),
    ]);

    // Common groups: a few attached everywhere, partner and legacy ones mostly unused.
    common('ssh-from-bastion', 'SSH from the bastions', [perm(...tcp(22), { groups: [rg('bastion')] })]);
    common('monitoring-agent', 'node exporter scraped by monitoring', [perm(...tcp(9100), { groups: [rg('monitoring')] }), perm(...tcp(9100), { prefixLists: [monitoringSaas.id] })]);
    common('icmp-internal', 'ping and PMTU inside the VPC', [perm('icmp', -1, -1, { cidrs: vpcCidrs }), ...(vpc.v6Cidr ? [perm('58', -1, -1, { cidrs6: v6vpc })] : [])]);
    common('corp-vpn', 'office access', [perm('tcp', 0, 65535, { prefixLists: [corp.id] })]);
    common('legacy-dc', 'legacy datacenter', [perm('-1', null, null, { prefixLists: [legacyDc.id] })]);
    common('cdn-origin', 'CloudFront origin-facing', [perm(...tcp(443), { prefixLists: [cdn.id] })]);
    for (let i = 0; i < 22; i++) {
      const inbound: object[] = [];
      const n = rng.range(1, 6);
      for (let k = 0; k < n; k++) {
        const port = rng.pick([443, 8443, 22, 3389, 5432, 1521, 8080, 9000, 25, 587, 6443]);
        if (rng.chance(0.25)) inbound.push(perm(...tcp(port), { cidrs6: random6Cidrs(rng.range(1, 3)), description: `partner ${i}` }));
        else inbound.push(perm(...tcp(port), { cidrs: randomCidrs(rng.range(1, 8), 24, 32), description: `partner ${i}` }));
      }
      if (rng.chance(0.3)) inbound.push(perm('udp', 500, 500, { cidrs: randomCidrs(2, 30, 32) }), perm('50', null, null, { cidrs: randomCidrs(1, 32, 32) }));
      common(`partner-${i + 1}`, `partner access ${i + 1}`, inbound);
    }

    // Per-service groups for the service roles.
    const serviceRoles: Role[] = ['web', 'app', 'api', 'db', 'cache', 'kafka', 'node', 'lambda'];
    const perRole: Record<string, number> = { web: 14, app: 30, api: 14, db: 12, cache: 8, kafka: 6, node: 8, lambda: 10 };
    for (const role of serviceRoles) {
      const list: GSg[] = [];
      vpc.serviceGroups.set(role, list);
      for (let i = 0; i < perRole[role]!; i++) {
        const svc = SERVICES[(i + vpc.idx * 7) % SERVICES.length]!;
        const restricted = vpc.roleGroups.get(role)!.restrictedEgress;
        list.push(newSg(vpc, `${vpc.name}-${role}-${svc}${i >= SERVICES.length ? `-${i}` : ''}`, `${svc} ${role}`, restricted));
      }
    }
    for (const role of serviceRoles) {
      for (const sg of vpc.serviceGroups.get(role)!) {
        const inbound: object[] = [];
        const n = rng.range(1, 5);
        for (let k = 0; k < n; k++) {
          const kind = rng.weighted<string>([
            ['group', 4],
            ['self', 1],
            ['cidr', 3],
            ['v6', 2],
            ['pl', 1],
            ['udp', 1],
            ['icmp', 1],
            ['wide', 1],
          ]);
          const port = 8000 + rng.int(200);
          switch (kind) {
            case 'group': {
              const peerRole = rng.pick(serviceRoles);
              const peers = rng.shuffle([...vpc.serviceGroups.get(peerRole)!]).slice(0, rng.range(1, 3));
              inbound.push(perm(...tcp(port), { groups: peers.map((g) => g.id), description: `from ${peerRole}` }));
              break;
            }
            case 'self':
              inbound.push(perm('-1', null, null, { groups: [sg.id] }));
              break;
            case 'cidr':
              inbound.push(perm('tcp', port, port + rng.int(10), { cidrs: [rng.pick(vpc.subnets).cidr4, ...randomCidrs(rng.range(0, 4), 16, 28)] }));
              break;
            case 'v6':
              inbound.push(perm(...tcp(rng.pick([443, port])), { cidrs6: vpc.v6Cidr ? [vpc.v6Cidr, ...random6Cidrs(rng.int(2))] : random6Cidrs(1) }));
              break;
            case 'pl':
              inbound.push(perm(...tcp(rng.pick([443, 22, port])), { prefixLists: [rng.pick([corp.id, partners.id, legacyDc.id])] }));
              break;
            case 'udp':
              inbound.push(perm('udp', rng.pick([53, 123, 514, 8125]), null, { cidrs: [vpc.cidr4] }));
              break;
            case 'icmp':
              inbound.push(perm('icmp', rng.pick([8, 0, -1]), -1, { cidrs: [vpc.cidr4] }));
              break;
            case 'wide':
              inbound.push(perm('tcp', 1024, 65535, { cidrs: [rng.pick(legacyDc.entries)[0]] }));
              break;
          }
        }
        // 'udp' perms were built with a null ToPort: fill it in (FromPort = ToPort for single ports).
        for (const p of inbound as Array<Record<string, unknown>>) if (p['FromPort'] !== undefined && p['ToPort'] === undefined) p['ToPort'] = p['FromPort'];
        sg.inbound = inbound;
        sg.outbound = sg.restrictedEgress
          ? [perm(...tcp(443), { cidrs: ['0.0.0.0/0'] }), perm(...tcp(5432), { groups: [rg('db')] }), perm('udp', 53, 53, { cidrs: vpcCidrs })]
          : allowAllEgress(vpc);
      }
    }
  }

  // NACLs: one per tier and VPC, plus the default (allow-all, no association).
  const naclJson: object[] = [];
  for (const vpc of vpcs) {
    const tiersHere = [...new Set(vpc.subnets.map((s) => s.tier))];
    for (const tier of tiersHere) {
      const subnets = subnetsOf(vpc, tier);
      const e: object[] = [];
      const v6 = vpc.v6Cidr !== null;
      // Ephemeral ranges: mostly the full 1024-65535; app in VPC 1 only the Linux range (clients on lower
      // ports lose their responses), web in VPC 2 with no IPv6 ephemeral allow.
      const ephLow4 = tier === 'app' && vpc.idx === 1 ? 32768 : tier === 'data' && vpc.idx === 2 ? 49152 : 1024;
      const v6Ephemeral = v6 && !(tier === 'web' && vpc.idx === 2) && !(tier === 'app' && vpc.idx === 0);
      // Inbound block list and denied ports.
      let r = 10;
      const blocks = [...scannerBlocks.slice(0, vpc.idx % 2 === 0 ? 2 : 1), ...randomCidrs(rng.range(3, 8), 16, 24)];
      for (const c of blocks) e.push(naclEntry((r += 5), false, 'deny', '-1', c));
      if (v6 && vpc.idx !== 1) e.push(naclEntry((r += 5), false, 'deny', '-1', scanner6Block));
      e.push(naclEntry(70, false, 'deny', '6', '0.0.0.0/0', [23, 23]));
      e.push(naclEntry(71, false, 'deny', '6', '0.0.0.0/0', [445, 445]));
      e.push(naclEntry(72, false, 'deny', '17', '0.0.0.0/0', [1900, 1900]));
      if (tier === 'public') e.push(naclEntry(73, false, 'deny', '6', '0.0.0.0/0', [3389, 3389]));
      if (v6) e.push(naclEntry(74, false, 'deny', '6', '::/0', [23, 23]));
      // Service allows.
      if (tier === 'public') {
        e.push(naclEntry(100, false, 'allow', '6', '0.0.0.0/0', [443, 443]));
        e.push(naclEntry(105, false, 'allow', '6', '0.0.0.0/0', [80, 80]));
        if (v6) {
          e.push(naclEntry(101, false, 'allow', '6', '::/0', [443, 443]));
          e.push(naclEntry(106, false, 'allow', '6', '::/0', [80, 80]));
        }
        officeCidrs.slice(0, 8).forEach((c, i) => e.push(naclEntry(110 + i, false, 'allow', '6', c, [22, 22])));
      }
      if (tier === 'data') {
        let n = 130;
        for (const s of subnetsOf(vpc, 'app')) {
          e.push(naclEntry(n++, false, 'allow', '6', s.cidr4, [5432, 5432]));
          e.push(naclEntry(n++, false, 'allow', '6', s.cidr4, [3306, 3306]));
          e.push(naclEntry(n++, false, 'allow', '6', s.cidr4, [6379, 6379]));
          e.push(naclEntry(n++, false, 'allow', '6', s.cidr4, [9092, 9094]));
        }
        for (const s of [...subnetsOf(vpc, 'pods'), ...subnetsOf(vpc, 'data')]) e.push(naclEntry(n++, false, 'allow', '6', s.cidr4, [9092, 9094]));
        for (const s of subnetsOf(vpc, 'data')) e.push(naclEntry(n++, false, 'allow', '6', s.cidr4, [2181, 2181]));
        for (const s of [...subnetsOf(vpc, 'public'), ...subnetsOf(vpc, 'mgmt')]) e.push(naclEntry(n++, false, 'allow', '-1', s.cidr4));
        if (v6) e.push(naclEntry(n++, false, 'allow', '6', vpc.v6Cidr!, [5432, 6379]));
        e.push(naclEntry(n++, false, 'allow', '6', '172.20.8.0/23', [5432, 5432]));
      } else {
        e.push(naclEntry(200, false, 'allow', '-1', vpc.cidr4));
        if (vpc.secondary4) e.push(naclEntry(202, false, 'allow', '-1', vpc.secondary4.cidr));
        if (v6) e.push(naclEntry(201, false, 'allow', '-1', vpc.v6Cidr!));
      }
      // Return traffic.
      e.push(naclEntry(300, false, 'allow', '6', '0.0.0.0/0', [ephLow4, 65535]));
      if (v6Ephemeral) e.push(naclEntry(301, false, 'allow', '6', '::/0', [1024, 65535]));
      e.push(naclEntry(310, false, 'allow', '17', '0.0.0.0/0', [1024, 65535]));
      if (tier === 'data') e.push(naclEntry(311, false, 'allow', '6', vpc.cidr4, [1024, 65535]));
      e.push(naclEntry(320, false, 'allow', '1', '0.0.0.0/0', undefined, [3, 4]));
      if (v6) e.push(naclEntry(321, false, 'allow', '58', '::/0', undefined, [-1, -1]));
      // Partner and legacy entries.
      const extra = rng.range(4, 14);
      for (let i = 0; i < extra; i++) {
        const action = rng.chance(0.3) ? 'deny' : 'allow';
        const port = rng.pick([22, 443, 8443, 1521, 5432, 9000, 25, 587]);
        const c = rng.chance(0.2) && v6 ? random6Cidrs(1)[0]! : randomCidrs(1, 20, 30)[0]!;
        e.push(naclEntry(400 + i * 10, false, action, '6', c, [port, port + (rng.chance(0.3) ? rng.range(1, 100) : 0)]));
      }
      // Outbound.
      e.push(naclEntry(90, true, 'deny', '6', '0.0.0.0/0', [25, 25]));
      for (const c of scannerBlocks.slice(0, 1)) e.push(naclEntry(95, true, 'deny', '-1', c));
      if (tier === 'data') {
        e.push(naclEntry(100, true, 'allow', '6', vpc.cidr4, [1024, 65535]));
        if (vpc.secondary4) e.push(naclEntry(101, true, 'allow', '6', vpc.secondary4.cidr, [1024, 65535]));
        e.push(naclEntry(110, true, 'allow', '6', '0.0.0.0/0', [443, 443]));
        e.push(naclEntry(120, true, 'allow', '17', vpc.cidr4, [53, 53]));
        e.push(naclEntry(130, true, 'allow', '6', vpc.cidr4, [9092, 9094]));
        e.push(naclEntry(131, true, 'allow', '6', vpc.cidr4, [2181, 2181]));
        e.push(naclEntry(140, true, 'allow', '6', '0.0.0.0/0', [1024, 65535]));
        if (v6) e.push(naclEntry(150, true, 'allow', '6', vpc.v6Cidr!, [1024, 65535]));
      } else {
        e.push(naclEntry(100, true, 'allow', '-1', '0.0.0.0/0'));
        if (v6) e.push(naclEntry(101, true, 'allow', '-1', '::/0'));
      }
      // The `*` rules, then everything shuffled: AWS prints entries unsorted, both directions mixed.
      e.push(naclEntry(32767, false, 'deny', '-1', '0.0.0.0/0'), naclEntry(32767, true, 'deny', '-1', '0.0.0.0/0'));
      if (v6) e.push(naclEntry(32768, false, 'deny', '-1', '::/0'), naclEntry(32768, true, 'deny', '-1', '::/0'));
      const nacl: GNacl = { id: ids.next('acl'), vpc, tier, ephLow4, v6Ephemeral, entries: rng.shuffle(e), subnets };
      for (const s of subnets) s.nacl = nacl;
      nacls.push(nacl);
    }
    const def: object[] = [naclEntry(100, false, 'allow', '-1', '0.0.0.0/0'), naclEntry(100, true, 'allow', '-1', '0.0.0.0/0')];
    def.push(naclEntry(32767, false, 'deny', '-1', '0.0.0.0/0'), naclEntry(32767, true, 'deny', '-1', '0.0.0.0/0'));
    if (vpc.v6Cidr) {
      def.push(naclEntry(101, false, 'allow', '-1', '::/0'), naclEntry(101, true, 'allow', '-1', '::/0'));
      def.push(naclEntry(32768, false, 'deny', '-1', '::/0'), naclEntry(32768, true, 'deny', '-1', '::/0'));
    }
    nacls.push({ id: ids.next('acl'), vpc, tier: 'default', ephLow4: 1024, v6Ephemeral: true, entries: def, subnets: [] });
  }
  for (const n of nacls) {
    naclJson.push({
      Associations: n.subnets.map((s) => ({ NetworkAclAssociationId: ids.next('aclassoc'), NetworkAclId: n.id, SubnetId: s.id })),
      Entries: n.entries,
      IsDefault: n.tier === 'default',
      NetworkAclId: n.id,
      Tags: n.tier === 'default' ? [] : tags(`${n.vpc.name}-${n.tier}`),
      VpcId: n.vpc.id,
      OwnerId: ACCOUNT,
    });
  }

  // ENIs.
  const eniJson: object[] = [];
  const takeHost = (s: GSubnet): number => {
    const size = s.tier === 'pods' ? 1024 : 256;
    if (s.nextHost >= size - 2) throw new Error(`subnet ${s.name} is full`);
    return s.base4 + s.nextHost++;
  };
  const publicPool = new Set<string>();
  const newPublicIp = (): string => {
    for (;;) {
      const ip = ip4(ip4num(rng.pick([3, 18, 34, 44, 52, 54]), rng.int(256), rng.int(256), rng.range(1, 254)));
      if (!publicPool.has(ip)) {
        publicPool.add(ip);
        return ip;
      }
    }
  };
  const v6Seen = new Set<string>();
  const newIp6 = (s: GSubnet): string => {
    for (;;) {
      const ip = ip6([s.v6![0]!, s.v6![1]!, s.v6![2]!, s.v6![3]!, rng.int(0x10000), rng.int(0x10000), rng.int(0x10000), rng.range(1, 0xffff)]);
      if (!v6Seen.has(ip)) {
        v6Seen.add(ip);
        return ip;
      }
    }
  };
  const addEni = (vpc: GVpc, subnet: GSubnet, role: Role, eniGroups: GSg[], opts: { publicIp: boolean; type: string; description: string; requester?: string; name: string; secondaries?: number; ipv6: boolean; monitored?: boolean }): GEni => {
    const primary = ip4(takeHost(subnet));
    const secondaries: string[] = [];
    for (let i = 0; i < (opts.secondaries ?? 0); i++) secondaries.push(ip4(takeHost(subnet)));
    const ipv6 = opts.ipv6 && subnet.v6 !== null ? newIp6(subnet) : null;
    const publicIp = opts.publicIp ? newPublicIp() : null;
    const eni: GEni = {
      id: ids.next('eni'),
      vpc,
      subnet,
      role,
      ip4: primary,
      secondaries,
      ip6: ipv6,
      publicIp,
      groups: eniGroups,
      restrictedEgress: eniGroups.length > 0 && eniGroups.every((g) => g.restrictedEgress),
      monitored: opts.monitored ?? false,
    };
    vpc.enis.push(eni);
    enis.push(eni);
    const dns = (ip: string) => `ip-${ip.replaceAll('.', '-')}.ec2.internal`;
    const assoc = publicIp
      ? { IpOwnerId: role === 'nat' ? ACCOUNT : 'amazon', PublicDnsName: `ec2-${publicIp.replaceAll('.', '-')}.compute-1.amazonaws.com`, PublicIp: publicIp, ...(role === 'nat' ? { AllocationId: ids.next('eipalloc'), AssociationId: ids.next('eipassoc') } : {}) }
      : null;
    const instance = opts.requester === undefined && opts.type === 'interface';
    const j: Record<string, unknown> = {};
    if (assoc) j['Association'] = assoc;
    j['Attachment'] = instance
      ? { AttachTime: '2024-09-12T08:14:03+00:00', AttachmentId: ids.next('eni-attach'), DeleteOnTermination: true, DeviceIndex: 0, NetworkCardIndex: 0, InstanceId: ids.next('i'), InstanceOwnerId: ACCOUNT, Status: 'attached' }
      : { AttachmentId: ids.next('ela-attach'), DeleteOnTermination: false, DeviceIndex: 1, InstanceOwnerId: opts.requester ?? 'amazon-aws', Status: 'attached' };
    Object.assign(j, {
      AvailabilityZone: AZS[subnet.az],
      AvailabilityZoneId: AZ_IDS[subnet.az],
      ConnectionTrackingConfiguration: role === 'lb' ? { TcpEstablishedTimeout: 350, UdpStreamTimeout: 180, UdpTimeout: 30 } : undefined,
      Description: opts.description,
      Groups: eniGroups.map((g) => ({ GroupId: g.id, GroupName: g.name })),
      InterfaceType: opts.type,
      Ipv6Addresses: ipv6 ? [{ Ipv6Address: ipv6, IsPrimaryIpv6: false }] : [],
      MacAddress: `0e:${rng.hex(2)}:${rng.hex(2)}:${rng.hex(2)}:${rng.hex(2)}:${rng.hex(2)}`,
      NetworkInterfaceId: eni.id,
      OwnerId: ACCOUNT,
      PrivateDnsName: dns(primary),
      PrivateIpAddress: primary,
      PrivateIpAddresses: [
        { ...(assoc ? { Association: assoc } : {}), Primary: true, PrivateDnsName: dns(primary), PrivateIpAddress: primary },
        ...secondaries.map((ip, i) => ({
          ...(i === 0 && role !== 'node' && rng.chance(0.3) ? { Association: { IpOwnerId: ACCOUNT, PublicIp: newPublicIp(), AllocationId: ids.next('eipalloc') } } : {}),
          Primary: false,
          PrivateDnsName: dns(ip),
          PrivateIpAddress: ip,
        })),
      ],
      Ipv4Prefixes: [],
      Ipv6Prefixes: [],
      ...(opts.requester !== undefined ? { RequesterId: opts.requester } : {}),
      RequesterManaged: opts.requester !== undefined,
      SourceDestCheck: role !== 'nat' && role !== 'node',
      Status: 'in-use',
      SubnetId: subnet.id,
      TagSet: opts.requester !== undefined ? [] : tags(opts.name),
      VpcId: vpc.id,
      DenyAllIgwTraffic: false,
      Ipv6Native: false,
    });
    if (j['ConnectionTrackingConfiguration'] === undefined) delete j['ConnectionTrackingConfiguration'];
    eniJson.push(j);
    return eni;
  };

  for (const vpc of vpcs) {
    const hasPods = vpc.secondary4 !== null;
    const commons = vpc.commonGroups;
    const sshFromBastion = commons[0]!;
    const monitoringAgent = commons[1]!;
    const icmpInternal = commons[2]!;
    // NAT gateways first (one per AZ in the public subnets).
    const publics = subnetsOf(vpc, 'public');
    for (let az = 0; az < 3; az++) {
      const subnet = publics[az]!;
      const natId = ids.next('nat');
      const eni = addEni(vpc, subnet, 'nat', [], { publicIp: true, type: 'natGateway', description: `Interface for NAT Gateway ${natId}`, requester: 'amazon-nat', name: natId, ipv6: false });
      vpc.nats.push({ id: natId, vpc, subnet, eni, publicIp: eni.publicIp! });
      natJson.push({
        CreateTime: '2024-03-02T10:11:12.000Z',
        NatGatewayAddresses: [{ AllocationId: ids.next('eipalloc'), NetworkInterfaceId: eni.id, PrivateIp: eni.ip4, PublicIp: eni.publicIp, AssociationId: ids.next('eipassoc'), IsPrimary: true, Status: 'succeeded' }],
        NatGatewayId: natId,
        State: 'available',
        SubnetId: subnet.id,
        VpcId: vpc.id,
        Tags: tags(`${vpc.name}-nat-${AZS[az]!.slice(-1)}`),
        ConnectivityType: 'public',
      });
    }
    for (const [role, count] of ROLE_COUNTS) {
      const tierSubnets = subnetsOf(vpc, tierOf(role, hasPods));
      const services = vpc.serviceGroups.get(role);
      for (let i = 0; i < count; i++) {
        const subnet = tierSubnets[i % tierSubnets.length]!;
        const eniGroups = [vpc.roleGroups.get(role)!];
        if (services) eniGroups.push(services[i % Math.max(1, Math.ceil(services.length * 0.8))]!); // the last fifth stay unused
        let monitored = role === 'app' || role === 'kafka';
        if (role !== 'lb' && role !== 'endpoint' && role !== 'lambda') {
          if (rng.chance(0.6)) eniGroups.push(sshFromBastion);
          if (rng.chance(0.5)) {
            eniGroups.push(monitoringAgent);
            monitored = true;
          }
          if (rng.chance(0.3)) eniGroups.push(icmpInternal);
          if (rng.chance(0.08)) eniGroups.push(rng.pick(commons.slice(3)));
        }
        const name = `${vpc.name}-${role}-${i + 1}`;
        switch (role) {
          case 'lb':
            addEni(vpc, subnet, role, eniGroups, { publicIp: true, type: 'interface', description: `ELB app/${vpc.name}-alb-${i % 4}/${rng.hex(16)}`, requester: 'amazon-elb', name, ipv6: true });
            break;
          case 'endpoint':
            addEni(vpc, subnet, role, eniGroups, { publicIp: false, type: 'vpc_endpoint', description: `VPC Endpoint Interface ${ids.next('vpce')}`, requester: '727180483921', name, ipv6: rng.chance(0.5) });
            break;
          case 'lambda':
            addEni(vpc, subnet, role, eniGroups, { publicIp: false, type: 'lambda', description: `AWS Lambda VPC ENI-${vpc.name}-fn-${i}-${rng.hex(8)}`, requester: 'AROAEXAMPLE:lambda', name, ipv6: false });
            break;
          case 'node':
            addEni(vpc, subnet, role, eniGroups, { publicIp: false, type: 'interface', description: 'aws-K8S-i', name, ipv6: rng.chance(0.7), secondaries: rng.range(5, 10), monitored: true });
            break;
          default:
            addEni(vpc, subnet, role, eniGroups, {
              publicIp: role === 'bastion' || (subnet.tier === 'public' && rng.chance(0.6)),
              type: 'interface',
              description: role === 'bastion' ? 'bastion primary' : '',
              name,
              ipv6: subnet.tier !== 'data' ? rng.chance(0.85) : rng.chance(0.4),
              secondaries: rng.chance(0.08) ? rng.range(1, 2) : 0,
              monitored,
            });
        }
      }
    }
  }

  // Route tables: public (IGW), one private per AZ (its NAT gateway, EIGW, S3 endpoint), the main one.
  for (const vpc of vpcs) {
    const local = [
      { DestinationCidrBlock: vpc.cidr4, GatewayId: 'local', Origin: 'CreateRouteTable', State: 'active' },
      ...(vpc.secondary4 ? [{ DestinationCidrBlock: vpc.secondary4.cidr, GatewayId: 'local', Origin: 'CreateRouteTable', State: 'active' }] : []),
      ...(vpc.v6Cidr ? [{ DestinationIpv6CidrBlock: vpc.v6Cidr, GatewayId: 'local', Origin: 'CreateRouteTable', State: 'active' }] : []),
    ];
    const s3Route = { DestinationPrefixListId: s3.id, GatewayId: vpc.vpceS3, Origin: 'CreateRoute', State: 'active' };
    const assoc = (rtId: string, subnets: GSubnet[], main = false) => [
      ...(main ? [{ Main: true, RouteTableAssociationId: ids.next('rtbassoc'), RouteTableId: rtId, AssociationState: { State: 'associated' } }] : []),
      ...subnets.map((s) => ({ Main: false, RouteTableAssociationId: ids.next('rtbassoc'), RouteTableId: rtId, SubnetId: s.id, AssociationState: { State: 'associated' } })),
    ];
    const pubId = ids.next('rtb');
    rtJson.push({
      Associations: assoc(pubId, subnetsOf(vpc, 'public')),
      PropagatingVgws: [],
      RouteTableId: pubId,
      Routes: [
        ...local,
        { DestinationCidrBlock: '0.0.0.0/0', GatewayId: vpc.igwId, Origin: 'CreateRoute', State: 'active' },
        ...(vpc.v6Cidr ? [{ DestinationIpv6CidrBlock: '::/0', GatewayId: vpc.igwId, Origin: 'CreateRoute', State: 'active' }] : []),
        s3Route,
      ],
      Tags: tags(`${vpc.name}-public`),
      VpcId: vpc.id,
      OwnerId: ACCOUNT,
    });
    for (let az = 0; az < 3; az++) {
      const rtId = ids.next('rtb');
      const subnets = vpc.subnets.filter((s) => s.tier !== 'public' && s.az === az && !(az === 0 && s.tier === 'mgmt'));
      rtJson.push({
        Associations: assoc(rtId, subnets),
        PropagatingVgws: [],
        RouteTableId: rtId,
        Routes: [
          ...local,
          { DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: vpc.nats[az]!.id, Origin: 'CreateRoute', State: 'active' },
          ...(vpc.eigwId ? [{ DestinationIpv6CidrBlock: '::/0', EgressOnlyInternetGatewayId: vpc.eigwId, Origin: 'CreateRoute', State: 'active' }] : []),
          s3Route,
          ...(vpc.idx === 3 ? [{ DestinationCidrBlock: '172.16.0.0/12', VpcPeeringConnectionId: ids.next('pcx'), Origin: 'CreateRoute', State: 'blackhole' }] : []),
        ],
        Tags: tags(`${vpc.name}-private-${AZS[az]!.slice(-1)}`),
        VpcId: vpc.id,
        OwnerId: ACCOUNT,
      });
    }
    // The main table: the mgmt subnet of AZ a has no explicit association and uses it.
    const mainId = ids.next('rtb');
    rtJson.push({
      Associations: assoc(mainId, [], true),
      PropagatingVgws: [],
      RouteTableId: mainId,
      Routes: [...local, { DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: vpc.nats[0]!.id, Origin: 'CreateRoute', State: 'active' }],
      Tags: tags(`${vpc.name}-main`),
      VpcId: vpc.id,
      OwnerId: ACCOUNT,
    });
  }

  const sgJson = groups.map((g) => ({
    Description: g.description,
    GroupName: g.name,
    IpPermissions: g.inbound,
    OwnerId: ACCOUNT,
    GroupId: g.id,
    IpPermissionsEgress: g.outbound,
    Tags: tags(g.name),
    VpcId: g.vpc.id,
    SecurityGroupArn: `arn:aws:ec2:${REGION}:${ACCOUNT}:security-group/${g.id}`,
  }));
  const plJson = prefixLists.map((p) => ({
    PrefixListId: p.id,
    AddressFamily: p.family,
    State: 'create-complete',
    PrefixListArn: `arn:aws:ec2:${REGION}:${p.owner === 'AWS' ? 'aws' : ACCOUNT}:prefix-list/${p.id}`,
    PrefixListName: p.name,
    MaxEntries: p.owner === 'AWS' ? undefined : Math.max(10, p.entries.length + 10),
    Version: p.owner === 'AWS' ? undefined : 1 + (p.entries.length % 7),
    Tags: p.owner === 'AWS' ? [] : tags(p.name),
    OwnerId: p.owner,
    Entries: p.entries.map(([c, d]) => (d ? { Cidr: c, Description: d } : { Cidr: c })),
  }));

  return {
    vpcs,
    enis,
    nacls,
    groups,
    prefixLists,
    officeIps,
    scanners4,
    scanners6,
    files: {
      'vpcs.json': { Vpcs: vpcJson },
      'subnets.json': { Subnets: subnetJson },
      'security-groups.json': { SecurityGroups: sgJson },
      'network-acls.json': { NetworkAcls: naclJson },
      'route-tables.json': { RouteTables: rtJson },
      'network-interfaces.json': { NetworkInterfaces: eniJson },
      'managed-prefix-lists.json': { PrefixLists: plJson },
      'internet-gateways.json': { InternetGateways: igwJson },
      'nat-gateways.json': { NatGateways: natJson },
    },
  };
}
