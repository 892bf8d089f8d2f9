import { Db, Param } from './db';
import { fromJson, toJson } from './json';
import { callEndedEvent, callOutcomeEvent, subscriptionOf } from '../webhooks/events';
import type { WebhooksRepo } from './webhooks';

export type CallKind = 'call' | 'conversation';
/** Our view of the call leg; `creating` until the create-call (or join) request has answered. */
export type CallStateName = 'creating' | 'establishing' | 'established' | 'terminating' | 'terminated' | 'failed';

export interface CallRecord {
  id: string;
  kind: CallKind;
  flow: string;
  target: string | null;
  conversationId: string | null;
  callLegId: string | null;
  state: CallStateName;
  outcome: string | null;
  error: unknown;
  settings: Record<string, unknown>;
  workflow: Record<string, unknown>;
  campaignId: string | null;
  campaignTargetId: number | null;
  attempt: number | null;
  createdAt: number;
  updatedAt: number;
  endedAt: number | null;
}

export type NewCall = Pick<CallRecord, 'id' | 'kind' | 'flow' | 'settings'> &
  Partial<Pick<CallRecord, 'target' | 'conversationId' | 'callLegId' | 'state' | 'workflow' | 'campaignId' | 'campaignTargetId' | 'attempt'>> & {
    /** Held while its create request is in flight, so neither the dispatcher nor the resume sweep touches it. */
    lease?: { owner: string; until: number };
  };

export type CallPatch = Partial<Pick<CallRecord, 'callLegId' | 'conversationId' | 'state' | 'outcome' | 'error' | 'workflow' | 'endedAt'>>;

interface Row {
  id: string;
  kind: CallKind;
  flow: string;
  target: string | null;
  conversation_id: string | null;
  call_leg_id: string | null;
  state: CallStateName;
  outcome: string | null;
  error: string | null;
  settings: string;
  workflow: string;
  campaign_id: string | null;
  campaign_target_id: number | null;
  attempt: number | null;
  created_at: number;
  updated_at: number;
  ended_at: number | null;
}

const COLUMNS =
  'id, kind, flow, target, conversation_id, call_leg_id, state, outcome, error, settings, workflow, campaign_id, campaign_target_id, attempt, created_at, updated_at, ended_at';

/** The call's columns as `<alias>.<column> AS <prefix><column>`, to read a call in the same query as another table's row. */
export const callColumnsAs = (alias: string, prefix: string) =>
  COLUMNS.split(', ')
    .map((c) => `${alias}.${c} AS ${prefix}${c}`)
    .join(', ');

/** The call from a row read with `callColumnsAs(…, prefix)`. */
export function callFromPrefixed(row: Record<string, unknown>, prefix: string): CallRecord {
  const own: Record<string, unknown> = {};
  for (const c of COLUMNS.split(', ')) own[c] = row[`${prefix}${c}`];
  return toRecord(own as unknown as Row);
}

function toRecord(row: Row): CallRecord {
  return {
    id: row.id,
    kind: row.kind,
    flow: row.flow,
    target: row.target,
    conversationId: row.conversation_id,
    callLegId: row.call_leg_id,
    state: row.state,
    outcome: row.outcome,
    error: fromJson(row.error, null),
    settings: fromJson(row.settings, {}),
    workflow: fromJson(row.workflow, {}),
    campaignId: row.campaign_id,
    campaignTargetId: row.campaign_target_id,
    attempt: row.attempt,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    endedAt: row.ended_at,
  };
}

const PATCH_COLUMNS: Record<keyof CallPatch, string> = {
  callLegId: 'call_leg_id',
  conversationId: 'conversation_id',
  state: 'state',
  outcome: 'outcome',
  error: 'error',
  workflow: 'workflow',
  endedAt: 'ended_at',
};

export interface CallFilter {
  state?: string;
  outcome?: string;
  campaignId?: string;
  conversationId?: string;
  kind?: CallKind;
  /** Keyset paging: calls created before this cursor (from a previous page). */
  before?: { createdAt: number; id: string };
  limit: number;
}

function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}

/** `webhooks` gets call.outcome and call.ended written in the transaction that makes the change. */
export function callsRepo(db: Db, now: () => number, webhooks?: (tx: Db) => WebhooksRepo) {
  const update = async (on: Db, id: string, patch: CallPatch): Promise<CallRecord | undefined> => {
    const sets: string[] = [];
    const params: Param[] = [];
    for (const [key, column] of Object.entries(PATCH_COLUMNS) as Array<[keyof CallPatch, string]>) {
      if (!(key in patch)) continue;
      const value = patch[key];
      sets.push(`${column} = ?`);
      params.push(key === 'workflow' || key === 'error' ? toJson(value) : ((value ?? null) as Param));
    }
    sets.push('updated_at = ?');
    params.push(now(), id);
    const row = await on.get<Row>(`UPDATE calls SET ${sets.join(', ')} WHERE id = ? RETURNING ${COLUMNS}`, params);
    return row && toRecord(row);
  };

  return {
    async insert(call: NewCall): Promise<CallRecord> {
      const at = now();
      const row = await db.get<Row>(
        `INSERT INTO calls (${COLUMNS}, lease_owner, lease_until) VALUES (?, ?, ?, ?, ?, ?, ?, NULL, NULL, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?) RETURNING ${COLUMNS}`,
        [
          call.id,
          call.kind,
          call.flow,
          call.target ?? null,
          call.conversationId ?? null,
          call.callLegId ?? null,
          call.state ?? 'creating',
          JSON.stringify(call.settings),
          JSON.stringify(call.workflow ?? {}),
          call.campaignId ?? null,
          call.campaignTargetId ?? null,
          call.attempt ?? null,
          at,
          at,
          call.lease?.owner ?? null,
          call.lease?.until ?? null,
        ],
      );
      return toRecord(row!);
    },

    async get(id: string): Promise<CallRecord | undefined> {
      const row = await db.get<Row>(`SELECT ${COLUMNS} FROM calls WHERE id = ?`, [id]);
      return row && toRecord(row);
    },

    async idOfLeg(callLegId: string): Promise<string | undefined> {
      return (await db.get<{ id: string }>('SELECT id FROM calls WHERE call_leg_id = ?', [callLegId]))?.id;
    },

    /**
     * Setting endedAt ends the call: its call.ended event is written in the same transaction.
     * `known`: the call's settings, when the caller has them (they never change after insert): a
     * call.ended that would go nowhere then needs no transaction around the one UPDATE.
     */
    async update(id: string, patch: CallPatch, known?: Pick<CallRecord, 'settings'>): Promise<CallRecord | undefined> {
      if (!webhooks || patch.endedAt === undefined || patch.endedAt === null) return update(db, id, patch);
      if (known && !webhooks(db).wants(subscriptionOf(known.settings), 'call.ended')) return update(db, id, patch);
      return db.tx(async (tx) => {
        const call = await update(tx, id, patch);
        if (call) await webhooks(tx).enqueue(callEndedEvent(call, patch.endedAt as number));
        return call;
      });
    },

    /**
     * Binds the leg the create-call (or join) answer named; events may already have moved the state on.
     * Releases `owner`'s create lease only: the leg may already have been bound from its events and
     * the call leased by a dispatcher (see bindLegsFromEvents).
     */
    async bindLeg(id: string, callLegId: string, owner: string): Promise<CallRecord | undefined> {
      const row = await db.get<Row>(
        `UPDATE calls SET call_leg_id = ?, state = CASE WHEN state = 'creating' THEN 'establishing' ELSE state END, updated_at = ?,
           lease_until = CASE WHEN lease_owner = ? THEN NULL ELSE lease_until END,
           lease_owner = CASE WHEN lease_owner = ? THEN NULL ELSE lease_owner END
         WHERE id = ? RETURNING ${COLUMNS}`,
        [callLegId, now(), owner, owner, id],
      );
      return row && toRecord(row);
    },

    /**
     * Calls still `creating` whose events have arrived: the service named their leg, so the create
     * did succeed, whatever became of its answer (a database error while binding it, a creator that
     * crashed and whose create lease would otherwise hold the call for CREATE_LEASE_MS). Binds the leg
     * from the first event that names one and drops the create lease, so the dispatcher can act at once.
     */
    async bindLegsFromEvents(limit: number): Promise<CallRecord[]> {
      const candidates = await db.all<{ id: string; leg: string }>(
        `SELECT c.id, (SELECT i.call_leg_id FROM inbox i WHERE i.call_id = c.id AND i.call_leg_id IS NOT NULL
                         AND NOT EXISTS (SELECT 1 FROM calls o WHERE o.call_leg_id = i.call_leg_id) ORDER BY i.seq LIMIT 1) AS leg
         FROM calls c WHERE c.state = 'creating' AND c.call_leg_id IS NULL
           AND EXISTS (SELECT 1 FROM inbox i WHERE i.call_id = c.id AND i.call_leg_id IS NOT NULL
                         AND NOT EXISTS (SELECT 1 FROM calls o WHERE o.call_leg_id = i.call_leg_id))
         LIMIT ?`,
        [limit],
      );
      const bound: CallRecord[] = [];
      // One statement per call: should two calls' events name the same leg (a replayed event), the
      // second fails its unique check alone instead of failing every bind of the sweep for good.
      for (const { id, leg } of candidates) {
        try {
          const row = await db.get<Row>(
            `UPDATE calls SET call_leg_id = ?, state = 'establishing', lease_owner = NULL, lease_until = NULL, updated_at = ?
             WHERE id = ? AND state = 'creating' AND call_leg_id IS NULL RETURNING ${COLUMNS}`,
            [leg, now(), id],
          );
          if (row) bound.push(toRecord(row));
        } catch (err) {
          if (!isUniqueViolation(err)) throw err;
        }
      }
      return bound;
    },

    /**
     * Sets the outcome only if none is set yet: the first decision wins, re-runs and late events change nothing.
     * The call.outcome event is written in the same transaction.
     */
    /** `workflow`: the deciding handler's state, not yet written (the dispatcher writes it when the handler returns). */
    async decideOutcome(id: string, outcome: string, error: unknown, reason: string | null = null, workflow?: Record<string, unknown>): Promise<boolean> {
      return db.tx(async (tx) => {
        const at = now();
        const row = await tx.get<Row>(`UPDATE calls SET outcome = ?, error = ?, updated_at = ? WHERE id = ? AND outcome IS NULL RETURNING ${COLUMNS}`, [
          outcome,
          toJson(error),
          at,
          id,
        ]);
        if (row && webhooks) await webhooks(tx).enqueue(callOutcomeEvent({ ...toRecord(row), ...(workflow ? { workflow } : {}) }, reason, at));
        return row !== undefined;
      });
    },

    async list(filter: CallFilter): Promise<CallRecord[]> {
      const where: string[] = [];
      const params: Param[] = [];
      const eq = (column: string, value: string | undefined) => {
        if (value === undefined) return;
        where.push(`${column} = ?`);
        params.push(value);
      };
      eq('state', filter.state);
      eq('outcome', filter.outcome);
      eq('campaign_id', filter.campaignId);
      eq('kind', filter.kind);
      eq('conversation_id', filter.conversationId);
      if (filter.before) {
        where.push('(created_at < ? OR (created_at = ? AND id < ?))');
        params.push(filter.before.createdAt, filter.before.createdAt, filter.before.id);
      }
      params.push(filter.limit);
      const rows = await db.all<Row>(
        `SELECT ${COLUMNS} FROM calls ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, id DESC LIMIT ?`,
        params,
      );
      return rows.map(toRecord);
    },

    async releaseLease(id: string): Promise<void> {
      await db.run('UPDATE calls SET lease_owner = NULL, lease_until = NULL WHERE id = ?', [id]);
    },

    /** Leases calls whose create request was interrupted (the process died mid-request), to send it again. */
    async claimInterruptedCreates(owner: string, limit: number, at: number, leaseMs: number): Promise<CallRecord[]> {
      const rows = await db.all<Row>(
        `UPDATE calls SET lease_owner = ?, lease_until = ? WHERE id IN (
           SELECT id FROM calls WHERE state = 'creating' AND (lease_until IS NULL OR lease_until < ?) LIMIT ? {{skip_locked}}
         ) RETURNING ${COLUMNS}`,
        [owner, at + leaseMs, at, limit],
      );
      return rows.map(toRecord);
    },

    async countByOutcome(): Promise<Array<{ outcome: string | null; count: number }>> {
      return db.all('SELECT outcome, COUNT(*) AS count FROM calls GROUP BY outcome');
    },
  };
}

export type CallsRepo = ReturnType<typeof callsRepo>;
