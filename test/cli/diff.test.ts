/**
 * `vpcwhy diff` (issue 16): exit codes (0 nothing breaks, 1 something that worked would break, 2 bad
 * input), the JSON shape, the text, and the plan form giving the same answers as the same change written
 * as describe JSON (--after).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

const SNAP = 'examples/three-tier/snapshot';
const AFTER = 'examples/three-tier/after';
const LOG = 'examples/three-tier/flows.log';
const PLAN = 'examples/three-tier/plan.json';
const PLAN_DB = 'examples/three-tier/plan-db-acl.json';

const dir = mkdtempSync(path.join(tmpdir(), 'vpcwhy-diff-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function diff(args: string[]) {
  const r = await runCli(['diff', ...args]);
  expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
  return r;
}

async function diffJson(args: string[]) {
  const r = await diff([...args, '--format', 'json']);
  return { code: r.code, json: JSON.parse(r.stdout) as Record<string, any>, stderr: r.stderr };
}

describe('vpcwhy diff', () => {
  it('exit 1 with the replayed break in words: db NACL rule 90 moved onto the app subnet denies the ACCEPTed app -> db tcp/5432 (ref 5.1)', async () => {
    const r = await diff(['--before', SNAP, '--after', AFTER, LOG]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('breaks 1 flow seen from 10.0.2.0/24 to tcp/5432 on eni-0db1000000000004, now denied by network ACL acl-0db0000000000003 inbound rule 90 (first: examples/three-tier/flows.log:4)');
    expect(r.stdout).toContain('- inbound tcp/5432 from source ports 1024-65535');
    expect(r.stdout).toContain('e.g. 10.0.2.20:49152 > 10.0.3.30:5432 tcp: now blocked by network ACL acl-0db0000000000003 inbound rule 90');
    expect(r.stdout).toContain('breaks 1 flow seen from eni-0db1000000000004 to 10.0.2.0/24 tcp/5432 (responses), now denied on the path by network ACL acl-0db0000000000003 inbound rule 90 (first: examples/three-tier/flows.log:5)');
    expect(r.stdout).toMatch(/BREAKS: flows seen in the logs would be denied after the change\.\n$/);
  });

  it('replays over the whole path: a group change at the client breaks the ACCEPTed requests logged at the server (ref 4.1)', async () => {
    const after = path.join(dir, 'app-egress');
    cpSync(SNAP, after, { recursive: true });
    const file = path.join(after, 'security-groups.json');
    const doc = JSON.parse(readFileSync(file, 'utf8')) as { SecurityGroups: Array<{ GroupId: string; IpPermissionsEgress: unknown[] }> };
    for (const g of doc.SecurityGroups) if (g.GroupId === 'sg-0app000000000002') g.IpPermissionsEgress = [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }];
    writeFileSync(file, JSON.stringify(doc));
    const r = await diff(['--before', SNAP, '--after', after, LOG]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('breaks 1 flow seen from 10.0.2.0/24 to tcp/5432 on eni-0db1000000000004, now denied on the path by security group sg-0app000000000002 outbound (first: examples/three-tier/flows.log:4)');
    expect(r.stdout).toContain('e.g. 10.0.2.20:49152 > 10.0.3.30:5432 tcp: now blocked by security group sg-0app000000000002 outbound');
  });

  it('examples/three-tier/diff-output.txt is what the CLI prints today (the example README quotes it)', async () => {
    const r = await diff(['--before', SNAP, '--after', AFTER, LOG]);
    expect(r.stdout).toBe(readFileSync('examples/three-tier/diff-output.txt', 'utf8'));
  });

  it('exit 1 without logs when a connection is newly denied; exit 0 when a change only opens (the example plan opens tcp/8443)', async () => {
    expect((await diff(['--before', SNAP, '--after', AFTER])).code).toBe(1);
    const open = await diff(['--snapshot', SNAP, '--plan', PLAN]);
    expect(open.code).toBe(0);
    expect(open.stdout).toContain('aws_instance.admin (added)');
    expect(open.stdout).toContain('+ inbound tcp/8443');
    expect(open.stdout).toMatch(/Nothing that connects before the change is denied after it\.\n$/);
    const withLogs = await diff(['--snapshot', SNAP, '--plan', PLAN, LOG]);
    expect(withLogs.code).toBe(0);
    expect(withLogs.stdout).toContain('every record gets the same verdict before and after');
  });

  it('exit 0 and NO CHANGE for a configuration against itself', async () => {
    const r = await diff(['--before', SNAP, '--after', SNAP, LOG]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^NO CHANGE: the 5 interfaces compared admit the same connections before and after/);
  });

  it('JSON: {eni, replay, unknowns, notes, summary}; plan values unknown until apply are listed, not evaluated', async () => {
    const { code, json } = await diffJson(['--snapshot', SNAP, '--plan', PLAN, LOG]);
    expect(code).toBe(0);
    expect(Object.keys(json)).toEqual(['eni', 'replay', 'intents', 'unknowns', 'notes', 'summary']);
    expect(json.intents).toBeNull();
    expect(json.eni.map((e: any) => [e.eniId, e.change])).toEqual([['aws_instance.admin', 'added'], ['eni-0web100000000001', 'changed'], ['eni-0web200000000002', 'changed']]);
    const row = json.eni[1].newlyAllowed[0];
    expect(Object.keys(row)).toEqual(['direction', 'family', 'protocol', 'ports', 'srcPorts', 'sources', 'destinations', 'allowedBy']);
    expect(json.eni[1].newlyAllowed.every((r: any) => r.protocol === 6 && JSON.stringify(r.ports) === '[[8443,8443]]')).toBe(true);
    expect(json.eni[1].newlyAllowed.flatMap((r: any) => r.allowedBy)).toContainEqual({ component: 'network-acl', id: 'acl-0public000000001', direction: 'inbound', rule: 115 });
    expect(json.unknowns).toContainEqual({ kind: 'plan-value', side: 'after', address: 'aws_instance.admin', attribute: 'public_ip', objectId: 'aws_instance.admin', consequence: expect.any(String) });
    expect(Object.keys(json.replay)).toEqual(['records', 'breaks', 'newlyAllowed', 'counts']);
    expect(json.replay.records).toBe(13);
    expect(json.summary).toMatchObject({ interfaces: 6, changed: 3, newlyDeniedRows: 0, breaks: false });
    const noLogs = await diffJson(['--snapshot', SNAP, '--plan', PLAN]);
    expect(noLogs.json.replay).toBeNull();
  });

  it('a Terraform update of the NACL entry gives the same answers as the same change written as describe JSON', async () => {
    const plan = await diffJson(['--snapshot', SNAP, '--plan', PLAN_DB, LOG]);
    const after = await diffJson(['--before', SNAP, '--after', AFTER, LOG]);
    expect(plan.code).toBe(1);
    expect(plan.json).toEqual(after.json);
    expect(plan.json.replay.breaks).toContainEqual({
      eniId: 'eni-0db1000000000004', direction: 'inbound', traffic: 'request', peer: '10.0.2.0/24', protocol: 6, port: 5432,
      blockedBy: { component: 'network-acl', id: 'acl-0db0000000000003', direction: 'inbound', rule: 90 },
      rule: expect.stringContaining('rule 90'), via: 'interface', records: 1, first: { file: LOG, line: 4 },
    });
    expect(plan.json.replay.breaks.map((g: any) => [g.traffic, g.via, g.first.line]).sort()).toEqual([['request', 'interface', 4], ['response', 'path', 5]]);
  });

  it('reports a removed interface, whose connections are all newly denied (exit 1), and --interface restricts the diff', async () => {
    const less = path.join(dir, 'less');
    cpSync(SNAP, less, { recursive: true });
    const file = path.join(less, 'network-interfaces.json');
    const doc = JSON.parse(readFileSync(file, 'utf8')) as { NetworkInterfaces: Array<{ NetworkInterfaceId: string }> };
    doc.NetworkInterfaces = doc.NetworkInterfaces.filter((e) => e.NetworkInterfaceId !== 'eni-0db1000000000004');
    writeFileSync(file, JSON.stringify(doc));
    const { code, json } = await diffJson(['--before', SNAP, '--after', less]);
    expect(code).toBe(1);
    const gone = json.eni.find((e: any) => e.eniId === 'eni-0db1000000000004');
    expect(gone.change).toBe('removed');
    expect(gone.newlyDenied.length).toBeGreaterThan(0);
    const only = await diffJson(['--before', SNAP, '--after', less, '--interface', 'eni-0web100000000001']);
    expect(only.code).toBe(0);
    expect(only.json.eni).toEqual([]);
    expect(only.json.summary.interfaces).toBe(1);
    const replayed = await diffJson(['--before', SNAP, '--after', AFTER, '--interface', 'eni-0web100000000001', LOG]);
    expect(replayed.code).toBe(0);
    expect(replayed.json.replay.records).toBe(5);
    expect(replayed.json.replay.breaks).toEqual([]);
  });

  it.each([
    [['--before', SNAP, '--after', AFTER, '--snapshot', SNAP], /not both forms/],
    [['--before', SNAP], /--after PATH is required/],
    [['--after', AFTER], /--before PATH is required/],
    [['--snapshot', SNAP], /--plan FILE or --cfn TEMPLATE is required with --snapshot/],
    [['--plan', PLAN], /--snapshot PATH is required with --plan/],
    [[], /nothing to compare/],
    [['--before', SNAP, '--after', AFTER, '--format', 'sarif'], /--format: expected text or json, got "sarif"/],
    [['--before', SNAP, '--after', AFTER, 's3://bucket/flows/'], /diff reads local flow-log files/],
    [['--before', SNAP, '--after', AFTER, '--strict'], /--strict applies to flow logs/],
    [['--before', SNAP, '--after', AFTER, '--interface', 'eni-nope'], /--interface: no network interface eni-nope in either configuration/],
    [['--before', 'examples/three-tier/nope', '--after', AFTER], /nope/],
    [['--before', SNAP, '--after', AFTER, '--log-format', '${version', LOG], /--log-format: bad token/],
  ])('bad input %j exits 2 with one line', async (args, message) => {
    const r = await diff(args as string[]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });

  it('exits 2 on a missing log file and on a bad line under --strict, after its output', async () => {
    const missing = await diff(['--before', SNAP, '--after', AFTER, path.join(dir, 'missing.log')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/missing\.log/);
    const bad = path.join(dir, 'bad.log');
    writeFileSync(bad, 'not a flow log record\n');
    const strict = await diff(['--before', SNAP, '--after', AFTER, '--strict', bad]);
    expect(strict.code).toBe(2);
    expect(strict.stderr).toMatch(/bad line \(--strict\): .*bad\.log:1: /);
    const lax = await diff(['--before', SNAP, '--after', SNAP, bad]);
    expect(lax.code).toBe(0);
    expect(lax.stderr).toMatch(/bad line .*bad\.log:1/);
  });

  describe('--intents: the statements checked exactly under both configurations (issue 16, "Intents")', () => {
    const INTENTS = 'examples/three-tier/intents.yaml';

    it('names the statement the change breaks, with the packet trace confirms, and exits 1 even without logs (ref 5.1)', async () => {
      const { code, json } = await diffJson(['--before', SNAP, '--after', AFTER, '--intents', INTENTS]);
      expect(code).toBe(1);
      const byName = new Map<string, any>(json.intents.map((c: any) => [c.intent.name, c]));
      const broken = byName.get('the app tier reaches the database');
      expect(broken).toMatchObject({ change: 'broken', before: 'passed', after: { status: 'failed' } });
      const cx = broken.after.counterexample;
      expect(cx.blockedBy).toMatchObject({ component: 'network-acl', id: 'acl-0db0000000000003', direction: 'inbound', rule: 90 });
      // The counterexample is a packet `vpcwhy trace` blocks after the change and lets through before.
      const args = ['--from', cx.src, '--to', cx.dst, '--protocol', 'tcp', '--port', String(cx.dstPort), '--src-port', String(cx.srcPort)];
      expect(cx.trace).toBe(`vpcwhy trace ${args.join(' ')}`);
      expect((await runCli(['trace', '--snapshot', AFTER, ...args])).code).toBe(1);
      expect((await runCli(['trace', '--snapshot', SNAP, ...args])).code).toBe(0);
      expect([...byName.values()].filter((c) => c.change !== 'held').map((c) => c.intent.name)).toEqual(['the app tier reaches the database']);
      expect(json.summary.intentsBroken).toBe(1);
      const text = await diff(['--before', SNAP, '--after', AFTER, '--intents', INTENTS]);
      expect(text.stdout).toMatch(/^ {2}BROKEN {6}the app tier reaches the database: fails: .* network ACL acl-0db0000000000003 inbound rule 90\. .*\(it held before the change\)$/m);
      expect(text.stdout).toContain('BROKEN INTENTS: statements that held before the change fail after it.');
    });

    it('a change that only opens keeps every statement (exit 0); statements failing on both sides are listed, not a break', async () => {
      const held = await diffJson(['--snapshot', SNAP, '--plan', PLAN, '--intents', INTENTS]);
      expect(held.code).toBe(0);
      expect(held.json.intents.map((c: any) => c.change)).toEqual(Array(held.json.intents.length).fill('held'));
      const failing = await diffJson(['--snapshot', SNAP, '--plan', PLAN, '--intents', 'examples/three-tier/intents-failing.yaml']);
      expect(failing.code).toBe(0);
      expect(failing.json.intents.map((c: any) => [c.change, c.before])).toEqual(Array(failing.json.intents.length).fill(['failing', 'failed']));
    });

    it('a Terraform address names the planned resource after the change only; one that neither side has is bad input (exit 2)', async () => {
      const planned = path.join(dir, 'planned.yaml');
      writeFileSync(planned, 'intents:\n  - name: the admin host is closed to the internet\n    must-deny: { from: internet, to: aws_instance.admin, protocol: tcp, ports: 22 }\n');
      const { json } = await diffJson(['--snapshot', SNAP, '--plan', PLAN, '--intents', planned]);
      expect(json.intents[0]).toMatchObject({ before: null });
      expect(json.intents[0].after).not.toBeNull();
      const nowhere = path.join(dir, 'nowhere.yaml');
      writeFileSync(nowhere, 'intents:\n  - name: nothing\n    must-allow: { from: internet, to: eni-0000000000000000f, protocol: tcp, ports: 443 }\n');
      const r = await diff(['--before', SNAP, '--after', AFTER, '--intents', nowhere]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^vpcwhy: --intents: .*nowhere\.yaml:3:\d+: /);
      const bad = path.join(dir, 'bad-intents.yaml');
      writeFileSync(bad, 'intents:\n  - name: x\n    must-allow: { from: internet, to: eni-0web100000000001, protcol: tcp }\n');
      const b = await diff(['--before', SNAP, '--after', AFTER, '--intents', bad]);
      expect(b.code).toBe(2);
      expect(b.stderr).toMatch(/bad-intents\.yaml:3:\d+: .*unknown key "protcol"/);
      expect(b.stdout).toBe('');
    });
  });

  it('--cfn is a change as --plan is: a template opening tcp/8443 on the web tier gives the rows the same change as a Terraform plan gives (issue 21)', async () => {
    const template = path.join(dir, 'web-8443.yaml');
    writeFileSync(template, [
      'Resources:',
      '  Web8443:',
      '    Type: AWS::EC2::SecurityGroupIngress',
      '    Properties: { GroupId: sg-0web000000000001, IpProtocol: tcp, FromPort: 8443, ToPort: 8443, CidrIp: 0.0.0.0/0, Description: HTTPS admin console }',
      '  Acl8443:',
      '    Type: AWS::EC2::NetworkAclEntry',
      '    Properties: { NetworkAclId: acl-0public000000001, RuleNumber: 115, Protocol: 6, RuleAction: allow, Egress: false, CidrBlock: 0.0.0.0/0, PortRange: { From: 8443, To: 8443 } }',
      '',
    ].join('\n'));
    const viaCfn = await diffJson(['--snapshot', SNAP, '--cfn', template, '--interface', 'eni-0web100000000001']);
    // The example plan's two 8443 rules alone (it also adds an admin host).
    const plan = JSON.parse(readFileSync(PLAN, 'utf8'));
    const keep = (r: { address: string }) => r.address.endsWith('.web_8443');
    plan.resource_changes = plan.resource_changes.filter(keep);
    if (plan.planned_values?.root_module?.resources) plan.planned_values.root_module.resources = plan.planned_values.root_module.resources.filter(keep);
    if (plan.configuration) delete plan.configuration;
    const planFile = path.join(dir, 'web-8443-plan.json');
    writeFileSync(planFile, JSON.stringify(plan));
    const viaPlan = await diffJson(['--snapshot', SNAP, '--plan', planFile, '--interface', 'eni-0web100000000001']);
    expect(viaPlan.code, viaPlan.stderr).toBe(0);
    expect(viaCfn.code, viaCfn.stderr).toBe(0);
    const rows = (j: Record<string, any>): string[] => j.eni.flatMap((e: any) => e.newlyAllowed.map((r: any) => JSON.stringify([r.direction, r.protocol, r.ports, r.sources, r.destinations])));
    expect(rows(viaCfn.json)).toEqual(rows(viaPlan.json));
    expect(viaCfn.json.eni[0].newlyAllowed.length).toBeGreaterThan(0);
    expect((await diff(['--snapshot', SNAP, '--cfn', template, '--before', SNAP])).code).toBe(2);
  });
});
