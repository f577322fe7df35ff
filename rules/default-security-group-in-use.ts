/**
 * A network interface that carries its VPC's default security group (ScoutSuite
 * ec2-default-security-group-in-use; CIS AWS Foundations 5.4 asks the default group to be unused as
 * well as closed).
 */
import { defineRule } from '../src/audit/rule-api.js';

export default defineRule({
  meta: {
    id: 'default-security-group-in-use',
    title: 'Network interface uses the default security group',
    severity: 'low',
    rationale:
      'Every resource launched without a group gets the default group, so interfaces that share it by accident can talk to each other (its default inbound rule admits its own members). A group per role keeps that deliberate.',
    reference: 'ref 8.20, 4.1; https://docs.aws.amazon.com/vpc/latest/userguide/default-security-group.html',
  },
  check(ctx) {
    for (const eni of ctx.snapshot.enis) {
      for (const id of eni.groupIds) {
        const g = ctx.index.groupById.get(id);
        if (!g || g.groupName !== 'default' || (g.vpcId !== undefined && g.vpcId !== eni.vpcId)) continue;
        ctx.report({
          resource: eni.id,
          message: `${eni.id}${eni.name ? ` (${eni.name})` : ''} in ${eni.vpcId} carries the default security group ${g.id}`,
          location: eni.source,
          details: { groupId: g.id },
        });
      }
    }
  },
});
