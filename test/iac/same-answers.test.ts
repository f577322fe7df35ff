/**
 * The key property of --plan: the same configuration given as describe-* JSON and as a Terraform plan
 * (alone, or over a partial snapshot) gives the same trace answers: for every flow of the table, the same
 * `reachable` and the same `blockedBy` (ids of created resources are their Terraform addresses; they are
 * mapped to the AWS ids of the describe JSON before comparing).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { runCli } from '../cli/run-cli.js';
import { planOf } from './plan-builder.js';
import { FLOWS, IDS, MODULES, describeJson, resources } from './same-config.js';

const dir = mkdtempSync(path.join(tmpdir(), 'vpcwhy-iac-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, json: unknown): string {
  const file = path.join(dir, name);
  writeFileSync(file, JSON.stringify(json, null, 1));
  return file;
}

const describeWithPublic = write('describe-public.json', describeJson({ publicIp: true }));
const describeNoPublic = write('describe.json', describeJson({ publicIp: false }));
const planExisting = write('plan-existing.json', planOf(resources({ publicIp: true }), 'existing', MODULES));
const planNew = write('plan-new.json', planOf(resources({ publicIp: false }), 'new', MODULES));

/** Describe JSON of the parts that exist (VPC, gateway, subnets, route tables); the plan adds the rest. */
const partialDescribe = (() => {
  const full = describeJson({ publicIp: false });
  return write('partial.json', { Vpcs: full.Vpcs, InternetGateways: full.InternetGateways, Subnets: full.Subnets, RouteTables: full.RouteTables });
})();
const EXISTING = new Set(resources({ publicIp: false }).map((r) => r.address).filter((a) => /^(aws_vpc|aws_internet_gateway|aws_subnet|module\.net\.aws_subnet|aws_route_table)\./.test(a)));
const planOverPartial = write('plan-partial.json', planOf(resources({ publicIp: false }), 'new', MODULES, EXISTING));

/** Created resources are named by address: back to the AWS ids of the describe JSON. */
const ADDRESS_IDS: ReadonlyArray<readonly [string, string]> = [
  ['module.net.aws_subnet.private[0]', IDS.private],
  ['aws_security_group.web', IDS.web],
  ['aws_security_group.db', IDS.db],
  ['aws_network_acl.public', IDS.aclPublic],
  ['aws_network_acl.private', IDS.aclPrivate],
  ['aws_route_table.public', IDS.rtPublic],
  ['aws_route_table.private', IDS.rtPrivate],
  ['aws_subnet.public', IDS.public],
  ['aws_internet_gateway.gw', IDS.igw],
  ['aws_network_interface.extra', IDS.extraEni],
  ['aws_network_interface.db', IDS.dbEni],
  ['aws_instance.web', IDS.webEni],
  ['aws_vpc.main', IDS.vpc],
];

function toAwsIds(v: unknown): unknown {
  let s = JSON.stringify(v) ?? 'null';
  for (const [a, id] of ADDRESS_IDS) s = s.split(JSON.stringify(a)).join(JSON.stringify(id));
  return JSON.parse(s);
}

async function answer(args: string[], flow: (typeof FLOWS)[number]): Promise<{ code: number; reachable: boolean; blockedBy: unknown; stderr: string }> {
  const flowArgs = ['--from', flow.from, '--to', flow.to, '--protocol', flow.protocol, ...(flow.port !== undefined ? ['--port', String(flow.port)] : []), ...(flow.icmpType !== undefined ? ['--icmp-type', String(flow.icmpType)] : [])];
  const r = await runCli(['trace', ...args, ...flowArgs, '--format', 'json']);
  if (r.code === 2) return { code: 2, reachable: false, blockedBy: r.stderr, stderr: r.stderr };
  const json = JSON.parse(r.stdout) as { reachable: boolean; blockedBy: unknown };
  return { code: r.code, reachable: json.reachable, blockedBy: toAwsIds(json.blockedBy), stderr: r.stderr };
}

const label = (f: (typeof FLOWS)[number]): string => `${f.from} -> ${f.to} ${f.protocol}${f.port !== undefined ? `/${f.port}` : ''}`;

describe('a plan and the describe JSON of the same configuration give the same trace answers', () => {
  describe.each(FLOWS.map((f) => [label(f), f] as const))('%s', (_name, flow) => {
    it('unchanged resources of known ids, the plan alone', async () => {
      const expected = await answer(['--snapshot', describeWithPublic], flow);
      const got = await answer(['--plan', planExisting], flow);
      expect(got.code).toBe(expected.code);
      expect({ reachable: got.reachable, blockedBy: got.blockedBy }).toEqual({ reachable: expected.reachable, blockedBy: expected.blockedBy });
    });

    it.skipIf(flow.needsPublic === true)('created resources named by address, references followed, the plan alone', async () => {
      const expected = await answer(['--snapshot', describeNoPublic], flow);
      const got = await answer(['--plan', planNew], flow);
      expect(got.stderr).not.toMatch(/unknown until apply/);
      expect({ code: got.code, reachable: got.reachable, blockedBy: got.blockedBy }).toEqual({ code: expected.code, reachable: expected.reachable, blockedBy: expected.blockedBy });
    });

    it.skipIf(flow.needsPublic === true)('created resources over a partial snapshot of what exists', async () => {
      const expected = await answer(['--snapshot', describeNoPublic], flow);
      const got = await answer(['--snapshot', partialDescribe, '--plan', planOverPartial], flow);
      expect(got.stderr).not.toMatch(/unknown until apply|not in the snapshot/);
      expect({ code: got.code, reachable: got.reachable, blockedBy: got.blockedBy }).toEqual({ code: expected.code, reachable: expected.reachable, blockedBy: expected.blockedBy });
    });
  });

  it('Terraform addresses name their resources in trace: an instance by its primary interface, existing or created', async () => {
    for (const plan of [planExisting, planNew]) {
      const r = await runCli(['trace', '--plan', plan, '--from', 'aws_instance.web', '--to', 'aws_network_interface.db', '--protocol', 'tcp', '--port', '5432', '--format', 'json']);
      expect(r.code, r.stderr).toBe(0);
      const json = JSON.parse(r.stdout) as { hops: Array<{ eni?: string }> };
      expect(json.hops.map((h) => h.eni).filter((x) => x !== undefined)).toContain(plan === planExisting ? IDS.dbEni : 'aws_network_interface.db');
    }
  });

  it('the table covers reachable flows and flows blocked by each kind of component', async () => {
    const kinds = new Set<string>();
    let reachable = 0;
    for (const f of FLOWS) {
      const a = await answer(['--snapshot', describeWithPublic], f);
      if (a.reachable) reachable++;
      else kinds.add(`${(a.blockedBy as { component: string }).component}`);
    }
    expect(reachable).toBeGreaterThanOrEqual(3);
    expect([...kinds].sort()).toEqual(['network-acl', 'route', 'security-group']);
  });
});
