import { z } from 'zod';
import { IdSchema, MetadataSchema, RawSchema } from './common.js';

/** A user known to the provider. */
export const UserSchema = z.object({
  id: z.string(),
  name: z.string().optional(),
  email: z.string().optional(),
  avatarUrl: z.string().optional(),
  metadata: MetadataSchema,
  raw: RawSchema,
});
/** A user known to the provider. */
export type User = z.infer<typeof UserSchema>;

/** Input of `users.upsert`: creates the user or replaces the fields given. */
export const UpsertUserInputSchema = z.object({
  id: IdSchema,
  name: z.string().min(1).optional(),
  email: z.string().email().optional(),
  avatarUrl: z.string().url().optional(),
  metadata: MetadataSchema.optional(),
});
/** Input of `users.upsert`. */
export type UpsertUserInput = z.input<typeof UpsertUserInputSchema>;
