import { Clock, systemClock } from '../../src/clock';

/** Real time plus an offset the test moves forward, to bring far-off timers due without waiting. */
export function offsetClock(): Clock & { advance(ms: number): void } {
  let offset = 0;
  return {
    now: () => Date.now() + offset,
    sleep: systemClock.sleep,
    advance: (ms) => {
      offset += ms;
    },
  };
}
