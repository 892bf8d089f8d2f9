import type { Clock } from '../clock';
import { AppError } from '../errors';
import type { ParsedEvent } from '../events/parse';
import type { Store } from '../store';
import type { CallbackLimits, IncomingEvent } from '../store/inbox';

export interface IngestResult {
  accepted: number;
  duplicates: number;
}

/** What was committed for one body: the event types, and whether each was new or a duplicate. */
export interface Committed {
  callId: string;
  eventTypes: string[];
  fresh: boolean[];
}

interface Pending {
  callId: string;
  events: IncomingEvent[];
  resolve(result: IngestResult): void;
  reject(err: unknown): void;
}

/** Bodies committed together at most; more wait for the next commit. */
const MAX_GROUP = 256;

/**
 * Commits callback bodies to the inbox; each promise resolves only once its
 * body is durable. Bodies that arrive while a commit is under way are
 * committed together in the next one (group commit), so a burst of callbacks
 * costs a few disk flushes, not one each. A body that is refused (unknown
 * call, foreign leg) wrote nothing before it was refused, so it fails alone;
 * a body the database itself refuses fails the group's transaction, and the
 * group is then committed body by body.
 */
export function createIngest(deps: { store: Store; clock: Clock; limits?: CallbackLimits; onCommitted?: (committed: Committed) => void }) {
  let queue: Pending[] = [];
  let flushing = false;

  type Outcome = { ok: true; result: IngestResult & { fresh: boolean[] } } | { ok: false; err: unknown };

  /** Commits a group in one durable transaction; throws when the transaction itself fails. */
  async function commit(group: Pending[]): Promise<Outcome[]> {
    const outcomes: Outcome[] = [];
    await deps.store.tx(
      async (r) => {
        outcomes.length = 0;
        const at = deps.clock.now();
        for (const p of group) {
          try {
            outcomes.push({ ok: true, result: await r.inbox.ingest(p.callId, p.events, at, deps.limits) });
          } catch (err) {
            if (!(err instanceof AppError)) throw err;
            outcomes.push({ ok: false, err });
          }
        }
      },
      { durable: true },
    );
    return outcomes;
  }

  function settle(p: Pending, outcome: Outcome): void {
    if (!outcome.ok) return p.reject(outcome.err);
    const { accepted, duplicates, fresh } = outcome.result;
    p.resolve({ accepted, duplicates });
    deps.onCommitted?.({ callId: p.callId, eventTypes: p.events.map((e) => e.eventType), fresh });
  }

  async function flush(): Promise<void> {
    while (queue.length) {
      const group = queue.slice(0, MAX_GROUP);
      queue = queue.slice(group.length);
      try {
        const outcomes = await commit(group);
        group.forEach((p, i) => settle(p, outcomes[i]));
      } catch (err) {
        if (group.length === 1) {
          group[0].reject(err);
          continue;
        }
        // One body the database refuses must not fail the bodies that shared its commit: retry each alone.
        for (const p of group) {
          try {
            settle(p, (await commit([p]))[0]);
          } catch (alone) {
            p.reject(alone);
          }
        }
      }
    }
    flushing = false;
  }

  return function ingest(callId: string, events: ParsedEvent[]): Promise<IngestResult> {
    return new Promise((resolve, reject) => {
      queue.push({
        callId,
        events: events.map((e) => ({
          dedupeKey: e.dedupeKey,
          eventType: e.eventType,
          known: e.known,
          callLegId: e.callLegId,
          eventTimeMs: e.eventTimeMs,
          eventTick: e.eventTick,
          body: e.event,
        })),
        resolve,
        reject,
      });
      if (flushing) return;
      flushing = true;
      // Not at once: a SQLite commit blocks the event loop, so a flush started now would commit this
      // body alone while the bodies read in the same turn wait. On the next turn they share the commit.
      setImmediate(() => void flush());
    });
  };
}

export type Ingest = ReturnType<typeof createIngest>;
