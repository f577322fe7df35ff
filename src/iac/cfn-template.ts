/**
 * The edge to CloudFormation: the text of a template (JSON, or YAML with its short-form intrinsics) read
 * into plain values with the long forms (`!Ref X` → `{Ref: X}`, `!GetAtt A.B` → `{"Fn::GetAtt": ["A", "B"]}`),
 * its top-level shape checked, and the line of every JSON path kept for messages, findings and SARIF.
 * Nothing here knows AWS resources; src/iac/cloudformation.ts maps them to the model.
 *
 * Paths are the JSON paths of src/aws/decode/common.ts joinPath (`Resources.WebSG.Properties.SecurityGroupIngress[0]`),
 * which are also real JSON paths of a JSON template, so src/report/json-position.ts finds them there.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node as YamlNode } from 'yaml';
import { E } from '../fp.js';
import type { Either } from '../fp.js';
import { type JsonObject, type Problem, describeValue, getField, isObject, joinPath } from '../aws/decode/common.js';
import { parseJsonText } from '../aws/decode/json-text.js';
import { jsonPathSegments, jsonPositionFinder, positionOfOffset, type TextPosition } from '../report/json-position.js';

export interface CfnTemplate {
  readonly file: string;
  readonly format: 'json' | 'yaml';
  /** The template with intrinsic functions in their long (JSON) form. */
  readonly body: JsonObject;
  readonly resources: ReadonlyMap<string, CfnResource>;
  /** The 1-based line of a JSON path in the file, or of its nearest ancestor that is there; null when unknown. */
  line(path: string): number | null;
}

export interface CfnResource {
  readonly logicalId: string;
  readonly type: string;
  /** The unresolved Properties (an empty object when absent). */
  readonly properties: JsonObject;
  readonly condition?: string;
  readonly metadata?: JsonObject;
  /** `Resources.<logicalId>` */
  readonly path: string;
}

export interface CfnProblem extends Problem {
  /** 1-based line of the problem in the file, when known. */
  readonly line?: number;
}

export interface CfnLoadError {
  readonly _tag: 'CfnLoadError';
  readonly problems: readonly CfnProblem[];
}

export function cfnLoadError(problems: readonly CfnProblem[]): CfnLoadError {
  return { _tag: 'CfnLoadError', problems };
}

export function formatCfnLoadError(e: CfnLoadError): string {
  const n = e.problems.length;
  const head = `cannot read the CloudFormation template: ${n} problem${n === 1 ? '' : 's'}`;
  const where = (p: CfnProblem): string => `${p.file}${p.line !== undefined ? `:${p.line}` : ''}${p.path === '' ? '' : `: ${p.path}`}`;
  return [head, ...e.problems.map((p) => `  ${where(p)}: ${p.message}`)].join('\n');
}

/** Short-form tags and their long forms. `!Ref` and `!Condition` keep their names; the rest are `Fn::<name>`. */
const FN_TAGS = [
  'And', 'Base64', 'Cidr', 'Equals', 'FindInMap', 'GetAtt', 'GetAZs', 'If', 'ImportValue', 'Join', 'Length', 'Not', 'Or',
  'Select', 'Split', 'Sub', 'ToJsonString', 'Transform',
] as const;

function longForm(tag: string): string | undefined {
  const name = tag.replace(/^!/, '');
  if (name === 'Ref' || name === 'Condition') return name;
  return (FN_TAGS as readonly string[]).includes(name) ? `Fn::${name}` : undefined;
}

interface YamlRead {
  readonly value: unknown;
  /** Offsets of paths: the key of a mapping member, the node of a sequence item. */
  readonly offsets: Map<string, number>;
  readonly problems: { offset: number; message: string }[];
}

/**
 * YAML → plain value with long-form intrinsics. Tags other than CloudFormation's (and YAML's own `!!`) are
 * problems; anchors and aliases are followed.
 */
function readYaml(doc: Document.Parsed): YamlRead {
  const offsets = new Map<string, number>();
  const problems: { offset: number; message: string }[] = [];
  const seen = new Set<unknown>();
  const walk = (node: unknown, path: string, depth: number): unknown => {
    if (depth > 200) {
      problems.push({ offset: 0, message: 'nested more than 200 deep' });
      return null;
    }
    if (isAlias(node)) {
      if (seen.has(node)) {
        problems.push({ offset: node.range?.[0] ?? 0, message: 'an alias that refers to itself' });
        return null;
      }
      seen.add(node);
      const target = node.resolve(doc);
      const v = walk(target, path, depth + 1);
      seen.delete(node);
      return v;
    }
    let value: unknown;
    const n = node as YamlNode | null;
    if (isMap(n)) {
      const out: Record<string, unknown> = {};
      for (const item of n.items) {
        if (!isPair(item)) continue;
        const keyNode = item.key;
        const key = isScalar(keyNode) ? keyNode.value : keyNode;
        if (typeof key !== 'string' && typeof key !== 'number' && typeof key !== 'boolean') {
          problems.push({ offset: (keyNode as YamlNode | null)?.range?.[0] ?? n.range?.[0] ?? 0, message: `${path === '' ? 'the template' : path}: expected a plain key, got ${describeValue(key)}` });
          continue;
        }
        const k = String(key);
        const p = joinPath(path, k);
        offsets.set(p, (keyNode as YamlNode | null)?.range?.[0] ?? n.range?.[0] ?? 0);
        out[k] = walk(item.value, p, depth + 1);
      }
      value = out;
    } else if (isSeq(n)) {
      value = n.items.map((item, i) => {
        const p = joinPath(path, i);
        offsets.set(p, (item as YamlNode | null)?.range?.[0] ?? n.range?.[0] ?? 0);
        return walk(item, p, depth + 1);
      });
    } else if (isScalar(n)) {
      value = n.value;
    } else value = null;
    const tag = n?.tag;
    if (tag !== undefined && tag.startsWith('!') && !tag.startsWith('!!')) {
      const fn = longForm(tag);
      if (fn === undefined) {
        problems.push({ offset: n?.range?.[0] ?? 0, message: `${path === '' ? 'the template' : path}: unknown tag ${tag}; expected a CloudFormation intrinsic function (!Ref, !GetAtt, !Sub, !Join, !Select, !If, ...)` });
        return null;
      }
      // `!GetAtt A.B` is a string in short form: the long form is a list.
      if (fn === 'Fn::GetAtt' && typeof value === 'string') {
        const dot = value.indexOf('.');
        value = dot > 0 ? [value.slice(0, dot), value.slice(dot + 1)] : value;
      }
      return { [fn]: value };
    }
    return value;
  };
  const value = walk(doc.contents, '', 0);
  return { value, offsets, problems };
}

function yamlLocator(text: string, offsets: ReadonlyMap<string, number>): (path: string) => number | null {
  return (path) => {
    for (let p: string | null = path; p !== null; p = parentPath(p)) {
      const o = offsets.get(p);
      if (o !== undefined) return positionOfOffset(text, o).line;
    }
    return null;
  };
}

/** The path one step up (`A.B[2]` → `A.B`, `A` → ''), null above the root. */
export function parentPath(path: string): string | null {
  if (path === '') return null;
  const segs = jsonPathSegments(path);
  if (segs === null || segs.length === 0) return '';
  let out = '';
  for (const s of segs.slice(0, -1)) out = joinPath(out, s);
  return out;
}

/** Finds where JSON paths are in a YAML template (for SARIF regions): the key or item, else the nearest ancestor. */
export function yamlPositionFinder(text: string): (path: string) => TextPosition | null {
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: false });
  const read = readYaml(doc);
  return (path) => {
    for (let p: string | null = path; p !== null; p = parentPath(p)) {
      const o = read.offsets.get(p);
      if (o !== undefined) return positionOfOffset(text, o);
    }
    return null;
  };
}

/** Finds where JSON paths are in a JSON template, falling back to the nearest ancestor. */
export function jsonTemplatePositionFinder(text: string): (path: string) => TextPosition | null {
  const find = jsonPositionFinder(text);
  return (path) => {
    for (let p: string | null = path; p !== null; p = parentPath(p)) {
      const pos = find(p);
      if (pos !== null) return pos;
    }
    return null;
  };
}

function looksLikeJson(file: string, text: string): boolean {
  if (/\.json$/i.test(file)) return true;
  if (/\.ya?ml$/i.test(file)) return false;
  return /^\s*\{/.test(text);
}

/** Parses and checks the text of a template. Pure and total. */
export function parseTemplateText(file: string, text: string): Either<CfnLoadError, CfnTemplate> {
  if (text.trim() === '') return E.left(cfnLoadError([{ file, path: '', message: 'empty file; expected a CloudFormation template (JSON or YAML)' }]));
  let value: unknown;
  let line: (path: string) => number | null;
  let format: 'json' | 'yaml';
  if (looksLikeJson(file, text)) {
    format = 'json';
    const parsed = parseJsonText(text);
    if (E.isLeft(parsed)) {
      const { line: l, column, message } = parsed.left;
      return E.left(cfnLoadError([{ file, path: '', line: l, message: `invalid JSON at line ${l}, column ${column}: ${message}` }]));
    }
    value = parsed.right;
    const finder = jsonTemplatePositionFinder(text);
    line = (p) => finder(p)?.line ?? null;
  } else {
    format = 'yaml';
    const lc = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
    if (doc.errors.length > 0) {
      return E.left(cfnLoadError(doc.errors.slice(0, 10).map((err) => {
        const l = lc.linePos(err.pos[0]).line;
        return { file, path: '', line: l, message: `invalid YAML at line ${l}: ${err.message.split('\n')[0]}` };
      })));
    }
    const read = readYaml(doc);
    if (read.problems.length > 0) {
      return E.left(cfnLoadError(read.problems.map((p) => ({ file, path: '', line: lc.linePos(p.offset).line, message: p.message }))));
    }
    value = read.value;
    line = yamlLocator(text, read.offsets);
  }
  return checkTemplate(file, format, value, line);
}

function checkTemplate(file: string, format: 'json' | 'yaml', value: unknown, line: (path: string) => number | null): Either<CfnLoadError, CfnTemplate> {
  const problems: CfnProblem[] = [];
  const problem = (path: string, message: string): void => {
    const l = line(path);
    problems.push({ file, path, message, ...(l !== null ? { line: l } : {}) });
  };
  if (!isObject(value)) {
    problem('', `expected a CloudFormation template (an object with Resources), got ${describeValue(value)}`);
    return E.left(cfnLoadError(problems));
  }
  const rs = getField(value, 'Resources');
  if (rs === undefined) {
    const hint = 'format_version' in value ? ' (this looks like a Terraform plan: give it with --plan)' : '';
    problem('', `expected a CloudFormation template, but it has no Resources${hint}`);
    return E.left(cfnLoadError(problems));
  }
  if (!isObject(rs)) {
    problem('Resources', `expected an object of resources by logical id, got ${describeValue(rs)}`);
    return E.left(cfnLoadError(problems));
  }
  for (const section of ['Parameters', 'Mappings', 'Conditions', 'Outputs']) {
    const s = getField(value, section);
    if (s !== undefined && !isObject(s)) problem(section, `expected an object, got ${describeValue(s)}`);
  }
  const resources = new Map<string, CfnResource>();
  for (const [logicalId, r] of Object.entries(rs)) {
    const path = joinPath('Resources', logicalId);
    // `Fn::ForEach::Name` (AWS::LanguageExtensions) is expanded by the transform, which is warned about.
    if (logicalId.startsWith('Fn::ForEach::') && getField(value, 'Transform') !== undefined) continue;
    if (!/^[A-Za-z0-9]+$/.test(logicalId)) problem(path, 'a logical id must be alphanumeric (A-Za-z0-9)');
    if (!isObject(r)) {
      problem(path, `expected a resource (an object with Type and Properties), got ${describeValue(r)}`);
      continue;
    }
    const type = getField(r, 'Type');
    if (typeof type !== 'string' || type === '') {
      problem(joinPath(path, 'Type'), type === undefined ? 'expected the resource type (e.g. "AWS::EC2::SecurityGroup"), but the field is missing' : `expected a resource type string, got ${describeValue(type)}`);
      continue;
    }
    const props = getField(r, 'Properties');
    if (props !== undefined && !isObject(props)) {
      problem(joinPath(path, 'Properties'), `expected an object of properties, got ${describeValue(props)}`);
      continue;
    }
    const condition = getField(r, 'Condition');
    if (condition !== undefined && typeof condition !== 'string') problem(joinPath(path, 'Condition'), `expected the name of a condition, got ${describeValue(condition)}`);
    const metadata = getField(r, 'Metadata');
    resources.set(logicalId, {
      logicalId,
      type,
      properties: isObject(props) ? props : {},
      ...(typeof condition === 'string' ? { condition } : {}),
      ...(isObject(metadata) ? { metadata } : {}),
      path,
    });
  }
  if (problems.length > 0) return E.left(cfnLoadError(problems));
  return E.right({ file, format, body: value, resources, line });
}
