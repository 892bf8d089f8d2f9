import { GENERATIONS, requestsOf, type LoggedRequest } from '../helpers/generations';
import { eventually, startTestService, TestService } from '../helpers/service';

const AUDIO = 'https://media.example.com/reminder.wav';

/**
 * A reminder call answered before the service was upgraded to the flow engine
 * has the old workflow's state on its record ({ phase: 'playing', … }); it
 * must finish on the workflow it started with, with that workflow's requests.
 */
describe.each(GENERATIONS.map((g) => [g.name, g] as const))('a reminder call answered before the upgrade (%s)', (_name, generation) => {
  let t: TestService;

  beforeAll(async () => {
    t = await startTestService('sqlite', generation.env);
  });
  afterAll(() => t.stop());

  it('finishes on the reminder it started with when its key comes after the upgrade', async () => {
    const placed = (await t.api().post('/api/calls').send({ to: '+14255559100', audioFileUri: AUDIO, waitSeconds: 600 }).expect(201)).body;
    const playing = await eventually('the message to play', async () => {
      const call = (await t.api().get(`/api/calls/${placed.id}`)).body;
      return call.workflow.listening ? call : undefined;
    });
    // What the reminder of the previous release had written by now.
    await t.service.store.calls.update(placed.id, { workflow: { phase: 'playing', establishedAt: Date.now(), playContext: playing.workflow.playContext } });

    await t.emulator().post(`/emulator/calls/${placed.callLegId}/dtmf`).send({ keys: '2' }).expect((res) => expect(res.status).toBeLessThan(300));
    const call = await eventually('the call to end', async () => {
      const body = (await t.api().get(`/api/calls/${placed.id}`)).body;
      return body.state === 'terminated' ? body : undefined;
    });
    expect(call.outcome).toBe('answered-acknowledged');
    expect(call.workflow).toMatchObject({ key: '2', phase: 'ending' });
    expect(call.workflow.step).toBeUndefined();
    const sent = ((await t.emulator().get('/emulator/requests').query({ callLegId: placed.callLegId })).body.requests as LoggedRequest[]).map((r) =>
      generation.describe(r, placed.callLegId),
    );
    expect(sent).toEqual(requestsOf(generation, ['create', 'prompt', 'stop', 'hangUp']));
  });
});
