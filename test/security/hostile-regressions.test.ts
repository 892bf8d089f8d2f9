import { DATABASE_KINDS } from '../helpers/databases';
import { fixture } from '../helpers/fixtures';
import { startTestService, TestService } from '../helpers/service';
import { callbackPath, TEST_API_KEY } from '../helpers/tokens';
import { closeAgent, expectAnswer, send } from './hostile-kit';

/**
 * One example per bug the hostile-input properties found. Each answered 500
 * (most only on Postgres, which cannot store U+0000 in text or index an entry
 * over ~2.7 kB), or stored something for a request it refused.
 */
describe.each(DATABASE_KINDS)('hostile input regressions on %s', (kind) => {
  const AUTH = { authorization: `Bearer ${TEST_API_KEY}` };
  const JSON_TYPE = { 'content-type': 'application/json' };
  const AUDIO = 'https://media.example.com/reminder.wav';
  let t: TestService;
  let url: string;
  const leg = fixture('call-state-established').data.CallLegId as string;
  const callRows = async () => (await t.service.store.db.all<{ id: string; state: string }>('SELECT id, state FROM calls')).length;

  beforeAll(async () => {
    t = await startTestService(kind, { DISPATCH_CONCURRENCY: '0' });
    url = t.service.url;
    await t.service.store.calls.insert({ id: 'call-r', kind: 'call', flow: 'reminder', settings: {}, state: 'establishing', callLegId: leg });
  });
  afterAll(async () => {
    await t.stop();
    closeAgent();
  });

  it.each([
    ['GET', '/api/calls/%'],
    ['GET', '/api/campaigns/%C3%28'],
    ['POST', '/api/conversations/%ED%A0%80/join'],
    ['PUT', '/api/flows/%C3%28'],
    ['POST', '/api/callbacks/%FF?token=x'],
  ])('answers 400 invalid_path to %s %s, whose parameter does not percent-decode', async (method, path) => {
    expectAnswer(await send(url, { method, path, headers: AUTH }), 400, 'invalid_path');
  });

  it.each([
    ['GET', '/api/calls/a%00b'],
    ['GET', '/api/calls?campaignId=%00'],
    ['GET', '/api/conversations/%00/participants'],
    ['POST', '/api/conversations/x%00/join'],
    ['POST', '/api/flows/x%00'],
    ['POST', '/api/campaigns?name=%00&audioFileUri=x'],
  ])('answers 400 invalid_character to %s %s, which holds a NUL', async (method, path) => {
    const before = await callRows();
    expectAnswer(await send(url, { method, path, headers: { ...AUTH, 'content-type': 'text/csv' }, body: 'to\n+14255550100\n' }), 400, 'invalid_character');
    expect(await callRows()).toBe(before);
  });

  it.each([
    ['an event id', { ...fixture('call-state-established'), id: 'evt\u0000' }],
    ['an unknown event type', { ...fixture('call-state-established'), eventType: 'X.\u0000' }],
    ['a key', { ...fixture('call-state-established'), 'extra\u0000': 1 }],
  ])('answers 400 invalid_character to a callback with a NUL in %s', async (_label, event) => {
    expectAnswer(await send(url, { path: callbackPath('call-r'), headers: JSON_TYPE, body: JSON.stringify(event) }), 400, 'invalid_character');
  });

  it('commits the valid callbacks of a burst that also carries NULs (one group commit used to fail them all)', async () => {
    const valid = Array.from({ length: 20 }, (_, i) => ({ ...fixture('call-state-established'), id: `burst-${i}` }));
    const nul = Array.from({ length: 5 }, (_, i) => ({ ...fixture('call-state-established'), id: `burst-nul-${i}\u0000` }));
    const answers = await Promise.all(
      [...valid, ...nul].map((event) => send(url, { path: callbackPath('call-r'), headers: JSON_TYPE, body: JSON.stringify(event) })),
    );
    expect(answers.map((a) => a.status)).toEqual([...valid.map(() => 200), ...nul.map(() => 400)]);
  });

  it.each([
    ['a fraction', { createdAt: 1.5, id: 'x' }],
    ['a number past BIGINT', { createdAt: 1e308, id: 'x' }],
    ['a NUL in the id', { createdAt: 1, id: 'x\u0000' }],
  ])('answers 400 to a list cursor with %s', async (_label, cursor) => {
    const res = await send(url, { method: 'GET', path: `/api/calls?cursor=${Buffer.from(JSON.stringify(cursor)).toString('base64url')}`, headers: AUTH });
    expectAnswer(res, 400, 'validation_failed');
    expect(res.json.error.details[0].field).toBe('query.cursor');
  });

  it.each([
    ['over 2048 bytes of UTF-8 (1,024 four-byte characters)', encodeURIComponent('😀'.repeat(1024))],
    ['the dot-segment .', '.'],
    ['the dot-segment ..', '..'],
    ['an encoded dot-segment', '%2E%2E'],
  ])('refuses to join a conversation id of %s, storing nothing', async (_label, segment) => {
    const before = await callRows();
    expectAnswer(await send(url, { path: `/api/conversations/${segment}/join`, headers: AUTH }), 400, 'validation_failed');
    expect(await callRows()).toBe(before);
  });

  it('refuses a CSV upload that is not UTF-8 instead of storing U+FFFD, and still reads a declared latin1 one', async () => {
    const csv = (note: Buffer) => Buffer.concat([Buffer.from('to,note\n+14255550100,'), note, Buffer.from('\n')]);
    const path = `/api/campaigns?name=enc&audioFileUri=${AUDIO}`;
    expectAnswer(await send(url, { path, headers: { ...AUTH, 'content-type': 'text/csv' }, body: csv(Buffer.from([0x43, 0x61, 0x66, 0xe9])) }), 400, 'invalid_encoding');
    expectAnswer(await send(url, { path, headers: { ...AUTH, 'content-type': 'text/csv' }, body: csv(Buffer.from('nul\u0000')) }), 400, 'invalid_character');
    const latin1 = await send(url, { path, headers: { ...AUTH, 'content-type': 'text/csv; charset=latin1' }, body: csv(Buffer.from([0x43, 0x61, 0x66, 0xe9])) });
    expectAnswer(latin1, 201);
    const report = await send(url, { method: 'GET', path: `/api/campaigns/${latin1.json.id}/report?format=json`, headers: AUTH });
    expect(report.json.targets[0].fields).toEqual({ note: 'Café' });
  });
});
