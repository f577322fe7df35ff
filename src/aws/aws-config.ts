/**
 * The SDK client configuration every AWS client of vpcwhy shares (EC2, S3, CloudWatch Logs), following the
 * AWS CLI's conventions:
 * - credentials: the SDK's standard chain (environment, shared config / credentials files, SSO, web
 *   identity, container and instance roles); `--profile` (or AWS_PROFILE) selects a profile;
 * - region: `--region` (repeatable), else AWS_REGION, else AWS_DEFAULT_REGION, else the profile's `region`;
 * - `--endpoint-url` as in the AWS CLI (AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_<SERVICE> work through the SDK);
 * - retries: the SDK's standard strategy (exponential backoff with jitter, throttling errors included)
 *   with `DEFAULT_MAX_ATTEMPTS` attempts; AWS_MAX_ATTEMPTS and AWS_RETRY_MODE=adaptive are honoured.
 */
import { E } from '../fp.js';
import type { Either } from '../fp.js';

/** Attempts per call (the first and 5 retries), with the SDK's standard backoff. */
export const DEFAULT_MAX_ATTEMPTS = 6;
/** Milliseconds to open a connection before the attempt counts as failed (and is retried). */
export const CONNECTION_TIMEOUT_MS = 10_000;
/** Milliseconds a request may stay without answer before the attempt counts as failed. */
export const REQUEST_TIMEOUT_MS = 60_000;

export interface AwsConnection {
  readonly region: string;
  readonly profile?: string;
  readonly endpointUrl?: string;
  readonly maxAttempts?: number;
}

/** The part of an SDK v3 client configuration vpcwhy sets; pass it to `new EC2Client(...)` and the like. */
export interface AwsClientConfig {
  readonly region: string;
  readonly profile?: string;
  readonly endpoint?: string;
  readonly maxAttempts: number;
  readonly retryMode: 'standard' | 'adaptive';
  readonly requestHandler: { readonly connectionTimeout: number; readonly requestTimeout: number };
}

export function awsClientConfig(c: AwsConnection): AwsClientConfig {
  quietSdkNodeVersionWarning();
  return {
    region: c.region,
    ...(c.profile !== undefined ? { profile: c.profile } : {}),
    ...(c.endpointUrl !== undefined ? { endpoint: c.endpointUrl } : {}),
    maxAttempts: c.maxAttempts ?? maxAttemptsFromEnv() ?? DEFAULT_MAX_ATTEMPTS,
    retryMode: process.env.AWS_RETRY_MODE?.trim().toLowerCase() === 'adaptive' ? 'adaptive' : 'standard',
    requestHandler: { connectionTimeout: CONNECTION_TIMEOUT_MS, requestTimeout: REQUEST_TIMEOUT_MS },
  };
}

/** AWS_MAX_ATTEMPTS, as the AWS CLI reads it, when it is a positive integer. */
function maxAttemptsFromEnv(): number | undefined {
  const v = process.env.AWS_MAX_ATTEMPTS?.trim();
  return v !== undefined && /^[1-9]\d{0,2}$/.test(v) ? Number(v) : undefined;
}

/**
 * The SDK prints a multi-line notice about its own future Node support on first use; it says nothing about
 * the user's AWS setup, so vpcwhy switches it off unless the user has set the variable themselves.
 */
function quietSdkNodeVersionWarning(): void {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
}

/** Checks `--endpoint-url`: an absolute http(s) URL, as the AWS CLI wants it. */
export function checkEndpointUrl(text: string): Either<string, string> {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return E.left(`--endpoint-url: expected an absolute URL such as https://ec2.us-east-1.amazonaws.com, got "${text}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return E.left(`--endpoint-url: expected an http:// or https:// URL, got "${text}"`);
  }
  if (url.username !== '' || url.password !== '') return E.left('--endpoint-url: must not carry a user name or password');
  return E.right(text);
}

const REGION_SHAPE = /^[a-z]{2}(-[a-z0-9]+)+-\d{1,2}$/;

/** Region names as AWS spells them (`us-east-1`, `us-gov-west-1`, `ap-southeast-5`, `eu-isoe-west-1`). */
export function looksLikeRegion(s: string): boolean {
  return REGION_SHAPE.test(s);
}

/**
 * The regions to use: the given ones (repeatable `--region`, commas allowed), else AWS_REGION, else
 * AWS_DEFAULT_REGION, else the profile's `region` from the shared config file. Left: a message for the user.
 */
export async function resolveRegions(given: readonly string[], profile?: string): Promise<Either<string, string[]>> {
  const named = [...new Set(given.flatMap((g) => g.split(',')).map((s) => s.trim()).filter((s) => s !== ''))];
  if (named.length > 0) {
    const bad = named.filter((r) => !looksLikeRegion(r));
    if (bad.length > 0) return E.left(`--region: not a region name: ${bad.map((b) => `"${b}"`).join(', ')} (expected a name such as us-east-1)`);
    return E.right(named);
  }
  for (const v of ['AWS_REGION', 'AWS_DEFAULT_REGION']) {
    const r = process.env[v]?.trim();
    if (r !== undefined && r !== '') {
      return looksLikeRegion(r) ? E.right([r]) : E.left(`${v}: not a region name: "${r}" (expected a name such as us-east-1)`);
    }
  }
  const fromProfile = await regionFromSharedConfig(profile);
  if (fromProfile !== undefined) return E.right([fromProfile]);
  return E.left(
    `no AWS region: pass --region REGION (repeatable), set AWS_REGION, or set a region in the profile${profile === undefined ? '' : ` ${profile}`} (aws configure set region REGION${profile === undefined ? '' : ` --profile ${profile}`})`,
  );
}

/** The SDK's own region lookup (it reads the shared config file for the profile), or undefined. */
async function regionFromSharedConfig(profile: string | undefined): Promise<string | undefined> {
  quietSdkNodeVersionWarning();
  try {
    const { EC2Client } = await import('@aws-sdk/client-ec2');
    const client = new EC2Client(profile === undefined ? {} : { profile });
    try {
      const r = await client.config.region();
      return typeof r === 'string' && r !== '' ? r : undefined;
    } finally {
      client.destroy();
    }
  } catch {
    return undefined;
  }
}
