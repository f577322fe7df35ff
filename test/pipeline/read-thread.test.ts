import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { inputsAtLeast, startReadWorker } from '../../src/pipeline/read-thread.js';
import { explainFilter } from '../../src/pipeline/run.js';
import type { FlowLogEvent } from '../../src/flowlog/reader.js';
import { type FormatDef, decodeBatch, encodeBatch, packBadLines, unpackBadLines } from '../../src/pipeline/read-protocol.js';
import { makeFormat } from '../../src/flowlog/format.js';
import { FlowRecord } from '../../src/flowlog/record.js';
import { E } from '../../src/fp.js';

describe('inputsAtLeast (whether a read worker pays off)', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vpcwhy-size-'));
  mkdirSync(path.join(dir, 'tree', 'deep'), { recursive: true });
  writeFileSync(path.join(dir, 'a.log'), 'x'.repeat(1000));
  writeFileSync(path.join(dir, 'tree', 'deep', 'b.log.gz'), 'x'.repeat(100));
  writeFileSync(path.join(dir, 'tree', 'c.log'), 'x'.repeat(300));

  it('adds file sizes, walking directories, gzip files counted 8 times', () => {
    const inputs = [path.join(dir, 'a.log'), path.join(dir, 'tree')];
    expect(inputsAtLeast(inputs, 1000 + 800 + 300)).toBe(true);
    expect(inputsAtLeast(inputs, 1000 + 800 + 301)).toBe(false);
    expect(inputsAtLeast([path.join(dir, 'tree')], 1100)).toBe(true);
    expect(inputsAtLeast([path.join(dir, 'tree')], 1101)).toBe(false);
  });

  it('counts a missing path as nothing (the reader reports it)', () => {
    expect(inputsAtLeast([path.join(dir, 'missing.log'), path.join(dir, 'a.log')], 1000)).toBe(true);
    expect(inputsAtLeast([path.join(dir, 'missing.log')], 1)).toBe(false);
  });
});

describe('inputsAtLeast on paths it cannot measure', () => {
  it('never throws: a symbolic-link loop, a link to its own directory, a name too long count as nothing', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'vpcwhy-size-'));
    symlinkSync('loop', path.join(dir, 'loop'));
    mkdirSync(path.join(dir, 'tree'));
    symlinkSync('.', path.join(dir, 'tree', 'self'));
    writeFileSync(path.join(dir, 'tree', 'a.log'), 'x'.repeat(100));
    expect(inputsAtLeast([path.join(dir, 'loop')], 1)).toBe(false);
    expect(inputsAtLeast([path.join(dir, 'tree')], 100)).toBe(true);
    expect(inputsAtLeast([path.join(dir, 'tree')], 101)).toBe(false);
    expect(inputsAtLeast([path.join(dir, 'x'.repeat(300))], 1)).toBe(false);
  });
});

describe('read worker messages (read-protocol.ts)', () => {
  const fmt = (names: string[], label: string) => {
    const f = makeFormat(names, label);
    if (E.isLeft(f)) throw new Error(f.left.message);
    return f.right;
  };

  it('carries each record with its own format, file, line and mark, whatever the number of formats in the run', () => {
    // One format per header line: a run may see more than 65,536 of them, so they travel per batch.
    const formats = Array.from({ length: 3 }, (_, i) => fmt(i === 1 ? ['dstaddr', 'srcaddr', 'action'] : ['srcaddr', 'dstaddr', 'action'], `header line ${i + 1}`));
    const recs = [0, 1, 2, 1, 0].map((k, i) => {
      const r = FlowRecord.fromTokens(`f${k}.log`, 10 + i, formats[k]!, ['10.0.0.1', '10.0.0.2', i % 2 ? 'ACCEPT' : 'REJECT']);
      r.mark = i;
      return r;
    });
    const made: FormatDef[] = [];
    const back = decodeBatch(encodeBatch(recs).message, (d) => {
      made.push(d);
      return fmt([...d.fields], d.label);
    });
    expect(made.map((d) => d.label)).toEqual(['header line 1', 'header line 2', 'header line 3']);
    expect(back.map((r) => [r.file, r.line, r.mark, r.format.label, r.srcaddr, r.dstaddr, r.action])).toEqual(
      recs.map((r) => [r.file, r.line, r.mark, r.format.label, r.srcaddr, r.dstaddr, r.action]),
    );
  });

  it('packs bad lines with each distinct file and message once, and unpacks them in order', () => {
    const errors = Array.from({ length: 5000 }, (_, i) => ({ file: `f${i % 2}.log`, line: i + 1, message: i === 7 ? 'odd one' : 'expected 14 fields (log format), got 13', text: 'x' }));
    const packed = packBadLines(errors);
    expect(packed.strings).toHaveLength(4);
    expect(unpackBadLines(packed)).toEqual(errors.map((e) => ({ ...e, text: '' })));
  });
});

describe('a read worker that stops before the end of the input (read-thread.ts)', () => {
  const fixture = (name: string) => new URL(`../fixtures/workers/${name}`, import.meta.url);
  const drain = async (url: URL) => {
    const worker = startReadWorker(['a.log'], { strict: false, consumeAccepts: true }, url);
    const seen: FlowLogEvent[] = [];
    try {
      for await (const ev of worker.events(explainFilter({ all: false, strict: false }))) seen.push(ev);
      return { seen, error: null };
    } catch (e) {
      return { seen, error: e instanceof Error ? e.message : String(e) };
    } finally {
      await worker.close();
    }
  };

  it('fails the run when the worker exits without its end message, even with exit code 0, after yielding what it sent', async () => {
    const { seen, error } = await drain(fixture('exits-early.mjs'));
    expect(seen).toEqual([{ kind: 'file-error', file: 'a.log', message: 'unreadable' }]);
    expect(error).toBe('the read worker stopped before the end of the input (exit code 0)');
  });

  it('fails the run with the worker\'s own error when it dies of one', async () => {
    const { seen, error } = await drain(fixture('throws.mjs'));
    expect(seen).toEqual([{ kind: 'file-error', file: 'a.log', message: 'unreadable' }]);
    expect(error).toBe('disk on fire');
  });
});

