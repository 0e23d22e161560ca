#!/usr/bin/env node
// The `unicollab` executable: runs the CLI and turns its result into the exit code.
import { CollabError } from '../core/errors.js';
import { main } from './main.js';

// A closed pipe (`unicollab capabilities | head`) is the reader's choice, not a failure to report.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    // Errors are already redacted; print the class, code and message, never a stack full of internals.
    if (CollabError.is(err)) process.stderr.write(`${err.name} (${err.code}): ${err.message}\n`);
    else process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
