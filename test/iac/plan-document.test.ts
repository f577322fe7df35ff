/** Reading `terraform show -json` output: shapes accepted, and every problem with the file and JSON path. */
import { describe, expect, it } from 'vitest';
import { E } from '../../src/fp.js';
import { parsePlanText } from '../../src/iac/load.js';
import { formatPlanLoadError, moduleOfAddress } from '../../src/iac/plan-document.js';

function problems(json: unknown, text?: string): string[] {
  const r = parsePlanText('p.json', text ?? JSON.stringify(json));
  if (E.isRight(r)) throw new Error('expected problems');
  return r.left.problems.map((p) => `${p.path}: ${p.message}`);
}

describe('the plan document', () => {
  it('reads resource_changes, planned_values child modules, and a state', () => {
    const r = parsePlanText('p.json', JSON.stringify({
      format_version: '1.2',
      resource_changes: [{ address: 'module.a[0].module.b.aws_subnet.s["x"]', type: 'aws_subnet', name: 's', index: 'x', change: { actions: ['create'], before: null, after: {}, after_unknown: { id: true } } }],
      planned_values: { root_module: { child_modules: [{ address: 'module.c', resources: [{ address: 'module.c.aws_vpc.v', type: 'aws_vpc', name: 'v', values: { id: 'vpc-1' } }], child_modules: [{ address: 'module.c.module.d', resources: [{ address: 'module.c.module.d.aws_vpc.w', type: 'aws_vpc', name: 'w', values: {} }] }] }] } },
    }));
    if (E.isLeft(r)) throw new Error(formatPlanLoadError(r.left));
    expect(r.right.resources.map((x) => [x.address, x.moduleAddress, x.actions])).toEqual([
      ['module.a[0].module.b.aws_subnet.s["x"]', 'module.a[0].module.b', ['create']],
      ['module.c.aws_vpc.v', 'module.c', ['no-op']],
      ['module.c.module.d.aws_vpc.w', 'module.c.module.d', ['no-op']],
    ]);
    const state = parsePlanText('s.json', JSON.stringify({ format_version: '1.0', values: { root_module: { resources: [{ address: 'aws_vpc.v', type: 'aws_vpc', name: 'v', values: { id: 'vpc-1' } }] } } }));
    expect(E.isRight(state) && state.right.resources.map((x) => x.address)).toEqual(['aws_vpc.v']);
  });

  it('module addresses', () => {
    expect(moduleOfAddress('aws_vpc.v')).toBe('');
    expect(moduleOfAddress('module.net.aws_subnet.a[0]')).toBe('module.net');
    expect(moduleOfAddress('module.a["k.1"].module.b[2].aws_x.y')).toBe('module.a["k.1"].module.b[2]');
  });

  it.each([
    ['not an object', [], ': expected the JSON object printed by `terraform show -json PLANFILE`, got an array'],
    ['no format version', { resource_changes: [] }, 'format_version: expected the format version of `terraform show -json` (e.g. "1.2"), but the field is missing: is this a Terraform plan in JSON?'],
    ['a major version it does not read', { format_version: '2.0', resource_changes: [] }, 'format_version: unsupported format version "2.0": vpcwhy reads format 1.x'],
    ['describe JSON given as a plan', { format_version: '1.0', NetworkAcls: [] }, ': neither resource_changes, planned_values nor values: not the output of `terraform show -json`'],
    ['resource_changes not an array', { format_version: '1.2', resource_changes: {} }, 'resource_changes: expected an array, got an object'],
    ['an unknown action', { format_version: '1.2', resource_changes: [{ address: 'a.b', type: 'a', change: { actions: ['make'] } }] }, 'resource_changes[0].change.actions[0]: expected one of create, update, delete, no-op, read, forget, got "make"'],
    ['no address', { format_version: '1.2', resource_changes: [{ type: 'a', change: { actions: ['no-op'], after: {} } }] }, 'resource_changes[0].address: expected a string, but the field is missing'],
    ['a create without values', { format_version: '1.2', resource_changes: [{ address: 'a.b', type: 'a', change: { actions: ['create'], after: null } }] }, 'resource_changes[0].change.after: a created resource needs its planned values (an object), got nothing'],
    ['after not an object', { format_version: '1.2', resource_changes: [{ address: 'a.b', type: 'a', change: { actions: ['update'], before: {}, after: 5 } }] }, 'resource_changes[0].change.after: expected an object or null, got 5'],
    ['a child module not an object', { format_version: '1.2', planned_values: { root_module: { child_modules: [3] } } }, 'planned_values.root_module.child_modules[0]: expected an object (a module), got 3'],
    ['module calls not an object', { format_version: '1.2', resource_changes: [], configuration: { root_module: { module_calls: [] } } }, 'configuration.root_module.module_calls: expected an object, got an array'],
  ])('%s is an error naming the JSON path', (_name, json, message) => {
    expect(problems(json)).toContain(message);
  });

  it('invalid JSON is an error with line and column, and a hint for a binary or text plan', () => {
    expect(problems(null, '{\n "format_version": }')[0]).toMatch(/^: invalid JSON at line 2, column 20/);
    expect(problems(null, 'Terraform will perform the following actions:')[0]).toMatch(/run `terraform show -json PLANFILE > plan.json`/);
    expect(problems(null, '  ')[0]).toBe(': empty file; expected the output of `terraform show -json PLANFILE`');
  });

  it('every problem is reported, not only the first', () => {
    const got = problems({ format_version: '1.2', resource_changes: [{ address: 'a.b', type: 'a', change: { actions: ['bad'] } }, 7] });
    expect(got).toEqual([
      "resource_changes[0].change.actions[0]: expected one of create, update, delete, no-op, read, forget, got \"bad\"",
      "resource_changes[1]: expected an object (a resource change), got 7",
    ]);
    expect(formatPlanLoadError({ _tag: 'PlanLoadError', problems: [{ file: 'p.json', path: 'x', message: 'm' }] })).toBe('cannot read the Terraform plan: 1 problem\n  p.json: x: m');
  });
});
