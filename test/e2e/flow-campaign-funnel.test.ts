import { DATABASE_KINDS } from '../helpers/databases';
import { RunningEmulator, startEmulator } from '../helpers/emulator';
import { GENERATIONS } from '../helpers/generations';
import { eventually, startTestService, TestService } from '../helpers/service';

const AGENT = '8:acs:funnel-agent';
const audio = (name: string) => `https://media.example.com/${name}.wav`;

const MENU = {
  start: 'menu',
  nodes: {
    menu: { type: 'gather', prompt: { audioUri: audio('menu') }, valid: ['1', '2', '3'], firstKeyTimeoutSeconds: 2, noInput: { retries: 0, next: 'no-answer' }, next: 'route' },
    route: { type: 'branch', on: 'menu', cases: { '1': 'confirmed', '2': 'day', '3': 'agent' }, default: 'no-answer' },
    confirmed: { type: 'hangup', outcome: 'confirmed' },
    day: { type: 'gather', prompt: { audioUri: audio('day') }, valid: ['1', '2', '3', '4', '5'], firstKeyTimeoutSeconds: 2, next: 'rescheduled' },
    rescheduled: { type: 'hangup', outcome: 'rescheduled' },
    agent: { type: 'connect', timeoutSeconds: 30, next: 'with-agent', failure: 'no-answer' },
    'with-agent': { type: 'hangup', outcome: 'connected-to-agent' },
    'no-answer': { type: 'hangup', outcome: 'no-response' },
  },
};

/** Who the campaign calls, and what each does; key times are emulated (0.01 s real each). */
const CALLEES = [
  { name: 'confirms', script: { dtmf: [{ afterMs: 300, keys: '1' }] } },
  { name: 'reschedules', script: { dtmf: [{ afterMs: 300, keys: '2' }, { afterMs: 30_000, keys: '4' }] } },
  { name: 'asks for someone', script: { dtmf: [{ afterMs: 300, keys: '3' }] } },
  { name: 'presses nothing', script: {} },
  // 1.2 s in: after the menu has played (50 ms, later on a loaded machine), always before the 2 s wait for a key is over.
  { name: 'hangs up at the menu', script: { hangUpAfterMs: 120_000 } },
  { name: 'never answers', script: { answer: 'never' } },
] as const;

// The 1,000-target run is SQLite's on GA; the other three cases run 120 targets (20 of each callee) for the suite's time.
const CASES = DATABASE_KINDS.flatMap((kind) => GENERATIONS.map((generation) => [kind, generation.name, generation] as const));

describe.each(CASES)('a campaign on a menu flow and its funnel (%s, %s)', (kind, name, generation) => {
  const TARGETS = kind === 'sqlite' && name === 'ga' ? 1002 : 120;
  const each = TARGETS / CALLEES.length;
  let emulator: RunningEmulator;
  let t: TestService;

  beforeAll(async () => {
    emulator = await startEmulator({ maxEndedLegs: 5000, ringMs: 200, noAnswerTimeoutMs: 20_000 });
    t = await startTestService(kind, { ACS_CONNECTION_STRING: emulator.connectionString, AGENT_TARGET: AGENT, ...generation.env });
    await emulator.control().post('/emulator/scripts').send({ target: AGENT, answer: 'accept', hangUpAfterMs: 500 }).expect(201);
    await t.api().post('/api/flows/menu').send(MENU).expect(201);
  });
  afterAll(async () => {
    await t.stop();
    await emulator.close();
  });

  it('counts, per node, exactly the calls the callee scripts send there', async () => {
    const rows = Array.from({ length: TARGETS }, (_, i) => ({ to: `+1555${4_000_000 + i}`, callee: CALLEES[i % CALLEES.length] }));
    for (const { to, callee } of rows) await emulator.control().post('/emulator/scripts').send({ target: to, ...callee.script }).expect(201);
    const created = await t
      .api()
      .post('/api/campaigns')
      .send({ name: 'menu funnel', flow: 'menu', callsPerSecond: 200, maxConcurrentCalls: 200, targets: rows.map(({ to, callee }) => ({ to, callee: callee.name })) });
    expect({ status: created.status, error: created.body.error }).toEqual({ status: 201, error: undefined });
    const id = created.body.id as string;
    await eventually(
      'the campaign to complete',
      async () => (await t.api().get(`/api/campaigns/${id}`)).body.status === 'completed',
      240_000,
    );

    const funnel = (await t.api().get(`/api/campaigns/${id}/funnel`).expect(200)).body;
    expect(funnel.flow).toEqual({ name: 'menu', version: 1 });
    expect(funnel.calls).toBe(TARGETS);
    const node = (id: string) => funnel.nodes.find((n: { node: string }) => n.node === id);
    const answered = TARGETS - each;
    expect(node('menu')).toEqual({ node: 'menu', reached: answered, keys: { '1': each, '2': each, '3': each }, noInput: each, invalid: 0, hungUp: each });
    expect(node('route')).toMatchObject({ reached: 3 * each });
    expect(node('confirmed')).toMatchObject({ reached: each });
    expect(node('day')).toEqual({ node: 'day', reached: each, keys: { '4': each }, noInput: 0, invalid: 0, hungUp: 0 });
    expect(node('rescheduled')).toMatchObject({ reached: each });
    expect(node('agent')).toMatchObject({ reached: each, hungUp: 0 });
    expect(node('with-agent')).toMatchObject({ reached: each });
    expect(node('no-answer')).toMatchObject({ reached: each });
    // The nodes come in the flow's order, from its start.
    expect(funnel.nodes.map((n: { node: string }) => n.node)).toEqual(['menu', 'route', 'no-answer', 'confirmed', 'day', 'agent', 'rescheduled', 'with-agent']);

    const report = (await t.api().get(`/api/campaigns/${id}/report`)).body.targets as Array<{ to: string; outcome: string; fields: Record<string, string> }>;
    const outcomes: Record<string, string> = {
      confirms: 'confirmed',
      reschedules: 'rescheduled',
      'asks for someone': 'connected-to-agent',
      'presses nothing': 'no-response',
      'hangs up at the menu': 'no-response',
      'never answers': 'not-answered',
    };
    const wrong = report.filter((r) => r.outcome !== outcomes[rows.find((row) => row.to === r.to.replace(/^4:/, ''))!.callee.name]);
    expect(wrong).toEqual([]);
  }, 300_000);
});
