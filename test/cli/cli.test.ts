import { readFileSync } from 'node:fs';
import { sink } from '../support/output.js';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';

async function cli(...argv: string[]) {
  const out = sink();
  const err = sink();
  const code = await main(argv, out.stream, err.stream);
  return { code, out: out.text(), err: err.text() };
}

const savedEnv = { ...process.env };
afterEach(() => {
  for (const key of Object.keys(process.env)) if (!(key in savedEnv)) delete process.env[key];
  Object.assign(process.env, savedEnv);
});

describe('unicollab CLI', () => {
  it('prints the package version', async () => {
    const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(await cli('--version')).toEqual({ code: 0, out: `${version}\n`, err: '' });
  });

  it('prints usage with --help (exit 0) and without a command (exit 2)', async () => {
    const help = await cli('--help');
    expect(help.code).toBe(0);
    expect(help.out).toContain('Usage: unicollab <command> [options]');
    expect(help.out).toContain('doctor');
    expect((await cli()).code).toBe(2);
  });

  it('rejects an unknown command or option with exit 2 and a hint', async () => {
    const unknown = await cli('deploy');
    expect(unknown).toMatchObject({ code: 2, out: '' });
    expect(unknown.err).toContain('Unknown command "deploy"');
    const option = await cli('demo', '--bogus');
    expect(option.code).toBe(2);
    expect(option.err).toContain("'--bogus'");
    expect(option.err).toContain('unicollab --help');
  });

  it('prints the capability table of every shipped adapter, as text and as JSON', async () => {
    const text = await cli('capabilities');
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/^capability\s+memory\s+liveblocks\s+liveblocks \(\+management token\)\s+velt/);
    expect(text.out).toMatch(/users\.upsert\s+yes\s+no\s+no\s+yes/);
    const json = await cli('capabilities', '--json');
    const table = JSON.parse(json.out) as Record<string, { levels: Record<string, string> }>;
    expect(table.memory!.levels['reactions.add']).toBe('yes');
    expect(table.velt!.levels['reactions.add']).toBe('no');
  });

  it('doctor validates the config, reaches the provider and prints its capabilities', async () => {
    const text = await cli('doctor', '--provider', 'memory');
    expect(text.code).toBe(0);
    expect(text.out).toContain('provider: memory');
    expect(text.out).toMatch(/reachable: yes \(\d+ ms for rooms\.list\)/);
    const json = await cli('doctor', '--provider', 'memory', '--json');
    expect(JSON.parse(json.out)).toMatchObject({ provider: 'memory', config: 'valid', reachable: true, capabilities: { 'rooms.list': 'yes' } });
  });

  it('doctor reports an unreachable provider with exit 1, without leaking its key', async () => {
    process.env.LIVEBLOCKS_SECRET_KEY = 'sk_prod_doctor_secret_value_1234567';
    process.env.LIVEBLOCKS_BASE_URL = 'http://127.0.0.1:9';
    const result = await cli('doctor', '--provider', 'liveblocks', '--json');
    expect(result.code).toBe(1);
    const report = JSON.parse(result.out) as { reachable: boolean; error: { code: string } };
    expect(report.reachable).toBe(false);
    expect(report.error.code).toBe('network_error');
    expect(result.out).not.toContain('doctor_secret_value');
  });

  it('a bad config is a ConfigError naming the variable (thrown to the bin, which prints it)', async () => {
    process.env.COLLAB_PROVIDER = 'velt';
    delete process.env.VELT_API_KEY;
    await expect(cli('doctor')).rejects.toMatchObject({ code: 'config_error', envVar: 'VELT_API_KEY' });
  });
});
