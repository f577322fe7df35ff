/** Text rendering of a trace report: the verdict, the hops of each path, the reasoning and the fix. */
import { printable } from './printable.js';
import { DEFAULT_TEXT_WIDTH, layoutParagraph } from './wrap.js';
import type { TraceReport } from '../explain/trace.js';

const MARK = { allow: 'ok  ', deny: 'DENY', skip: '--  ' } as const;

function hopLines(h: TraceReport['hops'][number]): string[] {
  const where = [h['id'] ?? h['eni'], h['direction']].filter((x) => x !== undefined).join(' ');
  return [`  ${MARK[h.decision]}  ${h.component}${where ? ` ${where}` : ''}`, `        ${h.evidence}`];
}

/** The report; its explanation laid out to `width` columns (0: one line; layoutParagraph). */
export function renderTraceText(r: TraceReport, width = DEFAULT_TEXT_WIDTH): string {
  const lines: string[] = [];
  lines.push(`${r.reachable ? 'REACHABLE' : 'BLOCKED'}: ${r.packet}`);
  for (const leg of ['forward', 'return'] as const) {
    const hops = r.hops.filter((h) => h.path === leg);
    if (hops.length === 0) continue;
    lines.push('', leg === 'forward' ? 'Forward path' : 'Return path (the response)');
    for (const h of hops) lines.push(...hopLines(h));
  }
  lines.push('', layoutParagraph(r.explanation, width, ''), '');
  return printable(lines.join('\n'));
}
