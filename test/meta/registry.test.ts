// The registry is the only list of adapters: every adapter folder is registered, and every adapter
// that is built has what a user needs: a conformance run, a README capability column and config
// section, and a package subpath export.
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ADAPTERS, PROVIDER_IDS } from '../../src/adapters/registry.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const adaptersDir = join(root, 'src/adapters');
const readme = await readFile(join(root, 'README.md'), 'utf8');
const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { exports: Record<string, unknown> };

/** Adapter folders: those with a config.ts (a leading `_` marks a template, never registered). */
const folders = (await readdir(adaptersDir, { withFileTypes: true }))
  .filter((d) => d.isDirectory() && !d.name.startsWith('_') && existsSync(join(adaptersDir, d.name, 'config.ts')))
  .map((d) => d.name);
/** Registered adapters whose code is part of this version (a folder with an entry point). */
const built = PROVIDER_IDS.filter((id) => existsSync(join(adaptersDir, id, 'index.ts')));

/**
 * Resolves a subpath through the exports map as Node does: an exact key first, else the `*` pattern
 * with the longest prefix (then the longest key), its target's `*` replaced by what the pattern matched.
 */
function resolveExport(subpath: string): unknown {
  if (subpath in pkg.exports) return pkg.exports[subpath];
  const patterns = Object.keys(pkg.exports)
    .filter((key) => key.includes('*'))
    .sort((a, b) => b.indexOf('*') - a.indexOf('*') || b.length - a.length);
  for (const key of patterns) {
    const [prefix, suffix] = key.split('*') as [string, string];
    if (!subpath.startsWith(prefix) || !subpath.endsWith(suffix) || subpath.length < key.length - 1) continue;
    const match = subpath.slice(prefix.length, subpath.length - suffix.length);
    return JSON.parse(JSON.stringify(pkg.exports[key]).replaceAll('*', match));
  }
  return undefined;
}

const tableHeader = readme.split('\n').find((line) => line.startsWith('| capability |')) ?? '';
const columns = tableHeader.split('|').map((c) => c.trim()).filter(Boolean).slice(1);

describe('adapter registry', () => {
  it('lists every adapter folder, and only those', () => {
    expect(folders.length).toBeGreaterThan(0);
    expect([...PROVIDER_IDS].sort()).toEqual([...folders].sort());
  });

  it('publishes no nested module through the ./* pattern: no index.ts below an adapter folder', async () => {
    // `./*` maps unicollab/<anything> to dist/adapters/<anything>/index.js, slashes included, so a
    // nested index.ts (adapters/<id>/<folder>/index.ts) would become public API by accident.
    const nested = (await readdir(adaptersDir, { recursive: true })).filter((p) => p.endsWith('index.ts') && p.split(/[\\/]/).length > 2);
    expect(nested).toEqual([]);
  });

  it('keys each entry by its config id', () => {
    for (const id of PROVIDER_IDS) expect(ADAPTERS[id].config.id).toBe(id);
  });

  it('finds the README capability table it checks', () => {
    expect(columns.length).toBeGreaterThan(0);
  });

  describe.each(built)('%s', (id) => {
    it('has a conformance run under test/adapters/<id>/conformance', async () => {
      const dir = join(root, 'test/adapters', id, 'conformance');
      const files = existsSync(dir) ? (await readdir(dir)).filter((f) => f.endsWith('.test.ts')) : [];
      const texts = await Promise.all(files.map((f) => readFile(join(dir, f), 'utf8')));
      expect(texts.some((t) => t.includes('describeConformance('))).toBe(true);
    });

    it('has a README capability-table column', () => {
      expect(columns.some((c) => c === id || c.startsWith(`${id} (`))).toBe(true);
    });

    it('has a package.json subpath export ./<id> pointing at its built entry', () => {
      expect(resolveExport(`./${id}`)).toEqual({ types: `./dist/adapters/${id}/index.d.ts`, default: `./dist/adapters/${id}/index.js` });
    });

    it('has a documented config section in the README', () => {
      const row = readme.includes(`| \`${id}\` |`);
      const heading = readme.split('\n').some((line) => line.startsWith('### ') && line.toLowerCase().includes(id));
      expect(row || heading).toBe(true);
    });

    it('loads a definition with the same id and config spec as its registry entry', async () => {
      const definition = await ADAPTERS[id].load();
      expect(definition.id).toBe(id);
      expect(definition.configSchema).toBe(ADAPTERS[id].config.configSchema);
    });
  });
});
