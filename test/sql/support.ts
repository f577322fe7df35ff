/** Shared helpers of the test/sql suites (not a test file): DuckDB in process, explain's JSONL, the SQL rows. */
import { closeSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import * as path from 'node:path';
import { DuckDbSession, loadDuckDb } from '../../src/sql/duckdb.js';
import type { Row } from '../../src/sql/duckdb.js';
import { runCli } from '../cli/run-cli.js';

/** Whether @duckdb/node-api is installed (the optional dependency). */
export const HAS_DUCKDB = (await loadDuckDb()) !== null;
/** A describe title that says why it is skipped. */
export function duckTitle(title: string): string {
  return HAS_DUCKDB ? title : `${title} (skipped: DuckDB not installed)`;
}

export interface Outcome {
  readonly verdict: string;
  readonly traffic: string;
  readonly blockedBy: unknown;
}

/** explain --format jsonl, as `file:line` → verdict, traffic, blockedBy. */
export async function explainOutcomes(snapshot: string, logs: string[], extra: string[] = []): Promise<Map<string, Outcome>> {
  const r = await runCli(['explain', '--snapshot', snapshot, '--format', 'jsonl', ...extra, ...logs]);
  if (r.code !== 0) throw new Error(`explain exited ${r.code}: ${r.stderr}`);
  const out = new Map<string, Outcome>();
  for (const line of r.stdout.split('\n')) {
    if (!line) continue;
    const rec = JSON.parse(line) as { file: string; line: number; verdict: string; traffic: string; blockedBy?: unknown };
    out.set(`${rec.file}:${rec.line}`, { verdict: rec.verdict, traffic: rec.traffic, blockedBy: rec.blockedBy });
  }
  return out;
}

/** The blockedBy object of a result row (its blocked_by_* columns), as explain writes it. */
export function blockedByOfRow(r: Row): unknown {
  switch (r['blocked_by_component']) {
    case 'network-acl':
      return { component: 'network-acl', id: r['blocked_by_id'], direction: r['blocked_by_direction'], rule: r['blocked_by_rule'] };
    case 'security-group':
      return { component: 'security-group', ids: r['blocked_by_ids'], direction: r['blocked_by_direction'] };
    case 'block-public-access':
      return { component: 'block-public-access', direction: r['blocked_by_direction'] };
    default:
      return undefined;
  }
}

/** `vpcwhy sql --dialect duckdb` run by DuckDB: `file:line` → outcome. */
export async function sqlOutcomes(snapshot: string, location: string, extra: string[] = []): Promise<Map<string, Outcome>> {
  const r = await runCli(['sql', '--snapshot', snapshot, '--dialect', 'duckdb', '--location', location, ...extra]);
  if (r.code !== 0) throw new Error(`sql exited ${r.code}: ${r.stderr}`);
  const session = (await DuckDbSession.open())!;
  try {
    const rows = await session.script(r.stdout);
    const out = new Map<string, Outcome>();
    for (const row of rows) out.set(`${String(row['file'])}:${String(row['line'])}`, { verdict: String(row['verdict']), traffic: String(row['traffic']), blockedBy: blockedByOfRow(row) });
    return out;
  } finally {
    session.close();
  }
}

/** The keys where two outcome maps differ (at most `max`), for a readable failure. */
export function differences(a: Map<string, Outcome>, b: Map<string, Outcome>, max = 5): string[] {
  const out: string[] = [];
  for (const k of new Set([...a.keys(), ...b.keys()])) {
    const x = JSON.stringify(a.get(k));
    const y = JSON.stringify(b.get(k));
    if (x !== y) out.push(`${k}: ${x} vs ${y}`);
    if (out.length >= max) break;
  }
  return out;
}

/** A small deterministic hash of a line number (no Math.random in tests). */
function mix(n: number): number {
  let h = Math.imul(n ^ 0x9e3779b9, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * Two logs made from the generated one (bench/generate.ts) into `dir`: a-default.log, the v2 lines with
 * every 40th ACCEPT turned into a REJECT (the configuration allows those: config-allows, and reverse
 * ACCEPTs after the REJECT), and b-extended.log with a header, the first `extended` lines again with
 * tcp-flags, flow-direction, pkt-srcaddr, pkt-dstaddr and reject-reason (some BPA).
 */
export function deriveLogs(source: string, dir: string, extended: number): void {
  mkdirSync(dir, { recursive: true });
  const lines = readFileSync(source, 'utf8').split('\n').filter((l) => l !== '');
  const a = openSync(path.join(dir, 'a-default.log'), 'w');
  const b = openSync(path.join(dir, 'b-extended.log'), 'w');
  try {
    let buf: string[] = [];
    lines.forEach((l, i) => {
      buf.push(i % 40 === 7 && l.includes(' ACCEPT ') ? l.replace(' ACCEPT ', ' REJECT ') : l);
      if (buf.length >= 10000) {
        writeSync(a, `${buf.join('\n')}\n`);
        buf = [];
      }
    });
    writeSync(a, `${buf.join('\n')}\n`);
    buf = ['version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status tcp-flags flow-direction pkt-srcaddr pkt-dstaddr reject-reason'];
    const FLAGS = ['2', '18', '0', '1', '4', '3', '19', '-'];
    for (let i = 0; i < Math.min(extended, lines.length); i++) {
      const t = lines[i]!.split(' ');
      if (t.length !== 14 || t[13] !== 'OK') continue;
      const h = mix(i);
      const flags = t[7] === '6' ? FLAGS[h % FLAGS.length]! : '0';
      const dir3 = (h >>> 4) % 3;
      const flow = dir3 === 0 ? 'ingress' : dir3 === 1 ? 'egress' : '-';
      const pkt = (h >>> 8) % 5 === 0;
      const reason = t[12] === 'REJECT' && (h >>> 12) % 50 === 0 ? 'BPA' : '-';
      buf.push([...t, flags, flow, pkt ? t[3]! : '-', pkt ? t[4]! : '-', reason].join(' '));
    }
    writeSync(b, `${buf.join('\n')}\n`);
  } finally {
    closeSync(a);
    closeSync(b);
  }
}
