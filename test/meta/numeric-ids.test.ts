/**
 * Every adapter that turns a user-supplied id string into a vendor's numeric id (all through core
 * `positiveIntegerId`): an id it accepts must round-trip exactly (`String(n) === id`), so two
 * different ids can never reach the same vendor record (`Number('9007199254740993')` is
 * 9007199254740992). Ids it cannot carry exactly are refused instead.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { messageIdOf } from '../../src/adapters/kabelwerk/mappers/messages.js';
import { parseNotificationId } from '../../src/adapters/kabelwerk/mappers/notifications.js';
import { parseCommentId } from '../../src/adapters/velt/mappers/threads.js';
import { VeltCommentIdSchema } from '../../src/adapters/velt/schemas.js';
import { ValidationError } from '../../src/core/errors.js';
import { positiveIntegerId } from '../../src/core/records.js';

/** Each parser as `id -> number(s) | undefined` (undefined: refused). */
const PARSERS: Record<string, (id: string) => number[] | undefined> = {
  'core positiveIntegerId (the shared mechanism)': (id) => {
    const n = positiveIntegerId(id);
    return n === undefined ? undefined : [n];
  },
  'velt parseCommentId': (id) => {
    try {
      return [parseCommentId(id, 'op')];
    } catch (err) {
      expect(err).toBeInstanceOf(ValidationError);
      return undefined;
    }
  },
  'kabelwerk messageIdOf': (id) => {
    const n = messageIdOf(id);
    return n === undefined ? undefined : [n];
  },
  'kabelwerk parseNotificationId (room part)': (id) => {
    const parsed = parseNotificationId(`${id}:1`);
    return parsed === undefined ? undefined : [parsed.roomNumber];
  },
  'kabelwerk parseNotificationId (message part)': (id) => {
    const parsed = parseNotificationId(`1:${id}`);
    return parsed === undefined ? undefined : [parsed.messageId];
  },
};

/** Digit strings around the 2^53 edge, and any others. */
const digits = fc.oneof(
  fc.bigInt({ min: 0n, max: 10n ** 17n }).map(String),
  fc.bigInt({ min: 2n ** 53n - 50n, max: 2n ** 53n + 50n }).map(String),
  fc.stringMatching(/^\d{1,20}$/),
);

describe('numeric vendor ids from user strings', () => {
  for (const [name, parse] of Object.entries(PARSERS)) {
    it(`${name}: an accepted id round-trips exactly, so no two ids reach one record`, () => {
      fc.assert(
        fc.property(digits, (id) => {
          const out = parse(id);
          if (out !== undefined) for (const n of out) expect(String(n)).toBe(id);
        }),
        { numRuns: 500 },
      );
      expect(parse('9007199254740991')).toEqual([Number.MAX_SAFE_INTEGER]);
      expect(parse('9007199254740993')).toBeUndefined();
    });
  }

  it('Velt comment ids in responses: an id taken is never a rounded one', () => {
    fc.assert(
      fc.property(digits, (id) => {
        const parsed = VeltCommentIdSchema.safeParse(id);
        if (parsed.success) {
          expect(Number.isSafeInteger(parsed.data)).toBe(true);
          expect(parsed.data).toBe(Number(id));
        } else expect(Number.isSafeInteger(Number(id))).toBe(false);
      }),
      { numRuns: 500 },
    );
    expect(VeltCommentIdSchema.safeParse(9007199254740992).success).toBe(false);
    expect(VeltCommentIdSchema.safeParse('9007199254740993').success).toBe(false);
    expect(VeltCommentIdSchema.safeParse('126535').data).toBe(126535);
    expect(VeltCommentIdSchema.safeParse(126535).data).toBe(126535);
  });
});
