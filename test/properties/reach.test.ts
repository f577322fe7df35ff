/**
 * `reach` against `trace` (issue 15): for every packet of the domain, membership in the rows equals
 * tracePath's `reachable`, and the row holding a reachable packet names the NACL entries and the group
 * rules the trace says let it through (ref 4.1, 5.1, 8.2). Snapshots: the bundled example, the
 * path-semantics snapshot with random NACLs and groups (IGW, NAT gateway, peering, appliance, public
 * addresses per private address), and random worlds without route tables.
 */
import fc from 'fast-check';
import { naclEntryArb as naclEntryOf, sgRuleArb as sgRuleOf } from '../arbitraries/describe-rules.js';
import { describe, expect, it } from 'vitest';
import type { ReachFrom } from '../../src/audit/reach.js';
import { indexSnapshot } from '../../src/engine/snapshot-index.js';
import { fcParams } from '../arbitraries/fc-params.js';
import { buildSnapshot, snapArb } from '../arbitraries/explain-world.js';
import { ALLOW_ALL, OPEN, acl, group, snapshot as pathSnapshot } from '../cli/path-snapshot.js';
import { check, load, probesArb } from './reach-check.js';

const FROMS: ReachFrom[] = [{ kind: 'internet' }, { kind: 'any' }];

describe('reach equals trace (issue 15; ref 8.2)', () => {
  it('on the bundled three-tier example, every interface, from the internet and from anywhere', async () => {
    const s = await load(['examples/three-tier/snapshot']);
    const index = indexSnapshot(s);
    const stats = { outside: 0, blocked: 0, reachable: 0 };
    for (const target of s.enis) {
      for (const from of [...FROMS, { kind: 'subnet', subnetId: s.subnets[0]!.id } as ReachFrom]) {
        fc.assert(fc.property(probesArb(index, target, from), (probes) => check(index, target, from, probes, stats)), fcParams(8));
      }
    }
    expect(stats.reachable).toBeGreaterThan(20);
    expect(stats.blocked).toBeGreaterThan(20);
  }, 120_000);

  const cidrArb = fc.constantFrom('0.0.0.0/0', '0.0.0.0/1', '54.0.0.0/8', '54.1.2.3/32', '3.3.3.3/32', '10.0.0.0/16', '10.0.2.0/24', '10.0.1.0/25', '10.1.0.0/16', '192.0.2.0/24');
  const portArb = fc.constantFrom([22, 22], [80, 443], [1024, 65535], [0, 1023], [32768, 65535], [443, 443], [0, 65535]);
  const naclEntryArb = naclEntryOf(cidrArb, portArb);
  const sgRuleArb = sgRuleOf(cidrArb, portArb);

  it('on the path-semantics snapshot with random NACL entries and groups (IGW, NAT gateway, hairpin, peering, appliance)', async () => {
    const stats = { outside: 0, blocked: 0, reachable: 0 };
    await fc.assert(
      fc.asyncProperty(
        fc.array(naclEntryArb, { maxLength: 8 }),
        fc.array(sgRuleArb, { maxLength: 4 }),
        fc.array(sgRuleArb, { maxLength: 3 }),
        fc.constantFrom('eni-web', 'eni-app', 'eni-db', 'eni-fw', 'eni-peer'),
        fc.constantFrom<ReachFrom>({ kind: 'internet' }, { kind: 'any' }, { kind: 'subnet', subnetId: 'subnet-priv' }, { kind: 'eni', eniId: 'eni-db' }),
        fc.integer({ min: 0, max: 1 << 30 }),
        async (entries, inbound, outbound, to, from, seed) => {
          const file = pathSnapshot({
            acls: [acl('acl-1', ['subnet-pub', 'subnet-priv', 'subnet-fw'], [...entries, ...ALLOW_ALL.filter(() => seed % 3 === 0)]), acl('acl-2', ['subnet-peer'], ALLOW_ALL, 'vpc-2')],
            groups: [group('sg-open'), group('sg-app', inbound, outbound.length > 0 ? outbound : OPEN), group('sg-peer', OPEN, OPEN, 'vpc-2')],
          });
          const index = indexSnapshot(await load([file]));
          const target = index.eniById.get(to)!;
          const probes = fc.sample(probesArb(index, target, from), { numRuns: 1, seed })[0]!;
          check(index, target, from, probes, stats);
        },
      ),
      fcParams(60),
    );
    expect(stats.reachable).toBeGreaterThan(50);
    expect(stats.blocked).toBeGreaterThan(50);
  }, 240_000);

  it('on random worlds of groups, NACL entries, public addresses and prefixes (no route tables)', () => {
    const stats = { outside: 0, blocked: 0, reachable: 0 };
    fc.assert(
      fc.property(snapArb, fc.nat({ max: 7 }), fc.constantFrom<ReachFrom>({ kind: 'internet' }, { kind: 'any' }), fc.integer({ min: 0, max: 1 << 30 }), (spec, i, from, seed) => {
        const s = buildSnapshot(spec);
        const index = indexSnapshot(s);
        const target = s.enis[i % s.enis.length]!;
        const probes = fc.sample(probesArb(index, target, from), { numRuns: 1, seed })[0]!;
        check(index, target, from, probes, stats);
      }),
      fcParams(60),
    );
    expect(stats.reachable).toBeGreaterThan(50);
  }, 240_000);
});
