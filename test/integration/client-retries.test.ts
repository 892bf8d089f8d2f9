import { CallAutomationError } from '../../src/client/errors';
import { createTestClient, newAccessKey, useScriptedServerAndClient } from '../helpers/client-fixtures';
import type { Reply, ScriptedAcsServer } from '../helpers/scripted-acs-server';

const accessKey = newAccessKey();
const playBody = { audioFileUri: 'https://audio.example/a.wav', loop: false, operationContext: 'ctx' };
const upstreamError = (code: string) => ({ code, message: `${code} happened` });

let server: ScriptedAcsServer;
let harness: ReturnType<typeof createTestClient>;

useScriptedServerAndClient(accessKey, (s, h) => ((server = s), (harness = h)));

const header = (name: string) => server.requests.map((r) => r.headers[name]);
const caught = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e as CallAutomationError);

describe('transient failures are retried', () => {
  const transient: Array<[string, Reply]> = [
    ['a destroyed socket', { destroy: true }],
    ['408', { status: 408, body: upstreamError('RequestTimeout') }],
    ['429', { status: 429, body: upstreamError('TooManyRequests') }],
    ['500', { status: 500, body: upstreamError('InternalServerError') }],
    ['502', { status: 502 }],
    ['503', { status: 503, body: upstreamError('ServiceUnavailable') }],
    ['504', { status: 504 }],
  ];

  it.each(transient)('%s, then success', async (_name, failure) => {
    server.reply(failure, { status: 202, body: { id: 'op', status: 'running', operationContext: 'ctx', resultInfo: { code: 0, subcode: 0, message: '' } } });

    await expect(harness.client.playAudio('leg-1', playBody, { callId: 'call-1', requestId: 'play-once' })).resolves.toMatchObject({ id: 'op' });

    expect(server.requests).toHaveLength(2);
    expect(server.requests.every((r) => r.authFailure === null)).toBe(true);
    expect(harness.sleeps).toHaveLength(1);
    expect(harness.records).toEqual([expect.objectContaining({ ok: true, status: 202, attempts: 2, requestId: 'play-once' })]);
  });

  it('re-signs every attempt but keeps the repeatability headers of the logical request', async () => {
    // Retry-After moves the clock by 2 s, so a re-signed attempt carries a later x-ms-date.
    server.reply({ status: 503, headers: { 'Retry-After': '2' } }, { destroy: true }, { status: 200, body: { callLegId: 'leg-9' } });

    await harness.client.joinConversation('conv-1', {
      source: { communicationUser: { id: '8:acs:s' } },
      callbackUri: 'https://cb.example/x',
      requestedModalities: ['audio'],
      requestedCallEvents: [],
    });

    expect(server.requests).toHaveLength(3);
    const ids = header('repeatability-request-id');
    const firstSent = header('repeatability-first-sent');
    expect(new Set(ids).size).toBe(1);
    expect(new Set(firstSent).size).toBe(1);
    expect(new Set(header('x-ms-client-request-id')).size).toBe(1);
    expect(new Set(server.requests.map((r) => r.body)).size).toBe(1);
    const dates = header('x-ms-date');
    expect(dates[0]).toBe(firstSent[0]);
    expect(dates[1]).not.toBe(dates[0]);
    expect(new Set(header('authorization')).size).toBeGreaterThan(1);
  });

  it('retries a DELETE the same way', async () => {
    server.reply({ status: 503 }, { status: 202 });
    await harness.client.removeParticipant('leg-1', 'p-1');
    expect(server.requests.map((r) => r.method)).toEqual(['DELETE', 'DELETE']);
    expect(new Set(header('repeatability-request-id')).size).toBe(1);
  });
});

describe('Retry-After', () => {
  const fixedStart = Math.floor(Date.now() / 1000) * 1000;

  it('waits the seconds the server asks for, not the backoff', async () => {
    server.reply({ status: 429, headers: { 'Retry-After': '3' } }, { status: 202 });
    await harness.client.hangUp('leg-1');
    expect(harness.sleeps).toEqual([3000]);
  });

  it('reads an HTTP-date against the injected clock', async () => {
    const h = createTestClient(server.url, accessKey, {}, fixedStart);
    try {
      server.reply({ status: 503, headers: { 'Retry-After': new Date(fixedStart + 5000).toUTCString() } }, { status: 202 });
      await h.client.hangUp('leg-1');
      expect(h.sleeps).toEqual([5000]);
    } finally {
      h.client.close();
    }
  });

  it('prefers retry-after-ms and x-ms-retry-after-ms', async () => {
    server.reply(
      { status: 429, headers: { 'retry-after-ms': '250', 'Retry-After': '9' } },
      { status: 429, headers: { 'x-ms-retry-after-ms': '1500' } },
      { status: 202 },
    );
    await harness.client.hangUp('leg-1');
    expect(harness.sleeps).toEqual([250, 1500]);
  });

  it('caps what the server asks for', async () => {
    const h = createTestClient(server.url, accessKey, { retry: { maxRetries: 1, baseDelayMs: 10, maxDelayMs: 100, maxRetryAfterMs: 1000 } });
    try {
      server.reply({ status: 429, headers: { 'Retry-After': '3600' } }, { status: 202 });
      await h.client.hangUp('leg-1');
      expect(h.sleeps).toEqual([1000]);
    } finally {
      h.client.close();
    }
  });

  it('uses jittered exponential backoff when the server asks for nothing', async () => {
    const h = createTestClient(server.url, accessKey, { random: () => 0.5, retry: { maxRetries: 3, baseDelayMs: 100, maxDelayMs: 300 } });
    try {
      server.reply({ status: 500 }, { status: 500 }, { status: 500 }, { status: 202 });
      await h.client.hangUp('leg-1');
      expect(h.sleeps).toEqual([50, 100, 150]);
    } finally {
      h.client.close();
    }
  });
});

describe('failures that are not retried', () => {
  it.each([
    [400, 'BadRequest'],
    [401, 'Unauthorized'],
    [403, 'Forbidden'],
    [404, 'CallNotFound'],
    [409, 'Conflict'],
    [501, 'NotImplemented'],
    [505, 'HttpVersionNotSupported'],
  ])('%i is returned at once as a typed error', async (status, code) => {
    server.reply({ status, body: upstreamError(code), headers: { 'x-ms-request-id': `srv-${status}` } });

    const error = await caught(harness.client.hangUp('leg-1', { callId: 'call-1' }));

    expect(error).toBeInstanceOf(CallAutomationError);
    expect(error).toMatchObject({
      status: 502,
      operation: 'hangUp',
      upstreamStatus: status,
      upstreamCode: code,
      message: `${code} happened`,
      requestId: `srv-${status}`,
      attempts: 1,
      retriable: false,
    });
    expect(server.requests).toHaveLength(1);
    expect(harness.sleeps).toEqual([]);
    expect(harness.records).toEqual([
      expect.objectContaining({ callId: 'call-1', ok: false, status, errorCode: code, errorMessage: `${code} happened`, attempts: 1 }),
    ]);
  });

  it('names an error without a body by its status', async () => {
    server.reply({ status: 404, body: '<html>not found</html>' });
    const error = await caught(harness.client.hangUp('leg-1'));
    expect(error).toMatchObject({ upstreamStatus: 404, upstreamCode: 'http_404', message: 'Call Automation answered HTTP 404 to hangUp' });
    expect(error?.requestId).toBe(server.requests[0].headers['x-ms-client-request-id']);
  });

  it('reads the Azure-wide { error: { code, message } } shape too', async () => {
    server.reply({ status: 400, body: { error: { code: 'InvalidTarget', message: 'target is not a phone number' } } });
    await expect(caught(harness.client.hangUp('leg-1'))).resolves.toMatchObject({ upstreamCode: 'InvalidTarget', message: 'target is not a phone number' });
  });
});

describe('exhausted retries', () => {
  it('gives up after maxRetries with the last status, still marked retriable', async () => {
    server.setFallback({ status: 503, body: upstreamError('ServiceUnavailable'), headers: { 'x-ms-request-id': 'srv-last' } });

    const error = await caught(harness.client.hangUp('leg-1', { requestId: 'hang-call-1' }));

    expect(error).toMatchObject({ upstreamStatus: 503, upstreamCode: 'ServiceUnavailable', requestId: 'srv-last', attempts: 4, retriable: true });
    expect(server.requests).toHaveLength(4);
    expect(harness.sleeps).toHaveLength(3);
    expect(header('repeatability-request-id')).toEqual(Array(4).fill('hang-call-1'));
    expect(new Set(header('repeatability-first-sent')).size).toBe(1);
    expect(harness.records).toEqual([expect.objectContaining({ ok: false, status: 503, attempts: 4, requestId: 'hang-call-1' })]);
  });

  it('reports a network failure with no upstream status and our client request id', async () => {
    server.setFallback({ destroy: true });
    const error = await caught(harness.client.hangUp('leg-1'));
    expect(error).toMatchObject({ upstreamStatus: undefined, upstreamCode: 'network_error', attempts: 4, retriable: true });
    expect(error?.requestId).toBe(server.requests[0].headers['x-ms-client-request-id']);
    expect(harness.records[0]).toMatchObject({ ok: false, errorCode: 'network_error', attempts: 4 });
    expect(harness.records[0].status).toBeUndefined();
  });

  it('reports a timeout after retrying it', async () => {
    const h = createTestClient(server.url, accessKey, { timeoutMs: 50, retry: { maxRetries: 1, baseDelayMs: 1, maxDelayMs: 1 } });
    try {
      server.setFallback({ hang: true });
      const error = await caught(h.client.hangUp('leg-1'));
      expect(error).toMatchObject({ upstreamCode: 'timeout', upstreamStatus: undefined, attempts: 2, retriable: true });
      expect(server.requests).toHaveLength(2);
    } finally {
      h.client.close();
    }
  });

  it('makes exactly one attempt when retries are disabled', async () => {
    const h = createTestClient(server.url, accessKey, { retry: { maxRetries: 0 } });
    try {
      server.setFallback({ status: 503 });
      await expect(caught(h.client.hangUp('leg-1'))).resolves.toMatchObject({ attempts: 1, retriable: true });
      expect(server.requests).toHaveLength(1);
    } finally {
      h.client.close();
    }
  });
});

describe('cancellation', () => {
  it('sends nothing when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const error = await caught(harness.client.hangUp('leg-1', { signal: controller.signal }));
    expect(error).toMatchObject({ upstreamCode: 'aborted', attempts: 0, retriable: false });
    expect(server.requests).toHaveLength(0);
    expect(harness.records).toEqual([expect.objectContaining({ ok: false, errorCode: 'aborted', attempts: 0 })]);
  });

  it('stops an attempt in flight and does not retry it', async () => {
    const controller = new AbortController();
    server.setFallback({ hang: true });
    const pending = caught(harness.client.hangUp('leg-1', { signal: controller.signal }));
    while (server.requests.length === 0) await new Promise((r) => setImmediate(r));
    controller.abort();
    await expect(pending).resolves.toMatchObject({ upstreamCode: 'aborted', attempts: 1, retriable: false });
    expect(harness.sleeps).toEqual([]);
  });
});
