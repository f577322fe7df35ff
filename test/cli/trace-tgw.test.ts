/**
 * Transit gateways (issue 19, "also model"): attachments, associations, propagations, static and blackhole
 * routes, the attachment subnets' NACLs as AWS applies them (AWS "Network ACLs for transit gateways":
 * instance → TGW, the attachment subnet's inbound rules even in one subnet; TGW → instance, its outbound
 * rules, none in one subnet), through trace and explain, with describe output as the AWS CLI (and Batfish's
 * collector, for the per-table routes and propagations) prints it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ALLOW_ALL, acl, explain, legOf, snapshot, table, trace } from './path-snapshot.js';

type Json = Record<string, unknown>;

interface TgwOptions {
  /** Static routes of tgw-rtb-1 (SearchTransitGatewayRoutes `Routes`); undefined: the section is absent. */
  staticRoutes?: unknown[];
  /** Attachments propagating into tgw-rtb-1 (default both VPCs); null: the section is absent. */
  propagate?: string[] | null;
  /** Association of tgw-attach-1 (default tgw-rtb-1). */
  associate1?: string | null;
  /** The subnet of vpc-1's attachment (default subnet-tgw1). */
  subnet1?: string;
  vpcOptions?: Json;
  acls?: Json[];
  az?: Record<string, string>;
  sections?: 'all' | 'none';
  /** vpc-2 gets an IPv6 CIDR, subnet-peer and eni-peer IPv6 addresses. */
  ipv6?: boolean;
}

const attachment = (id: string, vpc: string, rtb: string | null): Json => ({
  TransitGatewayAttachmentId: id,
  TransitGatewayId: 'tgw-1',
  TransitGatewayOwnerId: '123456789012',
  ResourceOwnerId: '123456789012',
  ResourceType: 'vpc',
  ResourceId: vpc,
  State: 'available',
  ...(rtb === null ? {} : { Association: { TransitGatewayRouteTableId: rtb, State: 'associated' } }),
  CreationTime: '2026-01-01T00:00:00+00:00',
  Tags: [],
});

const vpcAttachment = (id: string, vpc: string, subnet: string, options: Json = {}): Json => ({
  TransitGatewayAttachmentId: id,
  TransitGatewayId: 'tgw-1',
  VpcId: vpc,
  VpcOwnerId: '123456789012',
  State: 'available',
  SubnetIds: [subnet],
  CreationTime: '2026-01-01T00:00:00+00:00',
  Options: { DnsSupport: 'enable', SecurityGroupReferencingSupport: 'disable', Ipv6Support: 'disable', ApplianceModeSupport: 'disable', ...options },
  Tags: [],
});

function tgwSnapshot(o: TgwOptions = {}): string {
  const propagate = o.propagate === undefined ? ['tgw-attach-1', 'tgw-attach-2'] : o.propagate;
  const sections: Json = o.sections === 'none' ? {} : {
    TransitGateways: [{
      TransitGatewayId: 'tgw-1',
      State: 'available',
      OwnerId: '123456789012',
      Options: { AmazonSideAsn: 64512, DefaultRouteTableAssociation: 'enable', AssociationDefaultRouteTableId: 'tgw-rtb-1', DefaultRouteTablePropagation: 'enable', PropagationDefaultRouteTableId: 'tgw-rtb-1' },
    }],
    TransitGatewayAttachments: [
      attachment('tgw-attach-1', 'vpc-1', o.associate1 === undefined ? 'tgw-rtb-1' : o.associate1),
      attachment('tgw-attach-2', 'vpc-2', 'tgw-rtb-1'),
      { TransitGatewayAttachmentId: 'tgw-attach-vpn', TransitGatewayId: 'tgw-1', ResourceType: 'vpn', ResourceId: 'vpn-1', State: 'available', Association: { TransitGatewayRouteTableId: 'tgw-rtb-1', State: 'associated' } },
    ],
    TransitGatewayVpcAttachments: [
      vpcAttachment('tgw-attach-1', 'vpc-1', o.subnet1 ?? 'subnet-tgw1', o.vpcOptions),
      vpcAttachment('tgw-attach-2', 'vpc-2', 'subnet-tgw2', o.vpcOptions),
    ],
    TransitGatewayRouteTables: [{ TransitGatewayRouteTableId: 'tgw-rtb-1', TransitGatewayId: 'tgw-1', State: 'available', DefaultAssociationRouteTable: true, DefaultPropagationRouteTable: true, Tags: [] }],
    ...(propagate === null ? {} : {
      TransitGatewayPropagations: [{
        TransitGatewayRouteTableId: 'tgw-rtb-1',
        TransitGatewayRouteTablePropagations: propagate.map((a) => ({ TransitGatewayAttachmentId: a, ResourceId: a === 'tgw-attach-1' ? 'vpc-1' : 'vpc-2', ResourceType: 'vpc', State: 'enabled' })),
      }],
    }),
    ...(o.staticRoutes === undefined ? {} : { TransitGatewayStaticRoutes: [{ TransitGatewayRouteTableId: 'tgw-rtb-1', Routes: o.staticRoutes, AdditionalRoutesAvailable: false }] }),
  };
  return snapshot({
    routes: {
      'rtb-pub': [
        { DestinationCidrBlock: '0.0.0.0/0', GatewayId: 'igw-1', State: 'active' },
        { DestinationCidrBlock: '10.1.0.0/16', TransitGatewayId: 'tgw-1', State: 'active' },
        { DestinationCidrBlock: '192.168.0.0/16', TransitGatewayId: 'tgw-1', State: 'active' },
        { DestinationIpv6CidrBlock: '2600:1f18:2:200::/56', TransitGatewayId: 'tgw-1', State: 'active' },
      ],
      'rtb-peer': [
        { DestinationCidrBlock: '10.0.0.0/16', TransitGatewayId: 'tgw-1', State: 'active' },
        { DestinationIpv6CidrBlock: '2600:1f18:1:100::/56', TransitGatewayId: 'tgw-1', State: 'active' },
      ],
    },
    acls: o.acls ?? [acl('acl-1', ['subnet-pub', 'subnet-priv', 'subnet-fw', 'subnet-tgw1']), acl('acl-2', ['subnet-peer', 'subnet-tgw2'], ALLOW_ALL, 'vpc-2')],
    extra: sections,
    edit: (doc) => {
      const subnets = doc['Subnets'] as Json[];
      subnets.push({ SubnetId: 'subnet-tgw1', VpcId: 'vpc-1', CidrBlock: '10.0.9.0/28' }, { SubnetId: 'subnet-tgw2', VpcId: 'vpc-2', CidrBlock: '10.1.9.0/28' });
      const az: Record<string, string> = { 'subnet-pub': 'us-east-1a', 'subnet-tgw1': 'us-east-1a', 'subnet-peer': 'us-east-1a', 'subnet-tgw2': 'us-east-1a', ...o.az };
      for (const s of subnets) {
        const zone = az[s['SubnetId'] as string];
        if (zone) s['AvailabilityZone'] = zone;
      }
      (doc['RouteTables'] as Json[]).push(table('rtb-tgw1', 'subnet-tgw1', []), table('rtb-tgw2', 'subnet-tgw2', [], 'vpc-2'));
      if (o.ipv6) {
        const vpc2 = (doc['Vpcs'] as Json[]).find((v) => v['VpcId'] === 'vpc-2')!;
        vpc2['Ipv6CidrBlockAssociationSet'] = [{ Ipv6CidrBlock: '2600:1f18:2:200::/56' }];
        const peer = subnets.find((s) => s['SubnetId'] === 'subnet-peer')!;
        peer['Ipv6CidrBlockAssociationSet'] = [{ Ipv6CidrBlock: '2600:1f18:2:200::/64' }];
        const eni = (doc['NetworkInterfaces'] as Json[]).find((e) => e['NetworkInterfaceId'] === 'eni-peer')!;
        eni['Ipv6Addresses'] = [{ Ipv6Address: '2600:1f18:2:200::10' }];
        const acl2 = (doc['NetworkAcls'] as Json[]).find((a) => a['NetworkAclId'] === 'acl-2')!;
        acl2['Entries'] = ALLOW_ALL;
        for (const rt of doc['RouteTables'] as Json[]) {
          if (rt['VpcId'] === 'vpc-2') (rt['Routes'] as Json[]).push({ DestinationIpv6CidrBlock: '2600:1f18:2:200::/56', GatewayId: 'local', State: 'active' });
        }
      }
    },
  });
}

const DENY_IN_FROM_WEB = [
  { RuleNumber: 50, Protocol: '-1', RuleAction: 'deny', Egress: false, CidrBlock: '10.0.2.10/32' },
  ...ALLOW_ALL,
];

describe('transit gateways: routing by the attachment\'s route table (AWS "Transit gateway route tables")', () => {
  it('reachable over propagated routes: the attachment subnets\' NACLs and the TGW route table on the way, both ways', async () => {
    const t = await trace(tgwSnapshot(), 'eni-web', 'eni-peer');
    expect(t.code).toBe(0);
    expect(legOf(t, 'forward')).toEqual([
      'security-group:eni-web', 'network-acl:acl-1', 'route:rtb-pub',
      'network-acl:acl-1', 'gateway:tgw-1', 'route:tgw-rtb-1',
      'network-acl:acl-2', 'route:rtb-tgw2', 'network-acl:acl-2', 'security-group:eni-peer',
    ]);
    expect(legOf(t, 'return')).toEqual([
      'security-group:eni-peer', 'network-acl:acl-2', 'route:rtb-peer',
      'network-acl:acl-2', 'gateway:tgw-1', 'route:tgw-rtb-1',
      'network-acl:acl-1', 'network-acl:acl-1', 'security-group:eni-web',
    ]);
    const tgwHop = t.json.hops.find((h) => h.component === 'route' && h['id'] === 'tgw-rtb-1');
    expect(tgwHop?.evidence).toContain('10.1.0.0/16 -> tgw-attach-2');
    expect(t.json.notes.join(' ')).not.toContain('Routing inside tgw-1 is not evaluated');
  });

  it('a blackhole route in the table blocks it: route reason blackhole, id the TGW route table', async () => {
    const t = await trace(tgwSnapshot({ staticRoutes: [{ DestinationCidrBlock: '10.1.0.0/24', State: 'blackhole', Type: 'static' }] }), 'eni-web', 'eni-peer');
    expect(t.code).toBe(1);
    expect(t.json.blockedBy).toEqual({ component: 'route', id: 'tgw-rtb-1', reason: 'blackhole', path: 'forward' });
    expect(t.json.explanation).toContain('blackhole');
  });

  it('no route in the table (vpc-2 does not propagate): reason no-route', async () => {
    const t = await trace(tgwSnapshot({ propagate: ['tgw-attach-1'], staticRoutes: [] }), 'eni-web', 'eni-peer');
    expect(t.json.blockedBy).toEqual({ component: 'route', id: 'tgw-rtb-1', reason: 'no-route', path: 'forward' });
  });

  it('a static route wins over nothing, and the longest prefix wins: a /32 blackhole inside a propagated /16', async () => {
    const ok = await trace(tgwSnapshot({ propagate: ['tgw-attach-1'], staticRoutes: [{ DestinationCidrBlock: '10.1.0.0/16', State: 'active', Type: 'static', TransitGatewayAttachments: [{ ResourceId: 'vpc-2', TransitGatewayAttachmentId: 'tgw-attach-2', ResourceType: 'vpc' }] }] }), 'eni-web', 'eni-peer');
    expect(ok.code).toBe(0);
    const hole = await trace(tgwSnapshot({ staticRoutes: [{ DestinationCidrBlock: '10.1.0.10/32', State: 'blackhole', Type: 'static' }] }), 'eni-web', 'eni-peer');
    expect(hole.json.blockedBy).toMatchObject({ id: 'tgw-rtb-1', reason: 'blackhole' });
  });

  it('the response is routed by the destination attachment\'s table: a blackhole back to vpc-1 blocks the return path', async () => {
    const t = await trace(tgwSnapshot({ staticRoutes: [{ DestinationCidrBlock: '10.0.2.0/24', State: 'blackhole', Type: 'static' }] }), 'eni-web', 'eni-peer');
    expect(t.json.blockedBy).toEqual({ component: 'route', id: 'tgw-rtb-1', reason: 'blackhole', path: 'return' });
  });

  it('an attachment associated with no route table: no-route (TGW_ATTACH_MISSING_TGW_RTB_ASSOCIATION)', async () => {
    const t = await trace(tgwSnapshot({ associate1: null }), 'eni-web', 'eni-peer');
    expect(t.json.blockedBy).toEqual({ component: 'route', id: 'tgw-attach-1', reason: 'no-route', path: 'forward' });
    expect(t.json.explanation).toContain('TGW_ATTACH_MISSING_TGW_RTB_ASSOCIATION');
  });

  it('no attachment subnet in the sender\'s Availability Zone: reason no-attachment-in-az (TGW_ROUTE_AZ_RESTRICTION)', async () => {
    const t = await trace(tgwSnapshot({ az: { 'subnet-tgw1': 'us-east-1b' } }), 'eni-web', 'eni-peer');
    expect(t.json.blockedBy).toEqual({ component: 'route', id: 'tgw-attach-1', reason: 'no-attachment-in-az', path: 'forward' });
  });

  it('a VPN attachment beyond the table: reachable to on-premises, beyond the attachment assumed and noted', async () => {
    const routes = [{ DestinationCidrBlock: '192.168.0.0/16', State: 'active', Type: 'static', TransitGatewayAttachments: [{ ResourceId: 'vpn-1', TransitGatewayAttachmentId: 'tgw-attach-vpn', ResourceType: 'vpn' }] }];
    const t = await trace(tgwSnapshot({ staticRoutes: routes }), 'eni-web', '192.168.1.1');
    expect(t.code).toBe(0);
    expect(t.json.notes.join(' ')).toContain('tgw-attach-vpn');
    expect(legOf(t, 'return')).toEqual(['network-acl:acl-1', 'network-acl:acl-1', 'security-group:eni-web']);
    const none = await trace(tgwSnapshot({ staticRoutes: [] }), 'eni-web', '192.168.1.1');
    expect(none.json.blockedBy).toEqual({ component: 'route', id: 'tgw-rtb-1', reason: 'no-route', path: 'forward' });
  });

  it('without the transit gateway sections, today\'s assumption holds, with its note', async () => {
    const t = await trace(tgwSnapshot({ sections: 'none' }), 'eni-web', 'eni-peer');
    expect(t.code).toBe(0);
    expect(t.json.notes.join(' ')).toContain('Routing inside tgw-1 is not evaluated');
  });

  it('without routes or propagations for the table, the TGW is assumed to route to the destination VPC\'s attachment (noted)', async () => {
    const t = await trace(tgwSnapshot({ propagate: null }), 'eni-web', 'eni-peer');
    expect(t.code).toBe(0);
    expect(t.json.notes.join(' ')).toContain('vpcwhy assumes tgw-1 routes the packet to tgw-attach-2');
  });

  it('appliance mode is noted', async () => {
    const t = await trace(tgwSnapshot({ vpcOptions: { ApplianceModeSupport: 'enable' } }), 'eni-web', 'eni-peer');
    expect(t.code).toBe(0);
    expect(t.json.notes.join(' ')).toContain('appliance mode on');
  });
});

describe('transit gateway NACLs as AWS applies them (AWS "Network ACLs for transit gateways"; ref 8.11, 8.18)', () => {
  it('instance to TGW in one subnet: that subnet\'s inbound rules judge the packet on its source address', async () => {
    const acls = [acl('acl-1', ['subnet-pub', 'subnet-priv', 'subnet-fw'], DENY_IN_FROM_WEB), acl('acl-2', ['subnet-peer', 'subnet-tgw2'], ALLOW_ALL, 'vpc-2')];
    const t = await trace(tgwSnapshot({ acls, subnet1: 'subnet-pub' }), 'eni-web', 'eni-peer');
    expect(t.json.blockedBy).toEqual({ component: 'network-acl', id: 'acl-1', direction: 'inbound', rule: 50, path: 'forward' });
  });

  it('TGW to instance in one subnet: no NACL is evaluated', async () => {
    const acls = [acl('acl-1', ['subnet-pub', 'subnet-priv', 'subnet-fw', 'subnet-tgw1']), acl('acl-2', ['subnet-peer'], DENY_IN_FROM_WEB.map((e) => ({ ...e, CidrBlock: e.CidrBlock === '10.0.2.10/32' ? '10.0.2.0/24' : e.CidrBlock })), 'vpc-2')];
    const edit = { acls };
    // The attachment of vpc-2 in subnet-peer itself: acl-2's inbound deny of 10.0.2.0/24 is not applied.
    const file = tgwSnapshot(edit);
    const doc = await trace(file, 'eni-web', 'eni-peer');
    expect(doc.json.blockedBy).toMatchObject({ component: 'network-acl', id: 'acl-2', direction: 'inbound' });
    const same = await trace(tgwSnapshotWithPeerAttachmentIn('subnet-peer', acls), 'eni-web', 'eni-peer');
    expect(same.json.blockedBy).toBeNull();
    expect(same.json.hops.filter((h) => h.component === 'network-acl' && h.path === 'forward' && h['subnet'] === 'subnet-peer').map((h) => h.decision)).toEqual(['skip', 'skip']);
  });

  it('the attachment subnet\'s outbound rules judge the packet leaving the TGW, on its destination address', async () => {
    const deny = [{ RuleNumber: 50, Protocol: '-1', RuleAction: 'deny', Egress: true, CidrBlock: '10.1.0.10/32' }, ...ALLOW_ALL];
    const acls = [acl('acl-1', ['subnet-pub', 'subnet-priv', 'subnet-fw', 'subnet-tgw1']), acl('acl-2', ['subnet-peer'], ALLOW_ALL, 'vpc-2'), acl('acl-tgw2', ['subnet-tgw2'], deny, 'vpc-2')];
    const t = await trace(tgwSnapshot({ acls }), 'eni-web', 'eni-peer');
    expect(t.json.blockedBy).toEqual({ component: 'network-acl', id: 'acl-tgw2', direction: 'outbound', rule: 50, path: 'forward' });
  });

  it('the response enters the attachment in the responder\'s Availability Zone, another subnet and NACL (ref 2.8)', async () => {
    const denyIn = [{ RuleNumber: 50, Protocol: '-1', RuleAction: 'deny', Egress: false, CidrBlock: '10.1.0.10/32' }, ...ALLOW_ALL];
    const acls = [acl('acl-1', ['subnet-pub', 'subnet-priv', 'subnet-fw', 'subnet-tgw1']), acl('acl-2', ['subnet-peer', 'subnet-tgw2'], ALLOW_ALL, 'vpc-2'), acl('acl-tgw2b', ['subnet-tgw2b'], denyIn, 'vpc-2')];
    const file = snapshotWithSecondZone(acls);
    const t = await trace(file, 'eni-web', 'eni-peer');
    expect(t.json.blockedBy).toEqual({ component: 'network-acl', id: 'acl-tgw2b', direction: 'inbound', rule: 50, path: 'return' });
    // With appliance mode the flow stays on the interface it went out of: the other NACL is not met.
    const appliance = await trace(snapshotWithSecondZone(acls, { ApplianceModeSupport: 'enable' }), 'eni-web', 'eni-peer');
    expect(appliance.json.blockedBy).toBeNull();
  });
});

describe('transit gateways over IPv6 (ref 8.13)', () => {
  it('an attachment with IPv6 support off carries no IPv6: no-route; with it on, reachable over the propagated IPv6 CIDR', async () => {
    const off = await trace(tgwSnapshot({ ipv6: true }), '2600:1f18:1:102::10', '2600:1f18:2:200::10');
    expect(off.json.blockedBy).toEqual({ component: 'route', id: 'tgw-attach-1', reason: 'no-route', path: 'forward' });
    const on = await trace(tgwSnapshot({ ipv6: true, vpcOptions: { Ipv6Support: 'enable' } }), '2600:1f18:1:102::10', '2600:1f18:2:200::10');
    expect(on.json.blockedBy, JSON.stringify(on.json.hops.map((h) => [h.component, h.decision, h.evidence]))).toBeNull();
    expect(on.json.hops.some((h) => h.component === 'route' && h['id'] === 'tgw-rtb-1' && String(h.evidence).includes('2600:1f18:2:200::/56'))).toBe(true);
    const hole = await trace(tgwSnapshot({ ipv6: true, vpcOptions: { Ipv6Support: 'enable' }, staticRoutes: [{ DestinationCidrBlock: '2600:1f18:2:200::/64', State: 'blackhole', Type: 'static' }] }), '2600:1f18:1:102::10', '2600:1f18:2:200::10');
    expect(hole.json.blockedBy).toMatchObject({ id: 'tgw-rtb-1', reason: 'blackhole' });
  });
});

describe('transit gateways through explain records', () => {
  it('the request on both interfaces: allowed by their rules when the TGW carries it; the receiver\'s NACL named when it denies', async () => {
    const file = tgwSnapshot();
    const [atWeb, atPeer] = await explain(file, [
      '2 123456789012 eni-web 10.0.2.10 10.1.0.10 50000 443 6 1 40 1732700000 1732700060 ACCEPT OK',
      '2 123456789012 eni-peer 10.0.2.10 10.1.0.10 50000 443 6 1 40 1732700000 1732700060 ACCEPT OK',
    ]);
    expect(atWeb).toMatchObject({ verdict: 'config-allows', direction: 'outbound' });
    expect(atPeer).toMatchObject({ verdict: 'config-allows', direction: 'inbound' });
    const deny = [{ RuleNumber: 50, Protocol: '6', RuleAction: 'deny', Egress: false, CidrBlock: '10.0.0.0/16', PortRange: { From: 443, To: 443 } }, ...ALLOW_ALL];
    const blocked = tgwSnapshot({ acls: [acl('acl-1', ['subnet-pub', 'subnet-priv', 'subnet-fw', 'subnet-tgw1']), acl('acl-2', ['subnet-peer'], deny, 'vpc-2'), acl('acl-tgw2', ['subnet-tgw2'], ALLOW_ALL, 'vpc-2')] });
    const [rec] = await explain(blocked, ['2 123456789012 eni-peer 10.0.2.10 10.1.0.10 50000 443 6 1 40 1732700000 1732700060 REJECT OK']);
    expect(rec).toMatchObject({ verdict: 'blocked', blockedBy: { component: 'network-acl', id: 'acl-2', direction: 'inbound', rule: 50 } });
  });
});

/** vpc-2's attachment in subnet-peer itself (the responder's subnet). */
function tgwSnapshotWithPeerAttachmentIn(subnet: string, acls: Json[]): string {
  const file = tgwSnapshot({ acls });
  return rewrite(file, (doc) => {
    const vpcAtts = doc['TransitGatewayVpcAttachments'] as Json[];
    vpcAtts.find((a) => a['TransitGatewayAttachmentId'] === 'tgw-attach-2')!['SubnetIds'] = [subnet];
  });
}

/**
 * vpc-2's attachment in two zones: subnet-tgw2 (us-east-1a, where the request arrives) and subnet-tgw2b
 * (us-east-1b); eni-peer is in us-east-1b, so its response enters by subnet-tgw2b.
 */
function snapshotWithSecondZone(acls: Json[], options: Json = {}): string {
  const file = tgwSnapshot({ acls, az: { 'subnet-peer': 'us-east-1b' }, vpcOptions: options });
  return rewrite(file, (doc) => {
    (doc['Subnets'] as Json[]).push({ SubnetId: 'subnet-tgw2b', VpcId: 'vpc-2', CidrBlock: '10.1.9.16/28', AvailabilityZone: 'us-east-1b' });
    const vpcAtts = doc['TransitGatewayVpcAttachments'] as Json[];
    vpcAtts.find((a) => a['TransitGatewayAttachmentId'] === 'tgw-attach-2')!['SubnetIds'] = ['subnet-tgw2', 'subnet-tgw2b'];
    (doc['RouteTables'] as Json[]).push(table('rtb-tgw2b', 'subnet-tgw2b', [], 'vpc-2'));
  });
}

function rewrite(file: string, edit: (doc: Json) => void): string {
  const doc = JSON.parse(readFileSync(file, 'utf8')) as Json;
  edit(doc);
  const out = file.replace(/\.json$/, '-b.json');
  writeFileSync(out, JSON.stringify(doc));
  return out;
}
