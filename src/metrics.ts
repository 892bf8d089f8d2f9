import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { RequestRecord } from './client';
import type { Clock } from './clock';
import type { Committed } from './dispatch/ingest';
import type { HandledOutcome } from './dispatch/dispatcher';
import { isKnownEventType } from './events/types';
import type { InboxEvent } from './store/inbox';
import type { Store } from './store';

/** The label of every value outside a bounded set. */
export const OTHER_LABEL = 'other';

/**
 * Each label value is a time series kept for the life of the process, and
 * anyone holding one valid callback token chooses `eventType`: only the known
 * types (the events' one list, so a new generation's types join it) get a
 * label of their own.
 */
export const eventTypeLabel = (type: string): string => (isKnownEventType(type) ? type : OTHER_LABEL);

/** Error codes come from the upstream service: the first `max` distinct ones are kept, the rest count as other. */
function boundedLabel(max: number): (value: string) => string {
  const seen = new Set<string>();
  return (value) => {
    if (seen.has(value)) return value;
    if (seen.size >= max || value.length > 64) return OTHER_LABEL;
    seen.add(value);
    return value;
  };
}

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * Everything /metrics shows. Counters and histograms are this instance's;
 * gauges read from the database at scrape time, so every instance sharing it
 * reports the same inbox depth, outcomes and campaign progress.
 */
export function createMetrics(deps: { store: Store; clock: Clock }) {
  const registry = new Registry();
  const errorCodeLabel = boundedLabel(50);
  collectDefaultMetrics({ register: registry, prefix: 'callhook_' });

  const callbackRequests = new Counter({
    name: 'callhook_callback_requests_total',
    help: 'Callback requests answered, by HTTP status',
    labelNames: ['status'],
    registers: [registry],
  });
  const callbackEvents = new Counter({
    name: 'callhook_callback_events_total',
    help: 'Events committed to the inbox, by event type and whether they were new or duplicate deliveries',
    labelNames: ['event_type', 'result'],
    registers: [registry],
  });
  const handlerDuration = new Histogram({
    name: 'callhook_handler_duration_seconds',
    help: 'Time to handle one inbox event, by event type and outcome (handled, ignored, retry, failed)',
    labelNames: ['event_type', 'outcome'],
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const handlerLag = new Histogram({
    name: 'callhook_handler_lag_seconds',
    help: 'Time from an event being committed to the inbox until its handling finished',
    labelNames: ['event_type'],
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const followUpDuration = new Histogram({
    name: 'callhook_followup_duration_seconds',
    help: 'Follow-up Call Automation requests, including retries, by operation and result',
    labelNames: ['operation', 'result'],
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const followUpErrors = new Counter({
    name: 'callhook_followup_errors_total',
    help: 'Follow-up requests that failed after retries, by operation and error code',
    labelNames: ['operation', 'code'],
    registers: [registry],
  });

  new Gauge({
    name: 'callhook_inbox_depth',
    help: 'Events committed but not yet handled',
    registers: [registry],
    async collect() {
      const { depth } = await deps.store.inbox.stats();
      this.set(depth);
    },
  });
  new Gauge({
    name: 'callhook_inbox_oldest_age_seconds',
    help: 'Age of the oldest unhandled event (0 when the inbox is empty)',
    registers: [registry],
    async collect() {
      const { oldestReceivedAt } = await deps.store.inbox.stats();
      this.set(oldestReceivedAt === null ? 0 : Math.max(0, (deps.clock.now() - oldestReceivedAt) / 1000));
    },
  });
  new Gauge({
    name: 'callhook_calls',
    help: 'Calls and joined conversations stored, by outcome ("none" while undecided)',
    labelNames: ['outcome'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const { outcome, count } of await deps.store.calls.countByOutcome()) this.set({ outcome: outcome ?? 'none' }, Number(count));
    },
  });
  new Gauge({
    name: 'callhook_campaign_targets',
    // Bounded: only running and paused campaigns among the 100 newest, and reset on every scrape so an ended campaign's series go away.
    help: 'Targets of running and paused campaigns, by campaign and target status',
    labelNames: ['campaign', 'status'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const campaign of await deps.store.campaigns.list(100)) {
        if (campaign.status !== 'running' && campaign.status !== 'paused') continue;
        for (const row of await deps.store.campaigns.counts(campaign.id)) this.inc({ campaign: campaign.id, status: row.status }, row.count);
      }
    },
  });

  return {
    registry,
    callbackAnswered: (status: number) => callbackRequests.inc({ status: String(status) }),
    committed: (c: Committed) => c.eventTypes.forEach((type, i) => callbackEvents.inc({ event_type: eventTypeLabel(type), result: c.fresh[i] ? 'accepted' : 'duplicate' })),
    handled: (event: InboxEvent, outcome: HandledOutcome, durationMs: number) => {
      handlerDuration.observe({ event_type: eventTypeLabel(event.eventType), outcome }, durationMs / 1000);
      if (outcome !== 'retry') handlerLag.observe({ event_type: eventTypeLabel(event.eventType) }, Math.max(0, deps.clock.now() - event.receivedAt) / 1000);
    },
    followUp: (r: RequestRecord) => {
      followUpDuration.observe({ operation: r.operation, result: r.ok ? 'ok' : 'error' }, r.latencyMs / 1000);
      if (!r.ok) followUpErrors.inc({ operation: r.operation, code: errorCodeLabel(r.errorCode ?? String(r.status ?? 'unknown')) });
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
