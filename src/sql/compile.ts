/**
 * The attribution of explain/attribute.ts compiled into SQL (Athena, Trino, DuckDB), so it runs where the
 * flow logs are. The snapshot becomes VALUES tables (tables.ts); the query gives every REJECT record the
 * `verdict`, `traffic` and blockedBy that `vpcwhy explain` gives it (explanations stay with explain):
 *
 * - the ENI by interface-id, its subnet, the subnet's NACL (explicit or the VPC default) and groups;
 * - the direction from flow-direction, else from which address is the ENI's (ref 8.3);
 * - the packet addresses pkt-srcaddr / pkt-dstaddr when present (ref 8.4);
 * - request or response from tcp-flags, from an ACCEPT of the reverse tuple on the same ENI earlier in
 *   the input, from the services the ENI's groups admit, from service ports (ref 8.5);
 * - the NACL as the lowest matching rule number of the direction (ref 5), skipped for a peer in the
 *   ENI's own subnet (ref 8.8); the security groups as the union of their rules, EXISTS (ref 4), with a
 *   tracked response passing them;
 * - ambiguous where explain is: no direction, a missing NACL before the blocker, a deny that rests on the
 *   ICMP type or on a group the snapshot does not describe, two readings with different blockers.
 *
 * "Earlier in the input" is the record's position: DuckDB reads the files in vpcwhy's order and numbers
 * the lines, so it is exactly explain's rule. Athena and Trino rows have no position: there it is the
 * record time (an ACCEPT whose start is at or before the REJECT's). docs/sql.md says what differs.
 */
import type { FlowLogFormat } from '../flowlog/format.js';
import { fieldKind } from '../flowlog/fields.js';
import { SERVICE_PORTS } from '../explain/ports.js';
import type { SnapshotIndex } from '../engine/snapshot-index.js';
import { type IdRange, type Range, type SnapshotTables, snapshotTables } from './tables.js';

export type Dialect = 'athena' | 'trino' | 'duckdb';
export const DIALECTS: readonly Dialect[] = ['athena', 'trino', 'duckdb'];

/** The columns of the per-record result, named after the JSONL fields. */
export const RESULT_COLUMNS = [
  'file',
  'line',
  'interface_id',
  'srcaddr',
  'dstaddr',
  'srcport',
  'dstport',
  'protocol',
  'start',
  'verdict',
  'traffic',
  'blocked_by_component',
  'blocked_by_id',
  'blocked_by_direction',
  'blocked_by_rule',
  'blocked_by_ids',
] as const;

/** The S3 layout the DDL's partition projection describes (ref 1.9). */
export interface S3Layout {
  /** s3://bucket/prefix, under which AWSLogs/ starts. */
  readonly location: string;
  /** Hive-compatible prefixes (aws-account-id=.../year=2024/...). */
  readonly hive: boolean;
  /** Per-hour partitions (.../dd/HH/). */
  readonly hourly: boolean;
  readonly accounts: readonly string[];
  readonly regions: readonly string[];
  /** First day of the projection, yyyy/MM/dd. */
  readonly since: string;
  /** Athena: only these days are scanned (yyyy/MM/dd, inclusive), by their partitions. */
  readonly days?: { readonly from: string; readonly to: string };
}

export interface SqlOptions {
  readonly dialect: Dialect;
  readonly table: string;
  /** The columns of the flow log (default: the version-2 format). */
  readonly format: FlowLogFormat;
  readonly parquet: boolean;
  /** Text input starts with a header line. */
  readonly header: boolean;
  /** Athena / Trino: the S3 layout. */
  readonly s3?: S3Layout;
  /** DuckDB: a glob to read (in DuckDB's order), with `format` and `header`. */
  readonly files?: readonly string[];
  /** DuckDB: the files to read in vpcwhy's order, each with its own format (they may differ). */
  readonly localFiles?: ReadonlyArray<{ readonly file: string; readonly format: FlowLogFormat; readonly header: boolean; readonly parquet: boolean }>;
  readonly summary: boolean;
}

export interface CompiledSql {
  readonly ddl: string;
  readonly view: string;
  /** The query the view holds (a SELECT). */
  readonly query: string;
  readonly summary: string | null;
  /** Everything to print, statements separated by `;`. */
  readonly script: string;
}

// ---------------------------------------------------------------------------------------------------------
// Dialect pieces

interface Sql {
  readonly d: Dialect;
  /** Full-string regular expression match. */
  re(x: string, pattern: string): string;
  bitAnd(a: string, b: string): string;
  /** Comma-joined ids as an array. */
  splitIds(x: string): string;
  /** Text of an IPv6 address as 32 hex digits, NULL when it is not plain IPv6 text. */
  ipv6(x: string): string;
  /** Array of x ordered. */
  arrayAgg(x: string, order: string): string;
  ident(name: string): string;
}

const IPV4_OCTET = '(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])';
const IPV4_RE = `${IPV4_OCTET}(\\.${IPV4_OCTET}){3}`;

function sqlFor(d: Dialect): Sql {
  const duck = d === 'duckdb';
  const re = (x: string, p: string) => (duck ? `regexp_full_match(${x}, '${p}')` : `regexp_like(${x}, '^${p}$')`);
  return {
    d,
    re,
    bitAnd: (a, b) => (duck ? `(${a} & ${b})` : `bitwise_and(${a}, ${b})`),
    splitIds: (x) => (duck ? `string_split(${x}, ',')` : `split(${x}, ',')`),
    arrayAgg: (x, order) => `array_agg(${x} ORDER BY ${order})`,
    ident: (n) => (duck ? `"${n}"` : `"${n}"`),
    ipv6: (x0) => {
      // A trailing dotted quad (::ffff:10.0.1.10) is two groups: rewritten as hex first.
      const tail = `regexp_extract(${x0}, '[^:]*$')`;
      const o = (i: number) => `CAST(split_part(${tail}, '.', ${i}) AS BIGINT)`;
      const hex = (v: string) => (duck ? `lower(hex(${v}))` : `to_base(${v}, 16)`);
      const x = `(CASE WHEN strpos(${x0}, '.') = 0 THEN ${x0} WHEN ${re(tail, IPV4_RE)} THEN substr(${x0}, 1, length(${x0}) - length(${tail})) || ${hex(`${o(1)} * 256 + ${o(2)}`)} || ':' || ${hex(`${o(3)} * 256 + ${o(4)}`)} END)`;
      // '::' stands for the groups that are missing: a leading or trailing '::' gets a 0 group first so
      // that every group is non-empty, then c colons mean c groups and '::' is replaced by the 8 - c
      // zero groups it hides. Each group is left-padded to 4 digits; anything else (embedded IPv4, zone
      // ids, a group of 5 digits) fails the final pattern and is NULL.
      const l = `lower(${x})`;
      const padded = `(CASE WHEN ${l} LIKE '::%' THEN '0' ELSE '' END || ${l} || CASE WHEN ${l} LIKE '%::' THEN '0' ELSE '' END)`;
      const colons = `(length(${padded}) - length(replace(${padded}, ':', '')))`;
      const zeros = duck ? `repeat('0:', CAST(8 - ${colons} AS INTEGER))` : `array_join(repeat('0:', CAST(8 - ${colons} AS INTEGER)), '')`;
      // The 0 groups added by the padding belong to the run '::' stands for: with p of them, '::' may hide
      // 8 - c groups as long as c <= 7 + p (at least one group, as parseIp wants).
      const pads = `(CASE WHEN ${l} LIKE '::%' THEN 1 ELSE 0 END + CASE WHEN ${l} LIKE '%::' THEN 1 ELSE 0 END)`;
      const full = `(CASE WHEN strpos(${padded}, '::') > 0 THEN (CASE WHEN ${colons} <= 7 + ${pads} AND ${colons} <= 8 THEN replace(${padded}, '::', ':' || ${zeros}) END) ELSE ${padded} END)`;
      const joined = duck
        ? `array_to_string(list_transform(string_split(${full}, ':'), g -> lpad(g, 4, '0')), '')`
        : `array_join(transform(split(${full}, ':'), g -> lpad(g, 4, '0')), '')`;
      return `(CASE WHEN ${x0} LIKE '%:%' AND ${re(full, '([0-9a-f]{1,4}:){7}[0-9a-f]{1,4}')} THEN ${joined} END)`;
    },
  };
}

/** The SQL of an address text as an IPv4 integer (NULL when it is not one), for tests and docs. */
export function ipv4Sql(d: Dialect, x: string): string {
  return ipv4(sqlFor(d), x);
}

/** The SQL of an address text as 32 hex digits of IPv6 (NULL when it is not one). */
export function ipv6Sql(d: Dialect, x: string): string {
  return sqlFor(d).ipv6(x);
}

function ipv4(s: Sql, x: string): string {
  const part = (i: number) => `CAST(split_part(${x}, '.', ${i}) AS BIGINT)`;
  return `(CASE WHEN ${s.re(x, IPV4_RE)} THEN ${part(1)} * 16777216 + ${part(2)} * 65536 + ${part(3)} * 256 + ${part(4)} END)`;
}

// ---------------------------------------------------------------------------------------------------------
// VALUES tables

type Cell = string | number | boolean | null;
type ColType = 'VARCHAR' | 'BIGINT' | 'BOOLEAN';

function lit(v: Cell): string {
  if (v === null) return 'NULL';
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (typeof v === 'number') return String(v);
  return `'${v.replace(/'/g, "''")}'`;
}

/** A CTE over VALUES; its first row is typed NULLs (so an empty table has its types) and never matches. */
function valuesCte(name: string, cols: ReadonlyArray<readonly [string, ColType]>, rows: readonly Cell[][]): string {
  const typed = `(${cols.map(([, t]) => `CAST(NULL AS ${t})`).join(', ')})`;
  const body = [typed, ...rows.map((r) => `(${r.map(lit).join(', ')})`)].join(',\n    ');
  return `${name}(${cols.map(([c]) => c).join(', ')}) AS (\n  VALUES\n    ${body}\n)`;
}

const RANGE_COLS = [
  ['lo4', 'BIGINT'],
  ['hi4', 'BIGINT'],
  ['lo6', 'VARCHAR'],
  ['hi6', 'VARCHAR'],
] as const;

function rangeCells(r: Range): Cell[] {
  return [r.lo4, r.hi4, r.lo6, r.hi6];
}

function idRangeRows(rows: readonly IdRange[]): Cell[][] {
  return rows.map((r) => [r.id, ...rangeCells(r)]);
}

function tableCtes(t: SnapshotTables): string[] {
  return [
    valuesCte('vw_eni', [['eni_id', 'VARCHAR'], ['subnet_id', 'VARCHAR'], ['vpc_id', 'VARCHAR'], ['nacl_id', 'VARCHAR'], ['has_groups', 'BOOLEAN'], ['group_ids', 'VARCHAR'], ['unknown_groups', 'BOOLEAN']],
      t.enis.map((e) => [e.eniId, e.subnetId, e.vpcId, e.naclId, e.hasGroups, e.groupIds, e.unknownGroups])),
    valuesCte('vw_eni_addr', [['id', 'VARCHAR'], ...RANGE_COLS], idRangeRows(t.eniAddrs)),
    valuesCte('vw_eni_group', [['eni_id', 'VARCHAR'], ['group_id', 'VARCHAR']], t.eniGroups.map((g) => [g.eniId, g.groupId])),
    valuesCte('vw_subnet', [['id', 'VARCHAR'], ...RANGE_COLS], idRangeRows(t.subnetRanges)),
    valuesCte('vw_nacl', [['nacl_id', 'VARCHAR'], ['direction', 'VARCHAR'], ['rule_number', 'BIGINT'], ['allow', 'BOOLEAN'], ['protocol', 'BIGINT'], ['port_kind', 'VARCHAR'], ['port_from', 'BIGINT'], ['port_to', 'BIGINT'], ...RANGE_COLS],
      t.nacl.map((n) => [n.naclId, n.direction, n.ruleNumber, n.allow, n.protocol, n.portKind, n.portFrom, n.portTo, ...rangeCells(n)])),
    valuesCte('vw_sg', [['group_id', 'VARCHAR'], ['direction', 'VARCHAR'], ['protocol', 'BIGINT'], ['port_kind', 'VARCHAR'], ['port_from', 'BIGINT'], ['port_to', 'BIGINT'], ['peer_kind', 'VARCHAR'], ['peer_ref', 'VARCHAR'], ...RANGE_COLS],
      t.sgRules.map((r) => [r.groupId, r.direction, r.protocol, r.portKind, r.portFrom, r.portTo, r.peerKind, r.peerRef, ...rangeCells(r)])),
    valuesCte('vw_peer', [['id', 'VARCHAR'], ...RANGE_COLS], idRangeRows(t.peerRanges)),
    valuesCte('vw_service', [['id', 'VARCHAR'], ...RANGE_COLS], idRangeRows(t.services)),
    valuesCte('vw_vpc', [...RANGE_COLS], t.vpcRanges.map(rangeCells)),
  ];
}

/** `r` (a range table alias) contains the address a4/a6 (column expressions). */
function within(r: string, a4: string, a6: string): string {
  return `(${a4} BETWEEN ${r}.lo4 AND ${r}.hi4 OR ${a6} BETWEEN ${r}.lo6 AND ${r}.hi6)`;
}

/** The port part of a rule as 2 (yes), 1 (maybe) or 0 (no), for destination port `port`. */
function portMatch(r: string, port: string): string {
  return `(CASE ${r}.port_kind WHEN 'all' THEN 2 WHEN 'icmp' THEN 1 ELSE (CASE WHEN ${port} IS NULL THEN 1 WHEN ${port} BETWEEN ${r}.port_from AND ${r}.port_to THEN 2 ELSE 0 END) END)`;
}

function servicePort(p: string): string {
  return `(${p} < 1024 OR ${p} IN (${[...SERVICE_PORTS].filter((x) => x >= 1024).join(', ')}))`;
}

// ---------------------------------------------------------------------------------------------------------
// The flow-log table

/** A field's column name: AWS name with underscores (Athena's convention). */
export function columnName(field: string): string {
  return field.replace(/-/g, '_');
}

function athenaType(field: string): string {
  if (fieldKind(field) !== 'int') return 'string';
  return ['version', 'srcport', 'dstport', 'protocol', 'tcp-flags', 'traffic-path'].includes(field) ? 'int' : 'bigint';
}

function sqlLiteralPath(p: string): string {
  return `'${p.replace(/'/g, "''")}'`;
}

function ddlFor(opts: SqlOptions, s: Sql): string {
  const fields = opts.format.fields;
  if (opts.dialect === 'duckdb' && opts.localFiles) {
    // One read per file, each numbered on its own (row_number() OVER () follows DuckDB's reading order,
    // insertion order being preserved), with the file's index: ord = index * 2^32 + line, vpcwhy's order.
    const parts = opts.localFiles.map((f, i) => {
      const ord = `CAST(${i} AS BIGINT) * 4294967296 + line`;
      if (f.parquet) {
        return `SELECT *, ${sqlLiteralPath(f.file)} AS file, ${ord} AS ord FROM (SELECT *, row_number() OVER () AS line FROM read_parquet(${sqlLiteralPath(f.file)}))`;
      }
      const cols = f.format.fields.map((c) => `'${columnName(c)}': 'VARCHAR'`).join(', ');
      return [
        `SELECT *, ${sqlLiteralPath(f.file)} AS file, ${ord} AS ord FROM (`,
        `  SELECT *, row_number() OVER () + ${f.header ? 1 : 0} AS line`,
        `  FROM read_csv(${sqlLiteralPath(f.file)}, delim = ' ', quote = '', escape = '', header = ${f.header}, auto_detect = false,`,
        `    columns = {${cols}}))`,
      ].join('\n');
    });
    return `CREATE OR REPLACE TABLE ${opts.table} AS\n${parts.join('\nUNION ALL BY NAME\n')}`;
  }
  if (opts.dialect === 'duckdb') {
    const files = opts.files ?? [];
    const list = files.length === 1 ? sqlLiteralPath(files[0]!) : `[${files.map(sqlLiteralPath).join(', ')}]`;
    if (opts.parquet) {
      return `CREATE OR REPLACE VIEW ${opts.table} AS\nSELECT *, filename AS file, row_number() OVER () AS ord\nFROM read_parquet(${list}, filename = true)`;
    }
    const cols = fields.map((f) => `'${columnName(f)}': 'VARCHAR'`).join(', ');
    const header = opts.header ? 1 : 0;
    // Lines are numbered as explain numbers them: 1-based, the header counted. row_number() OVER () follows
    // the order DuckDB reads the files and lines in (insertion order is preserved).
    return [
      `CREATE OR REPLACE TABLE ${opts.table} AS`,
      `SELECT *, ord - min(ord) OVER (PARTITION BY filename) + ${1 + header} AS line`,
      `FROM (`,
      `  SELECT *, filename AS file, row_number() OVER () AS ord`,
      `  FROM read_csv(${list}, delim = ' ', quote = '', escape = '', header = ${opts.header ? 'true' : 'false'}, auto_detect = false, filename = true,`,
      `    columns = {${cols}})`,
      `)`,
    ].join('\n');
  }
  const layout = opts.s3;
  if (!layout) throw new Error(`compileSql: --dialect ${opts.dialect} needs the S3 layout (location, accounts, regions)`);
  const location = layout.location.replace(/\/+$/, '');
  const hive = layout.hive;
  const hourly = layout.hourly;
  const trinoType = (f: string) => ({ string: 'varchar', int: 'integer', bigint: 'bigint' })[athenaType(f)] ?? 'varchar';
  const columns = fields.map((f) => `  ${s.ident(columnName(f))} ${trinoType(f)}`);
  if (opts.dialect === 'athena') {
    // Never a placeholder: the CLI asks for --account / --region when the snapshot does not name them.
    if (!layout.accounts.length || !layout.regions.length) throw new Error('compileSql: the Athena partition projection needs at least one account and one region');
    const accounts = layout.accounts.join(',');
    const regions = layout.regions.join(',');
    const since = layout.since;
    const dateFormat = hourly ? 'yyyy/MM/dd/HH' : 'yyyy/MM/dd';
    const props: Array<[string, string]> = [
      ['projection.enabled', 'true'],
      ['projection.p_account.type', 'enum'],
      ['projection.p_account.values', accounts],
      ['projection.p_region.type', 'enum'],
      ['projection.p_region.values', regions],
    ];
    let template: string;
    let partitions: string;
    if (hive) {
      // Hive-compatible prefixes: AWSLogs/aws-account-id=A/aws-service=vpcflowlogs/aws-region=R/year=Y/month=M/day=D[/hour=H]/
      partitions = `  p_account string,\n  p_region string,\n  p_year string,\n  p_month string,\n  p_day string${hourly ? ',\n  p_hour string' : ''}`;
      props.push(
        ['projection.p_year.type', 'integer'], ['projection.p_year.range', `${since.slice(0, 4)},2099`],
        ['projection.p_month.type', 'integer'], ['projection.p_month.range', '1,12'], ['projection.p_month.digits', '2'],
        ['projection.p_day.type', 'integer'], ['projection.p_day.range', '1,31'], ['projection.p_day.digits', '2'],
      );
      if (hourly) props.push(['projection.p_hour.type', 'integer'], ['projection.p_hour.range', '0,23'], ['projection.p_hour.digits', '2']);
      template = `${location}/AWSLogs/aws-account-id=\${p_account}/aws-service=vpcflowlogs/aws-region=\${p_region}/year=\${p_year}/month=\${p_month}/day=\${p_day}${hourly ? '/hour=${p_hour}' : ''}`;
    } else {
      partitions = '  p_account string,\n  p_region string,\n  p_date string';
      props.push(
        ['projection.p_date.type', 'date'],
        ['projection.p_date.format', dateFormat],
        ['projection.p_date.range', `${since}${hourly ? '/00' : ''},NOW`],
        ['projection.p_date.interval', '1'],
        ['projection.p_date.interval.unit', hourly ? 'HOURS' : 'DAYS'],
      );
      template = `${location}/AWSLogs/\${p_account}/vpcflowlogs/\${p_region}/\${p_date}`;
    }
    props.push(['storage.location.template', template]);
    if (!opts.parquet && opts.header) props.push(['skip.header.line.count', '1']);
    const storage = opts.parquet
      ? 'STORED AS PARQUET'
      : "ROW FORMAT DELIMITED\nFIELDS TERMINATED BY ' '\nSTORED AS TEXTFILE";
    const athenaColumns = fields.map((f) => `  \`${columnName(f)}\` ${athenaType(f)}`);
    return [
      `CREATE EXTERNAL TABLE IF NOT EXISTS ${opts.table} (`,
      athenaColumns.join(',\n'),
      `)`,
      `PARTITIONED BY (\n${partitions}\n)`,
      storage,
      `LOCATION '${location}/AWSLogs/'`,
      `TBLPROPERTIES (\n${props.map(([k, v]) => `  '${k}' = '${v}'`).join(',\n')}\n)`,
    ].join('\n');
  }
  // Trino (Hive connector): no partition projection, so Hive-style prefixes are partitions that
  // system.sync_partition_metadata discovers; the plain layout is read as one recursive location.
  const withProps: string[] = [`external_location = '${location}/AWSLogs/'`, `format = '${opts.parquet ? 'PARQUET' : 'TEXTFILE'}'`];
  if (!opts.parquet) withProps.push(`textfile_field_separator = ' '`);
  if (!opts.parquet && opts.header) withProps.push('skip_header_line_count = 1');
  const partCols = hive ? ['aws-account-id', 'aws-service', 'aws-region', 'year', 'month', 'day', ...(hourly ? ['hour'] : [])] : [];
  if (hive) withProps.push(`partitioned_by = ARRAY[${partCols.map((c) => `'${c}'`).join(', ')}]`);
  const all = [...columns, ...partCols.map((c) => `  "${c}" varchar`)];
  const create = `CREATE TABLE IF NOT EXISTS ${opts.table} (\n${all.join(',\n')}\n)\nWITH (\n  ${withProps.join(',\n  ')}\n)`;
  const [schema, name] = opts.table.includes('.') ? [opts.table.slice(0, opts.table.lastIndexOf('.')), opts.table.slice(opts.table.lastIndexOf('.') + 1)] : ['default', opts.table];
  return hive
    ? `${create};\nCALL system.sync_partition_metadata('${schema.split('.').pop()}', '${name}', 'ADD')`
    : `-- the plain AWSLogs/<account>/vpcflowlogs/<region>/yyyy/mm/dd layout has no key=value partitions:\n-- set hive.recursive-directories=true in the catalog so that the table reads every file under it\n${create}`;
}

// ---------------------------------------------------------------------------------------------------------
// The attribution query

function sourceCte(opts: SqlOptions, s: Sql): string {
  const fields = new Set(opts.localFiles ? opts.localFiles.flatMap((f) => f.format.fields) : opts.format.fields);
  const has = (f: string) => fields.has(f);
  const col = (f: string) => (has(f) ? `NULLIF(CAST(${s.ident(columnName(f))} AS VARCHAR), '-')` : 'CAST(NULL AS VARCHAR)');
  const int = (f: string) => (has(f) ? `TRY_CAST(NULLIF(CAST(${s.ident(columnName(f))} AS VARCHAR), '-') AS BIGINT)` : 'CAST(NULL AS BIGINT)');
  const duck = opts.dialect === 'duckdb';
  const fileCol = duck ? 'file' : '"$path"';
  const lineCol = duck && !opts.parquet ? 'line' : 'CAST(NULL AS BIGINT)';
  // Position in the input: DuckDB's line order; Athena and Trino have none, so the record time.
  const ordCol = duck ? 'ord' : int('start');
  return [
    'src AS (',
    '  SELECT',
    `    ${fileCol} AS file, ${lineCol} AS line, ${ordCol} AS ord,`,
    `    ${col('interface-id')} AS interface_id, ${col('srcaddr')} AS srcaddr, ${col('dstaddr')} AS dstaddr,`,
    `    ${col('srcport')} AS srcport_t, ${col('dstport')} AS dstport_t, ${col('protocol')} AS protocol_t,`,
    `    ${int('srcport')} AS srcport, ${int('dstport')} AS dstport, ${int('protocol')} AS protocol, ${int('start')} AS start,`,
    `    ${int('tcp-flags')} AS tcp_flags, ${col('flow-direction')} AS flow_direction,`,
    `    ${col('pkt-srcaddr')} AS pkt_srcaddr, ${col('pkt-dstaddr')} AS pkt_dstaddr, ${col('reject-reason')} AS reject_reason,`,
    `    ${col('action')} AS action`,
    `  FROM ${opts.table}`,
    `  WHERE ${col('action')} IN ('ACCEPT', 'REJECT')${partitionFilter(opts)}`,
    // A record mixing address families is a bad line for the reader (flowlog/record.ts): no record here either.
    ...[['srcaddr', 'dstaddr'], ['pkt-srcaddr', 'pkt-dstaddr']].filter(([a, b]) => has(a!) && has(b!)).map(([a, b]) =>
      `    AND NOT COALESCE((strpos(${col(a!)}, ':') > 0) <> (strpos(${col(b!)}, ':') > 0), FALSE)`),
    ')',
  ].join('\n');
}

/** Athena: the partitions of --days, so only those days are scanned (and paid for). */
function partitionFilter(opts: SqlOptions): string {
  const days = opts.s3?.days;
  if (opts.dialect !== 'athena' || !days) return '';
  if (!opts.s3!.hive) {
    // Hourly partitions are yyyy/MM/dd/HH: a day's hours sort between the day and the day + '/99'.
    return `\n    AND p_date BETWEEN '${days.from}' AND '${days.to}${opts.s3!.hourly ? '/99' : ''}'`;
  }
  return `\n    AND concat(p_year, '/', p_month, '/', p_day) BETWEEN '${days.from}' AND '${days.to}'`;
}

/** An SG evaluation per class: `allowed` (some rule certainly allows) and `undecided`, for a direction, peer and port. */
function sgEvalCte(name: string, dir: string, port: string): string {
  const m = portMatch('r', port);
  const peer = `((r.peer_kind = 'cidr' AND ${within('r', 'c.peer4', 'c.peer6')}) OR (r.peer_kind = 'ref' AND (p4.id IS NOT NULL OR p6.id IS NOT NULL)))`;
  return [
    `${name} AS (`,
    `  SELECT c.cid,`,
    `    MAX(CASE WHEN ${peer} AND ${m} = 2 THEN 1 ELSE 0 END) AS allowed,`,
    `    MAX(CASE WHEN (${peer} AND ${m} = 1) OR (r.peer_kind = 'unknown' AND ${m} > 0) THEN 1 ELSE 0 END) AS undecided`,
    `  FROM cls3 c`,
    `  JOIN vw_eni_group eg ON eg.eni_id = c.eni_id`,
    `  JOIN vw_sg r ON r.group_id = eg.group_id AND r.direction = ${dir} AND (r.protocol = -1 OR r.protocol = c.protocol)`,
    // One join per family: plain comparisons, so the engines hash on the id (an OR would make a nested loop).
    `  LEFT JOIN vw_peer p4 ON p4.id = r.peer_ref AND c.peer4 BETWEEN p4.lo4 AND p4.hi4`,
    `  LEFT JOIN vw_peer p6 ON p6.id = r.peer_ref AND c.peer6 BETWEEN p6.lo6 AND p6.hi6`,
    `  GROUP BY c.cid`,
    `)`,
  ].join('\n');
}

function queryFor(opts: SqlOptions, s: Sql, t: SnapshotTables): string {
  const duck = opts.dialect === 'duckdb';
  const before = duck ? '<' : '<=';
  const ctes: string[] = [...tableCtes(t), sourceCte(opts, s)];
  // The first ACCEPT of each tuple: a REJECT of the reverse tuple after it reads as a response (ref 8.5).
  ctes.push(`acc AS (
  SELECT interface_id, srcaddr, srcport_t, dstaddr, dstport_t, protocol_t, MIN(ord) AS first_ord
  FROM src WHERE action = 'ACCEPT'
  GROUP BY interface_id, srcaddr, srcport_t, dstaddr, dstport_t, protocol_t
)`);
  ctes.push(`rej AS (
  SELECT b.*, COALESCE(a.first_ord ${before} b.ord, FALSE) AS reverse_accepted
  FROM src b
  LEFT JOIN acc a ON a.interface_id = b.interface_id AND a.srcaddr = b.dstaddr AND a.srcport_t = b.dstport_t
    AND a.dstaddr = b.srcaddr AND a.dstport_t = b.srcport_t AND a.protocol_t = b.protocol_t
  WHERE b.action = 'REJECT'
)`);
  // One class per distinct value of what attribution reads: each is attributed once.
  const keys = ['interface_id', 'srcaddr', 'dstaddr', 'srcport', 'dstport', 'protocol', 'tcp_flags', 'flow_direction', 'pkt_srcaddr', 'pkt_dstaddr', 'reject_reason', 'reverse_accepted'];
  ctes.push(`cls AS (
  SELECT row_number() OVER () AS cid, k.*
  FROM (SELECT DISTINCT ${keys.join(', ')} FROM rej) k
)`);
  const a4 = (x: string) => ipv4(s, x);
  const a6 = (x: string) => s.ipv6(x);
  ctes.push(`cls1 AS (
  SELECT c.*, e.eni_id, e.subnet_id, e.vpc_id, e.nacl_id, e.has_groups, e.group_ids, e.unknown_groups,
    ${a4('c.srcaddr')} AS rs4, ${a6('c.srcaddr')} AS rs6, ${a4('c.dstaddr')} AS rd4, ${a6('c.dstaddr')} AS rd6,
    ${a4('c.pkt_srcaddr')} AS ps4, ${a6('c.pkt_srcaddr')} AS ps6, ${a4('c.pkt_dstaddr')} AS pd4, ${a6('c.pkt_dstaddr')} AS pd6
  FROM cls c LEFT JOIN vw_eni e ON e.eni_id = c.interface_id
)`);
  // The packet's addresses (pkt-* when readable, ref 8.4) and which of the record's addresses the ENI owns (ref 8.3).
  const owns = (x4: string, x6: string) => `EXISTS (SELECT 1 FROM vw_eni_addr o WHERE o.id = c.eni_id AND ${within('o', x4, x6)})`;
  ctes.push(`cls2 AS (
  SELECT c.*,
    CASE WHEN c.ps4 IS NOT NULL OR c.ps6 IS NOT NULL THEN c.ps4 ELSE c.rs4 END AS s4,
    CASE WHEN c.ps4 IS NOT NULL OR c.ps6 IS NOT NULL THEN c.ps6 ELSE c.rs6 END AS s6,
    CASE WHEN c.pd4 IS NOT NULL OR c.pd6 IS NOT NULL THEN c.pd4 ELSE c.rd4 END AS d4,
    CASE WHEN c.pd4 IS NOT NULL OR c.pd6 IS NOT NULL THEN c.pd6 ELSE c.rd6 END AS d6,
    CASE c.flow_direction WHEN 'ingress' THEN 'inbound' WHEN 'egress' THEN 'outbound' ELSE (
      CASE WHEN c.eni_id IS NULL THEN NULL
        WHEN (${owns('c.rd4', 'c.rd6')} OR ${owns('c.pd4', 'c.pd6')}) AND NOT (${owns('c.rs4', 'c.rs6')} OR ${owns('c.ps4', 'c.ps6')}) THEN 'inbound'
        WHEN (${owns('c.rs4', 'c.rs6')} OR ${owns('c.ps4', 'c.ps6')}) AND NOT (${owns('c.rd4', 'c.rd6')} OR ${owns('c.pd4', 'c.pd6')}) THEN 'outbound'
      END) END AS direction,
    EXISTS (SELECT 1 FROM vw_vpc v WHERE ${within('v', 'c.rs4', 'c.rs6')}) AS src_in_vpc,
    EXISTS (SELECT 1 FROM vw_vpc v WHERE ${within('v', 'c.rd4', 'c.rd6')}) AS dst_in_vpc
  FROM cls1 c
)`);
  ctes.push(`cls3 AS (
  SELECT c.*,
    CASE WHEN c.direction = 'outbound' THEN c.d4 ELSE c.s4 END AS peer4,
    CASE WHEN c.direction = 'outbound' THEN c.d6 ELSE c.s6 END AS peer6,
    CASE WHEN c.s4 IS NOT NULL THEN 4 WHEN c.s6 IS NOT NULL THEN 6 END AS sfam,
    CASE WHEN c.d4 IS NOT NULL THEN 4 WHEN c.d6 IS NOT NULL THEN 6 END AS dfam,
    CASE WHEN c.protocol IN (6, 17) THEN c.srcport END AS sport,
    CASE WHEN c.protocol IN (6, 17) THEN c.dstport END AS dport
  FROM cls2 c
)`);
  ctes.push(`cls4 AS (
  SELECT c.*,
    EXISTS (SELECT 1 FROM vw_subnet sn WHERE sn.id = c.subnet_id AND ${within('sn', 'c.peer4', 'c.peer6')}) AS same_subnet,
    EXISTS (SELECT 1 FROM vw_service sv WHERE (sv.id = c.vpc_id OR sv.id = '*') AND ${within('sv', 'c.peer4', 'c.peer6')}) AS service
  FROM cls3 c
)`);
  // NACL: the lowest matching rule number (ref 5.1); code = 2 * rule + (deny ? 1 : 0) carries the action along.
  const nm = portMatch('n', 'c.dport');
  ctes.push(`nacl_eval AS (
  SELECT c.cid,
    MIN(CASE WHEN ${nm} = 2 THEN 2 * n.rule_number + CASE WHEN n.allow THEN 0 ELSE 1 END END) AS decided_code,
    MIN(CASE WHEN ${nm} = 1 THEN n.rule_number END) AS first_maybe
  FROM cls3 c
  JOIN vw_nacl n ON n.nacl_id = c.nacl_id AND n.direction = c.direction AND (n.protocol = -1 OR n.protocol = c.protocol)
    AND ${within('n', 'c.peer4', 'c.peer6')}
  GROUP BY c.cid
)`);
  ctes.push(sgEvalCte('sg_hop', 'c.direction', 'c.dport'));
  // Does the ENI serve the port? Outbound: its groups admit the peer to its source port (the service answering).
  ctes.push(sgEvalCte('sg_serve', "'inbound'", "CASE WHEN c.direction = 'outbound' THEN c.sport ELSE c.dport END"));
  const flags = 'c.tcp_flags';
  ctes.push(`cls5 AS (
  SELECT c.*,
    CASE WHEN c.same_subnet THEN 'skip' WHEN c.nacl_id IS NULL THEN 'missing'
      WHEN ne.decided_code IS NULL OR ${s.d === 'duckdb' ? '(ne.decided_code % 2)' : 'mod(ne.decided_code, 2)'} = 1 THEN 'deny' ELSE 'allow' END AS nacl_state,
    COALESCE(CAST(floor(ne.decided_code / 2) AS BIGINT), CASE WHEN c.sfam = 6 THEN 32768 ELSE 32767 END) AS nacl_rule,
    COALESCE(ne.first_maybe < COALESCE(CAST(floor(ne.decided_code / 2) AS BIGINT), 99999), FALSE) AS nacl_uncertain,
    COALESCE(c.has_groups AND COALESCE(sh.allowed, 0) = 0, FALSE) AS sg_deny,
    (COALESCE(sh.undecided, 0) = 1 OR COALESCE(c.unknown_groups, FALSE)) AS sg_uncertain,
    CASE
      WHEN c.protocol = 6 AND ${flags} IS NOT NULL AND ${s.bitAnd(flags, '2')} <> 0 THEN (CASE WHEN ${s.bitAnd(flags, '16')} <> 0 THEN 'response' ELSE 'request' END)
      WHEN c.reverse_accepted THEN 'response'
      WHEN c.sport IS NOT NULL AND c.dport IS NOT NULL AND c.has_groups AND c.direction = 'outbound' AND NOT ${servicePort('c.dport')} AND COALESCE(ss.allowed, 0) = 1 THEN 'response'
      WHEN c.sport IS NOT NULL AND c.dport IS NOT NULL AND c.has_groups AND c.direction = 'inbound' AND NOT ${servicePort('c.sport')} AND COALESCE(sh.allowed, 0) = 1 THEN 'request'
      WHEN c.sport IS NOT NULL AND c.dport IS NOT NULL AND ${servicePort('c.dport')} AND NOT ${servicePort('c.sport')} THEN 'request'
      WHEN c.sport IS NOT NULL AND c.dport IS NOT NULL AND ${servicePort('c.sport')} AND NOT ${servicePort('c.dport')} THEN 'response'
      ELSE 'unknown'
    END AS reading
  FROM cls4 c
  LEFT JOIN nacl_eval ne ON ne.cid = c.cid
  LEFT JOIN sg_hop sh ON sh.cid = c.cid
  LEFT JOIN sg_serve ss ON ss.cid = c.cid
)`);
  // The blocker of the chosen reading: N (the NACL), S (the security groups) or none. A response passes
  // the groups (stateful, ref 4.3); a request meets them before the NACL outbound, after it inbound.
  ctes.push(`cls6 AS (
  SELECT c.*,
    CASE
      WHEN c.reading = 'unknown' AND c.sg_deny AND c.nacl_state <> 'deny' THEN 'consistent-request'
      WHEN c.reading = 'unknown' AND c.sg_deny AND c.nacl_state = 'deny' AND c.direction = 'outbound' THEN 'two-blockers'
      ELSE 'chosen'
    END AS path,
    CASE
      WHEN c.reading = 'response' THEN (CASE WHEN c.nacl_state = 'deny' THEN 'N' END)
      WHEN c.direction = 'inbound' THEN (CASE WHEN c.nacl_state = 'deny' THEN 'N' WHEN c.sg_deny THEN 'S' END)
      ELSE (CASE WHEN c.sg_deny THEN 'S' WHEN c.nacl_state = 'deny' THEN 'N' END)
    END AS blocker
  FROM cls5 c
)`);
  const bpaDir = `(CASE WHEN c.flow_direction = 'ingress' THEN 'inbound' WHEN c.flow_direction = 'egress' THEN 'outbound'
        WHEN c.rs4 IS NOT NULL OR c.rs6 IS NOT NULL THEN (CASE WHEN (c.rd4 IS NOT NULL OR c.rd6 IS NOT NULL) AND c.src_in_vpc AND NOT c.dst_in_vpc THEN 'outbound' ELSE 'inbound' END)
        ELSE 'inbound' END)`;
  ctes.push(`outcome AS (
  SELECT c.cid,
    CASE
      WHEN c.eni_id IS NULL THEN (CASE WHEN c.reject_reason = 'BPA' THEN 'blocked' ELSE 'unknown-interface' END)
      WHEN c.direction IS NULL OR c.sfam IS NULL OR c.dfam IS NULL OR c.protocol IS NULL OR c.sfam <> c.dfam THEN 'ambiguous'
      WHEN c.reject_reason = 'BPA' THEN 'blocked'
      WHEN c.service THEN 'config-allows'
      WHEN c.path = 'two-blockers' THEN 'ambiguous'
      WHEN c.path = 'consistent-request' THEN (CASE WHEN c.sg_uncertain THEN 'ambiguous' ELSE 'blocked' END)
      WHEN c.nacl_state = 'missing' AND NOT (c.direction = 'outbound' AND COALESCE(c.blocker, '') = 'S') THEN 'ambiguous'
      WHEN c.blocker IS NULL THEN 'config-allows'
      WHEN c.blocker = 'N' THEN (CASE WHEN c.nacl_uncertain THEN 'ambiguous' ELSE 'blocked' END)
      ELSE (CASE WHEN c.sg_uncertain THEN 'ambiguous' ELSE 'blocked' END)
    END AS verdict,
    CASE
      WHEN c.eni_id IS NULL OR c.direction IS NULL OR c.sfam IS NULL OR c.dfam IS NULL OR c.protocol IS NULL OR c.sfam <> c.dfam
        OR c.reject_reason = 'BPA' OR c.service OR c.path = 'two-blockers' THEN 'unknown'
      WHEN c.path = 'consistent-request' THEN 'request'
      ELSE c.reading
    END AS traffic,
    CASE
      WHEN c.eni_id IS NULL THEN (CASE WHEN c.reject_reason = 'BPA' THEN 'B' END)
      WHEN c.direction IS NULL OR c.sfam IS NULL OR c.dfam IS NULL OR c.protocol IS NULL OR c.sfam <> c.dfam THEN NULL
      WHEN c.reject_reason = 'BPA' THEN 'B'
      WHEN c.path = 'consistent-request' THEN 'S'
      ELSE c.blocker
    END AS blocker,
    CASE WHEN c.eni_id IS NULL THEN ${bpaDir} ELSE c.direction END AS direction,
    c.nacl_id, c.nacl_rule, c.group_ids
  FROM cls6 c
)`);
  ctes.push(`attributed AS (
  SELECT o.cid, o.verdict, o.traffic,
    CASE WHEN o.verdict <> 'blocked' THEN NULL WHEN o.blocker = 'N' THEN 'network-acl' WHEN o.blocker = 'S' THEN 'security-group' WHEN o.blocker = 'B' THEN 'block-public-access' END AS blocked_by_component,
    CASE WHEN o.verdict = 'blocked' AND o.blocker = 'N' THEN o.nacl_id END AS blocked_by_id,
    CASE WHEN o.verdict = 'blocked' THEN o.direction END AS blocked_by_direction,
    CASE WHEN o.verdict = 'blocked' AND o.blocker = 'N' THEN o.nacl_rule END AS blocked_by_rule,
    CASE WHEN o.verdict = 'blocked' AND o.blocker = 'S' THEN ${s.splitIds('o.group_ids')} END AS blocked_by_ids
  FROM outcome o
)`);
  // Equality on every key, NULL equal to NULL (as a plain equi-join, which every engine hashes).
  const INT_KEYS = new Set(['srcport', 'dstport', 'protocol', 'tcp_flags']);
  const join = keys
    .map((k) => (k === 'reverse_accepted' ? `c.${k} = r.${k}` : INT_KEYS.has(k) ? `COALESCE(c.${k}, -1) = COALESCE(r.${k}, -1)` : `COALESCE(c.${k}, '') = COALESCE(r.${k}, '')`))
    .join('\n  AND ');
  return [
    `WITH\n${ctes.join(',\n')}`,
    `SELECT r.file, r.line, r.interface_id, r.srcaddr, r.dstaddr, r.srcport, r.dstport, r.protocol, r.start,`,
    `  a.verdict, a.traffic, a.blocked_by_component, a.blocked_by_id, a.blocked_by_direction, a.blocked_by_rule, a.blocked_by_ids`,
    `FROM rej r`,
    `JOIN cls c ON ${join}`,
    `JOIN attributed a ON a.cid = c.cid`,
  ].join('\n');
}

function summaryFor(view: string, s: Sql): string {
  const ids = s.d === 'duckdb' ? "array_to_string(blocked_by_ids, ',')" : "array_join(blocked_by_ids, ',')";
  const rule = `COALESCE(blocked_by_component, verdict) || ' ' || COALESCE(blocked_by_id, ${ids}, '') || ' ' || COALESCE(blocked_by_direction, '') || ' ' || COALESCE(CAST(blocked_by_rule AS VARCHAR), '')`;
  return `WITH
ruled AS (SELECT trim(${rule}) AS rule, srcaddr, dstport FROM ${view}),
rules AS (SELECT rule, count(*) AS records FROM ruled GROUP BY rule),
srcs AS (SELECT rule, srcaddr, count(*) AS n, row_number() OVER (PARTITION BY rule ORDER BY count(*) DESC, srcaddr) AS k FROM ruled GROUP BY rule, srcaddr),
ports AS (SELECT rule, dstport, count(*) AS n, row_number() OVER (PARTITION BY rule ORDER BY count(*) DESC, dstport) AS k FROM ruled WHERE dstport IS NOT NULL GROUP BY rule, dstport)
SELECT r.rule, r.records,
  (SELECT ${s.arrayAgg("srcaddr || ' (' || CAST(n AS VARCHAR) || ')'", 'n DESC, srcaddr')} FROM srcs WHERE srcs.rule = r.rule AND k <= 5) AS top_sources,
  (SELECT ${s.arrayAgg("CAST(dstport AS VARCHAR) || ' (' || CAST(n AS VARCHAR) || ')'", 'n DESC, dstport')} FROM ports WHERE ports.rule = r.rule AND k <= 5) AS top_ports
FROM rules r
ORDER BY r.records DESC, r.rule`;
}

/** The DDL, the view and (with `summary`) the summary query for a snapshot. */
export function compileSql(index: SnapshotIndex, opts: SqlOptions): CompiledSql {
  const s = sqlFor(opts.dialect);
  const t = snapshotTables(index);
  const ddl = ddlFor(opts, s);
  const query = queryFor(opts, s, t);
  const viewName = `${opts.table}_rejects`;
  const view = `CREATE OR REPLACE VIEW ${viewName} AS\n${query}`;
  const summary = opts.summary ? summaryFor(viewName, s) : null;
  const parts = [`-- vpcwhy sql --dialect ${opts.dialect}: ${RESULT_COLUMNS.join(', ')}`, `${ddl};`, `${view};`];
  if (summary) parts.push(`${summary};`);
  if (opts.dialect === 'duckdb') parts.push(`SELECT * FROM ${viewName} ORDER BY file, line;`);
  return { ddl, view, query, summary, script: `${parts.join('\n\n')}\n` };
}
