/**
 * parseIntents: the intents file format (docs/intents.md). Every bad input is one error naming the line and
 * column and what was expected; unknown keys are rejected so a misspelt statement never passes silently.
 */
import { describe, expect, it } from 'vitest';
import { CLIENT_PORTS, type IntentsDocument, formatIntentsError, parseIntents } from '../../src/audit/intents.js';

function ok(text: string): IntentsDocument {
  const r = parseIntents(text, 'intents.yaml');
  if (r._tag === 'Left') throw new Error(`unexpected error: ${formatIntentsError(r.left)}`);
  return r.right;
}

function err(text: string): string {
  const r = parseIntents(text, 'intents.yaml');
  if (r._tag === 'Right') throw new Error('expected an error');
  return formatIntentsError(r.left);
}

const ONE = `intents:
  - name: web
    must-allow: { from: internet, to: sg-0web1, protocol: tcp, ports: 443 }
`;

describe('parseIntents: the format', () => {
  it('reads a must-allow with its ends, protocol, port and position', () => {
    const doc = ok(ONE);
    expect(doc.file).toBe('intents.yaml');
    expect(doc.intents).toHaveLength(1);
    const i = doc.intents[0]!;
    expect(i).toMatchObject({ name: 'web', kind: 'must-allow', fromText: 'internet', toText: 'sg-0web1', protocol: 6, ports: [{ lo: 443, hi: 443 }] });
    expect(i.from).toEqual({ kind: 'internet' });
    expect(i.to).toEqual({ kind: 'id', id: 'sg-0web1' });
    expect(i.position).toEqual({ line: 2, column: 5 });
    expect(i.toPosition.line).toBe(3);
  });

  it('defaults the source ports to the ephemeral 1024-65535 for must-allow and every port for must-deny (ref 5.4)', () => {
    const doc = ok(`intents:
  - name: a
    must-allow: { from: 10.0.0.0/8, to: eni-1, protocol: udp }
  - name: b
    must-deny:
      from: 203.0.113.0/24
      to: subnet-1
      protocol: tcp
      ports: [22, "3389", "5000-5010", 5005]
      source-ports: 1-1023
`);
    expect(doc.intents[0]!.sourcePorts).toEqual([CLIENT_PORTS]);
    expect(doc.intents[0]!.ports).toBeNull();
    expect(doc.intents[0]!.from).toMatchObject({ kind: 'cidr' });
    const b = doc.intents[1]!;
    expect(b.kind).toBe('must-deny');
    expect(b.ports).toEqual([{ lo: 22, hi: 22 }, { lo: 3389, hi: 3389 }, { lo: 5000, hi: 5010 }]);
    expect(b.sourcePorts).toEqual([{ lo: 1, hi: 1023 }]);
  });

  it('accepts protocol names, numbers and all, addresses as /32 or /128, and Terraform addresses as ids', () => {
    const doc = ok(`intents:
  - { name: a, must-deny: { from: internet, to: 10.0.1.10, protocol: all } }
  - { name: b, must-deny: { from: internet, to: "2600:1f18::10", protocol: 50 } }
  - { name: c, must-allow: { from: aws_instance.admin, to: eni-1, protocol: icmp } }
  - { name: d, must-allow: { from: eni-1, to: internet, protocol: -1 } }
`);
    expect(doc.intents.map((i) => i.protocol)).toEqual([-1, 50, 1, -1]);
    expect(doc.intents[0]!.to).toMatchObject({ kind: 'cidr', cidr: { text: '10.0.1.10/32' } });
    expect(doc.intents[1]!.to).toMatchObject({ kind: 'cidr', cidr: { family: 6 } });
    expect(doc.intents[2]!.from).toEqual({ kind: 'id', id: 'aws_instance.admin' });
  });
});

describe('parseIntents: errors name the line, the column and what was expected', () => {
  it.each([
    ['not YAML', 'intents: [\n  - name: a\n', /^intents\.yaml:\d+:\d+: not valid YAML/],
    ['a list at the top', '- name: a\n', /^intents\.yaml:1:1: expected a mapping with the key "intents"/],
    ['an unknown top-level key', 'intent:\n  - name: a\n', /^intents\.yaml:1:1: the top level: unknown key "intent" \(expected intents\)/],
    ['intents not a list', 'intents: 3\n', /^intents\.yaml:1:10: intents: expected a list of statements/],
    ['an empty list', 'intents: []\n', /^intents\.yaml:1:10: intents: the list is empty/],
    ['a statement without a name', 'intents:\n  - must-allow: { from: internet, to: eni-1, protocol: tcp }\n', /^intents\.yaml:2:5: intents\[0\]: expected a name/],
    ['a misspelt kind', 'intents:\n  - name: a\n    must-alow: { from: internet, to: eni-1, protocol: tcp }\n', /^intents\.yaml:3:5: intents\[0\]: unknown key "must-alow" \(expected name, must-allow, must-deny\)/],
    ['both kinds', 'intents:\n  - name: a\n    must-allow: { from: internet, to: eni-1, protocol: tcp }\n    must-deny: { from: internet, to: eni-1, protocol: tcp }\n', /^intents\.yaml:4:5: .*one of must-allow or must-deny, not both/],
    ['no kind', 'intents:\n  - name: a\n', /^intents\.yaml:2:5: intents\[0\] \("a"\): expected must-allow or must-deny/],
    ['an unknown statement key', 'intents:\n  - name: a\n    must-allow: { from: internet, to: eni-1, protocol: tcp, port: 443 }\n', /^intents\.yaml:3:61: intents\[0\]\.must-allow: unknown key "port" \(expected from, to, protocol, ports, source-ports\)/],
    ['no to', 'intents:\n  - name: a\n    must-allow: { from: internet, protocol: tcp }\n', /^intents\.yaml:3:17: intents\[0\]\.must-allow: expected to/],
    ['a bad end', 'intents:\n  - name: a\n    must-allow:\n      from: the-world\n      to: eni-1\n      protocol: tcp\n', /^intents\.yaml:4:13: intents\[0\]\.must-allow\.from: expected internet, a CIDR or address, an ENI id/],
    ['a bad CIDR', 'intents:\n  - name: a\n    must-allow: { from: 10.0.0.0/33, to: eni-1, protocol: tcp }\n', /^intents\.yaml:3:25: .*"10\.0\.0\.0\/33" is not a valid address or CIDR/],
    ['internet both ways', 'intents:\n  - name: a\n    must-deny: { from: internet, to: internet, protocol: tcp }\n', /^intents\.yaml:3:38: .*both the internet; one end must be in the snapshot/],
    ['a bad protocol', 'intents:\n  - name: a\n    must-allow: { from: internet, to: eni-1, protocol: tpc }\n', /^intents\.yaml:3:56: .*protocol: expected tcp, udp, icmp, icmpv6, all or a protocol number 0-255, got "tpc"/],
    ['a port out of range', 'intents:\n  - name: a\n    must-allow: { from: internet, to: eni-1, protocol: tcp, ports: 70000 }\n', /^intents\.yaml:3:68: .*ports: expected a port 0-65535, a range "N-M" or a list of them, got 70000/],
    ['a reversed range', 'intents:\n  - name: a\n    must-allow:\n      from: internet\n      to: eni-1\n      protocol: tcp\n      ports: [80, "90-85"]\n', /^intents\.yaml:7:19: .*ports: expected a port 0-65535.*got "90-85"/],
    ['ports with icmp', 'intents:\n  - name: a\n    must-allow: { from: internet, to: eni-1, protocol: icmp, ports: 8 }\n', /^intents\.yaml:3:62: .*ports: ports apply to tcp and udp only \(protocol is icmp\)/],
    ['an empty name', 'intents:\n  - name: ""\n    must-allow: { from: internet, to: eni-1, protocol: tcp }\n', /^intents\.yaml:2:11: intents\[0\]\.name: expected a non-empty text/],
    ['a name used twice', 'intents:\n  - name: a\n    must-allow: { from: internet, to: eni-1, protocol: tcp }\n  - name: a\n    must-deny: { from: internet, to: eni-1, protocol: udp }\n', /^intents\.yaml:4:5: intents\[1\]: the name "a" is used twice \(first at line 2\)/],
    ['a duplicate key', 'intents:\n  - name: a\n    name: b\n    must-allow: { from: internet, to: eni-1, protocol: tcp }\n', /^intents\.yaml:3:5: not valid YAML: Map keys must be unique/],
  ])('%s', (_what, text, expected) => {
    expect(err(text)).toMatch(expected);
  });
});
