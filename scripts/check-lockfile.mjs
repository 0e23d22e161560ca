#!/usr/bin/env node
// Fails when `npm install` would change package-lock.json (a stale `bin` path, a dependency added to
// package.json without `npm install`, a peer range edited by hand...). Runs
// `npm install --package-lock-only --ignore-scripts` on a copy of package.json and package-lock.json
// in a temp folder (node_modules and the repo are left alone; npm may ask the registry for metadata,
// through its cache) and compares the result with the committed lock file byte for byte.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const work = mkdtempSync(join(tmpdir(), 'unicollab-lockfile-'));
let code = 1;
try {
  code = check();
} finally {
  rmSync(work, { recursive: true, force: true });
}
process.exit(code);

function check() {
  for (const file of ['package.json', 'package-lock.json', '.npmrc']) {
    if (existsSync(join(root, file))) copyFileSync(join(root, file), join(work, file));
  }
  if (!existsSync(join(work, 'package-lock.json'))) {
    console.error('package-lock.json is missing: run `npm install` and commit it');
    return 1;
  }
  execFileSync('npm', ['install', '--package-lock-only', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: work,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, npm_config_update_notifier: 'false' },
  });
  const before = readFileSync(join(root, 'package-lock.json'), 'utf8');
  const after = readFileSync(join(work, 'package-lock.json'), 'utf8');
  if (before === after) {
    console.log('package-lock.json: in sync with package.json (npm install would not change it)');
    return 0;
  }
  console.error('package-lock.json is out of date: `npm install` would change it. Run `npm install` and commit package-lock.json.');
  const a = JSON.parse(before).packages ?? {};
  const b = JSON.parse(after).packages ?? {};
  const changed = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((key) => JSON.stringify(a[key]) !== JSON.stringify(b[key]));
  for (const key of changed.slice(0, 30)) {
    const what = !(key in a) ? 'added' : !(key in b) ? 'removed' : 'changed';
    const fields = what === 'changed' ? ` (${[...new Set([...Object.keys(a[key]), ...Object.keys(b[key])])].filter((f) => JSON.stringify(a[key][f]) !== JSON.stringify(b[key][f])).join(', ')})` : '';
    console.error(`  ${what}: ${key === '' ? '(root package)' : key}${fields}`);
  }
  if (changed.length > 30) console.error(`  ... and ${changed.length - 30} more`);
  if (changed.length === 0) console.error('  (only formatting or top-level fields differ)');
  return 1;
}
