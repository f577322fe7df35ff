/**
 * The one-call library trace (src/trace.ts, issue 20 item 11): `trace(index, { from, to, protocol, port })`
 * gives what `vpcwhy trace --format json` prints, and `loadSnapshotIndex(path)` loads what --snapshot reads.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SnapshotIndex, TraceQueryError, loadSnapshotIndex, trace } from '../../src/index.js';
import { runCli } from '../cli/run-cli.js';

const SNAP = 'examples/three-tier/snapshot';
let index: SnapshotIndex;
beforeAll(async () => {
  index = await loadSnapshotIndex(SNAP);
});
const dir = mkdtempSync(path.join(os.tmpdir(), 'vpcwhy-library-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('trace(index, query)', () => {
  it.each([
    ['web to db on 5432, blocked by the db NACL (ref 5)', { from: 'eni-0web100000000001', to: 'eni-0db1000000000004', protocol: 'tcp', port: 5432 }],
    ['an internet host to web on 443 (ref 8.12)', { from: '198.51.100.7', to: 'eni-0web100000000001', protocol: 'tcp', port: 443 }],
    ['icmp echo between the web hosts', { from: 'eni-0web100000000001', to: 'eni-0web200000000002', protocol: 'icmp' }],
    ['a protocol number and a port as text', { from: 'eni-0app100000000003', to: '203.0.113.5', protocol: 6, port: '443' }],
  ] as const)('%s: the report the CLI prints as JSON', async (_name, query) => {
    const report = trace(index, query);
    const args = ['trace', '--snapshot', SNAP, '--from', query.from, '--to', query.to, '--protocol', String(query.protocol), ...('port' in query ? ['--port', String(query.port)] : []), '--format', 'json'];
    const cli = await runCli(args);
    const { reachable, blockedBy, hops, explanation, alsoBlockedBy, fix, packet, notes } = report;
    // The library names the source-port option as `srcPort`, the CLI as `--src-port`.
    expect(JSON.parse(JSON.stringify({ reachable, blockedBy, hops, explanation: explanation.replace('pass srcPort', 'pass --src-port'), alsoBlockedBy, fix, packet, notes }))).toEqual(JSON.parse(cli.stdout));
    expect(cli.code).toBe(reachable ? 0 : 1);
  });

  it('takes a snapshot as loaded, not indexed, too', () => {
    const a = trace(index.snapshot, { from: 'eni-0web100000000001', to: 'eni-0db1000000000004', protocol: 'tcp', port: 5432 });
    expect([a.reachable, a.blockedBy]).toEqual([false, expect.objectContaining({ component: 'network-acl', id: 'acl-0db0000000000003', direction: 'inbound', rule: 90 })]);
    expect(a).toEqual(trace(index, { from: 'eni-0web100000000001', to: 'eni-0db1000000000004', protocol: 'tcp', port: 5432 }));
  });

  it.each([
    [{ from: 'eni-0web100000000001', to: '10.0.3.30', protocol: 'tcp' }, 'port is required for tcp'],
    [{ from: 'eni-0web100000000001', to: '10.0.3.30', protocol: 'icmp', port: 1 }, 'port applies to tcp and udp only (use icmpType / icmpCode for ICMP)'],
    [{ from: 'eni-0web100000000001', to: '10.0.3.30', protocol: 'tcp', port: 70000 }, 'port: expected an integer from 0 to 65535, got "70000"'],
    [{ from: 'eni-nope', to: '10.0.3.30', protocol: 'tcp', port: 22 }, 'from: '],
    [{ from: '198.51.100.7', to: '203.0.113.9', protocol: 'tcp', port: 22 }, 'at least one of from and to must be a network interface in the snapshot'],
    [{ from: 'eni-0web100000000001', to: '10.0.3.30', protocol: 'gre?' }, 'protocol: expected tcp, udp, icmp, icmpv6 or a protocol number 0-255, got "gre?"'],
  ] as const)('a query that cannot be traced throws TraceQueryError: %j', (query, message) => {
    expect(() => trace(index, query)).toThrow(TraceQueryError);
    expect(() => trace(index, query)).toThrow(message);
  });
});

describe('loadSnapshotIndex(path)', () => {
  it('rejects with the file and JSON path of a bad value, and a snapshot holding nothing vpcwhy reads', async () => {
    const bad = path.join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ NetworkAcls: [{ NetworkAclId: 'acl-1', VpcId: 'vpc-1', Entries: [{ RuleNumber: 'abc' }] }] }));
    await expect(loadSnapshotIndex(bad)).rejects.toThrow(/NetworkAcls\[0\]\.Entries\[0\]\.RuleNumber/);
    const empty = path.join(dir, 'empty.json');
    writeFileSync(empty, '{}');
    await expect(loadSnapshotIndex([empty])).rejects.toThrow(`${empty}: no network interfaces, security groups, network ACLs or route tables found`);
    await expect(loadSnapshotIndex([])).rejects.toThrow('no path given');
  });
});
