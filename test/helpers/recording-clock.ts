import type { Clock } from '../../src/clock';

/**
 * A Clock whose sleep returns at once, advancing its own time and recording
 * the requested delay, so retry tests assert delays without waiting for them.
 */
export function createRecordingClock(start = Date.now()) {
  let now = start;
  const sleeps: number[] = [];
  const clock: Clock = {
    now: () => now,
    sleep: async (ms, signal) => {
      if (signal?.aborted) throw signal.reason;
      sleeps.push(ms);
      now += ms;
    },
  };
  return { clock, sleeps };
}
