/**
 * Rule counts near the VPC quotas: rules per security group per direction and address family (60 by
 * default, ref 4.1), NACL entries per direction and family (20 by default, ref 5.1). A rule naming a
 * prefix list counts as the list's entries of the family (AWS counts its MaxEntries, which the snapshot
 * does not carry), a group reference counts in both families.
 */
import { defineRule, numberOption, type Family, type SgRule, type SnapshotIndex } from '../src/audit/rule-api.js';

function weight(index: SnapshotIndex, r: SgRule, family: Family): number {
  switch (r.peer.kind) {
    case 'cidr':
      return r.peer.cidr.family === family ? 1 : 0;
    case 'prefix-list': {
      const entries = index.prefixListById.get(r.peer.prefixListId)?.entries;
      return entries ? Math.max(1, entries.filter((c) => c.family === family).length) : 1;
    }
    case 'group':
      return 1;
    case 'invalid':
      return family === 4 ? 1 : 0;
  }
}

export default defineRule({
  meta: {
    id: 'quota-near',
    title: 'Security group or network ACL near its rule quota',
    severity: 'low',
    rationale: 'At the quota the next rule cannot be added, usually during an incident; a near-full rule set also hides mistakes. Consolidate (prefix lists, group references) before it fills.',
    reference: 'ref 4.1, 5.1; https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html',
    options: {
      sgRuleQuota: { type: 'number', default: 60, description: 'rules per security group per direction and address family (the account quota)' },
      sgRuleThreshold: { type: 'number', default: 50, description: 'report a group direction and family with at least this many rules' },
      naclEntryQuota: { type: 'number', default: 20, description: 'entries per NACL per direction and address family, the * rule not counted' },
      naclEntryThreshold: { type: 'number', default: 18, description: 'report a NACL direction and family with at least this many entries' },
    },
  },
  check(ctx) {
    const sgQuota = numberOption(ctx, 'sgRuleQuota');
    const sgAt = numberOption(ctx, 'sgRuleThreshold');
    const naclQuota = numberOption(ctx, 'naclEntryQuota');
    const naclAt = numberOption(ctx, 'naclEntryThreshold');
    for (const g of ctx.snapshot.securityGroups) {
      for (const direction of ['inbound', 'outbound'] as const) {
        const rules = direction === 'inbound' ? g.inbound : g.outbound;
        for (const family of [4, 6] as const) {
          const count = rules.reduce((n, r) => n + weight(ctx.index, r, family), 0);
          if (count < sgAt) continue;
          ctx.report({
            ...(count >= sgQuota ? { severity: 'medium' as const } : {}),
            resource: g.id,
            message: `${g.id} (${g.groupName}) has ${count} ${direction} IPv${family} rules; the quota is ${sgQuota}`,
            location: g.source,
            details: { direction, family, count, quota: sgQuota },
          });
        }
      }
    }
    for (const acl of ctx.snapshot.networkAcls) {
      for (const direction of ['inbound', 'outbound'] as const) {
        for (const family of [4, 6] as const) {
          const count = acl.entries.filter((e) => e.direction === direction && e.cidr?.family === family && e.ruleNumber < 32767).length;
          if (count < naclAt) continue;
          ctx.report({
            ...(count >= naclQuota ? { severity: 'medium' as const } : {}),
            resource: acl.id,
            message: `${acl.id} has ${count} ${direction} IPv${family} entries (the * rule not counted); the quota is ${naclQuota}`,
            location: acl.source,
            details: { direction, family, count, quota: naclQuota },
          });
        }
      }
    }
  },
});
