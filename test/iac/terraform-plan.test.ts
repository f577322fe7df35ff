/**
 * Layering a Terraform plan over a snapshot, resource type by resource type: planned values replace the
 * snapshot's objects by AWS id, created ones take their address, deleted ones go, unknown values are kept
 * never matching and listed, never guessed.
 */
import { describe, expect, it } from 'vitest';
import { decodeSnapshotDocuments } from '../../src/aws/load-snapshot.js';
import { E } from '../../src/fp.js';
import { layerPlan, type LayeredPlan } from '../../src/iac/terraform-plan.js';
import { indexSnapshot } from '../../src/engine/snapshot-index.js';
import { evaluateNacl } from '../../src/engine/nacl.js';
import { evaluateGroupIds } from '../../src/engine/security-group.js';
import { emptySnapshot, type Snapshot } from '../../src/model/snapshot.js';
import { cidr, packet } from '../builders.js';
import { change, planDoc } from './plan-builder.js';
import { IDS, describeJson } from './same-config.js';

function base(): Snapshot {
  const r = decodeSnapshotDocuments([{ file: 'describe.json', json: describeJson({ publicIp: true }) }]);
  if (E.isLeft(r)) throw new Error(JSON.stringify(r.left));
  return r.right;
}

function plan(changes: unknown[], configuration: object = { root_module: {} }): Record<string, unknown> {
  return { format_version: '1.2', resource_changes: changes, configuration };
}

function layer(changes: unknown[], opts: { over?: Snapshot; configuration?: object } = {}): LayeredPlan {
  return layerPlan(opts.over ?? base(), planDoc(plan(changes, opts.configuration)));
}

const sgIngress = (over: Record<string, unknown>) => ({ cidr_blocks: [], ipv6_cidr_blocks: [], prefix_list_ids: [], security_groups: [], self: false, description: '', from_port: 0, to_port: 0, ...over });
const aclEntry = (over: Record<string, unknown>) => ({ cidr_block: '0.0.0.0/0', ipv6_cidr_block: '', icmp_type: 0, icmp_code: 0, from_port: 0, to_port: 0, ...over });
const cfg = (address: string, expressions: object) => {
  const [type, name] = address.split('.');
  return { address, mode: 'managed', type, name, expressions };
};
const refs = (...r: string[]) => ({ references: r });

describe('security groups', () => {
  it('an updated aws_security_group replaces the snapshot group of its AWS id, inline rules one per peer', () => {
    const after = {
      id: IDS.web, name: 'web', vpc_id: IDS.vpc, description: 'web',
      ingress: [sgIngress({ protocol: 'tcp', from_port: 8443, to_port: 8443, cidr_blocks: ['0.0.0.0/0', '10.0.0.0/8'], ipv6_cidr_blocks: ['::/0'] })],
      egress: [],
    };
    const l = layer([change('aws_security_group.web', ['update'], { ...after, ingress: [] }, after)]);
    const g = l.snapshot.securityGroups.find((x) => x.id === IDS.web)!;
    expect(g.inbound.map((r) => [r.protocol, r.ports, r.peer.kind === 'cidr' ? r.peer.cidr.text : r.peer.kind])).toEqual([
      [6, { from: 8443, to: 8443 }, '0.0.0.0/0'], [6, { from: 8443, to: 8443 }, '10.0.0.0/8'], [6, { from: 8443, to: 8443 }, '::/0'],
    ]);
    expect(g.outbound).toEqual([]);
    expect(g.source).toEqual({ file: 'plan.json', path: 'aws_security_group.web' });
    expect(g.inbound[0]!.source).toEqual({ file: 'plan.json', path: 'aws_security_group.web.ingress[0]' });
    expect(l.snapshot.securityGroups.filter((x) => x.id === IDS.web)).toHaveLength(1);
  });

  it('a created group takes its address as id, self and security_groups peers become group peers', () => {
    const l = layer([change('aws_security_group.cache', ['create'], null, {
      name: 'cache', vpc_id: IDS.vpc,
      ingress: [sgIngress({ protocol: '6', from_port: 6379, to_port: 6379, security_groups: [IDS.web, '123456789012/sg-0other'], self: true })],
      egress: [sgIngress({ protocol: '-1', cidr_blocks: ['0.0.0.0/0'] })],
    }, { id: true, arn: true })]);
    const g = l.snapshot.securityGroups.find((x) => x.id === 'aws_security_group.cache')!;
    expect(g.inbound.map((r) => r.peer)).toEqual([
      { kind: 'group', groupId: IDS.web },
      { kind: 'group', groupId: 'sg-0other', userId: '123456789012' },
      { kind: 'group', groupId: 'aws_security_group.cache' },
    ]);
    expect(g.outbound.map((r) => r.protocol)).toEqual([-1]);
  });

  it('a created group without inline rules in its configuration has none (the provider removes the default egress)', () => {
    const l = layer([change('aws_security_group.empty', ['create'], null, { name: 'empty', vpc_id: IDS.vpc }, { id: true, ingress: true, egress: true })], {
      configuration: { root_module: { resources: [cfg('aws_security_group.empty', { name: { constant_value: 'empty' } })] } },
    });
    const g = l.snapshot.securityGroups.find((x) => x.id === 'aws_security_group.empty')!;
    expect([g.inbound, g.outbound]).toEqual([[], []]);
    expect(l.unknowns).toEqual([]);
  });

  it('aws_security_group_rule and aws_vpc_security_group_*_rule add to an existing group, which keeps its id', () => {
    const l = layer([
      change('aws_security_group_rule.ssh', ['create'], null, { type: 'ingress', security_group_id: IDS.web, protocol: 'tcp', from_port: 22, to_port: 22, cidr_blocks: ['192.0.2.0/24'], self: false }, { id: true }),
      change('aws_vpc_security_group_ingress_rule.dns', ['create'], null, { security_group_id: IDS.web, ip_protocol: 'udp', from_port: 53, to_port: 53, cidr_ipv4: '10.0.0.0/8' }, { id: true, security_group_rule_id: true }),
      change('aws_vpc_security_group_egress_rule.pg', ['create'], null, { security_group_id: IDS.web, ip_protocol: 'tcp', from_port: 5432, to_port: 5432, referenced_security_group_id: IDS.db }, { id: true }),
    ]);
    const g = l.snapshot.securityGroups.find((x) => x.id === IDS.web)!;
    const added = [...g.inbound, ...g.outbound].filter((r) => r.source.file === 'plan.json');
    expect(added.map((r) => [r.direction, r.protocol, r.ports?.from, r.source.path])).toEqual([
      ['inbound', 6, 22, 'aws_security_group_rule.ssh'],
      ['inbound', 17, 53, 'aws_vpc_security_group_ingress_rule.dns'],
      ['outbound', 6, 5432, 'aws_vpc_security_group_egress_rule.pg'],
    ]);
    expect(g.outbound.at(-1)!.peer).toEqual({ kind: 'group', groupId: IDS.db });
    // The snapshot's own rules stay.
    expect(g.inbound.filter((r) => r.source.file === 'describe.json')).toHaveLength(2);
  });

  it('a deleted standalone rule leaves its group (by sgr- id, or by content)', () => {
    const before = { id: 'sgrule-1', type: 'ingress', security_group_id: IDS.db, protocol: 'tcp', from_port: 5432, to_port: 5432, source_security_group_id: IDS.web, self: false };
    const l = layer([change('aws_security_group_rule.db_from_web', ['delete'], before, null)]);
    expect(l.snapshot.securityGroups.find((x) => x.id === IDS.db)!.inbound).toEqual([]);
  });

  it('aws_default_security_group adopts the VPC default group by vpc_id and keeps only its declared rules', () => {
    const over = base();
    const withDefault: Snapshot = { ...over, securityGroups: [...over.securityGroups, { id: 'sg-0default', groupName: 'default', vpcId: IDS.vpc, inbound: [], outbound: [], source: { file: 'describe.json', path: 'x' } }] };
    const l = layer([change('aws_default_security_group.d', ['create'], null, { vpc_id: IDS.vpc, ingress: [], egress: [sgIngress({ protocol: 'all', cidr_blocks: ['10.0.0.0/8'] })] }, { id: true })], { over: withDefault });
    const g = l.snapshot.securityGroups.find((x) => x.id === 'sg-0default')!;
    expect(g.outbound.map((r) => [r.protocol, r.peer.kind === 'cidr' ? r.peer.cidr.text : ''])).toEqual([[-1, '10.0.0.0/8']]);
    expect(g.source.path).toBe('aws_default_security_group.d');
  });
});

describe('network ACLs', () => {
  it('aws_network_acl inline entries with Terraform protocol spellings, and its subnet_ids association', () => {
    const l = layer([change('aws_network_acl.new', ['create'], null, {
      vpc_id: IDS.vpc, subnet_ids: [IDS.public],
      ingress: [
        aclEntry({ rule_no: 100, action: 'allow', protocol: 'tcp', from_port: 443, to_port: 443 }),
        aclEntry({ rule_no: 110, action: 'allow', protocol: '6', from_port: 1024, to_port: 65535 }),
        aclEntry({ rule_no: 120, action: 'deny', protocol: 'icmp', icmp_type: 8, icmp_code: -1 }),
        aclEntry({ rule_no: 130, action: 'allow', protocol: '17', from_port: 53, to_port: 53, cidr_block: '', ipv6_cidr_block: '::/0' }),
        aclEntry({ rule_no: 140, action: 'allow', protocol: 'udp', from_port: 123, to_port: 123 }),
      ],
      egress: [aclEntry({ rule_no: 100, action: 'allow', protocol: '-1' }), aclEntry({ rule_no: 110, action: 'allow', protocol: 'all' })],
    }, { id: true })]);
    const acl = l.snapshot.networkAcls.find((a) => a.id === 'aws_network_acl.new')!;
    expect(acl.entries.map((e) => [e.direction, e.ruleNumber, e.action, e.protocol, e.cidr?.text, e.ports, e.icmp])).toEqual([
      ['inbound', 100, 'allow', 6, '0.0.0.0/0', { from: 443, to: 443 }, null],
      ['inbound', 110, 'allow', 6, '0.0.0.0/0', { from: 1024, to: 65535 }, null],
      ['inbound', 120, 'deny', 1, '0.0.0.0/0', null, { type: 8, code: -1 }],
      ['inbound', 130, 'allow', 17, '::/0', { from: 53, to: 53 }, null],
      ['inbound', 140, 'allow', 17, '0.0.0.0/0', { from: 123, to: 123 }, null],
      ['outbound', 100, 'allow', -1, '0.0.0.0/0', null, null],
      ['outbound', 110, 'allow', -1, '0.0.0.0/0', null, null],
    ]);
    // The subnet moved from acl-...pub to the new ACL.
    const index = indexSnapshot(l.snapshot);
    expect(index.naclBySubnet.get(IDS.public)?.id).toBe('aws_network_acl.new');
    expect(l.snapshot.networkAcls.find((a) => a.id === IDS.aclPublic)!.subnetIds).toEqual([]);
  });

  it('aws_network_acl_rule replaces the entry of the same number and direction; a deleted one goes', () => {
    const l = layer([
      change('aws_network_acl_rule.pg', ['update'], { network_acl_id: IDS.aclPrivate, rule_number: 100, egress: false, protocol: 'tcp', rule_action: 'allow', cidr_block: '10.1.1.0/24', from_port: 5432, to_port: 5432 },
        { network_acl_id: IDS.aclPrivate, rule_number: 100, egress: false, protocol: 'tcp', rule_action: 'allow', cidr_block: '10.1.0.0/16', from_port: 5432, to_port: 5433 }),
      change('aws_network_acl_rule.deny', ['delete'], { network_acl_id: IDS.aclPrivate, rule_number: 90, egress: false, protocol: '6', rule_action: 'deny', cidr_block: '10.1.1.200/32', from_port: 5432, to_port: 5432 }, null),
    ]);
    const acl = l.snapshot.networkAcls.find((a) => a.id === IDS.aclPrivate)!;
    const inbound = acl.entries.filter((e) => e.direction === 'inbound').map((e) => [e.ruleNumber, e.cidr?.text, e.ports?.to, e.source.path]);
    expect(inbound).toEqual([[32767, '0.0.0.0/0', undefined, 'NetworkAcls[1].Entries[2]'], [100, '10.1.0.0/16', 5433, 'aws_network_acl_rule.pg']]);
  });

  it('aws_network_acl_association moves a subnet; aws_default_network_acl replaces the default ACL', () => {
    const over = base();
    const withDefault: Snapshot = { ...over, networkAcls: [...over.networkAcls, { id: 'acl-0default', vpcId: IDS.vpc, isDefault: true, subnetIds: [], entries: [], source: { file: 'describe.json', path: 'd' } }] };
    const l = layer([
      change('aws_network_acl_association.a', ['create'], null, { network_acl_id: IDS.aclPrivate, subnet_id: IDS.public }, { id: true }),
      change('aws_default_network_acl.d', ['update'], { id: 'acl-0default', default_network_acl_id: 'acl-0default', ingress: [], egress: [] },
        { id: 'acl-0default', default_network_acl_id: 'acl-0default', vpc_id: IDS.vpc, ingress: [aclEntry({ rule_no: 100, action: 'allow', protocol: '-1' })], egress: [] }),
    ], { over: withDefault });
    const index = indexSnapshot(l.snapshot);
    expect(index.naclBySubnet.get(IDS.public)?.id).toBe(IDS.aclPrivate);
    const d = l.snapshot.networkAcls.find((a) => a.id === 'acl-0default')!;
    expect([d.isDefault, d.entries.length, d.source.path]).toEqual([true, 1, 'aws_default_network_acl.d']);
  });
});

describe('routes', () => {
  it('aws_route_table inline routes get the local route of the VPC; targets by field and by id prefix', () => {
    const l = layer([change('aws_route_table.new', ['create'], null, {
      vpc_id: IDS.vpc,
      route: [
        { cidr_block: '0.0.0.0/0', ipv6_cidr_block: '', gateway_id: IDS.igw, nat_gateway_id: '' },
        { cidr_block: '172.16.0.0/12', ipv6_cidr_block: '', gateway_id: '', nat_gateway_id: 'nat-0abc' },
        { cidr_block: '', ipv6_cidr_block: '::/0', gateway_id: '', egress_only_gateway_id: 'eigw-0abc' },
        { cidr_block: '', ipv6_cidr_block: '', destination_prefix_list_id: 'pl-0abc', transit_gateway_id: 'tgw-0abc' },
      ],
    }, { id: true })]);
    const rt = l.snapshot.routeTables.find((t) => t.id === 'aws_route_table.new')!;
    expect(rt.routes.map((r) => [r.destination.kind === 'cidr' ? r.destination.cidr.text : r.destination.kind, r.target.kind, r.target.id])).toEqual([
      ['10.1.0.0/16', 'local', 'local'],
      ['0.0.0.0/0', 'igw', IDS.igw],
      ['172.16.0.0/12', 'nat', 'nat-0abc'],
      ['::/0', 'eigw', 'eigw-0abc'],
      ['prefix-list', 'tgw', 'tgw-0abc'],
    ]);
  });

  it('an unchanged table keeps the propagated and gateway endpoint routes the provider leaves out', () => {
    const over = base();
    const src = { file: 'describe.json', path: 'r' };
    const withExtra: Snapshot = { ...over, routeTables: over.routeTables.map((t) => (t.id !== IDS.rtPrivate ? t : { ...t, routes: [...t.routes,
      { destination: { kind: 'prefix-list', prefixListId: 'pl-0s3' }, target: { kind: 'vpce', id: 'vpce-0s3' }, state: 'active', origin: 'CreateRoute', source: src },
      { destination: { kind: 'cidr', cidr: cidr('192.168.0.0/16') }, target: { kind: 'vgw', id: 'vgw-0x' }, state: 'active', origin: 'EnableVgwRoutePropagation', source: src },
    ] })) };
    const values = { id: IDS.rtPrivate, vpc_id: IDS.vpc, route: [] };
    const l = layer([change('aws_route_table.private', ['no-op'], values, values)], { over: withExtra });
    expect(l.snapshot.routeTables.find((t) => t.id === IDS.rtPrivate)!.routes.map((r) => r.target.id)).toEqual(['local', 'vpce-0s3', 'vgw-0x']);
  });

  it('aws_route adds or replaces a route by destination; aws_route_table_association moves the subnet; a deleted association goes', () => {
    const l = layer([
      change('aws_route.out', ['create'], null, { route_table_id: IDS.rtPrivate, destination_cidr_block: '0.0.0.0/0', nat_gateway_id: 'nat-0abc' }, { id: true }),
      change('aws_route.igw', ['update'], { route_table_id: IDS.rtPublic, destination_cidr_block: '0.0.0.0/0', gateway_id: IDS.igw },
        { route_table_id: IDS.rtPublic, destination_cidr_block: '0.0.0.0/0', gateway_id: 'vgw-0abc' }),
      change('aws_route_table_association.move', ['create'], null, { subnet_id: IDS.public, route_table_id: IDS.rtPrivate }, { id: true }),
    ]);
    const priv = l.snapshot.routeTables.find((t) => t.id === IDS.rtPrivate)!;
    const pub = l.snapshot.routeTables.find((t) => t.id === IDS.rtPublic)!;
    expect(priv.routes.map((r) => r.target.id)).toEqual(['local', 'nat-0abc']);
    expect(pub.routes.map((r) => [r.target.kind, r.target.id])).toEqual([['local', 'local'], ['vgw', 'vgw-0abc']]);
    expect([priv.subnetIds, pub.subnetIds]).toEqual([[IDS.private, IDS.public], []]);

    const removed = layer([change('aws_route_table_association.pub', ['delete'], { subnet_id: IDS.public, route_table_id: IDS.rtPublic }, null)]);
    expect(removed.snapshot.routeTables.find((t) => t.id === IDS.rtPublic)!.subnetIds).toEqual([]);
  });
});

describe('interfaces, instances, subnets, gateways', () => {
  it('aws_instance: subnet, groups, private and public address; aws_network_interface_sg_attachment adds a group', () => {
    const l = layer([
      change('aws_instance.app', ['create'], null, { subnet_id: IDS.public, private_ip: '10.1.1.30', secondary_private_ips: ['10.1.1.31'], vpc_security_group_ids: [IDS.web], associate_public_ip_address: true, public_ip: '54.0.0.30', source_dest_check: false, tags: { Name: 'app' } }, { id: true, primary_network_interface_id: true }),
      change('aws_network_interface_sg_attachment.a', ['create'], null, { network_interface_id: IDS.extraEni, security_group_id: IDS.db }, { id: true }),
    ]);
    const eni = l.snapshot.enis.find((e) => e.id === 'aws_instance.app')!;
    expect([eni.subnetId, eni.vpcId, eni.groupIds, eni.privateIps.length, eni.sourceDestCheck, eni.instanceId, eni.name]).toEqual([IDS.public, IDS.vpc, [IDS.web], 2, false, 'aws_instance.app', 'app']);
    expect(eni.publicIps).toHaveLength(1);
    expect(l.snapshot.instances.find((i) => i.id === 'aws_instance.app')!.eniIds).toEqual(['aws_instance.app']);
    expect(l.snapshot.enis.find((e) => e.id === IDS.extraEni)!.groupIds).toEqual([IDS.web, IDS.db]);
  });

  it('an instance launched without groups gets its VPC default group', () => {
    const over = base();
    const withDefault: Snapshot = { ...over, securityGroups: [...over.securityGroups, { id: 'sg-0default', groupName: 'default', vpcId: IDS.vpc, inbound: [], outbound: [], source: { file: 'describe.json', path: 'x' } }] };
    const l = layer([change('aws_instance.bare', ['create'], null, { subnet_id: IDS.public, private_ip: '10.1.1.40' }, { id: true, vpc_security_group_ids: true, security_groups: true })], {
      over: withDefault,
      configuration: { root_module: { resources: [cfg('aws_instance.bare', { subnet_id: { constant_value: IDS.public } })] } },
    });
    expect(l.snapshot.enis.find((e) => e.id === 'aws_instance.bare')!.groupIds).toEqual(['sg-0default']);
  });

  it('aws_subnet, aws_internet_gateway and aws_vpc of the plan; a VPC it creates comes with its default ACL, main table and default group', () => {
    const l = layerPlan(emptySnapshot(), planDoc(plan([
      // ipv6_cidr_block is computed (unknown on every new VPC): not an unknown that matters without IPv6.
      change('aws_vpc.v', ['create'], null, { cidr_block: '10.7.0.0/16' }, { id: true, ipv6_cidr_block: true, default_network_acl_id: true, main_route_table_id: true }),
      change('aws_subnet.s', ['create'], null, { cidr_block: '10.7.1.0/24', availability_zone: 'us-east-1a' }, { id: true, vpc_id: true, ipv6_cidr_block: true }),
      change('aws_internet_gateway.g', ['create'], null, {}, { id: true, vpc_id: true }),
    ], { root_module: { resources: [cfg('aws_subnet.s', { vpc_id: refs('aws_vpc.v.id', 'aws_vpc.v') }), cfg('aws_internet_gateway.g', { vpc_id: refs('aws_vpc.v.id', 'aws_vpc.v') })] } })));
    expect(l.snapshot.vpcs.map((v) => [v.id, v.cidrs4.map((c) => c.text)])).toEqual([['aws_vpc.v', ['10.7.0.0/16']]]);
    expect(l.snapshot.subnets.map((s) => [s.id, s.vpcId, s.cidr4?.text])).toEqual([['aws_subnet.s', 'aws_vpc.v', '10.7.1.0/24']]);
    expect(l.snapshot.internetGateways.map((g) => [g.id, g.vpcIds])).toEqual([['aws_internet_gateway.g', ['aws_vpc.v']]]);
    const index = indexSnapshot(l.snapshot);
    expect(index.naclBySubnet.get('aws_subnet.s')?.id).toBe('aws_vpc.v.default_network_acl_id');
    expect(index.routeTableBySubnet.get('aws_subnet.s')?.routes.map((r) => r.target.kind)).toEqual(['local']);
    expect(l.snapshot.securityGroups.map((g) => g.id)).toEqual(['aws_vpc.v.default_security_group_id']);
    expect(l.unknowns).toEqual([]);
    expect(l.snapshot.meta.sections).toEqual(expect.arrayContaining(['Vpcs', 'Subnets', 'InternetGateways']));
  });

  it('resources vpcwhy does not model are named once in a warning', () => {
    const l = layer([change('aws_lb.x', ['create'], null, {}, { id: true }), change('aws_lb.y', ['create'], null, {}, { id: true })]);
    expect(l.ignoredTypes).toEqual(['aws_lb']);
    expect(l.snapshot.warnings.filter((w) => /does not model/.test(w.message)).map((w) => w.message)).toEqual(['resources vpcwhy does not model are ignored: aws_lb']);
  });
});

describe('create, delete, replace', () => {
  it('deleted resources disappear: a group, an ACL (its subnet falls back to the default), an interface and its instance', () => {
    const l = layer([
      change('aws_security_group.db', ['delete'], { id: IDS.db, name: 'db' }, null),
      change('aws_network_acl.private', ['delete'], { id: IDS.aclPrivate }, null),
      change('aws_instance.web', ['delete'], { id: IDS.webInstance, primary_network_interface_id: IDS.webEni }, null),
    ]);
    expect(l.snapshot.securityGroups.map((g) => g.id)).toEqual([IDS.web]);
    expect(l.snapshot.networkAcls.map((a) => a.id)).toEqual([IDS.aclPublic]);
    expect(l.snapshot.enis.map((e) => e.id)).toEqual([IDS.dbEni, IDS.extraEni]);
  });

  it('a replaced resource (delete then create) loses its AWS id and takes its address', () => {
    const before = { id: IDS.web, name: 'web', vpc_id: IDS.vpc, ingress: [], egress: [] };
    const after = { name: 'web2', vpc_id: IDS.vpc, ingress: [sgIngress({ protocol: 'tcp', from_port: 80, to_port: 80, cidr_blocks: ['0.0.0.0/0'] })], egress: [] };
    for (const actions of [['delete', 'create'], ['create', 'delete']] as const) {
      const l = layer([change('aws_security_group.web', [...actions], before, after, { id: true })]);
      expect(l.snapshot.securityGroups.map((g) => g.id)).toEqual([IDS.db, 'aws_security_group.web']);
    }
  });

  it('data sources and no-op resources of planned_values only are read as unchanged', () => {
    const doc = planDoc({
      format_version: '1.2',
      planned_values: { root_module: { child_modules: [{ address: 'module.m', resources: [{ address: 'module.m.aws_security_group.x', mode: 'managed', type: 'aws_security_group', name: 'x', values: { id: 'sg-0x', name: 'x', vpc_id: IDS.vpc, ingress: [], egress: [] } }] }] } },
      resource_changes: [{ address: 'data.aws_vpc.v', mode: 'data', type: 'aws_vpc', name: 'v', change: { actions: ['read'], before: null, after: { cidr_block: '10.9.0.0/16' }, after_unknown: {} } }],
    });
    const l = layerPlan(base(), doc);
    expect(l.snapshot.securityGroups.map((g) => g.id)).toContain('sg-0x');
    expect(l.snapshot.vpcs.map((v) => v.id)).toEqual([IDS.vpc]);
  });
});

describe('values unknown until apply are reported, never guessed', () => {
  it('a rule whose CIDR is unknown stays, never matches, is listed and warned about (SG and NACL)', () => {
    const l = layer([
      change('aws_security_group_rule.unknown', ['create'], null, { type: 'ingress', security_group_id: IDS.db, protocol: 'tcp', from_port: 5432, to_port: 5432, cidr_blocks: [null] }, { id: true, cidr_blocks: [true] }),
      change('aws_network_acl_rule.unknown', ['create'], null, { network_acl_id: IDS.aclPrivate, rule_number: 50, egress: false, protocol: 'tcp', rule_action: 'deny', from_port: 5432, to_port: 5432 }, { id: true, cidr_block: true }),
    ], { configuration: { root_module: { resources: [
      cfg('aws_security_group_rule.unknown', { cidr_blocks: refs('aws_eip.x.public_ip', 'aws_eip.x') }),
      cfg('aws_network_acl_rule.unknown', { cidr_block: refs('local.office') }),
    ] } } });
    const rule = l.snapshot.securityGroups.find((g) => g.id === IDS.db)!.inbound.at(-1)!;
    expect(rule.peer).toEqual({ kind: 'invalid', text: 'cidr_blocks[0] (unknown until apply)' });
    const entry = l.snapshot.networkAcls.find((a) => a.id === IDS.aclPrivate)!.entries.find((e) => e.ruleNumber === 50)!;
    expect(entry.cidr).toBeNull();
    expect(l.unknowns.map((u) => [u.address, u.attribute, u.objectId])).toEqual([
      ['aws_security_group_rule.unknown', 'cidr_blocks[0]', IDS.db],
      ['aws_network_acl_rule.unknown', 'cidr_block', IDS.aclPrivate],
    ]);
    expect(l.snapshot.warnings.filter((w) => /unknown until apply/.test(w.message)).map((w) => w.source.path)).toEqual(['aws_security_group_rule.unknown.cidr_blocks[0]', 'aws_network_acl_rule.unknown.cidr_block']);
    // Neither allows nor denies: the deny entry of unknown CIDR does not decide, the SG rule does not allow.
    const index = indexSnapshot(l.snapshot);
    const p = packet({ proto: 'tcp', src: '10.1.1.10', dst: '10.1.2.20', dport: 5432 });
    expect(evaluateNacl(index.naclById.get(IDS.aclPrivate)!, 'inbound', p).entry?.ruleNumber).toBe(100);
    const sg = evaluateGroupIds(index, [IDS.db], 'inbound', packet({ proto: 'tcp', src: '203.0.113.9', dst: '10.1.2.20', dport: 5432 }));
    expect(sg.allowed).toBe(false);
  });

  it('an unknown id is followed only when the configuration says for certain where it comes from', () => {
    const sg = (name: string) => change(`aws_security_group.${name}`, ['create'], null, { name, vpc_id: IDS.vpc, ingress: [], egress: [] }, { id: true });
    const inst = (name: string, unknownGroups: number) => change(`aws_instance.${name}`, ['create'], null, { subnet_id: IDS.public, private_ip: `10.1.1.${50 + unknownGroups}`, vpc_security_group_ids: Array(unknownGroups).fill(null) }, { id: true, vpc_security_group_ids: Array(unknownGroups).fill(true) });
    const l = layer([sg('a'), sg('b'), change('aws_security_group.c[0]', ['create'], null, { name: 'c0', vpc_id: IDS.vpc, ingress: [], egress: [] }, { id: true }), change('aws_security_group.c[1]', ['create'], null, { name: 'c1', vpc_id: IDS.vpc, ingress: [], egress: [] }, { id: true }), inst('two', 2), inst('splat', 1), inst('local', 1)], {
      configuration: { root_module: { resources: [
        cfg('aws_instance.two', { vpc_security_group_ids: refs('aws_security_group.a.id', 'aws_security_group.a', 'aws_security_group.b.id', 'aws_security_group.b') }),
        cfg('aws_instance.splat', { vpc_security_group_ids: refs('aws_security_group.c') }),
        cfg('aws_instance.local', { vpc_security_group_ids: refs('local.groups') }),
      ] } },
    });
    const groups = (id: string) => l.snapshot.enis.find((e) => e.id === id)!.groupIds;
    expect(groups('aws_instance.two')).toEqual(['aws_security_group.a', 'aws_security_group.b']);
    expect(groups('aws_instance.splat')).toEqual([]);
    expect(groups('aws_instance.local')).toEqual([]);
    expect(l.snapshot.warnings.filter((w) => /unknown until apply/.test(w.message)).map((w) => `${w.source.path}: ${w.message}`)).toEqual([
      expect.stringMatching(/^aws_instance\.splat\.vpc_security_group_ids\[0\]: unknown until apply \(it comes from the whole of aws_security_group\.c|aws_security_group\.c has 2 instances/),
      expect.stringMatching(/^aws_instance\.local\.vpc_security_group_ids\[0\]: unknown until apply \(it comes from local\.groups, and locals are not in the plan's configuration\)/),
    ]);
  });

  it("an instance's unknown private and public addresses are listed, and the interface has none", () => {
    const l = layer([change('aws_instance.x', ['create'], null, { subnet_id: IDS.public, vpc_security_group_ids: [IDS.web], associate_public_ip_address: true }, { id: true, private_ip: true, public_ip: true })], {
      configuration: { root_module: { resources: [cfg('aws_instance.x', { subnet_id: { constant_value: IDS.public } })] } },
    });
    const eni = l.snapshot.enis.find((e) => e.id === 'aws_instance.x')!;
    expect([eni.primaryPrivateIp, eni.publicIps]).toEqual([null, []]);
    expect(l.unknowns.map((u) => u.attribute)).toEqual(['private_ip', 'public_ip']);
  });

  it('an unknown protocol or port makes the rule never match; an unknown inline list stands as one never-matching rule', () => {
    const l = layer([change('aws_security_group.u', ['create'], null, {
      name: 'u', vpc_id: IDS.vpc,
      ingress: [sgIngress({ from_port: 1, to_port: 2, cidr_blocks: ['0.0.0.0/0'] }), sgIngress({ protocol: 'tcp', to_port: 80, cidr_blocks: ['0.0.0.0/0'] })],
    }, { id: true, egress: true, ingress: [{ protocol: true }, { from_port: true }] })], {
      configuration: { root_module: { resources: [cfg('aws_security_group.u', { ingress: refs('var.x'), egress: refs('aws_x.y.z', 'aws_x.y') })] } },
    });
    const g = l.snapshot.securityGroups.find((x) => x.id === 'aws_security_group.u')!;
    expect(g.inbound.map((r) => r.protocol)).toEqual([null, null]);
    expect(g.outbound.map((r) => [r.protocol, r.peer.kind])).toEqual([[null, 'invalid']]);
    expect(l.unknowns.map((u) => u.attribute)).toEqual(['ingress[0].protocol', 'ingress[1].from_port', 'egress']);
  });
});

describe('child modules', () => {
  it('module instances (count / for_each keys) are scopes of their own: references stay inside the instance', () => {
    const configuration = { root_module: { module_calls: { app: { source: './app', expressions: {}, module: {
      resources: [cfg('aws_security_group.g', {}), cfg('aws_instance.i', { vpc_security_group_ids: refs('aws_security_group.g.id', 'aws_security_group.g') })],
    } } } } };
    const sg = (m: string) => change(`module.app${m}.aws_security_group.g`, ['create'], null, { name: 'g', vpc_id: IDS.vpc, ingress: [], egress: [] }, { id: true });
    const inst = (m: string, ip: string) => change(`module.app${m}.aws_instance.i`, ['create'], null, { subnet_id: IDS.public, private_ip: ip, vpc_security_group_ids: [null] }, { id: true, vpc_security_group_ids: [true] });
    const l = layer([sg('[0]'), sg('["b"]'), inst('[0]', '10.1.1.60'), inst('["b"]', '10.1.1.61')], { configuration });
    const groups = (id: string) => l.snapshot.enis.find((e) => e.id === id)!.groupIds;
    expect(groups('module.app[0].aws_instance.i')).toEqual(['module.app[0].aws_security_group.g']);
    expect(groups('module.app["b"].aws_instance.i')).toEqual(['module.app["b"].aws_security_group.g']);
  });

  it('resources of child modules are read; references follow module variables and outputs', () => {
    const configuration = { root_module: {
      resources: [cfg('aws_instance.x', { subnet_id: refs('module.net.subnet_id', 'module.net'), vpc_security_group_ids: refs('module.sg.id', 'module.sg') })],
      module_calls: {
        net: { source: './net', expressions: { vpc_id: { constant_value: IDS.vpc } }, module: {
          resources: [cfg('aws_subnet.s', { vpc_id: refs('var.vpc_id') })],
          outputs: { subnet_id: { expression: refs('aws_subnet.s.id', 'aws_subnet.s') } },
        } },
        sg: { source: './sg', expressions: {}, module: {
          resources: [cfg('aws_security_group.g', {})],
          outputs: { id: { expression: refs('module.inner.id', 'module.inner') } },
          module_calls: { inner: { source: './inner', expressions: { group: refs('aws_security_group.g.id', 'aws_security_group.g') }, module: { outputs: { id: { expression: refs('var.group') } } } } },
        } },
      },
    } };
    const l = layer([
      change('module.net.aws_subnet.s', ['create'], null, { vpc_id: IDS.vpc, cidr_block: '10.1.3.0/24' }, { id: true }),
      change('module.sg.aws_security_group.g', ['create'], null, { name: 'g', vpc_id: IDS.vpc, ingress: [], egress: [] }, { id: true }),
      change('aws_instance.x', ['create'], null, { private_ip: '10.1.3.10', vpc_security_group_ids: [null] }, { id: true, subnet_id: true, vpc_security_group_ids: [true] }),
    ], { configuration });
    const eni = l.snapshot.enis.find((e) => e.id === 'aws_instance.x')!;
    expect([eni.subnetId, eni.vpcId, eni.groupIds]).toEqual(['module.net.aws_subnet.s', IDS.vpc, ['module.sg.aws_security_group.g']]);
    expect(l.snapshot.subnets.find((s) => s.id === 'module.net.aws_subnet.s')!.source.path).toBe('module.net.aws_subnet.s');
    expect(l.unknowns).toEqual([]);
  });
});

describe("Terraform's protocol spellings", () => {
  it.each([
    ['-1', -1], ['all', -1], ['tcp', 6], ['6', 6], ['udp', 17], ['17', 17], ['icmp', 1], ['1', 1], ['icmpv6', 58], ['58', 58], ['50', 50], ['TCP', 6],
  ] as const)('%s is protocol %i in every rule type', (spelling, number) => {
    const ports = number === 6 || number === 17 ? { from_port: 80, to_port: 80 } : number === 1 || number === 58 ? { from_port: 8, to_port: 0 } : { from_port: 0, to_port: 0 };
    const l = layer([
      change('aws_security_group.s', ['create'], null, { name: 's', vpc_id: IDS.vpc, ingress: [sgIngress({ protocol: spelling, ...ports, cidr_blocks: ['10.0.0.0/8'] })], egress: [] }, { id: true }),
      change('aws_security_group_rule.r', ['create'], null, { type: 'egress', security_group_id: IDS.web, protocol: spelling, ...ports, cidr_blocks: ['10.0.0.0/8'] }, { id: true }),
      change('aws_vpc_security_group_ingress_rule.v', ['create'], null, { security_group_id: IDS.web, ip_protocol: spelling, ...(number === -1 || number === 50 ? {} : ports), cidr_ipv4: '10.0.0.0/8' }, { id: true }),
      change('aws_network_acl_rule.n', ['create'], null, { network_acl_id: IDS.aclPublic, rule_number: 99, egress: false, protocol: spelling, rule_action: 'allow', cidr_block: '10.0.0.0/8', ...(number === 1 ? { icmp_type: 8, icmp_code: 0 } : ports) }, { id: true }),
    ]);
    const planned = [
      ...l.snapshot.securityGroups.flatMap((g) => [...g.inbound, ...g.outbound]).filter((r) => r.source.file === 'plan.json').map((r) => r.protocol),
      ...l.snapshot.networkAcls.flatMap((a) => a.entries).filter((e) => e.source.file === 'plan.json').map((e) => e.protocol),
    ];
    expect(planned).toEqual([number, number, number, number]);
    expect(l.snapshot.warnings.filter((w) => w.source.file === 'plan.json')).toEqual([]);
  });

  it('an unreadable protocol keeps the rule, never matching, with a warning', () => {
    const l = layer([change('aws_security_group_rule.r', ['create'], null, { type: 'ingress', security_group_id: IDS.web, protocol: 'tcpp', from_port: 1, to_port: 2, cidr_blocks: ['10.0.0.0/8'] }, { id: true })]);
    expect(l.snapshot.securityGroups.find((g) => g.id === IDS.web)!.inbound.at(-1)!.protocol).toBeNull();
    expect(l.snapshot.warnings.map((w) => `${w.source.path}: ${w.message}`)).toContain('aws_security_group_rule.r.protocol: unrecognised protocol "tcpp"; the rule is kept but never matches');
  });
});

describe('replaced instances', () => {
  it('an instance replaced loses its interface id; the new interface is named by the instance address', () => {
    const before = { id: IDS.webInstance, primary_network_interface_id: IDS.webEni, subnet_id: IDS.public, private_ip: '10.1.1.10', vpc_security_group_ids: [IDS.web] };
    const after = { subnet_id: IDS.public, private_ip: '10.1.1.11', vpc_security_group_ids: [IDS.web] };
    const l = layer([change('aws_instance.web', ['delete', 'create'], before, after, { id: true, primary_network_interface_id: true, public_ip: true })]);
    expect(l.snapshot.enis.map((e) => e.id)).toEqual([IDS.dbEni, IDS.extraEni, 'aws_instance.web']);
    expect(l.snapshot.instances.map((i) => i.id)).toEqual(['aws_instance.web']);
  });
});
