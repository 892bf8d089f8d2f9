import { freshDatabase, TestDatabase } from '../helpers/databases';
import { RunningEmulator, startEmulator } from '../helpers/emulator';
import { ServiceProcess, startServiceProcess } from '../helpers/process';
import { eventually } from '../helpers/service';
import { TEST_API_KEY } from '../helpers/tokens';

const postgres = process.env.TEST_DATABASE_URL ? describe : describe.skip;

/** Two real service processes sharing one Postgres database, as a scaled-out deployment runs. */
postgres('two instances sharing one Postgres database', () => {
  const TARGETS = 300;
  let emulator: RunningEmulator;
  let database: TestDatabase;
  let instances: ServiceProcess[] = [];

  beforeAll(async () => {
    emulator = await startEmulator({ maxEndedLegs: 2000, ringMs: 200 });
    database = await freshDatabase('postgres');
    // Migrations run concurrently on purpose: both must come up on one schema.
    instances = await Promise.all(
      ['a', 'b'].map((name) =>
        startServiceProcess({ ACS_CONNECTION_STRING: emulator.connectionString, DATABASE_URL: database.url, INSTANCE_ID: `instance-${name}` }),
      ),
    );
  });
  afterAll(async () => {
    await Promise.all(instances.map((i) => i.kill('SIGTERM')));
    await emulator.close();
    await database.drop();
  });

  const api = (instance: ServiceProcess, path: string, init: RequestInit = {}) =>
    fetch(`${instance.url}${path}`, { ...init, headers: { authorization: `Bearer ${TEST_API_KEY}`, 'content-type': 'application/json', ...init.headers } });

  it('dials every target once per attempt, with both instances doing the work', async () => {
    const targets = Array.from({ length: TARGETS }, (_, i) => `+1555${2_000_000 + i}`);
    const neverAnswers = new Set(targets.filter((_, i) => i % 5 === 0));
    for (const to of targets) {
      const script = neverAnswers.has(to) ? { answer: 'never' } : { dtmf: [{ afterMs: 300, keys: '2' }] };
      await emulator.control().post('/emulator/scripts').send({ target: to, ...script }).expect(201);
    }
    const created = await api(instances[0], '/api/campaigns', {
      method: 'POST',
      body: JSON.stringify({
        name: 'scaled out',
        audioFileUri: 'https://media.example.com/a.wav',
        callsPerSecond: 100,
        maxConcurrentCalls: 40,
        retry: { attempts: 2, delaySeconds: 0.2, on: ['not-answered'] },
        targets: targets.map((to) => ({ to })),
      }),
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };

    const done = await eventually(
      'the campaign to complete',
      async () => {
        const body = (await (await api(instances[1], `/api/campaigns/${id}`)).json()) as { status: string; outcomes: Record<string, number> };
        return body.status === 'completed' ? body : undefined;
      },
      90_000,
    );
    expect(done.outcomes).toEqual({ 'answered-acknowledged': TARGETS - neverAnswers.size, 'not-answered': neverAnswers.size });

    const legs = (await emulator.control().get('/emulator/calls').query({ limit: 10_000 })).body.calls as Array<{ callLegId: string; targets: string[] }>;
    const dials = new Map<string, number>();
    for (const leg of legs) dials.set(leg.targets[0], (dials.get(leg.targets[0]) ?? 0) + 1);
    for (const to of targets) expect([to, dials.get(`4:${to}`)]).toEqual([to, neverAnswers.has(to) ? 2 : 1]);

    // Each instance's calls carry its own callbackUri; both placed some.
    const placedBy = new Map<string, number>();
    for (const leg of legs.slice(0, 100)) {
      const { callbackUri } = (await emulator.control().get(`/emulator/calls/${leg.callLegId}`)).body as { callbackUri: string };
      placedBy.set(new URL(callbackUri).port, (placedBy.get(new URL(callbackUri).port) ?? 0) + 1);
    }
    expect([...placedBy.keys()].sort()).toEqual(instances.map((i) => new URL(i.url).port).sort());
  }, 120_000);
});
