/**
 * The catalogue's own rules: one file per rule in rules/ (file name = rule id), each listed in
 * rules/index.ts, each with rules/docs/<id>.md (what, why, example, fix), its meta complete, and importing
 * nothing but the rule API.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { RULES } from '../../rules/index.js';
import { SEVERITIES, type Rule } from '../../src/audit/rule-api.js';

const RULES_DIR = fileURLToPath(new URL('../../rules/', import.meta.url));
const files = readdirSync(RULES_DIR).filter((n) => n.endsWith('.ts') && n !== 'index.ts').sort();
const ids = files.map((f) => f.slice(0, -3));

describe('rules/ catalogue', () => {
  it('has the rule ids scripts depend on', () => {
    expect(ids).toEqual(
      expect.arrayContaining([
        'nacl-shadowed-entry',
        'nacl-duplicate-rule-number',
        'nacl-missing-return-path',
        'sg-redundant-rule',
        'unused-security-group',
        'unused-network-acl',
        'default-security-group-has-rules',
        'blackhole-route',
        'quota-near',
      ]),
    );
  });

  it('lists every file of rules/ in rules/index.ts, once, and nothing else', () => {
    expect(RULES.map((r) => r.meta.id).sort()).toEqual(ids);
    expect(new Set(RULES.map((r) => r.meta.id)).size).toBe(RULES.length);
  });

  it.each(ids)('%s: the default export is the listed rule and its id is the file name', async (id) => {
    const mod = (await import(/* @vite-ignore */ pathToFileURL(path.join(RULES_DIR, `${id}.ts`)).href)) as { default: Rule };
    expect(mod.default.meta.id).toBe(id);
    expect(RULES).toContain(mod.default);
  });

  it.each(ids)('%s: meta fields are present', (id) => {
    const meta = RULES.find((r) => r.meta.id === id)!.meta;
    expect(meta.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    expect(meta.title.length).toBeGreaterThan(5);
    expect(SEVERITIES).toContain(meta.severity);
    expect(meta.rationale.length).toBeGreaterThan(20);
    expect(meta.reference).toMatch(/ref \d|https:\/\/docs\.aws\.amazon\.com\//);
    for (const [name, o] of Object.entries(meta.options ?? {})) {
      expect(typeof o.default, `option ${name}`).toBe(o.type);
      expect(o.description.length).toBeGreaterThan(5);
    }
  });

  it.each(ids)('%s: has rules/docs/%s.md with what, why, example and fix', (id) => {
    const doc = path.join(RULES_DIR, 'docs', `${id}.md`);
    expect(existsSync(doc)).toBe(true);
    const text = readFileSync(doc, 'utf8');
    expect(text.startsWith(`# ${id}\n`)).toBe(true);
    for (const part of ['**What.**', '**Why.**', '**Example.**', '**Fix.**']) expect(text).toContain(part);
  });

  it('has no doc without a rule', () => {
    const docs = readdirSync(path.join(RULES_DIR, 'docs')).filter((n) => n.endsWith('.md')).map((n) => n.slice(0, -3)).sort();
    expect(docs).toEqual(ids);
  });

  it.each(ids)('%s: imports only the rule API', (id) => {
    const text = readFileSync(path.join(RULES_DIR, `${id}.ts`), 'utf8');
    const specifiers = [...text.matchAll(/from\s+'([^']+)'/g)].map((m) => m[1]);
    expect(specifiers.length).toBeGreaterThan(0);
    for (const s of specifiers) expect(s).toBe('../src/audit/rule-api.js');
  });
});
