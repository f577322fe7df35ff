/** The composition root: commands, exit codes, and the one catch that turns failures into messages. */
import { Command, CommanderError } from 'commander';
import { VERSION } from '../version.js';
import { EXIT_BAD_INPUT, reportFatal } from './errors.js';
import { registerAudit } from './audit.js';
import { registerDiff } from './diff.js';
import { registerExplain } from './explain.js';
import { registerReach } from './reach.js';
import { registerSnapshot } from './snapshot.js';
import { registerSql } from './sql.js';
import { registerTrace } from './trace.js';
import { type Io, processIo } from './io.js';

/** Each command's action reports its exit code through this callback. */
export type SetExitCode = (code: number) => void;

export function buildProgram(setExitCode: SetExitCode, io: Io = processIo()): Command {
  const program = new Command();
  program
    .name('vpcwhy')
    .description('Why was my connection rejected? Explains AWS VPC Flow Log REJECTs and traces flows through security groups, network ACLs and routes.')
    .version(VERSION)
    .showHelpAfterError('(run with --help for usage)')
    // Help to the command's stdout, commander's errors in the one style of errors.ts (`vpcwhy: ...`).
    .configureOutput({
      writeOut: (str) => io.stdout.write(str),
      writeErr: (str) => io.stderr.write(str),
      outputError: (str, write) => write(`vpcwhy: ${str.replace(/^error: /, '')}`),
    })
    .exitOverride();
  registerExplain(program, setExitCode, io);
  registerTrace(program, setExitCode, io);
  registerReach(program, setExitCode, io);
  registerSnapshot(program, setExitCode, io);
  registerAudit(program, setExitCode, io);
  registerDiff(program, setExitCode, io);
  registerSql(program, setExitCode, io);
  for (const c of program.commands) c.exitOverride();
  return program;
}

/** Runs the CLI on arguments (without `node` and the script), writing through `io`; resolves to the exit code. */
export async function main(argv: readonly string[], io: Io = processIo()): Promise<number> {
  let code = 0;
  const program = buildProgram((c) => (code = c), io);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : EXIT_BAD_INPUT;
    return reportFatal(err, io);
  }
}
