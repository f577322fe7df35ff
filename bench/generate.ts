/**
 * Deterministic benchmark input for `vpcwhy explain`: a realistic describe-* snapshot and a default-format
 * (v2, ref 1.3) flow log that uses its interfaces. Not a test.
 *
 *   npm run build && node dist/bench/generate.js [--records N] [--out DIR] [--seed S]
 *
 * The parts: generate/rng.ts (the PRNG), generate/addresses.ts, generate/world.ts (the snapshot),
 * generate/flow-log.ts (the log); this file writes and reuses the files.
 *
 * Everything comes from one seeded PRNG (sfc32), so the same parameters give byte-identical files. The
 * output directory (default bench/out/, git-ignored) holds:
 *   snapshot/*.json      Vpcs, Subnets, SecurityGroups, NetworkAcls, RouteTables, NetworkInterfaces,
 *                        PrefixLists (with Entries), InternetGateways, NatGateways
 *   flows-<N>.log        N lines (NODATA lines included), no header, first field `2`
 *   params.json          the parameters and statistics of what is there; files whose recorded parameters
 *                        (and generator source hash) match are reused instead of regenerated
 *
 * The snapshot: 4 VPCs (3 dual-stack, one with a secondary IPv4 CIDR for pods, one IPv4-only), 76 subnets
 * in 3 AZs and 6 tiers, ~1,200 ENIs (instances, load balancers, Lambda, VPC endpoints, EKS nodes with
 * secondary IPs, NAT-gateway ENIs with no groups), ~600 security groups (tier groups referencing each other,
 * per-service groups with CIDR / IPv6 / prefix-list / group rules, common groups, some unused), one NACL
 * per tier and VPC with 20-50 unsorted entries (block lists, denied ports, service allows, ephemeral ranges,
 * some too narrow or missing for IPv6), route tables with NAT / IGW / EIGW / endpoint routes.
 *
 * The flow log: conversations recorded on every ENI they touch (request and response, both ends, NAT
 * gateway legs), ~10 % REJECT records: port scanners sweeping many ENIs from a few internet addresses,
 * internet noise on SSH / RDP / SMB, ICMP, internal clients the server's tier does not admit, egress the
 * client's groups or NACL deny, responses dropped by a NACL's ephemeral range. IPv4 and IPv6, some
 * retransmitted tuples, a few unknown interface ids, a NODATA line now and then. Lines are produced in
 * small batches through a shuffle window (so they are only roughly in time order) and streamed to disk.
 */
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type World, buildWorld } from './generate/world.js';
import { type LogStats, generateLog } from './generate/flow-log.js';

export { Rng } from './generate/rng.js';
export { type World, buildWorld } from './generate/world.js';
export type { LogStats } from './generate/flow-log.js';

// ---------------------------------------------------------------------------------------------------------
// Files and reuse

export interface SnapshotStats {
  vpcs: number;
  subnets: number;
  enis: number;
  securityGroups: number;
  networkAcls: number;
  naclEntries: number;
  prefixLists: number;
  routeTables: number;
}

export interface GenerateOptions {
  readonly outDir: string;
  readonly records: number;
  readonly seed?: number;
  readonly log?: (message: string) => void;
}

export interface GeneratedData {
  readonly snapshotDir: string;
  readonly logFile: string;
  readonly records: number;
  readonly snapshot: SnapshotStats;
  readonly log: LogStats;
  readonly reused: { readonly snapshot: boolean; readonly log: boolean };
  /** Seconds spent generating (0 when reused). */
  readonly seconds: { readonly snapshot: number; readonly log: number };
}

interface Params {
  generator: string;
  seed: number;
  snapshot?: { stats: SnapshotStats };
  logs: Record<string, { records: number; bytes: number; stats: LogStats }>;
}

/** The generator's modules: this one and bench/generate/*. */
const GENERATOR_MODULES = ['./generate.js', './generate/rng.js', './generate/addresses.js', './generate/world.js', './generate/flow-log.js'];

/** Hash of the generator's source: any change to it invalidates what it wrote before. */
function generatorHash(): string {
  try {
    const h = createHash('sha256');
    for (const m of GENERATOR_MODULES) h.update(readFileSync(fileURLToPath(new URL(m, import.meta.url))));
    return h.digest('hex').slice(0, 16);
  } catch {
    return 'unknown';
  }
}

function readParams(file: string): Params | null {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Params;
  } catch {
    return null;
  }
}

const SNAPSHOT_FILES = [
  'vpcs.json',
  'subnets.json',
  'security-groups.json',
  'network-acls.json',
  'route-tables.json',
  'network-interfaces.json',
  'managed-prefix-lists.json',
  'internet-gateways.json',
  'nat-gateways.json',
];

export function ensureBenchData(opts: GenerateOptions): GeneratedData {
  const seed = opts.seed ?? 1;
  const log = opts.log ?? (() => {});
  const outDir = path.resolve(opts.outDir);
  mkdirSync(outDir, { recursive: true });
  const paramsFile = path.join(outDir, 'params.json');
  const snapshotDir = path.join(outDir, 'snapshot');
  const logName = `flows-${opts.records}.log`;
  const logFile = path.join(outDir, logName);
  const gen = generatorHash();

  let params = readParams(paramsFile);
  if (!params || params.generator !== gen || params.seed !== seed) params = { generator: gen, seed, logs: {} };
  const save = () => writeFileSync(paramsFile, `${JSON.stringify(params, null, 2)}\n`);

  const world = (() => {
    let w: World | null = null;
    return () => (w ??= buildWorld(seed));
  })();

  // Snapshot.
  let snapshotReused = params.snapshot !== undefined && SNAPSHOT_FILES.every((f) => existsSync(path.join(snapshotDir, f)));
  let snapshotSeconds = 0;
  if (!snapshotReused) {
    const t0 = performance.now();
    params.logs = {}; // logs refer to the snapshot's interfaces
    rmSync(snapshotDir, { recursive: true, force: true });
    mkdirSync(snapshotDir, { recursive: true });
    const w = world();
    for (const [name, content] of Object.entries(w.files)) writeFileSync(path.join(snapshotDir, name), `${JSON.stringify(content, null, 4)}\n`);
    params.snapshot = {
      stats: {
        vpcs: w.vpcs.length,
        subnets: w.vpcs.reduce((n, v) => n + v.subnets.length, 0),
        enis: w.enis.length,
        securityGroups: w.groups.length,
        networkAcls: w.nacls.length,
        naclEntries: w.nacls.reduce((n, a) => n + a.entries.length, 0),
        prefixLists: w.prefixLists.length,
        routeTables: (w.files['route-tables.json'] as { RouteTables: unknown[] }).RouteTables.length,
      },
    };
    save();
    snapshotSeconds = (performance.now() - t0) / 1000;
    log(`generated snapshot in ${snapshotSeconds.toFixed(2)} s: ${snapshotDir}`);
    snapshotReused = false;
  }

  // Flow log.
  const known = params.logs[logName];
  let logReused = known !== undefined && known.records === opts.records && existsSync(logFile) && statSync(logFile).size === known.bytes;
  let logSeconds = 0;
  let stats: LogStats;
  if (logReused && known) stats = known.stats;
  else {
    const t0 = performance.now();
    const tmp = `${logFile}.tmp`;
    const fd = openSync(tmp, 'w');
    try {
      stats = generateLog(world(), fd, opts.records, seed);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, logFile);
    params.logs[logName] = { records: opts.records, bytes: stats.bytes, stats };
    save();
    logSeconds = (performance.now() - t0) / 1000;
    log(`generated ${opts.records} flow-log records in ${logSeconds.toFixed(2)} s: ${logFile}`);
    logReused = false;
  }

  return {
    snapshotDir,
    logFile,
    records: opts.records,
    snapshot: params.snapshot!.stats,
    log: stats,
    reused: { snapshot: snapshotReused, log: logReused },
    seconds: { snapshot: snapshotSeconds, log: logSeconds },
  };
}

/** bench/out/ of the repository, from dist/bench/generate.js or bench/generate.ts. */
export function defaultOutDir(): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'bench', 'out');
}

function main(argv: readonly string[]): void {
  let records = Number(process.env['VPCWHY_BENCH_RECORDS'] ?? 1_000_000);
  let outDir = defaultOutDir();
  let seed = 1;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = argv[i + 1];
    if (a === '--records' && v !== undefined) (records = Number(v)), i++;
    else if (a === '--out' && v !== undefined) (outDir = v), i++;
    else if (a === '--seed' && v !== undefined) (seed = Number(v)), i++;
    else {
      process.stderr.write('usage: node dist/bench/generate.js [--records N] [--out DIR] [--seed S]\n');
      process.exitCode = 2;
      return;
    }
  }
  if (!Number.isInteger(records) || records <= 0 || !Number.isInteger(seed)) {
    process.stderr.write('--records and --seed must be positive integers\n');
    process.exitCode = 2;
    return;
  }
  const d = ensureBenchData({ outDir, records, seed, log: (m) => console.log(m) });
  console.log(JSON.stringify({ snapshotDir: d.snapshotDir, logFile: d.logFile, reused: d.reused, snapshot: d.snapshot, log: d.log }, null, 2));
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) main(process.argv.slice(2));
