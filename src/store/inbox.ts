import { ForbiddenError, GoneError, NotFoundError, TooLargeError } from '../errors';
import { CallRecord, callColumnsAs, callFromPrefixed } from './calls';
import { Db, Param } from './db';

export type InboxSource = 'callback' | 'timer';
export type InboxStatus = 'pending' | 'handled' | 'ignored' | 'failed';

/** What one call's callback token may still store (see CALLBACK_GRACE_SECONDS, CALLBACK_MAX_BYTES_PER_CALL). */
export interface CallbackLimits {
  /** After the call ended, callbacks are accepted this long (late events), then refused with 410. */
  graceMs: number;
  /** Bytes of events stored per call at most; a body that would pass it is refused with 413. */
  maxBytesPerCall: number;
}

export interface IncomingEvent {
  dedupeKey: string;
  eventType: string;
  known: boolean;
  callLegId: string | null;
  eventTimeMs: number;
  /** Sub-millisecond order (100 ns ticks); 0 when the source has none. */
  eventTick?: number;
  body: unknown;
}

export interface InboxEvent {
  seq: number;
  callId: string;
  source: InboxSource;
  eventType: string;
  known: boolean;
  callLegId: string | null;
  eventTime: number;
  body: unknown;
  receivedAt: number;
  attempts: number;
  notBefore: number | null;
}

interface Row {
  seq: number;
  call_id: string;
  source: InboxSource;
  event_type: string;
  known: number;
  call_leg_id: string | null;
  event_time: number;
  body: string;
  received_at: number;
  attempts: number;
  not_before: number | null;
}

function toNext(row: Row, now: number): { event: InboxEvent; due: boolean } {
  return {
    due: row.not_before === null || row.not_before <= now,
    event: {
      seq: row.seq,
      callId: row.call_id,
      source: row.source,
      eventType: row.event_type,
      known: row.known === 1,
      callLegId: row.call_leg_id,
      eventTime: row.event_time,
      body: JSON.parse(row.body),
      receivedAt: row.received_at,
      attempts: row.attempts,
      notBefore: row.not_before,
    },
  };
}

export function inboxRepo(db: Db) {
  const insert = async (callId: string, source: InboxSource, event: IncomingEvent, receivedAt: number) =>
    (
      await db.all(
        `INSERT INTO inbox (call_id, dedupe_key, source, event_type, known, call_leg_id, event_time, event_tick, body, received_at, status)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending') ON CONFLICT (call_id, dedupe_key) DO NOTHING RETURNING seq`,
        [
          callId,
          event.dedupeKey,
          source,
          event.eventType,
          event.known ? 1 : 0,
          event.callLegId,
          event.eventTimeMs,
          event.eventTick ?? 0,
          JSON.stringify(event.body),
          receivedAt,
        ],
      )
    ).length === 1;

  /**
   * Stores one callback event only if the full checks of `ingest` would accept it as new: the call
   * exists, its callback window is open, the body fits under the byte limit, and the event's leg is
   * the call's or no other call's. Returns false when it stored nothing (a duplicate, or a check failed).
   */
  const insertChecked = async (callId: string, event: IncomingEvent, receivedAt: number, limits?: CallbackLimits): Promise<boolean> => {
    const body = JSON.stringify(event.body);
    const where = ['c.id = ?'];
    const params: Param[] = [callId, event.dedupeKey, event.eventType, event.known ? 1 : 0, event.callLegId, event.eventTimeMs, event.eventTick ?? 0, body, receivedAt, callId];
    if (limits) {
      where.push('(c.ended_at IS NULL OR c.ended_at >= ?)', 'c.callback_bytes <= ?');
      params.push(receivedAt - limits.graceMs, limits.maxBytesPerCall - Buffer.byteLength(body));
    }
    if (event.callLegId !== null) {
      where.push('(c.call_leg_id = ? OR NOT EXISTS (SELECT 1 FROM calls o WHERE o.call_leg_id = ? AND o.id <> c.id))');
      params.push(event.callLegId, event.callLegId);
    }
    const rows = await db.all(
      `INSERT INTO inbox (call_id, dedupe_key, source, event_type, known, call_leg_id, event_time, event_tick, body, received_at, status)
       SELECT ?, ?, 'callback', ?, ?, ?, ?, ?, ?, ?, 'pending' FROM calls c WHERE ${where.join(' AND ')}
       ON CONFLICT (call_id, dedupe_key) DO NOTHING RETURNING seq`,
      params,
    );
    return rows.length === 1;
  };

  return {
    insert,

    /**
     * Stores a callback body for one call, all or nothing. Throws NotFoundError for an
     * unknown call and ForbiddenError when an event's CallLegId is another call's.
     * Must run inside a transaction so the answer reflects what is committed.
     */
    /** `fresh[i]` tells whether events[i] was new (true) or a duplicate delivery (false). */
    async ingest(
      callId: string,
      events: IncomingEvent[],
      receivedAt: number,
      limits?: CallbackLimits,
    ): Promise<{ accepted: number; duplicates: number; fresh: boolean[] }> {
      // The usual body: one new event of a known call, its own leg, within the limits. Stored by one
      // statement that checks all of that itself; anything else (a duplicate, a refusal) stores
      // nothing there and takes the full path below, which tells them apart.
      if (events.length === 1 && (await insertChecked(callId, events[0], receivedAt, limits))) return { accepted: 1, duplicates: 0, fresh: [true] };
      const call = await db.get<{ call_leg_id: string | null; ended_at: number | null; callback_bytes: number }>(
        'SELECT call_leg_id, ended_at, callback_bytes FROM calls WHERE id = ?',
        [callId],
      );
      if (!call) throw new NotFoundError(`no call or conversation with id "${callId}"`, 'call_not_found');
      if (limits && call.ended_at !== null && receivedAt > Number(call.ended_at) + limits.graceMs) {
        throw new GoneError(
          `call "${callId}" ended at ${new Date(Number(call.ended_at)).toISOString()}; its callback window closed ${limits.graceMs / 1000} s later`,
          'callback_window_closed',
        );
      }
      const sizes = events.map((e) => Buffer.byteLength(JSON.stringify(e.body)));
      let bodyBytes = sizes.reduce((sum, n) => sum + n, 0);
      if (limits && Number(call.callback_bytes) + bodyBytes > limits.maxBytesPerCall) {
        // Only near the limit: a redelivery of events already stored adds nothing and must still be acknowledged.
        const keys = events.map((e) => e.dedupeKey);
        const stored = new Set(
          (await db.all<{ dedupe_key: string }>(`SELECT dedupe_key FROM inbox WHERE call_id = ? AND dedupe_key IN (${keys.map(() => '?').join(', ')})`, [callId, ...keys])).map(
            (r) => r.dedupe_key,
          ),
        );
        bodyBytes = sizes.reduce((sum, n, i) => (stored.has(keys[i]) ? sum : sum + n), 0);
      }
      if (limits && Number(call.callback_bytes) + bodyBytes > limits.maxBytesPerCall) {
        throw new TooLargeError(
          `call "${callId}" has ${Number(call.callback_bytes)} bytes of callbacks stored; this body of ${bodyBytes} would pass the limit of ${limits.maxBytesPerCall}`,
          'call_callback_limit',
          { stored: Number(call.callback_bytes), body: bodyBytes, limit: limits.maxBytesPerCall },
        );
      }
      const legs = new Set(events.map((e) => e.callLegId).filter((l): l is string => l !== null && l !== call.call_leg_id));
      for (const leg of legs) {
        const owner = await db.get<{ id: string }>('SELECT id FROM calls WHERE call_leg_id = ?', [leg]);
        if (owner && owner.id !== callId) {
          throw new ForbiddenError(`call leg "${leg}" belongs to another call`, 'call_leg_mismatch');
        }
      }
      // Each new row adds its bytes to calls.callback_bytes (trigger inbox_callback_bytes, migration 11);
      // redeliveries store nothing, so only new events count towards the call's limit.
      const fresh: boolean[] = [];
      for (const event of events) fresh.push(await insert(callId, 'callback', event, receivedAt));
      const accepted = fresh.filter(Boolean).length;
      return { accepted, duplicates: events.length - accepted, fresh };
    },

    /**
     * Leases up to `limit` calls that have events due, so that one call's events are
     * handled by one worker at a time, across every instance sharing the database.
     * A call still being created waits: its events are handled once its leg is known.
     */
    async claimCalls(owner: string, limit: number, now: number, leaseMs: number): Promise<string[]> {
      // No look before the UPDATE: it finds something on most ticks (a tick follows a commit), and one
      // that matches nothing writes nothing.
      const rows = await db.all<{ id: string }>(
        `UPDATE calls SET lease_owner = ?, lease_until = ? WHERE id IN (
           SELECT c.id FROM calls c
           WHERE c.id IN (SELECT call_id FROM inbox WHERE handled_at IS NULL AND (not_before IS NULL OR not_before <= ?))
             AND (c.lease_until IS NULL OR c.lease_until < ?)
             AND c.state <> 'creating'
           LIMIT ? {{skip_locked}}
         ) RETURNING id`,
        [owner, now + leaseMs, now, now, limit],
      );
      return rows.map((r) => r.id);
    },

    async renewLeases(owner: string, callIds: string[], until: number): Promise<void> {
      for (const id of callIds) await db.run('UPDATE calls SET lease_until = ? WHERE id = ? AND lease_owner = ?', [until, id, owner]);
    },

    /**
     * Releases the lease when the call has no event due, in one statement (the usual end of a drain:
     * its last event handled). Returns false, keeping the lease, when one is due.
     */
    async releaseLeaseIfIdle(owner: string, callId: string, now: number): Promise<boolean> {
      const released = await db.run(
        `UPDATE calls SET lease_owner = NULL, lease_until = NULL WHERE id = ? AND lease_owner = ?
           AND NOT EXISTS (SELECT 1 FROM inbox WHERE call_id = ? AND handled_at IS NULL AND (not_before IS NULL OR not_before <= ?))`,
        [callId, owner, callId, now],
      );
      return released === 1;
    },

    async releaseLease(owner: string, callId: string): Promise<void> {
      await db.run('UPDATE calls SET lease_owner = NULL, lease_until = NULL WHERE id = ? AND lease_owner = ?', [callId, owner]);
    },

    /** Releases the leases of `owner` (a previous life of this instance), or every lease when none is named. */
    async clearLeases(owner?: string): Promise<void> {
      if (owner === undefined) await db.run('UPDATE calls SET lease_owner = NULL, lease_until = NULL WHERE lease_owner IS NOT NULL');
      else await db.run('UPDATE calls SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = ?', [owner]);
    },

    async nextWithCall(callId: string, now: number): Promise<{ event: InboxEvent; due: boolean; call: CallRecord } | undefined> {
      const row = await db.get<Row & Record<string, unknown>>(
        `SELECT i.seq, i.call_id, i.source, i.event_type, i.known, i.call_leg_id, i.event_time, i.body, i.received_at, i.attempts, i.not_before,
           ${callColumnsAs('c', 'c_')}
         FROM inbox i JOIN calls c ON c.id = i.call_id
         WHERE i.call_id = ? AND i.handled_at IS NULL ORDER BY i.event_time, i.event_tick, i.seq LIMIT 1`,
        [callId],
      );
      if (!row) return undefined;
      return { ...toNext(row, now), call: callFromPrefixed(row, 'c_') };
    },

    async finish(seq: number, status: Exclude<InboxStatus, 'pending'>, at: number, error?: string): Promise<void> {
      await db.run('UPDATE inbox SET status = ?, handled_at = ?, attempts = attempts + 1, last_error = ? WHERE seq = ?', [
        status,
        at,
        error ?? null,
        seq,
      ]);
    },

    async retryLater(seq: number, notBefore: number, error: string): Promise<void> {
      await db.run('UPDATE inbox SET attempts = attempts + 1, not_before = ?, last_error = ? WHERE seq = ?', [notBefore, error, seq]);
    },

    async stats(): Promise<{ depth: number; oldestReceivedAt: number | null }> {
      const row = await db.get<{ depth: number; oldest: number | null }>(
        'SELECT COUNT(*) AS depth, MIN(received_at) AS oldest FROM inbox WHERE handled_at IS NULL',
      );
      return { depth: Number(row?.depth ?? 0), oldestReceivedAt: row?.oldest ?? null };
    },

    async list(callId: string): Promise<Array<{ seq: number; eventType: string; status: InboxStatus; eventTime: number; receivedAt: number; handledAt: number | null; attempts: number; lastError: string | null; source: InboxSource }>> {
      const rows = await db.all<{ seq: number; event_type: string; status: InboxStatus; event_time: number; received_at: number; handled_at: number | null; attempts: number; last_error: string | null; source: InboxSource }>(
        'SELECT seq, event_type, status, event_time, received_at, handled_at, attempts, last_error, source FROM inbox WHERE call_id = ? ORDER BY seq',
        [callId],
      );
      return rows.map((r) => ({
        seq: r.seq,
        eventType: r.event_type,
        status: r.status,
        eventTime: Number(r.event_time),
        receivedAt: r.received_at,
        handledAt: r.handled_at,
        attempts: r.attempts,
        lastError: r.last_error,
        source: r.source,
      }));
    },
  };
}

export type InboxRepo = ReturnType<typeof inboxRepo>;
