/**
 * Flow logs straight from CloudWatch Logs (`--log-group NAME`, ref 1.10), with FilterLogEvents.
 *
 * - Each log event is one record; there is no header line, so the column order is the flow log's
 *   LogFormat (`opts.logFormat`, from DescribeFlowLogs or `--log-format`), else the default format.
 * - The REJECT filter is pushed down as a space-delimited filter pattern generated from the format, e.g.
 *   for the default format
 *   `[version, account_id, interface_id, srcaddr, dstaddr, srcport, dstport, protocol, packets, bytes, start, end, action="REJECT", log_status]`.
 *   With `all` the action condition is left out (and with nothing else to filter, no pattern is sent).
 *   A format without `action` cannot be filtered: every event is read.
 * - `interfaceIds` become a condition on the interface-id column (`interface_id="eni-a" || interface_id="eni-b"`);
 *   records are also filtered by ENI after parsing, so the result does not depend on the pattern. A format
 *   without `interface-id` uses `logStreamNamePrefix` instead (streams are named `<eni-id>-all`), one
 *   FilterLogEvents run per ENI.
 * - `since` / `until` become `startTime` / `endTime` in ms (the event timestamp is the record's `start`);
 *   the window is `[since, until)`, so `endTime` (inclusive) is `until - 1 ms`.
 * - Pages are followed with `nextToken`; throttling (ThrottlingException) is retried by the SDK
 *   (`DEFAULT_MAX_ATTEMPTS` of aws-config.ts, 6).
 *
 * Record positions: `file` is `<log-group>/<log-stream>` (the group as given, an ARN without `:*`), `line` the 1-based ordinal
 * of the event among the events of that stream returned by this read, in the order FilterLogEvents
 * returned them (so with a filter pattern or a time window it is not the position in the whole stream).
 * A `file-start` event comes before the first record of each stream.
 *
 * Failures (a missing log group, a missing logs:FilterLogEvents permission, refused credentials, a bad
 * pattern, throttling that outlasts the retries) throw an `AwsSourceError` naming the group.
 */
import { CloudWatchLogsClient, FilterLogEventsCommand, type FilterLogEventsCommandOutput } from '@aws-sdk/client-cloudwatch-logs';
import { DEFAULT_FORMAT, type FlowLogFormat } from '../flowlog/format.js';
import { parseRecordLine, isLineError, type FlowRecord } from '../flowlog/record.js';
import type { FlowLogEvent, FormatSource } from '../flowlog/reader.js';
import { DEFAULT_MAX_ATTEMPTS } from './aws-config.js';
import { AwsSourceError, ProgressCounter, errorCode, remoteClientConfig, toAwsSourceError, type RemoteClient, type RemoteOptions } from './remote-common.js';

/** FilterLogEvents accepts patterns of at most this many characters. */
export const MAX_FILTER_PATTERN = 1024;

export interface FilterPatternOptions {
  readonly all?: boolean | undefined;
  readonly interfaceIds?: readonly string[] | undefined;
}

/** A field name as a pattern column name: `account-id` → `account_id`. */
function columnName(field: string, i: number, used: Set<string>): string {
  let name = field.replace(/[^A-Za-z0-9_]/g, '_');
  if (!/^[A-Za-z_]/.test(name)) name = `f_${name}`;
  if (used.has(name)) name = `${name}_${i + 1}`;
  used.add(name);
  return name;
}

function quoted(value: string): string {
  return `"${value.replace(/["\\]/g, '\\$&')}"`;
}

function renderPattern(format: FlowLogFormat, conditions: ReadonlyMap<number, string>, shortNames: boolean): string {
  const used = new Set<string>();
  const cols = format.fields.map((field, i) => {
    const name = shortNames && !conditions.has(i) ? `c${i + 1}` : columnName(field, i, used);
    const cond = conditions.get(i);
    if (cond === undefined) return name;
    return cond
      .split('\u0000')
      .map((v) => `${name}=${quoted(v)}`)
      .join(' || ');
  });
  return `[${cols.join(', ')}]`;
}

/**
 * The space-delimited FilterLogEvents pattern for a flow-log format: REJECT only (unless `all`) and the
 * given ENIs. Null when there is nothing to push down. When the ENI condition would make the pattern too
 * long it is left out (the reader filters by ENI after parsing anyway).
 */
export function flowLogFilterPattern(format: FlowLogFormat, opts: FilterPatternOptions = {}): string | null {
  const base = new Map<number, string>();
  if (opts.all !== true && format.action >= 0) base.set(format.action, 'REJECT');
  const withEni = new Map(base);
  const ids = opts.interfaceIds ?? [];
  if (ids.length > 0 && format.interfaceId >= 0) withEni.set(format.interfaceId, ids.join('\u0000'));
  for (const conditions of [withEni, base]) {
    if (conditions.size === 0) return null;
    for (const short of [false, true]) {
      const p = renderPattern(format, conditions, short);
      if (p.length <= MAX_FILTER_PATTERN) return p;
    }
  }
  return null;
}

/** `arn:aws:logs:REGION:ACCOUNT:log-group:NAME[:*]` → identifier and region; a plain name as is. */
function logGroupRef(group: string): { key: 'logGroupName' | 'logGroupIdentifier'; value: string; region: string | null } {
  const m = /^arn:aws[a-z-]*:logs:([a-z0-9-]+):\d{12}:log-group:(.+?)(?::\*)?$/.exec(group);
  if (m) return { key: 'logGroupIdentifier', value: group.replace(/:\*$/, ''), region: m[1]! };
  return { key: 'logGroupName', value: group, region: null };
}

/** The CloudWatch Logs client the reader uses, with its configuration. */
export async function makeCloudWatchLogsClient(opts: RemoteOptions, regionHint: string | null = null): Promise<{ client: CloudWatchLogsClient; remote: RemoteClient }> {
  const remote = await remoteClientConfig(opts, DEFAULT_MAX_ATTEMPTS, regionHint);
  return { client: new CloudWatchLogsClient(remote.config), remote };
}

/**
 * Read the flow-log records of a CloudWatch Logs group (a name or an ARN). Events as from
 * `readFlowLogs`; see the top of this file for `file` / `line`. Throws `AwsSourceError` on failure.
 */
export async function* readCloudWatchFlowLogs(logGroup: string, opts: RemoteOptions = {}): AsyncGenerator<FlowLogEvent> {
  if (logGroup.trim() === '') throw new AwsSourceError('--log-group: empty log group name');
  const ref = logGroupRef(logGroup);
  const format = opts.logFormat ?? DEFAULT_FORMAT;
  const formatSource: FormatSource = opts.logFormat !== undefined ? 'option' : 'default';
  const ids = opts.interfaceIds !== undefined && opts.interfaceIds.length > 0 ? [...new Set(opts.interfaceIds)] : [];
  const idSet = ids.length > 0 && format.interfaceId >= 0 ? new Set(ids) : null;
  const pattern = flowLogFilterPattern(format, { all: opts.all, interfaceIds: ids });
  // Without an interface-id column, the ENIs can only be chosen by stream name.
  const streamPrefixes: (string | null)[] = ids.length > 0 && format.interfaceId < 0 ? ids : [null];
  const batchSize = Math.max(1, opts.batchSize ?? 4096);
  const { client, remote } = await makeCloudWatchLogsClient(opts, ref.region);
  const counter = new ProgressCounter('cloudwatch', opts.progress);
  counter.current = `log group ${logGroup}`;
  const lines = new Map<string, number>();
  let batch: FlowRecord[] = [];

  const groupLabel = ref.key === 'logGroupIdentifier' ? ref.value : logGroup;
  const what = `FilterLogEvents on log group "${logGroup}"`;
  try {
    counter.tick(true);
    for (const streamPrefix of streamPrefixes) {
      let token: string | undefined;
      for (;;) {
        let out: FilterLogEventsCommandOutput;
        try {
          out = await client.send(
            new FilterLogEventsCommand({
              [ref.key]: ref.value,
              ...(pattern !== null ? { filterPattern: pattern } : {}),
              ...(streamPrefix !== null ? { logStreamNamePrefix: streamPrefix } : {}),
              ...(opts.since !== undefined ? { startTime: opts.since.getTime() } : {}),
              ...(opts.until !== undefined ? { endTime: opts.until.getTime() - 1 } : {}),
              ...(token !== undefined ? { nextToken: token } : {}),
            }),
          );
        } catch (err) {
          throw filterError(err, remote, what, logGroup, pattern);
        }
        counter.pages++;
        for (const ev of out.events ?? []) {
          const stream = ev.logStreamName ?? 'unknown-stream';
          const file = `${groupLabel}/${stream}`;
          const message = ev.message ?? '';
          counter.records++;
          counter.bytes += message.length;
          const prev = lines.get(file);
          const line = (prev ?? 0) + 1;
          lines.set(file, line);
          if (prev === undefined) {
            if (batch.length > 0) {
              yield { kind: 'records', records: batch };
              batch = [];
            }
            yield { kind: 'file-start', file, format, formatSource };
          }
          const rec = parseRecordLine(format, message, file, line);
          if (isLineError(rec)) {
            if (batch.length > 0) {
              yield { kind: 'records', records: batch };
              batch = [];
            }
            yield { kind: 'bad-lines', errors: [rec] };
            continue;
          }
          if (idSet !== null) {
            const eni = rec.interfaceId;
            if (eni === null || !idSet.has(eni)) continue;
          }
          batch.push(rec);
          if (batch.length >= batchSize) {
            yield { kind: 'records', records: batch };
            batch = [];
          }
        }
        if (batch.length > 0) {
          yield { kind: 'records', records: batch };
          batch = [];
        }
        counter.tick();
        const next = out.nextToken;
        if (next === undefined || next === '') break;
        if (next === token) throw new AwsSourceError(`${what}: the service returned the same nextToken twice`);
        token = next;
      }
    }
  } finally {
    counter.tick(true);
    counter.done();
    client.destroy();
  }
}

function filterError(err: unknown, client: RemoteClient, what: string, logGroup: string, pattern: string | null): AwsSourceError {
  const code = errorCode(err);
  if (code === 'ResourceNotFoundException') {
    return new AwsSourceError(`${what}: the log group "${logGroup}" does not exist in region ${client.region} (check --region and the name)`);
  }
  if (code === 'LimitExceededException') {
    return new AwsSourceError(`${what}: still throttled after the SDK's retries (${code}); try again later or narrow --since/--until`);
  }
  const e = toAwsSourceError(err, {
    what,
    permission: 'logs:FilterLogEvents',
    resource: logGroup.startsWith('arn:') ? logGroup.replace(/:\*$/, '') : `arn:aws:logs:${client.region}:<account>:log-group:${logGroup}`,
    client,
  });
  return code === 'InvalidParameterException' && pattern !== null ? new AwsSourceError(`${e.message} (filter pattern sent: ${pattern})`) : e;
}
