#!/usr/bin/env node
/**
 * The second half of `npm run build`: bundles the JavaScript tsc emitted into dist/ so that each public
 * entry point (`unicollab`, `unicollab/testing`, `unicollab/<adapter>`, the `unicollab` CLI) loads a
 * handful of files instead of one module per source file. On Node 20 every ES module costs a resolve,
 * a read and a compile; the unbundled `unicollab/liveblocks` loaded ~50 of our own modules, and the
 * bundled one loads a few chunks (issue 12: cold import and the first `createCollab()`; measured by
 * bench/cold-start.mjs).
 *
 * What stays as it was:
 *   - every dependency and `node:` builtin is external (inversify is the app's peer, zod/jose/ky/...
 *     are the user's to dedupe), and lazy `import()`s stay lazy: a dynamically imported module becomes
 *     its own chunk, loaded on first use (ky, jose, the memory persistence, the Velt Postgres store);
 *   - modules shared by several entry points live in shared chunks, once, so `unicollab` and
 *     `unicollab/liveblocks` see the same error classes and DI tokens;
 *   - the `.d.ts` files, and the rest of tsc's per-file output, which the repo's own scripts import
 *     (scripts/capability-table.mjs, export-schemas.mjs, check-package.mjs); the published entry
 *     points never import it.
 *
 * Usage: `node scripts/bundle.mjs [distDir]` after `tsc -p tsconfig.json [--outDir distDir]`.
 */
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rolldown } from 'rolldown';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const dist = resolve(process.argv[2] ?? join(root, 'dist'));

/** The entry points, named by their path in dist/ without `.js` (the names the `exports` map points to). */
function entryPoints() {
  const names = ['index', 'testing/index', 'cli/bin'];
  for (const id of readdirSync(join(root, 'src', 'adapters'))) {
    if (existsSync(join(root, 'src', 'adapters', id, 'index.ts'))) names.push(`adapters/${id}/index`);
  }
  return Object.fromEntries(names.map((name) => [name, join(dist, `${name}.js`)]));
}

const input = entryPoints();
for (const [name, file] of Object.entries(input)) {
  // tsc rewrites every file on each build; an entry that already imports a chunk was bundled before.
  if (!existsSync(file) || readFileSync(file, 'utf8').includes('./chunks/')) {
    throw new Error(`bundle: ${file} is not tsc output; run \`tsc -p tsconfig.json\` first`);
  }
}

/**
 * Loads tsc's output with its source map, so the bundle's maps lead back to the TypeScript sources
 * (tsc inlines them: `inlineSources`), as the unbundled files' maps did.
 */
const withTscSourceMaps = {
  name: 'tsc-source-maps',
  load(id) {
    if (!id.startsWith(dist) || !id.endsWith('.js')) return null;
    const code = readFileSync(id, 'utf8');
    const mapFile = `${id}.map`;
    if (!existsSync(mapFile)) return { code };
    const map = JSON.parse(readFileSync(mapFile, 'utf8'));
    // Relative `sources` are relative to the map's own folder; the bundler resolves them from the module.
    map.sources = map.sources.map((source) => resolve(dirname(id), map.sourceRoot ?? '', source));
    delete map.sourceRoot;
    return { code: code.replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n'), map };
  },
};
const bundle = await rolldown({
  input,
  // Anything not relative or absolute is a package or a builtin: never bundled.
  external: (id) => !id.startsWith('.') && !id.startsWith('/') && !id.startsWith('\0'),
  platform: 'node',
  plugins: [withTscSourceMaps],
  // Decorator metadata, module side effects (reflect-metadata, secret-shape registration) must stay.
  treeshake: { moduleSideEffects: true },
  logLevel: 'warn',
  onLog(level, log, handler) {
    // A module both imported and dynamically imported stays where it is; that is expected here
    // (the Velt Postgres store is public API and also loaded lazily by the adapter).
    if (log.code === 'INEFFECTIVE_DYNAMIC_IMPORT') return;
    handler(level, log);
  },
});
const chunks = join(dist, 'chunks');
rmSync(chunks, { recursive: true, force: true });
const { output } = await bundle.write({
  dir: dist,
  format: 'esm',
  entryFileNames: '[name].js',
  chunkFileNames: 'chunks/[name]-[hash].js',
  sourcemap: true,
  // Readable output: users read these files in stack traces and debuggers (the maps point further).
  minify: false,
});
await bundle.close();
const files = output.filter((o) => o.type === 'chunk');
console.log(`bundled ${Object.keys(input).length} entry points into ${files.length} files in ${dist}`);
