/** The reference stays the reference (docs/architecture.md): explain/ keeps no module state and imports no fast path. */
import { readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const EXPLAIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'src', 'explain');
const files = readdirSync(EXPLAIN).filter((f) => f.endsWith('.ts')).map((f) => [f, readFileSync(path.join(EXPLAIN, f), 'utf8')] as const);

describe('src/explain/', () => {
  it('imports nothing from pipeline/, report/ or cli/', () => {
    const bad = files.filter(([, s]) => /from '\.\.\/(pipeline|report|cli)\//.test(s)).map(([f]) => f);
    expect(bad).toEqual([]);
  });

  it('keeps no module-level mutable state: no top-level let or var, no top-level Map, WeakMap or mutable Set', () => {
    const bad = files.flatMap(([f, s]) => s.split('\n').flatMap((line, i) => (/^(let|var) |^(export )?const \w+ = new (Map|WeakMap|Set)\b/.test(line) ? [`${f}:${i + 1}: ${line.slice(0, 60)}`] : [])));
    expect(bad).toEqual([]);
  });
});
