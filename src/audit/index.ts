/**
 * `vpcwhy/audit`: the exact packet-space analysis (issue 15) as a library: the packet-set algebra, what
 * NACLs and security groups admit, and (with reach) what a whole path admits; the rule API, the rules of
 * rules/ (RULES and each rule) and runAudit.
 */
export * from '../net/packet-set.js';
export * from './admit.js';
export * from './reach.js';
export { defineRule, SEVERITIES, severityRank } from './rule-api.js';
export type { Finding, FindingEntry, FindingLocation, Report, Rule, RuleContext, RuleMeta, RuleOptionMeta, Severity } from './rule-api.js';
export { AuditUsageError, compareFindings, runAudit, runAuditWith, selectRules } from './run.js';
export type { AuditOptions, AuditResult, AuditSummary } from './run.js';
export * from '../../rules/index.js';
