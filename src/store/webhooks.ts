import { deterministicUuid } from '../ids';
import type { WebhookEventType, WebhookSubscription } from '../webhooks/event-types';
import { OutgoingEvent, webhookBody } from '../webhooks/events';
import { Db, Param } from './db';
import { fromJson } from './json';

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';
export type AttemptResult = 'delivered' | 'failed' | 'retry';

/** One attempt of a delivery: when it started, how long it took, and what came back. */
export interface Attempt {
  at: number;
  latencyMs: number;
  status: number | null;
  error: string | null;
  result: AttemptResult;
}

/** An attempt to record, and when to try again (a retry). */
export interface FinishedAttempt extends Attempt {
  delivery: Delivery;
  retryAt?: number;
}

/** What the outbox needs to know from the configuration to route an event. */
export interface OutboxOptions {
  /** WEBHOOK_URL: where events without a subscription of their own go; none means they are not sent. */
  defaultUrl?: string;
  /** WEBHOOK_EVENTS: the types sent to `defaultUrl`; null means every type. */
  defaultEvents?: WebhookEventType[] | null;
  /** At most one campaign.progress per campaign per interval. */
  progressIntervalMs?: number;
  reportUrlFor?: (campaignId: string) => string;
}

export interface Delivery {
  id: number;
  /** The `webhook-id` header: the same on every attempt. */
  eventId: string;
  type: string;
  endpoint: string;
  orderKey: string;
  callId: string | null;
  campaignId: string | null;
  body: string;
  status: DeliveryStatus;
  attempts: number;
  createdAt: number;
  nextAttemptAt: number;
  lastAttemptAt: number | null;
  lastStatus: number | null;
  lastError: string | null;
  deliveredAt: number | null;
  attemptLog: Attempt[];
}

interface Row {
  id: number;
  event_id: string;
  event_type: string;
  endpoint: string;
  order_key: string;
  call_id: string | null;
  campaign_id: string | null;
  body: string;
  status: DeliveryStatus;
  attempts: number;
  created_at: number;
  next_attempt_at: number;
  last_attempt_at: number | null;
  last_status: number | null;
  last_error: string | null;
  delivered_at: number | null;
  attempt_log: string | null;
}

const COLUMNS =
  'id, event_id, event_type, endpoint, order_key, call_id, campaign_id, body, status, attempts, created_at, next_attempt_at, last_attempt_at, last_status, last_error, delivered_at, attempt_log';

function toDelivery(r: Row): Delivery {
  return {
    id: Number(r.id),
    eventId: r.event_id,
    type: r.event_type,
    endpoint: r.endpoint,
    orderKey: r.order_key,
    callId: r.call_id,
    campaignId: r.campaign_id,
    body: r.body,
    status: r.status,
    attempts: r.attempts,
    createdAt: r.created_at,
    nextAttemptAt: r.next_attempt_at,
    lastAttemptAt: r.last_attempt_at,
    lastStatus: r.last_status,
    lastError: r.last_error,
    deliveredAt: r.delivered_at,
    attemptLog: fromJson<Attempt[]>(r.attempt_log, []),
  };
}

export interface DeliveryFilter {
  status?: DeliveryStatus;
  endpoint?: string;
  type?: string;
  callId?: string;
  campaignId?: string;
  /** Keyset paging: deliveries with a smaller id than this (newest first). */
  beforeId?: number;
  limit: number;
}

/**
 * The durable outbox of outbound webhooks. Events are written by the
 * repositories whose change they report, inside the same transaction, so a
 * rolled-back change leaves no event and a committed one cannot lose it.
 */
export function webhooksRepo(db: Db, options: OutboxOptions = {}) {
  const endpointFor = (subscription: WebhookSubscription | null, type: WebhookEventType): string | undefined => {
    const url = subscription ? subscription.url : options.defaultUrl;
    const events = subscription ? subscription.events : (options.defaultEvents ?? null);
    if (!url || (events && !events.includes(type))) return undefined;
    return url;
  };

  return {
    progressIntervalMs: options.progressIntervalMs ?? 10_000,
    reportUrlFor: options.reportUrlFor ?? ((campaignId: string) => `/api/campaigns/${campaignId}/report`),

    /** True when an event of this type for this subscription would be sent (so callers skip building it otherwise). */
    wants: (subscription: WebhookSubscription | null, type: WebhookEventType) => endpointFor(subscription, type) !== undefined,

    /** Writes the event unless it goes nowhere or was already written (same dedupe key). Call inside the change's transaction. */
    async enqueue(event: OutgoingEvent): Promise<boolean> {
      const endpoint = endpointFor(event.subscription, event.type);
      if (!endpoint) return false;
      const changed = await db.run(
        `INSERT INTO webhook_outbox (event_id, dedupe_key, event_type, endpoint, order_key, call_id, campaign_id, body, status, attempts, created_at, next_attempt_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?) ON CONFLICT (dedupe_key) DO NOTHING`,
        [
          `msg_${deterministicUuid('webhook', event.dedupeKey).replace(/-/g, '')}`,
          event.dedupeKey,
          event.type,
          endpoint,
          event.orderKey,
          event.callId,
          event.campaignId,
          webhookBody(event),
          event.at,
          event.at,
        ],
      );
      return changed === 1;
    },

    async exists(dedupeKey: string): Promise<boolean> {
      return (await db.get('SELECT 1 AS found FROM webhook_outbox WHERE dedupe_key = ?', [dedupeKey])) !== undefined;
    },

    /** When the last campaign.progress of this campaign was written (null: none yet). */
    async lastProgressAt(orderKey: string): Promise<number | null> {
      const row = await db.get<{ at: number | null }>(
        "SELECT MAX(created_at) AS at FROM webhook_outbox WHERE order_key = ? AND event_type = 'campaign.progress'",
        [orderKey],
      );
      return row?.at ?? null;
    },

    /**
     * Leases due deliveries that head their order key (nothing older of the same
     * call or campaign is still pending), so one key is delivered one event at a
     * time, in order, by one instance; the others skip the locked rows. At most
     * as many rows per endpoint as it has free slots (`perEndpoint` less its `active`
     * deliveries): the rest stay unleased for a later round instead of being leased and given back.
     */
    async claim(
      owner: string,
      o: { limit: number; now: number; leaseMs: number; skipEndpoints: string[]; perEndpoint: number; active: Map<string, number>; probe?: boolean },
    ): Promise<Delivery[]> {
      // A read first, since most polls find nothing and the claim itself takes the write lock.
      if (o.probe !== false) {
        const due = await db.get(
          `SELECT 1 AS due FROM webhook_outbox WHERE status = 'pending' AND next_attempt_at <= ? AND (lease_until IS NULL OR lease_until < ?) LIMIT 1`,
          [o.now, o.now],
        );
        if (!due) return [];
      }
      const skip = o.skipEndpoints.length ? `AND o.endpoint NOT IN (${o.skipEndpoints.map(() => '?').join(', ')})` : '';
      const busy = [...o.active].filter(([endpoint, n]) => n > 0 && !o.skipEndpoints.includes(endpoint));
      const cap = busy.length ? `CASE endpoint ${busy.map(() => 'WHEN ? THEN ?').join(' ')} ELSE ? END` : '?';
      const rows = await db.all<Row>(
        `UPDATE webhook_outbox SET lease_owner = ?, lease_until = ? WHERE id IN (
           SELECT id FROM (
             SELECT id, endpoint, ROW_NUMBER() OVER (PARTITION BY endpoint ORDER BY id) AS place FROM (
               SELECT o.id, o.endpoint FROM webhook_outbox o
               WHERE o.status = 'pending' AND o.next_attempt_at <= ? AND (o.lease_until IS NULL OR o.lease_until < ?) ${skip}
                 AND NOT EXISTS (SELECT 1 FROM webhook_outbox p WHERE p.order_key = o.order_key AND p.status = 'pending' AND p.id < o.id)
               ORDER BY o.id LIMIT ? {{skip_locked}}
             ) due
           ) ranked
           WHERE place <= ${cap}
           ORDER BY id LIMIT ?
         ) RETURNING ${COLUMNS}`,
        [owner, o.now + o.leaseMs, o.now, o.now, ...o.skipEndpoints, o.limit * 2, ...busy.flatMap(([endpoint, n]) => [endpoint, o.perEndpoint - n]), o.perEndpoint, o.limit] as Param[],
      );
      return rows.map(toDelivery).sort((a, b) => a.id - b.id);
    },

    /** Releases the leases of `owner` (a previous life of this instance), or every lease when none is named. */
    async clearLeases(owner?: string): Promise<void> {
      if (owner === undefined) await db.run('UPDATE webhook_outbox SET lease_owner = NULL, lease_until = NULL WHERE lease_owner IS NOT NULL');
      else await db.run('UPDATE webhook_outbox SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = ?', [owner]);
    },

    /** Gives a leased delivery back untried (its endpoint's circuit is open), to be tried at `notBefore`. */
    async release(id: number, owner: string, notBefore: number): Promise<void> {
      await db.run('UPDATE webhook_outbox SET lease_owner = NULL, lease_until = NULL, next_attempt_at = ? WHERE id = ? AND lease_owner = ?', [notBefore, id, owner]);
    },

    /**
     * Records attempts (each delivered, failed for good, or to be retried at its `retryAt`) in one
     * statement, each appended to its delivery's attempt log. Only the lease holder writes a leased row.
     */
    async recordAttempts(finished: FinishedAttempt[]): Promise<void> {
      if (!finished.length) return;
      const values = finished.map(() => '(CAST(? AS BIGINT), ?, CAST(? AS BIGINT), CAST(? AS INTEGER), ?, CAST(? AS BIGINT), CAST(? AS BIGINT), ?)').join(', ');
      const params = finished.flatMap((f) => {
        const { delivery: d, retryAt, ...attempt } = f;
        return [
          d.id,
          f.result === 'retry' ? 'pending' : f.result,
          f.at + f.latencyMs,
          f.status,
          f.error,
          retryAt ?? f.at + f.latencyMs,
          f.result === 'delivered' ? f.at + f.latencyMs : null,
          JSON.stringify([...d.attemptLog, attempt]),
        ];
      });
      await db.run(
        `WITH v (id, status, at, last_status, last_error, next_at, delivered_at, log) AS (VALUES ${values})
         UPDATE webhook_outbox SET status = v.status, attempts = attempts + 1, last_attempt_at = v.at, last_status = v.last_status,
           last_error = v.last_error, next_attempt_at = v.next_at, delivered_at = v.delivered_at, attempt_log = v.log,
           lease_owner = NULL, lease_until = NULL
         FROM v WHERE webhook_outbox.id = v.id`,
        params as Param[],
      );
    },

    /** Sends a delivery again (a failed one, or a pending one now); the webhook-id stays the same. */
    async retry(id: number, now: number): Promise<Delivery | undefined> {
      const row = await db.get<Row>(
        `UPDATE webhook_outbox SET status = 'pending', next_attempt_at = ?, created_at = CASE WHEN status = 'failed' THEN ? ELSE created_at END,
           lease_owner = NULL, lease_until = NULL WHERE id = ? AND status <> 'delivered' RETURNING ${COLUMNS}`,
        [now, now, id],
      );
      return row && toDelivery(row);
    },

    /** A call's delivery attempts as timeline entries (kind `webhook`), in the order they were made. */
    async timelineFor(callId: string): Promise<Array<{ at: number; kind: 'webhook'; name: string; status: string; latencyMs: number; detail: unknown }>> {
      const rows = await db.all<{ id: number; event_id: string; event_type: string; endpoint: string; attempt_log: string }>(
        'SELECT id, event_id, event_type, endpoint, attempt_log FROM webhook_outbox WHERE call_id = ? AND attempt_log IS NOT NULL ORDER BY id',
        [callId],
      );
      return rows
        .flatMap((r) =>
          fromJson<Attempt[]>(r.attempt_log, []).map((a, i) => ({
            at: a.at,
            kind: 'webhook' as const,
            name: r.event_type,
            status: a.status === null ? 'error' : String(a.status),
            latencyMs: a.latencyMs,
            detail: { deliveryId: Number(r.id), webhookId: r.event_id, endpoint: r.endpoint, attempt: i + 1, result: a.result, error: a.error },
          })),
        )
        .sort((a, b) => a.at - b.at);
    },

    async get(id: number): Promise<Delivery | undefined> {
      const row = await db.get<Row>(`SELECT ${COLUMNS} FROM webhook_outbox WHERE id = ?`, [id]);
      return row && toDelivery(row);
    },

    async list(filter: DeliveryFilter): Promise<Delivery[]> {
      const where: string[] = [];
      const params: Param[] = [];
      const eq = (column: string, value: string | number | undefined) => {
        if (value === undefined) return;
        where.push(`${column} = ?`);
        params.push(value);
      };
      eq('status', filter.status);
      eq('endpoint', filter.endpoint);
      eq('event_type', filter.type);
      eq('call_id', filter.callId);
      eq('campaign_id', filter.campaignId);
      if (filter.beforeId !== undefined) {
        where.push('id < ?');
        params.push(filter.beforeId);
      }
      params.push(filter.limit);
      const rows = await db.all<Row>(`SELECT ${COLUMNS} FROM webhook_outbox ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`, params);
      return rows.map(toDelivery);
    },

    async stats(): Promise<{ byStatus: Record<DeliveryStatus, number>; oldestPendingAt: number | null }> {
      const rows = await db.all<{ status: DeliveryStatus; n: number; oldest: number | null }>(
        'SELECT status, COUNT(*) AS n, MIN(created_at) AS oldest FROM webhook_outbox GROUP BY status',
      );
      const byStatus: Record<DeliveryStatus, number> = { pending: 0, delivered: 0, failed: 0 };
      let oldestPendingAt: number | null = null;
      for (const r of rows) {
        byStatus[r.status] = Number(r.n);
        if (r.status === 'pending') oldestPendingAt = r.oldest;
      }
      return { byStatus, oldestPendingAt };
    },

    /** Deliveries of a campaign (its own events and its calls') that failed or keep failing. */
    async failingForCampaign(campaignId: string): Promise<number> {
      const row = await db.get<{ n: number }>(
        "SELECT COUNT(*) AS n FROM webhook_outbox WHERE campaign_id = ? AND (status = 'failed' OR (status = 'pending' AND attempts > 0))",
        [campaignId],
      );
      return Number(row?.n ?? 0);
    },
  };
}

export type WebhooksRepo = ReturnType<typeof webhooksRepo>;
