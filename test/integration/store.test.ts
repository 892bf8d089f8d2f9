import { openDb, openStore, Store } from '../../src/store';
import { campaignsRepo } from '../../src/store/campaigns';
import { MIGRATIONS, migrate } from '../../src/store/migrations';
import { parseCallbackBody } from '../../src/events/parse';
import { DATABASE_KINDS, freshDatabase, TestDatabase } from '../helpers/databases';
import { fixture } from '../helpers/fixtures';

const incoming = (name: string, overrides: Record<string, unknown> = {}) => {
  const [e] = parseCallbackBody({ ...fixture(name), ...overrides });
  return { dedupeKey: e.dedupeKey, eventType: e.eventType, known: e.known, callLegId: e.callLegId, eventTimeMs: e.eventTimeMs, body: e.event };
};

describe.each(DATABASE_KINDS)('store on %s', (kind) => {
  let database: TestDatabase;
  let store: Store;
  let now = 1_700_000_000_000;

  beforeEach(async () => {
    database = await freshDatabase(kind);
    store = await openStore(database.config, () => now);
  });
  afterEach(async () => {
    await store.close();
    await database.drop();
  });

  it('applies migrations once, however often it runs', async () => {
    expect(await migrate(store.db)).toEqual([]);
    const rows = await store.db.all<{ id: number }>('SELECT id FROM schema_migrations ORDER BY id');
    expect(rows.map((r) => r.id)).toEqual(MIGRATIONS.map((m) => m.id));
  });

  // Postgres only: several instances share a Postgres database; SQLite is one instance by definition.
  if (kind === 'postgres')
    it('lets several instances migrate one fresh database at once', async () => {
      const fresh = await freshDatabase(kind);
      try {
        const stores = await Promise.all(Array.from({ length: 4 }, () => openStore(fresh.config, () => now)));
        const applied = await stores[0].db.all<{ id: number }>('SELECT id FROM schema_migrations ORDER BY id');
        expect(applied.map((r) => r.id)).toEqual(MIGRATIONS.map((m) => m.id));
        await Promise.all(stores.map((s) => s.close()));
      } finally {
        await fresh.drop();
      }
    });

  it('upgrades a database of the previous version in place: a campaign under way goes on and completes', async () => {
    const previous = await freshDatabase(kind);
    try {
      const { config } = previous;
      const db = openDb(config);
      await migrate(db, MIGRATIONS.slice(0, -1));
      const old = campaignsRepo(db, () => now);
      await old.create(
        { id: 'cmp-1', name: 'outage', settings: {}, callsPerSecond: 10, maxConcurrent: 5, maxAttempts: 1, retryDelayMs: 0, retryOutcomes: [], callingWindow: null },
        [
          { rowNo: 1, target: '4:+14255550101', fields: {} },
          { rowNo: 2, target: '4:+14255550102', fields: {} },
        ],
      );
      const claimed = await db.tx((tx) => campaignsRepo(tx, () => now).claim('cmp-1', 1_000, now, (target) => `call-${target.rowNo}`));
      expect(claimed.map((c) => c.target.rowNo)).toEqual([1, 2]);
      await db.close();

      const upgraded = await openStore(config, () => now);
      try {
        const applied = await upgraded.db.all<{ id: number }>('SELECT id FROM schema_migrations ORDER BY id');
        expect(applied.map((r) => r.id)).toEqual(MIGRATIONS.map((m) => m.id));
        expect(await upgraded.tx((r) => r.campaigns.finishAttempt('call-1', 'answered-acknowledged', now))).toBe('done');
        expect((await upgraded.campaigns.get('cmp-1'))?.status).toBe('running');
        expect(await upgraded.tx((r) => r.campaigns.finishAttempt('call-2', 'not-answered', now))).toBe('done');
        expect((await upgraded.campaigns.get('cmp-1'))?.status).toBe('completed');
        const targets = await upgraded.campaigns.targets('cmp-1');
        expect(targets.map((t) => [t.rowNo, t.status, t.outcome, t.attempts])).toEqual([
          [1, 'done', 'answered-acknowledged', 1],
          [2, 'done', 'not-answered', 1],
        ]);
      } finally {
        await upgraded.close();
      }
    } finally {
      await previous.drop();
    }
  });

  it('completes a campaign whose last attempts end at the same moment', async () => {
    for (let i = 0; i < 5; i++) {
      const id = `cmp-race-${i}`;
      await store.tx((r) =>
        r.campaigns.create(
          { id, name: 'race', settings: {}, callsPerSecond: 10, maxConcurrent: 5, maxAttempts: 1, retryDelayMs: 0, retryOutcomes: [], callingWindow: null },
          [1, 2, 3].map((rowNo) => ({ rowNo, target: `4:+1425555010${rowNo}`, fields: {} })),
        ),
      );
      const claimed = await store.tx((r) => r.campaigns.claim(id, 1_000, now, (target) => `${id}-call-${target.rowNo}`));
      expect(claimed).toHaveLength(3);
      // Each in a transaction of its own, at once: on Postgres each reads the others' targets as still dialling until they commit.
      const results = await Promise.all(claimed.map(({ target }) => store.campaigns.finishAttempt(`${id}-call-${target.rowNo}`, 'answered-acknowledged', now)));
      expect(results).toEqual(['done', 'done', 'done']);
      expect((await store.campaigns.get(id))?.status).toBe('completed');
    }
  });

  it('stores, updates and pages calls', async () => {
    for (let i = 0; i < 5; i++) {
      now += 1;
      await store.calls.insert({ id: `c${i}`, kind: 'call', flow: 'reminder', settings: { audioFileUri: 'https://a/x.wav' }, target: '4:+14255550100' });
    }
    const updated = await store.calls.update('c3', { state: 'established', workflow: { played: true }, outcome: 'no-response' });
    expect(updated).toMatchObject({ id: 'c3', state: 'established', workflow: { played: true }, outcome: 'no-response' });
    const page1 = await store.calls.list({ limit: 2 });
    expect(page1.map((c) => c.id)).toEqual(['c4', 'c3']);
    const page2 = await store.calls.list({ limit: 2, before: { createdAt: page1[1].createdAt, id: page1[1].id } });
    expect(page2.map((c) => c.id)).toEqual(['c2', 'c1']);
    expect((await store.calls.list({ limit: 10, outcome: 'no-response' })).map((c) => c.id)).toEqual(['c3']);
    expect(await store.calls.get('nope')).toBeUndefined();
  });

  describe('inbox', () => {
    beforeEach(async () => {
      await store.calls.insert({ id: 'a', kind: 'call', flow: 'reminder', settings: {}, callLegId: 'leg-a', state: 'establishing' });
      await store.calls.insert({ id: 'b', kind: 'call', flow: 'reminder', settings: {}, callLegId: '531f3600-481f-41c8-8a75-3e8b2e8e6200', state: 'establishing' });
    });

    it('acknowledges a duplicate delivery without storing it twice', async () => {
      const e = incoming('dtmf-received');
      expect(await store.tx((r) => r.inbox.ingest('a', [e, e], now))).toEqual({ accepted: 1, duplicates: 1, fresh: [true, false] });
      expect(await store.tx((r) => r.inbox.ingest('a', [e], now))).toEqual({ accepted: 0, duplicates: 1, fresh: [false] });
      expect((await store.inbox.list('a')).length).toBe(1);
    });

    it('refuses an unknown call and a leg that belongs to another call, storing nothing', async () => {
      await expect(store.tx((r) => r.inbox.ingest('zzz', [incoming('dtmf-received')], now))).rejects.toMatchObject({ status: 404 });
      const foreign = incoming('call-state-established');
      await expect(store.tx((r) => r.inbox.ingest('a', [incoming('dtmf-received'), foreign], now))).rejects.toMatchObject({ status: 403 });
      expect(await store.inbox.list('a')).toEqual([]);
      expect(await store.tx((r) => r.inbox.ingest('b', [foreign], now))).toEqual({ accepted: 1, duplicates: 0, fresh: [true] });
    });

    it('refuses a one-event body as a longer one, and counts the UTF-8 bytes of new events only', async () => {
      // One-event bodies are stored by a single checked INSERT; refusals and duplicates take the full path.
      const limits = { graceMs: 1000, maxBytesPerCall: 1_000_000 };
      await expect(store.tx((r) => r.inbox.ingest('zzz', [incoming('dtmf-received')], now, limits))).rejects.toMatchObject({ status: 404 });
      await expect(store.tx((r) => r.inbox.ingest('a', [incoming('call-state-established')], now, limits))).rejects.toMatchObject({ status: 403 });
      const e = incoming('dtmf-received', { note: 'Grüße, 電話 ☎' });
      expect(await store.tx((r) => r.inbox.ingest('a', [e], now, limits))).toEqual({ accepted: 1, duplicates: 0, fresh: [true] });
      expect(await store.tx((r) => r.inbox.ingest('a', [e], now, limits))).toEqual({ accepted: 0, duplicates: 1, fresh: [false] });
      const bytes = async () => Number((await store.db.get<{ n: number }>("SELECT callback_bytes AS n FROM calls WHERE id = 'a'"))!.n);
      expect(await bytes()).toBe(Buffer.byteLength(JSON.stringify(e.body)));
      // A body that would pass the limit is refused with 413, and a call past its window with 410.
      await expect(store.tx((r) => r.inbox.ingest('a', [incoming('dtmf-received', { id: 'big' })], now, { ...limits, maxBytesPerCall: 100 }))).rejects.toMatchObject({ status: 413 });
      await store.calls.update('a', { endedAt: now - 5000 });
      await expect(store.tx((r) => r.inbox.ingest('a', [incoming('dtmf-received', { id: 'late' })], now, limits))).rejects.toMatchObject({ status: 410 });
      expect((await store.inbox.list('a')).length).toBe(1);
      expect(await bytes()).toBe(Buffer.byteLength(JSON.stringify(e.body)));
    });

    it('leases a call to one owner at a time and hands out events in eventTime order', async () => {
      const late = incoming('call-state-terminated', { subject: 'callLeg/leg-a/callState', data: { ...fixture('call-state-terminated').data, CallLegId: 'leg-a' } });
      const early = incoming('call-state-established', { subject: 'callLeg/leg-a/callState', data: { ...fixture('call-state-established').data, CallLegId: 'leg-a' } });
      await store.tx((r) => r.inbox.ingest('a', [late, early], now));
      expect(await store.inbox.claimCalls('one', 10, now, 1000)).toEqual(['a']);
      expect(await store.inbox.claimCalls('two', 10, now, 1000)).toEqual([]);
      const first = await store.inbox.nextWithCall('a', now);
      expect((first!.event.body as any).data.CallState).toBe('Established');
      await store.inbox.finish(first!.event.seq, 'handled', now);
      expect(((await store.inbox.nextWithCall('a', now))!.event.body as any).data.CallState).toBe('Terminated');
      // An expired lease is taken over by another owner.
      expect(await store.inbox.claimCalls('two', 10, now + 1001, 1000)).toEqual(['a']);
      await store.inbox.releaseLease('two', 'a');
      expect(await store.inbox.claimCalls('one', 10, now + 1001, 1000)).toEqual(['a']);
    });

    it('keeps a call being created out of dispatch until its create request answers', async () => {
      await store.calls.insert({ id: 'c', kind: 'call', flow: 'reminder', settings: {}, lease: { owner: 'creator', until: now + 5000 } });
      await store.tx((r) => r.inbox.ingest('c', [incoming('dtmf-received')], now));
      expect(await store.inbox.claimCalls('one', 10, now, 1000)).toEqual([]);
      // Its creator holds it; once that lease lapses (the creator died) the resume sweep may take it.
      expect(await store.calls.claimInterruptedCreates('sweeper', 10, now, 1000)).toEqual([]);
      expect((await store.calls.claimInterruptedCreates('sweeper', 10, now + 5001, 1000)).map((c) => c.id)).toEqual(['c']);
      await store.calls.bindLeg('c', 'leg-c', 'sweeper');
      expect(await store.inbox.claimCalls('one', 10, now, 1000)).toEqual(['c']);
    });

    it('holds an event back until its retry time', async () => {
      await store.tx((r) => r.inbox.ingest('a', [incoming('dtmf-received')], now));
      const { event } = (await store.inbox.nextWithCall('a', now))!;
      await store.inbox.retryLater(event.seq, now + 500, 'boom');
      expect(await store.inbox.claimCalls('one', 10, now, 1000)).toEqual([]);
      expect((await store.inbox.nextWithCall('a', now))!.due).toBe(false);
      expect(await store.inbox.claimCalls('one', 10, now + 500, 1000)).toEqual(['a']);
      expect(await store.inbox.stats()).toEqual({ depth: 1, oldestReceivedAt: now });
    });
  });

  it('turns a due timer into an inbox event exactly once', async () => {
    await store.calls.insert({ id: 't', kind: 'call', flow: 'reminder', settings: {}, state: 'established' });
    await store.timers.schedule({ id: 'timer-1', callId: 't', kind: 'no-key', dueAt: now + 100, payload: { n: 1 } });
    await store.timers.schedule({ id: 'timer-1', callId: 't', kind: 'no-key', dueAt: now + 999 });
    expect(await store.timers.nextDueAt()).toBe(now + 100);
    expect(await store.tx((r) => r.timers.fireDue(now + 99, 10))).toBe(0);
    expect(await store.tx((r) => r.timers.fireDue(now + 100, 10))).toBe(1);
    expect(await store.tx((r) => r.timers.fireDue(now + 200, 10))).toBe(0);
    const { event } = (await store.inbox.nextWithCall('t', now + 100))!;
    expect(event).toMatchObject({ source: 'timer', eventType: 'callhook.TimerFired', body: { timerId: 'timer-1', kind: 'no-key', payload: { n: 1 } } });
    await store.timers.schedule({ id: 'timer-2', callId: 't', kind: 'no-key', dueAt: now + 100 });
    expect(await store.timers.cancel('t', 'no-key', now)).toBe(1);
    expect(await store.timers.nextDueAt()).toBeNull();
  });

  it('writes a timeline entry with a dedupe key once', async () => {
    await store.calls.insert({ id: 'x', kind: 'call', flow: 'reminder', settings: {} });
    const entry = { callId: 'x', at: now, kind: 'event' as const, name: 'E', detail: { a: 1 }, dedupeKey: 'inbox:1' };
    await store.timeline.append(entry);
    await store.timeline.append(entry);
    await store.timeline.append({ callId: 'x', at: now, kind: 'request', name: 'playAudio', status: '202', latencyMs: 12 });
    expect(await store.timeline.list('x')).toEqual([
      expect.objectContaining({ kind: 'event', name: 'E', detail: { a: 1 } }),
      expect.objectContaining({ kind: 'request', name: 'playAudio', status: '202', latencyMs: 12, detail: null }),
    ]);
  });

  it('rolls a failed transaction back completely', async () => {
    await expect(
      store.tx(async (r) => {
        await r.calls.insert({ id: 'r1', kind: 'call', flow: 'reminder', settings: {} });
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await store.calls.get('r1')).toBeUndefined();
  });
});
