/**
 * Wall time and peak RSS of `vpcwhy audit` and `vpcwhy reach` on the bench's generated snapshot (about
 * 1,200 ENIs) and on a copy scaled to about 10,000 ENIs / 5,000 security groups (generate/scale.ts), each
 * against the time of loading the same snapshot alone (the yardstick). Not a test.
 *
 *   npm run bench:audit
 *
 * Environment:
 *   VPCWHY_BENCH_SIZES   which snapshots: base,scaled (default both)
 *   VPCWHY_BENCH_ENIS    interfaces of the scaled snapshot (default 10000)
 *   VPCWHY_BENCH_RULES   comma-separated rule ids (default every rule)
 *   VPCWHY_BENCH_REACH   interfaces asked `reach --from internet` (default 20, the public ones first)
 *
 * Each snapshot is measured in a child process of its own (so its peak RSS is its own): the snapshot is
 * loaded and indexed twice (the second load is the yardstick, after warm-up), then every rule runs alone
 * and is timed, then reach from the internet for a sample of interfaces. Figures are printed per rule and
 * as ratios to the load time; the target (issue 15) is an audit of the 10,000-ENI snapshot within 20x its
 * load, peak RSS <= 1 GB.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadSnapshot, formatSnapshotLoadError } from '../src/aws/load-snapshot.js';
import { indexSnapshot, type SnapshotIndex } from '../src/engine/snapshot-index.js';
import { runAudit } from '../src/audit/run.js';
import { RULES } from '../rules/index.js';
import { reach } from '../src/audit/reach.js';
import { defaultOutDir, ensureBenchData } from './generate.js';
import { scaleSnapshot } from './generate/scale.js';

interface OneResult {
  dir: string;
  enis: number;
  groups: number;
  loadSeconds: number;
  rules: Array<{ id: string; seconds: number; findings: number }>;
  reach: { interfaces: number; seconds: number };
  peakRssMb: number;
}

async function load(dir: string): Promise<SnapshotIndex> {
  const r = await loadSnapshot([dir])();
  if (r._tag === 'Left') throw new Error(formatSnapshotLoadError(r.left));
  return indexSnapshot(r.right);
}

async function measureOne(dir: string): Promise<OneResult> {
  await load(dir); // warm-up
  const t0 = performance.now();
  const index = await load(dir);
  const loadSeconds = (performance.now() - t0) / 1000;
  const wanted = process.env.VPCWHY_BENCH_RULES?.split(',').filter(Boolean) ?? RULES.map((r) => r.meta.id);
  const rules: OneResult['rules'] = [];
  for (const id of wanted) {
    const t = performance.now();
    const result = runAudit(index, { rules: [id] });
    rules.push({ id, seconds: (performance.now() - t) / 1000, findings: result.findings.length });
  }
  const sample = Number(process.env.VPCWHY_BENCH_REACH ?? 20);
  const enis = [...index.snapshot.enis].sort((a, b) => Number(b.publicIps.length > 0) - Number(a.publicIps.length > 0)).slice(0, sample);
  const t1 = performance.now();
  for (const eni of enis) reach(index, { to: eni.id, from: { kind: 'internet' } });
  const reachSeconds = (performance.now() - t1) / 1000;
  return {
    dir,
    enis: index.snapshot.enis.length,
    groups: index.snapshot.securityGroups.length,
    loadSeconds,
    rules,
    reach: { interfaces: enis.length, seconds: reachSeconds },
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  };
}

function report(label: string, r: OneResult): string[] {
  const audit = r.rules.reduce((n, x) => n + x.seconds, 0);
  const lines = [`${label}: ${r.enis} ENIs, ${r.groups} security groups; load ${r.loadSeconds.toFixed(2)} s`];
  for (const x of r.rules) lines.push(`  ${x.id.padEnd(34)} ${x.seconds.toFixed(2).padStart(8)} s  ${(x.seconds / r.loadSeconds).toFixed(1).padStart(7)}x load  ${x.findings} findings`);
  lines.push(`  audit (all rules above): ${audit.toFixed(2)} s, ${(audit / r.loadSeconds).toFixed(1)}x load; peak RSS ${Math.round(r.peakRssMb)} MB`);
  if (r.reach.interfaces > 0) {
    const per = r.reach.seconds / r.reach.interfaces;
    lines.push(`  reach --from internet: ${per.toFixed(3)} s per interface (${r.reach.interfaces} interfaces), ${(per / r.loadSeconds).toFixed(2)}x load`);
  }
  return lines;
}

async function main(): Promise<void> {
  const one = process.argv.indexOf('--one');
  if (one >= 0) {
    process.stdout.write(`${JSON.stringify(await measureOne(process.argv[one + 1]!))}\n`);
    return;
  }
  const out = process.env.VPCWHY_BENCH_OUT ?? defaultOutDir();
  const data = ensureBenchData({ outDir: out, records: 1000, log: (m) => console.error(m) });
  const sizes = (process.env.VPCWHY_BENCH_SIZES ?? 'base,scaled').split(',');
  const targetEnis = Number(process.env.VPCWHY_BENCH_ENIS ?? 10000);
  const dirs: Array<[string, string]> = [];
  if (sizes.includes('base')) dirs.push(['base', data.snapshotDir]);
  if (sizes.includes('scaled')) {
    const scaledDir = path.join(out, `snapshot-${targetEnis}`);
    const copies = Math.ceil(targetEnis / data.snapshot.enis);
    const stats = scaleSnapshot(data.snapshotDir, scaledDir, copies);
    console.error(`scaled snapshot: ${stats.enis} ENIs, ${stats.securityGroups} security groups (${stats.skipped} copies skipped: subnet full): ${scaledDir}`);
    dirs.push(['scaled', scaledDir]);
  }
  const self = fileURLToPath(import.meta.url);
  for (const [label, dir] of dirs) {
    const child = spawnSync(process.execPath, ['--max-old-space-size=4096', self, '--one', dir], { encoding: 'utf8', maxBuffer: 1 << 26, stdio: ['ignore', 'pipe', 'inherit'] });
    if (child.status !== 0) throw new Error(`${label}: the measuring process exited ${child.status}`);
    const r = JSON.parse(child.stdout.trim().split('\n').pop()!) as OneResult;
    for (const l of report(label, r)) console.log(l);
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
});
