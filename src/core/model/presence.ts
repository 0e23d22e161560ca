import { z } from 'zod';
import { IdSchema } from './common.js';
import { jsonObject } from './json.js';

/** One user present in a room (one entry per connection where the provider reports connections). */
export const PresenceEntrySchema = z.object({
  userId: z.string(),
  connectionId: z.string().optional(),
  info: z.record(z.string(), z.unknown()).optional(),
  data: z.record(z.string(), z.unknown()).optional(),
  status: z.string().optional(),
});
/** One user present in a room. */
export type PresenceEntry = z.infer<typeof PresenceEntrySchema>;

/** Input of `presence.set`. */
export const SetPresenceInputSchema = z.object({
  roomId: IdSchema,
  userId: IdSchema,
  /** The user's presence state: JSON data (see `jsonProblem` for what is accepted). */
  data: jsonObject().optional(),
  /** Static user info shown to others: JSON data (see `jsonProblem`). */
  info: jsonObject().optional(),
  /** Seconds until the entry expires (provider default when absent). */
  ttlSeconds: z.number().int().min(2).max(3600).optional(),
});
/** Input of `presence.set`. */
export type SetPresenceInput = z.input<typeof SetPresenceInputSchema>;
