/**
 * `vpcwhy audit --intents FILE` through the CLI: the example's intents pass (exit 0) and are listed; the
 * failing file gives one high `intent` finding per statement in text, JSON and SARIF (located at the
 * statement's line), each counterexample confirmed by the `vpcwhy trace` command it prints; bad files and
 * unknown ids exit 2 with file:line:column.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/run-cli.js';
import { validateSarif } from '../cli/sarif-schema.js';

const SNAP = 'examples/three-tier/snapshot';
const PASSING = 'examples/three-tier/intents.yaml';
const FAILING = 'examples/three-tier/intents-failing.yaml';
const dir = mkdtempSync(path.join(os.tmpdir(), 'vpcwhy-intents-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
}

interface Json {
  findings: { rule: string; severity: string; resource: string; message: string; location: { file: string; jsonPath: string; line?: number; column?: number }; status?: string; counterexample?: { trace: string; reachable: boolean; blockedBy?: unknown; allowedBy?: unknown[] }; intent?: { name: string; line: number } }[];
  summary: { rulesRun: string[]; findings: number };
  intents?: { intent: { name: string; kind: string; line: number }; status: string; message: string }[];
}

describe('vpcwhy audit --intents', () => {
  it('lists every statement of the example as passed and exits 0 (text)', async () => {
    const r = await runCli(['audit', '--snapshot', SNAP, '--rules', 'intent', '--intents', PASSING]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^INTENTS \(6 passed\)\n {2}PASSED {2}web-1 answers HTTPS from the internet at its public IPv4 {2}\(must-allow, line 3\)\n {6}holds: /);
    expect(r.stdout.match(/^ {2}PASSED/gm)).toHaveLength(6);
    expect(r.stdout).toMatch(/\nno findings \(1 rule over /);
  });

  it('runs the intent rule too when --rules leaves it out', async () => {
    const r = await runCli(['audit', '--snapshot', SNAP, '--rules', 'quota-near', '--intents', FAILING, '--format', 'json']);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as Json;
    expect(out.summary.rulesRun).toEqual(['quota-near', 'intent']);
  });

  it('without --intents the intent rule reports nothing', async () => {
    const r = await runCli(['audit', '--snapshot', SNAP, '--rules', 'intent', '--format', 'json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as Json;
    expect(out.findings).toEqual([]);
    expect(out.intents).toBeUndefined();
  });

  it('gives each failed statement as a high intent finding located at its line, and lists the outcomes (json)', async () => {
    const r = await runCli(['audit', '--snapshot', SNAP, '--intents', FAILING, '--rules', 'intent', '--format', 'json']);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as Json;
    expect(out.findings.map((f) => [f.rule, f.severity, f.location.jsonPath, f.location.line])).toEqual([
      ['intent', 'high', 'intents[1]', 6],
      ['intent', 'high', 'intents[2]', 9],
      ['intent', 'high', 'intents[0]', 3],
      ['intent', 'high', 'intents[3]', 12],
    ]);
    for (const f of out.findings) {
      expect(f.location).toMatchObject({ file: FAILING, column: 5 });
      expect(f.status).toBe('failed');
      expect(f.message).toMatch(/^intent ".+" \(must-(allow|deny) from \S+ to \S+\) fails: /);
    }
    expect(out.intents!.map((o) => [o.intent.name, o.status])).toEqual([
      ['web-1 answers HTTPS from the internet', 'failed'],
      ['the app tier reaches HTTPS on the internet', 'failed'],
      ['the web tier reaches the database', 'failed'],
      ['no SSH to web-1 from the internet', 'failed'],
    ]);
    const ssh = out.findings.find((f) => f.intent?.name === 'no SSH to web-1 from the internet')!;
    expect(ssh.resource).toBe('eni-0web100000000001');
    expect(ssh.counterexample!.allowedBy).toEqual([
      { component: 'security-group', id: 'sg-0web000000000001', direction: 'inbound', rule: 3 },
      { component: 'network-acl', id: 'acl-0public000000001', direction: 'inbound', rule: 110 },
    ]);
  });

  it('every counterexample is confirmed by the vpcwhy trace command the finding prints', async () => {
    const r = await runCli(['audit', '--snapshot', SNAP, '--intents', FAILING, '--rules', 'intent', '--format', 'json']);
    const out = JSON.parse(r.stdout) as Json;
    expect(out.findings).toHaveLength(4);
    for (const f of out.findings) {
      const c = f.counterexample!;
      expect(f.message).toContain(`Confirm with: ${c.trace}`);
      const t = await runCli([...c.trace.replace(/^vpcwhy /, '').split(' '), '--snapshot', SNAP, '--format', 'json']);
      const trace = JSON.parse(t.stdout) as { reachable: boolean; blockedBy: unknown; hops: { path: string; decision: string }[] };
      expect(trace.reachable).toBe(c.reachable);
      if (c.blockedBy !== undefined) expect(trace.blockedBy).toEqual(c.blockedBy);
      if (c.allowedBy !== undefined) expect(trace.hops.filter((h) => h.path === 'forward' && h.decision === 'deny')).toEqual([]);
    }
  });

  it('writes SARIF the schema accepts, each result at the statement line of the intents file', async () => {
    const r = await runCli(['audit', '--snapshot', SNAP, '--intents', FAILING, '--rules', 'intent', '--format', 'sarif']);
    expect(r.code).toBe(1);
    const sarif = JSON.parse(r.stdout) as { runs: { tool: { driver: { rules: { id: string }[] } }; results: { ruleId: string; level: string; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number; startColumn: number } } }[] }[] }[] };
    expect(validateSarif(sarif), JSON.stringify(validateSarif.errors)).toBe(true);
    const run = sarif.runs[0]!;
    expect(run.tool.driver.rules.map((x) => x.id)).toEqual(['intent']);
    expect(run.results.map((x) => [x.ruleId, x.level, x.locations[0]!.physicalLocation.artifactLocation.uri, x.locations[0]!.physicalLocation.region])).toEqual([
      ['intent', 'error', FAILING, { startLine: 6, startColumn: 5 }],
      ['intent', 'error', FAILING, { startLine: 9, startColumn: 5 }],
      ['intent', 'error', FAILING, { startLine: 3, startColumn: 5 }],
      ['intent', 'error', FAILING, { startLine: 12, startColumn: 5 }],
    ]);
  });

  it('an undetermined statement is a medium finding (exit 1 at --fail-on low, 0 at high)', async () => {
    // The example's web group admits SSH from a prefix list; here the list's entries are missing.
    const snap = path.join(dir, 'snap');
    const { cpSync, readFileSync } = await import('node:fs');
    cpSync(SNAP, snap, { recursive: true });
    const pl = path.join(snap, 'managed-prefix-lists.json');
    const doc = JSON.parse(readFileSync(pl, 'utf8')) as { PrefixLists: Record<string, unknown>[] };
    delete doc.PrefixLists[0]!['Entries'];
    writeFileSync(pl, JSON.stringify(doc));
    const f = file('undetermined.yaml', 'intents:\n  - name: no ssh from the internet\n    must-deny: { from: internet, to: eni-0web100000000001, protocol: tcp, ports: 22 }\n');
    const r = await runCli(['audit', '--snapshot', snap, '--intents', f, '--rules', 'intent', '--format', 'json']);
    const out = JSON.parse(r.stdout) as Json;
    expect(out.findings.map((x) => [x.severity, x.status])).toEqual([['medium', 'undetermined']]);
    expect(r.code).toBe(1);
    expect((await runCli(['audit', '--snapshot', snap, '--intents', f, '--rules', 'intent', '--fail-on', 'high'])).code).toBe(0);
  });

  it.each([
    ['a missing file', () => path.join(dir, 'nope.yaml'), /^vpcwhy: --intents: cannot read .*nope\.yaml: no such file\n$/],
    ['bad YAML', () => file('bad.yaml', 'intents:\n  - name: a\n    must-allow: {from: internet\n'), /^vpcwhy: --intents: .*bad\.yaml:\d+:\d+: not valid YAML: /],
    ['an unknown key', () => file('key.yaml', 'intents:\n  - name: a\n    must-allow: { from: internet, to: eni-0web100000000001, protocol: tcp, port: 443 }\n'), /^vpcwhy: --intents: .*key\.yaml:3:76: intents\[0\]\.must-allow: unknown key "port"/],
    ['an id the snapshot lacks', () => file('id.yaml', 'intents:\n  - name: a\n    must-deny: { from: sg-0nope, to: eni-0web100000000001, protocol: tcp }\n'), /^vpcwhy: --intents: .*id\.yaml:3:24: from: no network interface, security group or subnet sg-0nope in the snapshot\n$/],
  ])('exits 2 with one line naming the place for %s', async (_what, make, expected) => {
    const r = await runCli(['audit', '--snapshot', SNAP, '--intents', make()]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(expected);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('with --plan, a statement whose paths touch a value unknown until apply is undetermined, never decided on a guess', async () => {
    const f = file('unknown.yaml', 'intents:\n  - name: admin closed to the internet\n    must-deny: { from: internet, to: aws_instance.admin, protocol: all }\n  - name: web reaches admin\n    must-allow: { from: sg-0web000000000001, to: aws_instance.admin, protocol: tcp, ports: 22 }\n');
    const r = await runCli(['audit', '--snapshot', SNAP, '--plan', 'examples/three-tier/plan.json', '--intents', f, '--rules', 'intent', '--format', 'json']);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as Json;
    expect(out.intents!.map((o) => o.status)).toEqual(['undetermined', 'passed']);
    expect(out.intents![0]!.message).toMatch(/^undetermined: unknown until apply on its paths: aws_instance\.admin public_ip \(.*\)\. By what is known, it holds: /);
    expect(out.findings.map((x) => [x.severity, x.status])).toEqual([['medium', 'undetermined']]);
  });

  it('with --plan, a Terraform address names the planned resource (aws_instance.admin: its interface)', async () => {
    const f = file('plan.yaml', 'intents:\n  - name: web reaches admin over ssh\n    must-allow: { from: sg-0web000000000001, to: aws_instance.admin, protocol: tcp, ports: 22 }\n');
    const r = await runCli(['audit', '--snapshot', SNAP, '--plan', 'examples/three-tier/plan.json', '--intents', f, '--rules', 'intent']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('PASSED  web reaches admin over ssh');
  });
});
