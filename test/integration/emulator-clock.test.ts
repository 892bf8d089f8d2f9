import { randomUUID } from 'node:crypto';
import { describeEvent } from '../helpers/emulator-events';
import { callApi, control, createCallBody, startEmulator, startReceiver, waitFor, type Receiver, type RunningEmulator } from '../helpers/emulator-harness';
import { createManualClock } from '../helpers/manual-clock';

/** Time comes from the injected clock: a test moves it instead of sleeping, and nothing fires early. */

let rx: Receiver;
beforeAll(async () => {
  rx = await startReceiver();
});
afterAll(async () => {
  await rx.close();
});

describe('emulated time', () => {
  const manual = createManualClock(Date.now());
  let acs: RunningEmulator;
  beforeAll(async () => {
    acs = await startEmulator({ clock: manual.clock, timeScale: 1, ringMs: 1000, terminatingMs: 100 });
  });
  afterAll(async () => {
    await acs.close();
  });

  const state = async (leg: string) => (await control(acs, 'GET', `/calls/${leg}`)).body.state;

  it('rings, answers, presses keys and hangs up exactly when the clock says', async () => {
    await control(acs, 'POST', '/scripts', { target: '+14255550601', dtmf: [{ afterMs: 2000, keys: '7' }], hangUpAfterMs: 5000 });
    const path = `/cb/${randomUUID()}`;
    const { callLegId } = (await callApi(acs, 'POST', '/calling/calls', createCallBody(`${rx.baseUrl}${path}`, { phoneNumber: { value: '+14255550601' } }))).body;
    await waitFor('Establishing', () => rx.events(path).length === 1);

    await manual.advance(999);
    expect(await state(callLegId)).toBe('Establishing');
    await manual.advance(1);
    expect(await state(callLegId)).toBe('Established');

    await manual.advance(1999);
    expect((await control(acs, 'GET', `/calls/${callLegId}`)).body.dtmfSequence).toBe(0);
    await manual.advance(1);
    expect((await control(acs, 'GET', `/calls/${callLegId}`)).body.dtmfSequence).toBe(1);

    await manual.advance(3000);
    expect(await state(callLegId)).toBe('Terminating');
    await manual.advance(100);
    expect(await state(callLegId)).toBe('Terminated');

    const events = await waitFor('6 events', () => (rx.events(path).length >= 6 ? rx.events(path) : undefined));
    expect(events.map(describeEvent)).toEqual([
      'callState Establishing conv=null',
      'callState Established conv=set',
      'participants [8:acs:emulator-test_source,4:+14255550601]',
      'dtmf 1 Tone7',
      'callState Terminating conv=set',
      'callState Terminated conv=set',
    ]);
  });

  it('checks the signature date against the injected clock', async () => {
    manual.set(Date.now() + 20 * 60_000);
    const res = await callApi(acs, 'POST', '/calling/calls', createCallBody(`${rx.baseUrl}/cb/x`, { phoneNumber: { value: '+14255550602' } }));
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('StaleRequestDate');
    const signedLater = await callApi(acs, 'POST', '/calling/calls', createCallBody(`${rx.baseUrl}/cb/x`, { phoneNumber: { value: '+14255550602' } }), {
      date: new Date(manual.clock.now()),
    });
    expect(signedLater.status).toBe(200);
  });
});

describe('close()', () => {
  it('stops every timer and pending delivery', async () => {
    const acs = await startEmulator({ timeScale: 1 });
    await control(acs, 'POST', '/scripts', { target: '+14255550603', ringMs: 0, dtmf: [{ afterMs: 600_000, keys: '1' }], hangUpAfterMs: 600_000 });
    await control(acs, 'PUT', '/faults', { attemptTimeoutMs: 600_000 });
    const path = `/cb/${randomUUID()}`;
    rx.respond((post) => (post.path === path ? { status: 200, delayMs: 600_000 } : 200));
    const { callLegId } = (await callApi(acs, 'POST', '/calling/calls', createCallBody(`${rx.baseUrl}${path}`, { phoneNumber: { value: '+14255550603' } }))).body;
    await waitFor('established with a delivery stuck', async () => (await control(acs, 'GET', `/calls/${callLegId}`)).body.state === 'Established');
    await callApi(acs, 'POST', `/calling/calls/${callLegId}/PlayAudio`, { audioFileUri: 'https://m/a.wav', loop: true });
    const before = (await control(acs, 'GET', `/deliveries`)).body.stats;
    expect(before.inFlight + before.queued).toBeGreaterThan(0);

    // Resolves although a delivery waits on a 10-minute answer and timers are set 10 minutes out.
    await acs.close();
    expect(rx.posts.filter((p) => p.path === path)).toHaveLength(1);
  });
});
