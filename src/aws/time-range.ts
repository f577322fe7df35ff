/**
 * `--since` / `--until` for the remote flow-log readers, and the time window they make.
 *
 * Accepted forms (all times are UTC unless the text carries an offset, like the S3 file names, ref 1.9):
 * - relative to now: `90s`, `30m`, `2h`, `3d`, `1w`, combined like `1d12h`, optionally followed by ` ago`;
 *   `now`;
 * - an ISO date `2024-01-05` (midnight UTC) or date and time `2024-01-05T10:00`, `2024-01-05 10:00:30`,
 *   `2024-01-05T10:00:00.5Z`, `2024-01-05T12:00+02:00`;
 * - Unix seconds (9 or 10 digits, what flow-log `start` / `end` hold, ref 1.5) or milliseconds (13 digits).
 *
 * The window is half-open, `[since, until)`; either end may be absent.
 */
import { E, type Either } from '../fp.js';

export interface TimeOptionError {
  readonly _tag: 'TimeOptionError';
  readonly message: string;
}

/** A time window; an absent end is unbounded. */
export interface TimeWindow {
  readonly since?: Date | undefined;
  readonly until?: Date | undefined;
}

const timeError = (message: string): TimeOptionError => ({ _tag: 'TimeOptionError', message });

const UNIT_MS: Readonly<Record<string, number>> = {
  s: 1000,
  sec: 1000,
  secs: 1000,
  second: 1000,
  seconds: 1000,
  m: 60_000,
  min: 60_000,
  mins: 60_000,
  minute: 60_000,
  minutes: 60_000,
  h: 3_600_000,
  hr: 3_600_000,
  hrs: 3_600_000,
  hour: 3_600_000,
  hours: 3_600_000,
  d: 86_400_000,
  day: 86_400_000,
  days: 86_400_000,
  w: 604_800_000,
  week: 604_800_000,
  weeks: 604_800_000,
};

const RELATIVE_RE = /^(?:\d+\s*[a-z]+\s*)+$/;
const RELATIVE_PART_RE = /(\d+)\s*([a-z]+)/g;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?\s*(Z|[+-]\d{2}:?\d{2})?)?$/i;
const EXPECTED = 'expected a duration before now like 2h, 30m, 3d, 1w (units s, m, h, d, w), an ISO date or time like 2024-01-05 or 2024-01-05T10:00Z (UTC unless an offset is given), or Unix seconds';

function relative(text: string, now: Date): Either<TimeOptionError, Date> {
  let ms = 0;
  for (const m of text.matchAll(RELATIVE_PART_RE)) {
    const unit = UNIT_MS[m[2]!];
    if (unit === undefined) return E.left(timeError(`unknown time unit "${m[2]}" in "${text}" (units: s, m, h, d, w)`));
    ms += Number(m[1]) * unit;
  }
  if (!Number.isFinite(ms) || ms > 100 * 365 * 86_400_000) return E.left(timeError(`"${text}" is too far back`));
  return E.right(new Date(now.getTime() - ms));
}

function absolute(m: RegExpExecArray, text: string): Either<TimeOptionError, Date> {
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = h === undefined ? 0 : Number(h);
  const minute = mi === undefined ? 0 : Number(mi);
  const second = s === undefined ? 0 : Number(s);
  const millis = frac === undefined ? 0 : Math.floor(Number(`0.${frac}`) * 1000);
  if (month < 1 || month > 12) return E.left(timeError(`"${text}": month ${mo} is not 01-12`));
  if (hour > 23 || minute > 59 || second > 59) return E.left(timeError(`"${text}": the time of day is out of range`));
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, millis);
  const back = new Date(utc);
  if (back.getUTCDate() !== day || back.getUTCMonth() !== month - 1) return E.left(timeError(`"${text}": ${y}-${mo} has no day ${d}`));
  let offsetMs = 0;
  if (zone !== undefined && zone.toUpperCase() !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const oh = Number(digits.slice(0, 2));
    const om = Number(digits.slice(2));
    if (oh > 23 || om > 59) return E.left(timeError(`"${text}": the UTC offset ${zone} is out of range`));
    offsetMs = sign * (oh * 60 + om) * 60_000;
  }
  return E.right(new Date(utc - offsetMs));
}

/** Parse a `--since` / `--until` value. `now` anchors relative values. */
export function parseTime(text: string, now: Date): Either<TimeOptionError, Date> {
  const t = text.trim().toLowerCase();
  if (t === '') return E.left(timeError(`empty time; ${EXPECTED}`));
  if (t === 'now') return E.right(new Date(now.getTime()));
  if (/^\d{9,10}$/.test(t)) return E.right(new Date(Number(t) * 1000));
  if (/^\d{13}$/.test(t)) return E.right(new Date(Number(t)));
  const rel = t.endsWith(' ago') ? t.slice(0, -4).trim() : t.startsWith('-') ? t.slice(1) : t;
  if (RELATIVE_RE.test(rel)) return relative(rel, now);
  const m = DATE_RE.exec(text.trim());
  if (m) return absolute(m, text.trim());
  if (/^\d+$/.test(t)) return E.left(timeError(`"${text}" has no unit; ${EXPECTED}`));
  return E.left(timeError(`cannot read "${text}" as a time; ${EXPECTED}`));
}

/**
 * Parse a `--since` / `--until` value; the error's message names the option
 * (`--since: cannot read "yesterday" as a time; expected ...`). Like every parser here, it returns an
 * Either and never throws.
 */
export function parseTimeOption(text: string, now: Date, option = '--since'): Either<TimeOptionError, Date> {
  return E.mapLeft((e: TimeOptionError) => timeError(`${option}: ${e.message}`))(parseTime(text, now));
}

/** Check that a window is not empty or reversed. */
export function checkTimeWindow(window: TimeWindow): Either<TimeOptionError, TimeWindow> {
  const { since, until } = window;
  if (since !== undefined && until !== undefined && since.getTime() >= until.getTime()) {
    return E.left(timeError(`--since (${since.toISOString()}) must be before --until (${until.toISOString()})`));
  }
  return E.right(window);
}

/** Milliseconds of the window's ends; -Infinity / +Infinity when absent. */
export function windowMs(window: TimeWindow): { readonly from: number; readonly to: number } {
  return { from: window.since?.getTime() ?? -Infinity, to: window.until?.getTime() ?? Infinity };
}

/** Whether `[start, end)` (ms) overlaps the window. */
export function overlaps(window: TimeWindow, start: number, end: number): boolean {
  const { from, to } = windowMs(window);
  return start < to && end > from;
}

/** Whether `[start, end)` (ms) lies inside the window. */
export function within(window: TimeWindow, start: number, end: number): boolean {
  const { from, to } = windowMs(window);
  return start >= from && end <= to;
}
