/**
 * A network ACL inbound allow entry that decides administration ports from more internet sources than the threshold
 * (first match respected: only the packets the entry decides count), whether or not anything is attached. Effective (severity
 * high: the interfaces and the matching internet-exposed-admin-port finding are named) or latent (medium, with the
 * reason: not attached, no public address, no route to an internet gateway, the NACL denies it, the
 * return path is denied). See src/audit/rule-exposure.ts.
 */
import { ADMIN_PORTS, checkNaclEntryExposure, defineRule, EXPOSURE_OPTIONS } from '../src/audit/rule-api.js';

export default defineRule({
  meta: {
    id: 'nacl-admin-port-open-to-internet',
    title: 'Network ACL entry allows an administration port from the internet',
    severity: 'high',
    rationale:
      'A NACL allow entry that decides administration-port packets from the internet leaves the security groups as the only filter for them. The finding says whether it is effective today or latent, and why.',
    reference: 'ref 5.1, 8.12; https://docs.aws.amazon.com/vpc/latest/userguide/vpc-network-acls.html',
    options: EXPOSURE_OPTIONS,
  },
  check(ctx) {
    checkNaclEntryExposure(ctx, { what: 'administration port', ports: ADMIN_PORTS, exposureRule: 'internet-exposed-admin-port' });
  },
});
