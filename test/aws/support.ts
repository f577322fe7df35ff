/** Shared helpers of the test/aws suites (not a test file). */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { E } from '../../src/fp.js';
import type { DecodeResult, Decoded, Problem } from '../../src/aws/decode/common.js';

const here = path.dirname(fileURLToPath(import.meta.url));

export const FIXTURES = path.resolve(here, '../fixtures/aws');
/** The shared research corpus, next to the repository (absent on some machines: suites skip). */
export const CORPUS = path.resolve(here, '../../../shared/corpus');

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
