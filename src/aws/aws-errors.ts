/**
 * Classification of failures of AWS SDK calls (any service: EC2, S3, CloudWatch Logs) into a few kinds the
 * CLI can explain, and their messages. Messages never carry credentials: every text taken from an error is
 * passed through `redactSecrets`, and no stack or request dump is ever included.
 */

export type AwsFailure =
  /** The caller lacks an IAM permission (EC2 `UnauthorizedOperation`, `AccessDenied`, `AccessDeniedException`). */
  | { readonly kind: 'access-denied'; readonly permission: string; readonly code: string; readonly region?: string; readonly detail: string }
  /** No credentials, or AWS rejected them (expired, invalid, wrong signature, region not enabled). */
  | { readonly kind: 'credentials'; readonly code: string; readonly region?: string; readonly profile?: string; readonly detail: string }
  /** The endpoint could not be reached (DNS, refused, reset, timed out). */
  | { readonly kind: 'network'; readonly code: string; readonly endpoint?: string; readonly region?: string; readonly detail: string }
  /** Still throttled after the SDK's retries. */
  | { readonly kind: 'throttled'; readonly permission: string; readonly code: string; readonly region?: string; readonly detail: string }
  /** Any other error answered by the service, or raised by the SDK. */
  | { readonly kind: 'service'; readonly permission: string; readonly code: string; readonly region?: string; readonly detail: string };

/** What was being done when the error happened, for the classification and the message. */
export interface AwsCallContext {
  /** The IAM action of the call, e.g. `ec2:DescribeNetworkAcls`. */
  readonly permission: string;
  readonly region?: string;
  /** The endpoint URL given by the user, if any (shown in network errors). */
  readonly endpoint?: string;
  /** The profile given by the user, if any (shown in credential errors). */
  readonly profile?: string;
}

/** Error codes that mean "this identity may not make this call". */
export const ACCESS_DENIED_CODES: ReadonlySet<string> = new Set([
  'UnauthorizedOperation',
  'AccessDenied',
  'AccessDeniedException',
  'UnauthorizedAccess',
  'Forbidden',
]);

/** Error codes that mean "the credentials are missing, invalid or expired". */
export const CREDENTIAL_CODES: ReadonlySet<string> = new Set([
  'CredentialsProviderError',
  'AuthFailure',
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'IncompleteSignature',
  'ExpiredToken',
  'ExpiredTokenException',
  'RequestExpired',
  'InvalidToken',
  'TokenRefreshRequired',
  'MissingAuthenticationToken',
]);

const THROTTLING_CODES: ReadonlySet<string> = new Set([
  'RequestLimitExceeded',
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'TooManyRequestsException',
  'SlowDown',
  'RequestThrottled',
  'RequestThrottledException',
  'ProvisionedThroughputExceededException',
  'BandwidthLimitExceeded',
  'EC2ThrottledException',
  'PriorRequestNotComplete',
  'TransactionInProgressException',
]);

const NETWORK_CODES: ReadonlySet<string> = new Set([
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'EPROTO',
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'CERT_HAS_EXPIRED',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
]);

function field(err: unknown, key: string): unknown {
  return typeof err === 'object' && err !== null ? (err as Record<string, unknown>)[key] : undefined;
}

function stringField(err: unknown, key: string): string | undefined {
  const v = field(err, key);
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** The service's error code (`Code` of the XML/JSON error) or the Node error code, or the error name. */
export function awsErrorCode(err: unknown): string {
  return stringField(err, 'Code') ?? stringField(err, 'code') ?? stringField(err, 'name') ?? 'Error';
}

function httpStatus(err: unknown): number | undefined {
  const meta = field(err, '$metadata');
  const status = field(meta, 'httpStatusCode');
  return typeof status === 'number' ? status : undefined;
}

/** The secret values to keep out of messages: the environment's credentials (plus any given). */
function secretsToHide(extra: readonly string[]): string[] {
  const env = [process.env.AWS_ACCESS_KEY_ID, process.env.AWS_SECRET_ACCESS_KEY, process.env.AWS_SESSION_TOKEN];
  return [...env, ...extra].filter((s): s is string => typeof s === 'string' && s.length >= 4);
}

/**
 * Removes credentials from a text: the values of AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY /
 * AWS_SESSION_TOKEN, any `extra` secret (e.g. resolved profile credentials), and anything shaped like an
 * access key id (AKIA…/ASIA…) or a `Credential=`/`Signature=` field of a signed request.
 */
export function redactSecrets(text: string, extra: readonly string[] = []): string {
  let out = text;
  for (const s of secretsToHide(extra)) out = out.split(s).join('[redacted]');
  return out
    .replace(/\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{12,}\b/g, '[redacted]')
    .replace(/(Credential=)[^,\s]+/g, '$1[redacted]')
    .replace(/(Signature=)[0-9a-f]+/gi, '$1[redacted]')
    .replace(/(X-Amz-Security-Token=)[^&\s]+/gi, '$1[redacted]');
}

/** The service's message, without EC2's "Encoded authorization failure message" blob, shortened. */
function detailOf(err: unknown, extraSecrets: readonly string[]): string {
  const raw = stringField(err, 'message') ?? stringField(err, 'Message') ?? '';
  const cut = raw
    .replace(/\s*Encoded authorization failure message:.*$/s, '')
    .replace(/\s*Deserialization error: to see the raw response.*$/s, '').replace(/\s+/g, ' ').trim();
  const short = cut.length > 400 ? `${cut.slice(0, 400)}…` : cut;
  return redactSecrets(short, extraSecrets);
}

function compactRegion(region: string | undefined): { region?: string } {
  return region === undefined ? {} : { region };
}

/** Sorts an error from an SDK call into one of the kinds of `AwsFailure`. Total: never throws. */
export function classifyAwsError(err: unknown, ctx: AwsCallContext, extraSecrets: readonly string[] = []): AwsFailure {
  const code = awsErrorCode(err);
  const name = stringField(err, 'name') ?? '';
  const detail = detailOf(err, extraSecrets);
  const region = compactRegion(ctx.region);
  if (CREDENTIAL_CODES.has(code) || CREDENTIAL_CODES.has(name)) {
    return {
      kind: 'credentials',
      code: CREDENTIAL_CODES.has(code) ? code : name,
      ...region,
      ...(ctx.profile !== undefined ? { profile: ctx.profile } : {}),
      detail,
    };
  }
  if (ACCESS_DENIED_CODES.has(code) || (httpStatus(err) === 403 && field(err, '$fault') === 'client')) {
    return { kind: 'access-denied', permission: ctx.permission, code, ...region, detail };
  }
  if (THROTTLING_CODES.has(code) || httpStatus(err) === 429) {
    return { kind: 'throttled', permission: ctx.permission, code, ...region, detail };
  }
  const sysCode = stringField(err, 'code');
  if ((sysCode !== undefined && NETWORK_CODES.has(sysCode)) || NETWORK_CODES.has(name) || NETWORK_CODES.has(code)) {
    const host = stringField(err, 'hostname') ?? stringField(err, 'address');
    const port = field(err, 'port');
    const endpoint = ctx.endpoint ?? (host === undefined ? undefined : `${host}${typeof port === 'number' ? `:${port}` : ''}`);
    return { kind: 'network', code: sysCode ?? code, ...(endpoint === undefined ? {} : { endpoint: redactSecrets(endpoint) }), ...region, detail };
  }
  return { kind: 'service', permission: ctx.permission, code, ...region, detail };
}

const where = (region: string | undefined): string => (region === undefined ? '' : ` in ${region}`);

/** One sentence (or two) the user can act on. Never contains a stack trace or credentials. */
export function formatAwsFailure(f: AwsFailure): string {
  switch (f.kind) {
    case 'access-denied':
      return `access denied: the credentials may not call ${f.permission}${where(f.region)} (${f.code})${f.detail === '' ? '' : `: ${f.detail}`}`;
    case 'credentials': {
      const hint = f.code === 'AuthFailure'
        ? ' (or the region is not enabled for this account)'
        : '';
      const profile = f.profile === undefined ? '' : ` of profile ${f.profile}`;
      const what = f.code === 'CredentialsProviderError'
        ? f.profile === undefined
          ? 'no usable AWS credentials were found (environment, shared config and credentials files, SSO, container or instance role)'
          : `no usable AWS credentials were found for profile ${f.profile} (is it in the shared config or credentials file?)`
        : `AWS rejected the credentials${profile}${where(f.region)} (${f.code})`;
      return `${what}${f.detail === '' || f.code === 'CredentialsProviderError' ? '' : `: ${f.detail}`}${hint}. Check AWS_PROFILE / --profile, or run \`aws sso login\` for an SSO profile`;
    }
    case 'network':
      return `cannot reach the AWS endpoint${f.endpoint === undefined ? '' : ` ${f.endpoint}`}${where(f.region)} (${f.code})${f.detail === '' ? '' : `: ${f.detail}`}. Check the region name, --endpoint-url, and the network or proxy`;
    case 'throttled':
      return `${f.permission}${where(f.region)} was still throttled after retries (${f.code}); try again later or with fewer regions at once`;
    case 'service':
      return `${f.permission}${where(f.region)} failed (${f.code})${f.detail === '' ? '' : `: ${f.detail}`}`;
  }
}
