import { z } from 'zod';
import { IdSchema, RESERVED_RECORD_KEYS, safeRecord } from './common.js';
import { jsonObject } from './json.js';

/** Input of `auth.issueToken`. */
export const IssueTokenInputSchema = z.object({
  userId: IdSchema,
  /** JSON data about the user (see `jsonProblem` for what is accepted). */
  userInfo: jsonObject().optional(),
  groupIds: z.array(z.string().min(1)).optional(),
  /** Room ids, or prefixes ending in `*`, mapped to the access granted. */
  rooms: safeRecord(z.enum(['read', 'write']), RESERVED_RECORD_KEYS, z.string().min(1)).optional(),
  /** `access` (default): a token listing room permissions; `id`: an identity token, permissions checked by the provider. */
  mode: z.enum(['access', 'id']).optional(),
});
/** Input of `auth.issueToken`. */
export type IssueTokenInput = z.input<typeof IssueTokenInputSchema>;

/** A client token for the vendor's front-end SDK. */
export interface IssuedToken {
  /** The token to hand to the client (never logged by unicollab). */
  token: string;
  /** When the token stops working, when known. */
  expiresAt?: Date;
}
