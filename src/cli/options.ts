/**
 * Options, declared once. Every command builds its options from `OptionSpec`s through `declareOptions`,
 * which gives them one behaviour:
 *
 * - an option that is not repeatable, given twice with different values (`--port 80 --port 8080`), is a
 *   usage error (exit 2); the same value twice is taken once;
 * - a repeatable option collects its values and is `[]` when absent, without "(default: [])" in --help;
 * - a required option that is missing fails with one message style, `--from ENI-OR-IP is required`;
 * - --help says which options are required (and when) and lists the command's exit codes.
 *
 * The options several commands share (--snapshot, --plan, --format, --verbose, --region, --profile,
 * --endpoint-url, --allow-partial, --log-format, --strict) are the constants below.
 */
import { type Command, Option } from 'commander';
import { UsageError } from './errors.js';

export interface OptionSpec {
  /** As commander takes them: `--snapshot <path>`, `-o, --output <file>`, `--all`. */
  readonly flags: string;
  readonly description: string;
  /** Collects every value into a list (`[]` when the option is absent). */
  readonly repeatable?: true;
  /** The value when the option is absent (shown in --help). */
  readonly default?: string;
  /**
   * Required: `true` (always: a missing one is a usage error before the command runs), or the condition
   * under which it is, said in --help and checked by the command (`'unless --plan is given'`).
   */
  readonly required?: true | string;
  /** The text after "is required" when it is missing (what to give). */
  readonly requiredHint?: string;
}

/** An exit code of a command and when it is returned. */
export type ExitCodes = readonly (readonly [code: number, when: string])[];

/** `2` for every command: the one way bad input and usage end. */
export const EXIT_USAGE_LINE = [2, 'bad input or usage (the message names the file, line, JSON path or option)'] as const;

export const SNAPSHOT_OPTION: OptionSpec = {
  flags: '--snapshot <path>',
  description: 'describe-* JSON file or directory',
  repeatable: true,
  required: 'unless --plan or --cfn is given',
  requiredHint: 'files or directories of `aws ec2 describe-*` JSON',
};

export const PLAN_SPEC: OptionSpec = {
  flags: '--plan <file>',
  description: 'a Terraform plan as JSON (`terraform show -json PLANFILE`), layered over --snapshot (or alone when it describes everything)',
};

export const CFN_SPEC: OptionSpec = {
  flags: '--cfn <template>',
  description: 'a CloudFormation template (JSON or YAML; `cdk synth` output as is), layered over --snapshot and --plan, or alone (Fn::ImportValue reads the exports of the others)',
  repeatable: true,
};

export const VERBOSE_OPTION: OptionSpec = { flags: '--verbose', description: 'list every snapshot warning (and every "not modelled" describe output)' };

export function formatOption(formats: readonly string[]): OptionSpec {
  return { flags: '--format <format>', description: formats.join(' | '), default: formats[0]! };
}

export const REGION_OPTION: OptionSpec = { flags: '--region <region>', description: 'AWS region', repeatable: true };
export const PROFILE_OPTION: OptionSpec = { flags: '--profile <profile>', description: 'AWS named profile (default AWS_PROFILE)' };
export const ENDPOINT_URL_OPTION: OptionSpec = { flags: '--endpoint-url <url>', description: 'AWS endpoint URL, as in the AWS CLI' };
export const ALLOW_PARTIAL_OPTION: OptionSpec = { flags: '--allow-partial', description: 'live snapshot: go on without describe calls that are denied' };
export const LOG_FORMAT_OPTION: OptionSpec = {
  flags: '--log-format <format>',
  description: "the flow log's LogFormat ('${version} ${vpc-id} ...') for input without a header line",
};
export const STRICT_OPTION: OptionSpec = { flags: '--strict', description: 'stop at the first bad line (exit 2)' };

/** The same option with another description (or other fields): `{ ...spec, description }` with a name. */
export function withDescription(spec: OptionSpec, description: string): OptionSpec {
  return { ...spec, description };
}

/** `--snapshot <path>` → `--snapshot PATH`: how messages name an option. */
export function optionLabel(spec: Pick<OptionSpec, 'flags'>): string {
  const long = /--[a-z0-9-]+/i.exec(spec.flags)?.[0] ?? spec.flags;
  const arg = /[<[]([^>\]]+)[>\]]/.exec(spec.flags)?.[1];
  return arg === undefined ? long : `${long} ${arg.toUpperCase()}`;
}

/** The message of a missing required option, one style for every command. */
export function missingOption(spec: OptionSpec): UsageError {
  return new UsageError(`${optionLabel(spec)} is required${spec.requiredHint ? ` (${spec.requiredHint})` : ''}`);
}

function once(label: string): (value: string, previous: unknown) => string {
  let given: string | undefined;
  return (value) => {
    if (given !== undefined && given !== value) {
      throw new UsageError(`${label} given twice with different values (${JSON.stringify(given)} and ${JSON.stringify(value)}); it takes one value`);
    }
    given = value;
    return value;
  };
}

function collectInto(value: string, previous: unknown): string[] {
  return [...(Array.isArray(previous) ? (previous as string[]) : []), value];
}

function helpDescription(spec: OptionSpec): string {
  const notes: string[] = [];
  if (spec.required === true) notes.push('required');
  else if (spec.required !== undefined) notes.push(`required ${spec.required}`);
  if (spec.repeatable) notes.push('repeatable');
  if (notes.length === 0) return spec.description;
  // One parenthesis: `... (default: the snapshot's; repeatable)`.
  return spec.description.endsWith(')') ? `${spec.description.slice(0, -1)}; ${notes.join('; ')})` : `${spec.description} (${notes.join('; ')})`;
}

/**
 * Adds the options to the command, and to its --help the required options (`alsoRequired`: what else is,
 * such as an argument) and the exit codes. Call it before `.action(...)`; the action then sees `[]` for an
 * absent repeatable option.
 */
export function declareOptions(cmd: Command, specs: readonly OptionSpec[], exitCodes: ExitCodes, alsoRequired: readonly string[] = []): Command {
  const repeatable: string[] = [];
  const required: { key: string; spec: OptionSpec }[] = [];
  for (const spec of specs) {
    const opt = new Option(spec.flags, helpDescription(spec));
    const key = opt.attributeName();
    if (spec.repeatable) {
      opt.argParser(collectInto);
      repeatable.push(key);
    } else if (opt.required || opt.optional) {
      opt.argParser(once(optionLabel(spec)));
    }
    if (spec.default !== undefined) opt.default(spec.default);
    if (spec.required === true) required.push({ key, spec });
    cmd.addOption(opt);
  }
  cmd.hook('preAction', (command) => {
    for (const key of repeatable) if (command.getOptionValue(key) === undefined) command.setOptionValueWithSource(key, [], 'default');
    for (const { key, spec } of required) if (command.getOptionValue(key) === undefined) throw missingOption(spec);
  });
  const requiredLines = [
    ...alsoRequired.map((r) => `  ${r}`),
    ...specs.filter((s) => s.required !== undefined).map((s) => `  ${optionLabel(s)}${s.required === true ? '' : ` (${s.required})`}`),
  ];
  const codes = [...exitCodes, ...(exitCodes.some(([c]) => c === 2) ? [] : [EXIT_USAGE_LINE])].map(([code, when]) => `  ${code}  ${when}`);
  cmd.addHelpText('after', `${requiredLines.length ? `\nRequired:\n${requiredLines.join('\n')}\n` : ''}\nExit codes:\n${codes.join('\n')}\n`);
  return cmd;
}
