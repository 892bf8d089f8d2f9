import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { callbackToken } from '../../src/auth/callback-token';
import { createEmulator } from '../../src/emulator';
import { createLogger } from '../../src/logger';
import { fixture } from '../helpers/fixtures';
import { rawPost } from '../helpers/raw-post';
import { eventually, startTestService, TestService } from '../helpers/service';

const AUDIO = 'https://media.example.com/reminder.wav';
const hex = () => randomBytes(12).toString('hex');
// Distinctive values, so a match in the logs can only be a leak.
const SECRET_NEW = `cbsecretnew${hex()}`;
const SECRET_OLD = `cbsecretold${hex()}`;
const API_KEYS = [`apikeyone${hex()}`, `apikeytwo${hex()}`];
const WRONG_KEYS = [`wrongkey${hex()}`, `wrongkeytwo${hex()}`];
const WRONG_TOKEN = `wrongtoken${hex()}`;
/** A secret a client puts under a common name in a query string or body: none of them may be logged. */
const PARAM_SECRET = `paramsecret${hex()}`;
const SECRET_PARAMS = ['apiKey', 'api_key', 'access_token', 'key', 'password', 'token', 'secret', 'signature', 'client_secret', 'code'];
const EMBEDDED_KEY = randomBytes(32).toString('base64');
const EMULATOR_KEY = randomBytes(32).toString('base64');
const BAD_ACCESS_KEY = randomBytes(32).toString('base64');

/**
 * An emulator of its own (as `npm run emulator` runs it) that logs at trace
 * level into `logs` and keeps every Authorization header it was sent, so the
 * HMAC signatures callhook computed are known to the test.
 */
async function startObservedEmulator(logs: string[]) {
  const logger = createLogger({ level: 'trace', name: 'callhook-emulator', destination: { write: (line: string) => void logs.push(line) } });
  const emulator = createEmulator({ accessKey: EMULATOR_KEY, logger, timeScale: 0.01 });
  const authorizations: string[] = [];
  const server = http.createServer((req, res) => {
    if (req.headers.authorization) authorizations.push(req.headers.authorization);
    emulator.app(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    authorizations,
    connectionString: (accessKey = EMULATOR_KEY) => `endpoint=${url}/;accesskey=${accessKey}`,
    control: () => request(url),
    close: async () => {
      await emulator.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

const ENV = {
  LOG_LEVEL: 'trace',
  CALLBACK_SECRET: `${SECRET_NEW},${SECRET_OLD}`,
  API_KEY: API_KEYS.join(','),
  EMULATOR_ACCESS_KEY: EMBEDDED_KEY,
  ACS_MAX_RETRIES: '1',
};

describe('secrets never reach the logs', () => {
  const emulatorLogs: string[] = [];
  let emulator: Awaited<ReturnType<typeof startObservedEmulator>>;
  let t: TestService;
  let broken: TestService;
  let embedded: TestService;
  const callIds = new Set<string>();

  beforeAll(async () => {
    emulator = await startObservedEmulator(emulatorLogs);
    t = await startTestService('sqlite', { ...ENV, ACS_CONNECTION_STRING: emulator.connectionString() });
    // The same emulator with the wrong key: every follow-up is refused upstream.
    broken = await startTestService('sqlite', { ...ENV, ACS_CONNECTION_STRING: emulator.connectionString(BAD_ACCESS_KEY) });
    embedded = await startTestService('sqlite', ENV);
  });
  afterAll(async () => {
    await Promise.all([t?.stop(), broken?.stop(), embedded?.stop()]);
    await emulator?.close();
  });

  const api = (s: TestService, key = API_KEYS[0]) => ({
    get: (path: string) => request(s.service.url).get(path).set('Authorization', `Bearer ${key}`),
    post: (path: string) => request(s.service.url).post(path).set('Authorization', `Bearer ${key}`),
  });

  async function placeAndFinish(s: TestService, to: string, options: object = {}) {
    const res = await api(s, API_KEYS[1]).post('/api/calls').send({ to, audioFileUri: AUDIO, ...options });
    expect(res.status).toBe(201);
    callIds.add(res.body.id);
    return eventually(`call ${res.body.id} to end`, async () => {
      const call = (await api(s).get(`/api/calls/${res.body.id}`)).body;
      return call.state === 'terminated' && call.outcome ? call : undefined;
    });
  }

  async function session(s: TestService, control: () => request.Agent | request.SuperTest<request.Test>) {
    await control().post('/emulator/scripts').send({ target: '+14255550101', dtmf: [{ afterMs: 200, keys: '2' }] }).expect(201);
    const first = await placeAndFinish(s, '+14255550101');
    expect(first.outcome).toBe('answered-acknowledged');
    expect((await placeAndFinish(s, '+14255550102', { waitSeconds: 1 })).outcome).toBe('no-response');

    for (const key of WRONG_KEYS) expect((await api(s, key).get('/api/calls')).status).toBe(401);
    expect((await request(s.service.url).get('/api/calls').set('Authorization', `Basic ${API_KEYS[0]}`)).status).toBe(401);
    expect((await request(s.service.url).get(`/api/calls?token=${API_KEYS[0]}`)).status).toBe(401);
    for (const name of SECRET_PARAMS) {
      // Unauthenticated (logged at info), authenticated with a bad query (400), and as a body field.
      expect((await request(s.service.url).get(`/api/calls?${name}=${PARAM_SECRET}`)).status).toBe(401);
      expect((await api(s).get(`/api/calls?limit=5&${name}=${PARAM_SECRET}`)).status).toBeLessThan(500);
      expect((await api(s).post(`/api/calls?${name}=${PARAM_SECRET}`).send({ to: '+14255550109', audioFileUri: AUDIO, [name]: PARAM_SECRET })).status).toBe(400);
    }

    const callId: string = first.id;
    const token = callbackToken(SECRET_NEW, callId);
    const oldToken = callbackToken(SECRET_OLD, callId);
    const body = Buffer.from(JSON.stringify({ ...fixture('call-state-established'), id: `late-${hex()}`, data: { ...fixture('call-state-established').data, CallLegId: 'x' }, subject: 'callLeg/x/callState' }));
    // Every way a client may put a token (valid or not) in the query string, with the answer it gets.
    const paths: Array<[string, number]> = [
      [`/api/callbacks/${callId}?token=${WRONG_TOKEN}`, 401],
      [`/api/callbacks/${callId}?TOKEN=${WRONG_TOKEN}`, 401],
      [`/api/callbacks/${callId}?token=${token}&extra=1`, 200],
      [`/api/callbacks/${callId}?extra=1&token=${oldToken}`, 200],
      [`/api/callbacks/${callId}?token=${token}&token=${oldToken}`, 401],
      [`/api/callbacks/${callId}?%74oken=${token}`, 200],
      [`/api/callbacks/${callId}?token[]=${token}`, 401],
      [`/api/callbacks/${callId}?token%5B0%5D=${oldToken}`, 401],
      [`/api/callbacks/${callId}?tok%65n=${WRONG_TOKEN}`, 401],
      [`/api/callbacks/${callId}?x=1?token=${token}`, 401],
      [`/api/callbacks/no-such-call?token=${callbackToken(SECRET_NEW, 'no-such-call')}`, 404],
    ];
    for (const [path, status] of paths) {
      const res = await rawPost(s.service.url, path, body);
      expect([path, res.status]).toEqual([path, status]);
    }
    // A token in a header it does not belong in, or in the body, is not for the logs either.
    await request(s.service.url).post(`/api/callbacks/${callId}?token=${token}`).set('Authorization', `Bearer ${token}`).set('Cookie', `token=${token}`).send('{');

    const campaign = await api(s).post('/api/campaigns').send({ name: 'log check', audioFileUri: AUDIO, waitSeconds: 1, callsPerSecond: 10, targets: [{ to: '+14255550201' }, { to: '+14255550202' }] });
    expect(campaign.status).toBe(201);
    await eventually('the campaign to finish', async () => (await api(s).get(`/api/campaigns/${campaign.body.id}`)).body.status === 'completed');
  }

  it('drives a realistic session against a separately started emulator, then a broken key and an embedded emulator', async () => {
    await session(t, emulator.control);
    await session(embedded, embedded.emulator);

    // The failing upstream: the emulator refuses every signature made with the wrong key.
    const refused = await api(broken).post('/api/calls').send({ to: '+14255550301', audioFileUri: AUDIO });
    expect(refused.status).toBe(502);
    callIds.add(refused.body.error.details.callId);

    for (const s of [t, embedded, broken]) {
      for (const { id } of await s.service.store.db.all<{ id: string }>('SELECT id FROM calls')) callIds.add(id);
    }
    expect(emulator.authorizations.length).toBeGreaterThan(10);
  }, 60_000);

  it('has no secret, token, key or signature in any log line', () => {
    const lines = [...t.logs, ...broken.logs, ...embedded.logs, ...emulatorLogs];
    const signatures = emulator.authorizations.map((a) => /Signature=(\S+)/.exec(a)?.[1]).filter((s): s is string => !!s);
    expect(signatures.length).toBe(emulator.authorizations.length);
    const tokens = [...callIds].flatMap((id) => [SECRET_NEW, SECRET_OLD].map((secret) => callbackToken(secret, id)));
    const secrets: Array<[string, string]> = [
      ...[SECRET_NEW, SECRET_OLD].map((v) => ['CALLBACK_SECRET', v] as [string, string]),
      ...API_KEYS.map((v) => ['API_KEY', v] as [string, string]),
      ...WRONG_KEYS.map((v) => ['a wrong API key', v] as [string, string]),
      ['a wrong callback token', WRONG_TOKEN],
      ['a secret-named query parameter or body field', PARAM_SECRET],
      ['EMULATOR_ACCESS_KEY', EMBEDDED_KEY],
      ['the access key of ACS_CONNECTION_STRING', EMULATOR_KEY],
      ['a wrong access key', BAD_ACCESS_KEY],
      ...tokens.map((v) => ['a callback token', v] as [string, string]),
      ...signatures.map((v) => ['an HMAC signature', v] as [string, string]),
    ];
    expect(tokens.length).toBeGreaterThanOrEqual(16);
    const leaks: string[] = [];
    for (const line of lines) {
      for (const [what, value] of secrets) {
        for (const form of new Set([value, encodeURIComponent(value), value.slice(0, 16)])) {
          if (line.includes(form)) leaks.push(`${what} in: ${line.slice(0, 300)}`);
        }
      }
      // The 401 message names the scheme with a placeholder; anything else after Bearer is a value.
      if (/HMAC-SHA256|Signature=(?!\[Redacted\])|Bearer\s+(?!<API_KEY>)\S/i.test(line)) leaks.push(`an Authorization value in: ${line.slice(0, 300)}`);
    }
    expect(leaks).toEqual([]);
  });

  it('did log the requests, with the token replaced by the redaction marker (so the check above is not vacuous)', () => {
    const entries = [...t.logs, ...embedded.logs].map((l) => JSON.parse(l) as { req?: { url?: string }; msg: string });
    const callbackUrls = entries.map((e) => e.req?.url).filter((u): u is string => !!u && u.startsWith('/api/callbacks/'));
    expect(callbackUrls.length).toBeGreaterThan(20);
    expect(callbackUrls.filter((u) => u.includes('token=[Redacted]')).length).toBeGreaterThan(20);
    expect(callbackUrls).toContainEqual(expect.stringMatching(/\?extra=1&token=\[Redacted\]$/));
    const urls = entries.map((e) => e.req?.url);
    for (const name of SECRET_PARAMS) expect(urls).toContain(`/api/calls?limit=5&${name}=[Redacted]`);
    expect(entries.some((e) => e.req?.url === '/api/calls' && /request completed/.test(e.msg))).toBe(true);
    expect(broken.logs.some((l) => /call automation request failed/.test(l))).toBe(true);
    expect(emulatorLogs.length + t.logs.length).toBeGreaterThan(100);
  });
});
