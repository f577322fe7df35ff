/** Runs the CLI in-process through a memory Io (src/cli/io.ts) and returns stdout, stderr and the exit code. */
import { memoryIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/program.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCli(args: string[]): Promise<CliResult> {
  const io = memoryIo();
  const code = await main(args, io);
  return { code, stdout: io.stdoutText(), stderr: io.stderrText() };
}
