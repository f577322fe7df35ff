/**
 * `vpcwhy snapshot` end to end: the real EC2 SDK client against a fake EC2 endpoint on 127.0.0.1, the file
 * it writes read back with loadSnapshot, and a trace over it.
 */
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as nodePath from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadSnapshot } from '../../src/aws/load-snapshot.js';
import { contentFingerprint } from '../../src/aws/decode/merge.js';
import { takeLiveSnapshotIndex } from '../../src/cli/live-snapshot.js';
import { memoryIo } from '../../src/cli/io.js';
import { E } from '../../src/fp.js';
import type { Snapshot } from '../../src/model/snapshot.js';
import { type FakeAccount, type FakeEc2, type FakeEc2Options, startFakeEc2 } from './fake-ec2.js';
import { type CliRun, runVpcwhy, secretsIn, threeTierAccount, useFakeAwsEnvironment } from './support.js';

let dir: string;
const fakes: FakeEc2[] = [];

beforeEach(() => {
  dir = mkdtempSync(nodePath.join(tmpdir(), 'vpcwhy-live-'));
  useFakeAwsEnvironment(dir);
});

afterEach(async () => {
  vi.unstubAllEnvs();
  await Promise.all(fakes.splice(0).map((f) => f.close()));
});

async function fake(options: FakeEc2Options): Promise<FakeEc2> {
  const f = await startFakeEc2(options);
  fakes.push(f);
  return f;
}

/** Runs the command and checks that no credential shows in stdout, stderr or the written file. */
async function snapshotCli(args: string[], output?: string): Promise<CliRun> {
  const run = await runVpcwhy(['snapshot', ...args]);
  const file = output !== undefined && existsSync(output) ? readFileSync(output, 'utf8') : '';
  expect(secretsIn(run.stdout + run.stderr + file)).toEqual([]);
  expect(run.stderr).not.toMatch(/\n\s+at .*\(.*:\d+:\d+\)/); // no stack trace
  return run;
}

async function load(path: string): Promise<Snapshot> {
  const r = await loadSnapshot([path])();
  if (E.isLeft(r)) throw new Error(JSON.stringify(r.left.problems));
  return r.right;
}

/** The model without where it came from, to compare two loads of the same account. */
function modelPrints(s: Snapshot): Record<string, string[]> {
  const keys = ['vpcs', 'subnets', 'enis', 'securityGroups', 'networkAcls', 'routeTables', 'prefixLists', 'internetGateways', 'natGateways', 'peerings', 'instances'] as const;
  const strip = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(strip);
    if (typeof v === 'object' && v !== null) {
      return Object.fromEntries(Object.entries(v).filter(([k]) => k !== 'source' && k !== 'region').map(([k, x]) => [k, strip(x)]));
    }
    return v;
  };
  return Object.fromEntries(keys.map((k) => [k, (s[k] as readonly unknown[]).map((x) => contentFingerprint(strip(x))).sort()]));
}

const SMALL_ACCOUNT: FakeAccount = {
  Vpcs: [{ VpcId: 'vpc-0eu0000000000001', CidrBlock: '172.31.0.0/16', IsDefault: true, OwnerId: '123456789012' }],
  Subnets: [{ SubnetId: 'subnet-0eu000000000001', VpcId: 'vpc-0eu0000000000001', CidrBlock: '172.31.0.0/20', AvailabilityZone: 'eu-west-1a' }],
};

describe('vpcwhy snapshot against a fake EC2 endpoint', () => {
  it('writes vpcwhy\'s snapshot format, which loads to the same model as the describe-* files it came from', async () => {
    const ec2 = await fake({ regions: { 'us-east-1': threeTierAccount() } });
    const out = nodePath.join(dir, 'snapshot.json');
    const run = await snapshotCli(['--region', 'us-east-1', '--endpoint-url', ec2.url, '-o', out], out);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('');

    const json = JSON.parse(readFileSync(out, 'utf8'));
    expect(Object.keys(json)).toEqual(['VpcwhySnapshot', 'Regions']);
    expect(json.VpcwhySnapshot).toMatchObject({ version: 1, regions: ['us-east-1'], missing: [] });
    expect(new Date(json.VpcwhySnapshot.capturedAt).toISOString()).toBe(json.VpcwhySnapshot.capturedAt);
    const region = json.Regions['us-east-1'];
    expect(Object.keys(region)).toEqual([
      'Vpcs', 'Subnets', 'SecurityGroups', 'SecurityGroupRules', 'NetworkAcls', 'RouteTables', 'NetworkInterfaces',
      'ManagedPrefixLists', 'PrefixLists', 'InternetGateways', 'EgressOnlyInternetGateways', 'NatGateways', 'VpcPeeringConnections', 'VpnConnections',
      'TransitGateways', 'TransitGatewayAttachments', 'TransitGatewayVpcAttachments', 'TransitGatewayRouteTables', 'TransitGatewayStaticRoutes',
      'TransitGatewayPropagations', 'VpcEndpoints', 'FlowLogs', 'Reservations',
    ]);
    // The SDK's output shapes are the AWS CLI's JSON: the sections equal the describe-* files served.
    const account = threeTierAccount();
    expect(region.NetworkAcls).toEqual(account.NetworkAcls);
    expect(region.SecurityGroups).toEqual(account.SecurityGroups);
    expect(region.ManagedPrefixLists).toEqual(account.ManagedPrefixLists);
    expect(JSON.stringify(json)).not.toContain('$metadata');

    const taken = await load(out);
    const original = await load('examples/three-tier/snapshot');
    expect(modelPrints(taken)).toEqual(modelPrints(original));
    expect(taken.meta).toMatchObject({ regions: ['us-east-1'], missing: [], capturedAt: json.VpcwhySnapshot.capturedAt });
    expect(taken.vpcs.map((v) => v.region)).toEqual(['us-east-1']);

    expect(run.stderr).toContain('us-east-1: 1 VPC, 3 subnets, 3 security groups, 2 security group rules, 4 network ACLs');
    expect(run.stderr).toMatch(/taken in \d+\.\d s/);
    expect(run.stderr).toContain(`wrote ${out}`);
  });

  it('a trace over the written snapshot finds the NACL rule 90 that blocks web -> db (ref 5.1)', async () => {
    const ec2 = await fake({ regions: { 'us-east-1': threeTierAccount() } });
    const out = nodePath.join(dir, 'snapshot.json');
    expect((await snapshotCli(['--region', 'us-east-1', '--endpoint-url', ec2.url, '-o', out], out)).code).toBe(0);
    const trace = await runVpcwhy([
      'trace', '--snapshot', out, '--from', 'eni-0web100000000001', '--to', 'eni-0db1000000000004',
      '--protocol', 'tcp', '--port', '5432', '--format', 'json',
    ]);
    expect(trace.code).toBe(1);
    expect(JSON.parse(trace.stdout).blockedBy).toEqual({ component: 'network-acl', id: 'acl-0db0000000000003', direction: 'inbound', rule: 90, path: 'forward' });
  });

  it('-o - writes the snapshot to stdout and the summary to stderr', async () => {
    const ec2 = await fake({ regions: { 'us-east-1': threeTierAccount() } });
    const run = await snapshotCli(['--region', 'us-east-1', '--endpoint-url', ec2.url, '-o', '-']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).Regions['us-east-1'].Vpcs[0].VpcId).toBe('vpc-0a1b2c3d4e5f60001');
    expect(run.stderr).toContain('us-east-1: 1 VPC');
  });

  it('keeps two regions apart under Regions, each call signed for its own region', async () => {
    const ec2 = await fake({ regions: { 'us-east-1': threeTierAccount(), 'eu-west-1': SMALL_ACCOUNT } });
    const out = nodePath.join(dir, 'two.json');
    const run = await snapshotCli(['--region', 'us-east-1', '--region', 'eu-west-1', '--endpoint-url', ec2.url, '-o', out], out);
    expect(run.code).toBe(0);
    const json = JSON.parse(readFileSync(out, 'utf8'));
    expect(json.VpcwhySnapshot.regions).toEqual(['us-east-1', 'eu-west-1']);
    expect(json.Regions['us-east-1'].Vpcs.map((v: { VpcId: string }) => v.VpcId)).toEqual(['vpc-0a1b2c3d4e5f60001']);
    expect(json.Regions['eu-west-1'].Vpcs.map((v: { VpcId: string }) => v.VpcId)).toEqual(['vpc-0eu0000000000001']);
    expect(json.Regions['eu-west-1'].NetworkInterfaces).toEqual([]);
    expect(new Set(ec2.calls.map((c) => c.region))).toEqual(new Set(['us-east-1', 'eu-west-1']));

    const s = await load(out);
    expect(Object.fromEntries(s.vpcs.map((v) => [v.id, v.region]))).toEqual({ 'vpc-0a1b2c3d4e5f60001': 'us-east-1', 'vpc-0eu0000000000001': 'eu-west-1' });
    expect(s.meta.regions).toEqual(['us-east-1', 'eu-west-1']);
    expect(run.stderr).toMatch(/us-east-1: 1 VPC[^\n]*\n {2}eu-west-1: 1 VPC, 1 subnet,/);
  });

  it('takes the region from AWS_REGION when --region is not given', async () => {
    vi.stubEnv('AWS_REGION', 'eu-west-1');
    const ec2 = await fake({ regions: { 'eu-west-1': SMALL_ACCOUNT } });
    const run = await snapshotCli(['--endpoint-url', ec2.url, '-o', '-']);
    expect(run.code).toBe(0);
    expect(Object.keys(JSON.parse(run.stdout).Regions)).toEqual(['eu-west-1']);
  });

  it('with no region at all, exits 2 with a clear message before any call', async () => {
    const ec2 = await fake({ regions: {} });
    const run = await snapshotCli(['--endpoint-url', ec2.url, '-o', nodePath.join(dir, 'x.json')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^vpcwhy: no AWS region: pass --region REGION \(repeatable\), set AWS_REGION/);
    expect(ec2.calls).toEqual([]);
  });

  it('--profile takes the credentials and the region from the shared config files', async () => {
    writeFileSync(nodePath.join(dir, 'config'), '[profile audit]\nregion = eu-west-1\n');
    writeFileSync(nodePath.join(dir, 'credentials'), '[audit]\naws_access_key_id = AKIDPROFILEEXAMPLE\naws_secret_access_key = profileSecretEXAMPLEKEY\n');
    const ec2 = await fake({ regions: { 'eu-west-1': SMALL_ACCOUNT } });
    // The static keys of the environment are set too: like the AWS CLI, the profile wins (the SDK warns).
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const run = await snapshotCli(['--profile', 'audit', '--endpoint-url', ec2.url, '-o', '-']).finally(() => warn.mockRestore());
    expect(run.code).toBe(0);
    expect(ec2.calls.length).toBeGreaterThan(0);
    expect(new Set(ec2.calls.map((c) => `${c.accessKeyId} ${c.region}`))).toEqual(new Set(['AKIDPROFILEEXAMPLE eu-west-1']));
  });

  it('an unknown --profile exits 2 naming the profile, before any call', async () => {
    const ec2 = await fake({ regions: { 'us-east-1': SMALL_ACCOUNT } });
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const run = await snapshotCli(['--profile', 'nope', '--region', 'us-east-1', '--endpoint-url', ec2.url, '-o', '-']).finally(() => warn.mockRestore());
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('vpcwhy: cannot take the snapshot: no usable AWS credentials were found for profile nope');
    expect(ec2.calls).toEqual([]);
  });

  it('a denied call (UnauthorizedOperation) exits 2 naming the permission, with no stack trace and no file', async () => {
    const ec2 = await fake({
      regions: { 'us-east-1': threeTierAccount() },
      faults: [
        { action: 'DescribeNetworkAcls', code: 'UnauthorizedOperation', status: 403, message: 'You are not authorized to perform this operation. User: arn:aws:iam::123456789012:user/auditor is not authorized to perform: ec2:DescribeNetworkAcls because no identity-based policy allows the ec2:DescribeNetworkAcls action' },
        { action: 'DescribeFlowLogs', code: 'UnauthorizedOperation', status: 403, message: 'You are not authorized to perform this operation.' },
      ],
    });
    const out = nodePath.join(dir, 'denied.json');
    const run = await snapshotCli(['--region', 'us-east-1', '--endpoint-url', ec2.url, '-o', out], out);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('vpcwhy: cannot take the snapshot: access denied to ec2:DescribeNetworkAcls (us-east-1), ec2:DescribeFlowLogs (us-east-1)');
    expect(run.stderr).toContain('(UnauthorizedOperation)');
    expect(run.stderr).toContain('--allow-partial');
    expect(run.stderr).not.toMatch(/internal error|EC2ServiceException|\bat \S+ \(/);
    expect(existsSync(out)).toBe(false);
  });

  it('with --allow-partial a denied call is skipped and recorded in missing, which loadSnapshot reports', async () => {
    const ec2 = await fake({
      regions: { 'us-east-1': threeTierAccount() },
      faults: [{ action: 'DescribeNetworkAcls', code: 'UnauthorizedOperation', status: 403 }],
    });
    const out = nodePath.join(dir, 'partial.json');
    const run = await snapshotCli(['--region', 'us-east-1', '--endpoint-url', ec2.url, '--allow-partial', '-o', out], out);
    expect(run.code).toBe(0);
    const json = JSON.parse(readFileSync(out, 'utf8'));
    expect(json.VpcwhySnapshot.missing).toEqual(['ec2:DescribeNetworkAcls']);
    expect(json.Regions['us-east-1']).not.toHaveProperty('NetworkAcls');
    expect(json.Regions['us-east-1'].Vpcs).toHaveLength(1);
    expect(run.stderr).toContain('us-east-1: skipped, access denied (--allow-partial): ec2:DescribeNetworkAcls');
    const s = await load(out);
    expect(s.meta.missing).toEqual(['ec2:DescribeNetworkAcls']);
    expect(s.networkAcls).toEqual([]);
  });

  it('an unreachable endpoint exits 2 with a clear message after the SDK\'s retries', async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((r) => closed.close(() => r()));
    const run = await snapshotCli(['--region', 'us-east-1', '--endpoint-url', `http://127.0.0.1:${port}`, '-o', nodePath.join(dir, 'x.json')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`vpcwhy: cannot take the snapshot: cannot reach the AWS endpoint http://127.0.0.1:${port} in us-east-1 (ECONNREFUSED)`);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('rejects a malformed --endpoint-url and a missing output directory before any call', async () => {
    const bad = await snapshotCli(['--region', 'us-east-1', '--endpoint-url', 'localhost:4566', '-o', '-']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--endpoint-url: expected an http:// or https:// URL');
    const ec2 = await fake({ regions: { 'us-east-1': SMALL_ACCOUNT } });
    const noDir = await snapshotCli(['--region', 'us-east-1', '--endpoint-url', ec2.url, '-o', nodePath.join(dir, 'nope', 'x.json')]);
    expect(noDir.code).toBe(2);
    expect(noDir.stderr).toContain('--output: cannot write');
    expect(ec2.calls).toEqual([]);
  });

  it('keeps credentials out of messages even when the service echoes the access key id', async () => {
    const ec2 = await fake({
      regions: { 'us-east-1': SMALL_ACCOUNT },
      faults: [{ code: 'AuthFailure', status: 401, message: 'The access key AKIDEXAMPLE with secret wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY is not valid (AKIAIOSFODNN7EXAMPLE)' }],
    });
    const run = await snapshotCli(['--region', 'us-east-1', '--endpoint-url', ec2.url, '-o', '-']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('AWS rejected the credentials in us-east-1 (AuthFailure)');
    expect(run.stderr).toContain('[redacted]');
    expect(run.stderr).not.toContain('AKIAIOSFODNN7EXAMPLE');
    // The fake saw the key id in the signature scope (that is how SigV4 works), never the secret.
    expect(ec2.rawRequests.join('\n')).not.toContain('wJalrXUtnFEMI');
  });

  it('takeLiveSnapshotIndex indexes a live snapshot without writing a file', async () => {
    const ec2 = await fake({ regions: { 'us-east-1': threeTierAccount() } });
    const io = memoryIo();
    const index = await takeLiveSnapshotIndex({ regions: ['us-east-1'], endpointUrl: ec2.url }, io);
    expect(index.eniById.size).toBe(5);
    expect(index.naclBySubnet.get('subnet-0db0000000000003')?.id).toBe('acl-0db0000000000003');
    expect(index.instanceNameById.get('i-0web100000000001')).toBe('web-1');
    expect(index.snapshot.meta.regions).toEqual(['us-east-1']);
    expect(io.stderrText()).toContain('snapshot of us-east-1 taken in');
    expect(io.stdoutText()).toBe('');
  });
});
