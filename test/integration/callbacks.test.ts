import request from 'supertest';
import type { Store } from '../../src/store';
import { DATABASE_KINDS } from '../helpers/databases';
import { startTestService, TestService } from '../helpers/service';
import { fixture, FIXTURE_NAMES } from '../helpers/fixtures';
import { rawPost } from '../helpers/raw-post';
import { callbackPath, OLD_SECRET, TEST_SECRET } from '../helpers/tokens';

describe.each(DATABASE_KINDS)('POST /api/callbacks/:callId on %s', (kind) => {
  let t: TestService;
  let store: Store;

  beforeAll(async () => {
    // An ingest-only instance: events stay in the inbox for the assertions below.
    t = await startTestService(kind, { CALLBACK_SECRET: `${TEST_SECRET},${OLD_SECRET}`, BODY_LIMIT: '64kb', DISPATCH_CONCURRENCY: '0' });
    store = t.service.store;
    await store.calls.insert({ id: 'call-1', kind: 'call', flow: 'reminder', settings: {}, state: 'establishing' });
    await store.calls.insert({ id: 'call-2', kind: 'call', flow: 'reminder', settings: {}, state: 'establishing', callLegId: '471f3600-4e1f-4cd4-9eec-4a484e4cbf00' });
  });
  afterAll(() => t.stop());

  const post = (path: string, body: unknown, type = 'application/json') =>
    request(t.service.url).post(path).set('Content-Type', type).send(typeof body === 'string' ? body : JSON.stringify(body));
  const inboxSize = async (callId: string) => (await store.inbox.list(callId)).length;

  it.each(FIXTURE_NAMES.filter((n) => n !== 'dtmf-received' && n !== 'play-audio-cancelled'))('accepts the seed fixture %s once and acknowledges its redelivery', async (name) => {
    const first = await post(callbackPath('call-1'), fixture(name));
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ accepted: 1, duplicates: 0 });
    const again = await post(callbackPath('call-1'), fixture(name));
    expect(again.body).toEqual({ accepted: 0, duplicates: 1 });
  });

  it('accepts an Event Grid style array and keeps extra fields', async () => {
    const batch = [fixture('dtmf-received'), { ...fixture('play-audio-cancelled'), extra: { kept: true } }];
    const res = await post(callbackPath('call-2'), batch);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ accepted: 2, duplicates: 0 });
    const stored = await store.db.all<{ body: string }>("SELECT body FROM inbox WHERE call_id = 'call-2' ORDER BY seq");
    expect(JSON.parse(stored[1].body).extra).toEqual({ kept: true });
  });

  it('stores and acknowledges an unknown event type', async () => {
    const unknown = { ...fixture('call-state-established'), id: 'evt-unknown-1', eventType: 'Microsoft.Communication.SomethingNew', data: { Whatever: 1 } };
    const res = await post(callbackPath('call-1'), unknown);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ accepted: 1, duplicates: 0 });
  });

  it('accepts a token made with the previous secret during rotation', async () => {
    const res = await post(callbackPath('call-1', OLD_SECRET), { ...fixture('call-state-established'), id: 'rotated-1' });
    expect(res.status).toBe(200);
  });

  it('answers 400 naming the broken field, and stores nothing of the body', async () => {
    const before = await inboxSize('call-1');
    const broken = fixture('dtmf-received');
    delete broken.data.CallLegId;
    const res = await post(callbackPath('call-1'), [{ ...fixture('call-state-established'), id: 'fine-1' }, broken]);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_event');
    expect(res.body.error.message).toMatch(/^\[1\]\.data\.CallLegId/);
    expect(res.body.error.details[0].field).toBe('[1].data.CallLegId');
    expect(await inboxSize('call-1')).toBe(before);
  });

  it.each([
    ['wrong tone', { data: { ...fixture('dtmf-received').data, ToneInfo: { SequenceId: 1, Tone: 'Tone99' } } }, 'data.ToneInfo.Tone'],
    ['subject of another leg', { subject: 'callLeg/other/dtmf' }, 'subject'],
    ['bad eventTime', { eventTime: 'yesterday' }, 'eventTime'],
    ['id of the wrong type', { id: 42 }, 'id'],
  ])('answers 400 for %s', async (_label, change, field) => {
    const res = await post(callbackPath('call-1'), { ...fixture('dtmf-received'), ...change });
    expect(res.status).toBe(400);
    expect(res.body.error.details[0].field).toBe(field);
  });

  it.each([
    ['malformed JSON', '{"id": ', 'invalid_json'],
    ['an empty array', '[]', 'invalid_event'],
    ['a bare string', '"hello"', 'invalid_event'],
    ['deep nesting', '['.repeat(100) + ']'.repeat(100), 'body_too_complex'],
  ])('answers 400 for %s', async (_label, body, code) => {
    const res = await post(callbackPath('call-1'), body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe(code);
  });

  it('answers 400 for a body that is not valid UTF-8', async () => {
    const bytes = Buffer.concat([Buffer.from('{"id":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]);
    const res = await rawPost(t.service.url, callbackPath('call-1'), bytes);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_encoding');
  });

  it('answers 401 for a missing or wrong token', async () => {
    for (const path of ['/api/callbacks/call-1', '/api/callbacks/call-1?token=nope', callbackPath('call-2').replace('call-2', 'call-1')]) {
      const res = await post(path, fixture('dtmf-received'));
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('invalid_callback_token');
    }
  });

  it('answers 403 when the event belongs to another call leg', async () => {
    const res = await post(callbackPath('call-1'), fixture('play-audio-cancelled'));
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('call_leg_mismatch');
  });

  it('answers 404 for an unknown call', async () => {
    const res = await post(callbackPath('no-such-call'), fixture('dtmf-received'));
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('call_not_found');
  });

  it('answers 413 over the body limit and 415 for a non-JSON content type', async () => {
    const huge = { ...fixture('dtmf-received'), padding: 'x'.repeat(70 * 1024) };
    expect((await post(callbackPath('call-1'), huge)).status).toBe(413);
    const res = await post(callbackPath('call-1'), 'a=b', 'application/x-www-form-urlencoded');
    expect(res.status).toBe(415);
    expect(res.body.error.code).toBe('unsupported_media_type');
  });
});
