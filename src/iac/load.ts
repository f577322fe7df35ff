/**
 * Reading a Terraform plan file and CloudFormation templates and layering them over a snapshot: the one
 * function commands call for `--plan` and `--cfn` (loadSnapshotWithIac). File I/O and JSON syntax here; the
 * plan's shape in plan-document.ts, its meaning in terraform-plan.ts; a template's text in cfn-template.ts,
 * its meaning in cloudformation.ts.
 */
import { promises as fs } from 'node:fs';
import { E } from '../fp.js';
import type { Either, TaskEither } from '../fp.js';
import { emptySnapshot, type Snapshot } from '../model/snapshot.js';
import { decodeJsonBytes, parseJsonText } from '../aws/decode/json-text.js';
import { type SnapshotLoadError, loadSnapshot } from '../aws/load-snapshot.js';
import { type PlanDocument, type PlanLoadError, planLoadError, readPlanDocument } from './plan-document.js';
import { type LayeredPlan, layerPlan } from './terraform-plan.js';
import { type CfnLoadError, type CfnTemplate, cfnLoadError, parseTemplateText } from './cfn-template.js';
import { layerTemplates } from './cloudformation.js';

function errnoMessage(e: unknown, dirHint = 'give the JSON file of `terraform show -json PLANFILE`'): string {
  const code = typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : '';
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return `is a directory (${dirHint})`;
  return `cannot read (${code || (e instanceof Error ? e.message : String(e))})`;
}

/** Parses and checks the text of a plan file. */
export function parsePlanText(file: string, text: string): Either<PlanLoadError, PlanDocument> {
  if (text.trim() === '') return E.left(planLoadError([{ file, path: '', message: 'empty file; expected the output of `terraform show -json PLANFILE`' }]));
  const parsed = parseJsonText(text);
  if (E.isLeft(parsed)) {
    const { line, column, message } = parsed.left;
    const hint = /^\s*Terraform|^\s*[A-Za-z]/.test(text) ? ' (is this the binary or text plan? run `terraform show -json PLANFILE > plan.json`)' : '';
    return E.left(planLoadError([{ file, path: '', message: `invalid JSON at line ${line}, column ${column}: ${message}${hint}` }]));
  }
  return readPlanDocument(file, parsed.right);
}

export function loadPlan(file: string): TaskEither<PlanLoadError, PlanDocument> {
  return async () => {
    let bytes: Buffer;
    try {
      bytes = await fs.readFile(file);
    } catch (e) {
      return E.left(planLoadError([{ file, path: '', message: errnoMessage(e) }]));
    }
    return parsePlanText(file, decodeJsonBytes(bytes));
  };
}

export type SnapshotWithPlanError = SnapshotLoadError | PlanLoadError;

/**
 * The snapshot of `paths` (none: an empty snapshot, when the plan describes everything) with the plan of
 * `planFile` layered over it. Without a plan, the snapshot as loadSnapshot reads it.
 */
export function loadSnapshotWithPlan(paths: readonly string[], planFile: string | undefined): TaskEither<SnapshotWithPlanError, LayeredPlan> {
  return async () => {
    let base: Snapshot;
    if (paths.length > 0) {
      const loaded = await loadSnapshot(paths)();
      if (E.isLeft(loaded)) return loaded;
      base = loaded.right;
    } else base = emptySnapshot();
    if (planFile === undefined) return E.right({ snapshot: base, unknowns: [], ignoredTypes: [], ids: new Map() });
    const plan = await loadPlan(planFile)();
    if (E.isLeft(plan)) return plan;
    try {
      return E.right(layerPlan(base, plan.right));
    } catch (e) {
      return E.left(planLoadError([{ file: planFile, path: '', message: `internal error while layering the plan: ${e instanceof Error ? e.message : String(e)}` }]));
    }
  };
}

export function loadTemplate(file: string): TaskEither<CfnLoadError, CfnTemplate> {
  return async () => {
    let bytes: Buffer;
    try {
      bytes = await fs.readFile(file);
    } catch (e) {
      return E.left(cfnLoadError([{ file, path: '', message: errnoMessage(e, 'give a template file; for a CDK app, cdk.out/<Stack>.template.json') }]));
    }
    return parseTemplateText(file, decodeJsonBytes(bytes));
  };
}

export type IacLoadError = SnapshotWithPlanError | CfnLoadError;

/**
 * The snapshot of `paths` (none: an empty snapshot) with the Terraform plan and then the CloudFormation
 * templates layered over it, in that order. The unknown values and ids of both are merged.
 */
export function loadSnapshotWithIac(paths: readonly string[], opts: { plan?: string | undefined; cfn?: readonly string[] | undefined }): TaskEither<IacLoadError, LayeredPlan> {
  return async () => {
    const withPlan = await loadSnapshotWithPlan(paths, opts.plan)();
    const files = opts.cfn ?? [];
    if (E.isLeft(withPlan) || files.length === 0) return withPlan;
    const templates: CfnTemplate[] = [];
    for (const file of files) {
      const t = await loadTemplate(file)();
      if (E.isLeft(t)) return t;
      templates.push(t.right);
    }
    let layered;
    try {
      layered = layerTemplates(withPlan.right.snapshot, templates);
    } catch (e) {
      return E.left(cfnLoadError([{ file: files.join(', '), path: '', message: `internal error while layering the template: ${e instanceof Error ? e.message : String(e)}` }]));
    }
    if (!layered.ok) return E.left(cfnLoadError(layered.problems));
    const prior = withPlan.right;
    return E.right({
      snapshot: layered.layered.snapshot,
      unknowns: [...prior.unknowns, ...layered.layered.unknowns],
      ignoredTypes: [...prior.ignoredTypes, ...layered.layered.ignoredTypes],
      ids: new Map([...prior.ids, ...layered.layered.ids]),
    });
  };
}
