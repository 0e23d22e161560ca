/**
 * Replacing some members of a service object while the rest pass through to it, for the guard and
 * the webhook replay wrapper.
 * @module
 */

/**
 * Returns an object whose own (read-only, but configurable: a test double may wrap it in a Proxy) properties are `overrides` and whose every other member
 * reads through to `service`, methods bound to it, so adapters' methods keep the real instance as
 * `this` and may use `#private` fields.
 *
 * Why not a single `Proxy` with a `get` trap: every call through a trap costs ~150-200 ns (V8 does not
 * inline traps), which was 5% of `webhooks.verify`. Here an overridden member is a plain own property,
 * found without a trap; only the members that pass through reach the proxy on the prototype chain.
 *
 * @param service - The object to wrap (an adapter's service, or a service already wrapped).
 * @param overrides - The members to replace, by name.
 * @returns The wrapper; `instanceof` still sees the service's class.
 * @internal
 */
export function overlay<T extends object>(service: T, overrides: ReadonlyMap<PropertyKey, unknown>): T {
  const bound = new Map<PropertyKey, unknown>();
  const passThrough = new Proxy(service, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      let b = bound.get(prop);
      if (b === undefined) bound.set(prop, (b = (value as (...a: unknown[]) => unknown).bind(target)));
      return b;
    },
  });
  const wrapper = Object.create(passThrough) as T;
  for (const [prop, value] of overrides) Object.defineProperty(wrapper, prop, { value, enumerable: true, writable: false, configurable: true });
  return wrapper;
}
