import { createRepeatabilityStore, type RepeatabilityDecision } from '../../src/emulator/repeatability';

const WINDOW = 10 * 60_000;
const T0 = Date.UTC(2024, 0, 1, 12, 0, 0);

function input(overrides: Partial<Parameters<ReturnType<typeof createRepeatabilityStore>['check']>[0]> = {}) {
  return { requestId: 'r-1', firstSent: undefined, method: 'POST', path: '/calling/calls', body: Buffer.from('{"a":1}'), now: T0, ...overrides };
}

function remembered(store: ReturnType<typeof createRepeatabilityStore>, decision: RepeatabilityDecision, status = 200) {
  if (decision.kind !== 'new') throw new Error(`expected new, got ${decision.kind}`);
  store.remember(decision, { status, body: { callLegId: 'leg-1' } }, T0);
}

describe('repeatability store', () => {
  it('does nothing for a request without an id', () => {
    expect(createRepeatabilityStore({ windowMs: WINDOW, maxEntries: 10 }).check(input({ requestId: undefined })).kind).toBe('none');
  });

  it('replays the first answer for the same id and body, with Repeatability-Result: accepted', () => {
    const store = createRepeatabilityStore({ windowMs: WINDOW, maxEntries: 10 });
    remembered(store, store.check(input()));
    const again = store.check(input({ now: T0 + 1000 }));
    expect(again).toEqual({
      kind: 'replay',
      requestId: 'r-1',
      reply: { status: 200, body: { callLegId: 'leg-1' }, headers: { 'Repeatability-Result': 'accepted' } },
    });
  });

  it.each([
    ['body', { body: Buffer.from('{"a":2}') }],
    ['path', { path: '/calling/calls/x/Hangup' }],
    ['method', { method: 'DELETE' }],
  ])('rejects the same id with a different %s as 409', (_what, change) => {
    const store = createRepeatabilityStore({ windowMs: WINDOW, maxEntries: 10 });
    remembered(store, store.check(input()));
    const decision = store.check(input(change));
    expect(decision.kind).toBe('reject');
    if (decision.kind !== 'reject') return;
    expect(decision.reply.status).toBe(409);
    expect(decision.reply.headers).toEqual({ 'Repeatability-Result': 'rejected' });
    expect(decision.reply.body).toMatchObject({ code: 'RepeatabilityConflict' });
  });

  it('forgets ids after the window and refuses a First-Sent older than it with 412', () => {
    const store = createRepeatabilityStore({ windowMs: WINDOW, maxEntries: 10 });
    remembered(store, store.check(input()));
    expect(store.check(input({ now: T0 + WINDOW + 1 })).kind).toBe('new');
    const stale = store.check(input({ now: T0 + WINDOW + 1, firstSent: new Date(T0).toUTCString() }));
    expect(stale.kind === 'reject' && stale.reply.status).toBe(412);
  });

  it('refuses malformed headers with 400', () => {
    const store = createRepeatabilityStore({ windowMs: WINDOW, maxEntries: 10 });
    const badDate = store.check(input({ firstSent: '2024-01-01T12:00:00Z' }));
    expect(badDate.kind === 'reject' && badDate.reply.status).toBe(400);
    const badId = store.check(input({ requestId: 'has space' }));
    expect(badId.kind === 'reject' && badId.reply.status).toBe(400);
  });

  it('does not remember server errors, so a retry runs again', () => {
    const store = createRepeatabilityStore({ windowMs: WINDOW, maxEntries: 10 });
    remembered(store, store.check(input()), 503);
    expect(store.check(input()).kind).toBe('new');
  });

  it('stays within maxEntries by dropping the oldest', () => {
    const store = createRepeatabilityStore({ windowMs: WINDOW, maxEntries: 3 });
    for (let i = 0; i < 5; i++) remembered(store, store.check(input({ requestId: `r-${i}` })));
    expect(store.size()).toBe(3);
    expect(store.check(input({ requestId: 'r-0' })).kind).toBe('new');
    expect(store.check(input({ requestId: 'r-4' })).kind).toBe('replay');
  });
});
