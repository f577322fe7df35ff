import { describe, expect, it } from 'vitest';
import { indexSnapshot } from '../../src/engine/snapshot-index.js';
import { evaluateSecurityGroups } from '../../src/engine/security-group.js';
import { cidr, eni, packet, sg, sgRule, snapshotOf } from '../builders.js';

function setup() {
  const web = sg('sg-web', [
    sgRule('sg-web', 'inbound', 'tcp', '0.0.0.0/0', { ports: [443, 443], ruleId: 'sgr-https' }),
    sgRule('sg-web', 'inbound', '6', '203.0.113.1/32', { ports: [22, 22] }),
    sgRule('sg-web', 'outbound', '-1', '0.0.0.0/0'),
  ]);
  const app = sg('sg-app', [
    sgRule('sg-app', 'inbound', 'tcp', 'sg-web', { ports: [8080, 8080] }),
    sgRule('sg-app', 'inbound', 'icmp', '10.0.0.0/16', { icmp: [8, -1] }),
    sgRule('sg-app', 'inbound', 'tcp', 'pl-corp', { ports: [22, 22] }),
  ]);
  const snap = snapshotOf({
    securityGroups: [web, app],
    enis: [
      eni('eni-web', 'subnet-a', ['10.0.1.10', '10.0.1.11'], ['sg-web'], { publicIp: '54.0.0.10' }),
      eni('eni-app', 'subnet-b', ['10.0.2.20'], ['sg-app']),
    ],
    prefixLists: [{ id: 'pl-corp', entries: [cidr('192.0.2.0/24')], source: { file: 't', path: '$' } }],
  });
  const index = indexSnapshot(snap);
  return { index, appEni: index.eniById.get('eni-app')!, webEni: index.eniById.get('eni-web')! };
}

describe('evaluateSecurityGroups', () => {
  it('allows from a referenced group by the private IPs of its members (ref 4.2)', () => {
    const { index, appEni } = setup();
    const d = evaluateSecurityGroups(index, appEni, 'inbound', packet({ proto: 'tcp', src: '10.0.1.11', dst: '10.0.2.20', dport: 8080 }));
    expect(d.allowed).toBe(true);
    expect(d.matched[0]?.peer).toEqual({ kind: 'group', groupId: 'sg-web' });
  });

  it('never matches a referenced group by a public or Elastic IP of its members (ref 4.2, 9.9)', () => {
    const { index, appEni } = setup();
    const d = evaluateSecurityGroups(index, appEni, 'inbound', packet({ proto: 'tcp', src: '54.0.0.10', dst: '10.0.2.20', dport: 8080 }));
    expect(d.allowed).toBe(false);
    expect(d.groupIds).toEqual(['sg-app']);
    expect(d.closestMisses[0]?.reason).toBe('peer');
  });

  it('matches prefix-list entries (ref 4.2)', () => {
    const { index, appEni } = setup();
    expect(evaluateSecurityGroups(index, appEni, 'inbound', packet({ proto: 'tcp', src: '192.0.2.9', dst: '10.0.2.20', dport: 22 })).allowed).toBe(true);
    expect(evaluateSecurityGroups(index, appEni, 'inbound', packet({ proto: 'tcp', src: '192.0.3.9', dst: '10.0.2.20', dport: 22 })).allowed).toBe(false);
  });

  it('normalizes protocol names and numbers: "6" and "tcp" are the same rule (ref 4.2, 8.14)', () => {
    const { index, webEni } = setup();
    expect(evaluateSecurityGroups(index, webEni, 'inbound', packet({ proto: '6', src: '203.0.113.1', dst: '10.0.1.10', dport: 22 })).allowed).toBe(true);
  });

  it('does not match IPv6 traffic with 0.0.0.0/0 (ref 4.2)', () => {
    const { index, webEni } = setup();
    expect(evaluateSecurityGroups(index, webEni, 'inbound', packet({ proto: 'tcp', src: '2001:db8::1', dst: '2001:db8:1::10', dport: 443 })).allowed).toBe(false);
  });

  it('reports every group on the ENI, sorted, on a deny', () => {
    const { index } = setup();
    const two = { ...index.eniById.get('eni-app')!, groupIds: ['sg-web', 'sg-app'] };
    const d = evaluateSecurityGroups(index, two, 'inbound', packet({ proto: 'udp', src: '198.51.100.1', dst: '10.0.2.20', dport: 53 }));
    expect(d).toMatchObject({ allowed: false, groupIds: ['sg-app', 'sg-web'] });
  });

  it('treats an ICMP type-specific rule as undecided for a record without ICMP type (ref 2.4)', () => {
    const { index, appEni } = setup();
    const d = evaluateSecurityGroups(index, appEni, 'inbound', packet({ proto: 'icmp', src: '10.0.1.10', dst: '10.0.2.20', sport: null }));
    expect(d.allowed).toBe(false);
    expect(d.undecided).toHaveLength(1);
    const typed = evaluateSecurityGroups(index, appEni, 'inbound', packet({ proto: 'icmp', src: '10.0.1.10', dst: '10.0.2.20', sport: null, type: 8, code: 0 }));
    expect(typed.allowed).toBe(true);
  });

  it('lets everything through an ENI without security groups (NAT gateway ENIs, ref 8.11)', () => {
    const { index } = setup();
    const natEni = eni('eni-nat', 'subnet-a', ['10.0.1.99'], []);
    expect(evaluateSecurityGroups(index, natEni, 'inbound', packet({ proto: 'tcp', src: '1.1.1.1', dst: '10.0.1.99', dport: 1 }))).toMatchObject({ allowed: true, noGroups: true });
  });

  it('a stale reference to a group not in the snapshot never matches', () => {
    const { index } = setup();
    const e = eni('eni-x', 'subnet-a', ['10.0.1.50'], ['sg-stale']);
    const d = evaluateSecurityGroups(index, e, 'inbound', packet({ proto: 'tcp', src: '10.0.1.10', dst: '10.0.1.50', dport: 80 }));
    expect(d).toMatchObject({ allowed: false, unknownGroups: ['sg-stale'] });
  });
});
