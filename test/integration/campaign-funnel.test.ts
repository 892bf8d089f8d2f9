import request from 'supertest';
import { flowEntry } from '../../src/flows/funnel-entries';
import { DATABASE_KINDS } from '../helpers/databases';
import { flowCall, quietCampaign } from '../helpers/flow-calls';
import { startTestService, TestService } from '../helpers/service';

const { entered, gathered, noInput, invalid, hungUp, decided } = flowEntry;

describe.each(DATABASE_KINDS)('GET /api/campaigns/:id/funnel on %s', (kind) => {
  let t: TestService;

  beforeAll(async () => {
    t = await startTestService(kind);
    const store = t.service.store;
    await quietCampaign(store, 'funnel-a');
    await quietCampaign(store, 'funnel-other');
    // 3 pressed 1 (one after a wrong key), 2 pressed 2, 1 timed out twice then hung up, 1 hung up during welcome; 1 call never reached the flow.
    await flowCall(store, 'a1', 'funnel-a', [entered('welcome'), entered('menu'), gathered('menu', '1'), decided('route'), entered('route'), entered('confirmed')]);
    await flowCall(store, 'a2', 'funnel-a', [entered('welcome'), entered('menu'), gathered('menu', '1'), decided('route'), entered('route'), entered('confirmed')]);
    await flowCall(store, 'a3', 'funnel-a', [entered('welcome'), entered('menu'), invalid('menu'), gathered('menu', '1'), entered('route'), entered('confirmed')]);
    await flowCall(store, 'a4', 'funnel-a', [entered('welcome'), entered('menu'), gathered('menu', '2'), entered('route'), entered('agent')]);
    await flowCall(store, 'a5', 'funnel-a', [entered('welcome'), entered('menu'), gathered('menu', '2'), entered('route'), entered('agent'), hungUp('agent')]);
    // A retried gather writes its no-input once per try: the funnel counts the call once.
    await flowCall(store, 'a6', 'funnel-a', [entered('welcome'), entered('menu'), noInput('menu'), noInput('menu'), hungUp('menu')]);
    await flowCall(store, 'a7', 'funnel-a', [entered('welcome'), hungUp('welcome')]);
    await flowCall(store, 'a8', 'funnel-a', []);
    // Not this campaign's: another campaign's call and a single call, at the same nodes.
    await flowCall(store, 'o1', 'funnel-other', [entered('welcome'), entered('menu'), gathered('menu', '1')]);
    await flowCall(store, 's1', null, [entered('welcome'), entered('menu'), gathered('menu', '9')]);
    // Same names under another kind are not flow steps.
    await store.timeline.append({ callId: 'a8', at: 5, kind: 'note', name: entered('menu') });
  }, 60_000);
  afterAll(() => t?.stop());

  it("counts the campaign's calls per node, each call once, from its flow entries only", async () => {
    const res = await t.api().get('/api/campaigns/funnel-a/funnel').expect(200);
    expect(res.body).toEqual({
      campaignId: 'funnel-a',
      flow: null,
      calls: 8,
      // Without a known flow: most reached first, ties by node id.
      nodes: [
        { node: 'welcome', reached: 7, keys: {}, noInput: 0, invalid: 0, hungUp: 1 },
        { node: 'menu', reached: 6, keys: { '1': 3, '2': 2 }, noInput: 1, invalid: 1, hungUp: 1 },
        { node: 'route', reached: 5, keys: {}, noInput: 0, invalid: 0, hungUp: 0 },
        { node: 'confirmed', reached: 3, keys: {}, noInput: 0, invalid: 0, hungUp: 0 },
        { node: 'agent', reached: 2, keys: {}, noInput: 0, invalid: 0, hungUp: 1 },
      ],
    });
  });

  it('answers an empty funnel for a campaign whose calls ran no flow', async () => {
    await quietCampaign(t.service.store, 'funnel-none');
    await t.service.store.calls.insert({ id: 'n1', kind: 'call', flow: 'reminder', settings: {}, state: 'terminated', campaignId: 'funnel-none' });
    await t.service.store.timeline.append({ callId: 'n1', at: 1, kind: 'event', name: 'CallConnected' });
    const res = await t.api().get('/api/campaigns/funnel-none/funnel').expect(200);
    expect(res.body).toEqual({ campaignId: 'funnel-none', flow: null, calls: 1, nodes: [] });
  });

  it('404s an unknown campaign with its code, and refuses a request without the API key', async () => {
    const res = await t.api().get('/api/campaigns/no-such-campaign/funnel').expect(404);
    expect(res.body.error).toMatchObject({ code: 'campaign_not_found', message: 'no campaign with id "no-such-campaign"' });
    const anonymous = await request(t.service.url).get('/api/campaigns/funnel-a/funnel').expect(401);
    expect(anonymous.body.error.code).toBeDefined();
  });
});
