/** A VPC's default security group with rules (CIS AWS Foundations 5.4): one finding per rule. */
import { defineRule, describePortPart, sgPeerText, sgRuleRef, sgRuleName } from '../src/audit/rule-api.js';

export default defineRule({
  meta: {
    id: 'default-security-group-has-rules',
    title: 'Default security group has rules',
    severity: 'medium',
    rationale:
      'Interfaces launched without a group get the default group; with rules it admits traffic nobody chose. The default group should have no inbound or outbound rules, and resources should use groups made for them.',
    reference: 'ref 8.20, 4.1; CIS AWS Foundations Benchmark 5.4; https://docs.aws.amazon.com/vpc/latest/userguide/default-security-group.html',
  },
  check(ctx) {
    for (const g of ctx.snapshot.securityGroups) {
      if (g.groupName !== 'default') continue;
      for (const r of [...g.inbound, ...g.outbound]) {
        const peer = sgPeerText(r);
        ctx.report({
          resource: g.id,
          message: `default security group ${g.id}${g.vpcId ? ` of ${g.vpcId}` : ''} has a rule (${sgRuleName(g, r)}): ${r.direction} ${describePortPart(r)} ${r.direction === 'inbound' ? 'from' : 'to'} ${peer}`,
          location: r.source,
          entry: sgRuleRef(g, r),
          details: { peer },
        });
      }
    }
  },
});
