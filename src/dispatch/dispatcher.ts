import type { Clock } from '../clock';
import { deterministicUuid } from '../ids';
import type { Logger } from '../logger';
import type { CallRecord, Store } from '../store';
import type { InboxEvent } from '../store/inbox';
import { toDomainEvent } from '../events/to-domain';
import type { HandlerContext } from './context';
import type { HandlerRegistry } from './registry';
import { remember, rewind } from './workflow-state';

export interface DispatcherOptions {
  /** This instance's name on leases. */
  owner: string;
  /** True when `owner` is a stable name: leases under it are from this instance's previous life. */
  ownerIsStable?: boolean;
  store: Store;
  registry: HandlerRegistry<HandlerContext>;
  /** Builds the parts of a handler's context that do not depend on the event. */
  context: Pick<HandlerContext, 'client' | 'clock' | 'settings' | 'store'>;
  clock: Clock;
  logger: Logger;
  /** Calls handled in parallel; one call's events are always handled one at a time. */
  concurrency: number;
  pollMs?: number;
  leaseMs?: number;
  maxAttempts?: number;
  retryBaseMs?: number;
  onHandled?: (event: InboxEvent, outcome: HandledOutcome, durationMs: number) => void;
}

export type HandledOutcome = 'handled' | 'ignored' | 'retry' | 'failed';

/**
 * Moves events from the inbox to their handlers. Calls are leased (so several
 * instances can share a Postgres database), each leased call is drained in
 * eventTime order, and an event is marked handled only after its handler
 * returns: a crash re-runs it, and handlers are written to be re-run.
 */
export function createDispatcher(options: DispatcherOptions) {
  const { store, registry, clock, logger } = options;
  const pollMs = options.pollMs ?? 200;
  const leaseMs = options.leaseMs ?? 15_000;
  const maxAttempts = options.maxAttempts ?? 5;
  const retryBaseMs = options.retryBaseMs ?? 1_000;
  const { owner } = options;

  const active = new Map<string, Promise<void>>();
  let running = false;
  let ticking = false;
  let again = false;
  let pollTimer: NodeJS.Timeout | undefined;
  let heartbeat: NodeJS.Timeout | undefined;

  // Timers fire at most one poll late: the earliest due time is looked up once per poll
  // interval, not on every tick (ticks run on every commit; most would find nothing due).
  let timersCheckedAt = -Infinity;
  let earliestDue: number | null = null;
  async function fireTimers(): Promise<void> {
    const now = clock.now();
    if (now - timersCheckedAt >= pollMs) {
      earliestDue = await store.timers.nextDueAt();
      timersCheckedAt = now;
    }
    if (earliestDue !== null && earliestDue <= now) {
      await store.tx((r) => r.timers.fireDue(now, 500));
      timersCheckedAt = -Infinity;
    }
  }

  async function tick(): Promise<void> {
    if (ticking) {
      again = true;
      return;
    }
    ticking = true;
    try {
      do {
        again = false;
        if (!running) return;
        await fireTimers();
        const capacity = options.concurrency - active.size;
        if (capacity <= 0) return;
        const ids = await store.inbox.claimCalls(owner, capacity, clock.now(), leaseMs);
        for (const id of ids) {
          const work = drain(id).finally(() => {
            active.delete(id);
            wake();
          });
          active.set(id, work);
        }
      } while (again);
    } catch (err) {
      logger.error({ err }, 'dispatcher tick failed; retrying on the next poll');
    } finally {
      ticking = false;
    }
  }

  async function drain(callId: string): Promise<void> {
    let released = false;
    try {
      while (running) {
        // The call is read with its next event: it is read fresh for every event, in the same round trip.
        const next = await store.inbox.nextWithCall(callId, clock.now());
        if (!next || !next.due) break;
        if ((await handle(next.event, next.call)) === 'retry') break;
        // Most calls have nothing more due once an event is handled: release in the same statement as
        // the check, instead of a read that finds nothing and then the release.
        if ((released = await store.inbox.releaseLeaseIfIdle(owner, callId, clock.now()))) break;
      }
    } catch (err) {
      logger.error({ err, callId }, 'draining a call failed; its events stay in the inbox');
    } finally {
      if (!released) await store.inbox.releaseLease(owner, callId).catch((err) => logger.error({ err, callId }, 'releasing a lease failed'));
    }
  }

  /** Returns 'retry' when the call's queue must wait for this event to be retried. */
  async function handle(event: InboxEvent, call: CallRecord): Promise<HandledOutcome> {
    const started = clock.now();
    const log = logger.child({ callId: call.id, callLegId: call.callLegId ?? event.callLegId ?? undefined, eventType: event.eventType, seq: event.seq });
    const domain = toDomainEvent(event);
    const handler = domain ? registry.get(domain.kind) : undefined;

    await store.timeline.append({
      callId: call.id,
      at: started,
      kind: event.source === 'timer' ? 'timer' : 'event',
      name: event.eventType,
      detail: (event.body as { data?: unknown }).data ?? event.body,
      dedupeKey: `inbox:${event.seq}`,
    });

    if (!handler) {
      await store.inbox.finish(event.seq, 'ignored', clock.now(), event.known ? 'no handler registered' : 'unknown event type');
      return report(event, 'ignored', started);
    }

    const { state: before, rerun } = rewind(call.workflow, event.seq);
    if (rerun) log.info('re-running an event whose handling was interrupted');
    // A re-run starts from `before` whatever was written meanwhile, so the handler's saves are kept in
    // memory and written once, after it returns and before the event is finished.
    let saved = false;
    const ctx: HandlerContext = {
      ...options.context,
      call: { ...call, workflow: before },
      inbox: event,
      logger: log,
      requestId: (purpose) => deterministicUuid('callhook', call.id, event.seq, purpose),
      saveWorkflow: async (patch) => {
        ctx.call = { ...ctx.call, workflow: { ...ctx.call.workflow, ...patch } };
        saved = true;
      },
      updateCall: async (patch) => {
        const updated = await store.calls.update(call.id, patch, call);
        if (updated) ctx.call = { ...updated, workflow: ctx.call.workflow };
      },
    };
    try {
      await handler(domain, ctx);
      if (saved) await store.calls.update(call.id, { workflow: remember(ctx.call.workflow, event.seq, before) }, ctx.call);
      await store.inbox.finish(event.seq, 'handled', clock.now());
      return report(event, 'handled', started);
    } catch (err) {
      const attempts = event.attempts + 1;
      const message = err instanceof Error ? err.message : String(err);
      if (attempts < maxAttempts) {
        const delay = retryBaseMs * 2 ** (attempts - 1);
        log.warn({ err, attempts, retryInMs: delay }, 'handler failed; will retry');
        await store.inbox.retryLater(event.seq, clock.now() + delay, message);
        return report(event, 'retry', started);
      }
      log.error({ err, attempts }, 'handler failed for the last time; event parked as failed');
      await store.tx(async (r) => {
        await r.inbox.finish(event.seq, 'failed', clock.now(), message);
        await r.timeline.append({ callId: call.id, at: clock.now(), kind: 'note', name: 'handler_failed', status: 'failed', detail: { eventType: event.eventType, error: message } });
      });
      return report(event, 'failed', started);
    }
  }

  function report(event: InboxEvent, outcome: HandledOutcome, started: number): HandledOutcome {
    options.onHandled?.(event, outcome, clock.now() - started);
    return outcome;
  }

  // Every commit and every finished call wakes the dispatcher; one tick per turn of the event loop
  // serves all the wakes of that turn (it sees everything committed before it runs).
  let wakeQueued = false;
  function wake(): void {
    if (!running || wakeQueued) return;
    wakeQueued = true;
    setImmediate(() => {
      wakeQueued = false;
      void tick();
    });
  }

  return {
    owner,

    async start(): Promise<void> {
      if (running || options.concurrency === 0) return;
      // SQLite is one instance by definition: whatever is leased was leased by a process that is gone.
      // On Postgres, other instances' leases expire on their own; a stable name takes back its own at once.
      if (store.kind === 'sqlite') await store.inbox.clearLeases();
      else if (options.ownerIsStable) await store.inbox.clearLeases(owner);
      running = true;
      pollTimer = setInterval(() => void tick(), pollMs);
      heartbeat = setInterval(() => {
        if (active.size === 0) return;
        store.inbox
          .renewLeases(owner, [...active.keys()], clock.now() + leaseMs)
          .catch((err) => logger.error({ err }, 'renewing leases failed'));
      }, Math.max(100, Math.floor(leaseMs / 3)));
      wake();
    },

    wake,

    /** Stops taking work and waits for in-flight handlers, at most `deadlineMs`. Returns whether all finished. */
    async stop(deadlineMs: number): Promise<boolean> {
      running = false;
      clearInterval(pollTimer);
      const all = Promise.allSettled([...active.values()]).then(() => true);
      const timeout = new Promise<boolean>((resolve) => setTimeout(() => resolve(false), deadlineMs).unref());
      const drained = await Promise.race([all, timeout]);
      clearInterval(heartbeat);
      return drained;
    },

    activeCalls: () => active.size,
  };
}

export type Dispatcher = ReturnType<typeof createDispatcher>;
