/** `vpcwhy trace`: hop-by-hop evaluation of a hypothetical flow. */
import type { Command } from 'commander';
import type { Endpoint } from '../engine/path.js';
import type { SnapshotIndex } from '../engine/snapshot-index.js';
import type { TraceReport } from '../explain/trace.js';
import { DEFAULT_SRC_PORT, type TraceQuery, TraceQueryError, checkIpv6, checkTraceQuery, traceFlow } from '../trace.js';
import { renderTraceText } from '../report/trace-text.js';
import { WIDTH_SPEC, textWidth } from './width-option.js';
import { EXIT_FINDINGS, EXIT_OK, UsageError } from './errors.js';
import { loadIndexedSnapshot, planIdOf, planUnknownsOf } from './snapshot-option.js';
import { CFN_SPEC, PLAN_SPEC, SNAPSHOT_OPTION, VERBOSE_OPTION, declareOptions, formatOption } from './options.js';
import { type Io, processIo } from './io.js';

interface TraceOptions {
  snapshot: string[];
  plan?: string;
  cfn?: string[];
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
  width?: string;
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
  const cfn = hit.every((u) => u.origin === 'cloudformation');
  const note = `Unknown until ${cfn ? 'deployment' : 'apply'}, on this path: ${shown.join('; ')}${more}. The answer is for what the ${cfn ? 'template' : 'plan'} knows; these values may change it.`;
  return { ...report, notes: [...report.notes, note], explanation: `${report.explanation} ${note}` };
}

export function registerTrace(program: Command, setExitCode: (code: number) => void, io: Io = processIo()): void {
  const cmd = program
    .command('trace')
    .description('trace a hypothetical flow hop by hop: security groups, network ACLs, routes, and the return path');
  declareOptions(cmd, [
    SNAPSHOT_OPTION,
    PLAN_SPEC,
    CFN_SPEC,
    { flags: '--from <eni-or-ip>', description: 'source: an ENI id (eni-..., or the Terraform address of a planned interface or instance) or an IP address', required: true },
    { flags: '--to <eni-or-ip>', description: 'destination: an ENI id or an IP address', required: true },
    { flags: '--protocol <proto>', description: 'tcp | udp | icmp | icmpv6 | a protocol number', required: true },
    { flags: '--port <n>', description: 'destination port', required: 'for tcp and udp' },
    { flags: '--src-port <n>', description: `source port (default ${DEFAULT_SRC_PORT}, an ephemeral port)` },
    { flags: '--icmp-type <n>', description: 'ICMP type (default: echo request, 8 or 128)' },
    { flags: '--icmp-code <n>', description: 'ICMP code (default 0)' },
    { flags: '--ipv6', description: 'when both ends are ENI ids, use their IPv6 addresses' },
    formatOption(['text', 'json']),
    WIDTH_SPEC,
    VERBOSE_OPTION,
  ], [[0, 'the flow is delivered and its responses get back'], [1, 'the flow is blocked (the blocking rule is named)']]);
  cmd.action(async (opts: TraceOptions) => {
    setExitCode(await runTrace(opts, io));
  });
}

/** Names the query's fields as the options that give them (`--src-port`). */
const optionName = (field: keyof TraceQuery): string => `--${field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

export async function runTrace(opts: TraceOptions, io: Io): Promise<number> {
  if (opts.format !== 'text' && opts.format !== 'json') throw new UsageError(`--format: expected text or json, got "${opts.format}"`);
  const width = textWidth(opts.width, io.stdout);
  const report = await usage(async () => {
    // What needs no snapshot is checked before loading it.
    checkTraceQuery(opts, { optionName });
    if (opts.plan === undefined && (opts.cfn ?? []).length === 0) checkIpv6(opts, (t) => t.startsWith('eni-'), { optionName });
    const index = await loadIndexedSnapshot(opts.snapshot, { verbose: opts.verbose ?? false, plan: opts.plan, cfn: opts.cfn }, io);
    // A Terraform address of the plan names its resource (an instance: its primary interface).
    const query = { ...opts, from: planIdOf(index, opts.from), to: planIdOf(index, opts.to) };
    const traced = traceFlow(index, query, { optionName });
    return withPlanUnknowns(traced.report, index, [traced.src, traced.dst]);
  });
  if (opts.format === 'json') {
    const { reachable, blockedBy, hops, explanation, alsoBlockedBy, fix, packet: p, notes } = report;
    io.stdout.write(`${JSON.stringify({ reachable, blockedBy, hops, explanation, alsoBlockedBy, fix, packet: p, notes }, null, 2)}\n`);
  } else {
    io.stdout.write(renderTraceText(report, width));
  }
  return report.reachable ? EXIT_OK : EXIT_FINDINGS;
}

/** A query the library cannot trace is a usage error. */
async function usage<T>(f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    if (e instanceof TraceQueryError) throw new UsageError(e.message);
    throw e;
  }
}
