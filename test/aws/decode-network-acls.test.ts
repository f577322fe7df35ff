import { describe, expect, it } from 'vitest';
import { decodeNetworkAcls } from '../../src/aws/decode/network-acls.js';
import { awsCliSection, expectDecoded, expectProblems } from './support.js';

const FILE = 'nacl.json';

function oneAcl(entries: unknown): unknown {
  return [{ NetworkAclId: 'acl-1', VpcId: 'vpc-1', IsDefault: false, Associations: [], Entries: entries }];
}

describe('decodeNetworkAcls (DescribeNetworkAcls, ref 5.5)', () => {
  it('decodes both ACLs of the AWS CLI example with their associations', () => {
    const { value, warnings } = expectDecoded(decodeNetworkAcls(awsCliSection('describe-network-acls.example1.json', 'NetworkAcls'), FILE));
    expect(value.map((a) => [a.id, a.vpcId, a.isDefault, a.subnetIds])).toEqual([
      ['acl-0ea1f54ca7EXAMPLE', 'vpc-06e4ab6c6cEXAMPLE', true, ['subnet-0931fc2fa5EXAMPLE']],
      ['acl-0e2a78e4e2EXAMPLE', 'vpc-03914afb3eEXAMPLE', true, []],
    ]);
    expect(value.map((a) => a.entries.length)).toEqual([4, 8]);
    expect(warnings).toEqual([]);
  });

  it('keeps entries in input order, directions mixed, with the 32767/32768 default rules (ref 5.1)', () => {
    const { value } = expectDecoded(decodeNetworkAcls(awsCliSection('describe-network-acls.example1.json', 'NetworkAcls'), FILE));
    const acl = value[1];
    expect(acl?.entries.map((e) => `${e.direction} ${e.ruleNumber} ${e.action} ${e.cidr?.text}`)).toEqual([
      'outbound 100 allow 0.0.0.0/0',
      'outbound 101 allow ::/0',
      'outbound 32767 deny 0.0.0.0/0',
      'outbound 32768 deny ::/0',
      'inbound 100 allow 0.0.0.0/0',
      'inbound 101 allow ::/0',
      'inbound 32767 deny 0.0.0.0/0',
      'inbound 32768 deny ::/0',
    ]);
    expect(acl?.entries.every((e) => e.protocol === -1 && e.ports === null && e.icmp === null)).toBe(true);
    expect(acl?.entries[3]?.cidr).toMatchObject({ family: 6, prefix: 0 });
    expect(acl?.entries[3]?.source).toEqual({ file: FILE, path: 'NetworkAcls[1].Entries[3]' });
  });

  it('does not sort entries: an unsorted input stays unsorted (ref 5.5)', () => {
    const entries = [300, 100, 200].map((n) => ({ RuleNumber: n, Protocol: '-1', RuleAction: 'deny', Egress: false, CidrBlock: '0.0.0.0/0' }));
    const { value } = expectDecoded(decodeNetworkAcls(oneAcl(entries), FILE));
    expect(value[0]?.entries.map((e) => e.ruleNumber)).toEqual([300, 100, 200]);
  });

  it('reads PortRange for tcp/udp and IcmpTypeCode for icmp (ref 5.2)', () => {
    const entries = [
      { RuleNumber: 110, Protocol: '6', RuleAction: 'allow', Egress: false, CidrBlock: '0.0.0.0/0', PortRange: { From: 1024, To: 65535 } },
      { RuleNumber: 120, Protocol: '1', RuleAction: 'allow', Egress: false, CidrBlock: '0.0.0.0/0', IcmpTypeCode: { Type: -1, Code: -1 } },
      { RuleNumber: 130, Protocol: '1', RuleAction: 'allow', Egress: true, CidrBlock: '0.0.0.0/0', IcmpTypeCode: { Type: 3, Code: 4 } },
      { RuleNumber: 140, Protocol: '58', RuleAction: 'allow', Egress: true, Ipv6CidrBlock: '::/0', IcmpTypeCode: { Type: 2, Code: -1 } },
      { RuleNumber: 150, Protocol: '17', RuleAction: 'deny', Egress: true, CidrBlock: '10.0.0.0/8', PortRange: { From: 53, To: 53 } },
    ];
    const { value, warnings } = expectDecoded(decodeNetworkAcls(oneAcl(entries), FILE));
    expect(value[0]?.entries.map((e) => [e.protocol, e.ports, e.icmp])).toEqual([
      [6, { from: 1024, to: 65535 }, null],
      [1, null, null],
      [1, null, { type: 3, code: 4 }],
      [58, null, { type: 2, code: -1 }],
      [17, { from: 53, to: 53 }, null],
    ]);
    expect(warnings).toEqual([]);
  });

  it('keeps unusual protocol numbers such as 50 (ESP) and 132 (SCTP) (ref 5.2)', () => {
    const entries = ['50', '132'].map((p, i) => ({ RuleNumber: i + 1, Protocol: p, RuleAction: 'allow', Egress: false, CidrBlock: '0.0.0.0/0' }));
    const { value, warnings } = expectDecoded(decodeNetworkAcls(oneAcl(entries), FILE));
    expect(value[0]?.entries.map((e) => e.protocol)).toEqual([50, 132]);
    expect(warnings).toEqual([]);
  });

  it('lower-cases RuleAction and maps Egress to the direction', () => {
    const entries = [{ RuleNumber: 1, Protocol: '-1', RuleAction: 'DENY', Egress: true, CidrBlock: '0.0.0.0/0' }];
    const { value } = expectDecoded(decodeNetworkAcls(oneAcl(entries), FILE));
    expect(value[0]?.entries[0]).toMatchObject({ action: 'deny', direction: 'outbound' });
  });

  it('keeps an entry with an unparseable protocol or CIDR as null, with warnings', () => {
    const entries = [
      { RuleNumber: 1, Protocol: 'foo', RuleAction: 'allow', Egress: false, CidrBlock: '0.0.0.0/0' },
      { RuleNumber: 2, Protocol: '6', RuleAction: 'allow', Egress: false, CidrBlock: 'nope' },
    ];
    const { value, warnings } = expectDecoded(decodeNetworkAcls(oneAcl(entries), FILE));
    expect(value[0]?.entries.map((e) => [e.protocol, e.cidr])).toEqual([
      [null, expect.objectContaining({ text: '0.0.0.0/0' })],
      [6, null],
    ]);
    expect(warnings.map((w) => `${w.source.path}: ${w.message}`)).toEqual([
      'NetworkAcls[0].Entries[0].Protocol: unrecognised protocol "foo"; the rule is kept but never matches',
      'NetworkAcls[0].Entries[1].CidrBlock: unreadable CIDR "nope"; the entry is kept but never matches',
    ]);
  });

  it('reports a non-integer RuleNumber with the path and the value', () => {
    const entries = [{ RuleNumber: 'abc', Protocol: '-1', RuleAction: 'allow', Egress: false, CidrBlock: '0.0.0.0/0' }];
    expect(expectProblems(decodeNetworkAcls(oneAcl(entries), FILE))).toEqual([
      { file: FILE, path: 'NetworkAcls[0].Entries[0].RuleNumber', message: 'expected an integer, got "abc"' },
    ]);
  });

  it('reports a non-array Entries', () => {
    expect(expectProblems(decodeNetworkAcls(oneAcl({ RuleNumber: 1 }), FILE))).toEqual([
      { file: FILE, path: 'NetworkAcls[0].Entries', message: 'expected an array, got an object' },
    ]);
  });

  it('reports an unknown RuleAction and a missing Egress', () => {
    const entries = [{ RuleNumber: 1, Protocol: '-1', RuleAction: 'permit', CidrBlock: '0.0.0.0/0' }];
    expect(expectProblems(decodeNetworkAcls(oneAcl(entries), FILE)).map((p) => `${p.path}: ${p.message}`)).toEqual([
      'NetworkAcls[0].Entries[0].RuleAction: expected "allow" or "deny", got "permit"',
      'NetworkAcls[0].Entries[0].Egress: expected true or false, but the field is missing',
    ]);
  });
});
