/**
 * The key properties of --cfn:
 * - the same configuration as describe-* JSON and as a CloudFormation template (JSON, or YAML with short
 *   forms; alone, or over a partial snapshot of what exists) gives the same trace answers and reach sets;
 * - the same configuration as a Terraform plan and as a template gives the same audit findings.
 * Ids of created resources are their logical ids (or Terraform addresses): they are mapped to the AWS ids of
 * the describe JSON before comparing.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/run-cli.js';
import { toJson, toYaml } from './cfn-builder.js';
import { LOGICAL_IDS, cfnTemplate } from './cfn-same-config.js';
import { planOf } from './plan-builder.js';
import { FLOWS, IDS, MODULES, describeJson, resources } from './same-config.js';

const dir = mkdtempSync(path.join(tmpdir(), 'vpcwhy-cfn-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

const describeFile = write('describe.json', JSON.stringify(describeJson({ publicIp: false })));
const yamlTemplate = write('template.yaml', toYaml(cfnTemplate()));
const jsonTemplate = write('template.json', toJson(cfnTemplate()));
const partialTemplate = write('partial.yaml', toYaml(cfnTemplate({ partial: true })));
const partialDescribe = (() => {
  const full = describeJson({ publicIp: false });
  return write('partial.json', JSON.stringify({ Vpcs: full.Vpcs, InternetGateways: full.InternetGateways, Subnets: full.Subnets, RouteTables: full.RouteTables }));
})();
const planFile = write('plan.json', JSON.stringify(planOf(resources({ publicIp: false }), 'new', MODULES)));

/** Terraform addresses, as same-answers.test.ts maps them, and the implicit objects of the VPC. */
const ADDRESS_IDS: ReadonlyArray<readonly [string, string]> = [
  ['module.net.aws_subnet.private[0]', IDS.private], ['aws_security_group.web', IDS.web], ['aws_security_group.db', IDS.db],
  ['aws_network_acl.public', IDS.aclPublic], ['aws_network_acl.private', IDS.aclPrivate], ['aws_route_table.public', IDS.rtPublic],
  ['aws_route_table.private', IDS.rtPrivate], ['aws_subnet.public', IDS.public], ['aws_internet_gateway.gw', IDS.igw],
  ['aws_network_interface.extra', IDS.extraEni], ['aws_network_interface.db', IDS.dbEni], ['aws_instance.web', IDS.webEni], ['aws_vpc.main', IDS.vpc],
  ['aws_vpc.main.default_security_group_id', 'default-sg'], ['aws_vpc.main.default_network_acl_id', 'default-acl'], ['aws_vpc.main.main_route_table_id', 'main-rt'],
];
const IMPLICIT_IDS: ReadonlyArray<readonly [string, string]> = [['Vpc.DefaultSecurityGroup', 'default-sg'], ['Vpc.DefaultNetworkAcl', 'default-acl'], ['Vpc.MainRouteTable', 'main-rt']];

function mapIds(v: unknown, pairs: ReadonlyArray<readonly [string, string]>): unknown {
  let s = JSON.stringify(v) ?? 'null';
  // Whole names only: `Vpc` is not replaced inside `Vpc.DefaultSecurityGroup` or `VpcId`.
  for (const [a, id] of [...pairs].sort((x, y) => y[0].length - x[0].length)) {
    const escaped = a.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    s = s.replace(new RegExp(`(?<![A-Za-z0-9_.\\[-])${escaped}(?![A-Za-z0-9_.\\[-])`, 'g'), id);
  }
  return JSON.parse(s);
}
const fromCfn = (v: unknown): unknown => mapIds(v, [...IMPLICIT_IDS, ...LOGICAL_IDS]);
const fromTf = (v: unknown): unknown => mapIds(v, ADDRESS_IDS);

type Flow = (typeof FLOWS)[number];

async function answer(args: string[], flow: Flow): Promise<{ code: number; reachable: boolean; blockedBy: unknown; stderr: string }> {
  const flowArgs = ['--from', flow.from, '--to', flow.to, '--protocol', flow.protocol, ...(flow.port !== undefined ? ['--port', String(flow.port)] : []), ...(flow.icmpType !== undefined ? ['--icmp-type', String(flow.icmpType)] : [])];
  const r = await runCli(['trace', ...args, ...flowArgs, '--format', 'json']);
  if (r.code === 2) return { code: 2, reachable: false, blockedBy: r.stderr, stderr: r.stderr };
  const json = JSON.parse(r.stdout) as { reachable: boolean; blockedBy: unknown };
  return { code: r.code, reachable: json.reachable, blockedBy: fromCfn(json.blockedBy), stderr: r.stderr };
}

const label = (f: Flow): string => `${f.from} -> ${f.to} ${f.protocol}${f.port !== undefined ? `/${f.port}` : ''}`;

describe('a CloudFormation template and the describe JSON of the same configuration give the same trace answers', () => {
  describe.each(FLOWS.filter((f) => f.needsPublic !== true).map((f) => [label(f), f] as const))('%s', (_name, flow) => {
    it.each([['YAML with short-form intrinsics', yamlTemplate], ['JSON', jsonTemplate]])('the template alone (%s)', async (_format, template) => {
      const expected = await answer(['--snapshot', describeFile], flow);
      const got = await answer(['--cfn', template], flow);
      expect(got.stderr).not.toMatch(/unknown until deployment|not in the snapshot/);
      expect({ code: got.code, reachable: got.reachable, blockedBy: got.blockedBy }).toEqual({ code: expected.code, reachable: expected.reachable, blockedBy: expected.blockedBy });
    });

    it('the template over a partial snapshot of what exists (parameters default to existing ids)', async () => {
      const expected = await answer(['--snapshot', describeFile], flow);
      const got = await answer(['--snapshot', partialDescribe, '--cfn', partialTemplate], flow);
      // An existing subnet's MapPublicIpOnLaunch is not in describe-subnets output as read: the web instance's
      // public address is unknown (it matters only with the internet, which these flows do not involve).
      const warnings = got.stderr.split('\n').filter((l) => !l.includes('WebInstance.Properties.PublicIp'));
      expect(warnings.join('\n')).not.toMatch(/unknown until deployment|not in the snapshot/);
      expect({ code: got.code, reachable: got.reachable, blockedBy: got.blockedBy }).toEqual({ code: expected.code, reachable: expected.reachable, blockedBy: expected.blockedBy });
    });
  });

  it('reach gives the same connection set to each interface (logical ids name interfaces: an instance by its primary one)', async () => {
    for (const [logical, eni] of [['WebInstance', IDS.webEni], ['DbEni', IDS.dbEni], ['ExtraEni', IDS.extraEni]] as const) {
      const expected = await runCli(['reach', '--snapshot', describeFile, '--to', eni, '--from', '10.0.0.0/8', '--format', 'json']);
      const got = await runCli(['reach', '--cfn', yamlTemplate, '--to', logical, '--from', '10.0.0.0/8', '--format', 'json']);
      expect(got.code, got.stderr).toBe(expected.code);
      expect(fromCfn(JSON.parse(got.stdout))).toEqual(JSON.parse(expected.stdout));
    }
  });
});

interface JsonFinding { rule: string; severity: string; resource: string; message: string; entry?: unknown; location: { file: string; jsonPath: string } }

async function findings(args: string[]): Promise<{ code: number; findings: JsonFinding[]; stderr: string }> {
  const r = await runCli(['audit', ...args, '--format', 'json']);
  expect([0, 1], r.stderr).toContain(r.code);
  return { code: r.code, findings: (JSON.parse(r.stdout) as { findings: JsonFinding[] }).findings, stderr: r.stderr };
}

const comparable = (fs: readonly JsonFinding[]): string[] => fs.map((f) => JSON.stringify({ rule: f.rule, severity: f.severity, resource: f.resource, entry: f.entry ?? null, message: f.message })).sort();

describe('a CloudFormation template and a Terraform plan of the same configuration give the same audit findings', () => {
  it('the same rules fire on the same resources and entries, with the same messages modulo ids', async () => {
    const tf = await findings(['--plan', planFile]);
    const cfn = await findings(['--cfn', yamlTemplate]);
    expect(cfn.code).toBe(tf.code);
    expect(cfn.findings.length).toBeGreaterThan(0);
    expect(comparable(fromCfn(cfn.findings) as JsonFinding[])).toEqual(comparable(fromTf(tf.findings) as JsonFinding[]));
  });

  it.each([['YAML', yamlTemplate, toYaml], ['JSON', jsonTemplate, toJson]] as const)('each finding points at the logical id in the template, with its line in SARIF (%s)', async (_f, template, render) => {
    const cfn = await findings(['--cfn', template]);
    for (const f of cfn.findings) {
      expect(f.location.file).toBe(template);
      expect(f.location.jsonPath).toMatch(/^Resources\.[A-Za-z0-9]+/);
    }
    const sarif = await runCli(['audit', '--cfn', template, '--format', 'sarif']);
    const results = (JSON.parse(sarif.stdout) as { runs: [{ results: Array<{ locations: [{ physicalLocation: { region?: { startLine: number } } }] }> }] }).runs[0].results;
    const text = render(cfnTemplate()).split('\n');
    expect(results.length).toBe(cfn.findings.length);
    results.forEach((r, i) => {
      const line = r.locations[0].physicalLocation.region?.startLine;
      expect(line, JSON.stringify(cfn.findings[i])).toBeDefined();
      const logicalId = /^Resources\.([A-Za-z0-9]+)/.exec(cfn.findings[i]!.location.jsonPath)![1]!;
      // The line is the resource's key or a line inside it (before the next resource).
      const start = text.findIndex((l) => l === `  ${logicalId}:` || l === `    "${logicalId}": {`);
      expect(start).toBeGreaterThanOrEqual(0);
      const next = text.findIndex((l, k) => k > start && (template === yamlTemplate ? /^ {2}[A-Za-z0-9]+:$/.test(l) : /^ {4}"[A-Za-z0-9]+": \{$/.test(l)));
      expect(line! - 1).toBeGreaterThanOrEqual(start);
      if (next > 0) expect(line! - 1).toBeLessThan(next);
    });
  });
});
