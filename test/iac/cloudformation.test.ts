/**
 * CloudFormation templates (--cfn): YAML short forms, intrinsic functions, Ref/GetAtt/parameter resolution,
 * values unknown until deployment (reported, never guessed), AWS's defaults for what a template creates, bad
 * templates (file:line, exit 2), and the CDK example.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { evaluateNacl } from '../../src/engine/nacl.js';
import { evaluateGroupIds } from '../../src/engine/security-group.js';
import { indexSnapshot } from '../../src/engine/snapshot-index.js';
import { E } from '../../src/fp.js';
import { parseTemplateText } from '../../src/iac/cfn-template.js';
import { layerTemplates } from '../../src/iac/cloudformation.js';
import { emptySnapshot, type Snapshot } from '../../src/model/snapshot.js';
import { packet } from '../builders.js';
import { runCli } from '../cli/run-cli.js';
import { getAtt, parsed, ref, toJson, toYaml } from './cfn-builder.js';

const dir = mkdtempSync(path.join(tmpdir(), 'vpcwhy-cfn-unit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

function layer(templates: ReadonlyArray<readonly [string, string]>, base: Snapshot = emptySnapshot()) {
  const r = layerTemplates(base, templates.map(([file, text]) => parsed(file, text)));
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.layered;
}

const VPC = { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.0.0.0/16' } };
const sgWith = (ingress: unknown[], extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'g', VpcId: ref('Vpc'), SecurityGroupIngress: ingress, ...extra },
});

describe('YAML templates: short-form intrinsics read as their long forms', () => {
  it('every short form is the JSON long form (CloudFormation "Intrinsic function reference")', () => {
    const yaml = [
      'Resources:',
      '  X:',
      '    Type: AWS::EC2::VPC',
      '    Properties:',
      '      A: !Ref P',
      '      B: !GetAtt Vpc.CidrBlock',
      '      C: !GetAtt [Vpc, CidrBlock]',
      '      D: !Sub "${P}-x"',
      '      E: !Sub ["${a}", {a: !Ref P}]',
      '      F: !Select [0, !Split [",", "a,b"]]',
      '      G: !Join ["-", [a, !Ref P]]',
      '      H: !If [C1, !Ref "AWS::NoValue", 1]',
      '      I: !Equals [a, b]',
      '      J: !And [!Condition C1, !Not [!Condition C1]]',
      '      K: !Or [!Condition C1, !Condition C1]',
      '      L: !FindInMap [M, k1, k2]',
      '      M: !GetAZs ""',
      '      N: !ImportValue net-vpc',
      '      O: !Base64 hello',
      '      Q: !Cidr [10.0.0.0/16, 2, 8]',
      '      R: &anchor !Ref P',
      '      S: *anchor',
    ].join('\n');
    const t = parsed('t.yaml', yaml);
    expect(t.format).toBe('yaml');
    expect(t.resources.get('X')!.properties).toEqual({
      A: { Ref: 'P' },
      B: { 'Fn::GetAtt': ['Vpc', 'CidrBlock'] },
      C: { 'Fn::GetAtt': ['Vpc', 'CidrBlock'] },
      D: { 'Fn::Sub': '${P}-x' },
      E: { 'Fn::Sub': ['${a}', { a: { Ref: 'P' } }] },
      F: { 'Fn::Select': [0, { 'Fn::Split': [',', 'a,b'] }] },
      G: { 'Fn::Join': ['-', ['a', { Ref: 'P' }]] },
      H: { 'Fn::If': ['C1', { Ref: 'AWS::NoValue' }, 1] },
      I: { 'Fn::Equals': ['a', 'b'] },
      J: { 'Fn::And': [{ Condition: 'C1' }, { 'Fn::Not': [{ Condition: 'C1' }] }] },
      K: { 'Fn::Or': [{ Condition: 'C1' }, { Condition: 'C1' }] },
      L: { 'Fn::FindInMap': ['M', 'k1', 'k2'] },
      M: { 'Fn::GetAZs': '' },
      N: { 'Fn::ImportValue': 'net-vpc' },
      O: { 'Fn::Base64': 'hello' },
      Q: { 'Fn::Cidr': ['10.0.0.0/16', 2, 8] },
      R: { Ref: 'P' },
      S: { Ref: 'P' },
    });
    expect(t.line('Resources.X.Properties.F')).toBe(10);
    // A path inside a resolved Fn::If is not in the file: its nearest ancestor's line.
    expect(t.line('Resources.X.Properties.H[2]')).toBe(12);
  });

  it('the JSON and YAML renderings of a template give the same model', () => {
    const template = { Parameters: { Cidr: { Type: 'String', Default: '10.0.0.0/16' } }, Resources: { Vpc: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: ref('Cidr') } }, G: sgWith([{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIp: { 'Fn::Sub': '${Cidr}' } }]) } };
    const a = layer([['t.json', toJson(template)]]).snapshot;
    const b = layer([['t.yaml', toYaml(template)]]).snapshot;
    const strip = (s: Snapshot): unknown => JSON.parse(JSON.stringify({ ...s, warnings: [], meta: {} }).replace(/t\.(json|yaml)/g, 't'));
    expect(strip(b)).toEqual(strip(a));
  });
});

describe('intrinsic functions and references', () => {
  const template = {
    Parameters: {
      Env: { Type: 'String', Default: 'prod' },
      Office: { Type: 'String', Default: '192.0.2.0/24' },
      Ports: { Type: 'CommaDelimitedList', Default: '443, 8443' },
      Open: { Type: 'String', Default: 'no' },
    },
    Mappings: { Net: { prod: { Admin: '198.51.100.0/24' } } },
    Conditions: { IsProd: { 'Fn::Equals': [ref('Env'), 'prod'] }, IsOpen: { 'Fn::Equals': [ref('Open'), 'yes'] }, ProdAndClosed: { 'Fn::And': [{ Condition: 'IsProd' }, { 'Fn::Not': [{ Condition: 'IsOpen' }] }] } },
    Resources: {
      Vpc: VPC,
      G: sgWith([
        { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIp: ref('Office') },
        { IpProtocol: 'tcp', FromPort: { 'Fn::Select': [1, ref('Ports')] }, ToPort: { 'Fn::Select': [1, ref('Ports')] }, CidrIp: { 'Fn::FindInMap': ['Net', ref('Env'), 'Admin'] } },
        { 'Fn::If': ['IsOpen', { IpProtocol: '-1', CidrIp: '0.0.0.0/0' }, ref('AWS::NoValue')] },
        { IpProtocol: 'tcp', FromPort: 80, ToPort: 80, CidrIp: { 'Fn::If': ['ProdAndClosed', { 'Fn::Join': ['', [{ 'Fn::Select': [0, { 'Fn::Split': ['/', ref('Office')] }] }, '/32']] }, '0.0.0.0/0'] } },
        { IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, CidrIp: { 'Fn::Select': [3, { 'Fn::Cidr': [getAtt('Vpc', 'CidrBlock'), 6, 8] }] } },
        { IpProtocol: 'tcp', FromPort: 3306, ToPort: 3306, SourceSecurityGroupId: getAtt('Vpc', 'DefaultSecurityGroup') },
      ]),
      OnlyWhenOpen: { Type: 'AWS::EC2::SecurityGroupIngress', Condition: 'IsOpen', Properties: { GroupId: ref('G'), IpProtocol: '-1', CidrIp: '0.0.0.0/0' } },
    },
  };

  it('parameter defaults (a CommaDelimitedList is a list), Fn::FindInMap, Fn::If on conditions, AWS::NoValue, Fn::Join/Split/Select, Fn::Cidr, GetAtt of a VPC attribute', () => {
    const { snapshot, unknowns } = layer([['t.yaml', toYaml(template)]]);
    expect(unknowns).toEqual([]);
    const g = snapshot.securityGroups.find((x) => x.id === 'G')!;
    const peers = g.inbound.map((r) => (r.peer.kind === 'cidr' ? `${r.ports?.from}:${r.peer.cidr.text}` : r.peer.kind === 'group' ? `${r.ports?.from}:${r.peer.groupId}` : 'invalid'));
    expect(peers).toEqual(['22:192.0.2.0/24', '8443:198.51.100.0/24', '80:192.0.2.0/32', '5432:10.0.3.0/24', '3306:Vpc.DefaultSecurityGroup']);
    // A resource whose condition is false is not created.
    expect(g.inbound.filter((r) => r.protocol === -1)).toEqual([]);
    expect(snapshot.securityGroups.map((x) => x.id).sort()).toEqual(['G', 'Vpc.DefaultSecurityGroup']);
  });

  it('Fn::Cidr gives the blocks of the AWS documentation example (192.168.0.0/24, 6, 5)', () => {
    const t = { Resources: { Vpc: VPC, G: sgWith([{ IpProtocol: 'tcp', FromPort: 1, ToPort: 1, CidrIp: { 'Fn::Select': [5, { 'Fn::Cidr': ['192.168.0.0/24', '6', '5'] }] } }]) } };
    const g = layer([['t.json', toJson(t)]]).snapshot.securityGroups.find((x) => x.id === 'G')!;
    expect(g.inbound[0]!.peer).toMatchObject({ kind: 'cidr', cidr: { text: '192.168.0.160/27' } });
  });

  it('Ref and GetAtt to resources give their logical ids; an instance is named by its primary interface', () => {
    const t = {
      Resources: {
        Vpc: VPC,
        Subnet: { Type: 'AWS::EC2::Subnet', Properties: { VpcId: ref('Vpc'), CidrBlock: '10.0.1.0/24' } },
        G: sgWith([]),
        Web: { Type: 'AWS::EC2::Instance', Properties: { SubnetId: ref('Subnet'), PrivateIpAddress: '10.0.1.5', SecurityGroupIds: [getAtt('G', 'GroupId')] } },
      },
    };
    const { snapshot, ids } = layer([['t.json', toJson(t)]]);
    expect(snapshot.enis).toMatchObject([{ id: 'Web', subnetId: 'Subnet', vpcId: 'Vpc', groupIds: ['G'], instanceId: 'Web' }]);
    expect(ids.get('Web')).toBe('Web');
    expect(snapshot.subnets[0]!.source).toEqual({ file: 't.json', path: 'Resources.Subnet' });
  });

  it('Fn::ImportValue reads the export of another given template; alone it is unknown', () => {
    const network = { Resources: { Vpc: VPC }, Outputs: { VpcId: { Value: ref('Vpc'), Export: { Name: { 'Fn::Sub': 'net-vpc' } } } } };
    const app = { Resources: { G: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'g', VpcId: { 'Fn::ImportValue': 'net-vpc' } } } } };
    const both = layer([['network.json', toJson(network)], ['app.yaml', toYaml(app)]]);
    expect(both.snapshot.securityGroups.find((g) => g.id === 'G')!.vpcId).toBe('Vpc');
    expect(both.unknowns).toEqual([]);
    const alone = layer([['app.yaml', toYaml(app)]]);
    expect(alone.unknowns).toMatchObject([{ address: 'G', attribute: 'Properties.VpcId', objectId: 'G', origin: 'cloudformation' }]);
    expect(alone.snapshot.warnings.map((w) => w.message).join('\n')).toMatch(/export net-vpc, which no given template exports \(give that stack's template with another --cfn\)/);
  });

  it('--cfn is repeatable: a network stack and an app stack that imports its exports, traced end to end', async () => {
    const network = {
      Resources: { Vpc: VPC, Subnet: { Type: 'AWS::EC2::Subnet', Properties: { VpcId: ref('Vpc'), CidrBlock: '10.0.1.0/24' } } },
      Outputs: { Vpc: { Value: ref('Vpc'), Export: { Name: 'net-vpc' } }, Subnet: { Value: ref('Subnet'), Export: { Name: 'net-subnet' } } },
    };
    const app = {
      Resources: {
        Web: sgWith([{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '10.0.0.0/16' }], { VpcId: { 'Fn::ImportValue': 'net-vpc' } }),
        A: { Type: 'AWS::EC2::Instance', Properties: { SubnetId: { 'Fn::ImportValue': 'net-subnet' }, PrivateIpAddress: '10.0.1.10', SecurityGroupIds: [ref('Web')] } },
        B: { Type: 'AWS::EC2::Instance', Properties: { SubnetId: { 'Fn::ImportValue': 'net-subnet' }, PrivateIpAddress: '10.0.1.11', SecurityGroupIds: [ref('Web')] } },
      },
    };
    const n = write('network.template.json', toJson(network));
    const a = write('app.template.yaml', toYaml(app));
    const ok = await runCli(['trace', '--cfn', n, '--cfn', a, '--from', 'A', '--to', 'B', '--protocol', 'tcp', '--port', '443', '--format', 'json']);
    expect([ok.code, ok.stderr]).toEqual([0, '']);
    const blocked = await runCli(['trace', '--cfn', n, '--cfn', a, '--from', 'A', '--to', 'B', '--protocol', 'tcp', '--port', '22', '--format', 'json']);
    expect((JSON.parse(blocked.stdout) as { blockedBy: unknown }).blockedBy).toEqual({ component: 'security-group', ids: ['Web'], direction: 'inbound', path: 'forward' });
    // The app stack alone: its subnet is unknown, reported, and the instances are in no known subnet.
    const alone = await runCli(['snapshot', '--check', '--cfn', a]);
    expect(alone.stdout).toContain('A Properties.SubnetId: its network ACL and route table are unknown');
  });

  it('the same logical id in two templates: the later one is named <file>/<id>', () => {
    const a = { Resources: { Vpc: VPC, G: sgWith([]) } };
    const { snapshot } = layer([['a.json', toJson(a)], ['b.json', toJson(a)]]);
    expect(snapshot.securityGroups.map((g) => g.id).filter((id) => !id.includes('.Default'))).toEqual(['G', 'b/G']);
    expect(snapshot.securityGroups.find((g) => g.id === 'b/G')!.vpcId).toBe('b/Vpc');
  });
});

describe('values unknown until deployment are reported, never guessed', () => {
  const template = {
    Parameters: { Admin: { Type: 'String' }, Ami: { Type: 'AWS::SSM::Parameter::Value<String>', Default: '/x' } },
    Conditions: { InUsEast: { 'Fn::Equals': [ref('AWS::Region'), 'us-east-1'] } },
    Resources: {
      Vpc: VPC,
      Subnet: { Type: 'AWS::EC2::Subnet', Properties: { VpcId: ref('Vpc'), CidrBlock: '10.0.1.0/24', AvailabilityZone: { 'Fn::Select': [0, { 'Fn::GetAZs': '' }] } } },
      G: sgWith([
        { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIp: ref('Admin') },
        { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: { 'Fn::Sub': '${Ami}' } },
      ]),
      Regional: { Type: 'AWS::EC2::SecurityGroupIngress', Condition: 'InUsEast', Properties: { GroupId: ref('G'), IpProtocol: '-1', CidrIp: '0.0.0.0/0' } },
      Eni: { Type: 'AWS::EC2::NetworkInterface', Properties: { SubnetId: ref('Subnet'), GroupSet: [ref('G')] } },
      Ip: { Type: 'AWS::EC2::EIP', Properties: { InstanceId: ref('Web') } },
      Web: { Type: 'AWS::EC2::Instance', Properties: { SubnetId: ref('Subnet'), PrivateIpAddress: '10.0.1.9', SecurityGroupIds: [ref('G')] } },
    },
  };

  it('a parameter without a default, an SSM parameter, a condition on a pseudo parameter, an assigned address: listed with the logical id and property', () => {
    const { snapshot, unknowns } = layer([['t.yaml', toYaml(template)]]);
    expect(unknowns.map((u) => [u.address, u.attribute, u.objectId])).toEqual([
      ['Regional', 'Condition', 'Regional'],
      ['G', 'Properties.SecurityGroupIngress[0].CidrIp', 'G'],
      ['G', 'Properties.SecurityGroupIngress[1].CidrIp', 'G'],
      ['Eni', 'Properties.PrivateIpAddress', 'Eni'],
      ['Ip', 'Properties.PublicIp', 'Web'],
    ]);
    // The rules stay in the model and never match; the conditional rule is left out.
    const g = snapshot.securityGroups.find((x) => x.id === 'G')!;
    expect(g.inbound.map((r) => r.peer.kind)).toEqual(['invalid', 'invalid']);
    const index = indexSnapshot(snapshot);
    expect(evaluateGroupIds(index, ['G'], 'inbound', packet({ proto: 'tcp', src: '203.0.113.1', dst: '10.0.1.9', dport: 22 })).allowed).toBe(false);
    const warnings = snapshot.warnings.map((w) => `${w.source.path}: ${w.message}`).join('\n');
    expect(warnings).toContain('Resources.G.Properties.SecurityGroupIngress[0].CidrIp: unknown until deployment (parameter Admin has no Default; its value is given at deployment); the rule is kept and never matches');
    expect(warnings).toContain('parameter Ami is read from SSM Parameter Store at deployment');
    expect(warnings).toContain('whether Regional is created depends on condition InUsEast; it is left out');
    expect(unknowns.find((u) => u.address === 'Ip')!.onlyFor).toBe('internet');
  });

  it('a rule, a list or whole properties behind an unknown condition: the rule kept never matching, the resource left out, each reported', () => {
    const t = {
      Conditions: { InUsEast: { 'Fn::Equals': [ref('AWS::Region'), 'us-east-1'] } },
      Resources: {
        Vpc: VPC,
        Subnet: { Type: 'AWS::EC2::Subnet', Properties: { VpcId: ref('Vpc'), CidrBlock: '10.0.1.0/24', MapPublicIpOnLaunch: { 'Fn::If': ['InUsEast', true, false] } } },
        G: sgWith([{ 'Fn::If': ['InUsEast', { IpProtocol: '-1', CidrIp: '0.0.0.0/0' }, { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '10.0.0.0/8' }] }]),
        Whole: { Type: 'AWS::EC2::SecurityGroup', Properties: { 'Fn::If': ['InUsEast', { GroupDescription: 'a', VpcId: ref('Vpc') }, { GroupDescription: 'b', VpcId: ref('Vpc') }] } },
        Web: { Type: 'AWS::EC2::Instance', Properties: { SubnetId: ref('Subnet'), PrivateIpAddress: '10.0.1.9', SecurityGroupIds: [ref('G')] } },
      },
    };
    const { snapshot, unknowns } = layer([['t.json', toJson(t)]]);
    expect(unknowns.map((u) => [u.address, u.attribute, u.consequence])).toEqual([
      ['Whole', 'Properties', 'the resource is left out'],
      ['G', 'Properties.SecurityGroupIngress[0]', 'the rule is kept and never matches'],
      ['Web', 'Properties.PublicIp', expect.stringMatching(/^if it does, the address is unknown/)],
    ]);
    expect(snapshot.securityGroups.map((g) => g.id).sort()).toEqual(['G', 'Vpc.DefaultSecurityGroup']);
    expect(snapshot.securityGroups.find((g) => g.id === 'G')!.inbound).toMatchObject([{ protocol: null, peer: { kind: 'invalid' } }]);
  });

  it('trace notes the unknown values on the path, as for a plan, in the words of a template', async () => {
    const file = write('unknown.yaml', toYaml(template));
    // From an unassigned address of the subnet: the group with the unknown rule is on the path.
    const r = await runCli(['trace', '--cfn', file, '--from', '10.0.1.200', '--to', 'Web', '--protocol', 'tcp', '--port', '22', '--format', 'json']);
    expect(r.code).toBe(1);
    const json = JSON.parse(r.stdout) as { notes: string[] };
    expect(json.notes.at(-1)).toMatch(/^Unknown until deployment, on this path: .*G Properties\.SecurityGroupIngress\[0\]\.CidrIp \(the rule is kept and never matches\).*The answer is for what the template knows/);
    const check = await runCli(['snapshot', '--check', '--cfn', file]);
    expect(check.stdout).toContain(`the template (${file}) leaves 5 values unknown until deployment:`);
    expect(check.stdout).toContain('  G Properties.SecurityGroupIngress[0].CidrIp: the rule is kept and never matches');
  });
});

describe("AWS's defaults for what a template creates", () => {
  it('a group without egress rules in the template gets allow-all egress; one with egress rules only those (AWS::EC2::SecurityGroup reference, ref 4.1)', () => {
    const t = { Resources: { Vpc: VPC, Open: sgWith([]), Closed: sgWith([], { SecurityGroupEgress: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '10.0.0.0/8' }] }) } };
    const index = indexSnapshot(layer([['t.json', toJson(t)]]).snapshot);
    const out = packet({ proto: 'udp', src: '10.0.1.5', dst: '198.51.100.9', dport: 53 });
    const q = { ...out, src: out.dst, dst: out.src };
    expect(evaluateGroupIds(index, ['Open'], 'outbound', q).allowed).toBe(true);
    expect(evaluateGroupIds(index, ['Closed'], 'outbound', q).allowed).toBe(false);
  });

  it('a standalone SecurityGroupEgress on a group of the template replaces its default egress (aws-cdk#987); on an existing group it adds to its rules', () => {
    const egress = (group: unknown) => ({ Type: 'AWS::EC2::SecurityGroupEgress', Properties: { GroupId: group, IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '10.0.0.0/8' } });
    const t = { Resources: { Vpc: VPC, G: sgWith([]), Out: egress(getAtt('G', 'GroupId')), Existing: egress('sg-0existing') } };
    const base = emptySnapshot();
    const existing = { id: 'sg-0existing', groupName: 'e', inbound: [], outbound: [{ groupId: 'sg-0existing', direction: 'outbound' as const, protocol: -1, ports: null, icmp: null, peer: { kind: 'cidr' as const, cidr: { family: 4 as const, network: 0, prefix: 0, text: '0.0.0.0/0' } }, source: { file: 'd.json', path: 'SecurityGroups[0]' } }], source: { file: 'd.json', path: 'SecurityGroups[0]' } };
    const { snapshot } = layer([['t.json', toJson(t)]], { ...base, securityGroups: [existing] });
    const text = (id: string) => snapshot.securityGroups.find((g) => g.id === id)!.outbound.map((r) => `${r.protocol}:${r.peer.kind === 'cidr' ? r.peer.cidr.text : ''}`);
    expect(text('G')).toEqual(['6:10.0.0.0/8']);
    expect(text('sg-0existing')).toEqual(['-1:0.0.0.0/0', '6:10.0.0.0/8']);
  });

  it("a VPC's default network ACL allows everything, a new custom ACL denies everything (ref 5.1); the default group admits its members (ref 4.1)", () => {
    const t = { Resources: { Vpc: VPC, Custom: { Type: 'AWS::EC2::NetworkAcl', Properties: { VpcId: ref('Vpc') } } } };
    const { snapshot } = layer([['t.json', toJson(t)]]);
    const index = indexSnapshot(snapshot);
    const p = packet({ proto: 'tcp', src: '203.0.113.1', dst: '10.0.1.5', dport: 22 });
    expect(evaluateNacl(index.naclById.get('Vpc.DefaultNetworkAcl')!, 'inbound', p)).toMatchObject({ action: 'allow', ruleNumber: 100 });
    expect(evaluateNacl(index.naclById.get('Custom')!, 'inbound', p)).toMatchObject({ action: 'deny', ruleNumber: 32767 });
    const dflt = snapshot.securityGroups.find((g) => g.id === 'Vpc.DefaultSecurityGroup')!;
    expect(dflt.inbound.map((r) => r.peer)).toEqual([{ kind: 'group', groupId: 'Vpc.DefaultSecurityGroup' }]);
    expect(snapshot.routeTables.find((r) => r.id === 'Vpc.MainRouteTable')!.routes.map((r) => r.target.kind)).toEqual(['local']);
  });

  it('an interface launched without groups gets the default group of its VPC (ref 4.1)', () => {
    const t = { Resources: { Vpc: VPC, Subnet: { Type: 'AWS::EC2::Subnet', Properties: { VpcId: ref('Vpc'), CidrBlock: '10.0.1.0/24' } }, I: { Type: 'AWS::EC2::Instance', Properties: { SubnetId: ref('Subnet'), PrivateIpAddress: '10.0.1.5' } } } };
    expect(layer([['t.json', toJson(t)]]).snapshot.enis[0]!.groupIds).toEqual(['Vpc.DefaultSecurityGroup']);
  });

  it('CloudFormation protocol spellings: -1 (number or string) is all protocols and ports whatever the range says; "6" and 6 are tcp (ref 4.2, 5.2, 8.14)', () => {
    const t = {
      Resources: {
        Vpc: VPC,
        G: sgWith([{ IpProtocol: -1, FromPort: 80, ToPort: 80, CidrIp: '10.0.0.0/8' }, { IpProtocol: '6', FromPort: 22, ToPort: 22, CidrIp: '192.0.2.0/24' }]),
        Acl: { Type: 'AWS::EC2::NetworkAcl', Properties: { VpcId: ref('Vpc') } },
        All: { Type: 'AWS::EC2::NetworkAclEntry', Properties: { NetworkAclId: ref('Acl'), RuleNumber: 100, Protocol: -1, RuleAction: 'allow', CidrBlock: '10.0.0.0/8', PortRange: { From: 80, To: 80 } } },
        Ssh: { Type: 'AWS::EC2::NetworkAclEntry', Properties: { NetworkAclId: ref('Acl'), RuleNumber: 90, Protocol: 6, RuleAction: 'deny', Egress: false, CidrBlock: '10.9.0.0/16', PortRange: { From: 22, To: 22 } } },
        Ping: { Type: 'AWS::EC2::NetworkAclEntry', Properties: { NetworkAclId: ref('Acl'), RuleNumber: 100, Protocol: 1, RuleAction: 'allow', Egress: true, CidrBlock: '0.0.0.0/0', Icmp: { Type: 8, Code: -1 } } },
      },
    };
    const index = indexSnapshot(layer([['t.yaml', toYaml(t)]]).snapshot);
    expect(evaluateGroupIds(index, ['G'], 'inbound', packet({ proto: 'udp', src: '10.1.2.3', dst: '10.0.1.5', dport: 9999 })).allowed).toBe(true);
    expect(evaluateGroupIds(index, ['G'], 'inbound', packet({ proto: 'tcp', src: '192.0.2.9', dst: '10.0.1.5', dport: 22 })).allowed).toBe(true);
    const acl = index.naclById.get('Acl')!;
    expect(evaluateNacl(acl, 'inbound', packet({ proto: 'udp', src: '10.1.2.3', dst: '10.0.1.5', dport: 9999 }))).toMatchObject({ action: 'allow', ruleNumber: 100 });
    expect(evaluateNacl(acl, 'inbound', packet({ proto: 'tcp', src: '10.9.0.1', dst: '10.0.1.5', dport: 22 }))).toMatchObject({ action: 'deny', ruleNumber: 90 });
    const ping = packet({ proto: 'icmp', src: '10.0.1.5', dst: '198.51.100.1', type: 8, code: 0 });
    expect(evaluateNacl(acl, 'outbound', { ...ping, src: ping.dst, dst: ping.src })).toMatchObject({ action: 'allow', ruleNumber: 100 });
  });

  it("a tcp rule without ports is kept and never matches (CloudFormation rejects it), with a warning", () => {
    const t = { Resources: { Vpc: VPC, G: sgWith([{ IpProtocol: 'tcp', CidrIp: '0.0.0.0/0' }]) } };
    const { snapshot } = layer([['t.json', toJson(t)]]);
    expect(snapshot.securityGroups.find((g) => g.id === 'G')!.inbound[0]!.protocol).toBeNull();
    expect(snapshot.warnings.map((w) => w.message).join('\n')).toMatch(/a tcp rule needs FromPort and ToPort/);
  });
});

describe('bad templates: exit 2, the file, line and what was expected, never a stack trace', () => {
  const cases: Array<[string, string, string, RegExp]> = [
    ['YAML syntax', 'bad.yaml', 'Resources:\n  X:\n    Type: [AWS::EC2::VPC\n', /bad\.yaml:\d+: invalid YAML at line \d+/],
    ['an unknown tag', 'tag.yaml', 'Resources:\n  X:\n    Type: AWS::EC2::VPC\n    Properties:\n      CidrBlock: !Reff P\n', /tag\.yaml:5: Resources\.X\.Properties\.CidrBlock: unknown tag !Reff; expected a CloudFormation intrinsic function/],
    ['JSON syntax', 'bad.json', '{"Resources": {"X": {"Type": "AWS::EC2::VPC",}}}', /bad\.json:1: invalid JSON at line 1, column \d+/],
    ['no Resources', 'none.yaml', 'AWSTemplateFormatVersion: "2010-09-09"\n', /none\.yaml:.*expected a CloudFormation template, but it has no Resources/],
    ['a resource without Type', 'notype.yaml', 'Resources:\n  Vpc:\n    Properties: {}\n', /notype\.yaml:2: Resources\.Vpc\.Type: expected the resource type/],
    ['a Ref to nothing', 'ref.yaml', 'Resources:\n  G:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      GroupDescription: g\n      VpcId: !Ref Missing\n', /ref\.yaml:6: Resources\.G\.Properties\.VpcId\.Ref: Ref to Missing, which is neither a parameter nor a resource of the template/],
    ['a malformed GetAtt', 'getatt.json', JSON.stringify({ Resources: { G: { Type: 'AWS::EC2::SecurityGroup', Properties: { VpcId: { 'Fn::GetAtt': ['Vpc'] } } } } }, null, 1), /getatt\.json:\d+: Resources\.G\.Properties\.VpcId\["Fn::GetAtt"\]: expected \[logical id, attribute\]/],
    ['a condition that names a missing one', 'cond.yaml', 'Conditions:\n  A: !Condition B\nResources:\n  Vpc:\n    Type: AWS::EC2::VPC\n    Properties: {CidrBlock: 10.0.0.0/16}\n', /cond\.yaml:2: Conditions\.A\.Condition: no condition B in Conditions/],
  ];
  it.each(cases)('%s', async (_name, file, text, expected) => {
    const f = write(file, text);
    const r = await runCli(['audit', '--cfn', f]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(expected);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('a missing file, a directory, a Terraform plan given as a template', async () => {
    const missing = await runCli(['trace', '--cfn', path.join(dir, 'nope.yaml'), '--from', '10.0.0.1', '--to', '10.0.0.2', '--protocol', 'tcp', '--port', '1']);
    expect([missing.code, missing.stderr]).toEqual([2, expect.stringContaining('nope.yaml: no such file')]);
    const directory = await runCli(['audit', '--cfn', dir]);
    expect([directory.code, directory.stderr]).toEqual([2, expect.stringContaining('is a directory (give a template file; for a CDK app, cdk.out/<Stack>.template.json)')]);
    const plan = await runCli(['audit', '--cfn', 'examples/three-tier/plan.json']);
    expect([plan.code, plan.stderr]).toEqual([2, expect.stringContaining('this looks like a Terraform plan: give it with --plan')]);
  });

  it('parseTemplateText names every resource problem at once', () => {
    const r = parseTemplateText('t.json', JSON.stringify({ Resources: { A: 1, 'B-x': { Type: 'AWS::EC2::VPC' }, C: { Type: 'AWS::EC2::VPC', Properties: [] } } }));
    expect(E.isLeft(r) && r.left.problems.map((p) => p.path)).toEqual(['Resources.A', 'Resources.B-x', 'Resources.C.Properties']);
  });
});

describe('CDK: cdk synth output as is (examples/cdk)', () => {
  const T = 'examples/cdk/template.json';

  it('audit: latent exposure only (the public address is unknown until deployment); CDK\'s restrictDefaultSecurityGroup custom resource empties the default group', async () => {
    const r = await runCli(['audit', '--cfn', T, '--format', 'json']);
    expect(r.code, r.stderr).toBe(1);
    const findings = (JSON.parse(r.stdout) as { findings: Array<{ rule: string; resource: string; severity: string; exposure?: string }> }).findings;
    // SSH from 0.0.0.0/0 on the web group and the default NACL's allow-all: latent, never effective, as no
    // public address is known before deployment; nothing high.
    expect(findings.map((f) => [f.rule, f.resource, f.severity]).sort()).toEqual([
      ['nacl-admin-port-open-to-internet', 'Vpc8378EB38.DefaultNetworkAcl', 'medium'],
      ['nacl-all-ports-open-to-internet', 'Vpc8378EB38.DefaultNetworkAcl', 'medium'],
      ['sg-admin-port-open-to-internet', 'WebSecurityGroup57E7C5A6', 'medium'],
      ['sg-egress-open-to-internet', 'WebSecurityGroup57E7C5A6', 'low'],
    ]);
    expect(findings.filter((f) => f.exposure !== undefined).every((f) => f.exposure === 'latent')).toBe(true);
    // Without the custom resource, the default group keeps its rules and is reported.
    const raw = JSON.parse((await import('node:fs')).readFileSync(T, 'utf8')) as { Resources: Record<string, { Type: string }> };
    const without = { ...raw, Resources: Object.fromEntries(Object.entries(raw.Resources).filter(([, v]) => v.Type !== 'Custom::VpcRestrictDefaultSG')) };
    const r2 = await runCli(['audit', '--cfn', write('no-restrict.json', JSON.stringify(without)), '--format', 'json']);
    expect((JSON.parse(r2.stdout) as { findings: Array<{ rule: string; resource: string }> }).findings.filter((f) => f.rule === 'default-security-group-has-rules').map((f) => [f.rule, f.resource])).toEqual([
      ['default-security-group-has-rules', 'Vpc8378EB38.DefaultSecurityGroup'],
      ['default-security-group-has-rules', 'Vpc8378EB38.DefaultSecurityGroup'],
    ]);
  });

  it('the README\'s traces: web to db 5432 reachable, 22 blocked by the db group; db to the internet blocked by CDK\'s "Disallow all traffic" rule', async () => {
    const trace = async (from: string, to: string, port: string) => runCli(['trace', '--cfn', T, '--from', from, '--to', to, '--protocol', 'tcp', '--port', port, '--format', 'json']);
    expect((await trace('WebInstance9A2F5B4C', 'DbInstanceE5C1F6A2', '5432')).code).toBe(0);
    const ssh = await trace('WebInstance9A2F5B4C', 'DbInstanceE5C1F6A2', '22');
    expect([ssh.code, (JSON.parse(ssh.stdout) as { blockedBy: unknown }).blockedBy]).toEqual([1, { component: 'security-group', ids: ['DbSecurityGroup8F5EDB1D'], direction: 'inbound', path: 'forward' }]);
    const out = await trace('DbInstanceE5C1F6A2', '203.0.113.9', '443');
    expect([out.code, (JSON.parse(out.stdout) as { blockedBy: unknown }).blockedBy]).toEqual([1, { component: 'security-group', ids: ['DbSecurityGroup8F5EDB1D'], direction: 'outbound', path: 'forward' }]);
    // Names come from aws:cdk:path; IAM roles and the custom resource's function are not listed as ignored.
    expect(ssh.stderr).not.toMatch(/does not model/);
    expect((JSON.parse(ssh.stdout) as { explanation: string }).explanation).toContain('(WebDbStack/DbInstance)');
  });
});
