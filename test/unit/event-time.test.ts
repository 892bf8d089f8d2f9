import { compareInstants, eventInstant } from '../../src/events/event-time';

describe('eventInstant', () => {
  it('keeps the 100 ns digits that order events sharing a millisecond', () => {
    const a = eventInstant('2021-05-05T20:08:39.0157963Z');
    const b = eventInstant('2021-05-05T20:08:39.0157964Z');
    expect(a).toEqual({ ms: Date.parse('2021-05-05T20:08:39.015Z'), tick: 7963 });
    expect(compareInstants(a, b)).toBeLessThan(0);
    expect(compareInstants(b, a)).toBeGreaterThan(0);
  });

  it('reads times with fewer digits, none, or an offset', () => {
    expect(eventInstant('2021-05-05T20:08:39Z')).toEqual({ ms: Date.parse('2021-05-05T20:08:39Z'), tick: 0 });
    expect(eventInstant('2021-05-05T20:08:39.5Z').tick).toBe(0);
    expect(eventInstant('2021-05-05T20:08:39.12345+02:00')).toEqual({ ms: Date.parse('2021-05-05T18:08:39.123Z'), tick: 4500 });
  });
});
