/**
 * Event Grid's delivery rules: 200–204 is delivered; 400, 401, 403 and 413
 * mean the endpoint will never accept this body, so retrying is pointless;
 * anything else (other statuses, network errors, timeouts) is retried with
 * exponential backoff until the attempts run out.
 */
const NEVER_RETRY = new Set([400, 401, 403, 413]);

export type AttemptVerdict = 'delivered' | 'rejected' | 'retry';

export function verdictOf(status: number | null): AttemptVerdict {
  if (status !== null && status >= 200 && status <= 204) return 'delivered';
  if (status !== null && NEVER_RETRY.has(status)) return 'rejected';
  return 'retry';
}

/** Wait before attempt `attempt + 1`, `attempt` counting from 1. */
export function backoffMs(attempt: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.min(attempt - 1, 30));
}
