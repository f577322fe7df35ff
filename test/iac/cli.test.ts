/** `--plan` on trace, explain and snapshot --check, through the CLI (examples/three-tier/plan.json). */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/run-cli.js';
import { validateTrace } from '../cli/schemas.js';

const S = 'examples/three-tier/snapshot';
const P = 'examples/three-tier/plan.json';
const dir = mkdtempSync(path.join(tmpdir(), 'vpcwhy-iac-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const toWeb8443 = ['--from', '198.51.100.7', '--to', 'eni-0web100000000001', '--protocol', 'tcp', '--port', '8443'];

describe('trace --plan', () => {
  it('the plan opens tcp/8443: blocked on the snapshot, reachable with the plan, the rules named by Terraform address', async () => {
    const before = await runCli(['trace', '--snapshot', S, ...toWeb8443, '--format', 'json']);
    expect(before.code).toBe(1);
    const after = await runCli(['trace', '--snapshot', S, '--plan', P, ...toWeb8443, '--format', 'json']);
    expect(after.code).toBe(0);
    const json = JSON.parse(after.stdout) as { reachable: boolean; hops: Array<{ evidence: string }> };
    expect(validateTrace(json), JSON.stringify(validateTrace.errors)).toBe(true);
    expect(json.hops.map((h) => h.evidence).join('\n')).toMatch(/inbound rule 115 \(allow tcp\/8443 from 0\.0\.0\.0\/0\)/);
  });

  it('a planned instance is named by its address, and the unknown values on its path are noted', async () => {
    const r = await runCli(['trace', '--snapshot', S, '--plan', P, '--from', 'eni-0web100000000001', '--to', 'aws_instance.admin', '--protocol', 'tcp', '--port', '22', '--format', 'json']);
    expect(r.code).toBe(0);
    // Its unknown public address does not matter inside the VPC...
    expect((JSON.parse(r.stdout) as { notes: string[] }).notes.join(' ')).not.toMatch(/Unknown until apply/);
    expect(r.stderr).toMatch(/warning: examples\/three-tier\/plan\.json: aws_instance\.admin\.public_ip: unknown until apply/);
    // ...and is said from the internet, where the answer (no public address) may change at apply.
    const fromInternet = await runCli(['trace', '--snapshot', S, '--plan', P, '--from', '198.51.100.7', '--to', 'aws_instance.admin', '--protocol', 'tcp', '--port', '22', '--format', 'json']);
    expect(fromInternet.code).toBe(1);
    const json = JSON.parse(fromInternet.stdout) as { notes: string[]; blockedBy: { reason?: string } };
    expect(json.blockedBy.reason).toBe('no-public-address');
    expect(json.notes.at(-1)).toMatch(/^Unknown until apply, on this path: aws_instance\.admin public_ip \(the public address is assigned at launch/);
    const blocked = await runCli(['trace', '--snapshot', S, '--plan', P, '--from', 'eni-0app100000000003', '--to', 'aws_instance.admin', '--protocol', 'tcp', '--port', '22', '--format', 'json']);
    expect(blocked.code).toBe(1);
    expect((JSON.parse(blocked.stdout) as { blockedBy: unknown }).blockedBy).toEqual({ component: 'security-group', ids: ['aws_security_group.admin'], direction: 'inbound', path: 'forward' });
  });

  it('a bad plan is exit 2 with the file and JSON path, never a stack trace', async () => {
    const bad = path.join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ format_version: '1.2', resource_changes: [{ address: 'aws_vpc.x', type: 'aws_vpc', change: { actions: ['create'], after: 'nope' } }] }));
    const r = await runCli(['trace', '--snapshot', S, '--plan', bad, ...toWeb8443]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${bad}: resource_changes[0].change.after: expected an object or null, got "nope"`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const missing = await runCli(['trace', '--plan', path.join(dir, 'nope.json'), ...toWeb8443]);
    expect([missing.code, missing.stderr]).toEqual([2, expect.stringContaining('nope.json: no such file')]);
    const describeAsPlan = await runCli(['trace', '--plan', `${S}/network-acls.json`, ...toWeb8443]);
    expect([describeAsPlan.code, describeAsPlan.stderr]).toEqual([2, expect.stringContaining('format_version: expected the format version')]);
  });

  it('without --snapshot and --plan it still asks for --snapshot', async () => {
    const r = await runCli(['trace', ...toWeb8443]);
    expect([r.code, r.stderr]).toEqual([2, expect.stringContaining('--snapshot PATH is required')]);
  });
});

describe('explain --plan', () => {
  it('a REJECT of the past that the planned configuration allows is config-allows, blocked without the plan', async () => {
    const log = path.join(dir, 'flows.log');
    writeFileSync(log, '2 123456789012 eni-0web100000000001 198.51.100.7 10.0.1.10 50000 8443 6 3 180 1732700000 1732700060 REJECT OK\n');
    const verdict = async (extra: string[]) => {
      const r = await runCli(['explain', '--snapshot', S, ...extra, '--format', 'jsonl', log]);
      expect(r.code).toBe(0);
      return (JSON.parse(r.stdout.trim()) as { verdict: string }).verdict;
    };
    expect(await verdict([])).toBe('blocked');
    expect(await verdict(['--plan', P])).toBe('config-allows');
  });
});

describe('snapshot --check --plan', () => {
  it('lists the values the plan leaves unknown until apply', async () => {
    const r = await runCli(['snapshot', '--check', '--snapshot', S, '--plan', P]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('the plan (examples/three-tier/plan.json) leaves 1 value unknown until apply:\n  aws_instance.admin public_ip: the public address is assigned at launch');
  });

  it('--plan without --check is a usage error', async () => {
    const r = await runCli(['snapshot', '--plan', P, '-o', path.join(dir, 'x.json')]);
    expect([r.code, r.stderr]).toEqual([2, expect.stringContaining('--plan is read only with --check')]);
  });
});

describe('reach and audit --plan', () => {
  it('reach: tcp/8443 reaches the web interface only with the plan, let in by the planned group rule and NACL entry', async () => {
    const args = ['reach', '--snapshot', S, '--to', 'eni-0web100000000001', '--protocol', 'tcp', '--port', '8443', '--format', 'json'];
    const before = await runCli(args);
    expect(before.code).toBe(1);
    const after = await runCli([...args, '--plan', P]);
    expect(after.code).toBe(0);
    const json = JSON.parse(after.stdout) as { allowed: Array<{ ports: number[][]; allowedBy: Array<Record<string, unknown>> }> };
    expect(json.allowed.map((r) => r.ports)).toEqual([[[8443, 8443]]]);
    expect(json.allowed[0]!.allowedBy).toContainEqual({ component: 'network-acl', id: 'acl-0public000000001', direction: 'inbound', rule: 115 });
  });

  it('audit: the planned instance and group join the audit, and the unknown public address is said, not guessed', async () => {
    const r = await runCli(['audit', '--snapshot', S, '--plan', P, '--format', 'json']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('aws_instance.admin.public_ip: unknown until apply');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const json = JSON.parse(r.stdout) as { summary: { resourcesAudited: { networkInterfaces: number; securityGroups: number } } };
    expect(json.summary.resourcesAudited).toMatchObject({ networkInterfaces: 6, securityGroups: 4 });
    const base = JSON.parse((await runCli(['audit', '--snapshot', S, '--format', 'json'])).stdout) as typeof json;
    expect(base.summary.resourcesAudited).toMatchObject({ networkInterfaces: 5, securityGroups: 3 });
  });
});
