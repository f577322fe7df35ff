/**
 * Helpers of the live-snapshot tests: a hermetic AWS environment (fake credentials, no shared config files,
 * no instance metadata), the three-tier example as a fake account, and the in-process CLI runner.
 */
import { readFileSync, readdirSync } from 'node:fs';
import * as nodePath from 'node:path';
import { vi } from 'vitest';
import { runCli } from '../cli/run-cli.js';
import type { FakeAccount, JsonItem } from './fake-ec2.js';

/** AWS's documentation example credentials: never real, and easy to search for in outputs. */
export const ACCESS_KEY_ID = 'AKIDEXAMPLE';
export const SECRET_ACCESS_KEY = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
export const SESSION_TOKEN = 'FwoGZXIvYXdzEXAMPLESESSIONTOKEN0123456789';

/** Everything the SDK reads from the environment, cleared; then fake credentials and empty config files. */
export function useFakeAwsEnvironment(dir: string): void {
  for (const v of [
    'AWS_PROFILE',
    'AWS_DEFAULT_PROFILE',
    'AWS_REGION',
    'AWS_DEFAULT_REGION',
    'AWS_ENDPOINT_URL',
    'AWS_ENDPOINT_URL_EC2',
    'AWS_ROLE_ARN',
    'AWS_WEB_IDENTITY_TOKEN_FILE',
    'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
    'AWS_CONTAINER_CREDENTIALS_FULL_URI',
    'AWS_MAX_ATTEMPTS',
    'AWS_RETRY_MODE',
    'HTTP_PROXY',
    'HTTPS_PROXY',
    'http_proxy',
    'https_proxy',
  ]) {
    vi.stubEnv(v, undefined);
  }
  vi.stubEnv('AWS_ACCESS_KEY_ID', ACCESS_KEY_ID);
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', SECRET_ACCESS_KEY);
  vi.stubEnv('AWS_SESSION_TOKEN', SESSION_TOKEN);
  vi.stubEnv('AWS_CONFIG_FILE', nodePath.join(dir, 'config'));
  vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', nodePath.join(dir, 'credentials'));
  vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
  vi.stubEnv('AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED', 'true');
}

/** The texts that must never appear in any output. */
export function secretsIn(text: string): string[] {
  return [ACCESS_KEY_ID, SECRET_ACCESS_KEY, SESSION_TOKEN, 'AKIDPROFILEEXAMPLE', 'profileSecretEXAMPLEKEY'].filter((s) => text.includes(s));
}

const EXAMPLE_DIR = 'examples/three-tier/snapshot';

/** The three-tier example (describe JSON files) as a fake account. */
export function threeTierAccount(): FakeAccount {
  const account: FakeAccount = {};
  for (const name of readdirSync(EXAMPLE_DIR).sort()) {
    const json = JSON.parse(readFileSync(nodePath.join(EXAMPLE_DIR, name), 'utf8')) as Record<string, JsonItem[]>;
    for (const [key, items] of Object.entries(json)) {
      // managed-prefix-lists.json holds describe-managed-prefix-lists output (with Entries) under PrefixLists.
      const section = (name === 'managed-prefix-lists.json' ? 'ManagedPrefixLists' : key) as keyof FakeAccount;
      account[section] = [...(account[section] ?? []), ...items];
    }
  }
  return account;
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `vpcwhy <args>` in-process, as the built CLI would (src/cli/program.ts's main). */
export function runVpcwhy(args: string[]): Promise<CliRun> {
  return runCli(args);
}
