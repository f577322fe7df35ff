/** `.vpcwhy.yaml`: what is read, and every problem named by file, line and path with what was expected. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { type ConfigLoadError, formatConfigLoadError, parseSuppressionConfig } from '../../src/audit/suppress-config.js';
import type { SuppressionConfig } from '../../src/audit/suppress.js';
import { E } from '../../src/fp.js';
import { fcParams } from '../arbitraries/fc-params.js';

function ok(text: string): SuppressionConfig {
  const r = parseSuppressionConfig(text, '.vpcwhy.yaml');
  if (E.isLeft(r)) throw new Error(formatConfigLoadError(r.left));
  return r.right;
}

function problems(text: string): string[] {
  const r = parseSuppressionConfig(text, '.vpcwhy.yaml');
  if (E.isRight(r)) throw new Error('expected problems');
  return (r.left as ConfigLoadError).problems.map((p) => `${p.line}: ${p.path === '' ? '' : `${p.path}: `}${p.message}`);
}

describe('parseSuppressionConfig', () => {
  it('reads rule, resource, entry, reason and expiry, with the line of each suppression', () => {
    const c = ok(
      [
        '# accepted findings',
        'suppressions:',
        '  - rule: sg-redundant-rule          # globs allowed',
        '    resource: sg-0web*',
        '    reason: "legacy, ticket NET-12"',
        '    expires: 2027-01-31',
        '  - rule: nacl-shadowed-entry',
        '    resource: aws_network_acl.main',
        '    entry: { direction: inbound, ruleNumber: 110 }',
        '    reason: kept for the audit trail',
        '',
      ].join('\n'),
    );
    expect(c).toEqual({
      file: '.vpcwhy.yaml',
      suppressions: [
        { rule: 'sg-redundant-rule', resource: 'sg-0web*', reason: 'legacy, ticket NET-12', expires: '2027-01-31', line: 3 },
        { rule: 'nacl-shadowed-entry', resource: 'aws_network_acl.main', entry: { direction: 'inbound', ruleNumber: 110 }, reason: 'kept for the audit trail', line: 7 },
      ],
    });
  });

  it('reads an empty file, a comment-only file and an empty list as no suppressions', () => {
    expect(ok('').suppressions).toEqual([]);
    expect(ok('# nothing yet\n').suppressions).toEqual([]);
    expect(ok('suppressions:\n').suppressions).toEqual([]);
    expect(ok('suppressions: []\n').suppressions).toEqual([]);
  });

  it('requires a reason, a rule and a resource, naming the line of the suppression', () => {
    expect(problems('suppressions:\n  - rule: blackhole-route\n    resource: rtb-1\n')).toEqual(['2: suppressions[0]: reason: expected a reason (why the finding is accepted), a non-empty string, but the key is missing']);
    expect(problems('suppressions:\n  - rule: blackhole-route\n    resource: rtb-1\n    reason: "  "\n')).toEqual(['4: suppressions[0].reason: expected a reason (why the finding is accepted), a non-empty string, got "  "']);
    expect(problems('suppressions:\n  - reason: x\n')).toEqual([
      '2: suppressions[0]: rule: expected a rule id (globs * and ? allowed), but the key is missing',
      '2: suppressions[0]: resource: expected a resource id, Terraform address or CloudFormation logical id (globs allowed; "*" for every resource), but the key is missing',
    ]);
  });

  it('rejects unknown keys (a misspelt expiry would suppress forever), at their line', () => {
    expect(problems('suppressions:\n  - rule: r\n    resource: x\n    reason: y\n    expire: 2027-01-31\n')).toEqual(['5: suppressions[0]: unknown key "expire" (expected rule, resource, entry, reason, expires)']);
    expect(problems('suppresions:\n  - rule: r\n')).toEqual(['1: unknown key "suppresions" (expected suppressions)']);
    expect(problems('suppressions:\n  - rule: r\n    resource: x\n    reason: y\n    entry: { number: 100 }\n')).toEqual([
      '5: suppressions[0].entry: unknown key "number" (expected kind, aclId, groupId, routeTableId, direction, ruleNumber, ruleId, index, destination, target)',
    ]);
  });

  it('checks dates (a real calendar day, YYYY-MM-DD) and entry field values', () => {
    const head = 'suppressions:\n  - rule: r\n    resource: x\n    reason: y\n';
    expect(problems(`${head}    expires: 2027-02-30\n`)).toEqual(['5: suppressions[0].expires: expected a date YYYY-MM-DD (the last day the suppression holds), got "2027-02-30"']);
    expect(problems(`${head}    expires: 31/01/2027\n`)).toEqual(['5: suppressions[0].expires: expected a date YYYY-MM-DD (the last day the suppression holds), got "31/01/2027"']);
    expect(problems(`${head}    entry:\n      direction: ingress\n      ruleNumber: "100"\n`)).toEqual([
      '6: suppressions[0].entry.direction: expected inbound or outbound, got "ingress"',
      '7: suppressions[0].entry.ruleNumber: expected a whole number, got "100"',
    ]);
    expect(problems(`${head}    entry: {}\n`)).toEqual(['5: suppressions[0].entry: expected at least one entry field']);
  });

  it('reads a YAML 1.1 timestamp as its day', () => {
    expect(ok('%YAML 1.1\n---\nsuppressions:\n  - rule: r\n    resource: x\n    reason: accepted\n    expires: 2027-01-31\n').suppressions[0]!.expires).toBe('2027-01-31');
  });

  it('names the line of YAML syntax errors and duplicate keys', () => {
    expect(problems('suppressions:\n  - rule: r\n    rule: s\n')).toEqual(['3: not valid YAML: Map keys must be unique']);
    expect(problems('suppressions:\n  - rule: [r\n')[0]).toMatch(/^3: not valid YAML: /);
  });

  it('rejects a document that is not a mapping, and suppressions that are not a list of mappings', () => {
    expect(problems('- rule: r\n')).toEqual(['1: expected a mapping with the key suppressions, got a list']);
    expect(problems('suppressions: all\n')).toEqual(['1: suppressions: expected a list of suppressions (- rule: ..., resource: ..., reason: ...), got "all"']);
    expect(problems('suppressions:\n  - blackhole-route\n')).toEqual(['2: suppressions[0]: expected a mapping with rule, resource and reason, got "blackhole-route"']);
  });

  it('formats one problem as one line, several as a list', () => {
    const one = parseSuppressionConfig('suppressions: all\n', 'cfg/.vpcwhy.yaml');
    expect(E.isLeft(one) && formatConfigLoadError(one.left)).toBe('cfg/.vpcwhy.yaml:1: suppressions: expected a list of suppressions (- rule: ..., resource: ..., reason: ...), got "all"');
    const two = parseSuppressionConfig('suppressions:\n  - reason: x\n', 'c.yaml');
    expect(E.isLeft(two) && formatConfigLoadError(two.left).split('\n')).toEqual([
      'cannot read the vpcwhy config: 2 problems',
      '  c.yaml:2: suppressions[0]: rule: expected a rule id (globs * and ? allowed), but the key is missing',
      '  c.yaml:2: suppressions[0]: resource: expected a resource id, Terraform address or CloudFormation logical id (globs allowed; "*" for every resource), but the key is missing',
    ]);
  });
});

describe('parseSuppressionConfig property', () => {
  const text = fc.string({ minLength: 1, maxLength: 12 }).filter((t) => t.trim() !== '' && !/[\r\n\u0085\u2028\u2029]/.test(t));
  const day = fc.date({ min: new Date(Date.UTC(2000, 0, 1)), max: new Date(Date.UTC(2099, 11, 31)), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
  const entry = fc.record({ direction: fc.constantFrom('inbound', 'outbound'), ruleNumber: fc.nat(32768), ruleId: text, destination: text }, { requiredKeys: [] }).filter((e) => Object.keys(e).length > 0);
  const suppression = fc.record({ rule: text, resource: text, reason: text, entry, expires: day }, { requiredKeys: ['rule', 'resource', 'reason'] });

  it('reads back what an independent YAML writer (yaml.stringify) writes, each suppression at the line of its list item', () => {
    fc.assert(
      fc.property(fc.array(suppression, { maxLength: 5 }), (list) => {
        const yamlText = stringify({ suppressions: list }, { lineWidth: 0 });
        const itemLines = yamlText.split('\n').flatMap((l, i) => (/^ *- /.test(l) ? [i + 1] : []));
        expect(ok(yamlText).suppressions).toEqual(list.map((s, i) => ({ ...s, line: itemLines[i] })));
      }),
      fcParams(200),
    );
  });
});
