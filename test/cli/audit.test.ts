/** `vpcwhy audit` through the CLI: exit codes, --rules, --fail-on, the JSON contract and SARIF 2.1.0. */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { RULES } from '../../rules/index.js';
import { runCli } from './run-cli.js';
import { validateSarif } from './sarif-schema.js';

const SNAP = 'examples/three-tier/snapshot';
const DUP = path.relative(process.cwd(), fileURLToPath(new URL('../fixtures/audit/duplicate-rule-number/network-acls.json', import.meta.url)));

interface AuditJson {
  findings: { rule: string; severity: string; resource: string; message: string; location: { file: string; jsonPath: string }; entry?: unknown; [k: string]: unknown }[];
  summary: { rulesRun: string[]; findings: number; bySeverity: Record<string, number>; resourcesAudited: Record<string, number> };
}

describe('vpcwhy audit', () => {
  it('prints the findings grouped by severity and exits 1 on the example (a blackhole route, missing return paths)', async () => {
    const r = await runCli(['audit', '--snapshot', SNAP]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^HIGH \(\d+\)\n {2}RULE +RESOURCE +ENTRY +LOCATION\n/);
    // The blackhole route, and the example's NACL entries that admit administration ports and every port
    // from the internet: latent (issue 21; the default NACL serves no subnet, the groups admit no such port).
    expect(r.stdout).toContain('MEDIUM (6)');
    expect(r.stdout).toMatch(/nacl-admin-port-open-to-internet +acl-0public000000001 +inbound rule 120 /);
    expect(r.stdout).toMatch(/blackhole-route +rtb-0private00000001 +route 172\.16\.0\.0\/12 -> pcx-0gone00000000001/);
    expect(r.stdout).toMatch(new RegExp(`\\d+ findings \\(\\d+ high, 6 medium, \\d+ low\\) from ${RULES.length} rules over 3 security groups`));
  });

  it('exits 0 when no finding reaches --fail-on, 1 when one does', async () => {
    expect((await runCli(['audit', '--snapshot', SNAP, '--rules', 'blackhole-route', '--fail-on', 'high'])).code).toBe(0);
    expect((await runCli(['audit', '--snapshot', SNAP, '--rules', 'blackhole-route', '--fail-on', 'medium'])).code).toBe(1);
    const clean = await runCli(['audit', '--snapshot', SNAP, '--rules', 'unused-network-acl,quota-near']);
    expect(clean.code).toBe(0);
    expect(clean.stdout).toBe('no findings (2 rules over 3 security groups, 4 network ACLs, 2 route tables, 5 network interfaces)\n');
  });

  it('exits 2 on an unknown rule id, a bad format or severity, and a missing snapshot', async () => {
    const unknown = await runCli(['audit', '--snapshot', SNAP, '--rules', 'nacl-shadowed-entry,no-such-rule']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown rule id "no-such-rule"');
    expect((await runCli(['audit', '--snapshot', SNAP, '--format', 'html'])).code).toBe(2);
    expect((await runCli(['audit', '--snapshot', SNAP, '--fail-on', 'severe'])).code).toBe(2);
    const missing = await runCli(['audit', '--snapshot', 'no/such/dir']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no/such/dir');
    expect(missing.stderr).not.toMatch(/\n\s+at /);
  });

  it('writes the JSON contract: findings with rule, severity, resource, message, location, entry and details spread in', async () => {
    const r = await runCli(['audit', '--snapshot', SNAP, '--format', 'json']);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as AuditJson;
    expect(Object.keys(out)).toEqual(['findings', 'summary']);
    expect(out.summary.rulesRun).toEqual(RULES.map((x) => x.meta.id));
    expect(out.summary.findings).toBe(out.findings.length);
    const bh = out.findings.find((f) => f.rule === 'blackhole-route')!;
    expect(bh).toEqual({
      rule: 'blackhole-route',
      severity: 'medium',
      resource: 'rtb-0private00000001',
      message: expect.stringContaining('is a blackhole') as unknown as string,
      location: { file: path.join(SNAP, 'route-tables.json'), jsonPath: 'RouteTables[1].Routes[3]' },
      entry: { kind: 'route', routeTableId: 'rtb-0private00000001', destination: '172.16.0.0/12', target: 'pcx-0gone00000000001' },
      destination: '172.16.0.0/12',
      target: 'pcx-0gone00000000001',
      subnetIds: [],
      main: true,
    });
    const v6 = out.findings.find((f) => f.rule === 'nacl-missing-return-path' && f.family === 6)!;
    expect(v6).toMatchObject({ resource: 'acl-0public000000001', entry: { kind: 'nacl-entry', direction: 'outbound', ruleNumber: 32768 }, case: 'inbound-service' });
    // Highest severity first.
    const ranks = out.findings.map((f) => ['low', 'medium', 'high', 'critical'].indexOf(f.severity));
    expect(ranks).toEqual([...ranks].sort((a, b) => b - a));
  });

  it('writes SARIF 2.1.0 that the schema accepts, with rule metadata and security-severity', async () => {
    const r = await runCli(['audit', '--snapshot', SNAP, '--format', 'sarif']);
    expect(r.code).toBe(1);
    const sarif = JSON.parse(r.stdout) as {
      version: string;
      runs: { tool: { driver: { name: string; rules: { id: string; shortDescription: { text: string }; fullDescription: { text: string }; help: { text: string; markdown: string }; properties: { 'security-severity': string; tags: string[] } }[] } }; results: { ruleId: string; level: string; message: { text: string }; locations: { physicalLocation: { artifactLocation: { uri: string }; region?: { startLine: number; startColumn: number } } }[] }[] }[];
    };
    // The validator is not vacuous: a level SARIF does not define is rejected.
    const broken = JSON.parse(r.stdout) as { runs: { results: { level: string }[] }[] };
    broken.runs[0]!.results[0]!.level = 'severe';
    expect(validateSarif(broken)).toBe(false);
    const ok = validateSarif(sarif);
    expect(validateSarif.errors ?? [], JSON.stringify(validateSarif.errors)).toEqual([]);
    expect(ok).toBe(true);
    expect(sarif.version).toBe('2.1.0');
    const run = sarif.runs[0]!;
    expect(run.tool.driver.name).toBe('vpcwhy');
    expect(run.tool.driver.rules.map((x) => x.id)).toEqual(RULES.map((x) => x.meta.id));
    for (const rule of run.tool.driver.rules) {
      expect(Number(rule.properties['security-severity'])).toBeGreaterThan(0);
      expect(rule.properties['security-severity']).toMatch(/^\d+\.\d$/);
      expect(rule.help.markdown.startsWith(`# ${rule.id}\n`)).toBe(true);
      expect(rule.properties.tags).toContain('security');
    }
    expect(run.tool.driver.rules.find((x) => x.id === 'nacl-missing-return-path')!.properties['security-severity']).toBe('8.0');
    const bh = run.results.find((x) => x.ruleId === 'blackhole-route')!;
    expect(bh.level).toBe('warning');
    const loc = bh.locations[0]!.physicalLocation;
    expect(loc.artifactLocation.uri).toBe('examples/three-tier/snapshot/route-tables.json');
    // The route's object in the file: the line holding its "DestinationCidrBlock": "172.16.0.0/12".
    const lines = readFileSync(path.join(SNAP, 'route-tables.json'), 'utf8').split('\n');
    const line = lines[loc.region!.startLine - 1]!;
    expect(line.slice(loc.region!.startColumn - 1).startsWith('{')).toBe(true);
    expect(lines.slice(loc.region!.startLine - 1, loc.region!.startLine + 2).join('\n')).toContain('172.16.0.0/12');
  });

  it('points SARIF regions at the offending NACL entry (the duplicate rule number of the fixture, line 10)', async () => {
    const r = await runCli(['audit', '--snapshot', DUP, '--rules', 'nacl-duplicate-rule-number', '--format', 'sarif']);
    expect(r.code).toBe(1);
    const sarif = JSON.parse(r.stdout) as { runs: { results: { locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number; startColumn: number } } }[] }[] }[] };
    expect(validateSarif(sarif)).toBe(true);
    const loc = sarif.runs[0]!.results[0]!.locations[0]!.physicalLocation;
    expect(loc.artifactLocation.uri).toBe(DUP.split(path.sep).join('/'));
    expect(loc.region).toEqual({ startLine: 10, startColumn: 9 });
  });

  it('writes a valid SARIF log with no results for a clean audit', async () => {
    const r = await runCli(['audit', '--snapshot', SNAP, '--rules', 'quota-near', '--format', 'sarif']);
    expect(r.code).toBe(0);
    const sarif = JSON.parse(r.stdout) as { runs: { results: unknown[] }[] };
    expect(validateSarif(sarif)).toBe(true);
    expect(sarif.runs[0]!.results).toEqual([]);
  });
});
