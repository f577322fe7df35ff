/** The stderr progress line for remote reads. */
import { describe, expect, it } from 'vitest';
import type { RemoteProgress } from '../../src/aws/remote-common.js';
import { createProgress, formatBytes, renderProgress } from '../../src/cli/progress.js';

const P: RemoteProgress = { source: 's3', objectsListed: 40, objectsRead: 12, bytes: 35 * 1024 * 1024 + 200_000, records: 12345, pages: 3, current: 's3://bucket/AWSLogs/123456789012/vpcflowlogs/us-east-1/2024/01/05/file.log.gz' };

function tty(isTTY: boolean) {
  const out: string[] = [];
  return { out, stream: { isTTY, columns: 80, write: (s: string) => (out.push(s), true) } };
}

describe('progress display', () => {
  it('stays silent when stderr is not a terminal, or when stdout is one', () => {
    expect(createProgress(tty(false).stream)).toBeUndefined();
    expect(createProgress(tty(true).stream, { stdout: { isTTY: true } })).toBeUndefined();
  });

  it('draws after the quiet delay, at most every 100 ms, cut to the terminal width, and erases itself', () => {
    let t = 0;
    const { out, stream } = tty(true);
    const p = createProgress(stream, { now: () => t, stdout: { isTTY: false } })!;
    p.update(P);
    expect(out).toEqual([]); // within the first second
    t = 1500;
    p.update(P);
    t = 1550;
    p.update(P); // too soon
    expect(out).toHaveLength(1);
    expect(out[0]!.startsWith('\r\x1b[2K')).toBe(true);
    const line = out[0]!.slice(5);
    expect(line).toMatch(/^vpcwhy: S3 1s · 12\/40 objects · 35\.2 MB · 12,345 records · …/);
    expect(line.length).toBeLessThanOrEqual(79);
    p.done();
    expect(out.at(-1)).toBe('\r\x1b[2K');
  });

  it('counts events and pages for CloudWatch Logs', () => {
    expect(renderProgress({ ...P, source: 'cloudwatch', current: 'log group /vpc/flow' }, 65_000)).toBe(
      'vpcwhy: CloudWatch Logs 1m05s · 12,345 events · 3 pages · 35.2 MB · log group /vpc/flow',
    );
    expect(formatBytes(532)).toBe('532 B');
    expect(formatBytes(1536)).toBe('1.5 KB');
  });
});
