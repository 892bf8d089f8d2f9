import { randomUUID } from 'node:crypto';
import { assertSeedShaped, describeEvent } from '../helpers/emulator-events';
import { callApi, control, SOURCE, useEmulatorAndReceiver, waitFor, type Receiver, type RunningEmulator } from '../helpers/emulator-harness';

let acs: RunningEmulator;
let rx: Receiver;

useEmulatorAndReceiver({ timeScale: 0.01 }, (a, r) => ((acs = a), (rx = r)));

const ALICE = '8:acs:emulator-test_alice';
const BOB = '+14255550201';
const CAROL = '8:orgid:carol-0001';

function joinBody(path: string, events: string[] = ['participantsUpdated']) {
  return {
    source: { communicationUser: { id: SOURCE } },
    subject: 'monitor',
    callbackUri: `${rx.baseUrl}${path}`,
    requestedModalities: ['audio'],
    requestedCallEvents: events,
  };
}

async function join(conversationId: string, events?: string[]) {
  const path = `/cb/${randomUUID()}`;
  const res = await callApi(acs, 'POST', `/calling/conversations/${conversationId}/join`, joinBody(path, events));
  expect(res.status).toBe(200);
  expect(res.body).toEqual({ callLegId: expect.any(String) });
  return { callLegId: res.body.callLegId as string, path };
}

const until = (path: string, count: number) =>
  waitFor(`${count} events at ${path}`, () => (rx.events(path).length >= count ? rx.events(path) : undefined));

describe('conversations', () => {
  it('join: Establishing, Established with the conversation id, then the roster; roster changes reach every joined leg', async () => {
    const conversationId = `group-${randomUUID()}`;
    const seeded = await control(acs, 'PUT', `/conversations/${conversationId}`, { participants: [{ rawId: ALICE }, { rawId: BOB, isMuted: true }] });
    expect(seeded.status).toBe(201);
    const bobId = seeded.body.participants[1].participantId;

    const first = await join(conversationId);
    const events = await until(first.path, 3);
    expect(events.map(describeEvent)).toEqual([
      'callState Establishing conv=null',
      'callState Established conv=set',
      `participants [${ALICE},4:${BOB}(muted),${SOURCE}]`,
    ]);
    expect(events[1].data.ConversationId).toBe(conversationId);

    expect((await control(acs, 'POST', `/conversations/${conversationId}/participants`, { rawId: CAROL })).status).toBe(201);
    await until(first.path, 4);
    expect((await control(acs, 'PATCH', `/conversations/${conversationId}/participants/${bobId}`, { isMuted: false })).status).toBe(200);
    await until(first.path, 5);
    expect((await control(acs, 'DELETE', `/conversations/${conversationId}/participants/${encodeURIComponent(ALICE)}`)).status).toBe(204);
    await until(first.path, 6);

    // A second leg of ours joins: both legs hear about it.
    const second = await join(conversationId);
    await until(second.path, 3);
    await until(first.path, 6);
    // Our source is already in the roster through the first leg, so the second join changes nothing for the first leg.
    expect(rx.events(second.path).map(describeEvent)[2]).toBe(`participants [4:${BOB},${SOURCE},${CAROL}]`);

    expect((await callApi(acs, 'DELETE', `/calling/conversations/${conversationId}/participants/${encodeURIComponent(BOB)}`)).status).toBe(202);
    await until(first.path, 7);
    await until(second.path, 4);

    const firstEvents = rx.events(first.path);
    assertSeedShaped(firstEvents);
    expect(firstEvents.slice(3).map(describeEvent)).toEqual([
      `participants [${ALICE},4:${BOB}(muted),${SOURCE},${CAROL}]`,
      `participants [${ALICE},4:${BOB},${SOURCE},${CAROL}]`,
      `participants [4:${BOB},${SOURCE},${CAROL}]`,
      `participants [${SOURCE},${CAROL}]`,
    ]);
    expect(rx.events(second.path).map(describeEvent)[3]).toBe(`participants [${SOURCE},${CAROL}]`);
    const stable = new Set(firstEvents.slice(2).flatMap((e) => e.data.Participants.filter((p: any) => p.Identifier.RawId === SOURCE).map((p: any) => p.ParticipantId)));
    expect(stable.size).toBe(1);
  });

  it('out-of-call invite: the invitee’s script decides, the result goes to the request’s callbackUri, the roster to joined legs', async () => {
    const conversationId = `group-${randomUUID()}`;
    await control(acs, 'PUT', `/conversations/${conversationId}`, { participants: [{ rawId: ALICE }] });
    await control(acs, 'POST', '/scripts', { target: '8:acs:emulator-test_dave', ringMs: 200 });
    await control(acs, 'POST', '/scripts', { target: '8:acs:emulator-test_erin', answer: 'reject' });
    const leg = await join(conversationId);
    await until(leg.path, 3);

    const invite = await callApi(acs, 'POST', `/calling/conversations/${conversationId}/participants`, {
      participants: [{ communicationUser: { id: '8:acs:emulator-test_dave' } }],
      operationContext: 'add-dave',
      callbackUri: `${rx.baseUrl}${leg.path}`,
    });
    expect(invite.status).toBe(202);
    await until(leg.path, 5);

    const elsewhere = `/cb/${randomUUID()}`;
    await callApi(acs, 'POST', `/calling/conversations/${conversationId}/participants`, {
      participants: [{ communicationUser: { id: '8:acs:emulator-test_erin' } }],
      operationContext: 'add-erin',
      callbackUri: `${rx.baseUrl}${elsewhere}`,
    });
    const [result] = await until(elsewhere, 1);

    const events = rx.events(leg.path);
    assertSeedShaped([...events, result]);
    expect(events.slice(3).map(describeEvent)).toEqual([
      'invite Completed null add-dave [8:acs:emulator-test_dave]',
      `participants [${ALICE},${SOURCE},8:acs:emulator-test_dave]`,
    ]);
    expect(events[3].data.CallLegId).toBe(leg.callLegId);
    expect(describeEvent(result)).toBe('invite Failed 603 add-erin [8:acs:emulator-test_erin]');
  });

  it('joining an unknown conversation creates it; out-of-call calls on an unknown one are 404', async () => {
    const conversationId = `new-${randomUUID()}`;
    const leg = await join(conversationId);
    const events = await until(leg.path, 3);
    expect(events.map(describeEvent)).toEqual(['callState Establishing conv=null', 'callState Established conv=set', `participants [${SOURCE}]`]);
    expect((await control(acs, 'GET', `/conversations/${conversationId}`)).body.callLegIds).toEqual([leg.callLegId]);
    const missing = await callApi(acs, 'POST', `/calling/conversations/nope-${randomUUID()}/participants`, { participants: [{ communicationUser: { id: ALICE } }] });
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('ConversationNotFound');
  });

  it('a leg that hangs up leaves the roster; ending the conversation ends every leg in it', async () => {
    const conversationId = `group-${randomUUID()}`;
    await control(acs, 'PUT', `/conversations/${conversationId}`, { participants: [{ rawId: ALICE }] });
    const watcher = await join(conversationId);
    await until(watcher.path, 3);
    const otherSource = '8:acs:emulator-test_second-bot';
    const path = `/cb/${randomUUID()}`;
    const other = await callApi(acs, 'POST', `/calling/conversations/${conversationId}/join`, { ...joinBody(path), source: { communicationUser: { id: otherSource } } });
    await until(watcher.path, 4);
    await callApi(acs, 'POST', `/calling/calls/${other.body.callLegId}/Hangup`);
    await until(watcher.path, 5);
    expect(rx.events(watcher.path).slice(3).map(describeEvent)).toEqual([
      `participants [${ALICE},${SOURCE},${otherSource}]`,
      `participants [${ALICE},${SOURCE}]`,
    ]);

    expect((await control(acs, 'DELETE', `/conversations/${conversationId}`)).status).toBe(204);
    const events = await until(watcher.path, 7);
    expect(events.slice(5).map(describeEvent)).toEqual(['callState Terminating conv=set', 'callState Terminated conv=set']);
  });

  it('joined legs without participantsUpdated get only call states', async () => {
    const conversationId = `group-${randomUUID()}`;
    await control(acs, 'PUT', `/conversations/${conversationId}`, { participants: [{ rawId: ALICE }] });
    const leg = await join(conversationId, []);
    await until(leg.path, 2);
    await control(acs, 'POST', `/conversations/${conversationId}/participants`, { rawId: BOB });
    await callApi(acs, 'POST', `/calling/calls/${leg.callLegId}/Hangup`);
    const events = await until(leg.path, 4);
    expect(events.map(describeEvent)).toEqual([
      'callState Establishing conv=null',
      'callState Established conv=set',
      'callState Terminating conv=set',
      'callState Terminated conv=set',
    ]);
  });

  it('an outbound call’s conversation can be joined, and ends with the call', async () => {
    const callPath = `/cb/${randomUUID()}`;
    const call = await callApi(acs, 'POST', '/calling/calls', {
      source: { communicationUser: { id: SOURCE } },
      targets: [{ communicationUser: { id: ALICE } }],
      callbackUri: `${rx.baseUrl}${callPath}`,
      requestedModalities: ['audio'],
      requestedCallEvents: ['participantsUpdated'],
    });
    const [, established] = await until(callPath, 3);
    const conversationId = established.data.ConversationId as string;
    const monitorSource = '8:acs:emulator-test_monitor';
    const monitorPath = `/cb/${randomUUID()}`;
    await callApi(acs, 'POST', `/calling/conversations/${conversationId}/join`, { ...joinBody(monitorPath), source: { communicationUser: { id: monitorSource } } });
    await until(monitorPath, 3);
    expect(describeEvent(rx.events(monitorPath)[2])).toBe(`participants [${SOURCE},${ALICE},${monitorSource}]`);
    await callApi(acs, 'POST', `/calling/calls/${call.body.callLegId}/Hangup`);
    const monitorEvents = await until(monitorPath, 5);
    expect(monitorEvents.slice(3).map(describeEvent)).toEqual(['callState Terminating conv=set', 'callState Terminated conv=set']);
    expect((await control(acs, 'GET', `/conversations/${conversationId}`)).status).toBe(404);
  });
});
