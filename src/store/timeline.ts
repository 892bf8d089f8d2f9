import { Db } from './db';
import { fromJson, toJson } from './json';

/** event: an event handled; request: a follow-up API call; outcome/state: what the workflow decided; webhook: an outbound webhook attempt; flow: a call flow's step (flows/funnel-entries.ts); note: anything else. */
export type TimelineKind = 'event' | 'request' | 'state' | 'outcome' | 'timer' | 'note' | 'webhook' | 'flow';

export interface TimelineEntry {
  callId: string;
  at: number;
  kind: TimelineKind;
  name: string;
  status?: string | null;
  latencyMs?: number | null;
  detail?: unknown;
  /** Entries with a key are written once, however often the work that writes them is re-run. */
  dedupeKey?: string;
}

interface Row {
  seq: number;
  at: number;
  kind: TimelineKind;
  name: string;
  status: string | null;
  latency_ms: number | null;
  detail: string | null;
  dedupe_key: string | null;
}

export function timelineRepo(db: Db) {
  return {
    async append(entry: TimelineEntry): Promise<void> {
      await db.run(
        `INSERT INTO timeline (call_id, at, kind, name, status, latency_ms, detail, dedupe_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (call_id, dedupe_key) DO NOTHING`,
        [
        entry.callId,
        entry.at,
        entry.kind,
        entry.name,
        entry.status ?? null,
        entry.latencyMs ?? null,
        toJson(entry.detail),
          entry.dedupeKey ?? null,
        ],
      );
    },

    /** `inboxSeq`: the inbox event an `event` entry records, so a view can show when it was received and its own eventTime. */
    async list(callId: string): Promise<Array<Omit<TimelineEntry, 'callId' | 'dedupeKey'> & { seq: number; inboxSeq: number | null }>> {
      const rows = await db.all<Row>(
        'SELECT seq, at, kind, name, status, latency_ms, detail, dedupe_key FROM timeline WHERE call_id = ? ORDER BY seq',
        [callId],
      );
      return rows.map((r) => ({
        seq: r.seq,
        at: r.at,
        kind: r.kind,
        name: r.name,
        status: r.status,
        latencyMs: r.latency_ms,
        detail: fromJson(r.detail, null),
        inboxSeq: /^inbox:\d+$/.test(r.dedupe_key ?? '') ? Number(r.dedupe_key!.slice('inbox:'.length)) : null,
      }));
    },
  };
}

export type TimelineRepo = ReturnType<typeof timelineRepo>;
