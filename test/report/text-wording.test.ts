/**
 * The wording users read, pinned: the text renderers on the documented scenarios (the bundled example
 * examples/three-tier and the AWS flow-log documentation examples, ref 9). A change of wording shows up
 * here as a diff to review (`npx vitest run -u` accepts it).
 */
import { describe, expect, it } from 'vitest';
import { loadSnapshot } from '../../src/aws/load-snapshot.js';
import { indexSnapshot } from '../../src/engine/snapshot-index.js';
import { runReference } from '../../src/explain/reference.js';
import { type FlowLogEvent, readFlowLogs } from '../../src/flowlog/reader.js';
import { E } from '../../src/fp.js';
import { renderExplain } from '../../src/report/explain.js';
import { runCli } from '../cli/run-cli.js';
import { eni, nacl, naclEntry, sg, sgRule, snapshotOf, subnet, vpc } from '../builders.js';
import { parseFlowLogLines } from '../../src/flowlog/reader.js';
import { DEFAULT_FORMAT } from '../../src/flowlog/format.js';

async function events(it: AsyncIterable<FlowLogEvent>): Promise<FlowLogEvent[]> {
  const out: FlowLogEvent[] = [];
  for await (const ev of it) out.push(ev);
  return out;
}

describe('text wording of the documented scenarios', () => {
  it('explains the bundled three-tier example as its README says', async () => {
    const snap = await loadSnapshot(['examples/three-tier/snapshot'])();
    if (E.isLeft(snap)) throw new Error('example snapshot');
    const { records, summary } = runReference(indexSnapshot(snap.right), await events(readFlowLogs(['examples/three-tier/flows.log'])), { all: false, strict: false });
    expect(renderExplain('text', records, summary)).toMatchInlineSnapshot(`
      "examples/three-tier/flows.log:1: BLOCKED
        Inbound TCP 198.51.100.7:40000 -> 10.0.1.10:22 on eni-0web100000000001
          (web-1), probably a request (port 22 is a service port and 40000 an
          ephemeral one), was denied:
        network ACL acl-0public000000001 (public) of subnet-0public0000000001: inbound
          rule * (32767, the default: deny all IPv4 traffic from 0.0.0.0/0) denies it:
          no lower-numbered inbound rule matches (closest: rule 110 (allow tcp/22 from
          192.0.2.0/24), for other sources).
        The security groups would also deny it: no inbound rule of sg-0web000000000001
          (web) on eni-0web100000000001 allows tcp/22 from 198.51.100.7; closest:
          sg-0web000000000001 (web): allow tcp/22 from prefix list pl-0corp00000000001
          (corp-offices) ("SSH from the offices") (the same port, but from another
          peer).
        Fix: (1) add an allow rule to network ACL acl-0public000000001 for inbound
          tcp/22 from 198.51.100.7/32 (any number up to 32766 that precedes the denies
          you keep); (2) add an inbound rule to sg-0web000000000001 allowing tcp/22
          from 198.51.100.7/32.
        Inferred from the snapshot configuration.

      examples/three-tier/flows.log:3: BLOCKED
        Inbound TCP 10.0.1.10:50612 -> 10.0.3.30:5432 on eni-0db1000000000004 (db-1),
          probably a request (port 5432 is a service port and 50612 an ephemeral one),
          was denied:
        network ACL acl-0db0000000000003 (db) of subnet-0db0000000000003: inbound rule
          90 (deny tcp/5432 from 10.0.1.0/24) denies it, evaluated before the allow in
          rule 100.
        The security groups would also deny it: no inbound rule of sg-0db0000000000003
          (db) on eni-0db1000000000004 allows tcp/5432 from 10.0.1.10; closest:
          sg-0db0000000000003 (db) rule sgr-0dbpostgres00001: allow tcp/5432 from
          members of sg-0app000000000002 (app) ("postgres from the app tier") (the
          same port, but from another peer).
        Fix: (1) remove or narrow rule 90 of network ACL acl-0db0000000000003, or add
          an allow rule to it for inbound tcp/5432 from 10.0.1.10/32 with a number
          lower than 90; (2) add an inbound rule to sg-0db0000000000003 allowing
          tcp/5432 from sg-0web000000000001 (a group on eni-0web100000000001).
        Inferred from the snapshot configuration.

      examples/three-tier/flows.log:7: BLOCKED
        Inbound TCP 203.0.113.5:443 -> 10.0.2.20:41000 on eni-0app100000000003
          (app-1), a response (the reverse flow was accepted on this interface earlier
          in the input), was denied:
        network ACL acl-0app0000000000002 (app) of subnet-0app000000000002: inbound
          rule * (32767, the default: deny all IPv4 traffic from 0.0.0.0/0) denies it:
          no lower-numbered inbound rule matches (closest: rule 110 (allow
          tcp/1024-65535 from 10.0.0.0/16), for other sources).
        As a response it passes the security groups (they are stateful), but network
          ACLs are stateless and judge it on its own.
        Fix: add an allow rule to network ACL acl-0app0000000000002 for inbound
          tcp/1024-65535 (the ephemeral ports responses go to) from 203.0.113.5/32 (or
          0.0.0.0/0 for every peer) (any number up to 32766 that precedes the denies
          you keep).
        Inferred from the snapshot configuration.

      examples/three-tier/flows.log:9: BLOCKED
        Outbound TCP [2600:1f18:abc:de01::10]:443 -> [2001:db8::7]:50123 on
          eni-0web100000000001 (web-1), a response (the reverse flow was accepted on
          this interface earlier in the input), was denied:
        network ACL acl-0public000000001 (public) of subnet-0public0000000001:
          outbound rule * (32768, the default: deny all IPv6 traffic to ::/0) denies
          it: no lower-numbered outbound rule matches.
        As a response it passes the security groups (they are stateful), but network
          ACLs are stateless and judge it on its own.
        Fix: add an allow rule to network ACL acl-0public000000001 for outbound
          tcp/1024-65535 (the ephemeral ports responses go to) to 2001:db8::7/128 (or
          ::/0 for every peer) (any number up to 32766 that precedes the denies you
          keep).
        Inferred from the snapshot configuration.

      examples/three-tier/flows.log:10: BLOCKED
        Inbound ICMP 10.0.1.10 -> 10.0.1.11 on eni-0web200000000002 (web-2), a request
          (ICMP records carry no type, so an echo request and a reply look alike; read
          as a response, the configuration would have let it through, so only the
          request reading fits the REJECT), was denied:
        no inbound rule of sg-0web000000000001 (web) on eni-0web200000000002 allows
          icmp from 10.0.1.10.
        Fix: add an inbound rule to sg-0web000000000001 allowing icmp from
          sg-0web000000000001 (a group on eni-0web100000000001).
        Inferred from the snapshot configuration.

      examples/three-tier/flows.log:11: CONFIG ALLOWS
        Inbound TCP 198.51.100.20:55000 -> 10.0.1.10:443 on eni-0web100000000001
          (web-1), a request (the interface's security groups admit connections to its
          port 443, so this is a client connecting), is allowed by the current
          configuration:
        network ACL acl-0public000000001 (public) of subnet-0public0000000001: inbound
          rule 100 (allow tcp/443 from 0.0.0.0/0) allows it; allowed by
          sg-0web000000000001 (web): allow tcp/443 from 0.0.0.0/0 ("HTTPS").
        Likely causes: the configuration changed between the record and the snapshot;
          the instance's connection-tracking allowance was exceeded (see the ENA
          metric conntrack_allowance_exceeded).

      examples/three-tier/flows.log:12: UNKNOWN INTERFACE
        Network interface eni-0fffffffffffffff0 is not in the snapshot, so its
          security groups and network ACL are unknown: add its
          describe-network-interfaces output (and its subnet's network ACL and
          security groups), or the record comes from another account or Region.
        Its direction cannot be told without the interface; it is reported as inbound.

      Summary
        13 records in 1 file: 7 REJECT, 5 ACCEPT, 1 NODATA
        7 explained: 5 blocked, 0 config-denies, 1 config-allows, 1 unknown-interface, 0 ambiguous

      Rejects by blocking rule
               1  network ACL acl-0app0000000000002 (app): inbound rule * (32767, the default: deny all IPv4 traffic from 0.0.0.0/0)
                  top sources: 203.0.113.5 (1)
                  top destination ports: 41000 (1)
               1  network ACL acl-0db0000000000003 (db): inbound rule 90 (deny tcp/5432 from 10.0.1.0/24)
                  top sources: 10.0.1.10 (1)
                  top destination ports: 5432 (1)
               1  network ACL acl-0public000000001 (public): inbound rule * (32767, the default: deny all IPv4 traffic from 0.0.0.0/0)
                  top sources: 198.51.100.7 (1)
                  top destination ports: 22 (1)
               1  network ACL acl-0public000000001 (public): outbound rule * (32768, the default: deny all IPv6 traffic to ::/0)
                  top destinations: 2001:db8::7 (1)
                  top destination ports: 50123 (1)
               1  security groups sg-0web000000000001 (inbound): no rule allows
                  top sources: 10.0.1.10 (1)
                  icmp records: icmp (1); flow logs carry no ICMP type or code
      "
    `);
  });

  it('traces the example\'s web-to-database flow blocked by NACL rule 90', async () => {
    const r = await runCli(['trace', '--snapshot', 'examples/three-tier/snapshot', '--from', 'eni-0web100000000001', '--to', 'eni-0db1000000000004', '--protocol', 'tcp', '--port', '5432']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatchInlineSnapshot(`
      "BLOCKED: TCP 10.0.1.10:50000 -> 10.0.3.30:5432

      Forward path
        ok    security-group eni-0web100000000001 outbound
              allowed by sg-0web000000000001 (web): allow all traffic to 0.0.0.0/0
        ok    network-acl acl-0public000000001 outbound
              network ACL acl-0public000000001 (public) of subnet-0public0000000001: outbound rule 100 (allow all traffic to 0.0.0.0/0) allows it
        ok    route rtb-0public000000001
              route table rtb-0public000000001: 10.0.0.0/16 -> local (longest match /16)
        DENY  network-acl acl-0db0000000000003 inbound
              network ACL acl-0db0000000000003 (db) of subnet-0db0000000000003: inbound rule 90 (deny tcp/5432 from 10.0.1.0/24) denies it, evaluated before the allow in rule 100
        DENY  security-group eni-0db1000000000004 inbound
              no inbound rule of sg-0db0000000000003 (db) on eni-0db1000000000004 allows tcp/5432 from 10.0.1.10; closest: sg-0db0000000000003 (db) rule sgr-0dbpostgres00001: allow tcp/5432 from members of sg-0app000000000002 (app) ("postgres from the app tier") (the same port, but from another peer)

      Return path (the response)
        ok    security-group eni-0db1000000000004 outbound
              response of a tracked connection: security groups are stateful and let it pass without evaluating outbound rules
        DENY  network-acl acl-0db0000000000003 outbound
              network ACL acl-0db0000000000003 (db) of subnet-0db0000000000003: outbound rule * (32767, the default: deny all IPv4 traffic to 0.0.0.0/0) denies it: no lower-numbered outbound rule matches (closest: rule 100 (allow tcp/1024-65535 to 10.0.2.0/24), for other destinations)
        ok    route rtb-0private00000001
              route table rtb-0private00000001: 10.0.0.0/16 -> local (longest match /16)
        ok    network-acl acl-0public000000001 inbound
              network ACL acl-0public000000001 (public) of subnet-0public0000000001: inbound rule 120 (allow tcp/1024-65535 from 0.0.0.0/0) allows it
        ok    security-group eni-0web100000000001 inbound
              response of a tracked connection: security groups are stateful and let it pass without evaluating inbound rules

      TCP 10.0.1.10:50000 -> 10.0.3.30:5432 from eni-0web100000000001 (web-1) to
        eni-0db1000000000004 (db-1) is blocked on the way there.
      Network ACL acl-0db0000000000003 (db) of subnet-0db0000000000003: inbound rule
        90 (deny tcp/5432 from 10.0.1.0/24) denies it, evaluated before the allow in
        rule 100.
      After that, 2 more checks would also block it: security-group inbound
        sg-0db0000000000003 on eni-0db1000000000004 on the way there; network-acl
        outbound acl-0db0000000000003 rule 32767 on the way back (the response).
      Fix: (1) remove or narrow rule 90 of network ACL acl-0db0000000000003, or add an
        allow rule to it for inbound tcp/5432 from 10.0.1.10/32 with a number lower
        than 90; (2) add an inbound rule to sg-0db0000000000003 allowing tcp/5432 from
        sg-0web000000000001 (a group on eni-0web100000000001); (3) add an allow rule
        to network ACL acl-0db0000000000003 for outbound tcp/1024-65535 (the ephemeral
        ports responses go to) to 10.0.1.10/32 (or 0.0.0.0/0 for every peer) (any
        number up to 32766 that precedes the denies you keep).
      The source port 50000 is an assumed ephemeral port (inside the Linux 32768-61000
        and Windows 49152-65535 ranges); pass --src-port to trace another.
      "
    `);
  });

  it('explains the AWS documentation\'s ping example: the reply dropped by the NACL, the SG stateful (ref 2.4, 9.1)', async () => {
    const snapshot = snapshotOf({
      vpcs: [vpc('vpc-1', ['172.31.0.0/16'])],
      subnets: [subnet('subnet-1', '172.31.16.0/20')],
      enis: [eni('eni-1235b8ca123456789', 'subnet-1', ['172.31.16.139'], ['sg-1'])],
      securityGroups: [sg('sg-1', [sgRule('sg-1', 'inbound', 'icmp', '0.0.0.0/0', { icmp: [-1, -1] })])],
      networkAcls: [nacl('acl-1', [naclEntry(100, 'allow', 'inbound', '-1', '0.0.0.0/0'), naclEntry(32767, 'deny', 'inbound', '-1', '0.0.0.0/0'), naclEntry(32767, 'deny', 'outbound', '-1', '0.0.0.0/0')], ['subnet-1'])],
    });
    const log = [
      '2 123456789010 eni-1235b8ca123456789 203.0.113.12 172.31.16.139 0 0 1 4 336 1432917027 1432917142 ACCEPT OK',
      '2 123456789010 eni-1235b8ca123456789 172.31.16.139 203.0.113.12 0 0 1 4 336 1432917094 1432917142 REJECT OK',
    ];
    const { records, summary } = runReference(indexSnapshot(snapshot), await events(parseFlowLogLines('ping.log', log, { logFormat: DEFAULT_FORMAT })), { all: false, strict: false });
    expect(renderExplain('text', records, summary)).toMatchInlineSnapshot(`
      "ping.log:2: BLOCKED
        Outbound ICMP 172.31.16.139 -> 203.0.113.12 on eni-1235b8ca123456789, a
          response (the reverse flow was accepted on this interface earlier in the
          input), was denied:
        network ACL acl-1 of subnet-1: outbound rule * (32767, the default: deny all
          IPv4 traffic to 0.0.0.0/0) denies it: no lower-numbered outbound rule
          matches.
        As a response it passes the security groups (they are stateful), but network
          ACLs are stateless and judge it on its own.
        Fix: add an allow rule to network ACL acl-1 for outbound icmp to
          203.0.113.12/32 (or 0.0.0.0/0 for every peer) (any number up to 32766 that
          precedes the denies you keep).
        Inferred from the snapshot configuration.

      Summary
        2 records in 1 file: 1 REJECT, 1 ACCEPT
        1 explained: 1 blocked, 0 config-denies, 0 config-allows, 0 unknown-interface, 0 ambiguous

      Rejects by blocking rule
               1  network ACL acl-1: outbound rule * (32767, the default: deny all IPv4 traffic to 0.0.0.0/0)
                  top destinations: 203.0.113.12 (1)
                  icmp records: icmp (1); flow logs carry no ICMP type or code
      "
    `);
  });
});
