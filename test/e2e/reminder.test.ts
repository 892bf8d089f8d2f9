import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { DATABASE_KINDS } from '../helpers/databases';
import { RunningEmulator, startEmulator } from '../helpers/emulator';
import { offsetClock } from '../helpers/offset-clock';
import { GENERATIONS, requestsOf, type LoggedRequest } from '../helpers/generations';
import { eventually, startTestService, TestService } from '../helpers/service';

const AGENT = '8:acs:callhook-emulator_agent';
const AUDIO = 'https://media.example.com/reminder.wav';
/** Key 1 with an agent who cannot be reached: the first invite and two retries, then hang up. */
const AGENT_UNAVAILABLE_STEPS = ['create', 'prompt', 'stop', 'invite', 'invite', 'invite', 'hangUp'] as const;
/** The events of an acknowledged call as its timeline names them (the seed: call states by name). */
const ACKNOWLEDGED_EVENTS = {
  preview: ['Establishing', 'Established', 'ParticipantsUpdated', 'DtmfReceived', 'PlayAudioResult', 'Terminating', 'Terminated'],
  ga: ['CallConnected', 'ParticipantsUpdated', 'PlayStarted', 'ContinuousDtmfRecognitionToneReceived', 'PlayCanceled', 'CallDisconnected'],
};
/** What the service answers when it fails, in each generation's error shape. */
const ERROR_BODY = {
  preview: (code: string) => ({ code, message: 'no' }),
  ga: (code: string) => ({ error: { code, message: 'no' } }),
};

const CASES = DATABASE_KINDS.flatMap((kind) => GENERATIONS.map((generation) => [kind, generation.name, generation] as const));

describe.each(CASES)('reminder calls end to end against the emulator (%s, %s)', (kind, _name, generation) => {
  let t: TestService;
  let n = 0;
  // Each test gets a phone number of its own, so emulator scripts never collide.
  const nextNumber = () => `+1425555${String(1000 + n++).padStart(4, '0')}`;

  beforeAll(async () => {
    t = await startTestService(kind, generation.env);
  });
  afterAll(() => t.stop());
  afterEach(async () => {
    await t.emulator().delete('/emulator/scripts').expect(204);
    await t.emulator().delete('/emulator/faults').expect(200);
  });

  const script = (target: string, behaviour: object) => t.emulator().post('/emulator/scripts').send({ target, ...behaviour }).expect(201);

  async function place(to: string, extra: object = {}) {
    const res = await t.api().post('/api/calls').send({ to, audioFileUri: AUDIO, ...extra });
    expect(res.status).toBe(201);
    return res.body as { id: string; callLegId: string; callbackUri: string; state: string };
  }

  const finished = (id: string) =>
    eventually(`call ${id} to end with an outcome`, async () => {
      const res = await t.api().get(`/api/calls/${id}`);
      return res.body.outcome && ['terminated', 'failed'].includes(res.body.state) ? res.body : undefined;
    });

  const logged = async (callLegId: string): Promise<LoggedRequest[]> => (await t.emulator().get('/emulator/requests').query({ callLegId })).body.requests;

  async function followUps(callLegId: string): Promise<string[]> {
    return (await logged(callLegId)).map((r) => generation.describe(r, callLegId));
  }
  const expected = (...steps: Parameters<typeof requestsOf>[1]) => requestsOf(generation, steps);

  it('plays the message on answer and hangs up after key 2 with outcome answered-acknowledged', async () => {
    const to = nextNumber();
    await script(to, { dtmf: [{ afterMs: 500, keys: '2' }] });
    const placed = await place(to);
    expect(placed).toMatchObject({ state: 'establishing', callbackUri: expect.stringContaining(`/api/callbacks/${placed.id}?token=`) });
    const call = await finished(placed.id);
    expect(call.outcome).toBe('answered-acknowledged');
    expect(await followUps(placed.callLegId)).toEqual(expected('create', 'prompt', 'stop', 'hangUp'));
    const events = call.timeline.filter((e: { kind: string }) => e.kind === 'event').map((e: { name: string; detail: any }) => e.detail.CallState ?? e.name.split('.').pop());
    expect(events).toEqual(ACKNOWLEDGED_EVENTS[generation.name]);
    const play = call.timeline.find((e: { kind: string; name: string }) => e.kind === 'request' && e.name === 'playAudio');
    expect(play).toMatchObject({ status: '202', latencyMs: expect.any(Number), detail: { method: 'POST', requestId: expect.any(String) } });
    if (generation.name === 'ga') expectGaBodies(await logged(placed.callLegId), to);
  });

  /** GA: a phone call carries the caller id, the message plays on loop, and keys are asked of the callee. */
  function expectGaBodies(requests: LoggedRequest[], to: string) {
    const [create, play, keys] = requests;
    expect(create.query['api-version']).toBe('2026-03-12');
    expect(create.body).toMatchObject({ targets: [{ rawId: `4:${to}` }], sourceCallerIdNumber: { value: t.config.alternateCallerId } });
    expect(play.body).toMatchObject({ playSources: [{ kind: 'file', file: { uri: AUDIO } }], playOptions: { loop: true } });
    expect(keys.body).toMatchObject({ targetParticipant: { rawId: `4:${to}` } });
  }

  it('connects an agent on key 1: cancel the message, invite the agent, outcome connected-to-agent', async () => {
    const to = nextNumber();
    await script(to, { dtmf: [{ afterMs: 500, keys: '1' }] });
    await script(AGENT, { answer: 'accept' });
    const placed = await place(to);
    const connected = await eventually('the agent to join', async () => {
      const res = await t.api().get(`/api/calls/${placed.id}`);
      return res.body.outcome ? res.body : undefined;
    });
    expect(connected).toMatchObject({ outcome: 'connected-to-agent', state: 'established' });
    expect(await followUps(placed.callLegId)).toEqual(expected('create', 'prompt', 'stop', 'invite'));
    if (generation.name === 'ga') expect((await logged(placed.callLegId))[4].body).toMatchObject({ participantToAdd: { rawId: AGENT } });
    const leg = (await t.emulator().get(`/emulator/calls/${placed.callLegId}`)).body;
    expect(leg.roster.map((p: { rawId: string }) => p.rawId)).toContain(AGENT);
    // The callee ends the conversation later; the outcome stays as decided.
    await t.emulator().post(`/emulator/calls/${placed.callLegId}/hangup`).expect(202);
    const ended = await finished(placed.id);
    expect(ended.outcome).toBe('connected-to-agent');
  });

  it('hangs up when the agent leaves, so the callee is not left on a silent line', async () => {
    const to = nextNumber();
    await script(to, { dtmf: [{ afterMs: 500, keys: '1' }] });
    await script(AGENT, { answer: 'accept', hangUpAfterMs: 500 });
    const placed = await place(to);
    const call = await finished(placed.id);
    expect(call.outcome).toBe('connected-to-agent');
    expect(await followUps(placed.callLegId)).toEqual(expected('create', 'prompt', 'stop', 'invite', 'hangUp'));
    expect(call.timeline).toContainEqual(expect.objectContaining({ kind: 'note', name: 'agent_left', detail: { agent: AGENT } }));
  });

  /** The callee presses 1 and the agent cannot be reached: the outcome and the exact requests must not vary. */
  async function agentUnavailableCall() {
    const to = nextNumber();
    await script(to, { dtmf: [{ afterMs: 500, keys: '1' }] });
    await script(AGENT, { answer: 'fail' });
    const placed = await place(to);
    const call = await finished(placed.id);
    expect(call.outcome).toBe('agent-unavailable');
    expect(await followUps(placed.callLegId)).toEqual(expected(...AGENT_UNAVAILABLE_STEPS));
    return placed;
  }

  it('retries a failing agent invite twice, then hangs up with outcome agent-unavailable', async () => {
    await agentUnavailableCall();
  });

  it('hangs up on a key with no action, outcome answered-other-key', async () => {
    const to = nextNumber();
    await script(to, { dtmf: [{ afterMs: 500, keys: '9' }] });
    const call = await finished((await place(to)).id);
    expect(call.outcome).toBe('answered-other-key');
    expect(await followUps(call.callLegId)).toEqual(expected('create', 'prompt', 'hangUp'));
  });

  it('follows a per-call key map', async () => {
    const to = nextNumber();
    await script(to, { dtmf: [{ afterMs: 500, keys: '9' }] });
    const call = await finished((await place(to, { keyMap: { '9': 'acknowledge' } })).id);
    expect(call.outcome).toBe('answered-acknowledged');
  });

  // GA spells these keys `pound` and `asterisk` on the wire; the key map still says # and *.
  it.each(['#', '*'])('acts on %s through the key map', async (key) => {
    const to = nextNumber();
    await script(to, { dtmf: [{ afterMs: 500, keys: key }] });
    const call = await finished((await place(to, { keyMap: { [key]: 'acknowledge' } })).id);
    expect(call.outcome).toBe('answered-acknowledged');
    expect(call.workflow.key).toBe(key);
  });

  it('hangs up when no key comes within the wait, outcome no-response', async () => {
    const to = nextNumber();
    const placed = await place(to, { waitSeconds: 1 });
    const call = await finished(placed.id);
    expect(call.outcome).toBe('no-response');
    expect(await followUps(placed.callLegId)).toEqual(expected('create', 'prompt', 'hangUp'));
    expect(call.timeline.some((e: { kind: string; detail: any }) => e.kind === 'timer' && e.detail === null)).toBe(false);
    expect(call.timeline.filter((e: { kind: string }) => e.kind === 'timer')).toHaveLength(1);
  });

  it('records failed when the message cannot be played, and hangs up', async () => {
    const broken = 'https://media.example.com/broken.wav';
    await t.emulator().put('/emulator/audio').send({ audioFileUri: broken, durationMs: 1000, fails: true }).expect((res) => expect(res.status).toBeLessThan(300));
    const to = nextNumber();
    await script(to, {});
    const call = await finished((await place(to, { audioFileUri: broken })).id);
    expect(call).toMatchObject({ outcome: 'failed', state: 'terminated' });
    expect(call.timeline.find((e: { kind: string }) => e.kind === 'outcome').detail).toMatchObject({ reason: 'the message could not be played', error: { code: 400, subcode: 8535 } });
    expect(await followUps(call.callLegId)).toEqual(expected('create', 'prompt', 'hangUp'));
  });

  it.each([
    ['never answers', { answer: 'never' }],
    ['rejects', { answer: 'reject' }],
  ])('records not-answered when the callee %s, with no follow-up request', async (_label, behaviour) => {
    const to = nextNumber();
    await script(to, behaviour);
    const placed = await place(to);
    const call = await finished(placed.id);
    expect(call.outcome).toBe('not-answered');
    expect(await followUps(placed.callLegId)).toEqual(expected('create'));
  });

  it('reaches the same outcome with the same follow-up requests when every event is delivered twice and out of order', async () => {
    await t.emulator().put('/emulator/faults').send({ duplicateRate: 1, reorderRate: 1 }).expect(200);
    const placed = await agentUnavailableCall();
    type Emitted = { attempts: Array<{ status: number | null; duplicate?: true }>; reordered?: true };
    // The last duplicate copies may still be on their way when the outcome is decided.
    const emitted = await eventually('every event and its duplicate to be delivered', async () => {
      const events: Emitted[] = (await t.emulator().get(`/emulator/calls/${placed.callLegId}`)).body.events;
      return events.every((e) => e.attempts.filter((a) => a.status !== null).length >= 2) ? events : undefined;
    });
    const inbox = await t.service.store.inbox.list(placed.id);
    // Every event was acknowledged twice (the second as a duplicate), some arrived out of order, and each was stored and handled once.
    expect(emitted.every((e) => e.attempts.filter((a) => a.status === 200).length === 2)).toBe(true);
    expect(emitted.some((e) => e.reordered)).toBe(true);
    expect(inbox).toHaveLength(emitted.length);
    expect(inbox.every((e) => e.status === 'handled')).toBe(true);
  });

  it('answers 400 naming the field for a bad request, and 401 without the API key', async () => {
    const bad = await t.api().post('/api/calls').send({ to: '12345', audioFileUri: AUDIO });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/^body\.to: /);
    const typo = await t.api().post('/api/calls').send({ to: nextNumber(), audioFileURI: AUDIO });
    expect(typo.status).toBe(400);
    expect(typo.body.error.details.map((d: { field: string }) => d.field)).toEqual(expect.arrayContaining(['body.audioFileUri']));
    const anonymous = await fetch(`${t.service.url}/api/calls`, { method: 'POST' });
    expect(anonymous.status).toBe(401);
  });

  it('lists calls by outcome with paging', async () => {
    const all = (await t.api().get('/api/calls').query({ limit: 2 })).body;
    expect(all.calls).toHaveLength(2);
    const next = (await t.api().get('/api/calls').query({ limit: 2, cursor: all.nextCursor })).body;
    expect(next.calls[0].id).not.toBe(all.calls[1].id);
    const notAnswered = (await t.api().get('/api/calls').query({ outcome: 'not-answered' })).body.calls;
    expect(notAnswered.length).toBeGreaterThanOrEqual(2);
    expect(notAnswered.every((c: { outcome: string }) => c.outcome === 'not-answered')).toBe(true);
    expect((await t.api().get('/api/calls').query({ outcome: 'bogus' })).status).toBe(400);
  });
});

describe.each(GENERATIONS.map((g) => [g.name, g] as const))('reminder calls when the Call Automation service keeps failing (%s)', (_name, generation) => {
  let t: TestService;
  let upstream: http.Server;
  let requests = 0;
  let answer = { status: 503, code: 'ServiceUnavailable' };

  beforeAll(async () => {
    upstream = http.createServer((_req, res) => {
      requests++;
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(ERROR_BODY[generation.name](answer.code)));
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const { port } = upstream.address() as AddressInfo;
    t = await startTestService('sqlite', {
      ACS_CONNECTION_STRING: `endpoint=http://127.0.0.1:${port}/;accesskey=${Buffer.from('k'.repeat(32)).toString('base64')}`,
      ACS_MAX_RETRIES: '2',
      ...generation.env,
    });
  });
  afterAll(async () => {
    await t.stop();
    upstream.close();
  });

  it('answers 502 once retries are exhausted and records outcome failed with the error', async () => {
    const res = await t.api().post('/api/calls').send({ to: '+14255550999', audioFileUri: AUDIO });
    expect(res.status).toBe(502);
    expect(res.body.error).toMatchObject({ code: 'upstream_error', details: { status: 503, code: 'ServiceUnavailable' } });
    expect(requests).toBe(3);
    const call = (await t.api().get(`/api/calls/${res.body.error.details.callId}`)).body;
    expect(call).toMatchObject({ state: 'failed', outcome: 'failed', error: { status: 503, code: 'ServiceUnavailable', operation: 'createCall' } });
    expect(call.timeline.map((e: { kind: string; name: string }) => `${e.kind}:${e.name}`)).toEqual(['request:createCall', 'outcome:failed']);
  });

  it('answers 422, not a 5xx, when the service refuses the data of the request', async () => {
    answer = { status: 400, code: 'InvalidTarget' };
    requests = 0;
    const res = await t.api().post('/api/calls').send({ to: '+14255550998', audioFileUri: AUDIO });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ code: 'rejected_by_call_automation', details: { status: 400, code: 'InvalidTarget' } });
    expect(requests).toBe(1);
  });
});

/**
 * The agent's phone rings on and on: callhook's own invite timeout (60 s)
 * ends it, not the service. The emulator lets an invite ring 10 emulated
 * minutes (6 s here), and the service's clock is moved past its timeout once
 * the invite has reached the emulator, so nothing waits a real minute.
 */
describe.each(GENERATIONS.map((g) => [g.name, g] as const))('an agent who never answers the invite (%s)', (_name, generation) => {
  const clock = offsetClock();
  let emulator: RunningEmulator;
  let t: TestService;

  beforeAll(async () => {
    emulator = await startEmulator({ noAnswerTimeoutMs: 600_000 });
    t = await startTestService('sqlite', { ACS_CONNECTION_STRING: emulator.connectionString, ...generation.env }, undefined, clock);
  });
  afterAll(async () => {
    await t.stop();
    await emulator.close();
  });

  it('hangs up once the invite timeout passes, outcome agent-unavailable', async () => {
    const to = '+14255558000';
    await emulator.control().post('/emulator/scripts').send({ target: to, dtmf: [{ afterMs: 500, keys: '1' }] }).expect(201);
    await emulator.control().post('/emulator/scripts').send({ target: AGENT, answer: 'never' }).expect(201);
    const placed = (await t.api().post('/api/calls').send({ to, audioFileUri: AUDIO }).expect(201)).body;
    const sent = async () =>
      ((await emulator.control().get('/emulator/requests').query({ callLegId: placed.callLegId })).body.requests as LoggedRequest[]).map((r) => generation.describe(r, placed.callLegId));
    const inviting = requestsOf(generation, ['create', 'prompt', 'stop', 'invite']);
    await eventually('the invite to reach the emulator', async () => (await sent()).length === inviting.length);
    expect(await sent()).toEqual(inviting);
    clock.advance(61_000);
    const call = await eventually('the call to end', async () => {
      const body = (await t.api().get(`/api/calls/${placed.id}`)).body;
      return body.state === 'terminated' ? body : undefined;
    });
    expect(call.outcome).toBe('agent-unavailable');
    expect(call.timeline.find((e: { kind: string }) => e.kind === 'outcome').detail).toMatchObject({ reason: 'the agent did not answer in time' });
    expect(await sent()).toEqual(requestsOf(generation, ['create', 'prompt', 'stop', 'invite', 'hangUp']));
  });
});
