import { systemClock } from '../../src/clock';
import { createLogger } from '../../src/logger';
import { openStore, Store } from '../../src/store';
import { createDeliverer, Deliverer } from '../../src/webhooks/deliverer';
import { DATABASE_KINDS, freshDatabase, TestDatabase } from '../helpers/databases';
import { eventually } from '../helpers/service';
import { Receiver, startReceiver, webhookSecret } from '../helpers/webhook-receiver';

const SECRET = webhookSecret('outbox');

/** The outbox on a real database with a real deliverer and receiver: what is committed is sent, what is rolled back is not. */
describe.each(DATABASE_KINDS)('webhook outbox (%s)', (kind) => {
  let database: TestDatabase;
  let store: Store;
  let receiver: Receiver;
  let deliverers: Deliverer[] = [];
  let n = 0;

  beforeAll(async () => {
    receiver = await startReceiver(SECRET);
    database = await freshDatabase(kind);
    store = await openStore(database.config, Date.now, { defaultUrl: receiver.url });
  });
  afterEach(async () => {
    await Promise.all(deliverers.map((d) => d.stop(1000)));
    deliverers = [];
    expect(receiver.unverified).toEqual([]);
  });
  afterAll(async () => {
    await store.close();
    await database.drop();
    await receiver.close();
  });

  const deliverer = async (on: Store, owner: string) => {
    const d = createDeliverer({
      store: on,
      clock: systemClock,
      logger: createLogger({ level: 'silent' }),
      owner,
      secrets: [SECRET],
      allowPrivate: true,
      timeoutMs: 1000,
      horizonMs: 60_000,
      retryBaseMs: 50,
      pollMs: 20,
    });
    deliverers.push(d);
    await d.start();
    return d;
  };

  async function newCall(): Promise<string> {
    const id = `outbox-call-${kind}-${n++}`;
    await store.calls.insert({ id, kind: 'call', flow: 'reminder', target: '4:+14255550100', settings: { operationContext: 'ctx' }, state: 'established' });
    return id;
  }

  it('sends nothing for a change that was rolled back, and the change committed after it', async () => {
    const rolledBack = await newCall();
    await expect(
      store.tx(async (r) => {
        await r.calls.decideOutcome(rolledBack, 'no-response', null, 'no key');
        throw new Error('the handler failed after deciding');
      }),
    ).rejects.toThrow('the handler failed');
    expect((await store.calls.get(rolledBack))?.outcome).toBeNull();
    const committed = await newCall();
    await store.tx((r) => r.calls.decideOutcome(committed, 'no-response', null, 'no key'));
    await deliverer(store, 'one');
    await eventually('the committed outcome', () => receiver.accepted.find((w) => w.data.callId === committed));
    expect(receiver.attempts.filter((a) => a.type === 'call.outcome')).toHaveLength(1);
    expect(receiver.accepted.find((w) => w.data.callId === rolledBack)).toBeUndefined();
    expect(await store.webhooks.list({ callId: rolledBack, limit: 10 })).toEqual([]);
  });

  it('writes one event per change however often the work that makes it is re-run', async () => {
    const id = await newCall();
    await store.tx((r) => r.calls.decideOutcome(id, 'answered-acknowledged', null, 'acknowledged'));
    await store.tx((r) => r.calls.decideOutcome(id, 'no-response', null, 'a late timer'));
    await store.calls.update(id, { state: 'terminated', endedAt: Date.now() });
    await store.calls.update(id, { state: 'terminated', endedAt: Date.now() });
    const rows = await store.webhooks.list({ callId: id, limit: 10 });
    expect(rows.map((r) => r.type).sort()).toEqual(['call.ended', 'call.outcome']);
    expect(JSON.parse(rows.find((r) => r.type === 'call.outcome')!.body).data.outcome).toBe('answered-acknowledged');
  });

  it('writes nothing when no endpoint wants the event', async () => {
    const quiet = await openStore(database.config, Date.now, { defaultUrl: receiver.url, defaultEvents: ['call.ended'] });
    try {
      const id = await newCall();
      await quiet.tx((r) => r.calls.decideOutcome(id, 'no-response', null, 'no key'));
      expect(await quiet.webhooks.list({ callId: id, limit: 10 })).toEqual([]);
    } finally {
      await quiet.close();
    }
  });

  // Several instances share a database only on Postgres (SQLite is one process's file).
  (kind === 'postgres' ? it : it.skip)('delivers each event once with two deliverers on one database, each call in commit order', async () => {
    const other = await openStore(database.config, Date.now, { defaultUrl: receiver.url });
    try {
      const ids: string[] = [];
      for (let i = 0; i < 15; i++) ids.push(await newCall());
      await deliverer(store, 'instance-a');
      await deliverer(other, 'instance-b');
      for (const id of ids) {
        await store.tx((r) => r.calls.decideOutcome(id, 'no-response', null, 'no key'));
        await other.calls.update(id, { state: 'terminated', endedAt: Date.now() });
      }
      const expected = ids.length * 2;
      await eventually('every event', () => receiver.accepted.filter((w) => ids.includes(w.data.callId)).length >= expected);
      const got = receiver.accepted.filter((w) => ids.includes(w.data.callId));
      expect(got).toHaveLength(expected);
      expect(new Set(got.map((w) => w.id)).size).toBe(expected);
      for (const id of ids) expect(got.filter((w) => w.data.callId === id).map((w) => w.type)).toEqual(['call.outcome', 'call.ended']);
    } finally {
      await other.close();
    }
  });
});
