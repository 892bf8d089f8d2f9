import { Db } from './db';
import { inboxRepo } from './inbox';

export const TIMER_EVENT_TYPE = 'callhook.TimerFired';

export interface TimerBody {
  timerId: string;
  kind: string;
  dueAt: number;
  payload: unknown;
}

/**
 * Durable timers. A due timer becomes an inbox event of its call, in the same
 * transaction that marks it fired, so it is handled like any callback: once, in
 * order with the call's other events, and after a restart.
 */
export function timersRepo(db: Db) {
  return {
    /** `id` should be deterministic for the decision that sets the timer, so a re-run sets it once. */
    async schedule(timer: { id: string; callId: string; kind: string; dueAt: number; payload?: unknown }): Promise<void> {
      await db.run(
        'INSERT INTO timers (id, call_id, kind, due_at, payload) VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING',
        [timer.id, timer.callId, timer.kind, timer.dueAt, JSON.stringify(timer.payload ?? null)],
      );
    },

    async cancel(callId: string, kind: string, at: number): Promise<number> {
      return db.run('UPDATE timers SET cancelled_at = ? WHERE call_id = ? AND kind = ? AND fired_at IS NULL AND cancelled_at IS NULL', [
        at,
        callId,
        kind,
      ]);
    },

    async cancelAll(callId: string, at: number): Promise<number> {
      return db.run('UPDATE timers SET cancelled_at = ? WHERE call_id = ? AND fired_at IS NULL AND cancelled_at IS NULL', [at, callId]);
    },

    async pending(callId: string): Promise<Array<{ id: string; kind: string; dueAt: number }>> {
      return db.all('SELECT id, kind, due_at AS "dueAt" FROM timers WHERE call_id = ? AND fired_at IS NULL AND cancelled_at IS NULL ORDER BY due_at', [
        callId,
      ]);
    },

    /** Moves due timers into the inbox. Call inside a transaction. */
    async fireDue(now: number, limit: number): Promise<number> {
      const due = await db.all<{ id: string; call_id: string; kind: string; due_at: number; payload: string }>(
        `SELECT id, call_id, kind, due_at, payload FROM timers
         WHERE due_at <= ? AND fired_at IS NULL AND cancelled_at IS NULL ORDER BY due_at LIMIT ? {{skip_locked}}`,
        [now, limit],
      );
      const inbox = inboxRepo(db);
      for (const t of due) {
        const body: TimerBody = { timerId: t.id, kind: t.kind, dueAt: t.due_at, payload: JSON.parse(t.payload) };
        await inbox.insert(
          t.call_id,
          'timer',
          { dedupeKey: `timer:${t.id}`, eventType: TIMER_EVENT_TYPE, known: true, callLegId: null, eventTimeMs: t.due_at, body },
          now,
        );
        await db.run('UPDATE timers SET fired_at = ? WHERE id = ?', [now, t.id]);
      }
      return due.length;
    },

    async nextDueAt(): Promise<number | null> {
      const row = await db.get<{ due: number | null }>('SELECT MIN(due_at) AS due FROM timers WHERE fired_at IS NULL AND cancelled_at IS NULL');
      return row?.due ?? null;
    },
  };
}

export type TimersRepo = ReturnType<typeof timersRepo>;
