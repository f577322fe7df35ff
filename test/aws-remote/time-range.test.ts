/** --since / --until parsing and the window checks. */
import { describe, expect, it } from 'vitest';
import { E } from '../../src/fp.js';
import { checkTimeWindow, overlaps, parseTime, parseTimeOption, within } from '../../src/aws/time-range.js';

const NOW = new Date('2024-01-05T12:00:00Z');
const ok = (text: string): string => {
  const r = parseTime(text, NOW);
  if (E.isLeft(r)) throw new Error(r.left.message);
  return r.right.toISOString();
};
const bad = (text: string): string => {
  const r = parseTime(text, NOW);
  if (E.isRight(r)) throw new Error(`accepted ${text}`);
  return r.left.message;
};

describe('parseTime', () => {
  it('reads durations before now', () => {
    expect(ok('2h')).toBe('2024-01-05T10:00:00.000Z');
    expect(ok('3d')).toBe('2024-01-02T12:00:00.000Z');
    expect(ok('90m')).toBe('2024-01-05T10:30:00.000Z');
    expect(ok('1d12h')).toBe('2024-01-04T00:00:00.000Z');
    expect(ok('1w')).toBe('2023-12-29T12:00:00.000Z');
    expect(ok('2 hours ago')).toBe('2024-01-05T10:00:00.000Z');
    expect(ok('-30s')).toBe('2024-01-05T11:59:30.000Z');
    expect(ok('now')).toBe(NOW.toISOString());
  });

  it('reads ISO dates and times as UTC unless an offset is given', () => {
    expect(ok('2024-01-05')).toBe('2024-01-05T00:00:00.000Z');
    expect(ok('2024-01-05T10:00')).toBe('2024-01-05T10:00:00.000Z');
    expect(ok('2024-01-05 10:00:30')).toBe('2024-01-05T10:00:30.000Z');
    expect(ok('2024-01-05T10:00:00.5Z')).toBe('2024-01-05T10:00:00.500Z');
    expect(ok('2024-01-05T12:00+02:00')).toBe('2024-01-05T10:00:00.000Z');
    expect(ok('2024-01-05T05:00-0500')).toBe('2024-01-05T10:00:00.000Z');
  });

  it('reads Unix seconds (as in flow-log start/end, ref 1.5) and milliseconds', () => {
    expect(ok('1704448800')).toBe('2024-01-05T10:00:00.000Z');
    expect(ok('1704448800000')).toBe('2024-01-05T10:00:00.000Z');
  });

  it('explains what it expected', () => {
    expect(bad('yesterday')).toMatch(/cannot read "yesterday" as a time; expected a duration .* 2h/);
    expect(bad('2x')).toMatch(/unknown time unit "x"/);
    expect(bad('15')).toMatch(/has no unit/);
    expect(bad('2024-02-30')).toMatch(/2024-02 has no day 30/);
    expect(bad('2024-13-01')).toMatch(/month 13/);
    expect(bad('2024-01-05T25:00')).toMatch(/time of day/);
    expect(bad('')).toMatch(/empty time/);
  });
});

describe('parseTimeOption', () => {
  it('returns the time, or a tagged error naming the option (never throws)', () => {
    const ok = parseTimeOption('2h', NOW);
    expect(E.isRight(ok) && ok.right.toISOString()).toBe('2024-01-05T10:00:00.000Z');
    const bad = parseTimeOption('soon', NOW, '--until');
    expect(E.isLeft(bad) && bad.left._tag).toBe('TimeOptionError');
    expect(E.isLeft(bad) && bad.left.message).toMatch(/^--until: cannot read "soon"/);
  });
});

describe('time windows', () => {
  it('rejects a reversed or empty window', () => {
    const since = new Date('2024-01-05T10:00:00Z');
    expect(E.isLeft(checkTimeWindow({ since, until: since }))).toBe(true);
    expect(E.isRight(checkTimeWindow({ since }))).toBe(true);
  });

  it('is half-open: [since, until)', () => {
    const w = { since: new Date(1000), until: new Date(2000) };
    expect(overlaps(w, 0, 1000)).toBe(false);
    expect(overlaps(w, 1999, 3000)).toBe(true);
    expect(overlaps(w, 2000, 3000)).toBe(false);
    expect(within(w, 1000, 2000)).toBe(true);
    expect(within({}, -Infinity, Infinity)).toBe(true);
  });
});
