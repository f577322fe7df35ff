/**
 * `vpcwhy snapshot`: takes a snapshot of live AWS accounts with EC2 describe calls and writes it in vpcwhy's
 * snapshot format, which `--snapshot FILE` reads back.
 *
 *   vpcwhy snapshot [--region R ...] [--profile P] [--endpoint-url URL] [--allow-partial] -o snapshot.json
 *   vpcwhy snapshot --check --snapshot S ...   (which describe-* sections S lacks, and what is assumed for each)
 */
import { promises as fs } from 'node:fs';
import * as nodePath from 'node:path';
import type { Command } from 'commander';
import { UsageError } from './errors.js';
import { loadIndexedSnapshot, planUnknownsOf } from './snapshot-option.js';
import { ALLOW_PARTIAL_OPTION, CFN_SPEC, ENDPOINT_URL_OPTION, type OptionSpec, PLAN_SPEC, PROFILE_OPTION, REGION_OPTION, SNAPSHOT_OPTION, declareOptions, missingOption, withDescription } from './options.js';
import { SNAPSHOT_SECTIONS, missingSections } from '../engine/sections.js';
import { type Io, processIo } from './io.js';

export interface SnapshotCommandOptions {
  region: string[];
  profile?: string | undefined;
  endpointUrl?: string | undefined;
  allowPartial?: boolean | undefined;
  output?: string | undefined;
  check?: boolean | undefined;
  snapshot?: string[] | undefined;
  plan?: string | undefined;
  cfn?: string[] | undefined;
}

const OUTPUT_OPTION: OptionSpec = { flags: '-o, --output <file>', description: 'where to write the snapshot (- for stdout)', required: 'unless --check', requiredHint: 'or use --check --snapshot S to check a snapshot' };

export function registerSnapshot(program: Command, setExitCode: (code: number) => void, io: Io = processIo()): void {
  const cmd = program
    .command('snapshot')
    .description('take a snapshot of live AWS accounts (read-only EC2 describe calls) and write it as JSON for --snapshot');
  declareOptions(cmd, [
    withDescription(REGION_OPTION, "AWS region (default AWS_REGION, AWS_DEFAULT_REGION or the profile's region)"),
    withDescription(PROFILE_OPTION, 'profile of the shared AWS config / credentials files (default AWS_PROFILE)'),
    withDescription(ENDPOINT_URL_OPTION, 'send EC2 calls to this URL instead of the regional endpoint'),
    withDescription(ALLOW_PARTIAL_OPTION, 'skip calls that are denied and record them under VpcwhySnapshot.missing'),
    OUTPUT_OPTION,
    { flags: '--check', description: 'take nothing: list the describe-* sections the --snapshot files lack and what is assumed for each' },
    { ...SNAPSHOT_OPTION, description: `with --check: ${SNAPSHOT_OPTION.description}`, required: 'with --check, unless --plan or --cfn is given' },
    withDescription(PLAN_SPEC, `with --check: ${PLAN_SPEC.description}`),
    withDescription(CFN_SPEC, `with --check: ${CFN_SPEC.description}`),
  ], [[0, 'the snapshot is written, or checked (--check)']]);
  cmd.action(async (opts: SnapshotCommandOptions) => {
    setExitCode(opts.check ? await runSnapshotCheck(opts, io) : await runSnapshot(opts, io));
  });
}

/** Runs the command; resolves to the exit code (0), throws UsageError (exit 2) on failure. */
export async function runSnapshot(opts: SnapshotCommandOptions, io: Io): Promise<number> {
  if (opts.plan !== undefined) throw new UsageError('--plan is read only with --check (vpcwhy snapshot --check --snapshot S --plan plan.json)');
  if ((opts.cfn ?? []).length > 0) throw new UsageError('--cfn is read only with --check (vpcwhy snapshot --check --snapshot S --cfn template.yaml)');
  if (opts.snapshot !== undefined && opts.snapshot.length > 0) throw new UsageError('--snapshot is read only with --check (vpcwhy snapshot --check --snapshot S)');
  if (opts.output === undefined) throw missingOption(OUTPUT_OPTION);
  if (opts.output === '') throw new UsageError('--output: expected a file name, or - for stdout');
  const toStdout = opts.output === '-';
  if (!toStdout) await checkWritable(opts.output);
  // The SDK is loaded only when a command needs it: it is most of vpcwhy's start-up time.
  const { formatSnapshotSummary, takeLiveSnapshot } = await import('./live-snapshot.js');
  const taken = await takeLiveSnapshot({
    regions: opts.region,
    profile: opts.profile,
    endpointUrl: opts.endpointUrl,
    allowPartial: opts.allowPartial ?? false,
  });
  const text = `${JSON.stringify(taken.document, null, 2)}\n`;
  if (toStdout) {
    io.stdout.write(text);
  } else {
    await writeAtomically(opts.output, text);
  }
  io.stderr.write(formatSnapshotSummary(taken));
  if (!toStdout) io.stderr.write(`wrote ${opts.output}\n`);
  return 0;
}

/**
 * `--check`: loads the snapshot (its warnings go to stderr as for any command) and prints, on stdout, each
 * describe-* section it lacks with what vpcwhy assumes in its place. Exit 0: the check itself never fails.
 */
export async function runSnapshotCheck(opts: SnapshotCommandOptions, io: Io): Promise<number> {
  if (opts.output !== undefined) throw new UsageError('--check writes nothing: leave out --output');
  if (opts.region.length > 0 || opts.profile !== undefined || opts.endpointUrl !== undefined || opts.allowPartial) {
    throw new UsageError('--check reads --snapshot files only: --region, --profile, --endpoint-url and --allow-partial do not apply');
  }
  const index = await loadIndexedSnapshot(opts.snapshot ?? [], { plan: opts.plan, cfn: opts.cfn }, io);
  const missing = missingSections(index.snapshot);
  const lines: string[] = [];
  const files = index.snapshot.meta.files.length;
  if (missing.length === 0) {
    lines.push(`complete: the snapshot (${files} file${files === 1 ? '' : 's'}) has all ${SNAPSHOT_SECTIONS.length} describe-* sections vpcwhy reads`);
  } else {
    lines.push(`the snapshot (${files} file${files === 1 ? '' : 's'}) lacks ${missing.length} of the ${SNAPSHOT_SECTIONS.length} describe-* sections vpcwhy reads:`);
    for (const m of missing) lines.push(`  ${m.key} (aws ec2 ${m.command}): ${m.assumed}`);
  }
  const unknowns = planUnknownsOf(index);
  const unknownsOf = (what: string, file: string, until: string): void => {
    const own = unknowns.filter((u) => u.source.file === file);
    lines.push(own.length === 0
      ? `${what} (${file}) leaves no value vpcwhy reads unknown until ${until}`
      : `${what} (${file}) leaves ${own.length} value${own.length === 1 ? '' : 's'} unknown until ${until}:`);
    for (const u of own) lines.push(`  ${u.address}${u.attribute === '' ? '' : ` ${u.attribute}`}: ${u.consequence}`);
  };
  if (opts.plan !== undefined) unknownsOf('the plan', opts.plan, 'apply');
  for (const file of opts.cfn ?? []) unknownsOf('the template', file, 'deployment');
  io.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

function errnoText(e: unknown): string {
  const code = typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : '';
  if (code === 'ENOENT') return 'no such directory';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory';
  if (code === 'ENOTDIR') return 'not a directory';
  return code === '' ? String(e) : code;
}

/** Fails before any AWS call when the file cannot be written (missing directory, a directory, no rights). */
async function checkWritable(file: string): Promise<void> {
  const dir = nodePath.dirname(nodePath.resolve(file));
  try {
    const stat = await fs.stat(dir);
    if (!stat.isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
    await fs.access(dir, fs.constants.W_OK);
  } catch (e) {
    throw new UsageError(`--output: cannot write ${file}: ${errnoText(e)} (${dir})`);
  }
  try {
    if ((await fs.stat(file)).isDirectory()) throw new UsageError(`--output: cannot write ${file}: is a directory`);
  } catch (e) {
    if (e instanceof UsageError) throw e;
  }
}

/** Writes next to the target and renames, so a failed write never leaves half a snapshot. */
async function writeAtomically(file: string, text: string): Promise<void> {
  const tmp = nodePath.join(nodePath.dirname(file), `.${nodePath.basename(file)}.${process.pid}.tmp`);
  try {
    await fs.writeFile(tmp, text);
    await fs.rename(tmp, file);
  } catch (e) {
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    throw new UsageError(`--output: cannot write ${file}: ${errnoText(e)}`);
  }
}
