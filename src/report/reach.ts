/**
 * `vpcwhy reach` output: the JSON contract of issue 15 ({to, from, allowed: rows, explanation}, with
 * `unknown` and `notes` added) and a table a person can read. Rendered from the ReachResult only.
 */
import type { AllowedBy, ReachResult, ReachRow } from '../audit/reach.js';
import { protocolName } from '../net/protocol.js';
import { printable } from './printable.js';

function ranges(xs: ReachRow['ports']): string {
  if (xs === null) return '';
  return xs.map(([a, b]) => (a === b ? `${a}` : a === 0 && b === 65535 ? 'all' : `${a}-${b}`)).join(',');
}

function what(r: ReachRow): string {
  if (r.protocol === -1) return 'all traffic';
  const name = protocolName(r.protocol);
  if (r.ports !== null) return `${name}/${ranges(r.ports)}`;
  if (r.icmp) return `${name} ${r.icmp.map((i) => (i.type === -1 ? 'all' : i.code === -1 ? `type ${i.type}` : `type ${i.type} code ${i.code}`)).join(', ')}`;
  return name;
}

export function allowedByText(b: AllowedBy): string {
  return `${b.component === 'security-group' ? 'group' : 'network ACL'} ${b.id} ${b.direction} rule ${b.rule}`;
}

/** One sentence a person can act on, from the result only. */
export function reachExplanation(r: ReachResult): string {
  const from = r.from === 'internet' ? 'the internet' : r.from === 'any' ? 'any address' : r.from;
  const unknown = r.unknown.length > 0
    ? ` ${r.unknown.length} rule${r.unknown.length === 1 ? '' : 's'} (${r.unknown.map((u) => `${u.groupId} rule ${u.rule}: ${u.reason}`).join('; ')}) could not be evaluated and may admit more.`
    : '';
  if (r.allowed.length === 0) return `Nothing from ${from} reaches ${r.to} with its responses getting back.${unknown}`;
  const services = [...new Set(r.allowed.map(what))];
  const rows = r.allowed.length === 1 ? 'the row lists' : `the ${r.allowed.length} rows list`;
  return `${r.to} is reachable from ${from} on ${services.join(', ')}: ${rows} the exact sources, ports and the rules that let them through, both ways.${unknown}`;
}

export function renderReachJson(r: ReachResult): string {
  const doc = {
    to: r.to,
    from: r.from,
    allowed: r.allowed.map((row) => ({
      protocol: row.protocol,
      ports: row.ports,
      srcPorts: row.srcPorts,
      ...(row.icmp ? { icmp: row.icmp } : {}),
      sources: row.sources,
      destinations: row.destinations,
      allowedBy: row.allowedBy,
    })),
    unknown: r.unknown,
    notes: r.notes,
    explanation: reachExplanation(r),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

export function renderReachText(r: ReachResult): string {
  const lines: string[] = [];
  lines.push(`${r.allowed.length > 0 ? 'REACHABLE' : 'NOT REACHABLE'}: ${r.to} from ${r.from}`, '');
  for (const [i, row] of r.allowed.entries()) {
    lines.push(`${i + 1}. ${what(row)}${row.srcPorts !== null && ranges(row.srcPorts) !== 'all' ? ` (source ports ${ranges(row.srcPorts)})` : ''}`);
    lines.push(`   from ${row.sources.join(', ')}`);
    lines.push(`   to   ${row.destinations.join(', ')}`);
    if (row.allowedBy.length > 0) lines.push(`   by   ${row.allowedBy.map(allowedByText).join('; ')}`);
  }
  if (r.allowed.length > 0) lines.push('');
  lines.push(reachExplanation(r));
  if (r.notes.length > 0) lines.push('', 'Notes:', ...r.notes.map((n) => `- ${n}`));
  lines.push('');
  return printable(lines.join('\n'));
}
