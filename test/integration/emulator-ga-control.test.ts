import { CallAutomationClient, parseCallAutomationEvent, type CallAutomationEvent } from '@azure/communication-call-automation';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { referenceSign } from '../helpers/acs-hmac-reference';
import { control, startEmulator, waitFor, type RunningEmulator } from '../helpers/emulator-harness';
import { startGaReceiver, type GaReceiver } from '../helpers/ga-receiver';

/** The GA surface's errors, :connect and terminate, the control API's keys and tokens, the request log and the realistic hang-ups. */

const CALLEE = { communicationUserId: '8:acs:ga-control-test_callee' };
const AGENT = { communicationUserId: '8:acs:ga-control-test_agent' };

let acs: RunningEmulator;
let rx: GaReceiver;
let client: CallAutomationClient;

beforeAll(async () => {
  acs = await startEmulator({ resourceId: 'resource-under-test' });
  rx = await startGaReceiver();
  client = new CallAutomationClient(`endpoint=${acs.baseUrl}/;accesskey=${acs.accessKey}`, { allowInsecureConnection: true });
});
afterAll(async () => {
  await acs.close();
  await rx.close();
});

const kinds = (path: string): string[] => rx.events(path).map(({ text }) => parseCallAutomationEvent(text).kind);
const waitForKind = (path: string, kind: CallAutomationEvent['kind']) => waitFor(`${kind} at ${path}`, () => kinds(path).includes(kind));

async function signed(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown) {
  const url = `${acs.baseUrl}${path}`;
  const payload = body === undefined ? '' : JSON.stringify(body);
  const headers = await referenceSign(method, url, payload, acs.accessKey);
  const response = await fetch(url, { method, headers: { 'Content-Type': 'application/json', ...headers }, body: payload === '' ? undefined : payload });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

describe('errors as the spec\'s CommunicationErrorResponse', () => {
  test('a create call without callbackUri is a 400 naming the field', async () => {
    const res = await signed('POST', '/calling/callConnections?api-version=2026-03-12', { targets: [{ rawId: CALLEE.communicationUserId }] });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('InvalidRequestBody');
    expect(res.body.error.message).toMatch(/^callbackUri/);
  });

  test('a preview api-version on the GA paths is a 400 naming api-version', async () => {
    const res = await signed('GET', '/calling/callConnections/anything?api-version=2021-06-15-preview');
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/^api-version/);
  });

  test('an unknown call connection is a 404', async () => {
    const res = await signed('GET', '/calling/callConnections/no-such-call?api-version=2024-09-15');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('NotFound');
  });
});

test(':connect joins the server call of another call; :terminate ends it for both', async () => {
  const { callConnectionProperties } = await client.createCall({ targetParticipant: CALLEE }, `${rx.baseUrl}/cb/owner`);
  await waitForKind('/cb/owner', 'CallConnected');
  const joined = await client.connectCall({ kind: 'serverCallLocator', id: callConnectionProperties.serverCallId! }, `${rx.baseUrl}/cb/joiner`);
  await waitForKind('/cb/joiner', 'CallConnected');
  expect(joined.callConnectionProperties.serverCallId).toBe(callConnectionProperties.serverCallId);

  await joined.callConnection.hangUp(true);
  await waitForKind('/cb/joiner', 'CallDisconnected');
  await waitForKind('/cb/owner', 'CallDisconnected');
});

test('a file the service cannot play: PlayFailed', async () => {
  const broken = 'https://example.test/broken.wav';
  expect((await control(acs, 'PUT', '/audio', { audioFileUri: broken, durationMs: 1000, fails: true })).body.audio).toContainEqual({ audioFileUri: broken, durationMs: 1000, fails: true });
  const { callConnection } = await client.createCall({ targetParticipant: CALLEE }, `${rx.baseUrl}/cb/play-failed`);
  await waitForKind('/cb/play-failed', 'CallConnected');
  await callConnection.getCallMedia().playToAll([{ kind: 'fileSource', url: broken }], { operationContext: 'broken' });
  await waitForKind('/cb/play-failed', 'PlayFailed');
  const failed = rx.events('/cb/play-failed').map(({ text }) => parseCallAutomationEvent(text)).find((e) => e.kind === 'PlayFailed')!;
  expect(failed.operationContext).toBe('broken');
  expect(failed.resultInformation?.subCode).toBe(8535);
  await callConnection.hangUp(true);
});

test('the request log keeps method, path, query and body of a GA request', async () => {
  const { callConnectionProperties } = await client.createCall({ targetParticipant: CALLEE }, `${rx.baseUrl}/cb/logged`, { operationContext: 'logged' });
  const id = callConnectionProperties.callConnectionId!;
  const { body } = await control(acs, 'GET', `/requests?callLegId=${id}`);
  const create = body.requests.find((r: { operation: string }) => r.operation === 'createCall');
  expect(create).toMatchObject({ method: 'POST', path: '/calling/callConnections', status: 201, query: { 'api-version': '2026-03-12' } });
  expect(create.body).toMatchObject({ callbackUri: `${rx.baseUrl}/cb/logged`, operationContext: 'logged' });
  expect(create.repeatabilityResult).toBe('accepted');
  const leg = (await control(acs, 'GET', `/calls/${id}`)).body;
  expect(leg).toMatchObject({ callLegId: id, generation: 'ga', ga: { apiVersion: '2026-03-12', serverCallId: callConnectionProperties.serverCallId, callbackIssuer: acs.baseUrl } });
});

test('rotating the key: new callbacks carry the new kid, the old key stays in the JWKS', async () => {
  const before = (await control(acs, 'POST', '/jwt', {})).body;
  const rotated = (await control(acs, 'POST', '/keys/rotate')).body;
  expect(rotated.previousKid).toBe(before.kid);
  expect(rotated.kid).not.toBe(before.kid);
  const jwks = (await fetch(`${acs.baseUrl}/calling/keys`).then((r) => r.json())) as { keys: Array<{ kid: string }> };
  expect(jwks.keys.map((k) => k.kid)).toEqual(expect.arrayContaining([rotated.kid, before.kid]));

  await client.createCall({ targetParticipant: CALLEE }, `${rx.baseUrl}/cb/rotated`);
  await waitForKind('/cb/rotated', 'CallConnected');
  const token = rx.events('/cb/rotated')[0].authorization!.slice('Bearer '.length);
  expect(decodeProtectedHeader(token).kid).toBe(rotated.kid);

  // A fresh key set, as a receiver starting now would build it, still accepts the token signed before the rotation.
  const remote = createRemoteJWKSet(new URL(`${acs.baseUrl}/calling/keys`));
  await expect(jwtVerify(before.token, remote, { issuer: acs.baseUrl, audience: 'resource-under-test' })).resolves.toBeTruthy();
  await expect(jwtVerify(token, remote, { issuer: acs.baseUrl, audience: 'resource-under-test' })).resolves.toBeTruthy();
});

test('POST /emulator/jwt mints a callback token for the audience asked for', async () => {
  const minted = await control(acs, 'POST', '/jwt', { audience: 'my-app' });
  expect(minted.status).toBe(200);
  const remote = createRemoteJWKSet(new URL(`${acs.baseUrl}/calling/keys`));
  const { payload } = await jwtVerify(minted.body.token, remote, { issuer: acs.baseUrl, audience: 'my-app' });
  expect(new Date(payload.exp! * 1000).toISOString()).toBe(minted.body.expiresAt);
  expect((await control(acs, 'POST', '/jwt', { audience: '' })).status).toBe(400);
});

test('the OpenID metadata names the JWKS and RS256', async () => {
  const metadata = await fetch(`${acs.baseUrl}/calling/.well-known/acsopenidconfiguration`).then((r) => r.json());
  expect(metadata).toMatchObject({ issuer: acs.baseUrl, jwks_uri: `${acs.baseUrl}/calling/keys`, id_token_signing_alg_values_supported: ['RS256'] });
});

describe('realistic hang-ups', () => {
  let realistic: RunningEmulator;
  let realisticClient: CallAutomationClient;
  beforeAll(async () => {
    realistic = await startEmulator({ agentTalkMs: 20_000, silentCalleeHangUpMs: 20_000 });
    realisticClient = new CallAutomationClient(`endpoint=${realistic.baseUrl}/;accesskey=${realistic.accessKey}`, { allowInsecureConnection: true });
  });
  afterAll(() => realistic.close());

  test('a callee who presses no key hangs up after silentCalleeHangUpMs', async () => {
    const { callConnectionProperties } = await realisticClient.createCall({ targetParticipant: CALLEE }, `${rx.baseUrl}/cb/silent`);
    await waitForKind('/cb/silent', 'CallDisconnected');
    const leg = (await control(realistic, 'GET', `/calls/${callConnectionProperties.callConnectionId}`)).body;
    expect(leg.endReason).toBe('silentCallee');
  });

  test('an agent brought in ends the call after agentTalkMs', async () => {
    const { callConnection, callConnectionProperties } = await realisticClient.createCall({ targetParticipant: CALLEE }, `${rx.baseUrl}/cb/agent`);
    await waitForKind('/cb/agent', 'CallConnected');
    await callConnection.addParticipant({ targetParticipant: AGENT });
    await waitForKind('/cb/agent', 'AddParticipantSucceeded');
    await waitForKind('/cb/agent', 'CallDisconnected');
    const leg = (await control(realistic, 'GET', `/calls/${callConnectionProperties.callConnectionId}`)).body;
    expect(leg.endReason).toBe('agentEnded');
  });
});
