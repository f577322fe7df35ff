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

/** The SQL of one file's rows: its index, line number, the columns the index keys on, the line's text. */
function fileRows(fi: number, f: LocalInput): string {
  const fields = f.format.fields;
  const c = fields.map((_, i) => `c${i}`);
  const col = (name: string) => {
    const i = f.format.index.get(name);
    return i === undefined ? 'CAST(NULL AS VARCHAR)' : `c${i}`;
  };
  // The checks of the reader's line validator (flowlog/record.ts checkColumns) that an ACCEPT consumed here
  // would otherwise skip: integers, the action, addresses in the shape of one.
  const checks: string[] = [];
  fields.forEach((name, i) => {
    if (f.format.intMask[i] === 1) checks.push(`regexp_full_match(c${i}, '-|[0-9]{1,20}')`);
  });
  if (f.format.action >= 0) checks.push(`c${f.format.action} IN ('ACCEPT', 'REJECT', '-')`);
  for (const a of ['srcaddr', 'dstaddr', 'pkt-srcaddr', 'pkt-dstaddr']) {
    const i = f.format.index.get(a);
    if (i !== undefined) checks.push(`regexp_full_match(c${i}, '-|[0-9]{1,3}(\\.[0-9]{1,3}){3}|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*')`);
  }
  // One address family per pair (checkColumns: mixed families are a bad line).
  for (const [a, b] of [['srcaddr', 'dstaddr'], ['pkt-srcaddr', 'pkt-dstaddr']] as const) {
    const i = f.format.index.get(a);
    const j = f.format.index.get(b);
    if (i !== undefined && j !== undefined) checks.push(`(c${i} = '-' OR c${j} = '-' OR (strpos(c${i}, ':') > 0) = (strpos(c${j}, ':') > 0))`);
  }
  for (const p of ['srcport', 'dstport']) {
    const i = f.format.index.get(p);
    if (i !== undefined) checks.push(`(c${i} = '-' OR TRY_CAST(c${i} AS BIGINT) <= 65535)`);
  }
  const cols = c.map((n) => `'${n}': 'VARCHAR'`).join(', ');
  return [
    `SELECT CAST(${fi} AS INTEGER) AS fi, CAST(row_number() OVER () + ${f.header ? 1 : 0} AS INTEGER) AS line,`,
    `  ${col('interface-id')} AS iid, ${col('srcaddr')} AS sa, ${col('srcport')} AS sp, ${col('dstaddr')} AS da, ${col('dstport')} AS dp, ${col('protocol')} AS pr, ${col('action')} AS action,`,
    `  ${checks.length ? checks.join(' AND ') : 'TRUE'} AS ok,`,
    `  concat_ws(' ', ${c.join(', ')}) AS text`,
    `FROM read_csv(${lit(f.file)}, delim = ' ', quote = '', escape = '', header = ${f.header}, auto_detect = false, strict_mode = true,`,
    `  null_padding = false, compression = ${f.kind === 'gzip' ? "'gzip'" : "'none'"}, columns = {${cols}})`,
  ].join('\n');
}

/** Column names of the AWS fields, for messages. */
export function describeColumns(format: FlowLogFormat): string {
  return format.fields.map(columnName).join(' ');
}

/**
 * Reads the files into a DuckDB table and checks them; on success, the count of consumed ACCEPTs and the
 * events of the kept records, in input order.
 */
export async function planDuckRead(session: DuckDbSession, files: readonly LocalInput[], skippedAfter: readonly string[], opts: DuckReadOptions): Promise<DuckPlan> {
  const parquet = files.find((f) => f.kind === 'parquet');
  if (parquet) return { ok: false, reason: `${parquet.file} is Parquet` };
  if (files.length === 0) return { ok: false, reason: 'no files' };
  const only = opts.only ? `WHERE COALESCE(iid, '-') IN (${[...opts.only].map(lit).join(', ') || "''"})` : '';
  const union = files.map((f, i) => `SELECT * FROM (\n${fileRows(i, f)}\n)`).join('\nUNION ALL\n');
  const keep = opts.consumeAccepts ? "COALESCE(action, '') <> 'ACCEPT'" : 'TRUE';
  try {
    await session.run(`CREATE OR REPLACE TEMP TABLE vpcwhy_rows AS
SELECT fi, line, iid, sa, sp, da, dp, pr, action, ok, CASE WHEN ${keep} THEN text END AS text
FROM (
${union}
) ${only}`);
  } catch (e) {
    return { ok: false, reason: firstLine(e) };
  }
  let consumed = 0;
  for await (const chunk of session.rows(`SELECT CAST(count(*) FILTER (WHERE NOT ok) AS INTEGER), CAST(min(CASE WHEN NOT ok THEN fi * 0 + line END) AS INTEGER), CAST(count(*) FILTER (WHERE action = 'ACCEPT') AS INTEGER) FROM vpcwhy_rows`)) {
    const row = chunk[0]!;
    if ((row[0] as number) > 0) return { ok: false, reason: `${row[0] as number} lines the reader would not take as records (the first near line ${row[1] as number})` };
    consumed = opts.consumeAccepts ? (row[2] as number) : 0;
  }
  // The reverse flag: an ACCEPT of the reverse tuple on the same interface before the record (ref 8.5).
  // Positions as fi * 2^32 + line. The index keys on the column text, as the AcceptIndex hashes it.
  const query = `
WITH acc AS (
  SELECT iid, sa, sp, da, dp, pr, min(CAST(fi AS BIGINT) * 4294967296 + line) AS first_at
  FROM vpcwhy_rows WHERE action = 'ACCEPT' AND iid IS NOT NULL AND sa IS NOT NULL AND sp IS NOT NULL AND da IS NOT NULL AND dp IS NOT NULL AND pr IS NOT NULL
  GROUP BY iid, sa, sp, da, dp, pr
)
SELECT r.fi, r.line, r.text, COALESCE(a.first_at < CAST(r.fi AS BIGINT) * 4294967296 + r.line, FALSE) AS rev
FROM vpcwhy_rows r
LEFT JOIN acc a ON a.iid = r.iid AND a.sa = r.da AND a.sp = r.dp AND a.da = r.sa AND a.dp = r.sp AND a.pr = r.pr
WHERE r.text IS NOT NULL
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
        await session.run('DROP TABLE IF EXISTS vpcwhy_rows').catch(() => {});
      }
    },
  };
}

function firstLine(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  return m.split('\n').slice(0, 3).join(' ').trim();
}
