// The AdapterDefinition contract: core refuses what it cannot bind, generates one Lifecycle that
// closes every declared closeable in order, and registers the adapter's secret shapes.
import { Container } from 'inversify';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type AdapterDefinition, createCollabWith, redactText, TOKENS } from 'unicollab';
import { bindCollabWith } from '../../src/core/container.js';
import { templateAdapter } from './template/index.js';

const closed: string[] = [];
class Closer {
  constructor(private readonly name: string, private readonly fail = false) {}
  async close(): Promise<void> {
    closed.push(this.name);
    if (this.fail) throw new Error(`${this.name} failed to close`);
  }
}
const FIRST = Symbol('first');
const SECOND = Symbol('second');

function withLifecycle(failFirst: boolean): AdapterDefinition<never> {
  return {
    ...(templateAdapter as AdapterDefinition<never>),
    setup: (() => [...(templateAdapter.setup?.({ provider: 'template' }) as never[]), [FIRST, new Closer('first', failFirst)], [SECOND, new Closer('second')]]) as never,
    lifecycle: [FIRST, SECOND],
  };
}

describe('AdapterDefinition', () => {
  it('refuses a definition of another specification version', async () => {
    const future = { ...templateAdapter, specificationVersion: 2 } as unknown as AdapterDefinition<never>;
    await expect(createCollabWith(future, { provider: 'template' })).rejects.toMatchObject({ code: 'config_error', message: expect.stringContaining('specification 2') });
  });

  it('refuses a definition that binds no class for a service', async () => {
    const { events: _events, ...services } = templateAdapter.services;
    const partial = { ...templateAdapter, services } as unknown as AdapterDefinition<never>;
    await expect(createCollabWith(partial, { provider: 'template' })).rejects.toMatchObject({ code: 'config_error', message: expect.stringContaining('events') });
  });

  it('closes every lifecycle token in order, once, even when an earlier one fails', async () => {
    closed.length = 0;
    const ok = await createCollabWith(withLifecycle(false), { provider: 'template' });
    await Promise.all([ok.close(), ok.close()]);
    expect(closed).toEqual(['first', 'second']);
    closed.length = 0;
    const failing = await createCollabWith(withLifecycle(true), { provider: 'template' });
    await expect(failing.close()).rejects.toThrow('first failed to close');
    expect(closed).toEqual(['first', 'second']);
  });

  it('binds TOKENS.Lifecycle into an app container too', async () => {
    const container = new Container();
    await bindCollabWith(container, templateAdapter as never, { provider: 'template' });
    expect(typeof container.get<{ close: unknown }>(TOKENS.Lifecycle).close).toBe('function');
  });

  it('registers the secret headers and patterns an adapter declares', async () => {
    const shaped: AdapterDefinition<never> = {
      ...(templateAdapter as AdapterDefinition<never>),
      configSchema: z.object({ provider: z.literal('shaped') }),
      id: 'shaped',
      secretHeaders: ['X-Shaped-Key'],
      secretPatterns: [/\bshp_[a-z0-9]{8,}/],
    };
    expect(redactText('key shp_abcdef123456')).toContain('shp_abcdef123456');
    const collab = await createCollabWith(shaped, { provider: 'shaped' });
    expect(redactText('key shp_abcdef123456 twice shp_abcdef999999')).toBe('key [REDACTED] twice [REDACTED]');
    const { redact } = await import('unicollab');
    expect(redact({ 'x-shaped-key': 'v' })).toEqual({ 'x-shaped-key': '[REDACTED]' });
    await collab.close();
  });
});
