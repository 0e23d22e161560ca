#!/usr/bin/env node
// Tests the documentation as a user meets it: every ```ts / ```typescript block of README.md (and of
// docs/*.md) and every file of examples/ is compiled in a fresh consumer project that installs the
// packed tarball (`npm pack` of the package, built as `npm run build` does), with `strict`,
// `skipLibCheck: false`, `module`/`moduleResolution` `nodenext` and a plain Node `lib` (ES2022 +
// @types/node, no DOM); the snippets that run offline (on the embedded provider) are then run with
// Node, and so are the examples (vendor-swap on memory, a self-test of the webhook receiver and of the
// token route).
//
// Markers, an HTML comment on the line right before a block (blank lines between are allowed):
//   <!-- snippet: typecheck-only (why) -->   compile it, do not run it (needs a key, a runner...)
//   <!-- snippet: continues -->              a fragment: appended to the previous block (one file)
//   <!-- snippet: tsconfig (why) -->         before a ```json block: its compilerOptions are used for
//                                            the next TypeScript block (and its continuations)
// Lines after the first one of a `snippet:` comment, up to `-->`, are a prelude prepended to the
// block (e.g. `declare` lines for names a fragment takes from the reader's own code).
//
// Prints one line per snippet and example; exits 1 on any failure.
// Flags: --no-build (pack the repo's dist/ as it is), --keep (keep the temp project and print its path).
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = new Set(process.argv.slice(2));
const keep = args.has('--keep');
const build = !args.has('--no-build');
const RUN_TIMEOUT_MS = 60_000;

// ---------------------------------------------------------------------------------------------------
// 1. The snippets
// ---------------------------------------------------------------------------------------------------

/** One compile unit: a block plus its continuations. `lines[i]` maps line i of the file to its source. */
function extractSnippets(file) {
  const text = readFileSync(join(root, file), 'utf8').split('\n');
  const units = [];
  let marker; // { flags, reason, prelude: [{ code, line }] } of the comment right before the next block
  let pendingOptions; // compilerOptions of a `tsconfig` json block, for the next TS block
  for (let i = 0; i < text.length; i++) {
    const line = text[i];
    const comment = /^<!--\s*snippet:\s*(.*?)\s*(-->)?\s*$/.exec(line);
    if (comment) {
      const head = comment[1];
      const prelude = [];
      if (!comment[2]) {
        for (i++; i < text.length && !/^\s*-->\s*$/.test(text[i]); i++) prelude.push({ code: text[i], line: i + 1 });
      }
      const reason = /\(([^)]*)\)/.exec(head)?.[1];
      const flags = head.replace(/\([^)]*\)/g, '').split(/[\s,]+/).filter(Boolean);
      for (const flag of flags) {
        if (!['typecheck-only', 'continues', 'tsconfig'].includes(flag)) throw new Error(`${file}:${i + 1}: unknown snippet marker "${flag}"`);
      }
      marker = { flags, reason, prelude, line: i + 1 };
      continue;
    }
    const fence = /^```(\w*)\s*$/.exec(line);
    if (!fence) {
      if (line.trim() !== '') marker = undefined;
      continue;
    }
    const lang = fence[1];
    const start = i + 1;
    const body = [];
    for (i++; i < text.length && !/^```\s*$/.test(text[i]); i++) body.push({ code: text[i], line: i + 1 });
    const m = marker;
    marker = undefined;
    if (lang === 'json' && m?.flags.includes('tsconfig')) {
      pendingOptions = JSON.parse(body.map((b) => b.code).join('\n')).compilerOptions ?? {};
      continue;
    }
    if (lang !== 'ts' && lang !== 'typescript') continue;
    const lines = [...(m?.prelude ?? []), ...body];
    if (m?.flags.includes('continues')) {
      const prev = units.at(-1);
      if (!prev) throw new Error(`${file}:${start}: "continues" with no block before it`);
      prev.lines.push(...lines);
      prev.parts.push(start);
      if (m.flags.includes('typecheck-only')) prev.typecheckOnly ??= m.reason ?? 'marked typecheck-only';
      continue;
    }
    units.push({
      file,
      start,
      parts: [start],
      lines,
      typecheckOnly: m?.flags.includes('typecheck-only') ? (m.reason ?? 'marked typecheck-only') : undefined,
      compilerOptions: pendingOptions,
    });
    pendingOptions = undefined;
  }
  return units;
}

const docs = ['README.md'];
if (existsSync(join(root, 'docs'))) {
  for (const name of readdirSync(join(root, 'docs')).sort()) if (name.endsWith('.md')) docs.push(`docs/${name}`);
}
const snippets = docs.flatMap(extractSnippets);
const exampleFiles = existsSync(join(root, 'examples')) ? readdirSync(join(root, 'examples')).filter((n) => n.endsWith('.ts')).sort() : [];

// ---------------------------------------------------------------------------------------------------
// How each example is run: vendor-swap as it is (on memory); the others through a self-test that
// imports them (compiled with them, so the self-test is type-checked too).
// ---------------------------------------------------------------------------------------------------
const RUN_EXAMPLES = {
  'vendor-swap': { file: 'examples/vendor-swap.js', what: 'run on the memory configs' },
  'webhook-receiver': { file: 'selftests/webhook-receiver.js', what: 'self-test (memory provider POSTs signed events to it)' },
  'token-route': { file: 'selftests/token-route.js', what: 'self-test (POST called with a Request)' },
};

const SELF_TESTS = {
  'webhook-receiver': `import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { memory } from 'unicollab/memory';
import type { CollabEvent } from 'unicollab';
import { createWebhookReceiver } from '../examples/webhook-receiver.js';

const collab = await memory({ webhookRetrySchedule: [0] });
const received: CollabEvent[] = [];
let delivered!: () => void;
const gotOne = new Promise<void>((done) => (delivered = done));
const server = createWebhookReceiver(collab, async (event) => {
  received.push(event);
  delivered();
});
await new Promise<void>((ready) => server.listen(0, '127.0.0.1', () => ready()));
const address = server.address() as AddressInfo;
await collab.webhooks.subscriptions.create({ url: \`http://127.0.0.1:\${address.port}/webhooks\`, events: ['room.created'] });
await collab.rooms.create({ id: 'selftest-room' });
await gotOne;
await new Promise((closed) => server.close(closed));
assert.equal(received[0]?.type, 'room.created');
assert.equal(received[0]?.roomId, 'selftest-room');

// An unsigned or forged delivery is refused with 401 and never reaches the handler.
const forged = createWebhookReceiver(collab, async () => assert.fail('a forged delivery reached the handler'));
await new Promise<void>((ready) => forged.listen(0, '127.0.0.1', () => ready()));
const { port } = forged.address() as AddressInfo;
const res = await fetch(\`http://127.0.0.1:\${port}/webhooks\`, {
  method: 'POST',
  headers: { 'content-type': 'application/json', 'webhook-id': 'msg_1', 'webhook-timestamp': String(Math.floor(Date.now() / 1000)), 'webhook-signature': 'v1,Zm9yZ2Vk' },
  body: JSON.stringify({ type: 'room.created' }),
});
assert.equal(res.status, 401);
await new Promise((closed) => forged.close(closed));
await collab.close();
console.log('webhook receiver: verified a signed delivery, refused a forged one');
`,
  'token-route': `import assert from 'node:assert/strict';
import { POST } from '../examples/token-route.js';

const ok = await POST(new Request('http://localhost/api/collab-token', {
  method: 'POST',
  headers: { 'content-type': 'application/json', 'x-user-id': 'alice' },
  body: JSON.stringify({ room: 'doc-1' }),
}));
assert.equal(ok.status, 200);
const body = (await ok.json()) as { token?: unknown };
assert.equal(typeof body.token, 'string');
assert.equal(String(body.token).split('.').length, 3, 'a JWT');

const anonymous = await POST(new Request('http://localhost/api/collab-token', { method: 'POST', body: '{}' }));
assert.equal(anonymous.status, 401);
const bad = await POST(new Request('http://localhost/api/collab-token', { method: 'POST', headers: { 'x-user-id': 'alice' }, body: 'not json' }));
assert.equal(bad.status, 400);
console.log('token route: 200 with a token, 401 without a user, 400 on a bad body');
`,
};

// ---------------------------------------------------------------------------------------------------
// 2. The package as published, in a fresh consumer project
// ---------------------------------------------------------------------------------------------------

const quiet = (cmd, argv, cwd) => {
  const r = spawnSync(cmd, argv, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false' } });
  if (r.status !== 0) {
    process.stderr.write(`${r.stdout ?? ''}${r.stderr ?? ''}`);
    throw new Error(`${cmd} ${argv.join(' ')} failed (exit ${r.status})`);
  }
  return r.stdout;
};

const work = mkdtempSync(join(tmpdir(), 'unicollab-snippets-'));
const consumer = join(work, 'consumer');
mkdirSync(consumer);
let failures = 0;
try {
  // The package is staged in the temp folder (its `files`, with a dist/ built there), so a build or
  // clean that runs in the repo at the same time cannot break the pack.
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const stage = join(work, 'package');
  mkdirSync(stage);
  for (const entry of new Set([...(pkg.files ?? []), 'package.json', 'README.md', 'LICENSE', 'CHANGELOG.md'])) {
    if (entry === 'dist' && build) continue;
    if (existsSync(join(root, entry))) cpSync(join(root, entry), join(stage, entry), { recursive: true });
  }
  if (build) {
    console.log('== build (tsc -p tsconfig.json, then scripts/bundle.mjs, into the staged package)');
    quiet(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.json'), '--outDir', join(stage, 'dist')], root);
    quiet(process.execPath, [join(root, 'scripts/bundle.mjs'), join(stage, 'dist')], root);
  }
  const packed = JSON.parse(quiet('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], stage));
  const tarball = join(work, packed[0].filename);
  console.log(`== consumer project (${relative(process.cwd(), consumer) || '.'}) installs ${packed[0].filename}`);

  // Versions the repo itself uses (the consumer's own copies of what the snippets import).
  const range = (name, fallback) => pkg.devDependencies?.[name] ?? pkg.dependencies?.[name] ?? pkg.peerDependencies?.[name] ?? fallback;
  writeFileSync(
    join(consumer, 'package.json'),
    `${JSON.stringify(
      {
        name: 'unicollab-snippets-consumer',
        private: true,
        type: 'module',
        dependencies: {
          unicollab: `file:${tarball}`,
          inversify: range('inversify', 'latest'),
          'reflect-metadata': range('reflect-metadata', 'latest'),
          yjs: range('yjs', 'latest'),
        },
        devDependencies: {
          typescript: range('typescript', 'latest'),
          '@types/node': range('@types/node', '^20'),
          vitest: range('vitest', 'latest'),
        },
      },
      null,
      2,
    )}\n`,
  );
  quiet('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], consumer);

  // -------------------------------------------------------------------------------------------------
  // 3. Files and tsconfigs
  // -------------------------------------------------------------------------------------------------
  const base = {
    compilerOptions: {
      target: 'ES2022',
      lib: ['ES2022'],
      types: ['node'],
      module: 'nodenext',
      moduleResolution: 'nodenext',
      strict: true,
      skipLibCheck: false,
      rootDir: '.',
      outDir: 'out',
    },
  };
  writeFileSync(join(consumer, 'tsconfig.base.json'), JSON.stringify(base, null, 2));
  mkdirSync(join(consumer, 'snippets'));
  mkdirSync(join(consumer, 'examples'));
  mkdirSync(join(consumer, 'selftests'));

  const projects = new Map([['tsconfig.json', { options: {}, files: [] }]]);
  const sourceOf = new Map(); // consumer file -> (line -> "README.md:123")
  snippets.forEach((s, n) => {
    s.name = `snippets/${s.file.replace(/\W+/g, '-')}-${String(n + 1).padStart(2, '0')}`;
    const code = s.lines.map((l) => l.code);
    // A block without import/export would be a script (no top-level await, shared globals): make it a module.
    if (!code.some((l) => /^\s*(import|export)\b/.test(l))) code.push('export {};');
    writeFileSync(join(consumer, `${s.name}.ts`), `${code.join('\n')}\n`);
    sourceOf.set(`${s.name}.ts`, (line) => (s.lines[line - 1] ? `${s.file}:${s.lines[line - 1].line}` : `${s.file}:${s.start}`));
    let project = 'tsconfig.json';
    if (s.compilerOptions) {
      project = `tsconfig.${s.name.replace(/\W+/g, '-')}.json`;
      projects.set(project, { options: s.compilerOptions, files: [] });
    }
    projects.get(project).files.push(`${s.name}.ts`);
  });
  for (const name of exampleFiles) {
    copyFileSync(join(root, 'examples', name), join(consumer, 'examples', name));
    sourceOf.set(`examples/${name}`, (line) => `examples/${name}:${line}`);
    projects.get('tsconfig.json').files.push(`examples/${name}`);
  }
  for (const [name, code] of Object.entries(SELF_TESTS)) {
    if (!exampleFiles.includes(`${name}.ts`)) continue;
    writeFileSync(join(consumer, 'selftests', `${name}.ts`), code);
    projects.get('tsconfig.json').files.push(`selftests/${name}.ts`);
  }
  for (const [name, { options, files }] of projects) {
    writeFileSync(join(consumer, name), JSON.stringify({ extends: './tsconfig.base.json', compilerOptions: options, files }, null, 2));
  }

  // -------------------------------------------------------------------------------------------------
  // 4. Type check (and emit), one tsc per tsconfig
  // -------------------------------------------------------------------------------------------------
  const errors = new Map(); // consumer file -> [message]
  const general = [];
  for (const name of projects.keys()) {
    const r = spawnSync(process.execPath, [join(consumer, 'node_modules/typescript/bin/tsc'), '-p', name, '--pretty', 'false'], { cwd: consumer, encoding: 'utf8' });
    if (r.status === 0) continue;
    for (const line of `${r.stdout}${r.stderr}`.split('\n')) {
      if (!line.trim() || /^\s/.test(line)) continue;
      const d = /^(.+?)\((\d+),(\d+)\): (error .*)$/.exec(line);
      if (d && sourceOf.has(d[1])) {
        const list = errors.get(d[1]) ?? [];
        list.push(`${sourceOf.get(d[1])(Number(d[2]))}: ${d[4]}`);
        errors.set(d[1], list);
      } else {
        general.push(`${name}: ${line}`); // a published .d.ts, or a config problem: fails everything
      }
    }
    if (r.status !== 0 && errors.size === 0 && general.length === 0) general.push(`${name}: tsc exited ${r.status}`);
  }
  for (const line of general) console.log(`FAIL  ${line}`);
  if (general.length > 0) failures++;

  // -------------------------------------------------------------------------------------------------
  // 5. Run what runs offline, with no provider configured (so `createCollab()` is the memory provider)
  // -------------------------------------------------------------------------------------------------
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(COLLAB_|LIVEBLOCKS_|VELT_|KABELWERK_|UNICOLLAB_)/.test(k)));
  const run = (file) => {
    const r = spawnSync(process.execPath, [join(consumer, 'out', file)], { cwd: consumer, env, encoding: 'utf8', timeout: RUN_TIMEOUT_MS });
    if (r.status === 0) return undefined;
    const why = r.error?.code === 'ETIMEDOUT' ? `did not exit within ${RUN_TIMEOUT_MS / 1000} s (a handle left open?)` : `exit ${r.status ?? r.signal}`;
    return `${why}\n${indent(`${r.stdout}${r.stderr}`.trim())}`;
  };
  const report = (ok, where, what, detail) => {
    console.log(`${ok ? 'ok  ' : 'FAIL'}  ${where.padEnd(30)} ${what}`);
    if (detail) console.log(indent(detail));
    if (!ok) failures++;
  };

  for (const s of snippets) {
    const where = `${s.file}:${s.parts.join('+')}`;
    const errs = errors.get(`${s.name}.ts`);
    const opts = s.compilerOptions ? ` with ${Object.entries(s.compilerOptions).map(([k, v]) => `${k}: ${v}`).join(', ')}` : '';
    if (errs) report(false, where, `type check${opts}`, errs.join('\n'));
    else if (s.typecheckOnly) report(true, where, `type-checks${opts}; not run (${s.typecheckOnly})`);
    else {
      const failure = run(`${s.name}.js`);
      report(!failure, where, failure ? `type-checks${opts}; run: ${failure}` : `type-checks${opts} and runs`);
    }
  }
  for (const name of exampleFiles) {
    const base = name.replace(/\.ts$/, '');
    const errs = [...(errors.get(`examples/${name}`) ?? []), ...(errors.get(`selftests/${base}.ts`) ?? [])];
    if (errs.length > 0) {
      report(false, `examples/${name}`, 'type check', errs.join('\n'));
      continue;
    }
    const target = RUN_EXAMPLES[base];
    if (!target) {
      report(true, `examples/${name}`, 'type-checks; not run');
      continue;
    }
    const failure = run(target.file);
    report(!failure, `examples/${name}`, failure ? `type-checks; ${target.what}: ${failure}` : `type-checks; ${target.what}: ok`);
  }
} catch (err) {
  console.log(`FAIL  ${err.message}`);
  failures++;
} finally {
  if (keep) console.log(`(kept ${work})`);
  else rmSync(work, { recursive: true, force: true });
}
console.log(failures === 0 ? `== ${snippets.length} snippets and ${exampleFiles.length} examples: all ok` : `== ${failures} failed`);
process.exit(failures === 0 ? 0 : 1);

function indent(text) {
  return text
    .split('\n')
    .map((l) => `      ${l}`)
    .join('\n');
}
