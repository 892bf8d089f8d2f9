import { backoffMs, verdictOf } from '../../src/emulator/delivery/retry-policy';
import { createEventTime } from '../../src/emulator/event-time';
import { RingBuffer } from '../../src/emulator/ring-buffer';
import { seededRandom } from '../../src/emulator/random';
import { createScriptStore, scriptSchema } from '../../src/emulator/scripts';
import { tonesOf } from '../../src/emulator/dtmf';
import type { Clock } from '../../src/clock';

const fixedClock = (times: number[]): Clock => {
  let i = 0;
  return { now: () => times[Math.min(i++, times.length - 1)], sleep: () => Promise.resolve() };
};

describe('eventTime', () => {
  it('has seven fractional digits and Z', () => {
    const next = createEventTime(fixedClock([Date.UTC(2021, 4, 5, 20, 8, 39, 15)]));
    expect(next()).toBe('2021-05-05T20:08:39.0150000Z');
  });

  it('keeps emission order within a millisecond and when the clock steps back', () => {
    const t = Date.UTC(2021, 4, 5, 20, 8, 39, 15);
    const next = createEventTime(fixedClock([t, t, t, t - 5, t + 1]));
    const times = [next(), next(), next(), next(), next()];
    expect(times).toEqual([
      '2021-05-05T20:08:39.0150000Z',
      '2021-05-05T20:08:39.0150001Z',
      '2021-05-05T20:08:39.0150002Z',
      '2021-05-05T20:08:39.0150003Z',
      '2021-05-05T20:08:39.0160000Z',
    ]);
    expect([...times].sort()).toEqual(times);
  });
});

describe('Event Grid retry policy', () => {
  it.each([200, 201, 202, 204])('%i is delivered', (s) => expect(verdictOf(s)).toBe('delivered'));
  it.each([400, 401, 403, 413])('%i is never retried', (s) => expect(verdictOf(s)).toBe('rejected'));
  it.each([205, 404, 408, 429, 500, 503, null])('%s is retried', (s) => expect(verdictOf(s)).toBe('retry'));

  it('backs off exponentially up to the cap', () => {
    expect([1, 2, 3, 4, 5, 6].map((a) => backoffMs(a, 1000, 10_000))).toEqual([1000, 2000, 4000, 8000, 10_000, 10_000]);
  });
});

describe('RingBuffer', () => {
  it('keeps the newest items in order and counts what it dropped', () => {
    const ring = new RingBuffer<number>(3);
    for (let i = 1; i <= 7; i++) ring.push(i);
    expect(ring.toArray()).toEqual([5, 6, 7]);
    expect(ring.dropped).toBe(4);
    expect(ring.size).toBe(3);
  });
});

describe('seededRandom', () => {
  it('repeats for the same seed and stays in [0, 1)', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const xs = Array.from({ length: 1000 }, () => a());
    expect(Array.from({ length: 1000 }, () => b())).toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(seededRandom(43)()).not.toBe(xs[0]);
  });
});

describe('scripts', () => {
  it('normalises the target and walks a call sequence, repeating the last step', () => {
    const store = createScriptStore();
    store.set(scriptSchema.parse({ target: '+14255550123', calls: [{ answer: 'never' }, { answer: 'accept', ringMs: 5 }] }));
    expect(store.get('4:+14255550123')).toBeDefined();
    expect(['4:+14255550123', '4:+14255550123', '4:+14255550123'].map((t) => store.next(t).answer)).toEqual(['never', 'accept', 'accept']);
    expect(store.next('8:acs:someone').answer).toBe('accept');
  });

  it('rejects a key press with both keys and tones, naming the field', () => {
    const result = scriptSchema.safeParse({ target: '8:acs:x', dtmf: [{ afterMs: 1, keys: '1', tones: ['Tone1'] }] });
    expect(result.success).toBe(false);
    expect(result.error!.issues[0].path).toEqual(['dtmf', 0]);
  });
});

describe('tonesOf', () => {
  it('maps keys to the seed tone names', () => {
    expect(tonesOf({ keys: '019*#AD' })).toEqual(['Tone0', 'Tone1', 'Tone9', 'Star', 'Pound', 'A', 'D']);
    expect(tonesOf({ tones: ['Flash'] })).toEqual(['Flash']);
  });
});
