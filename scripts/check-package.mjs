#!/usr/bin/env node
// Checks the package as it would be published (run after `npm run build`): publint over the packed
// package, then attw over every published subpath, then a self-referencing import of each one.
// The exports map lists adapters with a `./*` pattern, which attw cannot expand, so the subpaths come
// from the registry: every adapter whose definition loads must be importable as `unicollab/<id>`.
import { execFileSync } from 'node:child_process';

const run = (cmd, args) => execFileSync(cmd, args, { stdio: 'inherit' });

const { ADAPTERS, PROVIDER_IDS } = await import('../dist/adapters/registry.js');
const shipped = [];
for (const id of PROVIDER_IDS) {
  try {
    await ADAPTERS[id].load();
    shipped.push(id);
  } catch (err) {
    if (err?.code !== 'config_error') throw err;
    console.log(`(registered, not shipped in this version: ${id})`);
  }
}
const subpaths = ['.', 'testing', ...shipped];
console.log(`== publint`);
run('npx', ['--no-install', 'publint', '--strict']);
console.log(`== attw (esm-only) over ${subpaths.join(', ')}`);
run('npx', ['--no-install', 'attw', '--pack', '.', '--profile', 'esm-only', '--entrypoints', ...subpaths]);
console.log('== every subpath imports by its public name');
for (const subpath of subpaths) {
  const name = subpath === '.' ? 'unicollab' : `unicollab/${subpath}`;
  const mod = await import(name);
  if (Object.keys(mod).length === 0) throw new Error(`${name} exports nothing`);
  console.log(`${name}: ${Object.keys(mod).length} exports`);
}
