import {
  backoffDelay,
  DEFAULT_RETRY_OPTIONS,
  isRetriableFailure,
  isRetriableStatus,
  nextRetryDelay,
  parseRetryAfter,
  resolveRetryOptions,
  RetryOptions,
} from '../../src/client/retry';

const options: RetryOptions = { maxRetries: 3, baseDelayMs: 100, maxDelayMs: 1_000, maxRetryAfterMs: 5_000 };
const NOW = Date.parse('2024-03-01T10:00:00Z');
const status = (code: number, headers: Record<string, string> = {}) => ({ kind: 'status' as const, status: code, headers });

describe('retriable failures', () => {
  it.each([408, 429, 500, 502, 503, 504])('retries %i', (code) => {
    expect(isRetriableStatus(code)).toBe(true);
  });

  it.each([400, 401, 403, 404, 409, 412, 422, 501, 505])('does not retry %i', (code) => {
    expect(isRetriableStatus(code)).toBe(false);
  });

  it('retries network errors and timeouts', () => {
    expect(isRetriableFailure({ kind: 'network' })).toBe(true);
    expect(isRetriableFailure({ kind: 'timeout' })).toBe(true);
  });
});

describe('parseRetryAfter', () => {
  it('reads delta-seconds', () => {
    expect(parseRetryAfter({ 'retry-after': '7' }, NOW)).toBe(7_000);
  });

  it('reads an HTTP-date relative to now', () => {
    expect(parseRetryAfter({ 'retry-after': new Date(NOW + 12_000).toUTCString() }, NOW)).toBe(12_000);
  });

  it('treats an HTTP-date in the past as no wait', () => {
    expect(parseRetryAfter({ 'retry-after': new Date(NOW - 60_000).toUTCString() }, NOW)).toBe(0);
  });

  it('prefers retry-after-ms, then x-ms-retry-after-ms, over Retry-After', () => {
    expect(parseRetryAfter({ 'retry-after-ms': '250', 'x-ms-retry-after-ms': '400', 'retry-after': '9' }, NOW)).toBe(250);
    expect(parseRetryAfter({ 'x-ms-retry-after-ms': '400', 'retry-after': '9' }, NOW)).toBe(400);
  });

  it('ignores values it cannot read', () => {
    expect(parseRetryAfter({ 'retry-after': 'soon' }, NOW)).toBeUndefined();
    expect(parseRetryAfter({ 'retry-after': '-3' }, NOW)).toBeUndefined();
    expect(parseRetryAfter({ 'retry-after-ms': 'abc', 'retry-after': '2' }, NOW)).toBe(2_000);
    expect(parseRetryAfter({}, NOW)).toBeUndefined();
  });
});

describe('backoffDelay (full jitter)', () => {
  it('grows exponentially up to the maximum, scaled by the random draw', () => {
    const top = () => 0.999999;
    expect([0, 1, 2, 3, 4, 10].map((i) => backoffDelay(i, options, top))).toEqual([99, 199, 399, 799, 999, 999]);
  });

  it('can be zero and never exceeds the ceiling', () => {
    expect(backoffDelay(2, options, () => 0)).toBe(0);
    expect(backoffDelay(2, options, () => 0.5)).toBe(200);
    expect(backoffDelay(2, options, () => 7)).toBeLessThanOrEqual(400);
  });
});

describe('nextRetryDelay', () => {
  const decide = (failure: Parameters<typeof nextRetryDelay>[0]['failure'], attempt: number) =>
    nextRetryDelay({ failure, attempt, options, now: NOW, random: () => 0.5 });

  it('backs off after a retriable failure', () => {
    expect(decide(status(503), 1)).toBe(50);
    expect(decide({ kind: 'network' }, 2)).toBe(100);
    expect(decide({ kind: 'timeout' }, 3)).toBe(200);
  });

  it('gives up once maxRetries retries have been made', () => {
    expect(decide(status(503), 4)).toBeUndefined();
  });

  it('never retries a non-retriable status', () => {
    expect(decide(status(400), 1)).toBeUndefined();
    expect(decide(status(501), 1)).toBeUndefined();
  });

  it('waits what the server asks instead of backing off', () => {
    expect(decide(status(429, { 'retry-after': '3' }), 1)).toBe(3_000);
    expect(decide(status(503, { 'retry-after-ms': '1500' }), 1)).toBe(1_500);
  });

  it('caps a server-requested wait', () => {
    expect(decide(status(429, { 'retry-after': '3600' }), 1)).toBe(5_000);
  });

  it('does not let Retry-After make a 4xx retriable', () => {
    expect(decide(status(400, { 'retry-after': '1' }), 1)).toBeUndefined();
  });
});

describe('resolveRetryOptions', () => {
  it('fills defaults and ignores undefined fields', () => {
    expect(resolveRetryOptions(undefined)).toEqual(DEFAULT_RETRY_OPTIONS);
    expect(resolveRetryOptions({ maxRetries: 0, baseDelayMs: undefined })).toEqual({ ...DEFAULT_RETRY_OPTIONS, maxRetries: 0 });
  });

  it('rejects negative or non-finite values', () => {
    expect(() => resolveRetryOptions({ maxDelayMs: -1 })).toThrow(/maxDelayMs/);
    expect(() => resolveRetryOptions({ maxRetries: Number.NaN })).toThrow(/maxRetries/);
  });
});
