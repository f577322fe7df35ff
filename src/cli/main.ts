#!/usr/bin/env node
import { main } from './program.js';

// `vpcwhy explain ... | head`: a reader that goes away early ends the run quietly, not with a stack trace.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  process.stderr.write(`vpcwhy: cannot write the output: ${err.message}\n`);
  process.exit(2);
});

// `vpcwhy ... 2>&1 | head`: a closed stderr must not turn the run's exit code into 1 (an uncaught
// EPIPE); what could not be written is lost either way.
process.stderr.on('error', () => {});

process.exitCode = await main(process.argv.slice(2));
