/**
 * The vitest config Stryker's vitest runner uses (see stryker.config.mjs): the repo's vitest.config.ts
 * (aliases, decorators, the secret-scan setup file) with `include` narrowed to the tests of the scope
 * being mutated (MUTATION_SCOPE, set by scripts/mutation.mjs), and never the files that start servers,
 * live accounts or kill -9 children. Without a scope it runs the core tests.
 */
import { defineConfig } from 'vitest/config';
import { neverTest, scopes } from './stryker.config.mjs';
import base from './vitest.config.js';

const scope = process.env.MUTATION_SCOPE ? scopes[process.env.MUTATION_SCOPE as keyof typeof scopes] : undefined;
const globs = scope?.tests ?? ['test/core/**/*.test.ts'];
const include = globs.filter((g) => !g.startsWith('!'));
const exclude = [...neverTest, ...globs.filter((g) => g.startsWith('!')).map((g) => g.slice(1)), 'node_modules/**', 'reports/**'];

export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include,
    exclude,
    // Stryker's runner forces one worker thread; a hung mutant is cut by Stryker's own timeout.
    testTimeout: 30_000,
  },
});
