import { assertSeedShaped, describeEvent } from '../helpers/emulator-events';
import {
  callApi,
  control,
  createCallBody,
  SOURCE,
  useEmulatorAndReceiver,
  waitFor,
  type Receiver,
  type RunningEmulator,
} from '../helpers/emulator-harness';

const TARGET = '+14255550123';
const AGENT = '8:acs:emulator-test_agent';
const BUSY = '8:acs:emulator-test_busy';

let acs: RunningEmulator;
let rx: Receiver;
let n = 0;

useEmulatorAndReceiver({ timeScale: 0.01 }, (a, r) => ((acs = a), (rx = r)));

/** A fresh callback path per call keeps the receiver's view of each call separate. */
function callbackPath(): string {
  n += 1;
  return `/api/callbacks/call-${n}?token=t${n}`;
}

async function place(target: string, extra: Record<string, unknown> = {}) {
  const path = callbackPath();
  const res = await callApi(acs, 'POST', '/calling/calls', createCallBody(`${rx.baseUrl}${path}`, { phoneNumber: { value: target } }, extra));
  expect(res.status).toBe(200);
  return { callLegId: res.body.callLegId as string, path, events: () => rx.events(path) };
}

async function untilEvents(path: string, count: number) {
  return waitFor(`${count} events at ${path}`, () => (rx.events(path).length >= count ? rx.events(path) : undefined));
}

describe('a whole call', () => {
  it('is placed, answered, plays audio, hears a key, cancels, invites (accepted and failing), removes and hangs up', async () => {
    await control(acs, 'PUT', '/audio', { audioFileUri: 'https://media.example/short.wav', durationMs: 2000 });
    await control(acs, 'POST', '/scripts', { target: AGENT, answer: 'accept', ringMs: 500 });
    await control(acs, 'POST', '/scripts', { target: BUSY, answer: 'reject', ringMs: 200, failure: { code: 486, subcode: 0, message: 'Busy here.' } });

    const call = await place(TARGET);
    await untilEvents(call.path, 3);

    const play = await callApi(acs, 'POST', `/calling/calls/${call.callLegId}/PlayAudio`, {
      audioFileUri: 'https://media.example/short.wav',
      loop: false,
      operationContext: 'play-once',
      resourceId: 'r1',
    });
    expect(play.status).toBe(202);
    expect(play.body).toEqual({
      id: expect.any(String),
      status: 'notStarted',
      operationContext: 'play-once',
      resultInfo: { code: expect.any(Number), subcode: expect.any(Number), message: expect.any(String) },
    });
    await untilEvents(call.path, 4);

    expect((await callApi(acs, 'POST', `/calling/calls/${call.callLegId}/PlayAudio`, { audioFileUri: 'https://media.example/reminder.wav', loop: true, operationContext: 'loop-1' })).status).toBe(202);
    const leg = await control(acs, 'GET', `/calls/${call.callLegId}`);
    expect(leg.body.playback).toMatchObject({ audioFileUri: 'https://media.example/reminder.wav', loop: true, operationContext: 'loop-1' });

    expect((await control(acs, 'POST', `/calls/${call.callLegId}/dtmf`, { keys: '1' })).body).toEqual({ sequenceIds: [1] });
    await untilEvents(call.path, 5);

    const cancel = await callApi(acs, 'POST', `/calling/calls/${call.callLegId}/CancelMediaProcessing`, { operationContext: 'cancel-1' });
    expect(cancel.status).toBe(202);
    expect(cancel.body).toMatchObject({ status: 'notStarted', operationContext: 'cancel-1' });
    await untilEvents(call.path, 6);

    expect((await callApi(acs, 'POST', `/calling/calls/${call.callLegId}/participants`, {
      participants: [{ communicationUser: { id: AGENT } }],
      alternateCallerId: { value: '+18005550100' },
      operationContext: 'invite-agent',
    })).status).toBe(202);
    await untilEvents(call.path, 8);

    expect((await callApi(acs, 'POST', `/calling/calls/${call.callLegId}/participants`, {
      participants: [{ communicationUser: { id: BUSY } }],
      operationContext: 'invite-busy',
    })).status).toBe(202);
    await untilEvents(call.path, 9);

    const roster = rx.events(call.path)[7].data.Participants as Array<{ ParticipantId: string; Identifier: { RawId: string } }>;
    const agent = roster.find((p) => p.Identifier.RawId === AGENT)!;
    expect((await callApi(acs, 'DELETE', `/calling/calls/${call.callLegId}/participants/${agent.ParticipantId}`)).status).toBe(202);
    await untilEvents(call.path, 10);

    expect((await callApi(acs, 'POST', `/calling/calls/${call.callLegId}/Hangup`)).status).toBe(202);
    const events = await untilEvents(call.path, 12);

    assertSeedShaped(events);
    expect(events.map(describeEvent)).toEqual([
      'callState Establishing conv=null',
      'callState Established conv=set',
      `participants [${SOURCE},4:${TARGET}]`,
      'playAudio Completed 200/0 play-once',
      'dtmf 1 Tone1',
      'playAudio Completed 400/8508 loop-1',
      `invite Completed null invite-agent [${AGENT}]`,
      `participants [${SOURCE},4:${TARGET},${AGENT}]`,
      `invite Failed 486 invite-busy [${BUSY}]`,
      `participants [${SOURCE},4:${TARGET}]`,
      'callState Terminating conv=set',
      'callState Terminated conv=set',
    ]);
    expect(events[5].data.ResultInfo.Message).toBe('Action falied, the operation was cancelled.');
    expect(events[3].data.ResultInfo).toEqual({ Code: 200, Subcode: 0, Message: 'Action completed successfully.' });
    expect(events[8].data.ResultInfo).toEqual({ Code: 486, Subcode: 0, Message: 'Busy here.' });
    expect(new Set(events.map((e) => e.data.CallLegId))).toEqual(new Set([call.callLegId]));
    const conversationIds = new Set(events.slice(1).filter((e) => 'ConversationId' in e.data).map((e) => e.data.ConversationId));
    expect(conversationIds.size).toBe(1);
    expect(rx.events(call.path).length).toBe(12);

    const detail = (await control(acs, 'GET', `/calls/${call.callLegId}`)).body;
    expect(detail).toMatchObject({ state: 'Terminated', endReason: 'hungUp', playback: null, dtmfSequence: 1 });
    expect(detail.requests.map((r: { operation: string; status: number }) => `${r.operation} ${r.status}`)).toEqual([
      'createCall 200',
      'playAudio 202',
      'playAudio 202',
      'cancelMediaProcessing 202',
      'inviteParticipant 202',
      'inviteParticipant 202',
      'removeParticipant 202',
      'hangUp 202',
    ]);
    expect(detail.events.every((e: { outcome: string }) => e.outcome === 'delivered')).toBe(true);
  });

  it('is not answered: Establishing then Terminated, no conversation', async () => {
    await control(acs, 'POST', '/scripts', { target: '+14255550001', answer: 'never' });
    const call = await place('+14255550001');
    const events = await untilEvents(call.path, 2);
    assertSeedShaped(events);
    expect(events.map(describeEvent)).toEqual(['callState Establishing conv=null', 'callState Terminated conv=null']);
    expect((await control(acs, 'GET', `/calls/${call.callLegId}`)).body.endReason).toBe('notAnswered');
  });

  it('rings longer than the no-answer timeout: not answered either', async () => {
    await control(acs, 'POST', '/scripts', { target: '+14255550004', answer: 'accept', ringMs: 60_000 });
    const call = await place('+14255550004');
    const events = await untilEvents(call.path, 2);
    expect(events.map(describeEvent)).toEqual(['callState Establishing conv=null', 'callState Terminated conv=null']);
  });

  it('is rejected: Establishing then Terminated', async () => {
    await control(acs, 'POST', '/scripts', { target: '+14255550002', answer: 'reject', ringMs: 100 });
    const call = await place('+14255550002');
    const events = await untilEvents(call.path, 2);
    expect(events.map(describeEvent)).toEqual(['callState Establishing conv=null', 'callState Terminated conv=null']);
    expect((await control(acs, 'GET', `/calls/${call.callLegId}`)).body.endReason).toBe('rejected');
  });

  it('follows a script: keys at times after the answer, then the callee hangs up', async () => {
    await control(acs, 'POST', '/scripts', {
      target: '+14255550003',
      dtmf: [
        { afterMs: 100, keys: '2#' },
        { afterMs: 300, tones: ['Star'] },
      ],
      hangUpAfterMs: 1000,
    });
    const call = await place('+14255550003');
    const events = await untilEvents(call.path, 8);
    assertSeedShaped(events);
    expect(events.map(describeEvent)).toEqual([
      'callState Establishing conv=null',
      'callState Established conv=set',
      `participants [${SOURCE},4:+14255550003]`,
      'dtmf 1 Tone2',
      'dtmf 2 Pound',
      'dtmf 3 Star',
      'callState Terminating conv=set',
      'callState Terminated conv=set',
    ]);
    expect((await control(acs, 'GET', `/calls/${call.callLegId}`)).body.endReason).toBe('remoteHangUp');
  });

  it('uses a script sequence: first call not answered, the retry answered', async () => {
    await control(acs, 'POST', '/scripts', { target: '+14255550005', calls: [{ answer: 'never' }, { answer: 'accept' }] });
    const first = await place('+14255550005');
    expect((await untilEvents(first.path, 2)).map(describeEvent)).toEqual(['callState Establishing conv=null', 'callState Terminated conv=null']);
    const second = await place('+14255550005');
    expect((await untilEvents(second.path, 2)).slice(0, 2).map(describeEvent)).toEqual(['callState Establishing conv=null', 'callState Established conv=set']);
    expect((await control(acs, 'GET', '/scripts/+14255550005')).body.used).toBe(2);
  });

  it('sends only the requested call events; operation results always', async () => {
    await control(acs, 'POST', '/scripts', { target: '+14255550006', dtmf: [{ afterMs: 0, keys: '5' }] });
    const quiet = await place('+14255550006', { requestedCallEvents: [] });
    await waitFor('established', async () => (await control(acs, 'GET', `/calls/${quiet.callLegId}`)).body.dtmfSequence === 1);
    await callApi(acs, 'POST', `/calling/calls/${quiet.callLegId}/PlayAudio`, { audioFileUri: 'https://media.example/short.wav', operationContext: 'p' });
    await untilEvents(quiet.path, 3);
    await callApi(acs, 'POST', `/calling/calls/${quiet.callLegId}/Hangup`);
    const events = await untilEvents(quiet.path, 5);
    expect(events.map(describeEvent)).toEqual([
      'callState Establishing conv=null',
      'callState Established conv=set',
      'playAudio Completed 200/0 p',
      'callState Terminating conv=set',
      'callState Terminated conv=set',
    ]);

    await control(acs, 'POST', '/scripts', { target: '+14255550007', dtmf: [{ afterMs: 0, keys: '5' }], hangUpAfterMs: 500 });
    const dtmfOnly = await place('+14255550007', { requestedCallEvents: ['dtmfReceived'] });
    expect((await untilEvents(dtmfOnly.path, 5)).map(describeEvent)).toEqual([
      'callState Establishing conv=null',
      'callState Established conv=set',
      'dtmf 1 Tone5',
      'callState Terminating conv=set',
      'callState Terminated conv=set',
    ]);
  });

  it('queues a second PlayAudio behind the first; cancel stops both with their own contexts', async () => {
    const call = await place('+14255550008');
    await untilEvents(call.path, 3);
    await callApi(acs, 'POST', `/calling/calls/${call.callLegId}/PlayAudio`, { audioFileUri: 'https://media.example/a.wav', loop: true, operationContext: 'first' });
    await callApi(acs, 'POST', `/calling/calls/${call.callLegId}/PlayAudio`, { audioFileUri: 'https://media.example/b.wav', operationContext: 'second' });
    const leg = (await control(acs, 'GET', `/calls/${call.callLegId}`)).body;
    expect(leg.playback.operationContext).toBe('first');
    expect(leg.queuedPlaybacks).toBe(1);
    await callApi(acs, 'POST', `/calling/calls/${call.callLegId}/CancelMediaProcessing`, { operationContext: 'stop' });
    const events = await untilEvents(call.path, 5);
    expect(events.slice(3).map(describeEvent)).toEqual(['playAudio Completed 400/8508 first', 'playAudio Completed 400/8508 second']);
  });

  it('ends a playback silently when the call ends, and stops the scripted keys', async () => {
    await control(acs, 'POST', '/scripts', { target: '+14255550009', dtmf: [{ afterMs: 100_000, keys: '9' }] });
    const call = await place('+14255550009');
    await untilEvents(call.path, 3);
    await callApi(acs, 'POST', `/calling/calls/${call.callLegId}/PlayAudio`, { audioFileUri: 'https://media.example/a.wav', loop: true, operationContext: 'cut' });
    await control(acs, 'POST', `/calls/${call.callLegId}/hangup`);
    const events = await untilEvents(call.path, 5);
    expect(events.slice(3).map(describeEvent)).toEqual(['callState Terminating conv=set', 'callState Terminated conv=set']);
    const leg = (await control(acs, 'GET', `/calls/${call.callLegId}`)).body;
    expect(leg).toMatchObject({ state: 'Terminated', endReason: 'remoteHangUp', playback: null, dtmfSequence: 0 });
  });

  it('fails an invite that is never answered (408) and one to an unreachable phone (480), Participants naming the invitees', async () => {
    await control(acs, 'POST', '/scripts', { target: '8:acs:emulator-test_away', answer: 'never' });
    await control(acs, 'POST', '/scripts', { target: '+14255550099', answer: 'fail' });
    const call = await place('+14255550010');
    await untilEvents(call.path, 3);
    await callApi(acs, 'POST', `/calling/calls/${call.callLegId}/participants`, {
      participants: [{ communicationUser: { id: '8:acs:emulator-test_away' } }],
      operationContext: 'away',
    });
    await untilEvents(call.path, 4);
    await callApi(acs, 'POST', `/calling/calls/${call.callLegId}/participants`, {
      participants: [{ phoneNumber: { value: '+14255550099' } }],
      alternateCallerId: { value: '+18005550100' },
      operationContext: 'unreachable',
    });
    const events = await untilEvents(call.path, 5);
    assertSeedShaped(events);
    expect(events.slice(3).map(describeEvent)).toEqual([
      'invite Failed 408 away [8:acs:emulator-test_away]',
      'invite Failed 480 unreachable [4:+14255550099]',
    ]);
    expect(events[4].data.Participants[0]).toEqual({ RawId: '4:+14255550099', CommunicationUser: null, PhoneNumber: { Value: '+14255550099' }, MicrosoftTeamsUser: null });
  });
});
