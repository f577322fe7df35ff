/**
 * An interface whose administration ports (SSH, RDP, WinRM, Telnet, VNC, the Docker and Kubernetes APIs,
 * the kubelet, etcd) the internet reaches, judged on the whole path: groups AND network ACLs both ways
 * AND a route to an internet gateway AND a public IPv4 or IPv6 address AND the return path (reach). An
 * interface without a public address, or whose NACL denies the packets or their responses, is not
 * exposed however open its group is.
 */
import { ADMIN_PORTS, EXPOSURE_OPTIONS, checkExposedPorts, defineRule } from '../src/audit/rule-api.js';

export default defineRule({
  meta: {
    id: 'internet-exposed-admin-port',
    title: 'Administration port reachable from the internet',
    severity: 'high',
    rationale:
      'Remote administration services are the first target of internet-wide scans and brute force. This finding is exact: the listed sources really connect, through the groups, both network ACLs, the route and the public address, and get their responses.',
    reference: 'ref 4.1, 5.1, 8.12; https://docs.aws.amazon.com/vpc/latest/userguide/vpc-security-best-practices.html',
    options: EXPOSURE_OPTIONS,
  },
  check(ctx) {
    checkExposedPorts(ctx, 'administration port', ADMIN_PORTS);
  },
});
