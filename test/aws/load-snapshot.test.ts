import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { E } from '../../src/fp.js';
import type { Snapshot } from '../../src/model/snapshot.js';
import {
  type SnapshotLoadError,
  decodeSnapshotDocuments,
  formatSnapshotLoadError,
  loadSnapshot,
  regionFromPath,
} from '../../src/aws/load-snapshot.js';
import { FIXTURES } from './support.js';

const bad = (name: string): string => path.join(FIXTURES, 'bad', name);
const LAYOUT = path.join(FIXTURES, 'layout', 'aws_configs');

async function loadOk(paths: readonly string[]): Promise<Snapshot> {
  const r = await loadSnapshot(paths)();
  if (E.isLeft(r)) expect.fail(formatSnapshotLoadError(r.left));
  return r.right;
}

async function loadErr(paths: readonly string[]): Promise<SnapshotLoadError> {
  const r = await loadSnapshot(paths)();
  if (E.isRight(r)) expect.fail('expected the load to fail');
  return r.left;
}

function decodeOk(docs: Parameters<typeof decodeSnapshotDocuments>[0]): Snapshot {
  const r = decodeSnapshotDocuments(docs);
  if (E.isLeft(r)) expect.fail(formatSnapshotLoadError(r.left));
  return r.right;
}

const messages = (s: Snapshot): string[] => s.warnings.map((w) => `${path.basename(w.source.file)} ${w.source.path}: ${w.message}`);

describe('loadSnapshot errors: file, JSON path, what was expected', () => {
  it('names the file and path of a non-integer NACL RuleNumber', async () => {
    const e = await loadErr([bad('bad-rule-number.json')]);
    expect(formatSnapshotLoadError(e)).toBe(
      `cannot load the snapshot: 1 problem\n  ${bad('bad-rule-number.json')}: NetworkAcls[0].Entries[1].RuleNumber: expected an integer, got "abc"`,
    );
  });

  it('names the file and path of a missing GroupId', async () => {
    const e = await loadErr([bad('missing-group-id.json')]);
    expect(e.problems).toEqual([
      { file: bad('missing-group-id.json'), path: 'SecurityGroups[1].GroupId', message: 'expected a string, but the field is missing' },
    ]);
  });

  it('gives the line and column of invalid JSON', async () => {
    const e = await loadErr([bad('invalid.json')]);
    expect(e.problems).toEqual([
      {
        file: bad('invalid.json'),
        path: '',
        message: 'invalid JSON at line 3, column 23: unexpected "}"; expected a double-quoted property name',
      },
    ]);
    expect(formatSnapshotLoadError(e)).toContain(`${bad('invalid.json')}: invalid JSON at line 3, column 23`);
  });

  it('reports a non-array Entries', async () => {
    const e = await loadErr([bad('entries-not-array.json')]);
    expect(e.problems.map((p) => `${p.path}: ${p.message}`)).toEqual(['NetworkAcls[0].Entries: expected an array, got an object']);
  });

  it('reports the problems of every file at once, in file order, and skips a non-JSON file of a directory', async () => {
    const e = await loadErr([path.join(FIXTURES, 'bad')]);
    expect(formatSnapshotLoadError(e)).toBe(
      [
        'cannot load the snapshot: 4 problems',
        `  ${bad('bad-rule-number.json')}: NetworkAcls[0].Entries[1].RuleNumber: expected an integer, got "abc"`,
        `  ${bad('entries-not-array.json')}: NetworkAcls[0].Entries: expected an array, got an object`,
        `  ${bad('invalid.json')}: invalid JSON at line 3, column 23: unexpected "}"; expected a double-quoted property name`,
        `  ${bad('missing-group-id.json')}: SecurityGroups[1].GroupId: expected a string, but the field is missing`,
      ].join('\n'),
    );
  });

  it('treats an explicitly named non-JSON file as an error', async () => {
    const e = await loadErr([bad('notes.cfg')]);
    expect(e.problems).toEqual([
      { file: bad('notes.cfg'), path: '', message: 'invalid JSON at line 1, column 1: unexpected "h"; expected a value' },
    ]);
  });

  it('reports a path that does not exist', async () => {
    const missing = path.join(FIXTURES, 'no-such-dir');
    const e = await loadErr([missing]);
    expect(e.problems).toEqual([{ file: missing, path: '', message: 'no such file or directory' }]);
  });

  it('rejects a document that is not an object, and an unsupported snapshot version', () => {
    const r = decodeSnapshotDocuments([
      { file: 'a.json', json: [{ Name: 'x' }] },
      { file: 'b.json', json: { VpcwhySnapshot: { version: 2 } } },
    ]);
    expect(E.isLeft(r) && r.left.problems.map((p) => `${p.file} ${p.path}: ${p.message}`)).toEqual([
      'a.json : expected a JSON object whose keys are describe-* outputs (SecurityGroups, SecurityGroupRules, NetworkAcls, ...), got an array',
      'b.json VpcwhySnapshot.version: unsupported snapshot version 2; this vpcwhy reads version 1',
    ]);
  });
});

describe('loadSnapshot of a directory tree (Batfish aws_configs layout)', () => {
  it('walks directories recursively in sorted order and dispatches on top-level keys, not file names', async () => {
    const s = await loadOk([LAYOUT]);
    expect(s.meta.files.map((f) => path.relative(LAYOUT, f))).toEqual([
      'accounts/111122223333/eu-west-1/Vpcs.json',
      'us-east-1/Merged.json',
      'us-east-1/SecurityGroupRules.json',
      'us-east-1/SecurityGroups.json',
      'us-east-1/Vpcs.json',
      'us-east-1/again/SecurityGroups.json',
    ]);
    expect(s.subnets.map((x) => x.id)).toEqual(['subnet-east-a']);
    expect(s.internetGateways.map((x) => [x.id, x.vpcIds])).toEqual([['igw-east', ['vpc-east']]]);
  });

  it('sets Vpc.region from region-named directories, also under accounts/<acct>/<region>/', async () => {
    const s = await loadOk([LAYOUT]);
    expect(s.vpcs.map((v) => [v.id, v.region])).toEqual([
      ['vpc-west', 'eu-west-1'],
      ['vpc-east', 'us-east-1'],
    ]);
    expect(s.meta.regions).toEqual(['eu-west-1', 'us-east-1']);
  });

  it('takes a group\'s rules from SecurityGroupRules (sgr- ids) when given, else from IpPermissions (ref 4.5)', async () => {
    const s = await loadOk([LAYOUT]);
    const web = s.securityGroups.find((g) => g.id === 'sg-web');
    const db = s.securityGroups.find((g) => g.id === 'sg-db');
    expect(web?.inbound.map((r) => [r.ruleId, r.source.path])).toEqual([['sgr-0web443v4', 'SecurityGroupRules[0]']]);
    expect(web?.outbound.map((r) => r.ruleId)).toEqual(['sgr-0webout']);
    expect(web?.groupName).toBe('web');
    expect(db?.inbound.map((r) => [r.ruleId, r.peer])).toEqual([[undefined, { kind: 'group', groupId: 'sg-web', userId: '111122223333' }]]);
  });

  it('keeps the first of identical duplicates without a warning, warns once per unmodelled key, skips non-JSON files', async () => {
    const s = await loadOk([LAYOUT]);
    expect(s.securityGroups.map((g) => g.id)).toEqual(['sg-web', 'sg-db']);
    expect(messages(s)).toEqual([
      'README.txt : not a .json file; skipped',
      'Merged.json LoadBalancers: LoadBalancers: not modelled by vpcwhy; ignored',
      'Merged.json VpnGateways: VpnGateways: not modelled by vpcwhy; ignored',
    ]);
  });

  it('reads a file reached twice (its directory and itself) once', async () => {
    const s = await loadOk([LAYOUT, path.join(LAYOUT, 'us-east-1', 'Vpcs.json')]);
    expect(s.meta.files).toHaveLength(6);
    expect(s.vpcs).toHaveLength(2);
  });
});

describe('vpcwhy snapshot format', () => {
  it('fills meta from the VpcwhySnapshot header and region sections, with top-level describe keys too', async () => {
    const file = path.join(FIXTURES, 'vpcwhy-snapshot.json');
    const s = await loadOk([file]);
    expect(s.meta).toEqual({
      capturedAt: '2026-01-02T03:04:05Z',
      regions: ['us-east-1', 'us-west-2'],
      missing: ['ec2:DescribeFlowLogs'],
      files: [file],
      // The describe-* keys the file held, so a section that is absent is told from one that is empty.
      sections: ['Vpcs', 'SecurityGroups', 'PrefixLists', 'FlowLogs'],
    });
    expect(s.vpcs.map((v) => [v.id, v.region, v.source.path])).toEqual([
      ['vpc-a', 'us-east-1', 'Regions.us-east-1.Vpcs[0]'],
      ['vpc-b', 'us-west-2', 'Regions.us-west-2.Vpcs[0]'],
    ]);
    expect(s.flowLogs.map((f) => f.id)).toEqual(['fl-1']);
    expect(s.prefixLists[0]?.entries?.map((c) => c.text)).toEqual(['203.0.113.0/24']);
    // VpnGateways appears in two regions of one file: one warning.
    expect(messages(s)).toEqual(['vpcwhy-snapshot.json Regions.us-east-1.VpnGateways: VpnGateways: not modelled by vpcwhy; ignored']);
  });
});

describe('merging documents', () => {
  const sg = (rules: unknown[]): unknown => ({
    SecurityGroups: [{ GroupId: 'sg-1', GroupName: 'one', IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: rules }] }],
  });

  it('keeps the first of two different definitions of an id, with a warning naming both places', () => {
    const s = decodeOk([
      { file: 'a.json', json: sg([{ CidrIp: '10.0.0.0/8' }]) },
      { file: 'b.json', json: sg([{ CidrIp: '192.168.0.0/16' }]) },
    ]);
    expect(s.securityGroups).toHaveLength(1);
    expect(s.securityGroups[0]?.inbound[0]?.source.file).toBe('a.json');
    expect(messages(s)).toEqual([
      'b.json SecurityGroups[0]: security group sg-1 is also defined in a.json at SecurityGroups[0] with different contents; the first definition is kept and this one ignored',
    ]);
  });

  it('merges the same describe output loaded twice silently', () => {
    const s = decodeOk([
      { file: 'a.json', json: sg([{ CidrIp: '10.0.0.0/8' }]) },
      { file: 'b.json', json: sg([{ CidrIp: '10.0.0.0/8' }]) },
    ]);
    expect(s.securityGroups).toHaveLength(1);
    expect(s.warnings).toEqual([]);
  });

  it('builds a group from SecurityGroupRules when DescribeSecurityGroups lacks it, with a warning', () => {
    const s = decodeOk([
      {
        file: 'r.json',
        json: {
          SecurityGroupRules: [
            { SecurityGroupRuleId: 'sgr-1', GroupId: 'sg-9', GroupOwnerId: '111', IsEgress: false, IpProtocol: 'udp', FromPort: 53, ToPort: 53, CidrIpv4: '10.0.0.0/8' },
          ],
        },
      },
    ]);
    expect(s.securityGroups).toEqual([
      expect.objectContaining({ id: 'sg-9', groupName: 'sg-9', ownerId: '111', outbound: [], inbound: [expect.objectContaining({ ruleId: 'sgr-1', protocol: 17 })] }),
    ]);
    expect(messages(s)).toEqual([
      'r.json SecurityGroupRules[0]: security group sg-9 has rules (SecurityGroupRules) but is not itself in the snapshot (SecurityGroups); the group is built from its rules',
    ]);
  });

  it('combines describe-managed-prefix-lists metadata with describe-prefix-lists CIDRs of the same list (ref 6.5)', () => {
    const s = decodeOk([
      { file: 'm.json', json: { PrefixLists: [{ PrefixListId: 'pl-1', PrefixListName: 'com.amazonaws.us-east-1.s3', AddressFamily: 'IPv4', OwnerId: 'AWS' }] } },
      { file: 'p.json', json: { PrefixLists: [{ PrefixListId: 'pl-1', PrefixListName: 'com.amazonaws.us-east-1.s3', Cidrs: ['52.216.0.0/15'] }] } },
    ]);
    expect(s.prefixLists).toEqual([expect.objectContaining({ id: 'pl-1', ownerId: 'AWS', addressFamily: 'IPv4' })]);
    expect(s.prefixLists[0]?.entries?.map((c) => c.text)).toEqual(['52.216.0.0/15']);
    expect(s.warnings).toEqual([]);
  });

  it('accepts ManagedPrefixLists as a key', () => {
    const s = decodeOk([{ file: 'm.json', json: { ManagedPrefixLists: [{ PrefixListId: 'pl-2', Entries: [{ Cidr: '10.0.0.0/8' }] }] } }]);
    expect(s.prefixLists.map((p) => p.id)).toEqual(['pl-2']);
  });
});

describe('warnings', () => {
  it('warns about a stale security-group reference and keeps the rule (ref 4.2)', () => {
    const s = decodeOk([
      {
        file: 'sg.json',
        json: { SecurityGroups: [{ GroupId: 'sg-1', GroupName: 'a', IpPermissions: [{ IpProtocol: '-1', UserIdGroupPairs: [{ GroupId: 'sg-gone', UserId: '1' }] }] }] },
      },
    ]);
    expect(s.securityGroups[0]?.inbound[0]?.peer).toEqual({ kind: 'group', groupId: 'sg-gone', userId: '1' });
    expect(messages(s)).toEqual([
      'sg.json SecurityGroups[0].IpPermissions[0].UserIdGroupPairs[0]: rule of sg-1 references security group sg-gone, which is not in the snapshot (a stale reference, or a group of another account or VPC); it matches the interfaces in the snapshot that carry it, and where it could decide a deny for another address, the answer is ambiguous',
    ]);
  });

  it('warns about prefix lists referenced without entries, or absent, and keeps the rules and routes', () => {
    const s = decodeOk([
      {
        file: 's.json',
        json: {
          PrefixLists: [{ PrefixListId: 'pl-noentries', AddressFamily: 'IPv4' }],
          SecurityGroupRules: [
            { SecurityGroupRuleId: 'sgr-1', GroupId: 'sg-1', IsEgress: true, IpProtocol: 'tcp', FromPort: 443, ToPort: 443, PrefixListId: 'pl-noentries' },
          ],
          SecurityGroups: [{ GroupId: 'sg-1', GroupName: 'a' }],
          RouteTables: [{ RouteTableId: 'rtb-1', VpcId: 'vpc-1', Routes: [{ DestinationPrefixListId: 'pl-absent', GatewayId: 'vpce-1' }] }],
        },
      },
    ]);
    expect(s.securityGroups[0]?.outbound).toHaveLength(1);
    expect(s.routeTables[0]?.routes).toHaveLength(1);
    expect(messages(s)).toEqual([
      's.json SecurityGroupRules[0]: rule sgr-1 of sg-1 references prefix list pl-noentries, whose entries are not in the snapshot (add the get-managed-prefix-list-entries output as "Entries" of the list); it matches no address',
      's.json RouteTables[0].Routes[0]: route of rtb-1 references prefix list pl-absent, which is not in the snapshot; it matches no address',
    ]);
  });

  it('warns about unknown keys (with a hint), unmodelled AWS keys once per file, and a bare Entries output', () => {
    const s = decodeOk([
      { file: 'a.json', json: { SecurityGroup: [], Foo: 1, VpnGateways: [], Entries: [], NextToken: 'x', ResponseMetadata: {} } },
    ]);
    expect(messages(s)).toEqual([
      'a.json SecurityGroup: unknown top-level key "SecurityGroup" (did you mean SecurityGroups?); not a describe-* output vpcwhy knows; ignored',
      'a.json Foo: unknown top-level key "Foo"; not a describe-* output vpcwhy knows; ignored',
      'a.json VpnGateways: VpnGateways: not modelled by vpcwhy; ignored',
      'a.json Entries: Entries (get-managed-prefix-list-entries output) does not say which prefix list it belongs to; ignored. Put it as "Entries" inside its element of PrefixLists',
    ]);
  });

  it('warns about an unparseable protocol and keeps the rule with protocol null', () => {
    const s = decodeOk([
      { file: 'n.json', json: { NetworkAcls: [{ NetworkAclId: 'acl-1', VpcId: 'vpc-1', Entries: [{ RuleNumber: 1, Protocol: 'foo', RuleAction: 'deny', Egress: false, CidrBlock: '0.0.0.0/0' }] }] } },
    ]);
    expect(s.networkAcls[0]?.entries[0]?.protocol).toBeNull();
    expect(messages(s)).toEqual(['n.json NetworkAcls[0].Entries[0].Protocol: unrecognised protocol "foo"; the rule is kept but never matches']);
  });

  it('warns when an ENI uses a group that is not in the snapshot', () => {
    const s = decodeOk([
      { file: 'e.json', json: { NetworkInterfaces: [{ NetworkInterfaceId: 'eni-1', SubnetId: 's', VpcId: 'v', Groups: [{ GroupId: 'sg-x' }] }] } },
    ]);
    expect(messages(s)).toEqual([
      'e.json NetworkInterfaces[0]: the snapshot has network interfaces but no subnets: their network ACLs and route tables cannot be found (add the describe-subnets output)',
      'e.json NetworkInterfaces[0]: network interface eni-1 uses security group sg-x, which is not in the snapshot; its rules are unknown',
    ]);
  });

  it('warns when an ENI is in a subnet the snapshot does not have', () => {
    const s = decodeOk([
      {
        file: 'e.json',
        json: {
          Subnets: [{ SubnetId: 'subnet-1', VpcId: 'v', CidrBlock: '10.0.1.0/24' }],
          NetworkInterfaces: [{ NetworkInterfaceId: 'eni-1', SubnetId: 'subnet-9', VpcId: 'v', Groups: [] }],
        },
      },
    ]);
    expect(messages(s)).toEqual(['e.json NetworkInterfaces[0]: network interface eni-1 is in subnet-9, which is not in the snapshot; its network ACL and route table are unknown']);
  });
});

describe('regionFromPath', () => {
  it('recognises region directories and Batfish region-suffixed file names', () => {
    expect(regionFromPath(['aws_configs', 'us-east-1'], 'Vpcs.json')).toBe('us-east-1');
    expect(regionFromPath(['accounts', '123', 'ap-southeast-2'], 'Vpcs.json')).toBe('ap-southeast-2');
    expect(regionFromPath(['aws_configs'], 'NetworkAcls-us-west-2.json')).toBe('us-west-2');
    expect(regionFromPath(['us-gov-west-1'], 'x.json')).toBe('us-gov-west-1');
    expect(regionFromPath(['my-test-dir-1', 'snapshots'], 'Vpcs.json')).toBeUndefined();
  });
});

describe('large describe-* files', () => {
  // Past about 120,000 arguments a spread call throws `Maximum call stack size exceeded` in V8: sections
  // and problems are gathered without one.
  const N = 200_000;

  it('loads a section of 200,000 entries', () => {
    const s = decodeOk([{ file: 'g.json', json: { SecurityGroups: Array.from({ length: N }, (_, i) => ({ GroupId: `sg-${i}`, GroupName: `g${i}` })) } }]);
    expect(s.securityGroups).toHaveLength(N);
    expect(s.securityGroups[N - 1]?.id).toBe(`sg-${N - 1}`);
  });

  it('reports every one of 200,000 bad entries, with its path', () => {
    const r = decodeSnapshotDocuments([{ file: 'e.json', json: { NetworkInterfaces: new Array<number>(N).fill(1) } }]);
    if (E.isRight(r)) expect.fail('expected the decode to fail');
    expect(r.left.problems).toHaveLength(N);
    expect(r.left.problems[N - 1]).toEqual({ file: 'e.json', path: `NetworkInterfaces[${N - 1}]`, message: 'expected an object (a network interface), got 1' });
  });
});
