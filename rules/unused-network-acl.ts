/** A network ACL no subnet is associated with (the VPC's default NACL excepted: it serves unassociated subnets). */
import { defineRule } from '../src/audit/rule-api.js';

export default defineRule({
  meta: {
    id: 'unused-network-acl',
    title: 'Network ACL associated with no subnet',
    severity: 'low',
    rationale: 'A NACL with no subnet filters nothing: it is clutter, and rules added to it by mistake have no effect.',
    reference: 'ref 5.1; https://docs.aws.amazon.com/vpc/latest/userguide/vpc-network-acls.html',
  },
  check(ctx) {
    for (const acl of ctx.snapshot.networkAcls) {
      if (acl.isDefault || acl.subnetIds.length > 0) continue;
      ctx.report({
        resource: acl.id,
        message: `${acl.id}${acl.name ? ` (${acl.name})` : ''} in ${acl.vpcId} is associated with no subnet, so its ${acl.entries.length} entries filter nothing`,
        location: acl.source,
        details: { vpcId: acl.vpcId },
      });
    }
  },
});
