import {
  CallAutomationClient,
  parseCallAutomationEvent,
  type CallAutomationEvent,
  type CallMediaRecognizeDtmfOptions,
  type FileSource,
} from '@azure/communication-call-automation';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { control, startEmulator, waitFor, type RunningEmulator } from '../helpers/emulator-harness';
import { startGaReceiver, type GaReceiver } from '../helpers/ga-receiver';

/**
 * The GA generation driven by Microsoft's own SDK, unchanged: only the
 * connection string and allowInsecureConnection are set. Every callback is
 * parsed by the SDK's parser and its JWT checked with jose against the
 * emulator's JWKS, as an application would.
 */

const RESOURCE_ID = '00000000-0000-0000-0000-00000000ac5e';
const CALLEE = { communicationUserId: '8:acs:ga-sdk-test_callee' };
const AGENT = { communicationUserId: '8:acs:ga-sdk-test_agent' };
const PROMPT: FileSource = { kind: 'fileSource', url: 'https://example.test/prompt.wav' };
const MUSIC: FileSource = { kind: 'fileSource', url: 'https://example.test/music.wav' };

let acs: RunningEmulator;
let rx: GaReceiver;
let client: CallAutomationClient;
let jwks: ReturnType<typeof createRemoteJWKSet>;

beforeAll(async () => {
  acs = await startEmulator();
  rx = await startGaReceiver();
  client = new CallAutomationClient(`endpoint=${acs.baseUrl}/;accesskey=${acs.accessKey}`, { allowInsecureConnection: true });
  jwks = createRemoteJWKSet(new URL(`${acs.baseUrl}/calling/keys`));
});
afterAll(async () => {
  await acs.close();
  await rx.close();
});

/** Every callback to `path` so far, parsed by the SDK; each one's JWT must verify. */
async function received(path: string): Promise<CallAutomationEvent[]> {
  const events: CallAutomationEvent[] = [];
  for (const { text, authorization } of rx.events(path)) {
    expect(authorization).toMatch(/^Bearer /);
    const { payload, protectedHeader } = await jwtVerify(authorization!.slice('Bearer '.length), jwks, { issuer: acs.baseUrl, audience: RESOURCE_ID });
    expect(protectedHeader.alg).toBe('RS256');
    expect(typeof protectedHeader.kid).toBe('string');
    expect(payload.exp! - payload.iat!).toBe(300);
    expect(payload.nbf).toBe(payload.iat);
    events.push(parseCallAutomationEvent(text));
  }
  return events;
}

async function waitForKind<K extends CallAutomationEvent['kind']>(path: string, kind: K, count = 1) {
  return waitFor(`${count} ${kind} at ${path}`, async () => {
    const matching = (await received(path)).filter((e) => e.kind === kind);
    return matching.length >= count ? (matching as Array<Extract<CallAutomationEvent, { kind: K }>>) : undefined;
  });
}

test('a whole call through the SDK: connect, media, DTMF, participants, hang-up', async () => {
  const path = '/cb/full';
  const { callConnection, callConnectionProperties } = await client.createCall({ targetParticipant: CALLEE }, `${rx.baseUrl}${path}`, {
    operationContext: 'full-call',
  });
  expect(callConnectionProperties.callConnectionId).toBeTruthy();
  const id = callConnectionProperties.callConnectionId!;

  const [connected] = await waitForKind(path, 'CallConnected');
  expect(connected.callConnectionId).toBe(id);
  expect(connected.operationContext).toBe('full-call');
  expect(connected.serverCallId).toBe(callConnectionProperties.serverCallId);

  const properties = await callConnection.getCallConnectionProperties();
  expect(properties.callConnectionState).toBe('connected');
  expect(properties.targetParticipants?.[0]).toMatchObject({ communicationUserId: CALLEE.communicationUserId });

  const media = callConnection.getCallMedia();
  await media.playToAll([MUSIC], { loop: true, operationContext: 'hold-music' });
  await media.startContinuousDtmfRecognition(CALLEE, { operationContext: 'keys' });
  expect((await control(acs, 'POST', `/calls/${id}/dtmf`, { keys: '5' })).status).toBe(202);
  const [tone] = await waitForKind(path, 'ContinuousDtmfRecognitionToneReceived');
  expect(tone.tone).toBe('five');
  expect(tone.sequenceId).toBe(1);

  await media.cancelAllOperations();
  const [canceled] = await waitForKind(path, 'PlayCanceled');
  expect(canceled.operationContext).toBe('hold-music');

  await media.stopContinuousDtmfRecognition(CALLEE);
  await waitForKind(path, 'ContinuousDtmfRecognitionStopped');

  const recognize: CallMediaRecognizeDtmfOptions = {
    kind: 'callMediaRecognizeDtmfOptions',
    playPrompt: PROMPT,
    maxTonesToCollect: 3,
    interToneTimeoutInSeconds: 60,
    initialSilenceTimeoutInSeconds: 300,
    operationContext: 'pin',
  };
  await media.startRecognizing(CALLEE, recognize);
  expect((await control(acs, 'POST', `/calls/${id}/dtmf`, { keys: '123' })).status).toBe(202);
  const [recognized] = await waitForKind(path, 'RecognizeCompleted');
  expect(recognized.operationContext).toBe('pin');
  expect(recognized.dtmfResult?.tones).toEqual(['one', 'two', 'three']);

  const added = await callConnection.addParticipant({ targetParticipant: AGENT }, { operationContext: 'agent', invitationTimeoutInSeconds: 30 });
  expect(added.invitationId).toBeTruthy();
  const [succeeded] = await waitForKind(path, 'AddParticipantSucceeded');
  expect(succeeded.participant).toMatchObject({ communicationUserId: AGENT.communicationUserId });
  expect(succeeded.operationContext).toBe('agent');
  const updates = await waitForKind(path, 'ParticipantsUpdated', 2);
  const latest = updates.at(-1)!;
  expect(latest.participants.map((p) => (p.identifier as { communicationUserId: string }).communicationUserId)).toContain(AGENT.communicationUserId);
  expect(latest.sequenceNumber).toBeGreaterThan(updates[0].sequenceNumber!);

  const listed = await callConnection.listParticipants();
  const ids = listed.values!.map((p) => (p.identifier as { communicationUserId?: string }).communicationUserId);
  expect(ids).toEqual(expect.arrayContaining([CALLEE.communicationUserId, AGENT.communicationUserId]));

  await callConnection.removeParticipant(AGENT, { operationContext: 'agent-out' });
  const [removed] = await waitForKind(path, 'RemoveParticipantSucceeded');
  expect(removed.participant).toMatchObject({ communicationUserId: AGENT.communicationUserId });
  expect((await callConnection.listParticipants()).values!.map((p) => (p.identifier as { communicationUserId?: string }).communicationUserId)).not.toContain(
    AGENT.communicationUserId,
  );

  await callConnection.hangUp(false);
  const [disconnected] = await waitForKind(path, 'CallDisconnected');
  expect(disconnected.callConnectionId).toBe(id);
  await expect(callConnection.getCallConnectionProperties()).rejects.toMatchObject({ statusCode: 404 });
});

test('a callee who never answers: CreateCallFailed, then CallDisconnected', async () => {
  const callee = { communicationUserId: '8:acs:ga-sdk-test_silent' };
  await control(acs, 'POST', '/scripts', { target: callee.communicationUserId, answer: 'never' });
  const path = '/cb/never';
  await client.createCall({ targetParticipant: callee }, `${rx.baseUrl}${path}`);
  const [failed] = await waitForKind(path, 'CreateCallFailed');
  expect(failed.resultInformation?.code).toBe(408);
  await waitForKind(path, 'CallDisconnected');
  expect((await received(path)).map((e) => e.kind)).not.toContain('CallConnected');
});

test('a callee who declines: CreateCallFailed with 603', async () => {
  const callee = { communicationUserId: '8:acs:ga-sdk-test_declines' };
  await control(acs, 'POST', '/scripts', { target: callee.communicationUserId, answer: 'reject' });
  const path = '/cb/reject';
  await client.createCall({ targetParticipant: callee }, `${rx.baseUrl}${path}`);
  const [failed] = await waitForKind(path, 'CreateCallFailed');
  expect(failed.resultInformation?.code).toBe(603);
});

test('an invitee who declines: AddParticipantFailed, and the roster stays as it was', async () => {
  const invitee = { communicationUserId: '8:acs:ga-sdk-test_busy-agent' };
  await control(acs, 'POST', '/scripts', { target: invitee.communicationUserId, answer: 'reject' });
  const path = '/cb/failed-add';
  const { callConnection } = await client.createCall({ targetParticipant: CALLEE }, `${rx.baseUrl}${path}`);
  await waitForKind(path, 'CallConnected');
  await callConnection.addParticipant({ targetParticipant: invitee }, { operationContext: 'try-agent' });
  const [failed] = await waitForKind(path, 'AddParticipantFailed');
  expect(failed.operationContext).toBe('try-agent');
  expect(failed.participant).toMatchObject({ communicationUserId: invitee.communicationUserId });
  expect(failed.resultInformation?.code).toBe(603);
  const ids = (await callConnection.listParticipants()).values!.map((p) => (p.identifier as { communicationUserId?: string }).communicationUserId);
  expect(ids).not.toContain(invitee.communicationUserId);
  await callConnection.hangUp(true);
  await waitForKind(path, 'CallDisconnected');
});

test('a request signed with a wrong key makes the SDK throw a 401', async () => {
  const wrongKey = Buffer.from('not the emulator key, not at all').toString('base64');
  const intruder = new CallAutomationClient(`endpoint=${acs.baseUrl}/;accesskey=${wrongKey}`, { allowInsecureConnection: true });
  await expect(intruder.createCall({ targetParticipant: CALLEE }, `${rx.baseUrl}/cb/intruder`)).rejects.toMatchObject({ statusCode: 401 });
});

test('a tampered callback token is refused by the same check', async () => {
  const path = '/cb/tamper';
  await client.createCall({ targetParticipant: CALLEE }, `${rx.baseUrl}${path}`);
  await waitForKind(path, 'CallConnected');
  const token = rx.events(path)[0].authorization!.slice('Bearer '.length);
  const [header, payload, signature] = token.split('.');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  const forged = Buffer.from(JSON.stringify({ ...claims, aud: 'someone-else' })).toString('base64url');
  await expect(jwtVerify(`${header}.${forged}.${signature}`, jwks, { issuer: acs.baseUrl, audience: 'someone-else' })).rejects.toThrow();
  await expect(jwtVerify(token, jwks, { issuer: acs.baseUrl, audience: 'someone-else' })).rejects.toThrow();
});
