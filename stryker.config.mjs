// @ts-check
/**
 * Mutation testing (Stryker + its vitest runner), one scope at a time: `npm run mutation -- <scope>`
 * (scripts/mutation.mjs) sets MUTATION_SCOPE and runs `stryker run stryker.config.mjs`. Each scope names
 * the source files it mutates and the test files that may kill them (stryker.vitest.config.ts runs only
 * those), so a run stays short and never starts the Liveblocks dev server, Redis (except
 * core-webhooks-redis) or kill -9 children. Incremental: results are kept per scope in
 * reports/mutation/<scope>.incremental.json, so a re-run only tests mutants whose code or covering tests
 * changed. Not part of `npm test` nor of CI's default path. See docs/mutation.md.
 */

/** Test files a mutation run must never load: servers, live accounts, kill -9, benchmarks. */
export const neverTest = [
  'test/live/**',
  'test/**/integration/**',
  'test/**/kill9.test.ts',
  'test/portability/**',
  'test/cli/**',
  'test/**/*.bench.ts',
  'test/**/bench*.test.ts',
];

/**
 * @typedef {{ description: string, mutate: string[], tests: string[] }} MutationScope
 * @type {Record<string, MutationScope>}
 */
export const scopes = {
  'core-http': {
    description: 'src/core/http without fast-schema.ts: the client, retry policy, deadlines, error mapping (fake timers and nock only)',
    mutate: ['src/core/http/**/*.ts', '!src/core/http/index.ts', '!src/core/http/types.ts', '!src/core/http/fast-schema.ts'],
    tests: [
      'test/core/http/*.test.ts',
      '!test/core/http/fast-schema.test.ts',
      // Real sockets and real deadlines (~40 s a run): in core-http-sockets.
      '!test/core/http/reliability.test.ts',
      '!test/core/http/server.test.ts',
      'test/core/abort.test.ts',
      'test/core/**/*.mutation.test.ts',
    ],
  },
  'core-http-schema': {
    description: 'src/core/http/fast-schema.ts: the compiled schemas against zod (property tests)',
    mutate: ['src/core/http/fast-schema.ts'],
    tests: ['test/core/http/fast-schema.test.ts', 'test/core/**/*.mutation.test.ts'],
  },
  'core-http-sockets': {
    description: 'src/core/http with the real-socket tests too (reliability, server): slow, about 1.5 h',
    mutate: ['src/core/http/**/*.ts', '!src/core/http/index.ts', '!src/core/http/types.ts', '!src/core/http/fast-schema.ts'],
    tests: ['test/core/http/*.test.ts', '!test/core/http/fast-schema.test.ts', 'test/core/abort.test.ts', 'test/core/**/*.mutation.test.ts'],
  },
  'core-webhooks': {
    description: 'src/core/webhooks without the Redis replay store: Standard Webhooks verify/sign, headers, replay',
    mutate: ['src/core/webhooks/**/*.ts', '!src/core/webhooks/index.ts', '!src/core/webhooks/types.ts', '!src/core/webhooks/replay-redis.ts'],
    tests: ['test/core/webhooks/*.test.ts', '!test/core/webhooks/replay-redis.test.ts', 'test/core/**/*.mutation.test.ts'],
  },
  'core-webhooks-redis': {
    description: 'src/core/webhooks/replay-redis.ts against a real redis-server (needs `redis-server` on PATH)',
    mutate: ['src/core/webhooks/replay-redis.ts'],
    tests: ['test/core/webhooks/replay-redis.test.ts', 'test/core/webhooks/replay-redis.mutation.test.ts', 'test/core/webhooks/replay.test.ts'],
  },
  'core-redact': {
    description: 'src/core/redact.ts: secret redaction of errors, bodies and raw payloads',
    mutate: ['src/core/redact.ts'],
    tests: [
      'test/core/errors.test.ts',
      'test/core/secrets.test.ts',
      'test/core/scan.test.ts',
      'test/core/http/helpers.test.ts',
      'test/core/http/client.test.ts',
      'test/core/**/*.mutation.test.ts',
    ],
  },
  'memory-store': {
    description: 'the memory store and its persistence (journal, snapshots, lock, file system)',
    mutate: ['src/adapters/memory/store.ts', 'src/adapters/memory/persistence/**/*.ts', '!src/adapters/memory/persistence/schemas.ts'],
    tests: ['test/adapters/memory/unit/*.test.ts', 'test/adapters/memory/**/*.mutation.test.ts'],
  },
  liveblocks: {
    description: 'Liveblocks mappers and error mapping',
    mutate: ['src/adapters/liveblocks/mappers/**/*.ts', 'src/adapters/liveblocks/errors.ts'],
    tests: ['test/adapters/liveblocks/unit/*.test.ts', 'test/adapters/liveblocks/contract/*.test.ts', 'test/adapters/liveblocks/**/*.mutation.test.ts'],
  },
  velt: {
    description: 'Velt mappers and error mapping',
    mutate: ['src/adapters/velt/mappers/**/*.ts', 'src/adapters/velt/errors.ts'],
    tests: ['test/adapters/velt/unit/*.test.ts', 'test/adapters/velt/contract/*.test.ts', 'test/adapters/velt/**/*.mutation.test.ts'],
  },
  kabelwerk: {
    description: 'Kabelwerk mappers and error mapping',
    mutate: ['src/adapters/kabelwerk/mappers/**/*.ts', 'src/adapters/kabelwerk/errors.ts'],
    tests: ['test/adapters/kabelwerk/unit/*.test.ts', 'test/adapters/kabelwerk/contract/*.test.ts', 'test/adapters/kabelwerk/**/*.mutation.test.ts'],
  },
};

const scopeName = process.env.MUTATION_SCOPE;
const scope = scopeName ? scopes[scopeName] : undefined;
if (scopeName && !scope) throw new Error(`unknown MUTATION_SCOPE "${scopeName}"; one of: ${Object.keys(scopes).join(', ')}`);
const name = scopeName ?? 'custom';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
const config = {
  testRunner: 'vitest',
  vitest: { configFile: 'stryker.vitest.config.ts', related: false },
  plugins: ['@stryker-mutator/vitest-runner'],
  coverageAnalysis: 'perTest',
  // Without a scope (`npx stryker run stryker.config.mjs --mutate ...`) the default is src/core.
  mutate: scope?.mutate ?? ['src/core/**/*.ts', '!src/core/**/index.ts'],
  incremental: true,
  incrementalFile: `reports/mutation/${name}.incremental.json`,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: `reports/mutation/${name}.html` },
  jsonReporter: { fileName: `reports/mutation/${name}.json` },
  // One sandbox folder per scope, so two scopes can run side by side.
  tempDirName: `reports/stryker-tmp/${name}`,
  ignorePatterns: ['dist', 'docs-api', 'coverage', 'reports', '.unicollab-*', 'bench'],
  // A 2-core machine shared with other test runs: generous timeouts, so "timeout" means a real hang.
  concurrency: 2,
  timeoutMS: 15_000,
  timeoutFactor: 2.5,
  dryRunTimeoutMinutes: 15,
  thresholds: { high: 90, low: 85, break: null },
  cleanTempDir: 'always',
};

export default config;
