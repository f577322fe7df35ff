/**
 * Properties of evaluateNacl (src/engine/nacl.ts): order independence, first match, a brute-force oracle over
 * the small universe (test/properties/oracles.ts), and the safety of decisions made without an ICMP type or a
 * destination port.
 *
 * Seeds are fixed (test/arbitraries/fc-params.ts). A failure prints `seed` and `path`; replay it with
 *   FC_SEED=<seed> FC_PATH=<path> npx vitest run test/properties/nacl.test.ts
 * and explore new cases with FC_SEED=random (FC_RUNS_FACTOR=10 for more runs).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type NaclDecision, evaluateNacl } from '../../src/engine/nacl.js';
import type { Packet } from '../../src/model/flow.js';
import type { Direction, NaclEntry } from '../../src/model/snapshot.js';
import { expectCoverage, fcParams } from '../arbitraries/fc-params.js';
import { entryMatching, matchingShapeArb, naclActionArb, naclArb, naclEntriesArb, naclOf, specificShapeArb } from '../arbitraries/nacl.js';
import { directionArb, localsArb, packetMaybeUnknownArb, srcPortArb, universePacketArb, withUnknownFields } from '../arbitraries/packet.js';
import { shuffleSeedArb, shuffled } from '../arbitraries/shuffle.js';
import { ICMP_PAIRS, PORTS, type UniversePoint, packetOf, universePoints } from '../arbitraries/universe.js';
import { naclOracle } from './oracles.js';

const DIRECTIONS: readonly Direction[] = ['inbound', 'outbound'];
const POINTS = universePoints();

const label = (e: NaclEntry | null) => (e === null ? null : `${e.direction} #${e.ruleNumber} ${e.action}`);

/** Everything a decision says, with entries by their (unique) direction and rule number. */
function summary(d: NaclDecision) {
  return {
    action: d.action,
    ruleNumber: d.ruleNumber,
    entry: label(d.entry),
    isDefaultRule: d.isDefaultRule,
    undecided: d.undecided.map(label),
    shadowedAllow: label(d.shadowedAllow),
    closestMisses: d.closestMisses.map((m) => `${label(m.entry)} ${m.reason}`),
  };
}

function describePacket(p: Packet, direction: Direction): string {
  return JSON.stringify({ direction, ...p }, (_, v) => (typeof v === 'bigint' ? `0x${v.toString(16)}` : v));
}

describe('evaluateNacl properties', () => {
  it('NACL verdict (action and rule number, and its evidence) is independent of the input order of entries (ref 5.1, 5.5)', () => {
    fc.assert(
      fc.property(naclEntriesArb(12), packetMaybeUnknownArb, shuffleSeedArb, (entries, { direction, packet }, seed) => {
        const a = evaluateNacl(naclOf(entries), direction, packet);
        const b = evaluateNacl(naclOf(shuffled(seed, entries)), direction, packet);
        expect(summary(b)).toEqual(summary(a));
      }),
      fcParams(500),
    );
  });

  it('a matching deny with a lower rule number than a matching allow wins, and vice versa (ref 5.1)', () => {
    fc.assert(
      fc.property(
        naclEntriesArb(10, { minRuleNumber: 101 }),
        universePacketArb,
        fc.uniqueArray(fc.integer({ min: 1, max: 100 }), { minLength: 2, maxLength: 2 }),
        matchingShapeArb,
        matchingShapeArb,
        shuffleSeedArb,
        (background, { direction, packet }, [denyAt, allowAt], denyShape, allowShape, seed) => {
          const deny = entryMatching(packet, direction, 'deny', denyAt!, denyShape);
          const allow = entryMatching(packet, direction, 'allow', allowAt!, allowShape);
          const d = evaluateNacl(naclOf(shuffled(seed, [...background, deny, allow])), direction, packet);
          const winner = denyAt! < allowAt! ? deny : allow;
          expect({ action: d.action, ruleNumber: d.ruleNumber, entry: d.entry }).toEqual({ action: winner.action, ruleNumber: winner.ruleNumber, entry: winner });
          if (winner === deny) expect(d.shadowedAllow).toBe(allow);
        },
      ),
      fcParams(500),
    );
  });

  it('NACL verdict equals a brute-force oracle for every packet of the small universe, IPv4 and IPv6, default rules 32767/32768 (ref 5.1, 5.2, 8.13, 8.15)', () => {
    let explicit = 0;
    let byDefault6 = 0;
    fc.assert(
      fc.property(naclArb(12), localsArb, srcPortArb, (acl, locals, srcPort) => {
        const oracle = naclOracle(acl);
        for (const direction of DIRECTIONS) {
          for (const point of POINTS) {
            const packet = packetOf(point, direction, locals, srcPort);
            const d = evaluateNacl(acl, direction, packet);
            const o = oracle(direction, packet);
            if (d.action !== o.action || d.ruleNumber !== o.ruleNumber || d.entry !== o.entry) {
              expect({ action: d.action, ruleNumber: d.ruleNumber, entry: d.entry }, describePacket(packet, direction)).toEqual(o);
            }
            if (o.entry !== null) explicit++;
            else if (o.ruleNumber === 32768) byDefault6++;
          }
        }
      }),
      fcParams(120),
    );
    expectCoverage({ 'an explicit entry deciding': explicit, 'the IPv6 default rule 32768 deciding': byDefault6 }, 1000);
  });

  describe('decisions without an ICMP type (flow-log records, ref 2.4) or without a destination port', () => {
    const icmpPoints = POINTS.filter((p) => (p.protocol === 1 || p.protocol === 58) && p.detail.kind === 'icmp' && p.detail.type === 0 && p.detail.code === 0);
    const portPoints = POINTS.filter((p) => (p.protocol === 6 || p.protocol === 17) && p.detail.kind === 'port' && p.detail.port === 0);
    /** The same point with every concrete ICMP type/code, or every port, of the universe. */
    const concretes = (point: UniversePoint): UniversePoint[] =>
      point.protocol === 1 || point.protocol === 58
        ? ICMP_PAIRS.map(([type, code]) => ({ ...point, detail: { kind: 'icmp', type, code } }))
        : PORTS.map((port) => ({ ...point, detail: { kind: 'port', port } }));

    // Besides a random ACL, up to three entries built around the packet (its peer address and protocol, and
    // one concrete type/code or port, widened at random), so that the verdict often depends on the missing field.
    const focusedArb = fc.array(
      fc.record({ concrete: fc.nat(), action: naclActionArb, ruleNumber: fc.integer({ min: 1, max: 32766 }), shape: specificShapeArb }),
      { minLength: 1, maxLength: 3 },
    );
    for (const [what, points] of [
      ['ICMP type/code', icmpPoints],
      ['destination port', portPoints],
    ] as const) {
      it(`with the ${what} unknown, a NACL decision with an empty \`undecided\` list equals the verdict and the rule number for every concrete value (ref 5.2)`, () => {
        const seen = { certain: 0, uncertain: 0, dependsOnField: 0 };
        fc.assert(
          fc.property(naclEntriesArb(8), focusedArb, fc.constantFrom(...points), directionArb, localsArb, srcPortArb, (background, focused, point, direction, locals, srcPort) => {
            const concretePackets = concretes(point).map((c) => packetOf(c, direction, locals, srcPort));
            const taken = new Set(background.map((e) => `${e.direction}:${e.ruleNumber}`));
            const entries = [...background];
            for (const f of focused) {
              if (taken.has(`${direction}:${f.ruleNumber}`)) continue;
              taken.add(`${direction}:${f.ruleNumber}`);
              entries.push(entryMatching(concretePackets[f.concrete % concretePackets.length]!, direction, f.action, f.ruleNumber, f.shape));
            }
            const acl = naclOf(entries);
            const d = evaluateNacl(acl, direction, withUnknownFields(packetOf(point, direction, locals, srcPort)));
            const oracle = naclOracle(acl);
            const verdicts = concretePackets.map((concrete) => {
              const o = oracle(direction, concrete);
              return { packet: describePacket(concrete, direction), action: o.action, rule: o.ruleNumber };
            });
            if (new Set(verdicts.map((v) => v.action)).size > 1) seen.dependsOnField++;
            if (d.undecided.length > 0) {
              seen.uncertain++;
              return;
            }
            seen.certain++;
            for (const v of verdicts) {
              expect(v.action, v.packet).toBe(d.action);
              expect(v.rule, v.packet).toBe(d.ruleNumber);
            }
          }),
          fcParams(500),
        );
        // Coverage: the verdict must often depend on the missing field, or the property has no teeth.
        expectCoverage({ 'a certain decision': seen.certain, 'a verdict depending on the field': seen.dependsOnField }, 50);
      });
    }
  });
});
