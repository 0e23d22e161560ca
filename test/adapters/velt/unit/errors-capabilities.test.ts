/** Unit: Velt error mapping, batch splitting and the declared capabilities. */
import { describe, expect, it } from 'vitest';
import { CAPABILITY_KEYS } from '../../../../src/core/capabilities.js';
import { CollabError, ConflictError, NotFoundError, ProviderUnavailableError } from '../../../../src/core/errors.js';
import { assertBatchSucceeded, batchError, mapVeltError, PartialBatchError, splitBatch } from '../../../../src/adapters/velt/errors.js';
import { veltCapabilities, veltCapabilityVariants } from '../../../../src/adapters/velt/capabilities.js';
import { veltAdapter } from '../../../../src/adapters/velt/index.js';

describe('splitBatch', () => {
  it('splits a per-item map into failed and written ids', () => {
    expect(
      splitBatch({
        a: { success: true, id: '1', message: 'ok' },
        b: { success: false, id: 'b', message: 'Document already exists', code: 'already-exists' },
      }),
    ).toEqual({ failed: [{ id: 'b', message: 'Document already exists', code: 'already-exists' }], written: ['a'] });
  });

  it('reads the documents/get array breakdown (found records have no `success`)', () => {
    expect(splitBatch([{ id: 'd1', documentName: 'x' }, { id: 'd2', success: false, message: 'Document does not exist', code: 'not-found' }])).toEqual({
      failed: [{ id: 'd2', message: 'Document does not exist', code: 'not-found' }],
      written: ['d1'],
    });
  });

  it('is undefined when nothing failed or the shape is not a breakdown', () => {
    expect(splitBatch({ a: { success: true } })).toBeUndefined();
    expect(splitBatch({ endpoints: [] })).toBeUndefined();
    expect(splitBatch('text')).toBeUndefined();
    expect(splitBatch(null)).toBeUndefined();
  });
});

describe('batchError', () => {
  it('all not-found -> NotFoundError; all already-exists -> ConflictError; otherwise PartialBatchError', () => {
    expect(batchError('op', [{ id: 'a', code: 'not-found' }, { id: 'b', message: 'User does not exist.' }], [])).toBeInstanceOf(NotFoundError);
    expect(batchError('op', [{ id: 'a', message: 'Annotation already exists.' }], [])).toBeInstanceOf(ConflictError);
    const mixed = batchError('op', [{ id: 'a', code: 'not-found' }, { id: 'b', code: 'internal' }], []);
    expect(PartialBatchError.is(mixed)).toBe(true);
    const partial = batchError('op', [{ id: 'a', code: 'not-found' }], ['b']);
    expect(PartialBatchError.is(partial)).toBe(true);
    expect(CollabError.is(partial)).toBe(true);
    expect(partial.provider).toBe('velt');
  });

  it('PartialBatchError.is works on plain objects carrying the brand only', () => {
    expect(PartialBatchError.is(new Error('x'))).toBe(false);
    expect(PartialBatchError.is(new PartialBatchError('op', [{ id: 'x' }], []))).toBe(true);
  });
});

describe('mapVeltError', () => {
  it('is undefined for bodies that are not Velt envelopes (the HTTP status mapping applies)', () => {
    expect(mapVeltError({ status: 502, body: '<html/>', operation: 'op' })).toBeUndefined();
    expect(mapVeltError({ status: 500, body: { message: 'x' }, operation: 'op' })).toBeUndefined();
  });

  it('leaves an unknown status string to the HTTP status, or treats it as a provider failure inside a 2xx', () => {
    expect(mapVeltError({ status: 418, body: { error: { status: 'WEIRD', message: 'x' } }, operation: 'op' })).toBeUndefined();
    expect(mapVeltError({ body: { error: { status: 'WEIRD', message: 'x' } }, operation: 'op' })).toBeInstanceOf(ProviderUnavailableError);
  });

  it('normalises kebab/camel codes (`not-found`, `alreadyExists`)', () => {
    expect(mapVeltError({ status: 404, body: { error: { code: 'not-found', message: 'x' } }, operation: 'op' })).toBeInstanceOf(NotFoundError);
    expect(mapVeltError({ body: { error: { code: 'alreadyExists' } }, operation: 'op' })).toBeInstanceOf(ConflictError);
  });

  it('keeps the redacted body as cause, and vendorCode', () => {
    const err = mapVeltError({ status: 404, body: { error: { status: 'NOT_FOUND', message: 'gone', details: { x: 1 } } }, operation: 'op' })!;
    expect(err.vendorCode).toBe('NOT_FOUND');
    expect((err.cause as { body: unknown }).body).toEqual({ error: { status: 'NOT_FOUND', message: 'gone', details: { x: 1 } } });
  });
});

describe('assertBatchSucceeded', () => {
  it('returns the written ids, or throws for any failed item', () => {
    expect(assertBatchSucceeded({ a: { success: true }, b: { success: true } }, 'op')).toEqual(['a', 'b']);
    expect(() => assertBatchSucceeded({ a: { success: false, message: 'Not found' } }, 'op')).toThrow(NotFoundError);
  });
});

describe('capabilities', () => {
  it('declares every key; partial ones have notes; reactions writes and presence list are no', () => {
    const decl = veltCapabilities({});
    expect(Object.keys(decl.levels).sort()).toEqual([...CAPABILITY_KEYS].sort());
    for (const key of CAPABILITY_KEYS) if (decl.levels[key] !== 'yes') expect(decl.notes[key], key).toBeTruthy();
    expect(decl.levels['reactions.add']).toBe('no');
    expect(decl.levels['reactions.remove']).toBe('no');
    expect(decl.levels['presence.list']).toBe('no');
    expect(decl.levels['webhooks.verify']).toBe('no');
    expect(decl.levels['webhooks.subscriptions']).toBe('no');
    expect(decl.levels['threads.resolve']).toBe('yes');
  });

  it('webhook capabilities follow the config', () => {
    expect(veltCapabilities({ webhookAuthToken: 't' }).levels['webhooks.verify']).toBe('yes');
    expect(veltCapabilities({ webhookAuthToken: 't' }).levels['webhooks.subscriptions']).toBe('no');
    expect(veltCapabilities({ webhookSecret: 'whsec_x' }).levels['webhooks.verify']).toBe('yes');
    expect(veltCapabilities({ webhookSecret: 'whsec_x' }).levels['webhooks.subscriptions']).toBe('partial');
  });

  it('offers labelled variants for the README table, and registers as `velt`', () => {
    expect(veltCapabilityVariants().map((v) => v.label)).toEqual(['velt', 'velt (+basic webhooks)', 'velt (+advanced webhooks)']);
    expect(veltAdapter.id).toBe('velt');
  });

  it("the adapter's variants carry each column's config flags and the levels that config gives", () => {
    const variants = veltAdapter.capabilityVariants!();
    expect(variants.map((v) => [v.label, v.variant])).toEqual([
      ['velt', { webhookAuthToken: false, webhookSecret: false }],
      ['velt (+basic webhooks)', { webhookAuthToken: true, webhookSecret: false }],
      ['velt (+advanced webhooks)', { webhookAuthToken: false, webhookSecret: true }],
    ]);
    const webhookLevels = variants.map((v) => [v.label, v.declaration.levels['webhooks.verify'], v.declaration.levels['webhooks.subscriptions']]);
    expect(webhookLevels).toEqual([
      ['velt', 'no', 'no'],
      ['velt (+basic webhooks)', 'yes', 'no'],
      ['velt (+advanced webhooks)', 'yes', 'partial'],
    ]);
    const base = veltCapabilities({});
    for (const { label, variant, declaration } of variants) {
      // The declaration is what the flagged config really gives, and the flags change only the webhook keys.
      const config = { ...(variant!.webhookAuthToken ? { webhookAuthToken: 't' } : {}), ...(variant!.webhookSecret ? { webhookSecret: 'whsec_x' } : {}) };
      expect(declaration.levels, label).toEqual(veltCapabilities(config).levels);
      expect(Object.keys(declaration.levels).sort(), label).toEqual([...CAPABILITY_KEYS].sort());
      const changed = CAPABILITY_KEYS.filter((key) => declaration.levels[key] !== base.levels[key]);
      expect(changed.every((key) => key.startsWith('webhooks.')), `${label}: ${changed.join(', ')}`).toBe(true);
      for (const key of CAPABILITY_KEYS) if (declaration.levels[key] !== 'yes') expect(declaration.notes[key], `${label} ${key}`).toBeTruthy();
    }
  });
});
