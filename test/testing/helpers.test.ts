/**
 * The helpers of vpcwhy/testing over real and generated snapshots (issue 16): reachableFrom is reach;
 * assertNeverReachable throws exactly when reach finds a connection, with a counterexample that trace
 * confirms; admits agrees with the point evaluators (evaluateNacl, evaluateGroupIds, ref 4.1, 5.1);
 * returnPathProblems lists exactly the requests whose responses the outbound NACL denies (ref 5.1, 5.4).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { reach } from '../../src/audit/reach.js';
import { evaluateNacl } from '../../src/engine/nacl.js';
import { evaluateGroupIds } from '../../src/engine/security-group.js';
import { indexSnapshot } from '../../src/engine/snapshot-index.js';
import type { Ip } from '../../src/model/address.js';
import type { Packet } from '../../src/model/flow.js';
import type { Snapshot } from '../../src/model/snapshot.js';
import { cidrContains, formatIp, parseCidr } from '../../src/net/ip.js';
import { hasPacket } from '../../src/net/packet-set.js';
import {
  ReachableError,
  admits,
  assertNeverReachable,
  assertReturnPaths,
  flowArb,
  loadSnapshotForTests,
  reachableFrom,
  returnPathProblems,
  snapshotArb,
  traceOfPacket,
} from '../../src/testing/index.js';
import { fcParams } from '../arbitraries/fc-params.js';

const EXAMPLE = 'examples/three-tier/snapshot';
/** Sources returnPathProblems leaves out as its documentation says: this network, loopback, multicast and reserved. */
const NO_SENDER = ['0.0.0.0/8', '127.0.0.0/8', '224.0.0.0/3', '::/128', '::1/128', 'ff00::/8'].map((t) => parseCidr(t)!);
const WEB1 = 'eni-0web100000000001';

const dir = mkdtempSync(path.join(os.tmpdir(), 'vpcwhy-testing-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('loadSnapshotForTests', () => {
  it('loads and indexes the example', async () => {
    const index = await loadSnapshotForTests(EXAMPLE);
    expect(index.eniById.has(WEB1)).toBe(true);
  });

  it('names the file and what is wrong: a missing path, bad JSON, a bad field, an empty directory', async () => {
    await expect(loadSnapshotForTests('no/such/dir')).rejects.toThrow(/loadSnapshotForTests: cannot load the snapshot: 1 problem\n {2}no\/such\/dir: no such file or directory/);
    const bad = path.join(dir, 'bad.json');
    writeFileSync(bad, '{"SecurityGroups": [');
    await expect(loadSnapshotForTests(bad)).rejects.toThrow(/bad\.json/);
    const field = path.join(dir, 'field.json');
    writeFileSync(field, JSON.stringify({ SecurityGroups: [{ GroupId: 7 }] }));
    await expect(loadSnapshotForTests(field)).rejects.toThrow(/field\.json: SecurityGroups\[0\]\.GroupId/);
    const empty = mkdtempSync(path.join(dir, 'empty-'));
    await expect(loadSnapshotForTests(empty)).rejects.toThrow(/no network interfaces, security groups, network ACLs or route tables found/);
    await expect(loadSnapshotForTests([])).rejects.toThrow(/no path given/);
  });

  it('failOnWarnings turns warnings into an error that lists them', async () => {
    const f = path.join(dir, 'warn.json');
    writeFileSync(f, JSON.stringify({ NetworkAcls: [{ NetworkAclId: 'acl-1', VpcId: 'vpc-1', IsDefault: false, Associations: [], Entries: [{ RuleNumber: 100, Protocol: 'bogus', RuleAction: 'allow', Egress: false, CidrBlock: '0.0.0.0/0' }] }] }));
    const index = await loadSnapshotForTests(f);
    expect(index.snapshot.warnings.length).toBeGreaterThan(0);
    await expect(loadSnapshotForTests(f, { failOnWarnings: true })).rejects.toThrow(/warning.*failOnWarnings[^]*warn\.json: NetworkAcls\[0\]/);
  });
});

describe('reachableFrom is reach (issue 15)', () => {
  it('on every interface of the example, for each kind of source, protocol and port', async () => {
    const index = await loadSnapshotForTests(EXAMPLE);
    for (const e of index.snapshot.enis) {
      expect(reachableFrom(index, { to: e.id })).toEqual(reach(index, { to: e.id, from: { kind: 'internet' }, protocol: -1 }));
      expect(reachableFrom(index, { to: e.id, from: 'any', protocol: 'tcp', port: 22 })).toEqual(reach(index, { to: e.id, from: { kind: 'any' }, protocol: 6, ports: { lo: 22, hi: 22 } }));
      expect(reachableFrom(index, { to: e.id, from: '192.0.2.0/24', protocol: 6, port: '20-23' })).toEqual(reach(index, { to: e.id, from: { kind: 'cidr', cidr: parseCidr('192.0.2.0/24')! }, protocol: 6, ports: { lo: 20, hi: 23 } }));
      expect(reachableFrom(index, { to: e.id, from: 'subnet-0public0000000001', port: [443, 443] })).toEqual(reach(index, { to: e.id, from: { kind: 'subnet', subnetId: 'subnet-0public0000000001' }, protocol: -1, ports: { lo: 443, hi: 443 } }));
      expect(reachableFrom(index, { to: e.id, from: WEB1, protocol: 'icmp' })).toEqual(reach(index, { to: e.id, from: { kind: 'eni', eniId: WEB1 }, protocol: 1 }));
    }
  });

  it('on generated snapshots', () => {
    fc.assert(
      fc.property(snapshotArb(), fc.nat(), fc.constantFrom('internet', 'any', '10.0.0.0/16'), (s, i, from) => {
        const index = indexSnapshot(s);
        const to = s.enis[i % s.enis.length]!.id;
        const q = from === 'internet' || from === 'any' ? { kind: from } : { kind: 'cidr' as const, cidr: parseCidr(from)! };
        expect(reachableFrom(index, { to, from, protocol: 'tcp' })).toEqual(reach(index, { to, from: q, protocol: 6 }));
      }),
      fcParams(40),
    );
  });

  it('says what is wrong with a query', async () => {
    const index = await loadSnapshotForTests(EXAMPLE);
    expect(() => reachableFrom(index, { to: 'eni-nope' })).toThrow(/reachableFrom: to: no network interface eni-nope in the snapshot/);
    expect(() => reachableFrom(index, { to: WEB1, from: 'somewhere' })).toThrow(/from: expected internet, any, a CIDR or address/);
    expect(() => reachableFrom(index, { to: WEB1, from: 'subnet-nope' })).toThrow(/no subnet subnet-nope/);
    expect(() => reachableFrom(index, { to: WEB1, protocol: 'tcpp' })).toThrow(/protocol: expected tcp, udp, icmp, icmpv6, all or a protocol number 0-255, got "tcpp"/);
    expect(() => reachableFrom(index, { to: WEB1, protocol: 'tcp', port: '99999' })).toThrow(/port: expected a port or a range N-M within 0-65535/);
    expect(() => reachableFrom(index, { to: WEB1, protocol: 'icmp', port: 22 })).toThrow(/port: applies to tcp and udp only/);
  });
});

function ownsAddress(s: Snapshot, eniId: string, ip: Ip): boolean {
  const e = s.enis.find((x) => x.id === eniId)!;
  return [...e.privateIps, ...e.ipv6Addresses, ...e.publicIps.map((p) => p.publicIp)].some((x) => x.family === ip.family && x.value === ip.value);
}

describe('assertNeverReachable', () => {
  it('passes on the example for tcp/22 from outside 10.0.0.0/8 and the offices 192.0.2.0/24', async () => {
    const index = await loadSnapshotForTests(EXAMPLE);
    expect(() => assertNeverReachable(index, { from: 'any', except: ['10.0.0.0/8', '192.0.2.0/24'], to: 'any-eni', protocol: 'tcp', port: 22 })).not.toThrow();
    expect(() => assertNeverReachable(index, { from: 'internet', to: 'eni-0db1000000000004' })).not.toThrow();
  });

  it('fails on the example for tcp/22 from outside 10.0.0.0/8, naming a packet from the offices that trace confirms and the rules (ref 4.1, 5.1, 8.2)', async () => {
    const index = await loadSnapshotForTests(EXAMPLE);
    let err: unknown;
    try {
      assertNeverReachable(index, { from: 'any', except: '10.0.0.0/8', to: 'any-eni', protocol: 'tcp', port: 22 });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ReachableError);
    const { counterexample: c, reached, message } = err as ReachableError;
    expect(reached).toEqual([WEB1]);
    expect(c.eniId).toBe(WEB1);
    expect(formatIp(c.packet.src)).toBe('192.0.2.10');
    expect(c.packet).toMatchObject({ protocol: 6, dstPort: 22 });
    expect(formatIp(c.packet.dst)).toBe('54.210.1.10');
    // Confirmed independently of the helper.
    expect(traceOfPacket(index, c.packet).reachable).toBe(true);
    expect(message).toContain('192.0.2.10:50000 -> 54.210.1.10:22 tcp (confirmed reachable by trace)');
    expect(message).toContain('security group sg-0web000000000001 inbound rule 3; network ACL acl-0public000000001 inbound rule 110; network ACL acl-0public000000001 outbound rule 100');
    expect(message).toContain('tcp/22 from 192.0.2.0/24 to 54.210.1.10/32');
  });

  it('takes one interface or a predicate, and reports bad targets', async () => {
    const index = await loadSnapshotForTests(EXAMPLE);
    expect(() => assertNeverReachable(index, { from: 'internet', to: WEB1, protocol: 'tcp', port: 443 })).toThrow(/eni-0web100000000001 \(web-1\) is reached/);
    expect(() => assertNeverReachable(index, { from: 'internet', to: (e) => e.subnetId !== 'subnet-0public0000000001' })).not.toThrow();
    expect(() => assertNeverReachable(index, { from: 'internet', to: 'eni-nope' })).toThrow(/no network interface eni-nope/);
    expect(() => assertNeverReachable(index, { from: 'internet', except: 'ten', to: WEB1 })).toThrow(/except: expected CIDRs or addresses, got "ten"/);
  });

  it('on generated snapshots: throws exactly when reach finds a connection, with a counterexample trace confirms, from the sources asked', () => {
    const seen = { thrown: 0, clean: 0 };
    fc.assert(
      fc.property(snapshotArb(), fc.constantFrom<'internet' | 'any'>('internet', 'any'), fc.constantFrom<'tcp' | 'udp' | 'all'>('tcp', 'udp', 'all'), fc.constantFrom(undefined, '10.0.0.0/8', '198.51.100.0/24'), (s, from, protocol, except) => {
        const index = indexSnapshot(s);
        const reached = s.enis.filter((e) => {
          const r = reach(index, { to: e.id, from: { kind: from }, protocol: protocol === 'tcp' ? 6 : protocol === 'udp' ? 17 : -1 });
          if (except === undefined) return r.allowed.length > 0;
          const c = parseCidr(except)!;
          // Some row with a source outside `except`.
          return [r.sets[4], r.sets[6]].some((set) => set.boxes.some((b) => set.family !== 4 || b.s0 < BigInt(c.network) || b.s1 > BigInt(c.network) + (1n << BigInt(32 - c.prefix)) - 1n));
        });
        try {
          assertNeverReachable(index, { from, ...(except ? { except } : {}), to: 'any-eni', protocol });
          expect(reached).toEqual([]);
          seen.clean++;
        } catch (e) {
          if (!(e instanceof ReachableError)) throw e;
          seen.thrown++;
          expect(e.reached).toEqual(reached.map((x) => x.id));
          const p: Packet = e.counterexample.packet;
          const t = traceOfPacket(index, p);
          expect(t.reachable).toBe(true);
          expect(ownsAddress(s, e.counterexample.eniId, p.dst)).toBe(true);
          expect(protocol === 'all' || p.protocol === (protocol === 'tcp' ? 6 : 17)).toBe(true);
          if (except) expect(cidrContains(parseCidr(except)!, p.src)).toBe(false);
          const r = reach(index, { to: e.counterexample.eniId, from: { kind: from } });
          expect(hasPacket(r.sets[p.src.family], p)).toBe(true);
        }
      }),
      fcParams(60),
    );
    expect(seen.thrown).toBeGreaterThan(5);
    expect(seen.clean).toBeGreaterThan(5);
  });
});

describe('admits agrees with the point evaluators (ref 4.1, 5.1)', () => {
  it('on the example', async () => {
    const index = await loadSnapshotForTests(EXAMPLE);
    expect(admits(index, { nacl: 'acl-0public000000001', direction: 'inbound' }, { protocol: 'tcp', src: '198.51.100.7', dst: '10.0.1.10', dstPort: 22 })).toMatchObject({ admitted: false, ruleNumber: 32767 });
    expect(admits(index, { nacl: 'subnet-0public0000000001', direction: 'inbound' }, { protocol: 'tcp', src: '192.0.2.7', dst: '10.0.1.10', dstPort: 22 })).toMatchObject({ admitted: true, aclId: 'acl-0public000000001', ruleNumber: 110 });
    expect(admits(index, { eni: WEB1, direction: 'inbound' }, { protocol: 'tcp', src: '198.51.100.7', dst: '10.0.1.10', dstPort: 443 })).toMatchObject({ admitted: true, noGroups: false, rule: { groupId: 'sg-0web000000000001' } });
    expect(admits(index, { groups: ['sg-0db0000000000001'], direction: 'inbound' }, { protocol: 'tcp', src: '10.0.1.10', dst: '10.0.3.30', dstPort: 5432 })).toMatchObject({ admitted: false, rule: null });
    expect(admits(index, { eni: 'eni-0nat000000000001', direction: 'inbound' }, { protocol: 'udp', src: '8.8.8.8', dst: '10.0.1.5', dstPort: 53 })).toMatchObject({ admitted: true, noGroups: true });
    expect(() => admits(index, { nacl: 'acl-nope', direction: 'inbound' }, { protocol: 'tcp', src: '1.2.3.4', dst: '10.0.1.10', dstPort: 1 })).toThrow(/no network ACL or subnet acl-nope/);
    expect(() => admits(index, { eni: WEB1, direction: 'in' as never }, { protocol: 'tcp', src: '1.2.3.4', dst: '10.0.1.10', dstPort: 1 })).toThrow(/direction: expected inbound or outbound/);
    expect(() => admits(index, { eni: WEB1, direction: 'inbound' }, { protocol: 'tcp', src: '1.2.3.4', dst: '10.0.1.10' })).toThrow(/packet.dstPort: required for tcp and udp/);
    expect(() => admits(index, { eni: WEB1, direction: 'inbound' }, { protocol: 'tcp', src: '1.2.3.4', dst: '::1', dstPort: 1 })).toThrow(/one family/);
  });

  it('on generated snapshots and flows', () => {
    fc.assert(
      fc.property(snapshotArb().chain((s) => fc.tuple(fc.constant(s), fc.array(flowArb(s), { minLength: 1, maxLength: 6 }))), ([s, flows]) => {
        const index = indexSnapshot(s);
        for (const p of flows) {
          for (const direction of ['inbound', 'outbound'] as const) {
            for (const acl of s.networkAcls) {
              const a = admits(index, { nacl: acl.id, direction }, p);
              const d = evaluateNacl(acl, direction, p);
              expect(a).toMatchObject({ admitted: d.action === 'allow', ruleNumber: d.ruleNumber });
            }
            for (const e of s.enis) {
              const a = admits(index, { eni: e.id, direction }, p);
              const d = evaluateGroupIds(index, e.groupIds, direction, p);
              expect(a.admitted).toBe(d.allowed);
              if (a.component === 'security-group' && a.rule) expect(d.matched).toContain(a.rule);
            }
          }
        }
      }),
      fcParams(80),
    );
  });
});

describe('returnPathProblems (ref 5.1, 5.4)', () => {
  it('on the example: web-1 serves tcp/443 over IPv6, whose responses the public NACL drops at rule 32768', async () => {
    const index = await loadSnapshotForTests(EXAMPLE);
    const problems = returnPathProblems(index);
    expect(problems.map((p) => [p.eniId, p.family, p.aclId, p.example.deniedByRule])).toEqual([[WEB1, 6, 'acl-0public000000001', 32768]]);
    const x = problems[0]!.example;
    expect(formatIp(x.request.src)).toBe('2001:db8::7');
    expect(x.request).toMatchObject({ protocol: 6, dstPort: 443, srcPort: 50000 });
    expect(evaluateNacl(index.naclById.get('acl-0public000000001')!, 'outbound', x.response).action).toBe('deny');
    expect(() => assertReturnPaths(index)).toThrow(/eni-0web100000000001: the groups admit \[2001:db8::7\]:50000 -> \[2600:1f18:abc:de01::10\]:443 tcp \(sg-0web000000000001 inbound rule \d+\), but acl-0public000000001 outbound rule 32768 denies the response/);
    // Counting requests the inbound NACL drops changes nothing here (the public NACL lets IPv6 443 in).
    expect(returnPathProblems(index, { ignoreInboundNacl: true }).map((p) => p.eniId)).toEqual([WEB1]);
  });

  it('on generated snapshots: every listed request is admitted and its response denied, and every such flow is listed', () => {
    const seen = { listed: 0, flowsListed: 0, flowsClean: 0 };
    const RESPONSE_PORTS = [1024, 32768, 50000, 65535];
    fc.assert(
      fc.property(
        snapshotArb({ maxNaclEntries: 8 }).chain((s) => fc.tuple(fc.constant(s), fc.array(flowArb(s), { minLength: 1, maxLength: 12 }), fc.boolean())),
        ([s, flows, ignoreInboundNacl]) => {
          const index = indexSnapshot(s);
          const problems = returnPathProblems(index, { ignoreInboundNacl });
          const outsideSubnet = (e: (typeof s.enis)[number], ip: Ip) => {
            const sn = s.subnets.find((x) => x.id === e.subnetId)!;
            return ![sn.cidr4!, ...sn.cidrs6].some((c) => cidrContains(c, ip));
          };
          const bad = (eniId: string, req: Packet): boolean => {
            const e = s.enis.find((x) => x.id === eniId)!;
            const acl = index.naclBySubnet.get(e.subnetId)!;
            const response: Packet = { ...req, src: req.dst, dst: req.src, srcPort: req.dstPort, dstPort: req.srcPort };
            return (
              (req.protocol === 6 || req.protocol === 17) &&
              req.srcPort !== null && req.srcPort >= 1024 &&
              ownsAddress(s, eniId, req.dst) && !e.publicIps.some((p) => p.publicIp.value === req.dst.value) &&
              outsideSubnet(e, req.src) &&
              evaluateGroupIds(index, e.groupIds, 'inbound', req).allowed &&
              (ignoreInboundNacl || evaluateNacl(acl, 'inbound', req).action === 'allow') &&
              evaluateNacl(acl, 'outbound', response).action === 'deny'
            );
          };
          // Soundness: the example and box corners of each problem are real problems.
          for (const p of problems) {
            seen.listed++;
            expect(bad(p.eniId, p.example.request)).toBe(true);
            expect(p.example.deniedByRule).toBe(evaluateNacl(index.naclById.get(p.aclId)!, 'outbound', p.example.response).ruleNumber);
            for (const b of p.requests.boxes.slice(0, 6)) {
              const ip = (v: bigint): Ip => (p.family === 4 ? { family: 4, value: Number(v) } : { family: 6, value: v });
              for (const [src, a, port] of [[b.s0, b.a0, b.b0], [b.s1, b.a1, b.b1]] as const) {
                const req: Packet = { protocol: b.p0, src: ip(src), dst: ip(b.d0), srcPort: a, dstPort: port, icmpType: null, icmpCode: null };
                expect(bad(p.eniId, req)).toBe(true);
              }
            }
          }
          // Completeness: a flow from outside to an interface's private address, at any client port, is listed iff it is a problem.
          for (const f of flows) {
            for (const e of s.enis) {
              if (!ownsAddress(s, e.id, f.dst) || e.publicIps.some((p) => p.publicIp.value === f.dst.value)) continue;
              for (const srcPort of f.srcPort === null ? [null] : RESPONSE_PORTS) {
                const req = { ...f, srcPort };
                const listed = problems.some((p) => p.eniId === e.id && hasPacket(p.requests, req));
                if (listed) seen.flowsListed++;
                else seen.flowsClean++;
                expect({ flow: `${formatIp(req.src)}:${req.srcPort} > ${formatIp(req.dst)}:${req.dstPort}/${req.protocol}`, listed }).toEqual({ flow: `${formatIp(req.src)}:${req.srcPort} > ${formatIp(req.dst)}:${req.dstPort}/${req.protocol}`, listed: bad(e.id, req) && !NO_SENDER.some((c) => cidrContains(c, req.src)) });
              }
            }
          }
        },
      ),
      fcParams(120),
    );
    expect(seen.listed).toBeGreaterThan(10);
    expect(seen.flowsListed).toBeGreaterThan(5);
    expect(seen.flowsClean).toBeGreaterThan(5);
  });
});
