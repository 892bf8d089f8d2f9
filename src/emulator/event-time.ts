import type { Clock } from '../clock';

/**
 * eventTime as the service writes it: ISO 8601, seven fractional digits, Z.
 * callhook orders events queued together by eventTime, so two events emitted
 * in the same millisecond (Terminating and Terminated, say) must still
 * compare in emission order: the sub-millisecond digits count up within a
 * millisecond, and the clock is never allowed to step backwards.
 */
export function createEventTime(clock: Clock): () => string {
  let lastMs = 0;
  let sub = 0;
  return () => {
    let ms = clock.now();
    if (ms > lastMs) {
      sub = 0;
    } else {
      ms = lastMs;
      sub += 1;
      if (sub > 9999) {
        ms += 1;
        sub = 0;
      }
    }
    lastMs = ms;
    return `${new Date(ms).toISOString().slice(0, -1)}${String(sub).padStart(4, '0')}Z`;
  };
}
