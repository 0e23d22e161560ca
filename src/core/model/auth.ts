import { z } from 'zod';
import { IdSchema } from './common.js';

/** Input of `auth.issueToken`. */
export const IssueTokenInputSchema = z.object({
  userId: IdSchema,
  userInfo: z.record(z.string(), z.unknown()).optional(),
  groupIds: z.array(z.string().min(1)).optional(),
  /** Room ids, or prefixes ending in `*`, mapped to the access granted. */
  rooms: z.record(z.string().min(1), z.enum(['read', 'write'])).optional(),
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
