import { randomUUID } from 'node:crypto';
import { createCallAutomationClient, isCallAutomationError, type CallAutomationClient } from '../../src/client';
import { systemClock } from '../../src/clock';
import { createLogger } from '../../src/logger';
import { assertSeedShaped, describeEvent } from '../helpers/emulator-events';
import { API_VERSION, control, SOURCE, startEmulator, startReceiver, waitFor, type Receiver, type RunningEmulator } from '../helpers/emulator-harness';

/** callhook's own client against the emulator: the two halves of the contract agree end to end. */

let acs: RunningEmulator;
let rx: Receiver;
let client: CallAutomationClient;

beforeAll(async () => {
  acs = await startEmulator({ timeScale: 0.01 });
  rx = await startReceiver();
  client = createCallAutomationClient({
    endpoint: acs.baseUrl,
    accessKey: acs.accessKey,
    apiVersion: API_VERSION,
    clock: systemClock,
    logger: createLogger({ level: 'silent' }),
    retry: { maxRetries: 8, baseDelayMs: 20, maxDelayMs: 100 },
    timeoutMs: 150,
  });
});
afterAll(async () => {
  client.close();
  await acs.close();
  await rx.close();
});

const until = (path: string, count: number) =>
  waitFor(`${count} events at ${path}`, () => (rx.events(path).length >= count ? rx.events(path) : undefined));

describe('callhook client against the emulator', () => {
  it('runs all nine operations', async () => {
    const agent = '8:acs:emulator-test_client-agent';
    const path = `/cb/${randomUUID()}`;
    const { callLegId } = await client.createCall({
      source: { communicationUser: { id: SOURCE } },
      targets: [{ phoneNumber: { value: '+14255550401' } }],
      subject: 'client',
      callbackUri: `${rx.baseUrl}${path}`,
      requestedModalities: ['audio'],
      requestedCallEvents: ['participantsUpdated', 'dtmfReceived'],
      alternateCallerId: { value: '+18005550100' },
    });
    await until(path, 3);

    const play = await client.playAudio(callLegId, { audioFileUri: 'https://media.example/a.wav', loop: true, operationContext: 'loop' });
    expect(play).toMatchObject({ status: 'notStarted', operationContext: 'loop' });
    await client.cancelMediaProcessing(callLegId, { operationContext: 'stop' });
    await until(path, 4);
    await client.inviteParticipant(callLegId, { participants: [{ communicationUser: { id: agent } }], operationContext: 'agent' });
    const afterInvite = await until(path, 6);
    const agentId = afterInvite[5].data.Participants.find((p: any) => p.Identifier.RawId === agent).ParticipantId;
    await client.removeParticipant(callLegId, agentId);
    await until(path, 7);
    await client.hangUp(callLegId);
    const events = await until(path, 9);
    assertSeedShaped(events);
    expect(events.map(describeEvent)).toEqual([
      'callState Establishing conv=null',
      'callState Established conv=set',
      `participants [${SOURCE},4:+14255550401]`,
      'playAudio Completed 400/8508 loop',
      `invite Completed null agent [${agent}]`,
      `participants [${SOURCE},4:+14255550401,${agent}]`,
      `participants [${SOURCE},4:+14255550401]`,
      'callState Terminating conv=set',
      'callState Terminated conv=set',
    ]);

    const conversationId = `group-${randomUUID()}`;
    await control(acs, 'PUT', `/conversations/${conversationId}`, { participants: [{ rawId: '8:acs:emulator-test_member' }] });
    const joinPath = `/cb/${randomUUID()}`;
    const joined = await client.joinConversation(conversationId, {
      source: { communicationUser: { id: SOURCE } },
      callbackUri: `${rx.baseUrl}${joinPath}`,
      requestedModalities: ['audio'],
      requestedCallEvents: ['participantsUpdated'],
    });
    await until(joinPath, 3);
    await client.inviteConversationParticipants(conversationId, { participants: [{ communicationUser: { id: agent } }], operationContext: 'conv-invite' });
    await until(joinPath, 4);
    await client.removeConversationParticipant(conversationId, agent);
    const joinEvents = await until(joinPath, 5);
    assertSeedShaped(joinEvents);
    expect(joinEvents.slice(2).map(describeEvent)).toEqual([
      `participants [8:acs:emulator-test_member,${SOURCE}]`,
      `participants [8:acs:emulator-test_member,${SOURCE},${agent}]`,
      `participants [8:acs:emulator-test_member,${SOURCE}]`,
    ]);
    expect(joinEvents[0].data.CallLegId).toBe(joined.callLegId);
  });

  it('gets the emulator’s error code and status as a typed error', async () => {
    const error = await client.hangUp(randomUUID()).catch((e: unknown) => e);
    expect(isCallAutomationError(error)).toBe(true);
    if (!isCallAutomationError(error)) return;
    expect(error.upstreamStatus).toBe(404);
    expect(error.upstreamCode).toBe('CallLegNotFound');
  });

  it('retries a timed-out create call with the same Repeatability-Request-ID and gets the first call, not a second one', async () => {
    const target = '+14255550402';
    await control(acs, 'PUT', '/faults', { restResponseDelayMs: 1000 });
    const path = `/cb/${randomUUID()}`;
    const pending = client.createCall({
      source: { communicationUser: { id: SOURCE } },
      targets: [{ phoneNumber: { value: target } }],
      callbackUri: `${rx.baseUrl}${path}`,
      requestedModalities: ['audio'],
      requestedCallEvents: [],
      alternateCallerId: { value: '+18005550100' },
    });
    try {
      await waitFor('the first attempt applied', async () => (await control(acs, 'GET', `/calls?target=${encodeURIComponent(target)}`)).body.calls.length === 1);
    } finally {
      await control(acs, 'DELETE', '/faults');
    }
    const { callLegId } = await pending;
    const calls = (await control(acs, 'GET', `/calls?target=${encodeURIComponent(target)}`)).body.calls;
    expect(calls.map((c: { callLegId: string }) => c.callLegId)).toEqual([callLegId]);
    const log = (await control(acs, 'GET', `/requests?operation=createCall&callLegId=${callLegId}`)).body.requests;
    expect(log.length).toBeGreaterThanOrEqual(2);
    expect(new Set(log.map((r: { repeatabilityRequestId: string }) => r.repeatabilityRequestId)).size).toBe(1);
    expect(log[0]).toMatchObject({ status: 200, clientGone: true });
    expect(log.at(-1)).toMatchObject({ status: 200, repeatabilityResult: 'accepted' });
    expect(log.at(-1).clientGone).toBeUndefined();
  });
});
