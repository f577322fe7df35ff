/**
 * Traces on real account snapshots from Batfish's test data (../shared/corpus, Apache-2.0). Skipped when
 * the corpus folder is absent.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli/run-cli.js';
import { validateTrace } from '../cli/schemas.js';

const AWS = fileURLToPath(new URL('../../../shared/corpus/batfish/projects/batfish/src/test/resources/org/batfish/representation/aws/', import.meta.url));
const present = existsSync(AWS);

async function trace(snapshot: string, args: string[]) {
  const r = await runCli(['trace', '--snapshot', `${AWS}${snapshot}/aws_configs`, ...args, '--format', 'json']);
  expect(r.stderr).not.toMatch(/internal error/);
  const json = JSON.parse(r.stdout);
  expect(validateTrace(json)).toBe(true);
  return { code: r.code, json };
}

describe.skipIf(!present)('trace on real snapshots (Batfish corpus)', () => {
  it('test-subnet: two instances of one subnet reach each other on 22 with NACLs skipped (ref 8.8)', async () => {
    const { code, json } = await trace('test-subnet', ['--from', 'eni-010f649a7fc5c1e34', '--to', 'eni-029bf1092de61fb40', '--protocol', 'tcp', '--port', '22']);
    expect(code).toBe(0);
    expect(json.hops.filter((h: { component: string; decision: string }) => h.component === 'network-acl').every((h: { decision: string }) => h.decision === 'skip')).toBe(true);
  });

  it('test-subnet: the SGs allow only tcp/22, so tcp/80 is denied inbound by the destination SG (ref 4.1)', async () => {
    const { code, json } = await trace('test-subnet', ['--from', '10.10.1.228', '--to', '10.10.1.44', '--protocol', 'tcp', '--port', '80']);
    expect(code).toBe(1);
    expect(json.blockedBy).toEqual({ component: 'security-group', ids: ['sg-02566e413c0030c70'], direction: 'inbound', path: 'forward' });
  });

  it('test-public-private-subnet: the internet reaches the public instance on 22 at its public IP, not on 80', async () => {
    expect((await trace('test-public-private-subnet', ['--from', '8.8.8.8', '--to', '13.58.55.60', '--protocol', 'tcp', '--port', '22'])).json.reachable).toBe(true);
    const http = await trace('test-public-private-subnet', ['--from', '8.8.8.8', '--to', 'eni-09da8cad43844dc1f', '--protocol', 'tcp', '--port', '80']);
    expect(http.json.blockedBy).toEqual({ component: 'security-group', ids: ['sg-0662342465612f419'], direction: 'inbound', path: 'forward' });
  });

  it('test-public-private-subnet: the private instance has no public address, so the internet cannot reach it (ref 8.12)', async () => {
    const { json } = await trace('test-public-private-subnet', ['--from', '8.8.8.8', '--to', 'eni-07c1506e49d784fe0', '--protocol', 'tcp', '--port', '22']);
    expect(json.blockedBy).toMatchObject({ component: 'route', reason: 'no-route' });
  });

  it('test-nat-gateway: a private instance reaches the internet through the NAT gateway and its subnet NACL', async () => {
    const { code, json } = await trace('test-nat-gateway', ['--from', 'eni-0e4ce6a7777b9bff8', '--to', '8.8.8.8', '--protocol', 'tcp', '--port', '80']);
    expect(code).toBe(0);
    expect(json.hops.map((h: { component: string }) => h.component)).toEqual(expect.arrayContaining(['nat-gateway', 'internet-gateway']));
  });

  it('test-nat-gateway: a subnet whose main route table has only the local route cannot reach the internet', async () => {
    const { json } = await trace('test-nat-gateway', ['--from', 'eni-0cbd69297d26de519', '--to', '8.8.8.8', '--protocol', 'tcp', '--port', '80']);
    expect(json.blockedBy).toEqual({ component: 'route', id: 'rtb-0e169c4a1e0b27b55', reason: 'no-route', path: 'forward' });
  });

  it('test-vpc-peering: a blackhole default route drops internet traffic (ref 6.1)', async () => {
    const { json } = await trace('test-vpc-peering', ['--from', 'eni-0024c0af5aa1387e5', '--to', '8.8.8.8', '--protocol', 'tcp', '--port', '443']);
    expect(json.blockedBy).toEqual({ component: 'route', id: 'rtb-017c36290c9baf017', reason: 'blackhole', path: 'forward' });
  });

  it('test-vpc-peering: the hub reaches each spoke over its own peering connection, ssh only', async () => {
    const ssh = await trace('test-vpc-peering', ['--from', 'eni-0f0708220e812876c', '--to', 'eni-06347554b65539ff3', '--protocol', 'tcp', '--port', '22']);
    expect(ssh.json.reachable).toBe(true);
    expect(ssh.json.hops.map((h: { id?: string }) => h.id)).toContain('pcx-0d5b836985ac8ca8c');
    const web = await trace('test-vpc-peering', ['--from', 'eni-0f0708220e812876c', '--to', 'eni-06347554b65539ff3', '--protocol', 'tcp', '--port', '80']);
    expect(web.json.blockedBy).toMatchObject({ component: 'security-group', ids: ['sg-0b3df494998412a48'] });
  });
});
