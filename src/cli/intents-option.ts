/**
 * `--intents FILE` of `audit` and `diff`: the file read and parsed (errors with file:line:column, exit 2),
 * Terraform addresses mapped through the plan, and the check with a statement that names what the snapshot
 * lacks turned into a usage error.
 */
import { readFileSync } from 'node:fs';
import { type IntentEnd, type IntentOutcome, type IntentsDocument, IntentReferenceError, checkIntents, formatIntentsError, parseIntents } from '../audit/intents.js';
import type { SnapshotIndex } from '../engine/snapshot-index.js';
import { UsageError } from './errors.js';
import { planIdOf, planUnknownsOf } from './snapshot-option.js';

/** A file's text without a byte-order mark (editors on Windows write one); a file that cannot be read is a usage error naming `option`. */
export function readText(file: string, option: string): string {
  try {
    return readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  } catch (e) {
    const code = (e as { code?: string }).code;
    throw new UsageError(`${option}: cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (e as Error).message}`);
  }
}

export function readIntents(file: string): IntentsDocument {
  const parsed = parseIntents(readText(file, '--intents'), file);
  if (parsed._tag === 'Left') throw new UsageError(`--intents: ${formatIntentsError(parsed.left)}`);
  return parsed.right;
}

/** With --plan (or --cfn): Terraform addresses and logical ids as the ids they name, and the values unknown until apply. */
export function withPlan(index: SnapshotIndex, doc: IntentsDocument): IntentsDocument {
  const end = (e: IntentEnd): IntentEnd => (e.kind === 'id' ? { kind: 'id', id: planIdOf(index, e.id) } : e);
  const unknownValues = planUnknownsOf(index).map((u) => ({ objectId: u.objectId, what: `${u.address}${u.attribute === '' ? '' : ` ${u.attribute}`} (${u.consequence})`, ...(u.onlyFor ? { onlyFor: u.onlyFor } : {}) }));
  return { ...doc, intents: doc.intents.map((i) => ({ ...i, from: end(i.from), to: end(i.to) })), ...(unknownValues.length > 0 ? { unknownValues } : {}) };
}

/** checkIntents, a statement naming what the snapshot lacks being a usage error (exit 2) with its place in the file. */
export function checkIntentsOrUsage(index: SnapshotIndex, doc: IntentsDocument): readonly IntentOutcome[] {
  try {
    return checkIntents(index, doc);
  } catch (e) {
    if (e instanceof IntentReferenceError) throw new UsageError(`--intents: ${e.message}`);
    throw e;
  }
}
