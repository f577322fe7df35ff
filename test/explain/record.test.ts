/** ExplainRecordV1 (src/explain/record.ts) against the contract's JSON Schema (../shared/schemas). */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { indexSnapshot } from '../../src/engine/snapshot-index.js';
import { loadSnapshot } from '../../src/aws/load-snapshot.js';
import { runReference } from '../../src/explain/reference.js';
import { EXPLAIN_RECORD_KEYS, VERDICTS } from '../../src/explain/record.js';
import type { FlowLogEvent } from '../../src/flowlog/reader.js';
import { readFlowLogs } from '../../src/flowlog/reader.js';
import { E } from '../../src/fp.js';
import { schemaDir, validateExplainRecord } from '../cli/schemas.js';

const schema = JSON.parse(readFileSync(`${schemaDir}explain-record.schema.json`, 'utf8')) as {
  required: string[];
  properties: Record<string, { enum?: string[] }>;
};

describe('ExplainRecordV1 and explain-record.schema.json', () => {
  it('has every property of the schema, and the schema requires only keys of the type', () => {
    for (const k of Object.keys(schema.properties)) expect(EXPLAIN_RECORD_KEYS).toContain(k);
    for (const k of schema.required) expect(EXPLAIN_RECORD_KEYS).toContain(k);
  });

  it('uses only the verdicts, directions and traffic values the schema allows', () => {
    for (const v of VERDICTS) expect(schema.properties['verdict']!.enum).toContain(v);
    expect(schema.properties['direction']!.enum).toEqual(['inbound', 'outbound']);
    expect(schema.properties['traffic']!.enum).toEqual(['request', 'response', 'unknown']);
  });

  it('every record the reference yields for the bundled example validates, with its keys in contract order', async () => {
    const snap = await loadSnapshot(['examples/three-tier/snapshot'])();
    if (E.isLeft(snap)) throw new Error('example snapshot');
    const events: FlowLogEvent[] = [];
    for await (const ev of readFlowLogs(['examples/three-tier/flows.log'])) events.push(ev);
    const { records } = runReference(indexSnapshot(snap.right), events, { all: true, strict: false });
    expect(records.length).toBeGreaterThan(5);
    for (const r of records) {
      expect(validateExplainRecord(r), JSON.stringify(validateExplainRecord.errors)).toBe(true);
      expect(Object.keys(r)).toEqual(EXPLAIN_RECORD_KEYS.filter((k) => k in r));
    }
  });
});
