// Core knows no vendor: no vendor name in src/core (code and comments), and no import from outside
// core, so adding an adapter never means editing core.
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const core = join(root, 'src/core');

async function coreFiles(): Promise<Array<{ path: string; text: string }>> {
  const names = (await readdir(core, { recursive: true })).filter((f) => f.endsWith('.ts'));
  return Promise.all(names.map(async (name) => ({ path: relative(root, join(core, name)), text: await readFile(join(core, name), 'utf8') })));
}

describe('src/core', () => {
  it('names no vendor (grep -riE "liveblocks|velt|kabelwerk" src/core is empty)', async () => {
    const hits: string[] = [];
    for (const { path, text } of await coreFiles()) {
      text.split('\n').forEach((line, i) => {
        if (/liveblocks|velt|kabelwerk/i.test(line)) hits.push(`${path}:${i + 1}: ${line.trim().slice(0, 120)}`);
      });
    }
    expect(hits).toEqual([]);
  });

  it('imports nothing from outside core (adapters, registry, cli, testing, the package entry)', async () => {
    const hits: string[] = [];
    for (const { path, text } of await coreFiles()) {
      for (const match of text.matchAll(/(?:from|import)\s*\(?\s*['"](\.[^'"]+)['"]/g)) {
        const target = relative(core, join(root, path, '..', match[1]!));
        if (target.startsWith('..')) hits.push(`${path}: ${match[1]}`);
      }
    }
    expect(hits).toEqual([]);
  });

  it('finds the files it scans (the check cannot pass on an empty folder)', async () => {
    const files = await coreFiles();
    expect(files.map((f) => f.path)).toContain('src/core/adapter.ts');
    expect(files.length).toBeGreaterThan(20);
  });
});
