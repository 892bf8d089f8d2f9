import { describeOpening, nextWindowOpening } from '../../src/workflows/calling-window';

const at = (iso: string) => Date.parse(iso);
const next = (window: Parameters<typeof nextWindowOpening>[0], from: string) => {
  const opening = nextWindowOpening(window, at(from));
  return opening === undefined ? undefined : new Date(opening).toISOString();
};

describe('when a closed calling window opens next', () => {
  const office = { start: '09:00', end: '18:00', timeZone: 'Europe/Paris', days: [1, 2, 3, 4, 5] };

  it('is the next start on an allowed day, in the window\'s own zone', () => {
    expect(next(office, '2026-12-02T20:00:00Z')).toBe('2026-12-03T08:00:00.000Z'); // Wed evening → Thu 09:00 CET
    expect(next(office, '2026-12-04T18:30:00Z')).toBe('2026-12-07T08:00:00.000Z'); // Fri evening → Mon
    expect(describeOpening(office, at('2026-12-07T08:00:00Z'))).toBe('Mon 7 Dec 09:00 Europe/Paris');
  });

  it('follows daylight-saving changes between now and the opening', () => {
    const daily = { ...office, days: undefined };
    expect(next(daily, '2026-03-28T20:00:00Z')).toBe('2026-03-29T07:00:00.000Z'); // CET evening → CEST morning
    expect(next(daily, '2026-10-24T23:00:00Z')).toBe('2026-10-25T08:00:00.000Z'); // CEST night → CET morning
    // 02:30 does not exist on that night in New York: the window opens when clocks jump to 03:00.
    expect(next({ start: '02:30', end: '04:00', timeZone: 'America/New_York' }, '2026-03-08T05:00:00Z')).toBe('2026-03-08T07:00:00.000Z');
  });

  it('treats a window spanning midnight as belonging to the day it starts', () => {
    expect(next({ start: '22:00', end: '02:00', timeZone: 'UTC', days: [5] }, '2026-12-02T12:00:00Z')).toBe('2026-12-04T22:00:00.000Z');
  });
});
