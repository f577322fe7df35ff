/**
 * A security group no network interface carries. Judged only when the snapshot lists the network
 * interfaces (a snapshot without describe-network-interfaces cannot tell), and never for a VPC's default
 * group (it cannot be deleted).
 */
import { defineRule } from '../src/audit/rule-api.js';

export default defineRule({
  meta: {
    id: 'unused-security-group',
    title: 'Security group attached to no network interface',
    severity: 'low',
    rationale: 'An unused group is clutter that invites mistakes (attached later with forgotten rules); removing it keeps the rule base reviewable.',
    reference: 'ref 4.1; https://docs.aws.amazon.com/vpc/latest/userguide/working-with-security-groups.html',
  },
  check(ctx) {
    const s = ctx.snapshot;
    // Without the interfaces section, every group would look unused.
    if (s.meta.sections !== undefined ? !s.meta.sections.includes('NetworkInterfaces') : s.enis.length === 0) return;
    const used = new Set<string>();
    for (const eni of s.enis) for (const g of eni.groupIds) used.add(g);
    const referencedBy = new Map<string, Set<string>>();
    for (const g of s.securityGroups) {
      for (const r of [...g.inbound, ...g.outbound]) {
        if (r.peer.kind !== 'group' || r.peer.groupId === g.id) continue;
        let set = referencedBy.get(r.peer.groupId);
        if (!set) referencedBy.set(r.peer.groupId, (set = new Set()));
        set.add(g.id);
      }
    }
    for (const g of s.securityGroups) {
      if (used.has(g.id) || g.groupName === 'default') continue;
      const refs = [...(referencedBy.get(g.id) ?? [])].sort();
      ctx.report({
        resource: g.id,
        message: `${g.id} (${g.groupName}) is attached to no network interface in the snapshot${refs.length ? `; rules of ${refs.join(', ')} reference it, and match no address through it` : ''}`,
        location: g.source,
        details: { groupName: g.groupName, referencedBy: refs },
      });
    }
  },
});
