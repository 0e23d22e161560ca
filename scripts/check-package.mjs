#!/usr/bin/env node
// Checks the package as it would be published (run after `npm run build`): publint over the packed
// package, then attw over every published subpath, then a self-referencing import and require of each one,
// then that the bundled entry points share their modules.
// The exports map lists adapters with a `./*` pattern, which attw cannot expand, so the subpaths come
// from the registry: every adapter whose definition loads must be importable as `unicollab/<id>`.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';

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
// Profile node16: node16 from CJS, node16 from ESM and bundler (node10 is ignored: no exports map support).
// `cjs-resolves-to-esm` is the one rule ignored: it says a CommonJS `require()` cannot load this ESM
// package, which stopped being true with Node 20.19 (require(esm), no top-level await in any entry; the
// `engines` floor). attw 0.18 models TypeScript 5.6, which predates `module: node20`; the require is
// tested for real below and by scripts/check-consumer.mjs (type-checked with `module: nodenext`).
console.log(`== attw (node16 profile: node16-cjs, node16-esm, bundler) over ${subpaths.join(', ')}`);
run('npx', ['--no-install', 'attw', '--pack', '.', '--profile', 'node16', '--ignore-rules', 'cjs-resolves-to-esm', '--entrypoints', ...subpaths]);
console.log('== every subpath imports and requires by its public name; an export two share is one object');
const require = createRequire(import.meta.url);
// The entry points are bundled (scripts/bundle.mjs): a module shared by two of them must sit in one
// shared chunk, never be copied into both, or `instanceof` and DI tokens would differ by subpath.
const byName = new Map();
for (const subpath of subpaths) {
  const name = subpath === '.' ? 'unicollab' : `unicollab/${subpath}`;
  const mod = await import(name);
  if (Object.keys(mod).length === 0) throw new Error(`${name} exports nothing`);
  const required = require(name);
  const missing = Object.keys(mod).filter((key) => !(key in required));
  if (missing.length > 0) throw new Error(`require('${name}') lacks ${missing.join(', ')}`);
  for (const [key, value] of Object.entries(mod)) {
    const seen = byName.get(key);
    if (seen && seen.value !== value) throw new Error(`${key} from ${name} is not the ${key} of ${seen.name}: a module was bundled twice`);
    byName.set(key, seen ?? { name, value });
  }
  console.log(`${name}: ${Object.keys(mod).length} exports (import and require)`);
}
console.log(`${byName.size} distinct export names, each one object`);
