/**
 * A security-group inbound rule that admits every TCP or UDP port (0-65535) from more internet sources than the threshold
 * (IPv4 and IPv6), whether or not anything is attached. Effective (severity
 * high: the interfaces and the matching internet-exposed-all-ports finding are named) or latent (medium, with the
 * reason: not attached, no public address, no route to an internet gateway, the NACL denies it, the
 * return path is denied). See src/audit/rule-exposure.ts.
 */
import { checkSgRuleExposure, defineRule, EXPOSURE_OPTIONS } from '../src/audit/rule-api.js';

export default defineRule({
  meta: {
    id: 'sg-all-ports-open-to-internet',
    title: 'Security-group rule admits every port from the internet',
    severity: 'high',
    rationale:
      'A group rule that admits every TCP or UDP port from the internet publishes whatever the host runs. The finding says whether it is effective today or latent, and why.',
    reference: 'ref 4.1, 8.12; https://docs.aws.amazon.com/vpc/latest/userguide/vpc-security-groups.html',
    options: EXPOSURE_OPTIONS,
  },
  check(ctx) {
    checkSgRuleExposure(ctx, { what: 'every port', ports: 'all', exposureRule: 'internet-exposed-all-ports' });
  },
});
