/**
 * Renderers of an audit (src/audit/run.ts): text (findings grouped by severity, highest first), json
 * (`{"findings":[...],"summary":{...}}`, each finding's details spread into it) and SARIF 2.1.0 as GitHub
 * code scanning reads it. Pure: positions in files and rule docs are passed in.
 */
import type { AuditResult } from '../audit/run.js';
import { type Finding, type FindingEntry, type RuleMeta, type Severity, SEVERITIES } from '../audit/rule-api.js';
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

/** A table per severity (rule, resource, entry, location), each finding's message under its row. */
export function renderAuditText(result: AuditResult): string {
  const lines: string[] = [];
  for (const sev of [...SEVERITIES].reverse()) {
    const fs = result.findings.filter((f) => f.severity === sev);
    if (fs.length === 0) continue;
    lines.push(`${sev.toUpperCase()} (${fs.length})`);
    const rows = fs.map((f) => [f.rule, f.resource, describeEntry(f.entry), `${f.location.file}${f.location.jsonPath ? ` ${f.location.jsonPath}` : ''}`]);
    const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i]!.length), ['RULE', 'RESOURCE', 'ENTRY'][i]!.length));
    const row = (cells: readonly string[]): string => `  ${cells.map((c, i) => (i < 3 ? c.padEnd(widths[i]!) : c)).join('  ')}`.trimEnd();
    lines.push(row(['RULE', 'RESOURCE', 'ENTRY', 'LOCATION']));
    fs.forEach((f, i) => {
      lines.push(row(rows[i]!));
      lines.push(`      ${f.message}`);
    });
    lines.push('');
  }
  lines.push(summaryLine(result));
  return printable(`${lines.join('\n')}\n`);
}

/** A finding as the JSON contract has it: the fixed fields, the entry, then the details spread in. */
export function findingJson(f: Finding): Record<string, unknown> {
  return {
    rule: f.rule,
    severity: f.severity,
    resource: f.resource,
    message: f.message,
    location: { file: f.location.file, jsonPath: f.location.jsonPath },
    ...(f.entry !== undefined ? { entry: f.entry } : {}),
    ...(f.details ?? {}),
  };
}

export function renderAuditJson(result: AuditResult): string {
  return `${JSON.stringify({ findings: result.findings.map(findingJson), summary: result.summary }, null, 2)}\n`;
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
  const key = `${f.rule}|${f.resource}|${f.entry ? JSON.stringify(f.entry) : f.location.jsonPath}`;
  // FNV-1a, 64 bits, hex: stable and dependency-free.
  let h = 0xcbf29ce484222325n;
  for (let i = 0; i < key.length; i++) {
    h ^= BigInt(key.charCodeAt(i));
    h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return h.toString(16).padStart(16, '0');
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
      properties: {
        severity: f.severity,
        'security-severity': SECURITY_SEVERITY[f.severity],
        resource: f.resource,
        jsonPath: f.location.jsonPath,
        ...(f.entry !== undefined ? { entry: f.entry } : {}),
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
