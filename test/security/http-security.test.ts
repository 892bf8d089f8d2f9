import request from 'supertest';
import { callbackToken } from '../../src/auth/callback-token';
import { fixture } from '../helpers/fixtures';
import { rawPost } from '../helpers/raw-post';
import { startTestService, TestService } from '../helpers/service';
import { OLD_SECRET, TEST_SECRET } from '../helpers/tokens';

// These layers sit in front of the store, so SQLite alone exercises them.
const KIND = 'sqlite';
const KEYS = ['first-api-key-0123456789', 'second-api-key-0123456789', 'third-api-key-01234567890'];
const AUDIO = 'https://media.example.com/reminder.wav';

function expectJsonError(res: request.Response, status: number, code?: string) {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  expect(Object.keys(res.body)).toEqual(['error']);
  expect(res.body.error).toEqual({ code: expect.any(String), message: expect.any(String), details: res.body.error.details ?? null });
  if (code) expect(res.body.error.code).toBe(code);
}

let eventNo = 0;
/** A valid event for `call-1` with an id of its own, so it is never a duplicate. */
const event = () => ({ ...fixture('call-state-established'), id: `security-${eventNo++}` });

async function withCall(t: TestService) {
  await t.service.store.calls.insert({ id: 'call-1', kind: 'call', flow: 'reminder', settings: {}, state: 'establishing' });
}

describe('authentication, headers and body limits', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService(KIND, { API_KEY: KEYS.join(' , '), CALLBACK_SECRET: `${TEST_SECRET},${OLD_SECRET}`, BODY_LIMIT: '64kb', DISPATCH_CONCURRENCY: '0' });
    await withCall(t);
  });
  afterAll(() => t.stop());

  const calls = () => request(t.service.url).get('/api/calls');

  it.each<[string, string | undefined]>([
    ['no Authorization header', undefined],
    ['a wrong key', 'Bearer wrong-api-key-0123456789'],
    ['a key of the wrong length', `Bearer ${KEYS[0]}x`],
    ['a prefix of a key', `Bearer ${KEYS[0].slice(0, 10)}`],
    ['an empty bearer', 'Bearer '],
    ['the key with the Basic scheme', `Basic ${KEYS[0]}`],
    ['the key without a scheme', KEYS[0]],
    ['two keys in one header', `Bearer ${KEYS[0]} ${KEYS[1]}`],
  ])('refuses %s with a 401 JSON error and WWW-Authenticate', async (_label, header) => {
    const req = calls();
    if (header !== undefined) req.set('Authorization', header);
    const res = await req;
    expectJsonError(res, 401, 'invalid_api_key');
    expect(res.headers['www-authenticate']).toBe('Bearer realm="callhook"');
  });

  it.each(KEYS)('accepts each rotated key (%s)', async (key) => {
    const res = await calls().set('Authorization', `Bearer ${key}`);
    expect(res.status).toBe(200);
    expect(res.body).toHaveProperty('calls');
  });

  it('checks the key on every management route before reading the body', async () => {
    for (const [method, path] of [
      ['post', '/api/calls'],
      ['get', '/api/calls/call-1'],
      ['post', '/api/campaigns'],
      ['get', '/api/campaigns'],
      ['post', '/api/campaigns/x/pause'],
      ['get', '/api/campaigns/x/funnel'],
      ['post', '/api/conversations/c-1/join'],
      ['get', '/api/conversations/c-1/participants'],
      ['get', '/api/flows'],
      ['post', '/api/flows/menu'],
      ['put', '/api/flows/menu'],
      ['get', '/api/flows/menu'],
      ['get', '/api/flows/menu/graph'],
    ] as const) {
      const res = await request(t.service.url)[method](path).set('Authorization', 'Bearer wrong-api-key-0123456789').send({ to: '+14255550123', audioFileUri: AUDIO });
      expectJsonError(res, 401, 'invalid_api_key');
    }
  });

  it('accepts callback tokens made with the current and the previous secret, and no other', async () => {
    const post = (secret: string) =>
      request(t.service.url).post(`/api/callbacks/call-1?token=${callbackToken(secret, 'call-1')}`).send(event());
    expect((await post(TEST_SECRET)).status).toBe(200);
    expect((await post(OLD_SECRET)).status).toBe(200);
    expectJsonError(await post('an-unrelated-secret-0123456789'), 401, 'invalid_callback_token');
    // A valid token is bound to its call id.
    const foreign = await request(t.service.url).post(`/api/callbacks/call-1?token=${callbackToken(TEST_SECRET, 'call-2')}`).send(event());
    expectJsonError(foreign, 401, 'invalid_callback_token');
  });

  it.each([
    ['a liveness probe', () => request(t.service.url).get('/healthz'), 200],
    ['a refused management request', () => request(t.service.url).get('/api/calls'), 401],
    ['an accepted callback', () => request(t.service.url).post(`/api/callbacks/call-1?token=${callbackToken(TEST_SECRET, 'call-1')}`).send(event()), 200],
    ['an unknown route', () => request(t.service.url).get('/nowhere'), 404],
  ])('sets helmet secure headers on %s', async (_label, send, status) => {
    const res = await send();
    expect(res.status).toBe(status);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toMatch(/default-src 'self'/);
    expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+/);
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  describe('413 over the body limit', () => {
    const auth = { authorization: `Bearer ${KEYS[0]}` };
    const json = { 'content-type': 'application/json' };
    const over = (bytes: number) => Buffer.from(JSON.stringify({ padding: 'x'.repeat(bytes) }));

    it.each([
      ['a callback', callbackTokenPath(), json],
      ['POST /api/calls', '/api/calls', { ...json, ...auth }],
      ['POST /api/conversations/:id/join', '/api/conversations/c-1/join', { ...json, ...auth }],
    ])('on %s', async (_label, path, headers) => {
      const res = await rawPost(t.service.url, path, over(65 * 1024), headers);
      expect(res.status).toBe(413);
      expect(res.body.error.code).toBe('payload_too_large');
    });

    // Campaign uploads allow at least 20 MB whatever BODY_LIMIT says: target lists are long.
    it.each([
      ['JSON', json],
      ['CSV', { 'content-type': 'text/csv' }],
    ])('on POST /api/campaigns with %s past 20 MB', async (_label, headers) => {
      const res = await rawPost(t.service.url, '/api/campaigns?name=big', over(21 * 1024 * 1024), { ...headers, ...auth });
      expect(res.status).toBe(413);
      expect(res.body.error.code).toBe('payload_too_large');
    });

    it('but accepts a callback just under the limit', async () => {
      const body = Buffer.from(JSON.stringify({ ...event(), padding: 'x'.repeat(60 * 1024) }));
      expect(body.length).toBeLessThan(64 * 1024);
      expect((await rawPost(t.service.url, callbackTokenPath(), body)).status).toBe(200);
    });
  });
});

function callbackTokenPath(callId = 'call-1') {
  return `/api/callbacks/${callId}?token=${callbackToken(TEST_SECRET, callId)}`;
}

describe('rate limiting of the management API', () => {
  const LIMIT = 5;
  const api = (t: TestService, forwardedFor?: string) => {
    const req = t.api().get('/api/calls');
    return forwardedFor ? req.set('X-Forwarded-For', forwardedFor) : req;
  };

  describe('without TRUST_PROXY', () => {
    let t: TestService;
    beforeAll(async () => {
      t = await startTestService(KIND, { RATE_LIMIT_PER_MINUTE: String(LIMIT), DISPATCH_CONCURRENCY: '0' });
      await withCall(t);
    });
    afterAll(() => t.stop());

    it('answers the sixth request of a minute with 429, a JSON error and RateLimit headers; callbacks and probes go on', async () => {
      // Callbacks first: they must not use up the client's management budget either.
      for (let i = 0; i < LIMIT * 3; i++) {
        expect((await request(t.service.url).post(callbackTokenPath()).send(event())).status).toBe(200);
      }
      for (let i = 0; i < LIMIT; i++) {
        const res = await api(t);
        expect(res.status).toBe(200);
        expect(res.headers.ratelimit).toMatch(new RegExp(`r=${LIMIT - 1 - i}`));
      }
      const limited = await api(t);
      expectJsonError(limited, 429, 'rate_limited');
      expect(limited.headers.ratelimit).toMatch(/r=0; t=\d+/);
      expect(limited.headers['ratelimit-policy']).toMatch(new RegExp(`q=${LIMIT}; w=60`));
      // Wrong keys are counted too (this is what stops key guessing), and refused before the key is checked.
      expectJsonError(await request(t.service.url).get('/api/calls').set('Authorization', 'Bearer wrong-api-key-0123456789'), 429);

      expect((await request(t.service.url).post(callbackTokenPath()).send(event())).status).toBe(200);
      expect((await request(t.service.url).get('/healthz')).status).toBe(200);
    });

    it('ignores X-Forwarded-For: a spoofed header does not buy a fresh budget', async () => {
      expectJsonError(await api(t, '203.0.113.7'), 429, 'rate_limited');
      expectJsonError(await api(t, '198.51.100.9'), 429, 'rate_limited');
    });
  });

  describe('with TRUST_PROXY=1', () => {
    let t: TestService;
    beforeAll(async () => {
      t = await startTestService(KIND, { RATE_LIMIT_PER_MINUTE: String(LIMIT), TRUST_PROXY: '1', DISPATCH_CONCURRENCY: '0' });
    });
    afterAll(() => t.stop());

    it('limits clients behind the proxy separately, by their X-Forwarded-For address', async () => {
      for (let i = 0; i < LIMIT; i++) expect((await api(t, '203.0.113.7')).status).toBe(200);
      expectJsonError(await api(t, '203.0.113.7'), 429, 'rate_limited');
      // Another client behind the same proxy (the same socket address) still has its whole budget.
      for (let i = 0; i < LIMIT; i++) expect((await api(t, '198.51.100.9')).status).toBe(200);
      expectJsonError(await api(t, '198.51.100.9'), 429, 'rate_limited');
      // Only the hop the proxy appended counts: a client cannot pick its own address by prepending one.
      expectJsonError(await api(t, '192.0.2.1, 203.0.113.7'), 429, 'rate_limited');
    });
  });
});
