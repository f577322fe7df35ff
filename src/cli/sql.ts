/** `vpcwhy sql`: the attribution of explain as SQL for Athena, Trino or DuckDB, compiled from a snapshot. */
import type { Command } from 'commander';
import { type FlowLogFormat, DEFAULT_FORMAT, parseLogFormat } from '../flowlog/format.js';
import { E } from '../fp.js';
import { type Dialect, DIALECTS, type S3Layout, type SqlOptions, compileSql } from '../sql/compile.js';
import { localInputs } from '../sql/local-input.js';
import { EXIT_OK, UsageError } from './errors.js';
import { type Io, processIo } from './io.js';
import { loadIndexedSnapshot } from './snapshot-option.js';
import { LOG_FORMAT_OPTION, REGION_OPTION, SNAPSHOT_OPTION, declareOptions, missingOption, withDescription } from './options.js';

export interface SqlCommandOptions {
  snapshot: string[];
  dialect?: string;
  table: string;
  location?: string;
  logFormat?: string;
  parquet?: boolean;
  summary?: boolean;
  hive?: boolean;
  hourly?: boolean;
  noHeader?: boolean;
  header?: boolean;
  since?: string;
  days?: string;
  account: string[];
  region: string[];
}

export function registerSql(program: Command, setExitCode: (code: number) => void, io: Io = processIo()): void {
  const cmd = program
    .command('sql')
    .description("compile the snapshot's attribution of REJECTs into SQL for Athena, Trino or DuckDB (DDL, view, query)");
  declareOptions(cmd, [
    { ...SNAPSHOT_OPTION, required: true },
    { flags: '--dialect <dialect>', description: 'athena | trino | duckdb', required: true, requiredHint: 'athena, trino or duckdb' },
    { flags: '--table <name>', description: 'name of the flow-log table', default: 'vpc_flow_logs' },
    { flags: '--location <where>', description: 'athena/trino: s3://bucket/prefix above AWSLogs/; duckdb: a local file, directory or glob', required: 'for duckdb' },
    withDescription(LOG_FORMAT_OPTION, "the flow log's LogFormat ('${version} ${vpc-id} ...'); default: the version-2 format, or a local file's header"),
    { flags: '--parquet', description: 'the flow logs are Parquet (text with a header line otherwise)' },
    { flags: '--no-header', description: 'athena/trino: the text files have no header line' },
    { flags: '--hive', description: 'athena/trino: Hive-compatible S3 prefixes (aws-account-id=.../year=.../month=...)' },
    { flags: '--hourly', description: 'athena/trino: hourly partitions (.../yyyy/mm/dd/HH/)' },
    { flags: '--since <yyyy/mm/dd>', description: 'athena: first day of the partition projection', default: '2024/01/01' },
    { flags: '--days <from..to>', description: 'athena: scan only these days (yyyy/mm/dd..yyyy/mm/dd, or one day), by partition' },
    { flags: '--account <id>', description: "athena: account id in the S3 prefixes (default: the snapshot's owners)", repeatable: true },
    withDescription(REGION_OPTION, "athena: region in the S3 prefixes (default: the snapshot's)"),
    { flags: '--summary', description: 'also print a query of rejects by blocking rule with top sources and ports' },
  ], [[0, 'the SQL is printed']]);
  cmd.action(async (opts: SqlCommandOptions) => {
    setExitCode(await runSql(opts, io));
  });
}

export async function runSql(opts: SqlCommandOptions, io: Io): Promise<number> {
  const dialect = opts.dialect as Dialect | undefined;
  if (!dialect || !DIALECTS.includes(dialect)) throw new UsageError(`--dialect: expected ${DIALECTS.join(', ')}, got ${opts.dialect === undefined ? 'nothing' : JSON.stringify(opts.dialect)}`);
  if (!/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*){0,2}$/.test(opts.table)) throw new UsageError(`--table: expected a table name (letters, digits, _ and up to two dots), got ${JSON.stringify(opts.table)}`);
  if (!/^\d{4}\/\d{2}\/\d{2}$/.test(opts.since ?? '')) throw new UsageError(`--since: expected yyyy/mm/dd, got ${JSON.stringify(opts.since)}`);
  let given: FlowLogFormat | undefined;
  if (opts.logFormat !== undefined) {
    const parsed = parseLogFormat(opts.logFormat, '--log-format');
    if (E.isLeft(parsed)) throw new UsageError(`--log-format: ${parsed.left.message}`);
    given = parsed.right;
  }
  let format = given ?? DEFAULT_FORMAT;
  let header = opts.header !== false;
  let files: string[] | undefined;
  let localFiles: SqlOptions['localFiles'];
  let parquet = opts.parquet ?? false;
  let s3: S3Layout | undefined;
  if (dialect === 'duckdb') {
    if (opts.location === undefined) throw missingOption({ flags: '--location <where>', description: '', requiredHint: 'with --dialect duckdb: the local flow-log file, directory or glob to read' });
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(opts.location)) throw new UsageError(`--location: for --dialect duckdb, expected a local path, got ${opts.location}`);
    if (/[*?[]/.test(opts.location)) {
      // A glob is DuckDB's to expand: the format is --log-format (or the default), with a header line.
      files = [opts.location];
    } else {
      const inputs = await localInputs([opts.location], given);
      if (!inputs.ok) throw new UsageError(`--location: ${inputs.message}`);
      if (inputs.files.length === 0) throw new UsageError(`--location: ${opts.location} holds no flow-log files`);
      localFiles = inputs.files.map((f) => ({ file: f.file, format: f.format, header: f.header, parquet: f.kind === 'parquet' }));
    }
  } else {
    if (opts.location === undefined) throw new UsageError(`--location: for --dialect ${dialect}, give the s3://bucket[/prefix] the flow logs are delivered to (the prefix above AWSLogs/)`);
    if (!/^s3:\/\/[^/]+/.test(opts.location)) throw new UsageError(`--location: for --dialect ${dialect}, expected s3://bucket[/prefix], got ${opts.location}`);
  }
  const index = await loadIndexedSnapshot(opts.snapshot, {}, io);
  if (dialect !== 'duckdb') {
    const snap = index.snapshot;
    const accounts = [...new Set([...snap.vpcs.map((v) => v.ownerId), ...snap.securityGroups.map((g) => g.ownerId)].filter((x): x is string => typeof x === 'string' && /^\d{12}$/.test(x)))].sort();
    const regions = [...new Set(snap.vpcs.map((v) => v.region).filter((x): x is string => typeof x === 'string'))].sort();
    let days: { from: string; to: string } | undefined;
    if (opts.days !== undefined) {
      const m = /^(\d{4}\/\d{2}\/\d{2})(?:\.\.(\d{4}\/\d{2}\/\d{2}))?$/.exec(opts.days);
      if (!m) throw new UsageError(`--days: expected yyyy/mm/dd or yyyy/mm/dd..yyyy/mm/dd, got ${JSON.stringify(opts.days)}`);
      days = { from: m[1]!, to: m[2] ?? m[1]! };
    }
    for (const a of opts.account) if (!/^\d{12}$/.test(a)) throw new UsageError(`--account: expected a 12-digit account id, got ${JSON.stringify(a)}`);
    for (const r of opts.region) if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(r)) throw new UsageError(`--region: expected a region name such as us-east-1, got ${JSON.stringify(r)}`);
    // Athena's partition projection enumerates the accounts and regions of the S3 prefixes: never guessed.
    if (dialect === 'athena' && opts.region.length === 0 && regions.length === 0) {
      throw new UsageError('--region: the snapshot names no region, and the partition projection needs the region of the S3 prefixes (AWSLogs/<account>/vpcflowlogs/<region>/): give --region R (repeatable)');
    }
    if (dialect === 'athena' && opts.account.length === 0 && accounts.length === 0) {
      throw new UsageError('--account: the snapshot names no account, and the partition projection needs the account of the S3 prefixes (AWSLogs/<account>/vpcflowlogs/...): give --account ID (repeatable)');
    }
    s3 = {
      location: opts.location,
      hive: opts.hive ?? false,
      hourly: opts.hourly ?? false,
      accounts: opts.account.length ? opts.account : accounts,
      regions: opts.region.length ? opts.region : regions,
      since: opts.since ?? '2024/01/01',
      ...(days ? { days } : {}),
    };
  }
  const compiled = compileSql(index, {
    dialect,
    table: opts.table,
    format,
    parquet,
    header,
    summary: opts.summary ?? false,
    ...(s3 ? { s3 } : {}),
    ...(files ? { files } : {}),
    ...(localFiles ? { localFiles } : {}),
  });
  io.stdout.write(compiled.script);
  return EXIT_OK;
}
