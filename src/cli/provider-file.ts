/**
 * Provider configs from files, one per side of a migration (`--from`, `--to`): an env file
 * (`KEY=VALUE` lines, parsed with Node's `util.parseEnv`) or a JSON file (an object of the same
 * variables, or a config object with a `provider` field). Env-style files go through
 * `loadConfigFromEnv`, so they take exactly the variables the environment takes. The file alone
 * configures its side: the process environment is not mixed in, so one vendor's credentials in the
 * shell never leak into the other side. Error messages name the file and the variable, never a value.
 * @module
 */
import { readFile } from 'node:fs/promises';
import { parseEnv } from 'node:util';
import { type CollabConfig, loadConfigFromEnv } from '../collab.js';
import { ConfigError } from '../core/errors.js';

type Env = Record<string, string | undefined>;

/** Which side a file configures, for messages (`--from`, `--to`). */
export type Side = '--from' | '--to' | '--provider';

/** Parses env-file text (`KEY=VALUE`, `#` comments, quotes, `export KEY=...`). */
export function parseEnvText(text: string): Env {
  return { ...parseEnv(text) };
}

function fieldError(side: Side, path: string, problem: string): ConfigError {
  return new ConfigError(`${side} ${path}: ${problem}`, { field: side });
}

/**
 * Reads the config of one side from `path`. JSON when the name ends in `.json` or the text starts with
 * `{`; an env file otherwise.
 *
 * @throws ConfigError naming the file (and, from `loadConfigFromEnv`, the variables at fault).
 */
export async function loadProviderFile(path: string, side: Side): Promise<CollabConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw fieldError(side, path, code === 'ENOENT' ? 'no such file' : `cannot be read (${code ?? 'error'})`);
  }
  const json = path.toLowerCase().endsWith('.json') || text.trimStart().startsWith('{');
  if (!json) return loadConfigFromEnv(parseEnvText(text));
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Not the parser's message: it quotes the text around the error, which may be a secret.
    throw fieldError(side, path, 'is not valid JSON (expected an object of variables, e.g. {"COLLAB_PROVIDER": "memory"}, or a config with a "provider" field)');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw fieldError(side, path, 'must hold a JSON object');
  const object = parsed as Record<string, unknown>;
  if (typeof object.provider === 'string') return object as unknown as CollabConfig;
  const env: Env = {};
  for (const [key, value] of Object.entries(object)) {
    if (value === null || value === undefined) continue;
    if (typeof value === 'object') throw fieldError(side, path, `${key} must be a string, number or boolean`);
    env[key] = String(value);
  }
  return loadConfigFromEnv(env);
}

/** The config of one side: from its file when given, else from the environment (with `--provider` over `COLLAB_PROVIDER`). */
export async function sideConfig(file: string | undefined, side: Side, provider: string | undefined, env: Env): Promise<CollabConfig> {
  if (file !== undefined) return loadProviderFile(file, side);
  return loadConfigFromEnv(provider ? { ...env, COLLAB_PROVIDER: provider } : env);
}
