/**
 * The check shared by the `internet-exposed-*` rules: for every interface, the public sources that reach
 * the rule's ports over the whole path (exposure.ts), reported when they exceed the configured prefix size
 * (default /16 for IPv4, /48 for IPv6). One finding per interface, family and protocol; its entry is the
 * interface's group rule that admits the packets, and its details list the exact sources, ports, rules.
 */
import type { Family } from '../model/address.js';
import type { Eni } from '../model/snapshot.js';
import type { Interval } from '../net/packet-set.js';
import { cidrsOfIntervals } from '../net/packet-set.js';
import { protocolName } from '../net/protocol.js';
import type { AllowedBy } from './reach.js';
import { type ExposedService, allPortsSources, exposedServices } from './exposure.js';

type SgEntry = { kind: 'sg-rule'; groupId: string; direction: 'inbound' | 'outbound'; ruleId?: string; index: number };

/** The part of the rule context the exposure checks use (structurally a RuleContext). */
interface ExposureContext {
  readonly index: import('../engine/snapshot-index.js').SnapshotIndex;
  readonly snapshot: import('../model/snapshot.js').Snapshot;
  readonly options: Readonly<Record<string, unknown>>;
  report(finding: {
    resource: string;
    message: string;
    location: { file: string; path: string };
    entry?: SgEntry;
    details?: Readonly<Record<string, unknown>>;
  }): void;
}

/** Administration and remote-access ports (tcp and udp destination ports) of the exposure rules: FTP, SSH, Telnet, Docker, etcd, RDP, VNC, WinRM, Kubernetes, kubelet. */
export const ADMIN_PORTS = [
  { lo: 20, hi: 21 }, // FTP data and control (plaintext logins; Checkov CKV_AWS_229/230, Prowler ftp_20_21)
  { lo: 22, hi: 22 }, // SSH
  { lo: 23, hi: 23 }, // Telnet
  { lo: 2375, hi: 2376 }, // Docker API
  { lo: 2379, hi: 2380 }, // etcd
  { lo: 3389, hi: 3389 }, // RDP
  { lo: 5900, hi: 5900 }, // VNC
  { lo: 5985, hi: 5986 }, // WinRM
  { lo: 6443, hi: 6443 }, // Kubernetes API
  { lo: 10250, hi: 10250 }, // kubelet
] as const;

/** Database and data-store ports (tcp and udp destination ports) of the exposure rules. */
export const DATABASE_PORTS = [
  { lo: 1433, hi: 1434 }, // SQL Server
  { lo: 1521, hi: 1521 }, // Oracle
  { lo: 2483, hi: 2484 }, // Oracle (TCPS)
  { lo: 3306, hi: 3306 }, // MySQL / MariaDB / Aurora
  { lo: 5432, hi: 5432 }, // PostgreSQL
  { lo: 5601, hi: 5601 }, // Kibana / OpenSearch Dashboards
  { lo: 5984, hi: 5984 }, // CouchDB
  { lo: 6379, hi: 6380 }, // Redis
  { lo: 7000, hi: 7001 }, // Cassandra inter-node
  { lo: 7199, hi: 7199 }, // Cassandra JMX
  { lo: 7474, hi: 7474 }, // Neo4j
  { lo: 8086, hi: 8086 }, // InfluxDB
  { lo: 9042, hi: 9042 }, // Cassandra
  { lo: 9092, hi: 9092 }, // Kafka
  { lo: 9160, hi: 9160 }, // Cassandra Thrift
  { lo: 9200, hi: 9200 }, // Elasticsearch / OpenSearch
  { lo: 9300, hi: 9300 }, // Elasticsearch transport
  { lo: 11211, hi: 11211 }, // Memcached
  { lo: 27017, hi: 27019 }, // MongoDB
] as const;

/** The options every exposure rule takes. */
export const EXPOSURE_OPTIONS = {
  maxPrefixV4: { type: 'number', default: 16, description: 'report when the reachable public IPv4 sources are more addresses than a /N holds' },
  maxPrefixV6: { type: 'number', default: 48, description: 'report when the reachable public IPv6 sources are more addresses than a /N holds' },
} as const;

/** How many sources a finding needs (more addresses than a /maxPrefixV4 or /maxPrefixV6 holds). */
export function threshold(ctx: Pick<ExposureContext, 'options'>, family: Family): bigint {
  const raw = ctx.options[family === 4 ? 'maxPrefixV4' : 'maxPrefixV6'];
  const n = typeof raw === 'number' && Number.isInteger(raw) ? raw : family === 4 ? 16 : 48;
  const bits = family === 4 ? 32 : 128;
  if (n < 0 || n > bits) throw new Error(`rule option ${family === 4 ? 'maxPrefixV4' : 'maxPrefixV6'}: expected 0-${bits}, got ${String(raw)}`);
  return 1n << BigInt(bits - n);
}

export function portsText(ports: readonly Interval<number>[]): string {
  return ports.map((p) => (p.lo === p.hi ? `${p.lo}` : `${p.lo}-${p.hi}`)).join(', ');
}

/** The interface's own group rule among the rules letting the packets in. */
function entryOf(ctx: ExposureContext, eni: Eni, by: readonly AllowedBy[]): SgEntry | undefined {
  const sg = by.find((b) => b.component === 'security-group' && b.direction === 'inbound' && eni.groupIds.includes(b.id));
  if (!sg) return undefined;
  const group = ctx.index.groupById.get(sg.id);
  const index = typeof sg.rule === 'number' ? sg.rule : group ? group.inbound.findIndex((r) => r.ruleId === sg.rule) : -1;
  return { kind: 'sg-rule', groupId: sg.id, direction: 'inbound', ...(typeof sg.rule === 'string' ? { ruleId: sg.rule } : {}), index };
}

function byText(by: readonly AllowedBy[]): string {
  return by.map((b) => `${b.id} ${b.direction} rule ${b.rule}`).join(', ');
}

function eniName(ctx: ExposureContext, eni: Eni): string {
  const name = eni.instanceId ? ctx.index.instanceNameById.get(eni.instanceId) : eni.name;
  return `${eni.id}${name ? ` (${name})` : ''}`;
}

/** Reports interfaces whose `ports` the internet reaches from more sources than the threshold. */
export function checkExposedPorts(ctx: ExposureContext, what: string, ports: readonly Interval<number>[]): void {
  for (const eni of ctx.snapshot.enis) {
    for (const svc of exposedServices(ctx.index, eni, ports)) report(ctx, eni, svc, what);
  }
}

function report(ctx: ExposureContext, eni: Eni, svc: ExposedService, what: string): void {
  if (svc.sourceCount <= threshold(ctx, svc.family)) return;
  const sources = cidrsOfIntervals(svc.family, svc.sources);
  const shown = sources.length > 4 ? `${sources.slice(0, 4).join(', ')} and ${sources.length - 4} more blocks` : sources.join(', ');
  const entry = entryOf(ctx, eni, svc.allowedBy);
  ctx.report({
    resource: eni.id,
    message: `${eniName(ctx, eni)} is reachable from the internet on ${what} ${protocolName(svc.protocol)}/${portsText(svc.ports)} over IPv${svc.family} from ${svc.sourceCount.toLocaleString('en-US')} addresses (${shown}), responses included; allowed by ${byText(svc.allowedBy)}`,
    location: eni.source,
    ...(entry ? { entry } : {}),
    details: {
      family: svc.family,
      protocol: svc.protocol,
      ports: svc.ports.map((p) => [p.lo, p.hi]),
      sources,
      sourceCount: svc.sourceCount.toString(),
      allowedBy: svc.allowedBy,
    },
  });
}

/** Reports interfaces the internet reaches on every TCP or UDP port from more sources than the threshold. */
export function checkAllPorts(ctx: ExposureContext): void {
  for (const eni of ctx.snapshot.enis) {
    for (const family of [4, 6] as const) {
      for (const protocol of [6, 17]) {
        const srcs = allPortsSources(ctx.index, eni, family, protocol);
        const count = srcs.reduce((n, s) => n + (s.hi - s.lo + 1n), 0n);
        if (count === 0n) continue;
        const svc = exposedServices(ctx.index, eni, [{ lo: 0, hi: 65535 }]).find((x) => x.family === family && x.protocol === protocol);
        if (!svc) continue;
        report(ctx, eni, { ...svc, ports: [{ lo: 0, hi: 65535 }], sources: srcs, sourceCount: count }, 'every port,');
      }
    }
  }
}
