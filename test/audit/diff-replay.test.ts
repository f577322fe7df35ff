/**
 * Replay of flow logs under two configurations (issue 16, `vpcwhy diff ... logs`): on generated logs of the
 * three-tier example, a known change (db NACL rule 90 moved from the web subnet onto the app subnet) breaks
 * exactly the ACCEPTed app -> db tcp/5432 requests, grouped under that rule (ref 5.1, 8.2-8.4); the reverse
 * change newly allows exactly the same records REJECTed; a configuration against itself changes nothing;
 * the answer does not depend on how the reader batches records (streaming).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { type SnapshotIndex, indexSnapshot } from '../../src/engine/snapshot-index.js';
import { type ReplayResult, replayFlowLogs } from '../../src/explain/replay.js';
import { readFlowLogs } from '../../src/flowlog/reader.js';
import { fcParams } from '../arbitraries/fc-params.js';
import { load } from '../properties/reach-check.js';

const dir = mkdtempSync(path.join(tmpdir(), 'vpcwhy-replay-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const DB = 'eni-0db1000000000004';
const WEB = 'eni-0web100000000001';
const APP = 'eni-0app100000000003';
const RULE_90 = { component: 'network-acl', id: 'acl-0db0000000000003', direction: 'inbound', rule: 90 };

/** The kinds of record the logs are made of, and what the change does to each. */
type Kind = 'app-db' | 'app-db-stray' | 'web-db' | 'db-reply' | 'internet-web' | 'app-internet' | 'unknown-eni';

interface Rec {
  readonly kind: Kind;
  readonly action: 'ACCEPT' | 'REJECT';
  readonly port: number;
  readonly host: number;
}

const recArb: fc.Arbitrary<Rec> = fc.record({
  kind: fc.constantFrom<Kind>('app-db', 'app-db', 'app-db-stray', 'web-db', 'db-reply', 'internet-web', 'app-internet', 'unknown-eni'),
  action: fc.constantFrom<'ACCEPT' | 'REJECT'>('ACCEPT', 'ACCEPT', 'REJECT'),
  port: fc.integer({ min: 32768, max: 60999 }),
  host: fc.integer({ min: 21, max: 250 }),
});

function line(r: Rec): string {
  const t = '1732700000 1732700060';
  const v2 = (eni: string, src: string, dst: string, sp: number, dp: number) => `2 123456789012 ${eni} ${src} ${dst} ${sp} ${dp} 6 4 400 ${t} ${r.action} OK`;
  switch (r.kind) {
    case 'app-db':
      return v2(DB, '10.0.2.20', '10.0.3.30', r.port, 5432);
    case 'app-db-stray':
      // Another address of the app subnet: not a member of the app group, so the db group blocks it before too.
      return v2(DB, `10.0.2.${r.host}`, '10.0.3.30', r.port, 5432);
    case 'web-db':
      return v2(DB, '10.0.1.10', '10.0.3.30', r.port, 5432);
    case 'db-reply':
      return v2(DB, '10.0.3.30', '10.0.2.20', 5432, r.port);
    case 'internet-web':
      return v2(WEB, `198.51.100.${r.host}`, '10.0.1.10', r.port, 443);
    case 'app-internet':
      return v2(APP, '10.0.2.20', `203.0.113.${r.host}`, r.port, 443);
    case 'unknown-eni':
      return v2('eni-0fffffffffffffff0', `203.0.113.${r.host}`, '10.9.9.9', r.port, 3389);
  }
}

let n = 0;
function writeLog(recs: readonly Rec[]): string {
  const file = path.join(dir, `flows-${n++}.log`);
  writeFileSync(file, recs.map(line).join('\n') + '\n');
  return file;
}

async function replay(before: SnapshotIndex, after: SnapshotIndex, file: string, batchSize?: number): Promise<ReplayResult> {
  const events = readFlowLogs([file], batchSize === undefined ? {} : { batchSize });
  return (await replayFlowLogs(before, after, events)).result;
}

const snapshotIndex = async (p: string) => indexSnapshot(await load([p]));

describe('replay of flow logs under a change (issue 16)', () => {
  it('breaks exactly the ACCEPTed app -> db tcp/5432 requests, grouped under db NACL rule 90; the reverse change newly allows exactly the REJECTed ones (ref 5.1, 8.4)', async () => {
    const before = await snapshotIndex('examples/three-tier/snapshot');
    const after = await snapshotIndex('examples/three-tier/after');
    await fc.assert(
      fc.asyncProperty(fc.array(recArb, { minLength: 1, maxLength: 60 }), async (recs) => {
        const file = writeLog(recs);
        const lineOf = (pick: (r: Rec) => boolean) => recs.findIndex(pick) + 1;
        const appDb = (action: string) => (r: Rec) => r.kind === 'app-db' && r.action === action;
        const accepted = recs.filter(appDb('ACCEPT')).length;
        const rejected = recs.filter(appDb('REJECT')).length;
        const replies = recs.filter((r) => r.kind === 'db-reply' && r.action === 'ACCEPT').length;

        const forward = await replay(before, after, file);
        expect(forward.records).toBe(recs.length);
        expect(forward.counts.breaks).toBe(accepted + replies);
        expect(forward.newlyAllowed).toEqual([]);
        // web -> db is blocked before (rule 90 and the db group) and after (the db group): an ACCEPT of it is not explained by either.
        expect(forward.counts.unexplainedAccepts).toBe(recs.filter((r) => (r.kind === 'app-db-stray' || r.kind === 'web-db') && r.action === 'ACCEPT').length);
        expect(forward.counts.unknownInterface).toBe(recs.filter((r) => r.kind === 'unknown-eni').length);
        const byTraffic = [...forward.breaks].sort((x, y) => x.traffic.localeCompare(y.traffic));
        expect(byTraffic).toEqual([
          // The requests, at db's interface: its own NACL's rule 90 now denies them.
          ...(accepted === 0 ? [] : [{
            eniId: DB, direction: 'inbound', traffic: 'request', peer: '10.0.2.0/24', protocol: 6, port: 5432,
            blockedBy: RULE_90, rule: expect.stringContaining('rule 90'), via: 'interface', records: accepted, first: { file, line: lineOf(appDb('ACCEPT')) },
          }]),
          // db's responses pass db's NACL outbound, but their connections' requests are denied on the path.
          ...(replies === 0 ? [] : [{
            eniId: DB, direction: 'outbound', traffic: 'response', peer: '10.0.2.0/24', protocol: 6, port: 5432,
            blockedBy: { ...RULE_90, path: 'forward' }, rule: 'network ACL acl-0db0000000000003 inbound rule 90', via: 'path', records: replies,
            first: { file, line: lineOf((r) => r.kind === 'db-reply' && r.action === 'ACCEPT') },
          }]),
        ]);

        const back = await replay(after, before, file);
        expect(back.breaks).toEqual([]);
        expect(back.counts.newlyAllowed).toBe(rejected);
        expect(back.newlyAllowed.map((g) => [g.eniId, g.peer, g.port, g.blockedBy, g.records])).toEqual(rejected === 0 ? [] : [[DB, '10.0.2.0/24', 5432, RULE_90, rejected]]);
      }),
      fcParams(20),
    );
  }, 120_000);

  it('changes nothing when a configuration is replayed against itself, and does not depend on how records are batched', async () => {
    const before = await snapshotIndex('examples/three-tier/snapshot');
    const after = await snapshotIndex('examples/three-tier/after');
    await fc.assert(
      fc.asyncProperty(fc.array(recArb, { minLength: 1, maxLength: 40 }), fc.integer({ min: 1, max: 7 }), async (recs, batch) => {
        const file = writeLog(recs);
        const same = await replay(before, before, file);
        expect([same.breaks, same.newlyAllowed, same.counts.breaks, same.counts.newlyAllowed]).toEqual([[], [], 0, 0]);
        expect(await replay(before, after, file, batch)).toEqual(await replay(before, after, file));
      }),
      fcParams(15),
    );
  }, 120_000);

  it('reads the example log: the request on line 4 breaks at db, its response on line 5 on the path; the NODATA record is counted, not judged (ref 2.3)', async () => {
    const before = await snapshotIndex('examples/three-tier/snapshot');
    const after = await snapshotIndex('examples/three-tier/after');
    const r = await replay(before, after, 'examples/three-tier/flows.log');
    expect(r.records).toBe(13);
    expect(r.breaks.map((g) => [g.eniId, g.traffic, g.peer, g.port, g.via, g.records, g.first.line]).sort()).toEqual([[DB, 'request', '10.0.2.0/24', 5432, 'interface', 1, 4], [DB, 'response', '10.0.2.0/24', 5432, 'path', 1, 5]]);
    expect(r.counts).toMatchObject({ breaks: 2, newlyAllowed: 0, unknownInterface: 1 });
  });

  it('stops a strict run at the first bad line', async () => {
    const before = await snapshotIndex('examples/three-tier/snapshot');
    const file = path.join(dir, 'bad.log');
    writeFileSync(file, `${line({ kind: 'app-db', action: 'ACCEPT', port: 40000, host: 30 })}\nnot a record\n`);
    const run = await replayFlowLogs(before, before, readFlowLogs([file]), { strict: true });
    expect(run.strictFailure).toMatch(/bad\.log:2: /);
  });
});
