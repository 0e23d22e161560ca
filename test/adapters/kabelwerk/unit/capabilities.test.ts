/**
 * Capability declarations with and without the private key (and with and without a hub user to act
 * as): what needs the realtime API says so, and what Kabelwerk does not have is `no` with its reason.
 */
import { describe, expect, it } from 'vitest';
import { CAPABILITY_KEYS, type CapabilityKey } from '../../../../src/core/capabilities.js';
import { createCollab } from '../../../../src/collab.js';
import { kabelwerkCapabilities, kabelwerkCapabilityVariants } from '../../../../src/adapters/kabelwerk/capabilities.js';
import { API_TOKEN, PRIVATE_KEY } from '../support.js';

const REALTIME: CapabilityKey[] = [
  'rooms.create',
  'rooms.get',
  'rooms.list',
  'rooms.metadataFilter',
  'threads.create',
  'threads.get',
  'threads.list',
  'comments.get',
  'comments.delete',
  'notifications.list',
  'notifications.markRead',
  'auth.issueToken',
];
const KEY_ONLY: CapabilityKey[] = ['notifications.list', 'notifications.markRead', 'auth.issueToken'];
const REST: CapabilityKey[] = ['rooms.update', 'rooms.archive', 'users.upsert', 'users.delete', 'comments.create'];
const NEVER: CapabilityKey[] = [
  'rooms.delete',
  'rooms.access',
  'users.get',
  'users.list',
  'threads.delete',
  'threads.resolve',
  'threads.metadata',
  'comments.edit',
  'reactions.add',
  'reactions.remove',
  'presence.list',
  'presence.set',
  'presence.clear',
  'notifications.delete',
  'notifications.trigger',
  'webhooks.verify',
  'webhooks.subscriptions',
  'events.broadcast',
];

describe('kabelwerkCapabilities', () => {
  it('every key listed here is a core key, and every core key not listed is no with a note (never an implicit yes)', () => {
    const listed = new Set<CapabilityKey>([...REALTIME, ...REST, ...NEVER]);
    expect(listed.size).toBe(REALTIME.length + REST.length + NEVER.length);
    for (const key of listed) expect(CAPABILITY_KEYS).toContain(key);
    for (const config of [{}, { privateKey: 'pem', hub: 'care' }]) {
      const { levels, notes } = kabelwerkCapabilities(config);
      for (const key of CAPABILITY_KEYS.filter((k) => !listed.has(k))) {
        expect(levels[key], key).toBe('no');
        expect(notes[key], key).toBeTruthy();
      }
    }
  });

  it('REST only: realtime capabilities are no and say to configure privateKey; REST ones stay', () => {
    const { levels, notes } = kabelwerkCapabilities({ hub: 'care' });
    for (const key of REALTIME) {
      expect(levels[key], key).toBe('no');
      expect(notes[key], key).toContain('privateKey');
    }
    for (const key of REST) expect(levels[key], key).not.toBe('no');
  });

  it('with privateKey and a hub slug: everything realtime is offered', () => {
    const { levels } = kabelwerkCapabilities({ privateKey: 'pem', hub: 'care' });
    for (const key of [...REALTIME, ...REST]) expect(levels[key], key).not.toBe('no');
    expect(levels['rooms.metadataFilter']).toBe('partial');
    expect(levels['threads.list']).toBe('partial');
    expect(levels['notifications.list']).toBe('partial');
    expect(levels['auth.issueToken']).toBe('partial');
  });

  it('with privateKey, hub "_" and no hubUserId: hub-side reads are no and say why; user-side ones stay', () => {
    const { levels, notes } = kabelwerkCapabilities({ privateKey: 'pem' });
    for (const key of REALTIME.filter((k) => !KEY_ONLY.includes(k))) {
      expect(levels[key], key).toBe('no');
      expect(notes[key], key).toMatch(/hubUserId/);
    }
    for (const key of KEY_ONLY) expect(levels[key], key).not.toBe('no');
    expect(kabelwerkCapabilities({ privateKey: 'pem', hubUserId: 'batou' }).levels['rooms.get']).toBe('yes');
  });

  it('what Kabelwerk lacks is no in every config, each with a note', () => {
    for (const config of [{}, { privateKey: 'pem', hub: 'care' }]) {
      const { levels, notes } = kabelwerkCapabilities(config);
      for (const key of NEVER) {
        expect(levels[key], key).toBe('no');
        expect(notes[key]?.length, key).toBeGreaterThan(10);
      }
    }
  });

  it('every partial capability has a note', () => {
    for (const { declaration } of kabelwerkCapabilityVariants()) {
      for (const key of CAPABILITY_KEYS) if (declaration.levels[key] === 'partial') expect(declaration.notes[key], key).toBeTruthy();
    }
  });

  it('variants for the README table: REST only, and with privateKey and a hub', () => {
    const variants = kabelwerkCapabilityVariants();
    expect(variants.map((v) => v.label)).toEqual(['kabelwerk', 'kabelwerk (+privateKey, hub)']);
    expect(variants[0]!.declaration.levels['rooms.get']).toBe('no');
    expect(variants[1]!.declaration.levels['rooms.get']).toBe('yes');
  });

  it('a collab declares what its config allows', async () => {
    const rest = await createCollab({ provider: 'kabelwerk', url: 'hub.kabelwerk.io', apiToken: API_TOKEN });
    const full = await createCollab({ provider: 'kabelwerk', url: 'hub.kabelwerk.io', apiToken: API_TOKEN, privateKey: PRIVATE_KEY, hub: 'care' });
    expect(rest.capabilities['rooms.list']).toBe('no');
    expect(full.capabilities['rooms.list']).toBe('yes');
    await expect(rest.rooms.list()).rejects.toMatchObject({ code: 'unsupported_feature', feature: 'rooms.list' });
    await Promise.all([rest.close(), full.close()]);
  });
});
