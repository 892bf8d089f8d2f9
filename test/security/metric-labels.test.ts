import { startTestService, TestService } from '../helpers/service';
import { callbackPath } from '../helpers/tokens';

const DISTINCT_TYPES = 3000;

function event(eventType: string, i: number) {
  return {
    id: `made-up-${i}`,
    topic: 'recording/x',
    subject: 'callLeg/leg-metrics/other',
    data: { CallLegId: 'leg-metrics' },
    eventType,
    eventTime: new Date().toISOString(),
    metadataVersion: '1',
    dataVersion: '1.0',
  };
}

describe('metric labels under invented event types', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService('sqlite', { DISPATCH_CONCURRENCY: '1' });
  });
  afterAll(() => t.stop());

  it('counts thousands of distinct unknown eventTypes under one "other" label, so /metrics stays small', async () => {
    await t.service.store.calls.insert({ id: 'metrics-call', kind: 'call', flow: 'reminder', settings: {}, callLegId: 'leg-metrics', state: 'established' });
    const before = (await (await fetch(`${t.service.url}/metrics`)).text()).length;

    const types = Array.from({ length: DISTINCT_TYPES }, (_, i) => `Evil.Type.${i}.${'x'.repeat(40)}`);
    for (let i = 0; i < types.length; i += 500) {
      const res = await fetch(`${t.service.url}${callbackPath('metrics-call')}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(types.slice(i, i + 500).map((type, j) => event(type, i + j))),
      });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ accepted: 500, duplicates: 0 });
    }

    const text = await (await fetch(`${t.service.url}/metrics`)).text();
    expect(text).not.toContain('Evil.Type');
    const other = text.split('\n').find((l) => l.startsWith('callhook_callback_events_total{') && l.includes('event_type="other"') && l.includes('result="accepted"'));
    expect(other).toBeDefined();
    expect(Number(other!.slice(other!.lastIndexOf(' ') + 1))).toBe(DISTINCT_TYPES);
    // The scrape grows by a few series, not one per invented type (3,000 of them would add ~300 KB).
    expect(text.length - before).toBeLessThan(10_000);
  });
});
