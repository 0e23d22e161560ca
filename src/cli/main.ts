import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ADAPTERS } from '../adapters/registry.js';
import type { AdapterConfigSpec } from '../core/adapter.js';
import { type CollabConfig, createCollab, ENV_VARS, loadConfigFromEnv, PROVIDER_IDS } from '../collab.js';
import { CollabError } from '../core/errors.js';
import { renderCapabilityTable, shippedCapabilities } from './capability-table.js';
import { runDemo } from './demo.js';
import { Printer } from './output.js';

// Listed from the registry, so a new adapter shows up here without editing the CLI.
function envHelp(): string {
  return PROVIDER_IDS.map((id) => {
    const detect = (ADAPTERS[id].config as AdapterConfigSpec).detect;
    const vars = Object.values(ENV_VARS[id]).map((v) => (v === detect ? `${v} (selects it)` : v));
    return `  ${id}: ${vars.join(', ')}`;
  }).join('\n');
}

const HELP = `unicollab: one API for collaboration back ends

Usage: unicollab <command> [options]

Commands:
  demo           Walk through every service on the configured provider (default: memory)
  doctor         Validate the configuration, reach the provider, print its capabilities
  capabilities   Print the capability table of every adapter in this version

Options:
  --provider <id>  Override COLLAB_PROVIDER (${PROVIDER_IDS.join(', ')})
  --json           Machine-readable output (doctor, capabilities)
  -h, --help       Show this help
  -v, --version    Print the version

Configuration comes from the environment (see the README): COLLAB_PROVIDER, and per provider
${envHelp()}
`;

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

async function doctor(config: CollabConfig, json: boolean, print: Printer): Promise<number> {
  const collab = await createCollab(config);
  const report: Record<string, unknown> = { provider: collab.provider, config: 'valid' };
  try {
    if (collab.capabilities['rooms.list'] !== 'no') {
      const started = performance.now();
      await collab.rooms.list({ limit: 1 });
      report.reachable = true;
      report.latencyMs = Math.round(performance.now() - started);
    }
  } catch (err) {
    report.reachable = false;
    report.error = CollabError.is(err) ? err.toJSON() : String(err);
  } finally {
    await collab.close();
  }
  report.capabilities = collab.capabilities;
  report.capabilityNotes = collab.capabilityNotes;
  if (json) {
    print.line(JSON.stringify(report, null, 2));
  } else {
    print.line(`provider: ${collab.provider}`);
    print.line('config: valid');
    if (report.reachable === true) print.line(`reachable: yes (${String(report.latencyMs)} ms for rooms.list)`);
    else if (report.reachable === false) print.line(`reachable: NO: ${JSON.stringify(report.error)}`);
    print.line();
    print.line(renderCapabilityTable({ [collab.provider]: { levels: collab.capabilities, notes: collab.capabilityNotes } }, 'text'));
  }
  return report.reachable === false ? 1 : 0;
}

/**
 * Runs the CLI with `argv` (without `node` and the script); returns the exit code. Output goes to `out`,
 * usage errors to `err` (stdout and stderr by default).
 */
export async function main(argv: string[], out: NodeJS.WritableStream = process.stdout, err: NodeJS.WritableStream = process.stderr): Promise<number> {
  const print = new Printer(out);
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        provider: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
        version: { type: 'boolean', short: 'v', default: false },
      },
    });
  } catch (e) {
    err.write(`${(e as Error).message}. Run "unicollab --help".\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.version) {
    print.line(version());
    return 0;
  }
  const command = positionals[0];
  if (values.help || !command) {
    print.line(HELP);
    return command || values.help ? 0 : 2;
  }
  const env = values.provider ? { ...process.env, COLLAB_PROVIDER: values.provider } : process.env;
  switch (command) {
    case 'demo':
      return runDemo(loadConfigFromEnv(env), print);
    case 'doctor':
      return doctor(loadConfigFromEnv(env), values.json ?? false, print);
    case 'capabilities': {
      const table = await shippedCapabilities();
      print.line(values.json ? JSON.stringify(table, null, 2) : renderCapabilityTable(table, 'text'));
      return 0;
    }
    default:
      err.write(`Unknown command "${command}". Run "unicollab --help".\n`);
      return 2;
  }
}

