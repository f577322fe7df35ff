/**
 * readCloudWatchFlowLogs against a local CloudWatch Logs stand-in speaking the JSON 1.1 protocol, through
 * the real @aws-sdk/client-cloudwatch-logs (fake credentials from the environment).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { flowLogFilterPattern, MAX_FILTER_PATTERN, readCloudWatchFlowLogs } from '../../src/aws/cloudwatch-source.js';
import { AwsSourceError, type RemoteOptions } from '../../src/aws/remote-common.js';
import { DEFAULT_FORMAT, parseLogFormat, type FlowLogFormat } from '../../src/flowlog/format.js';
import { E } from '../../src/fp.js';
import { collect } from '../flowlog/helpers.js';
import { FAKE_ACCESS_KEY, FAKE_SECRET_KEY, FAKE_SESSION_TOKEN, logsError, startFakeLogs, useFakeAwsEnv, type FakeLogEvent, type FakeLogs, type FakeLogsOptions } from './servers.js';

const GROUP = '/vpc/flow-logs';
const ENI_A = 'eni-0a1b2c3d4e5f60001';
const ENI_B = 'eni-0a1b2c3d4e5f60002';
const DEFAULT_PATTERN = '[version, account_id, interface_id, srcaddr, dstaddr, srcport, dstport, protocol, packets, bytes, start, end, action="REJECT", log_status]';

function ev(eni: string, i: number, action: 'ACCEPT' | 'REJECT' = 'REJECT'): FakeLogEvent {
  const start = 1704448800 + i;
  return {
    logStreamName: `${eni}-all`,
    timestamp: start * 1000,
    message: `2 123456789012 ${eni} 10.0.1.${i} 10.0.2.20 ${40000 + i} 5432 6 2 120 ${start} ${start + 60} ${action} OK`,
  };
}

function fmt(text: string): FlowLogFormat {
  const f = parseLogFormat(text);
  if (E.isLeft(f)) throw new Error(f.left.message);
  return f.right;
}

let restoreEnv: () => void;
const servers: FakeLogs[] = [];

beforeAll(() => {
  restoreEnv = useFakeAwsEnv();
});
afterAll(() => restoreEnv());
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function logs(pages: FakeLogsOptions['pages'], extra: Partial<FakeLogsOptions> = {}): Promise<FakeLogs> {
  const s = await startFakeLogs({ logGroupName: GROUP, pages, ...extra });
  servers.push(s);
  return s;
}

function opts(server: FakeLogs, more: RemoteOptions = {}): RemoteOptions {
  return { region: 'us-east-1', endpointUrl: server.url, ...more };
}

async function failure(p: Promise<unknown>): Promise<AwsSourceError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(AwsSourceError);
    return err as AwsSourceError;
  }
  throw new Error('expected a failure');
}

function noSecrets(...texts: unknown[]): void {
  const all = JSON.stringify(texts);
  for (const secret of [FAKE_ACCESS_KEY, FAKE_SECRET_KEY, FAKE_SESSION_TOKEN]) expect(all).not.toContain(secret);
}

describe('flowLogFilterPattern', () => {
  it('generates the space-delimited REJECT pattern from the default format (ref 1.3, 1.10)', () => {
    expect(flowLogFilterPattern(DEFAULT_FORMAT)).toBe(DEFAULT_PATTERN);
  });

  it('sends nothing with --all, and adds an interface-id condition for --interface', () => {
    expect(flowLogFilterPattern(DEFAULT_FORMAT, { all: true })).toBeNull();
    expect(flowLogFilterPattern(DEFAULT_FORMAT, { all: true, interfaceIds: [ENI_A, ENI_B] })).toBe(
      `[version, account_id, interface_id="${ENI_A}" || interface_id="${ENI_B}", srcaddr, dstaddr, srcport, dstport, protocol, packets, bytes, start, end, action, log_status]`,
    );
  });

  it('follows a custom format, and cannot filter a format without action', () => {
    expect(flowLogFilterPattern(fmt('${vpc-id} ${action} ${interface-id} ${tcp-flags}'))).toBe('[vpc_id, action="REJECT", interface_id, tcp_flags]');
    expect(flowLogFilterPattern(fmt('${vpc-id} ${interface-id}'))).toBeNull();
  });

  it('stays within the 1024-character limit: short column names, then no ENI condition', () => {
    const many = Array.from({ length: 60 }, (_, i) => `eni-${String(i).padStart(17, '0')}`);
    const p = flowLogFilterPattern(DEFAULT_FORMAT, { interfaceIds: many });
    expect(p).toBe(DEFAULT_PATTERN);
    const some = many.slice(0, 23);
    const q = flowLogFilterPattern(DEFAULT_FORMAT, { interfaceIds: some })!;
    expect(q.length).toBeLessThanOrEqual(MAX_FILTER_PATTERN);
    expect(q.startsWith('[c1, c2, interface_id=')).toBe(true);
  });
});

describe('readCloudWatchFlowLogs', () => {
  it('follows nextToken, pushes the REJECT pattern and the time window down, and numbers events per stream', async () => {
    const server = await logs([[ev(ENI_A, 1), ev(ENI_B, 2)], [], [ev(ENI_A, 3), ev(ENI_A, 4)]]);
    const since = new Date('2024-01-05T10:00:00Z');
    const until = new Date('2024-01-05T12:00:00Z');
    const got = await collect(readCloudWatchFlowLogs(GROUP, opts(server, { since, until })));
    const calls = server.filterCalls();
    expect(calls).toEqual([
      { logGroupName: GROUP, filterPattern: DEFAULT_PATTERN, startTime: since.getTime(), endTime: until.getTime() - 1 },
      { logGroupName: GROUP, filterPattern: DEFAULT_PATTERN, startTime: since.getTime(), endTime: until.getTime() - 1, nextToken: 'page-1' },
      { logGroupName: GROUP, filterPattern: DEFAULT_PATTERN, startTime: since.getTime(), endTime: until.getTime() - 1, nextToken: 'page-2' },
    ]);
    expect(server.requests[0]!.headers['content-type']).toBe('application/x-amz-json-1.1');
    expect(server.requests[0]!.headers['authorization']).toContain(`Credential=${FAKE_ACCESS_KEY}/`);
    expect(got.starts.map((s) => [s.file, s.formatSource])).toEqual([
      [`${GROUP}/${ENI_A}-all`, 'default'],
      [`${GROUP}/${ENI_B}-all`, 'default'],
    ]);
    expect(got.records.map((r) => [r.file, r.line, r.srcaddr])).toEqual([
      [`${GROUP}/${ENI_A}-all`, 1, '10.0.1.1'],
      [`${GROUP}/${ENI_B}-all`, 1, '10.0.1.2'],
      [`${GROUP}/${ENI_A}-all`, 2, '10.0.1.3'],
      [`${GROUP}/${ENI_A}-all`, 3, '10.0.1.4'],
    ]);
    noSecrets(got.events);
  });

  it('sends no pattern with --all, and the ENI condition with --interface (records of other ENIs are dropped too)', async () => {
    const server = await logs([[ev(ENI_A, 1, 'ACCEPT'), ev(ENI_B, 2)]]);
    const all = await collect(readCloudWatchFlowLogs(GROUP, opts(server, { all: true })));
    expect(all.records).toHaveLength(2);
    const one = await collect(readCloudWatchFlowLogs(GROUP, opts(server, { interfaceIds: [ENI_B] })));
    expect(one.records.map((r) => r.interfaceId)).toEqual([ENI_B]);
    const [first, second] = server.filterCalls();
    expect(first).toEqual({ logGroupName: GROUP });
    expect(second!['filterPattern']).toBe(
      `[version, account_id, interface_id="${ENI_B}", srcaddr, dstaddr, srcport, dstport, protocol, packets, bytes, start, end, action="REJECT", log_status]`,
    );
  });

  it('uses the flow log LogFormat for the columns (events have no header, ref 1.10), and a log group ARN', async () => {
    const format = fmt('${version} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${action} ${flow-direction}');
    const arn = `arn:aws:logs:eu-west-1:123456789012:log-group:${GROUP}:*`;
    const server = await logs(
      [[{ logStreamName: `${ENI_A}-all`, timestamp: 1, message: `5 ${ENI_A} 10.0.1.1 10.0.2.20 50000 22 6 REJECT ingress` }, { logStreamName: `${ENI_A}-all`, timestamp: 2, message: 'garbage line' }]],
      { logGroupName: arn.replace(/:\*$/, '') },
    );
    const got = await collect(readCloudWatchFlowLogs(arn, opts(server, { region: undefined, logFormat: format })));
    expect(server.filterCalls()[0]).toEqual({
      logGroupIdentifier: arn.replace(/:\*$/, ''),
      filterPattern: '[version, interface_id, srcaddr, dstaddr, srcport, dstport, protocol, action="REJECT", flow_direction]',
    });
    // the region comes from the ARN
    expect(server.requests[0]!.headers['authorization']).toContain('/eu-west-1/logs/aws4_request');
    expect(got.starts[0]!.formatSource).toBe('option');
    expect(got.records.map((r) => [r.line, r.flowDirection])).toEqual([[1, 'ingress']]);
    expect(got.badLines.map((b) => [b.file, b.line])).toEqual([[`${arn.replace(/:\*$/, '')}/${ENI_A}-all`, 2]]);
  });

  it('chooses ENIs by stream name (logStreamNamePrefix, one run each) when the format has no interface-id', async () => {
    const format = fmt('${srcaddr} ${dstaddr} ${action}');
    const server = await logs([[{ logStreamName: `${ENI_A}-all`, timestamp: 1, message: '10.0.1.1 10.0.2.20 REJECT' }]]);
    const got = await collect(readCloudWatchFlowLogs(GROUP, opts(server, { logFormat: format, interfaceIds: [ENI_A, ENI_B] })));
    expect(server.filterCalls()).toEqual([
      { logGroupName: GROUP, filterPattern: '[srcaddr, dstaddr, action="REJECT"]', logStreamNamePrefix: ENI_A },
      { logGroupName: GROUP, filterPattern: '[srcaddr, dstaddr, action="REJECT"]', logStreamNamePrefix: ENI_B },
    ]);
    expect(got.records).toHaveLength(2); // the fake ignores the prefix and answers both runs
  });

  it('retries ThrottlingException (the SDK retry) and then reads on', async () => {
    let throttles = 1;
    const server = await logs([[ev(ENI_A, 1)], [ev(ENI_A, 2)]], {
      intercept: (_req, body) => (body['nextToken'] === 'page-1' && throttles-- > 0 ? logsError(400, 'ThrottlingException', 'Rate exceeded') : undefined),
    });
    const got = await collect(readCloudWatchFlowLogs(GROUP, opts(server)));
    expect(got.records.map((r) => r.srcaddr)).toEqual(['10.0.1.1', '10.0.1.2']);
    expect(server.filterCalls().map((c) => c['nextToken'] ?? null)).toEqual([null, 'page-1', 'page-1']);
  });

  it('names the log group when it does not exist, and logs:FilterLogEvents when access is denied', async () => {
    const server = await logs([[ev(ENI_A, 1)]]);
    const missing = await failure(collect(readCloudWatchFlowLogs('/no/such/group', opts(server))));
    expect(missing.message).toMatch(/log group "\/no\/such\/group" does not exist in region us-east-1/);

    const denied = await logs([[ev(ENI_A, 1)]], {
      intercept: () => logsError(400, 'AccessDeniedException', 'User: arn:aws:iam::123456789012:user/ops is not authorized to perform: logs:FilterLogEvents'),
    });
    const err = await failure(collect(readCloudWatchFlowLogs(GROUP, opts(denied))));
    expect(err.permission).toBe('logs:FilterLogEvents');
    expect(err.message).toContain('logs:FilterLogEvents');
    expect(err.message).toContain(GROUP);
    expect(err.message).not.toMatch(/\n\s+at /);
    noSecrets(missing.message, err.message);
  });

  it('says so when the credentials are refused', async () => {
    const server = await logs([], { intercept: () => logsError(400, 'UnrecognizedClientException', 'The security token included in the request is invalid.') });
    const err = await failure(collect(readCloudWatchFlowLogs(GROUP, opts(server))));
    expect(err.message).toMatch(/rejected the credentials in us-east-1 \(UnrecognizedClientException\)/);
    noSecrets(err.message);
  });
});
