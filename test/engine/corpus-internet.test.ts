/**
 * A property over every snapshot of the shared corpus (np-guard configs and Batfish's real-account
 * snapshots, Apache-2.0; skipped when the corpus is absent): an internet host traced to each interface that
 * has a public address (at the public address, at its private partner, and by id) gets an answer whose
 * blocker, if any, is a NACL rule, security groups, a route table or a Block Public Access setting that the
 * snapshot contains. The same holds with the snapshot's describe-internet-gateways output taken away, and
 * then the answer is the same as with it whenever the gateway it listed is also proved by an active route
 * (issue 14; ref 6.1, 8.12).
 */
import { existsSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { E } from '../../src/fp.js';
import { loadSnapshot } from '../../src/aws/load-snapshot.js';
import { tracePath, type Endpoint } from '../../src/engine/path.js';
import { indexSnapshot, type SnapshotIndex } from '../../src/engine/snapshot-index.js';
import { blockedByOf } from '../../src/explain/hops.js';
import type { Snapshot } from '../../src/model/snapshot.js';
import type { Packet } from '../../src/model/flow.js';
import { formatIp, parseIp } from '../../src/net/ip.js';
import { fcParams } from '../arbitraries/fc-params.js';
import { CORPUS, findAwsConfigs } from '../aws/support.js';

function snapshotPaths(): string[] {
  if (!existsSync(CORPUS)) return [];
  const np = path.join(CORPUS, 'npguard');
  return [...findAwsConfigs(path.join(CORPUS, 'batfish')), ...readdirSync(np).filter((n) => n.endsWith('.json')).sort().map((f) => path.join(np, f))];
}

const paths = snapshotPaths();

/** The snapshot as if its files had no InternetGateways section. */
function withoutInternetGateways(s: Snapshot): Snapshot {
  return { ...s, internetGateways: [], meta: { ...s.meta, sections: (s.meta.sections ?? []).filter((k) => k !== 'InternetGateways') } };
}

/** Is the blocker something the snapshot contains (a rule, groups, a table, a BPA mode)? */
function blockerInSnapshot(index: SnapshotIndex, b: ReturnType<typeof blockedByOf>): string | null {
  const s = index.snapshot;
  if (b === null) return null;
  switch (b.component) {
    case 'network-acl': {
      const acl = index.naclById.get(b.id);
      if (!acl) return `network ACL ${b.id} is not in the snapshot`;
      const isDefault = b.rule === 32767 || b.rule === 32768;
      return isDefault || acl.entries.some((e) => e.ruleNumber === b.rule && e.direction === b.direction) ? null : `${b.id} has no ${b.direction} rule ${b.rule}`;
    }
    case 'security-group':
      return b.ids.every((id) => index.groupById.has(id)) ? null : `groups ${b.ids.join(',')} are not all in the snapshot`;
    case 'route':
      return s.routeTables.some((t) => t.id === b.id) ? null : `route table ${b.id} is not in the snapshot`;
    case 'block-public-access':
      return s.vpcs.some((v) => v.bpaMode !== undefined && v.bpaMode !== 'off') || s.subnets.some((x) => x.bpaMode !== undefined && x.bpaMode !== 'off') ? null : 'no Block Public Access setting in the snapshot';
  }
}

const flowArb = fc.record({
  proto: fc.constantFrom(6, 17, 1),
  port: fc.constantFrom(22, 80, 443, 3306, 8080, 53),
  srcPort: fc.integer({ min: 1024, max: 65535 }),
  // Documentation and public addresses outside every corpus VPC.
  src: fc.constantFrom('198.51.100.77', '8.8.4.4', '192.0.2.200', '1.1.1.1'),
});

describe.skipIf(paths.length === 0)('internet to every public interface of the corpus: the blocker is in the snapshot (issue 14; ref 6.1, 8.12)', () => {
  it('finds the snapshots', () => {
    expect(paths.length).toBeGreaterThanOrEqual(25);
  });

  it.each(paths.map((p) => [path.relative(CORPUS, p), p]))('%s', async (_name, p) => {
    const loaded = await loadSnapshot([p])();
    if (E.isLeft(loaded)) return expect.fail('the corpus snapshot does not load');
    const full = indexSnapshot(loaded.right);
    const partial = indexSnapshot(withoutInternetGateways(loaded.right));
    const targets = loaded.right.enis.filter((e) => e.publicIps.length > 0);
    let traced = 0;
    fc.assert(
      fc.property(flowArb, (f) => {
        const src: Endpoint = { kind: 'external', ip: parseIp(f.src)!, where: 'internet' };
        for (const eni of targets) {
          for (const pub of eni.publicIps) {
            const ends: Endpoint[] = [
              { kind: 'eni', eni, ip: pub.publicIp, via: 'public' },
              { kind: 'eni', eni, ip: pub.privateIp, via: 'private' },
            ];
            for (const dst of ends) {
              const packet: Packet = { protocol: f.proto, src: src.ip, dst: dst.ip, srcPort: f.proto === 1 ? null : f.srcPort, dstPort: f.proto === 1 ? null : f.port, icmpType: f.proto === 1 ? 8 : null, icmpCode: f.proto === 1 ? 0 : null };
              const answers = [full, partial].map((index) => {
                const r = tracePath(index, { src, dst, packet });
                const b = r.blockingHop ? blockedByOf(r.blockingHop, true) : null;
                expect(r.blockingHop === null || b !== null, 'a blocking hop has a blockedBy').toBe(true);
                const problem = blockerInSnapshot(index, b);
                expect(problem, `${eni.id} at ${formatIp(dst.ip)}: ${JSON.stringify(b)}`).toBeNull();
                // The internet reaches the interface at its public address, whichever address was named.
                if (r.reachable) expect(r.dst.kind === 'eni' && r.dst.via === 'public').toBe(true);
                return { reachable: r.reachable, b, notes: r.notes };
              });
              const [withIgw, withoutIgw] = answers as [(typeof answers)[0], (typeof answers)[0]];
              const listed = full.igwsByVpc.get(eni.vpcId)?.[0]?.id;
              const proved = loaded.right.routeTables.some((t) => t.vpcId === eni.vpcId && t.routes.some((r) => r.state === 'active' && r.target.id === listed));
              if (listed !== undefined && proved) {
                expect(withoutIgw.b, `${eni.id}: the same answer without describe-internet-gateways`).toEqual(withIgw.b);
                expect(withoutIgw.reachable).toBe(withIgw.reachable);
                if (!withIgw.b || withIgw.b.component !== 'route') expect(withoutIgw.notes.join(' ')).toContain('no describe-internet-gateways output');
              }
              traced++;
            }
          }
        }
      }),
      fcParams(8),
    );
    expect(traced).toBe(targets.reduce((n, e) => n + e.publicIps.length, 0) * 2 * 8);
  });
});
