/** The longest wait between two attempts, whatever the attempt count. */
export const MAX_RETRY_DELAY_MS = 60 * 60 * 1000;

/**
 * Exponential backoff with jitter (between half and all of the step, so that
 * a receiver coming back is not hit by every instance's retries at once);
 * a Retry-After from the receiver is a floor.
 */
export function retryDelayMs(attempt: number, baseMs: number, retryAfterMs: number | null, random: () => number = Math.random): number {
  const step = Math.min(MAX_RETRY_DELAY_MS, baseMs * 2 ** Math.max(0, attempt - 1));
  const jittered = Math.round(step / 2 + (random() * step) / 2);
  return Math.max(jittered, retryAfterMs ?? 0);
}
