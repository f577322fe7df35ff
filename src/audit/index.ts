/**
 * `vpcwhy/audit`: the exact packet-space analysis (issue 15) as a library: the packet-set algebra, what
 * NACLs and security groups admit, and (with reach) what a whole path admits; the rule API, the rules of
 * rules/ (RULES and each rule) and runAudit; suppressions (`.vpcwhy.yaml`) and baselines.
 */
export * from '../net/packet-set.js';
export * from './admit.js';
export * from './reach.js';
export * from './diff.js';
export { defineRule, SEVERITIES, severityRank } from './rule-api.js';
export type { Finding, FindingEntry, FindingLocation, Report, Rule, RuleContext, RuleMeta, RuleOptionMeta, Severity } from './rule-api.js';
export { AuditUsageError, INTENT_RULE, compareFindings, runAudit, runAuditWith, selectRules } from './run.js';
export type { AuditOptions, AuditResult, AuditSummary } from './run.js';
export { applySuppressions, factsHash, findingIdentity, globMatcher, utcDay } from './suppress.js';
export type { Baseline, BaselineEntry, EntryPattern, Suppression, SuppressionConfig, SuppressionMark, SuppressionWarning, SuppressInput } from './suppress.js';
export { parseSuppressionConfig, formatConfigLoadError, type ConfigLoadError, type ConfigProblem } from './suppress-config.js';
export { parseBaseline, renderBaseline, formatBaselineLoadError, BASELINE_VERSION, type BaselineLoadError } from './baseline.js';
export * from '../../rules/index.js';
export { CLIENT_PORTS, IntentReferenceError, checkIntents, formatIntentsError, intentJson, intentOutcomeJson, parseIntents, traceCommand } from './intents.js';
export type { Intent, IntentCounterexample, IntentEnd, IntentKind, IntentOutcome, IntentPosition, IntentStatus, IntentsDocument, IntentsParseError } from './intents.js';
export { examplePacket, packetText, tracePacket } from './packet-example.js';
