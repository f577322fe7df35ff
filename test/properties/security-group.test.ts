/**
 * Properties of evaluateGroupIds (src/engine/security-group.ts): order independence, monotonic union, a
 * brute-force oracle over the small universe (test/properties/oracles.ts), and the safety of decisions made
 * without an ICMP type or a destination port.
 *
 * Seeds are fixed (test/arbitraries/fc-params.ts). A failure prints `seed` and `path`; replay it with
 *   FC_SEED=<seed> FC_PATH=<path> npx vitest run test/properties/security-group.test.ts
 * and explore new cases with FC_SEED=random (FC_RUNS_FACTOR=10 for more runs).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type SgDecision, evaluateGroupIds } from '../../src/engine/security-group.js';
import { indexSnapshot } from '../../src/engine/snapshot-index.js';
import type { Packet } from '../../src/model/flow.js';
import type { Direction, SgRule } from '../../src/model/snapshot.js';
import { expectCoverage, fcParams } from '../arbitraries/fc-params.js';
import { directionArb, localsArb, packetMaybeUnknownArb, srcPortArb, withUnknownFields } from '../arbitraries/packet.js';
import { matchingShapeArb, specificShapeArb } from '../arbitraries/nacl.js';
import { DESCRIBED_GROUPS, GROUPS_ON_ENIS, type SgWorld, ruleMatching, sgRuleArb, sgWorldArb, sgWorldPartsArb, worldFromParts } from '../arbitraries/security-group.js';
import { shuffleSeedArb, shuffled } from '../arbitraries/shuffle.js';
import { ICMP_PAIRS, PORTS, type UniversePoint, packetOf, universePoints } from '../arbitraries/universe.js';
import { sgOracle } from './oracles.js';

const DIRECTIONS: readonly Direction[] = ['inbound', 'outbound'];
const POINTS = universePoints();

const ids = (rules: readonly SgRule[]) => rules.map((r) => r.ruleId ?? '?').sort();

/** The verdict and the evidence that must not depend on input order. */
function summary(d: SgDecision) {
  return {
    allowed: d.allowed,
    groupIds: d.groupIds,
    matched: ids(d.matched),
    undecided: ids(d.undecided),
    unknownGroups: d.unknownGroups,
    noGroups: d.noGroups,
    noRules: d.noRules,
  };
}

function evaluate(world: SgWorld, direction: Direction, packet: Packet): SgDecision {
  return evaluateGroupIds(indexSnapshot(world.snapshot), world.groupIds, direction, packet);
}

function describePacket(p: Packet, direction: Direction, groupIds: readonly string[]): string {
  return JSON.stringify({ groupIds, direction, ...p }, (_, v) => (typeof v === 'bigint' ? `0x${v.toString(16)}` : v));
}

describe('evaluateGroupIds properties', () => {
  it('SG verdict is independent of rule order, group order and repeated groups (union of all rules, ref 4.1)', () => {
    fc.assert(
      fc.property(sgWorldArb(), packetMaybeUnknownArb, shuffleSeedArb, fc.boolean(), (world, { direction, packet }, seed, repeat) => {
        const s = world.snapshot;
        const permuted: SgWorld = {
          snapshot: {
            ...s,
            securityGroups: shuffled(seed, s.securityGroups.map((g, i) => ({ ...g, inbound: shuffled(seed + i + 1, g.inbound), outbound: shuffled(seed + i + 7, g.outbound) }))),
            enis: shuffled(seed + 11, s.enis),
            prefixLists: shuffled(seed + 13, s.prefixLists),
          },
          groupIds: shuffled(seed + 17, repeat ? [...world.groupIds, ...world.groupIds] : world.groupIds),
        };
        expect(summary(evaluate(permuted, direction, packet))).toEqual(summary(evaluate(world, direction, packet)));
      }),
      fcParams(400),
    );
  });

  it('adding a rule to a security group never turns allow into deny, and keeps every matching rule (monotonic union, ref 4.1)', () => {
    let flips = 0;
    // The added rule: a random one, or (half of the time) one built around the packet, which may allow it.
    const extraArb = fc.tuple(sgRuleArb(), fc.option(matchingShapeArb, { nil: null }));
    fc.assert(
      fc.property(sgWorldPartsArb(), extraArb, fc.constantFrom(...DESCRIBED_GROUPS), packetMaybeUnknownArb, (parts, [random, shape], group, { direction, packet }) => {
        const extra = shape === null ? random : ruleMatching(packet, direction, shape);
        const before = evaluate(worldFromParts(parts), direction, packet);
        // Appended, so the rule ids of the existing rules stay the same.
        const grown = worldFromParts({ ...parts, rules: { ...parts.rules, [group]: [...parts.rules[group], extra] } });
        const after = evaluate(grown, direction, packet);
        if (before.allowed) expect(after.allowed).toBe(true);
        expect(ids(after.matched)).toEqual(expect.arrayContaining(ids(before.matched)));
        if (!before.allowed && after.allowed) flips++;
      }),
      fcParams(400),
    );
    expectCoverage({ 'the added rule turning deny into allow': flips }, 20);
  });

  it('adding a security group to an ENI that has groups never turns allow into deny (union over groups, ref 4.1)', () => {
    fc.assert(
      fc.property(sgWorldPartsArb(), fc.constantFrom(...GROUPS_ON_ENIS), packetMaybeUnknownArb, (parts, group, { direction, packet }) => {
        fc.pre(parts.groupIds.length > 0); // an ENI without groups is not filtered at all (ref 8.11)
        const before = evaluate(worldFromParts(parts), direction, packet);
        const after = evaluate(worldFromParts({ ...parts, groupIds: [...parts.groupIds, group] }), direction, packet);
        if (before.allowed) expect(after.allowed).toBe(true);
      }),
      fcParams(300),
    );
  });

  it('SG verdict and matched rules equal a brute-force oracle for every packet of the small universe, IPv4 and IPv6, CIDR / prefix-list / group peers (ref 4.1, 4.2, 8.13, 8.15)', () => {
    let allowed = 0;
    let denied = 0;
    fc.assert(
      fc.property(sgWorldArb(), localsArb, srcPortArb, (world, locals, srcPort) => {
        const index = indexSnapshot(world.snapshot);
        const oracle = sgOracle(world.snapshot);
        for (const direction of DIRECTIONS) {
          for (const point of POINTS) {
            const packet = packetOf(point, direction, locals, srcPort);
            const d = evaluateGroupIds(index, world.groupIds, direction, packet);
            const o = oracle(world.groupIds, direction, packet);
            const got = { allowed: d.allowed, matched: ids(d.matched) };
            const want = { allowed: o.allowed, matched: ids(o.matched) };
            if (got.allowed !== want.allowed || got.matched.join() !== want.matched.join()) {
              expect(got, describePacket(packet, direction, world.groupIds)).toEqual(want);
            }
            if (o.allowed) allowed++;
            else denied++;
          }
        }
      }),
      fcParams(100),
    );
    expectCoverage({ 'allowed packets': allowed, 'denied packets': denied }, 2000);
  });

  describe('decisions without an ICMP type (flow-log records, ref 2.4) or without a destination port', () => {
    const icmpPoints = POINTS.filter((p) => (p.protocol === 1 || p.protocol === 58) && p.detail.kind === 'icmp' && p.detail.type === 0 && p.detail.code === 0);
    const portPoints = POINTS.filter((p) => (p.protocol === 6 || p.protocol === 17) && p.detail.kind === 'port' && p.detail.port === 0);
    const concretes = (point: UniversePoint): UniversePoint[] =>
      point.protocol === 1 || point.protocol === 58
        ? ICMP_PAIRS.map(([type, code]) => ({ ...point, detail: { kind: 'icmp', type, code } }))
        : PORTS.map((port) => ({ ...point, detail: { kind: 'port', port } }));
    for (const [what, points] of [
      ['ICMP type/code', icmpPoints],
      ['destination port', portPoints],
    ] as const) {
      it(`with the ${what} unknown, an SG decision with an empty \`undecided\` list equals the verdict for every concrete value (ref 4.2)`, () => {
        const seen = { certain: 0, dependsOnField: 0 };
        // Besides random groups, up to three rules in sg-a built around the packet (peer address, protocol, one
        // concrete type/code or port, kept narrow), so that the verdict often depends on the missing field.
        const focusedArb = fc.array(fc.tuple(fc.nat(), specificShapeArb), { minLength: 1, maxLength: 3 });
        fc.assert(
          fc.property(sgWorldPartsArb(4), focusedArb, fc.constantFrom(...points), directionArb, localsArb, srcPortArb, (parts, focused, point, direction, locals, srcPort) => {
            const concretePackets = concretes(point).map((c) => packetOf(c, direction, locals, srcPort));
            const extra = focused.map(([i, shape]) => ruleMatching(concretePackets[i % concretePackets.length]!, direction, shape));
            const world = worldFromParts({ ...parts, rules: { ...parts.rules, 'sg-a': [...parts.rules['sg-a'], ...extra] } });
            const groupIds = [...world.groupIds, 'sg-a'];
            const d = evaluateGroupIds(indexSnapshot(world.snapshot), groupIds, direction, withUnknownFields(packetOf(point, direction, locals, srcPort)));
            const oracle = sgOracle(world.snapshot);
            const verdicts = concretePackets.map((concrete) => ({ packet: describePacket(concrete, direction, groupIds), allowed: oracle(groupIds, direction, concrete).allowed }));
            if (new Set(verdicts.map((v) => v.allowed)).size > 1) seen.dependsOnField++;
            if (d.undecided.length > 0) return;
            seen.certain++;
            for (const v of verdicts) expect(v.allowed, v.packet).toBe(d.allowed);
          }),
          fcParams(400),
        );
        expectCoverage({ 'a certain decision': seen.certain, 'a verdict depending on the field': seen.dependsOnField }, 30);
      });
    }
  });
});
