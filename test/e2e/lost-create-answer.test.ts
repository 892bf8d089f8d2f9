import { DATABASE_KINDS, freshDatabase, TestDatabase } from '../helpers/databases';
import { RunningEmulator, startEmulator } from '../helpers/emulator';
import { freePort, ServiceProcess, startServiceProcess } from '../helpers/process';
import { eventually } from '../helpers/service';
import { TEST_API_KEY } from '../helpers/tokens';

/**
 * The process that placed a call dies while its create-call request waits for
 * the answer; the callee has already answered and its Established event is
 * acknowledged. A new process without a stable INSTANCE_ID cannot tell the old
 * one is dead, so the create lease (120 s) would keep the call in `creating`
 * and the callee in silence. The event names the leg: the message must play
 * well before that lease could lapse.
 */
describe.each(DATABASE_KINDS)('a create answer lost in a crash (%s)', (kind) => {
  let emulator: RunningEmulator;
  let database: TestDatabase;
  let service: ServiceProcess | undefined;

  beforeAll(async () => {
    emulator = await startEmulator({ ringMs: 100 });
    database = await freshDatabase(kind);
  });
  afterAll(async () => {
    if (service && service.child.exitCode === null) await service.kill('SIGKILL');
    await emulator.close();
    await database.drop();
  });

  it('plays the message to the answered callee within seconds of the restart, and places the call once', async () => {
    const port = await freePort();
    const env = { ACS_CONNECTION_STRING: emulator.connectionString, DATABASE_URL: database.url };
    service = await startServiceProcess(env, port);
    const to = `+1425558${kind === 'sqlite' ? '1001' : '1002'}`;
    // The emulator applies the create at once but answers it only after a minute.
    await emulator.control().put('/emulator/faults').send({ restResponseDelayMs: 60_000 }).expect(200);
    void fetch(`${service.url}/api/calls`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_API_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ to, audioFileUri: 'https://media.example.com/reminder.wav', waitSeconds: 600 }),
    }).catch(() => undefined);
    const leg = await eventually('the callee to answer and Established to be acknowledged', async () => {
      const calls = (await emulator.control().get('/emulator/calls').query({ limit: 1000 })).body.calls as Array<{ callLegId: string; targets: string[] }>;
      const mine = calls.find((c) => c.targets[0] === `4:${to}`);
      if (!mine) return undefined;
      const events = (await emulator.control().get(`/emulator/calls/${mine.callLegId}`)).body.events as Array<{ outcome: string; subject: string }>;
      return events.some((e) => e.outcome === 'delivered' && e.subject.endsWith('callState')) && events.filter((e) => e.outcome === 'delivered').length >= 2
        ? mine.callLegId
        : undefined;
    });
    await service.kill('SIGKILL');
    await emulator.control().delete('/emulator/faults').expect(200);

    // No INSTANCE_ID: the new process is a stranger to the old one's leases.
    service = await startServiceProcess(env, port);
    const plays = async () => (await emulator.control().get('/emulator/requests').query({ callLegId: leg, operation: 'playAudio' })).body.requests.length;
    await eventually('the message to play', async () => (await plays()) === 1, 20_000);
    const legs = (await emulator.control().get('/emulator/calls').query({ limit: 1000 })).body.calls as Array<{ targets: string[] }>;
    expect(legs.filter((l) => l.targets[0] === `4:${to}`)).toHaveLength(1);
  }, 60_000);
});
