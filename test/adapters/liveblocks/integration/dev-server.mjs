// Starts the Liveblocks dev server (npm `liveblocks`, run under Bun from npm's `bun` package) on a random
// free port, for the integration tests and the benchmark. Plain ESM JavaScript so `bench/*.mjs` can use it
// under Node 20 without a TypeScript loader; the types are in dev-server.d.mts, the tests import it through
// dev-server.ts.
//
// Exact command (from a throwaway cwd and TMPDIR, so nothing is written into the repository):
//   node_modules/.bin/bun node_modules/liveblocks/dist/index.js dev --random-port --no-persist --no-check
//
// The server prints "Liveblocks running at http://localhost:<port>" (inside TUI escape codes); we parse the
// URL, then poll `GET /v2/rooms` with `Authorization: Bearer sk_localdev` until it answers 200.
// liveblocks@1.9.0 makes no outgoing network calls (no update check, no telemetry: the only URLs in its
// dist are documentation links), so it starts offline; `--no-check` skips the local project scan.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const CLI = join(REPO_ROOT, 'node_modules', 'liveblocks', 'dist', 'index.js');
const SECRET_KEY = 'sk_localdev';
const PUBLIC_KEY = 'pk_localdev';
const TAIL_BYTES = 64 * 1024;

// Strips ANSI escape sequences (the server draws a small TUI even when stdout is a pipe).
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]/g;

/** The Bun binary: env override, then npm's `bun` package, then its platform package, then PATH. */
export function findBun() {
  if (process.env.LIVEBLOCKS_DEV_BUN) return process.env.LIVEBLOCKS_DEV_BUN;
  const candidates = [
    join(REPO_ROOT, 'node_modules', 'bun', 'bin', 'bun.exe'),
    join(REPO_ROOT, 'node_modules', '.bin', process.platform === 'win32' ? 'bun.cmd' : 'bun'),
    join(REPO_ROOT, 'node_modules', '@oven', `bun-${process.platform}-${process.arch === 'arm64' ? 'aarch64' : 'x64'}`, 'bin', 'bun'),
  ];
  for (const candidate of candidates) {
    // npm's `bun` package puts the real binary (> 1 MB) in place in its postinstall; before that bun.exe is a stub.
    if (existsSync(candidate) && statSync(candidate).size > 1_000_000) return candidate;
  }
  return 'bun';
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Starts one dev server. Resolves once `GET /v2/rooms` answers 200; rejects (after killing the server)
 * with the server's output when it exits early or is not ready within `timeoutMs` (default 30 s).
 * @param {{ timeoutMs?: number, verbose?: boolean }} [options]
 */
export async function startLiveblocksDevServer(options = {}) {
  const timeoutMs = options.timeoutMs ?? 30_000;
  if (!existsSync(CLI)) throw new Error(`Liveblocks dev server not installed: ${CLI} is missing (run npm ci; the devDependency "liveblocks" provides it)`);
  const bun = findBun();
  const workDir = mkdtempSync(join(tmpdir(), 'unicollab-lbdev-'));
  const args = [CLI, 'dev', '--random-port', '--no-persist', '--no-check', ...(options.verbose ? ['--verbose'] : [])];
  const env = { ...process.env, TMPDIR: workDir, NO_COLOR: '1', FORCE_COLOR: '0' };
  // These would override the port/host flags.
  delete env.LIVEBLOCKS_DEVSERVER_PORT;
  delete env.LIVEBLOCKS_DEVSERVER_HOST;
  const child = spawn(bun, args, { cwd: workDir, env, stdio: ['ignore', 'pipe', 'pipe'], detached: process.platform !== 'win32' });

  let stdout = '';
  let stderr = '';
  const keep = (buf, chunk) => {
    const next = buf + chunk;
    return next.length > TAIL_BYTES ? next.slice(-TAIL_BYTES) : next;
  };
  // Always drain both pipes: the server logs one line per request, and a full pipe would block it.
  child.stdout.setEncoding('utf8').on('data', (chunk) => (stdout = keep(stdout, chunk)));
  child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr = keep(stderr, chunk)));
  let exited = null;
  const closed = new Promise((resolve) => child.once('close', resolve));
  const exitedPromise = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      exited = { code, signal };
      resolve(exited);
    });
    child.once('error', (err) => {
      exited = { code: null, signal: null, error: err };
      resolve(exited);
    });
  });

  const killGroup = (signal) => {
    if (exited || child.pid === undefined) return;
    try {
      if (process.platform === 'win32') child.kill(signal);
      else process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  };
  // If the test process exits without calling stop(), do not leave a server behind.
  const onExit = () => killGroup('SIGKILL');
  process.once('exit', onExit);

  let stopped;
  const stop = () =>
    (stopped ??= (async () => {
      process.removeListener('exit', onExit);
      killGroup('SIGTERM');
      const timer = setTimeout(() => killGroup('SIGKILL'), 3000);
      await Promise.race([exitedPromise, sleep(5000)]);
      clearTimeout(timer);
      rmSync(workDir, { recursive: true, force: true });
    })());

  const describe = (why) => {
    const out = stdout.replace(ANSI, '').trim();
    return new Error(
      `Liveblocks dev server did not start: ${why}\n` +
        `command: ${bun} ${args.join(' ')}\n` +
        `--- stderr ---\n${stderr.trim() || '(empty)'}\n--- stdout ---\n${out || '(empty)'}`,
    );
  };

  const deadline = Date.now() + timeoutMs;
  let url;
  let lastProbe = 'no request sent yet';
  try {
    for (;;) {
      if (exited) {
        await Promise.race([closed, sleep(1000)]); // let the last output arrive
        throw describe(exited.error ? `spawning ${bun} failed: ${exited.error.message}` : `the process exited early (code ${exited.code}, signal ${exited.signal})`);
      }
      if (Date.now() > deadline) throw describe(`not ready within ${timeoutMs} ms (${url ? `last GET ${url}/v2/rooms: ${lastProbe}` : 'it never printed its URL'})`);
      url ??= /running at (https?:\/\/[^\s]+)/.exec(stdout.replace(ANSI, ''))?.[1]?.replace(/\/+$/, '');
      if (url) {
        try {
          const res = await fetch(`${url}/v2/rooms`, { headers: { Authorization: `Bearer ${SECRET_KEY}` }, signal: AbortSignal.timeout(2000) });
          const text = await res.text();
          if (res.status === 200) break;
          lastProbe = `HTTP ${res.status} ${text.slice(0, 200)}`;
        } catch (err) {
          lastProbe = String(err?.cause?.code ?? err?.message ?? err);
        }
      }
      await sleep(url ? 100 : 50);
    }
  } catch (err) {
    await stop();
    throw err;
  }

  return {
    url,
    secretKey: SECRET_KEY,
    publicKey: PUBLIC_KEY,
    pid: child.pid,
    output: () => ({ stdout: stdout.replace(ANSI, ''), stderr }),
    stop,
  };
}
