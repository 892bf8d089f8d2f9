import { openStore, Store } from '../../src/store';
import { DATABASE_KINDS, freshDatabase, TestDatabase } from '../helpers/databases';
import { RunningEmulator, startEmulator } from '../helpers/emulator';
import { GENERATIONS } from '../helpers/generations';
import { freePort, ServiceProcess, startServiceProcess } from '../helpers/process';
import { eventually } from '../helpers/service';
import { TEST_API_KEY } from '../helpers/tokens';

const AUDIO = 'https://media.example.com/reminder.wav';

/** What differs per generation here: the connected event, how many events precede its acknowledgement, the play's log name, whether a play is repeatable, the campaign's size. */
const ON = {
  preview: { connected: 'Microsoft.Communication.CallLegStateChanged', eventsUntilConnected: 3, play: 'playAudio', playRepeatable: true, campaignSize: 150 },
  // GA: CallConnected then ParticipantsUpdated; `:play` carries no Repeatability-Request-ID in the API; a smaller campaign keeps the suite's time down.
  ga: { connected: 'Microsoft.Communication.CallConnected', eventsUntilConnected: 2, play: 'play', playRepeatable: false, campaignSize: 60 },
};

const CASES = DATABASE_KINDS.flatMap((kind) => GENERATIONS.map((generation) => [kind, generation.name, generation] as const));

/**
 * The service really stopped (SIGKILL: no shutdown code runs) and started
 * again on the same database and port, while the emulator keeps the calls up
 * and keeps delivering their events, retrying while nobody answers.
 */
describe.each(CASES)('restarting the service mid-call (%s, %s)', (kind, _name, generation) => {
  const on = ON[generation.name];
  let emulator: RunningEmulator;
  let database: TestDatabase;
  let port: number;
  let service: ServiceProcess | undefined;
  let n = 0;
  const nextNumber = () => `+1425557${String(1000 + n++).padStart(4, '0')}`;

  beforeAll(async () => {
    emulator = await startEmulator({ ringMs: 200 });
    database = await freshDatabase(kind);
    port = await freePort();
  });
  afterEach(async () => {
    if (service && service.child.exitCode === null) await service.kill('SIGKILL');
    service = undefined;
    await emulator.control().delete('/emulator/faults');
  });
  afterAll(async () => {
    await emulator.close();
    await database.drop();
  });

  const start = (env: Record<string, string> = {}) =>
    startServiceProcess({ ACS_CONNECTION_STRING: emulator.connectionString, DATABASE_URL: database.url, INSTANCE_ID: 'restart-test', ...generation.env, ...env }, port);

  async function place(url: string, to: string, extra: object = {}) {
    const res = await fetch(`${url}/api/calls`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_API_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ to, audioFileUri: AUDIO, ...extra }),
    });
    expect(res.status).toBe(201);
    return (await res.json()) as { id: string; callLegId: string };
  }

  const leg = async (callLegId: string) => (await emulator.control().get(`/emulator/calls/${callLegId}`)).body;
  const requests = async (callLegId: string, operation: string) =>
    (await emulator.control().get('/emulator/requests').query({ callLegId, operation })).body.requests as Array<{
      repeatabilityRequestId?: string;
      repeatabilityResult?: string;
      status: number;
      body: { operationContext?: string };
    }>;

  /** Reads the database the way the next process will, outside any service. */
  async function withStore<T>(fn: (store: Store) => Promise<T>): Promise<T> {
    const store = await openStore(database.config);
    try {
      return await fn(store);
    } finally {
      await store.close();
    }
  }

  it('handles an event acknowledged just before a crash once, after the restart', async () => {
    // An ingest-only process acknowledges the call's events but handles none of them.
    service = await start({ DISPATCH_CONCURRENCY: '0' });
    const to = nextNumber();
    const call = await place(service.url, to, { waitSeconds: 600 });
    await eventually('Established to be acknowledged', async () => {
      const events = (await leg(call.callLegId)).events as Array<{ eventType: string; outcome: string }>;
      return events.filter((e) => e.outcome === 'delivered').length >= on.eventsUntilConnected;
    });
    await service.kill('SIGKILL');
    expect(await withStore((s) => s.inbox.list(call.id))).toEqual(
      expect.arrayContaining([expect.objectContaining({ status: 'pending', eventType: on.connected })]),
    );
    expect(await requests(call.callLegId, on.play)).toHaveLength(0);

    service = await start();
    await eventually('the message to play', async () => (await requests(call.callLegId, on.play)).length === 1);
    await eventually('every event to be handled', async () => (await withStore((s) => s.inbox.list(call.id))).every((e) => e.status === 'handled'));
    const inbox = await withStore((s) => s.inbox.list(call.id));
    const timeline = await withStore((s) => s.timeline.list(call.id));
    expect(inbox.every((e) => e.attempts === 1)).toBe(true);
    expect(timeline.filter((e) => e.kind === 'event')).toHaveLength(inbox.length);
    expect(await requests(call.callLegId, on.play)).toHaveLength(1);
  });

  it('re-runs a handler cut off mid-request without applying its request twice, and its timer still hangs up on time', async () => {
    service = await start();
    const to = nextNumber();
    await emulator.control().post('/emulator/scripts').send({ target: to, ringMs: 20_000 }).expect(201);
    const call = await place(service.url, to, { waitSeconds: 2 });
    // The emulator applies PlayAudio at once but answers it only after 30 s: the handler is stuck waiting.
    await emulator.control().put('/emulator/faults').send({ restResponseDelayMs: 30_000 }).expect(200);
    // The emulator logs a request when it answers; the playback it started shows that it arrived.
    await eventually('PlayAudio to reach the emulator', async () => (await leg(call.callLegId)).playback !== null, 20_000);
    await service.kill('SIGKILL');
    await emulator.control().delete('/emulator/faults').expect(200);

    service = await start();
    const ended = await eventually(
      'the no-key timer to end the call',
      async () => {
        const res = await fetch(`${service!.url}/api/calls/${call.id}`, { headers: { authorization: `Bearer ${TEST_API_KEY}` } });
        const body = (await res.json()) as any;
        return body.state === 'terminated' ? body : undefined;
      },
      20_000,
    );
    expect(ended.outcome).toBe('no-response');
    const plays = await requests(call.callLegId, on.play);
    expect(plays).toHaveLength(2);
    if (on.playRepeatable) {
      expect(plays[1].repeatabilityRequestId).toBe(plays[0].repeatabilityRequestId);
      expect(plays[1].repeatabilityResult).toBe('accepted');
    } else {
      // Not repeatable in the API: the re-run is the same step (same context), played again, and nothing else is doubled.
      expect(plays[1].body.operationContext).toBe(plays[0].body.operationContext);
      expect(plays.map((p) => p.status)).toEqual([202, 202]);
    }
    expect(await requests(call.callLegId, 'hangUp')).toHaveLength(1);
    const outcome = ended.timeline.find((e: { kind: string }) => e.kind === 'outcome');
    const playedAt = Date.parse(ended.timeline.find((e: { kind: string; name: string }) => e.kind === 'request' && e.name === 'playAudio').at);
    expect(Date.parse(outcome.at) - playedAt).toBeGreaterThanOrEqual(2000);
  });

  it('fires a timer that fell due while the service was down', async () => {
    service = await start();
    const to = nextNumber();
    const call = await place(service.url, to, { waitSeconds: 1 });
    // By kind: the answer watchdog is pending from the create-call answer on, before the call is even answered.
    await eventually('the no-key timer to be set', async () => (await withStore((s) => s.timers.pending(call.id))).some((t) => t.kind === 'no-key'));
    await service.kill('SIGKILL');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    service = await start();
    await eventually('the call to be hung up', async () => (await requests(call.callLegId, 'hangUp')).length === 1);
    const stored = await eventually('the outcome', async () => {
      const c = await withStore((s) => s.calls.get(call.id));
      return c?.outcome ? c : undefined;
    });
    expect(stored.outcome).toBe('no-response');
  });

  it('drains in-flight handling on SIGTERM and exits 0', async () => {
    service = await start();
    const to = nextNumber();
    await emulator.control().post('/emulator/scripts').send({ target: to, ringMs: 20_000 }).expect(201);
    const call = await place(service.url, to, { waitSeconds: 600 });
    await emulator.control().put('/emulator/faults').send({ restResponseDelayMs: 1_000 }).expect(200);
    await eventually('PlayAudio to reach the emulator', async () => (await leg(call.callLegId)).playback !== null, 20_000);
    expect(await requests(call.callLegId, on.play)).toHaveLength(0);
    const exit = await service.kill('SIGTERM');
    expect(exit).toEqual({ code: 0, signal: null });
    expect(service.output.some((l) => l.includes('"callhook stopped"'))).toBe(true);
    const established = (await withStore((s) => s.inbox.list(call.id))).filter((e) => e.eventType === on.connected);
    expect(established.every((e) => e.status === 'handled')).toBe(true);
    const timeline = await withStore((s) => s.timeline.list(call.id));
    expect(timeline.find((e) => e.kind === 'request' && e.name === 'playAudio')).toMatchObject({ status: '202' });
  });

  it('keeps a campaign going after a crash without dialling anyone twice for the same attempt', async () => {
    // While the service is down the emulator keeps retrying its deliveries, as Event Grid does.
    await emulator.control().put('/emulator/faults').send({ maxAttempts: 30, retryMaxMs: 100_000 }).expect(200);
    const targets = Array.from({ length: on.campaignSize }, (_, i) => `+1555${3_000_000 + i}`);
    for (const to of targets) await emulator.control().post('/emulator/scripts').send({ target: to, dtmf: [{ afterMs: 300, keys: '2' }] }).expect(201);
    const since = Date.now();
    service = await start();
    const created = await fetch(`${service.url}/api/campaigns`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_API_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'interrupted', audioFileUri: AUDIO, callsPerSecond: 60, maxConcurrentCalls: 25, targets: targets.map((to) => ({ to })) }),
    });
    const { id } = (await created.json()) as { id: string };
    const creates = async () => (await emulator.control().get('/emulator/requests').query({ operation: 'createCall', since, limit: 10_000 })).body.requests.length;
    await eventually('a third of the campaign to be dialled', async () => (await creates()) >= targets.length / 3);
    await service.kill('SIGKILL');

    service = await start();
    const done = await eventually(
      'the campaign to complete',
      async () => {
        const res = await fetch(`${service!.url}/api/campaigns/${id}`, { headers: { authorization: `Bearer ${TEST_API_KEY}` } });
        const body = (await res.json()) as { status: string; outcomes: Record<string, number> };
        return body.status === 'completed' ? body : undefined;
      },
      60_000,
    );
    expect(done.outcomes).toEqual({ 'answered-acknowledged': targets.length });
    const legs = (await emulator.control().get('/emulator/calls').query({ limit: 10_000 })).body.calls as Array<{ targets: string[] }>;
    const dials = new Map<string, number>();
    for (const l of legs) dials.set(l.targets[0], (dials.get(l.targets[0]) ?? 0) + 1);
    expect(targets.filter((to) => dials.get(`4:${to}`) !== 1)).toEqual([]);
  }, 90_000);
});
