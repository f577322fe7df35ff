/**
 * Property tests of a real snapshot with vpcwhy/testing: the bundled three-tier example
 * (examples/three-tier/snapshot). Run with `npx vitest run examples/property-test` after `npm run build`.
 * See README.md in this folder for what each property finds.
 */
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertNeverReachable, assertReturnPaths, internetAddressArb, loadSnapshotForTests, packetArb, returnPathProblems, snapshotAddresses, traceOfPacket } from 'vpcwhy/testing';

const index = await loadSnapshotForTests(fileURLToPath(new URL('../three-tier/snapshot', import.meta.url)));

describe('three-tier: ssh', () => {
  it('nothing outside 10.0.0.0/8 and the offices (192.0.2.0/24) reaches tcp/22 anywhere', () => {
    assertNeverReachable(index, { from: 'any', except: ['10.0.0.0/8', '192.0.2.0/24'], to: 'any-eni', protocol: 'tcp', port: 22 });
  });

  it('finding: "no source outside 10.0.0.0/8 reaches tcp/22 anywhere" fails, the offices reach web-1', () => {
    expect(() => assertNeverReachable(index, { from: 'any', except: '10.0.0.0/8', to: 'any-eni', protocol: 'tcp', port: 22 }))
      .toThrow(/192\.0\.2\.10:50000 -> 54\.210\.1\.10:22 tcp \(confirmed reachable by trace\)[^]*sg-0web000000000001 inbound rule 3; network ACL acl-0public000000001 inbound rule 110/);
  });

  it('sampled the other way: trace blocks tcp/22 from random internet hosts other than the offices to every address', () => {
    const targets = fc.constantFrom(...snapshotAddresses(index.snapshot, 4));
    const outside = internetAddressArb(index).filter((ip) => ip.value >>> 8 !== 0xc00002); // not 192.0.2.0/24
    fc.assert(
      fc.property(packetArb({ protocols: [6], src: outside, dst: targets }), (p) => {
        expect(traceOfPacket(index, { ...p, dstPort: 22 }).reachable).toBe(false);
      }),
      { numRuns: 300 },
    );
  });
});

describe('three-tier: return paths', () => {
  it('over IPv4, every service the security groups allow has a NACL return path', () => {
    expect(returnPathProblems(index).filter((p) => p.family === 4)).toEqual([]);
  });

  it('finding: over IPv6 it does not, the public NACL has no IPv6 outbound rule for web-1\'s responses', () => {
    expect(() => assertReturnPaths(index)).toThrow(/eni-0web100000000001: the groups admit \[2001:db8::7\]:50000 -> \[2600:1f18:abc:de01::10\]:443 tcp .* acl-0public000000001 outbound rule 32768 denies the response/);
  });
});
