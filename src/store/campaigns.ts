import { Db, Param } from './db';
import { fromJson } from './json';
import { campaignCounts, campaignFinishedEvent, campaignProgressEvent } from '../webhooks/events';
import { campaignFunnel } from './funnel';
import type { WebhooksRepo } from './webhooks';

export type CampaignStatus = 'running' | 'paused' | 'cancelled' | 'completed';
export type TargetStatus = 'pending' | 'dialling' | 'done' | 'cancelled';

export interface CallingWindow {
  /** Local wall-clock times, HH:MM, in `timeZone`; `end` before `start` spans midnight. */
  start: string;
  end: string;
  timeZone: string;
  /** ISO weekdays (1 = Monday … 7 = Sunday); every day when absent. */
  days?: number[];
}

export interface CampaignRecord {
  id: string;
  name: string;
  status: CampaignStatus;
  settings: Record<string, unknown>;
  callsPerSecond: number;
  maxConcurrent: number;
  maxAttempts: number;
  retryDelayMs: number;
  retryOutcomes: string[];
  callingWindow: CallingWindow | null;
  total: number;
  createdAt: number;
  updatedAt: number;
  finishedAt: number | null;
}

export type NewCampaign = Omit<CampaignRecord, 'status' | 'total' | 'createdAt' | 'updatedAt' | 'finishedAt'>;

export interface NewTarget {
  rowNo: number;
  target: string;
  fields: Record<string, string>;
}

export interface TargetRecord {
  id: number;
  rowNo: number;
  target: string;
  fields: Record<string, string>;
  status: TargetStatus;
  attempts: number;
  nextAttemptAt: number;
  outcome: string | null;
  callId: string | null;
  firstDialledAt: number | null;
  lastDialledAt: number | null;
  finishedAt: number | null;
}

interface CampaignRow {
  id: string;
  name: string;
  status: CampaignStatus;
  settings: string;
  calls_per_second: number;
  max_concurrent: number;
  max_attempts: number;
  retry_delay_ms: number;
  retry_outcomes: string;
  calling_window: string | null;
  next_slot_at: number;
  total: number;
  created_at: number;
  updated_at: number;
  finished_at: number | null;
}

interface TargetRow {
  id: number;
  row_no: number;
  target: string;
  fields: string;
  status: TargetStatus;
  attempts: number;
  next_attempt_at: number;
  outcome: string | null;
  call_id: string | null;
  first_dialled_at: number | null;
  last_dialled_at: number | null;
  finished_at: number | null;
}

const CAMPAIGN_COLUMNS =
  'id, name, status, settings, calls_per_second, max_concurrent, max_attempts, retry_delay_ms, retry_outcomes, calling_window, next_slot_at, total, created_at, updated_at, finished_at';
const TARGET_COLUMNS = 'id, row_no, target, fields, status, attempts, next_attempt_at, outcome, call_id, first_dialled_at, last_dialled_at, finished_at';

function toCampaign(row: CampaignRow): CampaignRecord {
  return {
    id: row.id,
    name: row.name,
    status: row.status,
    settings: fromJson(row.settings, {}),
    callsPerSecond: Number(row.calls_per_second),
    maxConcurrent: row.max_concurrent,
    maxAttempts: row.max_attempts,
    retryDelayMs: row.retry_delay_ms,
    retryOutcomes: fromJson(row.retry_outcomes, []),
    callingWindow: fromJson(row.calling_window, null),
    total: row.total,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    finishedAt: row.finished_at,
  };
}

function toTarget(row: TargetRow): TargetRecord {
  return {
    id: row.id,
    rowNo: row.row_no,
    target: row.target,
    fields: fromJson(row.fields, {}),
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    outcome: row.outcome,
    callId: row.call_id,
    firstDialledAt: row.first_dialled_at,
    lastDialledAt: row.last_dialled_at,
    finishedAt: row.finished_at,
  };
}

const INSERT_BATCH = 200;

/**
 * The time between two calls of a campaign. Calls are spaced 5% wider than
 * callsPerSecond asks: the limit is counted where the calls arrive, and the
 * scheduling and network delays of one call must not push a second over it.
 */
export const slotIntervalMs = (callsPerSecond: number) => 1000 / (callsPerSecond * 0.95);

export interface ClaimedTarget {
  target: TargetRecord;
  attempt: number;
  /** When this call may be placed: slots are spaced 1/callsPerSecond apart across every instance. */
  slotAt: number;
}

/** `webhooks` gets campaign.progress and campaign.finished written in the transaction that makes the change. */
export function campaignsRepo(db: Db, now: () => number, webhooks?: (tx: Db) => WebhooksRepo) {
  const getOn = async (on: Db, id: string, lock = false): Promise<CampaignRecord | undefined> => {
    const row = await on.get<CampaignRow>(`SELECT ${CAMPAIGN_COLUMNS} FROM campaigns WHERE id = ? ${lock ? '{{for_update}}' : ''}`, [id]);
    return row && toCampaign(row);
  };
  const get = (id: string, lock = false) => getOn(db, id, lock);

  const countsOn = async (on: Db, id: string) =>
    (
      await on.all<{ status: string; outcome: string | null; count: number }>(
        'SELECT status, outcome, COUNT(*) AS count FROM campaign_targets WHERE campaign_id = ? GROUP BY status, outcome',
        [id],
      )
    ).map((r) => ({ ...r, count: Number(r.count) }));

  /** A finished campaign says so once; a running one reports progress at most once per interval. */
  async function announce(on: Db, id: string, at: number, finished?: CampaignStatus, read?: CampaignRecord): Promise<void> {
    if (!webhooks) return;
    const hooks = webhooks(on);
    // `read`: the campaign as this transaction already read it (locked), when nothing since changed it.
    const campaign = read ?? (await getOn(on, id));
    if (!campaign) return;
    const subscription = campaign.settings.webhook as Parameters<typeof hooks.wants>[0] | undefined;
    if (finished) {
      if (!hooks.wants(subscription ?? null, 'campaign.finished')) return;
      const counts = campaignCounts(campaign.total, await countsOn(on, id));
      await hooks.enqueue(campaignFinishedEvent(campaign, finished, counts, at, hooks.reportUrlFor(id)));
      return;
    }
    if (!hooks.wants(subscription ?? null, 'campaign.progress')) return;
    const interval = hooks.progressIntervalMs;
    const last = await hooks.lastProgressAt(`campaign:${id}`);
    if (last !== null && at - last < interval) return;
    const counts = campaignCounts(campaign.total, await countsOn(on, id));
    await hooks.enqueue(campaignProgressEvent(campaign, counts, at, Math.floor(at / interval)));
  }

  return {
    get,

    /** Inserts the campaign and all its targets. Call inside a transaction. */
    async create(campaign: NewCampaign, targets: NewTarget[]): Promise<CampaignRecord> {
      const at = now();
      await db.run(
        `INSERT INTO campaigns (${CAMPAIGN_COLUMNS}) VALUES (?, ?, 'running', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)`,
        [
          campaign.id,
          campaign.name,
          JSON.stringify(campaign.settings),
          campaign.callsPerSecond,
          campaign.maxConcurrent,
          campaign.maxAttempts,
          campaign.retryDelayMs,
          JSON.stringify(campaign.retryOutcomes),
          campaign.callingWindow ? JSON.stringify(campaign.callingWindow) : null,
          at,
          targets.length,
          at,
          at,
        ],
      );
      for (let i = 0; i < targets.length; i += INSERT_BATCH) {
        const batch = targets.slice(i, i + INSERT_BATCH);
        const params: Param[] = [];
        for (const t of batch) params.push(campaign.id, t.rowNo, t.target, JSON.stringify(t.fields), at);
        await db.run(
          `INSERT INTO campaign_targets (campaign_id, row_no, target, fields, status, attempts, next_attempt_at)
           VALUES ${batch.map(() => "(?, ?, ?, ?, 'pending', 0, ?)").join(', ')}`,
          params,
        );
      }
      return (await get(campaign.id)) as CampaignRecord;
    },

    async list(limit: number): Promise<CampaignRecord[]> {
      return (await db.all<CampaignRow>(`SELECT ${CAMPAIGN_COLUMNS} FROM campaigns ORDER BY created_at DESC LIMIT ?`, [limit])).map(toCampaign);
    },

    async runningIds(): Promise<string[]> {
      return (await db.all<{ id: string }>("SELECT id FROM campaigns WHERE status = 'running' ORDER BY created_at")).map((r) => r.id);
    },

    /** Moves the campaign from one of `from` to `to`; returns false when it was in no such status. */
    async transition(id: string, from: CampaignStatus[], to: CampaignStatus): Promise<boolean> {
      const at = now();
      const changed = await db.run(
        `UPDATE campaigns SET status = ?, updated_at = ?, finished_at = ? WHERE id = ? AND status IN (${from.map(() => '?').join(', ')})`,
        [to, at, to === 'cancelled' || to === 'completed' ? at : null, id, ...from],
      );
      if (changed && to === 'cancelled') {
        await db.run("UPDATE campaign_targets SET status = 'cancelled', finished_at = ? WHERE campaign_id = ? AND status = 'pending'", [at, id]);
      }
      if (changed && (to === 'cancelled' || to === 'completed')) await announce(db, id, at, to);
      return changed === 1;
    },

    /**
     * Claims the targets this instance may dial now, within the concurrency
     * limit and the campaign's rate, and reserves their time slots. Locks the
     * campaign row so that instances sharing a database claim in turn; each
     * target is claimed once per attempt. Call inside a transaction.
     */
    /** `callIdOf` names each claimed attempt's call, written with the claim (the caller inserts the call in the same transaction). */
    async claim(id: string, horizonMs: number, at: number, callIdOf?: (target: TargetRecord, attempt: number) => string): Promise<ClaimedTarget[]> {
      const row = await db.get<CampaignRow>(`SELECT ${CAMPAIGN_COLUMNS} FROM campaigns WHERE id = ? {{for_update}}`, [id]);
      if (!row || row.status !== 'running') return [];
      const interval = slotIntervalMs(Number(row.calls_per_second));
      const firstSlot = Math.max(row.next_slot_at, at);
      // Reserve only the slots that fall within the horizon, so claimed targets do not wait long for their turn.
      const slots = Math.floor((at + horizonMs - firstSlot) / interval) + 1;
      const active = await db.get<{ n: number }>("SELECT COUNT(*) AS n FROM campaign_targets WHERE campaign_id = ? AND status = 'dialling'", [id]);
      const capacity = Math.min(slots, row.max_concurrent - Number(active?.n ?? 0));
      if (capacity <= 0) return [];
      const rows = await db.all<TargetRow>(
        `SELECT ${TARGET_COLUMNS} FROM campaign_targets WHERE campaign_id = ? AND status = 'pending' AND next_attempt_at <= ?
         ORDER BY next_attempt_at, row_no LIMIT ? {{skip_locked}}`,
        [id, at, capacity],
      );
      let slot = firstSlot;
      const claimed: ClaimedTarget[] = [];
      for (const target of rows) {
        const attempt = target.attempts + 1;
        const record = toTarget({ ...target, status: 'dialling', attempts: attempt });
        await db.run(
          `UPDATE campaign_targets SET status = 'dialling', attempts = ?, last_dialled_at = ?, first_dialled_at = COALESCE(first_dialled_at, ?), call_id = COALESCE(?, call_id) WHERE id = ?`,
          [attempt, Math.round(slot), Math.round(slot), callIdOf?.(record, attempt) ?? null, target.id],
        );
        claimed.push({ target: record, attempt, slotAt: slot });
        slot += interval;
      }
      if (claimed.length) await db.run('UPDATE campaigns SET next_slot_at = ? WHERE id = ?', [Math.ceil(slot), id]);
      return claimed;
    },

    /**
     * Closes the attempt whose call ended: the target is retried later when its
     * outcome is one the campaign retries and attempts remain, else it is done.
     * Idempotent: only a target still dialling that call changes. Atomic: runs in a transaction (its own unless called in one).
     */
    async finishAttempt(callId: string, outcome: string, at: number): Promise<'retry' | 'done' | null> {
      // Most calls end once but are looked at on every later event: only an open attempt takes a transaction,
      // which keeps the target, the campaign's completion and their webhook event together.
      const open = await db.get<{ campaign_id: string }>("SELECT campaign_id FROM campaign_targets WHERE call_id = ? AND status = 'dialling'", [callId]);
      if (!open) return null;
      return db.tx(async (tx) => {
        // The campaign row is locked first (as claim and transition lock it), and the target changed after,
        // by a statement that checks it is still dialling: two last attempts ending at once would otherwise
        // each see the other still dialling (Postgres reads committed rows only) and neither complete the
        // campaign. Waiting for the lock also lets a second finish of the same call see the first one's
        // commit and change nothing.
        const campaign = await getOn(tx, open.campaign_id, true);
        if (!campaign) return null;
        const retryable = (campaign.status === 'running' || campaign.status === 'paused') && campaign.retryOutcomes.includes(outcome) ? 1 : 0;
        // Retried when the campaign retries this outcome and attempts remain, else done: decided and written in one statement.
        const row = await tx.get<{ id: number; status: TargetStatus }>(
          `UPDATE campaign_targets SET
             status = CASE WHEN ? = 1 AND attempts < ? THEN 'pending' ELSE 'done' END,
             outcome = ?,
             next_attempt_at = CASE WHEN ? = 1 AND attempts < ? THEN ? ELSE next_attempt_at END,
             finished_at = CASE WHEN ? = 1 AND attempts < ? THEN finished_at ELSE ? END
           WHERE call_id = ? AND status = 'dialling' RETURNING id, status`,
          [retryable, campaign.maxAttempts, outcome, retryable, campaign.maxAttempts, at + campaign.retryDelayMs, retryable, campaign.maxAttempts, at, callId],
        );
        if (!row) return null;
        if (row.status === 'pending') {
          await announce(tx, campaign.id, at, undefined, campaign);
          return 'retry';
        }
        const more = await tx.get("SELECT 1 AS open FROM campaign_targets WHERE campaign_id = ? AND status IN ('pending', 'dialling') LIMIT 1", [campaign.id]);
        const completed =
          !more &&
          (await tx.run("UPDATE campaigns SET status = 'completed', finished_at = ?, updated_at = ? WHERE id = ? AND status = 'running'", [
            at,
            at,
            campaign.id,
          ])) === 1;
        // A completed campaign is read again (its status and finish time changed); progress uses the locked read.
        await announce(tx, campaign.id, at, completed ? 'completed' : undefined, completed ? undefined : campaign);
        return 'done';
      });
    },

    async counts(id: string): Promise<Array<{ status: TargetStatus; outcome: string | null; count: number; attempts: number }>> {
      const rows = await db.all<{ status: TargetStatus; outcome: string | null; count: number; attempts: number }>(
        'SELECT status, outcome, COUNT(*) AS count, SUM(attempts) AS attempts FROM campaign_targets WHERE campaign_id = ? GROUP BY status, outcome',
        [id],
      );
      return rows.map((r) => ({ ...r, count: Number(r.count), attempts: Number(r.attempts) }));
    },

    async targets(id: string, options: { afterRowNo?: number; limit?: number } = {}): Promise<TargetRecord[]> {
      const rows = await db.all<TargetRow>(
        `SELECT ${TARGET_COLUMNS} FROM campaign_targets WHERE campaign_id = ? AND row_no > ? ORDER BY row_no LIMIT ?`,
        [id, options.afterRowNo ?? -1, options.limit ?? 1_000_000],
      );
      return rows.map(toTarget);
    },

    /** How the campaign's calls went through its flow, node by node (store/funnel.ts). */
    funnel: (id: string) => campaignFunnel(db, id),

    async statusCounts(): Promise<Array<{ status: CampaignStatus; count: number }>> {
      return (await db.all<{ status: CampaignStatus; count: number }>('SELECT status, COUNT(*) AS count FROM campaigns GROUP BY status')).map((r) => ({
        status: r.status,
        count: Number(r.count),
      }));
    },
  };
}

export type CampaignsRepo = ReturnType<typeof campaignsRepo>;
