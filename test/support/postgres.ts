/**
 * Starts a throw-away PostgreSQL cluster (Debian's `postgresql` package, which `.ci/run` installs):
 * `initdb` in a temporary directory, then `pg_ctl start` on a free loopback port with its unix
 * socket in that directory; `stop()` stops it and removes the directory.
 *
 * ```ts
 * const pg = await startPostgres();   // { url, port, stop }
 * try { ... } finally { await pg.stop(); }
 * ```
 *
 * PostgreSQL refuses to run as root: as root, the binaries run as the `postgres` user
 * (`runuser -u postgres --`) and the directory is handed to it. A missing binary is an error, not a
 * skip: a test that silently did not run would look like a pass.
 */
import { execFile } from 'node:child_process';
import { chown, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A running PostgreSQL cluster. */
export interface PostgresServer {
  /** `postgres://postgres@127.0.0.1:<port>/postgres` (trust authentication, loopback only). */
  url: string;
  port: number;
  /** Stops the server (`pg_ctl stop`, smart then fast) and removes its directory. End your pools first. */
  stop(): Promise<void>;
}

/**
 * The directory of `initdb`/`pg_ctl`: `POSTGRES_BIN_DIR` when set, else the newest
 * `/usr/lib/postgresql/<version>/bin`, else one on `PATH`.
 */
export async function findPostgresBinDir(): Promise<string | undefined> {
  const explicit = process.env.POSTGRES_BIN_DIR;
  if (explicit) return existsSync(join(explicit, 'initdb')) ? explicit : undefined;
  try {
    const versions = (await readdir('/usr/lib/postgresql')).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
    for (const version of versions) {
      const dir = `/usr/lib/postgresql/${version}/bin`;
      if (existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl'))) return dir;
    }
  } catch {
    // no Debian layout
  }
  return (process.env.PATH ?? '').split(delimiter).find((dir) => dir && existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl')));
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts the cluster and waits until it accepts connections (`pg_ctl -w`, up to 30 s).
 *
 * @throws Error saying to `apt-get install postgresql` when the binaries are missing, or with the
 *   server log when it does not come up.
 */
export async function startPostgres(): Promise<PostgresServer> {
  const bin = await findPostgresBinDir();
  if (!bin) {
    throw new Error(
      'PostgreSQL binaries (initdb, pg_ctl) not found: install them with `apt-get install postgresql` ' +
        '(they land in /usr/lib/postgresql/<version>/bin), or set POSTGRES_BIN_DIR to their directory.',
    );
  }
  const asRoot = process.getuid?.() === 0;
  const exec = (command: string, args: string[]) =>
    asRoot ? run('runuser', ['-u', 'postgres', '--', join(bin, command), ...args], { timeout: 60_000 }) : run(join(bin, command), args, { timeout: 60_000 });

  const dir = await mkdtemp(join(tmpdir(), 'unicollab-pg-'));
  const data = join(dir, 'data');
  const log = join(dir, 'server.log');
  if (asRoot) {
    const { stdout } = await run('id', ['-u', 'postgres']).catch(() => {
      throw new Error('running as root needs a `postgres` user to run PostgreSQL as (the Debian postgresql package creates it)');
    });
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    await chown(dir, Number(stdout.trim()), Number(gid.trim()));
  }
  try {
    await exec('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw new Error(`initdb failed: ${(error as { stderr?: string }).stderr ?? String(error)}`);
  }
  let port = 0;
  for (let attempt = 0; attempt < 3; attempt++) {
    port = await freePort();
    const settings = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
    try {
      await exec('pg_ctl', ['-D', data, '-l', log, '-o', settings, '-w', '-t', '30', 'start']);
      break;
    } catch (error) {
      if (attempt === 2) {
        const output = await readFile(log, 'utf8').catch(() => '');
        await rm(dir, { recursive: true, force: true });
        throw new Error(`PostgreSQL did not start: ${(error as { stderr?: string }).stderr ?? String(error)}\n${output}`);
      }
    }
  }
  let stopped = false;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    async stop() {
      if (stopped) return;
      stopped = true;
      // smart: wait (briefly) for the clients to disconnect, so none of them sees its session killed;
      // then fast (terminates sessions), then immediate.
      await exec('pg_ctl', ['-D', data, '-m', 'smart', '-w', '-t', '5', 'stop'])
        .catch(() => exec('pg_ctl', ['-D', data, '-m', 'fast', '-w', '-t', '30', 'stop']))
        .catch(() => exec('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => {}));
      await rm(dir, { recursive: true, force: true });
    },
  };
}
