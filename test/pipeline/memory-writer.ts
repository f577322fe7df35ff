import type { Attribution } from '../../src/explain/attribute.js';
import type { Writer } from '../../src/pipeline/run.js';
import { MemoryWriter } from '../../src/pipeline/writer.js';
import type { FlowRecord } from '../../src/flowlog/record.js';

/** A Writer that keeps everything in memory; `text()` decodes it all. */
export function memoryWriter(): Writer & { text(): string } {
  const w = new MemoryWriter();
  return Object.assign(w, { text: () => w.bytes().toString('utf8') });
}

/** The JSONL line of one record, built with JSON.stringify: the oracle for the explainer's byte-level output. */
export function jsonlLine(r: FlowRecord, a: Attribution): string {
  return `${JSON.stringify({
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
  })}\n`;
}
