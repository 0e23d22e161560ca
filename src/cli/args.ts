import { parseArgs } from 'node:util';
import { PROVIDER_IDS } from '../adapters/registry.js';
import { ValidationError } from '../core/errors.js';

/** The CLI's commands, in the order help lists them. */
export const COMMANDS = ['demo', 'doctor', 'capabilities', 'help'] as const;

/** A CLI command. */
export type Command = (typeof COMMANDS)[number];

/** The options each command accepts (besides `--help` and `--version`, which every command takes). */
export const COMMAND_OPTIONS: Readonly<Record<Command, readonly ('provider' | 'json')[]>> = {
  demo: ['provider'],
  doctor: ['provider', 'json'],
  capabilities: ['json'],
  help: [],
};

/** What the command line asks for. */
export type CliRequest =
  | { kind: 'help'; topic?: Exclude<Command, 'help'> }
  | { kind: 'version' }
  | { kind: 'run'; command: Exclude<Command, 'help'>; provider?: string; json: boolean };

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
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;

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
  let provider: string | undefined;
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
      throw new UsageError('--provider', `--provider needs a provider id (one of ${PROVIDER_IDS.join(', ')})`);
    }
    provider = token.value.trim();
  }
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
  for (const name of ['provider', 'json'] as const) {
    if (given.has(name) && !COMMAND_OPTIONS[command].includes(name)) {
      const accepted = COMMAND_OPTIONS[command].map((o) => `--${o}`);
      throw new UsageError(`--${name}`, `${command} takes no --${name} option${accepted.length ? ` (it takes ${accepted.join(', ')})` : ''}`, command);
    }
  }
  if (provider !== undefined && !(PROVIDER_IDS as readonly string[]).includes(provider)) {
    throw new UsageError('--provider', `--provider "${provider.slice(0, 40)}" is not a provider: expected one of ${PROVIDER_IDS.join(', ')}${didYouMean(provider, PROVIDER_IDS)}`, command);
  }
  return { kind: 'run', command, ...(provider !== undefined ? { provider } : {}), json: given.has('json') };
}
