/**
 * ExplainRecordV1: one record of `vpcwhy explain --format jsonl` (and of the `records` array of
 * `--format json`), the contract of ../shared/schemas/explain-record.schema.json as a TypeScript type,
 * with its keys in the order the output writes them.
 */
import type { FlowRecord } from '../flowlog/record.js';
import type { Direction } from '../model/snapshot.js';
import type { Traffic } from '../model/flow.js';
import type { Attribution, Candidate, TrafficEvidence, Verdict } from './attribute.js';
import type { BlockedBy } from './hops.js';

export interface ExplainRecordV1 {
  readonly file: string;
  /** 1-based, the header line counted. */
  readonly line: number;
  /** Every parsed field under its AWS name: integer fields as numbers, `-` as null. */
  readonly record: Readonly<Record<string, string | number | null>>;
  readonly direction: Direction;
  readonly traffic: Traffic;
  readonly trafficEvidence: TrafficEvidence;
  readonly verdict: Verdict;
  /** Only when blocked. */
  readonly blockedBy?: BlockedBy;
  readonly alsoBlockedBy: readonly BlockedBy[];
  /** Only when ambiguous: each reading and its blocker. */
  readonly candidates?: readonly Candidate[];
  readonly explanation: string;
}

/** The keys of ExplainRecordV1 in output order (the type checks that none is missing or unknown). */
export const EXPLAIN_RECORD_KEYS = [
  'file',
  'line',
  'record',
  'direction',
  'traffic',
  'trafficEvidence',
  'verdict',
  'blockedBy',
  'alsoBlockedBy',
  'candidates',
  'explanation',
] as const satisfies ReadonlyArray<keyof ExplainRecordV1>;
// Every key of the type is listed: this fails to compile when one is added to the type only.
export type MissingExplainRecordKeys = Exclude<keyof ExplainRecordV1, (typeof EXPLAIN_RECORD_KEYS)[number]>;
const everyKeyListed: [MissingExplainRecordKeys] extends [never] ? true : MissingExplainRecordKeys = true;
void everyKeyListed;

/** The verdicts explain writes (the schema's enum). */
export const VERDICTS = ['blocked', 'config-denies', 'config-allows', 'unknown-interface', 'ambiguous'] as const satisfies readonly Verdict[];

/** The contract record of a flow-log record and its attribution. */
export function explainRecordOf(r: FlowRecord, a: Attribution): ExplainRecordV1 {
  return {
    file: r.file,
    line: r.line,
    record: r.fields(),
    direction: a.direction,
    traffic: a.traffic,
    trafficEvidence: a.trafficEvidence,
    verdict: a.verdict,
    ...(a.blockedBy ? { blockedBy: a.blockedBy } : {}),
    alsoBlockedBy: a.alsoBlockedBy,
    ...(a.candidates ? { candidates: a.candidates } : {}),
    explanation: a.explanation,
  };
}
