import { eventually, startTestService, TestService } from '../helpers/service';
import { offsetClock } from '../helpers/offset-clock';

/** Events can be lost for good (the service gave up delivering them); a call must still end. */
describe('calls whose events never arrive', () => {
  const clock = offsetClock();
  let t: TestService;

  beforeAll(async () => {
    t = await startTestService('sqlite', {}, undefined, clock);
  });
  afterAll(() => t.stop());

  it('closes a call that never reported being answered or ended, with outcome not-answered', async () => {
    // Every delivery fails once and is never retried: callhook hears nothing about this call.
    await t.emulator().put('/emulator/faults').send({ failureRate: 1, maxAttempts: 1 }).expect(200);
    await t.emulator().post('/emulator/scripts').send({ target: '+14255550166', answer: 'never' }).expect(201);
    const placed = (await t.api().post('/api/calls').send({ to: '+14255550166', audioFileUri: 'https://m.example.com/a.wav' })).body;
    await eventually('the emulator to end the call', async () => (await t.emulator().get(`/emulator/calls/${placed.callLegId}`)).body.state === 'Terminated');
    expect((await t.api().get(`/api/calls/${placed.id}`)).body.state).toBe('establishing');

    clock.advance(301_000);
    // The answer watchdog hangs up; the emulator accepts a hang-up of an ended call and says nothing more.
    await eventually('the watchdog hang-up', async () => (await t.emulator().get('/emulator/requests').query({ callLegId: placed.callLegId, operation: 'hangUp' })).body.requests.length === 1);
    clock.advance(61_000);
    const call = await eventually('the call to be closed', async () => {
      const body = (await t.api().get(`/api/calls/${placed.id}`)).body;
      return body.state === 'terminated' ? body : undefined;
    });
    expect(call.outcome).toBe('not-answered');
    expect(call.timeline.map((e: { name: string }) => e.name)).toContain('closed_without_terminated_event');
  });
});
