/**
 * A security-group rule without a description (Checkov CKV_AWS_23, Trivy AWS-0124, cfn_nag W36, cdk-nag
 * EC27). Two kinds of rule are left out: those of a VPC's default group (AWS writes them;
 * default-security-group-has-rules judges that group) and the all-traffic egress to 0.0.0.0/0 that AWS
 * adds, undescribed, to every group it creates (sg-egress-open-to-internet judges it).
 */
import { defineRule, describePortPart, sgPeerText, sgRuleName, sgRuleRef, type SgRule } from '../src/audit/rule-api.js';

/** The rule AWS adds to every new group: all traffic out to 0.0.0.0/0, no description. */
function isAwsDefaultEgress(r: SgRule): boolean {
  return r.direction === 'outbound' && r.protocol === -1 && r.peer.kind === 'cidr' && r.peer.cidr.text === '0.0.0.0/0';
}

export default defineRule({
  meta: {
    id: 'sg-rule-without-description',
    title: 'Security-group rule without a description',
    severity: 'low',
    rationale:
      'A rule nobody can explain is a rule nobody dares remove: a description (who asked, why, until when) is what lets a review tell a needed rule from a leftover.',
    reference: 'ref 4.1; https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html',
  },
  check(ctx) {
    for (const g of ctx.snapshot.securityGroups) {
      if (g.groupName === 'default') continue;
      for (const r of [...g.inbound, ...g.outbound]) {
        if ((r.description ?? '').trim() !== '' || isAwsDefaultEgress(r)) continue;
        ctx.report({
          resource: g.id,
          message: `${g.id} (${g.groupName}) ${sgRuleName(g, r)} has no description: ${r.direction} ${describePortPart(r)} ${r.direction === 'inbound' ? 'from' : 'to'} ${sgPeerText(r)}`,
          location: r.source,
          entry: sgRuleRef(g, r),
          details: { peer: sgPeerText(r) },
        });
      }
    }
  },
});
