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

  it('Batfish unmodelled outputs (TransitGateways, LoadBalancers, ...) are warnings, not errors', async () => {
    const s = await load(path.join(AWS_REPR, 'test-transit-gateway/aws_configs'));
    const notModelled = s.warnings.filter((w) => w.message.endsWith('not modelled by vpcwhy; ignored')).map((w) => w.source.path);
    expect(notModelled).toContain('TransitGateways');
    expect(new Set(notModelled).size).toBe(notModelled.length);
  });
});
