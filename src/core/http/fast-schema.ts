/**
 * A precompiled fast path for the zod schemas that check vendor responses.
 *
 * `safeParse` allocates a payload object and an issues array for every node it visits, which made
 * response validation one of the largest costs of a call on the hot path (issue 12). A compiled check
 * walks the same schema tree once, ahead of time, and turns it into plain closures that return the
 * parsed value, or {@link INVALID}. It only answers "valid, and here is zod's output" or "invalid":
 * on `INVALID` the caller runs zod's own `safeParse` to build the error that names the bad field, so
 * error messages, paths and issue lists are zod's, unchanged.
 *
 * The output is what `safeParse` would return (same keys, in zod's order, defaults applied, `__proto__`
 * keys dropped), with one difference that cannot be observed by the caller: an array or record whose
 * items are all returned unchanged is returned itself rather than copied. The input is therefore
 * expected to be freshly parsed JSON that nothing else holds (as the HTTP client's is).
 *
 * Node kinds compiled natively: string, number, boolean, null, any, unknown, literal, optional,
 * nullable, default, array, object (strip, loose, strict), record with string keys, union, custom
 * (with their checks: `.min()`, `.refine()`, formats... run through zod's own check functions) and
 * lazy (compiled as its inner schema: adapters build their response schemas lazily, for cold start;
 * a lazy that reaches itself again keeps zod's parser at the loop). Any other node (transforms,
 * pipes, discriminated unions, coercion...) is delegated to zod's own
 * `run` for that subtree, so every schema compiles and the answer is always zod's.
 * @module
 */
import type { z } from 'zod';

/** What a compiled check returns for a value the schema rejects. */
export const INVALID: unique symbol = Symbol('unicollab.invalid');

/** A compiled check: the parsed output, or {@link INVALID}. Throws only what the schema's own refinements throw. */
export type CompiledCheck = (value: unknown) => unknown;

// zod's internals as far as they are read here (zod 4 `_zod`).
interface ZodPayload {
  value: unknown;
  issues: unknown[];
}
interface ZodInternals {
  def: ZodDef;
  traits: Set<string>;
  optin?: 'optional' | 'defaulted' | undefined;
  optout?: 'optional' | undefined;
  run(payload: ZodPayload, ctx: object): ZodPayload | Promise<ZodPayload>;
  check?(payload: ZodPayload): unknown;
}
interface ZodDef {
  type: string;
  checks?: ZodNode[];
  coerce?: boolean;
  when?: (payload: ZodPayload) => boolean;
  innerType?: ZodNode;
  element?: ZodNode;
  shape?: Record<string, ZodNode>;
  catchall?: ZodNode;
  keyType?: ZodNode;
  valueType?: ZodNode;
  options?: ZodNode[];
  values?: unknown[];
  defaultValue?: unknown;
}
interface ZodNode {
  _zod: ZodInternals;
}


/**
 * What a compiled check may assume of its input. `any`: nothing (the output is zod's for every value).
 * `json`: the value is `JSON.parse` output, or built from it by plain assignment: every object is a
 * plain object with `Object.prototype` (or no) prototype, and every own key is an enumerable string.
 * Records then skip the per-key checks for symbol and hidden keys that such values cannot have, which
 * was the largest part of checking a room (three records). For such input the output is the same.
 */
export type CheckedInput = 'any' | 'json';

const compiled = { any: new WeakMap<object, CompiledCheck>(), json: new WeakMap<object, CompiledCheck>() };

/** What compiling one schema tree needs to know: the nodes being compiled (for loops) and the input kind. */
interface CompileContext {
  readonly active: Set<ZodNode>;
  readonly input: CheckedInput;
}

/**
 * The compiled check of `schema`, built on first use and cached (schemas are module-level constants).
 *
 * @param schema - A zod 4 schema.
 * @param input - What the input is known to be (default `any`); see {@link CheckedInput}.
 * @returns A function giving zod's output for a valid value, {@link INVALID} for an invalid one.
 */
export function compileSchema(schema: z.ZodType, input: CheckedInput = 'any'): CompiledCheck {
  const cache = compiled[input];
  let check = cache.get(schema);
  if (check === undefined) {
    check = compileNode(schema as unknown as ZodNode, { active: new Set(), input });
    cache.set(schema, check);
  }
  return check;
}

/** Whether object checks are generated as code (off only to test the interpreted form). */
let generateCode = true;

/**
 * The check of `schema` with object checks interpreted rather than generated, as where code cannot
 * be generated. Not cached; for tests.
 *
 * @internal
 */
export function compileSchemaInterpreted(schema: z.ZodType, input: CheckedInput = 'any'): CompiledCheck {
  generateCode = false;
  try {
    return compileNode(schema as unknown as ZodNode, { active: new Set(), input });
  } finally {
    generateCode = true;
  }
}

function compileNode(node: ZodNode, ctx: CompileContext): CompiledCheck {
  const active = ctx.active;
  // A schema that contains itself (through a getter shape) keeps zod's own parser at the loop.
  if (active.has(node)) return viaZod(node);
  active.add(node);
  try {
    const zod = node._zod;
    const base = compileBase(node, ctx);
    if (base === undefined) return viaZod(node);
    const checks: ZodNode[] = [];
    if (zod.traits.has('$ZodCheck')) checks.push(node);
    for (const check of zod.def.checks ?? []) checks.push(check);
    return checks.length === 0 ? base : withChecks(base, checks);
  } finally {
    active.delete(node);
  }
}

/** The node's own parser without its checks, or `undefined` when it is left to zod. */
function compileBase(node: ZodNode, ctx: CompileContext): CompiledCheck | undefined {
  const zod = node._zod;
  const def = zod.def;
  if (def.coerce) return undefined;
  switch (def.type) {
    case 'string':
      return (v) => (typeof v === 'string' ? v : INVALID);
    case 'number':
      return (v) => (typeof v === 'number' && Number.isFinite(v) ? v : INVALID);
    case 'boolean':
      return (v) => (typeof v === 'boolean' ? v : INVALID);
    case 'null':
      return (v) => (v === null ? v : INVALID);
    case 'any':
    case 'unknown':
    case 'custom':
      // `custom` parses as the identity; its predicate is the node's own check.
      return identity;
    case 'literal': {
      const values = new Set(def.values);
      return (v) => (values.has(v) ? v : INVALID);
    }
    case 'optional': {
      const inner = def.innerType as ZodNode;
      // An exact optional and an optional over a default follow other rules: zod decides those.
      if (zod.traits.has('$ZodExactOptional') || inner._zod.optin === 'defaulted') return undefined;
      const check = compileNode(inner, ctx);
      return (v) => (v === undefined ? undefined : check(v));
    }
    case 'nullable': {
      const check = compileNode(def.innerType as ZodNode, ctx);
      return (v) => (v === null ? null : check(v));
    }
    case 'default': {
      if (!zod.traits.has('$ZodDefault')) return undefined;
      const check = compileNode(def.innerType as ZodNode, ctx);
      // `defaultValue` is a getter giving a fresh (shallow-cloned) value each time, as zod reads it.
      return (v) => {
        if (v === undefined) return def.defaultValue;
        const out = check(v);
        return out === undefined ? def.defaultValue : out;
      };
    }
    case 'array':
      return compileArray(compileNode(def.element as ZodNode, ctx));
    case 'object':
      return compileObject(def, ctx);
    case 'record':
      return compileRecord(def, ctx);
    case 'lazy':
      // zod resolves and caches the inner schema on first access.
      return compileNode((zod as ZodInternals & { innerType: ZodNode }).innerType, ctx);
    case 'union': {
      if (zod.traits.has('$ZodDiscriminatedUnion') || zod.traits.has('$ZodXor') || (def as { inclusive?: boolean }).inclusive === false) return undefined;
      const options = (def.options ?? []).map((o) => compileNode(o, ctx));
      if (options.length === 1) return options[0];
      // zod returns the first option without issues.
      return (v) => {
        for (const option of options) {
          const out = option(v);
          if (out !== INVALID) return out;
        }
        return INVALID;
      };
    }
    default:
      return undefined;
  }
}

function identity(v: unknown): unknown {
  return v;
}

/** A subtree left to zod: its own `run`, as `safeParse` calls it. */
function viaZod(node: ZodNode): CompiledCheck {
  return (v) => {
    const result = node._zod.run({ value: v, issues: [] }, { async: false });
    // An async refinement: `safeParse` throws for it, which the caller's fallback then does.
    if (result instanceof Promise) return INVALID;
    return result.issues.length === 0 ? result.value : INVALID;
  };
}

/** Runs checks as zod's `runChecks` does after a successful parse (`when` honoured, overwrites kept). */
function withChecks(base: CompiledCheck, checks: readonly ZodNode[]): CompiledCheck {
  // `.refine(fn)` (a `$ZodCustom` check without `when`) fails exactly when `fn` returns a falsy value:
  // those are called directly, without a payload.
  const predicates = checks.every((c) => c._zod.traits.has('$ZodCustom') && c._zod.def.when === undefined && typeof (c._zod.def as { fn?: unknown }).fn === 'function')
    ? checks.map((c) => (c._zod.def as unknown as { fn: (v: unknown) => unknown }).fn)
    : undefined;
  if (predicates !== undefined && predicates.length === 1) {
    const fn = predicates[0] as (v: unknown) => unknown;
    return (v) => {
      const value = base(v);
      if (value === INVALID) return INVALID;
      const ok = fn(value);
      return !ok || ok instanceof Promise ? INVALID : value;
    };
  }
  if (predicates !== undefined) {
    return (v) => {
      const value = base(v);
      if (value === INVALID) return INVALID;
      for (const fn of predicates) {
        const ok = fn(value);
        if (!ok || ok instanceof Promise) return INVALID;
      }
      return value;
    };
  }
  return (v) => {
    const value = base(v);
    if (value === INVALID) return INVALID;
    const payload: ZodPayload = { value, issues: [] };
    for (const check of checks) {
      const when = check._zod.def.when;
      if (when && !when(payload)) continue;
      const r = check._zod.check?.(payload);
      if (r instanceof Promise) return INVALID;
      if (payload.issues.length !== 0) return INVALID;
    }
    return payload.value;
  };
}

function compileArray(element: CompiledCheck): CompiledCheck {
  return (v) => {
    if (!Array.isArray(v)) return INVALID;
    let out: unknown[] | undefined;
    for (let i = 0; i < v.length; i++) {
      const item: unknown = v[i];
      const r = element(item);
      if (r === INVALID) return INVALID;
      if (out !== undefined) out.push(r);
      else if (r !== item) {
        out = v.slice(0, i);
        out.push(r);
      }
    }
    return out ?? v;
  };
}

interface Field {
  key: string;
  check: CompiledCheck;
  optin: 'optional' | 'defaulted' | undefined;
  optout: 'optional' | undefined;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function compileObject(def: ZodDef, ctx: CompileContext): CompiledCheck | undefined {
  const shape = def.shape as Record<string, ZodNode>;
  if (Object.getOwnPropertySymbols(shape).length > 0) return undefined;
  const keys = Object.keys(shape);
  // `key in input` and `input[key]` would see Object.prototype for these: left to zod.
  if (keys.some((k) => k in Object.prototype || k === '__proto__')) return undefined;
  let mode: 'strip' | 'loose' | 'strict' = 'strip';
  let rest: CompiledCheck | undefined;
  if (def.catchall !== undefined) {
    const t = def.catchall._zod.def.type;
    if (t === 'never') mode = 'strict';
    else {
      mode = 'loose';
      if (!(t === 'unknown' || t === 'any') || (def.catchall._zod.def.checks?.length ?? 0) > 0) rest = compileNode(def.catchall, ctx);
    }
  }
  const fields: Field[] = keys.map((key) => {
    const el = shape[key] as ZodNode;
    return { key, check: compileNode(el, ctx), optin: el._zod.optin, optout: el._zod.optout };
  });
  const keySet = new Set(keys);
  return (generateCode ? generatedObject(fields, keySet, mode, rest) : undefined) ?? interpretedObject(fields, keySet, mode, rest);
}

/**
 * The object check as generated code (what zod's own object parser does too): constant property
 * names get inline caches, where a loop over the fields would read every key through a megamorphic
 * lookup. `undefined` where code cannot be generated (a Content-Security-Policy without
 * `unsafe-eval`): the interpreted check is used then.
 */
function generatedObject(fields: readonly Field[], keySet: ReadonlySet<string>, mode: 'strip' | 'loose' | 'strict', rest: CompiledCheck | undefined): CompiledCheck | undefined {
  const lines: string[] = ['if (typeof v !== "object" || v === null || Array.isArray(v)) return INVALID;', 'const out = {};', 'let r, p;'];
  fields.forEach((f, i) => {
    const k = JSON.stringify(f.key);
    const skipAbsent = f.optout === 'optional' && f.optin === 'optional';
    const tolerateAbsent = f.optin !== undefined && f.optout === 'optional';
    const keepUndefinedAbsent = f.optin === 'defaulted' && f.optout !== 'optional';
    lines.push(`p = ${k} in v; r = c[${i}](v[${k}]);`);
    // zod's handlePropertyResult, with this field's constants folded in.
    if (skipAbsent) lines.push(`if (p) { if (r === INVALID) return INVALID; out[${k}] = r; }`);
    else {
      lines.push(`if (r === INVALID) { ${tolerateAbsent ? 'if (p) return INVALID;' : 'return INVALID;'} }`);
      lines.push(`else ${f.optin === undefined ? 'if (!p) return INVALID; else ' : ''}if (r !== undefined || p${keepUndefinedAbsent ? ' || true' : ''}) out[${k}] = r;`);
    }
  });
  if (mode === 'strict') lines.push('for (const key in v) if (!keys.has(key)) return INVALID;');
  else if (mode === 'loose') {
    lines.push('for (const key in v) {', 'if (keys.has(key) || key === "__proto__") continue;');
    lines.push(rest === undefined ? 'out[key] = v[key];' : 'r = rest(v[key]); if (r === INVALID) return INVALID; out[key] = r;');
    lines.push('}');
  }
  lines.push('return out;');
  try {
    const make = new Function('INVALID', 'c', 'keys', 'rest', `return function check(v) {\n${lines.join('\n')}\n};`) as (
      invalid: typeof INVALID,
      checks: readonly CompiledCheck[],
      keys: ReadonlySet<string>,
      rest: CompiledCheck | undefined,
    ) => CompiledCheck;
    return make(
      INVALID,
      fields.map((f) => f.check),
      keySet,
      rest,
    );
  } catch {
    return undefined;
  }
}

function interpretedObject(fields: readonly Field[], keySet: ReadonlySet<string>, mode: 'strip' | 'loose' | 'strict', rest: CompiledCheck | undefined): CompiledCheck {
  return (v) => {
    if (!isObject(v)) return INVALID;
    const out: Record<string, unknown> = {};
    for (const f of fields) {
      const present = f.key in v;
      const r = f.check(v[f.key]);
      // zod's handlePropertyResult, case by case.
      if (!present && f.optout === 'optional' && f.optin === 'optional') continue;
      if (r === INVALID) {
        if (f.optin !== undefined && f.optout === 'optional' && !present) continue;
        return INVALID;
      }
      if (!present && f.optin === undefined) return INVALID;
      if (r === undefined) {
        if (present || (f.optin === 'defaulted' && f.optout !== 'optional')) out[f.key] = undefined;
      } else out[f.key] = r;
    }
    if (mode === 'strip') return out;
    for (const key in v) {
      if (keySet.has(key)) continue;
      if (mode === 'strict') return INVALID;
      // Never copied: assigning it to a plain object would replace the result's prototype.
      if (key === '__proto__') continue;
      if (rest === undefined) out[key] = v[key];
      else {
        const r = rest(v[key]);
        if (r === INVALID) return INVALID;
        out[key] = r;
      }
    }
    return out;
  };
}

/** zod's `isPlainObject`. */
function isPlainObject(o: unknown): o is Record<PropertyKey, unknown> {
  if (!isObject(o)) return false;
  const ctor = (o as { constructor?: unknown }).constructor;
  if (ctor === undefined || typeof ctor !== 'function') return true;
  const prot = (ctor as { prototype?: unknown }).prototype;
  if (!isObject(prot)) return false;
  return Object.prototype.hasOwnProperty.call(prot, 'isPrototypeOf');
}

function compileRecord(def: ZodDef, ctx: CompileContext): CompiledCheck | undefined {
  const keyType = def.keyType as ZodNode;
  const kz = keyType._zod;
  // Plain string keys only: enum, literal, refined or transformed keys are zod's.
  if (kz.def.type !== 'string' || kz.def.coerce || (kz.def.checks?.length ?? 0) > 0 || kz.traits.has('$ZodCheck') || (kz as { values?: unknown }).values !== undefined) return undefined;
  const value = compileNode(def.valueType as ZodNode, ctx);
  if (ctx.input === 'json') {
    // `JSON.parse` output: a plain object whose own keys are all enumerable strings, so `Object.keys`
    // lists exactly what zod reads (`__proto__` is still dropped, as zod does).
    return (v) => (isObject(v) ? recordEntries(v, Object.keys(v), value, true) : INVALID);
  }
  return (v) => (isPlainObject(v) ? recordEntries(v, Reflect.ownKeys(v), value, false) : INVALID);
}

/**
 * Checks a record's entries in `keys` order; the record itself when every value came back unchanged,
 * else a copy (built only once something differs: zod would copy, and nothing else holds the input).
 * With `stringKeysOnly`, `keys` are known to be own enumerable strings (no symbol or hidden-key checks).
 */
function recordEntries(v: Record<PropertyKey, unknown>, keys: readonly PropertyKey[], value: CompiledCheck, stringKeysOnly: boolean): unknown {
  let out: Record<string, unknown> | undefined;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string | symbol;
    if (!stringKeysOnly) {
      // A symbol key fails the string key schema: zod reports it.
      if (typeof key === 'symbol') {
        if (Object.prototype.propertyIsEnumerable.call(v, key)) return INVALID;
        out ??= prefix(v, keys, i);
        continue;
      }
      if (!Object.prototype.propertyIsEnumerable.call(v, key)) {
        out ??= prefix(v, keys, i);
        continue;
      }
    }
    if (key === '__proto__') {
      out ??= prefix(v, keys, i);
      continue;
    }
    const item = v[key];
    const r = value(item);
    if (r === INVALID) return INVALID;
    if (out !== undefined) out[key as string] = r;
    else if (r !== item) {
      out = prefix(v, keys, i);
      out[key as string] = r;
    }
  }
  return out ?? v;
}

/** A copy of the record's first `n` keys, all kept unchanged so far. */
function prefix(v: Record<PropertyKey, unknown>, keys: readonly PropertyKey[], n: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let j = 0; j < n; j++) {
    const key = keys[j] as string;
    out[key] = v[key];
  }
  return out;
}
