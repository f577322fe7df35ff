/**
 * Renderers of an audit (src/audit/run.ts): text (findings grouped by severity, highest first), json
 * (`{"findings":[...],"summary":{...}}`, each finding's details spread into it) and SARIF 2.1.0 as GitHub
 * code scanning reads it. Pure: positions in files and rule docs are passed in.
 */
import type { AuditResult } from '../audit/run.js';
import { type IntentOutcome, intentOutcomeJson } from '../audit/intents.js';
import { type Finding, type FindingEntry, type RuleMeta, type Severity, SEVERITIES } from '../audit/rule-api.js';
import { type SuppressionMark, fnv1a64 } from '../audit/suppress.js';
import { printable } from './printable.js';

export type AuditFormat = 'text' | 'json' | 'sarif';
export const AUDIT_FORMATS: readonly AuditFormat[] = ['text', 'json', 'sarif'];

/** `inbound rule 100`, `sgr-0abc (inbound)`, `route 0.0.0.0/0 -> nat-1`. */
export function describeEntry(entry: FindingEntry | undefined): string {
  if (entry === undefined) return '';
  switch (entry.kind) {
    case 'nacl-entry':
      return `${entry.direction} rule ${entry.ruleNumber === 32767 || entry.ruleNumber === 32768 ? `* (${entry.ruleNumber})` : entry.ruleNumber}`;
    case 'sg-rule':
      return `${entry.ruleId ?? `${entry.direction} rule #${entry.index}`}${entry.ruleId ? ` (${entry.direction})` : ''}`;
    case 'route':
      return `route ${entry.destination} -> ${entry.target}`;
  }
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

export function summaryLine(result: AuditResult): string {
  const s = result.summary;
  const r = s.resourcesAudited;
  const over = `${plural(s.rulesRun.length, 'rule')} over ${plural(r.securityGroups, 'security group')}, ${plural(r.networkAcls, 'network ACL')}, ${plural(r.routeTables, 'route table')}, ${plural(r.networkInterfaces, 'network interface')}`;
  if (s.findings === 0) return `no findings (${over})`;
  const parts = [...SEVERITIES].reverse().filter((v) => s.bySeverity[v] > 0).map((v) => `${s.bySeverity[v]} ${v}`);
  return `${plural(s.findings, 'finding')} (${parts.join(', ')}) from ${over}`;
}

/** Where a suppression comes from: `.vpcwhy.yaml:7`, `baseline findings.json`. */
function suppressionSource(m: SuppressionMark): string {
  return m.kind === 'config' ? `${m.file}:${m.line}` : `baseline ${m.file}`;
}

/** `3 findings suppressed (.vpcwhy.yaml)`, `3 findings suppressed (2 by .vpcwhy.yaml, 1 by baseline b.json)`; null when none. */
export function suppressedLine(findings: readonly Finding[], verbose: boolean): string | null {
  const by = new Map<string, number>();
  for (const f of findings) {
    const m = f.suppressed;
    if (m === undefined) continue;
    const k = m.kind === 'config' ? m.file : `baseline ${m.file}`;
    by.set(k, (by.get(k) ?? 0) + 1);
  }
  if (by.size === 0) return null;
  const n = [...by.values()].reduce((a, b) => a + b, 0);
  const from = by.size === 1 ? [...by.keys()][0]! : [...by].map(([k, c]) => `${c} by ${k}`).join(', ');
  return `${plural(n, 'finding')} suppressed (${from})${verbose ? '' : '; --verbose lists them'}`;
}

/** A table of findings (rule, resource, entry, then `last`), each finding's `under` text below its row. */
function findingTable(title: string, fs: readonly Finding[], last: [string, (f: Finding) => string], under: (f: Finding) => string): string[] {
  const lines = [`${title} (${fs.length})`];
  const rows = fs.map((f) => [f.rule, f.resource, describeEntry(f.entry), last[1](f)]);
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i]!.length), ['RULE', 'RESOURCE', 'ENTRY'][i]!.length));
  const row = (cells: readonly string[]): string => `  ${cells.map((c, i) => (i < 3 ? c.padEnd(widths[i]!) : c)).join('  ')}`.trimEnd();
  lines.push(row(['RULE', 'RESOURCE', 'ENTRY', last[0]]));
  fs.forEach((f, i) => {
    lines.push(row(rows[i]!));
    lines.push(`      ${under(f)}`);
  });
  lines.push('');
  return lines;
}

/**
 * A table per severity (rule, resource, entry, location), each finding's message under its row; then, with
 * `verbose`, the suppressed findings (their reason under each row) and the line that counts them.
 */
export function renderAuditText(result: AuditResult, opts: { readonly verbose?: boolean } = {}): string {
  const lines: string[] = [];
  const reported = result.findings.filter((f) => f.suppressed === undefined);
  for (const sev of [...SEVERITIES].reverse()) {
    const fs = reported.filter((f) => f.severity === sev);
    if (fs.length > 0) lines.push(...findingTable(sev.toUpperCase(), fs, ['LOCATION', (f) => `${f.location.file}${f.location.jsonPath ? ` ${f.location.jsonPath}` : ''}`], (f) => f.message));
  }
  const suppressed = result.findings.filter((f) => f.suppressed !== undefined);
  if (opts.verbose === true && suppressed.length > 0) {
    lines.push(...findingTable('SUPPRESSED', suppressed, ['BY', (f) => suppressionSource(f.suppressed!)], (f) => `${f.severity}: ${f.message} (${f.suppressed!.reason}${f.suppressed!.kind === 'config' && f.suppressed!.expires !== undefined ? `; until ${f.suppressed!.expires}` : ''})`));
  }
  if (result.intents !== undefined) lines.push(...intentsText(result.intents), '');
  lines.push(summaryLine(result));
  const line = suppressedLine(result.findings, opts.verbose === true);
  if (line !== null) lines.push(line);
  return printable(`${lines.join('\n')}\n`);
}

/** `INTENTS (3 passed, 1 failed)`, then one line per statement in file order (a passed one with its message; the others are findings). */
export function intentsText(outcomes: readonly IntentOutcome[]): string[] {
  const count = (s: IntentOutcome['status']) => outcomes.filter((o) => o.status === s).length;
  const parts = (['passed', 'failed', 'undetermined'] as const).filter((s) => count(s) > 0).map((s) => `${count(s)} ${s}`);
  const lines = [`INTENTS (${parts.join(', ')})`];
  const width = Math.max(...outcomes.map((o) => o.status.length));
  for (const o of outcomes) {
    lines.push(`  ${o.status.toUpperCase().padEnd(width)}  ${o.intent.name}  (${o.intent.kind}, line ${o.intent.position.line})`);
    // A statement that does not hold is a finding above, with its counterexample.
    if (o.status === 'passed') lines.push(`      ${o.message}`);
  }
  return lines;
}

/** A finding as the JSON contract has it: the fixed fields, the entry, then the details spread in. */
export function findingJson(f: Finding): Record<string, unknown> {
  return {
    rule: f.rule,
    severity: f.severity,
    resource: f.resource,
    message: f.message,
    location: { file: f.location.file, jsonPath: f.location.jsonPath, ...(f.location.line !== undefined ? { line: f.location.line, column: f.location.column } : {}) },
    ...(f.entry !== undefined ? { entry: f.entry } : {}),
    ...(f.suppressed !== undefined ? { suppressed: f.suppressed } : {}),
    ...(f.details ?? {}),
  };
}

export function renderAuditJson(result: AuditResult): string {
  const intents = result.intents === undefined ? {} : { intents: result.intents.map(intentOutcomeJson) };
  return `${JSON.stringify({ findings: result.findings.map(findingJson), summary: result.summary, ...intents }, null, 2)}\n`;
}

// ---------------------------------------------------------------------------------------------------
// SARIF 2.1.0 (https://docs.github.com/en/code-security/code-scanning/integrating-with-code-scanning/sarif-support-for-code-scanning)

/** GitHub's security-severity scale: critical > 9.0, high 7.0-8.9, medium 4.0-6.9, low 0.1-3.9. */
export const SECURITY_SEVERITY: Readonly<Record<Severity, string>> = { critical: '9.5', high: '8.0', medium: '5.5', low: '3.0' };

const LEVEL: Readonly<Record<Severity, 'error' | 'warning' | 'note'>> = { critical: 'error', high: 'error', medium: 'warning', low: 'note' };

export interface SarifLocation {
  /** Relative to the repository root (the working directory), forward slashes; or a file: URI. */
  readonly uri: string;
  readonly line?: number;
  readonly column?: number;
}

export interface SarifInput {
  readonly toolVersion: string;
  /** The metadata of the rules that ran, in order. */
  readonly rules: readonly RuleMeta[];
  /** rules/docs/<id>.md by id (markdown); the rationale stands in when a doc is missing. */
  readonly docs: ReadonlyMap<string, string>;
  /** Where a finding's location is (null: the file alone). */
  readonly locate: (f: Finding) => SarifLocation;
  /** A baseline was given: every result says whether it is new (baselineState). */
  readonly baseline?: boolean;
}

function pascal(id: string): string {
  return id
    .split('-')
    .map((w) => (w === '' ? '' : w[0]!.toUpperCase() + w.slice(1)))
    .join('');
}

function tagsOf(meta: RuleMeta): string[] {
  const tags = ['security', 'network', 'aws'];
  if (meta.id.startsWith('nacl-') || meta.id.includes('network-acl')) tags.push('network-acl');
  if (meta.id.startsWith('sg-') || meta.id.includes('security-group')) tags.push('security-group');
  if (meta.id.includes('route')) tags.push('route-table');
  return tags;
}

/** A fingerprint that survives reformatting of the snapshot: the rule, the resource and the entry. */
function fingerprint(f: Finding): string {
  return fnv1a64(`${f.rule}|${f.resource}|${f.entry ? JSON.stringify(f.entry) : f.location.jsonPath}`);
}

/**
 * A suppressed finding stays a result, with a SARIF suppression (2.1.0 §3.27.23, §3.35: kind external, the
 * reason as justification); with a baseline every result not suppressed by the config has a baselineState (§3.27.24): unchanged or new.
 */
function sarifSuppression(f: Finding, baseline: boolean): Record<string, unknown> {
  const m = f.suppressed;
  // A finding the config suppresses may or may not be in the baseline too: no state is claimed for it.
  const state = baseline && m?.kind !== 'config' ? { baselineState: m === undefined ? 'new' : 'unchanged' } : {};
  if (m === undefined) return state;
  const properties = m.kind === 'config' ? { file: m.file, line: m.line, ...(m.expires !== undefined ? { expires: m.expires } : {}) } : { file: m.file };
  return { ...state, suppressions: [{ kind: 'external', status: 'accepted', justification: m.reason, properties: { source: m.kind, ...properties } }] };
}

export function renderAuditSarif(result: AuditResult, input: SarifInput): string {
  const ruleIndex = new Map(input.rules.map((r, i) => [r.id, i]));
  const rules = input.rules.map((meta) => {
    const doc = input.docs.get(meta.id);
    return {
      id: meta.id,
      name: pascal(meta.id),
      shortDescription: { text: meta.title },
      fullDescription: { text: meta.rationale },
      help: { text: doc ?? `${meta.rationale}\n\nReference: ${meta.reference}`, markdown: doc ?? `${meta.rationale}\n\nReference: ${meta.reference}` },
      defaultConfiguration: { level: LEVEL[meta.severity] },
      properties: { 'security-severity': SECURITY_SEVERITY[meta.severity], tags: tagsOf(meta), precision: 'very-high', reference: meta.reference },
    };
  });
  const results = result.findings.map((f) => {
    const loc = input.locate(f);
    const region = loc.line !== undefined ? { region: { startLine: loc.line, ...(loc.column !== undefined ? { startColumn: loc.column } : {}) } } : {};
    const idx = ruleIndex.get(f.rule);
    return {
      ruleId: f.rule,
      ...(idx !== undefined ? { ruleIndex: idx } : {}),
      level: LEVEL[f.severity],
      message: { text: f.message },
      locations: [
        {
          physicalLocation: { artifactLocation: { uri: loc.uri }, ...region },
          logicalLocations: [{ name: f.resource, fullyQualifiedName: f.location.jsonPath ? `${f.resource}/${f.location.jsonPath}` : f.resource, kind: 'resource' }],
        },
      ],
      partialFingerprints: { 'vpcwhyFinding/v1': fingerprint(f) },
      ...sarifSuppression(f, input.baseline === true),
      properties: {
        severity: f.severity,
        'security-severity': SECURITY_SEVERITY[f.severity],
        resource: f.resource,
        jsonPath: f.location.jsonPath,
        ...(f.entry !== undefined ? { entry: f.entry } : {}),
        // effective | latent | unknown (the *-open-to-internet rules), so code scanning can filter on it.
        ...(typeof f.details?.['exposure'] === 'string' ? { exposure: f.details['exposure'] } : {}),
      },
    };
  });
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'vpcwhy', semanticVersion: input.toolVersion, version: input.toolVersion, rules } },
        results,
        columnKind: 'utf16CodeUnits',
        properties: { summary: result.summary },
      },
    ],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}
