/**
 * Secret redaction used by every error and log path, so that no message, log line or
 * `raw` field carries an API key, token or Authorization header.
 */

const REDACTED = '[REDACTED]';

/** Header and field names whose values are secrets wherever they appear (adapters add their own). */
const SECRET_KEY_PATTERN =
  /^(authorization|proxy-authorization|cookie|set-cookie|x-api-key|api[-_]?key|apikey|secret|secret[-_]?key|client[-_]?secret|webhook[-_]?secret|auth[-_]?token|access[-_]?token|refresh[-_]?token|id[-_]?token|token|password|private[-_]?key|management[-_]?token)$/i;

/** Shapes of secrets that may appear inside free text (messages, bodies). */
const SECRET_VALUE_PATTERNS: RegExp[] = [
  /\bwhsec_[A-Za-z0-9+/=]{8,}/g, // Standard Webhooks secrets
  /\bBearer\s+[A-Za-z0-9._~+/=-]+/gi,
  /\bBasic\s+[A-Za-z0-9+/=]{6,}/gi,
  /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, // JWTs
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g,
];

const extraSecrets = new Set<string>();
const extraSecretNames = new Set<string>();

/**
 * Registers a vendor's secret header names and credential shapes, so they are redacted everywhere
 * from then on. Core calls it for every adapter config spec it is given (registry entries and
 * registered definitions); registering the same shapes twice is harmless.
 *
 * @param shapes.headers - Header (or field) names whose values are secrets, matched case-insensitively.
 * @param shapes.patterns - Regular expressions of credentials in free text; made global if they are not.
 */
export function registerSecretShapes(shapes: { headers?: readonly string[]; patterns?: readonly RegExp[] }): void {
  for (const name of shapes.headers ?? []) extraSecretNames.add(name.toLowerCase());
  for (const pattern of shapes.patterns ?? []) {
    const global = pattern.global ? pattern : new RegExp(pattern.source, `${pattern.flags}g`);
    if (!SECRET_VALUE_PATTERNS.some((p) => p.source === global.source && p.flags === global.flags)) SECRET_VALUE_PATTERNS.push(global);
  }
}

/**
 * Registers a literal secret (e.g. a configured API key) so that it is redacted from any text,
 * whatever its shape. Adapters call this with their configured credentials.
 */
export function registerSecret(secret: string | undefined): void {
  if (secret && secret.length >= 6) extraSecrets.add(secret);
}

/**
 * The literal secrets registered so far in this process (a copy). For leak tests that scan output for
 * them; not part of the public API.
 *
 * @internal
 */
export function registeredSecrets(): string[] {
  return [...extraSecrets];
}

/** Returns `text` with every known secret shape and every registered secret replaced by `[REDACTED]`. */
export function redactText(text: string): string {
  let out = text;
  for (const secret of extraSecrets) {
    if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  }
  for (const pattern of SECRET_VALUE_PATTERNS) out = out.replace(pattern, REDACTED);
  return out;
}

/** True when a field or header name holds a secret. */
export function isSecretKey(name: string): boolean {
  return SECRET_KEY_PATTERN.test(name) || (extraSecretNames.size > 0 && extraSecretNames.has(name.toLowerCase()));
}

/**
 * Deep-copies `value`, replacing secret-named fields by `[REDACTED]` and redacting secret shapes in strings.
 * Cycles are cut, depth is bounded, so it is safe on arbitrary vendor payloads.
 */
export function redact<T>(value: T, depth = 0, ancestors: WeakSet<object> = new WeakSet()): T {
  if (typeof value === 'string') return redactText(value) as T;
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Date) return value;
  // Only an object that contains itself is a cycle: one referenced twice side by side is copied twice.
  if (depth > 12 || ancestors.has(value)) return '[Truncated]' as T;
  ancestors.add(value);
  try {
    if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1, ancestors)) as T;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      // Keys are redacted too: vendors key maps by ids, and an echoed token can end up as a key.
      out[redactText(k)] = isSecretKey(k) && v != null ? REDACTED : redact(v, depth + 1, ancestors);
    }
    return out as T;
  } finally {
    ancestors.delete(value);
  }
}

/**
 * True when any string in `value` (keys included, to a bounded depth) contains one of `secrets`.
 * A walk with `String#includes` and no copying: cheap enough to run on every response, so that only a
 * body that really echoes a credential pays for `redact`'s deep copy.
 */
export function containsSecret(value: unknown, secrets: readonly string[], depth = 0): boolean {
  if (typeof value === 'string') {
    for (const secret of secrets) if (value.includes(secret)) return true;
    return false;
  }
  if (typeof value !== 'object' || value === null || depth > 32) return false;
  if (Array.isArray(value)) {
    for (const item of value) if (containsSecret(item, secrets, depth + 1)) return true;
    return false;
  }
  for (const key in value) {
    if (containsSecret(key, secrets, depth) || containsSecret((value as Record<string, unknown>)[key], secrets, depth + 1)) return true;
  }
  return false;
}

/**
 * The secrets that hold none of the others (of equal ones, the first). A text containing a dropped
 * secret contains a kept one too, so searching for the kept ones flags exactly the same texts.
 *
 * @internal
 */
export function innermostSecrets(secrets: readonly string[]): string[] {
  return secrets.filter((s, i) => !secrets.some((other, j) => j !== i && s.includes(other) && (other !== s || j < i)));
}

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/**
 * Makes an object (a parsed config) safe to print: its secret fields are registered for redaction,
 * and `JSON.stringify` and `util.inspect` of it show `[REDACTED]` in their place. The object keeps
 * its real values for the code that reads them. The two hooks are non-enumerable, so spreading or
 * iterating the object is unchanged.
 *
 * @param target - The object to protect (changed in place and returned).
 * @param secretFields - Names of its fields that hold secrets (a string or a list of strings).
 */
export function hideSecrets<T extends object>(target: T, secretFields: ReadonlySet<string>): T {
  for (const field of secretFields) {
    const value = (target as Record<string, unknown>)[field];
    if (typeof value === 'string') registerSecret(value);
    else if (Array.isArray(value)) for (const v of value) if (typeof v === 'string') registerSecret(v);
  }
  const view = (): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(target)) {
      out[key] = value === undefined ? undefined : secretFields.has(key) || isSecretKey(key) ? REDACTED : typeof value === 'function' ? '[Function]' : redact(value);
    }
    return out;
  };
  Object.defineProperty(target, 'toJSON', { value: view, enumerable: false, configurable: true });
  Object.defineProperty(target, INSPECT, {
    value: (depth: number, options: object, inspect: (v: unknown, o: object) => string) => (typeof inspect === 'function' ? inspect(view(), options) : view()),
    enumerable: false,
    configurable: true,
  });
  return target;
}
