import { describeEvent } from '../helpers/emulator-events';
import { callApi, control, createCallBody, useEmulatorAndReceiver, waitFor, type Receiver, type RunningEmulator } from '../helpers/emulator-harness';

/** Many calls at once: each leg's events stay in order, legs do not interfere, and memory stays bounded. */

let acs: RunningEmulator;
let rx: Receiver;

useEmulatorAndReceiver({ timeScale: 0.01, maxEndedLegs: 50, requestLogLimit: 100 }, (a, r) => ((acs = a), (rx = r)));

const CALLS = 300;
const LIFE = ['callState Establishing conv=null', 'callState Established conv=set', 'callState Terminating conv=set', 'callState Terminated conv=set'];

it(`runs ${CALLS} concurrent calls, every leg in order, with bounded logs`, async () => {
  const legs = await Promise.all(
    Array.from({ length: CALLS }, async (_, i) => {
      const target = `8:acs:scale-${i}`;
      await control(acs, 'POST', '/scripts', { target, ringMs: (i % 7) * 10, hangUpAfterMs: (i % 5) * 20 });
      const res = await callApi(acs, 'POST', '/calling/calls', createCallBody(`${rx.baseUrl}/cb/${i}`, { communicationUser: { id: target } }, { requestedCallEvents: [] }));
      expect(res.status).toBe(200);
      return res.body.callLegId as string;
    }),
  );

  await waitFor('every call over', () => legs.every((_, i) => rx.events(`/cb/${i}`).length >= 4), 20_000);
  for (let i = 0; i < CALLS; i++) {
    const events = rx.events(`/cb/${i}`);
    expect([i, events.map(describeEvent)]).toEqual([i, LIFE]);
    expect(new Set(events.map((e) => e.data.CallLegId))).toEqual(new Set([legs[i]]));
  }

  // The receiver holds an event before the emulator has read its answer: wait for the counts to settle.
  const info = await waitFor('every delivery answered', async () => {
    const body = (await control(acs, 'GET', '')).body;
    return body.delivery.inFlight === 0 && body.delivery.queued === 0 ? body : undefined;
  });
  expect(info.legs.Terminated).toBeLessThanOrEqual(50);
  expect(info.delivery).toMatchObject({ delivered: CALLS * 4, queued: 0, inFlight: 0, gaveUp: 0 });
  const log = (await control(acs, 'GET', '/requests')).body;
  expect(log.requests.length).toBe(100);
  expect(log.dropped).toBe(CALLS - 100);

  // A forgotten leg still answers as an ended call, not as an unknown one.
  const forgotten = legs[0];
  expect((await control(acs, 'GET', `/calls/${forgotten}`)).status).toBe(404);
  expect((await callApi(acs, 'POST', `/calling/calls/${forgotten}/Hangup`)).status).toBe(202);
  const play = await callApi(acs, 'POST', `/calling/calls/${forgotten}/PlayAudio`, { audioFileUri: 'https://m/a.wav' });
  expect([play.status, play.body.code]).toEqual([404, 'CallLegEnded']);
});
