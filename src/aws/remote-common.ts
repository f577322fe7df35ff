/**
 * What the S3 and CloudWatch Logs flow-log readers share: their options, the progress hook, the SDK client
 * configuration (the shared one of aws-config.ts), and the turning of SDK failures (classified by
 * aws-errors.ts) into messages that name the operation, the IAM permission and the resource.
 *
 * Messages never carry credentials or stack traces (aws-errors.ts redacts what it quotes).
 */
import type { FlowLogFormat } from '../flowlog/format.js';
import { E } from '../fp.js';
import { awsClientConfig, checkEndpointUrl, resolveRegions, type AwsClientConfig } from './aws-config.js';
import { awsErrorCode, classifyAwsError, formatAwsFailure, type AwsFailure } from './aws-errors.js';

/** Counters of a remote read, for a progress display. */
export interface RemoteProgress {
  readonly source: 's3' | 'cloudwatch';
  /** S3: objects found by the listing so far (the listing streams, so this grows). */
  readonly objectsListed: number;
  /** S3: objects read (or failed) so far. */
  readonly objectsRead: number;
  /** S3: bytes received so far (as stored, i.e. compressed). CloudWatch: bytes of the event messages. */
  readonly bytes: number;
  /** CloudWatch: events received so far. S3: records parsed so far. */
  readonly records: number;
  /** CloudWatch: FilterLogEvents pages so far. S3: ListObjectsV2 pages so far. */
  readonly pages: number;
  /** What is being read now: an `s3://` URL, a log group. */
  readonly current: string;
}

/** Receives progress; `done` once at the end (also on failure or early stop). See src/cli/progress.ts. */
export interface ProgressListener {
  update(progress: RemoteProgress): void;
  done(): void;
}

export interface RemoteOptions {
  /** AWS region; else the SDK's resolution (AWS_REGION, the profile's region). */
  readonly region?: string | undefined;
  /** Named profile of ~/.aws/config; else AWS_PROFILE / the default chain. */
  readonly profile?: string | undefined;
  /** Endpoint URL (LocalStack, MinIO, tests); S3 then uses path-style addressing. */
  readonly endpointUrl?: string | undefined;
  /** Read only what lies in `[since, until)`. */
  readonly since?: Date | undefined;
  readonly until?: Date | undefined;
  /** CloudWatch: do not push the REJECT filter down (explain --all). */
  readonly all?: boolean | undefined;
  /** Only records of these ENIs (pushed down to CloudWatch; filtered after parsing for S3). */
  readonly interfaceIds?: readonly string[] | undefined;
  /**
   * The column order. CloudWatch: required for custom formats (events have no header, ref 1.10), the
   * default format otherwise. S3: for text objects without a header line (S3 files have one, ref 1.9).
   */
  readonly logFormat?: FlowLogFormat | undefined;
  /** Progress display; nothing when absent. */
  readonly progress?: ProgressListener | undefined;
  /** Notices that are not errors (an S3 prefix with no AWSLogs/ tree, ...). */
  readonly warn?: ((message: string) => void) | undefined;
  /** Largest number of records in one `records` event (default 4096). */
  readonly batchSize?: number | undefined;
  /** SDK attempts per request, retries included (default `DEFAULT_MAX_ATTEMPTS` of aws-config.ts). */
  readonly maxAttempts?: number | undefined;
  /** The present, for the S3 key walk's upper bound when `until` is absent (tests). Default: the clock. */
  readonly now?: Date | undefined;
}

/**
 * A failure of a remote read the user can act on (a missing permission, a missing bucket or log group,
 * no credentials, no region, an unreachable endpoint). The CLI reports `message` and exits 2.
 */
export class AwsSourceError extends Error {
  readonly _tag = 'AwsSourceError' as const;
  readonly exitCode = 2;
  override readonly name = 'AwsSourceError';
  constructor(
    message: string,
    /** The IAM action that was refused, when that is the problem. */
    readonly permission: string | null = null,
  ) {
    super(message);
  }
}

export function isAwsSourceError(err: unknown): err is AwsSourceError {
  return err instanceof AwsSourceError;
}

/** A client configuration and what error messages need to know about it. */
export interface RemoteClient {
  readonly config: AwsClientConfig;
  readonly region: string;
  readonly endpoint?: string;
}

/**
 * The SDK client configuration for a remote read (the shared `awsClientConfig`: region, profile, endpoint,
 * retries, timeouts). The region is `opts.region`, else `regionHint` (from a log-group ARN), else the
 * environment or the profile. Throws `AwsSourceError` for a bad endpoint URL or when no region is found.
 */
export async function remoteClientConfig(opts: RemoteOptions, defaultAttempts: number, regionHint: string | null = null): Promise<RemoteClient> {
  const endpointUrl = opts.endpointUrl !== undefined && opts.endpointUrl !== '' ? opts.endpointUrl : undefined;
  if (endpointUrl !== undefined) {
    const checked = checkEndpointUrl(endpointUrl);
    if (E.isLeft(checked)) throw new AwsSourceError(checked.left);
  }
  const profile = opts.profile !== undefined && opts.profile !== '' ? opts.profile : undefined;
  const given = opts.region !== undefined && opts.region !== '' ? [opts.region] : regionHint !== null ? [regionHint] : [];
  const regions = await resolveRegions(given, profile);
  if (E.isLeft(regions)) throw new AwsSourceError(regions.left);
  const region = regions.right[0];
  if (region === undefined || regions.right.length > 1) {
    throw new AwsSourceError(`--region: the flow-log readers read one region at a time, got ${regions.right.join(', ')}`);
  }
  const config = awsClientConfig({
    region,
    ...(profile !== undefined ? { profile } : {}),
    ...(endpointUrl !== undefined ? { endpointUrl } : {}),
    maxAttempts: opts.maxAttempts ?? defaultAttempts,
  });
  return { config, region, ...(endpointUrl !== undefined ? { endpoint: endpointUrl } : {}) };
}

/** What was being done when an SDK call failed. */
export interface CallContext {
  /** `ListObjectsV2 on s3://bucket/prefix`, `FilterLogEvents on log group /vpc/flow`. */
  readonly what: string;
  /** The IAM action this call needs, e.g. `s3:ListBucket`. */
  readonly permission: string;
  /** The resource the permission is needed on, e.g. `arn:aws:s3:::bucket`. */
  readonly resource: string;
  /** Extra hint for access denials (e.g. KMS). */
  readonly deniedHint?: string;
  readonly client: RemoteClient;
}

/** The error code of an SDK (or network) error: `AccessDenied`, `NoSuchKey`, `ECONNREFUSED`, ... */
export function errorCode(err: unknown): string {
  return awsErrorCode(err);
}

function classify(err: unknown, ctx: CallContext): AwsFailure {
  return classifyAwsError(err, {
    permission: ctx.permission,
    region: ctx.client.region,
    ...(ctx.client.endpoint !== undefined ? { endpoint: ctx.client.endpoint } : {}),
  });
}

/**
 * The failures that stop a whole run whatever the object or stream: missing or refused credentials, a
 * missing permission, an unreachable endpoint, throttling that outlasted the retries. Null for the others
 * (a missing or archived object, ...), which the caller may report per object and go on.
 */
export function fatalAwsError(err: unknown, ctx: CallContext): AwsSourceError | null {
  const f = classify(err, ctx);
  switch (f.kind) {
    case 'access-denied':
      return new AwsSourceError(
        `${ctx.what}: ${formatAwsFailure(f)}. The IAM permission ${ctx.permission} is needed on ${ctx.resource}${ctx.deniedHint ? `; ${ctx.deniedHint}` : ''}`,
        ctx.permission,
      );
    case 'credentials':
    case 'network':
    case 'throttled':
      return new AwsSourceError(`${ctx.what}: ${formatAwsFailure(f)}`);
    case 'service':
      return null;
  }
}

/** A one-line description of a non-fatal SDK failure (credentials redacted). */
export function describeAwsError(err: unknown, ctx: CallContext): string {
  const f = classify(err, ctx);
  return `${f.code}${f.detail !== '' && f.detail !== f.code ? `: ${f.detail}` : ''}`;
}

/** Any SDK failure as an AwsSourceError: the fatal classification, else a generic message. */
export function toAwsSourceError(err: unknown, ctx: CallContext): AwsSourceError {
  return fatalAwsError(err, ctx) ?? new AwsSourceError(`${ctx.what} failed: ${describeAwsError(err, ctx)}`);
}

/** Calls `progress.update` at most every `intervalMs`, plus forced calls. */
export class ProgressCounter {
  objectsListed = 0;
  objectsRead = 0;
  bytes = 0;
  records = 0;
  pages = 0;
  current = '';
  private last = 0;

  constructor(
    private readonly source: RemoteProgress['source'],
    private readonly listener: ProgressListener | undefined,
    private readonly intervalMs = 100,
  ) {}

  tick(force = false): void {
    if (this.listener === undefined) return;
    const now = Date.now();
    if (!force && now - this.last < this.intervalMs) return;
    this.last = now;
    this.listener.update({
      source: this.source,
      objectsListed: this.objectsListed,
      objectsRead: this.objectsRead,
      bytes: this.bytes,
      records: this.records,
      pages: this.pages,
      current: this.current,
    });
  }

  done(): void {
    this.listener?.done();
  }
}
