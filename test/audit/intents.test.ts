/**
 * checkIntents: must-allow holds iff every connection of the statement gets through and its responses get
 * back; must-deny iff no request of it arrives. Each kind of end (ENI, group members, subnet, CIDR,
 * internet) on either side, on the three-tier example and on snapshots built in code. Every failed
 * statement's counterexample is confirmed by `vpcwhy trace` (the CLI, with the command the finding prints).
 */
import { describe, expect, it } from 'vitest';
import { type IntentOutcome, IntentReferenceError, checkIntents, formatIntentsError, parseIntents } from '../../src/audit/intents.js';
import { tracePacket } from '../../src/audit/packet-example.js';
import { type SnapshotIndex, indexSnapshot } from '../../src/engine/snapshot-index.js';
import { loadSnapshotForTests } from '../../src/testing/index.js';
import { eni, nacl, naclEntry, prefixList, route, routeTable, sg, sgRule, snapshotOf, subnet, vpc } from '../builders.js';
import { runCli } from '../cli/run-cli.js';

const EXAMPLE = 'examples/three-tier/snapshot';
const WEB1 = 'eni-0web100000000001';
const APP1 = 'eni-0app100000000003';
const DB1 = 'eni-0db1000000000004';
const SG_WEB = 'sg-0web000000000001';
const SG_APP = 'sg-0app000000000002';
const SG_DB = 'sg-0db0000000000003';

function doc(statements: string) {
  const r = parseIntents(`intents:\n${statements}`, 'intents.yaml');
  if (r._tag === 'Left') throw new Error(formatIntentsError(r.left));
  return r.right;
}

function one(index: SnapshotIndex, kind: 'must-allow' | 'must-deny', body: string): IntentOutcome {
  return checkIntents(index, doc(`  - name: t\n    ${kind}: { ${body} }\n`))[0]!;
}

/** `vpcwhy trace` with the command the outcome prints: unreachable for a must-allow, the request arriving for a must-deny. */
async function confirmedByTrace(o: IntentOutcome, snapshot = EXAMPLE): Promise<void> {
  const c = o.counterexample;
  expect(c, o.message).toBeDefined();
  expect(o.message).toContain(c!.traceCommand);
  const args = c!.traceCommand.replace(/^vpcwhy /, '').split(' ');
  const r = await runCli([...args, '--snapshot', snapshot, '--format', 'json']);
  expect(r.stderr).toBe('');
  const t = JSON.parse(r.stdout) as { reachable: boolean; blockedBy: unknown; hops: { path: string; decision: string }[] };
  if (o.intent.kind === 'must-allow') {
    expect(t.reachable).toBe(false);
    expect(r.code).toBe(1);
    expect(t.blockedBy).toEqual(c!.blockedBy);
  } else {
    expect(t.hops.filter((h) => h.path === 'forward' && h.decision === 'deny')).toEqual([]);
  }
}

describe('intents on the three-tier example (ref 4.1, 5.1, 6.1)', async () => {
  const index = await loadSnapshotForTests(EXAMPLE);

  describe('from the internet', () => {
    it('to a public address (CIDR): HTTPS and HTTP hold, ephemeral NACL return from anywhere (ref 5.4)', () => {
      const o = one(index, 'must-allow', 'from: internet, to: 54.210.1.10, protocol: tcp, ports: [443, 80]');
      expect(o.status).toBe('passed');
      expect(o.message).toMatch(/^holds: every tcp\/80,443 connection from internet to 54\.210\.1\.10/);
    });

    it('to an ENI: fails over IPv6, the public NACL has no IPv6 outbound rule for the response (return path, ref 5.1)', async () => {
      const o = one(index, 'must-allow', `from: internet, to: ${WEB1}, protocol: tcp, ports: 443`);
      expect(o.status).toBe('failed');
      expect(o.counterexample!.packet.src.family).toBe(6);
      expect(o.counterexample!.blockedBy).toEqual({ component: 'network-acl', id: 'acl-0public000000001', direction: 'outbound', rule: 32768, path: 'return' });
      expect(o.message).toContain('its response is blocked by network ACL acl-0public000000001 outbound rule * (32768) (return path)');
      await confirmedByTrace(o);
    });

    it('to the members of a group: SSH from the internet arrives from the offices (prefix list), so must-deny fails naming the rules', async () => {
      const o = one(index, 'must-deny', `from: internet, to: ${SG_WEB}, protocol: tcp, ports: 22`);
      expect(o.status).toBe('failed');
      const c = o.counterexample!;
      expect(c.eniId).toBe(WEB1);
      expect(c.packet.src.value).toBeTypeOf('number');
      expect(c.allowedBy).toEqual([
        { component: 'security-group', id: SG_WEB, direction: 'inbound', rule: 3 },
        { component: 'network-acl', id: 'acl-0public000000001', direction: 'inbound', rule: 110 },
      ]);
      expect(o.violating.map((r) => r.sources.join(' '))).toEqual(['192.0.2.0/24']);
      await confirmedByTrace(o);
    });

    it('to a subnet nothing on the internet can address: must-deny holds, must-allow fails without a packet to show', () => {
      const deny = one(index, 'must-deny', 'from: internet, to: subnet-0db0000000000003, protocol: all');
      expect(deny.status).toBe('passed');
      expect(deny.message).toContain('nothing on the internet can address subnet-0db0000000000003');
      const allow = one(index, 'must-allow', 'from: internet, to: subnet-0db0000000000003, protocol: tcp, ports: 5432');
      expect(allow.status).toBe('failed');
      expect(allow.counterexample).toBeUndefined();
      expect(allow.pairsChecked).toBe(0);
    });
  });

  describe('between groups, subnets and interfaces', () => {
    it('group to group: web to app on 8080 holds for both web interfaces (SG reference, ref 4.1)', () => {
      const o = one(index, 'must-allow', `from: ${SG_WEB}, to: ${SG_APP}, protocol: tcp, ports: 8080`);
      expect(o.status).toBe('passed');
      expect(o.pairsChecked).toBe(2);
    });

    it('group to group: web to db on 5432 fails at db NACL inbound rule 90, before the allow in rule 100 (ref 5.1)', async () => {
      const o = one(index, 'must-allow', `from: ${SG_WEB}, to: ${SG_DB}, protocol: tcp, ports: 5432`);
      expect(o.status).toBe('failed');
      expect(o.counterexample!.blockedBy).toEqual({ component: 'network-acl', id: 'acl-0db0000000000003', direction: 'inbound', rule: 90, path: 'forward' });
      await confirmedByTrace(o);
    });

    it('group to subnet: app to the db subnet on 5432 holds', () => {
      expect(one(index, 'must-allow', `from: ${SG_APP}, to: subnet-0db0000000000003, protocol: tcp, ports: 5432`).status).toBe('passed');
    });

    it('subnet to ENI: the whole public subnet CIDR as sources never reaches the database port', () => {
      const o = one(index, 'must-deny', `from: subnet-0public0000000001, to: ${DB1}, protocol: tcp, ports: 5432`);
      expect(o.status).toBe('passed');
    });

    it('CIDR to group: SSH from 203.0.113.0/24 never arrives', () => {
      expect(one(index, 'must-deny', `from: 203.0.113.0/24, to: ${SG_WEB}, protocol: tcp, ports: 22`).status).toBe('passed');
    });

    it('ENI to ENI: must-deny fails when one request arrives, even if it is another protocol than the one that works', async () => {
      const o = one(index, 'must-deny', `from: ${APP1}, to: ${DB1}, protocol: all`);
      expect(o.status).toBe('failed');
      expect(o.counterexample!.packet.protocol).toBe(6);
      expect(o.counterexample!.packet.dstPort).toBe(5432);
      await confirmedByTrace(o);
    });

    it('a statement that describes from and to the same interface only checks the other pairs', () => {
      const o = one(index, 'must-allow', `from: ${SG_WEB}, to: ${SG_WEB}, protocol: tcp, ports: 443`);
      expect(o.pairsChecked).toBe(2);
    });
  });

  describe('to the outside', () => {
    it('ENI to internet: the app tier fails on the return path, its NACL admits ephemeral ports only from the VPC (SG allows, ref 5.4)', async () => {
      const o = one(index, 'must-allow', `from: ${APP1}, to: internet, protocol: tcp, ports: 443`);
      expect(o.status).toBe('failed');
      expect(o.counterexample!.blockedBy).toEqual({ component: 'network-acl', id: 'acl-0app0000000000002', direction: 'inbound', rule: 32767, path: 'return' });
      await confirmedByTrace(o);
    });

    it('ENI to an outside CIDR: web-1 over IPv4 holds; over IPv6 its NACL has no outbound rule (forward, ref 5.1)', async () => {
      expect(one(index, 'must-allow', `from: ${WEB1}, to: 203.0.113.0/24, protocol: tcp, ports: 443`).status).toBe('passed');
      const v6 = one(index, 'must-allow', `from: ${WEB1}, to: "2001:db8::/32", protocol: tcp, ports: 443`);
      expect(v6.status).toBe('failed');
      expect(v6.counterexample!.blockedBy).toEqual({ component: 'network-acl', id: 'acl-0public000000001', direction: 'outbound', rule: 32768, path: 'forward' });
      await confirmedByTrace(v6);
    });

    it('group to internet: a one-way request that arrives breaks a must-deny even though its response is dropped', async () => {
      const o = one(index, 'must-deny', `from: ${SG_APP}, to: internet, protocol: tcp, ports: 443`);
      expect(o.status).toBe('failed');
      expect(o.counterexample!.trace.reachable).toBe(false);
      expect(o.message).toContain('its response does not get back, but the request arrives');
      await confirmedByTrace(o);
    });

    it('the counterexample reads well: documentation addresses for an outside destination', () => {
      const o = one(index, 'must-allow', `from: ${APP1}, to: internet, protocol: tcp, ports: 443`);
      expect(['198.51.100.7', '203.0.113.5', '192.0.2.10']).toContain(o.message.match(/-> ([\d.]+):443/)![1]);
    });
  });

  it('a statement naming what the snapshot lacks is an IntentReferenceError with its line and column', () => {
    const d = doc('  - name: a\n    must-allow: { from: internet, to: eni-0nope, protocol: tcp }\n');
    expect(() => checkIntents(index, d)).toThrow(IntentReferenceError);
    expect(() => checkIntents(index, d)).toThrow(/^intents\.yaml:3:39: to: no network interface, security group or subnet eni-0nope in the snapshot$/);
  });
});

describe('intents on snapshots built in code', () => {
  /** One public subnet, one web server at 203.0.113.0/24's neighbour 54.1.1.1, its NACL as given. */
  function webSnapshot(outbound: ReturnType<typeof naclEntry>[], extra: { rules?: ReturnType<typeof sgRule>[]; inbound?: ReturnType<typeof naclEntry>[] } = {}) {
    return indexSnapshot(
      snapshotOf({
        vpcs: [vpc('vpc-1', ['10.0.0.0/16'])],
        subnets: [subnet('subnet-1', '10.0.1.0/24')],
        enis: [eni('eni-web', 'subnet-1', ['10.0.1.10'], ['sg-web'], { publicIp: '54.1.1.1' })],
        securityGroups: [sg('sg-web', [sgRule('sg-web', 'inbound', 'tcp', '0.0.0.0/0', { ports: [443, 443] }), ...(extra.rules ?? [])])],
        networkAcls: [nacl('acl-1', [naclEntry(100, 'allow', 'inbound', 'tcp', '0.0.0.0/0', { ports: [443, 443] }), ...(extra.inbound ?? []), ...outbound], ['subnet-1'])],
        routeTables: [routeTable('rtb-1', [route('10.0.0.0/16', 'local'), route('0.0.0.0/0', 'igw-1')], { subnetIds: ['subnet-1'], main: true })],
        internetGateways: [{ id: 'igw-1', vpcIds: ['vpc-1'], source: { file: 'test', path: '$' } }],
        prefixLists: [prefixList('pl-known', ['192.0.2.0/24']), { id: 'pl-empty', entries: null, source: { file: 'test', path: '$' } }],
      }),
    );
  }

  it('return path: the group allows 443 but the NACL has no ephemeral outbound rule, so must-allow fails at outbound * (ref 5.1, 5.4)', () => {
    const index = webSnapshot([naclEntry(100, 'allow', 'outbound', 'tcp', '0.0.0.0/0', { ports: [443, 443] })]);
    const o = one(index, 'must-allow', 'from: internet, to: eni-web, protocol: tcp, ports: 443');
    expect(o.status).toBe('failed');
    expect(o.counterexample!.blockedBy).toEqual({ component: 'network-acl', id: 'acl-1', direction: 'outbound', rule: 32767, path: 'return' });
    const t = tracePacket(index, o.counterexample!.packet);
    expect(t.reachable).toBe(false);
    // The request itself arrives: a must-deny of the same set fails.
    expect(one(index, 'must-deny', 'from: internet, to: eni-web, protocol: tcp, ports: 443').status).toBe('failed');
  });

  it('return path with the ephemeral rule: must-allow holds for client ports 1024-65535, fails for source-ports 0-65535', () => {
    const index = webSnapshot([naclEntry(100, 'allow', 'outbound', 'tcp', '0.0.0.0/0', { ports: [1024, 65535] })]);
    expect(one(index, 'must-allow', 'from: internet, to: eni-web, protocol: tcp, ports: 443').status).toBe('passed');
    const all = one(index, 'must-allow', 'from: internet, to: eni-web, protocol: tcp, ports: 443, source-ports: 0-65535');
    expect(all.status).toBe('failed');
    expect(all.counterexample!.packet.srcPort).toBeLessThan(1024);
    expect(tracePacket(index, all.counterexample!.packet).reachable).toBe(false);
  });

  it('a rule with an unresolvable peer behind a NACL that denies its traffic changes nothing: must-deny holds', () => {
    const index = webSnapshot([], { rules: [sgRule('sg-web', 'inbound', 'tcp', 'pl-empty', { ports: [22, 22] })] });
    const o = one(index, 'must-deny', 'from: internet, to: eni-web, protocol: tcp, ports: 22');
    expect(o.status).toBe('passed');
    expect(o.unknown).toEqual([]);
  });

  it('a rule whose prefix list has no entries makes a must-deny undetermined, never passed (values unknown are reported)', () => {
    const index = webSnapshot([naclEntry(100, 'allow', 'outbound', '-1', '0.0.0.0/0')], {
      rules: [sgRule('sg-web', 'inbound', 'tcp', 'pl-empty', { ports: [22, 22] })],
      inbound: [naclEntry(200, 'allow', 'inbound', '-1', '0.0.0.0/0')],
    });
    const o = one(index, 'must-deny', 'from: internet, to: eni-web, protocol: tcp, ports: 22');
    expect(o.status).toBe('undetermined');
    expect(o.unknown).toEqual([{ groupId: 'sg-web', rule: 1, reason: 'prefix-list-without-entries' }]);
    expect(o.message).toMatch(/^undetermined: .*sg-web rule 1: prefix-list-without-entries/);
  });

  it('a must-allow that fails where an unknown rule could admit the packet is undetermined, with the blocked packet shown', () => {
    const index = webSnapshot([naclEntry(100, 'allow', 'outbound', '-1', '0.0.0.0/0')], {
      rules: [sgRule('sg-web', 'inbound', 'tcp', 'pl-empty', { ports: [22, 22] })],
      inbound: [naclEntry(200, 'allow', 'inbound', '-1', '0.0.0.0/0')],
    });
    const d = doc('  - name: a\n    must-allow: { from: internet, to: eni-web, protocol: tcp, ports: 22 }\n');
    const o = checkIntents(index, d)[0]!;
    expect(o.status).toBe('undetermined');
    expect(o.counterexample).toBeDefined();
    expect(tracePacket(index, o.counterexample!.packet).reachable).toBe(false);
  });

  it('a group without interfaces describes no connection: must-allow fails saying so, must-deny holds', () => {
    const index = webSnapshot([], { rules: [] });
    const s = indexSnapshot({ ...index.snapshot, securityGroups: [...index.snapshot.securityGroups, sg('sg-empty', [])] });
    const allow = one(s, 'must-allow', 'from: sg-empty, to: eni-web, protocol: tcp, ports: 443');
    expect(allow.status).toBe('failed');
    expect(allow.message).toBe('fails: the statement describes no connection: sg-empty has no network interfaces in the snapshot.');
    expect(one(s, 'must-deny', 'from: eni-web, to: sg-empty, protocol: all').status).toBe('passed');
  });

  it('checkIntents is cached per index and document (the rule and the renderers share one run)', () => {
    const index = webSnapshot([]);
    const d = doc('  - name: a\n    must-deny: { from: internet, to: eni-web, protocol: udp }\n');
    expect(checkIntents(index, d)).toBe(checkIntents(index, d));
    expect(checkIntents(index, d)[0]!.status).toBe('passed');
  });
});
