import type { Clock } from '../clock';

export type Cancel = () => void;

/** The timers of one call leg (or conversation), stopped together when it ends. */
export interface TimerGroup {
  /** Runs `fn` after `ms` emulated milliseconds (multiplied by the time scale). */
  after(ms: number, fn: () => void): Cancel;
  cancelAll(): void;
}

export interface Timers {
  group(): TimerGroup;
  /** Emulated time: ring, audio, scripted keys, hang-ups, retry backoff. */
  scaled(ms: number): number;
  /** Waits emulated milliseconds; rejects when `signal` aborts. */
  sleepScaled(ms: number, signal: AbortSignal): Promise<void>;
  /** Waits real milliseconds (fault delays); rejects when `signal` aborts. */
  sleepReal(ms: number, signal: AbortSignal): Promise<void>;
  /** Stops every timer of every group; used by reset and close. */
  cancelAll(): void;
}

/**
 * Every delay goes through the injected clock so tests can drive time, and
 * through here so close() and reset() can stop all of them: one
 * AbortController per pending timer, tracked both globally and per group.
 */
export function createTimers(clock: Clock, timeScale: number, onError: (err: unknown) => void): Timers {
  const live = new Set<AbortController>();

  const scaled = (ms: number) => Math.max(0, ms * timeScale);

  function start(ms: number, fn: () => void, owner: Set<AbortController> | undefined): Cancel {
    const controller = new AbortController();
    live.add(controller);
    owner?.add(controller);
    const forget = () => {
      live.delete(controller);
      owner?.delete(controller);
    };
    clock.sleep(scaled(ms), controller.signal).then(
      () => {
        forget();
        try {
          fn();
        } catch (err) {
          onError(err);
        }
      },
      forget,
    );
    return () => {
      forget();
      controller.abort();
    };
  }

  return {
    group() {
      const mine = new Set<AbortController>();
      return {
        after: (ms, fn) => start(ms, fn, mine),
        cancelAll() {
          for (const c of [...mine]) {
            live.delete(c);
            c.abort();
          }
          mine.clear();
        },
      };
    },
    scaled,
    sleepScaled: (ms, signal) => clock.sleep(scaled(ms), signal),
    sleepReal: (ms, signal) => clock.sleep(ms, signal),
    cancelAll() {
      for (const c of [...live]) c.abort();
      live.clear();
    },
  };
}
