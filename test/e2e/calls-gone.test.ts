import { DATABASE_KINDS } from '../helpers/databases';
import { RunningEmulator, startEmulator } from '../helpers/emulator';
import { eventually, startTestService, TestService } from '../helpers/service';

const AUDIO = 'https://media.example.com/reminder.wav';

/**
 * The Call Automation service forgets its calls (a restart: the emulator's
 * `POST /emulator/reset`) while a campaign's callees are listening. Every
 * follow-up then answers 404 CallLegNotFound and no Terminated event will
 * ever come: the calls must close at once and the campaign finish.
 */
describe.each(DATABASE_KINDS)('calls the service no longer knows (%s)', (kind) => {
  let emulator: RunningEmulator;
  let t: TestService;

  beforeAll(async () => {
    emulator = await startEmulator({ ringMs: 100 });
    t = await startTestService(kind, { ACS_CONNECTION_STRING: emulator.connectionString });
  });
  afterAll(async () => {
    await t.stop();
    await emulator.close();
  });

  it('closes each call on the first 404, says so on its timeline, and frees the campaign', async () => {
    const targets = Array.from({ length: 6 }, (_, i) => `+1555${kind === 'sqlite' ? 5_000_000 + i : 5_100_000 + i}`);
    const created = await t
      .api()
      .post('/api/campaigns')
      .send({ name: 'forgotten', audioFileUri: AUDIO, callsPerSecond: 20, maxConcurrentCalls: 6, waitSeconds: 3, targets: targets.map((to) => ({ to })) })
      .expect(201);
    const id = created.body.id as string;
    const established = async () => (await t.api().get('/api/calls').query({ campaignId: id, state: 'established', limit: 100 })).body.calls as Array<{ id: string }>;
    // Listening: the play was requested and answered (an established call whose play is still in flight would fail on the play instead).
    const playing = async (callId: string) =>
      ((await t.api().get(`/api/calls/${callId}`)).body.timeline as Array<{ kind: string; name: string; status: string }>).some(
        (e) => e.kind === 'request' && e.name === 'playAudio' && e.status === '202',
      );
    await eventually('every callee to be listening', async () => {
      const calls = await established();
      return calls.length === targets.length && (await Promise.all(calls.map((c) => playing(c.id)))).every(Boolean);
    });
    await emulator.control().post('/emulator/reset').expect(200);

    // The no-key timers hang up; the hang-ups answer 404.
    const done = await eventually(
      'the campaign to complete',
      async () => {
        const body = (await t.api().get(`/api/campaigns/${id}`)).body;
        return body.status === 'completed' ? body : undefined;
      },
      20_000,
    );
    expect(done.outcomes).toEqual({ 'no-response': targets.length });
    const calls = (await t.api().get('/api/calls').query({ campaignId: id, limit: 100 })).body.calls as Array<{ id: string; state: string }>;
    expect(calls.map((c) => c.state)).toEqual(targets.map(() => 'terminated'));
    for (const call of calls) {
      const timeline = (await t.api().get(`/api/calls/${call.id}`)).body.timeline as Array<{ kind: string; name: string; status: string | null; detail: any }>;
      const hangUp = timeline.find((e) => e.kind === 'request' && e.name === 'hangUp');
      expect(hangUp?.status).toBe('CallLegNotFound');
      expect(timeline).toContainEqual(expect.objectContaining({ kind: 'note', name: 'call_gone', status: '404', detail: expect.objectContaining({ operation: 'hangUp' }) }));
    }
  }, 40_000);
});
