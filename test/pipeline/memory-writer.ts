import type { Attribution } from '../../src/explain/attribute.js';
import type { Writer } from '../../src/pipeline/run.js';
import { MemoryWriter } from '../../src/pipeline/writer.js';
import type { FlowRecord } from '../../src/flowlog/record.js';
import { explainRecordOf } from '../../src/explain/record.js';
import { explainRenderers } from '../../src/report/explain.js';

/** A Writer that keeps everything in memory; `text()` decodes it all. */
export function memoryWriter(): Writer & { text(): string } {
  const w = new MemoryWriter();
  return Object.assign(w, { text: () => w.bytes().toString('utf8') });
}

/** The JSONL line of one record as report/ renders the reference's record: the oracle for the explainer's byte-level output. */
export function jsonlLine(r: FlowRecord, a: Attribution): string {
  return explainRenderers.jsonl.record(explainRecordOf(r, a), true);
}
