/**
 * The public library API of vpcwhy. Everything the CLI does is available here: load a snapshot, index
 * it, evaluate rules, trace a flow, read flow logs and attribute their records.
 */
export type * from './model/address.js';
export type * from './model/snapshot.js';
export type * from './model/flow.js';
export type * from './model/warning.js';
export { emptySnapshot } from './model/snapshot.js';

export { parseIp, parseCidr, formatIp, cidrContains, cidrCovers } from './net/ip.js';
export { parseProtocol, protocolName } from './net/protocol.js';

export { loadSnapshot, formatSnapshotLoadError } from './aws/load-snapshot.js';
export type { SnapshotLoadError } from './aws/load-snapshot.js';

export { loadSnapshotWithPlan, loadPlan, parsePlanText, type SnapshotWithPlanError } from './iac/load.js';
export { layerPlan, type LayeredPlan, type PlanUnknown } from './iac/terraform-plan.js';
export { readPlanDocument, formatPlanLoadError, type PlanDocument, type PlanLoadError, type PlanResource } from './iac/plan-document.js';
export { loadSnapshotWithIac, loadTemplate, type IacLoadError } from './iac/load.js';
export { parseTemplateText, formatCfnLoadError, type CfnTemplate, type CfnLoadError, type CfnProblem } from './iac/cfn-template.js';
export { layerTemplates, type CfnLayerResult } from './iac/cloudformation.js';

export { indexSnapshot, type SnapshotIndex } from './engine/snapshot-index.js';
export { evaluateNacl, NACL_DEFAULT_RULE_IPV4, NACL_DEFAULT_RULE_IPV6, type NaclDecision } from './engine/nacl.js';
export { evaluateSecurityGroups, evaluateGroupIds, type SgDecision } from './engine/security-group.js';
export { evaluateRoute, type RouteDecision } from './engine/route.js';
export { tracePath, resolveEndpoint, type Hop, type Endpoint, type PathResult } from './engine/path.js';

export { buildTraceReport, type TraceReport } from './explain/trace.js';
export { trace, loadSnapshotIndex, TraceQueryError, DEFAULT_SRC_PORT, type TraceQuery, type TraceQueryOptions } from './trace.js';
export { attributeRecord, type Attribution, type Verdict, type RecordFacts } from './explain/attribute.js';
export { runExplain, explainFilter, streamWriter, type ExplainRunOptions, type Writer } from './pipeline/run.js';
export type { BlockedBy } from './explain/hops.js';
export { explainReference, runReference, type ReferenceOptions } from './explain/reference.js';
export { explainRecordOf, type ExplainRecordV1 } from './explain/record.js';
export { PLAIN, type Say } from './explain/say.js';
export { explainRenderers, renderExplain, renderExplainWarnings, type ExplainFormat, type ExplainRenderer } from './report/explain.js';

export { readFlowLogs, readFlowLogStream, parseFlowLogLines } from './flowlog/reader.js';
export type { FlowLogEvent, ReadOptions } from './flowlog/reader.js';
export { FlowRecord, type RecordFilter } from './flowlog/record.js';
export { parseLogFormat, formatFromHeader, DEFAULT_FORMAT, type FlowLogFormat } from './flowlog/format.js';

export { reach, reachDomain, internetIntervals, type ReachQuery, type ReachResult, type ReachRow, type ReachFrom, type AllowedBy } from './audit/reach.js';
export { renderReachJson, renderReachText, reachExplanation } from './report/reach.js';
export { diffSnapshots, diffBreaks, type DiffResult, type DiffOptions, type DiffRow, type EniDiff, type DiffUnknown } from './audit/diff.js';
export { Replay, replayFlowLogs, type ReplayResult, type ReplayGroup } from './explain/replay.js';
export { renderDiffJson, renderDiffText, type DiffReport } from './report/diff.js';
