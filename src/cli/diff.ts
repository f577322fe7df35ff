/**
 * `vpcwhy diff`: what a change of configuration changes (issue 16). Two forms:
 *
 *   vpcwhy diff --before S1 --after S2 [logs...]
 *   vpcwhy diff --snapshot S --plan plan.json [logs...]
 *
 * The exact newly allowed and newly denied connections per interface (audit/diff.ts) and, with flow logs,
 * the replay of every record under both configurations (explain/replay.ts). Exit 0 when nothing breaks,
 * 1 when something that worked would break (a replayed ACCEPT now denied; without logs, any newly denied
 * connection), 2 on bad input.
 *
 * Where other inputs plug in: `loadSides` is the one place that turns options into the two indexes (a
 * CloudFormation layer, `--cfn`, adds a form there), and `DiffOptions` (audit/diff.ts) is what the diff takes;
 * checks over the after side (`--intents`) get the `Sides` and the DiffResult in runDiff.
 */
import type { Command } from 'commander';
import { type DiffResult, type IntentChange, diffBreaks, diffIntents, diffSnapshots, intentsBroken } from '../audit/diff.js';
import { IntentReferenceError } from '../audit/intents.js';
import { readIntents, withPlan } from './intents-option.js';
import type { SnapshotIndex } from '../engine/snapshot-index.js';
import { replayFlowLogs } from '../explain/replay.js';
import type { ReplayResult } from '../explain/replay.js';
import { type FlowLogFormat, parseLogFormat } from '../flowlog/format.js';
import { readFlowLogs } from '../flowlog/reader.js';
import { E } from '../fp.js';
import type { PlanUnknown } from '../iac/terraform-plan.js';
import { type DiffReport, renderDiffJson, renderDiffText } from '../report/diff.js';
import { renderExplainWarnings } from '../report/explain.js';
import { EXIT_BAD_INPUT, EXIT_FINDINGS, EXIT_OK, UsageError } from './errors.js';
import { type Io, processIo } from './io.js';
import { loadIndexedSnapshot, planIdOf, planUnknownsOf, printWarnings } from './snapshot-option.js';
import { CFN_SPEC, LOG_FORMAT_OPTION, PLAN_SPEC, SNAPSHOT_OPTION, STRICT_OPTION, VERBOSE_OPTION, declareOptions, formatOption, withDescription } from './options.js';

export interface DiffCliOptions {
  before: string[];
  after: string[];
  snapshot: string[];
  plan?: string;
  cfn?: string[];
  intents?: string;
  format: string;
  logFormat?: string;
  strict?: boolean;
  interface: string[];
  verbose?: boolean;
}

export function registerDiff(program: Command, setExitCode: (code: number) => void, io: Io = processIo()): void {
  const cmd = program
    .command('diff')
    .description('what a change breaks: the exact newly allowed and newly denied connections of every interface, and (with flow logs) the past flows the new configuration would reject or now let through')
    .argument('[logs...]', 'flow-log files, .gz and Parquet files, directories (walked recursively), or - for stdin, replayed under both configurations');
  declareOptions(cmd, [
    { flags: '--before <path>', description: 'describe-* JSON file or directory of the configuration before the change', repeatable: true, required: 'with --after' },
    { flags: '--after <path>', description: 'describe-* JSON file or directory of the configuration after the change', repeatable: true, required: 'with --before' },
    { ...SNAPSHOT_OPTION, description: 'describe-* JSON of what exists, compared with itself under --plan / --cfn', required: 'with --plan or --cfn' },
    withDescription(PLAN_SPEC, 'a Terraform plan as JSON (`terraform show -json PLANFILE`): the change, layered over --snapshot'),
    withDescription(CFN_SPEC, 'a CloudFormation template (JSON or YAML; `cdk synth` output as is): the change, layered over --snapshot (and --plan)'),
    { flags: '--interface <eni-id>', description: 'only this network interface, in the sets and the replay', repeatable: true },
    { flags: '--intents <file>', description: 'a YAML file of must-allow / must-deny statements (docs/intents.md), checked exactly under both configurations: one that held before and fails after is a break' },
    formatOption(['text', 'json']),
    LOG_FORMAT_OPTION,
    STRICT_OPTION,
    VERBOSE_OPTION,
  ], [[0, 'nothing that worked would break'], [1, 'something that worked would break (a replayed ACCEPT now denied, or without logs a newly denied connection)']]);
  cmd.action(async (logs: string[], opts: DiffCliOptions) => {
    setExitCode(await runDiff(logs, opts, io));
  });
}

/** The two configurations compared, and the values the after side leaves unknown. */
export interface Sides {
  readonly before: SnapshotIndex;
  readonly after: SnapshotIndex;
  readonly planUnknowns: readonly PlanUnknown[];
}

/** Turns the options into the two indexes: --before/--after, or --snapshot with --plan (never both forms). */
export async function loadSides(opts: DiffCliOptions, io: Io): Promise<Sides> {
  const pair = opts.before.length > 0 || opts.after.length > 0;
  const cfn = opts.cfn ?? [];
  const layered = opts.snapshot.length > 0 || opts.plan !== undefined || cfn.length > 0;
  if (pair && layered) throw new UsageError('diff takes --before and --after, or --snapshot with --plan / --cfn, not both forms');
  const verbose = opts.verbose ?? false;
  if (pair) {
    if (opts.before.length === 0) throw new UsageError('--before PATH is required with --after (the configuration before the change)');
    if (opts.after.length === 0) throw new UsageError('--after PATH is required with --before (the configuration after the change)');
    const before = await loadIndexedSnapshot(opts.before, { verbose }, io);
    const after = await loadIndexedSnapshot(opts.after, { verbose }, io);
    return { before, after, planUnknowns: [] };
  }
  if (!layered) throw new UsageError('nothing to compare: give --before S1 --after S2, or --snapshot S --plan plan.json (or --cfn template)');
  if (opts.plan === undefined && cfn.length === 0) throw new UsageError('--plan FILE or --cfn TEMPLATE is required with --snapshot (diff compares the snapshot with the snapshot under the change; or give --before and --after)');
  if (opts.snapshot.length === 0) throw new UsageError(`--snapshot PATH is required with ${opts.plan !== undefined ? '--plan' : '--cfn'} (the configuration the change is applied to)`);
  const before = await loadIndexedSnapshot(opts.snapshot, { verbose }, io);
  const after = await loadIndexedSnapshot(opts.snapshot, { quiet: true, plan: opts.plan, cfn }, io);
  // The snapshot's own warnings were printed with the before side: only what the plan adds is new.
  const seen = new Set(before.snapshot.warnings.map((w) => `${w.source.file}|${w.source.path}|${w.message}`));
  printWarnings(after.snapshot.warnings.filter((w) => !seen.has(`${w.source.file}|${w.source.path}|${w.message}`)), verbose, io);
  return { before, after, planUnknowns: planUnknownsOf(after) };
}

function logFormatOf(text: string | undefined): FlowLogFormat | undefined {
  if (text === undefined) return undefined;
  const parsed = parseLogFormat(text, '--log-format');
  if (E.isLeft(parsed)) throw new UsageError(`--log-format: ${parsed.left.message}`);
  return parsed.right;
}

export async function runDiff(logs: string[], opts: DiffCliOptions, io: Io): Promise<number> {
  if (opts.format !== 'text' && opts.format !== 'json') throw new UsageError(`--format: expected text or json, got "${opts.format}"`);
  for (const l of logs) {
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(l)) throw new UsageError(`${l}: diff reads local flow-log files, directories and - (stdin); download the objects first`);
  }
  if (logs.length === 0 && (opts.logFormat !== undefined || opts.strict)) {
    throw new UsageError(`${opts.logFormat !== undefined ? '--log-format' : '--strict'} applies to flow logs: give flow-log files to replay`);
  }
  const logFormat = logFormatOf(opts.logFormat);
  // Before loading the configurations: a bad intents file fails at once.
  const intentsDoc = opts.intents === undefined ? undefined : readIntents(opts.intents);
  const sides = await loadSides(opts, io);
  const interfaces = opts.interface.map((id) => planIdOf(sides.after, id));
  for (const id of interfaces) {
    if (!sides.before.eniById.has(id) && !sides.after.eniById.has(id)) throw new UsageError(`--interface: no network interface ${id} in either configuration`);
  }
  const diff: DiffResult = diffSnapshots(sides.before, sides.after, {
    planUnknowns: sides.planUnknowns,
    ...(interfaces.length > 0 ? { interfaces } : {}),
  });

  let replay: ReplayResult | null = null;
  let failed = false;
  if (logs.length > 0) {
    const events = readFlowLogs(logs, { ...(logFormat ? { logFormat } : {}), strict: opts.strict ?? false });
    const run = await replayFlowLogs(sides.before, sides.after, events, { strict: opts.strict ?? false, ...(interfaces.length > 0 ? { interfaceIds: new Set(interfaces) } : {}) });
    replay = run.result;
    io.stderr.write(renderExplainWarnings(run.summary, { format: 'json', all: true, strictFailure: run.strictFailure }));
    failed = run.strictFailure !== null || run.summary.fileErrors.length > 0;
  }
  let intents: IntentChange[] | null = null;
  if (intentsDoc !== undefined) {
    try {
      intents = diffIntents(sides.before, withPlan(sides.before, intentsDoc), sides.after, withPlan(sides.after, intentsDoc));
    } catch (e) {
      if (e instanceof IntentReferenceError) throw new UsageError(`--intents: ${e.message}`);
      throw e;
    }
  }
  const breaks = replay !== null ? replay.counts.breaks > 0 : diffBreaks(diff);
  const report: DiffReport = { diff, replay, intents, ...(intentsDoc !== undefined ? { intentsFile: intentsDoc.file } : {}), breaks };
  io.stdout.write(opts.format === 'json' ? renderDiffJson(report) : renderDiffText(report));
  if (failed) return EXIT_BAD_INPUT;
  return breaks || (intents !== null && intentsBroken(intents)) ? EXIT_FINDINGS : EXIT_OK;
}
