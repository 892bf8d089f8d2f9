import { DATABASE_KINDS } from '../helpers/databases';
import { fixture } from '../helpers/fixtures';
import { offsetClock } from '../helpers/offset-clock';
import { startTestService, TestService } from '../helpers/service';
import { callbackPath } from '../helpers/tokens';

const MINUTE = 60_000;

/** A seed event of the call's leg with its own id, padded with an extra field (extra fields are kept). */
function event(n: number, padding = 0) {
  const base = fixture('call-state-established') as Record<string, unknown> & { data: Record<string, unknown> };
  return { ...base, id: `late-${n}`, data: { ...base.data, CallLegId: 'leg-window' }, subject: 'callLeg/leg-window/callState', note: 'x'.repeat(padding) };
}

describe.each(DATABASE_KINDS)('callback window and per-call storage (%s)', (kind) => {
  const clock = offsetClock();
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService(kind, { CALLBACK_MAX_BYTES_PER_CALL: '64kb', DISPATCH_CONCURRENCY: '0' }, undefined, clock);
  });
  afterAll(() => t.stop());

  const post = (callId: string, body: unknown) =>
    fetch(`${t.service.url}${callbackPath(callId)}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('accepts late events for 10 minutes after the call ended, then refuses its token with 410 in the error shape', async () => {
    await t.service.store.calls.insert({ id: 'ended-call', kind: 'call', flow: 'reminder', settings: {}, callLegId: 'leg-window', state: 'established' });
    await t.service.store.calls.update('ended-call', { state: 'terminated', endedAt: clock.now() });

    clock.advance(9 * MINUTE);
    const late = await post('ended-call', event(1));
    expect(late.status).toBe(200);
    expect(await late.json()).toEqual({ accepted: 1, duplicates: 0 });

    clock.advance(2 * MINUTE);
    const gone = await post('ended-call', event(2));
    expect(gone.status).toBe(410);
    expect(await gone.json()).toEqual({ error: { code: 'callback_window_closed', message: expect.stringMatching(/callback window closed 600 s later/), details: null } });
    const stored = await t.service.store.db.all<{ n: number }>("SELECT COUNT(*) AS n FROM inbox WHERE call_id = 'ended-call'");
    expect(Number(stored[0].n)).toBe(1);
  });

  it('keeps the window open while the call is live, whatever the time', async () => {
    await t.service.store.calls.insert({ id: 'live-call', kind: 'call', flow: 'reminder', settings: {}, state: 'established' });
    clock.advance(24 * 60 * MINUTE);
    const res = await post('live-call', { ...event(3), data: { ...event(3).data, CallLegId: 'leg-live' }, subject: 'callLeg/leg-live/callState' });
    expect(res.status).toBe(200);
  });

  it('refuses with 413 a body that would take a call past CALLBACK_MAX_BYTES_PER_CALL, and still acknowledges redeliveries', async () => {
    await t.service.store.calls.insert({ id: 'chatty-call', kind: 'call', flow: 'reminder', settings: {}, state: 'established' });
    const statuses: number[] = [];
    for (let n = 0; n < 10; n++) statuses.push((await post('chatty-call', { ...event(100 + n, 10_000), data: { CallLegId: 'leg-chatty' }, subject: 'callLeg/leg-chatty/x', eventType: 'Example.Unknown' })).status);
    // Six bodies of ~10 KB fit under 64 KB; the seventh would pass it.
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 413, 413, 413, 413]);

    const refused = await post('chatty-call', { ...event(200, 10_000), data: { CallLegId: 'leg-chatty' }, subject: 'callLeg/leg-chatty/x', eventType: 'Example.Unknown' });
    const body = (await refused.json()) as { error: { code: string; message: string } };
    expect(body.error).toMatchObject({ code: 'call_callback_limit', details: { limit: 64 * 1024 } });
    expect(body.error.message).toMatch(/would pass the limit of 65536/);

    // A redelivery of a stored event is small enough to check and stores nothing: still acknowledged.
    const again = await post('chatty-call', { ...event(100, 10_000), data: { CallLegId: 'leg-chatty' }, subject: 'callLeg/leg-chatty/x', eventType: 'Example.Unknown' });
    expect([again.status, await again.json()]).toEqual([200, { accepted: 0, duplicates: 1 }]);
    // A small event still fits in what is left.
    expect((await post('chatty-call', { ...event(300), data: { CallLegId: 'leg-chatty' }, subject: 'callLeg/leg-chatty/x', eventType: 'Example.Unknown' })).status).toBe(200);
  });
});
