/**
 * eventTime carries 100-nanosecond digits (`…T20:08:39.0157964Z`), and events
 * of one leg often share a millisecond. Ordering by milliseconds alone would
 * leave such events in arrival order, which the network may have swapped, so
 * the instant is kept as milliseconds plus the 100 ns ticks within them.
 */
export interface EventInstant {
  ms: number;
  /** 0 … 9999: hundreds of nanoseconds within `ms`. */
  tick: number;
}

const FRACTION = /\.(\d+)/;

export function eventInstant(iso: string): EventInstant {
  const ms = Date.parse(iso);
  const digits = FRACTION.exec(iso)?.[1] ?? '';
  return { ms, tick: Number(digits.slice(3, 7).padEnd(4, '0')) };
}

export function compareInstants(a: EventInstant, b: EventInstant): number {
  return a.ms - b.ms || a.tick - b.tick;
}
