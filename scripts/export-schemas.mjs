#!/usr/bin/env node
/**
 * Writes the JSON Schema of every `unicollab-export/1` line kind to schemas/unicollab-export-1/<kind>.json,
 * generated from the zod schemas with `z.toJSONSchema` (run `npm run build` first: it reads dist/).
 * `--check` writes nothing and exits 1 when a committed file differs from the generated one.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';

const { exportJsonSchemas } = await import('../dist/portability/schemas.js');

const dir = new URL('../schemas/unicollab-export-1/', import.meta.url);
const check = process.argv.includes('--check');
const schemas = exportJsonSchemas();
let stale = 0;
if (!check) mkdirSync(dir, { recursive: true });
for (const [name, schema] of Object.entries(schemas)) {
  const file = new URL(`${name}.json`, dir);
  const text = `${JSON.stringify(schema, null, 2)}\n`;
  if (check) {
    let current = '';
    try {
      current = readFileSync(file, 'utf8');
    } catch {
      /* missing */
    }
    if (current !== text) {
      stale++;
      console.error(`schemas/unicollab-export-1/${name}.json is out of date: run node scripts/export-schemas.mjs`);
    }
  } else {
    writeFileSync(file, text);
    console.log(`wrote schemas/unicollab-export-1/${name}.json`);
  }
}
if (stale > 0) process.exit(1);
