/**
 * CloudFormation templates for tests: written as plain objects with long-form intrinsics, rendered as JSON
 * or as YAML with the short forms (`!Ref X`, `!GetAtt A.B`, `!Select [...]`), the way people write them.
 */
import { parseTemplateText, type CfnTemplate } from '../../src/iac/cfn-template.js';
import { E } from '../../src/fp.js';

type Json = unknown;

const isPlainObject = (v: Json): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);

function intrinsicOf(v: Json): [string, Json] | undefined {
  if (!isPlainObject(v)) return undefined;
  const keys = Object.keys(v);
  if (keys.length !== 1) return undefined;
  const k = keys[0]!;
  if (k === 'Ref' || k === 'Condition') return [k, v[k]];
  if (k.startsWith('Fn::')) return [k.slice(4), v[k]];
  return undefined;
}

/** Flow-style YAML (JSON-like) with short-form tags. */
function flow(v: Json): string {
  const fn = intrinsicOf(v);
  // A short form cannot take another short form as its node (YAML allows one tag per node): the long form then.
  if (fn !== undefined && intrinsicOf(fn[1]) === undefined) {
    const [name, arg] = fn;
    if (name === 'GetAtt' && Array.isArray(arg) && arg.length === 2 && arg.every((x) => typeof x === 'string')) return `!GetAtt ${arg[0]}.${arg[1]}`;
    if (typeof arg === 'string' && /^[A-Za-z0-9:_.-]+$/.test(arg)) return `!${name} ${arg}`;
    return `!${name} ${flow(arg)}`;
  }
  if (Array.isArray(v)) return `[${v.map(flow).join(', ')}]`;
  if (isPlainObject(v)) return `{${Object.entries(v).map(([k, x]) => `${JSON.stringify(k)}: ${flow(x)}`).join(', ')}}`;
  return JSON.stringify(v);
}

const key = (k: string): string => (/^[A-Za-z][A-Za-z0-9_:.-]*$/.test(k) ? k : JSON.stringify(k));

function block(v: Json, indent: string): string {
  if (isPlainObject(v) && intrinsicOf(v) === undefined) {
    const entries = Object.entries(v);
    if (entries.length === 0) return `${indent}{}`;
    return entries.map(([k, x]) => {
      const nested = (isPlainObject(x) && intrinsicOf(x) === undefined && Object.keys(x).length > 0) || (Array.isArray(x) && x.length > 0);
      return nested ? `${indent}${key(k)}:\n${block(x, `${indent}  `)}` : `${indent}${key(k)}: ${flow(x)}`;
    }).join('\n');
  }
  if (Array.isArray(v)) {
    return v.map((x) => (isPlainObject(x) && intrinsicOf(x) === undefined && Object.keys(x).length > 0 ? `${indent}- ${block(x, `${indent}  `).trimStart()}` : `${indent}- ${flow(x)}`)).join('\n');
  }
  return `${indent}${flow(v)}`;
}

export function toYaml(template: Json): string {
  return `${block(template, '')}\n`;
}

export function toJson(template: Json): string {
  return `${JSON.stringify(template, null, 2)}\n`;
}

export const ref = (name: string): Json => ({ Ref: name });
export const getAtt = (id: string, attr: string): Json => ({ 'Fn::GetAtt': [id, attr] });

/** Parses a rendered template, failing the test on problems. */
export function parsed(file: string, text: string): CfnTemplate {
  const t = parseTemplateText(file, text);
  if (E.isLeft(t)) throw new Error(JSON.stringify(t.left.problems));
  return t.right;
}
