/**
 * `Collab` resolves each service from the container on first access, once (issue 12: resolving all of
 * them up front was a third of the first `createCollab()`).
 */
import { describe, expect, it } from 'vitest';
import { createCollabContainer } from '../../src/collab.js';
import { collabFromContainer, SERVICE_TOKENS } from '../../src/core/container.js';

const serviceNames = Object.keys(SERVICE_TOKENS);

/** A memory container whose `get` records the names of the service tokens it resolves. */
async function countingContainer() {
  const container = await createCollabContainer({ provider: 'memory' });
  const names = new Map(Object.entries(SERVICE_TOKENS).map(([name, token]) => [token, name]));
  const resolved: string[] = [];
  const get = container.get.bind(container);
  (container as { get: unknown }).get = (token: symbol) => {
    const name = names.get(token);
    if (name) resolved.push(name);
    return get(token);
  };
  return { container, resolved };
}

describe('collab services are resolved on first access', () => {
  it('creating the collab resolves no service; each first access resolves one, once', async () => {
    const { container, resolved } = await countingContainer();
    const collab = collabFromContainer(container);
    expect(resolved).toEqual([]);
    const rooms = collab.rooms;
    expect(resolved).toEqual(['rooms']);
    expect(collab.rooms).toBe(rooms);
    await rooms.create({ id: 'lazy-1' });
    await expect(collab.rooms.get('lazy-1')).resolves.toMatchObject({ id: 'lazy-1' });
    expect(collab.threads).toBe(collab.threads);
    expect(resolved).toEqual(['rooms', 'threads']);
    await collab.close();
  });

  it('every service is an enumerable, read-only member of a frozen object', async () => {
    const { container, resolved } = await countingContainer();
    const collab = collabFromContainer(container);
    expect(Object.isFrozen(collab)).toBe(true);
    for (const name of serviceNames) expect(Object.keys(collab), name).toContain(name);
    // A spread reads every getter: each service once.
    const copy = { ...collab };
    expect(resolved.sort()).toEqual([...serviceNames].sort());
    for (const name of serviceNames) expect((copy as Record<string, unknown>)[name]).toBe((collab as unknown as Record<string, unknown>)[name]);
    expect(() => Object.assign(collab, { rooms: {} })).toThrow(TypeError);
    await collab.close();
  });

  it('a service first reached after close() resolves nothing from the unbound container', async () => {
    const { container, resolved } = await countingContainer();
    const collab = collabFromContainer(container);
    await collab.close();
    await expect(collab.users.get('u1')).rejects.toMatchObject({ code: 'client_closed', operation: 'users.get', provider: 'memory' });
    await expect(collab.webhooks.subscriptions.list()).rejects.toMatchObject({ code: 'client_closed', operation: 'webhooks.subscriptions.list' });
    expect(resolved).toEqual([]);
  });
});
