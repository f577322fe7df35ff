/**
 * The baseline file of `vpcwhy audit --baseline FILE` / `--write-baseline FILE`: the findings of a run by
 * identity (rule, resource, entry; see findingIdentity), so a later run reports only new ones.
 *
 * Written (renderBaseline): `{"version": 1, "tool": "vpcwhy", "findings": [{rule, resource, entry?, facts?, count?}]}`,
 * sorted by identity, one object per identity and facts hash (`count` when it is more than 1; `facts` tells
 * apart findings of one identity, see suppress.ts), two-space indented: stable
 * under reordering of the snapshot, reviewable in a diff. Read (parseBaseline): that, or the output of
 * `vpcwhy audit --format json` (`{findings, summary}`, whose findings the config suppressed are left out:
 * the config keeps suppressing them, and reports them again when it expires). Problems name the JSON path.
 */
import { DecodeContext, type JsonObject, type Problem, describeValue, getField, isObject, joinPath, requireString } from '../aws/decode/common.js';
import { E } from '../fp.js';
import type { Either } from '../fp.js';
import type { Finding, FindingEntry } from './rule-api.js';
import { type Baseline, type BaselineEntry, factsHash, findingIdentity } from './suppress.js';

export const BASELINE_VERSION = 1;

export interface BaselineLoadError {
  readonly _tag: 'BaselineLoadError';
  readonly problems: readonly Problem[];
}

export function formatBaselineLoadError(e: BaselineLoadError): string {
  const line = (p: Problem): string => `${p.file}: ${p.path === '' ? '' : `${p.path}: `}${p.message}`;
  if (e.problems.length === 1) return `--baseline: ${line(e.problems[0]!)}`;
  const shown = e.problems.slice(0, 20);
  return [
    `--baseline: cannot read ${e.problems[0]!.file}: ${e.problems.length} problems`,
    ...shown.map((p) => `  ${line(p)}`),
    ...(e.problems.length > shown.length ? [`  ... and ${e.problems.length - shown.length} more`] : []),
  ].join('\n');
}

function direction(ctx: DecodeContext, obj: JsonObject, path: string): 'inbound' | 'outbound' | undefined {
  const v = getField(obj, 'direction');
  if (v === 'inbound' || v === 'outbound') return v;
  ctx.error(joinPath(path, 'direction'), `expected "inbound" or "outbound", got ${describeValue(v)}`);
  return undefined;
}

function integer(ctx: DecodeContext, obj: JsonObject, key: string, path: string): number | undefined {
  const v = getField(obj, key);
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return v;
  ctx.error(joinPath(path, key), `expected a whole number, got ${describeValue(v)}`);
  return undefined;
}

function readEntry(ctx: DecodeContext, v: unknown, path: string): FindingEntry | undefined {
  if (!isObject(v)) {
    ctx.error(path, `expected an entry object, got ${describeValue(v)}`);
    return undefined;
  }
  const kind = getField(v, 'kind');
  if (kind === 'nacl-entry') {
    const aclId = requireString(ctx, v, 'aclId', path);
    const dir = direction(ctx, v, path);
    const ruleNumber = integer(ctx, v, 'ruleNumber', path);
    return aclId === undefined || dir === undefined || ruleNumber === undefined ? undefined : { kind, aclId, direction: dir, ruleNumber };
  }
  if (kind === 'sg-rule') {
    const groupId = requireString(ctx, v, 'groupId', path);
    const dir = direction(ctx, v, path);
    const index = integer(ctx, v, 'index', path);
    const ruleId = getField(v, 'ruleId');
    if (ruleId !== undefined && typeof ruleId !== 'string') ctx.error(joinPath(path, 'ruleId'), `expected a string, got ${describeValue(ruleId)}`);
    if (groupId === undefined || dir === undefined || index === undefined) return undefined;
    return { kind, groupId, direction: dir, ...(typeof ruleId === 'string' ? { ruleId } : {}), index };
  }
  if (kind === 'route') {
    const routeTableId = requireString(ctx, v, 'routeTableId', path);
    const destination = requireString(ctx, v, 'destination', path);
    const target = requireString(ctx, v, 'target', path);
    return routeTableId === undefined || destination === undefined || target === undefined ? undefined : { kind, routeTableId, destination, target };
  }
  ctx.error(joinPath(path, 'kind'), `expected "nacl-entry", "sg-rule" or "route", got ${describeValue(kind)}`);
  return undefined;
}

const FACTS = /^[0-9a-f]{16}$/;

function readFinding(ctx: DecodeContext, v: unknown, path: string, isBaseline: boolean): BaselineEntry | undefined {
  if (!isObject(v)) {
    ctx.error(path, `expected a finding object, got ${describeValue(v)}`);
    return undefined;
  }
  const rule = requireString(ctx, v, 'rule', path);
  const resource = requireString(ctx, v, 'resource', path);
  const rawEntry = getField(v, 'entry');
  const entry = rawEntry === undefined ? undefined : readEntry(ctx, rawEntry, joinPath(path, 'entry'));
  // A baseline names the facts hash; an audit output has the details themselves, spread into the finding.
  let facts: string | undefined;
  if (isBaseline) {
    const h = getField(v, 'facts');
    if (typeof h === 'string' && FACTS.test(h)) facts = h;
    else if (h !== undefined) ctx.error(joinPath(path, 'facts'), `expected 16 hex digits (written by --write-baseline), got ${describeValue(h)}`);
  } else facts = factsHash(v);
  let count = 1;
  if (isBaseline && getField(v, 'count') !== undefined) {
    const n = getField(v, 'count');
    if (typeof n === 'number' && Number.isInteger(n) && n >= 1) count = n;
    else ctx.error(joinPath(path, 'count'), `expected a whole number of at least 1, got ${describeValue(n)}`);
  }
  if (rule === undefined || resource === undefined || (rawEntry !== undefined && entry === undefined)) return undefined;
  return { rule, resource, ...(entry !== undefined ? { entry } : {}), ...(facts !== undefined ? { facts } : {}), count };
}

/** Reads a baseline (or an `audit --format json` output) from its text. */
export function parseBaseline(text: string, file: string): Either<BaselineLoadError, Baseline> {
  const ctx = new DecodeContext(file);
  const fail = (): Either<BaselineLoadError, Baseline> => E.left({ _tag: 'BaselineLoadError', problems: ctx.problems });
  let doc: unknown;
  try {
    doc = JSON.parse(text) as unknown;
  } catch (e) {
    ctx.error('', `not valid JSON (${e instanceof Error ? e.message : String(e)})`);
    return fail();
  }
  const what = 'the output of `vpcwhy audit --format json` or of `vpcwhy audit --write-baseline`';
  if (!isObject(doc) || !Array.isArray(getField(doc, 'findings'))) {
    ctx.error(isObject(doc) ? 'findings' : '', `expected ${what}: an object with a findings array, got ${isObject(doc) ? describeValue(getField(doc, 'findings')) : describeValue(doc)}`);
    return fail();
  }
  const version = getField(doc, 'version');
  const isBaseline = version !== undefined;
  if (isBaseline && version !== BASELINE_VERSION) {
    ctx.error('version', `expected baseline version ${BASELINE_VERSION} (this vpcwhy writes and reads ${BASELINE_VERSION}), got ${describeValue(version)}`);
    return fail();
  }
  if (!isBaseline && !isObject(getField(doc, 'summary'))) {
    ctx.error('', `expected ${what}: a baseline has "version": ${BASELINE_VERSION}, an audit output has a summary object`);
    return fail();
  }
  const entries: BaselineEntry[] = [];
  (getField(doc, 'findings') as unknown[]).forEach((f, i) => {
    const path = joinPath('findings', i);
    if (!isBaseline && isObject(f)) {
      const s = getField(f, 'suppressed');
      if (isObject(s) && getField(s, 'kind') === 'config') return;
    }
    const e = readFinding(ctx, f, path, isBaseline);
    if (e !== undefined) entries.push(e);
  });
  return ctx.problems.length > 0 ? fail() : E.right({ file, entries });
}

/** The findings a baseline written now holds: every finding but those the config suppresses. */
export function baselineEntriesOf(findings: readonly Finding[]): BaselineEntry[] {
  const byKey = new Map<string, { entry: BaselineEntry; count: number }>();
  for (const f of findings) {
    if (f.suppressed?.kind === 'config') continue;
    const facts = factsHash(f.details);
    const key = `${findingIdentity(f)}${facts ?? ''}`;
    const entry: BaselineEntry = { rule: f.rule, resource: f.resource, ...(f.entry !== undefined ? { entry: f.entry } : {}), ...(facts !== undefined ? { facts } : {}), count: 1 };
    const had = byKey.get(key);
    if (had === undefined) byKey.set(key, { entry, count: 1 });
    else {
      had.count++;
      // Findings of one identity may differ in what identity leaves out (a rule's position beside its sgr- id,
      // a route's target): the smallest entry is written, so the file does not depend on the findings' order.
      if (JSON.stringify(entry.entry) < JSON.stringify(had.entry.entry)) had.entry = entry;
    }
  }
  return [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, v]) => ({ ...v.entry, count: v.count }));
}

/** The baseline file's text for these findings. */
export function renderBaseline(findings: readonly Finding[]): string {
  const out = baselineEntriesOf(findings).map(({ count, ...rest }) => ({ ...rest, ...(count > 1 ? { count } : {}) }));
  return `${JSON.stringify({ version: BASELINE_VERSION, tool: 'vpcwhy', findings: out }, null, 2)}\n`;
}
