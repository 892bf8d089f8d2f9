/**
 * When to try a follow-up call again and how long to wait first. Pure
 * functions: the transport supplies the outcome, the clock and the randomness.
 */

export interface RetryOptions {
  /** Retries after the first attempt; 0 disables retrying. */
  maxRetries: number;
  baseDelayMs: number;
  /** Upper bound of the exponential backoff before jitter. */
  maxDelayMs: number;
  /**
   * Upper bound of a server-requested wait. A throttled call is still worth
   * finishing, but a workflow waiting on it should not stall for minutes.
   */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_OPTIONS: RetryOptions = {
  maxRetries: 3,
  baseDelayMs: 500,
  maxDelayMs: 8_000,
  maxRetryAfterMs: 30_000,
};

/** Request timeout, throttling and the transient 5xx. 501 and 505 will not change on retry. */
export const RETRIABLE_STATUSES: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504]);

export type AttemptFailure =
  | { kind: 'status'; status: number; headers: Readonly<Record<string, string | undefined>> }
  | { kind: 'network' }
  | { kind: 'timeout' };

export function isRetriableStatus(status: number): boolean {
  return RETRIABLE_STATUSES.has(status);
}

export function isRetriableFailure(failure: AttemptFailure): boolean {
  return failure.kind === 'status' ? isRetriableStatus(failure.status) : true;
}

export function resolveRetryOptions(partial: Partial<RetryOptions> | undefined): RetryOptions {
  const merged = { ...DEFAULT_RETRY_OPTIONS, ...definedOnly(partial ?? {}) };
  for (const [name, value] of Object.entries(merged)) {
    if (!Number.isFinite(value) || value < 0) throw new RangeError(`retry.${name} must be a non-negative number, got ${value}`);
  }
  return { ...merged, maxRetries: Math.floor(merged.maxRetries) };
}

/**
 * The server's requested wait in ms, from `retry-after-ms`, `x-ms-retry-after-ms`
 * or `Retry-After` (delta-seconds or an HTTP-date), in that order of precedence;
 * undefined when none of them is usable. `headers` has lower-case names.
 */
export function parseRetryAfter(headers: Readonly<Record<string, string | undefined>>, now: number): number | undefined {
  for (const name of ['retry-after-ms', 'x-ms-retry-after-ms']) {
    const ms = parseNonNegativeNumber(headers[name]);
    if (ms !== undefined) return ms;
  }
  const value = headers['retry-after']?.trim();
  if (!value) return undefined;
  const seconds = parseNonNegativeNumber(value);
  if (seconds !== undefined) return seconds * 1000;
  // Every HTTP-date form starts with a day name; Date.parse alone accepts "-3".
  const date = /^[A-Za-z]{3}/.test(value) ? Date.parse(value) : Number.NaN;
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * Exponential backoff with full jitter (uniform in [0, min(max, base·2^n)]):
 * many dialers retrying the same outage spread out instead of arriving together.
 * `retryIndex` is 0 for the first retry.
 */
export function backoffDelay(retryIndex: number, options: RetryOptions, random: () => number): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** retryIndex);
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.floor(r * ceiling);
}

/**
 * Decides after a failed attempt (1-based `attempt`): undefined to give up, or
 * the delay before the next attempt. A server-requested wait wins over backoff.
 */
export function nextRetryDelay(input: {
  failure: AttemptFailure;
  attempt: number;
  options: RetryOptions;
  now: number;
  random: () => number;
}): number | undefined {
  const { failure, attempt, options } = input;
  if (!isRetriableFailure(failure) || attempt > options.maxRetries) return undefined;
  if (failure.kind === 'status') {
    const requested = parseRetryAfter(failure.headers, input.now);
    if (requested !== undefined) return Math.min(Math.ceil(requested), options.maxRetryAfterMs);
  }
  return backoffDelay(attempt - 1, options, input.random);
}

function parseNonNegativeNumber(value: string | undefined): number | undefined {
  if (value === undefined || !/^\s*\d+(\.\d+)?\s*$/.test(value)) return undefined;
  return Number(value);
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
