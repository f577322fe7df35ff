/**
 * Property: reading and layering are total. Any JSON as the values of any modelled resource type (wrong
 * types, nulls, odd masks, unknown references) gives a snapshot with warnings, never an exception.
 */
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { E } from '../../src/fp.js';
import { parsePlanText } from '../../src/iac/load.js';
import { layerPlan } from '../../src/iac/terraform-plan.js';
import { emptySnapshot } from '../../src/model/snapshot.js';
import { expectCoverage, fcParams } from '../arbitraries/fc-params.js';

const TYPES = [
  'aws_vpc', 'aws_subnet', 'aws_internet_gateway', 'aws_security_group', 'aws_default_security_group', 'aws_security_group_rule',
  'aws_vpc_security_group_ingress_rule', 'aws_vpc_security_group_egress_rule', 'aws_network_acl', 'aws_default_network_acl',
  'aws_network_acl_rule', 'aws_network_acl_association', 'aws_route_table', 'aws_default_route_table', 'aws_route',
  'aws_route_table_association', 'aws_main_route_table_association', 'aws_network_interface', 'aws_network_interface_sg_attachment', 'aws_instance',
];
const KEYS = ['id', 'vpc_id', 'subnet_id', 'security_group_id', 'network_acl_id', 'route_table_id', 'ingress', 'egress', 'route', 'cidr_block', 'cidr_blocks', 'protocol', 'ip_protocol', 'from_port', 'to_port', 'rule_number', 'rule_no', 'egress', 'type', 'private_ip', 'private_ips', 'security_groups', 'vpc_security_group_ids', 'network_interface', 'subnet_ids', 'gateway_id', 'destination_cidr_block', 'public_ip', 'self'];

const valueArb = fc.dictionary(fc.constantFrom(...KEYS), fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.constantFrom('tcp', '-1', '10.0.0.0/8', 'sg-1', 'aws_security_group.a', 0, 65535)), { maxKeys: 8 });
const maskArb = fc.oneof(fc.constant({}), fc.constant(true), fc.dictionary(fc.constantFrom(...KEYS), fc.oneof(fc.boolean(), fc.array(fc.boolean(), { maxLength: 3 }), fc.jsonValue({ maxDepth: 2 })), { maxKeys: 5 }));
const changeArb = fc.record({
  type: fc.constantFrom(...TYPES),
  name: fc.constantFrom('a', 'b'),
  actions: fc.constantFrom(['create'], ['update'], ['delete'], ['no-op'], ['delete', 'create'], ['create', 'delete']),
  before: valueArb,
  after: valueArb,
  mask: maskArb,
  refs: fc.array(fc.constantFrom('aws_security_group.a.id', 'aws_security_group.a', 'var.x', 'local.y', 'module.m.out', 'aws_subnet.b[0].id', 'count.index', 'data.aws_vpc.v.id'), { maxLength: 3 }),
});

const single = (actions: readonly string[]): string | undefined => (actions.length === 1 ? actions[0] : undefined);

describe('plans of any values', () => {
  it('are read and layered without an exception', () => {
    const counts = { 'plans read': 0, 'plans with warnings': 0 };
    fc.assert(
      fc.property(fc.array(changeArb, { maxLength: 6 }), (changes) => {
        const json = {
          format_version: '1.2',
          resource_changes: changes.map((c) => ({
            address: `${c.type}.${c.name}`, type: c.type, name: c.name,
            change: { actions: c.actions, before: single(c.actions) === 'create' ? null : c.before, after: single(c.actions) === 'delete' ? null : c.after, after_unknown: c.mask },
          })),
          configuration: { root_module: { resources: changes.map((c) => ({ address: `${c.type}.${c.name}`, type: c.type, name: c.name, expressions: Object.fromEntries(Object.keys(c.after).map((k) => [k, { references: c.refs }])) })) } },
        };
        const doc = parsePlanText('p.json', JSON.stringify(json));
        if (E.isLeft(doc)) return;
        counts['plans read']++;
        const l = layerPlan(emptySnapshot(), doc.right);
        if (l.snapshot.warnings.length > 0) counts['plans with warnings']++;
      }),
      fcParams(300),
    );
    expectCoverage(counts, 100);
  });
});
