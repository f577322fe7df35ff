/**
 * A security-group outbound rule that allows all traffic (every protocol and port) to more internet
 * addresses than the threshold: 0.0.0.0/0 or ::/0, or any CIDR that wide (Checkov CKV_AWS_382, cfn_nag
 * W40 and, for egress to the world on all protocols, W5 / Trivy AWS-0104). An egress rule limited to
 * ports (tcp/443 to 0.0.0.0/0 for package mirrors and APIs) is not reported.
 */
import { EXPOSURE_OPTIONS, defineRule, internetAddressCount, sgRuleName, sgRuleRef, threshold } from '../src/audit/rule-api.js';

export default defineRule({
  meta: {
    id: 'sg-egress-open-to-internet',
    title: 'Security group allows all traffic out to the internet',
    severity: 'low',
    rationale:
      'All traffic out to anywhere lets a compromised host reach any command-and-control server or exfiltrate over any protocol; outbound rules for the ports the workload uses (or a proxy, a VPC endpoint) make that harder. AWS adds this rule to every new group, so it is common and low.',
    reference: 'ref 4.1; https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html',
    options: EXPOSURE_OPTIONS,
  },
  check(ctx) {
    for (const g of ctx.snapshot.securityGroups) {
      for (const r of g.outbound) {
        if (r.protocol !== -1 || r.peer.kind !== 'cidr') continue;
        const n = internetAddressCount(ctx.index, r.peer.cidr);
        if (n <= threshold(ctx, r.peer.cidr.family)) continue;
        ctx.report({
          resource: g.id,
          message: `${g.id} (${g.groupName}) ${sgRuleName(g, r)} allows all traffic out to ${r.peer.cidr.text} (${n.toLocaleString('en-US')} internet addresses over IPv${r.peer.cidr.family})`,
          location: r.source,
          entry: sgRuleRef(g, r),
          details: { family: r.peer.cidr.family, cidr: r.peer.cidr.text, internetAddresses: n.toString() },
        });
      }
    }
  },
});
