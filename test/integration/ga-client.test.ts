import { randomBytes } from 'node:crypto';
import { isCallAutomationError, type RequestRecord } from '../../src/client';
import { createGaClient } from '../../src/client/ga/ga-client';
import { systemClock } from '../../src/clock';
import { createLogger } from '../../src/logger';
import { startScriptedAcsServer, ScriptedAcsServer } from '../helpers/scripted-acs-server';

/**
 * The official SDK, wrapped, against a real HTTP server that checks each
 * request's HMAC signature with an independent signer: the exact requests it
 * sends, the repeatability id it is pinned to, and how failures come back.
 */
const ACCESS_KEY = randomBytes(32).toString('base64');
const CREATED = {
  callConnectionId: 'cc-1',
  serverCallId: 'server-call-1',
  callConnectionState: 'connecting',
  callbackUri: 'https://callhook.example.com/api/callbacks/c1?token=t',
  targets: [{ rawId: '4:+14255550123', kind: 'phoneNumber', phoneNumber: { value: '+14255550123' } }],
  source: { rawId: '8:acs:source', kind: 'communicationUser', communicationUser: { id: '8:acs:source' } },
};

describe('the GA client (official SDK)', () => {
  let acs: ScriptedAcsServer;
  let records: RequestRecord[];
  let client: ReturnType<typeof createGaClient>;

  beforeEach(async () => {
    acs = await startScriptedAcsServer(ACCESS_KEY);
    records = [];
    client = createGaClient({
      connectionString: `endpoint=${acs.url}/;accesskey=${ACCESS_KEY}`,
      apiVersion: '2026-03-12',
      maxRetries: 2,
      clock: systemClock,
      logger: createLogger({ level: 'silent' }),
      recorder: (r) => void records.push(r),
    });
  });
  afterEach(() => acs.close());

  it('creates a call to a phone number from the alternate caller id, signed, at the GA path', async () => {
    acs.reply({ status: 201, body: CREATED });
    const result = await client.createCall(
      { target: '+14255550123', callbackUri: CREATED.callbackUri, callerId: '+18005550100', operationContext: 'ctx-1' },
      { callId: 'c1', requestId: '11111111-1111-4111-8111-111111111111' },
    );
    expect(result).toEqual({ legId: 'cc-1' });
    const [req] = acs.requests;
    expect(req.authFailure).toBeNull();
    expect([req.method, req.path, req.query.get('api-version')]).toEqual(['POST', '/calling/callConnections', '2026-03-12']);
    const body = JSON.parse(req.body);
    expect(body.targets).toEqual([expect.objectContaining({ rawId: '4:+14255550123', phoneNumber: expect.objectContaining({ value: '+14255550123' }) })]);
    expect(body.sourceCallerIdNumber).toEqual(expect.objectContaining({ value: '+18005550100' }));
    expect(body.callbackUri).toBe(CREATED.callbackUri);
    expect(req.headers['repeatability-request-id']).toBe('11111111-1111-4111-8111-111111111111');
    expect(records).toEqual([expect.objectContaining({ callId: 'c1', operation: 'createCall', ok: true, requestId: '11111111-1111-4111-8111-111111111111' })]);
  });

  it("retries a 503 with the SDK's retry policy, every attempt and a re-run carrying the same pinned id", async () => {
    const id = '22222222-2222-4222-8222-222222222222';
    acs.reply({ status: 503, headers: { 'Retry-After': '0' }, body: { error: { code: 'ServiceUnavailable', message: 'busy' } } }, { status: 201, body: CREATED });
    await client.createCall({ target: '8:acs:callee', callbackUri: CREATED.callbackUri }, { requestId: id });
    // The process "died" before recording the answer: the step runs again with the same id.
    acs.reply({ status: 201, body: CREATED });
    await client.createCall({ target: '8:acs:callee', callbackUri: CREATED.callbackUri }, { requestId: id });
    expect(acs.requests.map((r) => r.headers['repeatability-request-id'])).toEqual([id, id, id]);
    expect(new Set(acs.requests.slice(0, 2).map((r) => r.headers['repeatability-first-sent'])).size).toBe(1);
  });

  it('turns a refusal into a CallAutomationError with the status and code, on the timeline too', async () => {
    acs.reply({ status: 404, body: { error: { code: '8522', message: 'Call not found' } } });
    const err = await client.hangUp('gone-leg', { callId: 'c2', requestId: '33333333-3333-4333-8333-333333333333' }).catch((e) => e);
    expect(isCallAutomationError(err)).toBe(true);
    expect(err).toMatchObject({ upstreamStatus: 404, operation: 'hangUp' });
    expect(acs.requests[0]).toMatchObject({ method: 'DELETE', path: '/calling/callConnections/gone-leg' });
    expect(records).toEqual([expect.objectContaining({ callId: 'c2', ok: false, status: 404 })]);
  });

  it('plays on a loop, starts continuous DTMF recognition, cancels media and adds the agent, at the GA paths', async () => {
    // The statuses the REST spec gives each operation.
    acs.reply({ status: 202 }, { status: 200 }, { status: 202 });
    await client.play('cc-1', { audioUri: 'https://example.com/a.wav', loop: true, operationContext: 'play:c1' });
    await client.startKeyRecognition('cc-1', { target: '+14255550123', operationContext: 'keys:c1' });
    await client.cancelMedia('cc-1');
    acs.reply({ status: 202, body: { operationContext: 'invite:c1:1', participant: { identifier: { rawId: '8:acs:agent', kind: 'communicationUser', communicationUser: { id: '8:acs:agent' } } } } });
    await client.addParticipant('cc-1', { target: '8:acs:agent', operationContext: 'invite:c1:1' }, { requestId: '44444444-4444-4444-8444-444444444444' });
    expect(acs.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /calling/callConnections/cc-1:play',
      'POST /calling/callConnections/cc-1:startContinuousDtmfRecognition',
      'POST /calling/callConnections/cc-1:cancelAllMediaOperations',
      'POST /calling/callConnections/cc-1/participants:add',
    ]);
    expect(acs.requests.every((r) => r.authFailure === null)).toBe(true);
    const play = JSON.parse(acs.requests[0].body);
    expect(play).toMatchObject({ playSources: [{ kind: 'file', file: { uri: 'https://example.com/a.wav' } }], playOptions: { loop: true }, operationContext: 'play:c1' });
    expect(JSON.parse(acs.requests[1].body)).toMatchObject({ targetParticipant: { rawId: '4:+14255550123' }, operationContext: 'keys:c1' });
    expect(acs.requests[3].headers['repeatability-request-id']).toBe('44444444-4444-4444-8444-444444444444');
  });
});
