/**
 * Every snapshot of the shared corpus (np-guard configs and Batfish's real-account snapshots; skipped when
 * the corpus is absent) answers reach without a crash, and the answer equals trace on probes: from the
 * internet to every interface with a public address and a few others, from anywhere to two (issue 15).
 */
import { existsSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ReachFrom } from '../../src/audit/reach.js';
import { indexSnapshot } from '../../src/engine/snapshot-index.js';
import { fcParams } from '../arbitraries/fc-params.js';
import { CORPUS, findAwsConfigs } from '../aws/support.js';
import { check, load, probesArb } from './reach-check.js';

function snapshotPaths(): string[] {
  if (!existsSync(CORPUS)) return [];
  const np = path.join(CORPUS, 'npguard');
  return [...findAwsConfigs(path.join(CORPUS, 'batfish')), ...readdirSync(np).filter((n) => n.endsWith('.json')).sort().map((f) => path.join(np, f))];
}

const paths = snapshotPaths();

describe.skipIf(paths.length === 0)('reach on the corpus equals trace', () => {
  it.each(paths.map((p) => [path.relative(CORPUS, p), p]))('%s', async (_name, p) => {
    const s = await load([p]);
    const index = indexSnapshot(s);
    const stats = { outside: 0, blocked: 0, reachable: 0 };
    const targets = [...s.enis.filter((e) => e.publicIps.length > 0 || e.ipv6Addresses.length > 0).slice(0, 6), ...s.enis.slice(0, 3)];
    for (const [i, target] of [...new Set(targets)].entries()) {
      const froms: ReachFrom[] = i < 2 ? [{ kind: 'internet' }, { kind: 'any' }] : [{ kind: 'internet' }];
      for (const from of froms) fc.assert(fc.property(probesArb(index, target, from), (probes) => check(index, target, from, probes, stats)), fcParams(2));
    }
    // A snapshot without interfaces (VPN or Direct Connect only) has nothing to reach.
    expect(stats.outside + stats.blocked + stats.reachable > 0 || s.enis.length === 0).toBe(true);
  }, 300_000);
});
