/**
 * Every AWS snapshot of the shared research corpus (Batfish, pybatfish, np-guard; Apache-2.0) loads without
 * errors. The corpus lives next to the repository and is read in place; the suite skips when it is absent.
 */
import { existsSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { E } from '../../src/fp.js';
import type { Snapshot } from '../../src/model/snapshot.js';
import { formatSnapshotLoadError, loadSnapshot } from '../../src/aws/load-snapshot.js';
import { formatIp } from '../../src/net/ip.js';
import { CORPUS, findAwsConfigs } from './support.js';
import { indexSnapshot } from '../../src/engine/snapshot-index.js';
import { tracePath } from '../../src/engine/path.js';

const present = existsSync(CORPUS);
const AWS_REPR = path.join(CORPUS, 'batfish/projects/batfish/src/test/resources/org/batfish/representation/aws');

function jsonFilesIn(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((n) => n.endsWith('.json'))
    .sort()
    .map((n) => path.join(dir, n));
}

const snapshotDirs = present ? ['batfish', 'pybatfish', 'npguard'].flatMap((d) => findAwsConfigs(path.join(CORPUS, d))) : [];
const singleFiles = present ? [...jsonFilesIn(AWS_REPR), ...jsonFilesIn(path.join(CORPUS, 'npguard'))] : [];
const rel = (p: string): string => path.relative(CORPUS, p);

async function load(p: string): Promise<Snapshot> {
  const r = await loadSnapshot([p])();
  if (E.isLeft(r)) expect.fail(formatSnapshotLoadError(r.left));
  return r.right;
}

describe.skipIf(!present)('shared corpus snapshots load without errors', () => {
  it('finds the snapshots', () => {
    expect(snapshotDirs.length).toBeGreaterThanOrEqual(20);
    expect(singleFiles.length).toBeGreaterThanOrEqual(40);
  });

  it.each(snapshotDirs.map((d) => [rel(d), d]))('loads %s', async (_name, dir) => {
    const s = await load(dir);
    expect(s.meta.files.length).toBeGreaterThan(0);
  });

  it.each(singleFiles.map((f) => [rel(f), f]))('loads %s on its own', async (_name, file) => {
    await load(file);
  });
});

describe.skipIf(!present)('corpus snapshots decode to the right counts', () => {
  it('test-subnet: 1 VPC, 1 subnet, 2 ENIs, 3 SGs, 1 NACL with 4 entries, 1 route table, 2 instances', async () => {
    const s = await load(path.join(AWS_REPR, 'test-subnet/aws_configs'));
    expect([s.vpcs.length, s.subnets.length, s.enis.length, s.securityGroups.length, s.networkAcls.length, s.routeTables.length, s.instances.length]).toEqual([
      1, 1, 2, 3, 1, 1, 2,
    ]);
    expect(s.networkAcls[0]?.entries).toHaveLength(4);
    expect(s.enis.map((e) => [e.id, e.primaryPrivateIp && formatIp(e.primaryPrivateIp), e.groupIds])).toEqual([
      ['eni-010f649a7fc5c1e34', '10.10.1.228', ['sg-03dbad9f9c0cd1949']],
      ['eni-029bf1092de61fb40', '10.10.1.44', ['sg-02566e413c0030c70']],
    ]);
    expect(s.securityGroups.map((g) => g.groupName)).toEqual(['launch-wizard-1', 'launch-wizard-2', 'default']);
  });

  it('hybrid-cloud-aws (us-west-2): 9 ENIs, 11 SGs with 43 rules, 4 NACLs, region from the directory', async () => {
    const s = await load(path.join(CORPUS, 'batfish/networks/hybrid-cloud-aws/aws_configs'));
    expect(s.enis).toHaveLength(9);
    expect(s.securityGroups).toHaveLength(11);
    expect(s.securityGroups.reduce((n, g) => n + g.inbound.length + g.outbound.length, 0)).toBe(43);
    expect(s.networkAcls).toHaveLength(4);
    expect(s.vpcs.every((v) => v.region === 'us-west-2')).toBe(true);
  });

  it('hybrid-cloud-aws acl-4db39c28 allows only tcp/3306 from 162.243.144.192/32 inbound before the * deny (ref 5.1)', async () => {
    const s = await load(path.join(CORPUS, 'batfish/networks/hybrid-cloud-aws/aws_configs'));
    const acl = s.networkAcls.find((a) => a.id === 'acl-4db39c28');
    const inbound = acl?.entries.filter((e) => e.direction === 'inbound');
    expect(inbound?.map((e) => [e.ruleNumber, e.action, e.protocol, e.ports, e.cidr?.text])).toEqual([
      [100, 'allow', 6, { from: 3306, to: 3306 }, '162.243.144.192/32'],
      [32767, 'deny', -1, null, '0.0.0.0/0'],
    ]);
  });

  it('test-nat-gateway: the NAT gateway with its ENI and EIP, and the ICMP-only inbound NACL rule', async () => {
    const s = await load(path.join(AWS_REPR, 'test-nat-gateway/aws_configs'));
    expect(s.natGateways.map((n) => [n.eniIds, n.privateIps.map(formatIp), n.publicIps.map(formatIp)])).toEqual([
      [['eni-017aaec115610308a'], ['10.1.250.210'], ['3.135.127.225']],
    ]);
    const acl = s.networkAcls.find((a) => a.id === 'acl-0792adae678b88f85');
    expect(acl?.entries.filter((e) => e.direction === 'inbound').map((e) => [e.ruleNumber, e.protocol, e.icmp])).toEqual([
      [100, 1, null],
      [200, -1, null],
      [32767, -1, null],
    ]);
  });

  it('test-vpc-peering: 3 VPCs, 6 SGs, 2 peering connections', async () => {
    const s = await load(path.join(AWS_REPR, 'test-vpc-peering/aws_configs'));
    expect([s.vpcs.length, s.securityGroups.length, s.peerings.length]).toEqual([3, 6, 2]);
  });

  it('pybatfish hybrid-cloud: two region directories give two regions', async () => {
    const s = await load(path.join(CORPUS, 'pybatfish/jupyter_notebooks/networks/hybrid-cloud/aws_configs'));
    expect(s.meta.regions).toEqual(['us-east-2', 'us-west-2']);
    expect(new Set(s.vpcs.map((v) => v.region))).toEqual(new Set(['us-east-2', 'us-west-2']));
  });

  it('test-multi-account: VPCs of two accounts get the regions of their accounts/<acct>/<region> directories', async () => {
    const s = await load(path.join(AWS_REPR, 'test-multi-account/aws_configs'));
    expect(s.vpcs.map((v) => v.region)).toEqual(['us-west-1', 'us-west-2']);
  });

  it('Batfish unmodelled outputs (VpnGateways, CustomerGateways, ...) are warnings, not errors', async () => {
    const s = await load(path.join(AWS_REPR, 'test-transit-gateway/aws_configs'));
    const notModelled = s.warnings.filter((w) => w.message.endsWith('not modelled by vpcwhy; ignored')).map((w) => w.source.path);
    expect(notModelled).toContain('VpnGateways');
    expect(notModelled).not.toContain('TransitGateways');
    expect(new Set(notModelled).size).toBe(notModelled.length);
  });

  it('test-transit-gateway-multi-table: the transit gateway, its VPC attachments with subnets and associations, two route tables with their propagations', async () => {
    const s = await load(path.join(AWS_REPR, 'test-transit-gateway-multi-table/aws_configs'));
    expect(s.transitGateways.map((t) => [t.id, t.associationDefaultRouteTableId])).toEqual([['tgw-044be4464fcc69aff', 'tgw-rtb-0fa40c8df355dce6e']]);
    expect(s.transitGatewayAttachments.map((a) => [a.id, a.resourceId, a.routeTableId, a.subnetIds])).toEqual([
      ['tgw-attach-07f5ec59e9f540021', 'vpc-0404e08ceddf7f650', 'tgw-rtb-0fa40c8df355dce6e', ['subnet-006a19c846f047bd7']],
      ['tgw-attach-0ae2696617bb06fb4', 'vpc-00a31ce9d0c06675c', 'tgw-rtb-096a7119299ab1c42', ['subnet-0ebf6378a79a3e534']],
    ]);
    expect(s.transitGatewayRouteTables.map((t) => [t.id, t.name, t.propagations, t.routes?.length])).toEqual([
      ['tgw-rtb-096a7119299ab1c42', 'rt B', ['tgw-attach-07f5ec59e9f540021'], 0],
      ['tgw-rtb-0fa40c8df355dce6e', 'default', ['tgw-attach-0ae2696617bb06fb4'], 0],
    ]);
  });

  it('TransitGatewayStaticRoutesTest: a static route to an attachment and a blackhole, as search-transit-gateway-routes prints them', async () => {
    const s = await load(path.join(AWS_REPR, 'TransitGatewayStaticRoutesTest.json'));
    const rt = s.transitGatewayRouteTables.find((t) => t.id === 'tgw-rtb-08262a9ed03306288');
    expect(rt?.routes?.map((r) => [r.destination.kind === 'cidr' ? r.destination.cidr.text : '', r.state, r.type, r.attachmentIds])).toEqual([
      ['1.1.1.1/32', 'active', 'static', ['tgw-attach-07f5ec59e9f540021']],
      ['192.168.0.0/16', 'blackhole', 'static', []],
    ]);
  });

  it.each(['test-transit-gateway', 'test-transit-gateway-multi-table'])('%s: instances of the two VPCs trace through the transit gateway\'s route tables, not an assumption', async (name) => {
    const s = await load(path.join(AWS_REPR, `${name}/aws_configs`));
    const index = indexSnapshot(s);
    const hosts = s.enis.filter((e) => e.instanceId !== undefined && e.primaryPrivateIp !== null);
    const pairs = hosts.flatMap((a) => hosts.filter((b) => b.vpcId !== a.vpcId).map((b) => [a, b] as const));
    expect(pairs.length).toBeGreaterThan(0);
    for (const [a, b] of pairs) {
      const packet = { protocol: 1, src: a.primaryPrivateIp!, dst: b.primaryPrivateIp!, srcPort: null, dstPort: null, icmpType: 8, icmpCode: 0 };
      const r = tracePath(index, { src: { kind: 'eni', eni: a, ip: a.primaryPrivateIp!, via: 'private' }, dst: { kind: 'eni', eni: b, ip: b.primaryPrivateIp!, via: 'private' }, packet });
      // Each leg is routed by a TGW route table, or refused because the attachment has no subnet in the
      // sender's Availability Zone (here vpc-0404…'s instance is in us-east-2a, its attachment in us-east-2c).
      for (const leg of ['forward', 'return'] as const) {
        if (leg === 'return' && r.blockingHop?.path === 'forward' && !r.hops.some((h) => h.path === 'return')) continue;
        const routed = r.hops.some((h) => h.path === leg && h.component === 'route' && h.route.routeTableId?.startsWith('tgw-rtb-'));
        const azRefused = r.hops.some((h) => h.path === leg && h.component === 'route' && h.reason === 'no-attachment-in-az');
        expect(routed || azRefused, `${a.id} -> ${b.id} ${leg}`).toBe(true);
      }
      expect(r.notes.join(' ')).not.toContain('Routing inside');
    }
    expect(pairs.some(([a, b]) => {
      const packet = { protocol: 1, src: a.primaryPrivateIp!, dst: b.primaryPrivateIp!, srcPort: null, dstPort: null, icmpType: 8, icmpCode: 0 };
      const r = tracePath(index, { src: { kind: 'eni', eni: a, ip: a.primaryPrivateIp!, via: 'private' }, dst: { kind: 'eni', eni: b, ip: b.primaryPrivateIp!, via: 'private' }, packet });
      return r.hops.some((h) => h.path === 'forward' && h.component === 'route' && h.route.routeTableId?.startsWith('tgw-rtb-') && h.decision === 'allow');
    })).toBe(true);
  });
});
