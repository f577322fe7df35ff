import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';
import { validateTrace } from './schemas.js';

const SNAP = ['--snapshot', 'examples/three-tier/snapshot'];

async function traceJson(args: string[]) {
  const r = await runCli(['trace', ...SNAP, ...args, '--format', 'json']);
  const json = JSON.parse(r.stdout);
  expect(validateTrace(json), JSON.stringify(validateTrace.errors)).toBe(true);
  return { ...r, json };
}

describe('vpcwhy trace on the three-tier example', () => {
  it('blocks web -> db at the db NACL rule 90, listed out of order before the allow in rule 100 (ref 5.1)', async () => {
    const { code, json } = await traceJson(['--from', 'eni-0web100000000001', '--to', 'eni-0db1000000000004', '--protocol', 'tcp', '--port', '5432']);
    expect(code).toBe(1);
    expect(json.reachable).toBe(false);
    expect(json.blockedBy).toEqual({ component: 'network-acl', id: 'acl-0db0000000000003', direction: 'inbound', rule: 90, path: 'forward' });
    expect(json.explanation).toContain('evaluated before the allow in rule 100');
  });

  it('lets app -> db through the SG reference and the ephemeral NACL rules both ways (ref 4.2, 5.3)', async () => {
    const { code, json } = await traceJson(['--from', '10.0.2.20', '--to', '10.0.3.30', '--protocol', 'tcp', '--port', '5432']);
    expect(code).toBe(0);
    expect(json.blockedBy).toBeNull();
    expect(json.hops.filter((h: { path: string }) => h.path === 'return').length).toBeGreaterThan(0);
  });

  it('blocks the response of app -> internet through the NAT at the app NACL inbound default rule (ref 5.3, 8.6)', async () => {
    const { code, json } = await traceJson(['--from', 'eni-0app100000000003', '--to', '203.0.113.5', '--protocol', 'tcp', '--port', '443']);
    expect(code).toBe(1);
    expect(json.blockedBy).toEqual({ component: 'network-acl', id: 'acl-0app0000000000002', direction: 'inbound', rule: 32767, path: 'return' });
    expect(json.hops.map((h: { component: string }) => h.component)).toContain('nat-gateway');
  });

  it('reaches web-1 from the internet at its public IP over the internet gateway (ref 8.12)', async () => {
    const { code, json } = await traceJson(['--from', '198.51.100.7', '--to', '54.210.1.10', '--protocol', 'tcp', '--port', '443']);
    expect(code).toBe(0);
    expect(json.reachable).toBe(true);
  });

  it('cannot reach a private address without a public address from the internet (ref 8.12, 7.3 IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS)', async () => {
    const { json } = await traceJson(['--from', '198.51.100.7', '--to', '10.0.2.20', '--protocol', 'tcp', '--port', '8080']);
    expect(json.blockedBy).toMatchObject({ component: 'route', reason: 'no-public-address', path: 'forward' });
  });

  it('denies the IPv6 response with the NACL default rule 32768 (ref 8.13, 9.10)', async () => {
    const { json } = await traceJson(['--from', '2001:db8::7', '--to', 'eni-0web100000000001', '--protocol', 'tcp', '--port', '443']);
    expect(json.blockedBy).toEqual({ component: 'network-acl', id: 'acl-0public000000001', direction: 'outbound', rule: 32768, path: 'return' });
  });

  it('skips NACLs and routing between ENIs of the same subnet; the SG still applies (ref 8.8)', async () => {
    const { json } = await traceJson(['--from', 'eni-0web100000000001', '--to', 'eni-0web200000000002', '--protocol', 'tcp', '--port', '22']);
    expect(json.blockedBy).toEqual({ component: 'security-group', ids: ['sg-0web000000000001'], direction: 'inbound', path: 'forward' });
    const nacls = json.hops.filter((h: { component: string }) => h.component === 'network-acl');
    expect(nacls.every((h: { decision: string }) => h.decision === 'skip')).toBe(true);
    expect(json.hops.some((h: { component: string }) => h.component === 'route')).toBe(false);
  });

  it('allows SSH from an office in the prefix list, not from elsewhere (ref 4.2)', async () => {
    expect((await traceJson(['--from', '192.0.2.10', '--to', 'eni-0web100000000001', '--protocol', 'tcp', '--port', '22'])).json.reachable).toBe(true);
    const other = await traceJson(['--from', '198.51.100.7', '--to', 'eni-0web100000000001', '--protocol', 'tcp', '--port', '22']);
    expect(other.json.blockedBy).toMatchObject({ component: 'network-acl', rule: 32767, direction: 'inbound' });
    expect(other.json.alsoBlockedBy[0]).toMatchObject({ component: 'security-group' });
  });

  it('drops traffic to a blackhole route (ref 6.1)', async () => {
    const { json } = await traceJson(['--from', 'eni-0app100000000003', '--to', '172.16.5.5', '--protocol', 'tcp', '--port', '443']);
    expect(json.blockedBy).toEqual({ component: 'route', id: 'rtb-0private00000001', reason: 'blackhole', path: 'forward' });
  });

  it('says which ephemeral source port it assumed', async () => {
    const r = await runCli(['trace', ...SNAP, '--from', '10.0.2.20', '--to', '10.0.3.30', '--protocol', 'tcp', '--port', '5432']);
    expect(r.stdout).toContain('source port 50000 is an assumed ephemeral port');
    expect(r.stdout).toMatch(/^REACHABLE/);
  });

  it('exits 2 with a clear message for bad input, never a stack trace', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['--from', 'eni-nope', '--to', '10.0.1.10', '--protocol', 'tcp', '--port', '22'], /--from: no network interface eni-nope in the snapshot/],
      [['--from', '10.0.1.10', '--to', '10.0.2.20', '--protocol', 'tcp'], /--port is required for tcp/],
      [['--from', '10.0.1.10', '--to', '10.0.2.20', '--protocol', 'tcp', '--port', '99999'], /--port: expected an integer from 0 to 65535, got "99999"/],
      [['--from', '10.0.1.10', '--to', '10.0.2.20', '--protocol', 'bogus', '--port', '1'], /--protocol: expected tcp, udp, icmp, icmpv6 or a protocol number/],
      [['--from', '10.0.9.9', '--to', '10.0.2.20', '--protocol', 'tcp', '--port', '1'], /10\.0\.9\.9 is inside vpc-0a1b2c3d4e5f60001 but in none of its subnets/],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(['trace', ...SNAP, ...args]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
    const noSnap = await runCli(['trace', '--from', 'a', '--to', 'b', '--protocol', 'tcp', '--port', '1']);
    expect(noSnap).toMatchObject({ code: 2 });
    expect(noSnap.stderr).toContain('--snapshot PATH is required');
  });

  it('traces ICMP echo with its reply type on the return path', async () => {
    const { json } = await traceJson(['--from', 'eni-0app100000000003', '--to', 'eni-0db1000000000004', '--protocol', 'icmp']);
    expect(json.blockedBy).toMatchObject({ component: 'network-acl', id: 'acl-0db0000000000003', direction: 'inbound', rule: 32767 });
  });
});

describe('vpcwhy trace between ENIs over public addresses', () => {
  it('leaves through the internet gateway and comes back in at the public IP; the return path reaches the sender (ref 8.12)', async () => {
    const r = await runCli(['trace', ...SNAP, '--from', 'eni-0web200000000002', '--to', '54.210.1.10', '--protocol', 'tcp', '--port', '443', '--format', 'json']);
    const json = JSON.parse(r.stdout);
    expect(validateTrace(json)).toBe(true);
    // web-2 has no public IP: the internet gateway drops its traffic to the internet.
    expect(json.blockedBy).toMatchObject({ component: 'route', reason: 'no-public-address', path: 'forward' });
    const ok = JSON.parse((await runCli(['trace', ...SNAP, '--from', 'eni-0web100000000001', '--to', '54.210.1.10', '--protocol', 'tcp', '--port', '443', '--format', 'json'])).stdout);
    expect(ok.reachable).toBe(true);
    const ret = ok.hops.filter((h: { path: string }) => h.path === 'return').map((h: { component: string; eni?: string; id?: string }) => `${h.component}:${h.eni ?? h.id}`);
    expect(ret).toEqual(['security-group:eni-0web100000000001', 'network-acl:acl-0public000000001', 'route:rtb-0public000000001', 'network-acl:acl-0public000000001', 'security-group:eni-0web100000000001']);
  });
});
