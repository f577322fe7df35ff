/**
 * The SQL compiler against the reference attribution (explain/reference.ts: one attributeRecord per
 * record) over random worlds (test/arbitraries/explain-world.ts: SG rules with CIDR, prefix-list, known,
 * unknown and missing group peers, NACL entries with unreadable CIDRs, delegated prefixes, NAT interfaces,
 * ICMP rules, pkt-* addresses, flow-direction, tcp-flags, BPA): the DuckDB script of `vpcwhy sql` gives
 * every REJECT the reference's verdict, traffic and blockedBy. Also: the SQL address forms (integers for
 * IPv4, 32 hex digits for IPv6) against parseIp.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { indexSnapshot } from '../../src/engine/snapshot-index.js';
import { runReference } from '../../src/explain/reference.js';
import type { FlowLogEvent } from '../../src/flowlog/reader.js';
import { readFlowLogs } from '../../src/flowlog/reader.js';
import { parseIp } from '../../src/net/ip.js';
import { compileSql, ipv4Sql, ipv6Sql } from '../../src/sql/compile.js';
import { DuckDbSession } from '../../src/sql/duckdb.js';
import { hex6 } from '../../src/sql/tables.js';
import { fcParams } from '../arbitraries/fc-params.js';
import { buildSnapshot, fullFormat, ownAddr, peerAddr, pooledArb, snapArb } from '../arbitraries/explain-world.js';
import { anyIpArb } from '../arbitraries/ip.js';
import { HAS_DUCKDB, blockedByOfRow, duckTitle } from './support.js';

async function collect(events: AsyncIterable<FlowLogEvent>): Promise<FlowLogEvent[]> {
  const out: FlowLogEvent[] = [];
  for await (const ev of events) out.push(ev);
  return out;
}

describe.skipIf(!HAS_DUCKDB)(duckTitle('vpcwhy sql --dialect duckdb equals the reference attribution'), () => {
  let dir = '';
  let session: DuckDbSession;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'vpcwhy-sqlprop-'));
    session = (await DuckDbSession.open(1))!;
  });
  afterAll(() => {
    session?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('gives every REJECT the same verdict, traffic and blockedBy, whatever the snapshot and the records (ref 4, 5, 8.3-8.9)', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(snapArb, pooledArb, async (s, specs) => {
        const snap = buildSnapshot(s);
        const lines = specs.map((x) => {
          const k = x.eni % snap.enis.length;
          const e = snap.enis[k]!;
          const mine = ownAddr(e, k, x.own);
          const peer = peerAddr(snap.enis, x.peer);
          const src = x.inbound ? peer : mine;
          const dst = x.inbound ? mine : peer;
          const ps = x.pkt === 'none' ? '-' : x.pkt === 'other' && x.inbound ? x.pktPeer : src;
          const pd = x.pkt === 'none' ? '-' : x.pkt === 'other' && !x.inbound ? x.pktPeer : dst;
          return [e.id, src, dst, String(x.sport), String(x.dport), x.proto, x.action, x.flags, x.flowDir, ps, pd, x.reason].join(' ');
        });
        const file = path.join(dir, `f${n++}.log`);
        writeFileSync(file, `${lines.join('\n')}\n`);
        const index = indexSnapshot(snap);
        const reference = runReference(index, await collect(readFlowLogs([file], { logFormat: fullFormat })), { all: false, strict: false });
        const want = reference.records.map((r) => ({ line: r.line, text: lines[r.line - 1], verdict: r.verdict, traffic: r.traffic, blockedBy: r.blockedBy }));
        const compiled = compileSql(index, { dialect: 'duckdb', table: 'flows', format: fullFormat, parquet: false, header: false, summary: false, localFiles: [{ file, format: fullFormat, header: false, parquet: false }] });
        const rows = await session.script(compiled.script);
        const got = rows.map((r) => ({ line: r['line'], text: lines[Number(r['line']) - 1], verdict: r['verdict'], traffic: r['traffic'], blockedBy: blockedByOfRow(r) }));
        expect(got).toEqual(want);
      }),
      { ...fcParams(40), endOnFailure: process.env['VPCWHY_DEBUG_SHRINK'] !== '1' },
    );
  }, 120_000);

  it('reads IPv4 as integers and IPv6 as 32 hex digits as parseIp does, whatever the notation', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(anyIpArb(), { minLength: 1, maxLength: 40 }), async (samples) => {
        const texts = samples.map((x) => x.text);
        const values = texts.map((t) => `('${t.replace(/'/g, "''")}')`).join(', ');
        const rows = await session.script(`SELECT a, ${ipv4Sql('duckdb', 'a')} AS v4, ${ipv6Sql('duckdb', 'a')} AS v6 FROM (VALUES ${values}) t(a)`);
        for (const r of rows) {
          const ip = parseIp(String(r['a']));
          const want = ip === null ? { v4: null, v6: null } : ip.family === 4 ? { v4: ip.value, v6: null } : { v4: null, v6: hex6(ip.value) };
          expect({ a: r['a'], v4: r['v4'], v6: r['v6'] }).toEqual({ a: r['a'], ...want });
        }
      }),
      fcParams(25),
    );
  }, 60_000);
});
