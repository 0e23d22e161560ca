import 'reflect-metadata';
import { ADAPTERS } from '../adapters/registry.js';
import type { AdapterConfigSpec } from '../core/adapter.js';
import { type Collab, type CollabConfig, createCollab, ENV_VARS, loadConfigFromEnv, PROVIDER_IDS, providerFromEnv } from '../collab.js';
import { CollabError } from '../core/errors.js';
import { packageVersion } from '../core/package-version.js';
import { type CliRequest, type Command, parseCommandLine, UsageError } from './args.js';
import { capabilitiesJson, renderCapabilityTable, shippedCapabilityEntries } from './capability-table.js';
import { runDemo } from './demo.js';
import { errorJson, errorLine, likelyCause, printableUrl, recordingFetches } from './diagnose.js';
import { Printer, wrap } from './output.js';
import { type PortabilityContext, runPortability } from './portability.js';

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
  export: {
    synopsis: 'unicollab export --out <file> [--from <env-file|json>] [--provider <id>] [--rooms a,b] [--since <date>] [--users a,b] [--json]',
    summary: 'Export the provider\'s data to a unicollab-export/1 NDJSON file',
    detail: 'Streams users, rooms, documents, threads (with comments and reactions) and notifications to --out (written to <file>.partial, renamed once complete), one record per line, with a trailer of counts and a SHA-256. --rooms keeps only those rooms; --since only threads and notifications active since that date; --users names whose notifications to export from a provider that cannot list its users (Liveblocks). The provider comes from --from (an env file of KEY=VALUE lines, or a JSON file) or else from the environment.',
  },
  import: {
    synopsis: 'unicollab import --in <file> [--to <env-file|json>] [--provider <id>] [--checkpoint <file>] [--allow-loss] [--mode upsert|create-only] [--concurrency N] [--dry-run] [--json]',
    summary: 'Import an export file into the provider (idempotent, resumable)',
    detail: 'Validates the whole file, then compares it with the target\'s capabilities: when the target cannot hold something (reactions, thread metadata...), it lists each loss with counts and refuses (exit 1) unless --allow-loss is given. --checkpoint makes the import resumable after a crash, kill or Ctrl-C (run the same command again). --mode create-only leaves existing rooms, users and threads as they are (default upsert). --concurrency: writes in flight (default 8). --dry-run prints what would be written and dropped, writing nothing. Ctrl-C stops after the writes in flight (exit 130).',
  },
  migrate: {
    synopsis: 'unicollab migrate --from <env-file|json> --to <env-file|json> [--checkpoint <file>] [--concurrency N] [--allow-loss] [--dry-run] [--mode upsert|create-only] [--rooms a,b] [--since <date>] [--users a,b] [--no-verify] [--json]',
    summary: 'Copy everything from one provider to another, then verify',
    detail: 'Export piped into import, with the import\'s guarantees: losses listed with counts and refused without --allow-loss (exit 1), no duplicates on a re-run, resumable with --checkpoint (the export is staged in <checkpoint>.ndjson). Each side is configured by its own file: an env file (COLLAB_PROVIDER=..., the provider\'s variables) or a JSON file of the same variables. Afterwards the source and target are compared (skip with --no-verify): exit 1 on any unexplained difference.',
  },
  verify: {
    synopsis: 'unicollab verify --from <env-file|json> --to <env-file|json> [--rooms a,b] [--checkpoint <file>] [--json]',
    summary: 'Compare a source and a target after a migration',
    detail: 'Counts per kind and per room, and compares content (comment bodies as text, resolved flags, reaction sets, metadata, documents), taking into account what the target cannot hold. --checkpoint reads the thread id map of a migration into a target that assigns its own ids. Exit code 1 on any unexplained difference.',
  },
};


function helpText(width: number, topic?: Exclude<Command, 'help'>): string {
  if (topic) {
    const usage = USAGE[topic];
    const lines = [...wrap(`Usage: ${usage.synopsis}`, width, 7), '', ...wrap(usage.summary, width), '', ...wrap(usage.detail, width)];
    if (topic === 'migrate' || topic === 'verify') {
      lines.push('', ...wrap('Each side\'s file (--from, --to) takes the variables the environment takes, e.g. COLLAB_PROVIDER=memory and UNICOLLAB_MEMORY_PERSIST_PATH=./data.json:', width), ...envHelp(width));
    } else if (topic !== 'capabilities') {
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
    ...wrap('  --json           Machine-readable output, errors included (doctor, capabilities; NDJSON events for export, import, migrate, verify)', width, 19),
    '  -h, --help       Show this help',
    '  -v, --version    Print the version',
    '',
    ...wrap('Configuration comes from the environment (see the README): COLLAB_PROVIDER, and per provider', width),
    ...envHelp(width),
  ].join('\n');
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

async function run(request: Extract<CliRequest, { kind: 'run' }>, print: Printer, ctx: Omit<PortabilityContext, 'print' | 'env'>): Promise<number> {
  const env: Env = process.env;
  switch (request.command) {
    case 'export':
    case 'import':
    case 'migrate':
    case 'verify':
      return runPortability({ ...request, command: request.command }, { ...ctx, print, env });
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

/** Options of `main` for embedders and tests. */
export interface MainOptions {
  /** Aborts a running export, import or migration as Ctrl-C does (exit 130, checkpoint kept). */
  signal?: AbortSignal;
}

/**
 * Runs the CLI with `argv` (without `node` and the script); returns the exit code: 0 done, 1 failed
 * (bad config, unreachable provider, failed demo step, refused lossy import, unexplained difference), 2 misused, 130 interrupted (Ctrl-C during export, import or migrate). Output goes to `out`; misuse and
 * failures go to `err` as one line each, except with `--json`, where everything, errors included, is
 * one JSON document on `out` (with the error's `code`).
 */
export async function main(argv: string[], out: NodeJS.WritableStream = process.stdout, err: NodeJS.WritableStream = process.stderr, options: MainOptions = {}): Promise<number> {
  const print = new Printer(out);
  const json = wantsJson(argv);
  try {
    const request = parseCommandLine(argv);
    if (request.kind === 'help') {
      print.line(helpText(print.width, request.topic));
      return 0;
    }
    if (request.kind === 'version') {
      print.line(packageVersion());
      return 0;
    }
    return await run(request, print, { out, err, argv, ...(options.signal ? { signal: options.signal } : {}) });
  } catch (error) {
    const usage = error instanceof UsageError;
    const hint = usage ? error.hint : likelyCause(error, { provider: CollabError.is(error) ? (error.provider ?? '') : '', env: process.env });
    if (json) print.line(JSON.stringify({ error: errorJson(error, hint ? { hint } : {}) }, null, 2));
    else if (usage) err.write(`unicollab: ${error.problem}. ${error.hint}\n`);
    else err.write(`unicollab: ${errorLine(error)}${hint ? `\nhint: ${hint}` : ''}\n`);
    return usage ? 2 : 1;
  }
}
