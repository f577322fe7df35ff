/**
 * Suppressions and baselines of `vpcwhy audit` (issue 21). Pure: the config and the baseline come in parsed
 * (suppress-config.ts, baseline.ts), the date as a `YYYY-MM-DD` string (the CLI's clock, a test's).
 *
 * A suppressed finding is never dropped: it keeps its place in the findings with a `suppressed` mark (why,
 * from where), the renderers show or count it, and only the unsuppressed findings decide the exit code.
 *
 * - A config suppression names a rule (glob), a resource (glob, against the finding's resource id and the
 *   Terraform address or CloudFormation logical id its location names) and optionally entry fields; it needs
 *   a reason and may expire (`expires: 2027-01-31`: suppressed through that day, UTC; from the next day the
 *   finding reports again and a warning says so). One that matches no finding is stale: a warning.
 * - A baseline holds findings by identity: rule id, resource and entry identity (never the message text).
 *   Several findings may share an identity (nacl-missing-return-path reports one NACL entry once per group
 *   of interfaces whose replies it drops); a hash of their facts (the rule's scalar details: `case`,
 *   `family`, `networkInterfaces`, ...) tells them apart. Matching is in two passes: a finding whose identity
 *   and facts the baseline holds is old; then the baseline's count of an identity left over covers the
 *   findings of that identity whose facts changed (in the findings' stable order); the rest are new.
 */
import { type Finding, type FindingEntry, RESERVED_FINDING_KEYS } from './rule-api.js';

/** A glob of the config: `*` any run of characters, `?` one; everything else (`[0]`, `.`) literal. */
export function globMatcher(pattern: string): (text: string) => boolean {
  const source = pattern
    .split('*')
    .map((part) =>
      part
        .split('?')
        .map((lit) => lit.replace(/[.+^${}()|[\]\\/-]/g, '\\$&'))
        .join('.'),
    )
    .join('.*');
  const re = new RegExp(`^${source}$`, 's');
  return (text) => re.test(text);
}

/** Entry fields a suppression may name, with the type of their values. */
export const ENTRY_PATTERN_FIELDS = {
  kind: 'string',
  aclId: 'string',
  groupId: 'string',
  routeTableId: 'string',
  direction: 'string',
  ruleNumber: 'integer',
  ruleId: 'string',
  index: 'integer',
  destination: 'string',
  target: 'string',
} as const;

export type EntryPatternField = keyof typeof ENTRY_PATTERN_FIELDS;

/** Fields every one of which must equal the finding entry's (strings as globs). */
export type EntryPattern = Readonly<Partial<Record<EntryPatternField, string | number>>>;

export interface Suppression {
  /** Rule id glob. */
  readonly rule: string;
  /** Resource glob: an AWS id, a Terraform address or a CloudFormation logical id. */
  readonly resource: string;
  readonly entry?: EntryPattern;
  readonly reason: string;
  /** `YYYY-MM-DD`, the last day the suppression holds. */
  readonly expires?: string;
  /** 1-based line of the suppression in its file. */
  readonly line: number;
}

export interface SuppressionConfig {
  /** The file as the user named it (`.vpcwhy.yaml`, `--config FILE`). */
  readonly file: string;
  readonly suppressions: readonly Suppression[];
}

/** A finding of a baseline: its identity, the hash of its facts, and how many findings of both it covers. */
export interface BaselineEntry {
  readonly rule: string;
  readonly resource: string;
  readonly entry?: FindingEntry;
  /** factsHash of the finding's details (absent: matched by identity alone). */
  readonly facts?: string;
  readonly count: number;
}

export interface Baseline {
  readonly file: string;
  readonly entries: readonly BaselineEntry[];
}

/** Why a finding is suppressed: the `suppressed` field of a JSON finding. */
export type SuppressionMark =
  | { readonly kind: 'config'; readonly reason: string; readonly file: string; readonly line: number; readonly expires?: string }
  | { readonly kind: 'baseline'; readonly reason: string; readonly file: string };

export interface SuppressionWarning {
  readonly file: string;
  readonly line?: number;
  readonly message: string;
}

export interface SuppressInput {
  readonly config?: SuppressionConfig;
  readonly baseline?: Baseline;
  /** Today, `YYYY-MM-DD` (UTC). */
  readonly today: string;
  /** Every rule id there is (a suppression's rule glob matching none of them is a typo). */
  readonly knownRules: readonly string[];
  /** The rule ids that ran (a suppression of a rule that did not run is not stale). */
  readonly rulesRun: readonly string[];
}

export interface SuppressOutput {
  /** The findings in the order given, the suppressed ones with `suppressed` set. */
  readonly findings: readonly Finding[];
  readonly warnings: readonly SuppressionWarning[];
}

/** `YYYY-MM-DD` of a date, in UTC. */
export function utcDay(now: Date): string {
  return now.toISOString().slice(0, 10);
}

const TF_ADDRESS = /^((?:module\.[A-Za-z_][\w-]*(?:\[(?:\d+|"(?:[^"\\]|\\.)*")\])?\.)*(?:data\.)?[a-z][a-z0-9_]*\.[A-Za-z_][\w-]*(?:\[(?:\d+|"(?:[^"\\]|\\.)*")\])?)(?=$|\.)/;
const CFN_LOGICAL_ID = /^Resources\.([A-Za-z0-9]+)(?=$|[.[])/;

/**
 * The resource a location names besides the finding's resource id: the Terraform address its JSON path
 * starts with (a plan's objects are located by address, `aws_vpc_security_group_ingress_rule.web.cidr_ipv4`)
 * or the CloudFormation logical id (`Resources.WebSG.Properties...`). Snapshot paths (`NetworkAcls[2]...`) name none.
 */
export function locationResource(jsonPath: string): string | undefined {
  return TF_ADDRESS.exec(jsonPath)?.[1] ?? CFN_LOGICAL_ID.exec(jsonPath)?.[1];
}

/** The names a suppression's resource glob is matched against. */
export function resourceNames(f: Finding): string[] {
  const at = locationResource(f.location.jsonPath);
  return at === undefined || at === f.resource ? [f.resource] : [f.resource, at];
}

/** A compiled suppression: whether it names a finding (its dates aside). */
export function suppressionMatcher(s: Suppression): (f: Finding) => boolean {
  const rule = globMatcher(s.rule);
  const resource = globMatcher(s.resource);
  const entry = Object.entries(s.entry ?? {}).map(([k, want]): [string, (got: unknown) => boolean] => {
    if (typeof want === 'number') return [k, (got) => got === want];
    const glob = globMatcher(want);
    return [k, (got) => typeof got === 'string' && glob(got)];
  });
  return (f) => {
    if (!rule(f.rule) || !resourceNames(f).some(resource)) return false;
    if (s.entry === undefined) return true;
    // A finding without an entry never matches a pattern that names entry fields.
    const fields = f.entry as unknown as Readonly<Record<string, unknown>> | undefined;
    return fields !== undefined && entry.every(([k, test]) => test(fields[k]));
  };
}

/** Whether the suppression holds on `today` (both `YYYY-MM-DD`). */
export function suppressionActive(s: Suppression, today: string): boolean {
  return s.expires === undefined || today <= s.expires;
}

/**
 * The identity of a finding in a baseline: rule, resource and what stays of the entry when the snapshot
 * is reordered or reworded (a NACL entry by its number, a group rule by its sgr- id or else its position,
 * a route by its destination: a table holds one route per destination).
 */
export function findingIdentity(f: { readonly rule: string; readonly resource: string; readonly entry?: FindingEntry | undefined }): string {
  const e = f.entry;
  const entry =
    e === undefined
      ? null
      : e.kind === 'nacl-entry'
        ? [e.kind, e.aclId, e.direction, e.ruleNumber]
        : e.kind === 'sg-rule'
          ? [e.kind, e.groupId, e.direction, e.ruleId ?? e.index]
          : [e.kind, e.routeTableId, e.destination];
  return JSON.stringify([f.rule, f.resource, entry]);
}

/** FNV-1a, 64 bits, as 16 hex digits: stable and dependency-free (SARIF fingerprints use it too). */
export function fnv1a64(text: string): string {
  let h = 0xcbf29ce484222325n;
  for (let i = 0; i < text.length; i++) {
    h ^= BigInt(text.charCodeAt(i));
    h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return h.toString(16).padStart(16, '0');
}

const RESERVED = new Set(RESERVED_FINDING_KEYS);

/** Detail keys that are positions in a file, not facts (they change when the file is reordered). */
const POSITIONAL = /path|index|line/i;

/**
 * The facts of a finding that tell apart findings of one identity: its details that are strings, numbers,
 * booleans or non-empty lists of strings, except positions. Nested values (sets of addresses, lists of
 * objects, of which an empty list may be one) are left out: they change with unrelated edits. `details` may be a JSON finding (fixed keys are skipped).
 */
export function factsHash(details: Readonly<Record<string, unknown>> | undefined): string | undefined {
  const kept: [string, unknown][] = [];
  for (const [k, v] of Object.entries(details ?? {})) {
    if (RESERVED.has(k) || POSITIONAL.test(k)) continue;
    const scalar = (x: unknown): boolean => typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean';
    if (scalar(v) || (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string'))) kept.push([k, v]);
  }
  if (kept.length === 0) return undefined;
  kept.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return fnv1a64(JSON.stringify(kept));
}

function describeSuppression(s: Suppression): string {
  return `suppression of ${s.rule} on ${s.resource}${s.entry === undefined ? '' : ` (entry ${Object.entries(s.entry).map(([k, v]) => `${k}=${v}`).join(', ')})`}`;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** Which findings the baseline holds (two passes: identity and facts, then identity alone), and what is left of it. */
function matchBaseline(findings: readonly Finding[], baseline: Baseline | undefined): { matched: boolean[]; left: { readonly rule: string; n: number }[] } {
  const matched = findings.map(() => false);
  if (baseline === undefined) return { matched, left: [] };
  // Buckets by identity and facts, in the baseline's order.
  const buckets = new Map<string, { readonly rule: string; readonly facts: string | undefined; n: number }[]>();
  for (const b of baseline.entries) {
    const list = buckets.get(findingIdentity(b)) ?? [];
    const same = list.find((x) => x.facts === b.facts);
    if (same !== undefined) same.n += b.count;
    else list.push({ rule: b.rule, facts: b.facts, n: b.count });
    buckets.set(findingIdentity(b), list);
  }
  const keys = findings.map(findingIdentity);
  const facts = findings.map((f) => factsHash(f.details));
  findings.forEach((_, i) => {
    const hit = facts[i] === undefined ? undefined : buckets.get(keys[i]!)?.find((x) => x.facts === facts[i] && x.n > 0);
    if (hit === undefined) return;
    hit.n--;
    matched[i] = true;
  });
  findings.forEach((_, i) => {
    if (matched[i]) return;
    const hit = buckets.get(keys[i]!)?.find((x) => x.n > 0);
    if (hit === undefined) return;
    hit.n--;
    matched[i] = true;
  });
  return { matched, left: [...buckets.values()].flat() };
}

/** Marks the findings the config and the baseline suppress; warns about expired, stale and mistyped suppressions. */
export function applySuppressions(findings: readonly Finding[], input: SuppressInput): SuppressOutput {
  const config = input.config?.suppressions ?? [];
  const configFile = input.config?.file ?? '';
  const matched = config.map(() => 0);
  const reportedAgain = config.map(() => 0);
  const inBaseline = matchBaseline(findings, input.baseline);
  const matchers = config.map(suppressionMatcher);
  const out = findings.map((f, fi): Finding => {
    let mark: SuppressionMark | undefined;
    const expiredHits: number[] = [];
    config.forEach((s, i) => {
      if (!matchers[i]!(f)) return;
      matched[i]!++;
      if (!suppressionActive(s, input.today)) expiredHits.push(i);
      else mark ??= { kind: 'config', reason: s.reason, file: configFile, line: s.line, ...(s.expires !== undefined ? { expires: s.expires } : {}) };
    });
    // The config's reason is shown when both cover a finding (it uses up the baseline's count all the same).
    if (input.baseline !== undefined && inBaseline.matched[fi] === true) mark ??= { kind: 'baseline', reason: `in the baseline ${input.baseline.file}`, file: input.baseline.file };
    if (mark === undefined) for (const i of expiredHits) reportedAgain[i]!++;
    return mark === undefined ? f : { ...f, suppressed: mark };
  });
  const warnings: SuppressionWarning[] = [];
  const known = input.knownRules;
  const ran = input.rulesRun;
  config.forEach((s, i) => {
    const at = { file: configFile, line: s.line };
    const rule = globMatcher(s.rule);
    if (!known.some(rule)) {
      warnings.push({ ...at, message: `${describeSuppression(s)}: no rule id matches "${s.rule}" (known: ${known.join(', ')})` });
    } else if (!suppressionActive(s, input.today)) {
      const again = reportedAgain[i]!;
      warnings.push({
        ...at,
        message: `${describeSuppression(s)} expired on ${s.expires ?? ''}: ${again === 0 ? (matched[i] === 0 ? 'it matches no finding; remove it' : 'its findings are suppressed otherwise') : `${plural(again, 'finding')} it matches ${again === 1 ? 'is' : 'are'} reported again`}`,
      });
    } else if (matched[i] === 0 && ran.some(rule)) {
      warnings.push({ ...at, message: `${describeSuppression(s)} matches no finding (stale): remove it or correct the pattern` });
    }
  });
  if (input.baseline !== undefined) {
    let gone = 0;
    for (const b of inBaseline.left) if (ran.includes(b.rule)) gone += b.n;
    if (gone > 0) warnings.push({ file: input.baseline.file, message: `${plural(gone, 'finding')} of the baseline ${gone === 1 ? 'is' : 'are'} no longer reported (fixed); --write-baseline rewrites it` });
  }
  return { findings: out, warnings };
}
