// Proof that an adapter is a folder: the template adapter (test/meta/template/) is copied to a
// temporary folder outside the source tree, registered under its id at run time, and the conformance
// suite runs on it. Nothing outside that folder (no registry line, no core file) is touched.
import { cp, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { createCollab, PROVIDER_IDS, registerAdapter } from 'unicollab';
import { describeConformance } from 'unicollab/testing';

const root = fileURLToPath(new URL('../..', import.meta.url));
const folder = await mkdtemp(join(tmpdir(), 'unicollab-template-'));
await cp(join(root, 'test/meta/template'), join(folder, 'template'), { recursive: true });
// The copy imports `unicollab` (resolved to the source by the test config), zod and inversify.
await symlink(join(root, 'node_modules'), join(folder, 'node_modules'), 'dir');
const copied = (await import(pathToFileURL(join(folder, 'template', 'index.ts')).href)) as typeof import('./template/index.js');

afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

registerAdapter('template', copied.templateAdapter as never);

it('runs from the copy, with an id the registry does not list', () => {
  expect(fileURLToPath(import.meta.resolve(pathToFileURL(join(folder, 'template', 'index.ts')).href))).toContain(folder);
  expect(PROVIDER_IDS).not.toContain('template');
});

it('validates its config with its own schema, naming its env variable', async () => {
  await expect(createCollab({ provider: 'template', apiKey: '' })).rejects.toMatchObject({ code: 'config_error', field: 'apiKey', envVar: 'TEMPLATE_API_KEY' });
});

it('is created by its own helper without the registry', async () => {
  const collab = await copied.template();
  expect(collab.provider).toBe('template');
  await collab.close();
});

describeConformance({
  name: 'template adapter (copied folder)',
  create: () => createCollab({ provider: 'template', apiKey: 'template-conformance-key-5d1e' }),
  secrets: ['template-conformance-key-5d1e'],
  skip: { ...copied.templateAdapter.conformance?.skip },
});
