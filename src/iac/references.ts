/**
 * References of the plan's configuration, for values unknown until apply: `subnet_id = aws_subnet.a.id`
 * gives an unknown value in the plan, and `expressions.subnet_id.references` says which resource it comes
 * from. A reference is followed only when that is certain:
 * - every reference of the expression that could be unknown is considered; one that cannot be followed
 *   (a local, a resource with several instances referenced without a constant index, a splat, a data source
 *   read at apply time) makes the value stay unknown, never guessed;
 * - references that are known at plan time (root variables, count.index, each.*, a resource attribute
 *   whose planned value is known) cannot be where an unknown value comes from, and are left out;
 * - a variable of a child module is followed into its module call's argument, a module output into the
 *   output's expression.
 */
import { type JsonObject, getField, isObject } from '../aws/decode/common.js';
import type { ConfigModule, PlanDocument, PlanResource } from './plan-document.js';

/** Where an unknown value can come from: an attribute of a resource instance of the plan. */
export interface RefSource {
  /** The full instance address (`module.net.aws_subnet.a[0]`). */
  readonly address: string;
  /** The attribute after the address (`id`, `primary_network_interface_id`). */
  readonly attribute: string;
}

/**
 * `sources`: where the unknown value(s) can come from; `lumped`: the expression covers more than the value
 * asked about; `knownParts`: references left out because they are known at plan time (a wholly unknown
 * list built from them and from `sources` cannot be told from `sources` alone).
 */
export type Candidates =
  | { readonly ok: true; readonly sources: readonly RefSource[]; readonly lumped: boolean; readonly knownParts: number }
  | { readonly ok: false; readonly why: string };

type Followed = { readonly ok: true; readonly sources: readonly RefSource[]; readonly known: number } | { readonly ok: false; readonly why: string };
const KNOWN: Followed = { ok: true, sources: [], known: 1 };

/** A module instance: its address (`module.net[0]`, '' for the root) and its configuration. */
interface Scope {
  readonly address: string;
  readonly config: ConfigModule;
  /** The calling scope and the name of the call, for `var.*` of a child module. */
  readonly parent?: { readonly scope: Scope; readonly call: string };
}

function isExpression(v: unknown): v is JsonObject {
  return isObject(v) && Object.keys(v).every((k) => k === 'references' || k === 'constant_value');
}

/** All the references in an expression tree (an expression, a block body, or arrays of bodies). */
function referencesIn(v: unknown, out: string[]): void {
  if (Array.isArray(v)) for (const x of v) referencesIn(x, out);
  else if (isExpression(v)) {
    const refs = getField(v, 'references');
    if (Array.isArray(refs)) for (const r of refs) if (typeof r === 'string') out.push(r);
  } else if (isObject(v)) for (const x of Object.values(v)) referencesIn(x, out);
}

/**
 * The references of the expression that gives the value at `steps` of a resource's attributes. `lumped`:
 * the expression covers more than this one value (an attribute written as blocks, e.g. a security group's
 * `ingress`, has one expression for all its blocks; several blocks of a set cannot be told apart).
 */
function expressionRefs(expressions: JsonObject, steps: readonly (string | number)[]): { refs: string[]; lumped: boolean; list: boolean } | undefined {
  let cur: unknown = expressions;
  let lumped = false;
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i]!;
    if (isExpression(cur)) {
      // The whole rest is one expression: the element of a list attribute, or attribute-as-blocks.
      const refs: string[] = [];
      referencesIn(cur, refs);
      const onlyIndex = i === steps.length - 1 && typeof step === 'number';
      return { refs, lumped: lumped || !onlyIndex, list: onlyIndex };
    }
    if (typeof step === 'number') {
      if (!Array.isArray(cur)) return undefined;
      if (cur.length === 1) cur = cur[0];
      else {
        lumped = true;
        const refs: string[] = [];
        for (const block of cur) {
          const sub = isObject(block) ? expressionRefs(block, steps.slice(i + 1)) : undefined;
          if (sub) refs.push(...sub.refs);
        }
        return { refs, lumped, list: false };
      }
    } else {
      if (!isObject(cur) || isExpression(cur)) return undefined;
      cur = getField(cur, step);
      if (cur === undefined) return undefined;
    }
  }
  const refs: string[] = [];
  referencesIn(cur, refs);
  return { refs, lumped: lumped || !isExpression(cur), list: false };
}

/** Drops references that are prefixes of longer ones in the list (Terraform lists `a.b.c`, `a.b`, `a`). */
function maximal(refs: readonly string[]): string[] {
  const uniq = [...new Set(refs)];
  return uniq.filter((r) => !uniq.some((o) => o !== r && (o.startsWith(`${r}.`) || o.startsWith(`${r}[`))));
}

const KNOWN_ROOTS = new Set(['count', 'each', 'path', 'terraform', 'self']);

/** `aws_subnet.a[0].id` → { resource: 'aws_subnet.a', key: '[0]', rest: 'id' }. */
function splitResourceRef(ref: string): { resource: string; key: string; rest: string } | undefined {
  const m = /^([A-Za-z_][A-Za-z0-9_-]*\.[A-Za-z_][A-Za-z0-9_-]*)((?:\[(?:\d+|"(?:[^"\\]|\\.)*")\])?)(?:\.(.+))?$/.exec(ref);
  if (m === null) return undefined;
  return { resource: m[1]!, key: m[2] ?? '', rest: m[3] ?? '' };
}

function prefixed(scope: Scope, local: string): string {
  return scope.address === '' ? local : `${scope.address}.${local}`;
}

/** Is the attribute path (first steps) of the resource's planned value unknown? */
function attributeUnknown(res: PlanResource, rest: string): boolean {
  let mask: unknown = res.afterUnknown;
  for (const part of rest.split(/\.|\[|\]/).filter((s) => s !== '')) {
    if (mask === true) return true;
    if (Array.isArray(mask) && /^\d+$/.test(part)) mask = mask[Number(part)];
    else if (isObject(mask)) mask = getField(mask, part.replace(/^"|"$/g, ''));
    else return false;
  }
  if (mask === true) return true;
  const any = (m: unknown): boolean => m === true || (Array.isArray(m) ? m.some(any) : isObject(m) ? Object.values(m).some(any) : false);
  return any(mask);
}

export class ReferenceResolver {
  private readonly byAddress: ReadonlyMap<string, PlanResource>;
  private readonly instancesOf = new Map<string, PlanResource[]>();

  constructor(readonly plan: PlanDocument) {
    this.byAddress = new Map(plan.resources.map((r) => [r.address, r]));
    for (const r of plan.resources) {
      const base = r.address.replace(/\[(?:\d+|"(?:[^"\\]|\\.)*")\]$/, '');
      const list = this.instancesOf.get(base);
      if (list) list.push(r);
      else this.instancesOf.set(base, [r]);
    }
  }

  resource(address: string): PlanResource | undefined {
    return this.byAddress.get(address);
  }

  /** The scope of a module instance address (`module.a[0].module.b`). */
  private scopeOf(moduleAddress: string): Scope | undefined {
    let scope: Scope = { address: '', config: this.plan.configuration };
    if (moduleAddress === '') return scope;
    for (const part of moduleAddress.split(/\.(?=module\.)/)) {
      const m = /^module\.([A-Za-z0-9_-]+)(.*)$/.exec(part);
      if (m === null) return undefined;
      const call = scope.config.calls.get(m[1]!);
      if (call === undefined) return undefined;
      scope = { address: prefixed(scope, part), config: call.module, parent: { scope, call: m[1]! } };
    }
    return scope;
  }

  /** Where the unknown value at `steps` of the resource's attributes can come from. */
  candidates(res: PlanResource, steps: readonly (string | number)[]): Candidates {
    const scope = this.scopeOf(res.moduleAddress);
    if (scope === undefined) return { ok: false, why: `the plan's configuration has no module ${res.moduleAddress}` };
    const expressions = scope.config.resources.get(`${res.type}.${res.name}`);
    if (expressions === undefined) return { ok: false, why: "the plan's configuration does not describe the resource" };
    const found = expressionRefs(expressions, steps);
    if (found === undefined) return { ok: false, why: "the plan's configuration has no expression for it" };
    const sources: RefSource[] = [];
    let knownParts = 0;
    for (const ref of maximal(found.refs)) {
      const r = this.follow(scope, ref, 0);
      if (!r.ok) return r;
      sources.push(...r.sources);
      knownParts += r.known;
    }
    return { ok: true, sources: dedupeSources(sources), lumped: found.lumped, knownParts };
  }

  /** Does the configuration set the attribute at `steps` (as opposed to the provider computing it)? */
  hasExpression(res: PlanResource, steps: readonly (string | number)[]): boolean {
    const scope = this.scopeOf(res.moduleAddress);
    const expressions = scope?.config.resources.get(`${res.type}.${res.name}`);
    return expressions !== undefined && expressionRefs(expressions, steps) !== undefined;
  }

  /** The sources of one reference in a scope. */
  private follow(scope: Scope, ref: string, depth: number): Followed {
    if (depth > 32) return { ok: false, why: `references nested too deep at ${ref}` };
    const root = ref.split(/[.[]/)[0] ?? '';
    if (KNOWN_ROOTS.has(root)) return KNOWN;
    if (root === 'local') return { ok: false, why: `it comes from ${ref}, and locals are not in the plan's configuration` };
    if (root === 'var') {
      const name = /^var\.([A-Za-z0-9_-]+)/.exec(ref)?.[1];
      if (scope.parent === undefined || name === undefined) return KNOWN; // root variables are known at plan time
      const call = scope.parent.scope.config.calls.get(scope.parent.call);
      const arg = call === undefined ? undefined : getField(call.expressions, name);
      if (arg === undefined) return KNOWN; // the variable's default: known
      return this.followAll(scope.parent.scope, arg, depth);
    }
    if (root === 'module') {
      const m = /^module\.([A-Za-z0-9_-]+)((?:\[(?:\d+|"(?:[^"\\]|\\.)*")\])?)\.([A-Za-z0-9_-]+)/.exec(ref);
      if (m === null) return { ok: false, why: `it comes from ${ref}, a whole module` };
      const call = scope.config.calls.get(m[1]!);
      const output = call?.module.outputs.get(m[3]!);
      if (call === undefined || output === undefined) return { ok: false, why: `it comes from ${ref}, which the plan's configuration does not describe` };
      const child: Scope = { address: prefixed(scope, `module.${m[1]!}${m[2] ?? ''}`), config: call.module, parent: { scope, call: m[1]! } };
      if (m[2] === '' && [...this.byAddress.keys()].some((a) => a.startsWith(`${prefixed(scope, `module.${m[1]!}`)}[`))) {
        return { ok: false, why: `it comes from ${ref}, and module ${m[1]!} has several instances` };
      }
      return this.followAll(child, output, depth);
    }
    if (root === 'data') {
      const sub = splitResourceRef(ref.slice('data.'.length));
      const address = sub === undefined ? undefined : prefixed(scope, `data.${sub.resource}${sub.key}`);
      const res = address === undefined ? undefined : this.byAddress.get(address);
      if (res?.actions.includes('read')) return { ok: false, why: `it comes from ${ref}, a data source read only at apply time` };
      return KNOWN;
    }
    const sub = splitResourceRef(ref);
    if (sub === undefined) return { ok: false, why: `it comes from ${ref}, which vpcwhy cannot follow` };
    const base = prefixed(scope, sub.resource);
    let address = `${base}${sub.key}`;
    if (sub.key === '') {
      const instances = this.instancesOf.get(base) ?? [];
      if (instances.length > 1 || (instances.length === 1 && instances[0]!.address !== base)) {
        return { ok: false, why: `it comes from ${ref}, and ${base} has ${instances.length} instances: which one is not in the plan's configuration` };
      }
      address = base;
    }
    const res = this.byAddress.get(address);
    if (res === undefined) return { ok: false, why: `it comes from ${ref}, which is not in the plan` };
    if (sub.rest === '') return { ok: false, why: `it comes from the whole of ${address}` };
    if (!attributeUnknown(res, sub.rest) && res.after !== null) return KNOWN;
    return { ok: true, sources: [{ address, attribute: sub.rest }], known: 0 };
  }

  private followAll(scope: Scope, expression: unknown, depth: number): Followed {
    const refs: string[] = [];
    referencesIn(expression, refs);
    const sources: RefSource[] = [];
    let known = isExpression(expression) && getField(expression, 'constant_value') !== undefined ? 1 : 0;
    for (const ref of maximal(refs)) {
      const r = this.follow(scope, ref, depth + 1);
      if (!r.ok) return r;
      sources.push(...r.sources);
      known += r.known;
    }
    return { ok: true, sources: dedupeSources(sources), known };
  }
}

function dedupeSources(list: readonly RefSource[]): RefSource[] {
  const seen = new Set<string>();
  return list.filter((s) => {
    const k = `${s.address}\u0000${s.attribute}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
