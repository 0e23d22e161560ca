import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (path: string) => fileURLToPath(new URL(`./src/${path}`, import.meta.url));

export default defineConfig({
  // Legacy (experimentalDecorators) semantics everywhere, tests included: Inversify's parameter decorators need them.
  oxc: { decorator: { legacy: true } },
  resolve: {
    // Tests import the package by its public names, exactly as users do; they resolve to the source.
    alias: [
      { find: /^unicollab$/, replacement: src('index.ts') },
      { find: /^unicollab\/testing$/, replacement: src('testing/index.ts') },
      // Every other subpath is an adapter folder's entry point: unicollab/<id> -> src/adapters/<id>/index.ts.
      { find: /^unicollab\/([a-z][\w-]*)$/, replacement: src('adapters/$1/index.ts') },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    // Scans every result, error and collab object of the run for secrets (see the file).
    setupFiles: ['test/support/secret-scan.setup.ts'],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
