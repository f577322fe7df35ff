/**
 * An interface the internet reaches on every TCP or every UDP port (0-65535) from more sources than the
 * threshold, over the whole path with responses (reach): the sources listed are those for which no port
 * is closed.
 */
import { EXPOSURE_OPTIONS, checkAllPorts, defineRule } from '../src/audit/rule-api.js';

export default defineRule({
  meta: {
    id: 'internet-exposed-all-ports',
    title: 'Every port reachable from the internet',
    severity: 'critical',
    rationale:
      'With every port open to the internet, any service the host runs, including ones nobody meant to publish, is exposed. The finding is exact over the whole path, responses included.',
    reference: 'ref 4.1, 5.1, 8.12; https://docs.aws.amazon.com/vpc/latest/userguide/vpc-security-best-practices.html',
    options: EXPOSURE_OPTIONS,
  },
  check(ctx) {
    checkAllPorts(ctx);
  },
});
