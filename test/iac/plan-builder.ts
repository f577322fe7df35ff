/**
 * Hand-written Terraform plans (`terraform show -json` shapes, format 1.2) for tests. A resource is written
 * once with `ref(target)` markers where its value comes from another resource; `planOf(resources, 'new')`
 * writes them as created (the marked values unknown until apply, in `after` absent from objects and null in
 * arrays, `true` in after_unknown, and the configuration's `references`), `planOf(resources, 'existing')`
 * as unchanged resources of known AWS ids (no-op, before = after).
 */
import { parsePlanText } from '../../src/iac/load.js';
import type { PlanAction, PlanDocument } from '../../src/iac/plan-document.js';
import { E } from '../../src/fp.js';

export interface Ref {
  readonly $ref: string;
  /** The address of the resource whose id it is. */
  readonly target: string;
  readonly attribute?: string;
}

/** A value that comes from `target`'s id (`text`: the reference as written in its module, default `<target>.id`). */
export function ref(target: string, text?: string, attribute = 'id'): Ref {
  return { $ref: text ?? `${target}.${attribute}`, target, attribute };
}

function isRef(v: unknown): v is Ref {
  return typeof v === 'object' && v !== null && '$ref' in v;
}

export interface SpecResource {
  readonly address: string;
  /** The AWS id the resource has once it exists ('existing' mode). */
  readonly awsId?: string;
  readonly values: Record<string, unknown>;
  /** Attributes known only after apply in 'new' mode (beyond id): `public_ip`, ... */
  readonly computed?: readonly string[];
}

export interface ModuleSpec {
  /** Module call arguments, by variable name: the reference text in the parent (`aws_vpc.main.id`). */
  readonly args?: Record<string, string>;
  /** Outputs: name → reference text inside the module. */
  readonly outputs?: Record<string, string>;
}

/** Real nested blocks (not attributes written as blocks), whose configuration is an array of bodies. */
const BLOCKS = new Set(['network_interface', 'attachment']);

export function splitAddress(address: string): { module: string; type: string; name: string; index?: number | string } {
  const m = /^((?:module\.[A-Za-z0-9_-]+(?:\[[^\]]+\])?\.)*)([a-z0-9_]+)\.([A-Za-z0-9_-]+)(?:\[(\d+|"[^"]*")\])?$/.exec(address);
  if (!m) throw new Error(`bad address ${address}`);
  const idx = m[4];
  return {
    module: (m[1] ?? '').replace(/\.$/, ''),
    type: m[2]!,
    name: m[3]!,
    ...(idx === undefined ? {} : { index: /^\d+$/.test(idx) ? Number(idx) : JSON.parse(idx) as string }),
  };
}

function resolveKnown(v: unknown, ids: ReadonlyMap<string, string>): unknown {
  if (isRef(v)) {
    const id = ids.get(v.target);
    if (id === undefined) throw new Error(`no AWS id for ${v.target}`);
    return v.attribute === 'id' || v.attribute === undefined ? id : `${id}`;
  }
  if (Array.isArray(v)) return v.map((x) => resolveKnown(x, ids));
  if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, resolveKnown(x, ids)]));
  return v;
}

/** `after` with unknowns left out, and the after_unknown mask. */
function splitUnknown(v: unknown): { after: unknown; mask: unknown; unknown: boolean } {
  if (isRef(v)) return { after: undefined, mask: true, unknown: true };
  if (Array.isArray(v)) {
    const parts = v.map(splitUnknown);
    return { after: parts.map((p) => (p.unknown ? null : p.after)), mask: parts.map((p) => p.mask), unknown: false };
  }
  if (typeof v === 'object' && v !== null) {
    const after: Record<string, unknown> = {};
    const mask: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      const p = splitUnknown(x);
      if (!p.unknown) after[k] = p.after;
      if (p.mask !== false && !(typeof p.mask === 'object' && p.mask !== null && !Array.isArray(p.mask) && Object.keys(p.mask).length === 0)) mask[k] = p.mask;
    }
    return { after, mask, unknown: false };
  }
  return { after: v, mask: false, unknown: false };
}

function refsIn(v: unknown, out: string[]): void {
  if (isRef(v)) {
    out.push(v.$ref);
    // Terraform lists each reference with its shorter prefixes.
    const parts = v.$ref.split('.');
    for (let i = parts.length - 1; i >= 2; i--) out.push(parts.slice(0, i).join('.'));
  } else if (Array.isArray(v)) for (const x of v) refsIn(x, out);
  else if (typeof v === 'object' && v !== null) for (const x of Object.values(v)) refsIn(x, out);
}

function expression(v: unknown): object {
  const refs: string[] = [];
  refsIn(v, refs);
  return refs.length > 0 ? { references: [...new Set(refs)] } : { constant_value: v };
}

function expressionsOf(values: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(values)) {
    if (v === null) continue;
    if (BLOCKS.has(k) && Array.isArray(v)) out[k] = v.map((b) => expressionsOf(b as Record<string, unknown>));
    else out[k] = expression(v);
  }
  return out;
}

/**
 * `existing`: in 'new' mode, resources that exist already (not in the plan): references to them are their
 * known AWS ids, as Terraform plans them.
 */
export function planOf(all: readonly SpecResource[], mode: 'new' | 'existing', modules: Record<string, ModuleSpec> = {}, existing: ReadonlySet<string> = new Set()): Record<string, unknown> {
  const ids = new Map(all.map((r) => [r.address, r.awsId ?? r.address]));
  const knownOnly = (v: unknown): unknown => {
    if (isRef(v)) return existing.has(v.target) ? ids.get(v.target) : v;
    if (Array.isArray(v)) return v.map(knownOnly);
    if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, knownOnly(x)]));
    return v;
  };
  const resources = all.filter((r) => !existing.has(r.address)).map((r) => ({ ...r, values: knownOnly(r.values) as Record<string, unknown> }));
  const changes = resources.map((r) => {
    const a = splitAddress(r.address);
    const base = { address: r.address, ...(a.module ? { module_address: a.module } : {}), mode: 'managed', type: a.type, name: a.name, ...(a.index !== undefined ? { index: a.index } : {}), provider_name: 'registry.terraform.io/hashicorp/aws' };
    if (mode === 'existing') {
      const values = { ...(resolveKnown(r.values, ids) as object), ...(r.awsId ? { id: r.awsId } : {}) };
      return { ...base, change: { actions: ['no-op'], before: values, after: values, after_unknown: {}, before_sensitive: {}, after_sensitive: {} } };
    }
    const s = splitUnknown(r.values);
    const mask = { ...(s.mask as object), id: true, ...Object.fromEntries((r.computed ?? []).map((k) => [k, true])) };
    const after = { ...(s.after as Record<string, unknown>) };
    for (const k of r.computed ?? []) delete after[k];
    return { ...base, change: { actions: ['create'], before: null, after, after_unknown: mask, before_sensitive: false, after_sensitive: {} } };
  });
  // The configuration: one module tree.
  type Mod = { resources: object[]; module_calls: Record<string, { source: string; expressions: object; module: Mod }>; outputs: Record<string, object> };
  const root: Mod = { resources: [], module_calls: {}, outputs: {} };
  const moduleOf = (path: string): Mod => {
    let m = root;
    if (path === '') return m;
    for (const part of path.split('.module.').map((p) => p.replace(/^module\./, '').replace(/\[.*\]$/, ''))) {
      const spec = modules[part] ?? {};
      m.module_calls[part] ??= {
        source: `./modules/${part}`,
        expressions: Object.fromEntries(Object.entries(spec.args ?? {}).map(([k, t]) => [k, { references: refList(t) }])),
        module: { resources: [], module_calls: {}, outputs: Object.fromEntries(Object.entries(spec.outputs ?? {}).map(([k, t]) => [k, { expression: { references: refList(t) } }])) },
      };
      m = m.module_calls[part]!.module;
    }
    return m;
  };
  const seen = new Set<string>();
  for (const r of resources) {
    const a = splitAddress(r.address);
    const key = `${a.module}|${a.type}.${a.name}`;
    if (seen.has(key)) continue;
    seen.add(key);
    moduleOf(a.module).resources.push({ address: `${a.type}.${a.name}`, mode: 'managed', type: a.type, name: a.name, provider_config_key: 'aws', expressions: expressionsOf(r.values), schema_version: 0 });
  }
  return {
    format_version: '1.2',
    terraform_version: '1.9.5',
    planned_values: { root_module: {} },
    resource_changes: changes,
    configuration: { root_module: root },
  };
}

function refList(text: string): string[] {
  const parts = text.split('.');
  const out = [text];
  for (let i = parts.length - 1; i >= 2; i--) out.push(parts.slice(0, i).join('.'));
  return out;
}

/** One resource change written out (for hand-made plans). */
export function change(address: string, actions: PlanAction[], before: object | null, after: object | null, afterUnknown: object = {}): Record<string, unknown> {
  const a = splitAddress(address);
  return {
    address,
    ...(a.module ? { module_address: a.module } : {}),
    mode: 'managed',
    type: a.type,
    name: a.name,
    ...(a.index !== undefined ? { index: a.index } : {}),
    change: { actions, before, after, after_unknown: afterUnknown },
  };
}

export function planDoc(json: unknown, file = 'plan.json'): PlanDocument {
  const r = parsePlanText(file, JSON.stringify(json));
  if (E.isLeft(r)) throw new Error(JSON.stringify(r.left.problems));
  return r.right;
}
