/** `vpcwhy explain`: attribute every REJECT of a flow log to the rule that blocked it. */
import { promises as fsp } from 'node:fs';
import type { Command } from 'commander';
import { type RemoteOptions, isAwsSourceError } from '../aws/remote-common.js';
import { isS3Url, parseS3Url } from '../aws/s3-url.js';
import { checkTimeWindow, parseTimeOption } from '../aws/time-range.js';
import type { SnapshotIndex } from '../engine/snapshot-index.js';
import { type ExplainFormat, explainFilter, runExplain, streamWriter } from '../pipeline/run.js';
import { type FlowLogFormat, parseLogFormat } from '../flowlog/format.js';
import { type FlowLogEvent, readFlowLogs } from '../flowlog/reader.js';
import { expandInputs } from '../flowlog/sources.js';
import type { AcceptFilter } from '../pipeline/accept-index.js';
import { type ReadWorker, startReadWorker, useReadWorker } from '../pipeline/read-thread.js';
import { E } from '../fp.js';
import { renderRecordText, renderSummaryText } from '../report/explain-text.js';
import { renderExplainWarnings } from '../report/explain.js';
import { printable } from '../report/printable.js';
import type { ExplainSummary } from '../explain/summary.js';
import { customFormatAdvice } from '../flowlog/known-formats.js';
import { EXIT_BAD_INPUT, EXIT_OK, UsageError } from './errors.js';
import { heapTrimmer } from './heap.js';
import { createProgress } from './progress.js';
import { WIDTH_SPEC, textWidth } from './width-option.js';
import { type Io, processIo } from './io.js';
import { loadIndexedSnapshot } from './snapshot-option.js';
import { ALLOW_PARTIAL_OPTION, CFN_SPEC, ENDPOINT_URL_OPTION, LOG_FORMAT_OPTION, PLAN_SPEC, PROFILE_OPTION, REGION_OPTION, SNAPSHOT_OPTION, STRICT_OPTION, VERBOSE_OPTION, declareOptions, formatOption, withDescription } from './options.js';
import { DUCKDB_MISSING, type DuckDbOptions, DuckDbSession } from '../sql/duckdb.js';
import { type DuckPlan, planDuckRead } from '../sql/duckdb-reader.js';
import { localInputs } from '../sql/local-input.js';

export interface ExplainOptions {
  snapshot: string[];
  plan?: string;
  cfn?: string[];
  logFormat?: string;
  format: string;
  all?: boolean;
  strict?: boolean;
  verbose?: boolean;
  logGroup: string[];
  region: string[];
  profile?: string;
  endpointUrl?: string;
  since?: string;
  until?: string;
  interface: string[];
  allowPartial?: boolean;
  engine?: string;
  width?: string;
}

export function registerExplain(program: Command, setExitCode: (code: number) => void, io: Io = processIo()): void {
  const cmd = program
    .command('explain')
    .description('name the security group, network ACL rule or other component behind every REJECT in VPC Flow Logs')
    .argument('[logs...]', 'flow-log files, .gz and Parquet files, directories (walked recursively), s3://bucket/prefix, or - for stdin');
  declareOptions(cmd, [
    { flags: SNAPSHOT_OPTION.flags, description: `${SNAPSHOT_OPTION.description}; without it, a live snapshot of --region is taken`, repeatable: true },
    PLAN_SPEC,
    CFN_SPEC,
    LOG_FORMAT_OPTION,
    { flags: '--log-group <name>', description: 'read flow logs from this CloudWatch Logs group', repeatable: true },
    formatOption(['text', 'json', 'jsonl']),
    { flags: '--all', description: 'explain ACCEPT records too' },
    STRICT_OPTION,
    { flags: '--since <time>', description: 'S3 / CloudWatch: only records from this time (ISO time, or relative: 2h, 3d)' },
    { flags: '--until <time>', description: 'S3 / CloudWatch: only records before this time' },
    { flags: '--interface <eni-id>', description: 'only records of this network interface', repeatable: true },
    withDescription(REGION_OPTION, 'AWS region for the live snapshot (several: one snapshot of them all), S3 and CloudWatch'),
    PROFILE_OPTION,
    ENDPOINT_URL_OPTION,
    ALLOW_PARTIAL_OPTION,
    { flags: '--engine <engine>', description: 'ts | duckdb | auto: duckdb reads local files through embedded DuckDB (optional dependency); auto uses it for large local inputs when installed', default: 'ts' },
    WIDTH_SPEC,
    VERBOSE_OPTION,
  ], [[0, 'the run completed, whatever the verdicts'], [2, 'bad input or usage, a bad line under --strict, a damaged file, or no record read from any input']], ['[logs...] or --log-group NAME (what to read)']);
  cmd.action(async (logs: string[], opts: ExplainOptions) => {
    setExitCode(await runExplainCommand(logs, opts, io));
  });
}

/** The CloudWatch column order: --log-format, else the LogFormat of the flow log that writes to the group (by name or ARN). */
export function formatForLogGroup(index: SnapshotIndex, group: string, given: FlowLogFormat | undefined, warn: (m: string) => void): FlowLogFormat | undefined {
  if (given) return given;
  // A log group given as an ARN (arn:aws:logs:region:account:log-group:NAME[:*]) is matched by its name.
  const name = /^arn:aws[a-z-]*:logs:[^:]*:[^:]*:log-group:([^:]+)(?::\*)?$/.exec(group)?.[1] ?? group;
  const defs = index.snapshot.flowLogs.filter((f) => f.logGroupName === name);
  const def = defs.find((f) => f.logFormat);
  if (!def?.logFormat) {
    // A flow log without a LogFormat writes the default format; with none in the snapshot, it is a guess.
    if (defs.length === 0) warn(`log group ${group}: no --log-format and no flow log in the snapshot writes to it, so the default format is assumed (events of a custom format would all be bad lines; pass --log-format)`);
    return undefined;
  }
  const parsed = parseLogFormat(def.logFormat, `LogFormat of ${def.id}`);
  return E.isRight(parsed) ? parsed.right : undefined;
}

/** useReadWorker, with VPCWHY_READ_THREADS checked: a value other than 1 or 2 is a usage error. */
function readWorkerWanted(logs: readonly string[]): boolean {
  const want = process.env['VPCWHY_READ_THREADS'];
  if (want !== undefined && want !== '' && want !== '1' && want !== '2') {
    throw new UsageError(`VPCWHY_READ_THREADS: expected 1 (read on the main thread) or 2 (read on a worker), got ${JSON.stringify(want)}`);
  }
  try {
    return useReadWorker(logs);
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
}

/**
 * Every input in order. Local files are read through `filter` (the reverse-flow index, fed in the
 * reader, or by the read worker in `reader`); S3 objects and CloudWatch events are indexed in the
 * explain loop.
 */
async function* inputs(index: SnapshotIndex, logs: string[], opts: ExplainOptions, logFormat: FlowLogFormat | undefined, remote: RemoteOptions, filter: AcceptFilter, reader: ReadWorker | null): AsyncGenerator<FlowLogEvent> {
  if (reader) {
    yield* reader.events(filter);
    return;
  }
  let locals: string[] = [];
  const readLocals = async function* () {
    if (locals.length === 0) return;
    const batch = locals;
    locals = [];
    yield* readFlowLogs(batch, { ...(logFormat ? { logFormat } : {}), strict: opts.strict ?? false, filter });
  };
  for (const input of logs) {
    if (isS3Url(input)) {
      yield* readLocals();
      // The AWS SDK is loaded only when an input needs it: it is most of vpcwhy's start-up time.
      const { readS3FlowLogs } = await import('../aws/s3-source.js');
      yield* readS3FlowLogs(input, { ...remote, logFormat });
    } else {
      locals.push(input);
    }
  }
  yield* readLocals();
  if (opts.logGroup.length === 0) return;
  const { readCloudWatchFlowLogs } = await import('../aws/cloudwatch-source.js');
  for (const group of opts.logGroup) {
    yield* readCloudWatchFlowLogs(group, { ...remote, logFormat: formatForLogGroup(index, group, logFormat, remote.warn ?? (() => {})) });
  }
}

export async function runExplainCommand(logs: string[], opts: ExplainOptions, io: Io): Promise<number> {
  const format = opts.format as ExplainFormat;
  if (!['text', 'json', 'jsonl'].includes(format)) throw new UsageError(`--format: expected text, json or jsonl, got "${opts.format}"`);
  const width = textWidth(opts.width, io.stdout);
  if (logs.length === 0 && opts.logGroup.length === 0) throw new UsageError('nothing to read: give flow-log files, directories, s3:// URLs, - for stdin, or --log-group');
  let logFormat: FlowLogFormat | undefined;
  if (opts.logFormat !== undefined) {
    const parsed = parseLogFormat(opts.logFormat, '--log-format');
    if (E.isLeft(parsed)) throw new UsageError(`--log-format: ${parsed.left.message}`);
    logFormat = parsed.right;
  }
  const now = new Date();
  const timeOption = (text: string | undefined, option: string): Date | undefined => {
    if (text === undefined) return undefined;
    const t = parseTimeOption(text, now, option);
    if (E.isLeft(t)) throw new UsageError(t.left.message);
    return t.right;
  };
  const since = timeOption(opts.since, '--since');
  const until = timeOption(opts.until, '--until');
  const window = checkTimeWindow({ since, until });
  if (E.isLeft(window)) throw new UsageError(window.left.message);
  if (opts.logGroup.some((g) => g.trim() === '')) throw new UsageError('--log-group: expected a log group name or ARN, got an empty string');
  for (const l of logs) {
    if (!isS3Url(l)) continue;
    const loc = parseS3Url(l);
    if (E.isLeft(loc)) throw new UsageError(loc.left);
  }
  for (const l of logs) {
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(l) && !isS3Url(l)) throw new UsageError(`${l}: only s3:// URLs are read (and local paths); download the file, or point at its S3 location`);
  }
  const remoteInputs = opts.logGroup.length > 0 || logs.some(isS3Url);
  if (opts.snapshot.length > 0 && !remoteInputs) {
    const unused = [opts.allowPartial ? '--allow-partial' : null, opts.region.length ? '--region' : null, opts.profile !== undefined ? '--profile' : null, opts.endpointUrl !== undefined ? '--endpoint-url' : null].filter((x) => x !== null);
    if (unused.length) io.stderr.write(`vpcwhy: warning: ${unused.join(', ')} ${unused.length === 1 ? 'is' : 'are'} for live snapshots, S3 and CloudWatch; with --snapshot and local files ${unused.length === 1 ? 'it is' : 'they are'} not used\n`);
  }
  if ((since || until) && opts.logGroup.length === 0 && !logs.some(isS3Url)) {
    io.stderr.write('vpcwhy: warning: --since and --until select S3 objects and CloudWatch events; local files and stdin are read whole\n');
  }

  await warnEmptyDirectories(logs, io);

  const selection = {
    all: opts.all ?? false,
    strict: opts.strict ?? false,
    ...(opts.interface.length > 0 ? { interfaceIds: new Set(opts.interface) } : {}),
  };
  const filter = explainFilter(selection);
  // --engine duckdb: DuckDB reads the local files (sql/duckdb-reader.ts), from now on, while the snapshot loads.
  const duck = await startDuckEngine(opts, logs, logFormat, remoteInputs, selection, io);
  // Large local inputs (no stdin, S3 or CloudWatch) are read and parsed on a second thread, from now
  // on: reading overlaps loading the snapshot.
  const reader = !duck && !remoteInputs && !logs.includes('-') && readWorkerWanted(logs)
    ? startReadWorker(logs, { logFormat, strict: selection.strict, ...filter.options })
    : null;
  try {
    const index = opts.snapshot.length > 0 || opts.plan !== undefined || (opts.cfn ?? []).length > 0
      ? await loadIndexedSnapshot(opts.snapshot, { verbose: opts.verbose ?? false, plan: opts.plan, cfn: opts.cfn }, io)
      : await (await import('./live-snapshot.js')).takeLiveSnapshotIndex({ regions: opts.region, profile: opts.profile, endpointUrl: opts.endpointUrl, allowPartial: opts.allowPartial }, io);

    const remote: RemoteOptions = {
      region: opts.region[0],
      profile: opts.profile,
      endpointUrl: opts.endpointUrl,
      since,
      until,
      all: opts.all ?? false,
      interfaceIds: opts.interface.length > 0 ? opts.interface : undefined,
      progress: createProgress(io.stderr, { stdout: io.stdout }),
      warn: (m) => io.stderr.write(`vpcwhy: warning: ${m}\n`),
    };
    for (const id of opts.interface) {
      if (!index.eniById.has(id)) io.stderr.write(`vpcwhy: warning: --interface ${JSON.stringify(id)} is not a network interface in the snapshot; its records are explained as unknown-interface, if there are any\n`);
    }
    const out = streamWriter(io.stdout);
    const snapshotTime = index.snapshot.meta.capturedAt;
    const runOpts = { ...selection, format, ...(snapshotTime ? { snapshotTime } : {}) };
    const plan = duck ? await duck.plan : null;
    if (duck && plan && !plan.ok) io.stderr.write(`vpcwhy: note: DuckDB does not read this input as the default reader does (${plan.reason}); it is explained by the default engine\n`);
    const events = plan?.ok ? (filter.consumed = plan.consumed, plan.events()) : inputs(index, logs, opts, logFormat, remote, filter, reader);
    const result = await runExplain(
      index,
      events,
      { ...runOpts, filter, trimHeap: heapTrimmer() },
      out,
      (file, line, a) => renderRecordText(file, line, a, width),
    );
    const { summary, strictFailure, failure } = result;
    if (format === 'text') {
      out.write(renderSummaryText(summary, { strict: selection.strict }));
      await out.flush();
    }
    io.stderr.write(renderExplainWarnings(summary, { format, all: opts.all ?? false, strictFailure: failure ? null : strictFailure }));
    if (failure) {
      if (isAwsSourceError(failure) || failure instanceof UsageError) throw new UsageError(failure.message);
      throw failure;
    }
    const nothing = noRecordRead(summary, logs, opts);
    if (nothing !== null) io.stderr.write(printable(`vpcwhy: ${nothing}\n`));
    if (strictFailure || nothing !== null) return EXIT_BAD_INPUT;
    if (summary.fileErrors.length > 0) return EXIT_BAD_INPUT;
    return EXIT_OK;
  } finally {
    await reader?.close();
    duck?.session.close();
  }
}

/** A directory given as input that holds no file to read (a mistyped or not yet synced path) is warned about. */
async function warnEmptyDirectories(logs: readonly string[], io: Io): Promise<void> {
  for (const input of logs) {
    if (input === '-' || isS3Url(input)) continue;
    const isDir = await fsp.stat(input).then((st) => st.isDirectory(), () => false);
    if (!isDir) continue;
    let found = false;
    for await (const item of expandInputs([input])) {
      if (item.kind === 'file') {
        found = true;
        break;
      }
    }
    if (!found) io.stderr.write(printable(`vpcwhy: warning: ${input}: the directory holds no flow-log file; nothing is read from it\n`));
  }
}

/**
 * Why a run read no record from any of its inputs (exit 2), or null when it read one. Not asked with
 * --interface or --log-group: there, no record can be the answer (CloudWatch drops ACCEPTs at the source).
 */
export function noRecordRead(summary: ExplainSummary, logs: readonly string[], opts: Pick<ExplainOptions, 'interface' | 'logGroup'>): string | null {
  if (summary.records > 0 || opts.interface.length > 0 || opts.logGroup.length > 0) return null;
  const inputs = logs.length <= 3 ? logs.join(', ') : `${logs.slice(0, 3).join(', ')} and ${logs.length - 3} more`;
  if (summary.badLines > 0) {
    const advice = customFormatAdvice(summary.badLineSamples.map((b) => b.message), summary.badLines);
    return `no record read from ${inputs}: ${advice ?? `${summary.badLines} bad line${summary.badLines === 1 ? '' : 's'} and no good one`}`;
  }
  if (summary.files === 0) return `no record read from ${inputs}: no flow-log file found`;
  return `no record read from ${inputs}: ${summary.files === 1 ? 'the file holds' : `the ${summary.files} files hold`} no flow-log line`;
}

/**
 * DuckDB's share of `explain --engine duckdb`: one thread (its passes number the lines, which DuckDB does
 * on one thread anyway, and the other core explains) and a bounded buffer pool, 100 MB, so that peak RSS
 * does not grow with the input (docs/performance.md); with --all every record is kept and sorted, and
 * DuckDB gets 1 GB. VPCWHY_DUCKDB_THREADS and VPCWHY_DUCKDB_MEMORY override them. A run that does not fit
 * is an error DuckDB reports, and the default engine explains the input.
 */
function duckEngineOptions(all: boolean): DuckDbOptions {
  const threads = Number(process.env['VPCWHY_DUCKDB_THREADS'] ?? '1');
  return { threads: Number.isInteger(threads) && threads > 0 ? threads : 1, memoryLimit: process.env['VPCWHY_DUCKDB_MEMORY'] || (all ? '1GB' : '100MB') };
}

/** Local inputs of at least this many bytes are read by DuckDB under --engine auto. */
export const AUTO_DUCKDB_BYTES = 64 * 1024 * 1024;

interface DuckEngine {
  readonly session: DuckDbSession;
  readonly plan: Promise<DuckPlan>;
}

/** The DuckDB engine when --engine asks for it (and, for auto, the input is large and local); null for the default engine. */
async function startDuckEngine(
  opts: ExplainOptions,
  logs: readonly string[],
  logFormat: FlowLogFormat | undefined,
  remoteInputs: boolean,
  selection: { all: boolean; strict: boolean; interfaceIds?: ReadonlySet<string> },
  io: Io,
): Promise<DuckEngine | null> {
  const engine = opts.engine ?? 'ts';
  if (!['ts', 'duckdb', 'auto'].includes(engine)) throw new UsageError(`--engine: expected ts, duckdb or auto, got ${JSON.stringify(engine)}`);
  if (engine === 'ts') return null;
  const local = !remoteInputs && !logs.includes('-');
  if (engine === 'duckdb' && !local) throw new UsageError('--engine duckdb reads local files and directories only (no stdin, s3:// or --log-group); use --engine ts or auto');
  if (engine === 'duckdb' && selection.strict) throw new UsageError('--engine duckdb does not stop at the first bad line: --strict needs --engine ts');
  if (!local || selection.strict) return null;
  // DuckDB's gain is leaving the ACCEPTs behind; with --all every record is explained in TypeScript anyway.
  if (engine === 'auto' && selection.all) return null;
  const inputs = await localInputs(logs, logFormat);
  if (engine === 'auto' && (!inputs.ok || inputs.files.reduce((n, f) => n + f.bytes, 0) < AUTO_DUCKDB_BYTES)) return null;
  const session = await DuckDbSession.open(duckEngineOptions(selection.all));
  if (!session) {
    if (engine === 'duckdb') throw new UsageError(DUCKDB_MISSING);
    return null;
  }
  if (!inputs.ok) {
    // A path that cannot be read: the default engine reports it as it always does.
    io.stderr.write(`vpcwhy: note: ${inputs.message}; explained by the default engine\n`);
    session.close();
    return null;
  }
  const plan = planDuckRead(session, inputs.files, inputs.skippedAfter, {
    consumeAccepts: !selection.all,
    ...(selection.interfaceIds ? { only: selection.interfaceIds } : {}),
  });
  return { session, plan };
}
