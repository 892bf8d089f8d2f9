import { openStore } from '../../src/store';
import type { FlowState } from '../../src/flows/state';
import { DATABASE_KINDS, freshDatabase, TestDatabase } from '../helpers/databases';
import { RunningEmulator, startEmulator } from '../helpers/emulator';
import { GENERATIONS } from '../helpers/generations';
import { freePort, ServiceProcess, startServiceProcess } from '../helpers/process';
import { eventually } from '../helpers/service';
import { TEST_API_KEY } from '../helpers/tokens';

/** Three digits then #: the service is killed after the first digit and started again before the rest come. */
const CODE_FLOW = {
  start: 'code',
  nodes: {
    code: {
      type: 'gather',
      prompt: { audioUri: 'https://media.example.com/enter-code.wav' },
      maxDigits: 3,
      finishKey: '#',
      firstKeyTimeoutSeconds: 30,
      interDigitTimeoutSeconds: 30,
      next: 'check',
    },
    check: { type: 'branch', cases: { '123': 'right' }, default: 'wrong' },
    right: { type: 'hangup', outcome: 'code-accepted' },
    wrong: { type: 'hangup', outcome: 'code-refused' },
  },
};

const CASES = DATABASE_KINDS.flatMap((kind) => GENERATIONS.map((generation) => [kind, generation.name, generation] as const));

describe.each(CASES)('a flow survives a restart mid-gather (%s, %s)', (kind, name, generation) => {
  let emulator: RunningEmulator;
  let database: TestDatabase;
  let service: ServiceProcess | undefined;

  beforeAll(async () => {
    // At the harness's time scale (0.01) the prompt plays 0.5 s, the first key comes 1 s in and the rest 6 s in.
    emulator = await startEmulator({ ringMs: 200, audioDurationMs: 50_000 });
    database = await freshDatabase(kind);
  });
  afterAll(async () => {
    if (service && service.child.exitCode === null) await service.kill('SIGKILL');
    await emulator.close();
    await database.drop();
  });

  const api = (url: string, path: string, body?: unknown) =>
    fetch(`${url}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { authorization: `Bearer ${TEST_API_KEY}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  const workflowOf = async (callId: string) => {
    const store = await openStore(database.config);
    try {
      return (await store.calls.get(callId))?.workflow as FlowState;
    } finally {
      await store.close();
    }
  };

  it('keeps the digits gathered before the crash and resumes at the same node', async () => {
    const port = await freePort();
    const start = () =>
      startServiceProcess({ ACS_CONNECTION_STRING: emulator.connectionString, DATABASE_URL: database.url, INSTANCE_ID: 'flows-restart', ...generation.env }, port);
    service = await start();
    expect((await api(service.url, '/api/flows/code', CODE_FLOW)).status).toBe(201);
    const to = '+14255580001';
    // Keys count from Established (seed) or from the start of key recognition (GA), both at the start of the gather.
    await emulator
      .control()
      .post('/emulator/scripts')
      .send({ target: to, dtmf: [{ afterMs: 100_000, keys: '1' }, { afterMs: 600_000, keys: '23#' }] })
      .expect(201);
    const placed = (await (await api(service.url, '/api/calls', { to, flow: 'code' })).json()) as { id: string; callLegId: string };

    await eventually('the first digit to be counted', async () => (await workflowOf(placed.id))?.digits === '1', 8000);
    await service.kill('SIGKILL');
    service = await start();

    const ended = await eventually(
      'the call to end',
      async () => {
        const body = (await (await api(service!.url, `/api/calls/${placed.id}`)).json()) as any;
        return body.state === 'terminated' ? body : undefined;
      },
      20_000,
    );
    expect(ended.outcome).toBe('code-accepted');
    const flow = ended.timeline.filter((e: { kind: string }) => e.kind === 'flow').map((e: { name: string }) => e.name);
    expect(flow).toEqual(['node:code', 'keys:code:123', 'node:check', 'decision:check', 'node:right']);
    const plays = (await emulator.control().get('/emulator/requests').query({ callLegId: placed.callLegId })).body.requests.filter(
      (r: { operation: string; path: string }) => (name === 'preview' ? r.operation === 'playAudio' : r.path.endsWith(':play')),
    );
    expect(plays).toHaveLength(1);
  });
});
