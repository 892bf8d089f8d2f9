import { parseCallbackBody } from '../../src/events/parse';
import { createLogger } from '../../src/logger';
import { createRetention } from '../../src/retention';
import { openStore, Store } from '../../src/store';
import { DATABASE_KINDS, freshDatabase, TestDatabase } from '../helpers/databases';
import { fixture } from '../helpers/fixtures';

const DAY = 24 * 3600_000;

const incoming = (name: string, id: string) => {
  const [e] = parseCallbackBody({ ...fixture(name), id });
  return { dedupeKey: e.dedupeKey, eventType: e.eventType, known: e.known, callLegId: null, eventTimeMs: e.eventTimeMs, body: e.event };
};

describe.each(DATABASE_KINDS)('retention on %s', (kind) => {
  let database: TestDatabase;
  let store: Store;
  let now = 1_700_000_000_000;
  const clock = { now: () => now, sleep: async () => undefined };
  const logs: string[] = [];
  const logger = createLogger({ level: 'info', destination: { write: (line: string) => void logs.push(line) } });

  beforeEach(async () => {
    database = await freshDatabase(kind);
    store = await openStore(database.config, clock.now);
  });
  afterEach(async () => {
    await store.close();
    await database.drop();
  });

  /** A call with an event, a timeline entry, a timer and a roster entry; `endedDaysAgo` null leaves it up. */
  async function call(id: string, endedDaysAgo: number | null, extra: { campaignId?: string } = {}) {
    await store.calls.insert({ id, kind: 'call', flow: 'reminder', settings: {}, state: 'established', ...extra });
    await store.tx((r) => r.inbox.ingest(id, [incoming('call-state-established', `${id}-evt`)], now));
    await store.timeline.append({ callId: id, at: now, kind: 'note', name: 'test' });
    await store.timers.schedule({ id: `${id}-timer`, callId: id, kind: 'no-key', dueAt: now + 1000 });
    await store.roster.join(id, { participantId: `${id}-p`, rawId: '8:acs:p', isMuted: false, joinedAt: now });
    await delivery(`call:${id}`, id, extra.campaignId ?? null);
    if (endedDaysAgo !== null) await store.calls.update(id, { state: 'terminated', endedAt: now - endedDaysAgo * DAY });
  }

  /** A delivered webhook of a call (callId) or of a campaign itself (callId null). */
  async function delivery(key: string, callId: string | null, campaignId: string | null) {
    await store.db.run(
      `INSERT INTO webhook_outbox (event_id, dedupe_key, event_type, endpoint, order_key, call_id, campaign_id, body, status, attempts, created_at, next_attempt_at)
       VALUES (?, ?, 'call.outcome', 'https://hooks.example.com/', ?, ?, ?, '{}', 'delivered', 1, ?, ?)`,
      [`msg_${key}`, key, key, callId, campaignId, now, now],
    );
  }

  async function campaign(id: string, targets: number, finishedDaysAgo: number | null) {
    await store.tx((r) =>
      r.campaigns.create(
        { id, name: id, settings: {}, callsPerSecond: 1, maxConcurrent: 1, maxAttempts: 1, retryDelayMs: 0, retryOutcomes: [], callingWindow: null, nextSlotAt: 0 } as never,
        Array.from({ length: targets }, (_, i) => ({ rowNo: i + 1, target: `+1555${1_000_000 + i}`, fields: {} })),
      ),
    );
    await delivery(`campaign:${id}`, null, id);
    if (finishedDaysAgo !== null) await store.db.run("UPDATE campaigns SET status = 'completed', finished_at = ? WHERE id = ?", [now - finishedDaysAgo * DAY, id]);
  }

  const count = async (table: string) => Number((await store.db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`))!.n);
  const ids = async (table: string) => (await store.db.all<{ id: string }>(`SELECT id FROM ${table} ORDER BY id`)).map((r) => r.id);

  it('deletes what ended before the retention period, in small batches, and keeps the rest', async () => {
    await call('old', 31);
    await call('recent', 29);
    await call('up', null);
    await campaign('done', 120, 31);
    await call('done-call', 31, { campaignId: 'done' });
    await campaign('running', 3, null);
    await call('running-call', 31, { campaignId: 'running' });
    for (let i = 0; i < 7; i++) await call(`bulk-${i}`, 40);

    const retention = createRetention({ store, clock, logger, retentionDays: 30, batchSize: 3 });
    const pruned = await retention.runOnce();

    expect(await ids('calls')).toEqual(['recent', 'running-call', 'up']);
    expect(await ids('campaigns')).toEqual(['running']);
    expect(await count('campaign_targets')).toBe(3);
    for (const table of ['inbox', 'timeline', 'timers', 'roster']) expect(await count(table)).toBe(3);
    // The running campaign's own delivery and the three kept calls' stay.
    expect(await count('webhook_outbox')).toBe(4);
    expect(pruned).toEqual({ calls: 9, inbox: 9, timeline: 9, timers: 9, roster: 9, webhook_outbox: 10, campaign_targets: 120, campaigns: 1 });
    expect(logs.some((l) => l.includes('"retention pruned ended calls and campaigns"') && l.includes('"campaign_targets":120'))).toBe(true);

    // Nothing more is due until the clock moves on; then the recent call goes too.
    expect(await retention.runOnce()).toEqual({});
    now += 2 * DAY;
    expect((await retention.runOnce()).calls).toBe(1);
    expect(await ids('calls')).toEqual(['running-call', 'up']);
  });

  it('keeps everything with RETENTION_DAYS=0', async () => {
    await call('old', 3650);
    expect(await createRetention({ store, clock, logger, retentionDays: 0 }).runOnce()).toEqual({});
    expect(await ids('calls')).toEqual(['old']);
  });
});
