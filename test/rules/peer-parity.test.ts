/**
 * docs/peer-parity.md and rules/ in step (issue 21, "Parity table"): every rule id the table names exists,
 * every rule of rules/ appears, every peer check of the issue's list has a row, every "not covered" row
 * gives a reason, and every deliberate disagreement has a pinned case here that holds vpcwhy's answer.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { RULES } from '../../rules/index.js';
import { loadSnapshot } from '../../src/aws/load-snapshot.js';
import { indexSnapshot } from '../../src/engine/snapshot-index.js';
import { runAudit } from '../../src/audit/run.js';
import type { Finding } from '../../src/audit/rule-api.js';
import type { Snapshot } from '../../src/model/snapshot.js';
import { ALLOW_ALL, OPEN, acl, group, snapshot } from '../cli/path-snapshot.js';

const DOC = fileURLToPath(new URL('../../docs/peer-parity.md', import.meta.url));

interface Row {
  readonly peer: string;
  readonly check: string;
  readonly rules: string[];
  readonly notCovered: boolean;
  readonly notes: string;
  readonly pins: string[];
}

function parse(text: string): Row[] {
  const rows: Row[] = [];
  let peer = '';
  for (const line of text.split('\n')) {
    if (line.startsWith('## ')) peer = line.slice(3).trim();
    if (!line.startsWith('|') || peer === '') continue;
    const cells = line.slice(1, -1).split(' | ').map((c) => c.trim());
    if (cells[0] === 'Check' || /^-+$/.test(cells[0]!.replace(/\|/g, ''))) continue;
    expect(cells, `${peer}: ${line}`).toHaveLength(4);
    const [check, , vpcwhy, notes] = cells as [string, string, string, string];
    const pins = [...notes.matchAll(/\(pins?: ([^)]*)\)/g)].flatMap((m) => [...m[1]!.matchAll(/`([a-z0-9-]+)`/g)].map((x) => x[1]!));
    rows.push({ peer, check: check.replace(/`/g, ''), rules: [...vpcwhy.matchAll(/`([a-z0-9-]+)`/g)].map((m) => m[1]!), notCovered: vpcwhy.startsWith('not covered'), notes, pins });
  }
  return rows;
}

const rows = parse(readFileSync(DOC, 'utf8'));

/** The issue's list (Prowler's families as its check folders hold them). */
const ISSUE_CHECKS: Record<string, string[]> = {
  Checkov: ['CKV_AWS_23', 'CKV_AWS_24', 'CKV_AWS_25', 'CKV_AWS_260', 'CKV_AWS_277', 'CKV_AWS_382', 'CKV_AWS_229', 'CKV_AWS_230', 'CKV_AWS_231', 'CKV_AWS_232', 'CKV_AWS_352', 'CKV2_AWS_1', 'CKV2_AWS_5', 'CKV2_AWS_12'],
  Prowler: [
    ...['all_ports', 'any_port', 'any_port_from_ip', 'high_risk_tcp_ports', 'tcp_port_22', 'tcp_port_3389', 'tcp_port_cassandra_7199_9160_8888', 'tcp_port_elasticsearch_kibana_9200_9300_5601', 'tcp_port_ftp_20_21', 'tcp_port_kafka_9092', 'tcp_port_memcached_11211', 'tcp_port_mongodb_27017_27018', 'tcp_port_mysql_3306', 'tcp_port_oracle_1521_2483', 'tcp_port_postgres_5432', 'tcp_port_redis_6379', 'tcp_port_sql_server_1433_1434', 'tcp_port_telnet_23'].map((s) => `ec2_securitygroup_allow_ingress_from_internet_to_${s}`),
    'ec2_securitygroup_allow_wide_open_public_ipv4',
    'ec2_securitygroup_default_restrict_traffic',
    'ec2_securitygroup_from_launch_wizard',
    'ec2_securitygroup_not_used',
    'ec2_securitygroup_with_many_ingress_egress_rules',
    'ec2_networkacl_allow_ingress_any_port',
    'ec2_networkacl_allow_ingress_tcp_port_22',
    'ec2_networkacl_allow_ingress_tcp_port_3389',
    'ec2_networkacl_unused',
    ...['cassandra', 'cifs', 'elasticsearch_kibana', 'ftp', 'kafka', 'kerberos', 'ldap', 'memcached', 'mongodb', 'mysql', 'oracle', 'postgresql', 'rdp', 'redis', 'sqlserver', 'ssh', 'telnet'].map((s) => `ec2_instance_port_${s}_exposed_to_internet`),
  ],
  Trivy: ['AWS-0099', 'AWS-0102', 'AWS-0104', 'AWS-0105', 'AWS-0107', 'AWS-0124', 'AWS-0173'],
  cfn_nag: ['W2', 'W5', 'W9', 'W27', 'W29', 'W40', 'W42', 'F1000', 'F79', 'W66', 'W67', 'W71', 'W72'],
  ScoutSuite: [
    'ec2-default-security-group-in-use',
    'ec2-default-security-group-with-rules',
    ...['all-ports-to-all', 'all-ports-to-self', 'all-ports', 'icmp-to-all', 'known-port-to-all', 'plaintext-port', 'port-range', 'port-to-all'].map((s) => `ec2-security-group-opens-${s}`),
    ...['aws-ip-from-banned-region', 'aws', 'non-elastic-ips', 'unknown-aws', 'unknown-cidrs'].map((s) => `ec2-security-group-whitelists-${s}`),
    'ec2-unused-security-group',
    'vpc-custom-network-acls-allow-all',
    'vpc-default-network-acls-allow-all',
    'vpc-network-acl-not-used',
    'vpc-subnet-with-bad-acls',
    'vpc-subnet-with-default-acls',
  ],
  'cdk-nag': ['AwsSolutions-EC23', 'EC2RestrictedSSH', 'EC2RestrictedCommonPorts', 'VPCDefaultSecurityGroupClosed', 'VPCNoUnrestrictedRouteToIGW'],
};

// ---------------------------------------------------------------------------------------------------
// The pinned disagreements: what vpcwhy answers where a peer answers otherwise.

async function load(file: string): Promise<Snapshot> {
  const r = await loadSnapshot([file])();
  if (r._tag !== 'Right') throw new Error('load');
  return r.right;
}
async function audit(file: string, rules: string[]): Promise<Finding[]> {
  return [...runAudit(indexSnapshot(await load(file)), { rules }).findings];
}
const tcp = (from: number, to: number, cidr: string) => ({ IpProtocol: 'tcp', FromPort: from, ToPort: to, IpRanges: [{ CidrIp: cidr }] });
const all = (cidr: string) => ({ IpProtocol: '-1', IpRanges: [{ CidrIp: cidr }] });
/** sg-test (inbound `rules`, outbound `out`) on eni-web (public address, public subnet), or on `on`. */
function net(rules: unknown[], opts: { out?: unknown[]; on?: string; entries?: Record<string, unknown>[] } = {}): string {
  const groups = [group('sg-open', OPEN), group('sg-app', []), group('sg-peer', OPEN, OPEN, 'vpc-2'), group('sg-closed', [], []), group('sg-test', rules, opts.out ?? [])];
  const on = opts.on ?? 'eni-web';
  const eni = Object.fromEntries(['eni-web', 'eni-db', 'eni-fw', 'eni-app'].map((id) => [id, { Groups: [{ GroupId: id === on ? 'sg-test' : 'sg-closed' }] }]));
  const acls = opts.entries ? [acl('acl-1', ['subnet-pub', 'subnet-priv', 'subnet-fw'], opts.entries), acl('acl-2', ['subnet-peer'], ALLOW_ALL, 'vpc-2')] : undefined;
  return snapshot({ groups, eni, ...(acls ? { acls } : {}) });
}
const SG_EXPOSURE = ['sg-admin-port-open-to-internet', 'sg-database-port-open-to-internet', 'sg-all-ports-open-to-internet', 'sg-overly-wide-cidr', 'sg-egress-open-to-internet'];
const INTERNET = ['internet-exposed-admin-port', 'internet-exposed-database-port', 'internet-exposed-all-ports'];
const nacl = (n: number, action: string, protocol: string, cidr: string, ports?: [number, number], egress = false) => ({
  RuleNumber: n, Protocol: protocol, RuleAction: action, Egress: egress, CidrBlock: cidr, ...(ports ? { PortRange: { From: ports[0], To: ports[1] } } : {}),
});
const ENTRY = (f: Finding) => (f.entry?.kind === 'nacl-entry' ? f.entry.ruleNumber : null);
const v4 = (fs: Finding[], resource: string) => fs.filter((f) => f.resource === resource && f.details?.['family'] !== 6);

const PINS: Record<string, () => Promise<void>> = {
  'latent-not-high': async () => {
    // Checkov CKV_AWS_24, Prowler ec2_instance_port_ssh_*: SSH from anywhere on an interface with no public address.
    const fs = await audit(net([tcp(22, 22, '0.0.0.0/0')], { on: 'eni-fw' }), ['sg-admin-port-open-to-internet', 'internet-exposed-admin-port']);
    const mine = fs.filter((f) => f.resource === 'sg-test' || f.resource === 'eni-fw');
    expect(mine.map((f) => [f.rule, f.resource, f.severity, f.details?.['exposure']])).toEqual([['sg-admin-port-open-to-internet', 'sg-test', 'medium', 'latent']]);
  },
  'open-web-port': async () => {
    const rules = [tcp(80, 80, '0.0.0.0/0'), tcp(443, 443, '0.0.0.0/0'), { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, Ipv6Ranges: [{ CidrIpv6: '::/0' }] }];
    const fs = await audit(net(rules), [...SG_EXPOSURE, ...INTERNET]);
    expect(fs.filter((f) => f.resource === 'sg-test' || f.resource === 'eni-web')).toEqual([]);
  },
  'shadowed-nacl-allow': async () => {
    // Entry 20 allows SSH from anywhere but entry 10 denies all TCP first (ref 5.1).
    const entries = [nacl(10, 'deny', '6', '0.0.0.0/0', [0, 65535]), nacl(20, 'allow', '6', '0.0.0.0/0', [22, 22]), nacl(30, 'deny', '17', '0.0.0.0/0', [0, 65535]), ...ALLOW_ALL];
    const fs = await audit(net([tcp(22, 22, '0.0.0.0/0')], { entries }), ['nacl-admin-port-open-to-internet', 'nacl-shadowed-entry']);
    expect(v4(fs, 'acl-1').filter((f) => f.rule === 'nacl-admin-port-open-to-internet')).toEqual([]);
    expect(fs.filter((f) => f.rule === 'nacl-shadowed-entry').map(ENTRY)).toContain(20);
  },
  'split-deny-before-allow': async () => {
    // Prowler honours an earlier deny only when its CIDR is /0; these two together deny SSH from everywhere.
    const entries = [nacl(10, 'deny', '6', '0.0.0.0/1', [22, 22]), nacl(11, 'deny', '6', '128.0.0.0/1', [22, 22]), nacl(20, 'allow', '6', '0.0.0.0/0', [22, 22]), nacl(100, 'allow', '-1', '0.0.0.0/0', undefined, true)];
    const fs = await audit(net([tcp(22, 22, '0.0.0.0/0')], { entries }), ['nacl-admin-port-open-to-internet', 'internet-exposed-admin-port']);
    expect(fs.filter((f) => f.resource === 'acl-1' || f.resource === 'eni-web')).toEqual([]);
  },
  'nacl-deny-entry': async () => {
    // trivy#7006: a deny of everything is no "allows all ports".
    const entries = [nacl(10, 'deny', '-1', '0.0.0.0/0'), nacl(100, 'allow', '-1', '0.0.0.0/0', undefined, true)];
    expect(v4(await audit(net([]), ['nacl-all-ports-open-to-internet']), 'acl-1').length).toBeGreaterThan(0); // the allow-all default
    expect(v4(await audit(net([], { entries }), ['nacl-all-ports-open-to-internet']), 'acl-1')).toEqual([]);
  },
  'internal-all-traffic': async () => {
    const entries = [nacl(10, 'allow', '-1', '10.0.0.0/16'), nacl(20, 'allow', '6', '0.0.0.0/0', [443, 443]), nacl(100, 'allow', '-1', '0.0.0.0/0', undefined, true)];
    const fs = await audit(net([all('10.0.0.0/16')], { out: [all('10.0.0.0/8')], entries }), [...SG_EXPOSURE, 'nacl-all-ports-open-to-internet', 'nacl-admin-port-open-to-internet']);
    expect(fs.filter((f) => f.resource === 'sg-test' || f.resource === 'acl-1')).toEqual([]);
  },
  'named-address-all-ports': async () => {
    const fs = await audit(net([all('203.0.113.5/32')]), SG_EXPOSURE);
    expect(fs.filter((f) => f.resource === 'sg-test')).toEqual([]);
    // A wide range is reported.
    expect((await audit(net([all('34.0.0.0/8')]), ['sg-overly-wide-cidr'])).map((f) => f.resource)).toEqual(['sg-test']);
  },
  'egress-port-to-world': async () => {
    expect((await audit(net([], { out: [tcp(443, 443, '0.0.0.0/0')] }), ['sg-egress-open-to-internet'])).filter((f) => f.resource === 'sg-test')).toEqual([]);
  },
  'small-public-cidr': async () => {
    expect((await audit(net([tcp(22, 22, '203.0.113.16/28')]), [...SG_EXPOSURE, ...INTERNET])).filter((f) => f.resource === 'sg-test' || f.resource === 'eni-web')).toEqual([]);
  },
  'port-range': async () => {
    expect((await audit(net([tcp(8100, 8200, '0.0.0.0/0')]), [...SG_EXPOSURE, ...INTERNET])).filter((f) => f.resource === 'sg-test' || f.resource === 'eni-web')).toEqual([]);
  },
  'specific-deny': async () => {
    // cfn_nag W71: a deny for one CIDR before the allow is a block list and takes effect; a deny after an allow-all does not.
    const entries = [nacl(10, 'deny', '-1', '203.0.113.0/24'), nacl(100, 'allow', '-1', '0.0.0.0/0'), nacl(200, 'deny', '6', '198.51.100.0/24', [22, 22]), nacl(100, 'allow', '-1', '0.0.0.0/0', undefined, true)];
    const fs = (await audit(net([], { entries }), ['nacl-shadowed-entry'])).filter((f) => f.resource === 'acl-1');
    expect(fs.map((f) => [ENTRY(f), f.severity])).toEqual([[200, 'high']]);
  },
  'all-ports-to-self': async () => {
    const self = { IpProtocol: '-1', UserIdGroupPairs: [{ GroupId: 'sg-test' }] };
    expect((await audit(net([self]), [...SG_EXPOSURE, ...INTERNET])).filter((f) => f.resource === 'sg-test' || f.resource === 'eni-web')).toEqual([]);
  },
  'icmp-to-all': async () => {
    const icmp = { IpProtocol: 'icmp', FromPort: -1, ToPort: -1, IpRanges: [{ CidrIp: '0.0.0.0/0' }] };
    expect((await audit(net([icmp]), [...SG_EXPOSURE, ...INTERNET])).filter((f) => f.resource === 'sg-test' || f.resource === 'eni-web')).toEqual([]);
  },
  'igw-default-route': async () => {
    // rtb-pub routes 0.0.0.0/0 and ::/0 to igw-1 (a public subnet): no rule reports the route itself.
    const fs = await audit(net([tcp(443, 443, '0.0.0.0/0')]), RULES.map((r) => r.meta.id));
    expect(fs.filter((f) => f.resource === 'rtb-pub' || (f.entry?.kind === 'route' && f.entry.target === 'igw-1'))).toEqual([]);
  },
};

describe('docs/peer-parity.md', () => {
  it('has a row for every peer check of the issue, under its peer', () => {
    for (const [peer, checks] of Object.entries(ISSUE_CHECKS)) {
      const have = rows.filter((r) => r.peer === peer).map((r) => r.check);
      expect(have, peer).toEqual(expect.arrayContaining(checks));
    }
  });

  it('names only rules that exist, and every rule of rules/ appears', () => {
    const ids = new Set(RULES.map((r) => r.meta.id));
    const named = new Set(rows.flatMap((r) => r.rules));
    for (const id of named) expect(ids.has(id), `${id} is a rule of rules/`).toBe(true);
    for (const id of ids) expect(named.has(id), `${id} appears in the table`).toBe(true);
  });

  it('every row either names a rule or says "not covered" with a reason', () => {
    for (const r of rows) {
      expect(r.rules.length > 0 !== r.notCovered, `${r.peer} ${r.check}`).toBe(true);
      if (r.notCovered) expect(r.notes.length, `${r.peer} ${r.check}: reason`).toBeGreaterThan(20);
    }
  });

  it('every disagreement has a pin, and the pins here are exactly those the table names', () => {
    for (const r of rows.filter((x) => x.notes.includes('disagrees'))) expect(r.pins.length, `${r.peer} ${r.check}`).toBeGreaterThan(0);
    expect([...new Set(rows.flatMap((r) => r.pins))].sort()).toEqual(Object.keys(PINS).sort());
  });
});

describe('pinned disagreements (vpcwhy answers)', () => {
  it.each(Object.keys(PINS))('%s', async (name) => {
    await PINS[name]!();
  });
});
