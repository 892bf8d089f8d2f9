import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { callbackToken } from '../../src/auth/callback-token';
import { DATABASE_KINDS } from '../helpers/databases';
import { fixture, FIXTURE_NAMES } from '../helpers/fixtures';
import { startTestService, TestService } from '../helpers/service';
import { callbackPath, TEST_API_KEY, TEST_SECRET } from '../helpers/tokens';
import { closeAgent, exchangeRaw, expectAnswer, Json, paths, send, setPath, snapshot, wrongType } from './hostile-kit';

const LIMIT = 64 * 1024;
const RUNS = 100;
const AUTH = { authorization: `Bearer ${TEST_API_KEY}` };
const JSON_TYPE = { 'content-type': 'application/json' };
const AUDIO = 'https://media.example.com/reminder.wav';
const SEED_LEG = fixture('call-state-established').data.CallLegId as string;
/** A document every JSON route refuses by its schema (never by its size, encoding or shape). */
const INVALID_EVENT = { ...fixture('call-state-established'), eventTime: 'not a time' };
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const isUtf8 = (bytes: Uint8Array) => {
  try {
    strictUtf8.decode(bytes);
    return true;
  } catch {
    return false;
  }
};
/** What Express does to a path segment before the route sees it; undefined when that fails. */
const decodeSegment = (segment: string) => {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
};

/** A path segment as a hostile client sends it: percent-encoded Unicode, or raw ASCII with stray and broken escapes. */
const hostileSegment = fc
  .oneof(
    fc.string({ unit: 'binary', minLength: 1, maxLength: 80 }).map(encodeURIComponent),
    fc.stringMatching(/^[!-~]{1,40}$/).filter((s) => !/[/?#]/.test(s)),
    fc.constantFrom('%', '%G0', '%C3%28', '%ED%A0%80', '%FF%FE', '%00', 'a%00b', '%00%', '..', '.', '%2F%2E%2E', '%E2%82'),
  )
  .filter((s) => decodeSegment(s) !== '');

/** JSON routes and how each names a schema failure. */
const JSON_ROUTES = [
  { name: 'a callback', path: callbackPath('seed-call-a'), headers: {}, code: 'invalid_event' },
  { name: 'POST /api/calls', path: '/api/calls', headers: AUTH, code: 'validation_failed' },
  { name: 'POST /api/campaigns', path: '/api/campaigns', headers: AUTH, code: 'validation_failed' },
] as const;

describe.each(DATABASE_KINDS)('hostile input on %s', (kind) => {
  let t: TestService;
  let url: string;
  let before: Record<string, string[]>;
  let errorLinesBefore = 0;
  /** Set by the one property whose valid inputs store new rows (joins); it checks the old rows itself. */
  let onlyAdds = false;

  beforeAll(async () => {
    t = await startTestService(kind, { BODY_LIMIT: '64kb', DISPATCH_CONCURRENCY: '0', RATE_LIMIT_PER_MINUTE: '1000000' });
    url = t.service.url;
    const { store } = t.service;
    await store.calls.insert({ id: 'seed-call-a', kind: 'call', flow: 'reminder', settings: {}, state: 'establishing', callLegId: SEED_LEG });
    await store.calls.insert({ id: 'seed-call-b', kind: 'call', flow: 'reminder', settings: {}, state: 'establishing' });
    for (const name of FIXTURE_NAMES.filter((n) => fixture(n).data.CallLegId === SEED_LEG)) {
      expectAnswer(await send(url, { path: callbackPath('seed-call-a'), headers: JSON_TYPE, body: JSON.stringify(fixture(name)) }), 200);
    }
    const campaign = { name: 'seed', audioFileUri: AUDIO, targets: [{ to: '+14255550101', note: 'a' }, { to: '+14255550102' }] };
    expectAnswer(await send(url, { path: '/api/campaigns', headers: { ...AUTH, ...JSON_TYPE }, body: JSON.stringify(campaign) }), 201);
    const csv = await send(url, { path: `/api/campaigns?name=csv&audioFileUri=${AUDIO}`, headers: { ...AUTH, 'content-type': 'text/csv' }, body: 'to,note\n+14255550103,x\n' });
    expectAnswer(csv, 201);
    expectAnswer(await send(url, { path: `/api/campaigns/${csv.json.id}/pause`, headers: AUTH }), 200);
    before = await snapshot(store);
    expect(before.inbox.length).toBeGreaterThan(0);
    expect(before.campaign_targets).toHaveLength(3);
  });

  afterAll(async () => {
    await t.stop();
    closeAgent();
  });

  beforeEach(() => {
    errorLinesBefore = t.logs.length;
  });

  /** After every property: still alive, nothing logged as a failure, nothing stored changed. */
  afterEach(async () => {
    expectAnswer(await send(url, { method: 'GET', path: '/healthz' }), 200);
    const failures = t.logs.slice(errorLinesBefore).filter((line) => JSON.parse(line).level >= 50);
    expect(failures).toEqual([]);
    if (onlyAdds) return;
    expect(await snapshot(t.service.store)).toEqual(before);
  });

  const post = (path: string, body: Buffer | string, headers: Record<string, string> = {}) => send(url, { path, headers: { ...JSON_TYPE, ...headers }, body });
  const check = (property: fc.IAsyncProperty<any>, numRuns = RUNS) => fc.assert(property, { numRuns });

  it('refuses arbitrary JSON at the callback endpoint with 400', () =>
    check(
      fc.asyncProperty(fc.oneof(fc.json({ stringUnit: 'binary' }), fc.anything().map((v) => JSON.stringify(v)).filter((s): s is string => s !== undefined)), async (body) => {
        expectAnswer(await post(callbackPath('seed-call-a'), body), 400, ['invalid_event', 'body_too_complex', 'invalid_character']);
      }),
    ));

  it('refuses arbitrary JSON at every management JSON route with 400', () =>
    check(
      fc.asyncProperty(fc.constantFrom(...JSON_ROUTES.slice(1)), fc.jsonValue({ stringUnit: 'binary' }), async (route, value) => {
        expectAnswer(await post(route.path, JSON.stringify(value), route.headers), 400, [route.code, 'body_too_complex', 'invalid_character']);
      }),
    ));

  describe('wrong types in every field', () => {
    const events = FIXTURE_NAMES.map((name) => fixture(name) as Json);
    // null stands for an optional value there; a string or an object might be a valid one.
    const eventField = fc
      .constantFrom(...events.flatMap((event) => paths(event).map((p) => ({ event, ...p }))))
      .chain((f) => wrongType(f.value, f.value === null ? ['string', 'object', 'null'] : ['null']).map((wrong) => ({ ...f, wrong })));

    it('answers 400 naming the field for an event with one field of the wrong type, alone or after a valid event', () =>
      check(
        fc.asyncProperty(eventField, fc.boolean(), async ({ event, path, wrong }, batched) => {
          const broken = setPath(event, path, wrong);
          const body = batched ? [fixture('call-state-established'), broken] : broken;
          const res = await post(callbackPath('seed-call-a'), JSON.stringify(body));
          expectAnswer(res, 400, 'invalid_event');
          const field = (batched ? [1, ...path] : path).map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
          expect(res.json.error.details.map((d: { field: string }) => d.field)).toContain(field);
        }),
        150,
      ));

    const call: Json = { to: '+14255550123', audioFileUri: AUDIO, flow: 'reminder', operationContext: 'ctx', subject: 'hello', keyMap: { '1': 'agent' }, waitSeconds: 10, inviteRetries: 1 };
    const campaign: Json = {
      name: 'n',
      audioFileUri: AUDIO,
      callsPerSecond: 2,
      maxConcurrentCalls: 3,
      retry: { attempts: 2, delaySeconds: 60, on: ['failed'] },
      window: { start: '09:00', end: '17:00', timeZone: 'Europe/Paris', days: [1, 2] },
      targets: [{ to: '+14255550123', note: 'x' }],
    };
    const apiField = fc
      .constantFrom(
        ...paths(call).map((p) => ({ route: '/api/calls', doc: call, ...p })),
        ...paths(campaign).map((p) => ({ route: '/api/campaigns', doc: campaign, ...p })),
      )
      // A target's extra columns take numbers and booleans as text, so only structures are wrong there.
      .chain((f) => wrongType(f.value, f.path[0] === 'targets' && f.path.length === 3 ? ['string', 'number', 'boolean'] : []).map((wrong) => ({ ...f, wrong })));

    it('answers 400 naming the field for POST /api/calls and /api/campaigns with one field of the wrong type', () =>
      check(
        fc.asyncProperty(apiField, async ({ route, doc, path, wrong }) => {
          const res = await post(route, JSON.stringify(setPath(doc, path, wrong)), AUTH);
          expectAnswer(res, 400, 'validation_failed');
          expect(res.json.error.details.map((d: { field: string }) => d.field)).toContain(['body', ...path].join('.'));
        }),
        150,
      ));
  });

  it('answers 401 to a callback without a valid token, whatever the body and its content type', () => {
    const token = fc.oneof(
      fc.constant(undefined),
      fc.constant(''),
      fc.string({ maxLength: 60 }).map(encodeURIComponent),
      fc.constant(callbackToken(TEST_SECRET, 'seed-call-b')),
      fc.string({ minLength: 16 }).map((secret) => callbackToken(secret, 'seed-call-a')),
      fc.nat(42).map((i) => {
        const valid = callbackToken(TEST_SECRET, 'seed-call-a');
        return valid.slice(0, i) + (valid[i] === 'A' ? 'B' : 'A') + valid.slice(i + 1);
      }),
    );
    const contentType = fc.oneof(fc.constant(undefined), fc.constantFrom('application/json', 'text/plain', 'text/csv', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x'));
    return check(
      fc.asyncProperty(token, fc.uint8Array({ maxLength: 2048 }), contentType, async (tok, bytes, type) => {
        const path = `/api/callbacks/seed-call-a${tok === undefined ? '' : `?token=${tok}`}`;
        expectAnswer(await send(url, { path, headers: type ? { 'content-type': type } : {}, body: Buffer.from(bytes) }), 401, 'invalid_callback_token');
      }),
    );
  });

  it('answers a validly signed callback for a hostile call id with 404, or 400 when the id cannot be a call id', () =>
    check(
      fc.asyncProperty(hostileSegment, async (segment) => {
        const id = decodeSegment(segment);
        const token = id === undefined ? 'x' : callbackToken(TEST_SECRET, id);
        const res = await post(`/api/callbacks/${segment}?token=${token}`, JSON.stringify(fixture('call-state-established')));
        // %00 is refused from the raw URL, before the router decodes (or fails to decode) the segment.
        if (/%00/i.test(segment)) expectAnswer(res, 400, 'invalid_character');
        else if (id === undefined) expectAnswer(res, 400, 'invalid_path');
        else expectAnswer(res, 404, 'call_not_found');
      }),
    ));

  it('answers 400 invalid_encoding to bytes that are not UTF-8, on every JSON route and CSV uploads', () => {
    const routes = [
      ...JSON_ROUTES.map((r) => ({ ...r, type: 'application/json', wrap: (b: Buffer) => Buffer.concat([Buffer.from('{"name":"'), b, Buffer.from('"}')]) })),
      {
        name: 'a CSV campaign',
        path: `/api/campaigns?name=x&audioFileUri=${AUDIO}`,
        headers: AUTH,
        code: 'validation_failed',
        type: 'text/csv',
        wrap: (b: Buffer) => Buffer.concat([Buffer.from('to,note\nnot-a-number,'), b]),
      },
    ];
    return check(
      fc.asyncProperty(fc.constantFrom(...routes), fc.uint8Array({ minLength: 1, maxLength: 64 }), async (route, bytes) => {
        const res = await send(url, { path: route.path, headers: { ...route.headers, 'content-type': route.type }, body: route.wrap(Buffer.from(bytes)) });
        if (isUtf8(bytes)) expectAnswer(res, 400, [route.code, 'invalid_json', 'invalid_character']);
        else expectAnswer(res, 400, 'invalid_encoding');
      }),
      150,
    );
  });

  it('answers 413 past the body limit and 400 up to it, with or without Content-Length', () => {
    const size = fc.oneof(fc.integer({ min: LIMIT - 200, max: LIMIT + 200 }), fc.integer({ min: 0, max: 3 * LIMIT }));
    const routes = [
      { path: callbackPath('seed-call-a'), headers: {}, doc: (pad: string) => ({ ...INVALID_EVENT, pad }), code: 'invalid_event' },
      { path: '/api/calls', headers: AUTH, doc: (pad: string) => ({ to: pad, audioFileUri: AUDIO }), code: 'validation_failed' },
    ];
    return check(
      fc.asyncProperty(fc.constantFrom(...routes), size, fc.boolean(), async (route, n, chunked) => {
        const body = Buffer.from(JSON.stringify(route.doc('x'.repeat(n))));
        const res = await send(url, { path: route.path, headers: { ...JSON_TYPE, ...route.headers }, body, chunked });
        if (body.length > LIMIT) expectAnswer(res, 413, 'payload_too_large');
        else expectAnswer(res, 400, route.code);
      }),
      60,
    );
  });

  it('refuses huge strings in campaign uploads (whose limit is larger) by their schema', () =>
    check(
      fc.asyncProperty(fc.integer({ min: 0, max: 3 * LIMIT }), fc.boolean(), async (n, csv) => {
        const res = csv
          ? await send(url, { path: `/api/campaigns?name=x&audioFileUri=${AUDIO}`, headers: { ...AUTH, 'content-type': 'text/csv' }, body: `to\n${'9'.repeat(n)}` })
          : await post('/api/campaigns', JSON.stringify({ name: 'n'.repeat(n + 201), audioFileUri: AUDIO, targets: [{ to: '+14255550123' }] }), AUTH);
        expectAnswer(res, 400, 'validation_failed');
      }),
      30,
    ));

  it('answers deep nesting with 400 body_too_complex past 32 levels (413 past the limit), never a stack overflow', () =>
    check(
      fc.asyncProperty(fc.constantFrom(...JSON_ROUTES), fc.oneof(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 40_000 })), fc.boolean(), async (route, depth, arrays) => {
        const body = arrays ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '0' + '}'.repeat(depth);
        const res = await post(route.path, body, route.headers);
        if (body.length > LIMIT && route.path !== '/api/campaigns') expectAnswer(res, 413, 'payload_too_large');
        else if (depth > 32) expectAnswer(res, 400, 'body_too_complex');
        else expectAnswer(res, 400, route.code);
      }),
    ));

  it('answers long arrays with 400: too many events, too many items, or items that are not what the route takes', () =>
    check(
      fc.asyncProperty(fc.constantFrom(...JSON_ROUTES), fc.integer({ min: 0, max: 12_000 }), async (route, n) => {
        const items = `[${new Array(n).fill('0').join(',')}]`;
        const body = route.path === '/api/campaigns' ? `{"name":"x","audioFileUri":"${AUDIO}","targets":${items}}` : items;
        const res = await post(route.path, body, route.headers);
        // Campaigns take up to 100,000 targets; the other routes stop at 10,000 items.
        if (n > 10_000 && route.path !== '/api/campaigns') expectAnswer(res, 400, 'body_too_complex');
        else expectAnswer(res, 400, route.code);
      }),
      50,
    ));

  it('answers a campaign with more than 100,000 targets with 400 body_too_complex', async () => {
    const items = new Array(100_001).fill('0').join(',');
    expectAnswer(await post('/api/campaigns', `{"name":"x","audioFileUri":"${AUDIO}","targets":[${items}]}`, AUTH), 400, 'body_too_complex');
  });

  it('answers 415 to a non-JSON or missing content type, and reads JSON only as UTF-8', () => {
    const type = fc.oneof(
      fc.constantFrom(undefined, 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=b', 'application/xml', 'application/jsonx', 'json', '*/*', ''),
      fc.constantFrom('application/json', 'application/merge-patch+json', 'application/cloudevents+json'),
      fc.stringMatching(/^[a-z]{1,8}\/[a-z0-9.+-]{1,12}$/),
      fc.tuple(fc.constantFrom('application/json', 'application/problem+json'), fc.stringMatching(/^[a-z0-9-]{1,12}$/)).map(([t, cs]) => `${t}; charset=${cs}`),
    );
    return check(
      fc.asyncProperty(fc.constantFrom(...JSON_ROUTES), type, async (route, contentType) => {
        const headers: Record<string, string> = { ...route.headers };
        if (contentType !== undefined) headers['content-type'] = contentType;
        const res = await send(url, { path: route.path, headers, body: JSON.stringify(INVALID_EVENT) });
        const media = (contentType ?? '').split(';')[0].trim();
        const json = media === 'application/json' || /^application\/[^/]+\+json$/.test(media);
        const csv = route.path === '/api/campaigns' && ['text/csv', 'application/csv'].includes(media);
        const charset = /charset=(.*)$/.exec(contentType ?? '')?.[1];
        if (csv) expectAnswer(res, 400, 'validation_failed');
        else if (!json) expectAnswer(res, 415, 'unsupported_media_type');
        else if (charset === undefined || charset === 'utf-8') expectAnswer(res, 400, route.code);
        // Another charset: refused as unsupported, or decoded and then refused as JSON.
        else if (res.status !== 415) expectAnswer(res, 400, ['invalid_json', 'invalid_encoding', route.code]);
        else expectAnswer(res, 415, 'unsupported_charset');
      }),
    );
  });

  it('handles Content-Encoding: garbage and unknown encodings are 4xx, a gzip bomb is 413, real gzip is read', () => {
    const encoding = fc.constantFrom('gzip', 'deflate', 'br', 'compress', 'x-unknown', 'identity', 'gzip, gzip');
    return check(
      fc.asyncProperty(fc.constantFrom(...JSON_ROUTES.slice(0, 2)), encoding, fc.constantFrom('garbage', 'gzip', 'bomb'), async (route, enc, payload) => {
        const doc = Buffer.from(JSON.stringify(payload === 'bomb' ? { ...INVALID_EVENT, pad: ' '.repeat(10 * LIMIT) } : INVALID_EVENT));
        const body = payload === 'garbage' ? Buffer.from('not compressed at all') : gzipSync(doc);
        const res = await send(url, { path: route.path, headers: { ...JSON_TYPE, ...route.headers, 'content-encoding': enc }, body });
        if (['compress', 'x-unknown', 'gzip, gzip'].includes(enc)) expectAnswer(res, 415, 'unsupported_encoding');
        else if (enc === 'gzip' && payload === 'gzip') expectAnswer(res, 400, route.code);
        else if (enc === 'gzip' && payload === 'bomb') expectAnswer(res, 413, 'payload_too_large');
        else if (res.status !== 400) throw new Error(`expected 400, got ${res.status} ${res.text}`);
        else expectAnswer(res, 400);
      }),
      40,
    );
  });

  it('answers GET /api/calls with hostile query strings with 200 or a 400 naming the query, never more', () => {
    const KEYS = ['state', 'outcome', 'campaignId', 'limit', 'cursor'];
    const value = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 30 }),
      fc.constantFrom('terminated', 'failed', 'no-response', '1', '500', '501', '0', '-1', '1e2', '0x10', 'NaN', ' 5 ', '\0', ''),
      fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v) ?? '').toString('base64url')),
      fc.record({ createdAt: fc.oneof(fc.double(), fc.integer(), fc.string()), id: fc.oneof(fc.string({ unit: 'binary' }), fc.integer()) }).map((v) => Buffer.from(JSON.stringify(v)).toString('base64url')),
    );
    const pair = fc.tuple(fc.oneof(fc.constantFrom(...KEYS), fc.string({ unit: 'binary', maxLength: 10 })), value);
    const query = fc.oneof(
      fc.array(pair, { maxLength: 4 }).map((pairs) => pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')),
      fc.stringMatching(/^[!-~]{0,60}$/).filter((s) => !s.includes('#')),
    );
    return check(
      fc.asyncProperty(query, async (q) => {
        const res = await send(url, { method: 'GET', path: `/api/calls?${q}`, headers: AUTH });
        const params = new URLSearchParams(q);
        const keys = [...params.keys()];
        const surelyBad = keys.some((k) => !KEYS.includes(k)) || new Set(keys).size !== keys.length || [...params.values()].some((v) => v.includes('\0'));
        if (res.status === 200 && !surelyBad) {
          expect(Array.isArray(res.json.calls)).toBe(true);
          expect(res.json.nextCursor === null || typeof res.json.nextCursor === 'string').toBe(true);
        } else {
          expectAnswer(res, 400, ['validation_failed', 'invalid_character']);
          if (res.json.error.code === 'validation_failed') expect(res.json.error.details.every((d: { field: string }) => d.field.startsWith('query'))).toBe(true);
        }
      }),
      150,
    );
  });

  it('answers every read and campaign action on a hostile id with 404, or 400 when it cannot be an id', () => {
    const routes = [
      { method: 'GET', path: (id: string) => `/api/calls/${id}`, code: 'call_not_found' },
      { method: 'GET', path: (id: string) => `/api/campaigns/${id}`, code: 'campaign_not_found' },
      { method: 'GET', path: (id: string) => `/api/campaigns/${id}/report`, code: 'campaign_not_found' },
      { method: 'POST', path: (id: string) => `/api/campaigns/${id}/pause`, code: 'campaign_not_found' },
      { method: 'POST', path: (id: string) => `/api/campaigns/${id}/resume`, code: 'campaign_not_found' },
      { method: 'POST', path: (id: string) => `/api/campaigns/${id}/cancel`, code: 'campaign_not_found' },
      { method: 'GET', path: (id: string) => `/api/conversations/${id}/participants`, code: 'conversation_not_found' },
    ];
    return check(
      fc.asyncProperty(fc.constantFrom(...routes), hostileSegment, fc.option(fc.jsonValue()), async (route, segment, body) => {
        const id = decodeSegment(segment);
        const res = await send(url, { method: route.method, path: route.path(segment), headers: { ...AUTH, ...JSON_TYPE }, body: body === null ? undefined : JSON.stringify(body) });
        // %00 is refused from the raw URL, before the router decodes (or fails to decode) the segment.
        if (/%00/i.test(segment)) expectAnswer(res, 400, 'invalid_character');
        else if (id === undefined) expectAnswer(res, 400, 'invalid_path');
        else expectAnswer(res, 404, route.code);
      }),
      150,
    );
  });

  it('answers a CSV campaign upload with hostile query settings with 400, never a crash', () => {
    const KEYS = ['name', 'audioFileUri', 'keyMap', 'waitSeconds', 'retryAttempts', 'retryOn', 'windowStart', 'windowEnd', 'windowTimeZone', 'windowDays', 'callsPerSecond', '__proto__', 'constructor'];
    const pair = fc.tuple(fc.oneof(fc.constantFrom(...KEYS), fc.string({ maxLength: 8 })), fc.oneof(fc.string({ unit: 'binary', maxLength: 20 }), fc.constantFrom('__proto__:agent', '1:agent,2', ':::', ',,', '1,2,x', 'NaN', '1e999')));
    return check(
      fc.asyncProperty(fc.array(pair, { maxLength: 6 }), fc.string({ maxLength: 200 }), async (pairs, csv) => {
        const q = pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
        // A `to` no caller can dial, so the answer is a 400 whatever the settings are.
        const res = await send(url, { path: `/api/campaigns?${q}`, headers: { ...AUTH, 'content-type': 'text/csv' }, body: `to\nnot-a-number\n${csv}` });
        expectAnswer(res, 400, ['validation_failed', 'invalid_character']);
      }),
    );
  });

  it('answers requests that are not valid HTTP, or whose URL is too long, with a JSON 4xx too', () => {
    const request = fc.oneof(
      // Junk where the request line should be (blank lines alone are no request: HTTP skips them).
      fc.uint8Array({ minLength: 1, maxLength: 200 }).filter((b) => b.some((c) => c !== 10 && c !== 13)).map((b) => ({ bytes: Buffer.concat([Buffer.from(b), Buffer.from('\r\n\r\n')]), status: 400 })),
      // A header value with a control character.
      fc.integer({ min: 1, max: 31 }).filter((c) => c !== 9).map((c) => ({ bytes: Buffer.from(`GET /healthz HTTP/1.1\r\nHost: x\r\nX-Bad: a${String.fromCharCode(c)}b\r\n\r\n`), status: 400 })),
      // An id longer than Node lets a request line be (16 kB of headers).
      fc.integer({ min: 17_000, max: 40_000 }).map((n) => ({ bytes: Buffer.from(`GET /api/calls/${'x'.repeat(n)} HTTP/1.1\r\nHost: x\r\n\r\n`), status: 431 })),
    );
    return check(
      fc.asyncProperty(request, async ({ bytes, status }) => {
        const res = await exchangeRaw(url, bytes);
        // Junk that happens to begin like a request may fail a little later, still as a 4xx.
        if (status === 400 && res.status !== 400) expectAnswer(res, res.status >= 400 && res.status < 500 ? res.status : 400);
        else expectAnswer(res, status, status === 431 ? 'headers_too_large' : 'bad_request');
      }),
      60,
    );
  });

  it('joins any conversation id a client may send (201), refusing ids that cannot be stored and bad bodies (4xx) without storing anything', async () => {
    const { store } = t.service;
    onlyAdds = true;
    const segment = fc.oneof(hostileSegment, fc.integer({ min: 2040, max: 2100 }).map((n) => encodeURIComponent('é'.repeat(n / 2))));
    // The join takes no body; one that is sent must still be JSON.
    const body = fc.constantFrom(undefined, { type: 'text/plain', text: 'hello' }, { type: 'application/json', text: '{' }, { type: 'application/json', text: '{}' });
    await check(
      fc.asyncProperty(segment, body, async (seg, b) => {
        const id = decodeSegment(seg);
        const calls = async () => (await store.db.all('SELECT id FROM calls')).length;
        const callsBefore = await calls();
        const res = await send(url, { path: `/api/conversations/${seg}/join`, headers: { ...AUTH, ...(b ? { 'content-type': b.type } : {}) }, body: b?.text });
        // In the order the app checks them: the raw URL, the body, then the decoded id.
        if (/%00/i.test(seg)) expectAnswer(res, 400, 'invalid_character');
        else if (b?.type === 'text/plain') expectAnswer(res, 415, 'unsupported_media_type');
        else if (b?.text === '{') expectAnswer(res, 400, 'invalid_json');
        else if (id === undefined) expectAnswer(res, 400, 'invalid_path');
        else if (Buffer.byteLength(id) > 2048 || id === '.' || id === '..') expectAnswer(res, 400, 'validation_failed');
        else {
          expectAnswer(res, 201);
          expect(res.json.conversationId).toBe(id);
        }
        // A refused join stores nothing (a '..' once left a monitor stuck in 'creating'); an accepted one stores its monitor.
        expect(await calls()).toBe(callsBefore + (res.status === 201 ? 1 : 0));
      }),
      60,
    );
    const after = await snapshot(store);
    for (const [table, rows] of Object.entries(before)) {
      // Joins add rows (the monitor, its events); none that was there before may change.
      if (table === 'schema_migrations') expect(after[table]).toEqual(rows);
      else for (const row of rows) expect(after[table]).toContain(row);
    }
  });
});

