import { describe, expect, it } from 'vitest';
import {
  DEFAULT_FORMAT_FIELDS,
  DEFAULT_TGW_FORMAT_FIELDS,
  FIELDS,
  canonicalFieldName,
  fieldInfo,
  fieldKind,
  isKnownField,
} from '../../src/flowlog/index.js';

describe('field catalogue', () => {
  it('has the 14 default-format fields in AWS order (ref 1.3)', () => {
    expect(DEFAULT_FORMAT_FIELDS).toEqual([
      'version', 'account-id', 'interface-id', 'srcaddr', 'dstaddr', 'srcport', 'dstport',
      'protocol', 'packets', 'bytes', 'start', 'end', 'action', 'log-status',
    ]);
    for (const name of DEFAULT_FORMAT_FIELDS) expect(fieldInfo(name)?.version).toBe(2);
  });

  it('knows every field of versions 3 to 8 with its version (ref 1.5)', () => {
    const expected: Record<string, number> = {
      'vpc-id': 3, 'subnet-id': 3, 'instance-id': 3, 'tcp-flags': 3, type: 3, 'pkt-srcaddr': 3, 'pkt-dstaddr': 3,
      region: 4, 'az-id': 4, 'sublocation-type': 4, 'sublocation-id': 4,
      'pkt-src-aws-service': 5, 'pkt-dst-aws-service': 5, 'flow-direction': 5, 'traffic-path': 5,
      'ecs-cluster-arn': 7, 'ecs-cluster-name': 7, 'ecs-container-instance-arn': 7, 'ecs-container-instance-id': 7,
      'ecs-container-id': 7, 'ecs-second-container-id': 7, 'ecs-service-name': 7, 'ecs-task-definition-arn': 7,
      'ecs-task-arn': 7, 'ecs-task-id': 7,
      'reject-reason': 8,
    };
    for (const [name, version] of Object.entries(expected)) expect(fieldInfo(name)?.version, name).toBe(version);
  });

  it('knows the fields after version 8, marked unverified (ref 1.6)', () => {
    expect(fieldInfo('resource-id')?.version).toBe(9);
    expect(fieldInfo('encryption-status')?.version).toBe(10);
    for (const name of [
      'instance-tag', 'instance-tag-2', 'interface-tag', 'interface-tag-2', 'asg-tag', 'asg-tag-2', 'interface-type',
      'next-hop-interface-id', 'next-hop-subnet-id', 'next-hop-az-id', 'next-hop-vpc-id', 'next-hop-interface-type',
    ]) {
      expect(fieldInfo(name)?.version, name).toBe(11);
      expect(fieldInfo(name)?.unverified, name).toBe(true);
    }
  });

  it('types integer fields as int and everything else, unknown names included, as string (ref 1.5)', () => {
    const ints = FIELDS.filter((f) => f.kind === 'int').map((f) => f.name);
    expect(ints).toEqual(expect.arrayContaining(['version', 'srcport', 'dstport', 'protocol', 'packets', 'bytes', 'start', 'end', 'tcp-flags', 'traffic-path']));
    expect(fieldKind('account-id')).toBe('string'); // can be "unknown" (ref 1.5)
    expect(fieldKind('action')).toBe('string');
    expect(fieldKind('some-future-field')).toBe('string');
    expect(isKnownField('some-future-field')).toBe(false);
  });

  it('marks the transit gateway fields and lists the TGW default format (ref 1.5, version 6)', () => {
    for (const name of DEFAULT_TGW_FORMAT_FIELDS) expect(isKnownField(name), name).toBe(true);
    expect(fieldInfo('tgw-id')?.scope).toBe('transit-gateway');
    expect(fieldInfo('packets-lost-blackhole')?.kind).toBe('int');
    expect(DEFAULT_TGW_FORMAT_FIELDS).toHaveLength(36);
  });

  it('has unique names and a description for every field', () => {
    expect(new Set(FIELDS.map((f) => f.name)).size).toBe(FIELDS.length);
    for (const f of FIELDS) expect(f.description.length, f.name).toBeGreaterThan(5);
  });

  it('maps Athena/Parquet underscore spellings back to AWS names, leaving unknown names alone (ref 1.9)', () => {
    expect(canonicalFieldName('log_status')).toBe('log-status');
    expect(canonicalFieldName('pkt_src_aws_service')).toBe('pkt-src-aws-service');
    expect(canonicalFieldName('LOG-STATUS')).toBe('log-status');
    expect(canonicalFieldName('srcaddr')).toBe('srcaddr');
    expect(canonicalFieldName('my_custom_field')).toBe('my_custom_field');
  });
});
