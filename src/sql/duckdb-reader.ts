/**
 * `explain --engine duckdb`: embedded DuckDB reads and filters the local flow-log files, and the records it
 * keeps go through the same explainer and renderers as the default engine (pipeline/run.ts), so the output
 * is the same bytes.
 *
 * DuckDB does what the default engine's reader filter (pipeline/accept-index.ts AcceptFilter) does, in
 * columnar C++: it parses every line, indexes the ACCEPTs, consumes them (counted, as the filter counts
 * them) and marks each kept record with whether an ACCEPT of its reverse tuple on the same interface came
 * earlier in the input (file order, then line). Only the kept records (the REJECTs, and every record with
 * --all) are handed to TypeScript, as their line text, and parsed there by the reader's own parser.
 *
 * What DuckDB cannot read exactly as the default reader does is not read by it: a file DuckDB's strict CSV
 * reader rejects (a line of another column count, a header in the middle, a JSON-wrapped line), or a line
 * the reader would call bad (a non-integer in an integer field, an unknown action). Then `plan` says why,
 * and the caller uses the default engine for the whole run.
 *
 * One difference is by design: the default engine's reverse-flow index is bounded (ACCEPT_INDEX_SLOTS: it
 * starts over after 2^20 distinct accepted tuples), DuckDB's join is not. Below that bound both agree.
 */
import { type FlowLogEvent } from '../flowlog/reader.js';
import { FlowRecord, isLineError, parseRecordLine } from '../flowlog/record.js';
import type { FlowLogFormat } from '../flowlog/format.js';
import { MARK_REVERSE, MARK_SEEN } from '../pipeline/accept-index.js';
import type { LocalInput } from './local-input.js';
import type { DuckDbSession } from './duckdb.js';
import { columnName } from './compile.js';

export interface DuckReadOptions {
  /** ACCEPTs are consumed (counted, not returned) unless they are explained (--all). */
  readonly consumeAccepts: boolean;
  /** Only records of these interfaces (others are neither counted nor indexed, as in explain). */
  readonly only?: ReadonlySet<string>;
}

export type DuckPlan =
  | { readonly ok: true; readonly consumed: number; events(): AsyncGenerator<FlowLogEvent> }
  | { readonly ok: false; readonly reason: string };

function lit(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

// ---------------------------------------------------------------------------------------------------------
// What a line must look like to be read here: the reader's line validator (flowlog/record.ts checkColumns)
// as one regular expression per format, as strict or stricter (a line it rejects is a fallback, never a
// different answer): one space between fields, integers of up to 20 digits, ports and protocols in range
// without leading zeros, IPv4 without leading zeros, IPv6 as hex groups (no embedded IPv4, no zone), the
// action and log-status words, other fields printable ASCII.

const INT = '(?:-|[0-9]{1,20})';
const PORT = '(?:-|0|[1-9][0-9]{0,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])';
const PROTOCOL = '(?:-|0|[1-9][0-9]?|1[0-9]{2}|2[0-4][0-9]|25[0-5])';
const OCTET = '(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])';
const H = '[0-9a-fA-F]{1,4}';
const IPV6 = `(?:(?:${H}:){7}${H}|(?:${H}:){1,7}:|(?:${H}:){1,6}:${H}|(?:${H}:){1,5}(?::${H}){1,2}|(?:${H}:){1,4}(?::${H}){1,3}|(?:${H}:){1,3}(?::${H}){1,4}|(?:${H}:){1,2}(?::${H}){1,5}|${H}:(?::${H}){1,6}|:(?:(?::${H}){1,7}|:))`;
const ADDRESS = `(?:-|${OCTET}(?:\\.${OCTET}){3}|${IPV6})`;
const OTHER = '[!-~]+';

/** The regular expression (RE2) a valid line of `format` matches in full. */
export function linePattern(format: FlowLogFormat): string {
  const special = new Map<number, string>();
  for (const c of [format.srcport, format.dstport]) if (c >= 0) special.set(c, PORT);
  if (format.protocol >= 0) special.set(format.protocol, PROTOCOL);
  for (const c of [format.srcaddr, format.dstaddr, format.pktSrcaddr, format.pktDstaddr]) if (c >= 0) special.set(c, ADDRESS);
  if (format.action >= 0) special.set(format.action, '(?:ACCEPT|REJECT|-)');
  if (format.logStatus >= 0) special.set(format.logStatus, '(?:OK|NODATA|SKIPDATA|-)');
  return format.fields.map((_, i) => special.get(i) ?? (format.intMask[i] === 1 ? INT : OTHER)).join(' ');
}

/**
 * What the pattern cannot say: one address family per pair of addresses (checkColumns: a record mixing
 * families is a bad line), as SQL over the line `l`; TRUE when the format has no such pair.
 */
export function familyCheck(format: FlowLogFormat): string {
  const field = (c: number) => `split_part(l, ' ', ${c + 1})`;
  const checks: string[] = [];
  for (const [a, b] of [[format.srcaddr, format.dstaddr], [format.pktSrcaddr, format.pktDstaddr]] as const) {
    if (a < 0 || b < 0) continue;
    checks.push(`(${field(a)} = '-' OR ${field(b)} = '-' OR (strpos(${field(a)}, ':') > 0) = (strpos(${field(b)}, ':') > 0))`);
  }
  return checks.length === 0 ? 'TRUE' : checks.join(' AND ');
}

/** The key columns of the reverse-flow index, in AcceptIndex order; null when the format lacks one. */
function keyFields(format: FlowLogFormat): readonly number[] | null {
  const k = [format.interfaceId, format.srcaddr, format.srcport, format.dstaddr, format.dstport, format.protocol];
  return k.some((c) => c < 0) ? null : k;
}

const KEY_NAMES = ['iid', 'sa', 'sp', 'da', 'dp', 'pr'] as const;

/**
 * The CSV reader's buffer: 4 MiB rather than DuckDB's 32 MiB, so that its buffers fit the engine's memory
 * limit with room to spare (no slower on the bench log). A line longer than this is a read error, and so
 * the default engine's (flow-log lines are a few hundred bytes).
 */
const CSV_BUFFER_BYTES = 4 << 20;

function csvOptions(f: LocalInput): string {
  return `quote = '', escape = '', header = ${f.header}, auto_detect = false, strict_mode = true, null_padding = false, compression = ${f.kind === 'gzip' ? "'gzip'" : "'none'"}, buffer_size = ${CSV_BUFFER_BYTES}`;
}

/**
 * Pass 1 over one file, each line whole (one VARCHAR column; the delimiter, a control character, cannot
 * occur in a valid line): its line number, and for the lines kept (not a consumed ACCEPT, or not valid,
 * or blank) the text, whether it is valid, and the key columns of the reverse tuple.
 */
function keptRows(fi: number, f: LocalInput, consumeAccepts: boolean): string {
  const pattern = linePattern(f.format);
  const action = f.format.action;
  // A valid line's action is its field `action` (split_part: a regular expression with a capture group
  // costs DuckDB ten times as much).
  const isAccept = action < 0 || !consumeAccepts ? 'FALSE' : `split_part(l, ' ', ${action + 1}) = 'ACCEPT'`;
  const keys = keyFields(f.format);
  // The key columns, of the kept lines only.
  const key = (j: number) => (keys ? `x[${keys[j]! + 1}]` : 'CAST(NULL AS VARCHAR)');
  return [
    `SELECT fi, line, text, ok, ${KEY_NAMES.map((n, j) => `${key(j)} AS ${n}`).join(', ')} FROM (`,
    `SELECT *, string_split(text, ' ') AS x FROM (`,
    `  SELECT CAST(${fi} AS INTEGER) AS fi, CAST(row_number() OVER () + ${f.header ? 1 : 0} AS INTEGER) AS line, l AS text,`,
    `    l IS NULL OR (regexp_full_match(l, '${pattern}') AND ${familyCheck(f.format)}) AS ok, COALESCE(${isAccept}, FALSE) AS accept`,
    `  FROM read_csv(${lit(f.file)}, delim = '\x01', ${csvOptions(f)}, columns = {'l': 'VARCHAR'})`,
    `) WHERE NOT ok OR NOT accept OR text IS NULL)`,
  ].join('\n');
}

/**
 * Pass 2 over one file, by columns (valid lines only, pass 1 saw to that; blank lines are not rows here):
 * each row's number, whether it is an ACCEPT of the selected interfaces, and its key columns.
 */
function acceptRows(fi: number, f: LocalInput, only: string): string {
  const keys = keyFields(f.format);
  const cols = f.format.fields.map((_, i) => `'c${i}': 'VARCHAR'`).join(', ');
  const key = KEY_NAMES.map((n, j) => `${keys ? `c${keys[j]}` : 'CAST(NULL AS VARCHAR)'} AS ${n}`).join(', ');
  const iid = f.format.interfaceId >= 0 ? `CASE WHEN c${f.format.interfaceId} = '-' THEN '' ELSE c${f.format.interfaceId} END` : "''";
  const accept = f.format.action >= 0 ? `c${f.format.action} = 'ACCEPT'` : 'FALSE';
  return [
    `SELECT CAST(${fi} AS INTEGER) AS fi, CAST(row_number() OVER () + ${f.header ? 1 : 0} AS INTEGER) AS line, ${key},`,
    `  ${accept}${only ? ` AND ${iid} IN (${only})` : ''} AS accept`,
    `FROM read_csv(${lit(f.file)}, delim = ' ', ${csvOptions(f)}, columns = {${cols}})`,
  ].join('\n');
}

/** Column names of the AWS fields, for messages. */
export function describeColumns(format: FlowLogFormat): string {
  return format.fields.map(columnName).join(' ');
}

const POS = (t: string) => `(CAST(${t}.fi AS BIGINT) * 4294967296 + ${t}.line)`;

/**
 * Reads the files and checks them; on success, the count of consumed ACCEPTs and the events of the kept
 * records, in input order. Two passes over each file, nothing of the input kept but the kept records and
 * the ACCEPTs whose reverse tuple is among them (an ACCEPT no kept record reverses is only counted):
 *
 * 1. each line whole: valid (linePattern) or blank, and the kept lines (vpcwhy_kept) with their keys;
 *    any invalid line, and the caller uses the default engine;
 * 2. by columns: the first position of each ACCEPT tuple that some kept record reverses (vpcwhy_acc),
 *    the ACCEPTs counted, and the rows per file (a blank line before the last record would number the
 *    two passes differently: the default engine then);
 * 3. the kept records in input order, each with whether an ACCEPT of its reverse tuple on the same
 *    interface came at or before it (ref 8.5; "at" for an ACCEPT whose tuple is its own reverse, as the
 *    AcceptFilter indexes a record before it looks it up).
 */
export async function planDuckRead(session: DuckDbSession, files: readonly LocalInput[], skippedAfter: readonly string[], opts: DuckReadOptions): Promise<DuckPlan> {
  const parquet = files.find((f) => f.kind === 'parquet');
  if (parquet) return { ok: false, reason: `${parquet.file} is Parquet` };
  if (files.length === 0) return { ok: false, reason: 'no files' };
  const only = opts.only ? [...opts.only].map(lit).join(', ') || "''" : '';
  const union = (part: (f: LocalInput, i: number) => string) => files.map((f, i) => `SELECT * FROM (\n${part(f, i)}\n)`).join('\nUNION ALL\n');
  try {
    await session.run(`CREATE OR REPLACE TEMP TABLE vpcwhy_kept AS\n${union((f, i) => keptRows(i, f, opts.consumeAccepts))}`);
    for await (const chunk of session.rows(`SELECT CAST(count(*) AS INTEGER), CAST(arg_min(line, ${POS('vpcwhy_kept')}) AS INTEGER), CAST(arg_min(fi, ${POS('vpcwhy_kept')}) AS INTEGER) FROM vpcwhy_kept WHERE NOT ok`)) {
      const row = chunk[0]!;
      if ((row[0] as number) > 0) return { ok: false, reason: `${row[0] as number} lines the reader would not take as records as they are (the first: ${files[row[2] as number]!.file} line ${row[1] as number})` };
    }
    await session.run(`CREATE OR REPLACE TEMP TABLE vpcwhy_acc AS
WITH rev AS (SELECT DISTINCT iid, da, dp, sa, sp, pr FROM vpcwhy_kept WHERE text IS NOT NULL AND iid IS NOT NULL),
rows AS (
${union((f, i) => acceptRows(i, f, only))}
)
SELECT r.fi, r.accept, CASE WHEN r.accept THEN v.iid END AS iid, CASE WHEN r.accept THEN v.da END AS sa, CASE WHEN r.accept THEN v.dp END AS sp,
  CASE WHEN r.accept THEN v.sa END AS da, CASE WHEN r.accept THEN v.sp END AS dp, CASE WHEN r.accept THEN v.pr END AS pr,
  min(${POS('r')}) AS first_at, count(*) AS n
FROM rows r
LEFT JOIN rev v ON v.iid = r.iid AND v.da = r.sa AND v.dp = r.sp AND v.sa = r.da AND v.sp = r.dp AND v.pr = r.pr
GROUP BY ALL`);
  } catch (e) {
    return { ok: false, reason: firstLine(e) };
  }
  // Pass 2 numbers rows without the blank lines: both passes agree when no blank line comes before a row.
  for await (const chunk of session.rows(`SELECT CAST(b.fi AS INTEGER), CAST(b.first_blank AS INTEGER) FROM (SELECT fi, min(line) AS first_blank FROM vpcwhy_kept WHERE text IS NULL GROUP BY fi) b
JOIN (SELECT fi, sum(n) AS rows FROM vpcwhy_acc GROUP BY fi) r ON r.fi = b.fi
WHERE b.first_blank - ${'CASE b.fi ' + files.map((f, i) => `WHEN ${i} THEN ${f.header ? 1 : 0}`).join(' ') + ' END'} <= r.rows ORDER BY b.fi LIMIT 1`)) {
    const row = chunk[0];
    if (row) return { ok: false, reason: `a blank line before the last record (${files[row[0] as number]!.file} line ${row[1] as number})` };
  }
  let consumed = 0;
  if (opts.consumeAccepts) {
    for await (const chunk of session.rows('SELECT CAST(COALESCE(sum(n), 0) AS BIGINT) FROM vpcwhy_acc WHERE accept')) consumed = Number(chunk[0]![0]);
  }
  const onlyKept = only ? `AND CASE WHEN r.iid = '-' THEN '' ELSE r.iid END IN (${only})` : '';
  const query = `
SELECT r.fi, r.line, r.text, COALESCE(a.first_at <= ${POS('r')}, FALSE) AS rev
FROM vpcwhy_kept r
LEFT JOIN (SELECT iid, sa, sp, da, dp, pr, min(first_at) AS first_at FROM vpcwhy_acc WHERE iid IS NOT NULL GROUP BY ALL) a ON a.iid = r.iid AND a.sa = r.da AND a.sp = r.dp AND a.da = r.sa AND a.dp = r.sp AND a.pr = r.pr
WHERE r.text IS NOT NULL ${onlyKept}
ORDER BY r.fi, r.line`;
  return {
    ok: true,
    consumed,
    events: async function* () {
      let current = -1;
      const BATCH = 4096;
      let batch: FlowRecord[] = [];
      const startFile = function* (to: number): Generator<FlowLogEvent> {
        while (current < to) {
          current++;
          const f = files[current]!;
          for (const s of f.skippedBefore) yield { kind: 'file-skipped', file: s };
          yield { kind: 'file-start', file: f.file, format: f.format, formatSource: f.formatSource };
        }
      };
      try {
        for await (const chunk of session.rows(query)) {
          for (const row of chunk) {
            const fi = row[0] as number;
            if (fi !== current) {
              if (batch.length) yield { kind: 'records', records: batch };
              batch = [];
              yield* startFile(fi);
            }
            const f = files[fi]!;
            const rec = parseRecordLine(f.format, row[2] as string, f.file, row[1] as number);
            if (isLineError(rec)) {
              if (batch.length) yield { kind: 'records', records: batch };
              batch = [];
              yield { kind: 'bad-lines', errors: [rec] };
              continue;
            }
            rec.mark = MARK_SEEN | (row[3] === true ? MARK_REVERSE : 0);
            batch.push(rec);
            if (batch.length >= BATCH) {
              yield { kind: 'records', records: batch };
              batch = [];
            }
          }
        }
        if (batch.length) yield { kind: 'records', records: batch };
        yield* startFile(files.length - 1);
        for (const s of skippedAfter) yield { kind: 'file-skipped', file: s };
      } finally {
        await session.run('DROP TABLE IF EXISTS vpcwhy_kept; DROP TABLE IF EXISTS vpcwhy_acc').catch(() => {});
      }
    },
  };
}

function firstLine(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  return m.split('\n').slice(0, 3).join(' ').trim();
}
