import { randomBytes, randomUUID } from 'node:crypto';
import { referenceSign } from '../helpers/acs-hmac-reference';
import {
  API_VERSION,
  callApi,
  control,
  createCallBody,
  useEmulatorAndReceiver,
  waitFor,
  type Receiver,
  type RunningEmulator,
} from '../helpers/emulator-harness';

let acs: RunningEmulator;
let rx: Receiver;

// A long no-answer timeout keeps "never" legs ringing for the whole file.
useEmulatorAndReceiver({ timeScale: 0.01, noAnswerTimeoutMs: 10_000_000 }, (a, r) => ((acs = a), (rx = r)));

const body = (target = '+14255550123', extra: Record<string, unknown> = {}) =>
  createCallBody(`${rx.baseUrl}/cb/${randomUUID()}`, { phoneNumber: { value: target } }, extra);

async function establishedLeg(): Promise<string> {
  const res = await callApi(acs, 'POST', '/calling/calls', body());
  await waitFor('established', async () => (await control(acs, 'GET', `/calls/${res.body.callLegId}`)).body.state === 'Established');
  return res.body.callLegId;
}

describe('signature verification', () => {
  const errorBody = { code: expect.any(String), message: expect.any(String) };

  it('accepts a request signed by the reference signer', async () => {
    expect((await callApi(acs, 'POST', '/calling/calls', body())).status).toBe(200);
  });

  it('refuses a wrong key', async () => {
    const res = await callApi(acs, 'POST', '/calling/calls', body(), { key: randomBytes(32).toString('base64') });
    expect(res.status).toBe(401);
    expect(res.body).toEqual(errorBody);
    expect(res.body.code).toBe('InvalidSignature');
    expect(res.body.message).toMatch(/signature/i);
  });

  it('refuses a body changed after signing', async () => {
    const res = await callApi(acs, 'POST', '/calling/calls', body(), { sendBody: JSON.stringify(body('+14255550999')) });
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ code: 'ContentHashMismatch', message: expect.stringMatching(/x-ms-content-sha256/) });
  });

  it('refuses a date more than 15 minutes old, and accepts one 14 minutes old', async () => {
    const stale = await callApi(acs, 'POST', '/calling/calls', body(), { date: new Date(Date.now() - 16 * 60_000) });
    expect(stale.status).toBe(401);
    expect(stale.body).toMatchObject({ code: 'StaleRequestDate', message: expect.stringMatching(/x-ms-date/) });
    expect((await callApi(acs, 'POST', '/calling/calls', body(), { date: new Date(Date.now() - 14 * 60_000) })).status).toBe(200);
  });

  it('refuses missing headers, naming them', async () => {
    const url = `${acs.baseUrl}/calling/calls?api-version=${API_VERSION}`;
    const res = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body()) });
    expect(res.status).toBe(401);
    const json = (await res.json()) as { code: string; message: string };
    expect(json.code).toBe('MissingAuthenticationHeaders');
    expect(json.message).toMatch(/x-ms-date.*x-ms-content-sha256.*authorization/);
  });

  it('refuses a malformed Authorization header', async () => {
    const res = await callApi(acs, 'POST', '/calling/calls', body(), { headers: { authorization: 'Bearer abc' } });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('InvalidAuthorizationHeader');
  });

  it('refuses a signature made for another path', async () => {
    const payload = JSON.stringify(body());
    const signed = await referenceSign('POST', `${acs.baseUrl}/calling/calls?api-version=other`, payload, acs.accessKey);
    const res = await fetch(`${acs.baseUrl}/calling/calls?api-version=${API_VERSION}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...signed },
      body: payload,
    });
    expect(res.status).toBe(401);
  });
});

describe('request validation', () => {
  it('requires api-version, signed or not', async () => {
    const res = await callApi(acs, 'POST', '/calling/calls', body(), { noApiVersion: true });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ code: 'MissingApiVersion', message: expect.stringMatching(/api-version/) });
    const unsigned = await fetch(`${acs.baseUrl}/calling/calls`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body()) });
    expect(unsigned.status).toBe(400);
  });

  it.each([
    ['targets[0].phoneNumber.value', { targets: [{ phoneNumber: { value: '555' } }] }],
    ['targets[0]', { targets: [{ email: 'x@example.com' }] }],
    ['targets', { targets: [] }],
    ['source.communicationUser.id', { source: { communicationUser: { id: '+14255550123' } } }],
    ['source', { source: undefined }],
    ['callbackUri', { callbackUri: '/relative/path' }],
    ['callbackUri', { callbackUri: 'ftp://example.com/cb' }],
    ['requestedModalities', { requestedModalities: [] }],
    ['requestedModalities[0]', { requestedModalities: ['smell'] }],
    ['requestedCallEvents[0]', { requestedCallEvents: ['toneReceived'] }],
    ['alternateCallerId', { alternateCallerId: undefined }],
  ])('names %s', async (field, change) => {
    const res = await callApi(acs, 'POST', '/calling/calls', { ...body(), ...change });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('InvalidRequestBody');
    expect(res.body.message.startsWith(`${field}:`)).toBe(true);
  });

  it('accepts a Teams user and a communication user as targets', async () => {
    const res = await callApi(acs, 'POST', '/calling/calls', {
      ...body(),
      targets: [{ microsoftTeamsUser: { microsoftTeamsUserId: 'abc-123' } }, { communicationUser: { id: '8:acs:someone' } }],
    });
    expect(res.status).toBe(200);
    const leg = (await control(acs, 'GET', `/calls/${res.body.callLegId}`)).body;
    expect(leg.targets).toEqual(['8:orgid:abc-123', '8:acs:someone']);
  });

  it('answers invalid JSON with 400 and a non-JSON body with 415', async () => {
    const url = `${acs.baseUrl}/calling/calls?api-version=${API_VERSION}`;
    const signed = await referenceSign('POST', url, '{"source":', acs.accessKey);
    const res = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', ...signed }, body: '{"source":' });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 'InvalidJson' });
    const text = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'text/plain', ...(await referenceSign('POST', url, 'hi', acs.accessKey)) }, body: 'hi' });
    expect(text.status).toBe(415);
  });

  it('names the bad field of PlayAudio and of an invite', async () => {
    const leg = await establishedLeg();
    const play = await callApi(acs, 'POST', `/calling/calls/${leg}/PlayAudio`, { audioFileUri: 'not a url', operationContext: 'x' });
    expect(play.status).toBe(400);
    expect(play.body.message).toMatch(/^audioFileUri:/);
    const invite = await callApi(acs, 'POST', `/calling/calls/${leg}/participants`, { participants: [{ phoneNumber: { value: '+14255550100' } }] });
    expect(invite.status).toBe(400);
    expect(invite.body.message).toMatch(/^alternateCallerId:/);
  });

  it('answers 404 for an unknown leg, conversation or participant, and for an unknown path', async () => {
    const unknown = randomUUID();
    for (const [method, path, payload] of [
      ['POST', `/calling/calls/${unknown}/Hangup`, undefined],
      ['POST', `/calling/calls/${unknown}/PlayAudio`, { audioFileUri: 'https://m/a.wav' }],
      ['POST', `/calling/calls/${unknown}/CancelMediaProcessing`, {}],
      ['DELETE', `/calling/calls/${unknown}/participants/${randomUUID()}`, undefined],
      ['POST', `/calling/conversations/${unknown}/participants`, { participants: [{ communicationUser: { id: '8:acs:x' } }] }],
      ['DELETE', `/calling/conversations/${unknown}/participants/${randomUUID()}`, undefined],
    ] as const) {
      const res = await callApi(acs, method, path, payload);
      expect([path, res.status]).toEqual([path, 404]);
      expect(res.body).toEqual({ code: expect.stringMatching(/NotFound$/), message: expect.any(String) });
    }
    const leg = await establishedLeg();
    const res = await callApi(acs, 'DELETE', `/calling/calls/${leg}/participants/${randomUUID()}`);
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('ParticipantNotFound');
    expect((await callApi(acs, 'POST', '/calling/nothing-here')).status).toBe(404);
  });

  it('matches paths case-insensitively, as the seed mixes cases', async () => {
    const leg = await establishedLeg();
    const res = await callApi(acs, 'POST', `/calling/calls/${leg}/playaudio`, { audioFileUri: 'https://m/a.wav' });
    expect(res.status).toBe(202);
  });

  it('refuses media and invites on a leg that is not Established with 400 CallLegNotEstablished', async () => {
    await control(acs, 'POST', '/scripts', { target: '+14255550777', answer: 'never' });
    const ringing = (await callApi(acs, 'POST', '/calling/calls', body('+14255550777'))).body.callLegId;
    for (const [path, payload] of [
      ['PlayAudio', { audioFileUri: 'https://m/a.wav' }],
      ['CancelMediaProcessing', {}],
      ['participants', { participants: [{ communicationUser: { id: '8:acs:x' } }] }],
    ] as const) {
      const res = await callApi(acs, 'POST', `/calling/calls/${ringing}/${path}`, payload);
      expect([path, res.status, res.body.code]).toEqual([path, 400, 'CallLegNotEstablished']);
    }
    // Hanging up a ringing call is allowed; hanging up again is a no-op.
    expect((await callApi(acs, 'POST', `/calling/calls/${ringing}/Hangup`)).status).toBe(202);
    await waitFor('terminated', async () => (await control(acs, 'GET', `/calls/${ringing}`)).body.state === 'Terminated');
    expect((await callApi(acs, 'POST', `/calling/calls/${ringing}/Hangup`)).status).toBe(202);
    // Once the call is over its leg is gone: 404, as the service answers for a call that no longer exists.
    const ended = await callApi(acs, 'POST', `/calling/calls/${ringing}/PlayAudio`, { audioFileUri: 'https://m/a.wav' });
    expect([ended.status, ended.body.code]).toEqual([404, 'CallLegEnded']);
  });

  it('never answers client input with a 5xx', async () => {
    const weird: unknown[] = [null, 42, 'text', [], { targets: 'x' }, { source: { communicationUser: null } }, { targets: [null] }, { callbackUri: 12 }];
    for (const payload of weird) {
      const res = await callApi(acs, 'POST', '/calling/calls', payload);
      expect(res.status).toBeLessThan(500);
      expect(res.status).toBeGreaterThanOrEqual(400);
    }
    const big = { ...body(), subject: 'x'.repeat(2 * 1024 * 1024) };
    expect((await callApi(acs, 'POST', '/calling/calls', big)).status).toBe(413);
  });
});

describe('repeatability', () => {
  it('applies a repeated POST once and replays the first answer with Repeatability-Result: accepted', async () => {
    const requestId = randomUUID();
    const target = '+14255550301';
    const headers = { 'Repeatability-Request-ID': requestId, 'Repeatability-First-Sent': new Date().toUTCString() };
    const payload = body(target);
    const first = await callApi(acs, 'POST', '/calling/calls', payload, { headers });
    const second = await callApi(acs, 'POST', '/calling/calls', payload, { headers });
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(second.body).toEqual(first.body);
    expect(first.headers.get('repeatability-result')).toBe('accepted');
    expect(second.headers.get('repeatability-result')).toBe('accepted');
    expect((await control(acs, 'GET', `/calls?target=${encodeURIComponent(target)}`)).body.calls).toHaveLength(1);

    const log = (await control(acs, 'GET', `/requests?operation=createCall&callLegId=${first.body.callLegId}`)).body.requests;
    expect(log.map((r: { repeatabilityRequestId: string; status: number }) => [r.repeatabilityRequestId, r.status])).toEqual([
      [requestId, 200],
      [requestId, 200],
    ]);
  });

  it('rejects the same id with a different body: 409, Repeatability-Result: rejected, nothing applied', async () => {
    const headers = { 'Repeatability-Request-ID': randomUUID() };
    expect((await callApi(acs, 'POST', '/calling/calls', body('+14255550302'), { headers })).status).toBe(200);
    const conflict = await callApi(acs, 'POST', '/calling/calls', body('+14255550303'), { headers });
    expect(conflict.status).toBe(409);
    expect(conflict.headers.get('repeatability-result')).toBe('rejected');
    expect(conflict.body).toEqual({ code: 'RepeatabilityConflict', message: expect.any(String) });
    expect((await control(acs, 'GET', `/calls?target=${encodeURIComponent('+14255550303')}`)).body.calls).toHaveLength(0);
  });

  it('replays a 202 without applying it again (one PlayAudio, one result)', async () => {
    const leg = await establishedLeg();
    const headers = { 'Repeatability-Request-ID': randomUUID() };
    const payload = { audioFileUri: 'https://m/loop.wav', loop: true, operationContext: 'once' };
    const first = await callApi(acs, 'POST', `/calling/calls/${leg}/PlayAudio`, payload, { headers });
    const again = await callApi(acs, 'POST', `/calling/calls/${leg}/PlayAudio`, payload, { headers });
    expect(again.status).toBe(202);
    expect(again.body).toEqual(first.body);
    expect((await control(acs, 'GET', `/calls/${leg}`)).body.queuedPlaybacks).toBe(0);
  });

  it('refuses a Repeatability-First-Sent older than the window with 412', async () => {
    const res = await callApi(acs, 'POST', '/calling/calls', body(), {
      headers: { 'Repeatability-Request-ID': randomUUID(), 'Repeatability-First-Sent': new Date(Date.now() - 11 * 60_000).toUTCString() },
    });
    expect(res.status).toBe(412);
    expect(res.headers.get('repeatability-result')).toBe('rejected');
  });

  it('lets a client that timed out on a slow answer retry safely (crash/timeout scenario)', async () => {
    await control(acs, 'PUT', '/faults', { restResponseDelayMs: 400 });
    try {
      const target = '+14255550304';
      const headers = { 'Repeatability-Request-ID': randomUUID() };
      const payload = body(target);
      const url = `${acs.baseUrl}/calling/calls?api-version=${API_VERSION}`;
      const signed = await referenceSign('POST', url, JSON.stringify(payload), acs.accessKey);
      await expect(
        fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', ...signed, ...headers }, body: JSON.stringify(payload), signal: AbortSignal.timeout(50) }),
      ).rejects.toThrow();
      // The operation was applied although the client never saw the answer.
      await waitFor('the call exists', async () => (await control(acs, 'GET', `/calls?target=${encodeURIComponent(target)}`)).body.calls.length === 1);
      const retry = await callApi(acs, 'POST', '/calling/calls', payload, { headers });
      expect(retry.status).toBe(200);
      expect(retry.headers.get('repeatability-result')).toBe('accepted');
      const calls = (await control(acs, 'GET', `/calls?target=${encodeURIComponent(target)}`)).body.calls;
      expect(calls).toHaveLength(1);
      expect(calls[0].callLegId).toBe(retry.body.callLegId);
    } finally {
      await control(acs, 'DELETE', '/faults');
    }
  });
});
