import { parseCallbackBody } from '../../src/events/parse';
import { openStore, Store } from '../../src/store';
import { DATABASE_KINDS, freshDatabase, TestDatabase } from '../helpers/databases';
import { fixture } from '../helpers/fixtures';

const incoming = (id: string, callLegId: string) => {
  const seed = fixture('call-state-established');
  const [e] = parseCallbackBody({ ...seed, id, subject: `callLeg/${callLegId}/callState`, data: { ...seed.data, CallLegId: callLegId } });
  return { dedupeKey: e.dedupeKey, eventType: e.eventType, known: e.known, callLegId: e.callLegId, eventTimeMs: e.eventTimeMs, body: e.event };
};

/** A call whose create answer was lost is bound from the leg its events name (see resumeInterruptedCreates). */
describe.each(DATABASE_KINDS)('binding call legs from stored events on %s', (kind) => {
  let database: TestDatabase;
  let store: Store;
  const now = 1_700_000_000_000;

  beforeEach(async () => {
    database = await freshDatabase(kind);
    store = await openStore(database.config, () => now);
  });
  afterEach(async () => {
    await store.close();
    await database.drop();
  });

  const creating = (id: string) => store.calls.insert({ id, kind: 'call', flow: 'reminder', settings: {}, lease: { owner: 'dead-instance', until: now + 120_000 } });

  it('binds a creating call from its events and frees it for dispatch at once', async () => {
    await creating('a');
    await creating('no-events');
    await store.tx((r) => r.inbox.ingest('a', [incoming('e1', 'leg-a')], now));
    expect(await store.inbox.claimCalls('dispatcher', 10, now, 1000)).toEqual([]);

    const bound = await store.calls.bindLegsFromEvents(10);
    expect(bound.map((c) => [c.id, c.callLegId, c.state])).toEqual([['a', 'leg-a', 'establishing']]);
    expect(await store.inbox.claimCalls('dispatcher', 10, now, 1000)).toEqual(['a']);
    expect(await store.calls.bindLegsFromEvents(10)).toEqual([]);
    // The creator answering late binds the same leg and leaves the dispatcher's lease alone.
    await store.calls.bindLeg('a', 'leg-a', 'dead-instance');
    expect(await store.inbox.claimCalls('other', 10, now, 1000)).toEqual([]);
    expect((await store.calls.get('no-events'))!.state).toBe('creating');
  });

  it('binds only one of two calls whose events name the same leg, and keeps binding others', async () => {
    await creating('x');
    await creating('y');
    await creating('z');
    await store.tx((r) => r.inbox.ingest('x', [incoming('e1', 'same-leg')], now));
    await store.tx((r) => r.inbox.ingest('y', [incoming('e2', 'same-leg')], now));
    await store.tx((r) => r.inbox.ingest('z', [incoming('e3', 'leg-z')], now));
    const bound = await store.calls.bindLegsFromEvents(10);
    expect(bound.map((c) => c.callLegId).sort()).toEqual(['leg-z', 'same-leg']);
    expect(await store.calls.bindLegsFromEvents(10)).toEqual([]);
  });
});
