/**
 * Flow-log formats: which field sits in which column.
 *
 * A format comes from one of four places: the default format (ref 1.3), a CreateFlowLogs `LogFormat`
 * string such as `${version} ${vpc-id} ...` (ref 1.4; Terraform writes `$${version}`), the header line of
 * an S3 text file (ref 1.9), or the column names of a Parquet file. Column indexes of the fields the rest
 * of the program reads are precomputed (-1 when the format lacks the field), so the hot path never looks a
 * name up.
 */
import { E, type Either } from '../fp.js';
import { DEFAULT_FORMAT_FIELDS, FIELDS, canonicalFieldName, fieldKind, isKnownField, type FieldKind } from './fields.js';

export interface FlowLogFormat {
  /** Field names in column order, AWS spelling for known fields, unknown ones as written. */
  readonly fields: readonly string[];
  readonly index: ReadonlyMap<string, number>;
  /** Kind of each column. */
  readonly kinds: readonly FieldKind[];
  /** 1 where the column holds an integer field; read by the line validator. */
  readonly intMask: Uint8Array;
  /** Where the format came from, for messages: `default format`, `log format`, `header line 1`, `parquet schema`. */
  readonly label: string;
  readonly interfaceId: number;
  readonly srcaddr: number;
  readonly dstaddr: number;
  readonly srcport: number;
  readonly dstport: number;
  readonly protocol: number;
  readonly action: number;
  readonly logStatus: number;
  readonly tcpFlags: number;
  readonly flowDirection: number;
  readonly pktSrcaddr: number;
  readonly pktDstaddr: number;
  readonly rejectReason: number;
  readonly type: number;
  readonly version: number;
  readonly start: number;
  readonly end: number;
  readonly packets: number;
  readonly bytes: number;
  readonly subnetId: number;
  readonly vpcId: number;
}

export interface LogFormatError {
  readonly _tag: 'LogFormatError';
  readonly message: string;
  /** The offending token, when one is to blame. */
  readonly token: string | null;
}

const formatError = (message: string, token: string | null = null): LogFormatError => ({ _tag: 'LogFormatError', message, token });

/** A field name as it may appear in a header, a LogFormat or a Parquet schema. */
const NAME_RE = /^[A-Za-z][A-Za-z0-9]*(?:[-_][A-Za-z0-9]+)*$/;

/**
 * Build a format from field names (canonicalised: `log_status` → `log-status`).
 * Fails on an empty list, a malformed name or a duplicate. `anyName`: any non-empty name is a field
 * (the columns of a Parquet schema, which a tool other than AWS may have written, such as pandas'
 * `__index_level_0__`): unknown ones are kept, as unknown fields are.
 */
export function makeFormat(names: readonly string[], label: string, opts: { readonly anyName?: boolean } = {}): Either<LogFormatError, FlowLogFormat> {
  if (names.length === 0) return E.left(formatError('a flow-log format needs at least one field'));
  const fields: string[] = [];
  const index = new Map<string, number>();
  for (const raw of names) {
    if (opts.anyName ? raw === '' : !NAME_RE.test(raw)) return E.left(formatError(`"${raw}" is not a field name`, raw));
    const name = canonicalFieldName(raw);
    if (index.has(name)) return E.left(formatError(`field "${name}" appears twice`, raw));
    index.set(name, fields.length);
    fields.push(name);
  }
  return E.right(buildFormat(fields, index, label));
}

function buildFormat(fields: readonly string[], index: ReadonlyMap<string, number>, label: string): FlowLogFormat {
  const kinds = fields.map(fieldKind);
  const intMask = new Uint8Array(fields.length);
  kinds.forEach((k, i) => {
    if (k === 'int') intMask[i] = 1;
  });
  const col = (name: string): number => index.get(name) ?? -1;
  return {
    fields,
    index,
    kinds,
    intMask,
    label,
    interfaceId: col('interface-id'),
    srcaddr: col('srcaddr'),
    dstaddr: col('dstaddr'),
    srcport: col('srcport'),
    dstport: col('dstport'),
    protocol: col('protocol'),
    action: col('action'),
    logStatus: col('log-status'),
    tcpFlags: col('tcp-flags'),
    flowDirection: col('flow-direction'),
    pktSrcaddr: col('pkt-srcaddr'),
    pktDstaddr: col('pkt-dstaddr'),
    rejectReason: col('reject-reason'),
    type: col('type'),
    version: col('version'),
    start: col('start'),
    end: col('end'),
    packets: col('packets'),
    bytes: col('bytes'),
    subnetId: col('subnet-id'),
    vpcId: col('vpc-id'),
  };
}

/** The same format under another label (the label only shows in messages). */
export function withLabel(format: FlowLogFormat, label: string): FlowLogFormat {
  return label === format.label ? format : { ...format, label };
}

/** Two formats with the same columns in the same order. */
export function sameColumns(a: FlowLogFormat, b: FlowLogFormat): boolean {
  return a.fields.length === b.fields.length && a.fields.every((name, i) => name === b.fields[i]);
}

/** The version-2 default format, 14 fields (ref 1.3). */
export const DEFAULT_FORMAT: FlowLogFormat = buildFormat(
  DEFAULT_FORMAT_FIELDS,
  new Map(DEFAULT_FORMAT_FIELDS.map((name, i) => [name, i])),
  'default format',
);

const WS_RE = /\s+/;

function splitWs(text: string): string[] {
  const t = text.trim();
  return t === '' ? [] : t.split(WS_RE);
}

/** `${name}` or Terraform's `$${name}`. */
const FIELD_TOKEN_RE = /^\$?\$\{([^${}\s]*)\}$/;

/**
 * Parse a CreateFlowLogs `LogFormat` (`${version} ${account-id} ...`, ref 1.4). Accepts Terraform's
 * `$${field}` escaping, runs of whitespace, surrounding quotes copied from a shell command, and (as a
 * convenience) a bare list of field names like an S3 header line. Errors name the bad token.
 */
export function parseLogFormat(text: string, label = 'log format'): Either<LogFormatError, FlowLogFormat> {
  let body = text.trim();
  if (body.length >= 2 && (body[0] === "'" || body[0] === '"') && body[body.length - 1] === body[0]) {
    body = body.slice(1, -1);
  }
  const tokens = splitWs(body);
  if (tokens.length === 0) return E.left(formatError('the log format is empty'));
  const dollar = tokens.some((t) => t.includes('$'));
  const names: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (!dollar) {
      names.push(token);
      continue;
    }
    const m = FIELD_TOKEN_RE.exec(token);
    const name = m?.[1];
    if (name === undefined || !NAME_RE.test(name)) {
      return E.left(formatError(`bad token "${token}" (field ${i + 1}) in log format: expected \${field-name}`, token));
    }
    names.push(name);
  }
  return makeFormat(names, label);
}

/**
 * The format announced by an S3 header line (`version account-id interface-id ...`, ref 1.9).
 * Only checks the syntax of the names; whether a line *is* a header is `isHeaderLine`'s question.
 */
export function formatFromHeader(line: string, label = 'header line'): Either<LogFormatError, FlowLogFormat> {
  const tokens = splitWs(line.charCodeAt(0) === 0xfeff ? line.slice(1) : line);
  if (tokens.length === 0) return E.left(formatError('the header line is empty'));
  return makeFormat(tokens, label);
}

/** Values that have the shape of a name but are not: resource IDs, regions, AZ IDs. */
const RESOURCE_ID_RE = /-[0-9a-f]{8,}$/;
const REGION_RE = /^[a-z]{2}(?:-gov|-iso[a-z]*)?-[a-z]+-\d+$/;
const AZ_ID_RE = /^[a-z]{2,5}\d+-az\d+$/;

/** Whether a token has the shape of a field name (and not of a value such as `-`, `2`, `IPv4`, an ENI ID or a region). */
export function looksLikeFieldName(token: string): boolean {
  const c = token.charCodeAt(0);
  if (c < 97 || c > 122) return false; // a name starts with a lower-case letter; values like `-`, `2`, `IPv4` do not
  if (!NAME_RE.test(token)) return false;
  return !(RESOURCE_ID_RE.test(token) || REGION_RE.test(token) || AZ_ID_RE.test(token));
}

/**
 * Whether a line is a header (a list of field names) rather than a record. Every token must look like a
 * field name (lower-case identifier, not a resource ID, region or AZ ID) and more than half of them must be
 * known field names, so a record of custom-format values such as `us-east-1 use1-az1` or an ENI ID is
 * never taken for a header, while a header naming a few fields newer than this catalogue still is.
 * Cheap on records: most fail on the first character.
 */
export function isHeaderLine(line: string): boolean {
  let s = 0;
  const n = line.length;
  if (n > 0 && line.charCodeAt(0) === 0xfeff) s = 1;
  while (s < n && isWs(line.charCodeAt(s))) s++;
  if (s >= n) return false;
  const c0 = line.charCodeAt(s);
  if (c0 < 97 || c0 > 122) return false;
  let e = s + 1;
  while (e < n && !isWs(line.charCodeAt(e))) e++;
  if (!looksLikeFieldName(line.slice(s, e))) return false;
  const tokens = splitWs(s === 0 ? line : line.slice(s));
  let known = 0;
  for (const token of tokens) {
    if (!looksLikeFieldName(token)) return false;
    if (isKnownField(canonicalFieldName(token))) known++;
  }
  return known * 2 > tokens.length;
}

function isWs(c: number): boolean {
  return c === 32 || c === 9 || c === 13 || c === 10 || c === 11 || c === 12;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}

/** The fields explain needs to attribute a REJECT: without them every record is unknown or ambiguous. */
const ESSENTIAL = ['interface-id', 'srcaddr', 'dstaddr', 'protocol'] as const;

/**
 * What is worth a warning in a format (ref 1.4-1.6): field names no flow log writes (with the known name
 * they are probably a misspelling of), and fields explain needs that the format lacks.
 */
export function formatWarnings(format: FlowLogFormat): string[] {
  const out: string[] = [];
  const known = FIELDS.map((f) => f.name);
  for (const name of format.fields) {
    if (isKnownField(name)) continue;
    let best: string | null = null;
    let bestDistance = 3;
    for (const k of known) {
      const d = editDistance(name, k);
      if (d < bestDistance) {
        best = k;
        bestDistance = d;
      }
    }
    out.push(`${format.label}: "${name}" is not a flow-log field${best ? ` (did you mean "${best}"?)` : ''}; its values are kept as text`);
  }
  const missing = ESSENTIAL.filter((f) => !format.index.has(f));
  if (missing.length) out.push(`${format.label}: no ${missing.join(', ')} field, so records cannot be attributed to a rule`);
  return out;
}
