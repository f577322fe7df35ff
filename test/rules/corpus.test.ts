/**
 * Every snapshot of the shared corpus (Batfish, pybatfish, np-guard; Apache-2.0) audits without a crash:
 * every rule runs, every finding is well formed and points into a file of the snapshot. Skips when the
 * corpus is absent (VPCWHY_CORPUS points elsewhere in worktrees).
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { E } from '../../src/fp.js';
import { loadSnapshot, formatSnapshotLoadError } from '../../src/aws/load-snapshot.js';
import { indexSnapshot } from '../../src/engine/snapshot-index.js';
import { runAudit } from '../../src/audit/run.js';
import { SEVERITIES } from '../../src/audit/rule-api.js';
import { RULES } from '../../rules/index.js';
import { jsonPositionFinder } from '../../src/report/json-position.js';
import { CORPUS, findAwsConfigs } from '../aws/support.js';

const present = existsSync(CORPUS);
const AWS_REPR = path.join(CORPUS, 'batfish/projects/batfish/src/test/resources/org/batfish/representation/aws');
const jsonFilesIn = (dir: string): string[] =>
  existsSync(dir) ? readdirSync(dir).filter((n) => n.endsWith('.json')).sort().map((n) => path.join(dir, n)) : [];

const inputs = present
  ? [...['batfish', 'pybatfish', 'npguard'].flatMap((d) => findAwsConfigs(path.join(CORPUS, d))), ...jsonFilesIn(AWS_REPR), ...jsonFilesIn(path.join(CORPUS, 'npguard'))]
  : [];

describe.skipIf(!present)('every corpus snapshot audits without a crash', () => {
  it('finds the snapshots', () => {
    expect(inputs.length).toBeGreaterThanOrEqual(60);
  });

  it.each(inputs.map((p) => [path.relative(CORPUS, p), p]))('audits %s', async (_name, p) => {
    const r = await loadSnapshot([p])();
    if (E.isLeft(r)) expect.fail(formatSnapshotLoadError(r.left));
    const result = runAudit(indexSnapshot(r.right));
    expect(result.summary.rulesRun).toEqual(RULES.map((x) => x.meta.id));
    expect(result.summary.findings).toBe(result.findings.length);
    const files = new Set(r.right.meta.files);
    for (const f of result.findings) {
      expect(SEVERITIES).toContain(f.severity);
      expect(f.resource).not.toBe('');
      expect(f.message).not.toBe('');
      expect(files.has(f.location.file), `${f.location.file} is a file of the snapshot`).toBe(true);
      // SARIF regions: the JSON path of every finding is found in its file.
      expect(jsonPositionFinder(readFileSync(f.location.file, 'utf8'))(f.location.jsonPath), `${f.location.file} ${f.location.jsonPath}`).not.toBeNull();
    }
  });
});
