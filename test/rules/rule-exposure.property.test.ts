/**
 * The rule-level exposure rules against independent oracles on generated snapshots (snapshotArb):
 * - effective: the internet-exposed-admin-port finding each effective finding names exists (reach);
 * - a NACL finding's entry decides, as evaluateNacl says (first match, ref 5.1), some administration-port
 *   packet from one of the finding's sources, and allows it;
 * - every traced latent reason: the packet it shows, traced (tracePath), is not reachable and stops at a
 *   hop of the kind the reason names.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { indexSnapshot } from '../../src/engine/snapshot-index.js';
import { evaluateNacl } from '../../src/engine/nacl.js';
import { runAudit } from '../../src/audit/run.js';
import { ADMIN_PORTS, type Finding, type LatentReason } from '../../src/audit/rule-api.js';
import type { Ip } from '../../src/model/address.js';
import type { Packet } from '../../src/model/flow.js';
import type { SgRule, Snapshot } from '../../src/model/snapshot.js';
import { parseCidr, parseIp } from '../../src/net/ip.js';
import { snapshotArb, traceOfPacket } from '../../src/testing/index.js';
import { expectCoverage, fcParams } from '../arbitraries/fc-params.js';

const RULES = ['internet-exposed-admin-port', 'sg-admin-port-open-to-internet', 'nacl-admin-port-open-to-internet'];
/** The same threshold for all three, low enough (more than one address) that generated rules reach it. */
const OPTIONS = Object.fromEntries(RULES.map((r) => [r, { maxPrefixV4: 32, maxPrefixV6: 128 }]));

/** `tcp 1.2.3.4:50000 -> 5.6.7.8:22` or `udp [2001:db8::1]:50000 -> [2600::1]:22`. */
function parseExample(text: string): Packet {
  const m = /^(tcp|udp) \[?([0-9a-f.:]+?)\]?:(\d+) -> \[?([0-9a-f.:]+?)\]?:(\d+)$/.exec(text);
  if (!m) throw new Error(`bad example ${text}`);
  return { protocol: m[1] === 'tcp' ? 6 : 17, src: parseIp(m[2]!)!, dst: parseIp(m[4]!)!, srcPort: Number(m[3]), dstPort: Number(m[5]), icmpType: null, icmpCode: null };
}

const HOP_OF: Record<string, string> = {
  'nacl-denies': 'network-acl',
  'no-route-to-internet-gateway': 'route',
  'security-group-denies': 'security-group',
  'block-public-access': 'block-public-access',
};

function withSsh(s: Snapshot): Snapshot {
  const [g, ...rest] = s.securityGroups;
  const rule: SgRule = { groupId: g!.id, direction: 'inbound', protocol: 6, ports: { from: 22, to: 22 }, icmp: null, peer: { kind: 'cidr', cidr: parseCidr('0.0.0.0/0')! }, source: g!.source };
  return { ...s, securityGroups: [{ ...g!, inbound: [...g!.inbound, rule] }, ...rest] };
}

describe('rule-level exposure on generated snapshots', () => {
  it('agrees with reach, evaluateNacl and tracePath', () => {
    const seen = { effective: 0, latentTraced: 0, naclFinding: 0 };
    fc.assert(
      fc.property(snapshotArb({ maxInterfaces: 3, maxGroups: 3, maxSubnets: 2 }), fc.boolean(), (generated, ssh) => {
        // Half the cases: the first group also admits SSH from anywhere (generated port ranges seldom hit the list).
        const snapshot = ssh && generated.securityGroups[0] ? withSsh(generated) : generated;
        const index = indexSnapshot(snapshot);
        const fs: Finding[] = [...runAudit(index, { rules: RULES, options: OPTIONS }).findings];
        const exposed = fs.filter((f) => f.rule === 'internet-exposed-admin-port');
        for (const f of fs.filter((x) => x.rule !== 'internet-exposed-admin-port')) {
          for (const e of (f.details?.['effectiveOn'] ?? []) as { finding: { resource: string; family: number; protocol: number } }[]) {
            seen.effective++;
            expect(exposed.some((x) => x.resource === e.finding.resource && x.details?.['family'] === e.finding.family && x.details?.['protocol'] === e.finding.protocol)).toBe(true);
          }
          for (const r of (f.details?.['latentReasons'] ?? []) as LatentReason[]) {
            if (!('example' in r)) continue;
            seen.latentTraced++;
            const t = traceOfPacket(index, parseExample(r.example));
            expect(t.reachable).toBe(false);
            const kinds = [t.blockingHop, ...t.alsoBlocking].map((h) => h?.component);
            if (r.reason === 'return-path-denied') expect([t.blockingHop, ...t.alsoBlocking].some((h) => h?.path === 'return')).toBe(true);
            else if (HOP_OF[r.reason]) expect(kinds).toContain(HOP_OF[r.reason]);
          }
          if (f.rule === 'nacl-admin-port-open-to-internet' && f.entry?.kind === 'nacl-entry') {
            seen.naclFinding++;
            const entry = f.entry;
            const acl = index.naclById.get(entry.aclId)!;
            const sources = (f.details?.['sources'] as string[]).slice(0, 30).map((c) => parseCidr(c)!);
            const src = (c: (typeof sources)[number]): Ip => (c.family === 4 ? { family: 4, value: c.network } : { family: 6, value: c.network });
            const dst: Ip = sources[0]!.family === 4 ? parseIp('10.0.0.1')! : parseIp('2600:1f18::1')!;
            const decided = sources.some((c) =>
              (f.details?.['protocols'] as number[]).some((protocol) =>
                ADMIN_PORTS.some((p) => {
                  const d = evaluateNacl(acl, 'inbound', { protocol, src: src(c), dst, srcPort: 50000, dstPort: p.lo, icmpType: null, icmpCode: null });
                  return d.action === 'allow' && d.ruleNumber === entry.ruleNumber;
                }),
              ),
            );
            expect(decided, `${entry.aclId} entry ${entry.ruleNumber}`).toBe(true);
          }
        }
      }),
      fcParams(40),
    );
    expectCoverage(seen, 3);
  });
});
