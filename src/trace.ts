/**
 * `trace(index, { from, to, protocol, port })`: the one-call form of `vpcwhy trace` for the library. It
 * resolves the two ends (ENI ids or addresses), aligns them on one address family and on the address an
 * outside peer must use, builds the packet, walks the path (engine/path.ts) and returns the report
 * (explain/trace.ts) that the CLI renders. `loadSnapshotIndex(paths)` loads and indexes describe-* JSON.
 *
 * A query that cannot be traced (an unknown ENI, `tcp` without a port, two ends of different families)
 * throws a TraceQueryError whose message says what was expected; `optionName` chooses how it names the
 * query's fields (the CLI: `--port`).
 */
import { formatSnapshotLoadError, loadSnapshot } from './aws/load-snapshot.js';
import { type Endpoint, placeExternal, resolveEndpoint, tracePath } from './engine/path.js';
import { type SnapshotIndex, indexSnapshot } from './engine/snapshot-index.js';
import { type TraceReport, buildTraceReport } from './explain/trace.js';
import type { Ip } from './model/address.js';
import type { Packet } from './model/flow.js';
import type { Eni, Snapshot } from './model/snapshot.js';
import { formatIp, ipEquals, parseIp } from './net/ip.js';
import { ICMP, ICMPV6, hasPorts, isIcmp, parseProtocol } from './net/protocol.js';

/** The assumed source port: inside Linux's 32768-61000 and Windows' 49152-65535 ephemeral ranges (ref 5.3). */
export const DEFAULT_SRC_PORT = 50000;

export interface TraceQuery {
  /** An ENI id (or, with a plan, the id the plan gives it) or an IP address. */
  readonly from: string;
  readonly to: string;
  /** `tcp`, `udp`, `icmp`, `icmpv6`, or an IANA protocol number. */
  readonly protocol: string | number;
  /** Destination port: tcp and udp only, and required for them. */
  readonly port?: number | string | undefined;
  /** Default DEFAULT_SRC_PORT (an assumed ephemeral port, said in the explanation). */
  readonly srcPort?: number | string | undefined;
  /** ICMP only; default echo request (8, or 128 for ICMPv6) and code 0. */
  readonly icmpType?: number | string | undefined;
  readonly icmpCode?: number | string | undefined;
  /** When both ends are ENI ids, use their IPv6 addresses. */
  readonly ipv6?: boolean | undefined;
}

export interface TraceQueryOptions {
  /** How messages name a field of the query: `port` by default, `--port` for the CLI. */
  readonly optionName?: (field: keyof TraceQuery) => string;
}

/** A query that cannot be traced; the message says what was expected. */
export class TraceQueryError extends Error {
  override readonly name = 'TraceQueryError';
}

function fail(message: string): never {
  throw new TraceQueryError(message);
}

type Namer = (field: keyof TraceQuery) => string;

const plainName: Namer = (field) => field;

function intField(name: string, value: number | string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const text = String(value);
  if (!/^-?\d+$/.test(text) || Number(text) < min || Number(text) > max) fail(`${name}: expected an integer from ${min} to ${max}, got "${text}"`);
  return Number(text);
}

/** The protocol, ports and ICMP fields of a query, checked without a snapshot (the CLI checks them before loading one). */
export function checkTraceQuery(query: TraceQuery, options: TraceQueryOptions = {}): { protocol: number; port: number | undefined; srcPort: number | undefined } {
  const name = options.optionName ?? plainName;
  const protocol = parseProtocol(String(query.protocol));
  if (protocol === null || protocol === -1) fail(`${name('protocol')}: expected tcp, udp, icmp, icmpv6 or a protocol number 0-255, got "${query.protocol}"`);
  const port = intField(name('port'), query.port, 0, 65535);
  const srcPort = intField(name('srcPort'), query.srcPort, 0, 65535);
  if (hasPorts(protocol) && port === undefined) fail(`${name('port')} is required for ${query.protocol}`);
  if (!hasPorts(protocol) && port !== undefined) fail(`${name('port')} applies to tcp and udp only${isIcmp(protocol) ? ` (use ${name('icmpType')} / ${name('icmpCode')} for ICMP)` : ''}`);
  if (!isIcmp(protocol) && (query.icmpType !== undefined || query.icmpCode !== undefined)) fail(`${name('icmpType')} and ${name('icmpCode')} apply to icmp and icmpv6 only`);
  return { protocol, port, srcPort };
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
  if (!r.ok) fail(`${label}: ${r.message}`);
  return r.endpoint;
}

/** An interface named by id: `eni-...`, or the Terraform address a planned interface or instance takes. */
export function namesEni(index: SnapshotIndex, text: string): boolean {
  return text.startsWith('eni-') || index.eniById.has(text);
}

const UNSPECIFIED6: Ip = parseIp('::')!;

/** Aligns the two endpoints on one address family and on the address an outside peer must use. */
function alignEndpoints(index: SnapshotIndex, src: Endpoint, dst: Endpoint, preferV6: boolean, fromText: string, toText: string, name: Namer): [Endpoint, Endpoint] {
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
    if (!a) fail(`${e.eni.id} has no IPv${family} address in the snapshot`);
    return { kind: 'eni', eni: e.eni, ip: a.ip, via: a.via };
  };
  const s = fix(src, fromText, dst);
  const d = fix(dst, toText, src);
  if (s.ip.family !== d.ip.family) fail(`${name('from')} ${formatIp(s.ip)} and ${name('to')} ${formatIp(d.ip)} are of different address families`);
  return [s, d];
}

function label(e: Endpoint, index: SnapshotIndex): string {
  if (e.kind === 'aws-service') return formatIp(e.ip);
  if (e.kind === 'external') return `${e.where === 'internet' ? 'internet host' : 'on-premises host'} ${formatIp(e.ip)}${e.routedTo ? ` (routed to ${e.routedTo})` : ''}`;
  if (e.unassigned) return `${formatIp(e.ip)} (an address of ${e.eni.subnetId || e.eni.vpcId} that no network interface in the snapshot has)`;
  const name = e.eni.instanceId ? index.instanceNameById.get(e.eni.instanceId) : e.eni.name;
  if (e.noAddress) return `${e.eni.id}${name ? ` (${name})` : ''}, which has no IPv${e.ip.family} address`;
  return `${e.eni.id}${name ? ` (${name})` : ''}${e.via === 'public' ? ` at its public address ${formatIp(e.ip)}` : ''}`;
}

/** The query's --ipv6 applies to two ENI ids only (`named`: whether a text names an interface). */
export function checkIpv6(query: TraceQuery, named: (text: string) => boolean, options: TraceQueryOptions = {}): void {
  if (query.ipv6 && !(named(query.from) && named(query.to))) fail(`${(options.optionName ?? plainName)('ipv6')} picks the IPv6 addresses of two ENI ids; with an IP address, its family decides`);
}

/** The path of the flow: its two ends as traced, and the report (reachable, blockedBy, hops, explanation, fix). */
export interface TraceOutcome {
  readonly report: TraceReport;
  readonly src: Endpoint;
  readonly dst: Endpoint;
}

/** `trace`, with the ends it traced between (the CLI notes plan values unknown until apply on them). */
export function traceFlow(snapshot: SnapshotIndex | Snapshot, query: TraceQuery, options: TraceQueryOptions = {}): TraceOutcome {
  const index = 'eniById' in snapshot ? snapshot : indexSnapshot(snapshot);
  const name = options.optionName ?? plainName;
  const { protocol, port, srcPort: srcPortGiven } = checkTraceQuery(query, options);
  checkIpv6(query, (t) => namesEni(index, t), options);
  const [src, dst] = alignEndpoints(index, resolve(index, query.from, name('from')), resolve(index, query.to, name('to')), query.ipv6 ?? false, query.from, query.to, name);
  if (src.kind !== 'eni' && dst.kind !== 'eni') fail(`at least one of ${name('from')} and ${name('to')} must be a network interface in the snapshot`);
  if (ipEquals(src.ip, dst.ip)) fail(`${name('from')} and ${name('to')} are the same address (${formatIp(src.ip)}): traffic to its own address never leaves the host`);
  if (src.kind === 'eni' && dst.kind === 'eni' && !src.unassigned && !dst.unassigned && src.eni === dst.eni && dst.via === 'private') {
    // A secondary address or one of a delegated prefix is the same host: nothing crosses a security group, NACL or route.
    fail(`${name('from')} ${formatIp(src.ip)} and ${name('to')} ${formatIp(dst.ip)} are addresses of the same network interface ${src.eni.id}: traffic between them never leaves the host`);
  }
  if (src.kind === 'eni' && src.unassigned && src.eni.subnetId === '') {
    fail(`${name('from')}: ${formatIp(src.ip)} is inside ${src.eni.vpcId} but in none of its subnets, so no host can send from it`);
  }
  if (dst.kind === 'eni' && dst.unassigned && dst.eni.subnetId === '' && src.kind !== 'eni') {
    fail(`${name('to')}: ${formatIp(dst.ip)} is inside ${dst.eni.vpcId} but in none of its subnets; trace to it from a network interface to see where it is dropped`);
  }
  const family = src.ip.family;
  if ((protocol === ICMP && family === 6) || (protocol === ICMPV6 && family === 4)) {
    fail(protocol === ICMP ? 'icmp is IPv4; use icmpv6 for IPv6' : 'icmpv6 is IPv6; use icmp for IPv4');
  }
  const icmpType = isIcmp(protocol) ? intField(name('icmpType'), query.icmpType, 0, 255) ?? (protocol === ICMP ? 8 : 128) : null;
  const icmpCode = isIcmp(protocol) ? intField(name('icmpCode'), query.icmpCode, 0, 255) ?? 0 : null;
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
    ? `The source port ${DEFAULT_SRC_PORT} is an assumed ephemeral port (inside the Linux 32768-61000 and Windows 49152-65535 ranges); pass ${name('srcPort')} to trace another.`
    : null;
  const report = buildTraceReport(index, result, { srcLabel: label(result.src, index), dstLabel: label(result.dst, index), assumedSrcPort: assumed });
  return { report, src: result.src, dst: result.dst };
}

/**
 * Traces a hypothetical flow through a snapshot (indexed, or as loaded) and returns what `vpcwhy trace
 * --format json` prints: `reachable`, `blockedBy`, `hops`, `explanation`, `alsoBlockedBy`, `fix`,
 * `packet`, `notes`. Throws TraceQueryError for a query that cannot be traced.
 *
 *   const index = await loadSnapshotIndex('snapshot/');
 *   const r = trace(index, { from: 'eni-0web', to: '10.0.3.30', protocol: 'tcp', port: 5432 });
 */
export function trace(snapshot: SnapshotIndex | Snapshot, query: TraceQuery, options: TraceQueryOptions = {}): TraceReport {
  return traceFlow(snapshot, query, options).report;
}

/**
 * Loads describe-* JSON files or directories (as --snapshot) and indexes them. Rejects with an Error that
 * names the file, the JSON path and what was expected; a snapshot with no interfaces, groups, network
 * ACLs or route tables (an empty file, `{}`, a directory without JSON) is an error too. Its warnings are
 * in `index.snapshot.warnings`.
 */
export async function loadSnapshotIndex(paths: string | readonly string[]): Promise<SnapshotIndex> {
  const list = typeof paths === 'string' ? [paths] : [...paths];
  if (list.length === 0) throw new Error('loadSnapshotIndex: no path given (files or directories of `aws ec2 describe-*` JSON)');
  const result = await loadSnapshot(list)();
  if (result._tag === 'Left') throw new Error(formatSnapshotLoadError(result.left));
  const s = result.right;
  if (isEmptySnapshot(s)) throw new Error(emptySnapshotMessage(list));
  return indexSnapshot(s);
}

/** No interface, security group, network ACL or route table: every answer would be "unknown". */
export function isEmptySnapshot(s: Pick<Snapshot, 'enis' | 'securityGroups' | 'networkAcls' | 'routeTables'>): boolean {
  return s.enis.length === 0 && s.securityGroups.length === 0 && s.networkAcls.length === 0 && s.routeTables.length === 0;
}

export function emptySnapshotMessage(paths: readonly string[], hint = 'give files or directories of `aws ec2 describe-*` JSON output'): string {
  return `${paths.join(', ')}: no network interfaces, security groups, network ACLs or route tables found; ${hint}`;
}
