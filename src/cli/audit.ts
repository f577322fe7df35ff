/** `vpcwhy audit`: the rules of rules/ over a snapshot; text, json or SARIF; exit 1 on findings at or above --fail-on. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Command } from 'commander';
import { RULES } from '../../rules/index.js';
import { type Finding, type Severity, SEVERITIES, severityRank } from '../audit/rule-api.js';
import { formatBaselineLoadError, parseBaseline, renderBaseline } from '../audit/baseline.js';
import { type AuditOptions, AuditUsageError, INTENT_RULE, runAudit, selectRules } from '../audit/run.js';
import { type Baseline, type SuppressionConfig, utcDay } from '../audit/suppress.js';
import { formatConfigLoadError, parseSuppressionConfig } from '../audit/suppress-config.js';
import { E } from '../fp.js';
import { printable } from '../report/printable.js';
import { checkIntentsOrUsage, readIntents, readText, withPlan } from './intents-option.js';
import { AUDIT_FORMATS, type AuditFormat, type SarifLocation, renderAuditJson, renderAuditSarif, renderAuditText } from '../report/audit.js';
import type { TextPosition } from '../report/json-position.js';
import { jsonTemplatePositionFinder, yamlPositionFinder } from '../iac/cfn-template.js';
import { VERSION } from '../version.js';
import { EXIT_FINDINGS, EXIT_OK, UsageError } from './errors.js';
import { type Io, processIo } from './io.js';
import { loadIndexedSnapshot } from './snapshot-option.js';
import { CFN_SPEC, PLAN_SPEC, SNAPSHOT_OPTION, VERBOSE_OPTION, declareOptions, formatOption, withDescription } from './options.js';

interface AuditCliOptions {
  snapshot: string[];
  plan?: string;
  cfn?: string[];
  rules?: string;
  format: string;
  failOn: string;
  intents?: string;
  verbose?: boolean;
  /** A file, false with --no-config, undefined: .vpcwhy.yaml when the working directory has one. */
  config?: string | false;
  baseline?: string;
  writeBaseline?: string;
}

export function registerAudit(program: Command, setExitCode: (code: number) => void, io: Io = processIo()): void {
  const cmd = program
    .command('audit')
    .description('audit security groups, network ACLs and routes with the rules of rules/ (exact packet-space analysis)');
  declareOptions(cmd, [
    SNAPSHOT_OPTION,
    PLAN_SPEC,
    CFN_SPEC,
    { flags: '--rules <ids>', description: `comma-separated rule ids (default: all: ${RULES.map((r) => r.meta.id).join(', ')})` },
    formatOption(['text', 'json', 'sarif']),
    { flags: '--intents <file>', description: 'a YAML file of must-allow / must-deny statements to check exactly (docs/intents.md); each that fails is an intent finding' },
    { flags: '--fail-on <severity>', description: 'exit 1 when a finding is at least this severe: low | medium | high | critical', default: 'low' },
    { flags: '--config <file>', description: `suppressions (YAML; default: ${CONFIG_FILE} in the working directory when there is one)` },
    { flags: '--no-config', description: `ignore ${CONFIG_FILE}` },
    { flags: '--baseline <file>', description: 'report only findings not in this baseline (from --write-baseline or --format json)' },
    { flags: '--write-baseline <file>', description: 'write the findings as a baseline to this file and exit 0' },
    withDescription(VERBOSE_OPTION, 'list every snapshot warning and the suppressed findings'),
  ], [[0, 'no finding at or above --fail-on'], [1, 'a finding at or above --fail-on']]);
  cmd.action(async (opts: AuditCliOptions) => {
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

/**
 * The SARIF location of findings: the file relative to the working directory, the line of the JSON path (in a
 * YAML CloudFormation template, of its key; a path the file lacks, e.g. inside an Fn::If, gives its nearest ancestor).
 */
export function sarifLocator(cwd: string): (f: Finding) => SarifLocation {
  const finders = new Map<string, ((p: string) => TextPosition | null) | null>();
  return (f) => {
    const abs = path.resolve(cwd, f.location.file);
    const rel = path.relative(cwd, abs);
    const uri = rel.startsWith('..') || path.isAbsolute(rel) ? pathToFileURL(abs).href : rel.split(path.sep).join('/');
    // A finding in a file that is not JSON (an intents statement) carries its line.
    if (f.location.line !== undefined) return { uri, line: f.location.line, ...(f.location.column !== undefined ? { column: f.location.column } : {}) };
    let finder = finders.get(abs);
    if (finder === undefined) {
      try {
        const text = readFileSync(abs, 'utf8');
        finder = /\.ya?ml$/i.test(abs) || (/\.template$/i.test(abs) && !/^\s*\{/.test(text)) ? yamlPositionFinder(text) : jsonTemplatePositionFinder(text);
      } catch {
        finder = null;
      }
      finders.set(abs, finder);
    }
    const pos = finder?.(f.location.jsonPath) ?? null;
    return pos === null ? { uri } : { uri, line: pos.line, column: pos.column };
  };
}

/** The config file `audit` reads from the working directory unless --config or --no-config says otherwise. */
export const CONFIG_FILE = '.vpcwhy.yaml';

/** The config (--config, or .vpcwhy.yaml in `cwd`) and the baseline, read and checked; undefined when neither is given. */
export function loadSuppressInputs(opts: Pick<AuditCliOptions, 'config' | 'baseline'>, cwd: string, now: Date = new Date()): NonNullable<AuditOptions['suppress']> | undefined {
  let config: SuppressionConfig | undefined;
  const file = opts.config === false ? undefined : (opts.config ?? (existsSync(path.join(cwd, CONFIG_FILE)) ? CONFIG_FILE : undefined));
  if (file !== undefined) {
    const parsed = parseSuppressionConfig(readText(path.resolve(cwd, file), '--config'), file);
    if (E.isLeft(parsed)) throw new UsageError(formatConfigLoadError(parsed.left));
    config = parsed.right;
  }
  let baseline: Baseline | undefined;
  if (opts.baseline !== undefined) {
    const parsed = parseBaseline(readText(path.resolve(cwd, opts.baseline), '--baseline'), opts.baseline);
    if (E.isLeft(parsed)) throw new UsageError(formatBaselineLoadError(parsed.left));
    baseline = parsed.right;
  }
  if (config === undefined && baseline === undefined) return undefined;
  return { today: utcDay(now), ...(config !== undefined ? { config } : {}), ...(baseline !== undefined ? { baseline } : {}) };
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
  // Before loading the snapshot: a bad config or baseline fails at once.
  const suppress = loadSuppressInputs(opts, process.cwd());
  const parsedIntents = opts.intents === undefined ? undefined : readIntents(opts.intents);
  // --intents with --rules: the intent rule runs too.
  const selected = parsedIntents !== undefined && ids !== undefined && !ids.includes(INTENT_RULE) ? [...ids, INTENT_RULE] : ids;
  const index = await loadIndexedSnapshot(opts.snapshot, { verbose: opts.verbose ?? false, ...(opts.plan !== undefined ? { plan: opts.plan } : {}), cfn: opts.cfn }, io);
  // With --plan, a Terraform address names its resource (an instance: its primary interface), as in trace.
  const intents = parsedIntents === undefined ? undefined : withPlan(index, parsedIntents);
  if (intents !== undefined) checkIntentsOrUsage(index, intents);
  let result;
  try {
    result = runAudit(index, { ...(selected === undefined ? {} : { rules: selected }), ...(intents !== undefined ? { intents } : {}), ...(suppress !== undefined ? { suppress } : {}) });
  } catch (e) {
    if (e instanceof AuditUsageError) throw new UsageError(e.message);
    throw e;
  }
  for (const w of result.suppressionWarnings ?? []) io.stderr.write(printable(`warning: ${w.file}${w.line !== undefined ? `:${w.line}` : ''}: ${w.message}\n`));
  if (opts.writeBaseline !== undefined) {
    const text = renderBaseline(result.findings);
    try {
      writeFileSync(opts.writeBaseline, text);
    } catch (e) {
      throw new UsageError(`--write-baseline: cannot write ${opts.writeBaseline}: ${(e as Error).message}`);
    }
    const n = result.findings.filter((f) => f.suppressed?.kind !== 'config').length;
    io.stderr.write(printable(`wrote ${opts.writeBaseline}: ${n} finding${n === 1 ? '' : 's'}\n`));
    return EXIT_OK;
  }
  if (format === 'text') io.stdout.write(renderAuditText(result, { verbose: opts.verbose ?? false }));
  else if (format === 'json') io.stdout.write(renderAuditJson(result));
  else {
    const metas = selectRules(RULES, selected).map((r) => r.meta);
    io.stdout.write(
      renderAuditSarif(result, { toolVersion: VERSION, rules: metas, docs: readRuleDocs(metas.map((m) => m.id)), locate: sarifLocator(process.cwd()), baseline: suppress?.baseline !== undefined }),
    );
  }
  // Only what is not suppressed decides the exit code.
  return result.findings.some((f) => f.suppressed === undefined && severityRank(f.severity) >= severityRank(failOn)) ? EXIT_FINDINGS : EXIT_OK;
}
