/**
 * A security-group inbound rule from a CIDR other than 0.0.0.0/0 and ::/0 that holds more internet
 * addresses than the threshold (a /16 for IPv4, a /48 for IPv6): `52.0.0.0/8` where `52.0.0.10/32` was
 * meant, a provider's whole range. Any ports. The whole internet (/0) is judged by the exposure rules
 * instead, where a web port open to the world is no finding. Prowler
 * ec2_securitygroup_allow_wide_open_public_ipv4 counts /0-/24 (set maxPrefixV4 to 24 for its reading);
 * cfn_nag W9 flags every CIDR but a /32, which vpcwhy does not.
 */
import { EXPOSURE_OPTIONS, defineRule, describePortPart, internetAddressCount, sgRuleName, sgRuleRef, threshold } from '../src/audit/rule-api.js';

export default defineRule({
  meta: {
    id: 'sg-overly-wide-cidr',
    title: 'Security-group rule admits a wide public CIDR',
    severity: 'low',
    rationale:
      'A public CIDR wider than any one organisation\'s range is usually a mistyped mask or a provider\'s whole address space: it admits strangers who share the provider, while looking like an allow-list.',
    reference: 'ref 4.1; https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html',
    options: EXPOSURE_OPTIONS,
  },
  check(ctx) {
    for (const g of ctx.snapshot.securityGroups) {
      for (const r of g.inbound) {
        if (r.peer.kind !== 'cidr' || r.peer.cidr.prefix === 0) continue;
        const n = internetAddressCount(ctx.index, r.peer.cidr);
        if (n <= threshold(ctx, r.peer.cidr.family)) continue;
        ctx.report({
          resource: g.id,
          message: `${g.id} (${g.groupName}) ${sgRuleName(g, r)} admits ${describePortPart(r)} from ${r.peer.cidr.text}: ${n.toLocaleString('en-US')} internet addresses, more than a /${String(ctx.options[r.peer.cidr.family === 4 ? 'maxPrefixV4' : 'maxPrefixV6'])} holds`,
          location: r.source,
          entry: sgRuleRef(g, r),
          details: { family: r.peer.cidr.family, cidr: r.peer.cidr.text, internetAddresses: n.toString() },
        });
      }
    }
  },
});
