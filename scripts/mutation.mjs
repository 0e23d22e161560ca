#!/usr/bin/env node
/**
 * `npm run mutation -- <scope> [stryker run options]`: mutation testing of one scope (the scopes are in
 * stryker.config.mjs; scores and run times in docs/mutation.md). Incremental: a re-run only tests the
 * mutants whose code or covering tests changed (add `--force` after adding tests that should kill
 * static mutants, see docs/mutation.md). Extra options go to `stryker run`, e.g.
 * `npm run mutation -- core-http --mutate src/core/http/retry-after.ts`.
 *
 *   npm run mutation -- list    the scopes
 *   npm run mutation -- setup   installs Stryker into reports/stryker-deps (see below)
 *
 * Stryker comes from reports/stryker-deps when that exists, else from the devDependencies
 * (@stryker-mutator/core and @stryker-mutator/vitest-runner 9.x; 10.x needs Node >= 22).
 * reports/stryker-deps is a private install that an `npm install` elsewhere in the tree cannot prune
 * mid-run; it links the project's own vitest, so tests and runner share one vitest.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { scopes } from '../stryker.config.mjs';

const STRYKER_VERSION = '9.6.1';
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const privateDir = join(root, 'reports', 'stryker-deps');
const [scope, ...rest] = process.argv.slice(2);

function usage(code) {
  const out = code === 0 ? console.log : console.error;
  out('usage: npm run mutation -- <scope> [stryker run options]\n       npm run mutation -- setup | list\n\nscopes:');
  for (const [name, s] of Object.entries(scopes)) out(`  ${name.padEnd(20)} ${s.description}`);
  out('\nResults: reports/mutation/<scope>.html and .json; incremental state: reports/mutation/<scope>.incremental.json');
  process.exit(code);
}

function setup() {
  mkdirSync(privateDir, { recursive: true });
  writeFileSync(join(privateDir, 'package.json'), '{ "name": "stryker-deps", "private": true }\n');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const args = ['install', '--legacy-peer-deps', `@stryker-mutator/core@${STRYKER_VERSION}`, `@stryker-mutator/vitest-runner@${STRYKER_VERSION}`];
  spawn(npm, args, { cwd: privateDir, stdio: 'inherit' }).on('exit', (code) => process.exit(code ?? 1));
}

function run() {
  if (!scope || scope === 'list' || scope === '--help' || scope === '-h') usage(scope ? 0 : 1);
  if (!(scope in scopes)) {
    console.error(`unknown scope "${scope}"`);
    usage(1);
  }
  const privateBin = join(privateDir, 'node_modules', '@stryker-mutator', 'core', 'bin', 'stryker.js');
  const localBin = join(root, 'node_modules', '@stryker-mutator', 'core', 'bin', 'stryker.js');
  const bin = existsSync(privateBin) ? privateBin : existsSync(localBin) ? localBin : undefined;
  if (!bin) {
    console.error(`Stryker is not installed: npm install (devDependencies @stryker-mutator/core and @stryker-mutator/vitest-runner ${STRYKER_VERSION}), or npm run mutation -- setup`);
    process.exit(1);
  }
  const linkedVitest = join(privateDir, 'node_modules', 'vitest');
  if (bin === privateBin && !existsSync(linkedVitest)) symlinkSync(join(root, 'node_modules', 'vitest'), linkedVitest, 'dir');
  const started = Date.now();
  const child = spawn(process.execPath, [bin, 'run', 'stryker.config.mjs', ...rest], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, MUTATION_SCOPE: scope },
  });
  child.on('exit', (code, signal) => {
    console.log(`mutation ${scope}: ${((Date.now() - started) / 60_000).toFixed(1)} min`);
    process.exit(signal ? 1 : (code ?? 1));
  });
}

if (scope === 'setup') setup();
else run();
