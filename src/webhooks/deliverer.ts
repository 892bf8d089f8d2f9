import type { Clock } from '../clock';
import type { Logger } from '../logger';
import type { Store } from '../store';
import type { AttemptResult, Delivery, FinishedAttempt } from '../store/webhooks';
import { retryDelayMs } from './backoff';
import { createCircuits } from './circuit';
import { createPollLoop } from '../poll-loop';
import { postWebhook, PostResult } from './http-post';
import { signatureHeaders } from './signing';

export interface DelivererOptions {
  store: Store;
  clock: Clock;
  logger: Logger;
  /** This instance's name on leases (shared with its dispatcher). */
  owner: string;
  /** True when `owner` is a stable name: leases under it are from this instance's previous life. */
  ownerIsStable?: boolean;
  /** WEBHOOK_SECRET: the first signs. */
  secrets: string[];
  allowPrivate: boolean;
  timeoutMs: number;
  /** How long a delivery is retried after its event, before it is marked failed. */
  horizonMs: number;
  retryBaseMs: number;
  /** Deliveries in flight at once, and per endpoint. */
  concurrency?: number;
  perEndpoint?: number;
  pollMs?: number;
  onAttempt?: (delivery: Delivery, result: PostResult, outcome: AttemptResult, latencyMs: number) => void;
}

const CIRCUIT_THRESHOLD = 5;
const RECORD_BATCH_MS = 5;

/**
 * Delivers the outbox. Rows are leased (several instances share the work, and
 * each row goes out from one of them at a time); a row is only claimed once
 * everything before it for the same call or campaign is settled, so a
 * receiver sees one call's events in order. Every attempt is signed afresh
 * (the timestamp is the attempt's) with the same webhook-id.
 */
export function createDeliverer(options: DelivererOptions) {
  const { store, clock, logger, owner } = options;
  const concurrency = options.concurrency ?? 32;
  const perEndpoint = options.perEndpoint ?? 8;
  const pollMs = options.pollMs ?? 100;
  // Longer than one attempt can take, so a lease never lapses under a live attempt.
  const leaseMs = options.timeoutMs + 30_000;
  const circuits = createCircuits({ threshold: CIRCUIT_THRESHOLD, openMs: Math.min(30_000, options.retryBaseMs * 30), now: clock.now });
  const active = new Map<number, Promise<void>>();
  const perEndpointActive = new Map<string, number>();
  let backlog = false;

  // Attempts that finish close together are recorded in one statement.
  let finished: Array<FinishedAttempt & { done: (err?: unknown) => void }> = [];
  let flushTimer: NodeJS.Timeout | undefined;
  let flushing = Promise.resolve();

  function flush(): void {
    flushTimer = undefined;
    const batch = finished;
    finished = [];
    flushing = flushing.then(async () => {
      try {
        await store.webhooks.recordAttempts(batch.map(({ done: _done, ...f }) => f));
        for (const f of batch) f.done();
      } catch (err) {
        for (const f of batch) f.done(err);
      }
    });
  }

  const record = (f: FinishedAttempt) =>
    new Promise<void>((resolve, reject) => {
      finished.push({ ...f, done: (err) => (err ? reject(err) : resolve()) });
      flushTimer ??= setTimeout(flush, RECORD_BATCH_MS);
    });

  async function attempt(d: Delivery): Promise<void> {
    const started = clock.now();
    const headers = signatureHeaders(options.secrets, d.eventId, new Date(started), d.body);
    const result = await postWebhook(d.endpoint, headers, d.body, { timeoutMs: options.timeoutMs, allowPrivate: options.allowPrivate });
    const at = clock.now();
    let outcome: AttemptResult;
    let retryAt: number | undefined;
    if (result.status !== null && result.status >= 200 && result.status < 300) {
      outcome = 'delivered';
      circuits.success(d.endpoint);
    } else {
      if (result.retryable) circuits.failure(d.endpoint);
      retryAt = at + retryDelayMs(d.attempts + 1, options.retryBaseMs, result.retryAfterMs);
      outcome = result.retryable && retryAt <= d.createdAt + options.horizonMs ? 'retry' : 'failed';
    }
    await record({ delivery: d, at: started, latencyMs: at - started, status: result.status, error: result.error, result: outcome, retryAt });
    options.onAttempt?.(d, result, outcome, at - started);
    // The origin only: a receiver's URL may carry a token of its own in its path or query.
    if (outcome !== 'delivered') logger.warn({ deliveryId: d.id, type: d.type, endpoint: new URL(d.endpoint).origin, status: result.status, error: result.error, outcome }, 'webhook delivery failed');
  }

  function busyEndpoints(): string[] {
    const busy = new Set(circuits.open());
    for (const [endpoint, n] of perEndpointActive) if (n >= perEndpoint) busy.add(endpoint);
    return [...busy];
  }

  async function round(): Promise<void> {
    const capacity = concurrency - active.size;
    if (capacity <= 0) return;
    const claimed = await store.webhooks.claim(owner, {
      limit: capacity,
      now: clock.now(),
      leaseMs,
      skipEndpoints: busyEndpoints(),
      perEndpoint,
      active: perEndpointActive,
      // After a round that found work, look for more straight away rather than first asking whether there is any.
      probe: !backlog,
    });
    backlog = claimed.length > 0;
    for (const d of claimed) {
      // The claim took no more than each endpoint's free slots; a circuit may have opened while it ran.
      const blockedUntil = circuits.blockedUntil(d.endpoint);
      if (blockedUntil) {
        await store.webhooks.release(d.id, owner, blockedUntil);
        continue;
      }
      perEndpointActive.set(d.endpoint, (perEndpointActive.get(d.endpoint) ?? 0) + 1);
      const work = attempt(d)
        .catch((err) => logger.error({ err, deliveryId: d.id }, 'recording a webhook attempt failed; the lease expires and it is tried again'))
        .finally(() => {
          active.delete(d.id);
          perEndpointActive.set(d.endpoint, (perEndpointActive.get(d.endpoint) ?? 1) - 1);
          // A claim per finished attempt would cost a round trip per delivery: while there is work, claim
          // again once the endpoint's round is over (its attempts finish close together and are recorded
          // together); otherwise the next poll picks up what came in.
          if (loop.isRunning() && backlog && !perEndpointActive.get(d.endpoint)) setImmediate(loop.wake);
        });
      active.set(d.id, work);
    }
  }

  const loop = createPollLoop({
    pollMs,
    round,
    onError: (err) => logger.error({ err }, 'webhook deliverer round failed; retrying on the next poll'),
    inFlight: () => active.values(),
  });

  return {
    /** As the dispatcher does: a restarted instance takes back at once what its previous life had leased. */
    async start(): Promise<void> {
      if (store.kind === 'sqlite') await store.webhooks.clearLeases();
      else if (options.ownerIsStable) await store.webhooks.clearLeases(owner);
      loop.start();
    },
    wake: loop.wake,
    /** Stops claiming and waits for attempts in flight, at most `deadlineMs`; an unfinished one is retried after its lease. */
    async stop(deadlineMs: number): Promise<void> {
      if (flushTimer) {
        clearTimeout(flushTimer);
        flush();
      }
      await loop.stop(deadlineMs);
    },
  };
}

export type Deliverer = ReturnType<typeof createDeliverer>;
