/**
 * The edge to Terraform: the JSON of `terraform show -json PLAN` (or of a state, `terraform show -json`)
 * checked and read into plain values. Nothing here knows AWS resources; src/iac/terraform-plan.ts maps them
 * to the model. Every problem names the file and the JSON path (`resource_changes[3].change.actions[0]`).
 *
 * What is read (Terraform's "JSON Output Format", format_version 1.x):
 * - resource_changes[]: address, module_address, mode, type, name, index, change.{actions, before, after,
 *   after_unknown}. after_unknown mirrors `after`: `true` where a value is unknown until apply (in `after`
 *   the value is then absent from an object, or null in an array, so element positions still correlate).
 * - planned_values.root_module (resources, child_modules recursively), and a state's values.root_module:
 *   resources that resource_changes does not list are read as unchanged (no-op).
 * - configuration.root_module: resources[].expressions (references of each attribute, nested blocks as
 *   arrays of objects), outputs, module_calls.<name>.{expressions, module} recursively; used to resolve
 *   references between resources whose values are unknown.
 */
import { E } from '../fp.js';
import type { Either } from '../fp.js';
import { DecodeContext, type JsonObject, type Problem, describeValue, getField, isObject, joinPath } from '../aws/decode/common.js';

export type PlanAction = 'create' | 'update' | 'delete' | 'no-op' | 'read' | 'forget';
const ACTIONS: readonly PlanAction[] = ['create', 'update', 'delete', 'no-op', 'read', 'forget'];

export interface PlanResource {
  /** `module.net.aws_subnet.a[0]` */
  readonly address: string;
  /** `module.net` ('' in the root module); module instance keys included (`module.net[0]`). */
  readonly moduleAddress: string;
  readonly mode: 'managed' | 'data';
  readonly type: string;
  readonly name: string;
  readonly index?: number | string;
  readonly actions: readonly PlanAction[];
  /** null when the resource does not exist before (create) or after (delete). */
  readonly before: JsonObject | null;
  readonly after: JsonObject | null;
  /** The after_unknown mask (an object, or `true` for an entirely unknown value). */
  readonly afterUnknown: unknown;
  /** Where the entry is in the file. */
  readonly path: string;
}

/** A module of the configuration: resources by their address in the module (`aws_subnet.a`). */
export interface ConfigModule {
  readonly resources: ReadonlyMap<string, JsonObject>;
  /** Output expressions by name. */
  readonly outputs: ReadonlyMap<string, unknown>;
  readonly calls: ReadonlyMap<string, { readonly expressions: JsonObject; readonly module: ConfigModule }>;
}

export interface PlanDocument {
  readonly file: string;
  readonly formatVersion: string;
  readonly resources: readonly PlanResource[];
  readonly configuration: ConfigModule;
}

export interface PlanLoadError {
  readonly _tag: 'PlanLoadError';
  readonly problems: readonly Problem[];
}

export function planLoadError(problems: readonly Problem[]): PlanLoadError {
  return { _tag: 'PlanLoadError', problems };
}

export function formatPlanLoadError(e: PlanLoadError): string {
  const n = e.problems.length;
  const head = `cannot read the Terraform plan: ${n} problem${n === 1 ? '' : 's'}`;
  return [head, ...e.problems.map((p) => `  ${p.path === '' ? p.file : `${p.file}: ${p.path}`}: ${p.message}`)].join('\n');
}

const EMPTY_MODULE: ConfigModule = { resources: new Map(), outputs: new Map(), calls: new Map() };

function str(ctx: DecodeContext, obj: JsonObject, key: string, path: string, required: boolean): string | undefined {
  const v = getField(obj, key);
  if (typeof v === 'string') return v;
  if (v === undefined && !required) return undefined;
  ctx.error(joinPath(path, key), v === undefined ? 'expected a string, but the field is missing' : `expected a string, got ${describeValue(v)}`);
  return undefined;
}

function objectOrNull(ctx: DecodeContext, obj: JsonObject, key: string, path: string): JsonObject | null {
  const v = getField(obj, key);
  if (v === undefined) return null;
  if (isObject(v)) return v;
  ctx.error(joinPath(path, key), `expected an object or null, got ${describeValue(v)}`);
  return null;
}

function readIndex(ctx: DecodeContext, obj: JsonObject, path: string): number | string | undefined {
  const v = getField(obj, 'index');
  if (v === undefined || typeof v === 'string' || (typeof v === 'number' && Number.isSafeInteger(v))) return v;
  ctx.error(joinPath(path, 'index'), `expected an integer (count) or a string (for_each key), got ${describeValue(v)}`);
  return undefined;
}

function readMode(ctx: DecodeContext, obj: JsonObject, path: string): 'managed' | 'data' {
  const v = getField(obj, 'mode');
  if (v === undefined || v === 'managed') return 'managed';
  if (v === 'data') return 'data';
  ctx.error(joinPath(path, 'mode'), `expected "managed" or "data", got ${describeValue(v)}`);
  return 'managed';
}

/** The module part of a resource address: `module.a.module.b[0].aws_x.y` → `module.a.module.b[0]`. */
export function moduleOfAddress(address: string): string {
  const parts: string[] = [];
  let rest = address;
  for (;;) {
    const m = /^(module\.[A-Za-z0-9_-]+(?:\[(?:\d+|"(?:[^"\\]|\\.)*")\])?)\./.exec(rest);
    if (m === null) break;
    parts.push(m[1]!);
    rest = rest.slice(m[0].length);
  }
  return parts.join('.');
}

function readChange(ctx: DecodeContext, rc: JsonObject, path: string): Omit<PlanResource, 'address' | 'moduleAddress' | 'mode' | 'type' | 'name' | 'index' | 'path'> | undefined {
  const cpath = joinPath(path, 'change');
  const change = getField(rc, 'change');
  if (!isObject(change)) {
    ctx.error(cpath, change === undefined ? 'expected an object (the planned change), but the field is missing' : `expected an object, got ${describeValue(change)}`);
    return undefined;
  }
  const acts = getField(change, 'actions');
  const apath = joinPath(cpath, 'actions');
  const actions: PlanAction[] = [];
  if (!Array.isArray(acts) || acts.length === 0) {
    ctx.error(apath, `expected a non-empty array of actions (${ACTIONS.join(', ')}), got ${describeValue(acts)}`);
  } else {
    acts.forEach((a, i) => {
      if (typeof a === 'string' && (ACTIONS as readonly string[]).includes(a)) actions.push(a as PlanAction);
      else ctx.error(joinPath(apath, i), `expected one of ${ACTIONS.join(', ')}, got ${describeValue(a)}`);
    });
  }
  const before = objectOrNull(ctx, change, 'before', cpath);
  const after = objectOrNull(ctx, change, 'after', cpath);
  const au = getField(change, 'after_unknown');
  if (au !== undefined && !isObject(au) && typeof au !== 'boolean') {
    ctx.error(joinPath(cpath, 'after_unknown'), `expected an object or a boolean, got ${describeValue(au)}`);
  }
  if (actions.includes('create') && after === null) ctx.error(joinPath(cpath, 'after'), 'a created resource needs its planned values (an object), got nothing');
  if ((actions.includes('update') || actions.includes('no-op')) && after === null) ctx.error(joinPath(cpath, 'after'), 'an updated resource needs its planned values (an object), got nothing');
  if (actions.includes('delete') && !actions.includes('create') && before === null) ctx.error(joinPath(cpath, 'before'), 'a deleted resource needs its prior values (an object), got nothing');
  return { actions, before, after, afterUnknown: au ?? {} };
}

function readResourceChanges(ctx: DecodeContext, value: unknown, path: string, out: PlanResource[]): void {
  if (value === undefined || value === null) return;
  if (!Array.isArray(value)) {
    ctx.error(path, `expected an array, got ${describeValue(value)}`);
    return;
  }
  value.forEach((rc: unknown, i) => {
    const p = joinPath(path, i);
    if (!isObject(rc)) {
      ctx.error(p, `expected an object (a resource change), got ${describeValue(rc)}`);
      return;
    }
    const address = str(ctx, rc, 'address', p, true);
    const type = str(ctx, rc, 'type', p, true);
    const name = str(ctx, rc, 'name', p, false);
    const moduleAddress = str(ctx, rc, 'module_address', p, false);
    const mode = readMode(ctx, rc, p);
    const index = readIndex(ctx, rc, p);
    const change = readChange(ctx, rc, p);
    if (address === undefined || type === undefined || change === undefined) return;
    out.push({
      address,
      moduleAddress: moduleAddress ?? moduleOfAddress(address),
      mode,
      type,
      name: name ?? '',
      ...(index !== undefined ? { index } : {}),
      ...change,
      path: p,
    });
  });
}

/** planned_values / state values: resources not in resource_changes, read as unchanged. */
function readValuesModule(ctx: DecodeContext, value: unknown, path: string, known: Set<string>, out: PlanResource[], depth: number): void {
  if (value === undefined || value === null) return;
  if (!isObject(value)) {
    ctx.error(path, `expected an object (a module), got ${describeValue(value)}`);
    return;
  }
  if (depth > 64) {
    ctx.error(path, 'modules nested more than 64 deep');
    return;
  }
  const resources = getField(value, 'resources');
  if (resources !== undefined) {
    const rpath = joinPath(path, 'resources');
    if (!Array.isArray(resources)) ctx.error(rpath, `expected an array, got ${describeValue(resources)}`);
    else {
      resources.forEach((r: unknown, i) => {
        const p = joinPath(rpath, i);
        if (!isObject(r)) {
          ctx.error(p, `expected an object (a resource), got ${describeValue(r)}`);
          return;
        }
        const address = str(ctx, r, 'address', p, true);
        const type = str(ctx, r, 'type', p, true);
        const name = str(ctx, r, 'name', p, false);
        const mode = readMode(ctx, r, p);
        const index = readIndex(ctx, r, p);
        const values = getField(r, 'values');
        if (values !== undefined && !isObject(values)) ctx.error(joinPath(p, 'values'), `expected an object, got ${describeValue(values)}`);
        if (address === undefined || type === undefined || known.has(address)) return;
        known.add(address);
        const v = isObject(values) ? values : {};
        out.push({ address, moduleAddress: moduleOfAddress(address), mode, type, name: name ?? '', ...(index !== undefined ? { index } : {}), actions: ['no-op'], before: v, after: v, afterUnknown: {}, path: p });
      });
    }
  }
  const children = getField(value, 'child_modules');
  if (children !== undefined) {
    const cpath = joinPath(path, 'child_modules');
    if (!Array.isArray(children)) ctx.error(cpath, `expected an array, got ${describeValue(children)}`);
    else children.forEach((c: unknown, i) => readValuesModule(ctx, c, joinPath(cpath, i), known, out, depth + 1));
  }
}

function readConfigModule(ctx: DecodeContext, value: unknown, path: string, depth: number): ConfigModule {
  if (value === undefined || value === null) return EMPTY_MODULE;
  if (!isObject(value)) {
    ctx.error(path, `expected an object (a configuration module), got ${describeValue(value)}`);
    return EMPTY_MODULE;
  }
  if (depth > 64) {
    ctx.error(path, 'modules nested more than 64 deep');
    return EMPTY_MODULE;
  }
  const resources = new Map<string, JsonObject>();
  const rs = getField(value, 'resources');
  const rpath = joinPath(path, 'resources');
  if (rs !== undefined && !Array.isArray(rs)) ctx.error(rpath, `expected an array, got ${describeValue(rs)}`);
  if (Array.isArray(rs)) {
    rs.forEach((r: unknown, i) => {
      const p = joinPath(rpath, i);
      if (!isObject(r)) return ctx.error(p, `expected an object (a configured resource), got ${describeValue(r)}`);
      const address = str(ctx, r, 'address', p, true);
      const ex = getField(r, 'expressions');
      if (ex !== undefined && !isObject(ex)) ctx.error(joinPath(p, 'expressions'), `expected an object, got ${describeValue(ex)}`);
      if (address !== undefined) resources.set(address, isObject(ex) ? ex : {});
    });
  }
  const outputs = new Map<string, unknown>();
  const os = getField(value, 'outputs');
  if (isObject(os)) for (const [k, o] of Object.entries(os)) if (isObject(o)) outputs.set(k, getField(o, 'expression'));
  const calls = new Map<string, { expressions: JsonObject; module: ConfigModule }>();
  const mc = getField(value, 'module_calls');
  const mpath = joinPath(path, 'module_calls');
  if (mc !== undefined && !isObject(mc)) ctx.error(mpath, `expected an object, got ${describeValue(mc)}`);
  if (isObject(mc)) {
    for (const [k, call] of Object.entries(mc)) {
      const p = joinPath(mpath, k);
      if (!isObject(call)) {
        ctx.error(p, `expected an object (a module call), got ${describeValue(call)}`);
        continue;
      }
      const ex = getField(call, 'expressions');
      calls.set(k, { expressions: isObject(ex) ? ex : {}, module: readConfigModule(ctx, getField(call, 'module'), joinPath(p, 'module'), depth + 1) });
    }
  }
  return { resources, outputs, calls };
}

/** Reads a parsed plan (or state) document. Pure and total. */
export function readPlanDocument(file: string, json: unknown): Either<PlanLoadError, PlanDocument> {
  const ctx = new DecodeContext(file);
  try {
    if (!isObject(json)) {
      ctx.error('', `expected the JSON object printed by \`terraform show -json PLANFILE\`, got ${describeValue(json)}`);
      return E.left(planLoadError(ctx.problems));
    }
    const fv = getField(json, 'format_version');
    let formatVersion = '';
    if (typeof fv !== 'string') {
      ctx.error('format_version', fv === undefined ? 'expected the format version of `terraform show -json` (e.g. "1.2"), but the field is missing: is this a Terraform plan in JSON?' : `expected a string, got ${describeValue(fv)}`);
    } else if (!/^1(\.\d+)*$/.test(fv)) {
      ctx.error('format_version', `unsupported format version ${describeValue(fv)}: vpcwhy reads format 1.x`);
    } else formatVersion = fv;
    if (!('resource_changes' in json) && !('planned_values' in json) && !('values' in json)) {
      ctx.error('', 'neither resource_changes, planned_values nor values: not the output of `terraform show -json`');
    }
    const resources: PlanResource[] = [];
    readResourceChanges(ctx, getField(json, 'resource_changes'), 'resource_changes', resources);
    const known = new Set(resources.map((r) => r.address));
    const pv = getField(json, 'planned_values');
    if (pv !== undefined && !isObject(pv)) ctx.error('planned_values', `expected an object, got ${describeValue(pv)}`);
    if (isObject(pv)) readValuesModule(ctx, getField(pv, 'root_module'), 'planned_values.root_module', known, resources, 0);
    const sv = getField(json, 'values');
    if (isObject(sv)) readValuesModule(ctx, getField(sv, 'root_module'), 'values.root_module', known, resources, 0);
    const conf = getField(json, 'configuration');
    if (conf !== undefined && !isObject(conf)) ctx.error('configuration', `expected an object, got ${describeValue(conf)}`);
    const configuration = isObject(conf) ? readConfigModule(ctx, getField(conf, 'root_module'), 'configuration.root_module', 0) : EMPTY_MODULE;
    if (ctx.problems.length > 0) return E.left(planLoadError(ctx.problems));
    return E.right({ file, formatVersion, resources, configuration });
  } catch (e) {
    return E.left(planLoadError([...ctx.problems, { file, path: '', message: `internal error while reading the plan: ${e instanceof Error ? e.message : String(e)}` }]));
  }
}
