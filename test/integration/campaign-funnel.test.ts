import request from 'supertest';
import { flowDocumentSchema } from '../../src/flows/document';
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

  it("puts the nodes in the order of the flow version the campaign runs, every node of it, unreached ones as zeros", async () => {
    const store = t.service.store;
    const v1 = flowDocumentSchema.parse({
      start: 'welcome',
      nodes: {
        bye: { type: 'hangup', outcome: 'declined' },
        confirmed: { type: 'hangup', outcome: 'confirmed' },
        agent: { type: 'connect', next: 'bye', failure: 'voicemail' },
        voicemail: { type: 'hangup', outcome: 'voicemail' },
        route: { type: 'branch', cases: { '1': 'confirmed', '2': 'agent' }, default: 'bye' },
        menu: { type: 'gather', prompt: { text: 'Press 1 or 2' }, valid: ['1', '2'], noInput: { retries: 1, next: 'bye' }, next: 'route' },
        welcome: { type: 'play', prompt: { text: 'Hello' }, next: 'menu' },
      },
    });
    await store.flows.create('appointments', v1, 1);
    // A later version the campaign does not run: its nodes must not appear.
    await store.flows.addVersion('appointments', flowDocumentSchema.parse({ start: 'only', nodes: { only: { type: 'hangup', outcome: 'done' } } }), 2);
    await quietCampaign(store, 'funnel-flow', { flow: { name: 'appointments', version: 1 } });
    await flowCall(store, 'b1', 'funnel-flow', [entered('welcome'), entered('menu'), gathered('menu', '2'), entered('route'), entered('agent'), hungUp('agent')]);
    await flowCall(store, 'b2', 'funnel-flow', [entered('welcome'), entered('menu'), noInput('menu'), noInput('menu'), entered('bye')]);

    const res = await t.api().get('/api/campaigns/funnel-flow/funnel').expect(200);
    expect(res.body.flow).toEqual({ name: 'appointments', version: 1 });
    expect(res.body.calls).toBe(2);
    expect(res.body.nodes.map((n: { node: string; reached: number }) => `${n.node}=${n.reached}`)).toEqual([
      'welcome=2',
      'menu=2',
      'route=1',
      'bye=1',
      'confirmed=0',
      'agent=1',
      'voicemail=0',
    ]);
    expect(res.body.nodes[1]).toEqual({ node: 'menu', reached: 2, keys: { '2': 1 }, noInput: 1, invalid: 0, hungUp: 0 });
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
