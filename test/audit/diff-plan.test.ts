/**
 * `vpcwhy diff --snapshot S --plan P` against `--before S --after S2`, where S2 is the same change written as
 * describe JSON (issue 16: "plan layering against the same configuration given as describe JSON, the two
 * must give identical answers"): random NACL entries created by a plan as aws_network_acl_rule resources
 * (a rule number the ACL has already is replaced, as Terraform's entry of that number and direction is the
 * ACL's one, ref 5.1) give the same diff, row for row, as the describe JSON with those entries.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { diffSnapshots } from '../../src/audit/diff.js';
import { indexSnapshot } from '../../src/engine/snapshot-index.js';
import { loadSnapshotWithPlan } from '../../src/iac/load.js';
import { renderDiffJson } from '../../src/report/diff.js';
import { fcParams } from '../arbitraries/fc-params.js';
import { load } from '../properties/reach-check.js';
import { planOf } from '../iac/plan-builder.js';

const SNAP = 'examples/three-tier/snapshot';
const dir = mkdtempSync(path.join(tmpdir(), 'vpcwhy-diff-plan-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ACLS = ['acl-0db0000000000003', 'acl-0app0000000000002'] as const;

const entryArb = fc.record({
  acl: fc.constantFrom(...ACLS),
  number: fc.constantFrom(80, 80, 90, 95, 100, 105, 110, 120),
  egress: fc.boolean(),
  action: fc.constantFrom('allow', 'deny'),
  protocol: fc.constantFrom('tcp', '6', '-1', 'udp'),
  cidr: fc.constantFrom('10.0.0.0/16', '10.0.1.0/24', '10.0.2.0/24', '10.0.2.20/32', '0.0.0.0/0'),
  ports: fc.constantFrom([5432, 5432], [1024, 65535], [0, 65535], [8080, 8080]),
});
type Entry = typeof entryArb extends fc.Arbitrary<infer T> ? T : never;

/** Terraform's protocol as the describe JSON writes it. */
const awsProtocol = (p: string) => (p === 'tcp' ? '6' : p === 'udp' ? '17' : p);
const allPorts = (e: Entry) => e.protocol === '-1';

let n = 0;
function write(entries: readonly Entry[]): { plan: string; after: string } {
  const id = n++;
  // The same entries as a plan: aws_network_acl_rule resources of existing ACLs.
  const plan = path.join(dir, `plan-${id}.json`);
  writeFileSync(plan, JSON.stringify(planOf(entries.map((e, i) => ({
    address: `aws_network_acl_rule.r${i}`,
    values: {
      network_acl_id: e.acl, rule_number: e.number, egress: e.egress, rule_action: e.action, protocol: e.protocol,
      cidr_block: e.cidr, ipv6_cidr_block: null, icmp_type: null, icmp_code: null,
      from_port: allPorts(e) ? 0 : e.ports[0], to_port: allPorts(e) ? 0 : e.ports[1],
    },
  })), 'new')));
  // And as describe JSON: the entry of that number and direction replaced (the last one written wins, as in the plan).
  const after = path.join(dir, `after-${id}`);
  cpSync(SNAP, after, { recursive: true });
  const file = path.join(after, 'network-acls.json');
  const doc = JSON.parse(readFileSync(file, 'utf8')) as { NetworkAcls: Array<{ NetworkAclId: string; Entries: Array<Record<string, unknown>> }> };
  for (const e of entries) {
    const acl = doc.NetworkAcls.find((a) => a.NetworkAclId === e.acl)!;
    acl.Entries = acl.Entries.filter((x) => !(x['RuleNumber'] === e.number && x['Egress'] === e.egress));
    acl.Entries.push({
      RuleNumber: e.number, Protocol: awsProtocol(e.protocol), RuleAction: e.action, Egress: e.egress, CidrBlock: e.cidr,
      ...(allPorts(e) ? {} : { PortRange: { From: e.ports[0], To: e.ports[1] } }),
    });
  }
  writeFileSync(file, JSON.stringify(doc));
  return { plan, after };
}

describe('diff with --plan equals diff with the same change as --after (issue 16)', () => {
  it('random NACL entries on the db and app ACLs, created by a plan or written in describe JSON, give the same rows', async () => {
    const before = indexSnapshot(await load([SNAP]));
    let changed = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(entryArb, { minLength: 1, maxLength: 3 }), async (entries) => {
        const { plan, after } = write(entries);
        const layered = await loadSnapshotWithPlan([SNAP], plan)();
        if (layered._tag !== 'Right') throw new Error('plan did not load');
        expect(layered.right.unknowns).toEqual([]);
        const opts = { interfaces: ['eni-0db1000000000004', 'eni-0app100000000003'] };
        const viaPlan = diffSnapshots(before, indexSnapshot(layered.right.snapshot), opts);
        const viaAfter = diffSnapshots(before, indexSnapshot(await load([after])), opts);
        const json = (d: typeof viaPlan) => renderDiffJson({ diff: d, replay: null, intents: null, breaks: false });
        expect(json(viaPlan)).toBe(json(viaAfter));
        if (viaPlan.enis.length > 0) changed++;
      }),
      fcParams(6),
    );
    // Many random entries change nothing (5432 is inside 1024-65535, ...): some must.
    expect(changed).toBeGreaterThan(0);
  }, 240_000);
});
