import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { generateKeyPair } from 'jose';
import request from 'supertest';
import type { Store } from '../../src/store';
import { FakeIssuer, startIssuer } from '../helpers/ga-issuer';
import { createManualClock } from '../helpers/manual-clock';
import { startTestService, TestService } from '../helpers/service';
import { callbackPath } from '../helpers/tokens';

/**
 * The real GA service as callhook meets it: its own RSA key, OpenID metadata
 * and JWKS on an HTTP server of their own (not the emulator's), signing the
 * callbacks that carry the recorded GA payloads.
 */
const FIXTURES = path.join(__dirname, '..', 'fixtures', 'events-ga');
const fixtureNames = readdirSync(FIXTURES).filter((f) => f.endsWith('.json'));
const gaFixture = (name: string) => JSON.parse(readFileSync(path.join(FIXTURES, name), 'utf8')) as Array<Record<string, unknown> & { data: Record<string, unknown> }>;

const AUDIENCE = '6d2f1a3b-0000-4c4c-9a9a-1234567890ab';

describe('GA callbacks, checked against a GA issuer with its own key', () => {
  let t: TestService;
  let issuer: FakeIssuer;
  let store: Store;
  const LEG = 'ga-2-connection';
  const manual = createManualClock(Date.now());
  /** A recorded event re-addressed to ga-2's call connection. */
  const forGa2 = (name: string, id: string) => {
    const [event] = gaFixture(name);
    return { ...event, id, data: { ...event.data, callConnectionId: LEG } };
  };

  beforeAll(async () => {
    issuer = await startIssuer(() => manual.clock.now(), AUDIENCE);
    t = await startTestService('sqlite', { DISPATCH_CONCURRENCY: '0', ACS_CALLBACK_ISSUER: issuer.url, ACS_RESOURCE_ID: AUDIENCE }, undefined, manual.clock);
    store = t.service.store;
    await store.calls.insert({ id: 'ga-1', kind: 'call', flow: 'reminder', settings: {}, state: 'establishing' });
    await store.calls.insert({ id: 'ga-2', kind: 'call', flow: 'reminder', settings: {}, state: 'establishing', callLegId: LEG });
  });
  afterAll(async () => {
    await t.stop();
    await issuer.close();
  });

  const post = (callId: string, body: unknown, jwt?: string) => {
    const req = request(t.service.url).post(callbackPath(callId)).set('Content-Type', 'application/json');
    if (jwt !== undefined) req.set('Authorization', `Bearer ${jwt}`);
    return req.send(JSON.stringify(body));
  };
  const inboxSize = async (callId: string) => (await store.inbox.list(callId)).length;

  it.each(fixtureNames)('accepts the recorded GA payload %s once and acknowledges its redelivery', async (name) => {
    const jwt = await issuer.sign();
    const first = await post('ga-1', gaFixture(name), jwt);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ accepted: 1, duplicates: 0 });
    const again = await post('ga-1', gaFixture(name), jwt);
    expect(again.body).toEqual({ accepted: 0, duplicates: 1 });
  });

  it('accepts one CloudEvent that is not in an array', async () => {
    const res = await post('ga-2', forGa2('play-completed.json', 'single-object-1'), await issuer.sign());
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ accepted: 1, duplicates: 0 });
  });

  it('stores and acknowledges a GA event type it does not handle', async () => {
    const event = forGa2('call-connected.json', 'unknown-ga-1');
    const res = await post('ga-2', { ...event, type: 'Microsoft.Communication.HoldAudioStarted' }, await issuer.sign());
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ accepted: 1, duplicates: 0 });
    const stored = await store.db.all<{ known: number | boolean }>("SELECT known FROM inbox WHERE call_id = 'ga-2' AND event_type = 'Microsoft.Communication.HoldAudioStarted'");
    expect(stored.map((r) => Boolean(r.known))).toEqual([false]);
  });

  it("refuses another call's callConnectionId with 403", async () => {
    const before = await inboxSize('ga-1');
    const res = await post('ga-1', [forGa2('call-connected.json', 'foreign-1')], await issuer.sign());
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('call_leg_mismatch');
    expect(await inboxSize('ga-1')).toBe(before);
  });

  it('names the field of a GA event that fails its schema', async () => {
    const event = forGa2('call-connected.json', 'bad-1');
    const res = await post('ga-2', [{ ...event, data: { ...event.data, callConnectionId: 7 } }], await issuer.sign());
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/^\[0\]\.data\.callConnectionId/);
  });

  describe('the JWT', () => {
    let n = 0;
    const body = () => [forGa2('call-connected.json', `jwt-${(n += 1)}`)];
    const refused = async (jwt: string | undefined, code: string) => {
      const before = await inboxSize('ga-2');
      const res = await post('ga-2', body(), jwt);
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ error: { code, message: expect.any(String), details: null } });
      expect(await inboxSize('ga-2')).toBe(before);
      return res.body.error.message as string;
    };

    it('is required on a GA body', async () => {
      await refused(undefined, 'missing_callback_jwt');
    });

    it('must be a JWT', async () => {
      await refused('not-a-jwt', 'invalid_callback_jwt');
    });

    it('must be signed by the issuer: a key it does not publish under a known kid is a bad signature', async () => {
      const { privateKey } = await generateKeyPair('RS256');
      expect(await refused(await issuer.sign({ key: privateKey }), 'invalid_callback_jwt')).toMatch(/signature/);
    });

    it('must name ACS_CALLBACK_ISSUER as iss', async () => {
      expect(await refused(await issuer.sign({ iss: 'https://elsewhere.example' }), 'invalid_callback_jwt')).toMatch(/"iss"/);
    });

    it('must name ACS_RESOURCE_ID as aud', async () => {
      expect(await refused(await issuer.sign({ aud: 'another-resource' }), 'invalid_callback_jwt')).toMatch(/"aud"/);
    });

    it('must not be expired beyond the 60 s skew', async () => {
      expect(await refused(await issuer.sign({ expSeconds: -120 }), 'invalid_callback_jwt')).toMatch(/expired/);
      const res = await post('ga-2', body(), await issuer.sign({ expSeconds: -30 }));
      expect(res.status).toBe(200);
    });

    it('with an unknown kid: the keys are fetched again once, and a rotated key is accepted', async () => {
      await manual.advance(61_000);
      const before = issuer.jwksFetches();
      const rotated = await issuer.addKey('key-2');
      const res = await post('ga-2', body(), await issuer.sign({ kid: 'key-2', key: rotated }));
      expect(res.status).toBe(200);
      expect(issuer.jwksFetches()).toBe(before + 1);
    });

    it('a kid nobody publishes is refused, and refetched at most once a minute', async () => {
      await manual.advance(61_000);
      const { privateKey } = await generateKeyPair('RS256');
      await refused(await issuer.sign({ kid: 'junk-1', key: privateKey }), 'invalid_callback_jwt');
      const after = issuer.jwksFetches();
      await refused(await issuer.sign({ kid: 'junk-2', key: privateKey }), 'invalid_callback_jwt');
      expect(issuer.jwksFetches()).toBe(after);
    });

    it('a JWKS that cannot be fetched does not stop a cached key from verifying', async () => {
      issuer.failing(true);
      try {
        const res = await post('ga-2', body(), await issuer.sign());
        expect(res.status).toBe(200);
      } finally {
        issuer.failing(false);
      }
    });

    it('is not asked of a seed body', async () => {
      const seed = JSON.parse(readFileSync(path.join(__dirname, '..', 'fixtures', 'events', 'call-state-established.json'), 'utf8'));
      const res = await post('ga-1', { ...seed, id: 'seed-no-jwt' });
      expect(res.status).toBe(200);
    });
  });
});
