import fs from 'node:fs';
import path from 'node:path';
import { openStore, Store } from '../../src/store';
import { RunningEmulator, startEmulator } from '../helpers/emulator';
import { OwnPostgres, postgresBinDir, startOwnPostgres } from '../helpers/own-postgres';
import { ServiceProcess, startServiceProcess } from '../helpers/process';
import { eventually } from '../helpers/service';
import { callbackPath, TEST_API_KEY } from '../helpers/tokens';

const AUDIO = 'https://media.example.com/reminder.wav';
const FIXTURE = fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'events', 'dtmf-received.json'), 'utf8');

if (!postgresBinDir()) {
  // CI and the dev machine have them; say why nothing ran rather than pass silently.
  console.warn('database-away.test.ts skipped: no Postgres server binaries (initdb, pg_ctl) under /usr/lib/postgresql');
}
const describeWithPostgres = postgresBinDir() ? describe : describe.skip;

/**
 * The service against a Postgres server of the test's own, which the test
 * takes away twice while a campaign runs: every connection killed
 * (pg_terminate_backend), then the server stopped (fast) and started again.
 */
describeWithPostgres('the database going away under a running campaign (Postgres)', () => {
  let pg: OwnPostgres;
  let emulator: RunningEmulator;
  let service: ServiceProcess | undefined;

  beforeAll(async () => {
    pg = await startOwnPostgres();
    emulator = await startEmulator({ ringMs: 200 });
    // The callbacks refused while the database is away are retried, as Event Grid retries them.
    await emulator.control().put('/emulator/faults').send({ maxAttempts: 30, retryBaseMs: 200, retryMaxMs: 1000 }).expect(200);
    service = await startServiceProcess({ ACS_CONNECTION_STRING: emulator.connectionString, DATABASE_URL: pg.url, INSTANCE_ID: 'database-away-test' });
  }, 60_000);
  afterAll(async () => {
    if (service && service.child.exitCode === null) await service.kill('SIGKILL');
    await emulator?.close();
    pg?.destroy();
  });

  const api = (p: string, init: RequestInit = {}) =>
    fetch(`${service!.url}${p}`, { ...init, headers: { authorization: `Bearer ${TEST_API_KEY}`, 'content-type': 'application/json', ...init.headers } });

  async function withStore<T>(fn: (store: Store) => Promise<T>): Promise<T> {
    const store = await openStore({ kind: 'postgres', url: pg.url });
    try {
      return await fn(store);
    } finally {
      await store.close();
    }
  }

  const alive = () => service!.child.exitCode === null && service!.child.signalCode === null;
  const readiness = async () => (await fetch(`${service!.url}/readyz`)).status;

  it('survives killed connections and a server stop, answers 503 meanwhile, and finishes the campaign dialling each target once', async () => {
    const targets = Array.from({ length: 60 }, (_, i) => `+1555${4_000_000 + i}`);
    for (const to of targets) await emulator.control().post('/emulator/scripts').send({ target: to, dtmf: [{ afterMs: 300, keys: '2' }] }).expect(201);
    const created = await api('/api/campaigns', {
      method: 'POST',
      body: JSON.stringify({ name: 'database away', audioFileUri: AUDIO, callsPerSecond: 20, maxConcurrentCalls: 15, targets: targets.map((to) => ({ to })) }),
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const creates = async () => (await emulator.control().get('/emulator/requests').query({ operation: 'createCall', limit: 10_000 })).body.requests.length;

    await eventually('the campaign to be dialling', async () => (await creates()) >= 10);
    expect(await pg.terminateConnections()).toBeGreaterThan(0);
    await eventually('more calls to go out after the connections were killed', async () => (await creates()) >= 25, 30_000);
    expect(await pg.terminateConnections()).toBeGreaterThan(0);
    expect(alive()).toBe(true);

    const { calls } = (await (await api(`/api/calls?campaignId=${id}&limit=1`)).json()) as { calls: Array<{ id: string }> };
    pg.stop();
    expect(alive()).toBe(true);
    await eventually('/readyz to say the database is away', async () => (await readiness()) === 503);
    const refused = await fetch(`${service!.url}${callbackPath(calls[0].id)}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: FIXTURE });
    expect(refused.status).toBe(503);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('database_unavailable');
    expect(alive()).toBe(true);

    pg.start();
    await eventually('/readyz to be ready again', async () => (await readiness()) === 200, 30_000);
    const done = await eventually(
      'the campaign to complete',
      async () => {
        const body = (await (await api(`/api/campaigns/${id}`)).json()) as { status: string; outcomes: Record<string, number> };
        return body.status === 'completed' ? body : undefined;
      },
      90_000,
    );
    expect(alive()).toBe(true);
    expect(done.outcomes).toEqual({ 'answered-acknowledged': targets.length });

    // Dialled means a leg: a create re-sent with the same Repeatability-Request-ID answers with the same leg.
    const legs = (await emulator.control().get('/emulator/calls').query({ limit: 10_000 })).body.calls as Array<{ targets: string[] }>;
    const dials = new Map<string, number>();
    for (const l of legs) dials.set(l.targets[0], (dials.get(l.targets[0]) ?? 0) + 1);
    expect(targets.filter((to) => dials.get(`4:${to}`) !== 1)).toEqual([]);

    // Every callback the service acknowledged was handled (none left pending, none parked as failed).
    const statuses = await withStore(async (store) => {
      const out: string[] = [];
      for (const call of await store.calls.list({ campaignId: id, limit: 1000 })) out.push(...(await store.inbox.list(call.id)).map((e) => e.status));
      return out;
    });
    expect(statuses.length).toBeGreaterThan(targets.length * 3);
    expect(statuses.filter((s) => s !== 'handled' && s !== 'ignored')).toEqual([]);
  }, 180_000);

  it('answers 201 for a call whose create succeeded while the database went away, and plays its message once the database is back', async () => {
    const to = '+14255586001';
    // The emulator applies the create at once and answers it 3 s later; the database stops meanwhile.
    await emulator.control().put('/emulator/faults').send({ maxAttempts: 30, retryBaseMs: 200, retryMaxMs: 2000, restResponseDelayMs: 3000 }).expect(200);
    const placing = api('/api/calls', { method: 'POST', body: JSON.stringify({ to, audioFileUri: AUDIO, waitSeconds: 600 }) });
    const leg = await eventually('the emulator to create the leg', async () => {
      const legs = (await emulator.control().get('/emulator/calls').query({ limit: 10_000 })).body.calls as Array<{ callLegId: string; targets: string[] }>;
      return legs.find((l) => l.targets[0] === `4:${to}`)?.callLegId;
    });
    pg.stop();
    const placed = await placing;
    // Event Grid retries for a day; 30 attempts up to 2 s apart cover a database restart on a loaded machine.
    await emulator.control().put('/emulator/faults').send({ maxAttempts: 30, retryBaseMs: 200, retryMaxMs: 2000 }).expect(200);
    // The call is placed: a 5xx here would make the client place it again.
    expect(placed.status).toBe(201);
    const body = (await placed.json()) as { id: string; callLegId: string; state: string };
    expect(body).toMatchObject({ callLegId: leg, state: 'creating' });
    expect(alive()).toBe(true);

    pg.start();
    const plays = async () => (await emulator.control().get('/emulator/requests').query({ callLegId: leg, operation: 'playAudio' })).body.requests.length;
    await eventually('the message to play', async () => (await plays()) === 1, 60_000);
    const stored = await withStore((s) => s.calls.get(body.id));
    expect(stored).toMatchObject({ callLegId: leg, state: 'established' });
    const legs = (await emulator.control().get('/emulator/calls').query({ limit: 10_000 })).body.calls as Array<{ targets: string[] }>;
    expect(legs.filter((l) => l.targets[0] === `4:${to}`)).toHaveLength(1);
  }, 120_000);
});
