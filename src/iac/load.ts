/**
 * Reading a Terraform plan file and layering it over a snapshot: the one function commands call for
 * `--plan` (loadSnapshotWithPlan). File I/O and JSON syntax here; the plan's shape in plan-document.ts, its
 * meaning in terraform-plan.ts.
 */
import { promises as fs } from 'node:fs';
import { E } from '../fp.js';
import type { Either, TaskEither } from '../fp.js';
import { emptySnapshot, type Snapshot } from '../model/snapshot.js';
import { decodeJsonBytes, parseJsonText } from '../aws/decode/json-text.js';
import { type SnapshotLoadError, loadSnapshot } from '../aws/load-snapshot.js';
import { type PlanDocument, type PlanLoadError, planLoadError, readPlanDocument } from './plan-document.js';
import { type LayeredPlan, layerPlan } from './terraform-plan.js';

function errnoMessage(e: unknown): string {
  const code = typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : '';
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory (give the JSON file of `terraform show -json PLANFILE`)';
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
