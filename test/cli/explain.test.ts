import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';
import { validateExplainRecord } from './schemas.js';

const SNAP = ['--snapshot', 'examples/three-tier/snapshot'];
const LOG = 'examples/three-tier/flows.log';

function jsonl(stdout: string) {
  return stdout.trim().split('\n').map((l) => {
    const o = JSON.parse(l);
    expect(validateExplainRecord(o), JSON.stringify(validateExplainRecord.errors)).toBe(true);
    return o;
  });
}

describe('vpcwhy explain on the three-tier example', () => {
  it('explains every REJECT with the contract fields, valid against the schema', async () => {
    const r = await runCli(['explain', ...SNAP, '--format', 'jsonl', LOG]);
    expect(r.code).toBe(0);
    const rows = jsonl(r.stdout);
    expect(rows.map((o) => [o.line, o.verdict, o.blockedBy?.component ?? null, o.blockedBy?.rule ?? null])).toEqual([
      [1, 'blocked', 'network-acl', 32767],
      [3, 'blocked', 'network-acl', 90],
      [7, 'blocked', 'network-acl', 32767],
      [9, 'blocked', 'network-acl', 32768],
      [10, 'blocked', 'security-group', null],
      [11, 'config-allows', null, null],
      [12, 'unknown-interface', null, null],
    ]);
    expect(rows[0].record).toMatchObject({ 'interface-id': 'eni-0web100000000001', srcaddr: '198.51.100.7', srcport: 40000, dstport: 22, protocol: 6, action: 'REJECT' });
    // The default-rule deny names the closest allow: SSH is open, but only to the offices (ref 5.1).
    expect(rows[0].explanation).toContain('(closest: rule 110 (allow tcp/22 from 192.0.2.0/24), for other sources)');
    expect(rows[1].alsoBlockedBy).toEqual([{ component: 'security-group', ids: ['sg-0db0000000000003'], direction: 'inbound' }]);
    expect(rows[2]).toMatchObject({ direction: 'inbound', traffic: 'response', trafficEvidence: 'reverse-accept' });
  });

  it('explains ACCEPTs too with --all', async () => {
    const rows = jsonl((await runCli(['explain', ...SNAP, '--format', 'jsonl', '--all', LOG])).stdout);
    expect(rows).toHaveLength(12);
    expect(rows.filter((o) => o.record.action === 'ACCEPT').every((o) => o.verdict === 'config-allows')).toBe(true);
  });

  it('prints a summary grouped by blocking rule in text mode', async () => {
    const r = await runCli(['explain', ...SNAP, LOG]);
    expect(r.stdout).toContain('rule 90 (deny tcp/5432 from 10.0.1.0/24)');
    expect(r.stdout).toMatch(/13 records in 1 file: 7 REJECT, 5 ACCEPT, 1 NODATA/);
    expect(r.stdout).toMatch(/7 explained: 5 blocked, 0 config-denies, 1 config-allows, 1 unknown-interface, 0 ambiguous/);
  });

  it('writes {records, summary} with --format json', async () => {
    const r = await runCli(['explain', ...SNAP, '--format', 'json', LOG]);
    const doc = JSON.parse(r.stdout);
    expect(doc.records).toHaveLength(7);
    doc.records.forEach((o: object) => expect(validateExplainRecord(o)).toBe(true));
    expect(doc.summary.verdicts).toEqual({ blocked: 5, 'config-denies': 0, 'config-allows': 1, 'unknown-interface': 1, ambiguous: 0 });
    expect(doc.summary.blockingRules[0]).toMatchObject({ count: 1 });
  });

  it('counts a bad line with file and line number and goes on; --strict makes it fatal (exit 2)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vpcwhy-'));
    const file = join(dir, 'bad.log');
    const lines = readFileSync(LOG, 'utf8').split('\n');
    lines.splice(2, 0, 'this is not a flow log record');
    writeFileSync(file, lines.join('\n'));
    const r = await runCli(['explain', ...SNAP, file]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Bad lines: 1/);
    expect(r.stdout).toContain(`${file}:3:`);
    const strict = await runCli(['explain', ...SNAP, '--strict', file]);
    expect(strict.code).toBe(2);
    expect(strict.stderr).toContain(`${file}:3:`);
  });

  it('explains the records before the damage of a truncated gzip, then reports the file (exit 2)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vpcwhy-'));
    const gz = gzipSync(readFileSync(LOG));
    const file = join(dir, 'cut.log.gz');
    writeFileSync(file, gz.subarray(0, gz.length - 30));
    const r = await runCli(['explain', ...SNAP, '--format', 'jsonl', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(file);
    expect(r.stdout.split('\n').filter(Boolean).length).toBeGreaterThan(0);
  });

  it('does not drop records of a format without an action field: it says so, and --all explains them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vpcwhy-'));
    const file = join(dir, 'noaction.log');
    writeFileSync(file, 'interface-id srcaddr dstaddr srcport dstport protocol\neni-0db1000000000004 10.0.1.10 10.0.3.30 50612 5432 6\n');
    const plain = await runCli(['explain', ...SNAP, file]);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toMatch(/1 records have no action.*--all explains them/);
    const all = jsonl((await runCli(['explain', ...SNAP, '--all', '--format', 'jsonl', file])).stdout);
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ line: 2, blockedBy: { component: 'network-acl', rule: 90 } });
  });

  it('rejects an unknown --format and a bad --log-format with exit 2', async () => {
    expect((await runCli(['explain', ...SNAP, '--format', 'xml', LOG])).code).toBe(2);
    const bad = await runCli(['explain', ...SNAP, '--log-format', '${version} ${srcaddr', LOG]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--log-format/);
  });

  it('names the snapshot file and JSON path of malformed describe JSON (exit 2)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vpcwhy-'));
    writeFileSync(join(dir, 'acl.json'), JSON.stringify({ NetworkAcls: [{ NetworkAclId: 'acl-1', VpcId: 'vpc-1', Entries: [{ RuleNumber: 'abc', Protocol: '-1', RuleAction: 'allow', Egress: false, CidrBlock: '0.0.0.0/0' }] }] }));
    const r = await runCli(['explain', '--snapshot', dir, LOG]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('NetworkAcls[0].Entries[0].RuleNumber: expected an integer, got "abc"');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
