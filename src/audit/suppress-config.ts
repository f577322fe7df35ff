/**
 * The edge to `.vpcwhy.yaml` (or `--config FILE`): YAML text checked and read into a SuppressionConfig.
 * Every problem names the file, the line and the path in the document and says what was expected; unknown
 * keys are problems (a misspelt `expire:` would otherwise silently suppress forever). All problems are
 * reported, not just the first.
 *
 *   suppressions:
 *     - rule: sg-redundant-rule          # rule id, globs (* and ?) allowed
 *       resource: sg-0web*                 # resource id, Terraform address or CloudFormation logical id, globs
 *       entry: { direction: inbound, ruleNumber: 100 }   # optional: fields of the finding's entry
 *       reason: "legacy, ticket NET-12"    # required
 *       expires: 2027-01-31                # optional; from the next day the finding reports again
 */
import { LineCounter, type Node, type Pair, isMap, isScalar, isSeq, parseDocument } from 'yaml';
import { E } from '../fp.js';
import type { Either } from '../fp.js';
import { ENTRY_PATTERN_FIELDS, type EntryPattern, type EntryPatternField, type Suppression, type SuppressionConfig } from './suppress.js';

export interface ConfigProblem {
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  /** Where in the document (`suppressions[1].reason`), '' for the document itself. */
  readonly path: string;
  readonly message: string;
}

export interface ConfigLoadError {
  readonly _tag: 'ConfigLoadError';
  readonly problems: readonly ConfigProblem[];
}

export function formatConfigLoadError(e: ConfigLoadError): string {
  const line = (p: ConfigProblem): string => `${p.file}:${p.line}: ${p.path === '' ? '' : `${p.path}: `}${p.message}`;
  if (e.problems.length === 1) return line(e.problems[0]!);
  return [`cannot read the vpcwhy config: ${e.problems.length} problems`, ...e.problems.map((p) => `  ${line(p)}`)].join('\n');
}

const TOP_KEYS = ['suppressions'] as const;
const SUPPRESSION_KEYS = ['rule', 'resource', 'entry', 'reason', 'expires'] as const;
const ENTRY_KINDS = ['nacl-entry', 'sg-rule', 'route'];
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

class Reader {
  readonly problems: ConfigProblem[] = [];
  constructor(
    readonly file: string,
    private readonly lines: LineCounter,
  ) {}

  lineOf(node: { range?: readonly [number, number, number] | null | undefined } | null | undefined, fallback = 1): number {
    const at = node?.range?.[0];
    return at === undefined ? fallback : this.lines.linePos(at).line;
  }

  error(node: Parameters<Reader['lineOf']>[0], path: string, message: string, fallback?: number): void {
    this.problems.push({ file: this.file, line: this.lineOf(node, fallback), path, message });
  }

  /** The pairs of a mapping with string keys; unknown keys and non-string keys are problems. */
  pairs(node: Node, path: string, known: readonly string[]): Map<string, Pair<unknown, unknown>> {
    const out = new Map<string, Pair<unknown, unknown>>();
    if (!isMap(node)) return out;
    for (const pair of node.items) {
      const key = pair.key;
      const name = isScalar(key) ? key.value : undefined;
      if (typeof name !== 'string') {
        this.error(key as Node, path, `expected a key that is a string, got ${describe(key)}`, this.lineOf(node));
        continue;
      }
      if (!known.includes(name)) {
        this.error(key as Node, path, `unknown key "${name}" (expected ${known.join(', ')})`);
        continue;
      }
      out.set(name, pair);
    }
    return out;
  }
}

function describe(node: unknown): string {
  if (node === null || node === undefined) return 'nothing';
  if (isMap(node)) return 'a mapping';
  if (isSeq(node)) return 'a list';
  if (isScalar(node)) {
    const v = node.value;
    if (v === null) return 'null';
    if (typeof v === 'string') return JSON.stringify(v.length > 60 ? `${v.slice(0, 57)}...` : v);
    if (v instanceof Date) return `the date ${v.toISOString().slice(0, 10)}`;
    return `${typeof v} ${String(v)}`;
  }
  return 'an alias or unsupported node';
}

function validDate(text: string): boolean {
  const m = DATE.exec(text);
  if (m === null) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === text;
}

function stringField(r: Reader, pairs: Map<string, Pair<unknown, unknown>>, key: string, path: string, itemNode: Node, what: string, required: boolean): string | undefined {
  const pair = pairs.get(key);
  if (pair === undefined) {
    if (required) r.error(itemNode, path, `${key}: expected ${what}, but the key is missing`);
    return undefined;
  }
  const v = pair.value;
  if (isScalar(v) && typeof v.value === 'string' && v.value.trim() !== '') return v.value;
  r.error((v ?? pair.key) as Node, `${path}.${key}`, `expected ${what}, got ${describe(v)}`);
  return undefined;
}

function readEntry(r: Reader, node: unknown, path: string): EntryPattern | undefined {
  if (!isMap(node)) {
    r.error(node as Node, path, `expected a mapping of entry fields (${Object.keys(ENTRY_PATTERN_FIELDS).join(', ')}), got ${describe(node)}`);
    return undefined;
  }
  const before = r.problems.length;
  const pairs = r.pairs(node, path, Object.keys(ENTRY_PATTERN_FIELDS));
  const out: Partial<Record<EntryPatternField, string | number>> = {};
  for (const [key, pair] of pairs) {
    const field = key as EntryPatternField;
    const v = pair.value;
    const value = isScalar(v) ? v.value : undefined;
    const at = `${path}.${key}`;
    if (ENTRY_PATTERN_FIELDS[field] === 'integer') {
      if (typeof value === 'number' && Number.isInteger(value) && value >= 0) out[field] = value;
      else r.error(v as Node, at, `expected a whole number, got ${describe(v)}`);
    } else if (typeof value !== 'string' || value === '') {
      r.error(v as Node, at, `expected a string, got ${describe(v)}`);
    } else if (field === 'direction' && value !== 'inbound' && value !== 'outbound') {
      r.error(v as Node, at, `expected inbound or outbound, got "${value}"`);
    } else if (field === 'kind' && !ENTRY_KINDS.includes(value)) {
      r.error(v as Node, at, `expected ${ENTRY_KINDS.join(', ')}, got "${value}"`);
    } else out[field] = value;
  }
  if (pairs.size === 0 && r.problems.length === before) r.error(node, path, 'expected at least one entry field');
  return out;
}

function readSuppression(r: Reader, node: unknown, path: string): Suppression | undefined {
  if (!isMap(node)) {
    r.error(node as Node, path, `expected a mapping with rule, resource and reason, got ${describe(node)}`);
    return undefined;
  }
  const before = r.problems.length;
  const pairs = r.pairs(node, path, SUPPRESSION_KEYS);
  const rule = stringField(r, pairs, 'rule', path, node, 'a rule id (globs * and ? allowed)', true);
  const resource = stringField(r, pairs, 'resource', path, node, 'a resource id, Terraform address or CloudFormation logical id (globs allowed; "*" for every resource)', true);
  const reason = stringField(r, pairs, 'reason', path, node, 'a reason (why the finding is accepted), a non-empty string', true);
  const entryPair = pairs.get('entry');
  const entry = entryPair === undefined ? undefined : readEntry(r, entryPair.value, `${path}.entry`);
  let expires: string | undefined;
  const exp = pairs.get('expires');
  if (exp !== undefined) {
    const v = exp.value;
    const value = isScalar(v) ? (v.value instanceof Date ? v.value.toISOString().slice(0, 10) : v.value) : undefined;
    if (typeof value === 'string' && validDate(value)) expires = value;
    else r.error((v ?? exp.key) as Node, `${path}.expires`, `expected a date YYYY-MM-DD (the last day the suppression holds), got ${describe(v)}`);
  }
  if (r.problems.length > before || rule === undefined || resource === undefined || reason === undefined) return undefined;
  return { rule, resource, reason, line: r.lineOf(node), ...(entry !== undefined ? { entry } : {}), ...(expires !== undefined ? { expires } : {}) };
}

/** Reads the text of a config file (`file` names it in problems). An empty file suppresses nothing. */
export function parseSuppressionConfig(text: string, file: string): Either<ConfigLoadError, SuppressionConfig> {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const r = new Reader(file, lines);
  if (doc.errors.length > 0) {
    for (const e of doc.errors) r.problems.push({ file, line: lines.linePos(e.pos[0]).line, path: '', message: `not valid YAML: ${e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}` });
    return E.left({ _tag: 'ConfigLoadError', problems: r.problems });
  }
  const root = doc.contents;
  const suppressions: Suppression[] = [];
  if (root !== null && !(isScalar(root) && root.value === null)) {
    if (!isMap(root)) {
      r.error(root, '', `expected a mapping with the key suppressions, got ${describe(root)}`);
    } else {
      const list = r.pairs(root, '', TOP_KEYS).get('suppressions')?.value;
      if (isSeq(list)) {
        list.items.forEach((item, i) => {
          const s = readSuppression(r, item, `suppressions[${i}]`);
          if (s !== undefined) suppressions.push(s);
        });
      } else if (list !== undefined && list !== null && !(isScalar(list) && list.value === null)) {
        r.error(list as Node, 'suppressions', `expected a list of suppressions (- rule: ..., resource: ..., reason: ...), got ${describe(list)}`);
      }
    }
  }
  // In the order of the file (stable: problems of one line keep the order they were found in).
  return r.problems.length > 0 ? E.left({ _tag: 'ConfigLoadError', problems: [...r.problems].sort((a, b) => a.line - b.line) }) : E.right({ file, suppressions });
}
