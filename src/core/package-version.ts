/**
 * This package's own version, for user agents and `unicollab --version`.
 * @module
 */
import { createRequire } from 'node:module';

let version: string | undefined;

/**
 * The `version` of unicollab's `package.json`, read once. The manifest is found by the package's own
 * name (its `./package.json` export), not by a path relative to this file: the published entry points
 * are bundled into chunks whose place in `dist/` differs from this module's place in `src/`.
 * `'0.0.0'` when the manifest cannot be read (a copy of the code without it).
 */
export function packageVersion(): string {
  if (version === undefined) {
    version = '0.0.0';
    try {
      const pkg = createRequire(import.meta.url)('unicollab/package.json') as { name?: unknown; version?: unknown };
      if (pkg.name === 'unicollab' && typeof pkg.version === 'string') version = pkg.version;
    } catch {
      // Without its manifest the version is unknown; callers still name the library.
    }
  }
  return version;
}
