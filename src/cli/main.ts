import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { ADAPTERS } from '../adapters/registry.js';
import type { AdapterConfigSpec } from '../core/adapter.js';
import { type Collab, type CollabConfig, createCollab, ENV_VARS, loadConfigFromEnv, PROVIDER_IDS, providerFromEnv } from '../collab.js';
import { CollabError } from '../core/errors.js';
import { type CliRequest, type Command, parseCommandLine, UsageError } from './args.js';
import { capabilitiesJson, renderCapabilityTable, shippedCapabilityEntries } from './capability-table.js';
import { runDemo } from './demo.js';
import { errorJson, errorLine, likelyCause, printableUrl, recordingFetches } from './diagnose.js';
import { Printer, wrap } from './output.js';

type Env = Record<string, string | undefined>;

// Listed from the registry, so a new adapter shows up here without editing the CLI.
function envHelp(width: number): string[] {
  return PROVIDER_IDS.flatMap((id) => {
    const detect = (ADAPTERS[id].config as AdapterConfigSpec).detect;
    const vars = Object.values(ENV_VARS[id]).map((v) => (v === detect ? `${v} (selects it)` : v));
    return wrap(`  ${id}: ${vars.join(', ')}`, width, 4);
  });
}

const USAGE: Record<Exclude<Command, 'help'>, { synopsis: string; summary: string; detail: string }> = {
  demo: {
    synopsis: 'unicollab demo [--provider <id>]',
    summary: 'Walk through every service on the configured provider (default: memory)',
    detail: 'Creates a room, users, a thread, comments and reactions, then deletes them; steps the provider does not offer are listed as skipped. Exit code 1 when a supported step fails.',
  },
  doctor: {
    synopsis: 'unicollab doctor [--provider <id>] [--json]',
    summary: 'Validate the configuration, reach the provider, print its capabilities',
    detail: 'Says where the provider choice came from, validates its variables, times one rooms.list call (naming the URL and the likely cause when it fails) and prints the capabilities. Exit code 1 when the config is invalid or the provider unreachable.',
  },
  capabilities: {
    synopsis: 'unicollab capabilities [--json]',
    summary: 'Print the capability levels of every adapter in this version',
    detail: 'A table that fits the terminal (one block per provider when the table would not); --json prints [{ provider, label, variant, capabilities, notes }], one entry per adapter or config variant.',
  },
};

function helpText(width: number, topic?: Exclude<Command, 'help'>): string {
  if (topic) {
    const usage = USAGE[topic];
    const lines = [`Usage: ${usage.synopsis}`, '', ...wrap(usage.summary, width), '', ...wrap(usage.detail, width)];
    if (topic !== 'capabilities') {
      lines.push('', ...wrap(`--provider <id> overrides COLLAB_PROVIDER (${PROVIDER_IDS.join(', ')}). The rest of the configuration comes from the environment:`, width), ...envHelp(width));
    }
    return lines.join('\n');
  }
  const commands = (Object.keys(USAGE) as Array<keyof typeof USAGE>).flatMap((name) => wrap(`  ${name.padEnd(15)} ${USAGE[name].summary}`, width, 18));
  return [
    'unicollab: one API for collaboration back ends',
    '',
    'Usage: unicollab <command> [options]',
    '',
    'Commands:',
    ...commands,
    ...wrap(`  ${'help [command]'.padEnd(15)} Show this help, or a command's`, width, 18),
    '',
    'Options:',
    ...wrap(`  --provider <id>  Override COLLAB_PROVIDER (${PROVIDER_IDS.join(', ')})`, width, 19),
    ...wrap('  --json           Machine-readable output, errors included (doctor, capabilities)', width, 19),
    '  -h, --help       Show this help',
    '  -v, --version    Print the version',
    '',
    ...wrap('Configuration comes from the environment (see the README): COLLAB_PROVIDER, and per provider', width),
    ...envHelp(width),
  ].join('\n');
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** Where the provider choice came from, so `doctor` can say when nothing was configured. */
interface ProviderChoice {
  provider: string;
  source: 'flag' | 'COLLAB_PROVIDER' | 'detected' | 'default';
  /** Where it came from, in a few words (`detected from LIVEBLOCKS_SECRET_KEY`). */
  from: string;
  /** Why, when nothing chose it: the sentence `doctor` prints under the provider. */
  note?: string;
}

function providerChoice(flag: string | undefined, env: Env): ProviderChoice {
  if (flag) return { provider: flag, source: 'flag', from: 'from --provider' };
  const explicit = env.COLLAB_PROVIDER?.trim();
  if (explicit) return { provider: explicit, source: 'COLLAB_PROVIDER', from: 'from COLLAB_PROVIDER' };
  const provider = providerFromEnv(env); // throws ConfigError when several vendors' credentials are set
  const detect = PROVIDER_IDS.includes(provider as never) ? (ADAPTERS[provider as keyof typeof ADAPTERS].config as AdapterConfigSpec).detect : undefined;
  if (detect && env[detect]) return { provider, source: 'detected', from: `detected from ${detect}` };
  const credentials = PROVIDER_IDS.map((id) => (ADAPTERS[id].config as AdapterConfigSpec).detect).filter(Boolean);
  const persisted = env[ENV_VARS.memory.persistPath ?? ''] ? '' : '; its data lives in this process only';
  return {
    provider,
    source: 'default',
    from: 'the fallback',
    note: `Nothing is configured (no --provider, COLLAB_PROVIDER, ${credentials.join(', ')}), so unicollab falls back to the embedded in-memory provider${persisted}. Set COLLAB_PROVIDER or a provider's variables to use another.`,
  };
}

function printChoice(choice: ProviderChoice, print: Printer): void {
  print.wrapped(`provider: ${choice.provider} (${choice.from})`, 2);
  if (choice.note) print.wrapped(`  ${choice.note}`, 2);
}

async function doctor(flag: string | undefined, env: Env, json: boolean, print: Printer): Promise<number> {
  const report: Record<string, unknown> = {};
  let collab: Collab | undefined;
  let choice: ProviderChoice | undefined;
  try {
    choice = providerChoice(flag, env);
    Object.assign(report, { provider: choice.provider, providerSource: choice.source, ...(choice.note ? { providerNote: choice.note } : {}) });
    const config: CollabConfig = loadConfigFromEnv(flag ? { ...env, COLLAB_PROVIDER: flag } : env);
    collab = await createCollab(config);
    report.config = 'valid';
  } catch (err) {
    report.config = 'invalid';
    report.error = errorJson(err, { hint: likelyCause(err, { provider: choice?.provider ?? '', env }) });
    if (json) print.line(JSON.stringify(report, null, 2));
    else {
      if (choice) printChoice(choice, print);
      print.wrapped(`config: INVALID: ${errorLine(err)}`, 2);
      const hint = (report.error as { hint?: string }).hint;
      if (hint) print.wrapped(`hint: ${hint}`, 2);
    }
    return 1;
  }
  const provider = collab.provider;
  let fallbackUrl: string | undefined;
  const urlVar = Object.entries(ENV_VARS[provider as keyof typeof ENV_VARS] ?? {}).find(([field]) => /^(base)?url$/i.test(field))?.[1];
  if (urlVar && env[urlVar]) fallbackUrl = printableUrl(env[urlVar]);
  try {
    if (collab.capabilities['rooms.list'] === 'no') {
      report.reachable = null;
      report.reachableNote = `not checked: ${provider} (as configured) does not offer rooms.list`;
    } else {
      const started = performance.now();
      const { urls, outcome } = await recordingFetches(() => collab.rooms.list({ limit: 1 }));
      const url = urls.at(-1) ?? fallbackUrl;
      if (url) report.url = url;
      if (outcome.ok) {
        report.reachable = true;
        report.latencyMs = Math.round(performance.now() - started);
      } else {
        report.reachable = false;
        report.error = errorJson(outcome.error, { ...(url ? { url } : {}), hint: likelyCause(outcome.error, { provider, ...(url ? { url } : {}), env }) });
      }
    }
  } finally {
    await collab.close();
  }
  report.capabilities = collab.capabilities;
  report.capabilityNotes = collab.capabilityNotes;
  if (json) {
    print.line(JSON.stringify(report, null, 2));
  } else {
    printChoice(choice, print);
    print.line('config: valid');
    const at = report.url ? ` at ${String(report.url)}` : '';
    if (report.reachable === true) print.wrapped(`reachable: yes (${String(report.latencyMs)} ms for rooms.list${at})`, 2);
    else if (report.reachable === null) print.wrapped(`reachable: ${String(report.reachableNote)}`, 2);
    else {
      const error = report.error as { message?: string; hint?: string };
      print.wrapped(`reachable: NO: rooms.list${at} failed: ${String(error.message)}`, 2);
      if (error.hint) print.wrapped(`likely cause: ${error.hint}`, 2);
    }
    print.line();
    print.line(renderCapabilityTable({ [provider]: { levels: collab.capabilities, notes: collab.capabilityNotes } }, 'text', { width: print.width }));
  }
  return report.reachable === false ? 1 : 0;
}

async function run(request: Extract<CliRequest, { kind: 'run' }>, print: Printer): Promise<number> {
  const env: Env = process.env;
  switch (request.command) {
    case 'demo':
      return runDemo(loadConfigFromEnv(request.provider ? { ...env, COLLAB_PROVIDER: request.provider } : env), print);
    case 'doctor':
      return doctor(request.provider, env, request.json, print);
    case 'capabilities': {
      const entries = await shippedCapabilityEntries();
      if (request.json) print.line(JSON.stringify(capabilitiesJson(entries), null, 2));
      else print.line(renderCapabilityTable(Object.fromEntries(entries.map((e) => [e.label, e.declaration])), 'text', { width: print.width }));
      return 0;
    }
  }
}

/** True when the command line asks for JSON, even if it is otherwise malformed (so errors are JSON too). */
function wantsJson(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end < 0 ? argv : argv.slice(0, end)).includes('--json');
}

/**
 * Runs the CLI with `argv` (without `node` and the script); returns the exit code: 0 done, 1 failed
 * (bad config, unreachable provider, failed demo step), 2 misused. Output goes to `out`; misuse and
 * failures go to `err` as one line each, except with `--json`, where everything, errors included, is
 * one JSON document on `out` (with the error's `code`).
 */
export async function main(argv: string[], out: NodeJS.WritableStream = process.stdout, err: NodeJS.WritableStream = process.stderr): Promise<number> {
  const print = new Printer(out);
  const json = wantsJson(argv);
  try {
    const request = parseCommandLine(argv);
    if (request.kind === 'help') {
      print.line(helpText(print.width, request.topic));
      return 0;
    }
    if (request.kind === 'version') {
      print.line(version());
      return 0;
    }
    return await run(request, print);
  } catch (error) {
    const usage = error instanceof UsageError;
    const hint = usage ? error.hint : likelyCause(error, { provider: CollabError.is(error) ? (error.provider ?? '') : '', env: process.env });
    if (json) print.line(JSON.stringify({ error: errorJson(error, hint ? { hint } : {}) }, null, 2));
    else if (usage) err.write(`unicollab: ${error.problem}. ${error.hint}\n`);
    else err.write(`unicollab: ${errorLine(error)}${hint ? `\nhint: ${hint}` : ''}\n`);
    return usage ? 2 : 1;
  }
}
