/**
 * `--snapshot PATH` (repeatable), `--plan FILE` and `--cfn TEMPLATE` (repeatable): load, layer the Terraform
 * plan and the CloudFormation templates, and index, turning load errors into a UsageError.
 *
 * A command takes `--plan` with two lines: PLAN_SPEC among its options (declareOptions, options.ts), and
 * `plan: opts.plan` in the options of loadIndexedSnapshot; `--cfn` likewise with CFN_SPEC and `cfn: opts.cfn`.
 * The values the plan or templates leave unknown are then warned about, and `planUnknownsOf(index)` lists
 * them (for a template, `address` is the logical id).
 */
import { formatSnapshotLoadError } from '../aws/load-snapshot.js';
import { loadSnapshotWithIac } from '../iac/load.js';
import { formatCfnLoadError } from '../iac/cfn-template.js';
import { formatPlanLoadError } from '../iac/plan-document.js';
import type { PlanUnknown } from '../iac/terraform-plan.js';
import { indexSnapshot, type SnapshotIndex } from '../engine/snapshot-index.js';
import { E } from '../fp.js';
import type { Warning } from '../model/warning.js';
import { UsageError } from './errors.js';
import { CFN_SPEC, PLAN_SPEC, SNAPSHOT_OPTION, missingOption } from './options.js';
import type { Io } from './io.js';
import { printable } from '../report/printable.js';
import { emptySnapshotMessage, isEmptySnapshot } from '../trace.js';

/** For a command not (yet) declared with declareOptions (options.ts), which collects repeatable options itself. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** PLAN_SPEC as `.option(...PLAN_OPTION)` arguments, for a command not declared with declareOptions. */
export const PLAN_OPTION = [PLAN_SPEC.flags, PLAN_SPEC.description] as const;

/**
 * The option of every command that reads CloudFormation templates: `.option(...CFN_OPTION)` (repeatable;
 * the value is a string array, `[]` when not given).
 */
export const CFN_OPTION = [CFN_SPEC.flags, CFN_SPEC.description, collect, [] as string[]] as const;

const unknownsByIndex = new WeakMap<SnapshotIndex, readonly PlanUnknown[]>();
const idsByIndex = new WeakMap<SnapshotIndex, ReadonlyMap<string, string>>();

/**
 * With --plan, a Terraform address given where an id is expected (`--from aws_instance.web`) is the id of
 * that resource (an instance's: its primary interface); anything else is returned as given.
 */
export function planIdOf(index: SnapshotIndex, text: string): string {
  return idsByIndex.get(index)?.get(text) ?? text;
}

/** The values of the `--plan` that are unknown until apply (empty without a plan). */
export function planUnknownsOf(index: SnapshotIndex): readonly PlanUnknown[] {
  return unknownsByIndex.get(index) ?? [];
}

export async function loadIndexedSnapshot(
  paths: readonly string[],
  opts: { quiet?: boolean; verbose?: boolean; plan?: string | undefined; cfn?: readonly string[] | undefined },
  io: Pick<Io, 'stderr'>,
): Promise<SnapshotIndex> {
  const cfn = opts.cfn ?? [];
  if (paths.length === 0 && opts.plan === undefined && cfn.length === 0) throw missingOption(SNAPSHOT_OPTION);
  if (opts.plan === '') throw new UsageError('--plan: expected the JSON file of `terraform show -json PLANFILE`');
  if (cfn.includes('')) throw new UsageError('--cfn: expected a CloudFormation template file (JSON or YAML)');
  const result = await loadSnapshotWithIac(paths, { plan: opts.plan, cfn })();
  if (E.isLeft(result)) {
    const e = result.left;
    throw new UsageError(e._tag === 'PlanLoadError' ? formatPlanLoadError(e) : e._tag === 'CfnLoadError' ? formatCfnLoadError(e) : formatSnapshotLoadError(e));
  }
  const snap = result.right.snapshot;
  if (!opts.quiet) printWarnings(snap.warnings, opts.verbose ?? false, io);
  if (isEmptySnapshot(snap)) {
    // Every answer would be "unknown interface": an empty file, `{}`, a directory without JSON or a
    // mistyped path's empty directory is refused, not run.
    const inputs = [...paths, ...(opts.plan === undefined ? [] : [opts.plan]), ...cfn];
    throw new UsageError(opts.plan === undefined && cfn.length === 0
      ? emptySnapshotMessage(paths)
      : emptySnapshotMessage(inputs, opts.plan === undefined ? 'does the template describe AWS::EC2 network resources?' : 'does the plan describe AWS network resources?'));
  }
  const index = indexSnapshot(snap);
  unknownsByIndex.set(index, result.right.unknowns);
  idsByIndex.set(index, result.right.ids);
  return index;
}

/**
 * The snapshot's warnings on stderr: first those that can change an answer (a missing referenced group, a
 * prefix list without entries, a plan value unknown until apply), then the others (the first 20 unless
 * `all`), then the describe-* outputs vpcwhy does not model, in one line (each listed with `all`).
 */
export function printWarnings(warnings: readonly Warning[], all: boolean, io: Pick<Io, 'stderr'>): void {
  if (warnings.length === 0) return;
  const line = (w: Warning): string => `warning: ${w.source.file}: ${w.source.path ? `${w.source.path}: ` : ''}${w.message}\n`;
  const notModelled = warnings.filter((w) => w.kind === 'not-modelled');
  const rest = [...warnings.filter((w) => w.kind === 'changes-answers'), ...warnings.filter((w) => w.kind === undefined)];
  const shown = all ? rest : rest.slice(0, 20);
  for (const w of shown) io.stderr.write(printable(line(w)));
  if (rest.length > shown.length) io.stderr.write(`warning: ... and ${rest.length - shown.length} more warnings (--verbose lists them all)\n`);
  if (notModelled.length === 0) return;
  if (all) {
    // The key is the source path: said once.
    for (const w of notModelled) io.stderr.write(printable(`warning: ${w.source.file}: ${w.source.path}: not modelled by vpcwhy; ignored\n`));
    return;
  }
  const keys = [...new Set(notModelled.map((w) => w.source.path.replace(/^.*\./, '')))];
  const named = keys.slice(0, 5).join(', ') + (keys.length > 5 ? ` and ${keys.length - 5} more` : '');
  io.stderr.write(printable(`warning: ${notModelled.length} describe-* output${notModelled.length === 1 ? '' : 's'} not modelled by vpcwhy, ignored: ${named} (--verbose lists them)\n`));
}
