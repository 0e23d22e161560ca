/**
 * Deep copies of JSON-shaped values, for adapters that hand out copies of what they store.
 * @module
 */

/**
 * A deep copy of `value`, equal to `structuredClone(value)` for what a JSON document can hold
 * (plain objects, arrays, strings, numbers, booleans, null; `undefined` properties are kept too).
 * Several times faster than `structuredClone` on the small records of a listing, which is why the
 * embedded provider's mappers use it (a page of `rooms.iterate()` copies every room's metadata and raw
 * record). Plain `Date`s are copied by their time value, as `structuredClone` does; anything else (a
 * `Date` subclass, a `Map`, a typed array, a class instance) is left to `structuredClone`, so the
 * result is always what `structuredClone` would give.
 *
 * An own `__proto__` key (which `JSON.parse` can produce) is copied as a key, never as a prototype.
 *
 * @param value - The value to copy; it must not contain cycles through plain objects or arrays.
 * @returns The copy.
 */
export function cloneJson<T>(value: T): T {
  return copy(value) as T;
}

/** Read off the prototype, so a Date's own `getTime`/`valueOf` property cannot change what is copied. */
const getTime = Date.prototype.getTime;

function copy(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) {
    // structuredClone refuses these (DataCloneError): so does this.
    return typeof value === 'function' || typeof value === 'symbol' ? structuredClone(value) : value;
  }
  if (Array.isArray(value)) {
    const out: unknown[] = new Array(value.length);
    for (let i = 0; i < value.length; i++) out[i] = copy(value[i]);
    return out;
  }
  const proto: unknown = Object.getPrototypeOf(value);
  // A plain Date, as structuredClone copies it (its time value only): stored records hold dates, and
  // structuredClone of one was most of the cost of copying a room.
  if (proto === Date.prototype) return new Date(getTime.call(value as Date));
  if (proto !== Object.prototype && proto !== null) return structuredClone(value);
  const out: Record<string, unknown> = {};
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    const v = copy((value as Record<string, unknown>)[key]);
    if (key === '__proto__') Object.defineProperty(out, key, { value: v, writable: true, enumerable: true, configurable: true });
    else out[key] = v;
  }
  return out;
}
