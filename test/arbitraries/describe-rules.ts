/**
 * Describe-JSON NACL entries and security-group rules (the shapes `aws ec2 describe-network-acls` and
 * `describe-security-groups` write) over given CIDRs and port ranges, for property tests that build
 * snapshots as JSON.
 */
import fc from 'fast-check';

/** A NetworkAcls[].Entries[] item: rule 1-200, all / tcp / udp / icmp, either action and direction. */
export function naclEntryArb(cidr: fc.Arbitrary<string>, ports: fc.Arbitrary<readonly [number, number]>) {
  return fc.record({
    RuleNumber: fc.integer({ min: 1, max: 200 }),
    Protocol: fc.constantFrom('-1', '6', '17', '1'),
    RuleAction: fc.constantFrom('allow', 'deny'),
    Egress: fc.boolean(),
    CidrBlock: cidr,
    PortRange: ports,
  }).map((e) => ({ ...e, PortRange: { From: e.PortRange[0], To: e.PortRange[1] } }));
}

/** An IpPermissions[] item with one IPv4 range: all, tcp / udp with the ports, or ICMP echo requests. */
export function sgRuleArb(cidr: fc.Arbitrary<string>, ports: fc.Arbitrary<readonly [number, number]>) {
  return fc.record({ proto: fc.constantFrom('-1', 'tcp', 'udp', 'icmp'), ports, cidr }).map((r) => ({
    IpProtocol: r.proto,
    ...(r.proto === 'tcp' || r.proto === 'udp' ? { FromPort: r.ports[0], ToPort: r.ports[1] } : r.proto === 'icmp' ? { FromPort: 8, ToPort: -1 } : {}),
    IpRanges: [{ CidrIp: r.cidr }],
  }));
}
