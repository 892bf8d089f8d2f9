import { createCallAutomationClient } from '../../src/client/client';
import { CallAutomationError } from '../../src/client/errors';
import { OPERATIONS } from '../../src/client/types';
import { ValidationError } from '../../src/errors';
import { systemClock } from '../../src/clock';
import { createCapturingLogger, createTestClient, newAccessKey, useScriptedServerAndClient } from '../helpers/client-fixtures';
import type { ScriptedAcsServer } from '../helpers/scripted-acs-server';

const accessKey = newAccessKey();
const CALLBACK_TOKEN = 'cb-token-must-stay-secret';
const callbackUri = `https://callhook.example/api/callbacks/call-1?token=${CALLBACK_TOKEN}`;
const source = { communicationUser: { id: '8:acs:resource_source' } };
const agent = { communicationUser: { id: '8:acs:resource_agent' } };
// Reserved and non-ASCII characters prove that path parameters are encoded.
const callLegId = 'leg/1 ü?#';
const encodedLeg = 'leg%2F1%20%C3%BC%3F%23';
const conversationId = 'aHR0cHM6Ly9jb252/+w==';
const encodedConversation = 'aHR0cHM6Ly9jb252%2F%2Bw%3D%3D';

const createCallBody = {
  source,
  targets: [{ phoneNumber: { value: '+14255550123' } }],
  subject: 'Appointment reminder',
  callbackUri,
  requestedModalities: ['audio' as const],
  requestedCallEvents: ['dtmfReceived' as const, 'participantsUpdated' as const],
  alternateCallerId: { value: '+18005550100' },
};
const playBody = { audioFileUri: 'https://audio.example/reminder.wav', loop: true, operationContext: 'play-1', resourceId: 'res-1' };
const mediaResult = { id: 'op-1', status: 'running', operationContext: 'play-1', resultInfo: { code: 202, subcode: 0, message: 'Accepted' } };
const joinBody = { source, subject: 'Monitor', callbackUri, requestedModalities: ['audio' as const], requestedCallEvents: ['participantsUpdated' as const] };

type Client = ReturnType<typeof createCallAutomationClient>;
interface Case {
  run: (client: Client, options: { callId: string; requestId: string }) => Promise<unknown>;
  method: 'POST' | 'DELETE';
  path: string;
  body: unknown;
  reply: { status: number; body?: unknown };
  result: unknown;
}

const cases: Record<string, Case> = {
  createCall: {
    run: (c, o) => c.createCall(createCallBody, o),
    method: 'POST',
    path: '/calling/calls',
    body: createCallBody,
    reply: { status: 200, body: { callLegId: 'leg-created' } },
    result: { callLegId: 'leg-created' },
  },
  hangUp: {
    run: (c, o) => c.hangUp(callLegId, o),
    method: 'POST',
    path: `/calling/calls/${encodedLeg}/Hangup`,
    body: undefined,
    reply: { status: 202 },
    result: undefined,
  },
  playAudio: {
    run: (c, o) => c.playAudio(callLegId, playBody, o),
    method: 'POST',
    path: `/calling/calls/${encodedLeg}/PlayAudio`,
    body: playBody,
    reply: { status: 202, body: mediaResult },
    result: mediaResult,
  },
  cancelMediaProcessing: {
    run: (c, o) => c.cancelMediaProcessing(callLegId, { operationContext: 'cancel-1' }, o),
    method: 'POST',
    path: `/calling/calls/${encodedLeg}/CancelMediaProcessing`,
    body: { operationContext: 'cancel-1' },
    reply: { status: 202, body: { ...mediaResult, operationContext: 'cancel-1' } },
    result: { ...mediaResult, operationContext: 'cancel-1' },
  },
  inviteParticipant: {
    run: (c, o) => c.inviteParticipant(callLegId, { participants: [agent], alternateCallerId: { value: '+18005550100' }, operationContext: 'invite-1' }, o),
    method: 'POST',
    path: `/calling/calls/${encodedLeg}/participants`,
    body: { participants: [agent], alternateCallerId: { value: '+18005550100' }, operationContext: 'invite-1' },
    reply: { status: 202 },
    result: undefined,
  },
  removeParticipant: {
    run: (c, o) => c.removeParticipant(callLegId, 'participant 7', o),
    method: 'DELETE',
    path: `/calling/calls/${encodedLeg}/participants/participant%207`,
    body: undefined,
    reply: { status: 202 },
    result: undefined,
  },
  joinConversation: {
    run: (c, o) => c.joinConversation(conversationId, joinBody, o),
    method: 'POST',
    path: `/calling/conversations/${encodedConversation}/join`,
    body: joinBody,
    reply: { status: 200, body: { callLegId: 'leg-joined' } },
    result: { callLegId: 'leg-joined' },
  },
  inviteConversationParticipants: {
    run: (c, o) => c.inviteConversationParticipants(conversationId, { participants: [agent], operationContext: 'invite-2', callbackUri }, o),
    method: 'POST',
    path: `/calling/conversations/${encodedConversation}/participants`,
    body: { participants: [agent], operationContext: 'invite-2', callbackUri },
    reply: { status: 202 },
    result: undefined,
  },
  removeConversationParticipant: {
    run: (c, o) => c.removeConversationParticipant(conversationId, 'p:8', o),
    method: 'DELETE',
    path: `/calling/conversations/${encodedConversation}/participants/p%3A8`,
    body: undefined,
    reply: { status: 202 },
    result: undefined,
  },
};

let server: ScriptedAcsServer;
let harness: ReturnType<typeof createTestClient>;

useScriptedServerAndClient(accessKey, (s, h) => ((server = s), (harness = h)));

describe('the nine operations over HTTP', () => {
  it('covers every operation of the seed', () => {
    expect(Object.keys(cases).sort()).toEqual([...OPERATIONS].sort());
  });

  it.each(Object.entries(cases))('%s: method, path, api-version, body, signature and headers', async (operation, c) => {
    server.reply(c.reply);
    const options = { callId: 'call-1', requestId: `req-${operation}` };

    await expect(c.run(harness.client, options)).resolves.toEqual(c.result);

    expect(server.requests).toHaveLength(1);
    const [req] = server.requests;
    expect(req.authFailure).toBeNull();
    expect(req.method).toBe(c.method);
    expect(req.path).toBe(c.path);
    expect([...req.query.entries()]).toEqual([['api-version', '2021-06-15-preview']]);
    if (c.body === undefined) expect(req.body).toBe('');
    else expect(JSON.parse(req.body)).toEqual(c.body);
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.headers['repeatability-request-id']).toBe(options.requestId);
    expect(new Date(String(req.headers['repeatability-first-sent'])).toUTCString()).toBe(req.headers['repeatability-first-sent']);
    expect(req.headers['x-ms-client-request-id']).toMatch(/^[0-9a-f-]{36}$/);

    expect(harness.records).toEqual([
      expect.objectContaining({
        callId: 'call-1',
        operation,
        method: c.method,
        path: c.path,
        requestId: options.requestId,
        status: c.reply.status,
        ok: true,
        attempts: 1,
        response: c.result,
      }),
    ]);
  });
});

describe('client behaviour', () => {
  it('defaults the Repeatability-Request-ID to a fresh UUID per logical request', async () => {
    await harness.client.hangUp('leg-1');
    await harness.client.hangUp('leg-1');
    const ids = server.requests.map((r) => r.headers['repeatability-request-id']);
    expect(ids[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(ids[1]).not.toBe(ids[0]);
    expect(harness.records.map((r) => r.requestId)).toEqual(ids);
  });

  it('keeps an endpoint base path in front of the operation path', async () => {
    const based = createTestClient(`${server.url}/base/`, accessKey);
    try {
      await based.client.hangUp('leg-1');
    } finally {
      based.client.close();
    }
    expect(server.requests[0].path).toBe('/base/calling/calls/leg-1/Hangup');
    expect(server.requests[0].authFailure).toBeNull();
  });

  it('answers a wrong access key with a typed 401 and does not retry', async () => {
    const wrong = createTestClient(server.url, newAccessKey());
    try {
      const error = await wrong.client.hangUp('leg-1', { callId: 'call-9' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CallAutomationError);
      expect(error).toMatchObject({
        status: 502,
        operation: 'hangUp',
        upstreamStatus: 401,
        upstreamCode: 'Unauthorized',
        message: 'Denied: signature mismatch',
        attempts: 1,
        retriable: false,
      });
      expect(wrong.sleeps).toEqual([]);
      expect(wrong.records).toEqual([expect.objectContaining({ ok: false, status: 401, errorCode: 'Unauthorized', attempts: 1 })]);
    } finally {
      wrong.client.close();
    }
    expect(server.requests).toHaveLength(1);
  });

  it('turns a create-call success without a callLegId into a typed error', async () => {
    server.reply({ status: 200, body: { unexpected: true } });
    const error = await harness.client.createCall(createCallBody).catch((e: unknown) => e);
    expect(error).toMatchObject({ upstreamStatus: 200, upstreamCode: 'invalid_response', retriable: false, attempts: 1 });
    expect(harness.records[0]).toMatchObject({ ok: false, errorCode: 'invalid_response' });
  });

  it('accepts an empty 202 for a media operation', async () => {
    server.reply({ status: 202 });
    await expect(harness.client.cancelMediaProcessing('leg-1', { operationContext: 'c' })).resolves.toBeUndefined();
  });

  it('rejects ids that URL parsing would fold away, before sending anything', async () => {
    for (const bad of ['', '.', '..']) {
      await expect(harness.client.hangUp(bad)).rejects.toBeInstanceOf(ValidationError);
      await expect(harness.client.removeConversationParticipant('conv', bad)).rejects.toBeInstanceOf(ValidationError);
    }
    expect(server.requests).toHaveLength(0);
  });

  it('does not fail the request when the recorder fails, and logs that it did', async () => {
    const { logger, lines } = createCapturingLogger();
    for (const recorder of [
      () => {
        throw new Error('store is down');
      },
      () => Promise.reject(new Error('store is down')),
    ]) {
      const client = createCallAutomationClient({ endpoint: server.url, accessKey, apiVersion: 'v1', clock: systemClock, logger, recorder });
      try {
        await expect(client.hangUp('leg-1')).resolves.toBeUndefined();
      } finally {
        client.close();
      }
    }
    expect(lines.filter((l) => l.includes('request recorder failed'))).toHaveLength(2);
  });

  it('logs each attempt at debug without the access key, signature or callback token', async () => {
    server.reply({ status: 503 }, { status: 200, body: { callLegId: 'leg-1' } });
    await harness.client.createCall(createCallBody, { callId: 'call-42' });

    const attempts = harness.logLines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === 'call automation attempt');
    expect(attempts).toHaveLength(2);
    expect(attempts[0]).toMatchObject({ level: 20, operation: 'createCall', callId: 'call-42', attempt: 1, status: 503 });
    const signature = String(server.requests[0].headers.authorization).split('Signature=')[1];
    const all = harness.logLines.join('\n');
    for (const secret of [accessKey, signature, CALLBACK_TOKEN]) expect(all).not.toContain(secret);
  });

  it('keeps callback tokens out of error messages even when the service echoes them', async () => {
    server.reply({ status: 400, body: { code: 'InvalidCallbackUri', message: `callbackUri ${callbackUri} is not reachable` } });
    const error = (await harness.client.createCall(createCallBody).catch((e: unknown) => e)) as CallAutomationError;
    expect(error.upstreamCode).toBe('InvalidCallbackUri');
    expect(error.message).toContain('callbackUri https://callhook.example/api/callbacks/call-1?token=');
    expect(error.message).not.toContain(CALLBACK_TOKEN);
    expect(JSON.stringify(harness.records)).not.toContain(CALLBACK_TOKEN);
  });
});
