import { parseArgs } from 'node:util';
import { PROVIDER_IDS } from '../adapters/registry.js';
import { ValidationError } from '../core/errors.js';

/** The CLI's commands, in the order help lists them. */
export const COMMANDS = ['demo', 'doctor', 'capabilities', 'export', 'import', 'migrate', 'verify', 'help'] as const;

/** A CLI command. */
export type Command = (typeof COMMANDS)[number];

/** An option a command may take (besides `--help` and `--version`, which every command takes). */
export type OptionName = 'provider' | 'json' | 'out' | 'in' | 'rooms' | 'users' | 'since' | 'from' | 'to' | 'checkpoint' | 'mode' | 'concurrency' | 'allow-loss' | 'dry-run' | 'no-verify';

/** The options each command accepts (besides `--help` and `--version`, which every command takes). */
export const COMMAND_OPTIONS: Readonly<Record<Command, readonly OptionName[]>> = {
  demo: ['provider'],
  doctor: ['provider', 'json'],
  capabilities: ['json'],
  export: ['provider', 'from', 'out', 'rooms', 'since', 'users', 'json'],
  import: ['provider', 'to', 'in', 'checkpoint', 'allow-loss', 'mode', 'concurrency', 'dry-run', 'json'],
  migrate: ['from', 'to', 'rooms', 'since', 'users', 'checkpoint', 'allow-loss', 'mode', 'concurrency', 'dry-run', 'no-verify', 'json'],
  verify: ['from', 'to', 'rooms', 'checkpoint', 'json'],
  help: [],
};

/** Options a command cannot run without. */
const REQUIRED: Partial<Record<Command, readonly OptionName[]>> = {
  export: ['out'],
  import: ['in'],
  migrate: ['from', 'to'],
  verify: ['from', 'to'],
};

/** The options of the portability commands, parsed and checked. */
export interface PortabilityOptions {
  /** `--out`: the export file. */
  out?: string;
  /** `--in`: the file to import. */
  in?: string;
  /** `--rooms a,b`. */
  rooms?: string[];
  /** `--users a,b`: whose notifications to export from a source that cannot list users. */
  users?: string[];
  /** `--since` (ISO-8601 date or date-time). */
  since?: Date;
  /** `--from`: the source's env or JSON file. */
  from?: string;
  /** `--to`: the target's env or JSON file. */
  to?: string;
  /** `--checkpoint`: the checkpoint file. */
  checkpoint?: string;
  /** `--mode`. */
  mode?: 'upsert' | 'create-only';
  /** `--concurrency N`. */
  concurrency?: number;
  /** `--allow-loss`. */
  allowLoss: boolean;
  /** `--dry-run`. */
  dryRun: boolean;
  /** `--no-verify`. */
  noVerify: boolean;
}

/** What the command line asks for. */
export type CliRequest =
  | { kind: 'help'; topic?: Exclude<Command, 'help'> }
  | { kind: 'version' }
  | { kind: 'run'; command: Exclude<Command, 'help'>; provider?: string; json: boolean; options: PortabilityOptions };

/**
 * A misused command line (unknown command or option, missing value, unknown provider). `field` names
 * the argument at fault (`command`, `--provider`, ...); `problem` is the one-sentence description and
 * `hint` where to look next. The CLI prints it on one line and exits with code 2.
 */
export class UsageError extends ValidationError {
  /** The description of the problem, without the `Invalid <field>:` prefix of `message`. */
  readonly problem: string;
  /** The one-line pointer to the usage to read. */
  readonly hint: string;
  constructor(field: string, problem: string, topic?: string) {
    super(field, problem);
    this.problem = problem;
    this.hint = `Run "unicollab ${topic ? `help ${topic}` : '--help'}" for usage.`;
  }
}

const OPTIONS = {
  provider: { type: 'string' },
  json: { type: 'boolean' },
  out: { type: 'string' },
  in: { type: 'string' },
  rooms: { type: 'string' },
  users: { type: 'string' },
  since: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  checkpoint: { type: 'string' },
  mode: { type: 'string' },
  concurrency: { type: 'string' },
  'allow-loss': { type: 'boolean' },
  'dry-run': { type: 'boolean' },
  'no-verify': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;

/** What each string option's value is, for "--x needs ...". */
const VALUE_OF: Partial<Record<OptionName, string>> = {
  out: 'a file path',
  in: 'a file path',
  rooms: 'a comma-separated list of room ids',
  users: 'a comma-separated list of user ids',
  since: 'an ISO-8601 date (2024-05-01 or 2024-05-01T12:00:00Z)',
  from: 'an env file or a JSON file',
  to: 'an env file or a JSON file',
  checkpoint: 'a file path',
  mode: 'upsert or create-only',
  concurrency: 'a positive integer',
};

const MODES = ['upsert', 'create-only'] as const;

/** Edit distance, for "did you mean": small inputs only (flags, commands, provider ids). */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const next = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = row[j]!;
      row[j] = next;
    }
  }
  return row[b.length]!;
}

/** ` (did you mean X?)` when one candidate is close to `input`, else empty. */
export function didYouMean(input: string, candidates: readonly string[]): string {
  const lower = input.toLowerCase();
  let best: { candidate: string; d: number } | undefined;
  for (const candidate of candidates) {
    const d = distance(lower, candidate.toLowerCase());
    if (!best || d < best.d) best = { candidate, d };
  }
  return best && best.d <= Math.max(1, Math.floor(best.candidate.length / 3)) ? ` (did you mean ${best.candidate}?)` : '';
}

const isCommand = (value: string): value is Command => (COMMANDS as readonly string[]).includes(value);

/**
 * Parses the command line (without `node` and the script). Node's `util.parseArgs` tokenises it (in
 * non-strict mode, so that its own error texts, written for the developer of the parser, never reach
 * the user); every check and message is ours.
 *
 * @throws UsageError for anything but a well-formed request.
 */
export function parseCommandLine(argv: readonly string[]): CliRequest {
  const { tokens } = parseArgs({ args: [...argv], options: OPTIONS, strict: false, allowPositionals: true, tokens: true });
  const positionals: string[] = [];
  const given = new Set<string>();
  const values: Partial<Record<OptionName, string>> = {};
  for (const token of tokens) {
    if (token.kind === 'positional') positionals.push(token.value);
    if (token.kind !== 'option') continue;
    const spec = (OPTIONS as Record<string, { type: string }>)[token.name];
    if (!spec) {
      const known = Object.keys(OPTIONS).map((name) => `--${name}`);
      throw new UsageError(token.rawName, `unknown option ${token.rawName}${didYouMean(token.rawName.replace(/^-+/, '--'), known)}`);
    }
    given.add(token.name);
    if (spec.type === 'boolean') {
      if (token.inlineValue) throw new UsageError(token.rawName, `${token.rawName} takes no value`);
      continue;
    }
    // `--provider --json` would otherwise read "--json" as the provider id.
    if (token.value === undefined || token.value.trim() === '' || (!token.inlineValue && token.value.startsWith('-'))) {
      if (token.name === 'provider') throw new UsageError('--provider', `--provider needs a provider id (one of ${PROVIDER_IDS.join(', ')})`);
      throw new UsageError(`--${token.name}`, `--${token.name} needs ${VALUE_OF[token.name as OptionName] ?? 'a value'}`);
    }
    values[token.name as OptionName] = token.value.trim();
  }
  const provider = values.provider;
  const [first, ...rest] = positionals;
  const topic = first === 'help' ? rest.shift() : first;
  if (first === 'help' || given.has('help')) {
    if (topic === undefined || topic === 'help') return { kind: 'help' };
    if (!isCommand(topic)) throw new UsageError('command', `unknown command "${topic}"${didYouMean(topic, COMMANDS)}`);
    return { kind: 'help', topic: topic as Exclude<Command, 'help'> };
  }
  if (given.has('version')) return { kind: 'version' };
  if (first === undefined) throw new UsageError('command', `no command given: expected one of ${COMMANDS.join(', ')}`);
  if (!isCommand(first)) throw new UsageError('command', `unknown command "${first}"${didYouMean(first, COMMANDS)}`);
  const command = first as Exclude<Command, 'help'>;
  if (rest.length > 0) throw new UsageError('command', `unexpected argument "${rest[0]!}" after ${command}`, command);
  for (const name of Object.keys(OPTIONS) as Array<keyof typeof OPTIONS>) {
    if (name === 'help' || name === 'version') continue;
    if (given.has(name) && !COMMAND_OPTIONS[command].includes(name)) {
      const accepted = COMMAND_OPTIONS[command].map((o) => `--${o}`);
      throw new UsageError(`--${name}`, `${command} takes no --${name} option${accepted.length ? ` (it takes ${accepted.join(', ')})` : ''}`, command);
    }
  }
  if (provider !== undefined && !(PROVIDER_IDS as readonly string[]).includes(provider)) {
    throw new UsageError('--provider', `--provider "${provider.slice(0, 40)}" is not a provider: expected one of ${PROVIDER_IDS.join(', ')}${didYouMean(provider, PROVIDER_IDS)}`, command);
  }
  for (const name of REQUIRED[command] ?? []) {
    if (values[name] === undefined) throw new UsageError(`--${name}`, `${command} needs --${name} <${VALUE_OF[name]!.replace(/^an? /, '')}>`, command);
  }
  if (provider !== undefined && ((command === 'export' && values.from !== undefined) || (command === 'import' && values.to !== undefined))) {
    throw new UsageError('--provider', `--provider and --${command === 'export' ? 'from' : 'to'} both choose the provider: give one`, command);
  }
  const options: PortabilityOptions = { allowLoss: given.has('allow-loss'), dryRun: given.has('dry-run'), noVerify: given.has('no-verify') };
  for (const name of ['out', 'in', 'from', 'to', 'checkpoint'] as const) if (values[name] !== undefined) options[name] = values[name];
  for (const name of ['rooms', 'users'] as const) {
    if (values[name] === undefined) continue;
    const ids = values[name].split(',').map((r) => r.trim());
    if (ids.some((r) => r === '')) throw new UsageError(`--${name}`, `--${name} needs ${VALUE_OF[name]!} (no empty id)`, command);
    options[name] = [...new Set(ids)];
  }
  if (values.since !== undefined) {
    const since = /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(values.since) ? new Date(values.since) : new Date(Number.NaN);
    if (Number.isNaN(since.getTime())) throw new UsageError('--since', `--since "${values.since.slice(0, 40)}" is not a date: expected ${VALUE_OF.since!}`, command);
    options.since = since;
  }
  if (values.mode !== undefined) {
    if (!(MODES as readonly string[]).includes(values.mode)) throw new UsageError('--mode', `--mode "${values.mode.slice(0, 40)}" is not a mode: expected upsert or create-only${didYouMean(values.mode, MODES)}`, command);
    options.mode = values.mode as PortabilityOptions['mode'];
  }
  if (values.concurrency !== undefined) {
    const n = /^\d+$/.test(values.concurrency) ? Number(values.concurrency) : Number.NaN;
    if (!Number.isSafeInteger(n) || n < 1 || n > 1000) throw new UsageError('--concurrency', `--concurrency "${values.concurrency.slice(0, 40)}" is not an integer from 1 to 1000`, command);
    options.concurrency = n;
  }
  return { kind: 'run', command, ...(provider !== undefined ? { provider } : {}), json: given.has('json'), options };
}
