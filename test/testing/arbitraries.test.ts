/**
 * The arbitraries of vpcwhy/testing (issue 16): every value is well formed, checked by an independent
 * oracle written here from the AWS rules (ref 4.2, 5.1, 5.5, 6.1) over ipaddr.js, not by the generator's
 * own helpers; snapshots index and trace; and shrinking reaches the minimal failing snapshot.
 */
import fc from 'fast-check';
import ipaddr from 'ipaddr.js';
import { describe, expect, it } from 'vitest';
import { indexSnapshot } from '../../src/engine/snapshot-index.js';
import { loadSnapshotForTests } from '../../src/testing/index.js';
import { evaluateNacl } from '../../src/engine/nacl.js';
import type { Cidr, IcmpMatch, Ip, PortRange } from '../../src/model/address.js';
import type { Packet } from '../../src/model/flow.js';
import type { NaclEntry, SgRule, Snapshot } from '../../src/model/snapshot.js';
import {
  admits,
  cidrArb,
  flowArb,
  internetAddressArb,
  ipArb,
  naclEntriesArb,
  naclEntryArb,
  networkAclArb,
  packetArb,
  routeTableArb,
  securityGroupArb,
  sgRuleArb,
  snapshotArb,
  snapshotWithFlowsArb,
  traceOfPacket,
} from '../../src/testing/index.js';
import { fcParams } from '../arbitraries/fc-params.js';

// ---------------------------------------------------------------------------------------------------
// The oracle: well-formedness from the AWS rules, over ipaddr.js

function ipText(ip: Ip): string {
  if (ip.family === 4) return [24, 16, 8, 0].map((s) => (ip.value >>> s) & 255).join('.');
  const bytes: number[] = [];
  for (let i = 15; i >= 0; i--) bytes.push(Number((ip.value >> BigInt(8 * i)) & 0xffn));
  return ipaddr.fromByteArray(bytes).toString();
}

function cidrOk(c: Cidr): boolean {
  const [addr, prefix] = ipaddr.parseCIDR(c.text);
  if ((addr.kind() === 'ipv4' ? 4 : 6) !== c.family || prefix !== c.prefix) return false;
  // Canonical: no host bits (AWS stores CIDRs so, ref 4.2).
  const net = addr.kind() === 'ipv4' ? ipaddr.IPv4.networkAddressFromCIDR(c.text) : ipaddr.IPv6.networkAddressFromCIDR(c.text);
  return net.toString() === addr.toString() && ipText(c.family === 4 ? { family: 4, value: c.network } : { family: 6, value: c.network }) === addr.toString();
}

function inside(ip: Ip, c: Cidr): boolean {
  const a = ipaddr.parse(ipText(ip));
  return a.kind() === (c.family === 4 ? 'ipv4' : 'ipv6') && a.match(ipaddr.parseCIDR(c.text));
}

function covers(outer: Cidr, inner: Cidr): boolean {
  return outer.family === inner.family && outer.prefix <= inner.prefix && inside(inner.family === 4 ? { family: 4, value: inner.network } : { family: 6, value: inner.network }, outer);
}

function portPartProblems(what: string, protocol: number | null, ports: PortRange | null, icmp: IcmpMatch | null): string[] {
  const out: string[] = [];
  if (protocol === null || !Number.isInteger(protocol) || protocol < -1 || protocol > 255) out.push(`${what}: protocol ${protocol}`);
  const tcpUdp = protocol === 6 || protocol === 17;
  const isIcmp = protocol === 1 || protocol === 58;
  if (tcpUdp !== (ports !== null)) out.push(`${what}: ports ${JSON.stringify(ports)} with protocol ${protocol}`);
  if (ports && !(Number.isInteger(ports.from) && Number.isInteger(ports.to) && 0 <= ports.from && ports.from <= ports.to && ports.to <= 65535)) out.push(`${what}: ports ${JSON.stringify(ports)}`);
  if (isIcmp !== (icmp !== null)) out.push(`${what}: icmp ${JSON.stringify(icmp)} with protocol ${protocol}`);
  if (icmp && !(icmp.type >= -1 && icmp.type <= 255 && icmp.code >= -1 && icmp.code <= 255 && (icmp.type !== -1 || icmp.code === -1))) out.push(`${what}: icmp ${JSON.stringify(icmp)}`);
  return out;
}

function sgRuleProblems(s: Snapshot | null, r: SgRule): string[] {
  const out = portPartProblems(`rule ${r.ruleId ?? '?'} of ${r.groupId}`, r.protocol, r.ports, r.icmp);
  const p = r.peer;
  if (p.kind === 'invalid') out.push(`${r.groupId}: invalid peer`);
  if (p.kind === 'cidr') {
    if (!cidrOk(p.cidr)) out.push(`${r.groupId}: CIDR ${p.cidr.text}`);
    if ((r.protocol === 1 && p.cidr.family === 6) || (r.protocol === 58 && p.cidr.family === 4)) out.push(`${r.groupId}: ICMP of the other family`);
  }
  if (s && p.kind === 'group' && !s.securityGroups.some((g) => g.id === p.groupId)) out.push(`${r.groupId}: dangling group ${p.groupId}`);
  if (s && p.kind === 'prefix-list' && !s.prefixLists.some((l) => l.id === p.prefixListId && l.entries !== null)) out.push(`${r.groupId}: dangling prefix list`);
  return out;
}

function naclEntryProblems(e: NaclEntry): string[] {
  const out = portPartProblems(`entry ${e.direction} ${e.ruleNumber}`, e.protocol, e.ports, e.icmp);
  if (e.cidr === null || !cidrOk(e.cidr)) out.push(`entry ${e.ruleNumber}: CIDR`);
  if (!(Number.isInteger(e.ruleNumber) && e.ruleNumber >= 1 && e.ruleNumber <= 32768)) out.push(`entry ${e.ruleNumber}: rule number`);
  if (e.cidr && ((e.protocol === 1 && e.cidr.family === 6) || (e.protocol === 58 && e.cidr.family === 4))) out.push(`entry ${e.ruleNumber}: ICMP of the other family`);
  return out;
}

function entriesProblems(entries: readonly NaclEntry[], ipv6: boolean): string[] {
  const out = entries.flatMap(naclEntryProblems);
  const keys = entries.map((e) => `${e.direction}:${e.ruleNumber}`);
  if (new Set(keys).size !== keys.length) out.push('duplicate (direction, rule number)');
  // The `*` entries AWS prints: 32767 deny all IPv4 both ways, 32768 for IPv6 (ref 5.5).
  for (const direction of ['inbound', 'outbound']) {
    if (!entries.some((e) => e.direction === direction && e.ruleNumber === 32767 && e.action === 'deny' && e.protocol === -1 && e.cidr?.text === '0.0.0.0/0')) out.push(`no ${direction} 32767`);
    if (ipv6 !== entries.some((e) => e.direction === direction && e.ruleNumber === 32768)) out.push(`${direction} 32768 with ipv6=${ipv6}`);
  }
  for (const e of entries) if (e.ruleNumber >= 32767 && e.action !== 'deny') out.push('allowing * entry');
  return out;
}

/** Everything wrong with a snapshot (empty when well formed). */
function snapshotProblems(s: Snapshot): string[] {
  const out: string[] = [];
  const ids = [...s.vpcs, ...s.subnets, ...s.enis, ...s.securityGroups, ...s.networkAcls, ...s.routeTables, ...s.prefixLists, ...s.internetGateways, ...s.instances].map((x) => x.id);
  if (new Set(ids).size !== ids.length) out.push('duplicate ids');
  const vpc = s.vpcs[0];
  if (s.vpcs.length !== 1 || !vpc) return [...out, 'not one VPC'];
  for (const c of [...vpc.cidrs4, ...vpc.cidrs6]) if (!cidrOk(c)) out.push(`VPC CIDR ${c.text}`);
  for (const sn of s.subnets) {
    if (sn.vpcId !== vpc.id) out.push(`${sn.id}: vpc`);
    if (!sn.cidr4 || !vpc.cidrs4.some((v) => covers(v, sn.cidr4!))) out.push(`${sn.id}: IPv4 block outside the VPC`);
    for (const c of sn.cidrs6) if (!vpc.cidrs6.some((v) => covers(v, c))) out.push(`${sn.id}: IPv6 block outside the VPC`);
    if (s.networkAcls.filter((a) => a.subnetIds.includes(sn.id)).length !== 1) out.push(`${sn.id}: not in exactly one NACL`);
    if (s.routeTables.filter((t) => t.subnetIds.includes(sn.id)).length > 1) out.push(`${sn.id}: in two route tables`);
  }
  for (const [i, a] of s.subnets.entries()) for (const b of s.subnets.slice(i + 1)) if (covers(a.cidr4!, b.cidr4!) || covers(b.cidr4!, a.cidr4!)) out.push(`${a.id} and ${b.id} overlap`);
  const addrs = new Set<string>();
  for (const e of s.enis) {
    const sn = s.subnets.find((x) => x.id === e.subnetId);
    if (!sn) {
      out.push(`${e.id}: no subnet`);
      continue;
    }
    if (e.privateIps.length === 0 || e.primaryPrivateIp === null || e.primaryPrivateIp.value !== e.privateIps[0]!.value) out.push(`${e.id}: primary address`);
    for (const ip of e.privateIps) {
      if (!inside(ip, sn.cidr4!)) out.push(`${e.id}: ${ipText(ip)} outside ${sn.cidr4!.text}`);
      // AWS reserves the first four addresses and the last of every subnet (ref 6.1).
      const host = Number(ip.value) - Number(sn.cidr4!.network);
      if (host < 4 || host === 255) out.push(`${e.id}: reserved address ${ipText(ip)}`);
    }
    for (const ip of e.ipv6Addresses) if (!sn.cidrs6.some((c) => inside(ip, c))) out.push(`${e.id}: IPv6 outside the subnet`);
    for (const ip of [...e.privateIps, ...e.ipv6Addresses, ...e.publicIps.map((p) => p.publicIp)]) {
      const k = ipText(ip);
      if (addrs.has(k)) out.push(`address ${k} twice`);
      addrs.add(k);
    }
    for (const p of e.publicIps) {
      if (ipaddr.parse(ipText(p.publicIp)).range() !== 'unicast') out.push(`${e.id}: public IP ${ipText(p.publicIp)} is not public`);
      if (!e.privateIps.some((x) => x.value === p.privateIp.value)) out.push(`${e.id}: public IP paired with a foreign address`);
    }
    if (e.groupIds.length === 0 || new Set(e.groupIds).size !== e.groupIds.length) out.push(`${e.id}: groups ${e.groupIds.join(',')}`);
    for (const g of e.groupIds) if (!s.securityGroups.some((x) => x.id === g)) out.push(`${e.id}: group ${g} not described`);
  }
  for (const g of s.securityGroups) {
    for (const r of [...g.inbound, ...g.outbound]) {
      out.push(...sgRuleProblems(s, r));
      if (r.groupId !== g.id) out.push(`${g.id}: a rule of ${r.groupId}`);
    }
    if (g.inbound.some((r) => r.direction !== 'inbound') || g.outbound.some((r) => r.direction !== 'outbound')) out.push(`${g.id}: direction`);
    const ruleIds = [...g.inbound, ...g.outbound].map((r) => r.ruleId);
    if (new Set(ruleIds).size !== ruleIds.length) out.push(`${g.id}: rule ids`);
  }
  for (const a of s.networkAcls) out.push(...entriesProblems(a.entries, vpc.cidrs6.length > 0).map((p) => `${a.id}: ${p}`));
  const main = s.routeTables.filter((t) => t.isMain);
  if (main.length !== 1) out.push('not one main route table');
  for (const t of s.routeTables) {
    for (const c of [...vpc.cidrs4, ...vpc.cidrs6]) {
      if (!t.routes.some((r) => r.target.kind === 'local' && r.destination.kind === 'cidr' && r.destination.cidr.text === c.text)) out.push(`${t.id}: no local route for ${c.text}`);
    }
    const dests = t.routes.map((r) => (r.destination.kind === 'cidr' ? r.destination.cidr.text : '?'));
    if (new Set(dests).size !== dests.length) out.push(`${t.id}: duplicate destinations`);
    for (const r of t.routes) if (r.target.kind === 'igw' && !s.internetGateways.some((i) => i.id === r.target.id)) out.push(`${t.id}: route to a missing gateway`);
  }
  for (const p of s.prefixLists) for (const c of p.entries ?? []) if (!cidrOk(c)) out.push(`${p.id}: ${c.text}`);
  return out;
}

function packetProblems(p: Packet): string[] {
  const out: string[] = [];
  if (p.src.family !== p.dst.family) out.push('families differ');
  const tcpUdp = p.protocol === 6 || p.protocol === 17;
  const isIcmp = p.protocol === 1 || p.protocol === 58;
  if (tcpUdp !== (p.srcPort !== null && p.dstPort !== null)) out.push('ports');
  if (isIcmp !== (p.icmpType !== null && p.icmpCode !== null)) out.push('icmp');
  if ((p.protocol === 1 && p.src.family === 6) || (p.protocol === 58 && p.src.family === 4)) out.push('ICMP of the other family');
  return out;
}

// ---------------------------------------------------------------------------------------------------

describe('vpcwhy/testing arbitraries are valid by construction (issue 16)', () => {
  it('cidrArb gives canonical CIDRs, inside `within` and the prefix bounds', () => {
    fc.assert(
      fc.property(cidrArb(), cidrArb({ within: '10.0.0.0/16', maxPrefix: 28 }), cidrArb({ family: 6, minPrefix: 48 }), (a, b, c) => {
        expect(cidrOk(a) && cidrOk(b) && cidrOk(c)).toBe(true);
        expect(covers({ family: 4, network: 0x0a000000, prefix: 16, text: '10.0.0.0/16' }, b)).toBe(true);
        expect(b.prefix).toBeLessThanOrEqual(28);
        expect(c.family === 6 && c.prefix >= 48).toBe(true);
      }),
      fcParams(200),
    );
  });

  it('ipArb gives addresses inside `within`', () => {
    fc.assert(fc.property(ipArb({ within: '192.0.2.0/24' }), ipArb({ within: '2001:db8::/120' }), (a, b) => {
      expect(inside(a, { family: 4, network: 0xc0000200, prefix: 24, text: '192.0.2.0/24' })).toBe(true);
      expect(ipText(b).startsWith('2001:db8::')).toBe(true);
    }), fcParams(200));
  });

  it('security-group rules and groups: protocol, ports only on TCP/UDP, ICMP only on ICMP of the peer family (ref 4.2)', () => {
    fc.assert(
      fc.property(sgRuleArb(), securityGroupArb({ id: 'sg-x' }), (r, g) => {
        expect(sgRuleProblems(null, r)).toEqual([]);
        expect([...g.inbound, ...g.outbound].flatMap((x) => sgRuleProblems(null, x))).toEqual([]);
        expect([...g.inbound, ...g.outbound].every((x) => x.groupId === 'sg-x' && x.ruleId !== undefined)).toBe(true);
      }),
      fcParams(300),
    );
  });

  it('NACL entries: unique (direction, rule number), the `*` entries last (ref 5.1, 5.5)', () => {
    fc.assert(
      fc.property(naclEntryArb(), naclEntriesArb({ maxEntries: 12 }), naclEntriesArb({ ipv6: false }), networkAclArb({ subnetIds: ['subnet-1'] }), (e, entries, v4only, acl) => {
        expect(naclEntryProblems(e)).toEqual([]);
        expect(entriesProblems(entries, true)).toEqual([]);
        expect(entriesProblems(v4only, false)).toEqual([]);
        expect(v4only.every((x) => x.cidr?.family === 4)).toBe(true);
        expect(entriesProblems(acl.entries, true)).toEqual([]);
        expect(acl.subnetIds).toEqual(['subnet-1']);
      }),
      fcParams(300),
    );
  });

  it('route tables: the local routes, distinct destinations outside the VPC (ref 6.1)', () => {
    const block: Cidr = { family: 4, network: 0x0a000000, prefix: 16, text: '10.0.0.0/16' };
    const vpc = { id: 'vpc-1', cidrs4: [block], cidrs6: [], isDefault: false, source: { file: '', path: '' } };
    fc.assert(
      fc.property(routeTableArb(vpc, { maxRoutes: 6 }), (t) => {
        expect(t.routes[0]).toMatchObject({ target: { kind: 'local' }, destination: { cidr: { text: '10.0.0.0/16' } } });
        const dests = t.routes.map((r) => (r.destination.kind === 'cidr' ? r.destination.cidr.text : '?'));
        expect(new Set(dests).size).toBe(dests.length);
        for (const r of t.routes.slice(1)) if (r.destination.kind === 'cidr') expect(covers(block, r.destination.cidr) || covers(r.destination.cidr, block)).toBe(false);
      }),
      fcParams(200),
    );
  });

  it('packets carry exactly the fields their protocol needs', () => {
    fc.assert(fc.property(packetArb(), packetArb({ family: 6 }), (a, b) => {
      expect([...packetProblems(a), ...packetProblems(b)]).toEqual([]);
    }), fcParams(300));
  });

  it('snapshots are well formed, index, and every flow over them traces (ref 4, 5, 6.1, 8.2)', () => {
    const seen = { ipv6: 0, igw: 0, publicIp: 0, groupPeer: 0, prefixListPeer: 0, multiSubnet: 0 };
    fc.assert(
      fc.property(snapshotWithFlowsArb({ maxFlows: 4 }), ({ snapshot, flows }) => {
        expect(snapshotProblems(snapshot)).toEqual([]);
        const index = indexSnapshot(snapshot);
        for (const sn of snapshot.subnets) {
          expect(index.naclBySubnet.has(sn.id)).toBe(true);
          expect(index.routeTableBySubnet.has(sn.id)).toBe(true);
        }
        for (const f of flows) {
          expect(packetProblems(f)).toEqual([]);
          const t = traceOfPacket(index, f);
          expect(t.hops.length).toBeGreaterThan(0);
        }
        if (snapshot.vpcs[0]!.cidrs6.length > 0) seen.ipv6++;
        if (snapshot.internetGateways.length > 0) seen.igw++;
        if (snapshot.enis.some((e) => e.publicIps.length > 0)) seen.publicIp++;
        if (snapshot.subnets.length > 1) seen.multiSubnet++;
        const rules = snapshot.securityGroups.flatMap((g) => [...g.inbound, ...g.outbound]);
        if (rules.some((r) => r.peer.kind === 'group')) seen.groupPeer++;
        if (rules.some((r) => r.peer.kind === 'prefix-list')) seen.prefixListPeer++;
      }),
      fcParams(150),
    );
    for (const n of Object.values(seen)) expect(n).toBeGreaterThan(10);
  });

  it('the oracle above rejects broken snapshots (an address outside its subnet, a NACL without `*`, a dangling group, ports on ICMP)', () => {
    const s = fc.sample(snapshotArb(), fcParams(1))[0]!;
    expect(snapshotProblems(s)).toEqual([]);
    const e = s.enis[0]!;
    expect(snapshotProblems({ ...s, enis: [{ ...e, privateIps: [{ family: 4, value: 0x0a63_0005 }], primaryPrivateIp: { family: 4, value: 0x0a63_0005 } }, ...s.enis.slice(1)] })).not.toEqual([]);
    expect(snapshotProblems({ ...s, networkAcls: s.networkAcls.map((a) => ({ ...a, entries: a.entries.filter((x) => x.ruleNumber < 32767) })) })).not.toEqual([]);
    expect(snapshotProblems({ ...s, enis: s.enis.map((x) => ({ ...x, groupIds: ['sg-nope'] })) })).not.toEqual([]);
    const g = s.securityGroups[0]!;
    const icmpWithPorts: SgRule = { groupId: g.id, ruleId: 'sgr-x', direction: 'inbound', protocol: 1, ports: { from: 1, to: 2 }, icmp: { type: 8, code: -1 }, peer: { kind: 'cidr', cidr: { family: 4, network: 0, prefix: 0, text: '0.0.0.0/0' } }, source: { file: '', path: '' } };
    expect(snapshotProblems({ ...s, securityGroups: [{ ...g, inbound: [...g.inbound, icmpWithPorts] }, ...s.securityGroups.slice(1)] })).not.toEqual([]);
  });

  it('internetAddressArb gives internet hosts only: public, outside the VPCs, not the snapshot\'s own public addresses (ARCHITECTURE "the internet")', async () => {
    const index = await loadSnapshotForTests('examples/three-tier/snapshot');
    const own = new Set(index.snapshot.enis.flatMap((e) => e.publicIps.map((p) => ipText(p.publicIp))));
    fc.assert(
      fc.property(internetAddressArb(index), internetAddressArb(index, 6), (a, b) => {
        const range = ipaddr.parse(ipText(a)).range();
        expect(['unicast', 'reserved'].includes(range) || ipText(a).startsWith('192.0.2.') || ipText(a).startsWith('198.51.100.') || ipText(a).startsWith('203.0.113.')).toBe(true);
        expect(['private', 'loopback', 'linkLocal', 'carrierGradeNat', 'unspecified', 'multicast', 'broadcast'].includes(range)).toBe(false);
        expect(a.value < 0xe0000000).toBe(true);
        expect(own.has(ipText(a))).toBe(false);
        expect(ipText(a).startsWith('10.')).toBe(false);
        const r6 = ipaddr.parse(ipText(b)).range();
        expect(['uniqueLocal', 'loopback', 'linkLocal', 'unspecified', 'multicast'].includes(r6)).toBe(false);
        expect(index.snapshot.vpcs.some((v) => v.cidrs6.some((c) => inside(b, c)))).toBe(false);
      }),
      fcParams(300),
    );
  });

  it('flowArb keeps one end inside the snapshot', () => {
    fc.assert(
      fc.property(snapshotArb().chain((s) => fc.tuple(fc.constant(s), flowArb(s))), ([s, f]) => {
        const own = s.enis.flatMap((e) => [...e.privateIps, ...e.publicIps.map((p) => p.publicIp)]).map(ipText);
        expect(own.includes(ipText(f.src)) || own.includes(ipText(f.dst))).toBe(true);
      }),
      fcParams(100),
    );
  });

  it('shrinks a failing snapshot to one interface, one group and the one rule that admits the packet', () => {
    // "No group admits ssh from 198.51.100.7": false for some snapshots; the shrunk one is minimal.
    const ssh = (s: Snapshot) => {
      const index = indexSnapshot(s);
      return s.enis.every((e) => !admits(index, { eni: e.id, direction: 'inbound' }, { protocol: 'tcp', src: '198.51.100.7', dst: ipText(e.privateIps[0]!), dstPort: 22 }).admitted);
    };
    const out = fc.check(fc.property(snapshotArb(), ssh), fcParams(300));
    expect(out.failed).toBe(true);
    expect(out.numShrinks).toBeGreaterThan(0);
    const s = out.counterexample![0];
    expect(s.enis).toHaveLength(1);
    expect(s.subnets).toHaveLength(1);
    expect(s.enis[0]!.groupIds).toHaveLength(1);
    const rules = s.securityGroups.flatMap((g) => [...g.inbound, ...g.outbound]);
    expect(rules).toHaveLength(1);
    expect(rules[0]!.direction).toBe('inbound');
    // Still a counterexample, and still well formed.
    expect(ssh(s)).toBe(false);
    expect(snapshotProblems(s)).toEqual([]);
    // The NACLs of the shrunk snapshot hold only the `*` entries (nothing else is needed to fail).
    expect(s.networkAcls.flatMap((a) => a.entries).every((e) => e.ruleNumber >= 32767)).toBe(true);
    expect(evaluateNacl(s.networkAcls[0]!, 'inbound', { protocol: 6, src: { family: 4, value: 0xc6336407 }, dst: s.enis[0]!.privateIps[0]!, srcPort: 50000, dstPort: 22, icmpType: null, icmpCode: null }).action).toBe('deny');
  });
});
