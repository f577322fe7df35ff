/**
 * Every output format of `vpcwhy explain` as a renderer of the reference's results (explain/reference.ts):
 * the records (ExplainRecordV1), then the summary, and the warnings that go to stderr. The pipeline
 * (src/pipeline/) writes the same bytes with encoders of its own, held equal to these by
 * test/equivalence/.
 */
import type { ExplainRecordV1 } from '../explain/record.js';
import type { ExplainSummary } from '../explain/summary.js';
import { renderRecordText, renderSummaryText } from './explain-text.js';
import { printable } from './printable.js';

export type ExplainFormat = 'text' | 'json' | 'jsonl';

/** One format: what goes before the records, each record (`first`: no record came before it), what goes after. */
export interface ExplainRenderer {
  begin(): string;
  record(r: ExplainRecordV1, first: boolean): string;
  end(summary: ExplainSummary): string;
}

const text: ExplainRenderer = {
  begin: () => '',
  record: (r) => renderRecordText(r.file, r.line, r),
  end: (summary) => renderSummaryText(summary),
};

const jsonl: ExplainRenderer = {
  begin: () => '',
  record: (r) => `${JSON.stringify(r)}\n`,
  end: () => '',
};

const json: ExplainRenderer = {
  begin: () => '{"records":[',
  record: (r, first) => `${first ? '' : ','}${JSON.stringify(r)}`,
  end: (summary) => `],"summary":${JSON.stringify(summary.toJson())}}\n`,
};

export const explainRenderers = { text, json, jsonl } satisfies Record<ExplainFormat, ExplainRenderer>;

/** A whole run's output in one format. */
export function renderExplain(format: ExplainFormat, records: Iterable<ExplainRecordV1>, summary: ExplainSummary): string {
  const r = explainRenderers[format];
  let out = r.begin();
  let first = true;
  for (const rec of records) {
    out += r.record(rec, first);
    first = false;
  }
  return out + r.end(summary);
}

export interface ExplainWarningContext {
  readonly format: ExplainFormat;
  /** --all: records without an action are explained, so they need no warning. */
  readonly all: boolean;
  /** Set when --strict stopped the run at a bad line (`file:line: message`). */
  readonly strictFailure: string | null;
}

/**
 * What a run says on stderr after its output, from its summary: bad lines (the machine formats keep stdout
 * clean; text lists them in the summary), records without an action, entries not read, format warnings,
 * file errors, the bad line that stopped a --strict run.
 */
export function renderExplainWarnings(summary: ExplainSummary, ctx: ExplainWarningContext): string {
  const lines: string[] = [];
  if (ctx.format !== 'text' && summary.badLines > 0) {
    for (const b of summary.badLineSamples.slice(0, 20)) lines.push(printable(`vpcwhy: bad line ${b.file}:${b.line}: ${b.message}`));
    if (summary.badLines > 20) lines.push(`vpcwhy: ... ${summary.badLines - 20} more bad lines`);
  }
  if (ctx.format !== 'text' && summary.noAction > 0 && !ctx.all) {
    lines.push(`vpcwhy: warning: ${summary.noAction} records have no action field value, so REJECTs cannot be told apart; --all explains them`);
  }
  if (summary.skippedFiles.length > 0) {
    const names = summary.skippedFiles.slice(0, 5).join(', ');
    const more = summary.skippedFiles.length > 5 ? ` and ${summary.skippedFiles.length - 5} more` : '';
    lines.push(printable(`vpcwhy: warning: not read: ${names}${more} (inside directories, names starting with . or _ are hidden or metadata files, and pipes, sockets and devices are not read; give such a file by name to read it)`));
  }
  for (const w of summary.formatWarnings) lines.push(printable(`vpcwhy: warning: ${w}`));
  for (const e of summary.fileErrors) lines.push(printable(`vpcwhy: error: ${e.file}: ${e.message}`));
  if (ctx.strictFailure) lines.push(printable(`vpcwhy: bad line (--strict): ${ctx.strictFailure}`));
  return lines.map((l) => `${l}\n`).join('');
}
