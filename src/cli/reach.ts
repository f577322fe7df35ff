/** `vpcwhy reach`: the exact set of connections from a source set that reach an interface and get answered. */
import type { Command } from 'commander';
import { type ReachFrom, reach } from '../audit/reach.js';
import { parseCidr, parseIp } from '../net/ip.js';
import { hasPorts, parseProtocol } from '../net/protocol.js';
import { renderReachJson, renderReachText } from '../report/reach.js';
import { EXIT_FINDINGS, EXIT_OK, UsageError } from './errors.js';
import { loadIndexedSnapshot, planIdOf } from './snapshot-option.js';
import { CFN_SPEC, PLAN_SPEC, SNAPSHOT_OPTION, VERBOSE_OPTION, declareOptions, formatOption } from './options.js';
import { type Io, processIo } from './io.js';
import type { SnapshotIndex } from '../engine/snapshot-index.js';

interface ReachOptions {
  snapshot: string[];
  plan?: string;
  cfn?: string[];
  to: string;
  from: string;
  protocol?: string;
  port?: string;
  format: string;
  verbose?: boolean;
}

export function registerReach(program: Command, setExitCode: (code: number) => void, io: Io = processIo()): void {
  const cmd = program
    .command('reach')
    .description('the exact set of connections from --from that reach an interface and whose responses get back (groups, network ACLs both ways, routes, gateways, public addresses)');
  declareOptions(cmd, [
    SNAPSHOT_OPTION,
    PLAN_SPEC,
    CFN_SPEC,
    { flags: '--to <eni-id>', description: 'the network interface connected to (an ENI id, or a Terraform address / logical id with --plan / --cfn)', required: true },
    { flags: '--from <source>', description: 'internet | any | a CIDR or address | an ENI id | a subnet id', default: 'internet' },
    { flags: '--protocol <proto>', description: 'tcp | udp | icmp | icmpv6 | a protocol number | all (default all)' },
    { flags: '--port <n|n-m>', description: 'destination ports (tcp/udp)' },
    formatOption(['text', 'json']),
    VERBOSE_OPTION,
  ], [[0, 'some connection reaches the interface'], [1, 'no connection does']]);
  cmd.action(async (opts: ReachOptions) => {
    setExitCode(await runReach(opts, io));
  });
}

function parseFrom(index: SnapshotIndex, text: string): ReachFrom {
  const t = text.trim();
  if (t === 'internet' || t === 'any') return { kind: t };
  if (t.startsWith('eni-')) {
    if (!index.eniById.has(t)) throw new UsageError(`--from: no network interface ${t} in the snapshot`);
    return { kind: 'eni', eniId: t };
  }
  if (t.startsWith('subnet-')) {
    if (!index.subnetById.has(t)) throw new UsageError(`--from: no subnet ${t} in the snapshot`);
    return { kind: 'subnet', subnetId: t };
  }
  const ip = t.includes('/') ? null : parseIp(t);
  const cidr = ip ? parseCidr(`${t}/${ip.family === 4 ? 32 : 128}`) : parseCidr(t);
  if (!cidr) throw new UsageError(`--from: expected internet, any, a CIDR or address, an ENI id (eni-...) or a subnet id (subnet-...), got "${text}"`);
  return { kind: 'cidr', cidr };
}

function parsePorts(text: string | undefined): { lo: number; hi: number } | undefined {
  if (text === undefined) return undefined;
  const m = /^(\d+)(?:-(\d+))?$/.exec(text.trim());
  const lo = m ? Number(m[1]) : NaN;
  const hi = m ? Number(m[2] ?? m[1]) : NaN;
  if (!m || lo > 65535 || hi > 65535 || lo > hi) throw new UsageError(`--port: expected a port or a range N-M within 0-65535, got "${text}"`);
  return { lo, hi };
}

export async function runReach(opts: ReachOptions, io: Io): Promise<number> {
  if (opts.format !== 'text' && opts.format !== 'json') throw new UsageError(`--format: expected text or json, got "${opts.format}"`);
  const protocol = opts.protocol === undefined || opts.protocol.toLowerCase() === 'all' ? -1 : parseProtocol(opts.protocol);
  if (protocol === null) throw new UsageError(`--protocol: expected tcp, udp, icmp, icmpv6, all or a protocol number 0-255, got "${opts.protocol}"`);
  const ports = parsePorts(opts.port);
  if (ports && protocol !== -1 && !hasPorts(protocol)) throw new UsageError('--port applies to tcp and udp only');
  const index = await loadIndexedSnapshot(opts.snapshot, { verbose: opts.verbose ?? false, ...(opts.plan !== undefined ? { plan: opts.plan } : {}), cfn: opts.cfn }, io);
  // A Terraform address or CloudFormation logical id names its interface (an instance: its primary one).
  opts = { ...opts, to: planIdOf(index, opts.to) };
  if (!index.eniById.has(opts.to)) throw new UsageError(`--to: no network interface ${opts.to} in the snapshot (reach takes an ENI id)`);
  const from = parseFrom(index, opts.from);
  const result = reach(index, { to: opts.to, from, protocol, ...(ports ? { ports } : {}) });
  io.stdout.write(opts.format === 'json' ? renderReachJson(result) : renderReachText(result));
  return result.allowed.length > 0 ? EXIT_OK : EXIT_FINDINGS;
}
