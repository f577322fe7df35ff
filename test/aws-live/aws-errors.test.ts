/** Error classification and redaction (src/aws/aws-errors.ts) and the shared client settings (src/aws/aws-config.ts). */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as nodePath from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_MAX_ATTEMPTS, awsClientConfig, checkEndpointUrl, resolveRegions } from '../../src/aws/aws-config.js';
import { classifyAwsError, formatAwsFailure, redactSecrets } from '../../src/aws/aws-errors.js';
import { E } from '../../src/fp.js';
import { ACCESS_KEY_ID, SECRET_ACCESS_KEY, SESSION_TOKEN, useFakeAwsEnvironment } from './support.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(nodePath.join(tmpdir(), 'vpcwhy-awscfg-'));
  useFakeAwsEnvironment(dir);
});
afterEach(() => {
  vi.unstubAllEnvs();
});

/** An error shaped like the SDK's service exceptions. */
function serviceError(code: string, status: number, message: string, fault: 'client' | 'server' = 'client'): Error {
  return Object.assign(new Error(message), { name: code, Code: code, $fault: fault, $metadata: { httpStatusCode: status } });
}

const ctx = { permission: 'ec2:DescribeNetworkAcls', region: 'us-east-1' };

describe('classifyAwsError', () => {
  it('treats EC2 UnauthorizedOperation, AccessDenied and AccessDeniedException as a missing permission', () => {
    for (const code of ['UnauthorizedOperation', 'AccessDenied', 'AccessDeniedException']) {
      const f = classifyAwsError(serviceError(code, 403, 'You are not authorized to perform this operation.'), ctx);
      expect(f).toMatchObject({ kind: 'access-denied', permission: 'ec2:DescribeNetworkAcls', code, region: 'us-east-1' });
      expect(formatAwsFailure(f)).toMatch(/^access denied: the credentials may not call ec2:DescribeNetworkAcls in us-east-1/);
    }
  });

  it('drops EC2\'s encoded authorization failure message', () => {
    const f = classifyAwsError(serviceError('UnauthorizedOperation', 403, 'You are not authorized to perform this operation. Encoded authorization failure message: AbCdEf0123'), ctx);
    expect(formatAwsFailure(f)).not.toContain('AbCdEf0123');
  });

  it('tells credential problems from permission problems (S3 answers 403 for a bad signature)', () => {
    expect(classifyAwsError(serviceError('SignatureDoesNotMatch', 403, 'The request signature we calculated does not match'), ctx).kind).toBe('credentials');
    expect(classifyAwsError(serviceError('AuthFailure', 401, 'AWS was not able to validate the provided access credentials'), ctx).kind).toBe('credentials');
    expect(classifyAwsError(serviceError('ExpiredToken', 400, 'The security token included in the request is expired'), ctx).kind).toBe('credentials');
    const none = classifyAwsError(Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }), ctx);
    expect(formatAwsFailure(none)).toMatch(/^no usable AWS credentials were found \(environment/);
    const noProfile = classifyAwsError(Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }), { ...ctx, profile: 'audit' });
    expect(formatAwsFailure(noProfile)).toMatch(/^no usable AWS credentials were found for profile audit/);
  });

  it('recognises throttling and network failures', () => {
    expect(classifyAwsError(serviceError('RequestLimitExceeded', 503, 'Request limit exceeded.', 'server'), ctx).kind).toBe('throttled');
    expect(classifyAwsError(serviceError('ThrottlingException', 400, 'Rate exceeded'), ctx).kind).toBe('throttled');
    const dns = classifyAwsError(Object.assign(new Error('getaddrinfo ENOTFOUND ec2.us-eest-1.amazonaws.com'), { code: 'ENOTFOUND', hostname: 'ec2.us-eest-1.amazonaws.com' }), ctx);
    expect(dns).toMatchObject({ kind: 'network', code: 'ENOTFOUND', endpoint: 'ec2.us-eest-1.amazonaws.com' });
    expect(formatAwsFailure(dns)).toContain('cannot reach the AWS endpoint ec2.us-eest-1.amazonaws.com in us-east-1 (ENOTFOUND)');
    expect(classifyAwsError(Object.assign(new Error('timed out'), { name: 'TimeoutError' }), ctx).kind).toBe('network');
  });

  it('keeps other service errors, with their code', () => {
    const f = classifyAwsError(serviceError('InvalidParameterValue', 400, 'bad value'), ctx);
    expect(f).toMatchObject({ kind: 'service', code: 'InvalidParameterValue' });
    expect(formatAwsFailure(f)).toBe('ec2:DescribeNetworkAcls in us-east-1 failed (InvalidParameterValue): bad value');
    expect(classifyAwsError('a string', ctx).kind).toBe('service');
    expect(classifyAwsError(undefined, ctx).kind).toBe('service');
  });
});

describe('redactSecrets', () => {
  it('removes the environment\'s credentials, given secrets, access key ids and SigV4 fields', () => {
    const text = `key ${ACCESS_KEY_ID} secret ${SECRET_ACCESS_KEY} token ${SESSION_TOKEN} other AKIAIOSFODNN7EXAMPLE profile s3cr3tFromProfile ` +
      'Authorization: AWS4-HMAC-SHA256 Credential=AKIDX/20260101/us-east-1/ec2/aws4_request, SignedHeaders=host, Signature=0123abcdef';
    const out = redactSecrets(text, ['s3cr3tFromProfile']);
    for (const s of [ACCESS_KEY_ID, SECRET_ACCESS_KEY, SESSION_TOKEN, 'AKIAIOSFODNN7EXAMPLE', 's3cr3tFromProfile', 'AKIDX', '0123abcdef']) expect(out).not.toContain(s);
    expect(out).toContain('[redacted]');
  });

  it('applies to every message built from an error', () => {
    const f = classifyAwsError(serviceError('InvalidClientTokenId', 403, `The security token ${SESSION_TOKEN} is invalid for ${ACCESS_KEY_ID}`), ctx);
    expect(formatAwsFailure(f)).not.toMatch(new RegExp(`${SESSION_TOKEN}|${ACCESS_KEY_ID}`));
  });
});

describe('shared client settings', () => {
  it('uses the standard retry strategy with 6 attempts (AWS_MAX_ATTEMPTS / AWS_RETRY_MODE honoured), and passes profile and endpoint through', () => {
    expect(DEFAULT_MAX_ATTEMPTS).toBe(6);
    expect(awsClientConfig({ region: 'eu-west-1', profile: 'p', endpointUrl: 'http://127.0.0.1:1' })).toMatchObject({
      region: 'eu-west-1', profile: 'p', endpoint: 'http://127.0.0.1:1', maxAttempts: 6, retryMode: 'standard',
    });
    expect(awsClientConfig({ region: 'eu-west-1' })).not.toHaveProperty('profile');
    vi.stubEnv('AWS_MAX_ATTEMPTS', '3');
    vi.stubEnv('AWS_RETRY_MODE', 'adaptive');
    expect(awsClientConfig({ region: 'eu-west-1' })).toMatchObject({ maxAttempts: 3, retryMode: 'adaptive' });
    expect(awsClientConfig({ region: 'eu-west-1', maxAttempts: 2 }).maxAttempts).toBe(2);
  });

  it('checks --endpoint-url like the AWS CLI: an absolute http(s) URL', () => {
    expect(E.isRight(checkEndpointUrl('https://ec2.us-east-1.amazonaws.com'))).toBe(true);
    expect(E.isRight(checkEndpointUrl('http://localhost:4566'))).toBe(true);
    expect(E.isLeft(checkEndpointUrl('localhost:4566'))).toBe(true);
    expect(E.isLeft(checkEndpointUrl('ftp://example.com'))).toBe(true);
    expect(E.isLeft(checkEndpointUrl('https://user:pw@example.com'))).toBe(true);
  });

  it('resolves regions: --region (repeatable, commas too), then AWS_REGION, AWS_DEFAULT_REGION, the profile', async () => {
    expect(await resolveRegions(['us-east-1', 'eu-west-1,us-east-1'])).toEqual(E.right(['us-east-1', 'eu-west-1']));
    expect(E.isLeft(await resolveRegions(['us east']))).toBe(true);
    vi.stubEnv('AWS_DEFAULT_REGION', 'ap-southeast-2');
    expect(await resolveRegions([])).toEqual(E.right(['ap-southeast-2']));
    vi.stubEnv('AWS_REGION', 'us-gov-west-1');
    expect(await resolveRegions([])).toEqual(E.right(['us-gov-west-1']));
    vi.stubEnv('AWS_REGION', undefined);
    vi.stubEnv('AWS_DEFAULT_REGION', undefined);
    writeFileSync(nodePath.join(dir, 'config'), '[default]\nregion = sa-east-1\n[profile other]\nregion = ca-central-1\n');
    expect(await resolveRegions([], 'other')).toEqual(E.right(['ca-central-1']));
    const none = await resolveRegions([], 'nameless');
    expect(E.isLeft(none) && none.left).toMatch(/^no AWS region: pass --region REGION/);
  });
});
