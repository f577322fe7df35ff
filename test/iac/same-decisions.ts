/**
 * Shared by the "same rules" properties of the IaC readers (same-rules.property.test.ts for Terraform,
 * cloudformation.property.test.ts for CloudFormation): random SG rules and NACL entries, their describe-* JSON
 * (the independent side), random packets, and the check that two indexes decide every packet alike.
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import { decodeSnapshotDocuments } from '../../src/aws/load-snapshot.js';
import { evaluateNacl } from '../../src/engine/nacl.js';
import { evaluateGroupIds } from '../../src/engine/security-group.js';
import { type SnapshotIndex, indexSnapshot } from '../../src/engine/snapshot-index.js';
import { E } from '../../src/fp.js';
import { packet } from '../builders.js';

export type Proto = 'tcp' | 'udp' | 'icmp' | 'all' | 'gre';
const AWS_SPELLING: Record<Proto, string> = { tcp: 'tcp', udp: 'udp', icmp: 'icmp', all: '-1', gre: '47' };
const NACL_AWS_SPELLING: Record<Proto, string> = { tcp: '6', udp: '17', icmp: '1', all: '-1', gre: '47' };

export const CIDRS = ['0.0.0.0/0', '10.0.0.0/8', '10.1.0.0/16', '10.1.1.0/24', '10.1.1.7/32', '192.0.2.0/24'];
const SOURCES = ['10.1.1.7', '10.1.1.8', '10.1.2.9', '10.9.0.1', '192.0.2.5', '198.51.100.1'];

/** How a template writes the CIDR (CloudFormation only; Terraform ignores it). */
export type CidrForm = 'literal' | 'ref' | 'sub' | 'select' | 'if';

export const ruleArb = fc.record({
  proto: fc.constantFrom<Proto>('tcp', 'udp', 'icmp', 'all', 'gre'),
  spelling: fc.nat(2),
  cidr: fc.constantFrom(...CIDRS),
  form: fc.constantFrom<CidrForm>('literal', 'ref', 'sub', 'select', 'if'),
  from: fc.constantFrom(22, 80, 443, 1024, 5432),
  span: fc.constantFrom(0, 1, 100, 64000),
  icmpType: fc.constantFrom(-1, 0, 3, 8),
  icmpCode: fc.constantFrom(-1, 0, 4),
  allow: fc.boolean(),
  egress: fc.boolean(),
});
export type Rule = typeof ruleArb extends fc.Arbitrary<infer T> ? T : never;

export const packetArb = fc.record({
  proto: fc.constantFrom('tcp', 'udp', 'icmp', '47'),
  src: fc.constantFrom(...SOURCES),
  port: fc.constantFrom(22, 23, 80, 443, 1100, 5432, 65000),
  type: fc.constantFrom(0, 3, 8),
  code: fc.constantFrom(0, 4),
});
export type PacketSpec = typeof packetArb extends fc.Arbitrary<infer T> ? T : never;

export const hasPorts = (p: Proto): boolean => p === 'tcp' || p === 'udp';
export const to = (r: Rule): number => Math.min(65535, r.from + r.span);

/**
 * The rules as describe-* JSON: one group (`ids.group`) and one ACL (`ids.acl`). `defaultEgress`: a group
 * with no egress rule lists AWS's allow-all egress (what a template that gives none gets).
 */
export function describeSide(rules: readonly Rule[], ids: { group: string; acl: string; defaultEgress: boolean }): SnapshotIndex {
  const perm = (r: Rule) => ({
    IpProtocol: AWS_SPELLING[r.proto],
    ...(hasPorts(r.proto) ? { FromPort: r.from, ToPort: to(r) } : r.proto === 'icmp' ? { FromPort: r.icmpType, ToPort: r.icmpCode } : {}),
    IpRanges: [{ CidrIp: r.cidr }], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [],
  });
  const entry = (r: Rule, i: number) => ({
    RuleNumber: 100 + i, Egress: r.egress, RuleAction: r.allow ? 'allow' : 'deny', Protocol: NACL_AWS_SPELLING[r.proto], CidrBlock: r.cidr,
    ...(hasPorts(r.proto) ? { PortRange: { From: r.from, To: to(r) } } : {}),
    ...(r.proto === 'icmp' ? { IcmpTypeCode: { Type: r.icmpType, Code: r.icmpCode } } : {}),
  });
  const egress = rules.filter((r) => r.egress).map(perm);
  const allOut = { IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [] };
  const json = {
    SecurityGroups: [{ GroupId: ids.group, GroupName: 'p', VpcId: 'vpc-0p', IpPermissions: rules.filter((r) => !r.egress).map(perm), IpPermissionsEgress: egress.length === 0 && ids.defaultEgress ? [allOut] : egress }],
    NetworkAcls: [{ NetworkAclId: ids.acl, VpcId: 'vpc-0p', IsDefault: false, Associations: [], Entries: rules.map(entry) }],
  };
  const s = decodeSnapshotDocuments([{ file: 'd.json', json }]);
  if (E.isLeft(s)) throw new Error(JSON.stringify(s.left));
  return indexSnapshot(s.right);
}

export function decisionCounts(): Record<string, number> {
  return {
    'inbound allow entry': 0, 'inbound deny entry': 0, 'inbound deny default': 0, 'outbound allow entry': 0, 'outbound deny entry': 0, 'outbound deny default': 0,
    'sg allowed': 0, 'sg denied': 0,
  };
}

/** Both indexes decide every packet alike, both directions: SG allowed and matches, the deciding NACL entry. */
export function expectSameDecisions(a: SnapshotIndex, b: SnapshotIndex, ids: { group: string; acl: string }, packets: readonly PacketSpec[], counts: Record<string, number>): void {
  for (const p of packets) {
    const pkt = packet({ proto: p.proto, src: p.src, dst: '10.1.1.100', dport: p.proto === 'tcp' || p.proto === 'udp' ? p.port : null, type: p.proto === 'icmp' ? p.type : null, code: p.proto === 'icmp' ? p.code : null });
    for (const direction of ['inbound', 'outbound'] as const) {
      // Outbound, the rule's peer is the destination: swap the ends so the same addresses are tested.
      const q = direction === 'inbound' ? pkt : { ...pkt, src: pkt.dst, dst: pkt.src };
      const sa = evaluateGroupIds(a, [ids.group], direction, q);
      const sb = evaluateGroupIds(b, [ids.group], direction, q);
      expect([sb.allowed, sb.matched.length]).toEqual([sa.allowed, sa.matched.length]);
      const na = evaluateNacl(a.naclById.get(ids.acl)!, direction, q);
      const nb = evaluateNacl(b.naclById.get(ids.acl)!, direction, q);
      expect([nb.action, nb.ruleNumber]).toEqual([na.action, na.ruleNumber]);
      counts[`${direction} ${na.action} ${na.isDefaultRule ? 'default' : 'entry'}`]! += 1;
      counts[`sg ${sa.allowed ? 'allowed' : 'denied'}`]! += 1;
    }
  }
}
