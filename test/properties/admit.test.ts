/**
 * What a NACL direction and an interface's security groups admit (src/audit/admit.ts) against the point
 * evaluators of the engine (evaluateNacl, evaluateGroupIds): a random packet is in the admitted set exactly
 * when the evaluator allows it, and the piece holding it names the deciding entry (ref 4.1, 5.1).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { naclAdmits, sgAdmits } from '../../src/audit/admit.js';
import { evaluateNacl } from '../../src/engine/nacl.js';
import { evaluateGroupIds } from '../../src/engine/security-group.js';
import { indexSnapshot } from '../../src/engine/snapshot-index.js';
import { hasPacket, isEmpty, intersect } from '../../src/net/packet-set.js';
import { fcParams } from '../arbitraries/fc-params.js';
import { naclArb } from '../arbitraries/nacl.js';
import { universePacketArb } from '../arbitraries/packet.js';
import { sgWorldArb } from '../arbitraries/security-group.js';

describe('naclAdmits against evaluateNacl', () => {
  it('a packet is admitted exactly when the first matching entry allows it, in the piece of that entry (ref 5.1)', () => {
    fc.assert(
      fc.property(naclArb(12), fc.array(universePacketArb, { minLength: 15, maxLength: 15 }), (acl, packets) => {
        const cache = new Map<string, ReturnType<typeof naclAdmits>>();
        for (const { direction, packet } of packets) {
          const family = packet.src.family;
          const key = `${direction}${family}`;
          const adm = cache.get(key) ?? naclAdmits(acl, direction, family);
          cache.set(key, adm);
          const d = evaluateNacl(acl, direction, packet);
          expect(hasPacket(adm.allowed, packet)).toBe(d.action === 'allow');
          const holding = adm.pieces.filter((p) => hasPacket(p.set, packet));
          expect(holding.length).toBe(d.action === 'allow' ? 1 : 0);
          if (d.action === 'allow') expect(holding[0]!.entry).toBe(d.entry);
        }
      }),
      fcParams(200),
    );
  });

  it('pieces are disjoint', () => {
    fc.assert(
      fc.property(naclArb(10), fc.constantFrom('inbound' as const, 'outbound' as const), fc.constantFrom(4 as const, 6 as const), (acl, direction, family) => {
        const { pieces } = naclAdmits(acl, direction, family);
        for (let i = 0; i < pieces.length; i++) for (let j = i + 1; j < pieces.length; j++) expect(isEmpty(intersect(pieces[i]!.set, pieces[j]!.set))).toBe(true);
      }),
      fcParams(100),
    );
  });
});

describe('sgAdmits against evaluateGroupIds', () => {
  it('a packet is admitted exactly when some rule of the groups allows it, and its piece names a matching rule (ref 4.1)', () => {
    fc.assert(
      fc.property(sgWorldArb(), fc.array(universePacketArb, { minLength: 15, maxLength: 15 }), (world, packets) => {
        const index = indexSnapshot(world.snapshot);
        for (const { direction, packet } of packets) {
          const adm = sgAdmits(index, world.groupIds, direction, packet.src.family);
          const d = evaluateGroupIds(index, world.groupIds, direction, packet);
          expect(hasPacket(adm.allowed, packet)).toBe(d.allowed);
          if (!adm.noGroups) {
            const holding = adm.pieces.filter((p) => hasPacket(p.set, packet));
            expect(holding.length).toBe(d.allowed ? 1 : 0);
            if (d.allowed) expect(d.matched).toContain(holding[0]!.rule);
          }
          // A rule the evaluator cannot decide for want of its peer's members is reported unknown.
          for (const r of d.undecided) if (r.peer.kind === 'group' && !index.groupById.has(r.peer.groupId) && !index.groupMemberIps.has(r.peer.groupId)) {
            expect(adm.unknown.map((u) => u.rule)).toContain(r);
          }
        }
      }),
      fcParams(200),
    );
  });

  it('a prefix list without entries is unknown, never guessed (ref 4.2)', () => {
    fc.assert(
      fc.property(sgWorldArb(), fc.constantFrom('inbound' as const, 'outbound' as const), (world, direction) => {
        const index = indexSnapshot(world.snapshot);
        const adm = sgAdmits(index, world.groupIds, direction, 4);
        for (const u of adm.unknown) {
          if (u.rule.peer.kind === 'prefix-list') {
            const pl = index.prefixListById.get(u.rule.peer.prefixListId);
            expect(pl === undefined || pl.entries === null).toBe(true);
          }
        }
      }),
      fcParams(100),
    );
  });
});
