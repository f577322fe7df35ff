/**
 * cfn_nag's own test templates (test/fixtures/cfn_nag/, MIT, see NOTICE) through `vpcwhy audit --cfn`
 * (issue 21, "Tests": inputs from the peers' public test suites): each loads and audits without a crash, and
 * where cfn_nag warns vpcwhy reports the exact counterpart (docs/peer-parity.md) or deliberately does not.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli/run-cli.js';

const DIR = 'test/fixtures/cfn_nag';
const at = (f: string) => path.join(DIR, f);

interface JsonFinding { rule: string; resource: string; severity: string; exposure?: string }

async function audit(file: string): Promise<{ code: number; findings: JsonFinding[]; stderr: string }> {
  const r = await runCli(['audit', '--cfn', at(file), '--format', 'json']);
  expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
  return { code: r.code, findings: r.code === 2 ? [] : (JSON.parse(r.stdout) as { findings: JsonFinding[] }).findings, stderr: r.stderr };
}

const of = (fs: readonly JsonFinding[], rule: string) => fs.filter((f) => f.rule === rule).map((f) => f.resource).sort();

describe("cfn_nag's security-group test templates (issue 21)", () => {
  it('W9 / W2 over IPv6: SSH from 2001:800::/21 is an administration port open to the internet, latent (nothing attached), and a CIDR wider than a /48', async () => {
    const { code, findings } = await audit('ip6_security_groups_open_to_world.json');
    expect(code).toBe(1);
    expect(of(findings, 'sg-admin-port-open-to-internet')).toContain('InstanceSecurityGroup4');
    expect(findings.filter((f) => f.rule === 'sg-admin-port-open-to-internet').every((f) => f.exposure === 'latent' && f.severity === 'medium')).toBe(true);
    expect(of(findings, 'sg-overly-wide-cidr')).toEqual(['InstanceSecurityGroup4']);
  });

  it('W36: the template whose rules lack descriptions is reported, the one whose rules have them is not', async () => {
    const fail = await audit('security_group_rule_description_fail.yml');
    const pass = await audit('security_group_rule_description_pass.yml');
    expect(of(fail.findings, 'sg-rule-without-description').length).toBeGreaterThan(0);
    expect(of(pass.findings, 'sg-rule-without-description')).toEqual([]);
  });

  it('W2 on tcp/46 from 0.0.0.0/0: no exposure finding, deliberately (not an administration or database port; docs/peer-parity.md, pin open-web-port); the group missing from the template is said', async () => {
    const { findings, stderr } = await audit('standalone_ingress_open_to_world.json');
    expect(findings.filter((f) => f.rule.endsWith('-open-to-internet'))).toEqual([]);
    expect(stderr).toContain('security group sg-12341234 is not in the snapshot or the template');
  });

  it('a SecurityGroupIngress given as one object rather than a list is warned about with its JSON path, never dropped silently', async () => {
    const { code, stderr } = await audit('security_group_open_to_world_on_ingress.json');
    expect(code).not.toBe(2);
    expect(stderr).toMatch(/Resources\.sgOpenIngress\.Properties\.SecurityGroupIngress: expected a list of rules/);
  });
});
