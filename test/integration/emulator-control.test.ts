import { randomUUID } from 'node:crypto';
import { describeEvent } from '../helpers/emulator-events';
import { callApi, control, createCallBody, useEmulatorAndReceiver, waitFor, type Receiver, type RunningEmulator } from '../helpers/emulator-harness';

let acs: RunningEmulator;
let rx: Receiver;

useEmulatorAndReceiver({ timeScale: 0.01 }, (a, r) => ((acs = a), (rx = r)));
beforeEach(async () => {
  await control(acs, 'POST', '/reset');
});

async function place(target: string) {
  const path = `/cb/${randomUUID()}`;
  const res = await callApi(acs, 'POST', '/calling/calls', createCallBody(`${rx.baseUrl}${path}`, { phoneNumber: { value: target } }));
  return { callLegId: res.body.callLegId as string, path };
}

describe('control API', () => {
  it('describes itself', async () => {
    const info = await control(acs, 'GET', '');
    expect(info.status).toBe(200);
    expect(info.body).toMatchObject({ options: { timeScale: 0.01, ringMs: 300, audioDurationMs: 5000, noAnswerTimeoutMs: 30000 }, legs: { Established: 0 } });
  });

  it.each([
    ['target', { answer: 'accept' }],
    ['target', { target: 'bob' }],
    ['answer', { target: '+14255550123', answer: 'maybe' }],
    ['ringMs', { target: '+14255550123', ringMs: -1 }],
    ['dtmf[0].keys', { target: '+14255550123', dtmf: [{ afterMs: 0, keys: 'x' }] }],
    ['dtmf[0]', { target: '+14255550123', dtmf: [{ afterMs: 0 }] }],
    ['failure.code', { target: '+14255550123', failure: { code: 'x', subcode: 0, message: 'm' } }],
    ['surprise', { target: '+14255550123', surprise: true }],
  ])('refuses a bad script naming %s', async (field, body) => {
    const res = await control(acs, 'POST', '/scripts', body);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('InvalidRequestBody');
    expect(res.body.message.startsWith(`${field}:`)).toBe(true);
  });

  it('lists, reads and deletes scripts by raw id in any spelling', async () => {
    expect((await control(acs, 'POST', '/scripts', { target: '+14255550123', answer: 'reject' })).body).toEqual({
      target: '4:+14255550123',
      calls: [{ answer: 'reject', dtmf: [] }],
      used: 0,
    });
    expect((await control(acs, 'GET', '/scripts')).body.scripts).toHaveLength(1);
    expect((await control(acs, 'GET', `/scripts/${encodeURIComponent('4:+14255550123')}`)).status).toBe(200);
    expect((await control(acs, 'DELETE', '/scripts/+14255550123')).status).toBe(204);
    expect((await control(acs, 'GET', '/scripts/+14255550123')).status).toBe(404);
    expect((await control(acs, 'GET', '/scripts/not-an-id')).body.code).toBe('InvalidTarget');
  });

  it('sets, validates and resets delivery faults', async () => {
    const set = await control(acs, 'PUT', '/faults', { duplicateRate: 0.25, delayMs: { min: 5, max: 10 } });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ duplicateRate: 0.25, delayMs: { min: 5, max: 10 }, maxAttempts: 10, batchSize: 1 });
    for (const [field, body] of [
      ['duplicateRate', { duplicateRate: 2 }],
      ['delayMs.max', { delayMs: { min: 10, max: 5 } }],
      ['batchSize', { batchSize: 0 }],
      ['retryMaxMs', { retryBaseMs: 5000, retryMaxMs: 10 }],
      ['lossRate', { lossRate: 0.1 }],
    ] as const) {
      const res = await control(acs, 'PUT', '/faults', body);
      expect([field, res.status, res.body.message.split(':')[0]]).toEqual([field, 400, field]);
    }
    // PUT replaces: fields left out go back to their defaults.
    expect((await control(acs, 'PUT', '/faults', { batchSize: 2 })).body).toMatchObject({ duplicateRate: 0, batchSize: 2 });
    expect((await control(acs, 'DELETE', '/faults')).body.batchSize).toBe(1);
  });

  it('sets audio durations per URI', async () => {
    await control(acs, 'PUT', '/audio', { audioFileUri: 'https://m/long.wav', durationMs: 100_000 });
    expect((await control(acs, 'GET', '/audio')).body.audio).toEqual([{ audioFileUri: 'https://m/long.wav', durationMs: 100_000 }]);
    const call = await place('+14255550501');
    await waitFor('established', async () => (await control(acs, 'GET', `/calls/${call.callLegId}`)).body.state === 'Established');
    await callApi(acs, 'POST', `/calling/calls/${call.callLegId}/PlayAudio`, { audioFileUri: 'https://m/long.wav', operationContext: 'long' });
    await callApi(acs, 'POST', `/calling/calls/${call.callLegId}/PlayAudio`, { audioFileUri: 'https://m/other.wav', operationContext: 'short' });
    // The long one is still playing, the default-length one waits behind it.
    const leg = (await control(acs, 'GET', `/calls/${call.callLegId}`)).body;
    expect(leg.playback.operationContext).toBe('long');
    expect(leg.queuedPlaybacks).toBe(1);
    expect((await control(acs, 'PUT', '/audio', { audioFileUri: 'relative.wav', durationMs: 1 })).body.message).toMatch(/^audioFileUri:/);
  });

  it('injects DTMF by keys or tones, only into an Established leg', async () => {
    await control(acs, 'POST', '/scripts', { target: '+14255550502', answer: 'never' });
    const ringing = await place('+14255550502');
    const early = await control(acs, 'POST', `/calls/${ringing.callLegId}/dtmf`, { keys: '1' });
    expect(early.status).toBe(400);
    expect(early.body.code).toBe('CallLegNotEstablished');

    const call = await place('+14255550503');
    await waitFor('established', async () => (await control(acs, 'GET', `/calls/${call.callLegId}`)).body.state === 'Established');
    expect((await control(acs, 'POST', `/calls/${call.callLegId}/dtmf`, { keys: '12#' })).body).toEqual({ sequenceIds: [1, 2, 3] });
    expect((await control(acs, 'POST', `/calls/${call.callLegId}/dtmf`, { tones: ['Star', 'Flash'] })).body).toEqual({ sequenceIds: [4, 5] });
    expect((await control(acs, 'POST', `/calls/${call.callLegId}/dtmf`, { keys: '1', tones: ['Tone1'] })).status).toBe(400);
    expect((await control(acs, 'POST', `/calls/${call.callLegId}/dtmf`, { tones: ['Tone10'] })).body.message).toMatch(/^tones\[0\]:/);
    const events = await waitFor('5 keys', () => (rx.events(call.path).length >= 8 ? rx.events(call.path) : undefined));
    expect(events.slice(3).map(describeEvent)).toEqual(['dtmf 1 Tone1', 'dtmf 2 Tone2', 'dtmf 3 Pound', 'dtmf 4 Star', 'dtmf 5 Flash']);
  });

  it('hangs up from the remote side: a rejection while ringing, a hang-up once answered', async () => {
    await control(acs, 'POST', '/scripts', { target: '+14255550504', answer: 'never' });
    const ringing = await place('+14255550504');
    expect((await control(acs, 'POST', `/calls/${ringing.callLegId}/hangup`)).status).toBe(202);
    expect((await waitFor('2 events', () => (rx.events(ringing.path).length >= 2 ? rx.events(ringing.path) : undefined))).map(describeEvent)).toEqual([
      'callState Establishing conv=null',
      'callState Terminated conv=null',
    ]);
    expect((await control(acs, 'POST', `/calls/${ringing.callLegId}/hangup`)).status).toBe(400);
    expect((await control(acs, 'POST', `/calls/${randomUUID()}/hangup`)).status).toBe(404);
  });

  it('lists legs filtered by target and state', async () => {
    await control(acs, 'POST', '/scripts', { target: '+14255550505', answer: 'never' });
    const a = await place('+14255550505');
    const b = await place('+14255550506');
    await waitFor('b established', async () => (await control(acs, 'GET', `/calls/${b.callLegId}`)).body.state === 'Established');
    const ringing = (await control(acs, 'GET', '/calls?state=Establishing')).body.calls;
    expect(ringing.map((c: { callLegId: string }) => c.callLegId)).toEqual([a.callLegId]);
    const byTarget = (await control(acs, 'GET', `/calls?target=${encodeURIComponent('+14255550506')}`)).body.calls;
    expect(byTarget).toEqual([expect.objectContaining({ callLegId: b.callLegId, state: 'Established', targets: ['4:+14255550506'] })]);
    expect((await control(acs, 'GET', '/calls?state=Ringing')).body.message).toMatch(/^state:/);
  });

  it('keeps a request log with receive times, filterable by operation and since', async () => {
    const before = Date.now();
    await place('+14255550507');
    await place('+14255550508');
    await callApi(acs, 'POST', `/calling/calls/${randomUUID()}/Hangup`);
    const all = (await control(acs, 'GET', '/requests')).body;
    expect(all.requests.map((r: { operation: string; status: number }) => `${r.operation} ${r.status}`)).toEqual(['createCall 200', 'createCall 200', 'hangUp 404']);
    expect(all.requests.every((r: { at: number }) => typeof r.at === 'number' && r.at >= before)).toBe(true);
    const creates = (await control(acs, 'GET', '/requests?operation=createCall')).body.requests;
    expect(creates).toHaveLength(2);
    const since = (await control(acs, 'GET', `/requests?since=${creates[1].at}&operation=createCall`)).body.requests;
    expect(since.length).toBeGreaterThanOrEqual(1);
    expect((await control(acs, 'GET', '/requests?limit=1')).body.requests).toEqual([all.requests[2]]);
    expect((await control(acs, 'GET', '/requests?operation=dance')).status).toBe(400);
  });

  it('answers unknown control routes and malformed JSON without a 5xx', async () => {
    expect((await control(acs, 'GET', '/nothing')).status).toBe(404);
    const res = await fetch(`${acs.baseUrl}/emulator/scripts`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{' });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 'InvalidJson' });
  });
});
