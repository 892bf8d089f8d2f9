import { fixture } from '../helpers/fixtures';
import { eventually, startTestService, TestService } from '../helpers/service';
import { callbackPath } from '../helpers/tokens';

function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (wanted.every((w) => line.includes(w))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

describe('health, readiness, metrics and call logs', () => {
  let t: TestService;

  beforeAll(async () => {
    t = await startTestService('sqlite');
  });
  afterAll(() => t.stop());

  it('serves /healthz and /readyz without a key', async () => {
    expect((await fetch(`${t.service.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${t.service.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
  });

  it('counts callbacks, handling, follow-up requests and outcomes on /metrics', async () => {
    await t.emulator().post('/emulator/scripts').send({ target: '+14255550142', dtmf: [{ afterMs: 500, keys: '2' }] }).expect(201);
    const placed = (await t.api().post('/api/calls').send({ to: '+14255550142', audioFileUri: 'https://m.example.com/a.wav' })).body;
    await eventually('the outcome', async () => (await t.api().get(`/api/calls/${placed.id}`)).body.state === 'terminated');
    await fetch(`${t.service.url}/api/callbacks/${placed.id}?token=wrong`, { method: 'POST' });
    await fetch(`${t.service.url}${callbackPath(placed.id)}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(fixture('call-state-established')) });

    const res = await fetch(`${t.service.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    const stateEvents = { event_type: 'Microsoft.Communication.CallLegStateChanged', result: 'accepted' };
    expect(sample(text, 'callhook_callback_events_total', stateEvents)).toBe(5);
    expect(sample(text, 'callhook_callback_requests_total', { status: '200' })).toBeGreaterThanOrEqual(7);
    expect(sample(text, 'callhook_callback_requests_total', { status: '401' })).toBe(1);
    expect(sample(text, 'callhook_handler_duration_seconds_count', { event_type: 'Microsoft.Communication.DtmfReceived', outcome: 'handled' })).toBe(1);
    expect(sample(text, 'callhook_followup_duration_seconds_count', { operation: 'createCall', result: 'ok' })).toBe(1);
    expect(sample(text, 'callhook_followup_duration_seconds_count', { operation: 'playAudio', result: 'ok' })).toBe(1);
    expect(sample(text, 'callhook_calls', { outcome: 'answered-acknowledged' })).toBe(1);
    expect(sample(text, 'callhook_inbox_depth')).toBeDefined();
    expect(sample(text, 'callhook_inbox_oldest_age_seconds')).toBeDefined();
    expect(sample(text, 'callhook_process_resident_memory_bytes')).toBeGreaterThan(0);
  });

  it('puts callId and callLegId on the log lines about a call', async () => {
    const outcome = t.logs.map((l) => JSON.parse(l)).find((l) => l.msg === 'call outcome decided');
    expect(outcome).toMatchObject({ callId: expect.any(String), callLegId: expect.any(String), outcome: 'answered-acknowledged' });
  });

  it('reports the inbox stuck when an event waits too long to be handled', async () => {
    const now = Date.now();
    await t.service.store.calls.insert({ id: 'stuck', kind: 'call', flow: 'reminder', settings: {}, lease: { owner: 'a-dead-instance', until: now + 3_600_000 } });
    await t.service.store.inbox.insert('stuck', 'callback', { dedupeKey: 'k', eventType: 'X', known: false, callLegId: null, eventTimeMs: now, body: {} }, now - 10 * 60_000);
    const res = await fetch(`${t.service.url}/readyz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ status: 'unavailable', problems: { inbox: expect.stringMatching(/oldest unhandled event is \d+ s old/) } });
    const metrics = await (await fetch(`${t.service.url}/metrics`)).text();
    expect(sample(metrics, 'callhook_inbox_oldest_age_seconds')).toBeGreaterThanOrEqual(600);
  });
});

describe('readiness without a database', () => {
  it('answers 503 naming the database once it is unreachable, while liveness stays up', async () => {
    const t = await startTestService('sqlite');
    try {
      await t.service.store.db.close();
      const res = await fetch(`${t.service.url}/readyz`);
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({ problems: { database: expect.stringContaining('unreachable') } });
      expect((await fetch(`${t.service.url}/healthz`)).status).toBe(200);
    } finally {
      await t.stop().catch(() => undefined);
    }
  });
});
