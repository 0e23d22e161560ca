/**
 * Heavy or optional dependencies load on first use, never when an entry point is imported (issue 12,
 * cold start): this walks the static import graph of every published entry point (value imports and
 * re-exports; `import type` and dynamic `import()` do not load anything at import time) and fails
 * when one of them reaches such a package. `bench/cold-start.mjs` measures the same at run time.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const ENTRIES = ['src/index.ts', 'src/testing/index.ts', 'src/adapters/memory/index.ts', 'src/adapters/liveblocks/index.ts', 'src/adapters/velt/index.ts', 'src/adapters/kabelwerk/index.ts'];
/** Packages that must load only when used (ky: transport 'ky'; jose: tokens; phoenix/ws: Kabelwerk realtime; yjs: documents; vitest: describeConformance; pg: the PostgreSQL store; cli-progress: the CLI). */
const LAZY = ['ky', 'jose', 'phoenix', 'ws', 'yjs', 'vitest', 'pg', 'cli-progress'];
/** Builtins too costly to load with every entry point (node:crypto: ~5 ms; core/node-crypto.ts loads it on first use). */
const LAZY_BUILTINS = ['node:crypto'];

/** Value imports and re-exports of a module, without `import type` / `export type` and without `import()`. */
export function staticSpecifiers(source: string): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');
  const out: string[] = [];
  const re = /^\s*(import|export)\s+(type\s+)?([\s\S]*?)\s*from\s*['"]([^'"]+)['"]|^\s*import\s+['"]([^'"]+)['"]/gm;
  for (const m of code.matchAll(re)) {
    if (m[5]) {
      out.push(m[5]);
      continue;
    }
    if (m[2]) continue; // import type / export type
    const clause = m[3] ?? '';
    // `import { type A, type B } from` loads nothing either.
    const braces = clause.match(/^\{([\s\S]*)\}$/);
    if (braces && braces[1]!.split(',').every((part) => part.trim() === '' || /^type\s/.test(part.trim()))) continue;
    out.push(m[4]!);
  }
  return out;
}

function reachedPackages(entry: string): Map<string, string> {
  const seen = new Set<string>();
  const packages = new Map<string, string>(); // package -> the module that imports it
  const stack = [join(root, entry)];
  while (stack.length > 0) {
    const file = stack.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const spec of staticSpecifiers(readFileSync(file, 'utf8'))) {
      if (spec.startsWith('.')) stack.push(resolve(dirname(file), spec.replace(/\.js$/, '.ts')));
      else if (spec.startsWith('node:')) {
        if (!packages.has(spec)) packages.set(spec, file.slice(root.length + 1));
      } else {
        const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!;
        if (!packages.has(name)) packages.set(name, file.slice(root.length + 1));
      }
    }
  }
  return packages;
}

describe('entry points load no heavy or optional dependency at import', () => {
  it('the import scanner sees value imports and skips type-only ones and import()', () => {
    expect(staticSpecifiers("import { a } from 'x';\nimport type { B } from 'y';\nimport { type C } from 'z';\nexport { d } from './d.js';\nconst m = await import('w');\nimport 'side';")).toEqual(['x', './d.js', 'side']);
  });

  for (const entry of ENTRIES) {
    it(entry, () => {
      const reached = reachedPackages(entry);
      const lazy = [...LAZY, ...LAZY_BUILTINS].filter((name) => reached.has(name)).map((name) => `${name} (imported by ${reached.get(name)})`);
      expect(lazy).toEqual([]);
    });
  }
});
