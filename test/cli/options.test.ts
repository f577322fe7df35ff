/**
 * Options declared once (src/cli/options.ts; issue 20 item 10, issue 18): a non-repeatable option given
 * twice with different values is a usage error on every command, --help says what is required and lists
 * the exit codes, repeatable options show no "(default: [])", one message style for a missing option.
 */
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

const SNAP = 'examples/three-tier/snapshot';
const LOG = 'examples/three-tier/flows.log';

const COMMANDS = ['explain', 'trace', 'reach', 'audit', 'sql', 'snapshot'] as const;

describe('a non-repeatable option given twice with different values is a usage error (exit 2)', () => {
  it.each([
    ['explain', ['explain', '--snapshot', SNAP, '--format', 'json', '--format', 'jsonl', LOG], '--format FORMAT given twice with different values ("json" and "jsonl")'],
    ['trace --port', ['trace', '--snapshot', SNAP, '--from', 'eni-0web100000000001', '--to', '10.0.3.30', '--protocol', 'tcp', '--port', '80', '--port', '8080'], '--port N given twice with different values ("80" and "8080")'],
    ['trace --from', ['trace', '--snapshot', SNAP, '--from', '198.51.100.7', '--from', '198.51.100.8', '--to', 'eni-0web100000000001', '--protocol', 'tcp', '--port', '22'], '--from ENI-OR-IP given twice with different values'],
    ['reach', ['reach', '--snapshot', SNAP, '--to', 'eni-0web100000000001', '--to', 'eni-0db1000000000004'], '--to ENI-ID given twice with different values'],
    ['audit', ['audit', '--snapshot', SNAP, '--fail-on', 'high', '--fail-on', 'low'], '--fail-on SEVERITY given twice with different values'],
    ['sql', ['sql', '--snapshot', SNAP, '--dialect', 'athena', '--dialect', 'trino'], '--dialect DIALECT given twice with different values'],
    ['snapshot', ['snapshot', '-o', 'a.json', '--output', 'b.json'], '--output FILE given twice with different values'],
  ])('%s', async (_name, args, message) => {
    const r = await runCli(args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`vpcwhy: ${message}`);
  });

  it('the same value twice is taken once; a repeatable option collects every value', async () => {
    const r = await runCli(['trace', '--snapshot', SNAP, '--snapshot', SNAP, '--from', 'eni-0web100000000001', '--to', 'eni-0db1000000000004', '--protocol', 'tcp', '--port', '5432', '--port', '5432', '--format', 'json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).reachable).toBe(false);
  });
});

describe('--help of every command', () => {
  it.each(COMMANDS)('%s: says which options are required, lists the exit codes, and no "(default: [])"', async (command) => {
    const r = await runCli([command, '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('\nRequired:\n');
    expect(r.stdout).toContain('\nExit codes:\n  0  ');
    expect(r.stdout).toContain('\n  2  bad input or usage');
    expect(r.stdout).not.toContain('default: []');
  });

  it('names the required options, their conditions, and the codes 0 and 1 where a command has them (trace)', async () => {
    const r = await runCli(['trace', '--help']);
    expect(r.stdout).toContain('Required:\n  --snapshot PATH (unless --plan or --cfn is given)\n  --from ENI-OR-IP\n  --to ENI-OR-IP\n  --protocol PROTO\n  --port N (for tcp and udp)\n');
    expect(r.stdout).toContain('  0  the flow is delivered and its responses get back\n  1  the flow is blocked (the blocking rule is named)\n');
    expect(r.stdout).toMatch(/--snapshot <path>\s+describe-\* JSON file or directory \(required unless --plan\s+or --cfn is given; repeatable\)/);
  });
});

describe('a missing option: one message style, exit 2', () => {
  it.each([
    [['trace', '--snapshot', SNAP, '--to', '10.0.1.10', '--protocol', 'tcp', '--port', '22'], 'vpcwhy: --from ENI-OR-IP is required\n'],
    [['trace', '--from', '10.0.1.10', '--to', 'eni-0web100000000001', '--protocol', 'tcp', '--port', '22'], 'vpcwhy: --snapshot PATH is required (files or directories of `aws ec2 describe-*` JSON)\n'],
    [['trace', '--snapshot', SNAP, '--from', '10.0.1.10', '--to', '10.0.3.30', '--protocol', 'tcp'], 'vpcwhy: --port is required for tcp\n'],
    [['reach', '--snapshot', SNAP], 'vpcwhy: --to ENI-ID is required\n'],
    [['sql', '--snapshot', SNAP], 'vpcwhy: --dialect DIALECT is required (athena, trino or duckdb)\n'],
    [['snapshot'], 'vpcwhy: --output FILE is required (or use --check --snapshot S to check a snapshot)\n'],
    [['sql', '--snapshot', SNAP, '--dialect', 'duckdb'], 'vpcwhy: --location WHERE is required (with --dialect duckdb: the local flow-log file, directory or glob to read)\n'],
  ])('%j', async (args, message) => {
    const r = await runCli(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(message);
  });

  it("commander's own errors are in the same style, through the command's stderr", async () => {
    const r = await runCli(['audit', '--snapshot', SNAP, '--no-such-option']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("vpcwhy: unknown option '--no-such-option'\n(run with --help for usage)\n");
  });
});
