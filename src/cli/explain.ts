/** `vpcwhy explain`: attribute every REJECT of a flow log to the rule that blocked it. */
import type { Command } from 'commander';
import { parseLogFormat } from '../flowlog/format.js';
import { readFlowLogs } from '../flowlog/reader.js';
import { type ExplainFormat, runExplain, streamWriter } from '../explain/run.js';
import { E } from '../fp.js';
import { renderRecordText, renderSummaryText } from '../report/explain-text.js';
import { EXIT_BAD_INPUT, EXIT_OK, UsageError } from './errors.js';
import { collect, loadIndexedSnapshot } from './snapshot-option.js';

interface ExplainOptions {
  snapshot: string[];
  logFormat?: string;
  format: string;
  all?: boolean;
  strict?: boolean;
  verbose?: boolean;
}

export function registerExplain(program: Command, setExitCode: (code: number) => void): void {
  program
    .command('explain')
    .description('name the security group, network ACL rule or other component behind every REJECT in VPC Flow Logs')
    .argument('<logs...>', 'flow-log files, .gz files, Parquet files, directories (walked recursively), or - for stdin')
    .option('--snapshot <path>', 'describe-* JSON file or directory (repeatable)', collect, [])
    .option('--log-format <format>', "the flow log's LogFormat ('${version} ${vpc-id} ...') for files without a header line")
    .option('--format <format>', 'text | json | jsonl', 'text')
    .option('--all', 'explain ACCEPT records too')
    .option('--strict', 'stop at the first bad line (exit 2)')
    .option('--verbose', 'list every snapshot warning')
    .action(async (logs: string[], opts: ExplainOptions) => {
      setExitCode(await runExplainCommand(logs, opts));
    });
}

export async function runExplainCommand(logs: string[], opts: ExplainOptions): Promise<number> {
  const format = opts.format as ExplainFormat;
  if (!['text', 'json', 'jsonl'].includes(format)) throw new UsageError(`--format: expected text, json or jsonl, got "${opts.format}"`);
  let logFormat;
  if (opts.logFormat !== undefined) {
    const parsed = parseLogFormat(opts.logFormat, '--log-format');
    if (E.isLeft(parsed)) throw new UsageError(`--log-format: ${parsed.left.message}`);
    logFormat = parsed.right;
  }
  const index = await loadIndexedSnapshot(opts.snapshot, { verbose: opts.verbose ?? false });
  const events = readFlowLogs(logs, { ...(logFormat ? { logFormat } : {}), strict: opts.strict ?? false });
  const out = streamWriter(process.stdout);
  const snapshotTime = index.snapshot.meta.capturedAt;
  const { summary, strictFailure } = await runExplain(
    index,
    events,
    { format, all: opts.all ?? false, strict: opts.strict ?? false, ...(snapshotTime ? { snapshotTime } : {}) },
    out,
    renderRecordText,
  );
  if (format === 'text') {
    out.write(renderSummaryText(summary));
    await out.flush();
  } else if (summary.badLines > 0 || summary.fileErrors.length > 0) {
    // Machine formats keep stdout clean; problems go to stderr.
    for (const b of summary.badLineSamples.slice(0, 20)) process.stderr.write(`vpcwhy: bad line ${b.file}:${b.line}: ${b.message}\n`);
    if (summary.badLines > 20) process.stderr.write(`vpcwhy: ... ${summary.badLines - 20} more bad lines\n`);
  }
  if (format !== 'text' && summary.noAction > 0 && !opts.all) {
    process.stderr.write(`vpcwhy: warning: ${summary.noAction} records have no action field value, so REJECTs cannot be told apart; --all explains them\n`);
  }
  for (const e of summary.fileErrors) process.stderr.write(`vpcwhy: error: ${e.file}: ${e.message}\n`);
  if (strictFailure) {
    process.stderr.write(`vpcwhy: bad line (--strict): ${strictFailure}\n`);
    return EXIT_BAD_INPUT;
  }
  if (summary.fileErrors.length > 0) return EXIT_BAD_INPUT;
  return EXIT_OK;
}
