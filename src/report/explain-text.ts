/** Text output of `explain`: one paragraph per record, then the summary a senior engineer would read first. */
import type { Attribution } from '../explain/attribute.js';
import { type ExplainSummary, type RuleGroup, topSources } from '../explain/summary.js';
import { printable } from './printable.js';
import { DEFAULT_TEXT_WIDTH, layoutParagraph } from './wrap.js';

const LABEL: Record<Attribution['verdict'], string> = {
  blocked: 'BLOCKED',
  'config-denies': 'CONFIG DENIES',
  'config-allows': 'CONFIG ALLOWS',
  'unknown-interface': 'UNKNOWN INTERFACE',
  ambiguous: 'AMBIGUOUS',
};

/** One record's paragraph, laid out to `width` columns (0: the explanation on one line; layoutParagraph). */
export function renderRecordText(file: string, line: number, a: Pick<Attribution, 'verdict' | 'explanation'>, width = DEFAULT_TEXT_WIDTH): string {
  return printable(`${file}:${line}: ${LABEL[a.verdict]}\n${layoutParagraph(a.explanation, width, '  ')}\n\n`);
}

function ruleGroupLines(lines: string[], title: string, groups: readonly RuleGroup[]): void {
  if (!groups.length) return;
  lines.push('', title);
  for (const g of groups.slice(0, 20)) {
    lines.push(`  ${String(g.count).padStart(8)}  ${g.rule}`);
    const src = topSources(g, 3).map(([a, c]) => `${a} (${c})`).join(', ');
    const ports = g.ports.top(5).map(([p, c]) => `${p} (${c})`).join(', ');
    const icmp = g.icmp.top(2).map(([p, c]) => `${p} (${c})`).join(', ');
    if (src) lines.push(`            top ${g.peers}: ${src}`);
    if (ports) lines.push(`            top destination ports: ${ports}`);
    if (icmp) lines.push(`            icmp records: ${icmp}; flow logs carry no ICMP type or code`);
  }
  if (groups.length > 20) lines.push(`  ... and ${groups.length - 20} more rules (use --format json for all)`);
}

/** `strict`: the run stopped at its first bad line (--strict), so that line was not skipped. */
export function renderSummaryText(s: ExplainSummary, opts: { readonly strict?: boolean } = {}): string {
  const lines: string[] = ['Summary'];
  lines.push(
    `  ${s.records} records in ${s.files} file${s.files === 1 ? '' : 's'}: ${s.rejected} REJECT, ${s.accepted} ACCEPT${s.nodata ? `, ${s.nodata} NODATA` : ''}${s.skipdata ? `, ${s.skipdata} SKIPDATA (records were lost in those windows)` : ''}`,
  );
  if (s.noAction) lines.push(`  ${s.noAction} records have no action, so they cannot be told REJECT from ACCEPT${s.formatsWithoutAction.length ? ` (no action field in the format of ${s.formatsWithoutAction.slice(0, 3).join(', ')})` : ''}; --all explains them`);
  lines.push(`  ${s.explained} explained: ${Object.entries(s.verdicts).map(([k, v]) => `${v} ${k}`).join(', ')}`);
  ruleGroupLines(lines, 'Rejects by blocking rule', s.ruleGroups());
  ruleGroupLines(lines, 'Accepted when logged, denied by the current configuration (config-denies), by rule', s.configDeniesGroups());
  if (s.badLines) {
    lines.push('', `Bad lines: ${s.badLines} (${opts.strict ? 'the run stopped at it: --strict' : 'skipped'})`);
    for (const b of s.badLineSamples.slice(0, 10)) lines.push(`  ${b.file}:${b.line}: ${b.message}`);
    if (s.badLines > 10) lines.push(`  ... and ${s.badLines - 10} more`);
  }
  if (s.fileErrors.length) {
    lines.push('', 'File errors');
    for (const e of s.fileErrors) lines.push(`  ${e.file}: ${e.message}`);
  }
  return printable(`${lines.join('\n')}\n`);
}
