import { Webhook } from 'standardwebhooks';
import { retryDelayMs, MAX_RETRY_DELAY_MS } from '../../src/webhooks/backoff';
import { createCircuits } from '../../src/webhooks/circuit';
import { signatureHeaders } from '../../src/webhooks/signing';
import { webhookSecret } from '../helpers/webhook-receiver';

describe('webhook signatures (checked with the standardwebhooks package)', () => {
  const current = webhookSecret('current');
  const previous = webhookSecret('previous');
  const body = JSON.stringify({ type: 'call.outcome', timestamp: '2026-12-02T10:00:00.000Z', data: { callId: 'c1' } });

  it('verifies with the first secret of WEBHOOK_SECRET, which signs', () => {
    const headers = signatureHeaders([current, previous], 'msg_1', new Date(), body);
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(new Webhook(current).verify(body, headers)).toEqual(JSON.parse(body));
    expect(() => new Webhook(previous).verify(body, headers)).toThrow();
  });

  it('fails verification when a byte of the body or the id changes', () => {
    const headers = signatureHeaders([current], 'msg_1', new Date(), body);
    expect(() => new Webhook(current).verify(body.replace('c1', 'c2'), headers)).toThrow();
    expect(() => new Webhook(current).verify(body, { ...headers, 'webhook-id': 'msg_2' })).toThrow();
  });

  it('is refused once older than the receiver tolerates, which is why every attempt is signed at its own time', () => {
    const old = signatureHeaders([current], 'msg_1', new Date(Date.now() - 3600_000), body);
    expect(() => new Webhook(current).verify(body, old)).toThrow(/timestamp/i);
  });
});

describe('webhook retry delays', () => {
  it('doubles per attempt, jittered between half and all of the step, never past the cap', () => {
    expect(retryDelayMs(1, 1000, null, () => 0)).toBe(500);
    expect(retryDelayMs(1, 1000, null, () => 1)).toBe(1000);
    expect(retryDelayMs(4, 1000, null, () => 1)).toBe(8000);
    expect(retryDelayMs(40, 1000, null, () => 1)).toBe(MAX_RETRY_DELAY_MS);
  });

  it('waits at least what Retry-After asks', () => {
    expect(retryDelayMs(1, 100, 30_000, () => 1)).toBe(30_000);
  });
});

describe('per-endpoint circuit', () => {
  it('opens after five failures in a row for one endpoint only, and a success closes it', () => {
    let now = 0;
    const circuits = createCircuits({ threshold: 5, openMs: 1000, now: () => now });
    for (let i = 0; i < 4; i++) circuits.failure('https://a');
    expect(circuits.blockedUntil('https://a')).toBe(0);
    circuits.failure('https://a');
    expect(circuits.blockedUntil('https://a')).toBe(1000);
    expect(circuits.blockedUntil('https://b')).toBe(0);
    expect(circuits.open()).toEqual(['https://a']);
    now = 1001;
    expect(circuits.blockedUntil('https://a')).toBe(0);
    circuits.success('https://a');
    circuits.failure('https://a');
    expect(circuits.blockedUntil('https://a')).toBe(0);
  });
});
