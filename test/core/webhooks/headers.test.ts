import { describe, expect, it } from 'vitest';
import { WebhookVerificationError } from '../../../src/core/errors.js';
import { getHeader } from '../../../src/core/webhooks/index.js';

describe('getHeader', () => {
  it('is case-insensitive over plain records, Node headers and Headers', () => {
    expect(getHeader({ 'x-thing': 'a' }, 'X-Thing')).toBe('a');
    expect(getHeader({ 'X-Thing': 'a' }, 'x-thing')).toBe('a');
    expect(getHeader(new Headers({ 'X-Thing': 'a' }), 'x-THING')).toBe('a');
    expect(getHeader({ other: 'a' }, 'x-thing')).toBeUndefined();
    expect(getHeader(new Headers(), 'x-thing')).toBeUndefined();
    expect(getHeader({ 'x-thing': undefined }, 'x-thing')).toBeUndefined();
  });

  it('joins repeated webhook-signature values with a space', () => {
    expect(getHeader({ 'webhook-signature': ['v1,a', 'v1,b'] }, 'webhook-signature')).toBe('v1,a v1,b');
  });

  it('returns a repeated header whose entries agree, and refuses one whose entries differ', () => {
    expect(getHeader({ 'webhook-id': ['msg_1', 'msg_1'] }, 'webhook-id')).toBe('msg_1');
    expect(getHeader({ 'webhook-id': [] }, 'webhook-id')).toBeUndefined();
    expect(() => getHeader({ 'webhook-id': ['msg_1', 'msg_2'] }, 'webhook-id')).toThrow(WebhookVerificationError);
    expect(() => getHeader({ 'webhook-id': ['msg_1', 'msg_2'] }, 'webhook-id')).toThrow('Header webhook-id is repeated with different values');
  });

  it('treats two spellings of the same name in a record as a repeated header', () => {
    expect(getHeader({ 'Webhook-Id': 'msg_1', 'WEBHOOK-ID': 'msg_1' }, 'webhook-id')).toBe('msg_1');
    expect(() => getHeader({ 'Webhook-Id': 'msg_1', 'WEBHOOK-ID': 'msg_2' }, 'webhook-id')).toThrow(/repeated/);
  });

  it('does not mistake a plain record with a "get" header for a Headers object', () => {
    expect(getHeader({ get: 'x', 'webhook-id': 'msg_1' } as Record<string, string>, 'webhook-id')).toBe('msg_1');
  });
});
