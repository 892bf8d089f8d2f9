import { setMaxListeners } from 'node:events';
import type { Clock } from '../../clock';
import type { Logger } from '../../logger';
import type { EmittedEvent } from '../preview/events';
import type { DeliverySettings } from '../faults';
import { between } from '../random';
import { RingBuffer } from '../ring-buffer';
import type { Timers } from '../timers';
import type { Poster } from './http-post';
import { DeadLetter, DeliveryStats, DeliveryRecord, emptyStats } from './records';
import { backoffMs, verdictOf } from './retry-policy';

/**
 * How one generation puts events on the wire: the seed posts a single event
 * (an array only when batching is on); GA always posts a CloudEvents array and
 * signs each POST with a fresh JWT.
 */
export interface WireFormat {
  alwaysArray: boolean;
  headers?: () => Record<string, string>;
}

const SEED_WIRE: WireFormat = { alwaysArray: false };

export interface Delivery {
  /** Queues an event for the leg `callLegId`; events of one leg go out one at a time, in order. */
  enqueue(callLegId: string, url: string, event: EmittedEvent | object, record: DeliveryRecord, wire?: WireFormat): void;
  stats(): DeliveryStats;
  deadLetters(): DeadLetter[];
  /** Drops every queue and aborts what is in flight; new events are accepted afterwards. */
  reset(): void;
  /** Like reset, then waits for every delivery loop to stop and frees the sockets. */
  close(): Promise<void>;
}

interface Generation {
  controller: AbortController;
  signal: AbortSignal;
  stats: DeliveryStats;
}

function newGeneration(): Generation {
  const controller = new AbortController();
  // Every pending delivery of every leg listens to it: thousands is the normal case, not a leak.
  setMaxListeners(0, controller.signal);
  return { controller, signal: controller.signal, stats: emptyStats() };
}

interface Item {
  event: EmittedEvent | object;
  record: DeliveryRecord;
}

interface Outbox {
  key: string;
  callLegId: string;
  url: string;
  wire: WireFormat;
  items: Item[];
  inFlight: Item[];
  running: boolean;
  /** Set while a held event waits for the next one. */
  wake: (() => void) | null;
}

export interface DeliveryDeps {
  clock: Clock;
  timers: Timers;
  poster: Poster;
  logger: Logger;
  settings: () => DeliverySettings;
  random: () => number;
}

/**
 * Event Grid style push delivery. One outbox per leg (and callback URL) keeps
 * that leg's events in order while legs proceed independently; an outbox
 * exists only while it has work, so idle legs cost nothing.
 */
export function createDelivery(deps: DeliveryDeps): Delivery {
  const { clock, timers, poster, logger, random } = deps;
  const outboxes = new Map<string, Outbox>();
  const loops = new Set<Promise<void>>();
  const dead = new RingBuffer<DeadLetter>(500);
  // reset() starts a new generation: loops of the old one see their signal
  // aborted and only ever touch their own counters.
  let gen = newGeneration();

  function enqueue(callLegId: string, url: string, event: EmittedEvent | object, record: DeliveryRecord, wire = SEED_WIRE): void {
    const key = `${callLegId} ${url}`;
    let box = outboxes.get(key);
    if (!box) {
      box = { key, callLegId, url, wire, items: [], inFlight: [], running: false, wake: null };
      outboxes.set(key, box);
    }
    box.items.push({ event, record });
    gen.stats.queued += 1;
    box.wake?.();
    if (!box.running) start(box, gen);
  }

  function start(box: Outbox, g: Generation): void {
    box.running = true;
    const loop = run(box, g);
    loops.add(loop);
    void loop.finally(() => loops.delete(loop));
  }

  function take(box: Outbox, n: number, stats: DeliveryStats): Item[] {
    const items = box.items.splice(0, n);
    stats.queued -= items.length;
    return items;
  }

  async function run(box: Outbox, g: Generation): Promise<void> {
    const { signal, stats } = g;
    try {
      while (box.items.length > 0 && !signal.aborted) {
        const settings = deps.settings();
        const [head] = take(box, 1, stats);
        if (settings.reorderRate > 0 && random() < settings.reorderRate) {
          if (box.items.length === 0) await waitForNext(box, settings.reorderHoldMs, signal);
          if (box.items.length > 0) {
            head.record.reordered = true;
            stats.reordered += 1;
            box.inFlight.push(head);
            await send(box, take(box, settings.batchSize, stats), settings, g);
            box.inFlight = box.inFlight.filter((i) => i !== head);
          }
        }
        await send(box, [head, ...take(box, settings.batchSize - 1, stats)], settings, g);
      }
    } catch (err) {
      if (!signal.aborted) logger.error({ err, callLegId: box.callLegId }, 'event delivery loop failed');
    } finally {
      box.running = false;
      if (signal.aborted) {
        for (const item of [...box.inFlight, ...box.items]) item.record.outcome = 'dropped';
      } else if (box.items.length > 0) {
        start(box, g);
      } else if (outboxes.get(box.key) === box) {
        outboxes.delete(box.key);
      }
    }
  }

  function waitForNext(box: Outbox, holdMs: number, signal: AbortSignal): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = new AbortController();
      const done = () => {
        box.wake = null;
        timer.abort();
        signal.removeEventListener('abort', done);
        resolve();
      };
      box.wake = done;
      signal.addEventListener('abort', done, { once: true });
      timers.sleepReal(holdMs, timer.signal).then(done, () => undefined);
    });
  }

  async function send(box: Outbox, items: Item[], settings: DeliverySettings, g: Generation): Promise<void> {
    const { signal, stats } = g;
    if (items.length === 0) return;
    box.inFlight.push(...items);
    stats.inFlight += items.length;
    try {
      const batched = settings.batchSize > 1;
      const payload = JSON.stringify(batched || box.wire.alwaysArray ? items.map((i) => i.event) : items[0].event);
      if (batched) for (const i of items) i.record.batch = items.length;
      if (settings.delayMs.max > 0) await timers.sleepReal(between(random, settings.delayMs.min, settings.delayMs.max), signal);

      let verdict = verdictOf(null);
      for (let attempt = 1; attempt <= settings.maxAttempts; attempt++) {
        if (attempt > 1) await timers.sleepScaled(backoffMs(attempt - 1, settings.retryBaseMs, settings.retryMaxMs), signal);
        const at = clock.now();
        const outcome =
          settings.failureRate > 0 && random() < settings.failureRate
            ? { status: null, error: 'injected failure (not sent)' }
            : await poster.post(box.url, payload, settings.attemptTimeoutMs, signal, box.wire.headers?.());
        if (signal.aborted) return;
        for (const i of items) i.record.attempts.push(outcome.error ? { at, status: outcome.status, error: outcome.error } : { at, status: outcome.status });
        stats.attempts += 1;
        verdict = verdictOf(outcome.status);
        if (verdict !== 'retry') break;
        stats.failedAttempts += 1;
      }

      const outcome = verdict === 'delivered' ? 'delivered' : verdict === 'rejected' ? 'rejected' : 'gaveUp';
      for (const i of items) i.record.outcome = outcome;
      stats[outcome] += items.length;
      if (outcome !== 'delivered') {
        recordDeadLetters(box, items, outcome);
      } else if (settings.duplicateRate > 0 && random() < settings.duplicateRate) {
        const at = clock.now();
        const copy = await poster.post(box.url, payload, settings.attemptTimeoutMs, signal, box.wire.headers?.());
        if (signal.aborted) return;
        for (const i of items) i.record.attempts.push({ at, status: copy.status, duplicate: true });
        stats.duplicatesSent += 1;
      }
    } finally {
      stats.inFlight -= items.length;
      if (!signal.aborted) box.inFlight = box.inFlight.filter((i) => !items.includes(i));
    }
  }

  function recordDeadLetters(box: Outbox, items: Item[], outcome: 'rejected' | 'gaveUp'): void {
    const last = items[0].record.attempts.at(-1);
    for (const i of items) {
      dead.push({
        at: clock.now(),
        callLegId: box.callLegId,
        url: box.url,
        eventType: i.record.eventType,
        eventTime: i.record.eventTime,
        outcome,
        attempts: i.record.attempts.length,
        lastStatus: last?.status ?? null,
        lastError: last?.error,
      });
    }
    logger.warn(
      { callLegId: box.callLegId, url: box.url, eventTypes: items.map((i) => i.record.eventType), outcome, attempts: last ? items[0].record.attempts.length : 0, lastStatus: last?.status ?? null },
      outcome === 'rejected' ? 'callback endpoint rejected the event; not retried' : 'event delivery gave up after its last attempt',
    );
  }

  function reset(): void {
    gen.controller.abort();
    gen = newGeneration();
    outboxes.clear();
    dead.clear();
  }

  return {
    enqueue,
    stats: () => ({ ...gen.stats }),
    deadLetters: () => dead.toArray(),
    reset,
    async close() {
      gen.controller.abort();
      outboxes.clear();
      await Promise.allSettled([...loops]);
      poster.destroy();
    },
  };
}
