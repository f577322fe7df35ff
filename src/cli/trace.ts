/** `vpcwhy trace`: hop-by-hop evaluation of a hypothetical flow. */
import type { Command } from 'commander';
import type { Ip } from '../model/address.js';
import type { Packet } from '../model/flow.js';
import type { Eni } from '../model/snapshot.js';
import { type Endpoint, placeExternal, resolveEndpoint, tracePath } from '../engine/path.js';
import type { SnapshotIndex } from '../engine/snapshot-index.js';
import { type TraceReport, buildTraceReport } from '../explain/trace.js';
import { formatIp, ipEquals, parseIp } from '../net/ip.js';
import { ICMP, ICMPV6, hasPorts, isIcmp, parseProtocol } from '../net/protocol.js';
import { renderTraceText } from '../report/trace-text.js';
import { EXIT_FINDINGS, EXIT_OK, UsageError } from './errors.js';
import { loadIndexedSnapshot, planIdOf, planUnknownsOf } from './snapshot-option.js';
import { PLAN_SPEC, SNAPSHOT_OPTION, VERBOSE_OPTION, declareOptions, formatOption } from './options.js';
import { type Io, processIo } from './io.js';

/** The assumed source port: inside Linux's 32768-61000 and Windows' 49152-65535 ephemeral ranges (ref 5.3). */
export const DEFAULT_SRC_PORT = 50000;

interface TraceOptions {
  snapshot: string[];
  plan?: string;
  from: string;
  to: string;
  protocol: string;
  port?: string;
  srcPort?: string;
  icmpType?: string;
  icmpCode?: string;
  ipv6?: boolean;
  format: string;
  verbose?: boolean;
}

function intOption(name: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (!/^-?\d+$/.test(value) || Number(value) < min || Number(value) > max) throw new UsageError(`${name}: expected an integer from ${min} to ${max}, got "${value}"`);
  return Number(value);
}

/** Picks the ENI address of the wanted family, or its internet-facing address when `public`. */
function eniAddress(eni: Eni, family: 4 | 6, wantPublic: boolean): { ip: Ip; via: 'private' | 'public' } | null {
  if (family === 6) {
    const v6 = eni.ipv6Addresses[0];
    return v6 ? { ip: v6, via: 'private' } : null;
  }
  if (wantPublic && eni.publicIps[0]) return { ip: eni.publicIps[0].publicIp, via: 'public' };
  return eni.primaryPrivateIp ? { ip: eni.primaryPrivateIp, via: 'private' } : null;
}

function resolve(index: SnapshotIndex, text: string, label: string): Endpoint {
  const r = resolveEndpoint(index, text, parseIp);
  if (!r.ok) throw new UsageError(`${label}: ${r.message}`);
  return r.endpoint;
}

/** Aligns the two endpoints on one address family and on the address an outside peer must use. */
/** An interface named by id: `eni-...`, or the Terraform address a planned interface or instance takes. */
function namesEni(index: SnapshotIndex, text: string): boolean {
  return text.startsWith('eni-') || index.eniById.has(text);
}

function alignEndpoints(index: SnapshotIndex, src: Endpoint, dst: Endpoint, preferV6: boolean, fromText: string, toText: string): [Endpoint, Endpoint] {
  const family: 4 | 6 = src.kind === 'external' || (src.kind === 'eni' && !namesEni(index, fromText))
    ? src.ip.family
    : dst.kind === 'external' || !namesEni(index, toText)
      ? dst.ip.family
      : preferV6 ? 6 : 4;
  const fix = (e: Endpoint, text: string, other: Endpoint): Endpoint => {
    if (e.kind !== 'eni' || !namesEni(index, text)) return e;
    // Towards the internet an interface uses its public address, unless its subnet routes the outside
    // address to a VPN or transit gateway (an on-premises network with public addresses, see placeExternal).
    const privateSide: Endpoint = { kind: 'eni', eni: e.eni, ip: e.ip, via: 'private' };
    const placed = placeExternal(index, other, privateSide);
    // A source always sends from its private address (only the internet gateway translates, ref 8.12).
    const wantPublic = e === dst && placed.kind === 'external' && placed.where === 'internet';
    const a = eniAddress(e.eni, family, wantPublic);
    if (!a && family === 6 && placed.kind === 'external' && placed.where === 'internet' && e === dst) {
      // An IPv6 internet host and an interface without IPv6: blocked, not a usage error (nothing to reach it at).
      return { kind: 'eni', eni: e.eni, ip: UNSPECIFIED6, via: 'public', noAddress: true };
    }
    if (!a) throw new UsageError(`${e.eni.id} has no IPv${family} address${family === 6 ? '' : ''} in the snapshot`);
    return { kind: 'eni', eni: e.eni, ip: a.ip, via: a.via };
  };
  const s = fix(src, fromText, dst);
  const d = fix(dst, toText, src);
  if (s.ip.family !== d.ip.family) throw new UsageError(`--from ${formatIp(s.ip)} and --to ${formatIp(d.ip)} are of different address families`);
  return [s, d];
}

const UNSPECIFIED6: Ip = parseIp('::')!;

function label(e: Endpoint, index: SnapshotIndex): string {
  if (e.kind === 'aws-service') return formatIp(e.ip);
  if (e.kind === 'external') return `${e.where === 'internet' ? 'internet host' : 'on-premises host'} ${formatIp(e.ip)}${e.routedTo ? ` (routed to ${e.routedTo})` : ''}`;
  if (e.unassigned) return `${formatIp(e.ip)} (an address of ${e.eni.subnetId || e.eni.vpcId} that no network interface in the snapshot has)`;
  const name = e.eni.instanceId ? index.instanceNameById.get(e.eni.instanceId) : e.eni.name;
  if (e.noAddress) return `${e.eni.id}${name ? ` (${name})` : ''}, which has no IPv${e.ip.family} address`;
  return `${e.eni.id}${name ? ` (${name})` : ''}${e.via === 'public' ? ` at its public address ${formatIp(e.ip)}` : ''}`;
}

/**
 * With --plan: the values unknown until apply that belong to a group, ACL, table, subnet or interface on
 * the path are said in the notes (the answer holds for what the plan knows; they may change it).
 */
function withPlanUnknowns(report: TraceReport, index: SnapshotIndex, ends: readonly Endpoint[]): TraceReport {
  const unknowns = planUnknownsOf(index);
  if (unknowns.length === 0) return report;
  const onPath = JSON.stringify(report.hops);
  const endIds = new Set(ends.flatMap((e) => (e.kind === 'eni' ? [e.eni.id] : [])));
  const withInternet = ends.some((e) => e.kind === 'external' && e.where === 'internet');
  const hit = unknowns.filter((u) => (endIds.has(u.objectId) || onPath.includes(JSON.stringify(u.objectId))) && (u.onlyFor !== 'internet' || withInternet));
  if (hit.length === 0) return report;
  const shown = hit.slice(0, 10).map((u) => `${u.address}${u.attribute === '' ? '' : ` ${u.attribute}`} (${u.consequence})`);
  const more = hit.length > shown.length ? `, and ${hit.length - shown.length} more` : '';
  const note = `Unknown until apply, on this path: ${shown.join('; ')}${more}. The answer is for what the plan knows; these values may change it.`;
  return { ...report, notes: [...report.notes, note], explanation: `${report.explanation} ${note}` };
}

export function registerTrace(program: Command, setExitCode: (code: number) => void, io: Io = processIo()): void {
  const cmd = program
    .command('trace')
    .description('trace a hypothetical flow hop by hop: security groups, network ACLs, routes, and the return path');
  declareOptions(cmd, [
    SNAPSHOT_OPTION,
    PLAN_SPEC,
    { flags: '--from <eni-or-ip>', description: 'source: an ENI id (eni-..., or the Terraform address of a planned interface or instance) or an IP address', required: true },
    { flags: '--to <eni-or-ip>', description: 'destination: an ENI id or an IP address', required: true },
    { flags: '--protocol <proto>', description: 'tcp | udp | icmp | icmpv6 | a protocol number', required: true },
    { flags: '--port <n>', description: 'destination port', required: 'for tcp and udp' },
    { flags: '--src-port <n>', description: `source port (default ${DEFAULT_SRC_PORT}, an ephemeral port)` },
    { flags: '--icmp-type <n>', description: 'ICMP type (default: echo request, 8 or 128)' },
    { flags: '--icmp-code <n>', description: 'ICMP code (default 0)' },
    { flags: '--ipv6', description: 'when both ends are ENI ids, use their IPv6 addresses' },
    formatOption(['text', 'json']),
    VERBOSE_OPTION,
  ], [[0, 'the flow is delivered and its responses get back'], [1, 'the flow is blocked (the blocking rule is named)']]);
  cmd.action(async (opts: TraceOptions) => {
    setExitCode(await runTrace(opts, io));
  });
}

export async function runTrace(opts: TraceOptions, io: Io): Promise<number> {
  if (opts.format !== 'text' && opts.format !== 'json') throw new UsageError(`--format: expected text or json, got "${opts.format}"`);
  const protocol = parseProtocol(opts.protocol);
  if (protocol === null || protocol === -1) throw new UsageError(`--protocol: expected tcp, udp, icmp, icmpv6 or a protocol number 0-255, got "${opts.protocol}"`);
  const port = intOption('--port', opts.port, 0, 65535);
  const srcPortGiven = intOption('--src-port', opts.srcPort, 0, 65535);
  if (hasPorts(protocol) && port === undefined) throw new UsageError(`--port is required for ${opts.protocol}`);
  if (!hasPorts(protocol) && port !== undefined) throw new UsageError(`--port applies to tcp and udp only${isIcmp(protocol) ? ' (use --icmp-type / --icmp-code for ICMP)' : ''}`);
  if (!isIcmp(protocol) && (opts.icmpType !== undefined || opts.icmpCode !== undefined)) throw new UsageError('--icmp-type and --icmp-code apply to icmp and icmpv6 only');
  const ipv6Usage = (named: (t: string) => boolean): void => {
    if (opts.ipv6 && !(named(opts.from) && named(opts.to))) throw new UsageError('--ipv6 picks the IPv6 addresses of two ENI ids; with an IP address, its family decides');
  };
  if (opts.plan === undefined) ipv6Usage((t) => t.startsWith('eni-'));
  const index = await loadIndexedSnapshot(opts.snapshot, { verbose: opts.verbose ?? false, plan: opts.plan }, io);
  // A Terraform address of the plan names its resource (an instance: its primary interface).
  opts = { ...opts, from: planIdOf(index, opts.from), to: planIdOf(index, opts.to) };
  ipv6Usage((t) => namesEni(index, t));
  const [src, dst] = alignEndpoints(index, resolve(index, opts.from, '--from'), resolve(index, opts.to, '--to'), opts.ipv6 ?? false, opts.from, opts.to);
  if (src.kind !== 'eni' && dst.kind !== 'eni') throw new UsageError('at least one of --from and --to must be a network interface in the snapshot');
  if (ipEquals(src.ip, dst.ip)) throw new UsageError(`--from and --to are the same address (${formatIp(src.ip)}): traffic to its own address never leaves the host`);
  if (src.kind === 'eni' && dst.kind === 'eni' && !src.unassigned && !dst.unassigned && src.eni === dst.eni && dst.via === 'private') {
    // A secondary address or one of a delegated prefix is the same host: nothing crosses a security group, NACL or route.
    throw new UsageError(`--from ${formatIp(src.ip)} and --to ${formatIp(dst.ip)} are addresses of the same network interface ${src.eni.id}: traffic between them never leaves the host`);
  }
  if (src.kind === 'eni' && src.unassigned && src.eni.subnetId === '') {
    throw new UsageError(`--from: ${formatIp(src.ip)} is inside ${src.eni.vpcId} but in none of its subnets, so no host can send from it`);
  }
  if (dst.kind === 'eni' && dst.unassigned && dst.eni.subnetId === '' && src.kind !== 'eni') {
    throw new UsageError(`--to: ${formatIp(dst.ip)} is inside ${dst.eni.vpcId} but in none of its subnets; trace to it from a network interface to see where it is dropped`);
  }
  const family = src.ip.family;
  if ((protocol === ICMP && family === 6) || (protocol === ICMPV6 && family === 4)) {
    throw new UsageError(`${protocol === ICMP ? 'icmp is IPv4; use icmpv6 for IPv6' : 'icmpv6 is IPv6; use icmp for IPv4'}`);
  }
  const icmpType = isIcmp(protocol) ? intOption('--icmp-type', opts.icmpType, 0, 255) ?? (protocol === ICMP ? 8 : 128) : null;
  const icmpCode = isIcmp(protocol) ? intOption('--icmp-code', opts.icmpCode, 0, 255) ?? 0 : null;
  const ports = hasPorts(protocol);
  const packet: Packet = {
    protocol,
    src: src.ip,
    dst: dst.ip,
    srcPort: ports ? srcPortGiven ?? DEFAULT_SRC_PORT : null,
    dstPort: ports ? port ?? null : null,
    icmpType,
    icmpCode,
  };
  const result = tracePath(index, { src, dst, packet });
  const assumed = ports && srcPortGiven === undefined
    ? `The source port ${DEFAULT_SRC_PORT} is an assumed ephemeral port (inside the Linux 32768-61000 and Windows 49152-65535 ranges); pass --src-port to trace another.`
    : null;
  const report = withPlanUnknowns(buildTraceReport(index, result, { srcLabel: label(result.src, index), dstLabel: label(result.dst, index), assumedSrcPort: assumed }), index, [result.src, result.dst]);
  if (opts.format === 'json') {
    const { reachable, blockedBy, hops, explanation, alsoBlockedBy, fix, packet: p, notes } = report;
    io.stdout.write(`${JSON.stringify({ reachable, blockedBy, hops, explanation, alsoBlockedBy, fix, packet: p, notes }, null, 2)}\n`);
  } else {
    io.stdout.write(renderTraceText(report));
  }
  return report.reachable ? EXIT_OK : EXIT_FINDINGS;
}
