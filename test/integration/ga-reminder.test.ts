import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { FakeIssuer, startIssuer } from '../helpers/ga-issuer';
import { startScriptedAcsServer, ScriptedAcsServer } from '../helpers/scripted-acs-server';
import { eventually, startTestService, TestService } from '../helpers/service';
import { callbackPath } from '../helpers/tokens';

/**
 * The reminder on the GA generation, with the GA emulator not yet available:
 * the follow-up requests go to a real HTTP server that checks their HMAC
 * signatures, and the callbacks are the recorded GA payloads re-addressed to
 * the call and signed by an issuer with its own key.
 */
const ACCESS_KEY = randomBytes(32).toString('base64');
const AUDIENCE = '6d2f1a3b-0000-4c4c-9a9a-1234567890ab';
const LEG = 'ga-reminder-connection';
const [CONNECTED] = JSON.parse(readFileSync(path.join(__dirname, '..', 'fixtures', 'events-ga', 'call-connected.json'), 'utf8'));
const CREATED = {
  callConnectionId: LEG,
  serverCallId: 'server-call-1',
  callConnectionState: 'connecting',
  targets: [{ rawId: '4:+14255550123', kind: 'phoneNumber', phoneNumber: { value: '+14255550123' } }],
  source: { rawId: '8:acs:source', kind: 'communicationUser', communicationUser: { id: '8:acs:source' } },
};

let n = 0;
function gaEvent(type: string, data: Record<string, unknown> = {}) {
  n += 1;
  return { ...CONNECTED, id: `ga-reminder-${n}`, type, time: new Date().toISOString(), data: { ...CONNECTED.data, callConnectionId: LEG, ...data } };
}

describe('the reminder on the GA generation', () => {
  let acs: ScriptedAcsServer;
  let issuer: FakeIssuer;
  let t: TestService;

  beforeAll(async () => {
    acs = await startScriptedAcsServer(ACCESS_KEY);
    issuer = await startIssuer(() => Date.now(), AUDIENCE);
    t = await startTestService('sqlite', {
      ACS_CONNECTION_STRING: `endpoint=${acs.url}/;accesskey=${ACCESS_KEY}`,
      ACS_API_VERSION: '2026-03-12',
      ACS_CALLBACK_ISSUER: issuer.url,
      ACS_RESOURCE_ID: AUDIENCE,
    });
  });
  afterAll(async () => {
    await t.stop();
    await issuer.close();
    await acs.close();
  });

  const callback = async (callId: string, event: unknown) => {
    const res = await request(t.service.url)
      .post(callbackPath(callId))
      .set('Authorization', `Bearer ${await issuer.sign()}`)
      .set('Content-Type', 'application/json')
      .send(JSON.stringify([event]));
    expect(res.status).toBe(200);
  };
  const sent = () => acs.requests.map((r) => `${r.method} ${r.path}`);

  it('connected → play on loop and listen for keys; key 2 → stop the message and hang up; disconnected ends it acknowledged', async () => {
    acs.reply({ status: 201, body: CREATED });
    const created = await t.api().post('/api/calls').send({ to: '+14255550123', audioFileUri: 'https://example.com/reminder.wav' });
    expect(created.status).toBe(201);
    const callId = created.body.id as string;
    const create = JSON.parse(acs.requests[0].body);
    expect(create.sourceCallerIdNumber).toEqual(expect.objectContaining({ value: t.config.alternateCallerId }));
    expect(acs.requests[0].headers['repeatability-request-id']).toEqual(expect.any(String));

    acs.reply({ status: 202 }, { status: 200 });
    await callback(callId, gaEvent('Microsoft.Communication.CallConnected'));
    await eventually('play and key recognition', () => sent().length >= 3);
    expect(sent().slice(1, 3)).toEqual([`POST /calling/callConnections/${LEG}:play`, `POST /calling/callConnections/${LEG}:startContinuousDtmfRecognition`]);
    expect(JSON.parse(acs.requests[1].body)).toMatchObject({ playOptions: { loop: true }, playSources: [{ file: { uri: 'https://example.com/reminder.wav' } }] });
    expect(JSON.parse(acs.requests[2].body)).toMatchObject({ targetParticipant: { rawId: '4:+14255550123' } });

    acs.reply({ status: 202 }, { status: 204 });
    await callback(callId, gaEvent('Microsoft.Communication.ContinuousDtmfRecognitionToneReceived', { tone: 'two', sequenceId: 1 }));
    await eventually('stop and hang up', () => sent().length >= 5);
    expect(sent().slice(3)).toEqual([`POST /calling/callConnections/${LEG}:cancelAllMediaOperations`, `DELETE /calling/callConnections/${LEG}`]);
    expect(acs.requests.every((r) => r.authFailure === null && r.query.get('api-version') === '2026-03-12')).toBe(true);

    await callback(callId, gaEvent('Microsoft.Communication.CallDisconnected'));
    const call = await eventually('the call to end', async () => {
      const res = await t.api().get(`/api/calls/${callId}`);
      return res.body.state === 'terminated' && res.body;
    });
    expect(call.outcome).toBe('answered-acknowledged');
  });
});
