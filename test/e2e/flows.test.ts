import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { DATABASE_KINDS } from '../helpers/databases';
import { GENERATIONS, type Generation, type LoggedRequest } from '../helpers/generations';
import { eventually, startTestService, TestService } from '../helpers/service';

const AGENT = '8:acs:callhook-emulator_agent';
const SECRET = `whsec_${Buffer.from('flows-e2e-secret-0123456789abcdef').toString('base64')}`;
const audio = (name: string) => `https://media.example.com/${name}.wav`;

/**
 * A three-level menu: confirm (1), reschedule (2: a day then #, booked by
 * asking the organisation), an agent (3). Key times are emulated (0.01 s
 * real per second); callhook's own timeouts are real seconds.
 */
function menuFlow(askUrl: string) {
  return {
    description: 'confirm, reschedule or speak to someone',
    start: 'menu',
    nodes: {
      menu: {
        type: 'gather',
        prompt: { audioUri: audio('menu') },
        valid: ['1', '2', '3'],
        firstKeyTimeoutSeconds: 2,
        noInput: { prompt: { audioUri: audio('menu-again') }, retries: 1, next: 'no-answer' },
        invalid: { prompt: { audioUri: audio('menu-invalid') }, retries: 1, next: 'no-valid-key' },
        next: 'route',
      },
      route: { type: 'branch', on: 'menu', cases: { '1': 'confirmed', '2': 'day', '3': 'agent' }, default: 'no-valid-key' },
      confirmed: { type: 'hangup', outcome: 'confirmed' },
      day: { type: 'gather', prompt: { audioUri: audio('day') }, maxDigits: 2, finishKey: '#', firstKeyTimeoutSeconds: 2, next: 'book' },
      book: { type: 'ask', url: `${askUrl}?phone={{to}}`, timeoutSeconds: 1, routes: ['booked', 'full'], fallback: 'try-later' },
      booked: { type: 'play', prompt: { audioUri: audio('booked') }, next: 'rescheduled' },
      rescheduled: { type: 'hangup', outcome: 'rescheduled' },
      full: { type: 'hangup', outcome: 'no-slot' },
      'try-later': { type: 'hangup', outcome: 'reschedule-failed' },
      agent: { type: 'connect', timeoutSeconds: 20, next: 'with-agent', failure: 'sorry' },
      'with-agent': { type: 'hangup', outcome: 'connected-to-agent' },
      sorry: { type: 'play', prompt: { audioUri: audio('sorry') }, next: 'agent-down' },
      'agent-down': { type: 'hangup', outcome: 'agent-unavailable' },
      'no-answer': { type: 'hangup', outcome: 'no-response' },
      'no-valid-key': { type: 'hangup', outcome: 'invalid-input' },
    },
  };
}

type Step = 'create' | 'listen' | 'play' | 'stop' | 'invite' | 'hangUp';
const LEG = '/calling/callConnections/{leg}';
const STEPS: Record<Generation['name'], Record<Step, string[]>> = {
  preview: { create: ['createCall'], listen: [], play: ['playAudio'], stop: ['cancelMediaProcessing'], invite: ['inviteParticipant'], hangUp: ['hangUp'] },
  ga: {
    create: ['POST /calling/callConnections'],
    listen: [`POST ${LEG}:startContinuousDtmfRecognition`],
    play: [`POST ${LEG}:play`],
    stop: [`POST ${LEG}:cancelAllMediaOperations`],
    invite: [`POST ${LEG}/participants:add`],
    hangUp: [`DELETE ${LEG}`],
  },
};

/** The organisation's endpoint for `ask`: verifies each question with standardwebhooks and answers as told. */
async function startAskServer() {
  const verifier = new Webhook(SECRET);
  const questions: Array<{ id: string; body: any; query: string }> = [];
  let answer: 'hang' | { next: string } = { next: 'booked' };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: any;
      try {
        body = verifier.verify(raw, req.headers as Record<string, string>);
      } catch {
        res.writeHead(401).end();
        return;
      }
      questions.push({ id: String(req.headers['webhook-id']), body, query: new URL(req.url ?? '/', 'http://x').search });
      if (answer === 'hang') return;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/ask`,
    questions,
    answerWith: (a: typeof answer) => (answer = a),
    close: () => new Promise<void>((resolve) => server.closeAllConnections() ?? server.close(() => resolve())),
  };
}

const CASES = DATABASE_KINDS.flatMap((kind) => GENERATIONS.map((generation) => [kind, generation.name, generation] as const));

describe.each(CASES)('a menu flow end to end against the emulator (%s, %s)', (kind, name, generation) => {
  let t: TestService;
  let ask: Awaited<ReturnType<typeof startAskServer>>;
  let n = 0;
  const nextNumber = () => `+1425556${String(1000 + n++).padStart(4, '0')}`;

  beforeAll(async () => {
    ask = await startAskServer();
    t = await startTestService(kind, { ...generation.env, WEBHOOK_SECRET: SECRET });
    await t.api().post('/api/flows/menu').send(menuFlow(ask.url)).expect(201);
    // The menu plays 1 s, so a key 20 ms in always comes while it plays; every other file plays 50 ms.
    await t.emulator().put('/emulator/audio').send({ audioFileUri: audio('menu'), durationMs: 100_000 }).expect((res) => expect(res.status).toBeLessThan(300));
  });
  afterAll(async () => {
    await t.stop();
    await ask.close();
  });
  afterEach(async () => {
    await t.emulator().delete('/emulator/scripts').expect(204);
    ask.answerWith({ next: 'booked' });
  });

  const script = (target: string, behaviour: object) => t.emulator().post('/emulator/scripts').send({ target, ...behaviour }).expect(201);

  async function place(to: string, extra: object = {}) {
    const res = await t.api().post('/api/calls').send({ to, flow: 'menu', ...extra });
    expect(res.status).toBe(201);
    return res.body as { id: string; callLegId: string };
  }

  const finished = (id: string) =>
    eventually(`call ${id} to end with an outcome`, async () => {
      const res = await t.api().get(`/api/calls/${id}`);
      return res.body.outcome && res.body.state === 'terminated' ? res.body : undefined;
    });

  const logged = async (callLegId: string): Promise<LoggedRequest[]> => (await t.emulator().get('/emulator/requests').query({ callLegId })).body.requests;
  const requests = async (callLegId: string) => (await logged(callLegId)).map((r) => generation.describe(r, callLegId));
  const expected = (...steps: Step[]) => steps.flatMap((s) => STEPS[name][s]);
  /** The files played, in order, as each generation's request names them. */
  const played = async (callLegId: string) =>
    (await logged(callLegId))
      .filter((r) => /playAudio|:play$/.test(name === 'preview' ? r.operation : r.path))
      .map((r) => (name === 'preview' ? r.body.audioFileUri : r.body.playSources[0].file.uri));
  const flowEntries = (call: { timeline: Array<{ kind: string; name: string }> }) => call.timeline.filter((e) => e.kind === 'flow').map((e) => e.name);

  async function run(to: string, keys: Array<{ afterMs: number; keys: string }>, extra: object = {}) {
    await script(to, { dtmf: keys });
    const placed = await place(to, extra);
    return { placed, call: await finished(placed.id) };
  }

  it('key 1 during the menu stops it and confirms', async () => {
    const { placed, call } = await run(nextNumber(), [{ afterMs: 2000, keys: '1' }]);
    expect(call.outcome).toBe('confirmed');
    expect(await requests(placed.callLegId)).toEqual(expected('create', 'play', 'listen', 'stop', 'hangUp'));
    expect(flowEntries(call)).toEqual(['node:menu', 'keys:menu:1', 'node:route', 'decision:route', 'node:confirmed']);
    // The flow's own outcome is one the call list filters by; a name no flow has is refused.
    const listed = (await t.api().get('/api/calls').query({ outcome: 'confirmed' }).expect(200)).body.calls as Array<{ id: string; outcome: string }>;
    expect(listed.map((c) => c.id)).toContain(placed.id);
    expect(listed.every((c) => c.outcome === 'confirmed')).toBe(true);
    await t.api().get('/api/calls').query({ outcome: 'confirmd' }).expect(400);
  });

  it('no input asks again with the re-prompt, then a key counts', async () => {
    // The menu ends at 1 s, no input at 3-3.2 s, the re-prompt ends by 3.3 s; the key comes at 4 s.
    const { placed, call } = await run(nextNumber(), [{ afterMs: 400_000, keys: '1' }]);
    expect(call.outcome).toBe('confirmed');
    expect(await requests(placed.callLegId)).toEqual(expected('create', 'play', 'listen', 'play', 'hangUp'));
    expect(await played(placed.callLegId)).toEqual([audio('menu'), audio('menu-again')]);
    expect(flowEntries(call)).toEqual(expect.arrayContaining(['no-input:menu', 'keys:menu:1']));
  });

  it('no input after the re-prompt too goes to the no-input node', async () => {
    const { placed, call } = await run(nextNumber(), []);
    expect(call.outcome).toBe('no-response');
    expect(await requests(placed.callLegId)).toEqual(expected('create', 'play', 'listen', 'play', 'hangUp'));
    expect(flowEntries(call).filter((e) => e === 'no-input:menu')).toHaveLength(2);
    expect(flowEntries(call)).toContain('node:no-answer');
  });

  it('an invalid key twice ends at the invalid-input fallback', async () => {
    const { placed, call } = await run(nextNumber(), [
      { afterMs: 2000, keys: '9' },
      { afterMs: 40_000, keys: '8' },
    ]);
    expect(call.outcome).toBe('invalid-input');
    expect(await requests(placed.callLegId)).toEqual(expected('create', 'play', 'listen', 'stop', 'play', 'hangUp'));
    expect(await played(placed.callLegId)).toEqual([audio('menu'), audio('menu-invalid')]);
    expect(flowEntries(call).filter((e) => e === 'invalid:menu')).toHaveLength(2);
  });

  it('key 2 gathers a day up to #, asks the organisation (signed) and follows its answer', async () => {
    const to = nextNumber();
    const { placed, call } = await run(to, [
      { afterMs: 2000, keys: '2' },
      { afterMs: 100_000, keys: '3#' },
    ]);
    expect(call.outcome).toBe('rescheduled');
    expect(await requests(placed.callLegId)).toEqual(expected('create', 'play', 'listen', 'stop', 'play', 'play', 'hangUp'));
    expect(await played(placed.callLegId)).toEqual([audio('menu'), audio('day'), audio('booked')]);
    const question = ask.questions.find((q) => q.body.callId === placed.id);
    expect(question).toMatchObject({
      id: expect.stringMatching(/^ask_/),
      body: { type: 'flow.ask', node: 'book', target: `4:${to}`, gathered: { menu: '2', day: '3' }, routes: ['booked', 'full'], flow: { name: 'menu', version: 1 } },
    });
    expect(call.timeline).toContainEqual(expect.objectContaining({ kind: 'flow', name: 'decision:book', detail: expect.objectContaining({ next: 'booked', reason: 'answered' }) }));
  });

  it('reaches the same outcome with the same digits when every event is delivered twice and out of order', async () => {
    await t.emulator().put('/emulator/faults').send({ duplicateRate: 1, reorderRate: 1 }).expect(200);
    try {
      const { placed, call } = await run(nextNumber(), [
        { afterMs: 2000, keys: '2' },
        { afterMs: 100_000, keys: '31#' },
      ]);
      expect(call.outcome).toBe('rescheduled');
      expect(ask.questions.find((q) => q.body.callId === placed.id)?.body.gathered).toEqual({ menu: '2', day: '31' });
      expect(flowEntries(call)).toEqual([
        'node:menu', 'keys:menu:2', 'node:route', 'decision:route', 'node:day', 'keys:day:31', 'node:book', 'decision:book', 'node:booked', 'node:rescheduled',
      ]);
      expect(await played(placed.callLegId)).toEqual([audio('menu'), audio('day'), audio('booked')]);
      const emitted = (await t.emulator().get(`/emulator/calls/${placed.callLegId}`)).body.events as Array<{ eventType: string; reordered?: true }>;
      expect(emitted.some((e) => e.reordered)).toBe(true);
    } finally {
      await t.emulator().delete('/emulator/faults').expect(200);
    }
  });

  it('an ask that does not answer in time goes to its fallback', async () => {
    ask.answerWith('hang');
    const { placed, call } = await run(nextNumber(), [
      { afterMs: 2000, keys: '2' },
      { afterMs: 100_000, keys: '12' },
    ]);
    expect(call.outcome).toBe('reschedule-failed');
    expect(await requests(placed.callLegId)).toEqual(expected('create', 'play', 'listen', 'stop', 'play', 'hangUp'));
    expect(call.timeline).toContainEqual(expect.objectContaining({ name: 'decision:book', detail: expect.objectContaining({ next: 'try-later' }) }));
  });

  it('key 3 with an agent who cannot be reached goes to the failure node', async () => {
    const to = nextNumber();
    await script(AGENT, { answer: 'reject' });
    const { placed, call } = await run(to, [{ afterMs: 2000, keys: '3' }]);
    expect(call.outcome).toBe('agent-unavailable');
    expect(await requests(placed.callLegId)).toEqual(expected('create', 'play', 'listen', 'stop', 'invite', 'play', 'hangUp'));
    expect(await played(placed.callLegId)).toEqual([audio('menu'), audio('sorry')]);
    expect(flowEntries(call)).toEqual(expect.arrayContaining(['node:agent', 'decision:agent', 'node:sorry', 'node:agent-down']));
  });

  it('key 3 connects the agent and hangs up once they leave', async () => {
    await script(AGENT, { answer: 'accept', hangUpAfterMs: 500 });
    const { placed, call } = await run(nextNumber(), [{ afterMs: 2000, keys: '3' }]);
    expect(call.outcome).toBe('connected-to-agent');
    expect(await requests(placed.callLegId)).toEqual(expected('create', 'play', 'listen', 'stop', 'invite', 'hangUp'));
    expect(call.timeline).toContainEqual(expect.objectContaining({ kind: 'note', name: 'agent_left', detail: { agent: AGENT } }));
  });

  it('the callee hanging up mid-menu is on the timeline at that node', async () => {
    const to = nextNumber();
    await script(to, { hangUpAfterMs: 50_000 });
    const placed = await place(to);
    const call = await finished(placed.id);
    expect(call.outcome).toBe('no-response');
    expect(flowEntries(call)).toContain('hung-up:menu');
  });

  it('speaks text with the variables filled on GA; the seed cannot speak, so it refuses the flow', async () => {
    const spoken = {
      start: 'hello',
      nodes: {
        hello: { type: 'play', prompt: { text: 'Hello {{name}}, your appointment is at {{time}}.', voice: 'en-US-JennyNeural', language: 'en-US' }, next: 'bye' },
        bye: { type: 'hangup', outcome: 'informed' },
      },
    };
    const created = await t.api().post('/api/flows/spoken').send(spoken);
    if (name === 'preview') {
      expect(created.status).toBe(400);
      expect(created.body.error).toMatchObject({ code: 'invalid_flow', message: expect.stringContaining('cannot speak text') });
      return;
    }
    expect(created.status).toBe(201);
    const placed = await place(nextNumber(), { flow: 'spoken', variables: { name: 'Ana', time: '10:30' } });
    const call = await finished(placed.id);
    expect(call.outcome).toBe('informed');
    const play = (await logged(placed.callLegId)).find((r) => r.path.endsWith(':play'));
    expect(play?.body.playSources).toEqual([
      { kind: 'text', text: { text: 'Hello Ana, your appointment is at 10:30.', voiceName: 'en-US-JennyNeural', sourceLocale: 'en-US' } },
    ]);
  });

  it('a callee who hangs up the moment they answer, before the menu can play, did not respond: the refused play is not a failure', async () => {
    const to = nextNumber();
    await script(to, { hangUpAfterMs: 0 });
    const placed = await place(to);
    const call = await finished(placed.id);
    expect(call.outcome).toBe('no-response');
    expect(flowEntries(call)).toEqual(['node:menu', 'hung-up:menu']);
  });

  it('refuses a call naming a flow that is not stored, or without a variable the flow uses', async () => {
    const unknown = await t.api().post('/api/calls').send({ to: nextNumber(), flow: 'nope' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toMatchObject({ code: 'unknown_flow', message: expect.stringContaining('"nope"') });
    const withVariable = { ...menuFlow(ask.url), nodes: { ...menuFlow(ask.url).nodes, confirmed: { type: 'play', prompt: { audioUri: 'https://media.example.com/{{name}}.wav' }, next: 'no-answer' } } };
    await t.api().post('/api/flows/greet').send(withVariable).expect(201);
    const missing = await t.api().post('/api/calls').send({ to: nextNumber(), flow: 'greet' });
    expect(missing.status).toBe(400);
    expect(missing.body.error).toMatchObject({ code: 'invalid_flow', details: [expect.objectContaining({ node: 'confirmed', field: 'nodes.confirmed.prompt.audioUri' })] });
    const given = await t.api().post('/api/calls').send({ to: nextNumber(), flow: 'greet', variables: { name: 'Ana' } });
    expect(given.status).toBe(201);
  });
});

