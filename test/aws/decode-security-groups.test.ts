import { describe, expect, it } from 'vitest';
import { decodeSecurityGroups } from '../../src/aws/decode/security-groups.js';
import { decodeSecurityGroupRules } from '../../src/aws/decode/security-group-rules.js';
import { awsCliSection, expectDecoded, expectProblems } from './support.js';

const FILE = 'sg.json';

function oneGroup(perms: unknown[], egress: unknown[] = []): unknown {
  return [{ GroupId: 'sg-1', GroupName: 'g', VpcId: 'vpc-1', IpPermissions: perms, IpPermissionsEgress: egress }];
}

describe('decodeSecurityGroups (DescribeSecurityGroups, ref 4.4)', () => {
  it('decodes the AWS CLI example: names, owner, VPC and the Name tag', () => {
    const { value: [sg] } = expectDecoded(decodeSecurityGroups(awsCliSection('describe-security-groups.example1.json', 'SecurityGroups'), FILE));
    expect(sg).toMatchObject({
      id: 'sg-903004f8',
      groupName: 'MySecurityGroup',
      description: 'My security group',
      ownerId: '123456789012',
      vpcId: 'vpc-1a2b3c4d',
      name: 'SG1',
      source: { file: FILE, path: 'SecurityGroups[0]' },
    });
  });

  it('reads the self-reference, the tcp/22 rule and the all-traffic egress of the CLI example (ref 4.4)', () => {
    const { value: [sg] } = expectDecoded(decodeSecurityGroups(awsCliSection('describe-security-groups.example1.json', 'SecurityGroups'), FILE));
    expect(sg?.inbound).toHaveLength(2);
    expect(sg?.inbound[0]).toMatchObject({
      direction: 'inbound',
      protocol: -1,
      ports: null,
      icmp: null,
      peer: { kind: 'group', groupId: 'sg-903004f8', userId: '123456789012' },
      source: { path: 'SecurityGroups[0].IpPermissions[0].UserIdGroupPairs[0]' },
    });
    expect(sg?.inbound[1]).toMatchObject({
      protocol: 6,
      ports: { from: 22, to: 22 },
      peer: { kind: 'cidr', cidr: { text: '203.0.113.0/24' } },
      description: 'Access from NY office',
      source: { path: 'SecurityGroups[0].IpPermissions[1].IpRanges[0]' },
    });
    expect(sg?.outbound).toEqual([
      expect.objectContaining({ direction: 'outbound', protocol: -1, peer: expect.objectContaining({ kind: 'cidr' }) }),
    ]);
  });

  it('keeps one SG rule per source element of an IpPermission (ref 4.4)', () => {
    const perm = {
      IpProtocol: 'tcp',
      FromPort: 443,
      ToPort: 443,
      IpRanges: [{ CidrIp: '10.0.0.0/8' }, { CidrIp: '192.168.0.0/16', Description: 'office' }],
      Ipv6Ranges: [{ CidrIpv6: '2001:db8::/32' }],
      PrefixListIds: [{ PrefixListId: 'pl-1' }],
      UserIdGroupPairs: [{ GroupId: 'sg-2', UserId: '111', VpcPeeringConnectionId: 'pcx-1', VpcId: 'vpc-2' }],
    };
    const { value: [sg] } = expectDecoded(decodeSecurityGroups(oneGroup([perm]), FILE));
    expect(sg?.inbound.map((r) => r.peer.kind)).toEqual(['cidr', 'cidr', 'cidr', 'prefix-list', 'group']);
    expect(sg?.inbound.every((r) => r.protocol === 6 && r.ports?.from === 443 && r.ports.to === 443)).toBe(true);
    expect(sg?.inbound[2]?.peer).toMatchObject({ kind: 'cidr', cidr: { family: 6, prefix: 32, text: '2001:db8::/32' } });
    expect(sg?.inbound[4]?.peer).toEqual({ kind: 'group', groupId: 'sg-2', userId: '111', vpcId: 'vpc-2', peeringConnectionId: 'pcx-1' });
    expect(sg?.inbound.map((r) => r.source.path)).toEqual([
      'SecurityGroups[0].IpPermissions[0].IpRanges[0]',
      'SecurityGroups[0].IpPermissions[0].IpRanges[1]',
      'SecurityGroups[0].IpPermissions[0].Ipv6Ranges[0]',
      'SecurityGroups[0].IpPermissions[0].PrefixListIds[0]',
      'SecurityGroups[0].IpPermissions[0].UserIdGroupPairs[0]',
    ]);
  });

  it('normalises protocol names and numbers: tcp/6, udp/17, icmp/1, icmpv6/58, -1 (ref 8.14)', () => {
    const perms = ['tcp', '6', 'udp', '17', 'icmp', '1', 'icmpv6', '58', '-1', '50', '132'].map((p) => ({
      IpProtocol: p,
      IpRanges: [{ CidrIp: '0.0.0.0/0' }],
    }));
    const { value: [sg] } = expectDecoded(decodeSecurityGroups(oneGroup(perms), FILE));
    expect(sg?.inbound.map((r) => r.protocol)).toEqual([6, 6, 17, 17, 1, 1, 58, 58, -1, 50, 132]);
  });

  it('reads ICMP FromPort as type and ToPort as code, -1 meaning any (ref 4.2)', () => {
    const cidr = { IpRanges: [{ CidrIp: '0.0.0.0/0' }] };
    const perms = [
      { IpProtocol: 'icmp', FromPort: 8, ToPort: -1, ...cidr },
      { IpProtocol: 'icmp', FromPort: 3, ToPort: 4, ...cidr },
      { IpProtocol: 'icmp', FromPort: -1, ToPort: -1, ...cidr },
      { IpProtocol: 'icmpv6', FromPort: 128, ToPort: 0, Ipv6Ranges: [{ CidrIpv6: '::/0' }] },
      { IpProtocol: 'icmpv6', Ipv6Ranges: [{ CidrIpv6: '::/0' }] },
    ];
    const { value: [sg], warnings } = expectDecoded(decodeSecurityGroups(oneGroup(perms), FILE));
    expect(sg?.inbound.map((r) => r.icmp)).toEqual([{ type: 8, code: -1 }, { type: 3, code: 4 }, null, { type: 128, code: 0 }, null]);
    expect(sg?.inbound.every((r) => r.ports === null)).toBe(true);
    expect(warnings).toEqual([]);
  });

  it('reads tcp/udp ports, absent meaning all ports (ref 4.2)', () => {
    const cidr = { IpRanges: [{ CidrIp: '0.0.0.0/0' }] };
    const perms = [
      { IpProtocol: 'tcp', FromPort: 0, ToPort: 65535, ...cidr },
      { IpProtocol: 'udp', FromPort: 53, ToPort: 53, ...cidr },
      { IpProtocol: 'tcp', ...cidr },
    ];
    const { value: [sg] } = expectDecoded(decodeSecurityGroups(oneGroup(perms), FILE));
    expect(sg?.inbound.map((r) => r.ports)).toEqual([{ from: 0, to: 65535 }, { from: 53, to: 53 }, null]);
  });

  it('keeps a rule with an unparseable protocol as protocol null, with a warning', () => {
    const { value: [sg], warnings } = expectDecoded(
      decodeSecurityGroups(oneGroup([{ IpProtocol: 'foo', FromPort: 1, ToPort: 2, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }]), FILE),
    );
    expect(sg?.inbound).toHaveLength(1);
    expect(sg?.inbound[0]?.protocol).toBeNull();
    expect(warnings).toEqual([
      {
        source: { file: FILE, path: 'SecurityGroups[0].IpPermissions[0].IpProtocol' },
        message: 'unrecognised protocol "foo"; the rule is kept but never matches',
      },
    ]);
  });

  it('keeps a rule with an unparseable CIDR as an invalid peer, with a warning', () => {
    const { value: [sg], warnings } = expectDecoded(
      decodeSecurityGroups(oneGroup([{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '10.0.0.300/8' }] }]), FILE),
    );
    expect(sg?.inbound[0]?.peer).toEqual({ kind: 'invalid', text: '10.0.0.300/8' });
    expect(warnings.map((w) => w.source.path)).toEqual(['SecurityGroups[0].IpPermissions[0].IpRanges[0].CidrIp']);
  });

  it('stores CIDRs in canonical form, host bits cleared (ref 4.2)', () => {
    const { value: [sg] } = expectDecoded(
      decodeSecurityGroups(oneGroup([{ IpProtocol: '-1', IpRanges: [{ CidrIp: '100.68.0.18/18' }] }]), FILE),
    );
    expect(sg?.inbound[0]?.peer).toMatchObject({ kind: 'cidr', cidr: { text: '100.68.0.0/18' } });
  });

  it('reads a one-sided -1 tcp port bound as open-ended, as Batfish does, with a warning', () => {
    const { value: [sg], warnings } = expectDecoded(
      decodeSecurityGroups(oneGroup([{ IpProtocol: 'tcp', FromPort: -1, ToPort: 50, IpRanges: [{ CidrIp: '1.2.3.4/32' }] }]), FILE),
    );
    expect(sg?.inbound[0]?.ports).toEqual({ from: 0, to: 50 });
    expect(warnings).toHaveLength(1);
  });

  it('ignores ports given for protocols without ports, with a warning (ref 4.2)', () => {
    const { value: [sg], warnings } = expectDecoded(
      decodeSecurityGroups(oneGroup([{ IpProtocol: '50', FromPort: 10, ToPort: 20, IpRanges: [{ CidrIp: '1.2.3.4/32' }] }]), FILE),
    );
    expect(sg?.inbound[0]).toMatchObject({ protocol: 50, ports: null, icmp: null });
    expect(warnings[0]?.message).toMatch(/do not apply to esp/);
  });

  it('reports a missing GroupId as an error naming the path', () => {
    const problems = expectProblems(decodeSecurityGroups([{ GroupName: 'x' }], FILE));
    expect(problems).toEqual([{ file: FILE, path: 'SecurityGroups[0].GroupId', message: 'expected a string, but the field is missing' }]);
  });

  it('reports every malformed field at once', () => {
    const problems = expectProblems(
      decodeSecurityGroups(
        [{ GroupId: 'sg-1', IpPermissions: [{ IpProtocol: 6.5, FromPort: 'x', IpRanges: {} }] }, 'oops'],
        FILE,
      ),
    );
    expect(problems.map((p) => `${p.path}: ${p.message}`)).toEqual([
      'SecurityGroups[0].IpPermissions[0].IpProtocol: expected a protocol (a name such as "tcp" or a number such as "6"), got 6.5',
      'SecurityGroups[0].IpPermissions[0].FromPort: expected an integer, got "x"',
      'SecurityGroups[0].IpPermissions[0].IpRanges: expected an array, got an object',
      'SecurityGroups[1]: expected an object (a security group), got "oops"',
    ]);
  });
});

describe('decodeSecurityGroupRules (DescribeSecurityGroupRules, ref 4.5)', () => {
  it('decodes the AWS CLI example with sgr- ids, IsEgress and the peer keys', () => {
    const { value } = expectDecoded(
      decodeSecurityGroupRules(awsCliSection('describe-security-group-rules.example1.json', 'SecurityGroupRules'), FILE),
    );
    expect(value.map((r) => r.ruleId)).toEqual(['sgr-abcdef01234567890', 'sgr-bcdef01234567890a', 'sgr-cdef01234567890ab']);
    expect(value.map((r) => r.rule.direction)).toEqual(['inbound', 'outbound', 'outbound']);
    expect(value[0]?.rule).toMatchObject({
      groupId: 'sg-1234567890abcdef0',
      ruleId: 'sgr-abcdef01234567890',
      protocol: -1,
      ports: null,
      icmp: null,
      peer: { kind: 'group', groupId: 'sg-1234567890abcdef0', userId: '111122223333' },
      source: { path: 'SecurityGroupRules[0]' },
    });
    expect(value[1]?.rule.peer).toMatchObject({ kind: 'cidr', cidr: { family: 6, text: '::/0' } });
    expect(value[2]?.rule.peer).toMatchObject({ kind: 'cidr', cidr: { family: 4, text: '0.0.0.0/0' } });
    expect(value[0]?.groupOwnerId).toBe('111122223333');
  });

  it('reads PrefixListId peers and tcp port ranges', () => {
    const { value } = expectDecoded(
      decodeSecurityGroupRules(
        [{ SecurityGroupRuleId: 'sgr-1', GroupId: 'sg-1', IsEgress: true, IpProtocol: 'tcp', FromPort: 443, ToPort: 443, PrefixListId: 'pl-1' }],
        FILE,
      ),
    );
    expect(value[0]?.rule).toMatchObject({ protocol: 6, ports: { from: 443, to: 443 }, peer: { kind: 'prefix-list', prefixListId: 'pl-1' } });
  });

  it('requires the rule id, group id and IsEgress', () => {
    const problems = expectProblems(decodeSecurityGroupRules([{ IpProtocol: 'tcp', CidrIpv4: '0.0.0.0/0' }], FILE));
    expect(problems.map((p) => p.path)).toEqual([
      'SecurityGroupRules[0].SecurityGroupRuleId',
      'SecurityGroupRules[0].GroupId',
      'SecurityGroupRules[0].IsEgress',
    ]);
  });
});
