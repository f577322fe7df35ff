/** `vpcwhy audit` with `.vpcwhy.yaml` / --config, --baseline and --write-baseline, through the CLI (issue 21). */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';
import { validateSarif } from './sarif-schema.js';

const SNAP = path.resolve('examples/three-tier/snapshot');
const dir = mkdtempSync(path.join(tmpdir(), 'vpcwhy-suppress-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
}

interface JsonFinding {
  rule: string;
  resource: string;
  message: string;
  severity: string;
  suppressed?: { kind: string; reason: string; file: string; line?: number; expires?: string };
  [k: string]: unknown;
}
interface AuditJson {
  findings: JsonFinding[];
  summary: { findings: number; bySeverity: Record<string, number>; suppressed?: { config: number; baseline: number } };
}

/**
 * The example's findings of the two rules these tests run (the catalogue grows; the suppression mechanics do
 * not depend on it): 4 nacl-missing-return-path (high), 1 blackhole-route (medium).
 */
const TWO_RULES = ['--rules', 'nacl-missing-return-path,blackhole-route'];
const RETURN_PATHS = ['suppressions:', '  - rule: nacl-missing-return-path', '    resource: acl-0*', '    reason: "replies handled by the proxy, ticket NET-12"', ''].join('\n');

async function inDir<T>(cwd: string, f: () => Promise<T>): Promise<T> {
  const before = process.cwd();
  process.chdir(cwd);
  try {
    return await f();
  } finally {
    process.chdir(before);
  }
}

describe('vpcwhy audit: suppressions', () => {
  it('reads .vpcwhy.yaml from the working directory: suppressed findings counted, listed with --verbose, not in the exit code at --fail-on high', async () => {
    const cwd = mkdtempSync(path.join(dir, 'cwd-'));
    writeFileSync(path.join(cwd, '.vpcwhy.yaml'), RETURN_PATHS);
    const r = await inDir(cwd, () => runCli(['audit', '--snapshot', SNAP, ...TWO_RULES, '--fail-on', 'high']));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('HIGH');
    expect(r.stdout).toContain('MEDIUM (1)');
    expect(r.stdout.trimEnd().split('\n').slice(-2)).toEqual([
      '1 finding (1 medium) from 2 rules over 3 security groups, 4 network ACLs, 2 route tables, 5 network interfaces',
      '4 findings suppressed (.vpcwhy.yaml); --verbose lists them',
    ]);
    const verbose = await inDir(cwd, () => runCli(['audit', '--snapshot', SNAP, ...TWO_RULES, '--verbose']));
    expect(verbose.code).toBe(1);
    expect(verbose.stdout).toMatch(/SUPPRESSED \(4\)\n {2}RULE +RESOURCE +ENTRY +BY\n {2}nacl-missing-return-path +acl-0\S+ +.+ +\.vpcwhy\.yaml:2\n {6}high: .+ \(replies handled by the proxy, ticket NET-12\)\n/);
    expect(verbose.stdout.trimEnd().split('\n').at(-1)).toBe('4 findings suppressed (.vpcwhy.yaml)');
    const ignored = await inDir(cwd, () => runCli(['audit', '--snapshot', SNAP, ...TWO_RULES, '--fail-on', 'high', '--no-config']));
    expect(ignored.code).toBe(1);
    expect(ignored.stdout).toContain('HIGH (4)');
  });

  it('marks suppressed findings in JSON (kind, reason, file, line) and counts only the others in the summary', async () => {
    const cfg = file('return-paths.yaml', RETURN_PATHS);
    const r = await runCli(['audit', '--snapshot', SNAP, ...TWO_RULES, '--config', cfg, '--format', 'json']);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as AuditJson;
    expect(out.findings).toHaveLength(5);
    for (const f of out.findings.filter((x) => x.rule === 'nacl-missing-return-path')) {
      expect(f.suppressed).toEqual({ kind: 'config', reason: 'replies handled by the proxy, ticket NET-12', file: cfg, line: 2 });
    }
    expect(out.findings.find((x) => x.rule === 'blackhole-route')!.suppressed).toBeUndefined();
    expect(out.summary).toMatchObject({ findings: 1, bySeverity: { high: 0, medium: 1 }, suppressed: { config: 4, baseline: 0 } });
  });

  it('reports a finding again after its suppression expires, with a warning; suppresses it through the expiry day', async () => {
    const expired = file('expired.yaml', 'suppressions:\n  - rule: blackhole-route\n    resource: rtb-0private*\n    reason: old peering\n    expires: 2020-01-31\n');
    const r = await runCli(['audit', '--snapshot', SNAP, '--config', expired, '--rules', 'blackhole-route']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('MEDIUM (1)');
    expect(r.stderr).toBe(`warning: ${expired}:2: suppression of blackhole-route on rtb-0private* expired on 2020-01-31: 1 finding it matches is reported again\n`);
    const later = file('later.yaml', 'suppressions:\n  - rule: blackhole-route\n    resource: rtb-0private*\n    reason: old peering\n    expires: 2999-12-31\n');
    const held = await runCli(['audit', '--snapshot', SNAP, '--config', later, '--rules', 'blackhole-route']);
    expect(held.code).toBe(0);
    expect(held.stderr).toBe('');
  });

  it('warns about a stale suppression and still exits as the findings say', async () => {
    const stale = file('stale.yaml', 'suppressions:\n  - rule: sg-redundant-rule\n    resource: sg-0nothing\n    reason: was noisy\n');
    const r = await runCli(['audit', '--snapshot', SNAP, '--config', stale, '--rules', 'sg-redundant-rule,quota-near']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(`warning: ${stale}:2: suppression of sg-redundant-rule on sg-0nothing matches no finding (stale): remove it or correct the pattern\n`);
  });

  it('suppresses a finding of a Terraform plan by the address of the planned resource that caused it', async () => {
    const plan = 'examples/three-tier/plan.json';
    const before = await runCli(['audit', '--plan', plan, '--rules', 'unused-security-group', '--format', 'json']);
    expect(before.code).toBe(1);
    expect((JSON.parse(before.stdout) as AuditJson).findings.map((f) => [f.resource, (f['location'] as { jsonPath: string }).jsonPath])).toEqual([['sg-0web000000000001', 'aws_vpc_security_group_ingress_rule.web_8443']]);
    const cfg = file('plan.yaml', 'suppressions:\n  - rule: unused-security-group\n    resource: aws_vpc_security_group_ingress_rule.web_*\n    reason: the group is attached by another stack\n');
    const r = await runCli(['audit', '--plan', plan, '--rules', 'unused-security-group', '--config', cfg]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`1 finding suppressed (${cfg})`);
  });

  it('exits 2 with the file, the line and what was expected for a bad config, and for a missing one', async () => {
    const bad = file('bad.yaml', 'suppressions:\n  - rule: blackhole-route\n    resource: rtb-1\n    expire: 2027-01-31\n');
    const r = await runCli(['audit', '--snapshot', SNAP, ...TWO_RULES, '--config', bad]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      [
        'vpcwhy: cannot read the vpcwhy config: 2 problems',
        `  ${bad}:2: suppressions[0]: reason: expected a reason (why the finding is accepted), a non-empty string, but the key is missing`,
        `  ${bad}:4: suppressions[0]: unknown key "expire" (expected rule, resource, entry, reason, expires)`,
        '',
      ].join('\n'),
    );
    const missing = await runCli(['audit', '--snapshot', SNAP, ...TWO_RULES, '--config', path.join(dir, 'none.yaml')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(`vpcwhy: --config: cannot read ${path.join(dir, 'none.yaml')}: no such file\n`);
    const discovered = mkdtempSync(path.join(dir, 'cwd-'));
    writeFileSync(path.join(discovered, '.vpcwhy.yaml'), 'suppressions: all\n');
    const d = await inDir(discovered, () => runCli(['audit', '--snapshot', SNAP, ...TWO_RULES]));
    expect(d.code).toBe(2);
    expect(d.stderr).toBe('vpcwhy: .vpcwhy.yaml:1: suppressions: expected a list of suppressions (- rule: ..., resource: ..., reason: ...), got "all"\n');
  });
});

describe('vpcwhy audit: baselines', () => {
  it('round trip: --write-baseline exits 0 with the findings; auditing against it reports none and exits 0', async () => {
    const b = path.join(dir, 'round-trip.json');
    const w = await runCli(['audit', '--snapshot', SNAP, ...TWO_RULES, '--write-baseline', b]);
    expect(w.code).toBe(0);
    expect(w.stdout).toBe('');
    expect(w.stderr).toBe(`wrote ${b}: 5 findings\n`);
    const baseline = JSON.parse(readFileSync(b, 'utf8')) as { version: number; findings: { rule: string; count?: number }[] };
    expect(baseline.version).toBe(1);
    expect(baseline.findings.reduce((n, f) => n + (f.count ?? 1), 0)).toBe(5);
    const r = await runCli(['audit', '--snapshot', SNAP, ...TWO_RULES, '--baseline', b]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`no findings (2 rules over 3 security groups, 4 network ACLs, 2 route tables, 5 network interfaces)\n5 findings suppressed (baseline ${b}); --verbose lists them\n`);
  });

  it('matches an audit --format json output whose messages were reworded (identity, not text)', async () => {
    const out = JSON.parse((await runCli(['audit', '--snapshot', SNAP, ...TWO_RULES, '--format', 'json'])).stdout) as AuditJson;
    const b = file('reworded.json', JSON.stringify({ ...out, findings: out.findings.map((f) => ({ ...f, message: `old wording ${f.rule}` })) }));
    const r = await runCli(['audit', '--snapshot', SNAP, ...TWO_RULES, '--baseline', b, '--format', 'json']);
    expect(r.code).toBe(0);
    const again = JSON.parse(r.stdout) as AuditJson;
    expect(again.findings.map((f) => f.suppressed?.kind)).toEqual(Array(5).fill('baseline'));
    expect(again.summary).toMatchObject({ findings: 0, suppressed: { config: 0, baseline: 5 } });
  });

  it('reports and fails on a finding the baseline does not hold, only that one', async () => {
    const out = JSON.parse((await runCli(['audit', '--snapshot', SNAP, ...TWO_RULES, '--format', 'json'])).stdout) as AuditJson;
    const b = file('without-blackhole.json', JSON.stringify({ ...out, findings: out.findings.filter((f) => f.rule !== 'blackhole-route') }));
    const r = await runCli(['audit', '--snapshot', SNAP, ...TWO_RULES, '--baseline', b]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^MEDIUM \(1\)\n {2}RULE +RESOURCE +ENTRY +LOCATION\n {2}blackhole-route {2}rtb-0private00000001 /);
    expect(r.stdout).not.toContain('HIGH');
    expect(r.stdout).toContain(`4 findings suppressed (baseline ${b})`);
  });

  it('reports the one finding a Terraform plan adds, though another finding of the same NACL entry sorts after it', async () => {
    const b = path.join(dir, 'before-plan.json');
    expect((await runCli(['audit', '--snapshot', SNAP, ...TWO_RULES, '--write-baseline', b])).code).toBe(0);
    const r = await runCli(['audit', '--snapshot', SNAP, ...TWO_RULES, '--plan', 'examples/three-tier/plan.json', '--baseline', b, '--format', 'json']);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as AuditJson;
    const fresh = out.findings.filter((f) => f.suppressed === undefined);
    expect(fresh.map((f) => [f.rule, f.resource, f['networkInterfaces']])).toEqual([['nacl-missing-return-path', 'acl-0public000000001', ['aws_instance.admin']]]);
    expect(out.summary).toMatchObject({ findings: 1, suppressed: { config: 0, baseline: 5 } });
  });

  it('exits 2 naming the JSON path of a bad baseline', async () => {
    const b = file('bad-baseline.json', JSON.stringify({ version: 1, findings: [{ rule: 'blackhole-route' }] }));
    const r = await runCli(['audit', '--snapshot', SNAP, ...TWO_RULES, '--baseline', b]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`vpcwhy: --baseline: ${b}: findings[0].resource: expected a string, but the field is missing\n`);
  });

  it('writes SARIF that the 2.1.0 schema accepts, suppressed results kept with external suppressions and baseline states', async () => {
    const cfg = file('sarif.yaml', RETURN_PATHS);
    const out = JSON.parse((await runCli(['audit', '--snapshot', SNAP, ...TWO_RULES, '--format', 'json'])).stdout) as AuditJson;
    const b = file('sarif-baseline.json', JSON.stringify({ ...out, findings: out.findings.filter((f) => f.rule === 'nacl-missing-return-path').slice(0, 1) }));
    const r = await runCli(['audit', '--snapshot', SNAP, ...TWO_RULES, '--format', 'sarif', '--config', cfg, '--baseline', b]);
    expect(r.code).toBe(1);
    const sarif = JSON.parse(r.stdout) as { runs: { results: { ruleId: string; baselineState?: string; suppressions?: { kind: string; status: string; justification: string; properties: Record<string, unknown> }[] }[] }[] };
    expect(validateSarif(sarif), JSON.stringify(validateSarif.errors)).toBe(true);
    const results = sarif.runs[0]!.results;
    expect(results).toHaveLength(5);
    const returnPaths = results.filter((x) => x.ruleId === 'nacl-missing-return-path');
    for (const x of returnPaths) {
      expect(x.suppressions).toEqual([{ kind: 'external', status: 'accepted', justification: 'replies handled by the proxy, ticket NET-12', properties: { source: 'config', file: cfg, line: 2 } }]);
      expect(x.baselineState).toBeUndefined();
    }
    const bh = results.find((x) => x.ruleId === 'blackhole-route')!;
    expect(bh.suppressions).toBeUndefined();
    expect(bh.baselineState).toBe('new');
    // A baseline alone: baselined results are unchanged and suppressed as external with the baseline as the reason.
    const only = JSON.parse((await runCli(['audit', '--snapshot', SNAP, ...TWO_RULES, '--format', 'sarif', '--baseline', b, '--no-config'])).stdout) as typeof sarif;
    expect(validateSarif(only)).toBe(true);
    const unchanged = only.runs[0]!.results.filter((x) => x.baselineState === 'unchanged');
    expect(unchanged).toHaveLength(1);
    expect(unchanged[0]!.suppressions).toEqual([{ kind: 'external', status: 'accepted', justification: `in the baseline ${b}`, properties: { source: 'baseline', file: b } }]);
    expect(only.runs[0]!.results.filter((x) => x.baselineState === 'new')).toHaveLength(4);
  });
});
