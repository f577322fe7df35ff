import { describe, expect, it } from 'vitest';
import { evaluateNacl } from '../../src/engine/nacl.js';
import { nacl, naclEntry, packet } from '../builders.js';

// The AWS CLI example (ref 5.5): entries unsorted, both directions mixed, defaults listed.
const example = nacl('acl-9aeb5ef7', [
  naclEntry(100, 'allow', 'outbound', '-1', '0.0.0.0/0'),
  naclEntry(32767, 'deny', 'outbound', '-1', '0.0.0.0/0'),
  naclEntry(32768, 'deny', 'outbound', '-1', '::/0'),
  naclEntry(120, 'allow', 'inbound', '1', '0.0.0.0/0', { icmp: [-1, -1] }),
  naclEntry(110, 'allow', 'inbound', '6', '0.0.0.0/0', { ports: [1024, 65535] }),
  naclEntry(90, 'deny', 'inbound', '6', '198.51.100.0/24', { ports: [22, 22] }),
  naclEntry(32767, 'deny', 'inbound', '-1', '0.0.0.0/0'),
  naclEntry(32768, 'deny', 'inbound', '-1', '::/0'),
]);

describe('evaluateNacl', () => {
  it('evaluates entries in ascending rule number whatever the input order, first match wins (ref 5.1)', () => {
    const d = evaluateNacl(
      nacl('acl-1', [
        naclEntry(120, 'allow', 'inbound', '6', '0.0.0.0/0', { ports: [22, 22] }),
        naclEntry(90, 'deny', 'inbound', '6', '198.51.100.0/24', { ports: [22, 22] }),
      ]),
      'inbound',
      packet({ proto: 'tcp', src: '198.51.100.7', dst: '10.0.1.10', sport: 40000, dport: 22 }),
    );
    expect(d.action).toBe('deny');
    expect(d.ruleNumber).toBe(90);
    expect(d.shadowedAllow?.ruleNumber).toBe(120);
  });

  it('denies with the IPv4 default rule 32767 when nothing matches (ref 5.1)', () => {
    const d = evaluateNacl(example, 'inbound', packet({ proto: 'udp', src: '203.0.113.5', dst: '10.0.0.5', dport: 53 }));
    expect(d).toMatchObject({ action: 'deny', ruleNumber: 32767, isDefaultRule: true });
  });

  it('denies IPv6 with the default rule 32768 even when only IPv4 allows exist (ref 9.10, 8.13)', () => {
    const acl = nacl('acl-1', [naclEntry(100, 'allow', 'inbound', '-1', '0.0.0.0/0')]);
    const d = evaluateNacl(acl, 'inbound', packet({ proto: 'tcp', src: '2001:db8::1', dst: '2001:db8:1::5', dport: 443 }));
    expect(d).toMatchObject({ action: 'deny', ruleNumber: 32768, isDefaultRule: true, entry: null });
  });

  it('keeps the directions apart: an inbound allow does not admit outbound traffic (ref 5.1)', () => {
    const acl = nacl('acl-1', [naclEntry(100, 'allow', 'inbound', '-1', '0.0.0.0/0')]);
    expect(evaluateNacl(acl, 'outbound', packet({ proto: 'icmp', src: '10.0.0.5', dst: '203.0.113.12', sport: null })).ruleNumber).toBe(32767);
  });

  it('matches the port range against the destination port (ref 5.2)', () => {
    const allow = evaluateNacl(example, 'inbound', packet({ proto: 'tcp', src: '203.0.113.5', dst: '10.0.0.5', sport: 443, dport: 40000 }));
    expect(allow).toMatchObject({ action: 'allow', ruleNumber: 110 });
    const deny = evaluateNacl(example, 'inbound', packet({ proto: 'tcp', src: '203.0.113.5', dst: '10.0.0.5', sport: 40000, dport: 443 }));
    expect(deny.ruleNumber).toBe(32767);
  });

  it('ignores port ranges for protocol -1 and for protocols other than 6/17/1/58 (ref 5.2, 8.15)', () => {
    const acl = nacl('acl-1', [naclEntry(100, 'allow', 'inbound', '50', '0.0.0.0/0', { ports: [1, 1] })]);
    expect(evaluateNacl(acl, 'inbound', packet({ proto: '50', src: '1.2.3.4', dst: '10.0.0.1', sport: null })).action).toBe('allow');
  });

  it('matches ICMP type/code with -1 wildcards (ref 5.2)', () => {
    const acl = nacl('acl-1', [naclEntry(100, 'allow', 'inbound', '1', '0.0.0.0/0', { icmp: [3, 4] })]);
    expect(evaluateNacl(acl, 'inbound', packet({ proto: 'icmp', src: '1.2.3.4', dst: '10.0.0.1', sport: null, type: 3, code: 4 })).action).toBe('allow');
    expect(evaluateNacl(acl, 'inbound', packet({ proto: 'icmp', src: '1.2.3.4', dst: '10.0.0.1', sport: null, type: 3, code: 1 })).action).toBe('deny');
  });

  it('flags a decision as undecided when a type-specific ICMP entry meets a record without ICMP type (ref 2.4, 5.2)', () => {
    const acl = nacl('acl-1', [naclEntry(100, 'allow', 'inbound', '1', '0.0.0.0/0', { icmp: [8, -1] })]);
    const d = evaluateNacl(acl, 'inbound', packet({ proto: 'icmp', src: '1.2.3.4', dst: '10.0.0.1', sport: null }));
    expect(d.action).toBe('deny');
    expect(d.undecided.map((e) => e.ruleNumber)).toEqual([100]);
  });

  it('matches every ICMP type for protocol 58 with an IPv4 CIDR (ref 5.2)', () => {
    const acl = nacl('acl-1', [naclEntry(100, 'allow', 'inbound', '58', '0.0.0.0/0', { icmp: [128, 0] })]);
    expect(evaluateNacl(acl, 'inbound', packet({ proto: '58', src: '1.2.3.4', dst: '10.0.0.1', sport: null, type: 1, code: 0 })).action).toBe('allow');
  });

  it('lists allow entries missing in one field as closest misses of a deny', () => {
    const acl = nacl('acl-1', [naclEntry(100, 'allow', 'inbound', '6', '10.0.0.0/16', { ports: [5432, 5432] })]);
    const d = evaluateNacl(acl, 'inbound', packet({ proto: 'tcp', src: '10.1.0.5', dst: '10.0.2.9', dport: 5432 }));
    expect(d.closestMisses).toEqual([expect.objectContaining({ reason: 'address' })]);
  });

  it('never matches an entry whose protocol could not be read, keeping it in the model', () => {
    const bad = { ...naclEntry(50, 'allow', 'inbound', '-1', '0.0.0.0/0'), protocol: null };
    const d = evaluateNacl(nacl('acl-1', [bad]), 'inbound', packet({ proto: 'tcp', src: '1.1.1.1', dst: '10.0.0.1', dport: 80 }));
    expect(d.ruleNumber).toBe(32767);
  });
});
