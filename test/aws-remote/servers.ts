/**
 * Local stand-ins for S3 and CloudWatch Logs that speak the real wire protocols, for the remote-reader
 * tests (not a test file). They listen on 127.0.0.1 on a free port; the real SDK clients talk to them
 * through `endpointUrl`.
 *
 * - S3 (REST, path-style): ListObjectsV2 (`GET /bucket?list-type=2&prefix=&delimiter=&continuation-token=`
 *   → ListBucketResult XML, `pageSize` entries per page, CommonPrefixes counted like keys) and GetObject
 *   (`GET /bucket/key` → the bytes). Errors as S3 XML error documents.
 * - CloudWatch Logs (JSON 1.1): `POST /` with `X-Amz-Target: Logs_20140328.FilterLogEvents`.
 *
 * Every request is recorded (method, path, query, headers, body) so the tests can assert what was asked.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Fake credentials the tests put in the environment; they must never appear in any output. */
export const FAKE_ACCESS_KEY = 'AKIAVPCWHYFAKE000001';
export const FAKE_SECRET_KEY = 'vpcwhyFakeSecretKeyDoNotUse/0123456789ABC';
export const FAKE_SESSION_TOKEN = 'vpcwhyFakeSessionTokenDoNotUse0123456789';

const ENV_KEYS = [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_REGION',
  'AWS_DEFAULT_REGION',
  'AWS_PROFILE',
  'AWS_CONFIG_FILE',
  'AWS_SHARED_CREDENTIALS_FILE',
  'AWS_EC2_METADATA_DISABLED',
  'AWS_MAX_ATTEMPTS',
  'AWS_RETRY_MODE',
  'AWS_ENDPOINT_URL',
  'AWS_ENDPOINT_URL_S3',
  'AWS_ENDPOINT_URL_CLOUDWATCH_LOGS',
] as const;

/** Put fake credentials in the environment (and nothing that could reach a real account); returns the undo. */
export function useFakeAwsEnv(): () => void {
  const saved = new Map<string, string | undefined>(ENV_KEYS.map((k) => [k, process.env[k]]));
  for (const k of ENV_KEYS) delete process.env[k];
  process.env['AWS_ACCESS_KEY_ID'] = FAKE_ACCESS_KEY;
  process.env['AWS_SECRET_ACCESS_KEY'] = FAKE_SECRET_KEY;
  process.env['AWS_SESSION_TOKEN'] = FAKE_SESSION_TOKEN;
  process.env['AWS_CONFIG_FILE'] = '/nonexistent/vpcwhy-test-aws-config';
  process.env['AWS_SHARED_CREDENTIALS_FILE'] = '/nonexistent/vpcwhy-test-aws-credentials';
  process.env['AWS_EC2_METADATA_DISABLED'] = 'true';
  return () => {
    for (const [k, v] of saved) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
}

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

/** What a handler answers; `undefined` lets the default behaviour run. */
export interface Reply {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body: string | Buffer;
}

export interface FakeServer {
  readonly url: string;
  readonly requests: RecordedRequest[];
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of req) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

async function listen(handler: (req: RecordedRequest, res: ServerResponse) => void | Promise<void>): Promise<{ server: Server; url: string; requests: RecordedRequest[] }> {
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const u = new URL(req.url ?? '/', 'http://127.0.0.1');
      const rec: RecordedRequest = { method: req.method ?? 'GET', path: u.pathname, query: u.searchParams, headers: req.headers, body: body.toString('utf8') };
      requests.push(rec);
      try {
        await handler(rec, res);
      } catch (err) {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(String(err));
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}`, requests };
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

function send(res: ServerResponse, reply: Reply): void {
  const body = typeof reply.body === 'string' ? Buffer.from(reply.body, 'utf8') : reply.body;
  res.writeHead(reply.status, { 'content-length': String(body.length), ...(reply.headers ?? {}) });
  res.end(body);
}

// ---------------------------------------------------------------------------------------------------
// S3

function xmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export function s3Error(status: number, code: string, message: string, extra = ''): Reply {
  return {
    status,
    headers: { 'content-type': 'application/xml', 'x-amz-request-id': 'FAKE0REQUEST0ID' },
    body: `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${xmlEscape(message)}</Message>${extra}<RequestId>FAKE0REQUEST0ID</RequestId><HostId>fakehost</HostId></Error>`,
  };
}

export interface FakeS3Options {
  readonly bucket: string;
  /** key → bytes */
  readonly objects: ReadonlyMap<string, Buffer | Uint8Array | string>;
  /** Entries (keys + common prefixes) per ListObjectsV2 page (default 1000). */
  readonly pageSize?: number;
  /** Answer a request before the default behaviour (to inject errors). */
  readonly intercept?: (req: RecordedRequest) => Reply | undefined;
}

export interface FakeS3 extends FakeServer {
  /** The ListObjectsV2 requests as `prefix|delimiter|token?`. */
  listCalls(): { prefix: string; delimiter: string; token: string | null }[];
  /** The keys fetched with GetObject, in order. */
  getCalls(): string[];
}

function listObjectsV2(opts: FakeS3Options, q: URLSearchParams): Reply {
  const prefix = q.get('prefix') ?? '';
  const delimiter = q.get('delimiter') ?? '';
  const token = q.get('continuation-token');
  const maxKeys = Math.min(Number(q.get('max-keys') ?? 1000), opts.pageSize ?? 1000);
  const keys = [...opts.objects.keys()].filter((k) => k.startsWith(prefix)).sort();
  // Entries in key order: a key, or the common prefix that rolls it up.
  const entries: { kind: 'key' | 'prefix'; value: string }[] = [];
  for (const k of keys) {
    const rest = k.slice(prefix.length);
    const at = delimiter === '' ? -1 : rest.indexOf(delimiter);
    if (at >= 0) {
      const cp = prefix + rest.slice(0, at + delimiter.length);
      if (entries.at(-1)?.value !== cp) entries.push({ kind: 'prefix', value: cp });
    } else entries.push({ kind: 'key', value: k });
  }
  const after = token === null ? null : Buffer.from(token, 'base64url').toString('utf8');
  const start = after === null ? 0 : entries.findIndex((e) => e.value > after);
  const from = start < 0 ? entries.length : start;
  const page = entries.slice(from, from + maxKeys);
  const truncated = from + maxKeys < entries.length;
  const contents = page
    .filter((e) => e.kind === 'key')
    .map((e) => {
      const size = Buffer.byteLength(opts.objects.get(e.value)!);
      return `<Contents><Key>${xmlEscape(e.value)}</Key><LastModified>2024-01-05T12:00:00.000Z</LastModified><ETag>&quot;0123456789abcdef&quot;</ETag><Size>${size}</Size><StorageClass>STANDARD</StorageClass></Contents>`;
    })
    .join('');
  const prefixes = page
    .filter((e) => e.kind === 'prefix')
    .map((e) => `<CommonPrefixes><Prefix>${xmlEscape(e.value)}</Prefix></CommonPrefixes>`)
    .join('');
  const next = truncated ? Buffer.from(page.at(-1)!.value, 'utf8').toString('base64url') : null;
  const body =
    `<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">` +
    `<Name>${xmlEscape(opts.bucket)}</Name><Prefix>${xmlEscape(prefix)}</Prefix>` +
    (delimiter !== '' ? `<Delimiter>${xmlEscape(delimiter)}</Delimiter>` : '') +
    `<MaxKeys>${maxKeys}</MaxKeys><KeyCount>${page.length}</KeyCount><IsTruncated>${truncated}</IsTruncated>` +
    (token !== null ? `<ContinuationToken>${xmlEscape(token)}</ContinuationToken>` : '') +
    (next !== null ? `<NextContinuationToken>${next}</NextContinuationToken>` : '') +
    contents +
    prefixes +
    `</ListBucketResult>`;
  return { status: 200, headers: { 'content-type': 'application/xml' }, body };
}

export async function startFakeS3(opts: FakeS3Options): Promise<FakeS3> {
  const { server, url, requests } = await listen((req, res) => {
    const intercepted = opts.intercept?.(req);
    if (intercepted !== undefined) return send(res, intercepted);
    const segments = req.path.split('/');
    const bucket = decodeURIComponent(segments[1] ?? '');
    const key = segments.slice(2).map(decodeURIComponent).join('/');
    if (bucket !== opts.bucket) return send(res, s3Error(404, 'NoSuchBucket', 'The specified bucket does not exist', `<BucketName>${xmlEscape(bucket)}</BucketName>`));
    if (req.method !== 'GET') return send(res, s3Error(405, 'MethodNotAllowed', 'not supported by the fake'));
    if (key === '') {
      if (req.query.get('list-type') !== '2') return send(res, s3Error(400, 'InvalidArgument', 'only ListObjectsV2 is faked'));
      return send(res, listObjectsV2(opts, req.query));
    }
    const data = opts.objects.get(key);
    if (data === undefined) return send(res, s3Error(404, 'NoSuchKey', 'The specified key does not exist.', `<Key>${xmlEscape(key)}</Key>`));
    return send(res, { status: 200, headers: { 'content-type': 'application/octet-stream', etag: '"0123456789abcdef"' }, body: Buffer.from(data) });
  });
  return {
    url,
    requests,
    close: () => closeServer(server),
    listCalls: () =>
      requests
        .filter((r) => r.query.get('list-type') === '2')
        .map((r) => ({ prefix: r.query.get('prefix') ?? '', delimiter: r.query.get('delimiter') ?? '', token: r.query.get('continuation-token') })),
    getCalls: () =>
      requests
        .filter((r) => r.method === 'GET' && r.query.get('list-type') !== '2')
        .map((r) => r.path.split('/').slice(2).map(decodeURIComponent).join('/')),
  };
}

// ---------------------------------------------------------------------------------------------------
// CloudWatch Logs

export interface FakeLogEvent {
  readonly logStreamName: string;
  readonly timestamp: number;
  readonly message: string;
}

export interface FakeLogsOptions {
  /** Pages of events, answered in order: the request with nextToken `page-N` gets page N. */
  readonly pages: readonly (readonly FakeLogEvent[])[];
  readonly logGroupName: string;
  /** Answer a request before the default behaviour (to inject errors). */
  readonly intercept?: (req: RecordedRequest, body: Record<string, unknown>) => Reply | undefined;
}

export interface FakeLogs extends FakeServer {
  /** The JSON bodies of the FilterLogEvents requests, in order. */
  filterCalls(): Record<string, unknown>[];
}

export function logsError(status: number, type: string, message: string): Reply {
  return {
    status,
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': 'fake-request-id' },
    body: JSON.stringify({ __type: type, message }),
  };
}

export async function startFakeLogs(opts: FakeLogsOptions): Promise<FakeLogs> {
  const { server, url, requests } = await listen((req, res) => {
    const target = req.headers['x-amz-target'];
    const body = req.body === '' ? {} : (JSON.parse(req.body) as Record<string, unknown>);
    const intercepted = opts.intercept?.(req, body);
    if (intercepted !== undefined) return send(res, intercepted);
    if (req.method !== 'POST' || target !== 'Logs_20140328.FilterLogEvents') {
      return send(res, logsError(400, 'UnknownOperationException', `unexpected ${req.method} ${String(target)}`));
    }
    if (body['logGroupName'] !== opts.logGroupName && body['logGroupIdentifier'] !== opts.logGroupName) {
      return send(res, logsError(400, 'ResourceNotFoundException', 'The specified log group does not exist.'));
    }
    const token = typeof body['nextToken'] === 'string' ? body['nextToken'] : null;
    const index = token === null ? 0 : Number(token.replace('page-', ''));
    const events = (opts.pages[index] ?? []).map((e, i) => ({
      logStreamName: e.logStreamName,
      timestamp: e.timestamp,
      message: e.message,
      ingestionTime: e.timestamp + 300_000,
      eventId: `${index}-${i}`,
    }));
    const next = index + 1 < opts.pages.length ? `page-${index + 1}` : undefined;
    return send(res, {
      status: 200,
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': 'fake-request-id' },
      body: JSON.stringify({ events, searchedLogStreams: [], ...(next !== undefined ? { nextToken: next } : {}) }),
    });
  });
  return {
    url,
    requests,
    close: () => closeServer(server),
    filterCalls: () => requests.filter((r) => r.headers['x-amz-target'] === 'Logs_20140328.FilterLogEvents').map((r) => JSON.parse(r.body) as Record<string, unknown>),
  };
}
