/** The JSON Schemas of the stable contracts (copies of ../shared/schemas), compiled with ajv's 2020 dialect. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Ajv2020 from 'ajv/dist/2020.js';

const dir = fileURLToPath(new URL('../fixtures/schemas/', import.meta.url));
const load = (name: string) => JSON.parse(readFileSync(`${dir}${name}`, 'utf8')) as object;

const ajv = new (Ajv2020 as unknown as typeof Ajv2020.default)({ allErrors: true, strict: false });
ajv.addSchema(load('blocked-by.schema.json'));
export const validateTrace = ajv.compile(load('trace.schema.json'));
export const validateExplainRecord = ajv.compile(load('explain-record.schema.json'));
export const schemaDir = dir;
