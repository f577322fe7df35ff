/**
 * A security-group rule implied by another rule of the same group and direction: every packet it
 * allows, the other allows too (exact over the packet space, ref 4.1). Group and prefix-list peers change
 * with their members, so such a rule is implied only by a rule with the same peer (never by one whose
 * CIDR happens to hold today's members); rules that never match (unreadable) are left to the warnings.
 */
import {
  defineRule,
  isSubset,
  isEmpty,
  sgRuleRef,
  sgRuleName,
  sgRuleSet,
  describePortPart,
  type SgRule,
  type SnapshotIndex,
  type Family,
  type PacketSet,
} from '../src/audit/rule-api.js';

const ALL4 = { kind: 'cidr', cidr: { family: 4, network: 0, prefix: 0, text: '0.0.0.0/0' } } as const;

/** The rule's protocol and port part, whatever the peer. */
function portPart(index: SnapshotIndex, r: SgRule): PacketSet {
  return sgRuleSet(index, { ...r, peer: ALL4 }, 4).set;
}

function peerText(r: SgRule): string {
  const p = r.peer;
  return p.kind === 'cidr' ? p.cidr.text : p.kind === 'group' ? p.groupId : p.kind === 'prefix-list' ? p.prefixListId : p.text;
}

function implies(index: SnapshotIndex, by: SgRule, r: SgRule): boolean {
  if (by.protocol === null || r.protocol === null) return false;
  if (r.peer.kind === 'cidr') {
    if (by.peer.kind !== 'cidr') return false;
    const fam: Family = r.peer.cidr.family;
    const mine = sgRuleSet(index, r, fam).set;
    return !isEmpty(mine) && isSubset(mine, sgRuleSet(index, by, fam).set);
  }
  if (r.peer.kind === 'invalid' || by.peer.kind !== r.peer.kind) return false;
  if (peerText(by) !== peerText(r)) return false;
  const mine = portPart(index, r);
  return !isEmpty(mine) && isSubset(mine, portPart(index, by));
}

export default defineRule({
  meta: {
    id: 'sg-redundant-rule',
    title: 'Security-group rule implied by another rule of the group',
    severity: 'low',
    rationale: 'A rule another rule already covers allows nothing more; it counts toward the quota and misleads reviewers (removing the wider rule later opens less than they think, removing this one changes nothing).',
    reference: 'ref 4.1, 4.2; https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html',
  },
  check(ctx) {
    for (const g of ctx.snapshot.securityGroups) {
      for (const rules of [g.inbound, g.outbound]) {
        for (let i = 0; i < rules.length; i++) {
          const r = rules[i]!;
          // The first rule that implies it; of two equal rules, the later one is reported.
          const by = rules.find((o, j) => j !== i && implies(ctx.index, o, r) && !(j > i && implies(ctx.index, r, o)));
          if (by === undefined) continue;
          ctx.report({
            resource: g.id,
            message: `${g.id} ${sgRuleName(g, r)} (${describePortPart(r)} ${r.direction === 'inbound' ? 'from' : 'to'} ${peerText(r)}) is implied by ${sgRuleName(g, by)} (${describePortPart(by)} ${by.direction === 'inbound' ? 'from' : 'to'} ${peerText(by)})`,
            location: r.source,
            entry: sgRuleRef(g, r),
            details: { impliedBy: sgRuleRef(g, by) },
          });
        }
      }
    }
  },
});
