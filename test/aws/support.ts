/** Shared helpers of the test/aws suites (not a test file). */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { E } from '../../src/fp.js';
import type { DecodeResult, Decoded, Problem } from '../../src/aws/decode/common.js';

const here = path.dirname(fileURLToPath(import.meta.url));

export const FIXTURES = path.resolve(here, '../fixtures/aws');
/** The shared research corpus, next to the repository (absent on some machines: suites skip). */
export const CORPUS = process.env.VPCWHY_CORPUS ?? path.resolve(here, '../../../shared/corpus');

/** Every `aws_configs` directory under `root` (a Batfish snapshot each), in name order. */
export function findAwsConfigs(root: string): string[] {
  if (!existsSync(root)) return [];
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (!e.isDirectory()) continue;
      const full = path.join(dir, e.name);
      if (e.name === 'aws_configs') out.push(full);
      else walk(full);
    }
  };
  walk(root);
  return out;
}

export function awsCliFixture(name: string): string {
  return path.join(FIXTURES, 'aws-cli', name);
}

export function readJson(file: string): unknown {
  return JSON.parse(readFileSync(file, 'utf8')) as unknown;
}

/** The top-level value under `key` of an AWS CLI example fixture. */
export function awsCliSection(name: string, key: string): unknown {
  const json = readJson(awsCliFixture(name)) as Record<string, unknown>;
  return json[key];
}

/** Unwraps a successful decode; fails the test with the problems otherwise. */
export function expectDecoded<T>(result: DecodeResult<T>): Decoded<T> {
  if (E.isLeft(result)) {
    expect.fail(`expected a successful decode, got problems:\n${result.left.map((p) => `${p.path}: ${p.message}`).join('\n')}`);
  }
  return result.right;
}

export function expectProblems<T>(result: DecodeResult<T>): readonly Problem[] {
  if (E.isRight(result)) expect.fail('expected problems, got a successful decode');
  return result.left;
}
