/**
 * `vpcwhy diff` output: a JSON document of stable shape (README, "vpcwhy diff") and text a person reads
 * before a deploy. Rendered from the DiffResult and the ReplayResult only.
 */
import type { DiffExample, DiffResult, DiffRow, DiffUnknown, EniDiff, IntentChange, IntentChangeKind, MergedRow } from '../audit/diff.js';
import { intentJson, intentOutcomeJson } from '../audit/intents.js';
import type { AllowedBy } from '../audit/reach.js';
import { type ReplayGroup, type ReplayResult, blockedByText } from '../explain/replay.js';
import type { Packet } from '../model/flow.js';
import { formatIp } from '../net/ip.js';
import { protocolName } from '../net/protocol.js';
import { printable } from './printable.js';

export interface DiffReport {
  readonly diff: DiffResult;
  /** Null when no flow logs were given. */
  readonly replay: ReplayResult | null;
  /** `--intents`: every statement under both configurations; null without the option. */
  readonly intents: readonly IntentChange[] | null;
  /** The intents file, for the text's heading. */
  readonly intentsFile?: string;
  /**
   * A replayed ACCEPT now denied, or (without logs) a newly denied connection. The exit-1 condition, with
   * an intent that held before and fails after (change `broken`).
   */
  readonly breaks: boolean;
}

function intentChangeJson(c: IntentChange): Record<string, unknown> {
  return { intent: intentJson(c.intent), change: c.change, before: c.before?.status ?? null, after: c.after === null ? null : intentOutcomeJson(c.after) };
}

const CHANGE_WORD: Record<IntentChangeKind, string> = { broken: 'BROKEN', failing: 'FAILS', fixed: 'FIXED', held: 'holds', undetermined: 'undetermined' };

function intentChangeLines(file: string, changes: readonly IntentChange[]): string[] {
  const lines = [`Intents (${file}):`];
  for (const c of changes) {
    const why = c.after === null
      ? 'the after configuration lacks what it names'
      : c.change === 'held' ? (c.before === null ? 'holds after (the before configuration lacks what it names)' : 'holds before and after') : c.after.message;
    const was = c.change === 'broken' ? ' (it held before the change)'
      : c.change === 'fixed' ? ' (it failed before the change)'
      : c.change === 'failing' && c.before?.status === 'failed' ? ' (as before the change)' : '';
    lines.push(`  ${CHANGE_WORD[c.change].padEnd(12)}${c.intent.name}: ${why}${was}`);
  }
  return lines;
}

function ranges(xs: readonly (readonly [number, number])[]): string {
  return xs.map(([a, b]) => (a === b ? `${a}` : a === 0 && b === 65535 ? 'all' : `${a}-${b}`)).join(',');
}

/** ICMP types (and codes) compactly: `echo-request (8)`-free numbers, consecutive types as ranges. */
function icmpText(icmp: NonNullable<DiffRow['icmp']>): string {
  if (icmp.some((i) => i.type === -1)) return icmp.length === 1 && icmp[0]!.code === -1 ? 'all types' : icmp.map((i) => (i.type === -1 ? `code ${i.code}` : `type ${i.type} code ${i.code}`)).join(', ');
  const allCodes = icmp.filter((i) => i.code === -1).map((i) => i.type).sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < allCodes.length; i++) {
    let j = i;
    while (j + 1 < allCodes.length && allCodes[j + 1] === allCodes[j]! + 1) j++;
    parts.push(i === j ? `${allCodes[i]}` : `${allCodes[i]}-${allCodes[j]}`);
    i = j;
  }
  const types = parts.length > 0 ? [`type${allCodes.length > 1 ? 's' : ''} ${parts.join(',')}`] : [];
  return [...types, ...icmp.filter((i) => i.code !== -1).map((i) => `type ${i.type} code ${i.code}`)].join(', ');
}

export function rowService(r: Pick<DiffRow, 'protocol' | 'ports' | 'srcPorts' | 'icmp'>): string {
  if (r.protocol === -1) return 'all traffic';
  const name = protocolName(r.protocol);
  if (r.ports !== null) {
    const src = r.srcPorts !== null && ranges(r.srcPorts) !== 'all' ? ` from source port${r.srcPorts.length > 1 || r.srcPorts[0]![0] !== r.srcPorts[0]![1] ? 's' : ''} ${ranges(r.srcPorts)}` : '';
    return `${name}/${ranges(r.ports)}${src}`;
  }
  if (r.icmp) return `${name} ${icmpText(r.icmp)}`;
  return name;
}

export function allowedByText(b: AllowedBy): string {
  return `${b.component === 'security-group' ? 'group' : 'network ACL'} ${b.id} ${b.direction} rule ${b.rule}`;
}

function packetText(p: Packet): string {
  const name = protocolName(p.protocol);
  if (p.srcPort !== null && p.dstPort !== null) return `${formatIp(p.src)}:${p.srcPort} > ${formatIp(p.dst)}:${p.dstPort} ${name}`;
  if (p.icmpType !== null) return `${formatIp(p.src)} > ${formatIp(p.dst)} ${name} type ${p.icmpType} code ${p.icmpCode ?? 0}`;
  return `${formatIp(p.src)} > ${formatIp(p.dst)} ${name}`;
}

function packetJson(p: Packet) {
  return { protocol: p.protocol, src: formatIp(p.src), dst: formatIp(p.dst), srcPort: p.srcPort, dstPort: p.dstPort, icmpType: p.icmpType, icmpCode: p.icmpCode };
}

function exampleJson(e: DiffExample) {
  return { packet: packetJson(e.packet), blockedBy: e.blockedBy, note: e.note };
}

function rowJson(r: DiffRow) {
  return {
    direction: r.direction,
    family: r.family,
    protocol: r.protocol,
    ports: r.ports,
    srcPorts: r.srcPorts,
    ...(r.icmp ? { icmp: r.icmp } : {}),
    sources: r.sources,
    destinations: r.destinations,
    allowedBy: r.allowedBy,
    ...(r.example ? { example: exampleJson(r.example) } : {}),
  };
}

function groupJson(g: ReplayGroup) {
  return {
    eniId: g.eniId,
    direction: g.direction,
    traffic: g.traffic,
    peer: g.peer,
    protocol: g.protocol,
    port: g.port,
    blockedBy: g.blockedBy,
    rule: g.rule,
    via: g.via,
    records: g.records,
    first: g.first,
  };
}

export function renderDiffJson(report: DiffReport): string {
  const { diff, replay } = report;
  const doc = {
    eni: diff.enis.map((e) => ({ eniId: e.eniId, change: e.change, newlyAllowed: e.newlyAllowed.map(rowJson), newlyDenied: e.newlyDenied.map(rowJson) })),
    replay: replay === null ? null : { records: replay.records, breaks: replay.breaks.map(groupJson), newlyAllowed: replay.newlyAllowed.map(groupJson), counts: replay.counts },
    intents: report.intents === null ? null : report.intents.map(intentChangeJson),
    unknowns: diff.unknowns,
    notes: diff.notes,
    summary: {
      interfaces: diff.compared,
      changed: diff.enis.length,
      newlyAllowedRows: diff.enis.reduce((n, e) => n + e.newlyAllowed.length, 0),
      newlyDeniedRows: diff.enis.reduce((n, e) => n + e.newlyDenied.length, 0),
      intentsBroken: report.intents === null ? null : report.intents.filter((c) => c.change === 'broken').length,
      breaks: report.breaks,
    },
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

const MAX_CIDRS = 6;

function cidrs(xs: readonly string[]): string {
  if (xs.length <= MAX_CIDRS) return xs.join(', ');
  return `${xs.slice(0, MAX_CIDRS).join(', ')} and ${xs.length - MAX_CIDRS} more (--format json lists them all)`;
}

function rowLines(sign: '+' | '-', r: MergedRow): string[] {
  const lines = [`  ${sign} ${r.direction} ${rowService(r)}`, `      from ${cidrs(r.sources)}`, `      to   ${cidrs(r.destinations)}`];
  if (r.rules.length > 0) lines.push(`      ${sign === '+' ? 'allowed by' : 'was allowed by'} ${r.rules.map(allowedByText).join('; ')}`);
  if (r.example) {
    const e = r.example;
    lines.push(`      e.g. ${packetText(e.packet)}: ${e.blockedBy ? `now blocked by ${blockedByText(e.blockedBy)}` : e.note ?? 'now blocked'}`);
  }
  return lines;
}

function eniLines(e: EniDiff): string[] {
  const what = e.change === 'added' ? ' (added)' : e.change === 'removed' ? ' (removed)' : '';
  const lines = [`${e.eniId}${what}`];
  const { newlyAllowed, newlyDenied } = e.merged;
  if (newlyAllowed.length > 0) lines.push('  newly allowed:', ...newlyAllowed.flatMap((r) => rowLines('+', r)));
  if (newlyDenied.length > 0) lines.push('  newly denied:', ...newlyDenied.flatMap((r) => rowLines('-', r)));
  if (e.newlyAllowed.length === 0 && e.newlyDenied.length === 0) lines.push('  no connection reaches it on either side');
  return lines;
}

const count = (n: number): string => n.toLocaleString('en-US');
const plural = (n: number, one: string, many = `${one}s`): string => `${count(n)} ${n === 1 ? one : many}`;

function groupService(g: ReplayGroup): string {
  const name = g.protocol >= 0 ? protocolName(g.protocol) : 'protocol -';
  return g.port === null ? name : `${name}/${g.port}`;
}

/** "breaks 1,204 flows seen from 10.0.2.0/24 to tcp/5432 on eni-0db, now denied by network ACL acl-0db inbound rule 90" */
export function replayGroupText(kind: 'breaks' | 'newly-allowed', g: ReplayGroup): string {
  const flows = plural(g.records, 'flow');
  const responses = g.traffic === 'response' ? ' (responses)' : '';
  const where = g.direction === 'inbound' ? `from ${g.peer} to ${groupService(g)} on ${g.eniId}` : `from ${g.eniId} to ${g.peer} ${groupService(g)}`;
  const rule = g.blockedBy ? blockedByText(g.blockedBy) : g.rule;
  const on = g.via === 'path' ? ' on the path' : '';
  return kind === 'breaks'
    ? `breaks ${flows} seen ${where}${responses}, ${g.blockedBy ? `now denied${on} by ${rule}` : rule} (first: ${g.first.file}:${g.first.line})`
    : `newly allows ${flows} seen ${where}${responses}, rejected before by ${rule} (first: ${g.first.file}:${g.first.line})`;
}

function unknownText(u: DiffUnknown): string {
  return u.kind === 'plan-value'
    ? `${u.address} ${u.attribute} (${u.objectId}) is unknown until ${u.origin === 'cloudformation' ? 'deployment' : 'apply'}: ${u.consequence}`
    : `${u.side}: ${u.groupId} rule ${u.rule} (on ${u.eniId}) has a peer that cannot be resolved (${u.reason}): what it admits is not counted`;
}

export function renderDiffText(report: DiffReport): string {
  const { diff, replay } = report;
  const lines: string[] = [];
  const denied = diff.enis.reduce((n, e) => n + e.merged.newlyDenied.length, 0);
  const allowed = diff.enis.reduce((n, e) => n + e.merged.newlyAllowed.length, 0);
  const head = diff.enis.length === 0
    ? `NO CHANGE: the ${plural(diff.compared, 'interface')} compared admit the same connections before and after`
    : `${diff.enis.length} of ${plural(diff.compared, 'interface')} change: ${plural(allowed, 'newly allowed row')}, ${plural(denied, 'newly denied row')}`;
  lines.push(head, '');
  for (const e of diff.enis) lines.push(...eniLines(e), '');
  if (replay !== null) {
    lines.push(`Replay of ${plural(replay.records, 'flow-log record')}:`);
    for (const g of replay.breaks) lines.push(`  ${replayGroupText('breaks', g)}`);
    for (const g of replay.newlyAllowed) lines.push(`  ${replayGroupText('newly-allowed', g)}`);
    const c = replay.counts;
    if (replay.breaks.length === 0 && replay.newlyAllowed.length === 0) lines.push('  every record gets the same verdict before and after');
    if (c.ungrouped > 0) lines.push(`  ${plural(c.ungrouped, 'more record')} in groups past the bound of groups (counted, not listed)`);
    if (c.ambiguous > 0) lines.push(`  ${plural(c.ambiguous, 'ACCEPTed record')} may break: the after configuration's reading is ambiguous (explain --all shows the readings)`);
    if (c.unexplainedAccepts > 0) lines.push(`  ${plural(c.unexplainedAccepts, 'ACCEPTed record')} the before configuration already blocks: the snapshot does not describe that traffic, so no verdict on the change`);
    if (c.stillDeniedOnPath > 0) lines.push(`  ${plural(c.stillDeniedOnPath, 'REJECTed record')} the interface would let through, still blocked elsewhere on the path after the change`);
    if (c.unknownInterface > 0) lines.push(`  ${plural(c.unknownInterface, 'record')} of interfaces in neither configuration`);
    lines.push('');
  }
  if (diff.unknowns.length > 0) lines.push('Not evaluated (unknown values are listed, never guessed):', ...diff.unknowns.map((u) => `- ${unknownText(u)}`), '');
  if (report.intents !== null && report.intents.length > 0) lines.push(...intentChangeLines(report.intentsFile ?? 'intents', report.intents), '');
  if (diff.notes.length > 0) lines.push('Notes:', ...diff.notes.map((n) => `- ${n}`), '');
  const intentsBroken = report.intents?.some((c) => c.change === 'broken') ?? false;
  if (intentsBroken) lines.push('BROKEN INTENTS: statements that held before the change fail after it.');
  lines.push(report.breaks
    ? replay !== null ? 'BREAKS: flows seen in the logs would be denied after the change.' : 'BREAKS: connections that work before the change are denied after it.'
    : replay !== null ? 'Nothing seen in the logs breaks.' : 'Nothing that connects before the change is denied after it.');
  lines.push('');
  return printable(lines.join('\n'));
}
