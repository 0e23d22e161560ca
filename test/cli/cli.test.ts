import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { nodeRequestsDuring } from '../support/node-requests.js';
import { sink } from '../support/output.js';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { renderCapabilityTable, shippedCapabilities } from '../../src/cli/capability-table.js';
import { printableUrl, recordingFetches } from '../../src/cli/diagnose.js';
import { wrap } from '../../src/cli/output.js';
import { createCollab, PROVIDER_IDS } from '../../src/collab.js';

async function cli(...argv: string[]) {
  const out = sink();
  const err = sink();
  const code = await main(argv, out.stream, err.stream);
  return { code, out: out.text(), err: err.text() };
}

/** A loopback port with nothing listening on it (bound, then closed). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Every variable that selects or configures a provider, cleared so "nothing configured" is true. */
function clearProviderEnv(): void {
  for (const key of Object.keys(process.env)) {
    if (/^(COLLAB_PROVIDER|LIVEBLOCKS_|VELT_|KABELWERK_|UNICOLLAB_MEMORY_)/.test(key)) delete process.env[key];
  }
}

const savedEnv = { ...process.env };
afterEach(() => {
  for (const key of Object.keys(process.env)) if (!(key in savedEnv)) delete process.env[key];
  Object.assign(process.env, savedEnv);
});

/** Misuse: exit 2, nothing on stdout, one line on stderr ending with the hint, none of Node's parser text. */
function expectMisuse(result: { code: number; out: string; err: string }, ...fragments: string[]) {
  expect(result.code).toBe(2);
  expect(result.out).toBe('');
  const lines = result.err.split('\n').filter(Boolean);
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^unicollab: .*Run "unicollab (--help|help [a-z]+)" for usage\.$/);
  for (const fragment of fragments) expect(result.err).toContain(fragment);
  // Node's util.parseArgs texts speak to the parser's developer, not the user.
  expect(result.err).not.toMatch(/positional argument|place it at the end|ERR_PARSE_ARGS|To specify/);
}

describe('unicollab CLI: usage', () => {
  it('prints the package version', async () => {
    const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(await cli('--version')).toEqual({ code: 0, out: `${version}\n`, err: '' });
    expect((await cli('-v')).out).toBe(`${version}\n`);
  });

  it.each([['--help'], ['-h'], ['help'], ['help', 'help']])('%s prints the usage on stdout with exit 0', async (...argv) => {
    const result = await cli(...argv);
    expect(result).toMatchObject({ code: 0, err: '' });
    expect(result.out).toContain('Usage: unicollab <command> [options]');
    for (const command of ['demo', 'doctor', 'capabilities', 'help']) expect(result.out).toContain(`  ${command}`);
    for (const line of result.out.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
  });

  it.each([['help', 'doctor'], ['doctor', '--help'], ['doctor', '-h']])('%s %s prints the command usage with exit 0', async (...argv) => {
    const result = await cli(...argv);
    expect(result).toMatchObject({ code: 0, err: '' });
    expect(result.out).toContain('Usage: unicollab doctor [--provider <id>] [--json]');
    expect(result.out).toContain('LIVEBLOCKS_SECRET_KEY');
  });

  it('without a command: stderr, exit 2, one line listing the commands', async () => {
    expectMisuse(await cli(), 'no command given', 'demo, doctor, capabilities');
  });

  it('an unknown command: stderr, exit 2, with a suggestion when one is close', async () => {
    expectMisuse(await cli('deploy'), 'unknown command "deploy"');
    expectMisuse(await cli('doctr'), 'unknown command "doctr" (did you mean doctor?)');
    expectMisuse(await cli('help', 'deploy'), 'unknown command "deploy"');
  });

  it('a misspelt or unknown flag: stderr, exit 2, our words and a suggestion, not Node\'s parser message', async () => {
    expectMisuse(await cli('doctor', '--jsno'), 'unknown option --jsno (did you mean --json?)');
    expectMisuse(await cli('doctor', '--providr', 'memory'), 'unknown option --providr (did you mean --provider?)');
    expectMisuse(await cli('demo', '--bogus'), 'unknown option --bogus');
    expectMisuse(await cli('demo', '-x'), 'unknown option -x');
    expectMisuse(await cli('doctor', '--json=yes'), '--json takes no value');
  });

  it('a missing value, a stray argument or an option the command does not take: exit 2', async () => {
    expectMisuse(await cli('doctor', '--provider'), '--provider needs a provider id');
    expectMisuse(await cli('doctor', '--provider='), '--provider needs a provider id');
    // "--json" is not read as the provider id; being asked for, the error is JSON.
    const json = await cli('doctor', '--provider', '--json');
    expect(json.code).toBe(2);
    expect(JSON.parse(json.out)).toMatchObject({ error: { code: 'validation_error', field: '--provider' } });
    expectMisuse(await cli('doctor', 'extra'), 'unexpected argument "extra" after doctor', 'unicollab help doctor');
    expectMisuse(await cli('capabilities', '--provider', 'memory'), 'capabilities takes no --provider option');
    // Asked for JSON, the command that has none still answers its misuse in JSON.
    expect(JSON.parse((await cli('demo', '--json')).out)).toMatchObject({ error: { code: 'validation_error', problem: 'demo takes no --json option (it takes --provider)' } });
  });

  it('--provider bogus names the flag, not an environment variable', async () => {
    const result = await cli('doctor', '--provider', 'bogus');
    expectMisuse(result, '--provider "bogus" is not a provider', PROVIDER_IDS.join(', '));
    expect(result.err).not.toContain('COLLAB_PROVIDER');
    expectMisuse(await cli('demo', '--provider', 'livebloks'), '(did you mean liveblocks?)');
  });

  it('with --json, misuse is JSON on stdout with a code (exit 2)', async () => {
    const result = await cli('doctor', '--json', '--jsno');
    expect(result.code).toBe(2);
    expect(result.err).toBe('');
    const { error } = JSON.parse(result.out) as { error: Record<string, unknown> };
    expect(error).toMatchObject({ code: 'validation_error', field: '--jsno', hint: 'Run "unicollab --help" for usage.' });
    expect(error.message).toContain('unknown option --jsno');
  });
});

describe('unicollab CLI: capabilities', () => {
  it('fits 80 columns: one block per provider, its capabilities by level, wrapped notes', async () => {
    const text = await cli('capabilities');
    expect(text.code).toBe(0);
    for (const line of text.out.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
    expect(text.out).toMatch(/^memory\n {2}yes: {5}rooms\.create, /);
    expect(text.out).toContain('\nliveblocks (+management token)\n');
    // users.upsert is `no` for Liveblocks and `yes` for Velt.
    const block = (label: string) => text.out.split('\n\n').find((b) => b.startsWith(`${label}\n`))!;
    expect(block('liveblocks').split('  no:')[1]).toContain('users.upsert');
    expect(block('velt').split('  partial:')[0]).toContain('users.upsert');
    expect(text.out).toContain('\nNotes:\n* ');
  });

  it('a terminal wide enough gets the table, one column per provider and config variant', async () => {
    const out = Object.assign(sink().stream, { isTTY: true, columns: 400 });
    let printed = '';
    out.write = ((chunk: string) => {
      printed += chunk;
      return true;
    }) as typeof out.write;
    expect(await main(['capabilities'], out, sink().stream)).toBe(0);
    expect(printed).toMatch(/^capability\s+memory\s+liveblocks\s+liveblocks \(\+management token\)\s+velt/);
    expect(printed).toMatch(/users\.upsert\s+yes\s+no\s+no\s+yes/);
    for (const line of printed.split('\n')) expect(line.length).toBeLessThanOrEqual(400);
  });

  it('--json is structured: { provider, label, variant, capabilities, notes } per adapter or config variant', async () => {
    const json = await cli('capabilities', '--json');
    expect(json.code).toBe(0);
    const entries = JSON.parse(json.out) as Array<{ provider: string; label: string; variant: Record<string, boolean>; capabilities: Record<string, string>; notes: Record<string, string> }>;
    expect(Array.isArray(entries)).toBe(true);
    const find = (provider: string, variant: Record<string, boolean>) => entries.find((e) => e.provider === provider && JSON.stringify(e.variant) === JSON.stringify(variant));
    expect(find('memory', {})!.capabilities['reactions.add']).toBe('yes');
    expect(find('liveblocks', { managementToken: true })!).toMatchObject({ label: 'liveblocks (+management token)', capabilities: { 'webhooks.subscriptions': 'yes' } });
    expect(find('liveblocks', { managementToken: false })!.capabilities['webhooks.subscriptions']).toBe('no');
    expect(find('velt', { webhookAuthToken: false, webhookSecret: false })!.capabilities['reactions.add']).toBe('no');
    for (const entry of entries) {
      expect(PROVIDER_IDS).toContain(entry.provider);
      expect(Object.keys(entry)).toEqual(['provider', 'label', 'variant', 'capabilities', 'notes']);
    }
    // A provider with several entries tells them apart by `variant`, never only by the label.
    for (const id of PROVIDER_IDS) {
      const variants = entries.filter((e) => e.provider === id).map((e) => JSON.stringify(e.variant));
      expect(new Set(variants).size).toBe(variants.length);
      if (variants.length > 1) expect(variants).not.toContain('{}');
    }
  });

  it('the README (Markdown) table keeps its human-readable column labels', async () => {
    const markdown = renderCapabilityTable(await shippedCapabilities(), 'markdown');
    expect(markdown.split('\n')[0]).toContain('| liveblocks (+management token) |');
  });

  it('wrap never exceeds the width, keeps the text\'s own spacing and cuts words longer than a line', () => {
    expect(wrap('  a    b c', 80)).toEqual(['  a    b c']);
    expect(wrap('aaa bbb ccc', 7, 2)).toEqual(['aaa bbb', '  ccc']);
    for (const line of wrap(`x ${'y'.repeat(50)} z`, 20, 4)) expect(line.length).toBeLessThanOrEqual(20);
  });
});

describe('unicollab CLI: doctor', () => {
  it('validates the config, reaches the provider and prints its capabilities', async () => {
    const text = await cli('doctor', '--provider', 'memory');
    expect(text.code).toBe(0);
    expect(text.out).toContain('provider: memory (from --provider)');
    expect(text.out).toMatch(/reachable: yes \(\d+ ms for rooms\.list\)/);
    for (const line of text.out.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
    const json = await cli('doctor', '--provider', 'memory', '--json');
    expect(JSON.parse(json.out)).toMatchObject({ provider: 'memory', providerSource: 'flag', config: 'valid', reachable: true, capabilities: { 'rooms.list': 'yes' } });
  });

  it('with nothing configured, says it falls back to the in-memory provider', async () => {
    clearProviderEnv();
    const text = await cli('doctor');
    expect(text.code).toBe(0);
    expect(text.out).toContain('provider: memory (the fallback)');
    expect(text.out.replace(/\s+/g, ' ')).toContain('Nothing is configured (no --provider, COLLAB_PROVIDER, LIVEBLOCKS_SECRET_KEY, VELT_API_KEY, KABELWERK_API_TOKEN), so unicollab falls back to the embedded in-memory provider');
    const json = JSON.parse((await cli('doctor', '--json')).out) as Record<string, unknown>;
    expect(json).toMatchObject({ provider: 'memory', providerSource: 'default', config: 'valid' });
    expect(json.providerNote).toContain('falls back to the embedded in-memory provider');
  });

  it('says where a detected provider came from', async () => {
    clearProviderEnv();
    process.env.LIVEBLOCKS_SECRET_KEY = 'sk_dev_doctor_detect_value_1234567';
    process.env.LIVEBLOCKS_BASE_URL = `http://127.0.0.1:${await closedPort()}`;
    const json = JSON.parse((await cli('doctor', '--json')).out) as Record<string, unknown>;
    expect(json).toMatchObject({ provider: 'liveblocks', providerSource: 'detected' });
    expect((await cli('doctor')).out).toContain('provider: liveblocks (detected from LIVEBLOCKS_SECRET_KEY)');
  });

  it('an unreachable provider: exit 1, the URL that failed (no query) and the likely cause, no key', async () => {
    clearProviderEnv();
    const port = await closedPort();
    process.env.LIVEBLOCKS_SECRET_KEY = 'sk_prod_doctor_secret_value_1234567';
    process.env.LIVEBLOCKS_BASE_URL = `http://127.0.0.1:${port}`;
    // The raw requests (the default transport is node:http), to show that the printed URL dropped a real query.
    const original = globalThis.fetch;
    const { started, value: result } = await nodeRequestsDuring(() => cli('doctor', '--provider', 'liveblocks', '--json'));
    const raw = started.map((r) => r.path);
    expect(raw.at(-1)).toMatch(/^\/v2\/rooms\?/);
    expect(globalThis.fetch).toBe(original);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.out) as { reachable: boolean; url: string; error: { code: string; url: string; hint: string } };
    expect(report.reachable).toBe(false);
    expect(report.url).toBe(`http://127.0.0.1:${port}/v2/rooms`);
    expect(report.error).toMatchObject({ code: 'network_error', url: `http://127.0.0.1:${port}/v2/rooms` });
    expect(report.error.hint).toContain(`nothing is listening at 127.0.0.1:${port}`);
    expect(report.error.hint).toContain('LIVEBLOCKS_BASE_URL');
    expect(result.out).not.toContain('doctor_secret_value');

    const text = await cli('doctor', '--provider', 'liveblocks');
    expect(text.code).toBe(1);
    const flat = text.out.replace(/\n +/g, ' ');
    expect(flat).toContain(`reachable: NO: rooms.list at http://127.0.0.1:${port}/v2/rooms failed: liveblocks rooms.list: network error (ECONNREFUSED)`);
    expect(flat).toContain(`likely cause: nothing is listening at 127.0.0.1:${port}: is the server running? Check LIVEBLOCKS_BASE_URL.`);
    expect(text.out).not.toContain('{"name"');
    expect(text.out).not.toContain('doctor_secret_value');
    for (const line of text.out.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
  });

  it('names the URL that failed for another provider too (Velt), with its variable', async () => {
    clearProviderEnv();
    const port = await closedPort();
    process.env.VELT_API_KEY = 'velt_api_key_for_doctor_1234';
    process.env.VELT_AUTH_TOKEN = 'velt_auth_token_for_doctor_1234';
    process.env.VELT_ORGANIZATION_ID = 'org-doctor';
    process.env.VELT_BASE_URL = `http://127.0.0.1:${port}`;
    const result = await cli('doctor', '--provider', 'velt', '--json');
    const report = JSON.parse(result.out) as { reachable: boolean; url?: string; error: { hint: string } };
    expect(report.reachable).toBe(false);
    expect(report.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${port}/[^?#]*$`));
    expect(report.error.hint).toContain('VELT_BASE_URL');
  });

  it.each(['node', 'fetch', 'ky'] as const)('recordingFetches sees the URL of a %s-transport request (origin and path, no query), and undoes its hooks', async (transport) => {
    const port = await closedPort();
    const original = globalThis.fetch;
    const collab = await createCollab({ provider: 'liveblocks', secretKey: 'sk_prod_recording_secret_1234567', baseUrl: `http://127.0.0.1:${port}`, transport, retries: 0 });
    const { urls, outcome } = await recordingFetches(() => collab.rooms.list({ limit: 1 }));
    await collab.close();
    expect(outcome.ok).toBe(false);
    expect(urls).toEqual([`http://127.0.0.1:${port}/v2/rooms`]);
    expect(globalThis.fetch).toBe(original);
  });

  it('printableUrl keeps origin and path only: no query, fragment or credentials', () => {
    expect(printableUrl('https://user:pass@api.example.test:8443/v2/rooms?limit=1&token=abc#frag')).toBe('https://api.example.test:8443/v2/rooms');
    expect(printableUrl(new URL('http://127.0.0.1:9/v2/rooms?x=1'))).toBe('http://127.0.0.1:9/v2/rooms');
    expect(printableUrl('not a url')).toBeUndefined();
  });

  it('a bad config: exit 1, the variable and a hint; with --json a JSON report whose error has a code', async () => {
    clearProviderEnv();
    process.env.COLLAB_PROVIDER = 'velt';
    const text = await cli('doctor');
    expect(text.code).toBe(1);
    expect(text.out).toContain('provider: velt (from COLLAB_PROVIDER)');
    expect(text.out.replace(/\n +/g, ' ')).toMatch(/config: INVALID: ConfigError \(config_error\): .*VELT_API_KEY/);
    expect(text.out).toContain('hint: fix VELT_API_KEY');
    const json = await cli('doctor', '--json');
    expect(json.code).toBe(1);
    expect(JSON.parse(json.out)).toMatchObject({ provider: 'velt', config: 'invalid', error: { code: 'config_error', envVar: 'VELT_API_KEY', hint: expect.stringContaining('VELT_API_KEY') } });
  });

  it('several vendors\' credentials without COLLAB_PROVIDER: a config error, as JSON with --json', async () => {
    clearProviderEnv();
    process.env.LIVEBLOCKS_SECRET_KEY = 'sk_dev_doctor_ambiguous_1234567';
    process.env.VELT_API_KEY = 'velt_api_key_ambiguous_1234';
    const json = await cli('doctor', '--json');
    expect(json.code).toBe(1);
    expect(JSON.parse(json.out)).toMatchObject({ config: 'invalid', error: { code: 'config_error', envVar: 'COLLAB_PROVIDER' } });
  });

  it('a bad config for demo: stderr, exit 1, naming the variable', async () => {
    clearProviderEnv();
    process.env.COLLAB_PROVIDER = 'velt';
    const result = await cli('demo');
    expect(result).toMatchObject({ code: 1, out: '' });
    expect(result.err).toMatch(/^unicollab: ConfigError \(config_error\): .*VELT_API_KEY.*\nhint: fix VELT_API_KEY/);
  });
});
