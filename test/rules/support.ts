/** Shared helpers of the rule tests (not a test file): run one rule over a snapshot built in code. */
import type { Snapshot } from '../../src/model/snapshot.js';
import { indexSnapshot } from '../../src/engine/snapshot-index.js';
import type { Finding } from '../../src/audit/rule-api.js';
import { runAudit } from '../../src/audit/run.js';

export function auditWith(snapshot: Snapshot, rule: string, options?: Record<string, unknown>): Finding[] {
  return [...runAudit(indexSnapshot(snapshot), { rules: [rule], ...(options ? { options: { [rule]: options } } : {}) }).findings];
}
