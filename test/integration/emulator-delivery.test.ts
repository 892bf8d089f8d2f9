import { randomUUID } from 'node:crypto';
import { assertSeedShaped, describeEvent } from '../helpers/emulator-events';
import {
  callApi,
  control,
  createCallBody,
  useEmulatorAndReceiver,
  waitFor,
  type Receiver,
  type RunningEmulator,
} from '../helpers/emulator-harness';

let acs: RunningEmulator;
let rx: Receiver;

useEmulatorAndReceiver({ timeScale: 0.01 }, (a, r) => ((acs = a), (rx = r)));
beforeEach(async () => {
  expect((await control(acs, 'POST', '/reset')).status).toBe(200);
  rx.respond(() => 200);
});

const LIFE = ['callState Establishing conv=null', 'callState Established conv=set', 'callState Terminating conv=set', 'callState Terminated conv=set'];

/** A call that answers and hangs itself up: exactly the four call-state events, nothing else requested. */
async function shortCall(): Promise<{ callLegId: string; path: string }> {
  const target = `+1425555${String(Math.floor(Math.random() * 10_000)).padStart(4, '0')}`;
  await control(acs, 'POST', '/scripts', { target, hangUpAfterMs: 1000 });
  const path = `/cb/${randomUUID()}`;
  const res = await callApi(acs, 'POST', '/calling/calls', createCallBody(`${rx.baseUrl}${path}`, { phoneNumber: { value: target } }, { requestedCallEvents: [] }));
  expect(res.status).toBe(200);
  return { callLegId: res.body.callLegId, path };
}

/** The leg's own log once it has ended and every event is out of the queue. */
async function settled(callLegId: string) {
  return waitFor(`leg ${callLegId} settled`, async () => {
    const leg = (await control(acs, 'GET', `/calls/${callLegId}`)).body;
    return leg.state === 'Terminated' && leg.events.length === 4 && leg.events.every((e: { outcome: string }) => e.outcome !== 'pending') ? leg : undefined;
  });
}

const postsTo = (path: string) => rx.posts.filter((p) => p.path === path);

describe('event delivery', () => {
  it('retries a 500 with backoff, keeping the leg in order, until the receiver accepts', async () => {
    let failures = 2;
    rx.respond(() => (failures-- > 0 ? 500 : 200));
    const call = await shortCall();
    const leg = await settled(call.callLegId);

    const posts = postsTo(call.path);
    expect(posts.map((p) => `${describeEvent(p.body as Record<string, any>)} ${p.status}`)).toEqual([
      `${LIFE[0]} 500`,
      `${LIFE[0]} 500`,
      `${LIFE[0]} 200`,
      `${LIFE[1]} 200`,
      `${LIFE[2]} 200`,
      `${LIFE[3]} 200`,
    ]);
    expect(leg.events[0].attempts.map((a: { status: number }) => a.status)).toEqual([500, 500, 200]);
    expect(leg.events.map((e: { outcome: string }) => e.outcome)).toEqual(['delivered', 'delivered', 'delivered', 'delivered']);
    assertSeedShaped(rx.events(call.path));
  });

  it('retries an attempt that times out', async () => {
    await control(acs, 'PUT', '/faults', { attemptTimeoutMs: 200 });
    let slow = true;
    rx.respond(() => {
      if (!slow) return 200;
      slow = false;
      return { status: 200, delayMs: 5000 };
    });
    const call = await shortCall();
    const leg = await settled(call.callLegId);
    expect(postsTo(call.path).map((p) => describeEvent(p.body as Record<string, any>))).toEqual([LIFE[0], LIFE[0], ...LIFE.slice(1)]);
    expect(leg.events[0].attempts).toEqual([
      { at: expect.any(Number), status: null, error: expect.stringMatching(/200 ms/) },
      { at: expect.any(Number), status: 200 },
    ]);
  });

  it.each([400, 401, 403, 413])('does not retry a %i, records it, and goes on with the next event', async (status) => {
    rx.respond(() => status);
    const call = await shortCall();
    const leg = await settled(call.callLegId);
    expect(postsTo(call.path).map((p) => describeEvent(p.body as Record<string, any>))).toEqual(LIFE);
    expect(leg.events.map((e: { outcome: string; attempts: unknown[] }) => [e.outcome, e.attempts.length])).toEqual([
      ['rejected', 1],
      ['rejected', 1],
      ['rejected', 1],
      ['rejected', 1],
    ]);
    const { deadLetters } = (await control(acs, 'GET', '/deliveries')).body;
    expect(deadLetters.filter((d: { callLegId: string }) => d.callLegId === call.callLegId)).toHaveLength(4);
    expect(deadLetters[0]).toMatchObject({ outcome: 'rejected', lastStatus: status, attempts: 1 });
  });

  it('gives up after maxAttempts and records it', async () => {
    await control(acs, 'PUT', '/faults', { maxAttempts: 3 });
    rx.respond(() => 503);
    const call = await shortCall();
    const leg = await settled(call.callLegId);
    expect(postsTo(call.path)).toHaveLength(12);
    expect(leg.events.map((e: { outcome: string; attempts: unknown[] }) => [e.outcome, e.attempts.length])).toEqual(Array(4).fill(['gaveUp', 3]));
    const { stats, deadLetters } = (await control(acs, 'GET', '/deliveries')).body;
    expect(stats).toMatchObject({ gaveUp: 4, delivered: 0, attempts: 12, failedAttempts: 12 });
    expect(deadLetters.map((d: { outcome: string }) => d.outcome)).toEqual(Array(4).fill('gaveUp'));
  });

  it('duplicates every event when duplicateRate is 1, byte for byte', async () => {
    await control(acs, 'PUT', '/faults', { duplicateRate: 1 });
    const call = await shortCall();
    await waitFor('8 posts', () => postsTo(call.path).length === 8);
    await settled(call.callLegId);
    // An event counts as delivered at its first answer; its duplicate's attempt is recorded when that one is answered.
    const leg = await waitFor('every duplicate attempt recorded', async () => {
      const view = (await control(acs, 'GET', `/calls/${call.callLegId}`)).body;
      return view.events.every((e: { attempts: unknown[] }) => e.attempts.length === 2) ? view : undefined;
    });
    const bodies = postsTo(call.path).map((p) => JSON.stringify(p.body));
    expect(bodies).toHaveLength(8);
    for (let i = 0; i < 8; i += 2) expect(bodies[i + 1]).toBe(bodies[i]);
    expect(new Set(bodies).size).toBe(4);
    expect(leg.events.every((e: { attempts: Array<{ duplicate?: true }> }) => e.attempts.length === 2 && e.attempts[1].duplicate === true)).toBe(true);
    expect((await control(acs, 'GET', '/deliveries')).body.stats.duplicatesSent).toBe(4);
  });

  it('holds each event back behind the next one when reorderRate is 1', async () => {
    await control(acs, 'PUT', '/faults', { reorderRate: 1, reorderHoldMs: 5000 });
    const call = await shortCall();
    const leg = await settled(call.callLegId);
    const received = postsTo(call.path).map((p) => describeEvent(p.body as Record<string, any>));
    expect(received).toEqual([LIFE[1], LIFE[0], LIFE[3], LIFE[2]]);
    expect(leg.events.filter((e: { reordered?: true }) => e.reordered).length).toBe(2);
    expect((await control(acs, 'GET', '/deliveries')).body.stats.reordered).toBe(2);
  });

  it('injects failed attempts (nothing sent) and still delivers each event once, reproducibly by seed', async () => {
    await control(acs, 'PUT', '/faults', { failureRate: 0.5, seed: 7 });
    const call = await shortCall();
    const leg = await settled(call.callLegId);
    expect(postsTo(call.path).map((p) => describeEvent(p.body as Record<string, any>))).toEqual(LIFE);
    const injected = leg.events.flatMap((e: { attempts: Array<{ error?: string }> }) => e.attempts).filter((a: { error?: string }) => a.error?.startsWith('injected'));
    expect(injected.length).toBeGreaterThan(0);
    expect(leg.events.every((e: { outcome: string }) => e.outcome === 'delivered')).toBe(true);
  });

  it('batches queued events of a leg into JSON arrays', async () => {
    await control(acs, 'PUT', '/faults', { batchSize: 3, delayMs: { min: 100, max: 100 } });
    const call = await shortCall();
    await settled(call.callLegId);
    const posts = postsTo(call.path);
    expect(posts.every((p) => Array.isArray(p.body))).toBe(true);
    expect(posts.some((p) => (p.body as unknown[]).length > 1)).toBe(true);
    expect(rx.events(call.path).map(describeEvent)).toEqual(LIFE);
  });

  it('keeps order under random delays', async () => {
    await control(acs, 'PUT', '/faults', { delayMs: { min: 0, max: 30 }, seed: 3 });
    const call = await shortCall();
    await settled(call.callLegId);
    expect(rx.events(call.path).map(describeEvent)).toEqual(LIFE);
  });

  it('delivers to different legs independently: a stuck receiver does not hold other calls', async () => {
    const stuck = await shortCall();
    rx.respond(({ path }) => (path === stuck.path ? { status: 200, delayMs: 3000 } : 200));
    // The stuck leg's first event may already be through; from the next one on it hangs.
    const free = await shortCall();
    await settled(free.callLegId);
    expect(rx.events(free.path).map(describeEvent)).toEqual(LIFE);
    expect(rx.events(stuck.path).length).toBeLessThan(4);
  });

  it('reset drops pending deliveries and forgets legs', async () => {
    rx.respond(() => ({ status: 200, delayMs: 3000 }));
    const call = await shortCall();
    await waitFor('first post', () => postsTo(call.path).length >= 1);
    await control(acs, 'POST', '/reset');
    expect((await control(acs, 'GET', `/calls/${call.callLegId}`)).status).toBe(404);
    expect((await control(acs, 'GET', '/deliveries')).body.stats).toMatchObject({ queued: 0, inFlight: 0 });
  });
});
