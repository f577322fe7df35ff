/** `vpcwhy audit`: the rules of rules/ over a snapshot; text, json or SARIF; exit 1 on findings at or above --fail-on. */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Command } from 'commander';
import { RULES } from '../../rules/index.js';
import { type Finding, type Severity, SEVERITIES, severityRank } from '../audit/rule-api.js';
import { AuditUsageError, runAudit, selectRules } from '../audit/run.js';
import { AUDIT_FORMATS, type AuditFormat, type SarifLocation, renderAuditJson, renderAuditSarif, renderAuditText } from '../report/audit.js';
import { jsonPositionFinder, type TextPosition } from '../report/json-position.js';
import { VERSION } from '../version.js';
import { EXIT_FINDINGS, EXIT_OK, UsageError } from './errors.js';
import { type Io, processIo } from './io.js';
import { PLAN_OPTION, collect, loadIndexedSnapshot } from './snapshot-option.js';

interface AuditCliOptions {
  snapshot: string[];
  plan?: string;
  rules?: string;
  format: string;
  failOn: string;
  verbose?: boolean;
}

export function registerAudit(program: Command, setExitCode: (code: number) => void, io: Io = processIo()): void {
  program
    .command('audit')
    .description('audit security groups, network ACLs and routes with the rules of rules/ (exact packet-space analysis)')
    .option('--snapshot <path>', 'describe-* JSON file or directory (repeatable)', collect, [])
    .option(...PLAN_OPTION)
    .option('--rules <ids>', `comma-separated rule ids (default: all: ${RULES.map((r) => r.meta.id).join(', ')})`)
    .option('--format <format>', 'text | json | sarif', 'text')
    .option('--fail-on <severity>', 'exit 1 when a finding is at least this severe: low | medium | high | critical', 'low')
    .option('--verbose', 'list every snapshot warning')
    .action(async (opts: AuditCliOptions) => {
      setExitCode(await runAuditCommand(opts, io));
    });
}

function ruleIdsOption(text: string | undefined): string[] | undefined {
  if (text === undefined) return undefined;
  const ids = text.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (ids.length === 0) throw new UsageError('--rules: expected comma-separated rule ids');
  return ids;
}

/** rules/docs, found from this module upwards (dist/src/cli/ when compiled, dist/bundle/ when bundled). */
function docsDir(): string | null {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const candidate = path.join(dir, 'rules', 'docs');
    if (existsSync(candidate)) return candidate;
    dir = path.dirname(dir);
  }
  return null;
}

export function readRuleDocs(ids: readonly string[]): Map<string, string> {
  const dir = docsDir();
  const out = new Map<string, string>();
  if (dir === null) return out;
  for (const id of ids) {
    const file = path.join(dir, `${id}.md`);
    if (existsSync(file)) out.set(id, readFileSync(file, 'utf8'));
  }
  return out;
}

/** The SARIF location of findings: the file relative to the working directory, the line of the JSON path. */
export function sarifLocator(cwd: string): (f: Finding) => SarifLocation {
  const finders = new Map<string, ((p: string) => TextPosition | null) | null>();
  return (f) => {
    const abs = path.resolve(cwd, f.location.file);
    const rel = path.relative(cwd, abs);
    const uri = rel.startsWith('..') || path.isAbsolute(rel) ? pathToFileURL(abs).href : rel.split(path.sep).join('/');
    let finder = finders.get(abs);
    if (finder === undefined) {
      try {
        finder = jsonPositionFinder(readFileSync(abs, 'utf8'));
      } catch {
        finder = null;
      }
      finders.set(abs, finder);
    }
    const pos = finder?.(f.location.jsonPath) ?? null;
    return pos === null ? { uri } : { uri, line: pos.line, column: pos.column };
  };
}

export async function runAuditCommand(opts: AuditCliOptions, io: Io): Promise<number> {
  if (!(AUDIT_FORMATS as readonly string[]).includes(opts.format)) throw new UsageError(`--format: expected text, json or sarif, got "${opts.format}"`);
  const format = opts.format as AuditFormat;
  if (!(SEVERITIES as readonly string[]).includes(opts.failOn)) throw new UsageError(`--fail-on: expected low, medium, high or critical, got "${opts.failOn}"`);
  const failOn = opts.failOn as Severity;
  const ids = ruleIdsOption(opts.rules);
  try {
    // Before loading: a misspelt rule id fails at once.
    selectRules(RULES, ids);
  } catch (e) {
    if (e instanceof AuditUsageError) throw new UsageError(`--rules: ${e.message}`);
    throw e;
  }
  const index = await loadIndexedSnapshot(opts.snapshot, { verbose: opts.verbose ?? false, ...(opts.plan !== undefined ? { plan: opts.plan } : {}) }, io);
  let result;
  try {
    result = runAudit(index, ids === undefined ? {} : { rules: ids });
  } catch (e) {
    if (e instanceof AuditUsageError) throw new UsageError(e.message);
    throw e;
  }
  if (format === 'text') io.stdout.write(renderAuditText(result));
  else if (format === 'json') io.stdout.write(renderAuditJson(result));
  else {
    const metas = selectRules(RULES, ids).map((r) => r.meta);
    io.stdout.write(renderAuditSarif(result, { toolVersion: VERSION, rules: metas, docs: readRuleDocs(metas.map((m) => m.id)), locate: sarifLocator(process.cwd()) }));
  }
  return result.findings.some((f) => severityRank(f.severity) >= severityRank(failOn)) ? EXIT_FINDINGS : EXIT_OK;
}
