/**
 * Liveblocks error answers mapped to the shared error classes: only the vendor quirks on top of core `defaultMapError`.
 * @module
 */
import { AuthenticationError, type CollabError, ProviderUnavailableError } from '../../core/errors.js';
import { cleanErrorText, defaultMapError, type ErrorMapRefinements, type HttpErrorContext } from '../../core/http/index.js';
import { rec, str } from '../../core/records.js';

const PROVIDER = 'liveblocks';

/** 403 codes that mean "wrong credentials" rather than "not allowed": docs/design/DESIGN.md maps an invalid key to AuthenticationError. */
const BAD_CREDENTIAL_CODES = new Set(['INVALID_SECRET_KEY', 'INVALID_PUBLIC_KEY', 'INVALID_ACCESS_TOKEN', 'WRONG_KEY_USED', 'MISSING_SECRET_KEY']);
/** The dev server's 403 says "Invalid secret key" under the generic code `Forbidden` (section 5.2). */
const BAD_CREDENTIAL_TEXT = /invalid (secret|public) key|invalid .*access token/i;
/** Liveblocks 422 messages name the key: "Missing key: 'defaultAccesses'." / "Value at key 'permissions': ...". */
const KEY_IN_MESSAGE = /key:? '([^']+)'/;

/**
 * Maps a Liveblocks error answer (`{ error, message, suggestion, docs }`, section 2) to the shared
 * error classes, keeping the machine code (`ROOM_NOT_FOUND`...) as `vendorCode` and the suggestion
 * in the message. The body is already redacted by the HTTP layer.
 *
 * @param ctx - The non-2xx answer.
 * @returns The error, or `undefined` for statuses the default mapping handles as well (405, 408...).
 */
export function toCollabError(ctx: HttpErrorContext): CollabError | undefined {
  if (ctx.status < 500 && !LB_MAPPED_STATUSES.has(ctx.status)) return undefined;
  return defaultMapError(ctx, undefined, LB_ERROR_REFINEMENTS);
}

/** Statuses whose Liveblocks answers get the Liveblocks message; other 4xx keep the default one. */
const LB_MAPPED_STATUSES = new Set([400, 401, 403, 404, 409, 422, 429]);

function lbBody(ctx: HttpErrorContext): Record<string, unknown> | undefined {
  return rec(ctx.body);
}

/** Liveblocks' quirks on top of the default mapping. */
const LB_ERROR_REFINEMENTS: ErrorMapRefinements = {
  code: (ctx) => str(lbBody(ctx)?.error),
  explanation: (ctx) => {
    const body = lbBody(ctx);
    return str(body?.message) ?? str(body?.reason) ?? (typeof ctx.body === 'string' && ctx.body !== '' ? cleanErrorText(ctx.body) : undefined);
  },
  // The code and the suggestion are the most useful parts of a Liveblocks error, so both are in the message.
  message: (ctx, { code, explanation }) => {
    const suggestion = str(lbBody(ctx)?.suggestion);
    return `${PROVIDER} ${ctx.operation} failed with HTTP ${ctx.status}${code ? ` ${code}` : ''}${explanation ? `: ${explanation}` : ''}${suggestion ? ` Suggestion: ${suggestion}` : ''}`;
  },
  rejectedMessage: (ctx, { code, explanation }) => `${PROVIDER} rejected ${ctx.operation} (HTTP ${ctx.status}${code ? ` ${code}` : ''})${explanation ? `: ${explanation}` : ''}`,
  field: (_ctx, { explanation }) => (explanation ? KEY_IN_MESSAGE.exec(explanation)?.[1] : undefined),
  override: (ctx, { code, explanation }, message, init) => {
    if (ctx.status === 403 && ((code !== undefined && BAD_CREDENTIAL_CODES.has(code)) || (explanation !== undefined && BAD_CREDENTIAL_TEXT.test(explanation)))) {
      return new AuthenticationError(message, init);
    }
    if (ctx.status === 501) {
      // The dev server answers 501 for whole feature groups (section 5.4): say so, since asking again cannot help.
      return new ProviderUnavailableError(
        `${PROVIDER} ${ctx.operation} is not implemented by this Liveblocks server (HTTP 501${code ? ` ${code}` : ''})${explanation ? `: ${explanation}` : ''}` +
          ' (the Liveblocks dev server does not implement comments, notifications, presence-set, broadcast, Yjs versions, storage JSON Patch or the Management API)',
        { ...init, retryable: false },
      );
    }
    return undefined;
  },
};
