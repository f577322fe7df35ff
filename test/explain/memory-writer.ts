import type { Writer } from '../../src/explain/run.js';

/** A Writer that keeps everything in memory; `text()` decodes it all. */
export function memoryWriter(): Writer & { text(): string } {
  const parts: Buffer[] = [];
  return {
    write: (s) => void parts.push(Buffer.from(s)),
    writeRange: (s, start, end) => void parts.push(Buffer.from(s.slice(start, end))),
    writeBytes: (b, start, end) => void parts.push(Buffer.from(b.subarray(start, end))),
    flush: async () => {},
    text: () => Buffer.concat(parts).toString('utf8'),
  };
}
