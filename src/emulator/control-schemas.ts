import { z } from 'zod';
import { CALL_STATES, TONES } from '../events/types';
import { OPERATIONS } from '../client/types';
import { GA_OPERATIONS } from './ga/operation-names';
import { durationMs, rawIdSchema } from './validation';
import { httpUrlSchema } from './preview/api-schemas';

/** Bodies and queries of the control API under /emulator. */

/** Keys as a person types them ("12#") or as event tone names, never both. */
export const keysOrTones = {
  keys: z
    .string()
    .regex(/^[0-9*#A-D]{1,64}$/, 'must be 1 to 64 of 0-9 * # A B C D')
    .optional(),
  tones: z.array(z.enum(TONES)).min(1).max(64).optional(),
};
export const exactlyOneOfKeysOrTones = [
  (b: { keys?: string; tones?: string[] }) => (b.keys === undefined) !== (b.tones === undefined),
  { message: 'give exactly one of keys or tones' },
] as const;

export const dtmfSchema = z.strictObject(keysOrTones).refine(...exactlyOneOfKeysOrTones);

export const audioSchema = z.strictObject({ audioFileUri: httpUrlSchema, durationMs, fails: z.boolean().optional() });

const member = z.strictObject({ rawId: rawIdSchema, isMuted: z.boolean().default(false) });

export const conversationSchema = z.strictObject({ participants: z.array(member).max(1000).default([]) });
export const addParticipantSchema = member;
export const muteSchema = z.strictObject({ isMuted: z.boolean() });

const queryInt = z
  .string()
  .regex(/^\d+$/, 'must be a whole number')
  .transform(Number);

export const legsQuerySchema = z.object({
  target: rawIdSchema.optional(),
  state: z.enum(CALL_STATES).optional(),
  limit: queryInt.pipe(z.number().int().min(1).max(10_000)).optional(),
});

export const requestsQuerySchema = z.object({
  // Either generation's names: the log keeps what each API calls its operations.
  operation: z.enum([...new Set([...OPERATIONS, ...GA_OPERATIONS]), 'unknown']).optional(),
  since: queryInt.optional(),
  callLegId: z.string().max(256).optional(),
  status: queryInt.optional(),
  limit: queryInt.pipe(z.number().int().min(1).max(100_000)).optional(),
});

/** `POST /emulator/jwt`: the audience defaults to the emulator's resource id. */
export const jwtRequestSchema = z.strictObject({ audience: z.string().min(1).max(512).optional() });
