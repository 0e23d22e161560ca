import type { HttpClientOptions } from './types.js';

/** The HTTP settings every vendor config may carry (`timeoutMs`, `deadlineMs`, `retries`, `maxResponseBytes`, `fetch`, `logger`, `transport`). */
export type ConfigHttpOptions = Pick<HttpClientOptions, 'timeoutMs' | 'deadlineMs' | 'retries' | 'maxResponseBytes' | 'fetch' | 'logger' | 'transport'>;

/** Picks the HTTP settings present in a vendor config, for `createHttpClient`, leaving absent ones to its defaults. */
export function httpOptionsFromConfig(config: { [K in keyof ConfigHttpOptions]?: ConfigHttpOptions[K] | undefined }): ConfigHttpOptions {
  const out: ConfigHttpOptions = {};
  if (config.timeoutMs !== undefined) out.timeoutMs = config.timeoutMs;
  if (config.deadlineMs !== undefined) out.deadlineMs = config.deadlineMs;
  if (config.retries !== undefined) out.retries = config.retries;
  if (config.maxResponseBytes !== undefined) out.maxResponseBytes = config.maxResponseBytes;
  if (config.fetch !== undefined) out.fetch = config.fetch;
  if (config.logger !== undefined) out.logger = config.logger;
  if (config.transport !== undefined) out.transport = config.transport;
  return out;
}
