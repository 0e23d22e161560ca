import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { packageVersion } from '../../src/core/package-version.js';

describe('packageVersion', () => {
  it("is the version of unicollab's own package.json, found by the package name", () => {
    const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { name: string; version: string };
    expect(manifest.name).toBe('unicollab');
    expect(packageVersion()).toBe(manifest.version);
    expect(packageVersion()).not.toBe('0.0.0');
  });
});
