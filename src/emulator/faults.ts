import { z } from 'zod';

/**
 * How the emulator delivers events, and the faults it injects into that, as
 * set through `PUT /emulator/faults`. Durations marked real are wall-clock
 * milliseconds; the retry backoff is emulated time (multiplied by timeScale)
 * because Event Grid's schedule is minutes long.
 */
export const deliverySettingsSchema = z
  .strictObject({
    /** Probability that a delivered event is POSTed a second time, byte for byte. */
    duplicateRate: z.number().min(0).max(1).default(0),
    /** Probability that an event is held back and delivered after the next one of its leg. */
    reorderRate: z.number().min(0).max(1).default(0),
    /** Real ms a held event waits for a next one before it is sent anyway. */
    reorderHoldMs: z.number().int().min(0).max(600_000).default(1000),
    /** Real ms added before each delivery, uniformly in [min, max]. */
    delayMs: z
      .strictObject({ min: z.number().int().min(0).max(600_000), max: z.number().int().min(0).max(600_000) })
      .refine((d) => d.max >= d.min, { message: 'max must be at least min', path: ['max'] })
      .default({ min: 0, max: 0 }),
    /** Probability that an attempt fails before anything is sent (then retried like any failure). */
    failureRate: z.number().min(0).max(1).default(0),
    /** >1 sends up to that many queued events of a leg as one JSON array (Event Grid batching). */
    batchSize: z.number().int().min(1).max(100).default(1),
    /** Real ms the emulator waits before answering its own REST requests (after applying them). */
    restResponseDelayMs: z.number().int().min(0).max(600_000).default(0),
    maxAttempts: z.number().int().min(1).max(30).default(10),
    /** Emulated ms before the second attempt; doubles per attempt up to retryMaxMs. */
    retryBaseMs: z.number().int().min(0).max(3_600_000).default(1000),
    retryMaxMs: z.number().int().min(0).max(3_600_000).default(60_000),
    /** Real ms an attempt may take before it counts as a timeout. */
    attemptTimeoutMs: z.number().int().min(1).max(600_000).default(10_000),
    /** Reseeds the fault random generator, so a run can be replayed. */
    seed: z.number().int().optional(),
  })
  .refine((s) => s.retryMaxMs >= s.retryBaseMs, { message: 'must be at least retryBaseMs', path: ['retryMaxMs'] });

export type DeliverySettings = z.infer<typeof deliverySettingsSchema>;

export function defaultDeliverySettings(): DeliverySettings {
  return deliverySettingsSchema.parse({});
}
