import type { Clock } from '../../src/clock';

/**
 * A Clock that only moves when the test says so: sleeps resolve as
 * `advance()` passes their deadline, in deadline order, letting the work each
 * one triggers run before the next fires.
 */
export function createManualClock(start: number) {
  let now = start;
  let pending: Array<{ at: number; resolve: () => void }> = [];
  const clock: Clock = {
    now: () => now,
    sleep: (ms, signal) =>
      new Promise<void>((resolve, reject) => {
        if (signal?.aborted) return reject(signal.reason);
        const entry = { at: now + Math.max(0, ms), resolve };
        pending.push(entry);
        signal?.addEventListener(
          'abort',
          () => {
            pending = pending.filter((p) => p !== entry);
            reject(signal.reason);
          },
          { once: true },
        );
      }),
  };
  const settle = () => new Promise<void>((resolve) => setImmediate(resolve));
  return {
    clock,
    set(ms: number) {
      now = ms;
    },
    async advance(ms: number) {
      const target = now + ms;
      for (;;) {
        await settle();
        pending.sort((a, b) => a.at - b.at);
        const next = pending[0];
        if (!next || next.at > target) break;
        pending.shift();
        now = next.at;
        next.resolve();
      }
      now = target;
      await settle();
    },
    pendingCount: () => pending.length,
  };
}
