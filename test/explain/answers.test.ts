/**
 * Issue 20, items 1-6 ("what the answer says"): answers an engineer can act on. One block per class:
 * config-denies, fixes covering every blocker, records with `-` fields, stated uncertainty, wording and
 * layout, the summary.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { attributeRecord } from '../../src/explain/attribute.js';
import { describePacket, sentence } from '../../src/explain/describe.js';
import { fixFor, hopEvidence } from '../../src/explain/hops.js';
import { runReference } from '../../src/explain/reference.js';
import { ExplainSummary, summaryPeer } from '../../src/explain/summary.js';
import { type Hop, sgHop, tracePath } from '../../src/engine/path.js';
import { indexSnapshot } from '../../src/engine/snapshot-index.js';
import { parseLogFormat } from '../../src/flowlog/format.js';
import type { FlowLogEvent } from '../../src/flowlog/reader.js';
import { FlowRecord, isLineError, parseRecordLine } from '../../src/flowlog/record.js';
import { E } from '../../src/fp.js';
import type { Snapshot } from '../../src/model/snapshot.js';
import { renderRecordText, renderSummaryText } from '../../src/report/explain-text.js';
import { layoutParagraph } from '../../src/report/wrap.js';
import { fcParams } from '../arbitraries/fc-params.js';
import { runCli } from '../cli/run-cli.js';
import { validateExplainRecord } from '../cli/schemas.js';
import { eni, nacl, naclEntry, packet, prefixList, route, routeTable, sg, sgRule, snapshotOf, subnet, vpc } from '../builders.js';

const FORMAT = (() => {
  const f = parseLogFormat('${version} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${tcp-flags} ${action} ${log-status} ${reject-reason} ${pkt-srcaddr} ${pkt-dstaddr}');
  if (E.isLeft(f)) throw new Error(f.left.message);
  return f.right;
})();

/** A record of FORMAT; missing trailing fields are `-`. */
function rec(line: string, n = 1): FlowRecord {
  const tokens = line.trim().split(/\s+/);
  while (tokens.length < FORMAT.fields.length) tokens.push('-');
  return FlowRecord.fromTokens('t.log', n, FORMAT, tokens);
}

const allowAll = [naclEntry(100, 'allow', 'inbound', '-1', '0.0.0.0/0'), naclEntry(100, 'allow', 'outbound', '-1', '0.0.0.0/0')];
const defaults = [naclEntry(32767, 'deny', 'inbound', '-1', '0.0.0.0/0'), naclEntry(32767, 'deny', 'outbound', '-1', '0.0.0.0/0')];

/** web (10.0.1.10, SG: tcp/22 from the offices 192.0.2.0/24) in a subnet whose NACL admits only 192.0.2.0/24 inbound. */
const web: Snapshot = snapshotOf({
  vpcs: [vpc('vpc-1', ['10.0.0.0/16'])],
  subnets: [subnet('subnet-1', '10.0.1.0/24')],
  enis: [eni('eni-1', 'subnet-1', ['10.0.1.10', '10.0.1.11'], ['sg-1'])],
  securityGroups: [sg('sg-1', [sgRule('sg-1', 'inbound', 'tcp', '192.0.2.0/24', { ports: [22, 22] }), sgRule('sg-1', 'outbound', 'tcp', '0.0.0.0/0', { ports: [443, 443] })])],
  networkAcls: [nacl('acl-1', [naclEntry(100, 'allow', 'inbound', '-1', '192.0.2.0/24'), naclEntry(100, 'allow', 'outbound', '-1', '0.0.0.0/0'), ...defaults], ['subnet-1'])],
});

function attribute(s: Snapshot, line: string, reverse = false) {
  return attributeRecord({ index: indexSnapshot(s), reverseAccepted: () => reverse }, rec(line));
}

function events(lines: string[]): FlowLogEvent[] {
  return [{ kind: 'file-start', file: 't.log', format: FORMAT, formatSource: 'header' } as FlowLogEvent, { kind: 'records', records: lines.map((l, i) => rec(l, i + 1)) }];
}

function tempLog(lines: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'vpcwhy-answers-'));
  const file = join(dir, 'flows.log');
  const padded = lines.map((l) => {
    const t = l.trim().split(/\s+/);
    while (t.length < FORMAT.fields.length) t.push('-');
    return t.join(' ');
  });
  writeFileSync(file, `${FORMAT.fields.join(' ')}\n${padded.join('\n')}\n`);
  return file;
}

function snapshotDir(s: { enis: unknown[]; groups: unknown[]; acls: unknown[] }): string {
  const dir = mkdtempSync(join(tmpdir(), 'vpcwhy-answers-snap-'));
  writeFileSync(join(dir, 'vpcs.json'), JSON.stringify({ Vpcs: [{ VpcId: 'vpc-1', CidrBlock: '10.0.0.0/16', CidrBlockAssociationSet: [{ CidrBlock: '10.0.0.0/16' }] }] }));
  writeFileSync(join(dir, 'subnets.json'), JSON.stringify({ Subnets: [{ SubnetId: 'subnet-1', VpcId: 'vpc-1', CidrBlock: '10.0.1.0/24' }] }));
  writeFileSync(join(dir, 'enis.json'), JSON.stringify({ NetworkInterfaces: s.enis }));
  writeFileSync(join(dir, 'sgs.json'), JSON.stringify({ SecurityGroups: s.groups }));
  writeFileSync(join(dir, 'acls.json'), JSON.stringify({ NetworkAcls: s.acls }));
  return dir;
}

const EXAMPLE = ['--snapshot', 'examples/three-tier/snapshot'];

describe('item 1: an ACCEPT the current configuration would deny is config-denies (--all)', () => {
  const accepted = '2 eni-1 198.51.100.7 10.0.1.10 40000 22 6 2 ACCEPT OK';

  it('is config-denies with its blocker, "would be denied", and says it was accepted when logged (ref 8.9)', () => {
    const a = attribute(web, accepted);
    expect(a).toMatchObject({ verdict: 'config-denies', blockedBy: { component: 'network-acl', id: 'acl-1', direction: 'inbound', rule: 32767 } });
    expect(a.explanation).toContain('would be denied by the current configuration');
    expect(a.explanation).not.toContain('was denied');
    expect(a.explanation).toContain('It was accepted when logged, so the configuration has changed since');
    expect(renderRecordText('t.log', 1, a, 0)).toMatch(/^t\.log:1: CONFIG DENIES\n/);
  });

  it('is counted apart from the blocked REJECTs, in the text and the JSON summary', () => {
    const { records, summary } = runReference(indexSnapshot(web), events([accepted, '2 eni-1 198.51.100.7 10.0.1.10 40001 22 6 2 REJECT OK']), { all: true, strict: false });
    expect(records.map((r) => r.verdict)).toEqual(['config-denies', 'blocked']);
    const j = summary.toJson();
    expect(j.verdicts).toMatchObject({ blocked: 1, 'config-denies': 1 });
    expect(j.blockingRules.map((g) => g.count)).toEqual([1]);
    expect(j.configDeniesRules.map((g) => [g.count, g.blockedBy])).toEqual([[1, { component: 'network-acl', id: 'acl-1', direction: 'inbound', rule: 32767 }]]);
    const text = renderSummaryText(summary);
    expect(text).toContain('1 explained'.replace('1', '2'));
    expect(text).toMatch(/Rejects by blocking rule\n {9}1 {2}network ACL acl-1/);
    expect(text).toMatch(/Accepted when logged, denied by the current configuration \(config-denies\), by rule\n {9}1 {2}network ACL acl-1/);
  });

  it('writes config-denies records valid against the schema (blockedBy required) from the CLI', async () => {
    const snap = snapshotDir({
      enis: [{ NetworkInterfaceId: 'eni-1', SubnetId: 'subnet-1', VpcId: 'vpc-1', PrivateIpAddress: '10.0.1.10', PrivateIpAddresses: [{ PrivateIpAddress: '10.0.1.10', Primary: true }], Groups: [{ GroupId: 'sg-1', GroupName: 'web' }] }],
      groups: [{ GroupId: 'sg-1', GroupName: 'web', VpcId: 'vpc-1', IpPermissions: [], IpPermissionsEgress: [] }],
      acls: [{ NetworkAclId: 'acl-1', VpcId: 'vpc-1', Associations: [{ SubnetId: 'subnet-1' }], Entries: [
        { RuleNumber: 32767, Protocol: '-1', RuleAction: 'deny', Egress: false, CidrBlock: '0.0.0.0/0' },
        { RuleNumber: 32767, Protocol: '-1', RuleAction: 'deny', Egress: true, CidrBlock: '0.0.0.0/0' },
      ] }],
    });
    const log = tempLog([accepted]);
    const r = await runCli(['explain', '--snapshot', snap, '--all', '--format', 'jsonl', log]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const row = JSON.parse(r.stdout.trim());
    expect(validateExplainRecord(row), JSON.stringify(validateExplainRecord.errors)).toBe(true);
    expect(row).toMatchObject({ verdict: 'config-denies', blockedBy: { component: 'network-acl' } });
    const t = await runCli(['explain', '--snapshot', snap, '--all', log]);
    expect(t.stdout).toContain(': CONFIG DENIES\n');
    expect(t.stdout).toMatch(/1 explained: 0 blocked, 1 config-denies/);
  });
});

describe('item 2: a fix covers every blocker and names an action on a named resource', () => {
  it("explain's Fix lists the NACL's and the security groups' changes when both deny (ref 8.2)", async () => {
    const r = await runCli(['explain', ...EXAMPLE, '--format', 'jsonl', 'examples/three-tier/flows.log']);
    const first = JSON.parse(r.stdout.split('\n')[0]!);
    expect(first.alsoBlockedBy).toEqual([{ component: 'security-group', ids: ['sg-0web000000000001'], direction: 'inbound' }]);
    expect(first.explanation).toMatch(/Fix: \(1\) add an allow rule to network ACL acl-0public000000001 for inbound tcp\/22 from 198\.51\.100\.7\/32 .*; \(2\) add an inbound rule to sg-0web000000000001 allowing tcp\/22 from 198\.51\.100\.7\/32\./);
  });

  it("trace's Fix lists every blocker's change, and the further blockers name their resource", async () => {
    const r = await runCli(['trace', ...EXAMPLE, '--from', '198.51.100.7', '--to', 'eni-0web100000000001', '--protocol', 'tcp', '--port', '22', '--format', 'json']);
    const doc = JSON.parse(r.stdout);
    expect(doc.reachable).toBe(false);
    expect(doc.alsoBlockedBy.length).toBeGreaterThan(0);
    expect(doc.fix).toMatch(/^\(1\) add an allow rule to network ACL acl-0public000000001 .*; \(2\) add an inbound rule to sg-0web000000000001/);
    expect(doc.explanation).toMatch(/would also block it: security-group inbound sg-0web000000000001 on eni-0web100000000001 on the way there/);
  });

  it('a route problem gets an action on its route table, not "fix the routing"', () => {
    const s = snapshotOf({ vpcs: [vpc('vpc-1', ['10.0.0.0/16'])], subnets: [subnet('subnet-1', '10.0.1.0/24')] });
    const p = packet({ proto: 'tcp', src: '10.0.1.10', dst: '10.9.0.5', sport: 40000, dport: 443 });
    const hop = {
      component: 'route', subnetId: 'subnet-1', path: 'forward', decision: 'deny', packet: p, reason: 'no-route',
      explanation: { code: 'ROUTE_TARGET_ELSEWHERE', targetId: 'local' },
      route: { routeTableId: 'rtb-1', outcome: 'route', route: { destination: { kind: 'cidr', cidr: { text: '10.0.0.0/8' } }, target: { kind: 'local', id: 'local' }, state: 'active' }, target: { kind: 'local', id: 'local' }, prefixLength: 8 },
    } as unknown as Hop;
    const fix = fixFor(hop, indexSnapshot(s));
    expect(fix).toBe('add a route for 10.9.0.5 to rtb-1 whose target reaches it (today 10.0.0.0/8 -> local takes it)');
    expect(fix).not.toContain('fix the routing');
  });

  it("offers an interface's public address only when it has one (a route to the internet for another VPC's private address)", () => {
    const twoVpcs = (publicIp?: string) => snapshotOf({
      vpcs: [vpc('vpc-1', ['10.0.0.0/16']), vpc('vpc-2', ['10.1.0.0/16'])],
      subnets: [subnet('subnet-a', '10.0.1.0/24'), subnet('subnet-b', '10.1.1.0/24', { vpcId: 'vpc-2' })],
      enis: [eni('eni-a', 'subnet-a', ['10.0.1.10'], ['sg-a']), eni('eni-b', 'subnet-b', ['10.1.1.10'], ['sg-b'], { vpcId: 'vpc-2', ...(publicIp ? { publicIp } : {}) })],
      securityGroups: [sg('sg-a', [sgRule('sg-a', 'outbound', '-1', '0.0.0.0/0')]), sg('sg-b', [sgRule('sg-b', 'inbound', '-1', '0.0.0.0/0')], 'vpc-2')],
      networkAcls: [nacl('acl-a', [...allowAll, ...defaults], ['subnet-a']), nacl('acl-b', [...allowAll, ...defaults], ['subnet-b'], 'vpc-2')],
      routeTables: [routeTable('rtb-a', [route('10.0.0.0/16', 'local'), route('0.0.0.0/0', 'igw-1')], { subnetIds: ['subnet-a'] })],
    });
    const fixOf = (s: Snapshot) => {
      const index = indexSnapshot(s);
      const a = index.eniById.get('eni-a')!;
      const b = index.eniById.get('eni-b')!;
      const p = packet({ proto: 'tcp', src: '10.0.1.10', dst: '10.1.1.10', sport: 40000, dport: 443 });
      const r = tracePath(index, { src: { kind: 'eni', eni: a, ip: a.primaryPrivateIp!, via: 'private' }, dst: { kind: 'eni', eni: b, ip: b.primaryPrivateIp!, via: 'private' }, packet: p });
      return fixFor(r.blockingHop!, index);
    };
    expect(fixOf(twoVpcs())).not.toContain('public address');
    expect(fixOf(twoVpcs('18.216.129.140'))).toContain("or use eni-b's public address 18.216.129.140");
  });
});

describe("item 3: records with '-' fields (ref 1.1)", () => {
  it("a TCP REJECT without ports misses the destination port, not the ICMP type; no 'group missing'; no 'all tcp' fix", () => {
    const a = attribute(web, '2 eni-1 192.0.2.9 10.0.1.10 - - 6 - REJECT OK');
    expect(a.verdict).toBe('ambiguous');
    expect(a.explanation).toContain('the destination port');
    expect(a.explanation).not.toMatch(/ICMP type|missing from the snapshot|all tcp/);
    expect(a.candidates?.map((c) => [c.reading, c.verdict])).toEqual([
      ['if the destination port matches no port-specific rule', 'blocked'],
      ['if the destination port is 22', 'config-allows'],
    ]);
    expect(a.fix ?? '').not.toContain('all tcp');
  });

  it('a certain deny of a TCP record without ports fixes the one service port, not all tcp', () => {
    const s = snapshotOf({ ...web, securityGroups: [sg('sg-1', [])] });
    const a = attribute(s, '2 eni-1 192.0.2.9 10.0.1.10 - - 6 - REJECT OK');
    expect(a.verdict).toBe('blocked');
    expect(a.fix).toContain('tcp on the port the service listens on');
    expect(a.fix).not.toMatch(/allowing all tcp/);
  });

  it('a record without an interface-id does not ask for that interface\'s describe output', () => {
    const a = attribute(web, '2 - 198.51.100.7 10.0.1.10 40000 22 6 2 REJECT OK');
    expect(a.verdict).toBe('unknown-interface');
    expect(a.explanation).toContain('The record has no interface-id');
    expect(a.explanation).not.toContain('describe-network-interfaces');
  });

  it('a BPA record of an interface outside the snapshot shows its addresses and ports (ref 8.17)', () => {
    const a = attribute(web, '2 eni-9 198.51.100.7 10.0.1.10 40000 22 6 2 REJECT OK BPA');
    expect(a).toMatchObject({ verdict: 'blocked', blockedBy: { component: 'block-public-access' } });
    expect(a.explanation).toContain('TCP 198.51.100.7:40000 -> 10.0.1.10:22 on network interface eni-9 was rejected by VPC Block Public Access');
  });
});

describe('item 4: uncertainty is stated where the data is uncertain', () => {
  it('a rule admitting a prefix list without entries leaves the answer ambiguous, not a certain block (ref 6.5)', () => {
    const s = snapshotOf({
      ...web,
      prefixLists: [{ ...prefixList('pl-1', []), entries: null }],
      securityGroups: [sg('sg-1', [sgRule('sg-1', 'inbound', 'tcp', 'pl-1', { ports: [22, 22] })])],
      networkAcls: [nacl('acl-1', [...allowAll, ...defaults], ['subnet-1'])],
    });
    const a = attribute(s, '2 eni-1 198.51.100.7 10.0.1.10 40000 22 6 2 REJECT OK');
    expect(a.verdict).toBe('ambiguous');
    expect(a.candidates?.map((c) => [c.reading, c.verdict])).toEqual([
      ['if the peer is not in pl-1', 'blocked'],
      ['if the peer is in pl-1', 'config-allows'],
    ]);
    expect(a.explanation).toContain('whose entries the snapshot does not have');
  });

  it('a TCP response REJECT without tcp-flags that the configuration allows lists a packet after close or expiry (ref 8.9)', () => {
    const s = snapshotOf({ ...web, networkAcls: [nacl('acl-1', [...allowAll, ...defaults], ['subnet-1'])] });
    const a = attribute(s, '2 eni-1 10.0.1.10 192.0.2.9 22 40000 6 - REJECT OK', true);
    expect(a).toMatchObject({ verdict: 'config-allows', traffic: 'response' });
    expect(a.explanation).toContain('a packet after the connection closed or expired');
  });

  it('a record between two addresses of one interface says so as the reason its direction is unknown (ref 8.3)', () => {
    const a = attribute(web, '2 eni-1 10.0.1.11 10.0.1.10 40000 22 6 2 REJECT OK');
    expect(a.verdict).toBe('ambiguous');
    expect(a.explanation).toMatch(/^Both 10\.0\.1\.11 and 10\.0\.1\.10 are addresses of eni-1/);
    expect(a.explanation).not.toContain('Neither');
  });

  it('a record mixing address families is a bad line (ref 8.13), counted, and fatal under --strict', async () => {
    const bad = parseRecordLine(FORMAT, '2 eni-1 198.51.100.7 2001:db8::1 40000 22 6 2 REJECT OK - - -', 't.log', 2);
    expect(isLineError(bad)).toBe(true);
    if (isLineError(bad)) expect(bad.message).toBe("srcaddr (field 3) is IPv4 and dstaddr (field 4) IPv6: a packet's addresses are of one family");
    // With a good record beside it: a run that reads no record at all exits 2 (issue 20, item 8).
    const log = tempLog(['2 eni-0web100000000001 198.51.100.7 2001:db8::1 40000 22 6 2 REJECT OK - - -', '2 eni-0web100000000001 198.51.100.7 10.0.1.10 40000 22 6 2 REJECT OK - - -']);
    const r = await runCli(['explain', ...EXAMPLE, log]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Bad lines: 1/);
    expect(r.stdout).toContain('is IPv4 and dstaddr (field 4) IPv6');
    expect((await runCli(['explain', ...EXAMPLE, '--strict', log])).code).toBe(2);
  });
});

describe('item 5: wording and layout', () => {
  it('an answer whose direction is unknown names the packet once, then each reading from its traffic on, and "Inferred ..." once (ref 8.4)', async () => {
    const log = tempLog(['2 eni-0web100000000001 198.51.100.1 198.51.100.2 40000 22 6 1 REJECT OK - - -']);
    const r = await runCli(['explain', ...EXAMPLE, '--width', '0', log]);
    expect(r.code).toBe(0);
    const para = r.stdout.split('\n\n')[0]!;
    expect(para).toContain('AMBIGUOUS');
    expect(para).not.toContain('198.51.100.1:40000');
    expect(para).toContain('Read as inbound traffic: probably a request (port 22 is a service port and 40000 an ephemeral one), was denied:');
    expect(para).toContain('Read as outbound traffic: probably a request');
    expect(para.split('Inferred from the snapshot configuration').length - 1).toBe(1);
    const json = JSON.parse((await runCli(['explain', ...EXAMPLE, '--format', 'jsonl', log])).stdout.trim().split('\n')[0]!) as { candidates: { explanation: string }[] };
    // The candidates keep their whole paragraphs, the packet's ports filled in (not slot markers).
    expect(json.candidates[0]!.explanation).toMatch(/^Inbound TCP 198\.51\.100\.1:40000 -> 198\.51\.100\.2:22 on eni-0web100000000001/);
  });

  it('writes ICMPv6, and never capitalises an AWS id at a sentence start', () => {
    expect(describePacket(packet({ proto: 'icmpv6', src: '2001:db8::1', dst: '2001:db8::2', type: 128, code: 0 }))).toBe('ICMPv6 2001:db8::1 -> 2001:db8::2 (type 128 code 0)');
    expect(sentence('rtb-0abc123: 0.0.0.0/0 -> igw-1')).toBe('Route table rtb-0abc123: 0.0.0.0/0 -> igw-1');
    expect(sentence('nat-0shop000000000001 remaps the port')).toBe('NAT gateway nat-0shop000000000001 remaps the port');
    expect(sentence('eni-1 is the interface')).toBe('Network interface eni-1 is the interface');
    expect(sentence('the request')).toBe('The request');
  });

  it('an ICMP miss says other ICMP types, not other ports (ref 4.2)', () => {
    const s = snapshotOf({ ...web, securityGroups: [sg('sg-1', [sgRule('sg-1', 'inbound', 'icmp', '192.0.2.0/24', { icmp: [8, -1] })])] });
    const index = indexSnapshot(s);
    const hop = sgHop(index, 'forward', index.eniById.get('eni-1')!, 'inbound', packet({ proto: 'icmp', src: '192.0.2.9', dst: '10.0.1.10', type: 13, code: 0 }), false);
    expect(hopEvidence(hop, index)).toContain('(that peer, but other ICMP types)');
  });

  it('says a NACL rule number may be any number up to 32766 (ref 5.1)', () => {
    const a = attribute(web, '2 eni-1 198.51.100.7 10.0.1.10 40000 22 6 2 REJECT OK');
    expect(a.fix).toContain('any number up to 32766');
  });

  it('puts the headline, the blocker, the fix and each detail on lines of their own, wrapped to the width', () => {
    const a = attribute(web, '2 eni-1 198.51.100.7 10.0.1.10 40000 22 6 2 REJECT OK');
    const text = renderRecordText('t.log', 1, a, 80);
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toBe('t.log:1: BLOCKED');
    expect(lines.every((l) => l.length <= 80)).toBe(true);
    const starts = lines.filter((l) => /^ {2}\S/.test(l));
    expect(starts[0]).toMatch(/^ {2}Inbound TCP 198\.51\.100\.7:40000/);
    expect(starts[1]).toMatch(/^ {2}network ACL acl-1 of subnet-1: inbound rule \*/);
    expect(starts.some((l) => l.startsWith('  Fix: '))).toBe(true);
    expect(renderRecordText('t.log', 1, a, 0)).toBe(`t.log:1: BLOCKED\n  ${a.explanation}\n\n`);
  });

  it('wraps without losing or reordering a word, every line within the width unless one word is longer (property)', () => {
    const word = fc.stringMatching(/^[a-zA-Z0-9:./()-]{1,30}$/);
    fc.assert(
      fc.property(fc.array(word, { minLength: 1, maxLength: 60 }), fc.integer({ min: 10, max: 120 }), (words, width) => {
        const text = words.join(' ');
        const out = layoutParagraph(text, width, '  ');
        expect(out.split(/\s+/).filter((w) => w !== '')).toEqual(words);
        for (const l of out.split('\n')) expect(l.length <= width || !l.trim().includes(' ')).toBe(true);
      }),
      fcParams(200),
    );
  });

  it('--width 0 writes each paragraph on one line; --width takes whole numbers only (exit 2)', async () => {
    const one = await runCli(['explain', ...EXAMPLE, '--width', '0', 'examples/three-tier/flows.log']);
    const para = one.stdout.split('\n')[1]!;
    expect(para).toMatch(/^ {2}Inbound TCP 198\.51\.100\.7:40000 .* Inferred from the snapshot configuration\.$/);
    const narrow = await runCli(['explain', ...EXAMPLE, '--width', '60', 'examples/three-tier/flows.log']);
    expect(narrow.stdout.split('\n\nSummary')[0]!.split('\n').every((l) => l.length <= 60 || !l.trim().includes(' '))).toBe(true);
    const bad = await runCli(['explain', ...EXAMPLE, '--width', 'wide', 'examples/three-tier/flows.log']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--width: expected a whole number of columns');
    const trace = await runCli(['trace', ...EXAMPLE, '--from', 'eni-0app100000000003', '--to', '203.0.113.5', '--protocol', 'tcp', '--port', '443', '--width', '0']);
    expect(trace.stdout.trimEnd().split('\n').pop()).toMatch(/^TCP 10\.0\.2\.20:50000 .* is blocked on the way back \(the response\)\. Network ACL acl-0app/);
  });

  it('an uncertain answer states its first reading once, not again inside the candidates', () => {
    const a = attribute(web, '2 eni-1 192.0.2.9 10.0.1.10 - - 6 - REJECT OK');
    const first = a.candidates![0]!.explanation;
    expect(a.explanation.split(first).length - 1).toBe(1);
  });
});

describe('item 6: the summary', () => {
  const icmpAndOutbound = snapshotOf({ ...web, securityGroups: [sg('sg-1', [])], networkAcls: [nacl('acl-1', [...allowAll, ...defaults], ['subnet-1'])] });

  it('counts ICMP records apart, not as destination port 0 (ref 2.4)', () => {
    const { summary } = runReference(indexSnapshot(icmpAndOutbound), events(['2 eni-1 192.0.2.9 10.0.1.10 0 0 1 - REJECT OK']), { all: false, strict: false });
    const g = summary.toJson().blockingRules[0]!;
    expect(g.topDestinationPorts).toEqual([]);
    expect(g.icmp).toEqual([{ protocol: 'icmp', count: 1 }]);
    expect(renderSummaryText(summary)).toContain('icmp records: icmp (1); flow logs carry no ICMP type or code');
  });

  it('lists the top destinations for an outbound rule, not the interface\'s own address', () => {
    const { summary } = runReference(indexSnapshot(icmpAndOutbound), events(['2 eni-1 10.0.1.10 203.0.113.5 40000 8443 6 2 REJECT OK']), { all: false, strict: false });
    const g = summary.toJson().blockingRules[0]!;
    expect(g.blockedBy).toMatchObject({ component: 'security-group', direction: 'outbound' });
    expect(g.topDestinations).toEqual([{ address: '203.0.113.5', count: 1 }]);
    expect(g.topSources).toBeUndefined();
    expect(renderSummaryText(summary)).toContain('top destinations: 203.0.113.5 (1)');
  });

  it("counts a NAT gateway's record under the peer its explanation names, pkt-srcaddr (ref 2.7, 8.4)", () => {
    expect(summaryPeer({ srcaddr: '10.0.1.10', dstaddr: '10.0.1.100', pktSrcaddr: '203.0.113.9', pktDstaddr: null }, { direction: 'inbound', blockedBy: null })).toBe('203.0.113.9');
    const s = new ExplainSummary();
    const blockedBy = { component: 'network-acl' as const, id: 'acl-1', direction: 'inbound' as const, rule: 32767 };
    const r = { srcaddr: '10.0.1.10', dstaddr: '10.0.1.100', pktSrcaddr: '203.0.113.9', pktDstaddr: null };
    s.addExplained({ verdict: 'blocked', ruleKey: 'k', ruleLabel: 'k', blockedBy, direction: 'inbound' }, summaryPeer(r, { direction: 'inbound', blockedBy }), 443, false, 6);
    expect(s.toJson().blockingRules[0]!.topSources).toEqual([{ address: '203.0.113.9', count: 1 }]);
  });
});
