#!/usr/bin/env node
import { main } from './program.js';

// `vpcwhy explain ... | head`: a reader that goes away early ends the run quietly, not with a stack trace.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  process.stderr.write(`vpcwhy: cannot write the output: ${err.message}\n`);
  process.exit(2);
});

process.exitCode = await main(process.argv.slice(2));
