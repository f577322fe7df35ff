/**
 * A security-group inbound rule that admits database ports from more internet sources than the threshold
 * (IPv4 and IPv6), whether or not anything is attached. Effective (severity
 * high: the interfaces and the matching internet-exposed-database-port finding are named) or latent (medium, with the
 * reason: not attached, no public address, no route to an internet gateway, the NACL denies it, the
 * return path is denied). See src/audit/rule-exposure.ts.
 */
import { checkSgRuleExposure, DATABASE_PORTS, defineRule, EXPOSURE_OPTIONS } from '../src/audit/rule-api.js';

export default defineRule({
  meta: {
    id: 'sg-database-port-open-to-internet',
    title: 'Security-group rule admits a database port from the internet',
    severity: 'high',
    rationale:
      'A group rule that admits database ports from the internet exposes every data store that carries the group now or later. The finding says whether it is effective today or latent, and why.',
    reference: 'ref 4.1, 8.12; https://docs.aws.amazon.com/vpc/latest/userguide/vpc-security-groups.html',
    options: EXPOSURE_OPTIONS,
  },
  check(ctx) {
    checkSgRuleExposure(ctx, { what: 'database port', ports: DATABASE_PORTS, exposureRule: 'internet-exposed-database-port' });
  },
});
