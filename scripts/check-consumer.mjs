#!/usr/bin/env node
// The package as a consumer project sees it (run after `npm run build`): packs the tarball, installs it
// into fresh projects in a temp folder (typescript and @types/node from the registry, through npm's
// cache) and checks, one line per check:
//   types/<resolution>  a file importing every subpath compiles with skipLibCheck: false, strict,
//                       lib ES2022 + @types/node, for moduleResolution node16, nodenext (plus a .cts
//                       file `require`-ing every subpath) and bundler (module esnext)
//   esm/<subpath>       `await import()` of every subpath, from an ESM consumer, on this Node
//   cjs/<subpath>       `require()` of every subpath, from a CommonJS consumer (require(esm), Node >= 20.19)
//   inversify<N>/...    an app on Inversify N (installed by the app itself) binds collab into its own
//                       Container with bindCollab, resolves a class injecting a service and calls the
//                       memory provider: compiled with tsc (experimentalDecorators) and run
// The first consumer installs no inversify, reflect-metadata or vitest: the peers are installed by npm
// (vitest, optional, is not), which is also checked. Exit 1 when any check fails.
// Options: --keep (keep the temp folder and print its path); --inversify 7.0.0,7,8 (the Inversify
// versions of the apps, npm specs; default 7,8: the newest of each major the peer range claims).
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const exec = promisify(execFile);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const keep = process.argv.includes('--keep');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const devVersion = (name) => pkg.devDependencies[name];
const inversifyArg = process.argv.indexOf('--inversify');
const INVERSIFY_VERSIONS = (inversifyArg > 0 ? process.argv[inversifyArg + 1] : '7,8').split(',').filter(Boolean);

if (!existsSync(join(root, 'dist', 'index.js'))) {
  console.error('dist/ is missing: run `npm run build` first');
  process.exit(1);
}

// Every published subpath: `.`, `testing`, and each adapter folder the `./*` export maps.
const adapters = readdirSync(join(root, 'dist', 'adapters'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && existsSync(join(root, 'dist', 'adapters', entry.name, 'index.js')))
  .map((entry) => entry.name)
  .sort();
const specifiers = ['unicollab', 'unicollab/testing', ...adapters.map((id) => `unicollab/${id}`)];

const work = mkdtempSync(join(tmpdir(), 'unicollab-consumer-'));
let failures = 0;
const report = (name, ok, detail = '') => {
  if (!ok) failures++;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${detail ? `: ${detail}` : ''}`);
};
const outputOf = (err) => `${err.stdout ?? ''}${err.stderr ?? ''}`.trim() || String(err.message ?? err);
const indent = (text) => text.split('\n').slice(0, 40).map((line) => `       ${line}`).join('\n');

async function run(cmd, args, cwd, timeout = 120_000) {
  return exec(cmd, args, { cwd, timeout, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' } });
}

/** A check: `fn` resolves on success (optionally to a detail string) and throws on failure. */
async function check(name, fn) {
  try {
    const detail = await fn();
    report(name, true, typeof detail === 'string' ? detail : '');
  } catch (err) {
    report(name, false);
    console.log(indent(outputOf(err)));
  }
}

function project(name, files) {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), typeof text === 'string' ? text : JSON.stringify(text, null, 2));
  }
  return dir;
}

const compilerBase = {
  strict: true,
  skipLibCheck: false,
  lib: ['ES2022'],
  types: ['node'],
  target: 'ES2022',
  noEmit: true,
};

try {
  // -- the tarball
  const { stdout } = await run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], root);
  const tarball = join(work, JSON.parse(stdout)[0].filename);
  report('pack', true, `${tarball.slice(work.length + 1)} (${specifiers.length} subpaths: ${specifiers.join(', ')})`);
  const tooling = [`typescript@${devVersion('typescript')}`, `@types/node@${devVersion('@types/node')}`];

  // -- the consumer projects, installed in parallel
  const esmImports = specifiers.map((s, i) => `import * as m${i} from '${s}';`).join('\n');
  const plain = project('plain', {
    'package.json': { name: 'consumer-plain', private: true, type: 'module' },
    // Every subpath's exports used as values (so each module's declarations are loaded and checked),
    // plus one typed call through the main entry.
    'esm.ts': `${esmImports}
import { createCollab, type Collab } from 'unicollab';

export const modules: readonly object[] = [${specifiers.map((_, i) => `m${i}`).join(', ')}];
const collab: Collab = await createCollab();
const room = await collab.rooms.create({ id: 'consumer-room' });
export const id: string = room.id;
await collab.close();
`,
    'cjs.cts': `${specifiers.map((s, i) => `import m${i} = require('${s}');`).join('\n')}
export const modules: readonly object[] = [${specifiers.map((_, i) => `m${i}`).join(', ')}];
`,
    'tsconfig.node16.json': { compilerOptions: { ...compilerBase, module: 'node16', moduleResolution: 'node16' }, files: ['esm.ts'] },
    // TypeScript >= 5.8 models require(esm) under nodenext: the .cts `require`s every subpath.
    'tsconfig.nodenext.json': { compilerOptions: { ...compilerBase, module: 'nodenext', moduleResolution: 'nodenext' }, files: ['esm.ts', 'cjs.cts'] },
    'tsconfig.bundler.json': { compilerOptions: { ...compilerBase, module: 'esnext', moduleResolution: 'bundler' }, files: ['esm.ts'] },
    'cjs/package.json': { type: 'commonjs' },
  });
  const inversifyApps = INVERSIFY_VERSIONS.map((spec) => [
    spec,
    project(`inversify${spec}`, {
      'package.json': { name: `consumer-inversify${spec.replaceAll('.', '-')}`, private: true, type: 'module' },
      // The README's Inversify snippet, plus a check of what comes back.
      'app.ts': `import { Container, inject, injectable } from 'inversify';
import { bindCollab, TOKENS, type CapabilityDeclaration, type RoomService, type ThreadService } from 'unicollab';

const container = new Container();
const declaration: CapabilityDeclaration = await bindCollab(container, { provider: 'memory' });

@injectable()
class Inbox {
  constructor(
    @inject(TOKENS.RoomService) private readonly rooms: RoomService,
    @inject(TOKENS.ThreadService) private readonly threads: ThreadService,
  ) {}
  async open(roomId: string) {
    await this.rooms.create({ id: roomId });
    return this.threads.list(roomId, { resolved: false });
  }
}
container.bind(Inbox).toSelf();
const inbox = container.get(Inbox);
const page = await inbox.open('consumer-room');
if (!Array.isArray(page.items) || page.items.length !== 0) throw new Error('unexpected page: ' + JSON.stringify(page));
if (declaration.levels['rooms.create'] !== 'yes') throw new Error('unexpected capabilities');
console.log('inversify app: bound, resolved, listed ' + page.items.length + ' threads');
`,
      'tsconfig.json': {
        compilerOptions: { ...compilerBase, noEmit: false, outDir: 'out', module: 'nodenext', moduleResolution: 'nodenext', experimentalDecorators: true },
        files: ['app.ts'],
      },
    }),
  ]);
  const npmInstall = ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'];
  const installs = await Promise.allSettled([
    run('npm', [...npmInstall, tarball, ...tooling], plain, 170_000),
    ...inversifyApps.map(([major, dir]) => run('npm', [...npmInstall, tarball, `inversify@${major}`, 'reflect-metadata', ...tooling], dir, 170_000)),
  ]);
  const installed = installs.map((result, i) => {
    const name = i === 0 ? 'plain' : `inversify${inversifyApps[i - 1][0]}`;
    report(`install/${name}`, result.status === 'fulfilled');
    if (result.status === 'rejected') console.log(indent(outputOf(result.reason)));
    return result.status === 'fulfilled';
  });
  const tsc = join('node_modules', 'typescript', 'bin', 'tsc');

  if (installed[0]) {
    await check('install/plain peers', async () => {
      const version = (name) => {
        const file = join(plain, 'node_modules', name, 'package.json');
        return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')).version : undefined;
      };
      const nested = join(plain, 'node_modules', 'unicollab', 'node_modules', 'inversify');
      if (existsSync(nested)) throw new Error('inversify is nested under unicollab: not deduplicated as a peer');
      if (!version('inversify') || !version('reflect-metadata')) throw new Error('npm did not install the inversify / reflect-metadata peers');
      if (version('vitest')) throw new Error('vitest (an optional peer) was installed');
      return `inversify ${version('inversify')}, reflect-metadata ${version('reflect-metadata')} installed as peers, no vitest`;
    });
    await Promise.all(
      ['node16', 'nodenext', 'bundler'].map((resolution) =>
        check(`types/${resolution}`, async () => {
          await run(process.execPath, [tsc, '-p', `tsconfig.${resolution}.json`], plain);
        }),
      ),
    );
    for (const specifier of specifiers) {
      await check(`esm/${specifier}`, async () => {
        const { stdout } = await run(process.execPath, ['--input-type=module', '-e', `const m = await import(${JSON.stringify(specifier)}); console.log(Object.keys(m).length);`], plain);
        if (Number(stdout.trim()) === 0) throw new Error(`${specifier} exports nothing`);
        return `${stdout.trim()} exports`;
      });
      await check(`cjs/${specifier}`, async () => {
        const { stdout } = await run(process.execPath, ['--no-warnings', '-e', `const m = require(${JSON.stringify(specifier)}); console.log(Object.keys(m).length);`], join(plain, 'cjs'));
        if (Number(stdout.trim()) === 0) throw new Error(`${specifier} exports nothing`);
        return `${stdout.trim()} exports (Node ${process.versions.node})`;
      });
    }
    await check('cjs/describeConformance without vitest', async () => {
      const script = `const { describeConformance } = require('unicollab/testing');
try { describeConformance({ name: 'x', create: () => { throw new Error('not called'); } }); console.log('no error'); }
catch (err) { console.log(err.name + ': ' + err.message); }`;
      const { stdout } = await run(process.execPath, ['--no-warnings', '-e', script], join(plain, 'cjs'));
      if (!stdout.startsWith('ConfigError: ')) throw new Error(`expected a ConfigError, got: ${stdout}`);
      return 'a ConfigError saying vitest is needed';
    });
    await check('cjs/memory call', async () => {
      const script = `const { createCollab } = require('unicollab');
createCollab().then(async (c) => { const r = await c.rooms.create({ id: 'cjs-room' }); await c.close(); console.log(r.id); });`;
      const { stdout } = await run(process.execPath, ['--no-warnings', '-e', script], join(plain, 'cjs'));
      if (stdout.trim() !== 'cjs-room') throw new Error(`unexpected output: ${stdout}`);
    });
  }
  for (const [i, [major, dir]] of inversifyApps.entries()) {
    if (!installed[i + 1]) continue;
    await check(`inversify${major}/compile`, async () => {
      await run(process.execPath, [tsc, '-p', 'tsconfig.json'], dir);
    });
    await check(`inversify${major}/run`, async () => {
      const version = JSON.parse(readFileSync(join(dir, 'node_modules', 'inversify', 'package.json'), 'utf8')).version;
      if (!version.startsWith(`${major}.`) && version !== major) throw new Error(`installed inversify ${version}, not ${major}`);
      if (existsSync(join(dir, 'node_modules', 'unicollab', 'node_modules', 'inversify'))) throw new Error('unicollab got a nested inversify');
      const { stdout } = await run(process.execPath, [join('out', 'app.js')], dir);
      return `${stdout.trim()} (inversify ${version})`;
    });
  }
} catch (err) {
  report('consumer check', false, outputOf(err));
} finally {
  if (keep) console.log(`(kept ${work})`);
  else rmSync(work, { recursive: true, force: true });
}
console.log(failures === 0 ? 'consumer check: all passed' : `consumer check: ${failures} failed`);
process.exit(failures === 0 ? 0 : 1);
