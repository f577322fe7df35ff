/**
 * The audit runner: applies rules to a snapshot index and returns the findings in a stable order with a
 * summary. Rules come as a list (rules/index.ts gives the catalogue); nothing here prints.
 */
import type { SnapshotIndex } from '../engine/snapshot-index.js';
import { RULES } from '../../rules/index.js';
import { type IntentOutcome, type IntentsDocument, checkIntents } from './intents.js';
import { type Finding, type Report, type Rule, type Severity, RESERVED_FINDING_KEYS, SEVERITIES, locationOf, severityRank } from './rule-api.js';
import { type SuppressInput, type SuppressionWarning, applySuppressions } from './suppress.js';

export interface AuditOptions {
  /** Rule ids to run (default: every rule of the catalogue). An unknown id is an AuditUsageError. */
  readonly rules?: readonly string[];
  /** Per rule id, option values overriding the rule's defaults. */
  readonly options?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** `.vpcwhy.yaml` suppressions and a baseline (suppress.ts); the rule ids are filled in by the runner. */
  readonly suppress?: Omit<SuppressInput, 'knownRules' | 'rulesRun'>;
  /** The intents the `intent` rule checks (parseIntents); without them it reports nothing. */
  readonly intents?: IntentsDocument;
}

export interface AuditSummary {
  /** The ids of the rules that ran, in catalogue order. */
  readonly rulesRun: readonly string[];
  /** The findings not suppressed (all of them without a config or a baseline). */
  readonly findings: number;
  /** Of the findings not suppressed. */
  readonly bySeverity: Readonly<Record<Severity, number>>;
  /** With a config or a baseline: how many findings each suppressed (they stay in `findings`, marked). */
  readonly suppressed?: { readonly config: number; readonly baseline: number };
  /** How many resources of each kind the snapshot held (what was audited). */
  readonly resourcesAudited: {
    readonly vpcs: number;
    readonly subnets: number;
    readonly networkInterfaces: number;
    readonly securityGroups: number;
    readonly networkAcls: number;
    readonly routeTables: number;
  };
}

export interface AuditResult {
  /** Every finding, the suppressed ones with `suppressed` set. */
  readonly findings: readonly Finding[];
  readonly summary: AuditSummary;
  /** Expired, stale and mistyped suppressions, baseline findings gone (with a config or a baseline). */
  readonly suppressionWarnings?: readonly SuppressionWarning[];
  /** Every statement of the intents file with its outcome (passed ones too), when the intent rule ran on one. */
  readonly intents?: readonly IntentOutcome[];
}

/** The rule that reports the intents that do not hold (rules/intent.ts). */
export const INTENT_RULE = 'intent';

/** A bad rule id or option: the CLI turns it into a usage error (exit 2). */
export class AuditUsageError extends Error {}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Highest severity first, then rule id, resource, file, JSON path, message. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    severityRank(b.severity) - severityRank(a.severity) ||
    compare(a.rule, b.rule) ||
    compare(a.resource, b.resource) ||
    compare(a.location.file, b.location.file) ||
    compare(a.location.jsonPath, b.location.jsonPath) ||
    compare(a.message, b.message)
  );
}

function optionsFor(rule: Rule, given: Readonly<Record<string, unknown>> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const declared = rule.meta.options ?? {};
  for (const [k, o] of Object.entries(declared)) out[k] = o.default;
  for (const [k, v] of Object.entries(given ?? {})) {
    const o = declared[k];
    if (o === undefined) throw new AuditUsageError(`rule ${rule.meta.id} has no option "${k}"${Object.keys(declared).length ? ` (it has ${Object.keys(declared).join(', ')})` : ''}`);
    if (typeof v !== o.type) throw new AuditUsageError(`rule ${rule.meta.id} option ${k}: expected a ${o.type}, got ${JSON.stringify(v)}`);
    out[k] = v;
  }
  return out;
}

/** The rules to run: all of `catalogue`, or those named (each must exist), in catalogue order. */
export function selectRules(catalogue: readonly Rule[], ids: readonly string[] | undefined): Rule[] {
  if (ids === undefined) return [...catalogue];
  const known = new Set(catalogue.map((r) => r.meta.id));
  const unknown = ids.filter((id) => !known.has(id));
  if (unknown.length > 0) {
    throw new AuditUsageError(`unknown rule id${unknown.length > 1 ? 's' : ''} ${unknown.map((u) => `"${u}"`).join(', ')} (known: ${[...known].join(', ')})`);
  }
  const wanted = new Set(ids);
  return catalogue.filter((r) => wanted.has(r.meta.id));
}

/** Runs `rules` (a catalogue) over the index. */
export function runAuditWith(catalogue: readonly Rule[], index: SnapshotIndex, opts: AuditOptions = {}): AuditResult {
  const selected = selectRules(catalogue, opts.rules);
  for (const id of Object.keys(opts.options ?? {})) {
    if (!catalogue.some((r) => r.meta.id === id)) throw new AuditUsageError(`options given for unknown rule "${id}"`);
  }
  const findings: Finding[] = [];
  for (const rule of selected) {
    const options = optionsFor(rule, opts.options?.[rule.meta.id]);
    const report = (r: Report): void => {
      for (const k of Object.keys(r.details ?? {})) {
        if (RESERVED_FINDING_KEYS.includes(k)) throw new Error(`rule ${rule.meta.id}: details may not use the key "${k}"`);
      }
      findings.push({
        rule: rule.meta.id,
        severity: r.severity ?? rule.meta.severity,
        resource: r.resource,
        message: r.message,
        location: locationOf(r.location),
        ...(r.entry !== undefined ? { entry: r.entry } : {}),
        ...(r.details !== undefined ? { details: r.details } : {}),
      });
    };
    rule.check({ index, snapshot: index.snapshot, options, report, ...(opts.intents !== undefined ? { intents: opts.intents } : {}) });
  }
  // Array.prototype.sort is stable: findings equal in every key keep the order rules reported them.
  findings.sort(compareFindings);
  const rulesRun = selected.map((r) => r.meta.id);
  const suppressed = opts.suppress === undefined ? undefined : applySuppressions(findings, { ...opts.suppress, knownRules: catalogue.map((r) => r.meta.id), rulesRun });
  const all = suppressed?.findings ?? findings;
  const reported = all.filter((f) => f.suppressed === undefined);
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const f of reported) bySeverity[f.severity]++;
  const s = index.snapshot;
  const counts = { config: all.filter((f) => f.suppressed?.kind === 'config').length, baseline: all.filter((f) => f.suppressed?.kind === 'baseline').length };
  const intents = opts.intents !== undefined && selected.some((r) => r.meta.id === INTENT_RULE) ? { intents: checkIntents(index, opts.intents) } : {};
  return {
    ...intents,
    findings: all,
    ...(suppressed !== undefined ? { suppressionWarnings: suppressed.warnings } : {}),
    summary: {
      rulesRun,
      findings: reported.length,
      bySeverity,
      ...(suppressed !== undefined ? { suppressed: counts } : {}),
      resourcesAudited: {
        vpcs: s.vpcs.length,
        subnets: s.subnets.length,
        networkInterfaces: s.enis.length,
        securityGroups: s.securityGroups.length,
        networkAcls: s.networkAcls.length,
        routeTables: s.routeTables.length,
      },
    },
  };
}

/** Runs the rules of rules/ (all, or `opts.rules`) over the index. */
export function runAudit(index: SnapshotIndex, opts: AuditOptions = {}): AuditResult {
  return runAuditWith(RULES, index, opts);
}
