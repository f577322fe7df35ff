/**
 * The SARIF 2.1.0 JSON Schema (test/fixtures/schemas/sarif-schema-2.1.0.json, a copy of
 * ../shared/schemas/third-party/, see NOTICE) compiled with ajv. The schema is draft-04; the only draft-04
 * keyword it relies on that ajv's default dialect reads differently is `id` (now `$id`), so it is
 * renamed on load and the draft-04 `$schema` dropped: every other keyword means the same in both.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import AjvModule from 'ajv';

const file = fileURLToPath(new URL('../fixtures/schemas/sarif-schema-2.1.0.json', import.meta.url));
const raw = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
const { $schema: _draft, id, ...rest } = raw;
const Ajv = AjvModule as unknown as typeof AjvModule.default;
const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
export const validateSarif = ajv.compile({ $id: id as string, ...rest });
