/**
 * The flow-log formats vpcwhy knows by their field count, and the advice for a log whose lines all have
 * the same wrong count: it is probably written in a custom format (ref 1.4), so `--log-format` (or a header
 * line) is what is missing, and the count says which known formats it could be.
 */
import { DEFAULT_FORMAT_FIELDS, DEFAULT_TGW_FORMAT_FIELDS, FIELDS } from './fields.js';

export interface KnownFormat {
  readonly name: string;
  readonly fields: readonly string[];
}

/** Every VPC field up to `version`, in the order of the AWS field table. */
function upToVersion(version: number): KnownFormat {
  return { name: `every VPC field of versions 2-${version}`, fields: FIELDS.filter((f) => f.scope !== 'transit-gateway' && f.version <= version).map((f) => f.name) };
}

export const KNOWN_FORMATS: readonly KnownFormat[] = [
  { name: 'the default format (version 2)', fields: DEFAULT_FORMAT_FIELDS },
  upToVersion(3),
  upToVersion(4),
  upToVersion(5),
  upToVersion(7),
  upToVersion(8),
  { name: 'the default transit gateway flow-log format', fields: DEFAULT_TGW_FORMAT_FIELDS },
];

/** The known formats with `count` fields. */
export function formatsWithFieldCount(count: number): KnownFormat[] {
  return KNOWN_FORMATS.filter((f) => f.fields.length === count);
}

/** A bad line's message when its field count is wrong (flowlog/record.ts): `expected 14 fields (default format), got 7`. */
const FIELD_COUNT_RE = /^expected (\d+) fields? \((.+)\), got (\d+)$/;

/**
 * When every one of `messages` (the bad lines of a run that read no record, or the first of them out of
 * `total`) says the same wrong field count against the same format: what to do about it, naming the count
 * and the known formats it fits. Null otherwise.
 */
export function customFormatAdvice(messages: readonly string[], total = messages.length): string | null {
  const parsed = messages.map((m) => FIELD_COUNT_RE.exec(m));
  const first = parsed[0];
  if (!first || parsed.some((p) => p === null || p[2] !== first[2] || p[3] !== first[3])) return null;
  const [, expected, label, got] = first;
  const count = Number(got);
  const fits = formatsWithFieldCount(count);
  const fitText = fits.length === 0
    ? `no format vpcwhy knows has ${count} fields`
    : `${count} fields fit ${fits.map((f) => f.name).join(' or ')}`;
  const lines = total === 1 ? 'the line read has' : `the ${total} lines read${total > messages.length ? ` (the first ${messages.length} of them)` : ''} have`;
  const what = label === 'default format'
    ? "probably a custom format. Pass the flow log's LogFormat (aws ec2 describe-flow-logs shows it) as --log-format '${version} ${interface-id} ...', or put its header line first"
    : `the ${label} does not match them. Give the flow log's LogFormat (aws ec2 describe-flow-logs shows it)`;
  return `${lines} ${count} fields, not the ${expected} of the ${label}: ${what}; ${fitText}`;
}
