import { openStore } from '../../src/store';
import { DATABASE_KINDS, freshDatabase, TestDatabase } from '../helpers/databases';
import { RunningEmulator, startEmulator } from '../helpers/emulator';
import { freePort, ServiceProcess, startServiceProcess } from '../helpers/process';
import { eventually } from '../helpers/service';
import { TEST_API_KEY } from '../helpers/tokens';
import { Receiver, startReceiver, webhookSecret } from '../helpers/webhook-receiver';

const AUDIO = 'https://media.example.com/reminder.wav';
const SECRET = webhookSecret('durability');

const api = (url: string, path: string, init: RequestInit = {}) =>
  fetch(`${url}${path}`, { ...init, headers: { authorization: `Bearer ${TEST_API_KEY}`, 'content-type': 'application/json', ...init.headers } });

const webhookEnv = (receiverUrl: string) => ({
  WEBHOOK_URL: receiverUrl,
  WEBHOOK_SECRET: SECRET,
  // The emulator is not embedded here, so private targets are off unless allowed (the receiver is on 127.0.0.1).
  WEBHOOK_ALLOW_PRIVATE: '1',
  WEBHOOK_RETRY_BASE_MS: '50',
  WEBHOOK_TIMEOUT_MS: '1000',
});

/** Real service processes: one killed with SIGKILL between committing events and delivering them; two sharing Postgres. */
describe.each(DATABASE_KINDS)('webhooks across a crash (%s)', (kind) => {
  let emulator: RunningEmulator;
  let database: TestDatabase;
  let service: ServiceProcess | undefined;
  let receiver: Receiver | undefined;

  beforeAll(async () => {
    emulator = await startEmulator({ ringMs: 200 });
    database = await freshDatabase(kind);
  });
  afterAll(async () => {
    if (service && service.child.exitCode === null) await service.kill('SIGKILL');
    await receiver?.close();
    await emulator.close();
    await database.drop();
  });

  it('loses nothing when the service is killed with events committed and not delivered', async () => {
    const port = await freePort();
    const receiverPort = await freePort();
    const receiverUrl = `http://127.0.0.1:${receiverPort}/hooks`;
    const start = () => startServiceProcess({ ACS_CONNECTION_STRING: emulator.connectionString, DATABASE_URL: database.url, ...webhookEnv(receiverUrl) }, port);
    // Nobody listens at the receiver's address yet: every attempt is a refused connection.
    service = await start();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const to = `+1425559${String(1000 + i)}`;
      await emulator.control().post('/emulator/scripts').send({ target: to, dtmf: [{ afterMs: 200, keys: '2' }] }).expect(201);
      const res = await api(service.url, '/api/calls', { method: 'POST', body: JSON.stringify({ to, audioFileUri: AUDIO }) });
      expect(res.status).toBe(201);
      ids.push(((await res.json()) as { id: string }).id);
    }
    const pending = await eventually(
      'both events of every call to be committed and the first refused',
      async () => {
        // Read from the database, as the next process will (polling the API this often would hit its rate limit).
        const store = await openStore(database.config);
        try {
          const pending = (await store.webhooks.list({ status: 'pending', limit: 100 })).filter((d) => ids.includes(d.callId!));
          // call.ended waits behind its call's call.outcome, which keeps being refused.
          const tried = pending.filter((d) => d.type === 'call.outcome' && d.attempts > 0);
          return pending.length === ids.length * 2 && tried.length === ids.length ? pending : undefined;
        } finally {
          await store.close();
        }
      },
      20_000,
    );
    expect(pending.find((d) => d.attempts > 0)!.lastError).toMatch(/ECONNREFUSED/);
    await service.kill('SIGKILL');

    receiver = await startReceiver(SECRET, receiverPort);
    service = await start();
    await eventually('every event after the restart', () => receiver!.accepted.length >= ids.length * 2, 20_000);
    expect(receiver.unverified).toEqual([]);
    expect(receiver.accepted.map((w) => w.id).sort()).toEqual(pending.map((d) => d.eventId).sort());
    for (const id of ids) expect(receiver.accepted.filter((w) => w.data.callId === id).map((w) => w.type)).toEqual(['call.outcome', 'call.ended']);
  });
});

const postgres = process.env.TEST_DATABASE_URL ? describe : describe.skip;

postgres('webhooks from two instances sharing one Postgres database', () => {
  const TARGETS = 12;
  let emulator: RunningEmulator;
  let database: TestDatabase;
  let receiver: Receiver;
  let instances: ServiceProcess[] = [];

  beforeAll(async () => {
    emulator = await startEmulator({ ringMs: 200 });
    database = await freshDatabase('postgres');
    receiver = await startReceiver(SECRET);
    instances = await Promise.all(
      ['a', 'b'].map((name) =>
        startServiceProcess({
          ACS_CONNECTION_STRING: emulator.connectionString,
          DATABASE_URL: database.url,
          INSTANCE_ID: `webhooks-${name}`,
          ...webhookEnv(receiver.url),
        }),
      ),
    );
  });
  afterAll(async () => {
    await Promise.all(instances.map((i) => i.kill('SIGTERM')));
    await receiver.close();
    await emulator.close();
    await database.drop();
  });

  it('delivers each event once between them', async () => {
    const targets = Array.from({ length: TARGETS }, (_, i) => `+1555${3_000_000 + i}`);
    for (const to of targets) await emulator.control().post('/emulator/scripts').send({ target: to, dtmf: [{ afterMs: 200, keys: '2' }] }).expect(201);
    const created = await api(instances[0].url, '/api/campaigns', {
      method: 'POST',
      body: JSON.stringify({ name: 'two instances', audioFileUri: AUDIO, callsPerSecond: 50, maxConcurrentCalls: 12, targets: targets.map((to) => ({ to })) }),
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    await eventually('campaign.finished', () => receiver.ofType('campaign.finished').length === 1, 60_000);
    const expected = await eventually('every call event', () => (receiver.accepted.filter((w) => w.type.startsWith('call.')).length >= TARGETS * 2 ? true : undefined), 30_000);
    expect(expected).toBe(true);
    expect(receiver.unverified).toEqual([]);
    // Once each: no webhook-id accepted twice, and no attempt beyond the one that was accepted.
    const acceptedIds = receiver.accepted.map((w) => w.id);
    expect(new Set(acceptedIds).size).toBe(acceptedIds.length);
    expect(receiver.attempts).toHaveLength(acceptedIds.length);
    const outcomes = receiver.ofType('call.outcome');
    expect(outcomes.map((w) => w.data.target).sort()).toEqual(targets.map((to) => `4:${to}`).sort());
    expect(receiver.ofType('campaign.finished')[0].data).toMatchObject({ campaignId: id, outcomes: { 'answered-acknowledged': TARGETS } });
    // Nothing left pending or failed behind either instance, once the last answers are recorded (after the receiver has them).
    const statuses = async () =>
      ((await (await api(instances[1].url, '/api/webhooks/deliveries?limit=500')).json()) as { deliveries: Array<{ status: string }> }).deliveries.map((d) => d.status);
    await eventually('every delivery recorded', async () => (await statuses()).every((s) => s !== 'pending'));
    expect(new Set(await statuses())).toEqual(new Set(['delivered']));
  });
});
