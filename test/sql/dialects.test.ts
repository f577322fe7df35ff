/**
 * The text of `vpcwhy sql --dialect athena|trino` (no engine runs them here): the DDL over the S3 layout of
 * ref 1.9 (partition projection, daily and hourly partitions, Hive-compatible prefixes, text with a header
 * line or Parquet), the view and its columns named after the JSONL fields, the --summary query, the
 * dialect's own functions, and the usage errors for what the projection cannot guess (region, account,
 * location).
 */
import { describe, expect, it } from 'vitest';
import { RESULT_COLUMNS } from '../../src/sql/compile.js';
import { runCli } from '../cli/run-cli.js';

const SNAPSHOT = 'examples/three-tier/snapshot';
const LOCATION = 's3://example-bucket/flow-logs';

async function sql(dialect: 'athena' | 'trino', ...extra: string[]): Promise<string> {
  const region = dialect === 'athena' && !extra.includes('--region') ? ['--region', 'us-east-1'] : [];
  const r = await runCli(['sql', '--snapshot', SNAPSHOT, '--dialect', dialect, '--location', LOCATION, ...region, ...extra]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return r.stdout;
}

/** The statements of a script, split at the `;` that end a line (comments dropped). */
function statements(script: string): string[] {
  return script
    .split(/;\n/)
    .map((s) => s.split('\n').filter((l) => !l.startsWith('--')).join('\n').trim())
    .filter((s) => s !== '');
}

/** TBLPROPERTIES of an Athena CREATE EXTERNAL TABLE as a map. */
function tblProperties(ddl: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of ddl.matchAll(/^\s*'([^']+)' = '([^']*)'/gm)) out.set(m[1]!, m[2]!);
  return out;
}

/** The column list of the view's final SELECT. */
function viewColumns(view: string): string[] {
  const last = view.slice(view.lastIndexOf('\nSELECT '));
  const list = last.slice('\nSELECT '.length, last.indexOf('\nFROM '));
  return list.split(',').map((c) => c.trim().replace(/^[a-z]\./, ''));
}

const ISSUE_COLUMNS = ['interface_id', 'srcaddr', 'dstaddr', 'srcport', 'dstport', 'protocol', 'start', 'verdict', 'traffic', 'blocked_by_component', 'blocked_by_id', 'blocked_by_direction', 'blocked_by_rule', 'blocked_by_ids'];

describe('vpcwhy sql --dialect athena: DDL with partition projection (ref 1.9)', () => {
  it('daily partitions over AWSLogs/<account>/vpcflowlogs/<region>/yyyy/mm/dd, text with a header line', async () => {
    const [ddl] = statements(await sql('athena'));
    expect(ddl).toMatch(/^CREATE EXTERNAL TABLE IF NOT EXISTS vpc_flow_logs \(/);
    expect(ddl).toContain('`interface_id` string');
    expect(ddl).toContain('`srcport` int');
    expect(ddl).toContain('`start` bigint');
    expect(ddl).toContain('PARTITIONED BY (\n  p_account string,\n  p_region string,\n  p_date string\n)');
    expect(ddl).toContain("ROW FORMAT DELIMITED\nFIELDS TERMINATED BY ' '\nSTORED AS TEXTFILE");
    expect(ddl).toContain(`LOCATION '${LOCATION}/AWSLogs/'`);
    const p = tblProperties(ddl!);
    expect(p.get('projection.enabled')).toBe('true');
    expect(p.get('projection.p_account.type')).toBe('enum');
    expect(p.get('projection.p_account.values')).toBe('123456789012');
    expect(p.get('projection.p_region.values')).toBe('us-east-1');
    expect(p.get('projection.p_date.type')).toBe('date');
    expect(p.get('projection.p_date.format')).toBe('yyyy/MM/dd');
    expect(p.get('projection.p_date.range')).toBe('2024/01/01,NOW');
    expect(p.get('projection.p_date.interval.unit')).toBe('DAYS');
    expect(p.get('storage.location.template')).toBe(`${LOCATION}/AWSLogs/\${p_account}/vpcflowlogs/\${p_region}/\${p_date}`);
    expect(p.get('skip.header.line.count')).toBe('1');
  });

  it('--hourly: partitions of yyyy/MM/dd/HH, an interval of hours', async () => {
    const p = tblProperties(statements(await sql('athena', '--hourly', '--since', '2026/11/01'))[0]!);
    expect(p.get('projection.p_date.format')).toBe('yyyy/MM/dd/HH');
    expect(p.get('projection.p_date.range')).toBe('2026/11/01/00,NOW');
    expect(p.get('projection.p_date.interval.unit')).toBe('HOURS');
  });

  it('--hive: aws-account-id=/aws-service=vpcflowlogs/aws-region=/year=/month=/day= prefixes, and hour= with --hourly', async () => {
    const ddl = statements(await sql('athena', '--hive', '--region', 'eu-west-1', '--region', 'us-east-1'))[0]!;
    expect(ddl).toContain('p_year string,\n  p_month string,\n  p_day string\n)');
    const p = tblProperties(ddl);
    expect(p.get('storage.location.template')).toBe(`${LOCATION}/AWSLogs/aws-account-id=\${p_account}/aws-service=vpcflowlogs/aws-region=\${p_region}/year=\${p_year}/month=\${p_month}/day=\${p_day}`);
    expect(p.get('projection.p_region.values')).toBe('eu-west-1,us-east-1');
    expect(p.get('projection.p_month.digits')).toBe('2');
    expect(p.get('projection.p_day.range')).toBe('1,31');
    const hourly = tblProperties(statements(await sql('athena', '--hive', '--hourly'))[0]!);
    expect(hourly.get('storage.location.template')).toMatch(/\/day=\$\{p_day\}\/hour=\$\{p_hour\}$/);
    expect(hourly.get('projection.p_hour.range')).toBe('0,23');
  });

  it('--parquet: STORED AS PARQUET, no header line to skip; --no-header: text without one', async () => {
    const parquet = statements(await sql('athena', '--parquet'))[0]!;
    expect(parquet).toContain('STORED AS PARQUET');
    expect(parquet).not.toContain('ROW FORMAT');
    expect(tblProperties(parquet).has('skip.header.line.count')).toBe(false);
    expect(tblProperties(statements(await sql('athena', '--no-header'))[0]!).has('skip.header.line.count')).toBe(false);
  });

  it('--account and --log-format: the accounts enumerated, the columns of the format (ref 1.4)', async () => {
    const ddl = statements(await sql('athena', '--account', '111111111111', '--account', '222222222222', '--log-format', '${version} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${start} ${action} ${tcp-flags} ${flow-direction} ${pkt-srcaddr}'))[0]!;
    expect(tblProperties(ddl).get('projection.p_account.values')).toBe('111111111111,222222222222');
    expect(ddl).toContain('`tcp_flags` int');
    expect(ddl).toContain('`flow_direction` string');
    expect(ddl).toContain('`pkt_srcaddr` string');
    expect(ddl).not.toContain('`account_id`');
  });

  it('the view vpc_flow_logs_rejects: the columns named after the JSONL fields, Athena functions only', async () => {
    const [, view] = statements(await sql('athena', '--table', 'logs.flows'));
    expect(view).toMatch(/^CREATE OR REPLACE VIEW logs\.flows_rejects AS\nWITH\n/);
    expect(viewColumns(view!)).toEqual([...RESULT_COLUMNS]);
    for (const c of ISSUE_COLUMNS) expect(RESULT_COLUMNS).toContain(c);
    expect(view).toContain('FROM logs.flows\n');
    expect(view).toContain("WHERE NULLIF(CAST(\"action\" AS VARCHAR), '-') IN ('ACCEPT', 'REJECT')");
    expect(view).toContain('regexp_like(');
    expect(view).toContain('"$path" AS file');
    for (const duckOnly of ['regexp_full_match', 'string_split', 'list_transform', 'read_csv']) expect(view).not.toContain(duckOnly);
    // No position in Athena rows: "an ACCEPT earlier" is by record time (docs/sql.md).
    expect(view).toContain('COALESCE(a.first_ord <= b.ord, FALSE) AS reverse_accepted');
  });

  it('--days: the partition filter, so that only those days are scanned', async () => {
    expect(statements(await sql('athena', '--days', '2026/12/01..2026/12/07'))[1]).toContain("AND p_date BETWEEN '2026/12/01' AND '2026/12/07'");
    expect(statements(await sql('athena', '--hourly', '--days', '2026/12/01'))[1]).toContain("AND p_date BETWEEN '2026/12/01' AND '2026/12/01/99'");
    expect(statements(await sql('athena', '--hive', '--days', '2026/12/01'))[1]).toContain("AND concat(p_year, '/', p_month, '/', p_day) BETWEEN '2026/12/01' AND '2026/12/01'");
  });

  it('--summary: rejects by blocking rule with the top 5 sources and ports, over the view', async () => {
    const all = statements(await sql('athena', '--summary'));
    expect(all).toHaveLength(3);
    const summary = all[2]!;
    expect(summary).toContain('FROM vpc_flow_logs_rejects)');
    expect(summary).toContain('AS top_sources');
    expect(summary).toContain('AS top_ports');
    expect(summary).toContain('k <= 5');
    expect(summary).toContain("array_join(blocked_by_ids, ',')");
    expect(summary).toMatch(/ORDER BY r\.records DESC, r\.rule$/);
    expect(statements(await sql('athena'))).toHaveLength(2);
  });
});

describe('vpcwhy sql --dialect athena|trino: what the projection cannot guess is asked for, never a placeholder', () => {
  it('no --region and a snapshot that names none: a usage error naming --region (exit 2)', async () => {
    const r = await runCli(['sql', '--snapshot', SNAPSHOT, '--dialect', 'athena', '--location', LOCATION]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('--region: the snapshot names no region');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('a malformed --region, a missing or non-S3 --location: usage errors (exit 2)', async () => {
    const bad = await runCli(['sql', '--snapshot', SNAPSHOT, '--dialect', 'athena', '--location', LOCATION, '--region', 'REGION']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--region: expected a region name such as us-east-1, got "REGION"');
    for (const dialect of ['athena', 'trino']) {
      const none = await runCli(['sql', '--snapshot', SNAPSHOT, '--dialect', dialect, '--region', 'us-east-1']);
      expect(none.code).toBe(2);
      expect(none.stderr).toContain(`--location: for --dialect ${dialect}, give the s3://bucket[/prefix]`);
      const local = await runCli(['sql', '--snapshot', SNAPSHOT, '--dialect', dialect, '--location', '/tmp/logs']);
      expect(local.code).toBe(2);
      expect(local.stderr).toContain('expected s3://bucket[/prefix], got /tmp/logs');
    }
  });

  it('no placeholder text in any Athena or Trino script', async () => {
    for (const script of [await sql('athena'), await sql('athena', '--hive', '--hourly', '--parquet', '--summary'), await sql('trino'), await sql('trino', '--hive', '--summary')]) {
      for (const placeholder of ['REGION', 'ACCOUNT_ID', 'BUCKET', 'PREFIX']) expect(script).not.toContain(placeholder);
    }
  });
});

describe('vpcwhy sql --dialect trino: a Hive-connector table (ref 1.9)', () => {
  it('the plain layout: one recursive location, text with a header line; the comment before the statement', async () => {
    const script = await sql('trino');
    const [ddl, view] = statements(script);
    expect(ddl).toMatch(/^CREATE TABLE IF NOT EXISTS vpc_flow_logs \(\n  "version" integer,/);
    expect(ddl).toContain('"interface_id" varchar');
    expect(ddl).toContain(`WITH (\n  external_location = '${LOCATION}/AWSLogs/',\n  format = 'TEXTFILE',\n  textfile_field_separator = ' ',\n  skip_header_line_count = 1\n)`);
    expect(ddl!.endsWith(')')).toBe(true);
    expect(script).toContain('-- set hive.recursive-directories=true in the catalog');
    // Every statement ends with ';' outside a comment.
    for (const line of script.split('\n')) if (line.startsWith('--')) expect(line.endsWith(';')).toBe(false);
    expect(view).toMatch(/^CREATE OR REPLACE VIEW vpc_flow_logs_rejects AS\nWITH\n/);
    expect(viewColumns(view!)).toEqual([...RESULT_COLUMNS]);
  });

  it('--hive: key=value partitions discovered by sync_partition_metadata; --parquet: format PARQUET', async () => {
    const all = statements(await sql('trino', '--hive', '--table', 'lake.vpc.flows'));
    expect(all[0]).toContain("partitioned_by = ARRAY['aws-account-id', 'aws-service', 'aws-region', 'year', 'month', 'day']");
    expect(all[0]).toContain('"day" varchar');
    expect(all[1]).toBe("CALL system.sync_partition_metadata('vpc', 'flows', 'ADD')");
    const hourly = statements(await sql('trino', '--hive', '--hourly'))[0]!;
    expect(hourly).toContain("'day', 'hour']");
    const parquet = statements(await sql('trino', '--parquet'))[0]!;
    expect(parquet).toContain("format = 'PARQUET'");
    expect(parquet).not.toContain('textfile_field_separator');
    expect(parquet).not.toContain('skip_header_line_count');
  });

  it('Trino functions in the view and the --summary query', async () => {
    const all = statements(await sql('trino', '--summary'));
    const view = all[1]!;
    for (const fn of ['regexp_like(', 'bitwise_and(', 'split(', 'transform(', 'array_join(', 'to_base(']) expect(view).toContain(fn);
    for (const duckOnly of ['regexp_full_match', 'string_split', 'list_transform', '`']) expect(view).not.toContain(duckOnly);
    expect(view).toContain('mod(ne.decided_code, 2)');
    expect(all[2]).toContain("array_join(blocked_by_ids, ',')");
    expect(all[2]).toContain('FROM vpc_flow_logs_rejects)');
  });
});
