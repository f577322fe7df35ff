/**
 * Shared machinery of the describe-* decoders: a context that collects every problem and warning of a file
 * (decoders never stop at the first error and never throw), JSON path building, and field readers that
 * name the path and what was expected (`NetworkAcls[2].Entries[5].RuleNumber: expected an integer, got "abc"`).
 *
 * Decoders are written as `read*(ctx, value, path)` functions over this context; `toDecoder` turns one into
 * the public `decode*(value, file) => Either<problems, {value, warnings}>` form.
 */
import { E } from '../../fp.js';
import type { Either } from '../../fp.js';
import type { SourceRef, Warning } from '../../model/warning.js';

/** One thing wrong with the input: which file, where in it (a JSON path, '' for the whole file), and what. */
export interface Problem {
  readonly file: string;
  readonly path: string;
  readonly message: string;
}

export interface Decoded<T> {
  readonly value: T;
  readonly warnings: readonly Warning[];
}

/** Left: every problem found (never just the first). Right: the model values and the warnings. */
export type DecodeResult<T> = Either<readonly Problem[], Decoded<T>>;

export type JsonObject = { readonly [key: string]: unknown };

export class DecodeContext {
  constructor(
    readonly file: string,
    /** The AWS region the file belongs to, when its directory or snapshot section names one. */
    readonly region?: string,
    readonly problems: Problem[] = [],
    readonly warnings: Warning[] = [],
  ) {}

  error(path: string, message: string): void {
    this.problems.push({ file: this.file, path, message });
  }

  warn(path: string, message: string): void {
    this.warnings.push({ source: this.source(path), message });
  }

  source(path: string): SourceRef {
    return { file: this.file, path };
  }

  /** A context for a section with another region (vpcwhy snapshot `Regions`), sharing the collectors. */
  withRegion(region: string | undefined): DecodeContext {
    return new DecodeContext(this.file, region, this.problems, this.warnings);
  }
}

/** Wraps a `read*` function into the public Either form. Never throws. */
export function toDecoder<T>(
  read: (ctx: DecodeContext, value: unknown, path: string) => T,
  defaultPath: string,
): (value: unknown, file: string, path?: string, region?: string) => DecodeResult<T> {
  return (value, file, path = defaultPath, region) => {
    const ctx = new DecodeContext(file, region);
    let result: T;
    try {
      result = read(ctx, value, path);
    } catch (e) {
      ctx.error(path, `internal decoder error: ${e instanceof Error ? e.message : String(e)}`);
      return E.left(ctx.problems);
    }
    return ctx.problems.length > 0 ? E.left(ctx.problems) : E.right({ value: result, warnings: ctx.warnings });
  };
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

/** `NetworkAcls` + 2 → `NetworkAcls[2]`; `NetworkAcls[2]` + `Entries` → `NetworkAcls[2].Entries`. */
export function joinPath(base: string, key: string | number): string {
  if (typeof key === 'number') return `${base}[${key}]`;
  const part = IDENTIFIER.test(key) ? key : JSON.stringify(key);
  if (base === '') return part;
  return IDENTIFIER.test(key) ? `${base}.${key}` : `${base}[${part}]`;
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** How a value looks, for "got ..." in messages. Total: handles anything, including bigints and cycles. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string': {
      const shown = value.length > 60 ? `${value.slice(0, 57)}...` : value;
      return JSON.stringify(shown);
    }
    case 'number':
    case 'boolean':
    case 'bigint':
      return String(value);
    case 'object':
      return Array.isArray(value) ? 'an array' : 'an object';
    default:
      return `a ${typeof value}`;
  }
}

/** An own property, with JSON null treated as absent (SDK dumps write null for unset fields). */
export function getField(obj: JsonObject, key: string): unknown {
  if (!Object.prototype.hasOwnProperty.call(obj, key)) return undefined;
  const v = obj[key];
  return v === null ? undefined : v;
}

export function hasField(obj: JsonObject, key: string): boolean {
  return getField(obj, key) !== undefined;
}

function expected(ctx: DecodeContext, path: string, what: string, got: unknown): undefined {
  if (got === undefined) ctx.error(path, `expected ${what}, but the field is missing`);
  else ctx.error(path, `expected ${what}, got ${describeValue(got)}`);
  return undefined;
}

export function requireString(ctx: DecodeContext, obj: JsonObject, key: string, path: string): string | undefined {
  const v = getField(obj, key);
  if (typeof v === 'string') return v;
  return expected(ctx, joinPath(path, key), 'a string', v);
}

export function optionalString(ctx: DecodeContext, obj: JsonObject, key: string, path: string): string | undefined {
  const v = getField(obj, key);
  if (v === undefined || typeof v === 'string') return v;
  return expected(ctx, joinPath(path, key), 'a string', v);
}

export function requireBoolean(ctx: DecodeContext, obj: JsonObject, key: string, path: string): boolean | undefined {
  const v = getField(obj, key);
  if (typeof v === 'boolean') return v;
  return expected(ctx, joinPath(path, key), 'true or false', v);
}

export function optionalBoolean(ctx: DecodeContext, obj: JsonObject, key: string, path: string): boolean | undefined {
  const v = getField(obj, key);
  if (v === undefined || typeof v === 'boolean') return v;
  return expected(ctx, joinPath(path, key), 'true or false', v);
}

function isInteger(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v);
}

export function requireInteger(ctx: DecodeContext, obj: JsonObject, key: string, path: string): number | undefined {
  const v = getField(obj, key);
  if (isInteger(v)) return v;
  return expected(ctx, joinPath(path, key), 'an integer', v);
}

export function optionalInteger(ctx: DecodeContext, obj: JsonObject, key: string, path: string): number | undefined {
  const v = getField(obj, key);
  if (v === undefined || isInteger(v)) return v;
  return expected(ctx, joinPath(path, key), 'an integer', v);
}

export function optionalObject(ctx: DecodeContext, obj: JsonObject, key: string, path: string): JsonObject | undefined {
  const v = getField(obj, key);
  if (v === undefined || isObject(v)) return v;
  return expected(ctx, joinPath(path, key), 'an object', v);
}

/** An optional array field; absent gives []. */
/** A list field written as JSON null (some SDK dumps do): read as empty, but said. */
function nullList(ctx: DecodeContext, obj: JsonObject, key: string, path: string): void {
  if (Object.prototype.hasOwnProperty.call(obj, key) && obj[key] === null) ctx.warn(joinPath(path, key), 'null where a list is expected; read as an empty list');
}

export function optionalArray(ctx: DecodeContext, obj: JsonObject, key: string, path: string): readonly unknown[] {
  const v = getField(obj, key);
  nullList(ctx, obj, key, path);
  if (v === undefined) return [];
  if (Array.isArray(v)) return v;
  expected(ctx, joinPath(path, key), 'an array', v);
  return [];
}

/**
 * The objects of an array with their paths. A non-array is an error (`expected an array`); so is an
 * element that is not an object (`expected an object (a security group), got 5`). Absent (undefined) gives nothing and no error.
 */
export function* objectElements(
  ctx: DecodeContext,
  value: unknown,
  path: string,
  what: string,
): Generator<readonly [JsonObject, string]> {
  // A generator, so problems are reported in document order, interleaved with the callers' own.
  if (value === undefined || value === null) return;
  if (!Array.isArray(value)) {
    ctx.error(path, `expected an array, got ${describeValue(value)}`);
    return;
  }
  for (let i = 0; i < value.length; i++) {
    const el: unknown = value[i];
    const p = joinPath(path, i);
    if (isObject(el)) yield [el, p];
    else ctx.error(p, `expected an object (${what}), got ${describeValue(el)}`);
  }
}

/** The objects of an optional array field. */
export function objectField(
  ctx: DecodeContext,
  obj: JsonObject,
  key: string,
  path: string,
  what: string,
): Generator<readonly [JsonObject, string]> {
  nullList(ctx, obj, key, path);
  return objectElements(ctx, getField(obj, key), joinPath(path, key), what);
}

/** The strings of an optional array field. Non-strings are errors. */
export function stringElements(ctx: DecodeContext, obj: JsonObject, key: string, path: string): Array<readonly [string, string]> {
  const out: Array<readonly [string, string]> = [];
  const arr = optionalArray(ctx, obj, key, path);
  const base = joinPath(path, key);
  arr.forEach((el, i) => {
    const p = joinPath(base, i);
    if (typeof el === 'string') out.push([el, p]);
    else expected(ctx, p, 'a string', el);
  });
  return out;
}

/** The value of the `Name` tag in `Tags` (or `TagSet` for ENIs). */
export function nameTag(ctx: DecodeContext, obj: JsonObject, path: string, key = 'Tags'): string | undefined {
  let name: string | undefined;
  for (const [tag, p] of objectField(ctx, obj, key, path, 'a tag')) {
    const k = requireString(ctx, tag, 'Key', p);
    const v = optionalString(ctx, tag, 'Value', p);
    if (k === 'Name' && v !== undefined && name === undefined) name = v;
  }
  return name;
}

/** Drops the keys whose value is undefined, so the result fits `exactOptionalPropertyTypes`. */
export function compact<T extends object>(o: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out as { [K in keyof T]?: Exclude<T[K], undefined> };
}

/** Keeps the first occurrence of each string. */
export function unique(values: Iterable<string>): string[] {
  return [...new Set(values)];
}
